"""The session summary as calm plain text: the CLI's `summary`, and the words the review and
exports use for a scheme's ids."""

from __future__ import annotations

from typing import Any

from attune_companion.clock import format_duration
from attune_companion.scheme import Scheme
from attune_companion.summary import UNTYPED, Summary


def scheme_label(find: Any, item_id: str | None, missing: str = "not yet noted") -> str:
    """A scheme label, `missing` for None, the id itself when the scheme does not know it."""
    if item_id is None:
        return missing
    try:
        return str(find(item_id).label)
    except KeyError:
        return item_id


def _row(label: str, value: str, extra: str = "") -> str:
    return f"  {label:<30}{value:>8}  {extra}".rstrip()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(summary: Summary, scheme: Scheme) -> str:
    """The summary as calm plain text in headed sections, with labels from the scheme."""

    def state(state_id: str | None) -> str:
        return scheme_label(scheme.state, state_id, "not yet noted")

    def kind(type_id: str | None) -> str:
        return scheme_label(scheme.rupture_type, None if type_id == UNTYPED else type_id, "Untyped")

    def tags(ids: tuple[str, ...]) -> str:
        return ", ".join(scheme.label_of_tag(t) for t in dict.fromkeys(ids)) or "none"

    def pct(share: float | None) -> str:
        return "" if share is None else f"{share:>4.0%}"

    ventral = state(summary.ventral).lower()

    d = summary.duration
    out = [f"Session summary ({'ended' if summary.ended else 'live, so far'})",
           "", "Duration",
           _row("Total", format_duration(d.total_ms)),
           _row("Active", format_duration(d.active_ms)),
           _row("Paused", format_duration(d.paused_ms), f"({_plural(d.pauses, 'pause')})")]

    titles = {"client": "Client (perceived state)", "self": "Self (your own state)"}
    for name, lane in summary.lanes.items():
        out += ["", titles.get(name, name)]
        if lane.first_noted_ms is None:
            out.append("  not yet noted")
            continue
        out += [_row(state(sid), format_duration(t.active_ms), pct(t.share))
                for sid, t in lane.states.items()]
        if lane.not_noted_ms:
            out.append(_row("Not yet noted", format_duration(lane.not_noted_ms)))
        out.append(_row("Transitions", str(lane.transitions)))
        start = lane.longest_ventral_start_ms
        out.append(_row(f"Longest {ventral} stretch",
                        "none" if start is None else format_duration(lane.longest_ventral_ms),
                        "" if start is None else f"(from {format_duration(start)})"))

    r = summary.ruptures
    out += ["", "Ruptures"]
    if not r.count:
        out.append("  none noted")
    else:
        by_type = ", ".join(f"{kind(t)} {n}" for t, n in r.by_type.items() if n)
        out.append(f"  {_plural(r.count, 'rupture')}: {by_type}")
        out.append(f"  Repaired {r.repaired}, unrepaired at end {r.unrepaired}"
                   + (f", still open {r.open}" if r.open else ""))
        if r.median_repair_ms is not None and r.longest_repair_ms is not None:
            out.append(f"  Time to repair: median {format_duration(r.median_repair_ms)}, "
                       f"longest {format_duration(r.longest_repair_ms)}")
        out.append(f"  Time in rupture: {format_duration(r.time_in_rupture_ms)}"
                   f" ({pct(r.share_of_active).strip() or '-'} of active time)")
    for e in r.episodes:
        out += ["", f"  #{e.number} at {format_duration(e.start_ms)}: {kind(e.rupture_type)}"]
        if e.markers:
            out.append(f"     Markers: {tags(e.markers)}")
        tries = _plural(e.attempts, "attempt")
        if e.time_to_repair_ms is not None:
            out.append(f"     Repaired after {format_duration(e.time_to_repair_ms)} ({tries})")
        elif e.status == "unrepaired":
            out.append(f"     Unrepaired at end (open {format_duration(e.open_ms)}, {tries})")
        else:
            out.append(f"     Still open ({format_duration(e.open_ms)} so far, {tries})")
        after = f"; after: {state(e.client_after)}" if e.repaired else ""
        out.append(f"     Client before: {state(e.client_before)}{after}")
        if e.attempts:
            out.append(f"     Attempt strategies: {tags(e.attempt_strategies)}")
        if e.repaired:
            out.append(f"     Repair strategies: {tags(e.repair_strategies)}")

    out += ["", "Repair strategies used"]
    out += [_row(scheme.label_of_tag(t), str(n)) for t, n in r.strategies.items()] or ["  none"]

    c = summary.coregulation
    out += ["", "Co-regulation"]
    if c.share is None:
        out.append(f"  not yet measurable (no time with both lanes noted and the client "
                   f"not {ventral})")
    else:
        out.append(_row(f"Client not {ventral}", format_duration(c.base_ms)))
        out.append(_row(f"You {ventral} meanwhile", format_duration(c.self_ventral_ms),
                        pct(c.share)))

    notes = ", ".join(f"{scheme_label(scheme.note_kind, k, k)} {n}" for k, n in summary.notes.items())
    out += ["", "Notes", f"  {notes or 'none'}"]
    return "\n".join(out) + "\n"
