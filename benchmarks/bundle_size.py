"""The built app beside the virtual environment: size on disk and start-up time.

    .venv/bin/python benchmarks/bundle_size.py dist/attune [--runs 5]

`./dev bundle` runs it after building. Start-up is timed two ways, each the median of
`--runs` after one discarded warm-up, the app and the venv interleaved, with a fresh data
folder, settings and database per run: `attune-cli --version` (process start to exit: how
quickly the command line answers), and `attune` from process start until its window is shown
on a private X screen (Xvfb, polled with xdotool every 10 ms; skipped when either is missing).
The venv's programs are the ones beside this Python; its size is the whole venv, with any test
and build tools installed in it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLL_S = 0.01
WINDOW_TIMEOUT_S = 60


def folder_size(path: Path) -> int:
    """Bytes in every file under `path` (links not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def private_env(home: Path) -> dict[str, str]:
    """An environment whose data, settings and log folders are all under `home`."""
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               ATTUNE_DB=str(home / "attune.db"))
    return env


def time_version(program: Path) -> float:
    """Milliseconds for `program --version` to answer."""
    with tempfile.TemporaryDirectory() as home:
        began = time.perf_counter()
        subprocess.run([str(program), "--version"], env=private_env(Path(home)), check=True,
                       capture_output=True)
        return (time.perf_counter() - began) * 1000


def time_window(program: Path, display: str) -> float:
    """Milliseconds from starting `program` until a window named Attune is shown."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(private_env(Path(home)), DISPLAY=display, QT_QPA_PLATFORM="xcb")
        began = time.perf_counter()
        proc = subprocess.Popen([str(program)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            while not _window_shown(display):
                if proc.poll() is not None or time.perf_counter() - began > WINDOW_TIMEOUT_S:
                    proc.kill()
                    raise SystemExit(f"{program} showed no window:\n{proc.stderr.read()}")
                time.sleep(POLL_S)
            return (time.perf_counter() - began) * 1000
        finally:
            proc.terminate()
            proc.wait()


def start_xvfb() -> tuple[subprocess.Popen[str], str]:
    """A private X screen on a free display number well above the usual ones (:0 is often
    some other program's); returns the server and its display, once it accepts clients.
    -noreset: without it the server resets each time its last client leaves (each xdotool
    poll), refusing a client that connects then."""
    for _ in range(20):
        number = random.randrange(100, 1000)
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        xvfb = subprocess.Popen(["Xvfb", f":{number}", "-displayfd", "1", "-screen", "0",
                                 "1280x800x24", "-nolisten", "tcp", "-noreset"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if xvfb.stdout.readline().strip() == str(number):  # written once it is ready
            return xvfb, f":{number}"
        xvfb.kill()
        xvfb.wait()
    raise SystemExit("could not start Xvfb")


def _window_shown(display: str) -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Attune$"],
                           env=dict(os.environ, DISPLAY=display), capture_output=True)
    return found.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the built folder (dist/attune)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    suffix = ".exe" if sys.platform == "win32" else ""
    venv_bin = Path(sys.executable).parent
    venv = Path(sys.prefix)
    rows = [("built app", args.bundle, folder_size(args.bundle)),
            ("venv", venv_bin, folder_size(venv))]

    display = None
    xvfb = None
    if shutil.which("Xvfb") and shutil.which("xdotool"):
        xvfb, display = start_xvfb()
    try:
        cli: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        gui: dict[str, list[float]] = {name: [] for name, _, _ in rows}
        for _ in range(args.runs + 1):  # interleaved, so a busy moment costs both alike
            for name, folder, _ in rows:
                cli[name].append(time_version(folder / f"attune-cli{suffix}"))
                if display:
                    gui[name].append(time_window(folder / f"attune{suffix}", display))
        print(f"| {'':9} | size | attune-cli --version | attune: window shown |")
        print("|---|---:|---:|---:|")
        for name, _, size in rows:
            shown = (f"{statistics.median(gui[name][1:]):.0f} ms" if display
                     else "no Xvfb/xdotool")
            print(f"| {name:9} | {size / 2**20:.0f} MB | {statistics.median(cli[name][1:]):.0f} ms "
                  f"| {shown} |", flush=True)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
    print(f"(median of {args.runs} after one warm-up, interleaved; the venv's size is the whole of {venv}, its programs "
          f"{venv_bin}; Python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
