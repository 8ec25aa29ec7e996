"""The built app (`./dev bundle`, into dist/attune/) on its own: copied to a folder outside the
checkout and run with no Python, no PYTHONPATH and fresh user folders, it answers --version,
records a session, writes a PDF report, shows its window and opens no network socket.

Skipped when no built app exists. CI (.ci/run) and the release workflow build one first; on a
developer's machine `./dev bundle` does (run it again after changing the code, or this tests
the older build). ATTUNE_BUNDLE=/path/to/attune tests another built folder.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attune_companion import about

ROOT = Path(__file__).resolve().parents[1]
BUILT = Path(os.environ.get("ATTUNE_BUNDLE", ROOT / "dist" / "attune"))
EXE = ".exe" if sys.platform == "win32" else ""
CANARY = "CANARY-9Z"
NETWORK_SOCKET = re.compile(r"socket\((AF_INET|AF_INET6|PF_INET|PF_INET6)\b")

pytestmark = pytest.mark.skipif(not (BUILT / f"attune-cli{EXE}").exists(),
                                reason=f"no built app in {BUILT} (./dev bundle builds one)")


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory) -> Path:
    """A copy of the built folder somewhere else, as a clinician would put it."""
    where = tmp_path_factory.mktemp("elsewhere") / "attune"
    shutil.copytree(BUILT, where, symlinks=True)
    return where


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


def clean_env(home: Path) -> dict[str, str]:
    """No Python on the path, no PYTHONPATH or venv, and every user folder under `home`."""
    keep = {k: v for k, v in os.environ.items()
            if k in ("SYSTEMROOT", "TEMP", "TMP", "LANG", "LC_ALL", "USERNAME", "WINDIR")}
    path = os.pathsep.join(p for p in ("/usr/bin", "/bin") if os.path.isdir(p))
    return dict(keep, PATH=path, HOME=str(home), USERPROFILE=str(home),
                LOCALAPPDATA=str(home / "AppData" / "Local"),
                XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                XDG_STATE_HOME=str(home / "state"), QT_QPA_PLATFORM="offscreen")


def traced(command: list[str], trace: Path) -> list[str]:
    """`command` under strace, recording its network calls, where strace exists."""
    if shutil.which("strace") is None:
        return command
    return ["strace", "-f", "-qq", "-e", "trace=network", "-o", str(trace), *command]


def network_sockets(trace: Path) -> list[str]:
    if not trace.exists():
        return []
    return [line for line in trace.read_text().splitlines() if NETWORK_SOCKET.search(line)]


def start_xvfb() -> tuple[subprocess.Popen[str], str]:
    """A private X screen on a free display number well above the usual ones (:0 is often
    some other program's), once it accepts clients. -noreset: without it the server resets each
    time its last client leaves (each xdotool poll), refusing a client that connects then."""
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
    pytest.fail("could not start Xvfb")


def run(command: list[str], home: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(command, env=clean_env(home), cwd=home, capture_output=True, text=True,
                          timeout=300, check=False, **kwargs)


def test_the_libraries_versions_travel_with_the_app(app_dir):
    """The About box's system details read them from the packages' metadata."""
    for name in ("attune_companion", "sqlite_utils", "platformdirs", "pyqtgraph", "numpy"):
        assert list((app_dir / "_internal").glob(f"{name}-*.dist-info")), name


def test_both_programs_print_the_version(app_dir, home):
    done = run([str(app_dir / f"attune-cli{EXE}"), "--version"], home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"attune-cli {about.version()} (attune-companion)"
    if sys.platform != "win32":  # the window program has no console on Windows
        done = run([str(app_dir / f"attune{EXE}"), "--version"], home)
        assert done.stdout.strip() == f"attune {about.version()} (attune-companion)"


def test_records_a_session_and_writes_a_pdf_without_the_network(app_dir, home, tmp_path):
    cli = str(app_dir / f"attune-cli{EXE}")
    trace = tmp_path / "cli.trace"
    done = run(traced([cli, "demo", "--client", CANARY], trace), home)
    assert done.returncode == 0, done.stderr
    assert ": record 1." in done.stdout
    done = run([cli, "sessions"], home)
    assert CANARY in done.stdout and "ended" in done.stdout
    report = tmp_path / "report.pdf"
    done = run(traced([cli, "report", "1", "--format", "pdf", "-o", str(report)],
                      tmp_path / "report.trace"), home)
    assert done.returncode == 0, done.stderr
    assert report.read_bytes().startswith(b"%PDF")
    assert network_sockets(trace) == [] and network_sockets(tmp_path / "report.trace") == []


def wait_for(check, what: str, process: subprocess.Popen, seconds: float = 60) -> str:
    """Poll `check()` until it returns something true (slowly: strace slows the app); fail if
    the app ends first or it takes longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        assert process.poll() is None, f"the app ended while waiting for {what}"
        time.sleep(0.2)
    pytest.fail(f"waited {seconds:.0f} s for {what}")


@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("Xvfb")
                         and shutil.which("xdotool")), reason="needs Linux, Xvfb and xdotool")
def test_the_window_records_a_session_logs_and_opens_no_network_socket(app_dir, home, tmp_path):
    """The window on a private X screen: a session is started by typing a client code and
    tapped with keys (2 sympathetic, R rupture, S withdrawal, 1 ventral, F repair), read back
    by the command line while the window runs."""
    cli = str(app_dir / "attune-cli")
    assert run([cli, "demo", "--client", CANARY], home).returncode == 0
    xvfb, display = start_xvfb()
    window = None
    trace = tmp_path / "app.trace"
    xenv = {"DISPLAY": display, "PATH": os.environ["PATH"]}

    def xdotool(*args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=xenv, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    def session_line() -> str:
        out = run([cli, "sessions", "--client", "K-31"], home).stdout
        return next((line for line in out.splitlines() if "K-31" in line), "")

    try:
        env = dict(clean_env(home), DISPLAY=display, QT_QPA_PLATFORM="xcb")
        # Its own process group, so the app and strace stop together.
        window = subprocess.Popen(traced([str(app_dir / "attune")], trace), env=env, cwd=home,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        shown = wait_for(lambda: xdotool("search", "--onlyvisible", "--name", "^Attune$"),
                         "the window", window)
        xdotool("windowfocus", "--sync", shown.split()[0])
        xdotool("type", "--delay", "50", "K-31")
        xdotool("key", "Return")
        wait_for(session_line, "the session to start", window)
        for key in ("2", "r", "s", "1", "f"):
            xdotool("key", key)
        line = wait_for(lambda: "1 repaired" in session_line() and session_line(),
                        "the taps to be recorded", window)
        assert line.split()[0] == "2"  # after the demo session
        assert window.poll() is None  # still running: nothing failed on the way
    finally:
        if window is not None:
            os.killpg(window.pid, signal.SIGTERM)
            window.wait(timeout=30)
        xvfb.terminate()
        xvfb.wait(timeout=30)
    assert network_sockets(trace) == []
    if shutil.which("strace"):  # the trace did see sockets: the local one to the X server
        assert "AF_UNIX" in trace.read_text()
    log = home / "state" / "attune" / "log" / "attune.log"
    text = log.read_text(encoding="utf-8")
    assert f"attune {about.version()} started" in text and ", built app)" in text
    assert "uncaught" not in text  # nothing failed in a slot either (the plot's, say)
    assert CANARY not in text and "K-31" not in text
