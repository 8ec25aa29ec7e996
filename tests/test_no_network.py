"""The suite's network guard (tests/conftest.py) really fails a test that makes a socket."""

import shutil
import subprocess
import sys
from pathlib import Path


def test_a_test_that_opens_a_network_socket_fails(tmp_path):
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leak.py").write_text(
        "import socket\n"
        "def test_leak():\n"
        "    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()\n"
        "def test_quiet():\n"
        "    assert True\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "must not use the network" in run.stdout
    assert "ERROR test_leak.py::test_leak" in run.stdout
    assert "test_quiet" not in run.stdout, "only the test that made the socket fails"


NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "ftplib", "smtplib", "requests",
                   "httpx", "aiohttp", "websocket", "PySide6.QtNetwork",
                   "PySide6.QtWebSockets", "PySide6.QtWebEngineCore"}


def test_no_module_of_attune_imports_a_networking_library():
    """The code itself: nothing in companion/ or ui/ imports a way to talk to a network.
    (QtMultimedia, for the optional recording sync, loads QtNetwork itself; Attune only ever
    gives it a local file.)"""
    import ast

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in [*root.glob("companion/**/*.py"), *root.glob("ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES):
                    found.append(f"{path.relative_to(root)}: {name}")
    assert not found, found
    assert len(list(root.glob("ui/**/*.py"))) > 10, "the scan saw the code"


def test_media_sync_only_ever_gives_the_player_a_local_file():
    source = (Path(__file__).resolve().parents[1] / "ui" / "supervision" / "media_sync.py").read_text()
    assert "QUrl.fromLocalFile(" in source and "QUrl(" not in source.replace("QUrl()", "")
