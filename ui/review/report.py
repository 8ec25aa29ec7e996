"""The session review as a report: one self-contained HTML file, or a PDF from Qt's own writer.

Both are filled from one template (`resources/report.html` and `report.css`) with the figures
the review page shows (`attune_companion_ui.review.review_figures`), every value HTML-escaped, and the whole-session
plot drawn by the live plot's own code (`SessionPlot.render_png`, light palette) as a PNG.
Redaction, the default, reads the session through `attune_companion.redaction.shared`, which leaves
out everything typed (note texts, also those a correction gave, and reflection answers). Write
the bytes with `write_report` (an atomic write), under `default_file_name`, which never holds
the client code.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from attune_companion.agreement import (
    DEFAULT_TOLERANCE_MS, DEFAULT_UNIT_MS, Agreement, headline, session_agreement,
)
from attune_companion.corrections import edited_ids
from attune_companion.elan import session_eaf
from attune_companion.events import Kind
from attune_companion.export import events_csv, session_json, session_time
from attune_companion.fold import SessionState, fold
from attune_companion.layers import CLINICIAN, layers
from attune_companion.naming import record_name
from attune_companion.paths import write_output
from attune_companion.ratings import ALLIANCE, SRS_MAX, SRS_SCALES, srs_total
from attune_companion.redaction import shared
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import SessionRow, Store
from attune_companion.summary import Summary, summarise
from attune_companion_ui.review import review_figures as fig

FORMATS = ("html", "pdf")
PLOT_PX = (1150, 420)
"""The plot picture's size: its labels stay legible when printed across an A4 page."""
PLOT_RESOURCE = "attune-plot.png"
BAR_LABEL_MIN = 0.08
"""A share bar's segment carries its percentage when it is at least this wide."""


@dataclass(frozen=True)
class ReportData:
    """What a report shows about one session. `reflections` and note texts are None/empty
    when redacted, so no later step can leak them."""

    row: SessionRow
    scheme: Scheme
    state: SessionState
    summary: Summary
    edited: int
    ratings: dict[str, int]
    reflections: dict[str, str] | None
    notes: list[tuple[str, str, str]]
    """(session time, kind label, text) of each note with text; empty when redacted."""
    agreements: list[Agreement]
    """The clinician's record (A) against each coder layer (B); figures and labels only."""

    @property
    def redacted(self) -> bool:
        return self.reflections is None


def gather(store: Store, session_id: int, *, redact: bool = True) -> ReportData:
    """Read one session for a report: its fold, summary, ratings and (unredacted) free text."""
    row = store.session(session_id)
    scheme = session_scheme(row.scheme_json, row.id)
    content = shared(store, session_id, redact=redact)
    state = fold(content.taps)
    notes = [
        (session_time(e.offset_ms), fig.label(scheme.note_kind, e.value, ""), e.text)
        for e in content.taps if e.kind is Kind.NOTE and e.text
    ]
    return ReportData(
        row=row, scheme=scheme, state=state, summary=summarise(state, scheme),
        edited=len(edited_ids(content.log)), ratings=store.ratings(session_id),
        reflections=None if redact else content.reflections, notes=notes,
        agreements=[session_agreement(store, session_id, CLINICIAN, layer.coder)
                    for layer in layers(store, session_id)],
    )


def plot_png(scheme: Scheme, state: SessionState, size: tuple[int, int] = PLOT_PX) -> bytes:
    """The whole session drawn by the live plot's code, in the light (print) palette."""
    from attune_companion_ui.plot.plot_style import LIGHT  # pyqtgraph loads only when a picture is made
    from attune_companion_ui.plot.session_plot import SessionPlot

    plot = SessionPlot(scheme, LIGHT)
    try:
        plot.set_window(None)
        plot.show_state(state, state.ended_ms if state.ended_ms is not None else state.last_ms)
        return plot.render_png(*size, LIGHT)
    finally:
        plot.deleteLater()


