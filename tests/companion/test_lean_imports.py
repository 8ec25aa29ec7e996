"""Creating or upgrading a database does not load pandas or numpy, even where they are
installed (sqlite-utils reaches for them; Attune never needs them): 70 MB and a third of a
second at a first start, for nothing. Run in a fresh process, as this one has them loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from pathlib import Path
from attune_companion.store import Store
with Store.open(Path(sys.argv[1])) as store:
    store.verify()
    with store.db.atomic():
        store.db.execute("SELECT 1")
loaded = [name for name in ("pandas", "numpy") if name in sys.modules]
import pandas  # still importable afterwards, for code that wants it
print(json.dumps({"loaded": loaded, "pandas_after": bool(pandas.DataFrame)}))
"""


def test_a_first_start_and_the_full_check_load_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "attune.db")],
                          capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == {"loaded": [], "pandas_after": True}
