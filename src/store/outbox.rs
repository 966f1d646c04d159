//! The outbox: the SQL side of email reports.
//!
//! Rows are written by the `outbox_enqueue_change` trigger
//! (`migrations/0003_outbox.sql`) in the transaction that stores a change,
//! so the pipeline does not know about email at all and a stored change
//! always has its row. This module forms batches, records attempts and reads
//! what a report needs. Blocking code: callers on the runtime use a blocking
//! thread.
//!
//! Exactly-once as far as SQLite allows: a batch is marked `sending` (with
//! its Message-ID) and committed *before* the SMTP transaction, and marked
//! `sent` by one autocommit `UPDATE` right after the server accepted it. A
//! crash in between leaves the batch in `sending`; it is sent again on
//! restart with the same Message-ID, so the duplicate is one that mail
//! clients and servers recognise as the same message.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::core::change::{ReportItem, Significance};
use crate::core::compare::TextDiff;
use crate::store::timestamp;

/// The most changes one email carries; a larger backlog goes out in several.
pub const MAX_ITEMS_PER_EMAIL: usize = 200;
/// The first retry delay; each failed attempt doubles it.
pub const RETRY_BASE: Duration = Duration::from_secs(30);
/// The longest delay between two attempts of one batch.
pub const RETRY_CAP: Duration = Duration::from_secs(60 * 60);

/// The delay before attempt `attempts + 1`, after `attempts` failures:
/// 30 s, 1 min, 2 min, ... capped at one hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.saturating_sub(1).clamp(0, 20) as u32;
    RETRY_BASE.saturating_mul(1u32 << exp).min(RETRY_CAP)
}

/// What the sender should do next.
#[derive(Debug)]
pub enum Next {
    /// Send this batch now (already marked `sending`).
    Send(Batch),
    /// Nothing is due; wake at `next_due` (or when a new change is stored).
    Idle { next_due: Option<DateTime<Utc>> },
}

/// A batch of outbox rows that goes out as one email.
#[derive(Debug, Clone)]
pub struct Batch {
    pub message_id: String,
    pub items: Vec<ReportItem>,
    /// The number of this attempt (1 for the first).
    pub attempt: i64,
    /// True when this batch was found in `sending` at start: the previous
    /// process may or may not have delivered it.
    pub resumed: bool,
}

impl Batch {
    /// The outbox ids in the batch.
    pub fn ids(&self) -> Vec<i64> {
        self.items.iter().map(|i| i.outbox_id).collect()
    }
}

/// What decides which changes are sent and when.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// At most one new batch per this window.
    pub digest: Duration,
    pub min_significance: Significance,
    pub max_items: usize,
}

fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX / 2)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The Message-ID of a batch: `<claimwatch.outbox-FIRST-LAST.HASH@DOMAIN>`.
/// The hash covers each row's id, change id and creation time, so the same
/// rows always give the same id, and two databases (whose row ids may
/// coincide) give different ones.
pub fn message_id(rows: &[(i64, i64, String)], domain: &str) -> String {
    let mut sorted: Vec<_> = rows.iter().collect();
    sorted.sort();
    let mut h = blake3::Hasher::new();
    for (id, change, created) in &sorted {
        h.update(format!("{id}:{change}:{created};").as_bytes());
    }
    let hash = h.finalize().to_hex();
    let first = sorted.first().map_or(0, |r| r.0);
    let last = sorted.last().map_or(0, |r| r.0);
    format!(
        "<claimwatch.outbox-{first}-{last}.{}@{domain}>",
        &hash.as_str()[..16]
    )
}

