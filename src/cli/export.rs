//! `claimwatch export html`: one self-contained HTML page for an article or
//! for the whole story — what each outlet says now, the conflicts between
//! outlets, a timeline of versions, and every change as the engine found
//! and stored it: whether the outlet disclosed it (a badge, and the notice
//! quoted), its claim changes (most significant first), the story facts it
//! revised, the conflicts it started, and its inserted and deleted words.
//!
//! Architecture invariants: the page needs nothing but itself (inline CSS,
//! no script, no image, a Content-Security-Policy that forbids loading
//! anything); it is written with `maud`, which escapes every interpolated
//! value unless it is explicitly marked `PreEscaped` (only the constant
//! style sheet is), so a hostile headline can never become markup; and it
//! words nothing itself: the words of a change come from the store, as the
//! log, the email and `claimwatch changes` show them.

use crate::cli::error::CmdResult;
use std::path::Path;

use anyhow::Context;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rusqlite::Connection;

use crate::cli::chart;
use crate::cli::config::Config;
use crate::core::change::ReportedClaim;
use crate::core::claims::{Conflict, Revision};
use crate::core::compare::{Edit, SpanKind, WordSpan};
use crate::core::story_chart::FactChart;
use crate::core::wording::{notice_line, render_conflict, untagged};
use crate::service::email::render::disclosure_badge;
use crate::store::query::{self, ChangeRow, DocumentRow, QueryError, VersionDetail, VersionRow};

/// Everything the page shows about one document.
struct DocPage {
    doc: DocumentRow,
    versions: Vec<VersionRow>,
    changes: Vec<ChangeRow>,
    latest: Option<VersionDetail>,
    /// The story facts its latest version states: `(fact, value)`.
    facts: Vec<(String, String)>,
}

/// Renders the page for one document, or for every document of the story
/// when `target` is `None`. `generated_at` is printed in the footer.
pub fn render(
    conn: &Connection,
    target: Option<&DocumentRow>,
    story: &str,
    generated_at: &str,
) -> Result<String, QueryError> {
    let docs: Vec<DocumentRow> = match target {
        Some(d) => vec![d.clone()],
        None => query::documents(conn, None)?
            .into_iter()
            .map(|d| DocumentRow {
                id: d.document_id,
                source: d.source,
                url: d.url,
            })
            .collect(),
    };
    let mut pages = Vec::new();
    for doc in docs {
        let versions = query::history(conn, Some(doc.id))?;
        let changes = query::changes_since(conn, "", Some(doc.id))?;
        let (latest, facts) = match versions.last() {
            Some(v) => (
                Some(query::version_detail(conn, v.version_id)?),
                crate::store::claims::facts_of_version(conn, v.version_id)?,
            ),
            None => (None, Vec::new()),
        };
        pages.push(DocPage {
            doc,
            versions,
            changes,
            latest,
            facts,
        });
    }
    let conflicts = match target {
        Some(_) => Vec::new(),
        None => crate::store::claims::current_conflicts(conn)?,
    };
    // The picture of the story's facts: on the story page, over every
    // outlet, its time axis closed when the page is generated.
    let charts = match target {
        Some(_) => Vec::new(),
        None => crate::core::story_chart::layout(&query::facts::fact_points(conn)?, generated_at),
    };
    let title = match target {
        Some(d) => format!("{} — {}", d.source, story),
        None => story.to_string(),
    };
    Ok(page(&title, story, &pages, &conflicts, &charts, generated_at).into_string())
}

/// `claimwatch export html [TARGET] -o FILE` (`-` for standard output).
pub fn html_command(config: &Config, target: Option<&str>, output: &Path) -> CmdResult<u8> {
    let conn = crate::cli::query::open_db(config)?;
    let doc = target.map(|t| query::find_document(&conn, t)).transpose()?;
    let now = crate::store::timestamp(chrono::Utc::now());
    let html = render(&conn, doc.as_ref(), &config.story.name, &now)?;
    write_output(output, &html)
}

/// `claimwatch export atom -o FILE` (`-` for standard output).
pub fn atom_command(config: &Config, output: &Path) -> CmdResult<u8> {
    let conn = crate::cli::query::open_db(config)?;
    let now = crate::store::timestamp(chrono::Utc::now());
    let feed = crate::service::atom::feed(&conn, &config.story.name, &now)?;
    write_output(output, &feed)
}

