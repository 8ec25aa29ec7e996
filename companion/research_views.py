"""SQL views a researcher reads by name (in Datasette, `sqlite-utils`, or any SQLite tool),
so that nobody has to rebuild Attune's rules by hand. Schema step m004 creates them.

Every view is plain SQL over the tables and gives the figures the core computes (the fold and
`companion.summary`), exactly: tests compare them on demo and generated sessions. Times are
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

The SQL below is part of a shipped migration step: never edit it. A change is a new step that
drops the views and creates new ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

_EFFECTIVE_TAPS = """
CREATE VIEW effective_taps AS
-- Every event of every session (coder 'clinician') and of every coder layer, with undos and
-- corrections applied as Attune applies them: an undone or removed tap is left out, an edited
-- tap carries its newest values (each field from the newest edit that set it), and the undo
-- and edit rows themselves are not rows here. `position` is the timeline order (session time,
-- then recording order); `tags` is a JSON array; `edited` is 1 when a correction touched it.
WITH raw AS (
    SELECT e.session_id, 'clinician' AS coder, e.id, e.kind, e.offset_ms, e.wall_utc,
           e.value, e.tags, e.text, e.target, e.changes
    FROM events e
    UNION ALL
    SELECT l.session_id, l.coder, le.id, le.kind, le.offset_ms, le.wall_utc,
           le.value, le.tags, le.text, le.target, le.changes
    FROM layer_events le JOIN coder_layers l ON l.id = le.layer_id
),
edit_fields AS (
    SELECT r.session_id, r.coder, r.target, f.key, f.value, f.type,
           ROW_NUMBER() OVER (
               PARTITION BY r.session_id, r.coder, r.target, f.key ORDER BY r.id DESC
           ) AS newest
    FROM raw r, json_each(r.changes) f
    WHERE r.kind = 'edit' AND r.target IS NOT NULL
),
edits AS (
    SELECT session_id, coder, target,
           MAX(key = 'removed' AND CASE type
               WHEN 'true' THEN 1 WHEN 'integer' THEN value != 0 WHEN 'real' THEN value != 0
               WHEN 'text' THEN value != '' WHEN 'array' THEN value != '[]'
               WHEN 'object' THEN value != '{}' ELSE 0 END) AS removed,
           MAX(key = 'kind') AS has_kind, MAX(CASE WHEN key = 'kind' THEN value END) AS kind,
           MAX(key = 'offset_ms') AS has_offset,
           MAX(CASE WHEN key = 'offset_ms' THEN value END) AS offset_ms,
           MAX(key = 'value') AS has_value, MAX(CASE WHEN key = 'value' THEN value END) AS value,
           MAX(key = 'tags') AS has_tags, MAX(CASE WHEN key = 'tags' THEN value END) AS tags,
           MAX(key = 'text') AS has_text, MAX(CASE WHEN key = 'text' THEN value END) AS text
    FROM edit_fields WHERE newest = 1
    GROUP BY session_id, coder, target
),
marked AS (
    SELECT DISTINCT session_id, coder, target, kind FROM raw
    WHERE kind IN ('undo', 'edit') AND target IS NOT NULL
),
applied AS (
    SELECT r.session_id, r.coder, r.id AS event_id,
           CASE WHEN d.has_kind THEN d.kind ELSE r.kind END AS kind,
           CASE WHEN d.has_offset THEN d.offset_ms ELSE r.offset_ms END AS offset_ms,
           r.wall_utc,
           CASE WHEN d.has_value THEN d.value ELSE r.value END AS value,
           json(CASE WHEN d.has_tags THEN d.tags ELSE COALESCE(r.tags, '[]') END) AS tags,
           CASE WHEN d.has_text THEN d.text ELSE r.text END AS text,
           ed.target IS NOT NULL AS edited
    FROM raw r
    LEFT JOIN edits d
        ON d.session_id = r.session_id AND d.coder = r.coder AND d.target = r.id
    LEFT JOIN marked ed ON ed.session_id = r.session_id AND ed.coder = r.coder
        AND ed.target = r.id AND ed.kind = 'edit'
    LEFT JOIN marked un ON un.session_id = r.session_id AND un.coder = r.coder
        AND un.target = r.id AND un.kind = 'undo'
    WHERE r.kind NOT IN ('undo', 'edit') AND un.target IS NULL AND NOT COALESCE(d.removed, 0)
)
SELECT session_id, coder,
       ROW_NUMBER() OVER (
           PARTITION BY session_id, coder ORDER BY offset_ms, event_id
       ) AS position,
       event_id, kind, offset_ms, wall_utc, value, tags, text, edited
