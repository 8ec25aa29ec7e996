"""Agreement between two views of one session (the clinician's live log, a coder layer).

Definitions (A is the reference, B the view compared with it):

States (the client lane, and the self lane, each on its own)
    The session is cut into time units of `unit_ms` (default 1 s) from its start. Unit k is
    represented by its midpoint m = k·unit + unit/2 and counts only when m lies inside the
    session (before its end), outside the session's breaks, and *both* views have noted a
    state on that lane by m (a view's state at m is its newest tap at or before m). Over the
    n counted units:
    - percent agreement p_o = (units where A and B hold the same state) / n;
    - Cohen's kappa κ = (p_o − p_e) / (1 − p_e), with chance agreement
      p_e = Σ_s (A's units in s / n) · (B's units in s / n); κ is undefined (None) when
      p_e = 1 (both views held one and the same state throughout) or n = 0;
    - the confusion matrix counts units by (A's state, B's state): rows A, columns B.
Ruptures, as episodes
    Each view's ruptures are its folded episodes; an episode is placed at its onset (its first
    rupture tap). Episodes are matched one-to-one in time order: each A onset, earliest first,
    takes the earliest B onset not yet matched that lies within `tolerance_ms` (default 30 s,
    inclusive) of it. This gives the most matches any one-to-one pairing could.
    - precision = matched / B's episodes; recall = matched / A's episodes (None when the count
      divided by is 0); F1 = 2·matched / (A's + B's episodes), their harmonic mean whenever
      both exist (None when neither view has a rupture);
    - mean onset offset = mean of (B onset − A onset) over matched pairs (positive: B later),
      and the mean of its absolute value;
    - type agreement = matched pairs with the same rupture type / matched pairs in which both
      views gave a type (None when there are none).
Moments of largest disagreement
    Runs of consecutive counted units in which A and B hold the same pair of different states
    on a lane, and episodes one view has and the other lacks (each weighed as one tolerance's
    length); the longest first, so playback can jump to where a conversation should start.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from attune_companion.errors import AttuneError
from attune_companion.export import session_time
from attune_companion.fold import Episode, Interval, Pause, SessionState, fold
from attune_companion.layers import CLINICIAN, coder_state, coders
from attune_companion.scheme import session_scheme
from attune_companion.store import Store

DEFAULT_UNIT_MS = 1000
DEFAULT_TOLERANCE_MS = 30_000
MOMENTS = 8


class AgreementError(AttuneError):
    """Agreement cannot be computed as asked (e.g. a unit of no length)."""


@dataclass(frozen=True)
class LaneAgreement:
    """Agreement on one lane: `matrix[i][j]` counts units A held `labels[i]` and B `labels[j]`."""

    lane: str
    units: int
    agreed: int
    percent: float | None
    kappa: float | None
    labels: list[str]
    matrix: list[list[int]]


@dataclass(frozen=True)
class RuptureAgreement:
    """Rupture episodes compared: `pairs` are matched (A onset, B onset) in ms."""

    in_a: int
    in_b: int
    matched: int
    precision: float | None
    recall: float | None
    f1: float | None
    mean_onset_offset_ms: float | None
    mean_abs_onset_offset_ms: float | None
    types_compared: int
    type_agreement: float | None
    pairs: list[tuple[int, int]]
    only_a: list[int]
    only_b: list[int]


@dataclass(frozen=True)
class Moment:
    """A place the views disagree: `lane` is 'client', 'self' or 'rupture'; `a`/`b` what each
    view held (a state id, or for a rupture 'rupture' / None)."""

    start_ms: int
    end_ms: int
    lane: str
    a: str | None
    b: str | None


@dataclass(frozen=True)
class Agreement:
    coder_a: str
    coder_b: str
    unit_ms: int
    tolerance_ms: int
    client: LaneAgreement
    self_lane: LaneAgreement
    ruptures: RuptureAgreement
    moments: list[Moment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready figures (the CLI's --json and the exports use these names)."""
        doc = asdict(self)
        doc["self"] = doc.pop("self_lane")
        doc["ruptures"]["pairs"] = [list(p) for p in self.ruptures.pairs]
        return doc


