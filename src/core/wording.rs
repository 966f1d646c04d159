//! The wording of a change: the one place that turns claim changes, text
//! diffs and conflicts into the words people read. The log, the email, the
//! CLI and the HTML export all word a change through here.

use serde::Serialize;

use crate::core::change::ReportedClaim;
use crate::core::claims::{ChangeKind, ClaimChange, Conflict, FacetChange, WordSpanKind};
use crate::core::compare::{self, TextDiff};
use crate::core::disclosure::Disclosure;

/// A report-ready line for one claim change: what changed and its old and
/// new value, e.g. `amount`, `$50 billion`, `$40 billion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimLine {
    pub kind: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What happened, in a few words: `amount $50 billion → $40 billion`,
    /// `claim removed`.
    pub label: String,
    /// The label, every other facet that changed, and the sentence.
    pub summary: String,
}

impl ClaimLine {
    /// Describes a claim change for reports.
    pub fn of(c: &ClaimChange) -> ClaimLine {
        let facet = |name: &str| -> Option<(String, String)> {
            let fs: Vec<_> = c
                .facets_changed
                .iter()
                .filter(|f| f.facet == name)
                .collect();
            if fs.is_empty() {
                return None;
            }
            let old = fs
                .iter()
                .map(|f| f.old.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let new = fs
                .iter()
                .map(|f| f.new.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Some((old, new))
        };
        let (kind, old, new) = match c.kind {
            ChangeKind::AmountChanged => {
                // A count or measure when no money amount changed.
                let (o, n) = facet("amount")
                    .or_else(|| facet("quantity"))
                    .unwrap_or_default();
                ("amount", Some(o), Some(n))
            }
            ChangeKind::CertaintyChanged => {
                // The level when it moved (stated → hedged), else the
                // markers removed and added.
                let level = facet("certainty");
                let markers = facet("markers");
                let (o, n) = level
                    .clone()
                    .or_else(|| markers.clone())
                    .unwrap_or_default();
                let none = |s: String| if s.is_empty() { "none".to_string() } else { s };
                let (o, n) = (none(o), none(n));
                // What made the difference, in brackets beside a level:
                // the markers ("reportedly", "in talks"), or, for changes
                // stored before markers existed, the changed words when
                // there are few enough to read at a glance.
                let cue = |kind: WordSpanKind, level_text: &str| -> String {
                    if level.is_none() {
                        return String::new();
                    }
                    let text = match &markers {
                        Some((mo, mn)) => {
                            if kind == WordSpanKind::Delete {
                                mo.clone()
                            } else {
                                mn.clone()
                            }
                        }
                        None => {
                            let words: Vec<&str> = c
                                .word_diff
                                .iter()
                                .filter(|w| w.kind == kind)
                                .map(|w| w.text.trim())
                                .filter(|w| !w.is_empty())
                                .collect();
                            let joined = words.join(" … ");
                            if joined.split_whitespace().count() <= 6 {
                                joined
                            } else {
                                String::new()
                            }
                        }
                    };
                    if text.is_empty() || text == "none" || text == level_text {
                        String::new()
                    } else {
                        format!(" ({text})")
                    }
                };
                (
                    "certainty",
                    Some(format!("{o}{}", cue(WordSpanKind::Delete, &o))),
                    Some(format!("{n}{}", cue(WordSpanKind::Insert, &n))),
                )
            }
            ChangeKind::AttributionChanged => {
                let (o, n) = facet("attribution").unwrap_or_default();
                let none = |s: String| if s.is_empty() { "none".to_string() } else { s };
                ("attribution", Some(none(o)), Some(none(n)))
            }
            ChangeKind::Added => ("claim", None, c.new.clone()),
            ChangeKind::Removed => ("claim", c.old.clone(), None),
            ChangeKind::Reworded => ("reworded", c.old.clone(), c.new.clone()),
            ChangeKind::Moved => ("moved", None, c.new.clone()),
        };
        let sentence = c.new.as_deref().or(c.old.as_deref()).unwrap_or("");
        let (label, summary) = match (c.kind, &old, &new) {
            (ChangeKind::Added, _, _) => ("claim added".to_string(), String::new()),
            (ChangeKind::Removed, _, _) => ("claim removed".to_string(), String::new()),
            (ChangeKind::Reworded, _, _) => ("claim reworded".to_string(), String::new()),
            (ChangeKind::Moved, _, _) => ("claim moved".to_string(), String::new()),
            (_, Some(o), Some(n)) => {
                // Every other facet that changed with it, e.g. an amount
                // that lost its "up to" while "in talks" became "will".
                let others: Vec<String> = c
                    .facets_changed
                    .iter()
                    .filter(|f| f.facet != kind && changes_what_it_says(f))
                    // Already in the label: the markers beside a certainty
                    // level, the quantities behind an amount.
                    .filter(|f| {
                        !(kind == "certainty" && f.facet == "markers"
                            || kind == "amount" && f.facet == "quantity")
                    })
                    .map(|f| {
                        let or_none = |v: &str| {
                            if v.is_empty() {
                                "none".to_string()
                            } else {
                                v.to_string()
                            }
                        };
                        format!("{} {} → {}", f.facet, or_none(&f.old), or_none(&f.new))
                    })
                    .collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!("; {}", others.join("; "))
                };
                (format!("{kind} {o} → {n}"), also)
            }
            _ => (kind.to_string(), String::new()),
        };
        let summary = format!("{label}{summary}: {sentence}");
        ClaimLine {
            kind: kind.to_string(),
            old,
            new,
            label,
            summary,
        }
    }
}

/// Whether a facet change alters what a claim says, so a reader should see
/// it beside the main change. A date or an entity that is merely mentioned
/// now (`date none → tuesday`) or no longer mentioned adds or drops a
/// detail; a date that moved, or an entity replaced by another, changes the
/// claim. Amounts, percentages, certainty and attribution always count.
fn changes_what_it_says(f: &FacetChange) -> bool {
    match f.facet.as_str() {
        "date" => !f.old.is_empty() && !f.new.is_empty(),
        "entities" => {
            let set = |s: &str| -> Vec<String> {
                s.split(", ")
                    .filter(|e| !e.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let (old, new) = (set(&f.old), set(&f.new));
            old.iter().any(|e| !new.contains(e)) && new.iter().any(|e| !old.contains(e))
        }
        _ => true,
    }
}

impl ReportedClaim {
    /// A claim change as reports carry it, worded by [`ClaimLine::of`].
    pub fn of(c: &ClaimChange) -> ReportedClaim {
        let line = ClaimLine::of(c);
        ReportedClaim {
            kind: line.kind,
            change_kind: c.kind.as_str().to_string(),
            significance: c.kind.significance(),
            old: line.old,
            new: line.new,
            label: line.label,
            summary: line.summary,
        }
    }

    /// "amount $50 billion → $40 billion", "certainty confirmed → reportedly".
    pub fn describe(&self) -> &str {
        &self.label
    }
}

/// The one-line summary of a stored change: its most significant claim
/// change (already ranked first), then the text summary. The same line as
/// [`headline`], from what the store reads back.
pub fn summary_line(claims: &[ReportedClaim], diff: &TextDiff) -> String {
    match claims.first() {
        Some(c) => format!("{}; {}", c.label, diff.summary()),
        None => diff.summary(),
    }
}

/// The word every report puts beside a change for its disclosure:
/// `silent`, `correction`, `update note`, `modified time`.
pub fn disclosure_tag(d: Disclosure) -> &'static str {
    match d {
        Disclosure::None => "silent",
        Disclosure::ModifiedTime => "modified time",
        Disclosure::UpdateNote => "update note",
        Disclosure::Correction => "correction",
        Disclosure::Unknown => "disclosure unknown",
    }
}

/// The notice as reports quote it: `notice: "Correction: …"`.
pub fn notice_line(notice: &str) -> String {
    format!("notice: \"{notice}\"")
}

/// A summary with its disclosure tag in front: `(silent) 1 sentence
/// edited`. A summary that carries its tag already (every summary stored
/// since changes were stored with their disclosure) is returned as it is,
/// so a summary read back from the store is never tagged twice.
pub fn tagged(summary: &str, d: Disclosure) -> String {
    let tag = format!("({}) ", disclosure_tag(d));
    if summary.starts_with(&tag) {
        summary.to_string()
    } else {
        format!("{tag}{summary}")
    }
}

/// A summary without its disclosure tag, for a page that shows the
/// disclosure beside it as a badge.
pub fn untagged(summary: &str, d: Disclosure) -> &str {
    summary
        .strip_prefix('(')
        .and_then(|s| s.strip_prefix(disclosure_tag(d)))
        .and_then(|s| s.strip_prefix(") "))
        .unwrap_or(summary)
}

/// The one-line summary of a change as it is stored (`changes.summary`)
/// and listed: its disclosure, its most significant claim change, then the
/// text summary: `(silent) amount $50 billion → $40 billion; 1 sentence
/// edited (+1/-1 words)`. The log line says the same words around the
/// versions: `version 1 -> 2 (silent): amount …`.
pub fn change_summary(claim_changes: &[ClaimChange], diff: &TextDiff, d: Disclosure) -> String {
    tagged(&headline(claim_changes, diff), d)
}

/// A summary with its disclosure: `(silent) 1 sentence edited`, and the
/// notice quoted on the next line when there is one.
pub fn with_disclosure(summary: &str, d: Disclosure, notice: Option<&str>) -> String {
    let mut out = tagged(summary, d);
    if let Some(n) = notice {
        out.push('\n');
        out.push_str(&notice_line(n));
    }
    out
}

/// Renders a diff as lines a person reads: the headline change first, then
/// each changed sentence (`~` edited with `[-old-]{+new+}` markers, `+`
/// added, `-` removed).
pub fn render_diff(diff: &TextDiff) -> String {
    let mut lines = Vec::new();
    if let Some(t) = &diff.title {
        lines.push(format!("headline: {}", compare::render_inline(&t.words)));
    }
    for edit in &diff.edits {
        lines.push(compare::render_edit(edit));
    }
    lines.join("\n")
}

/// Renders claim changes, one per line: `* amount $50 billion → $40 billion: <sentence>`.
pub fn render_claim_changes(changes: &[ClaimChange]) -> String {
    changes
        .iter()
        .map(|c| format!("* {}", ClaimLine::of(c).summary))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders a conflict: `investment amount: $50 billion (a, b) vs $40 billion (c)`.
pub fn render_conflict(c: &Conflict) -> String {
    let values: Vec<String> = c
        .values
        .iter()
        .map(|(v, outlets)| format!("{v} ({})", outlets.join(", ")))
        .collect();
    format!("{}: {}", c.fact, values.join(" vs "))
}

/// The claim changes first, then the text diff.
pub fn render_report(claim_changes: &[ClaimChange], diff: &TextDiff) -> String {
    let claims = render_claim_changes(claim_changes);
    let text = render_diff(diff);
    match (claims.is_empty(), text.is_empty()) {
        (true, _) => text,
        (false, true) => claims,
        (false, false) => format!("{claims}\n{text}"),
    }
}

/// The one-line summary: the most significant claim change, then the text
/// summary.
pub fn headline(claim_changes: &[ClaimChange], diff: &TextDiff) -> String {
    match claim_changes.first() {
        Some(c) => format!("{}; {}", ClaimLine::of(c).label, diff.summary()),
        None => diff.summary(),
    }
}

/// Words a page's return to an earlier version (a headline A/B test, or an
/// edit undone): `headline alternates between "A" (version 1) and "B"
/// (version 2)`, or `content alternates between versions 1 and 2` when the
/// headlines are the same.
pub fn alternation(
    to: i64,
    to_title: Option<&str>,
    latest: i64,
    latest_title: Option<&str>,
) -> String {
    match (to_title, latest_title) {
        (a, b) if a != b => format!(
            "headline alternates between \"{}\" (version {to}) and \"{}\" (version {latest})",
            a.unwrap_or(""),
            b.unwrap_or("")
        ),
        _ => format!("content alternates between versions {to} and {latest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certainty_label_names_the_markers_once() {
        let old = "Amazon has committed $40 billion to OpenAI.";
        let new = "Amazon has reportedly committed $40 billion to OpenAI.";
        let facet = |facet: &str, old: &str, new: &str| FacetChange {
            facet: facet.into(),
            old: old.into(),
            new: new.into(),
        };
        let c = ClaimChange {
            kind: ChangeKind::CertaintyChanged,
            old: Some(old.into()),
            new: Some(new.into()),
            old_sentence: Some(0),
            new_sentence: Some(0),
            word_diff: crate::core::compare::word_diff(old, new),
            facets_changed: vec![
                facet("certainty", "stated", "hedged"),
                facet("markers", "", "reportedly"),
            ],
            key: None,
        };
        let line = ClaimLine::of(&c);
        assert_eq!(line.label, "certainty stated → hedged (reportedly)");
        assert_eq!(
            line.summary,
            format!("certainty stated → hedged (reportedly): {new}")
        );
        // The level stays hedged: the markers are the change.
        let same_level = ClaimChange {
            facets_changed: vec![facet("markers", "", "allegedly")],
            ..c
        };
        assert_eq!(
            ClaimLine::of(&same_level).label,
            "certainty none → allegedly"
        );
    }

    #[test]
    fn an_alternation_names_both_headlines_or_both_versions() {
        assert_eq!(
            alternation(1, Some("A"), 2, Some("B")),
            "headline alternates between \"A\" (version 1) and \"B\" (version 2)"
        );
        assert_eq!(
            alternation(1, Some("A"), 3, Some("A")),
            "content alternates between versions 1 and 3"
        );
    }

    use crate::core::claims::{ChangeKind, FacetChange};

    fn amount_change() -> ClaimChange {
        ClaimChange {
            kind: ChangeKind::AmountChanged,
            old: Some("Amazon will invest $50 billion.".into()),
            new: Some("Amazon will invest $40 billion.".into()),
            old_sentence: Some(0),
            new_sentence: Some(0),
            word_diff: crate::core::compare::word_diff(
                "Amazon will invest $50 billion.",
                "Amazon will invest $40 billion.",
            ),
            facets_changed: vec![FacetChange {
                facet: "amount".into(),
                old: "$50 billion".into(),
                new: "$40 billion".into(),
            }],
            key: None,
        }
    }

    /// Regression: summaries listed `date none → tuesday`, which a reader
    /// takes for a change of the claim.
    #[test]
    fn only_facet_changes_that_change_the_claim_are_listed() {
        let mut c = amount_change();
        let facet = |facet: &str, old: &str, new: &str| FacetChange {
            facet: facet.into(),
            old: old.into(),
            new: new.into(),
        };
        c.facets_changed.extend([
            facet("date", "", "tuesday"),
            facet("entities", "Amazon, OpenAI", "Amazon, OpenAI, Microsoft"),
            facet("certainty", "hedged", "stated"),
        ]);
        let line = ClaimLine::of(&c);
        assert_eq!(
            line.summary,
            "amount $50 billion → $40 billion; certainty hedged → stated: Amazon will invest $40 billion."
        );
        c.facets_changed.extend([
            facet("date", "monday", "tuesday"),
            facet("entities", "Amazon, OpenAI", "Amazon, Microsoft"),
        ]);
        let line = ClaimLine::of(&c);
        assert!(
            line.summary.contains("; date monday → tuesday"),
            "{}",
            line.summary
        );
        assert!(
            line.summary
                .contains("; entities Amazon, OpenAI → Amazon, Microsoft"),
            "{}",
            line.summary
        );
        assert!(!line.summary.contains("none → tuesday"), "{}", line.summary);
    }

    #[test]
    fn a_summary_carries_its_disclosure_once() {
        let diff = crate::core::compare::compare(
            "Amazon will invest $50 billion.",
            "Amazon will invest $40 billion.",
        );
        let stored = change_summary(&[amount_change()], &diff, Disclosure::None);
        assert_eq!(
            stored,
            "(silent) amount $50 billion → $40 billion; 1 sentence edited (+1/-1 words)"
        );
        // Read back and shown again: tagged once, the notice below it.
        assert_eq!(tagged(&stored, Disclosure::None), stored);
        assert_eq!(with_disclosure(&stored, Disclosure::None, None), stored);
        let corrected = change_summary(&[], &diff, Disclosure::Correction);
        assert_eq!(
            with_disclosure(&corrected, Disclosure::Correction, Some("Correction: x.")),
            "(correction) 1 sentence edited (+1/-1 words)\nnotice: \"Correction: x.\""
        );
        // A summary stored before disclosures were kept gains its tag.
        assert_eq!(
            tagged("1 sentence edited", Disclosure::Unknown),
            "(disclosure unknown) 1 sentence edited"
        );
        // Beside a badge, without it.
        assert_eq!(
            untagged(&stored, Disclosure::None),
            "amount $50 billion → $40 billion; 1 sentence edited (+1/-1 words)"
        );
        assert_eq!(
            untagged("1 sentence edited", Disclosure::None),
            "1 sentence edited"
        );
        assert_eq!(untagged(&stored, Disclosure::Correction), stored);
    }

    #[test]
    fn the_report_leads_with_claim_changes_then_the_text() {
        let diff = crate::core::compare::compare(
            "Amazon will invest $50 billion.",
            "Amazon will invest $40 billion.",
        );
        let report = render_report(&[amount_change()], &diff);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines[0],
            "* amount $50 billion → $40 billion: Amazon will invest $40 billion."
        );
        assert_eq!(lines[1], "~ Amazon will invest [-$50-]{+$40+} billion.");
        assert_eq!(
            headline(&[amount_change()], &diff),
            "amount $50 billion → $40 billion; 1 sentence edited (+1/-1 words)"
        );
        assert_eq!(headline(&[], &diff), "1 sentence edited (+1/-1 words)");
    }
}
