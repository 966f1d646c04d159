//! Failure streaks: a schedule that keeps failing is reported once when its
//! streak reaches the threshold, and its recovery once when it ends.

/// A failure streak as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streak {
    pub failures: u32,
    pub reported: bool,
}

/// What to report after a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreakReport {
    /// The streak just reached the threshold: report once.
    Failing { failures: u32 },
    /// A reported streak ended.
    Recovered { failures: u32 },
}

/// Updates a streak with one run's result; says what to report, if anything.
/// A streak is reported once when it reaches `threshold`, not on every pass,
/// and its end is reported only if its start was.
pub fn update_streak(streak: &mut Streak, ok: bool, threshold: u32) -> Option<StreakReport> {
    if ok {
        let report = streak.reported.then_some(StreakReport::Recovered {
            failures: streak.failures,
        });
        *streak = Streak::default();
        return report;
    }
    streak.failures += 1;
    if !streak.reported && streak.failures >= threshold {
        streak.reported = true;
        return Some(StreakReport::Failing {
            failures: streak.failures,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streak_is_reported_once_and_its_recovery_once() {
        let mut s = Streak::default();
        let reports: Vec<_> = [false, false, false, false, false, true, true]
            .into_iter()
            .map(|ok| update_streak(&mut s, ok, 3))
            .collect();
        assert_eq!(
            reports,
            [
                None,
                None,
                Some(StreakReport::Failing { failures: 3 }),
                None,
                None,
                Some(StreakReport::Recovered { failures: 5 }),
                None
            ]
        );
        // A short streak that never reached the threshold ends silently.
        let mut s = Streak::default();
        update_streak(&mut s, false, 3);
        assert_eq!(update_streak(&mut s, true, 3), None);
    }
}
