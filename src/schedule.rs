//! When each source is checked: cron expressions with an optional time zone.
//!
//! claimwatch computes each next run itself from the cron expression with
//! croner (the cron engine tokio-cron-scheduler is built on) and sleeps until
//! then. Every occurrence is computed afresh in the named zone, so a DST change
//! never shifts the schedule, and nothing polls between runs.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// A parsed cron schedule: five fields (minute precision) or six (seconds
/// first), evaluated in a time zone (UTC when none is given).
#[derive(Clone)]
pub struct Schedule {
    expr: String,
    cron: Cron,
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
            expr: expr.to_string(),
            cron,
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
