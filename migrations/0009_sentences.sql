-- Every claim sentence stored once, with its analysis; a claim's presence in
-- a document as a range of versions instead of a row per version.
--
-- Before: `claim_occurrences` stored, for every version, the text and the
-- facets JSON of every claim it carried, changed or not, and `claims_fts`
-- indexed each of those copies. An edit of one sentence re-stored and
-- re-indexed the other claims of the article.

-- The analysis version a version's claims were found with (the claim
-- engine's version and a fingerprint of the story). A check reads the
-- previous version's stored claims back instead of analysing its text again,
-- but only when they were found with the analysis version it runs now;
-- versions stored before this migration (NULL) are analysed again, once.
ALTER TABLE versions ADD COLUMN analysis_version INTEGER;

-- A distinct sentence (content-addressed: `hash` is the first 16 bytes of
-- the BLAKE3 of its text) with its analysis as JSON, which can grow new
-- facets without a new table: for a claim, the claim engine's claim, its
-- `text` left empty (it is `sentences.text`); '{}' for a sentence that is
-- not a claim. `analysis_version` as in `versions`; a
-- sentence analysed again under a new version is updated in place, once.
CREATE TABLE sentences (
    id                INTEGER PRIMARY KEY,
    hash              BLOB NOT NULL UNIQUE,
    text              TEXT NOT NULL,
    analysis          TEXT NOT NULL,
    analysis_version  INTEGER
);

-- A version's text as the list of its sentences: `body` is a JSON array of
-- `sentences` ids in order, an id negated where a new paragraph starts.
-- The text is then stored as '' and rebuilt (sentences joined by a space,
-- paragraphs by a blank line); the store checks the rebuilt text is the
-- extracted text byte for byte, and otherwise keeps `text` as it is (and no
-- body). A non-empty `text` always wins.
ALTER TABLE versions ADD COLUMN body TEXT;

-- Every version's text, rebuilt where it is stored as sentences.
CREATE VIEW version_texts AS
SELECT v.id, v.title,
       CASE WHEN v.text <> '' OR v.body IS NULL THEN v.text ELSE coalesce((
           WITH RECURSIVE part(k, acc) AS (
               SELECT 0, ''
               UNION ALL
               SELECT k + 1,
                      acc || CASE WHEN k = 0 THEN ''
                                  WHEN json_extract(v.body, '$[' || k || ']') < 0 THEN char(10, 10)
                                  ELSE ' ' END
                          || (SELECT s.text FROM sentences s
                              WHERE s.id = abs(json_extract(v.body, '$[' || k || ']')))
               FROM part WHERE k < json_array_length(v.body))
           SELECT acc FROM part ORDER BY k DESC LIMIT 1), '') END AS text
FROM versions v;

-- A claim sentence carried by consecutive versions of a document, from
-- `first_number` to `last_number` (version numbers, inclusive): one row
-- while it stays, a new row when it comes back after being removed.
-- `position` is its sentence index in the first version of the range.
CREATE TABLE claim_spans (
    id            INTEGER PRIMARY KEY,
    claim_id      INTEGER NOT NULL REFERENCES claims(id),
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    sentence_id   INTEGER NOT NULL REFERENCES sentences(id),
    position      INTEGER NOT NULL,
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL
);
-- The latest version's claims (read by every check), and a claim's spans.
CREATE INDEX claim_spans_document ON claim_spans(document_id, last_number);
CREATE INDEX claim_spans_claim ON claim_spans(claim_id, document_id);
CREATE INDEX claim_spans_sentence ON claim_spans(sentence_id);

-- The store fills `sentences` and `claim_spans` from `claim_occurrences`,
-- and stores every version's text as sentences, at the next line, in this
-- transaction.
-- @convert

DROP TRIGGER claims_fts_after_insert;
DROP TRIGGER claims_fts_after_delete;
DROP TRIGGER claims_fts_after_update;
DROP TABLE claims_fts;
DROP TABLE claim_occurrences;

