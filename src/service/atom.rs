//! Files the daemon and the CLI write for readers: the Atom feed of
//! changes (RFC 4287), and the atomic write every export uses.
//!
//! One entry per stored change, newest first: titled by the outlet and its
//! most significant claim change, the stored summary as the entry summary,
//! and the claim changes and word diff as HTML content (inline styles, as
//! in the email: feed readers drop style sheets). Entry ids are derived
//! from the document URL and the version number, so they stay the same
//! across rewrites of the feed and across rebuilt databases.

use std::io::Write as _;
use std::path::Path;

use maud::{Markup, html};
use rusqlite::Connection;

use crate::service::email::render::{claim_html, diff_html};
use crate::store::query::{self, ChangeRow, QueryError};

/// Why the feed file could not be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("cannot read the changes for the feed: {0}")]
    Query(#[from] QueryError),
    #[error("cannot write the feed {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Rewrites the feed file at `path` from the store, atomically. Blocking.
pub fn rewrite(conn: &Connection, path: &Path, story: &str) -> Result<(), FeedError> {
    let now = crate::store::timestamp(chrono::Utc::now());
    let text = feed(conn, story, &now)?;
    write_atomically(path, text.as_bytes()).map_err(|source| FeedError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The most entries a feed carries: feed readers keep what they have seen.
pub const MAX_ENTRIES: usize = 200;

/// A stable id: the same thing always gets the same id.
fn urn(kind: &str, key: &str) -> String {
    let hash = blake3::hash(key.as_bytes()).to_hex();
    format!("urn:claimwatch:{kind}:{}", &hash.as_str()[..24])
}

/// The Atom feed of the newest changes of the story.
pub fn feed(conn: &Connection, story: &str, generated_at: &str) -> Result<String, QueryError> {
    let mut changes = query::changes_since(conn, "", None)?;
    changes.reverse();
    changes.truncate(MAX_ENTRIES);
    let updated = changes
        .first()
        .map_or(generated_at, |c| c.detected_at.as_str());
    // maud escapes every value as XML needs (& < > "); empty elements are
    // written with an end tag, which XML accepts.
    let doc = html! {
        feed xmlns="http://www.w3.org/2005/Atom" {
            id { (urn("story", story)) }
            title { "claimwatch: " (story) }
            subtitle { "How the coverage of “" (story) "” changed" }
            updated { (updated) }
            author { name { "claimwatch" } }
            generator version=(env!("CARGO_PKG_VERSION")) { "claimwatch" }
            @for c in &changes { (entry(c)) }
        }
    };
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}\n",
        doc.into_string()
    ))
}

/// The title of a change's entry: the outlet and the most significant
/// claim change, else the summary.
pub fn entry_title(c: &ChangeRow) -> String {
    let lead = c
        .claim_changes
        .first()
        .map_or(c.summary.as_str(), |cc| cc.label.as_str());
    format!("{}: {lead}", c.source)
}

fn entry(c: &ChangeRow) -> Markup {
    let web = c.url.starts_with("http://") || c.url.starts_with("https://");
    let content = html! {
        p { (c.summary) }
        @if !c.claim_changes.is_empty() {
            ul { @for cc in &c.claim_changes { li { (claim_html(cc)) } } }
        }
        @for r in &c.revisions {
            p { "Revised " (r.fact) ": " (r.old.as_deref().unwrap_or("(not stated)")) " → " (r.new.as_deref().unwrap_or("(not stated)")) }
        }
        @for x in &c.conflicts {
            p { "Outlets disagree on " (crate::core::wording::render_conflict(x)) }
        }
        (diff_html(&c.diff))
    };
    html! {
        entry {
            id { (urn("change", &format!("{}#{}", c.url, c.to_version))) }
            title { (entry_title(c)) }
            updated { (c.detected_at) }
            @if web { link rel="alternate" href=(c.url) {} }
            summary { (c.summary) }
            content type="html" { (content.into_string()) }
        }
    }
}

/// Writes `contents` to `path` so that a reader sees the old file or the
/// new one, never half of one: a temporary file beside it, flushed to disk,
/// then renamed over it.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
