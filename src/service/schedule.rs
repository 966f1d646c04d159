//! When each source is checked: cron expressions with an optional time zone,
//! jitter, adaptive re-checks for discovered articles, the next due time kept
//! across restarts, and the loop that waits for it.
//!
//! claimwatch computes each next run itself from the cron expression with
//! croner (the cron engine tokio-cron-scheduler is built on) and sleeps until
//! then, instead of using tokio-cron-scheduler, whose faults it must not
//! inherit:
//!
//! - **Overlap**: tokio-cron-scheduler spawns every tick, so a slow job runs
//!   several copies at once. Here each schedule is one loop that computes its
//!   next due time only after the run finished, and a [`Guards`] claim keeps a
//!   second loop for the same key from starting at all.
//! - **Shutdown**: its `shutdown()` returns at once and leaves running jobs
//!   detached. Here every loop races its sleep against a cancellation token
//!   and never cuts a run short; the daemon waits for the loops with a
//!   deadline.
//! - **DST**: it captures the zone offset once, at job creation, so jobs drift
//!   by an hour after a DST change. Here every occurrence is computed afresh
//!   in the named zone ([`Schedule::next_after`]).
//! - **Six fields only**: croner is configured with optional seconds, so the
//!   standard five-field crontab works as well.
//! - **Polling**: it wakes every 500 ms to look for due jobs. Here a loop
//!   sleeps exactly until its due time and uses no CPU in between.
//!
//! The decisions (next due time, jitter, adaptive intervals, resuming after a
//! restart) are pure functions; [`drive`] is the loop around them, written
//! against [`Clock`] and `tokio::time` so tests run it under a paused clock.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use tokio_util::sync::CancellationToken;

/// A parsed cron schedule: five fields (minute precision) or six (seconds
/// first), evaluated in a time zone (UTC when none is given).
///
/// The parsed expression is shared, not copied, between clones: croner's
/// `Cron` holds about 5.5 KB, and a config of 10,000 sources on the default
/// schedule would otherwise hold 10,000 copies of it (55 MB).
#[derive(Clone)]
pub struct Schedule {
    expr: Arc<str>,
    cron: Arc<Cron>,
    tz: Option<Tz>,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({self})")
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tz {
            Some(tz) => write!(f, "{} {}", self.expr, tz.name()),
            None => write!(f, "{} UTC", self.expr),
        }
    }
}

impl Schedule {
    /// Parses a five- or six-field cron expression.
    pub fn parse(expr: &str, tz: Option<Tz>) -> Result<Schedule, String> {
        let expr = expr.trim();
        let fields = expr.split_whitespace().count();
        if !(5..=6).contains(&fields) {
            return Err(format!(
                "invalid cron expression {expr:?}: expected 5 fields (minute hour day month weekday) or 6 (seconds first), found {fields}"
            ));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(expr)
            .map_err(|e| format!("invalid cron expression {expr:?}: {e}"))?;
        Ok(Schedule {
            expr: expr.into(),
            cron: Arc::new(cron),
            tz,
        })
    }

    /// The same expression in another zone.
    pub fn with_timezone(&self, tz: Option<Tz>) -> Schedule {
        Schedule { tz, ..self.clone() }
    }

    /// The cron expression as written.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.tz {
            Some(tz) => self
                .cron
                .find_next_occurrence(&after.with_timezone(&tz), false)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            None => self.cron.find_next_occurrence(&after, false).ok(),
        }
    }
}

pub use crate::core::rng::Rng;

/// The next due time of a cron schedule after `after`, pushed later by a
/// random jitter of at most `jitter` so that many sources on the same
/// schedule do not all hit the network in the same second.
pub fn next_due(
    schedule: &Schedule,
    after: DateTime<Utc>,
    jitter: Duration,
    rng: &mut Rng,
) -> Option<DateTime<Utc>> {
    let next = schedule.next_after(after)?;
    // Never more than a tenth of the gap to the following occurrence, so
    // jitter spreads runs without ever making one skip its slot.
    let bound = match schedule.next_after(next) {
        Some(following) => jitter.min((following - next).to_std().unwrap_or_default() / 10),
        None => jitter,
    };
    Some(next + chrono::Duration::from_std(rng.jitter(bound)).unwrap_or_default())
}

