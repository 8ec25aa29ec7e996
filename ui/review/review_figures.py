"""The review's figures in words: what the review page and the reports both print.

Pure functions from the core's `Summary` (and the session's row and scheme) to short texts and
rows, so the window and the HTML/PDF report say exactly the same thing and neither computes a
figure itself. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from attune_companion.ratings import ALLIANCE
from attune_companion.scheme import Scheme
from attune_companion.clock import format_duration
from attune_companion.summary import UNTYPED, Summary
from attune_companion.summary_text import scheme_label

LANE_TITLES = {"client": "Client (perceived)", "self": "Self (you)"}
RATING_LABELS = {
    ALLIANCE: "Alliance (your rating)",
    "srs_relationship": "Relationship",
    "srs_goals": "Goals and topics",
    "srs_approach": "Approach or method",
    "srs_overall": "Overall",
}
"""Labels of `attune_companion.ratings.RATING_NAMES`, as the form and the report show them."""
NOT_NOTED = "not noted"


@dataclass(frozen=True)
class ShareSegment:
    """One state's part of a lane's noted time."""

    state_id: str
    label: str
    colour: str
    share: float
    active_ms: int

    @property
    def text(self) -> str:
        return f"{self.label} {self.share:.0%} ({format_duration(self.active_ms)})"


@dataclass(frozen=True)
class RuptureRow:
    """One rupture as the table shows it."""

    number: int
    start: str
    kind: str
    markers: str
    repair: str
    strategies: str
    before_after: str
    repaired: bool


def label(find: Callable[[str], Any], item_id: str | None, missing: str = NOT_NOTED) -> str:
    """A scheme label for an id; `missing` for None; the id itself if the scheme lost it."""
    return scheme_label(find, item_id, missing)


def tag_labels(scheme: Scheme, ids: tuple[str, ...] | list[str]) -> str:
    """Markers or strategies as labels, each once, in the order given."""
    return ", ".join(scheme.label_of_tag(t) for t in dict.fromkeys(ids))


def lane_segments(summary: Summary, scheme: Scheme, lane: str) -> list[ShareSegment]:
    """The states a lane held, top of the ladder first, with their share of the noted time."""
    colours = {s.id: s.colour for s in scheme.states}
    return [
        ShareSegment(sid, label(scheme.state, sid), colours.get(sid, "#8d939b"), t.share,
                     t.active_ms)
        for sid, t in summary.lanes[lane].states.items()
        if t.share is not None and t.active_ms > 0
    ]


def lane_detail(summary: Summary, scheme: Scheme, lane: str) -> str:
    """Transitions, the longest ventral stretch and any time before the first tap."""
    s = summary.lanes[lane]
    if s.first_noted_ms is None:
        return "Not noted in this session."
    ventral = label(scheme.state, summary.ventral).lower()
    parts = [f"{s.transitions} transition{'' if s.transitions == 1 else 's'}"]
    if s.longest_ventral_start_ms is None:
        parts.append(f"never {ventral}")
    else:
        parts.append(f"longest {ventral} stretch {format_duration(s.longest_ventral_ms)} "
                     f"(from {format_duration(s.longest_ventral_start_ms)})")
    if s.not_noted_ms:
        parts.append(f"not noted for {format_duration(s.not_noted_ms)}")
    return " · ".join(parts)


def duration_line(summary: Summary) -> str:
    d = summary.duration
    text = f"{format_duration(d.total_ms)} in all · {format_duration(d.active_ms)} active"
    if d.pauses:
        text += (f" · {d.pauses} pause{'' if d.pauses == 1 else 's'} "
                 f"({format_duration(d.paused_ms)})")
    return text


def coregulation_line(summary: Summary, scheme: Scheme) -> str:
    """How much of the client's non-ventral time the clinician was ventral."""
    c = summary.coregulation
    ventral = label(scheme.state, summary.ventral).lower()
    if c.share is None:
        return f"Not measurable: no time with both lanes noted and the client not {ventral}."
    return (f"You were {ventral} for {c.share:.0%} of the time the client was not "
            f"({format_duration(c.self_ventral_ms)} of {format_duration(c.base_ms)}).")


def rupture_headline(summary: Summary, scheme: Scheme) -> str:
    r = summary.ruptures
    if not r.count:
        return "No ruptures noted."
    kinds = ", ".join(f"{n} {rupture_kind(scheme, t).lower()}" for t, n in r.by_type.items() if n)
    parts = [f"{r.count} rupture{'' if r.count == 1 else 's'} ({kinds})",
             f"{r.repaired} repaired"]
    if r.unrepaired:
        parts.append(f"{r.unrepaired} unrepaired at the end")
    if r.open:
        parts.append(f"{r.open} still open")
    if r.median_repair_ms is not None and r.longest_repair_ms is not None:
        parts.append(f"time to repair: median {format_duration(r.median_repair_ms)}, "
                     f"longest {format_duration(r.longest_repair_ms)}")
    share = f" ({r.share_of_active:.0%} of active time)" if r.share_of_active is not None else ""
    parts.append(f"in rupture {format_duration(r.time_in_rupture_ms)}{share}")
    return " · ".join(parts)


def rupture_kind(scheme: Scheme, type_id: str | None) -> str:
    return label(scheme.rupture_type, None if type_id == UNTYPED else type_id, "Untyped")


def rupture_rows(summary: Summary, scheme: Scheme) -> list[RuptureRow]:
    rows = []
    for e in summary.ruptures.episodes:
        tries = f"{e.attempts} attempt{'' if e.attempts == 1 else 's'}"
        if e.time_to_repair_ms is not None:
            repair = f"{format_duration(e.time_to_repair_ms)} · {tries}"
        elif e.status == "unrepaired":
            repair = f"Unrepaired (open {format_duration(e.open_ms)}) · {tries}"
        else:
            repair = f"Open {format_duration(e.open_ms)} so far · {tries}"
        before = label(scheme.state, e.client_before)
        after = label(scheme.state, e.client_after) if e.repaired else "—"
        rows.append(RuptureRow(
            number=e.number,
            start=format_duration(e.start_ms),
            kind=rupture_kind(scheme, e.rupture_type),
            markers=tag_labels(scheme, e.markers),
            repair=repair,
            strategies=tag_labels(scheme, (*e.attempt_strategies, *e.repair_strategies)),
            before_after=f"{before} → {after}",
            repaired=e.repaired,
        ))
    return rows


def strategies_line(summary: Summary, scheme: Scheme) -> str:
    used = summary.ruptures.strategies
    if not used:
        return "No repair strategies tagged."
    return " · ".join(f"{scheme.label_of_tag(t)} ×{n}" for t, n in used.items())


def notes_line(summary: Summary, scheme: Scheme) -> str:
    return " · ".join(f"{label(scheme.note_kind, k, k)} {n}" for k, n in summary.notes.items())
