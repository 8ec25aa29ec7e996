"""A tap in a few words, the same in the live status line, the review's list and playback.

Pure: an effective tap, the session's scheme and a folded state in, a short phrase out.
"""

from __future__ import annotations

from bisect import bisect_right

from attune_companion.clock import format_duration
from attune_companion.events import Event, Kind
from attune_companion.export import value_label
from attune_companion.fold import Episode, SessionState
from attune_companion.scheme import Scheme

NOTE_TEXT_CHARS = 40
"""A note's own words are shown up to this many characters, then cut with an ellipsis."""


def describe_tap(event: Event, scheme: Scheme, state: SessionState) -> str:
    """'Sympathetic (client)', 'Rupture: Withdrawal', 'Repair after 3:18', 'Glimmer'.

    `state` is a fold that includes `event` (the session so far, or the whole session): a
    repair is described with how long its rupture took, pauses left out.
    """
    kind = event.kind
    if kind in (Kind.CLIENT, Kind.SELF):
        lane = "client" if kind is Kind.CLIENT else "self"
        return f"{value_label(scheme, event)} ({lane})"
    if kind is Kind.RUPTURE:
        return scheme.rupture_label + (f": {value_label(scheme, event)}" if event.value else "")
    if kind is Kind.REPAIR_ATTEMPT:
        return scheme.attempt_label
    if kind is Kind.REPAIR:
        episode = repaired_by(event, state)
        took = "" if episode is None else (
            f" after {format_duration(state.episode_active_ms(episode, event.offset_ms))}")
        return scheme.repair_label + took
    if kind is Kind.NOTE:
        label = value_label(scheme, event)
        if event.text:
            text = event.text
            short = text if len(text) <= NOTE_TEXT_CHARS else text[:NOTE_TEXT_CHARS - 1] + "…"
            return f"{label} “{short}”"
        return label
    return kind.value


def repaired_by(event: Event, state: SessionState) -> Episode | None:
    """The rupture episode a repair tap closed, in O(log n) (None: not found in `state`).

    Episodes never overlap and are in time order, and a repair is its episode's last tap, so
    only the newest episodes starting at or before the repair can be it: the one it ends, and
    any empty ones that began at that very moment.
    """
    episodes = state.episodes
    i = bisect_right(episodes, event.offset_ms, key=lambda ep: ep.start_ms)
    while i > 0:
        i -= 1
        episode = episodes[i]
        if episode.repair_ms == event.offset_ms and episode.event_ids[-1] == event.id:
            return episode
        if episode.start_ms < event.offset_ms:
            return None  # every earlier episode ended before this one began
    return None
