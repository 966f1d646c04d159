//! The picture of a story: for each story fact, each outlet's value over
//! time as labelled steps, the stretches where outlets disagree, and each
//! change of value marked by whether the outlet disclosed it.
//!
//! Pure layout: stored points in, positions on a 0..1 time axis out. The
//! HTML export draws it (`cli::chart`); nothing here knows about SVG.

use chrono::DateTime;

use crate::core::disclosure::Disclosure;

/// One stored value of a story fact: what an outlet's version stated.
#[derive(Debug, Clone, PartialEq)]
pub struct FactPoint {
    pub fact: String,
    /// The outlet (source name).
    pub outlet: String,
    /// When the version was fetched (RFC 3339).
    pub at: String,
    pub version: i64,
    pub value: String,
    /// How the change that brought this version was disclosed; `None` for
    /// a document's first version.
    pub disclosure: Option<Disclosure>,
}

/// One fact's picture.
#[derive(Debug, Clone, PartialEq)]
pub struct FactChart {
    pub fact: String,
    /// The time axis: its first and last instants (RFC 3339, as given).
    pub start: String,
    pub end: String,
    /// One row per outlet, in the order of their first value.
    pub rows: Vec<OutletRow>,
    /// Where the outlets' current values disagree, merged.
    pub conflicts: Vec<Stretch>,
}

/// One outlet's values over time.
#[derive(Debug, Clone, PartialEq)]
pub struct OutletRow {
    pub outlet: String,
    pub steps: Vec<Step>,
}

/// A value held from `from` until the next step (or the end of the axis).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub from: f64,
    pub to: f64,
    pub value: String,
    /// The version that first stated this value, and when.
    pub version: i64,
    pub at: String,
    /// How the change to this value was disclosed; `None` for the
    /// outlet's first value.
    pub change: Option<Disclosure>,
}

/// A stretch of the time axis, as fractions of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub from: f64,
    pub to: f64,
}

/// Lays out every fact's picture. `points` may come in any order; `end`
/// (RFC 3339) closes the time axis, e.g. when the page was generated, so
/// the latest values show as held until then.
pub fn layout(points: &[FactPoint], end: &str) -> Vec<FactChart> {
    let mut facts: Vec<&str> = Vec::new();
    for p in points {
        if !facts.contains(&p.fact.as_str()) {
            facts.push(&p.fact);
        }
    }
    facts
        .into_iter()
        .map(|fact| {
            let mut of_fact: Vec<&FactPoint> = points.iter().filter(|p| p.fact == fact).collect();
            of_fact.sort_by(|a, b| {
                millis(&a.at)
                    .cmp(&millis(&b.at))
                    .then(a.version.cmp(&b.version))
            });
            fact_chart(fact, &of_fact, end)
        })
        .collect()
}

/// Milliseconds since the epoch; an unparsable time sorts first.
fn millis(at: &str) -> i64 {
    DateTime::parse_from_rfc3339(at).map_or(i64::MIN, |t| t.timestamp_millis())
}

fn fact_chart(fact: &str, points: &[&FactPoint], end: &str) -> FactChart {
    let start = points.first().map_or(end, |p| p.at.as_str());
    let t0 = millis(start);
    let t1 = millis(end).max(points.last().map_or(t0, |p| millis(&p.at)));
    // Equal instants (or unparsable ones) give a zero-length axis: every
    // value then starts at the left edge rather than dividing by zero.
    let x = |at: &str| -> f64 {
        let t = millis(at);
        if t1 <= t0 || t == i64::MIN {
            0.0
        } else {
            ((t - t0) as f64 / (t1 - t0) as f64).clamp(0.0, 1.0)
        }
    };
    let mut rows: Vec<OutletRow> = Vec::new();
    for p in points {
        let row = match rows.iter_mut().position(|r| r.outlet == p.outlet) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(OutletRow {
                    outlet: p.outlet.clone(),
                    steps: Vec::new(),
                });
                rows.last_mut().expect("just pushed")
            }
        };
        // A later version that states the same value extends the step.
        if row.steps.last().is_some_and(|s| s.value == p.value) {
            continue;
        }
        let first = row.steps.is_empty();
        row.steps.push(Step {
            from: x(&p.at),
            to: 1.0,
            value: p.value.clone(),
            version: p.version,
            at: p.at.clone(),
            change: if first { None } else { p.disclosure },
        });
    }
    for row in &mut rows {
        for i in 1..row.steps.len() {
            row.steps[i - 1].to = row.steps[i].from;
        }
    }
    let conflicts = conflicts(&rows);
    FactChart {
        fact: fact.to_string(),
        start: start.to_string(),
        end: end.to_string(),
        rows,
        conflicts,
    }
}