/// When a schedule should first run after a start, given the due time stored
/// by the previous run of the daemon.
///
/// A stored time still ahead is kept (or an earlier occurrence of a schedule
/// that changed meanwhile), so a restart does not refetch everything at once. A stored time already past (the daemon was down) runs
/// once soon, spread over `spread`; missed occurrences are not replayed.
/// Without a stored time the schedule starts at its next occurrence.
pub fn resume_due(
    stored: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    spread: Duration,
    rng: &mut Rng,
    fresh: impl FnOnce(&mut Rng) -> Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match stored {
        Some(due) if due > now => Some(fresh(rng).map_or(due, |f| f.min(due))),
        Some(_) => Some(now + chrono::Duration::from_std(rng.jitter(spread)).unwrap_or_default()),
        None => fresh(rng),
    }
}

/// Re-check intervals for discovered articles: often while fresh, backing
/// off while nothing changes, back to often on a change, and no more checks
/// once the article is old.
#[derive(Debug, Clone, PartialEq)]
pub struct Adaptive {
    /// The interval of a fresh or just-changed article.
    pub min: Duration,
    /// The longest interval backing off can reach.
    pub max: Duration,
    /// Multiplier per unchanged check (e.g. 1.2).
    pub factor: f64,
    /// Stop checking an article this long after it was discovered.
    pub stop_after: Duration,
}

impl Adaptive {
    /// The interval after a check, given the interval before it.
    pub fn next_interval(&self, current: Duration, changed: bool) -> Duration {
        if changed {
            return self.min;
        }
        current
            .mul_f64(self.factor.max(1.0))
            .clamp(self.min, self.max.max(self.min))
    }

    /// Whether an article discovered at `discovered` is still checked at `now`.
    pub fn is_live(&self, discovered: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        (now - discovered)
            .to_std()
            .is_ok_and(|age| age < self.stop_after)
            || now < discovered
    }
}

/// What a run tells its schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// New content was stored.
    Changed,
    /// The content was as before (or the server said so).
    Unchanged,
    /// The run failed; it was recorded.
    Failed,
}

/// How a schedule picks its due times.
// One per schedule task, built once: boxing the schedule would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Cadence {
    /// A cron schedule plus jitter.
    Cron {
        schedule: Schedule,
        jitter: Duration,
    },
    /// An adaptive interval, for an article discovered at `discovered`.
    Adaptive {
        policy: Adaptive,
        interval: Duration,
        discovered: DateTime<Utc>,
    },
}

impl Cadence {
    /// The due time after a run that ended at `finished`; `None` ends the
    /// schedule (an adaptive article grew too old, or a cron expression has
    /// no further occurrence).
    pub fn after_run(
        &mut self,
        key: &str,
        finished: DateTime<Utc>,
        outcome: RunOutcome,
    ) -> Option<DateTime<Utc>> {
        let mut rng = Rng::seeded(key, finished.timestamp_millis());
        match self {
            Cadence::Cron { schedule, jitter } => next_due(schedule, finished, *jitter, &mut rng),
            Cadence::Adaptive {
                policy,
                interval,
                discovered,
            } => {
                *interval = policy.next_interval(*interval, outcome == RunOutcome::Changed);
                let due = finished + chrono::Duration::from_std(*interval).ok()?;
                policy.is_live(*discovered, due).then_some(due)
            }
        }
    }

    /// The adaptive interval, to be stored with the due time.
    pub fn interval(&self) -> Option<Duration> {
        match self {
            Cadence::Cron { .. } => None,
            Cadence::Adaptive { interval, .. } => Some(*interval),
        }
    }
}

/// Wall-clock time for schedules. `System` is the real clock; `Tokio` derives
/// the wall time from `tokio::time`, so that under a paused test clock cron
/// schedules advance exactly as far as the runtime's virtual time.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Tokio {
        wall: DateTime<Utc>,
        at: tokio::time::Instant,
    },
}

impl Clock {
    /// A clock that reads `wall` now and advances with tokio's time.
    pub fn tokio_at(wall: DateTime<Utc>) -> Clock {
        Clock::Tokio {
            wall,
            at: tokio::time::Instant::now(),
        }
    }