def compare(
    a: SessionState, b: SessionState, *, duration_ms: int, pauses: list[Pause] | None = None,
    unit_ms: int = DEFAULT_UNIT_MS, tolerance_ms: int = DEFAULT_TOLERANCE_MS,
    order: list[str] | None = None, coder_a: str = "A", coder_b: str = "B",
) -> Agreement:
    """Agreement of folded views `a` and `b` of a session `duration_ms` long (see the module
    docstring). `pauses` are the session's breaks; `order` lists state ids in the order the
    confusion matrix shows them (others follow, sorted)."""
    if unit_ms <= 0:
        raise AgreementError("The time unit must be longer than zero.")
    if tolerance_ms < 0:
        raise AgreementError("The rupture tolerance cannot be negative.")
    mids = _counted_midpoints(duration_ms, pauses or [], unit_ms)
    client, client_runs = _lane("client", a, b, mids, unit_ms, order or [])
    self_lane, self_runs = _lane("self", a, b, mids, unit_ms, order or [])
    ruptures = _ruptures(a.episodes, b.episodes, tolerance_ms)
    missed = [Moment(t, t, "rupture", "rupture", None) for t in ruptures.only_a]
    missed += [Moment(t, t, "rupture", None, "rupture") for t in ruptures.only_b]

    def weight(m: Moment) -> int:
        return tolerance_ms if m.lane == "rupture" else m.end_ms - m.start_ms

    moments = sorted(client_runs + self_runs + missed, key=lambda m: (-weight(m), m.start_ms))
    return Agreement(coder_a, coder_b, unit_ms, tolerance_ms, client, self_lane, ruptures,
                     moments[:MOMENTS])