/// The stretches where the outlets that state the fact state more than one
/// value.
fn conflicts(rows: &[OutletRow]) -> Vec<Stretch> {
    let mut bounds: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.steps.iter().map(|s| s.from))
        .chain([1.0])
        .collect();
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    let mut out: Vec<Stretch> = Vec::new();
    for w in bounds.windows(2) {
        let (from, to) = (w[0], w[1]);
        if to <= from {
            continue;
        }
        let mut values: Vec<&str> = rows
            .iter()
            .filter_map(|r| {
                r.steps
                    .iter()
                    .find(|s| s.from <= from && from < s.to)
                    .map(|s| s.value.as_str())
            })
            .collect();
        values.sort_unstable();
        values.dedup();
        if values.len() < 2 {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.to == from => last.to = to,
            _ => out.push(Stretch { from, to }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(
        outlet: &str,
        at: &str,
        version: i64,
        value: &str,
        d: Option<Disclosure>,
    ) -> FactPoint {
        FactPoint {
            fact: "investment amount".into(),
            outlet: outlet.into(),
            at: at.into(),
            version,
            value: value.into(),
            disclosure: d,
        }
    }

    const END: &str = "2026-12-01T04:00:00Z";

    #[test]
    fn each_outlet_is_a_row_of_steps_and_a_repeated_value_extends_its_step() {
        let charts = layout(
            &[
                point("a", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                point(
                    "a",
                    "2026-12-01T01:00:00Z",
                    2,
                    "$50 billion",
                    Some(Disclosure::None),
                ),
                point(
                    "a",
                    "2026-12-01T02:00:00Z",
                    3,
                    "$40 billion",
                    Some(Disclosure::None),
                ),
                point("b", "2026-12-01T01:00:00Z", 1, "$50 billion", None),
            ],
            END,
        );
        assert_eq!(charts.len(), 1);
        let rows = &charts[0].rows;
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert_eq!(a.outlet, "a");
        assert_eq!(a.steps.len(), 2, "{a:?}");
        assert_eq!((a.steps[0].from, a.steps[0].to), (0.0, 0.5));
        assert_eq!(a.steps[0].change, None);
        assert_eq!((a.steps[1].from, a.steps[1].to), (0.5, 1.0));
        assert_eq!(a.steps[1].value, "$40 billion");
        assert_eq!(a.steps[1].version, 3);
        assert_eq!(a.steps[1].change, Some(Disclosure::None));
        assert_eq!(rows[1].steps[0].from, 0.25);
    }

    #[test]
    fn disagreement_is_shaded_only_while_it_lasts() {
        let charts = layout(
            &[
                point("a", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                point(
                    "a",
                    "2026-12-01T01:00:00Z",
                    2,
                    "$40 billion",
                    Some(Disclosure::None),
                ),
                point("b", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                point(
                    "b",
                    "2026-12-01T03:00:00Z",
                    2,
                    "$40 billion",
                    Some(Disclosure::Correction),
                ),
            ],
            END,
        );
        assert_eq!(
            charts[0].conflicts,
            vec![Stretch {
                from: 0.25,
                to: 0.75
            }]
        );
        assert_eq!(
            charts[0].rows[1].steps[1].change,
            Some(Disclosure::Correction)
        );
    }

    #[test]
    fn facts_are_laid_out_apart_and_one_instant_does_not_divide_by_zero() {
        let mut other = point("a", "2026-12-01T00:00:00Z", 1, "3%", None);
        other.fact = "stake".into();
        let charts = layout(
            &[
                point("a", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                other,
            ],
            "2026-12-01T00:00:00Z",
        );
        assert_eq!(charts.len(), 2);
        assert_eq!(charts[1].fact, "stake");
        assert_eq!(charts[1].rows[0].steps[0].from, 0.0);
        assert!(charts[0].conflicts.is_empty());
    }
}
