//! The picture of the story on the HTML export, drawn as inline SVG from
//! the page's own maud templates: for each story fact, one row per outlet,
//! each value a labelled step, the stretches where outlets disagree
//! shaded, and each change of value marked — a filled red dot when the
//! outlet made it silently, a hollow ring when it disclosed it.
//!
//! Architecture invariant: no script, no external URL, no style attribute
//! (SVG presentation attributes only), so the page's Content-Security-Policy
//! stays `default-src 'none'`. The layout is `core::story_chart`'s; this
//! file only draws it.

use maud::{Markup, html};

use crate::core::disclosure::Disclosure;
use crate::core::story_chart::{FactChart, OutletRow, Step};

/// Width of the drawing in SVG units, and of the outlet names' column.
const WIDTH: f64 = 720.0;
const LABELS: f64 = 150.0;
const ROW: f64 = 34.0;
const TOP: f64 = 8.0;
/// Room under the rows for the axis' two dates.
const AXIS: f64 = 22.0;
/// About how wide one character of a value label is, to leave out labels
/// that would not fit their step (the step's title still carries it).
const CHAR: f64 = 6.6;

/// The section with one picture per fact; nothing when no fact was stored.
pub fn section(charts: &[FactChart]) -> Markup {
    html! {
        @if !charts.is_empty() {
            section #story-picture {
                h2 { "The story's facts over time" }
                p.meta {
                    "Each row is an outlet; each step the value it stated from that version on. "
                    "Shaded: outlets disagree. "
                    span.silent { "●" } " a silent change, "
                    span.disclosed { "○" } " a disclosed one (a correction, an update note or a moved modification time)."
                }
                @for c in charts { (figure(c)) }
            }
        }
    }
}

fn figure(c: &FactChart) -> Markup {
    let height = TOP + ROW * c.rows.len() as f64 + AXIS;
    let plot = WIDTH - LABELS - 10.0;
    // A tenth of a unit is finer than any screen shows; it keeps the
    // markup short.
    let x = |f: f64| ((LABELS + f * plot) * 10.0).round() / 10.0;
    let label = format!(
        "{}: {} outlet(s), {} stretch(es) of disagreement",
        c.fact,
        c.rows.len(),
        c.conflicts.len()
    );
    html! {
        figure.fact-chart {
            figcaption { (c.fact) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) }
                width="100%" role="img" aria-label=(label) {
                title { (label) }
                @for s in &c.conflicts {
                    rect.conflict x=(x(s.from)) y=(TOP) width=(x(s.to) - x(s.from))
                        height=(ROW * c.rows.len() as f64) fill="#ffe1dc" {
                        title { "outlets disagree" }
                    }
                }
                @for (i, row) in c.rows.iter().enumerate() {
                    (outlet_row(row, TOP + ROW * i as f64, &x))
                }
                line x1=(x(0.0)) y1=(height - AXIS + 2.0) x2=(x(1.0)) y2=(height - AXIS + 2.0)
                    stroke="#999" stroke-width="1" {}
                text x=(x(0.0)) y=(height - 6.0) font-size="11" fill="#5a5a5a" { (c.start) }
                text x=(x(1.0)) y=(height - 6.0) font-size="11" fill="#5a5a5a" text-anchor="end" { (c.end) }
            }
        }
    }
}

fn outlet_row(row: &OutletRow, y: f64, x: &impl Fn(f64) -> f64) -> Markup {
    let mid = y + ROW / 2.0;
    html! {
        g.outlet {
            text x="4" y=(mid + 4.0) font-size="13" fill="#1b1b1b" { (row.outlet) }
            @for s in &row.steps { (step(s, mid, x)) }
        }
    }
}

fn step(s: &Step, mid: f64, x: &impl Fn(f64) -> f64) -> Markup {
    let (x0, x1) = (x(s.from), x(s.to));
    let fits = (x1 - x0) > s.value.chars().count() as f64 * CHAR + 8.0;
    let what = match s.change {
        None => format!("{} (version {}, {})", s.value, s.version, s.at),
        Some(d) => format!(
            "{} (version {}, {}): {}",
            s.value,
            s.version,
            s.at,
            change_words(d)
        ),
    };
    html! {
        g.step {
            title { (what) }
            line x1=(x0) y1=(mid) x2=(x1) y2=(mid) stroke="#3b6ea5" stroke-width="3" {}
            line x1=(x0) y1=(mid - 8.0) x2=(x0) y2=(mid + 8.0) stroke="#3b6ea5" stroke-width="1.5" {}
            @if fits {
                text x=(x0 + 4.0) y=(mid - 5.0) font-size="12" fill="#1b1b1b" { (s.value) }
            }
            @match s.change {
                Some(d) if d.is_silent() => {
                    circle.silent cx=(x0) cy=(mid) r="5" fill="#c0392b" {}
                }
                Some(Disclosure::Unknown) | None => {}
                Some(_) => {
                    circle.disclosed cx=(x0) cy=(mid) r="5" fill="#ffffff" stroke="#1e7b34" stroke-width="2" {}
                }
            }
        }
    }
}

/// How a change of value was made, for its tooltip.
fn change_words(d: Disclosure) -> &'static str {
    match d {
        Disclosure::None => "changed silently",
        Disclosure::Correction => "changed with a correction notice",
        Disclosure::UpdateNote => "changed with an update note",
        Disclosure::ModifiedTime => "changed; the page's modification time moved",
        Disclosure::Unknown => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::story_chart::{FactPoint, layout};

    fn point(outlet: &str, at: &str, v: i64, value: &str, d: Option<Disclosure>) -> FactPoint {
        FactPoint {
            fact: "investment amount".into(),
            outlet: outlet.into(),
            at: at.into(),
            version: v,
            value: value.into(),
            disclosure: d,
        }
    }

    #[test]
    fn silent_and_disclosed_changes_are_drawn_apart_and_conflicts_shaded() {
        let charts = layout(
            &[
                point("techwire", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                point(
                    "techwire",
                    "2026-12-01T01:00:00Z",
                    2,
                    "$40 billion",
                    Some(Disclosure::None),
                ),
                point("ledger", "2026-12-01T00:00:00Z", 1, "$50 billion", None),
                point(
                    "ledger",
                    "2026-12-01T02:00:00Z",
                    2,
                    "$40 billion",
                    Some(Disclosure::Correction),
                ),
            ],
            "2026-12-01T04:00:00Z",
        );
        let svg = section(&charts).into_string();
        assert_eq!(svg.matches("<circle class=\"silent\"").count(), 1, "{svg}");
        assert_eq!(
            svg.matches("<circle class=\"disclosed\"").count(),
            1,
            "{svg}"
        );
        assert_eq!(svg.matches("<rect class=\"conflict\"").count(), 1, "{svg}");
        assert!(svg.contains("$40 billion (version 2, 2026-12-01T01:00:00Z): changed silently"));
        assert!(!svg.contains("style="), "{svg}");
        assert!(!svg.contains("href"), "{svg}");
    }

    #[test]
    fn no_facts_no_section() {
        assert_eq!(section(&[]).into_string(), "");
    }
}
