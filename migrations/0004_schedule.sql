-- The daemon's memory across restarts: when each schedule is next due, the
-- feeds that discover coverage, the feed items already seen, the URLs that
-- lead to one document, and the failure streaks already reported.

-- A configured feed is a source of kind 'feed'; the documents it discovers
-- belong to it (documents.source_id), so every document remembers the feed
-- it came from.
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'article'
    CHECK (kind IN ('article', 'feed'));

-- One row per schedule: 'source:<name>', 'feed:<name>' or 'document:<id>'.
-- interval_s is the adaptive re-check interval of a discovered document.
CREATE TABLE schedule_state (
    key          TEXT PRIMARY KEY,
    next_due_at  TEXT NOT NULL,
    interval_s   INTEGER,
    updated_at   TEXT NOT NULL
);

-- Every item a feed has shown, matched or not, so that an item is judged
-- once and not on every poll.
CREATE TABLE feed_items (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    guid         TEXT NOT NULL,
    url          TEXT,
    title        TEXT,
    matched      INTEGER NOT NULL DEFAULT 0,
    document_id  INTEGER REFERENCES documents(id),
    seen_at      TEXT NOT NULL,
    UNIQUE (source_id, guid)
);

-- Other URLs of a document (the feed's link before canonicalisation, or the
-- same article in another feed), so that one article is one document.
CREATE TABLE document_aliases (
    url          TEXT PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id)
);

-- Consecutive failures of a schedule, and whether the streak was reported.
CREATE TABLE failure_streaks (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    since        TEXT NOT NULL,
    last_reason  TEXT,
    reported     INTEGER NOT NULL DEFAULT 0
);
