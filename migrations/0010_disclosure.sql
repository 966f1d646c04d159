-- Disclosure: whether the outlet owned up to a change.
--
-- versions.declared: what the page declared about its own revisions, as
-- JSON ({"notices": [{"kind": "correction", "text": "..."}], "updated":
-- "Updated Dec. 5, 2026, 3:40 p.m."}); NULL for versions stored before
-- this migration, whose notices are then found again in their text.
--
-- changes.disclosure: 'correction', 'update_note', 'modified_time' or
-- 'none' (silent); changes.notice: the notice's text. Changes stored before
-- this migration were never examined: their disclosure is 'unknown' (never
-- counted as silent), their notice NULL.
ALTER TABLE versions ADD COLUMN declared TEXT;
ALTER TABLE changes ADD COLUMN disclosure TEXT NOT NULL DEFAULT 'unknown'
    CHECK (disclosure IN ('correction', 'update_note', 'modified_time', 'none', 'unknown'));
ALTER TABLE changes ADD COLUMN notice TEXT;

-- The documented views gain the two columns, at their end.
DROP VIEW change_feed;
CREATE VIEW change_feed AS
SELECT
    c.id                AS change_id,
    c.detected_at       AS detected_at,
    s.name              AS source,
    d.id                AS document_id,
    d.url               AS url,
    fv.number           AS from_version,
    tv.number           AS to_version,
    fv.id               AS from_version_id,
    tv.id               AS to_version_id,
    fv.title            AS old_title,
    tv.title            AS new_title,
    fv.title IS NOT tv.title AS headline_changed,
    c.summary           AS summary,
    c.approximate       AS approximate,
    json_extract(c.diff, '$.stats.sentences_added')   AS sentences_added,
    json_extract(c.diff, '$.stats.sentences_removed') AS sentences_removed,
    json_extract(c.diff, '$.stats.sentences_edited')  AS sentences_edited,
    json_extract(c.diff, '$.stats.words_added')       AS words_added,
    json_extract(c.diff, '$.stats.words_removed')     AS words_removed,
    c.diff              AS diff,
    c.disclosure        AS disclosure,
    c.notice            AS notice
FROM changes c
JOIN documents d ON d.id = c.document_id
JOIN sources s ON s.id = d.source_id
JOIN versions fv ON fv.id = c.from_version_id
JOIN versions tv ON tv.id = c.to_version_id;

DROP VIEW claim_change_feed;
CREATE VIEW claim_change_feed AS
SELECT cc.id AS claim_change_id, cc.change_id, s.name AS source, d.url,
       fv.number AS from_version, tv.number AS to_version, ch.detected_at,
       cc.change_kind, cc.kind, cc.old, cc.new, cc.summary, cc.significance,
       ch.disclosure, ch.notice
FROM claim_changes cc
JOIN changes ch ON ch.id = cc.change_id
JOIN versions fv ON fv.id = ch.from_version_id
JOIN versions tv ON tv.id = ch.to_version_id
JOIN documents d ON d.id = cc.document_id
JOIN sources s ON s.id = d.source_id;

-- Per outlet: the claim changes it made silently and those it disclosed.
CREATE VIEW disclosure_by_outlet AS
SELECT s.name AS source,
       count(cc.id) AS claim_changes,
       count(cc.id) FILTER (WHERE ch.disclosure = 'none') AS silent,
       count(cc.id) FILTER (WHERE ch.disclosure IN ('correction', 'update_note', 'modified_time')) AS disclosed,
       count(cc.id) FILTER (WHERE ch.disclosure = 'correction') AS corrections,
       count(cc.id) FILTER (WHERE ch.disclosure = 'update_note') AS update_notes,
       count(cc.id) FILTER (WHERE ch.disclosure = 'modified_time') AS modified_time,
       count(cc.id) FILTER (WHERE ch.disclosure = 'unknown') AS unknown
FROM sources s
JOIN documents d ON d.source_id = s.id
JOIN claim_changes cc ON cc.document_id = d.id
JOIN changes ch ON ch.id = cc.change_id
GROUP BY s.id;
