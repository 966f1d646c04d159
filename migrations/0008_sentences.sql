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
-- facets without a new table: the claim engine's claim, its `text` left
-- empty (it is `sentences.text`). `analysis_version` as in `versions`; a
-- sentence analysed again under a new version is updated in place, once.
CREATE TABLE sentences (
    id                INTEGER PRIMARY KEY,
    hash              BLOB NOT NULL UNIQUE,
    text              TEXT NOT NULL,
    analysis          TEXT NOT NULL,
    analysis_version  INTEGER
);

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

-- The store fills `sentences` and `claim_spans` from `claim_occurrences`
-- at the next line, in this transaction.
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
CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    content = 'sentences',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER claims_fts_after_insert AFTER INSERT ON sentences BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER claims_fts_after_delete AFTER DELETE ON sentences BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');