    /// The current wall-clock time.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Tokio { wall, at } => {
                *wall + chrono::Duration::from_std(at.elapsed()).unwrap_or_default()
            }
        }
    }

    /// Sleeps until the wall clock reads `due`. Returns false if `shutdown`
    /// came first. A wall clock set back while sleeping is noticed on waking
    /// and slept out, so a run never starts early.
    pub async fn sleep_until(&self, due: DateTime<Utc>, shutdown: &CancellationToken) -> bool {
        loop {
            let now = self.now();
            if now >= due {
                return !shutdown.is_cancelled();
            }
            let wait = (due - now).to_std().unwrap_or(Duration::ZERO);
            tokio::select! {
                _ = shutdown.cancelled() => return false,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// Keys whose schedule loop is running. A loop holds its key's lock for as
/// long as it runs, so two loops (after a reload, or a document found by two
/// feeds) can never check the same thing at once.
#[derive(Debug, Clone, Default)]
pub struct Guards(Arc<Mutex<HashSet<String>>>);

/// A held key; dropping it releases the key.
#[derive(Debug)]
pub struct KeyLock {
    guards: Guards,
    key: String,
}

impl Guards {
    /// Locks `key`, or `None` when a loop for it is already running.
    pub fn lock(&self, key: &str) -> Option<KeyLock> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.to_string()).then(|| KeyLock {
            guards: self.clone(),
            key: key.to_string(),
        })
    }

    /// Whether `key` is locked.
    pub fn is_locked(&self, key: &str) -> bool {
        let set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.contains(key)
    }
}

impl Drop for KeyLock {
    fn drop(&mut self) {
        let mut set = self.guards.0.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}

/// One schedule's loop: sleep until due, run, compute the next due time from
/// when the run finished, store it, repeat; until shutdown, the end of the
/// cadence, or `max_runs`.
///
/// The run is awaited inside the loop, so runs of one schedule never overlap,
/// and shutdown is only observed between runs, so a started run finishes.
/// `persist` is called with every new due time before sleeping for it, so a
/// restart resumes from there. Returns the number of runs.
#[allow(clippy::too_many_arguments)]
pub async fn drive<J, JF, P, PF>(
    key: &str,
    mut cadence: Cadence,
    first_due: DateTime<Utc>,
    clock: &Clock,
    shutdown: &CancellationToken,
    max_runs: Option<u32>,
    mut job: J,
    mut persist: P,
) -> u32
where
    J: FnMut(DateTime<Utc>) -> JF,
    JF: Future<Output = RunOutcome>,
    P: FnMut(DateTime<Utc>, Option<Duration>) -> PF,
    PF: Future<Output = ()>,
{
    let mut due = first_due;
    let mut runs = 0u32;
    while max_runs.is_none_or(|m| runs < m) {
        if !clock.sleep_until(due, shutdown).await {
            break;
        }
        let outcome = job(due).await;
        runs += 1;
        let Some(next) = cadence.after_run(key, clock.now(), outcome) else {
            tracing::info!(schedule = key, "schedule finished");
            break;
        };
        due = next;
        persist(due, cadence.interval()).await;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn five_and_six_fields_are_accepted() {
        let five = Schedule::parse("*/15 * * * *", None).unwrap();
        assert_eq!(
            five.next_after(utc(2026, 1, 1, 0, 7, 30)),
            Some(utc(2026, 1, 1, 0, 15, 0))
        );
        let six = Schedule::parse("*/10 * * * * *", None).unwrap();
        assert_eq!(
            six.next_after(utc(2026, 1, 1, 0, 0, 1)),
            Some(utc(2026, 1, 1, 0, 0, 10))
        );
    }

    #[test]
    fn clones_share_the_parsed_expression() {
        let s = Schedule::parse("0 */15 * * * *", None).unwrap();
        let berlin = s.with_timezone(Some(chrono_tz::Europe::Berlin));
        assert!(Arc::ptr_eq(&s.cron, &berlin.cron));
        assert_eq!(berlin.expr(), "0 */15 * * * *");
    }

    #[test]
    fn wrong_field_count_is_refused() {
        let e = Schedule::parse("* * *", None).unwrap_err();
        assert!(e.contains("expected 5 fields"), "{e}");
        assert!(Schedule::parse("61 * * * *", None).is_err());
    }

    #[test]
    fn local_time_stays_local_across_dst() {
        // 12:00 in Berlin: 11:00Z in winter, 10:00Z after the spring change.
        let s = Schedule::parse("0 12 * * *", Some(chrono_tz::Europe::Berlin)).unwrap();
        let before = s.next_after(utc(2027, 3, 27, 0, 0, 0)).unwrap();
        assert_eq!(before, utc(2027, 3, 27, 11, 0, 0));
        let after = s.next_after(before).unwrap();
        assert_eq!(after, utc(2027, 3, 28, 10, 0, 0));
    }
}