/// Decides the next batch at time `now`, in one immediate transaction, and
/// marks it `sending`. In order: a batch left in `sending` by a stopped
/// process; a failed batch whose retry is due; a new batch of pending rows
/// when the digest window is open and no earlier batch is waiting to be
/// retried (so an outage ends in one digest, not one email per window).
/// Pending rows below the minimum significance are marked `skipped`.
pub fn next_batch(
    conn: &Connection,
    now: DateTime<Utc>,
    policy: &Policy,
    domain: &str,
) -> rusqlite::Result<Next> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let now_s = timestamp(now);

    // 1. Interrupted by a stop: resend as is.
    let stuck: Option<String> = tx
        .query_row(
            "SELECT message_id FROM outbox WHERE state = 'sending' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    // 2. A failed batch whose retry is due.
    let due: Option<String> = match stuck {
        Some(_) => None,
        None => tx
            .query_row(
                "SELECT message_id FROM outbox WHERE state = 'retrying' AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, id LIMIT 1",
                [&now_s],
                |r| r.get(0),
            )
            .optional()?,
    };
    if let Some(mid) = stuck.clone().or(due) {
        tx.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?2
             WHERE message_id = ?1",
            params![mid, now_s],
        )?;
        let ids = ids_of(&tx, &mid)?;
        let attempt: i64 = tx.query_row(
            "SELECT max(attempts) FROM outbox WHERE message_id = ?1",
            [&mid],
            |r| r.get(0),
        )?;
        let items = load_items(&tx, &ids)?;
        tx.commit()?;
        return Ok(Next::Send(Batch {
            message_id: mid,
            items,
            attempt,
            resumed: stuck.is_some(),
        }));
    }

    // 3. New changes. Drop those below the minimum first, so they never hold
    // the window or count in a subject.
    let pending: Vec<i64> = {
        let mut st = tx.prepare("SELECT id FROM outbox WHERE state = 'pending' ORDER BY id")?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut keep = Vec::new();
    for chunk in pending.chunks(policy.max_items.max(1)) {
        for item in load_items(&tx, chunk)? {
            if item.significance() >= policy.min_significance {
                keep.push(item);
            } else {
                tx.execute(
                    "UPDATE outbox SET state = 'skipped', last_error = ?2 WHERE id = ?1",
                    params![
                        item.outbox_id,
                        format!("below min_significance ({:?})", item.significance())
                    ],
                )?;
            }
        }
        if keep.len() >= policy.max_items {
            break;
        }
    }
    let retry_waiting: Option<String> = tx
        .query_row(
            "SELECT min(next_attempt_at) FROM outbox WHERE state = 'retrying'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if keep.is_empty() || retry_waiting.is_some() {
        tx.commit()?;
        return Ok(Next::Idle {
            next_due: retry_waiting.as_deref().and_then(parse_time),
        });
    }
    let last_batch: Option<String> = tx.query_row(
        "SELECT max(batched_at) FROM outbox WHERE batched_at IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    if let Some(opens) = last_batch
        .as_deref()
        .and_then(parse_time)
        .map(|t| add(t, policy.digest))
        && opens > now
    {
        tx.commit()?;
        return Ok(Next::Idle {
            next_due: Some(opens),
        });
    }
    keep.truncate(policy.max_items.max(1));
    let rows: Vec<(i64, i64, String)> = keep
        .iter()
        .map(|i| {
            tx.query_row(
                "SELECT id, change_id, created_at FROM outbox WHERE id = ?1",
                [i.outbox_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })
        .collect::<rusqlite::Result<_>>()?;
    let mid = message_id(&rows, domain);
    for (id, _, _) in &rows {
        tx.execute(
            "UPDATE outbox SET state = 'sending', attempts = 1, last_attempt_at = ?2,
                 message_id = ?3, batched_at = ?2
             WHERE id = ?1",
            params![id, now_s, mid],
        )?;
    }
    tx.commit()?;
    Ok(Next::Send(Batch {
        message_id: mid,
        items: keep,
        attempt: 1,
        resumed: false,
    }))
}

fn ids_of(conn: &Connection, message_id: &str) -> rusqlite::Result<Vec<i64>> {
    let mut st = conn.prepare("SELECT id FROM outbox WHERE message_id = ?1 ORDER BY id")?;
    st.query_map([message_id], |r| r.get(0))?.collect()
}

/// Marks a batch delivered: one autocommit statement, run right after the
/// server accepted the message.
pub fn mark_sent(conn: &Connection, message_id: &str, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL
         WHERE message_id = ?1 AND state = 'sending'",
        params![message_id, timestamp(now)],
    )?;
    Ok(())
}

/// Marks a batch `retrying`: it is sent again with the same Message-ID
/// after the backoff. Returns when.
pub fn mark_retrying(
    conn: &Connection,
    message_id: &str,
    now: DateTime<Utc>,
    error: &str,
) -> rusqlite::Result<DateTime<Utc>> {
    let attempts: i64 = conn.query_row(
        "SELECT coalesce(max(attempts), 1) FROM outbox WHERE message_id = ?1",
        [message_id],
        |r| r.get(0),
    )?;
    let next = add(now, backoff(attempts));
    conn.execute(
        "UPDATE outbox SET state = 'retrying', last_error = ?2, next_attempt_at = ?3
         WHERE message_id = ?1 AND state = 'sending'",
        params![message_id, error, timestamp(next)],
    )?;
    Ok(next)
}

/// Marks a batch `failed` for good: the server refused it permanently (an
/// SMTP 5xx reply), and sending it again would be refused again.
pub fn mark_failed(
    conn: &Connection,
    message_id: &str,
    now: DateTime<Utc>,
    error: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ?2, last_attempt_at = ?3
         WHERE message_id = ?1 AND state = 'sending'",
        params![message_id, error, timestamp(now)],
    )?;
    Ok(())
}

/// Reads the report items of outbox rows, in id order.
pub fn load_items(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<ReportItem>> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut st = conn.prepare(
        "SELECT o.id, c.id, s.name, d.url, v2.title, v1.number, v2.number,
                v1.fetched_at, v2.fetched_at, c.summary,
                (SELECT diff FROM change_diffs WHERE change_id = c.id), c.disclosure, c.notice
         FROM outbox o
         JOIN changes c ON c.id = o.change_id
         JOIN documents d ON d.id = c.document_id
         JOIN sources s ON s.id = d.source_id
         JOIN versions v1 ON v1.id = c.from_version_id
         JOIN versions v2 ON v2.id = c.to_version_id
         WHERE o.id IN (SELECT value FROM json_each(?1))
         ORDER BY o.id",
    )?;
    let mut items: Vec<ReportItem> = st
        .query_map([json], |r| {
            let diff: String = r.get(10)?;
            Ok(ReportItem {
                outbox_id: r.get(0)?,
                change_id: r.get(1)?,
                source: r.get(2)?,
                url: r.get(3)?,
                headline: r.get(4)?,
                from_version: r.get(5)?,
                to_version: r.get(6)?,
                from_time: r.get(7)?,
                to_time: r.get(8)?,
                summary: r.get(9)?,
                // A diff this claimwatch cannot read still gets reported,
                // with its summary.
                diff: serde_json::from_str::<TextDiff>(&diff).unwrap_or_default(),
                claim_changes: Vec::new(),
                disclosure: crate::core::disclosure::Disclosure::parse(&r.get::<_, String>(11)?),
                notice: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for item in &mut items {
        item.claim_changes = crate::store::claims::reported_changes(conn, item.change_id)?;
    }
    Ok(items)
}

/// An outbox row for `claimwatch outbox` (fields documented in docs/CLI.md).
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub change_id: i64,
    pub source: String,
    pub url: String,
    pub summary: String,
    /// `pending`, `sending`, `retrying` (sent again at `next_attempt_at`) or
    /// `failed` (refused for good, never retried).
    pub state: String,
    pub attempts: i64,
    pub created_at: String,
    /// When it is (next) due; null once it failed for good.
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
}

/// Reports not delivered: pending, being sent, retrying and failed for
/// good (with their last error), oldest first.
pub fn unsent(conn: &Connection) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut st = conn.prepare(
        "SELECT o.id, o.change_id, s.name, d.url, c.summary, o.state, o.attempts, o.created_at,
                o.next_attempt_at, o.last_attempt_at, o.last_error, o.message_id
         FROM outbox o
         JOIN changes c ON c.id = o.change_id
         JOIN documents d ON d.id = c.document_id
         JOIN sources s ON s.id = d.source_id
         WHERE o.state IN ('pending', 'sending', 'retrying', 'failed')
         ORDER BY o.id",
    )?;
    st.query_map([], |r| {
        Ok(OutboxEntry {
            id: r.get(0)?,
            change_id: r.get(1)?,
            source: r.get(2)?,
            url: r.get(3)?,
            summary: r.get(4)?,
            state: r.get(5)?,
            attempts: r.get(6)?,
            created_at: r.get(7)?,
            next_attempt_at: {
                let state: String = r.get(5)?;
                (state != "failed").then(|| r.get(8)).transpose()?
            },
            last_attempt_at: r.get(9)?,
            last_error: r.get(10)?,
            message_id: r.get(11)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(50), RETRY_CAP);
    }

    #[test]
    fn message_id_depends_on_the_rows_not_their_order() {
        let a = vec![(12, 3, "t1".to_string()), (15, 4, "t2".to_string())];
        let b = vec![a[1].clone(), a[0].clone()];
        let id = message_id(&a, "example.org");
        assert_eq!(id, message_id(&b, "example.org"));
        assert!(id.starts_with("<claimwatch.outbox-12-15."), "{id}");
        assert!(id.ends_with("@example.org>"));
        let other = vec![(12, 3, "t1".to_string()), (15, 4, "t3".to_string())];
        assert_ne!(id, message_id(&other, "example.org"));
    }
}
