-- Unchanged checks stop adding a row each.
--
-- Before: every check added a row to `fetches`, so a document checked every
-- few minutes grew the database by one row per check, most of them "304"
-- or "same content". Now a check that answered 304 or gave the latest
-- version's content again updates counters on its document and takes one
-- slot of a small per-document log of recent checks. Every check that
-- stored a version, failed, returned to an earlier version, or lost a race
-- to a newer version (it could have produced one) still has its row in
-- `fetches`. Rows already in `fetches` are kept.

-- Every check of the document, with a row or not.
ALTER TABLE documents ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
-- Checks since the latest version was stored (0 right after it).
ALTER TABLE documents ADD COLUMN checks_since_version INTEGER NOT NULL DEFAULT 0;
-- The last check's outcome (as `fetches.outcome`) and HTTP status.
ALTER TABLE documents ADD COLUMN last_outcome TEXT;
ALTER TABLE documents ADD COLUMN last_http_status INTEGER;

UPDATE documents SET
    checks = (SELECT count(*) FROM fetches f WHERE f.document_id = documents.id),
    checks_since_version = (
        SELECT count(*) FROM fetches f
        WHERE f.document_id = documents.id
          AND f.id > coalesce((SELECT max(g.id) FROM fetches g
                               WHERE g.document_id = documents.id
                                 AND g.outcome IN ('new', 'changed')), 0)),
    last_outcome = (SELECT f.outcome FROM fetches f WHERE f.document_id = documents.id
                    ORDER BY f.id DESC LIMIT 1),
    last_http_status = (SELECT f.http_status FROM fetches f WHERE f.document_id = documents.id
                        ORDER BY f.id DESC LIMIT 1);

