-- Outbox states named for what they are:
--   pending   -> sending (joined a batch: message_id and batched_at set)
--   sending   -> sent | retrying | failed
--   retrying  -> sending (the same batch, the same Message-ID, at next_attempt_at)
--   failed    for good: the server refused the message permanently (an SMTP
--             5xx reply); never retried. Was 'failed' for a report that
--             would be retried, which now is 'retrying'.
--   pending   -> skipped (below the configured minimum significance)
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
-- The trigger that queues changes is dropped first and created again, so no
-- schema object refers to a missing table in between.

DROP TRIGGER outbox_enqueue_change;

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    change_id        INTEGER NOT NULL UNIQUE REFERENCES changes(id),
    created_at       TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'retrying', 'failed', 'sent', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_attempt_at  TEXT,
    last_error       TEXT,
    message_id       TEXT,
    batched_at       TEXT,
    sent_at          TEXT
);

INSERT INTO outbox_new (id, change_id, created_at, state, attempts, next_attempt_at,
                        last_attempt_at, last_error, message_id, batched_at, sent_at)
SELECT id, change_id, created_at,
       CASE state WHEN 'failed' THEN 'retrying' ELSE state END,
       attempts, next_attempt_at, last_attempt_at, last_error, message_id, batched_at, sent_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_state ON outbox(state, next_attempt_at);
CREATE INDEX outbox_message ON outbox(message_id);
CREATE INDEX outbox_batched ON outbox(batched_at);

CREATE TRIGGER outbox_enqueue_change AFTER INSERT ON changes
BEGIN
    INSERT INTO outbox (change_id, created_at, next_attempt_at)
    VALUES (NEW.id, NEW.detected_at, NEW.detected_at);
END;
