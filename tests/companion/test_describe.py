"""A tap in a few words: one rule for the live status line, the review's list and playback,
and a repair found without scanning every rupture of a long session."""

from __future__ import annotations

from attune_companion.describe import describe_tap, repaired_by
from attune_companion.events import Event, Kind
from attune_companion.fold import fold
from attune_companion.scheme import default_scheme

SCHEME = default_scheme()
S = 1000


def tap(i: int, kind: Kind, t_s: float, value: str | None = None, text: str | None = None) -> Event:
    return Event(i, kind, int(t_s * S), value=value, text=text)


def test_each_kind_of_tap_reads_in_the_schemes_words():
    log = [tap(1, Kind.CLIENT, 1, "sympathetic"), tap(2, Kind.SELF, 2, "ventral"),
           tap(3, Kind.RUPTURE, 10, "withdrawal"), tap(4, Kind.REPAIR_ATTEMPT, 20),
           tap(5, Kind.PAUSE, 30), tap(6, Kind.RESUME, 90), tap(7, Kind.REPAIR, 100),
           tap(8, Kind.NOTE, 110, "glimmer"), tap(9, Kind.NOTE, 120, "note", "x" * 60),
           tap(10, Kind.RUPTURE, 130)]
    state = fold(log)
    said = [describe_tap(e, SCHEME, state) for e in log if e.is_tap]
    assert said == [
        "Sympathetic (client)", "Ventral (self)", "Rupture: Withdrawal", "Repair attempt",
        "Repair after 0:30",  # 90 s from rupture to repair, of which 60 s were a pause
        "Glimmer", "Note “" + "x" * 39 + "…”", "Rupture",
    ]


def test_a_repair_is_matched_to_its_own_rupture_when_another_starts_that_moment():
    log = [tap(1, Kind.RUPTURE, 10), tap(2, Kind.REPAIR, 40), tap(3, Kind.RUPTURE, 40),
           tap(4, Kind.REPAIR, 45)]
    state = fold(log)
    assert repaired_by(log[1], state) is state.episodes[0]
    assert repaired_by(log[3], state) is state.episodes[1]
    assert [describe_tap(e, SCHEME, state) for e in (log[1], log[3])] == [
        "Repair after 0:30", "Repair after 0:05"]


class CountingIds(list):
    """An episode's tap ids that count how often they are looked at."""

    looks = 0

    def __contains__(self, item: object) -> bool:
        CountingIds.looks += 1
        return super().__contains__(item)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        CountingIds.looks += 1
        return super().__getitem__(index)

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingIds.looks += 1
        return super().__iter__()


def test_describing_a_repair_looks_at_a_few_ruptures_not_all_of_them():
    log, t = [], 0
    for n in range(4000):
        log += [tap(2 * n + 1, Kind.RUPTURE, t), tap(2 * n + 2, Kind.REPAIR, t + 5)]
        t += 10
    state = fold(log)
    for episode in state.episodes:
        episode.event_ids = CountingIds(episode.event_ids)
    first_repair = log[1]

    CountingIds.looks = 0
    assert describe_tap(first_repair, SCHEME, state) == "Repair after 0:05"
    assert CountingIds.looks <= 3  # was one look per rupture of the session: 4,000
