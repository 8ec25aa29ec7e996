"""Reports: the HTML parses and carries a PNG that decodes, the PDF is a PDF with pages, a
redacted report holds none of a planted free text, and no file name holds the client code."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage

from attune_companion.clock import FakeClock
from attune_companion.layers import CursorClock, LayerRecorder
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion.paths import POSIX_MODES  # Windows has no file modes (see paths)
from attune_companion_ui.shell import cli_main
from attune_companion_ui.review import report
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.review.review_controller import ReviewController
from attune_companion_ui.review.review_page import ReviewPage
from tests.companion.canary import PREFIX, canary_session, found

SENTINEL = "ZEBRA-7341-sentinel"
CODE = "QZ-41"


@pytest.fixture
def session_id(store: Store, scheme: Scheme, clock: FakeClock) -> int:
    """An ended session with the sentinel in a note, a reflection and a rating beside it."""
    rec = Recorder.start(store, scheme, clock, CODE, number=4)
    clock.advance(5)
    rec.client("sympathetic")
    clock.advance(60)
    rec.rupture("confrontation", ["complaint_progress"])
    clock.advance(40)
    rec.note("note", f"said {SENTINEL} <b>twice</b>")
    clock.advance(20)
    rec.repair(["acknowledge"])
    clock.advance(60)
    rec.end()
    store.set_reflection(rec.session.id, "noticed_self", f"I noticed {SENTINEL} & more")
    store.set_rating(rec.session.id, "alliance", 8)
    return rec.session.id


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def _pdf_streams(data: bytes) -> bytes:
    """Every stream of the PDF, inflated where it is compressed."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"".join(out)


def test_the_html_report_parses_and_embeds_a_png_that_decodes(qtbot, store, session_id):
    html = report.build(report.gather(store, session_id, redact=False), "html")

    parsed = _Collect()
    parsed.feed(html.decode("utf-8"))
    text = " ".join(parsed.text)
    assert {"h1", "h2", "table", "img"} <= set(parsed.tags)
    assert "Ruptures and repair" in text and "Complaints about progress" in text
    assert "Alliance (your rating): 8 / 10" in " ".join(text.split())
    assert "<b>twice</b>" not in html.decode() and "&lt;b&gt;twice&lt;/b&gt;" in html.decode()
    (src,) = parsed.images
    assert src.startswith("data:image/png;base64,")
    png = base64.b64decode(src.split(",", 1)[1])
    image = QImage.fromData(QByteArray(png), "PNG")
    assert not image.isNull() and (image.width(), image.height()) == report.PLOT_PX
    assert SENTINEL in html.decode()  # unredacted: the free text is there


def test_the_pdf_report_is_a_pdf_with_pages(qtbot, store, session_id):
    pdf = report.build(report.gather(store, session_id), "pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert _pdf_pages(pdf) >= 1
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf  # the plot is in it


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_a_redacted_report_holds_no_free_text(qtbot, store, session_id, fmt):
    data = report.gather(store, session_id)  # redaction is the default
    assert data.redacted and data.notes == [] and data.reflections is None
    content = report.build(data, fmt)
    assert SENTINEL.encode() not in content
    assert SENTINEL.encode() not in _pdf_streams(content)
    assert SENTINEL.encode("utf-16-be") not in _pdf_streams(content)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_redacted_pdf_reads_without_the_free_text_an_unredacted_one_has(qtbot, store,
                                                                          session_id, tmp_path):
    """The PDF's text is stored as glyphs, so read it back as a reader would."""
    def text(redact: bool) -> str:
        path = tmp_path / f"r{redact}.pdf"
        report.write_report(store, session_id, "pdf", path, redact=redact)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout

    assert SENTINEL in text(redact=False)
    assert SENTINEL not in text(redact=True)


REPORT_SHOWS = {"note", "corrected", "retyped", "reflection"}
"""The report shows note texts (as corrected) and reflections; comments are not in it."""


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_a_redacted_report_holds_no_free_text_even_one_a_correction_gave(qtbot):
    """Redaction comes after corrections, before anything is laid out: the data a report is
    built from holds no typed text at all, not only the template's output."""
    store = Store.memory()
    sid = canary_session(store)
    assert found(repr(report.gather(store, sid))) == set()
    assert found(repr(report.gather(store, sid, redact=False))) >= REPORT_SHOWS


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_every_free_text_stays_out_of_a_redacted_report(qtbot, tmp_path, fmt):
    store = Store.memory()
    sid = canary_session(store)
    redacted, full = tmp_path / f"r.{fmt}", tmp_path / f"f.{fmt}"
    report.write_report(store, sid, fmt, redacted)
    report.write_report(store, sid, fmt, full, redact=False)
    for data in (redacted.read_bytes(), _pdf_streams(redacted.read_bytes())):
        assert PREFIX.encode() not in data and PREFIX.encode("utf-16-be") not in data
    if fmt == "html":
        assert found(full.read_bytes()) == REPORT_SHOWS
    elif shutil.which("pdftotext"):
        assert PREFIX not in _pdf_text(redacted)
        assert found(_pdf_text(full)) == REPORT_SHOWS


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_pdf_page_says_which_page_of_how_many_it_is(qtbot, store, session_id, tmp_path):
    path = tmp_path / "r.pdf"
    report.write_report(store, session_id, "pdf", path, redact=False)
    pdf = path.read_bytes()
    pages = _pdf_pages(pdf)
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True, timeout=60).stdout
        assert f"record {session_id} · page {page} of {pages}" in text