-- The old table's rows, as a view with the same columns: a claim as one
-- version states it. `id` is derived (span and version number).
CREATE VIEW claim_occurrences AS
SELECT sp.id * 1048576 + v.number AS id,
       sp.claim_id,
       v.id AS version_id,
       sp.document_id,
       sp.position AS sentence,
       s.text,
       json_extract(s.analysis, '$.score') AS score,
       json_extract(s.analysis, '$.certainty') AS certainty,
       json_extract(s.analysis, '$.attribution') AS attribution,
       json_set(s.analysis, '$.text', s.text, '$.sentence', sp.position) AS facets
FROM claim_spans sp
JOIN sentences s ON s.id = sp.sentence_id
JOIN versions v ON v.document_id = sp.document_id
               AND v.number BETWEEN sp.first_number AND sp.last_number;

-- Full-text search over claims: each distinct claim sentence indexed once
-- (external content: the text lives in `sentences`), mapped to versions
-- through `claim_spans`.
CREATE VIEW claim_sentences AS
SELECT id, text FROM sentences WHERE analysis <> '{}';

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    content = 'claim_sentences',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER claims_fts_after_insert AFTER INSERT ON sentences
WHEN new.analysis <> '{}' BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER claims_fts_after_delete AFTER DELETE ON sentences
WHEN old.analysis <> '{}' BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- A sentence analysed again may become a claim, or stop being one.
CREATE TRIGGER claims_fts_after_update_old AFTER UPDATE OF analysis ON sentences
WHEN old.analysis <> '{}' BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER claims_fts_after_update_new AFTER UPDATE OF analysis ON sentences
WHEN new.analysis <> '{}' BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

-- Full-text search over versions: the index now reads each version's text
-- through `version_texts` (its headline and text are indexed as before).
DROP TRIGGER versions_fts_after_insert;
DROP TRIGGER versions_fts_after_delete;
DROP TRIGGER versions_fts_after_update;
DROP TABLE versions_fts;

CREATE VIRTUAL TABLE versions_fts USING fts5(
    title,
    text,
    content = 'version_texts',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- (The triggers read the text through the view, which rebuilds it without
-- table-valued functions: FTS5 cannot rebuild or check an index over a
-- view that uses json_each.)
-- A version stored as sentences is indexed by the store itself, with the
-- text it has in hand, instead of rebuilding it here.
CREATE TRIGGER versions_fts_after_insert AFTER INSERT ON versions
WHEN new.body IS NULL OR new.text <> '' BEGIN
    INSERT INTO versions_fts (rowid, title, text)
    SELECT id, title, text FROM version_texts WHERE id = new.id;
END;

CREATE TRIGGER versions_fts_before_delete BEFORE DELETE ON versions BEGIN
    INSERT INTO versions_fts (versions_fts, rowid, title, text)
    SELECT 'delete', id, title, text FROM version_texts WHERE id = old.id;
END;

CREATE TRIGGER versions_fts_before_update BEFORE UPDATE OF title, text, body ON versions BEGIN
    INSERT INTO versions_fts (versions_fts, rowid, title, text)
    SELECT 'delete', id, title, text FROM version_texts WHERE id = old.id;
END;

CREATE TRIGGER versions_fts_after_update AFTER UPDATE OF title, text, body ON versions BEGIN
    INSERT INTO versions_fts (rowid, title, text)
    SELECT id, title, text FROM version_texts WHERE id = new.id;
END;

INSERT INTO versions_fts (versions_fts) VALUES ('rebuild');

-- The documented views, with the same columns, reading the text through
-- `version_texts`.
DROP VIEW version_history;
DROP VIEW latest_versions;

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
    length(t.text)      AS chars,
    v.content_hash      AS content_hash,
    v.raw_page_id IS NOT NULL AS raw_kept,
    v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = v.document_id)
                        AS is_latest,
    c.id                AS change_id,
    c.summary           AS change_summary
FROM versions v
JOIN version_texts t ON t.id = v.id
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
    length(t.text)      AS chars,
    t.text              AS text,
    (SELECT count(*) FROM versions x WHERE x.document_id = d.id) AS versions,
    d.created_at        AS first_seen_at,
    d.last_checked_at   AS last_checked_at,
    d.last_changed_at   AS last_changed_at
FROM documents d
JOIN sources s ON s.id = d.source_id
JOIN versions v ON v.document_id = d.id
JOIN version_texts t ON t.id = v.id
WHERE v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = d.id);