def build_html(data: ReportData, png: bytes) -> bytes:
    """One self-contained HTML file (styles inline, plot as a data: URL), UTF-8."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return _fill(data, src, "100%").encode("utf-8")


def build_pdf(data: ReportData, png: bytes) -> bytes:
    """An A4 PDF of the same report, laid out by QTextDocument and written by QPdfWriter."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"Attune · {record_name(data.row.id)}")  # never the client code
    writer.setCreator("Attune")
    writer.setResolution(150)
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
        QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter,
    ))
    doc = QTextDocument()
    # Lay out in the writer's own pixels, one page per page, so the plot's width is known
    # (QTextDocument has no percentage widths for images). An image's width is taken in
    # 96-dpi pixels and scaled to the device, hence the factor. Each page keeps a band at
    # its foot for the page number.
    doc.documentLayout().setPaintDevice(writer)
    footer = writer.logicalDpiY() // 3  # a third of an inch
    width, height = writer.width(), writer.height() - footer
    doc.setPageSize(QSizeF(width, height))
    doc.setDocumentMargin(0)
    image = QImage.fromData(QByteArray(png), "PNG")
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(PLOT_RESOURCE), image)
    doc.setHtml(_fill(data, PLOT_RESOURCE, str(width * 96 // writer.logicalDpiX())))
    painter = QPainter(writer)
    painter.setFont(doc.defaultFont())
    pages = doc.pageCount()
    for page in range(pages):
        if page:
            writer.newPage()
        painter.save()
        painter.translate(0, -page * height)
        doc.drawContents(painter, QRectF(0, page * height, width, height))
        painter.restore()
        painter.drawText(QRectF(0, height, width, footer),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                         f"Attune · {record_name(data.row.id)} · page {page + 1} of {pages}")
    painter.end()
    del writer  # finishes the file
    buffer.close()
    return bytes(buffer.data())


def build(data: ReportData, fmt: str) -> bytes:
    """The report in `fmt` ('html' or 'pdf')."""
    if fmt not in FORMATS:
        raise ValueError(f"A report is {' or '.join(FORMATS)}, not {fmt!r}.")
    png = plot_png(data.scheme, data.state)
    return build_html(data, png) if fmt == "html" else build_pdf(data, png)


def write_report(store: Store, session_id: int, fmt: str, path: Path, *,
                 redact: bool = True) -> None:
    """Build a report and write it atomically (never a half-written file); a target that
    `attune_companion.paths.check_output_path` refuses raises UnsafeOutput."""
    write_output(Path(path), build(gather(store, session_id, redact=redact), fmt), store.path)


def write_export(store: Store, session_id: int, fmt: str, path: Path, *,
                 redact: bool = True) -> None:
    """A report (html, pdf), the events (csv, json, from `attune_companion.export`) or the coded
    session for ELAN (eaf, from `attune_companion.elan`), atomically."""
    if fmt in FORMATS:
        write_report(store, session_id, fmt, path, redact=redact)
        return
    if fmt == "eaf":
        write_output(Path(path), session_eaf(store, session_id, redact=redact, eaf_path=path),
                     store.path)
        return
    make = {"csv": events_csv, "json": session_json}[fmt]
    write_output(Path(path), make(store, session_id, redact=redact), store.path)


def default_file_name(row: SessionRow, fmt: str) -> str:
    """'attune-record-12-2025-03-12.pdf' (events: '...-events.csv'): never the client code."""
    name = row.file_name(fmt)
    return name.replace(f".{fmt}", f"-events.{fmt}") if fmt in ("csv", "json") else name


# -- filling the template ---------------------------------------------------------------------


def _text(name: str) -> str:
    return resources.files("attune_companion_resources").joinpath(name).read_text(encoding="utf-8")


def _fill(d: ReportData, plot_src: str, plot_width: str) -> str:
    s, scheme = d.summary, d.scheme
    edited = ""
    if d.edited:
        edited = (f'<p class="edited">Edited after the session: {d.edited} '
                  f'tap{"" if d.edited == 1 else "s"} corrected (the original taps are kept '
                  "in the log).</p>")
    privacy = ("Free text left out (note texts and reflections)." if d.redacted
               else "Includes free text (note texts and reflections): not for sharing.")
    status = "" if s.ended else " (not ended)"
    values = {
        "title": f"Attune session review · {record_name(d.row.id)}",
        "css": _text("report.css"),
        "session": escape(d.row.describe(record=True) + status),
        "edited": edited,
        "privacy": escape(privacy),
        "plot_src": escape(plot_src),
        "plot_width": escape(plot_width),
        "duration": escape(fig.duration_line(s)),
        "lanes": "\n".join(_lane(d, lane) for lane in s.lanes),
        "coregulation": escape(fig.coregulation_line(s, scheme)),
        "rupture_headline": escape(fig.rupture_headline(s, scheme)),
        "rupture_table": _rupture_table(d),
        "strategies": escape(fig.strategies_line(s, scheme)),
        "note_counts": escape(fig.notes_line(s, scheme)),
        "agreement": _agreement(d),
        "ratings": _ratings(d),
        "free_text": "" if d.redacted else _free_text(d),
        "footer": escape(f"Attune · {record_name(d.row.id)} · perceived states: the clinician's "
                         "impressions, not measurements."),
    }
    return Template(_text("report.html")).substitute(values)


def _lane(d: ReportData, lane: str) -> str:
    segments = fig.lane_segments(d.summary, d.scheme, lane)
    title = f"<h3>{escape(fig.LANE_TITLES.get(lane, lane))}</h3>"
    detail = f"<p class=\"legend\">{escape(fig.lane_detail(d.summary, d.scheme, lane))}</p>"
    if not segments:
        return title + detail
    cells = "".join(
        f'<td width="{max(1, round(seg.share * 100))}%" bgcolor="{escape(seg.colour)}">'
        f"{f'{seg.share:.0%}' if seg.share >= BAR_LABEL_MIN else '&nbsp;'}</td>"
        for seg in segments
    )
    legend = " · ".join(escape(seg.text) for seg in segments)
    return (f"{title}<table class=\"bar\" cellspacing=\"0\" cellpadding=\"0\"><tr>{cells}"
            f"</tr></table><p class=\"legend\">{legend}</p>{detail}")


def _rupture_table(d: ReportData) -> str:
    rows = fig.rupture_rows(d.summary, d.scheme)
    if not rows:
        return ""
    head = ("<tr><th>#</th><th>Start</th><th>Type and markers</th><th>Time to repair</th>"
            "<th>Strategies</th><th>Client before → after</th></tr>")
    body = "".join(
        f"<tr><td>{r.number}</td><td>{escape(r.start)}</td>"
        f"<td>{escape(r.kind)}{'<br>' + escape(r.markers) if r.markers else ''}</td>"
        f"<td>{escape(r.repair)}</td><td>{escape(r.strategies or '—')}</td>"
        f"<td>{escape(r.before_after)}</td></tr>"
        for r in rows
    )
    return f'<table class="grid" cellspacing="0" cellpadding="4">{head}{body}</table>'


def _agreement(d: ReportData) -> str:
    """With coder layers: how far each agreed with the clinician's own record (figures only:
    no disagreement is described, no text any coder typed is shown)."""
    if not d.agreements:
        return ""
    head = ("<tr><th>Coder</th><th>Client state</th><th>Self state</th>"
            "<th>Ruptures matched</th><th>Precision</th><th>Recall</th><th>F1</th></tr>")
    rows = []
    for ag in d.agreements:
        f, r = headline(ag), ag.ruptures
        cells = [ag.coder_b, f["client"], f["self"],
                 f"{r.matched} (yours {r.in_a}, theirs {r.in_b})", f["precision"],
                 f["recall"], f["f1"]]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    unit = "second" if DEFAULT_UNIT_MS == 1000 else f"{DEFAULT_UNIT_MS / 1000:g} s"
    legend = (f"Your own record is the reference. States: percent agreement and Cohen's kappa "
              f"(agreement beyond chance) over each {unit} you both noted. Ruptures match when "
              f"their onsets are at most {DEFAULT_TOLERANCE_MS // 1000} s apart: precision is "
              "the share of theirs that match yours, recall the share of yours they marked too.")
    return ("<h2>Agreement with other coders</h2>"
            f'<table class="grid" cellspacing="0" cellpadding="4">{head}{"".join(rows)}</table>'
            f'<p class="legend">{escape(legend)}</p>')


def _ratings(d: ReportData) -> str:
    def shown(name: str) -> str:
        value = d.ratings.get(name)
        return "not rated" if value is None else f"{value} / 10"

    lines = [(f"<p><span class=\"label\">{escape(fig.RATING_LABELS[ALLIANCE])}:</span> "
              f"{shown(ALLIANCE)}</p>")]
    total = srs_total(d.ratings)
    if any(n in d.ratings for n in SRS_SCALES):
        scales = " · ".join(f"{escape(fig.RATING_LABELS[n])} {shown(n)}" for n in SRS_SCALES)
        total_text = f"total {total} / {SRS_MAX}" if total is not None else "no total (not all entered)"
        srs = f"{scales} · {total_text}"
    else:
        srs = "not entered"
    lines.append(f"<p><span class=\"label\">Client's session rating:</span> {srs}</p>")
    return "\n".join(lines)


def _free_text(d: ReportData) -> str:
    answers = d.reflections or {}
    parts = ["<h2>Reflection</h2>"]
    for prompt in d.scheme.prompts:
        answer = answers.get(prompt.id, "").strip()
        parts.append(f"<h3>{escape(prompt.text)}</h3>")
        parts.append(f"<p class=\"answer\">{_lines(answer) if answer else '—'}</p>")
    if d.notes:
        parts.append("<h2>Notes written in the session</h2>")
        rows = "".join(f"<tr><td>{escape(t)}</td><td>{escape(k)}</td><td>{_lines(text)}</td></tr>"
                       for t, k, text in d.notes)
        parts.append('<table class="grid" cellspacing="0" cellpadding="4">'
                     f"<tr><th>Time</th><th>Kind</th><th>Note</th></tr>{rows}</table>")
    return "\n".join(parts)


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())