def _counted_midpoints(duration_ms: int, pauses: list[Pause], unit_ms: int) -> list[int]:
    mids = []
    for k in range(max(0, duration_ms) // unit_ms + 1):
        m = k * unit_ms + unit_ms // 2
        if m >= duration_ms:
            break
        if not any(p.start_ms <= m < (p.end_ms if p.end_ms is not None else duration_ms)
                   for p in pauses):
            mids.append(m)
    return mids


def _held(intervals: list[Interval], starts: list[int], t: int) -> str | None:
    i = bisect_right(starts, t) - 1
    return intervals[i].state if i >= 0 else None


def _lane(
    lane: str, a: SessionState, b: SessionState, mids: list[int], unit_ms: int, order: list[str]
) -> tuple[LaneAgreement, list[Moment]]:
    ia, ib = a.lanes[lane], b.lanes[lane]
    sa, sb = [i.start_ms for i in ia], [i.start_ms for i in ib]
    pairs: Counter[tuple[str, str]] = Counter()
    runs: list[Moment] = []
    last_mid = None
    for m in mids:
        x, y = _held(ia, sa, m), _held(ib, sb, m)
        if x is None or y is None:
            continue
        pairs[(x, y)] += 1
        if x != y:
            start = m - unit_ms // 2
            run = runs[-1] if runs else None
            if run and last_mid == m - unit_ms and (run.a, run.b) == (x, y):
                runs[-1] = Moment(run.start_ms, start + unit_ms, lane, x, y)
            else:
                runs.append(Moment(start, start + unit_ms, lane, x, y))
            last_mid = m
    seen = {s for p in pairs for s in p}
    labels = [s for s in order if s in seen] + sorted(seen - set(order))
    matrix = [[pairs[(r, c)] for c in labels] for r in labels]
    n = sum(pairs.values())
    agreed = sum(pairs[(s, s)] for s in labels)
    percent = agreed / n if n else None
    kappa = None
    if n:
        rows = {s: sum(pairs[(s, c)] for c in labels) for s in labels}
        cols = {s: sum(pairs[(r, s)] for r in labels) for s in labels}
        chance = sum(rows[s] * cols[s] for s in labels) / (n * n)
        if chance < 1:
            kappa = (agreed / n - chance) / (1 - chance)
    return LaneAgreement(lane, n, agreed, percent, kappa, labels, matrix), runs


def _ruptures(a: list[Episode], b: list[Episode], tolerance_ms: int) -> RuptureAgreement:
    onsets_b = sorted((ep.start_ms, i) for i, ep in enumerate(b))
    used: set[int] = set()
    matched: list[tuple[Episode, Episode]] = []
    for ep_a in sorted(a, key=lambda ep: ep.start_ms):
        for t_b, j in onsets_b:
            if j in used or t_b < ep_a.start_ms - tolerance_ms:
                continue
            if t_b <= ep_a.start_ms + tolerance_ms:
                used.add(j)
                matched.append((ep_a, b[j]))
            break
    m = len(matched)
    offsets = [eb.start_ms - ea.start_ms for ea, eb in matched]
    typed = [(ea.rupture_type, eb.rupture_type) for ea, eb in matched
             if ea.rupture_type and eb.rupture_type]
    matched_a = {id(ea) for ea, _ in matched}
    return RuptureAgreement(
        in_a=len(a), in_b=len(b), matched=m,
        precision=m / len(b) if b else None,
        recall=m / len(a) if a else None,
        f1=2 * m / (len(a) + len(b)) if a or b else None,
        mean_onset_offset_ms=sum(offsets) / m if m else None,
        mean_abs_onset_offset_ms=sum(abs(o) for o in offsets) / m if m else None,
        types_compared=len(typed),
        type_agreement=sum(x == y for x, y in typed) / len(typed) if typed else None,
        pairs=[(ea.start_ms, eb.start_ms) for ea, eb in matched],
        only_a=[ep.start_ms for ep in a if id(ep) not in matched_a],
        only_b=[ep.start_ms for j, ep in enumerate(b) if j not in used],
    )


# -- one session in the store -------------------------------------------------------------------


def session_agreement(
    store: Store, session_id: int, a: str | None = None, b: str | None = None, *,
    unit_ms: int = DEFAULT_UNIT_MS, tolerance_ms: int = DEFAULT_TOLERANCE_MS,
) -> Agreement:
    """Agreement of two views of a stored session: by default the clinician's own (A) and
    the newest coder layer (B). The session's end and breaks are the clinician's."""
    row = store.session(session_id)
    a = a or CLINICIAN
    if b is None:
        others = [c for c in coders(store, session_id) if c.casefold() != a.casefold()]
        if not others:
            raise AgreementError(
                f"Session {session_id} has no second coder yet: code it in playback first."
            )
        b = others[-1]
    session = fold(store.events(session_id))
    end = session.ended_ms if session.ended_ms is not None else session.last_ms
    scheme = session_scheme(row.scheme_json, row.id)
    return compare(
        coder_state(store, session_id, a), coder_state(store, session_id, b),
        duration_ms=end, pauses=session.pauses, unit_ms=unit_ms, tolerance_ms=tolerance_ms,
        order=[s.id for s in scheme.states], coder_a=a, coder_b=b,
    )


NO_SECOND_CODER = "No second coder yet: code the session to compare."


def agreement_or_note(store: Store, session_id: int, coder: str | None = None
                      ) -> tuple[Agreement | None, str]:
    """The clinician's record against `coder` (default: the newest layer), or None and a
    sentence saying why there is nothing to compare (no layer yet, or not comparable)."""
    if not coders(store, session_id)[1:]:
        return None, NO_SECOND_CODER
    try:
        return session_agreement(store, session_id, b=coder), ""
    except AgreementError as exc:
        return None, str(exc)


def format_text(agreement: Agreement) -> str:
    """The figures as a few plain lines (the CLI prints these)."""
    ag = agreement
    lines = [f"{ag.coder_a} (A) and {ag.coder_b} (B), in units of {ag.unit_ms / 1000:g} s"]
    for lane in (ag.client, ag.self_lane):
        name = "Client state" if lane.lane == "client" else "Self state"
        if not lane.units:
            lines.append(f"{name}: no time both noted")
            continue
        lines.append(f"{name}: {_pct(lane.percent)} agreement, kappa {_num(lane.kappa)} "
                     f"over {lane.units} units")
        width = max(len(s) for s in lane.labels) + 2
        lines.append(" " * (width + 4) + "".join(f"{s:>{width}}" for s in lane.labels))
        for label, row in zip(lane.labels, lane.matrix):
            lines.append(f"    {label:<{width}}" + "".join(f"{n:>{width}}" for n in row))
    r = ag.ruptures
    lines.append(
        f"Ruptures: {r.in_a} in A, {r.in_b} in B, {r.matched} matched within "
        f"{ag.tolerance_ms / 1000:g} s; precision {_pct(r.precision)}, recall {_pct(r.recall)}, "
        f"F1 {_num(r.f1)}"
    )
    if r.matched:
        lines.append(
            f"    onset offset (B - A): mean {r.mean_onset_offset_ms / 1000:+.1f} s, "  # type: ignore[operator]
            f"mean absolute {r.mean_abs_onset_offset_ms / 1000:.1f} s; "  # type: ignore[operator]
            f"same type {_pct(r.type_agreement)} of {r.types_compared}"
        )
    if ag.moments:
        lines.append("Largest disagreements:")
        for m in ag.moments:
            lines.append(f"    {describe_moment(m)}")
    return "\n".join(lines)


def headline(agreement: Agreement) -> dict[str, str]:
    """The figures a report shows, as short texts ('n/a' where a figure is undefined): each
    lane's percent agreement and kappa, and the ruptures' precision, recall and F1."""
    ag, r = agreement, agreement.ruptures

    def lane(la: LaneAgreement) -> str:
        if not la.units:
            return "no time both noted"
        return f"{_pct(la.percent)} agree, κ\u00a0{_num(la.kappa)}"

    return {"client": lane(ag.client), "self": lane(ag.self_lane), "precision": _pct(r.precision),
            "recall": _pct(r.recall), "f1": _num(r.f1)}


def describe_moment(m: Moment) -> str:
    """'12:05-12:40 client: A ventral, B dorsal' or '31:10 rupture only in A'."""
    if m.lane == "rupture":
        return f"{session_time(m.start_ms)} rupture only in {'A' if m.a else 'B'}"
    return (f"{session_time(m.start_ms)}-{session_time(m.end_ms)} {m.lane}: "
            f"A {m.a}, B {m.b}")


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"
