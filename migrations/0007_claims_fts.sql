-- Full-text search over claims: every claim as each version words it
-- (`claim_occurrences.text`), for `claimwatch search --claims`. External
-- content, like `versions_fts`: the index stores no copy of the text, and
-- triggers keep it in step.

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    content = 'claim_occurrences',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO claims_fts (rowid, text) SELECT id, text FROM claim_occurrences;

CREATE TRIGGER claims_fts_after_insert AFTER INSERT ON claim_occurrences BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER claims_fts_after_delete AFTER DELETE ON claim_occurrences BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER claims_fts_after_update AFTER UPDATE OF text ON claim_occurrences BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
END;
