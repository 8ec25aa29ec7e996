"""Guards the PySide6 < 6.12 pin in pyproject.toml.

PySide6-Essentials 6.12.0 on Python 3.11 lowers ``None``'s reference count in
``QObject.property()``. With pyqtgraph, a few hundred ``setData`` calls are enough
for the interpreter to die with ``Fatal Python error: none_dealloc`` (the whole
test run crashes, not just this test). 6.11.x is fine.

The live plot calls ``setData`` on every tap, so this test does the same a few
thousand times on a shown plot. The pin can be lifted when this test passes on
a new PySide6 release.
"""

import numpy as np
import pyqtgraph as pg

CALLS = 2_000


def test_many_setdata_calls_on_a_shown_plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    item = widget.plot()

    for n in range(1, CALLS + 1):
        x = np.arange(n, dtype=float)
        item.setData(x, x % 3)
        if n % 100 == 0:
            qtbot.wait(1)  # process events, so the plot repaints as it would live

    xs, ys = item.getData()
    assert len(xs) == CALLS
    assert xs[-1] == CALLS - 1
    assert ys[-1] == (CALLS - 1) % 3
