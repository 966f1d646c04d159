//! Schedule state: each schedule's next due time and adaptive interval
//! (`schedule_state`), so a restart resumes, and failure streaks
//! (`failure_streaks`), so a failing schedule is reported once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::core::streak::{Streak, StreakReport, update_streak};

/// The stored next due time and adaptive interval of `key`.
pub fn load(
    conn: &Connection,
    key: &str,
) -> rusqlite::Result<Option<(DateTime<Utc>, Option<Duration>)>> {
    let row: Option<(String, Option<i64>)> = conn
        .query_row(
            "SELECT next_due_at, interval_s FROM schedule_state WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(due, interval)| {
        let due = DateTime::parse_from_rfc3339(&due).ok()?.with_timezone(&Utc);
        Some((due, interval.map(|s| Duration::from_secs(s.max(0) as u64))))
    }))
}

/// Stores the next due time (and adaptive interval) of `key`.
pub fn save(
    conn: &Connection,
    key: &str,
    due: DateTime<Utc>,
    interval: Option<Duration>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO schedule_state (key, next_due_at, interval_s, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET next_due_at = excluded.next_due_at,
             interval_s = excluded.interval_s, updated_at = excluded.updated_at",
        params![
            key,
            crate::store::timestamp(due),
            interval.map(|d| d.as_secs() as i64),
            crate::store::timestamp(now)
        ],
    )?;
    Ok(())
}

/// Records one run's result in `failure_streaks`; returns the report due,
/// if any.
pub fn record_run(
    conn: &Connection,
    key: &str,
    failure: Option<&str>,
    threshold: u32,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<StreakReport>> {
    let mut streak = conn
        .query_row(
            "SELECT failures, reported FROM failure_streaks WHERE key = ?1",
            [key],
            |r| {
                Ok(Streak {
                    failures: r.get::<_, i64>(0)? as u32,
                    reported: r.get(1)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default();
    let report = update_streak(&mut streak, failure.is_none(), threshold);
    if streak.failures == 0 {
        conn.execute("DELETE FROM failure_streaks WHERE key = ?1", [key])?;
    } else {
        conn.execute(
            "INSERT INTO failure_streaks (key, failures, since, last_reason, reported)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
                 last_reason = excluded.last_reason, reported = excluded.reported",
            params![
                key,
                streak.failures,
                crate::store::timestamp(now),
                failure,
                streak.reported
            ],
        )?;
    }
    Ok(report)
}
