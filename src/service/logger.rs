//! Reporting what a check found to the log: one structured tracing event per
//! change, leading with the claim changes (most significant first), then the
//! changed sentences with word-level markers; and one event per conflict
//! between outlets.

use crate::core::claims::{ClaimChange, Conflict};
use crate::core::compare::{self, TextDiff};
use crate::service::pipeline::Outcome;
use crate::store::Stored;
use crate::store::claims::ClaimLine;

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

/// Emits the log event for one check.
pub fn log_outcome(o: &Outcome) {
    log_fact_events(o);
    match &o.stored {
        Stored::Changed { number, .. } => {
            let Some(diff) = &o.diff else { return };
            tracing::info!(
                target: "claimwatch::change",
                source = %o.source,
                url = %o.url,
                from_version = number - 1,
                to_version = number,
                approximate = diff.approximate,
                claim_changes = o.claim_changes.len(),
                changes = %format_args!("\n{}", render_report(&o.claim_changes, diff)),
                "{}: version {} -> {}: {}",
                o.source,
                number - 1,
                number,
                headline(&o.claim_changes, diff),
            );
        }
        Stored::New { number, .. } => tracing::info!(
            source = %o.source,
            url = %o.url,
            version = number,
            title = o.title.as_deref().unwrap_or(""),
            "{}: first version stored",
            o.source
        ),
        Stored::Failed => tracing::warn!(
            source = %o.source,
            url = %o.url,
            status = o.http_status,
            reason = o.reason.as_deref().unwrap_or(""),
            "{}: check failed: {}",
            o.source,
            o.reason.as_deref().unwrap_or("")
        ),
        Stored::Unchanged => tracing::debug!(source = %o.source, url = %o.url, "unchanged"),
        Stored::NotModified => tracing::debug!(source = %o.source, url = %o.url, "not modified"),
    }
}

/// The claim changes first, then the text diff.
fn render_report(claim_changes: &[ClaimChange], diff: &TextDiff) -> String {
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
fn headline(claim_changes: &[ClaimChange], diff: &TextDiff) -> String {
    match claim_changes.first() {
        Some(c) => format!("{}; {}", ClaimLine::of(c).label, diff.summary()),
        None => diff.summary(),
    }
}

/// Emits one warning per conflict between outlets and one event per fact
/// an outlet revised.
pub fn log_fact_events(o: &Outcome) {
    for r in &o.revisions {
        tracing::info!(
            target: "claimwatch::fact",
            source = %o.source,
            url = %o.url,
            fact = %r.fact,
            old = r.old.as_deref().unwrap_or("(not stated)"),
            new = r.new.as_deref().unwrap_or("(not stated)"),
            "{}: revised {}: {} → {}",
            o.source,
            r.fact,
            r.old.as_deref().unwrap_or("(not stated)"),
            r.new.as_deref().unwrap_or("(not stated)")
        );
    }
    for c in &o.conflicts {
        tracing::warn!(
            target: "claimwatch::conflict",
            fact = %c.fact,
            source = %o.source,
            "outlets disagree on {}",
            render_conflict(c)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
