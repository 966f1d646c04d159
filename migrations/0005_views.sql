-- Stable views for people who query the history with sqlite3 or Datasette,
-- and full-text search over the text of every version.
--
-- The views are the documented interface (docs/SCHEMA.md): their columns are
-- only ever added to, never renamed or removed, so saved queries keep
-- working. The CLI's query commands read them too.
--
-- Views over the claim tables are not created here: SQLite accepts a view
-- over a missing table, but then every later ALTER TABLE ... RENAME fails
-- on the broken view. They come with the migration that adds those tables.

-- Every stored version, with its document, outlet and the change that led
-- to it (none for a first version).
CREATE VIEW version_history AS
SELECT
    v.id                AS version_id,
    v.document_id       AS document_id,
    s.name              AS source,
    d.url               AS url,
    v.number            AS version,
    v.fetched_at        AS fetched_at,
    v.title             AS title,
    v.byline            AS byline,
    v.published_at      AS published_at,
    v.modified_at       AS modified_at,
    v.canonical_url     AS canonical_url,
    v.language          AS language,
    length(v.text)      AS chars,
    v.content_hash      AS content_hash,
    v.raw_page_id IS NOT NULL AS raw_kept,
    v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = v.document_id)
                        AS is_latest,
    c.id                AS change_id,
    c.summary           AS change_summary
FROM versions v
JOIN documents d ON d.id = v.document_id
JOIN sources s ON s.id = d.source_id
LEFT JOIN changes c ON c.to_version_id = v.id;

-- The newest version of each document that has one, with its text.
CREATE VIEW latest_versions AS
SELECT
    d.id                AS document_id,
    s.name              AS source,
    d.url               AS url,
    v.id                AS version_id,
    v.number            AS version,
    v.fetched_at        AS fetched_at,
    v.title             AS title,
    v.byline            AS byline,
    v.published_at      AS published_at,
    v.modified_at       AS modified_at,
    v.canonical_url     AS canonical_url,
    length(v.text)      AS chars,
    v.text              AS text,
    (SELECT count(*) FROM versions x WHERE x.document_id = d.id) AS versions,
    d.created_at        AS first_seen_at,
    d.last_checked_at   AS last_checked_at,
    d.last_changed_at   AS last_changed_at
FROM documents d
JOIN sources s ON s.id = d.source_id
JOIN versions v ON v.document_id = d.id
WHERE v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = d.id);

-- Every detected change, newest last, with the headlines on both sides and
-- the counts from the stored diff.
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
    c.diff              AS diff
FROM changes c
JOIN documents d ON d.id = c.document_id
JOIN sources s ON s.id = d.source_id
JOIN versions fv ON fv.id = c.from_version_id
JOIN versions tv ON tv.id = c.to_version_id;

-- Every fetch attempt with its outlet, for "what failed and why".
CREATE VIEW fetch_log AS
SELECT
    f.id                AS fetch_id,
    f.started_at        AS started_at,
    s.name              AS source,
    d.id                AS document_id,
    d.url               AS url,
    f.outcome           AS outcome,
    f.http_status       AS http_status,
    f.bytes             AS bytes,
    f.duration_ms       AS duration_ms,
    f.reason            AS reason,
    v.number            AS version
FROM fetches f
JOIN documents d ON d.id = f.document_id
JOIN sources s ON s.id = d.source_id
LEFT JOIN versions v ON v.id = f.version_id;

-- One row per outlet: how much is stored and how its last check went.
CREATE VIEW source_status AS
SELECT
    s.id                AS source_id,
    s.name              AS source,
    s.url               AS url,
    (SELECT count(*) FROM documents d WHERE d.source_id = s.id) AS documents,
    (SELECT count(*) FROM versions v JOIN documents d ON d.id = v.document_id
        WHERE d.source_id = s.id) AS versions,
    (SELECT count(*) FROM changes c JOIN documents d ON d.id = c.document_id
        WHERE d.source_id = s.id) AS changes,
    (SELECT count(*) FROM fetches f JOIN documents d ON d.id = f.document_id
        WHERE d.source_id = s.id) AS fetches,
    (SELECT count(*) FROM fetches f JOIN documents d ON d.id = f.document_id
        WHERE d.source_id = s.id AND f.outcome = 'failed') AS failed_fetches,
    (SELECT f.outcome FROM fetches f JOIN documents d ON d.id = f.document_id
        WHERE d.source_id = s.id ORDER BY f.id DESC LIMIT 1) AS last_outcome,
    (SELECT max(d.last_checked_at) FROM documents d WHERE d.source_id = s.id) AS last_checked_at,
    (SELECT max(d.last_changed_at) FROM documents d WHERE d.source_id = s.id) AS last_changed_at
FROM sources s;

-- The retention policy (db prune-raw) looks up the versions that still use
-- a raw page.
CREATE INDEX versions_raw_page ON versions(raw_page_id);

-- Full-text index over the headline and text of every version. External
-- content: the text lives once, in `versions`; the triggers keep the index
-- in step with it. Porter stemming lets "invest" find "investment".
CREATE VIRTUAL TABLE versions_fts USING fts5(
    title,
    text,
    content = 'versions',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER versions_fts_after_insert AFTER INSERT ON versions BEGIN
    INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER versions_fts_after_delete AFTER DELETE ON versions BEGIN
    INSERT INTO versions_fts (versions_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER versions_fts_after_update AFTER UPDATE OF title, text ON versions BEGIN
    INSERT INTO versions_fts (versions_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Index the versions stored before this migration.
INSERT INTO versions_fts (versions_fts) VALUES ('rebuild');
