"""The SQL the research views are made of (see attune_companion.research_views): the effective
taps, and the steps every derived view starts from (each view holds them whole, since a view
is read on its own; they are written once, here).

Part of shipped migration step m004: never edit this text; a change is a new step.
"""

EFFECTIVE_TAPS = """
CREATE VIEW effective_taps AS
-- Every event of every session (coder 'clinician') and of every coder layer, with undos and
-- corrections applied as Attune applies them: an undone or removed tap is left out, an edited
-- tap carries its newest values (each field from the newest edit that set it), and the undo
-- and edit rows themselves are not rows here. `position` is the timeline order (session time,
-- then recording order); `tags` is a JSON array; `edited` is 1 when a correction touched it.
WITH raw AS (
    SELECT e.session_id, 'clinician' AS coder, e.id, e.kind, e.offset_ms, e.wall_utc,
           e.value, e.tags, e.text
    FROM events e
    UNION ALL
    SELECT l.session_id, l.coder, le.id, le.kind, le.offset_ms, le.wall_utc,
           le.value, le.tags, le.text
    FROM layer_events le JOIN coder_layers l ON l.id = le.layer_id
),
corrections AS (
    SELECT e.session_id, 'clinician' AS coder, e.id, e.kind, e.target, e.changes
    FROM events e WHERE e.kind IN ('undo', 'edit') AND e.target IS NOT NULL
    UNION ALL
    SELECT l.session_id, l.coder, le.id, le.kind, le.target, le.changes
    FROM layer_events le JOIN coder_layers l ON l.id = le.layer_id
    WHERE le.kind IN ('undo', 'edit') AND le.target IS NOT NULL
),
edit_fields AS (
    SELECT c.session_id, c.coder, c.target, f.key, f.value, f.type,
           ROW_NUMBER() OVER (
               PARTITION BY c.session_id, c.coder, c.target, f.key ORDER BY c.id DESC
           ) AS newest
    FROM corrections c, json_each(c.changes) f
    WHERE c.kind = 'edit'
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
    SELECT DISTINCT session_id, coder, target, kind FROM corrections
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

BASE = """
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

INTERVALS = """,
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

EPISODES = """,
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