-- Recent unchanged and not-modified checks of each document, for
-- diagnosis: the document's n-th check (`documents.checks`) takes slot
-- `n % size`, replacing what was there, so the table never holds more than
-- `size` rows per document (the store's `RECENT_CHECKS`, 4).
CREATE TABLE recent_checks (
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    slot         INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    http_status  INTEGER,
    bytes        INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL CHECK (outcome IN ('unchanged', 'not_modified')),
    PRIMARY KEY (document_id, slot)
) WITHOUT ROWID;

-- The documented views, with the same columns. `fetch_log` has the rows of
-- `fetches` and the recent checks (their `fetch_id` is null);
-- `source_status` counts every check from the documents' counters.
DROP VIEW fetch_log;
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
LEFT JOIN versions v ON v.id = f.version_id
UNION ALL
SELECT
    NULL, r.started_at, s.name, d.id, d.url, r.outcome, r.http_status, r.bytes,
    r.duration_ms, NULL, NULL
FROM recent_checks r
JOIN documents d ON d.id = r.document_id
JOIN sources s ON s.id = d.source_id;

DROP VIEW source_status;
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
    (SELECT coalesce(sum(d.checks), 0) FROM documents d WHERE d.source_id = s.id) AS fetches,
    (SELECT count(*) FROM fetches f JOIN documents d ON d.id = f.document_id
        WHERE d.source_id = s.id AND f.outcome = 'failed') AS failed_fetches,
    (SELECT d.last_outcome FROM documents d WHERE d.source_id = s.id
        ORDER BY d.last_checked_at DESC, d.id DESC LIMIT 1) AS last_outcome,
    (SELECT max(d.last_checked_at) FROM documents d WHERE d.source_id = s.id) AS last_checked_at,
    (SELECT max(d.last_changed_at) FROM documents d WHERE d.source_id = s.id) AS last_changed_at
FROM sources s;

-- Search over distinct sentences and headlines, each indexed once.
--
-- Before: `versions_fts` indexed the whole text of every version, so an
-- edit of one sentence indexed the whole article again, and `claims_fts`
-- indexed the claim sentences a second time. Now `sentences_fts` indexes
-- each row of `sentences` once (external content), headlines included: a
-- version's headline is a sentence too (`versions.title_id`). A version is
-- found through its sentence list (`versions.body`) and its headline; the
-- view `version_sentences` lists them. A query matches within one sentence
-- or the headline: a phrase that spans two sentences no longer matches.

ALTER TABLE versions ADD COLUMN title_id INTEGER REFERENCES sentences(id);

DROP TRIGGER versions_fts_after_insert;
DROP TRIGGER versions_fts_before_delete;
DROP TRIGGER versions_fts_before_update;
DROP TRIGGER versions_fts_after_update;
DROP TABLE versions_fts;

DROP TRIGGER claims_fts_after_insert;
DROP TRIGGER claims_fts_after_delete;
DROP TRIGGER claims_fts_after_update_old;
DROP TRIGGER claims_fts_after_update_new;
DROP TABLE claims_fts;

-- The store stores every version's headline as a sentence, and gives the
-- versions whose text is kept whole (it does not rebuild byte for byte from
-- its sentences) a body too, for search, at the next line, in this
-- transaction. `text`, when not empty, still wins over `body`.
-- @convert

CREATE VIRTUAL TABLE sentences_fts USING fts5(
    text,
    content = 'sentences',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER sentences_fts_after_insert AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER sentences_fts_after_delete AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts (sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER sentences_fts_after_update AFTER UPDATE OF text ON sentences BEGIN
    INSERT INTO sentences_fts (sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO sentences_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild');

-- Every sentence of every version: its headline (`position` -1, `headline`
-- 1) and the sentences of its text in order (`position` 0, 1, …).
CREATE VIEW version_sentences AS
SELECT v.id AS version_id, -1 AS position, v.title_id AS sentence_id, 1 AS headline
FROM versions v WHERE v.title_id IS NOT NULL
UNION ALL
SELECT v.id, CAST(j.key AS INTEGER), abs(j.value), 0
FROM versions v, json_each(v.body) j WHERE v.body IS NOT NULL;

-- Claim changes refer to their sentences instead of copying them.
--
-- Before: each claim change stored its old and new sentence three times
-- (`old_text`/`new_text`, the report columns `old`/`new` of an added,
-- removed or reworded claim, and the JSON `detail` with its word diff). A
-- side whose text is a stored sentence is now its id, and those copies
-- are left out: `old_text`/`new_text` are null, `old`/`new` are null where
-- they were the sentence itself, and the detail keeps what cannot be
-- derived (the word diff is rendered again on read). Rows stored before
-- are kept as they are.
ALTER TABLE claim_changes ADD COLUMN old_sentence_id INTEGER REFERENCES sentences(id);
ALTER TABLE claim_changes ADD COLUMN new_sentence_id INTEGER REFERENCES sentences(id);

DROP VIEW claim_change_feed;
CREATE VIEW claim_change_feed AS
SELECT cc.id AS claim_change_id, cc.change_id, s.name AS source, d.url,
       fv.number AS from_version, tv.number AS to_version, ch.detected_at,
       cc.change_kind, cc.kind,
       CASE WHEN cc.kind IN ('claim', 'reworded') THEN coalesce(cc.old, os.text)
            ELSE cc.old END AS old,
       CASE WHEN cc.kind IN ('claim', 'reworded', 'moved') THEN coalesce(cc.new, ns.text)
            ELSE cc.new END AS new,
       cc.summary, cc.significance,
       ch.disclosure, ch.notice
FROM claim_changes cc
JOIN changes ch ON ch.id = cc.change_id
JOIN versions fv ON fv.id = ch.from_version_id
JOIN versions tv ON tv.id = ch.to_version_id
JOIN documents d ON d.id = cc.document_id
JOIN sources s ON s.id = d.source_id
LEFT JOIN sentences os ON os.id = cc.old_sentence_id
LEFT JOIN sentences ns ON ns.id = cc.new_sentence_id;
