-- The email outbox: one row for every change to report, written by a trigger
-- in the same transaction that stores the change (and so the new version),
-- so a change can never be stored without its report being queued.
--
-- A row's life:
--   pending  -> sending (joined a batch: message_id and batched_at set)
--   sending  -> sent | failed
--   failed   -> sending (the same batch, the same Message-ID, at next_attempt_at)
--   pending  -> skipped (below the configured minimum significance)
-- A row found in 'sending' when the sender starts was being sent when the
-- process stopped; it is sent again with the same Message-ID.
--
-- Changes stored before this migration are not queued: they were reported to
-- the log when they were found.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    change_id        INTEGER NOT NULL UNIQUE REFERENCES changes(id),
    created_at       TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'failed', 'sent', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_attempt_at  TEXT,
    last_error       TEXT,
    -- The batch this row was sent in: every row of one email has the same
    -- Message-ID, derived from the rows themselves.
    message_id       TEXT,
    -- When the batch was formed; the digest window counts from the newest.
    batched_at       TEXT,
    sent_at          TEXT
);
CREATE INDEX outbox_state ON outbox(state, next_attempt_at);
CREATE INDEX outbox_message ON outbox(message_id);
CREATE INDEX outbox_batched ON outbox(batched_at);

CREATE TRIGGER outbox_enqueue_change AFTER INSERT ON changes
BEGIN
    INSERT INTO outbox (change_id, created_at, next_attempt_at)
    VALUES (NEW.id, NEW.detected_at, NEW.detected_at);
END;
