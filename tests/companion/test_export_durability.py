"""Killing Attune while it writes an export leaves the old file or the new one, never a
truncated one (attune_companion.paths.atomic_write: temporary file, fsync, rename)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

from attune_companion.paths import POSIX_MODES  # Windows has no file modes (see paths)

WRITER = """
import hashlib, json, sys
from pathlib import Path
from attune_companion.paths import atomic_write
out = Path(sys.argv[1])
n = 0
while True:
    n += 1
    body = json.dumps({"n": n, "rows": ["x" * 200] * (2000 + n % 3000)})
    doc = json.dumps({"sha": hashlib.sha256(body.encode()).hexdigest(), "body": body})
    atomic_write(out, doc.encode())
    print(n, flush=True)
"""


def test_an_export_killed_mid_write_is_old_or_new_never_truncated(tmp_path):
    seed = int(os.environ.get("ATTUNE_KILL_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    out = tmp_path / "export.json"
    for round_ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(out)], stdout=subprocess.PIPE, text=True
        )
        proc.stdout.readline()  # at least one complete write happened
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        doc = json.loads(out.read_bytes())  # a truncated file would not parse
        assert hashlib.sha256(doc["body"].encode()).hexdigest() == doc["sha"], (
            f"seed {seed}, round {round_}: the file holds a mix of two writes"
        )
        assert not POSIX_MODES or os.stat(out).st_mode & 0o777 == 0o600
