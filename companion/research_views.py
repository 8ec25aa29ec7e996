"""SQL views a researcher reads by name (in Datasette, `sqlite-utils`, or any SQLite tool),
so that nobody has to rebuild Attune's rules by hand. Schema step m004 creates them.

Every view is plain SQL over the tables and gives the figures the core computes (the fold and
`attune_companion.summary`), exactly: tests compare them on demo and generated sessions. Times are
integer milliseconds of session time. Each session is read on the clinician's timeline: its
end (the end tap, or while live its latest event) and its breaks are the clinician's, and a
coder layer is read on that same timeline (a layer is coded in playback of the session).
`coder` is 'clinician' for the clinician's own taps, else the layer's label.

- effective_taps: every event with undos and corrections applied (`events.effective_taps`),
  in timeline order (`position`); `edited` marks a tap a correction touched.
- session_pauses: the breaks of each session (`end_ms` is the session's end while a break is
  still open, with `still_open` 1).
- lane_intervals: each client or self tap and how long it held (`active_ms`: breaks left out).
- state_times: time in each state per lane and coder, with its share of the time noted (the
  summary's lane `states`, for the states that were held).
- rupture_episodes: one row per rupture episode with its type, markers, repair and times (the
  summary's episodes).
- session_summary: one row per session with its summary figures (the clinician's view). What
  it leaves out (per-state times, strategies, notes by kind) is in the views above or in
  `attune-cli summary ID --json`.

The SQL here and in attune_companion.view_sql is part of a shipped migration step: never edit it.
A change is a new step that drops the views and creates new ones. The views need SQLite 3.25
or newer (window functions), as any tool opening the database then does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attune_companion.view_sql import BASE, EFFECTIVE_TAPS, EPISODES, INTERVALS

if TYPE_CHECKING:
    from sqlite_utils import Database

_SESSION_PAUSES = f"""
CREATE VIEW session_pauses AS
-- The breaks of each session: from a pause tap to the next resume or end tap. A break still
-- open (a live session) runs to the session's latest event, with still_open = 1.
WITH {BASE}
SELECT session_id, number, start_ms, end_ms, end_ms - start_ms AS length_ms, still_open
FROM pauses
"""

_LANE_INTERVALS = f"""
CREATE VIEW lane_intervals AS
-- Each client or self tap of each coder and the time its state held: from the tap to the
-- lane's next tap, or to the session's end. active_ms leaves out the session's breaks.
WITH {BASE}{INTERVALS}
SELECT session_id, coder, lane, event_id, position, state, start_ms, end_ms, active_ms
FROM held
"""

_STATE_TIMES = f"""
CREATE VIEW state_times AS
-- Time in each state, per session, coder and lane (breaks left out), with its share of the
-- time the lane was noted (the summary's lane figures, for each state that was held).
WITH {BASE}{INTERVALS},
totals AS (
    SELECT session_id, coder, lane, state, SUM(active_ms) AS active_ms
    FROM held GROUP BY session_id, coder, lane, state
)
SELECT t.session_id, t.coder, t.lane, t.state, t.active_ms,
       CASE WHEN n.noted_ms > 0 THEN CAST(t.active_ms AS REAL) / n.noted_ms END AS share
FROM totals t JOIN (
    SELECT session_id, coder, lane, SUM(active_ms) AS noted_ms
    FROM totals GROUP BY session_id, coder, lane
) n USING (session_id, coder, lane)
"""

_RUPTURE_EPISODES = f"""
CREATE VIEW rupture_episodes AS
-- One row per rupture episode of each coder: from its first rupture tap to its repair.
-- status: repaired, unrepaired (open when the session ended) or open (a live session).
-- time_to_repair_ms and open_ms leave out the session's breaks; markers and strategies are
-- JSON arrays; client_before/after: the client state at the onset and after the repair.
WITH {BASE}{INTERVALS}{EPISODES}
SELECT session_id, coder, number, start_ms, rupture_type, markers, status, attempts,
       attempt_strategies, repair_ms, repair_strategies, time_to_repair_ms, open_ms,
       client_before, client_after
FROM episodes
"""

_SESSION_SUMMARY = f"""
CREATE VIEW session_summary AS
-- One row per session with the clinician's summary figures (attune_companion.summary defines them).
-- Durations in ms; shares from 0 to 1 (NULL when there is nothing to divide by). ventral is
-- the top plain state of the session's scheme. Coder layers are counted, not summarised
-- (see rupture_episodes and state_times for them).
WITH {BASE}{INTERVALS}{EPISODES},
ventral AS (
    SELECT s.id AS session_id, (
        SELECT json_extract(st.value, '$.id') FROM json_each(s.scheme_json, '$.states') st
        ORDER BY COALESCE(json_array_length(st.value, '$.blend_of'), 0) = 0 DESC,
                 json_extract(st.value, '$.level') DESC, CAST(st.key AS INTEGER)
        LIMIT 1) AS state
    FROM sessions s
),
lanes AS (
    SELECT h.session_id, h.lane, SUM(h.active_ms) AS noted_ms,
           SUM(CASE WHEN h.state = v.state THEN h.active_ms ELSE 0 END) AS ventral_ms
    FROM held h JOIN ventral v ON v.session_id = h.session_id
    WHERE h.coder = 'clinician' GROUP BY h.session_id, h.lane
),
runs AS (
    SELECT *, SUM(state = ventral AND (prev IS NULL OR prev != ventral)) OVER (
               PARTITION BY session_id, lane ORDER BY position ROWS UNBOUNDED PRECEDING
           ) AS run
    FROM (
        SELECT h.*, v.state AS ventral,
               LAG(h.state) OVER (PARTITION BY h.session_id, h.lane ORDER BY h.position) AS prev
        FROM held h JOIN ventral v ON v.session_id = h.session_id
        WHERE h.coder = 'clinician'
    )
),
stretch_lengths AS (
    SELECT session_id, lane, SUM(active_ms) AS length_ms
    FROM runs WHERE state = ventral GROUP BY session_id, lane, run
),
stretches AS (
    SELECT r.session_id, r.lane, r.transitions, COALESCE(l.longest_ms, 0) AS longest_ventral_ms
    FROM (SELECT session_id, lane, SUM(state != prev) AS transitions
          FROM runs GROUP BY session_id, lane) r
    LEFT JOIN (SELECT session_id, lane, MAX(length_ms) AS longest_ms
               FROM stretch_lengths GROUP BY session_id, lane) l
        ON l.session_id = r.session_id AND l.lane = r.lane
),
overlaps AS (
    -- time both lanes were noted and the client not ventral, and the self lane's part in it
    SELECT c.session_id, c.event_id AS client_tap, s.event_id AS self_tap,
           s.state = v.state AS self_ventral,
           MAX(c.start_ms, s.start_ms) AS start_ms, MIN(c.end_ms, s.end_ms) AS end_ms
    FROM intervals c JOIN ventral v ON v.session_id = c.session_id
    JOIN intervals s ON s.session_id = c.session_id AND s.coder = 'clinician'
        AND s.lane = 'self' AND s.start_ms < c.end_ms AND s.end_ms > c.start_ms
    WHERE c.coder = 'clinician' AND c.lane = 'client' AND c.state != v.state
),
coregulation AS (
    SELECT session_id, SUM(active_ms) AS base_ms,
           SUM(CASE WHEN self_ventral THEN active_ms ELSE 0 END) AS self_ventral_ms
    FROM (
        SELECT o.session_id, o.self_ventral, (o.end_ms - o.start_ms) - COALESCE(SUM(
                   MAX(0, MIN(p.end_ms, o.end_ms) - MAX(p.start_ms, o.start_ms))), 0)
               AS active_ms
        FROM overlaps o LEFT JOIN pauses p ON p.session_id = o.session_id
            AND p.start_ms < o.end_ms AND p.end_ms > o.start_ms
        GROUP BY o.session_id, o.client_tap, o.self_tap
    ) GROUP BY session_id
),
breaks AS (
    SELECT session_id, SUM(end_ms - start_ms) AS paused_ms, COUNT(*) AS pauses
    FROM pauses GROUP BY session_id
),
repairs AS (
    SELECT session_id, time_to_repair_ms AS ms,
           ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY time_to_repair_ms) AS n,
           COUNT(*) OVER (PARTITION BY session_id) AS count
    FROM episodes WHERE coder = 'clinician' AND status = 'repaired'
),
middle AS (
    SELECT session_id, (MIN(ms) + MAX(ms)) / 2 AS median_repair_ms
    FROM repairs WHERE n IN ((count - 1) / 2 + 1, count / 2 + 1) GROUP BY session_id
),
rupture_figures AS (
    SELECT e.session_id, COUNT(*) AS ruptures, SUM(e.status = 'repaired') AS repaired,
           SUM(e.status = 'unrepaired') AS unrepaired, SUM(e.status = 'open') AS still_open,
           SUM(e.open_ms) AS time_in_rupture_ms, MAX(e.time_to_repair_ms) AS longest_repair_ms
    FROM episodes e WHERE e.coder = 'clinician' GROUP BY e.session_id
),
counts AS (
    SELECT s.id AS session_id, COALESCE(t.notes, 0) AS notes,
           COALESCE(x.edited, 0) AS edited, COALESCE(l.layers, 0) AS coder_layers
    FROM sessions s
    LEFT JOIN (SELECT session_id, COUNT(*) AS notes FROM et
               WHERE coder = 'clinician' AND kind = 'note' GROUP BY session_id) t
        ON t.session_id = s.id
    LEFT JOIN (SELECT DISTINCT session_id, 1 AS edited FROM events WHERE kind = 'edit') x
        ON x.session_id = s.id
    LEFT JOIN (SELECT session_id, COUNT(*) AS layers FROM coder_layers GROUP BY session_id) l
        ON l.session_id = s.id
),
figures AS (
    SELECT s.id AS session_id, c.code AS client_code, s.number, s.modality, s.started_utc,
           s.ended_utc, s.time_zone, s.status,
           COALESCE(k.end_ms, 0) AS total_ms,
           COALESCE(k.end_ms, 0) - COALESCE(b.paused_ms, 0) AS active_ms,
           COALESCE(b.paused_ms, 0) AS paused_ms, COALESCE(b.pauses, 0) AS pauses,
           v.state AS ventral,
           COALESCE(lc.noted_ms, 0) AS client_noted_ms,
           COALESCE(lc.ventral_ms, 0) AS client_ventral_ms,
           COALESCE(sc.transitions, 0) AS client_transitions,
           COALESCE(sc.longest_ventral_ms, 0) AS client_longest_ventral_ms,
           COALESCE(ls.noted_ms, 0) AS self_noted_ms,
           COALESCE(ls.ventral_ms, 0) AS self_ventral_ms,
           COALESCE(ss.transitions, 0) AS self_transitions,
           COALESCE(ss.longest_ventral_ms, 0) AS self_longest_ventral_ms,
           COALESCE(r.ruptures, 0) AS ruptures, COALESCE(r.repaired, 0) AS repaired,
           COALESCE(r.unrepaired, 0) AS unrepaired, COALESCE(r.still_open, 0) AS still_open,
           m.median_repair_ms, r.longest_repair_ms,
           COALESCE(r.time_in_rupture_ms, 0) AS time_in_rupture_ms,
           COALESCE(g.base_ms, 0) AS coregulation_base_ms,
           COALESCE(g.self_ventral_ms, 0) AS coregulation_self_ventral_ms,
           n.notes, n.edited, n.coder_layers
    FROM sessions s JOIN clients c ON c.key = s.client_key
    LEFT JOIN clock k ON k.session_id = s.id
    JOIN ventral v ON v.session_id = s.id
    JOIN counts n ON n.session_id = s.id
    LEFT JOIN breaks b ON b.session_id = s.id
    LEFT JOIN lanes lc ON lc.session_id = s.id AND lc.lane = 'client'
    LEFT JOIN lanes ls ON ls.session_id = s.id AND ls.lane = 'self'
    LEFT JOIN stretches sc ON sc.session_id = s.id AND sc.lane = 'client'
    LEFT JOIN stretches ss ON ss.session_id = s.id AND ss.lane = 'self'
    LEFT JOIN rupture_figures r ON r.session_id = s.id
    LEFT JOIN middle m ON m.session_id = s.id
    LEFT JOIN coregulation g ON g.session_id = s.id
)
SELECT session_id, client_code, number, modality, started_utc, ended_utc, time_zone, status,
       total_ms, active_ms, paused_ms, pauses, ventral,
       client_noted_ms, client_ventral_ms,
       CASE WHEN client_noted_ms > 0 THEN CAST(client_ventral_ms AS REAL) / client_noted_ms
       END AS client_ventral_share,
       client_transitions, client_longest_ventral_ms,
       self_noted_ms, self_ventral_ms,
       CASE WHEN self_noted_ms > 0 THEN CAST(self_ventral_ms AS REAL) / self_noted_ms
       END AS self_ventral_share,
       self_transitions, self_longest_ventral_ms,
       ruptures, repaired, unrepaired, still_open, median_repair_ms, longest_repair_ms,
       time_in_rupture_ms,
       CASE WHEN active_ms > 0 THEN CAST(time_in_rupture_ms AS REAL) / active_ms
       END AS rupture_share_of_active,
       coregulation_base_ms, coregulation_self_ventral_ms,
       CASE WHEN coregulation_base_ms > 0
            THEN CAST(coregulation_self_ventral_ms AS REAL) / coregulation_base_ms
       END AS coregulation_share,
       notes, edited, coder_layers
FROM figures
"""

VIEWS = ("effective_taps", "session_pauses", "lane_intervals", "state_times",
         "rupture_episodes", "session_summary")


def m005_research_views(db: Database) -> None:
    """Views that give researchers Attune's own figures by name (see this module)."""
    # One statement each: sqlite-utils splits a script inside a transaction character by
    # character, which takes seconds for text this long.
    for statement in (EFFECTIVE_TAPS, _SESSION_PAUSES, _LANE_INTERVALS, _STATE_TIMES,
                      _RUPTURE_EPISODES, _SESSION_SUMMARY):
        db.execute(statement)
