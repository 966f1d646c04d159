//! Files the daemon and the CLI write for readers: the Atom feed of
//! changes (RFC 4287), and the atomic write every export uses.
//!
//! One entry per stored change, newest first: titled by the outlet, its
//! disclosure (`(silent)`, as in the log) and its most significant claim
//! change, the stored summary as the entry summary, and the notice, the
//! claim changes and word diff as HTML content (inline styles, as
//! in the email: feed readers drop style sheets). Entry ids are derived
//! from the document URL and the version number, so they stay the same
//! across rewrites of the feed and across rebuilt databases.

use std::io::Write as _;
use std::path::Path;

use maud::{Markup, html};
use rusqlite::Connection;

use crate::core::wording::{disclosure_tag, notice_line, untagged};
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

/// The title of a change's entry: the outlet, its disclosure as the log
/// tags it, and the most significant claim change, else the summary:
/// `techwire-daily (silent): amount $50 billion → $40 billion`.
pub fn entry_title(c: &ChangeRow) -> String {
    let lead = c.claim_changes.first().map_or_else(
        || untagged(&c.summary, c.disclosure),
        |cc| cc.label.as_str(),
    );
    format!("{} ({}): {lead}", c.source, disclosure_tag(c.disclosure))
}

fn entry(c: &ChangeRow) -> Markup {
    let web = c.url.starts_with("http://") || c.url.starts_with("https://");
    let content = html! {
        p { (c.summary) }
        @if let Some(n) = &c.notice {
            blockquote { (notice_line(n)) }
        }
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
/// new one, never half of one: a temporary file beside it with a name of
/// its own (two writers of one path, the daemon and `export atom`, never
/// share one), flushed to disk, then renamed over it.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A feed is for readers: the mode a plain file would get.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut f = builder.tempfile_in(dir)?;
    f.write_all(contents)?;
    f.as_file().sync_all()?;
    // On failure the temporary file is removed when dropped.
    f.persist(path).map(drop).map_err(|e| e.error)
}

#[cfg(test)]
mod write_tests {
    use super::*;

    #[test]
    fn concurrent_writers_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        let writers: Vec<_> = (0..8)
            .map(|n| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let body = format!("<feed>{}</feed>", n.to_string().repeat(50_000));
                    for _ in 0..20 {
                        write_atomically(&path, body.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        // Whole, from one writer, and no temporary file left behind.
        let got = std::fs::read_to_string(&path).unwrap();
        let digit = &got[6..7];
        assert_eq!(got, format!("<feed>{}</feed>", digit.repeat(50_000)));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("feed.xml")]);
    }
}