FROM applied
"""

# The steps every derived view starts from, each view holding them whole (a view is read on
# its own; these are written once here).
_BASE = """
et AS (
    SELECT session_id, coder, position, event_id, kind, offset_ms, value, tags
    FROM effective_taps
),
clock AS (
    -- each session's end E: its end tap, else (still live) its latest event (no event: 0)
    SELECT session_id, COALESCE(MAX(CASE WHEN kind = 'end' THEN offset_ms END),
                                MAX(offset_ms)) AS end_ms,
           MAX(kind = 'end') AS ended
    FROM et WHERE coder = 'clinician' GROUP BY session_id
),
pauses AS (
    -- each break, from its pause tap to the next resume or end tap (still open: to E)
    SELECT m.session_id, m.start_ms, COALESCE(m.next_ms, c.end_ms) AS end_ms,
           m.next_ms IS NULL AS still_open,
           ROW_NUMBER() OVER (PARTITION BY m.session_id ORDER BY m.position) AS number
    FROM (
        SELECT session_id, kind, position, offset_ms AS start_ms,
               LEAD(offset_ms) OVER (PARTITION BY session_id ORDER BY position) AS next_ms
        FROM et WHERE coder = 'clinician' AND kind IN ('pause', 'resume', 'end')
    ) m JOIN clock c ON c.session_id = m.session_id
    WHERE m.kind = 'pause'
)"""

_INTERVALS = """,
intervals AS (
    -- each lane tap holds its state until the lane's next tap, or E
    SELECT t.session_id, t.coder,
           CASE t.kind WHEN 'client_state' THEN 'client' ELSE 'self' END AS lane,
           t.event_id, t.position, t.value AS state, t.offset_ms AS start_ms,
           COALESCE(LEAD(t.offset_ms) OVER (
               PARTITION BY t.session_id, t.coder, t.kind ORDER BY t.position
           ), c.end_ms) AS end_ms
    FROM et t JOIN clock c ON c.session_id = t.session_id
    WHERE t.kind IN ('client_state', 'self_state')
),
held AS (
    -- active time: the length less its part inside breaks
    SELECT i.*, (i.end_ms - i.start_ms) - COALESCE(SUM(
               MAX(0, MIN(p.end_ms, i.end_ms) - MAX(p.start_ms, i.start_ms))), 0) AS active_ms
    FROM intervals i LEFT JOIN pauses p ON p.session_id = i.session_id
        AND p.start_ms < i.end_ms AND p.end_ms > i.start_ms
    GROUP BY i.session_id, i.coder, i.lane, i.event_id
)"""

_EPISODES = """,
episode_taps AS (
    -- a rupture tap opens an episode unless one is open; a repair closes it
    SELECT *, SUM(kind = 'rupture' AND (prev IS NULL OR prev = 'repair')) OVER (
               PARTITION BY session_id, coder ORDER BY position ROWS UNBOUNDED PRECEDING
           ) AS number
    FROM (
        SELECT *, LAG(kind) OVER (PARTITION BY session_id, coder ORDER BY position) AS prev
        FROM et WHERE kind IN ('rupture', 'repair_attempt', 'repair')
    )
),
episode_spans AS (
    SELECT e.session_id, e.coder, e.number, MIN(e.offset_ms) AS start_ms,
           MAX(CASE WHEN e.kind = 'repair' THEN e.offset_ms END) AS repair_ms,
           SUM(e.kind = 'repair_attempt') AS attempts, c.end_ms, c.ended
    FROM episode_taps e JOIN clock c ON c.session_id = e.session_id
    WHERE e.number > 0
    GROUP BY e.session_id, e.coder, e.number
),
episode_times AS (
    SELECT s.*, LEAD(s.start_ms) OVER (
               PARTITION BY s.session_id, s.coder ORDER BY s.number
           ) AS next_start_ms,
           CASE WHEN s.repair_ms IS NULL THEN NULL ELSE (s.repair_ms - s.start_ms) - COALESCE(
               SUM(MAX(0, MIN(p.end_ms, s.repair_ms) - MAX(p.start_ms, s.start_ms))), 0)
           END AS time_to_repair_ms,
           (COALESCE(s.repair_ms, s.end_ms) - s.start_ms) - COALESCE(SUM(MAX(0,
               MIN(p.end_ms, COALESCE(s.repair_ms, s.end_ms)) - MAX(p.start_ms, s.start_ms))),
               0) AS open_ms
    FROM episode_spans s LEFT JOIN pauses p ON p.session_id = s.session_id
    GROUP BY s.session_id, s.coder, s.number
),
episode_type AS (
    SELECT session_id, coder, number, value AS rupture_type FROM (
        SELECT session_id, coder, number, value,
               ROW_NUMBER() OVER (PARTITION BY session_id, coder, number ORDER BY position) AS n
        FROM episode_taps WHERE kind = 'rupture' AND value IS NOT NULL AND value != ''
    ) WHERE n = 1
),
episode_tags AS (
    -- markers: every rupture tap's, each once; strategies: each tap's, each once per tap
    SELECT DISTINCT session_id, coder, number, kind, json_group_array(tag) OVER (
               PARTITION BY session_id, coder, number, kind ORDER BY position, idx
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
           ) AS tags
    FROM (
        SELECT t.session_id, t.coder, t.number, t.kind, t.position,
               CAST(j.key AS INTEGER) AS idx, j.value AS tag,
               ROW_NUMBER() OVER (PARTITION BY t.session_id, t.coder, t.event_id, j.value
                                  ORDER BY CAST(j.key AS INTEGER)) AS first_in_tap,
               ROW_NUMBER() OVER (PARTITION BY t.session_id, t.coder, t.number, t.kind, j.value
                                  ORDER BY t.position, CAST(j.key AS INTEGER)) AS first_in_kind
        FROM episode_taps t, json_each(t.tags) j WHERE t.number > 0
    )
    WHERE first_in_tap = 1 AND (kind != 'rupture' OR first_in_kind = 1)
),
client_around AS (
    -- the client state held at the onset and at the repair, and the first one noted after it
    SELECT e.session_id, e.coder, e.number, i.state,
           i.start_ms <= e.start_ms AS at_onset,
           i.start_ms <= e.repair_ms AS at_repair,
           i.start_ms >= e.repair_ms
               AND (e.next_start_ms IS NULL OR i.start_ms < e.next_start_ms) AS after_repair,
           i.position
    FROM episode_times e JOIN intervals i ON i.session_id = e.session_id
        AND i.coder = e.coder AND i.lane = 'client'
),
client_picked AS (
    SELECT session_id, coder, number,
           MAX(CASE WHEN at_onset THEN position END) AS onset_tap,
           MAX(CASE WHEN at_repair THEN position END) AS repair_tap,
           MIN(CASE WHEN after_repair THEN position END) AS after_tap
    FROM client_around GROUP BY session_id, coder, number
),
episodes AS (
    SELECT e.session_id, e.coder, e.number, e.start_ms, ty.rupture_type,
           COALESCE(mk.tags, '[]') AS markers,
           CASE WHEN e.repair_ms IS NOT NULL THEN 'repaired'
                WHEN e.ended THEN 'unrepaired' ELSE 'open' END AS status,
           e.attempts, COALESCE(at.tags, '[]') AS attempt_strategies,
           e.repair_ms, COALESCE(rs.tags, '[]') AS repair_strategies,
           e.time_to_repair_ms, e.open_ms, cb.state AS client_before,
           CASE WHEN e.repair_ms IS NULL THEN NULL
                ELSE COALESCE(cn.state, cr.state) END AS client_after
    FROM episode_times e
    LEFT JOIN client_picked cp USING (session_id, coder, number)
    LEFT JOIN intervals cb ON cb.session_id = e.session_id AND cb.coder = e.coder
        AND cb.lane = 'client' AND cb.position = cp.onset_tap
    LEFT JOIN intervals cn ON cn.session_id = e.session_id AND cn.coder = e.coder
        AND cn.lane = 'client' AND cn.position = cp.after_tap
    LEFT JOIN intervals cr ON cr.session_id = e.session_id AND cr.coder = e.coder
        AND cr.lane = 'client' AND cr.position = cp.repair_tap
    LEFT JOIN episode_type ty USING (session_id, coder, number)
    LEFT JOIN episode_tags mk ON mk.session_id = e.session_id AND mk.coder = e.coder
        AND mk.number = e.number AND mk.kind = 'rupture'
    LEFT JOIN episode_tags at ON at.session_id = e.session_id AND at.coder = e.coder
        AND at.number = e.number AND at.kind = 'repair_attempt'
    LEFT JOIN episode_tags rs ON rs.session_id = e.session_id AND rs.coder = e.coder
        AND rs.number = e.number AND rs.kind = 'repair'
)"""

_SESSION_PAUSES = f"""
CREATE VIEW session_pauses AS
-- The breaks of each session: from a pause tap to the next resume or end tap. A break still
-- open (a live session) runs to the session's latest event, with still_open = 1.
WITH {_BASE}
SELECT session_id, number, start_ms, end_ms, end_ms - start_ms AS length_ms, still_open
FROM pauses
"""

_LANE_INTERVALS = f"""
CREATE VIEW lane_intervals AS
-- Each client or self tap of each coder and the time its state held: from the tap to the
-- lane's next tap, or to the session's end. active_ms leaves out the session's breaks.
WITH {_BASE}{_INTERVALS}
SELECT session_id, coder, lane, event_id, position, state, start_ms, end_ms, active_ms
FROM held
"""

_STATE_TIMES = f"""
CREATE VIEW state_times AS
-- Time in each state, per session, coder and lane (breaks left out), with its share of the
-- time the lane was noted (the summary's lane figures, for each state that was held).
WITH {_BASE}{_INTERVALS},
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
WITH {_BASE}{_INTERVALS}{_EPISODES}
SELECT session_id, coder, number, start_ms, rupture_type, markers, status, attempts,
       attempt_strategies, repair_ms, repair_strategies, time_to_repair_ms, open_ms,
       client_before, client_after
FROM episodes
"""

_SESSION_SUMMARY = f"""
CREATE VIEW session_summary AS
-- One row per session with the clinician's summary figures (companion.summary defines them).
-- Durations in ms; shares from 0 to 1 (NULL when there is nothing to divide by). ventral is
-- the top plain state of the session's scheme. Coder layers are counted, not summarised
-- (see rupture_episodes and state_times for them).
WITH {_BASE}{_INTERVALS}{_EPISODES},
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


def m004_research_views(db: Database) -> None:
    """Views that give researchers Attune's own figures by name (see this module)."""
    # One statement each: sqlite-utils splits a script inside a transaction character by
    # character, which takes seconds for text this long.
    for statement in (_EFFECTIVE_TAPS, _SESSION_PAUSES, _LANE_INTERVALS, _STATE_TIMES,
                      _RUPTURE_EPISODES, _SESSION_SUMMARY):
        db.execute(statement)
