-- Claims: the factual claims found in every version, followed across
-- versions of one article and across outlets, and the story's key facts.

-- A tracked claim: one normalised form (the claim engine's key) shared by
-- every outlet and version that carries it.
CREATE TABLE claims (
    id                 INTEGER PRIMARY KEY,
    key                TEXT NOT NULL UNIQUE,
    -- The wording first seen, and where and when.
    text               TEXT NOT NULL,
    first_seen_at      TEXT NOT NULL,
    first_document_id  INTEGER NOT NULL REFERENCES documents(id),
    first_version_id   INTEGER NOT NULL REFERENCES versions(id)
);

-- A claim as one version states it.
CREATE TABLE claim_occurrences (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    version_id   INTEGER NOT NULL REFERENCES versions(id),
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    sentence     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    score        REAL NOT NULL,
    certainty    TEXT NOT NULL,
    attribution  TEXT,
    -- The whole claim with its facets (entities, amounts, dates...) as JSON.
    facets       TEXT NOT NULL
);
CREATE INDEX claim_occurrences_version ON claim_occurrences(version_id);
CREATE INDEX claim_occurrences_claim ON claim_occurrences(claim_id, document_id);
CREATE INDEX claim_occurrences_document ON claim_occurrences(document_id);

-- What happened to claims from one version to the next (one row per claim
-- change, attached to the text change of the same versions).
CREATE TABLE claim_changes (
    id            INTEGER PRIMARY KEY,
    change_id     INTEGER NOT NULL REFERENCES changes(id),
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    -- added, removed, reworded, amount_changed, certainty_changed,
    -- attribution_changed, moved
    change_kind   TEXT NOT NULL,
    significance  INTEGER NOT NULL,
    -- For reports: what changed ("amount", "certainty", "attribution",
    -- "claim" for an added or removed claim, "reworded", "moved") and its
    -- old and new value ("$50 billion" -> "$40 billion"; the sentence for
    -- added and removed claims).
    kind          TEXT NOT NULL,
    old           TEXT,
    new           TEXT,
    summary       TEXT NOT NULL,
    old_text      TEXT,
    new_text      TEXT,
    claim_key     TEXT,
    -- The claim change as JSON: word-level diff and every facet changed.
    detail        TEXT NOT NULL
);
CREATE INDEX claim_changes_change ON claim_changes(change_id);
CREATE INDEX claim_changes_document ON claim_changes(document_id, id);

-- The value each version states for each of the story's key facts.
CREATE TABLE fact_values (
    id           INTEGER PRIMARY KEY,
    version_id   INTEGER NOT NULL REFERENCES versions(id),
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    fact         TEXT NOT NULL,
    value        TEXT NOT NULL,
    qualifier    TEXT,
    certainty    TEXT NOT NULL,
    sentence     TEXT NOT NULL
);
CREATE INDEX fact_values_version ON fact_values(version_id);
CREATE INDEX fact_values_fact ON fact_values(fact, document_id);

-- Conflicts between outlets and revisions by one outlet, as they were found.
CREATE TABLE fact_events (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('conflict', 'revision')),
    fact         TEXT NOT NULL,
    detected_at  TEXT NOT NULL,
    -- The document whose new version caused the event.
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    version_id   INTEGER NOT NULL REFERENCES versions(id),
    -- For a revision: the outlet's old and new value.
    old_value    TEXT,
    new_value    TEXT,
    -- JSON: for a conflict, each value with the outlets stating it.
    detail       TEXT NOT NULL
);
CREATE INDEX fact_events_fact ON fact_events(fact, id);
-- Read after every stored version, for its report.
CREATE INDEX fact_events_version ON fact_events(version_id);

-- Views for sqlite3 and Datasette users (documented in docs/SCHEMA.md).

-- Each claim in each document: the versions that carried it, first and last,
-- and whether the document's latest version still does.
CREATE VIEW claim_timeline AS
SELECT c.id AS claim_id,
       o.document_id,
       s.name AS source,
       d.url,
       min(v.number) AS first_version,
       min(v.fetched_at) AS first_seen_at,
       max(v.number) AS last_version,
       max(v.fetched_at) AS last_seen_at,
       max(v.number) = (SELECT max(x.number) FROM versions x WHERE x.document_id = o.document_id) AS current,
       c.text AS claim,
       c.key,
       (SELECT o2.certainty FROM claim_occurrences o2
         WHERE o2.claim_id = c.id AND o2.document_id = o.document_id ORDER BY o2.version_id DESC LIMIT 1) AS certainty,
       (SELECT o2.attribution FROM claim_occurrences o2
         WHERE o2.claim_id = c.id AND o2.document_id = o.document_id ORDER BY o2.version_id DESC LIMIT 1) AS attribution
FROM claim_occurrences o
JOIN claims c ON c.id = o.claim_id
JOIN versions v ON v.id = o.version_id
JOIN documents d ON d.id = o.document_id
JOIN sources s ON s.id = d.source_id
GROUP BY c.id, o.document_id;

-- The value each outlet's latest version states for each story fact.
CREATE VIEW story_facts AS
SELECT f.fact, s.name AS source, d.id AS document_id, d.url, f.value, f.qualifier, f.certainty,
       v.number AS version, v.fetched_at AS stated_at, f.sentence
FROM fact_values f
JOIN versions v ON v.id = f.version_id
JOIN documents d ON d.id = f.document_id
JOIN sources s ON s.id = d.source_id
WHERE v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = d.id);

-- Claim changes with where and when they happened.
CREATE VIEW claim_change_feed AS
SELECT cc.id AS claim_change_id, cc.change_id, s.name AS source, d.url,
       fv.number AS from_version, tv.number AS to_version, ch.detected_at,
       cc.change_kind, cc.kind, cc.old, cc.new, cc.summary, cc.significance
FROM claim_changes cc
JOIN changes ch ON ch.id = cc.change_id
JOIN versions fv ON fv.id = ch.from_version_id
JOIN versions tv ON tv.id = ch.to_version_id
JOIN documents d ON d.id = cc.document_id
JOIN sources s ON s.id = d.source_id;
