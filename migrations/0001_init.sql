-- The first schema: sources, documents, every fetch attempt, every version
-- of every document, and the changes between consecutive versions.
-- Times are UTC, RFC 3339 text ("2026-11-26T12:30:00Z"), so that sqlite3
-- users can read and compare them directly.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One tracked article. A configured source is one document; discovered
-- coverage adds more documents later.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id),
    url             TEXT NOT NULL UNIQUE,
    etag            TEXT,
    last_modified   TEXT,
    created_at      TEXT NOT NULL,
    last_checked_at TEXT,
    last_changed_at TEXT
);
CREATE INDEX documents_source ON documents(source_id);

-- Raw HTML of versions, compressed with zstd, shared between versions whose
-- bytes are identical.
CREATE TABLE raw_pages (
    id          INTEGER PRIMARY KEY,
    sha         TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    zstd        BLOB NOT NULL
);

-- A version is stored only when the extracted content changed.
CREATE TABLE versions (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents(id),
    number         INTEGER NOT NULL,
    fetched_at     TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    title          TEXT,
    byline         TEXT,
    published_at   TEXT,
    modified_at    TEXT,
    canonical_url  TEXT,
    language       TEXT,
    text           TEXT NOT NULL,
    raw_page_id    INTEGER REFERENCES raw_pages(id),
    UNIQUE (document_id, number)
);

-- Every fetch attempt, whatever came of it.
CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    http_status   INTEGER,
    bytes         INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL
        CHECK (outcome IN ('new', 'changed', 'unchanged', 'not_modified', 'failed')),
    reason        TEXT,
    version_id    INTEGER REFERENCES versions(id)
);
CREATE INDEX fetches_document ON fetches(document_id, id);

-- The change from one version to the next of the same document.
CREATE TABLE changes (
    id               INTEGER PRIMARY KEY,
    document_id      INTEGER NOT NULL REFERENCES documents(id),
    from_version_id  INTEGER NOT NULL REFERENCES versions(id),
    to_version_id    INTEGER NOT NULL UNIQUE REFERENCES versions(id),
    detected_at      TEXT NOT NULL,
    summary          TEXT NOT NULL,
    approximate      INTEGER NOT NULL DEFAULT 0,
    -- The diff as JSON: see compare::TextDiff.
    diff             TEXT NOT NULL
);
CREATE INDEX changes_document ON changes(document_id, id);
CREATE INDEX changes_detected ON changes(detected_at);
