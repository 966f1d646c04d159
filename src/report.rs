//! Reporting what a check found to the log: one structured tracing event per
//! change, with the changed sentences and word-level markers.

use crate::compare::{self, TextDiff};
use crate::pipeline::Outcome;
use crate::store::Stored;

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

/// Emits the log event for one check.
pub fn log_outcome(o: &Outcome) {
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
                changes = %format_args!("\n{}", render_diff(diff)),
                "{}: version {} -> {}: {}",
                o.source,
                number - 1,
                number,
                diff.summary(),
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
