"""Settings shared by the whole test suite.

Qt runs headless in tests: the offscreen platform needs no display, so the suite
runs the same on a laptop, a server and CI. A QT_QPA_PLATFORM already set in the
environment wins (e.g. ``QT_QPA_PLATFORM=xcb`` to watch the widgets).

With CI set, hypothesis runs derandomized (the same examples every run).

Attune opens no network connection, ever. An audit hook watches every Python-level socket
made during the run; a test during which one was made fails (see `no_network`).
"""

from __future__ import annotations

import os
import socket
import sys

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI replays the same examples every run, so a red build is reproducible and never a fluke;
# on a developer's machine hypothesis explores afresh each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

_NETWORK_FAMILIES = {socket.AF_INET, socket.AF_INET6}
_network_use: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.__new__" and args[1] in _NETWORK_FAMILIES:
        _network_use.append(f"a network socket was created ({args[1]!r})")
    elif event in ("socket.connect", "socket.bind", "socket.getaddrinfo"):
        _network_use.append(f"{event}{args[1:]!r}")


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def no_network():
    """Fail the test during which anything opened or looked up a network address."""
    _network_use.clear()
    yield
    found, _network_use[:] = list(_network_use), []
    assert not found, f"Attune must not use the network: {found}"
