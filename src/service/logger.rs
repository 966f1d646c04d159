//! Reporting what a check found to the log: one structured tracing event per
//! change, leading with the claim changes (most significant first), then the
//! changed sentences with word-level markers; and one event per conflict
//! between outlets.

use crate::core::claims::{ClaimChange, Conflict, Revision};
use crate::core::compare::TextDiff;
use crate::core::disclosure::Disclosure;
use crate::core::wording::{disclosure_tag, headline, notice_line, render_conflict, render_report};
use crate::store::Stored;

/// What one check did, for reports and callers.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub source: String,
    pub url: String,
    pub stored: Stored,
    pub http_status: Option<u16>,
    /// Why the check failed, for `Stored::Failed`.
    pub reason: Option<String>,
    /// The headline of the new version, when one was stored.
    pub title: Option<String>,
    /// The change from the previous version, for `Stored::Changed`.
    pub diff: Option<TextDiff>,
    /// Claim changes since the previous version, most significant first.
    pub claim_changes: Vec<ClaimChange>,
    /// Story facts whose value this outlet changed.
    pub revisions: Vec<Revision>,
    /// Disagreements between outlets first seen with this version.
    pub conflicts: Vec<Conflict>,
    /// How the page disclosed the change, and the notice's text.
    pub disclosure: Disclosure,
    pub notice: Option<String>,
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
                disclosure = o.disclosure.as_str(),
                notice = o.notice.as_deref().unwrap_or(""),
                changes = %format_args!(
                    "\n{}{}",
                    o.notice.as_deref().map(|n| notice_line(n) + "\n").unwrap_or_default(),
                    render_report(&o.claim_changes, diff)
                ),
                "{}: version {} -> {} ({}): {}",
                o.source,
                number - 1,
                number,
                disclosure_tag(o.disclosure),
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
        Stored::Discarded => tracing::debug!(
            source = %o.source,
            url = %o.url,
            "unchanged: a version was stored since this check began; its result is discarded"
        ),
        // Reported once; while the page keeps alternating, it is quiet.
        Stored::Returned { to, latest, first } => {
            let what = o.reason.as_deref().unwrap_or("");
            if *first {
                tracing::info!(
                    target: "claimwatch::change",
                    source = %o.source,
                    url = %o.url,
                    returns_to = to,
                    latest,
                    "{}: {what} (reported once while it goes on)",
                    o.source
                );
            } else {
                tracing::debug!(source = %o.source, url = %o.url, returns_to = to, "{what}");
            }
        }
        Stored::NotModified => tracing::debug!(source = %o.source, url = %o.url, "not modified"),
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
