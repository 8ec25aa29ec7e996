"""Settings shared by the whole test suite.

Qt runs headless in tests: the offscreen platform needs no display, so the suite
runs the same on a laptop, a server and CI. A QT_QPA_PLATFORM already set in the
environment wins (e.g. ``QT_QPA_PLATFORM=xcb`` to watch the widgets).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