/// Writes an export to `output` (`-`: standard output), beside the target
/// and renamed, so a reader never sees half a file.
pub(crate) fn write_output(output: &Path, contents: &str) -> CmdResult<u8> {
    if output.as_os_str() == "-" {
        return crate::cli::query::emit(contents);
    }
    crate::service::atom::write_atomically(output, contents.as_bytes())
        .with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!("wrote {} ({} bytes)", output.display(), contents.len());
    Ok(crate::cli::error::exit::OK)
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
       max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.meta, footer, time { color: #5a5a5a; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
ol.timeline { padding-left: 1.4rem; }
ol.timeline li { margin: .25rem 0; }
.change { border-left: 4px solid #c9c9c9; padding: .1rem 0 .1rem 1rem; margin: 1rem 0; }
.edit { margin: .35rem 0; }
.tag { display: inline-block; min-width: 4.5rem; font-size: .75rem; text-transform: uppercase;
       letter-spacing: .04em; color: #5a5a5a; }
ins { background: #ccf5d3; color: #0b4a17; text-decoration: none; border-radius: 2px; padding: 0 1px; }
del { background: #ffd6d3; color: #8a1020; text-decoration: line-through; border-radius: 2px; padding: 0 1px; }
del + ins { margin-left: .2em; }
td time { white-space: nowrap; }
ul.callouts { list-style: none; padding: .5rem .8rem; margin: .5rem 0; background: #fff6d6;
              border: 1px solid #ecd17a; border-radius: 4px; }
ul.callouts li { margin: .2rem 0; }
ul.callouts .why { color: #5a5a5a; font-size: .9rem; }
ul.conflicts { padding: .5rem .8rem .5rem 1.8rem; background: #fdecea; border: 1px solid #f1aeb5;
               border-radius: 4px; }
.amount { font-weight: 600; }
details { margin: 1rem 0; }
details p { margin: .5rem 0; }
figure.fact-chart { margin: 1rem 0; }
figure.fact-chart figcaption { font-weight: 600; margin-bottom: .2rem; }
#story-picture span.silent { color: #c0392b; }
#story-picture span.disclosed { color: #1e7b34; }
"#;

fn page(
    title: &str,
    story: &str,
    pages: &[DocPage],
    conflicts: &[Conflict],
    charts: &[FactChart],
    generated_at: &str,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // Nothing may load: the page is a record, and opening it
                // must not tell anyone it was opened.
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                meta name="referrer" content="no-referrer";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (title) }
                    p.meta {
                        "How the coverage of “" (story) "” changed: "
                        (pages.len()) " article(s), "
                        (pages.iter().map(|p| p.versions.len()).sum::<usize>()) " version(s), "
                        (pages.iter().map(|p| p.changes.len()).sum::<usize>()) " change(s)."
                    }
                }
                @if pages.len() > 1 {
                    (overview(pages, conflicts))
                }
                (chart::section(charts))
                @for p in pages {
                    (document(p))
                }
                footer {
                    p {
                        "Generated by claimwatch at " (time(generated_at))
                        ". Inserted words are " ins { "marked like this" }
                        ", deleted words " del { "like this" } "."
                    }
                }
            }
        }
    }
}

/// The top of a story page: what each outlet says now, and where outlets
/// disagree.
fn overview(pages: &[DocPage], conflicts: &[Conflict]) -> Markup {
    html! {
        section #overview {
            h2 { "What each outlet says now" }
            table {
                tr { th { "Outlet" } th { "Latest headline" } th { "Story facts in the latest version" } th { "Versions" } th { "Last changed" } }
                @for p in pages {
                    tr {
                        td { a href={ "#doc-" (p.doc.id) } { (p.doc.source) } }
                        td {
                            @match &p.latest {
                                Some(v) => (v.title.as_deref().unwrap_or("")),
                                None => "(no version yet)",
                            }
                        }
                        td {
                            @for (i, (fact, value)) in p.facts.iter().enumerate() {
                                @if i > 0 { ", " }
                                (fact) ": " span.amount { (value) }
                            }
                        }
                        td { (p.versions.len()) }
                        td {
                            @match p.changes.last() {
                                Some(c) => (time(&c.detected_at)),
                                None => "never",
                            }
                        }
                    }
                }
            }
            @if !conflicts.is_empty() {
                h3 { "Where outlets disagree now" }
                ul.conflicts {
                    @for c in conflicts { li { (render_conflict(c)) } }
                }
            }
        }
    }
}

fn document(p: &DocPage) -> Markup {
    let canonical = p
        .latest
        .as_ref()
        .and_then(|v| v.canonical_url.as_deref())
        .filter(|c| *c != p.doc.url);
    html! {
        section.document id={ "doc-" (p.doc.id) } {
            h2 { (p.doc.source) }
            p.meta {
                "Original: " (link(&p.doc.url))
                @if let Some(c) = canonical { " · canonical: " (link(c)) }
            }
            @if p.versions.is_empty() {
                p { "No version stored yet." }
            } @else {
                h3 { "Timeline" }
                ol.timeline {
                    @for v in &p.versions {
                        li {
                            (time(&v.fetched_at)) " · version " (v.version)
                            " · “" (v.title.as_deref().unwrap_or("(no headline)")) "”"
                            @match p.changes.iter().find(|c| c.to_version == v.version) {
                                Some(c) => { " — " a href={ "#change-" (c.change_id) } { (c.summary) } }
                                None => { @if v.version == 1 { " — first version" } }
                            }
                        }
                    }
                }
                @for c in &p.changes { (change(c)) }
                @if let Some(v) = &p.latest {
                    details {
                        summary { "Full text of the latest version (" (v.version) ", fetched " (time(&v.fetched_at)) ")" }
                        p { strong { (v.title.as_deref().unwrap_or("(no headline)")) } }
                        @for para in v.text.split("\n\n").filter(|s| !s.trim().is_empty()) {
                            p { (para) }
                        }
                    }
                }
            }
        }
    }
}

fn change(c: &ChangeRow) -> Markup {
    html! {
        article.change id={ "change-" (c.change_id) } {
            h3 { "Version " (c.from_version) " → " (c.to_version) " · " (time(&c.detected_at)) }
            p.meta { (disclosure_badge(c.disclosure)) " " (untagged(&c.summary, c.disclosure)) }
            @if let Some(n) = &c.notice {
                blockquote.notice { (notice_line(n)) }
            }
            @if !c.claim_changes.is_empty() || !c.revisions.is_empty() || !c.conflicts.is_empty() {
                ul.callouts {
                    @for cc in &c.claim_changes { li.claim { (claim(cc)) } }
                    @for r in &c.revisions { li.revision { (revision(r)) } }
                    @for x in &c.conflicts { li.conflict { "Outlets disagree on " (render_conflict(x)) } }
                }
            }
            @if let Some(t) = &c.diff.title {
                p.edit.headline { span.tag { "headline" } " " (words(&t.words)) }
            }
            @for e in &c.diff.edits {
                @match e {
                    Edit::Replace { words: w, .. } => p.edit.edited { span.tag { "edited" } " " (words(w)) },
                    Edit::Insert { text, .. } => p.edit.added { span.tag { "added" } " " ins { (text) } },
                    Edit::Delete { text, .. } => p.edit.removed { span.tag { "removed" } " " del { (text) } },
                }
            }
        }
    }
}

/// A claim change as the engine worded it: its kind, the old and new
/// value marked, and the rest of its summary (other facets, the sentence).
fn claim(c: &ReportedClaim) -> Markup {
    let rest = c.summary.strip_prefix(c.label.as_str()).unwrap_or("");
    html! {
        span.tag { (c.kind) }
        " "
        @match (&c.old, &c.new) {
            (Some(o), Some(n)) => { del { (o) } " → " ins { (n) } }
            // "claim added" under the tag "claim": "added".
            _ => (c.label.strip_prefix(c.kind.as_str()).map_or(c.label.as_str(), str::trim)),
        }
        @if !rest.is_empty() { " " span.why { (rest.trim_start_matches([';', ':', ' '])) } }
    }
}

/// A story fact this outlet revised.
fn revision(r: &Revision) -> Markup {
    html! {
        span.tag { "revised" } " " (r.fact) ": "
        del { (r.old.as_deref().unwrap_or("(not stated)")) }
        " → "
        ins { (r.new.as_deref().unwrap_or("(not stated)")) }
    }
}

/// A stored time as a `<time>` element: the exact value for machines, a
/// shorter "2026-11-26 12:51:10 UTC" for people.
fn time(t: &str) -> Markup {
    let short = match t.split_once('T') {
        Some((date, rest)) => {
            let clock = rest.split(['.', 'Z', '+']).next().unwrap_or(rest);
            format!("{date} {clock} UTC")
        }
        None => t.to_string(),
    };
    html! { time datetime=(t) { (short) } }
}

/// A word diff: `<del>` for deleted words, `<ins>` for inserted.
fn words(spans: &[WordSpan]) -> Markup {
    html! {
        @for w in spans {
            @match w.kind {
                SpanKind::Equal => (w.text),
                SpanKind::Delete => del { (w.text) },
                SpanKind::Insert => ins { (w.text) },
            }
        }
    }
}

/// A link to an original page; anything but http(s) is shown as text, so a
/// stored `javascript:` URL can never become a live link.
fn link(url: &str) -> Markup {
    let lower = url.to_ascii_lowercase();
    html! {
        @if lower.starts_with("http://") || lower.starts_with("https://") {
            a href=(url) rel="noopener noreferrer" { (url) }
        } @else {
            (url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_text_are_escaped_and_only_web_links_are_live() {
        assert_eq!(
            link("javascript:alert(1)").into_string(),
            "javascript:alert(1)"
        );
        assert!(
            link("https://e.com/?a=1&b=\"2\"")
                .into_string()
                .contains("href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\"")
        );
        let w = words(&[WordSpan {
            kind: SpanKind::Insert,
            text: "<script>".into(),
        }]);
        assert_eq!(w.into_string(), "<ins>&lt;script&gt;</ins>");
    }
}
