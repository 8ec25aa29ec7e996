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
