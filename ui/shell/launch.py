"""The `attune` command: loads the app with the garbage collector paused.

Loading Qt's bindings, numpy, pyqtgraph and Attune makes hundreds of thousands of objects
that live as long as the app; the collector would sweep them over and over while they load,
for nothing (about 25 ms, a tenth of start-up). `attune_companion_ui.shell.app.main` resumes it once the first frame
is up, after moving everything start-up made out of its sight (`gc.freeze`).
"""

from __future__ import annotations

import gc


def main() -> int:
    """Run Attune (see `attune_companion_ui.shell.app.main`); returns the exit code."""
    gc.disable()
    from attune_companion_ui.shell.app import main as run_app

    return run_app()