def test_file_names_hold_the_record_and_date_never_the_client_code(qtbot, store, session_id):
    row = store.session(session_id)
    for fmt in report.FORMATS:
        name = report.default_file_name(row, fmt)
        assert re.fullmatch(rf"attune-record-{session_id}-\d{{4}}-\d\d-\d\d\.{fmt}", name)
        assert CODE.lower() not in name.lower()


def test_the_review_exports_each_format_atomically_and_audits_it(qtbot, store, session_id,
                                                                  tmp_path):
    page = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(page)
    page.show_session(session_id)
    page.ask_path = lambda name: tmp_path / name
    offered = [a.text() for a in page.export_button.menu().actions()]
    assert any("ELAN" in text for text in offered)
    for fmt in ("html", "pdf", "csv", "json", "eaf"):
        page._export_clicked(fmt)
    written = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("attune-record"))
    assert len(written) == 5 and not any(CODE.lower() in n.lower() for n in written)
    assert f"attune-record-{session_id}-" in next(n for n in written if n.endswith(".eaf"))
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left behind
    for path in tmp_path.glob("attune-record-*"):
        assert SENTINEL.encode() not in path.read_bytes()
        assert not POSIX_MODES or path.stat().st_mode & 0o777 == 0o600
    audits = [a["detail"] for a in store.audit_log(session_id) if a["action"] == "export"]
    assert [a["format"] for a in audits] == ["html", "pdf", "csv", "json", "eaf"]
    assert all(a["redacted"] for a in audits)
    assert "Wrote" in page.message.text() and "free text left out" in page.message.text()

    page.free_text.setChecked(True)
    page.export("html", tmp_path / "with-notes.html")
    assert SENTINEL.encode() in (tmp_path / "with-notes.html").read_bytes()


def test_attune_cli_report_writes_a_pdf(qtbot, store, session_id, db_path, tmp_path, capsys):
    out = tmp_path / "review.pdf"
    code = cli_main.main(["--db", str(db_path), "report", str(session_id), "--format", "pdf",
                          "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF-") and _pdf_pages(out.read_bytes()) >= 1
    assert "free text left out" in capsys.readouterr().out

    assert cli_main.main(["--db", str(db_path), "report", "999", "--format", "html",
                          "-o", str(tmp_path / "x.html")]) == 1
    assert "There is no record 999" in capsys.readouterr().err


def test_the_other_commands_never_load_qt(store, session_id, db_path):
    probe = (
        "import sys; from attune_companion_ui.shell.cli_main import main; "
        f"code = main(['--db', {str(db_path)!r}, 'sessions']); "
        "assert code == 0; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert done.returncode == 0, done.stderr
    assert CODE in done.stdout


LAYER_NOTE = "GIRAFFE-layer-note-5520"


def code_supervisor_layer(store: Store, session_id: int) -> None:
    """A supervisor's layer: the same client state, the rupture 15 s later, a typed note."""
    cursor = [5_000]
    rec = LayerRecorder.open(store, session_id, "supervisor",
                             CursorClock(lambda: cursor[0], FakeClock()))
    rec.client("sympathetic")
    cursor[0] = 80_000
    rec.rupture("confrontation")
    rec.note("note", LAYER_NOTE)
    cursor[0] = 130_000
    rec.repair()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_report_shows_agreement_with_each_coder_layer_and_no_text_they_typed(
    qtbot, store, session_id, tmp_path
):
    assert "Agreement with other coders" not in report.build(
        report.gather(store, session_id), "html").decode()
    code_supervisor_layer(store, session_id)
    html = report.build(report.gather(store, session_id, redact=False), "html").decode()
    parsed = _Collect()
    parsed.feed(html)
    text = " ".join(" ".join(parsed.text).split())
    # Hand-computed: the client lane agrees every second both noted, in one state only, so
    # kappa is undefined; the self lane was noted by neither; the one rupture matches (15 s).
    assert ("Agreement with other coders Coder Client state Self state Ruptures matched "
            "Precision Recall F1 supervisor 100% agree, κ n/a no time both noted "
            "1 (yours 1, theirs 1) 100% 100% 1.00") in text
    assert LAYER_NOTE not in html
    path = tmp_path / "r.pdf"
    report.write_report(store, session_id, "pdf", path, redact=False)
    pdf_text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
    assert "Agreement with other coders" in pdf_text and "supervisor" in pdf_text
    assert LAYER_NOTE not in pdf_text
