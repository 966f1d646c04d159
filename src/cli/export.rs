//! `claimwatch export html`: one self-contained HTML page for an article or
//! for the whole story — a timeline of versions, every change with its
//! inserted and deleted words highlighted, changed amounts and hedges called
//! out, and links to the original.
//!
//! Architecture invariants: the page needs nothing but itself (inline CSS,
//! no script, no image, a Content-Security-Policy that forbids loading
//! anything), and every piece of text that came from a fetched page is
//! escaped before it is written, so a hostile headline can never become
//! markup.

use crate::cli::error::CmdResult;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::Context;
use regex::Regex;
use rusqlite::Connection;

use crate::cli::config::Config;
use crate::core::compare::{Edit, SpanKind, TextDiff, WordSpan};
use crate::store::query::{self, ChangeRow, DocumentRow, QueryError, VersionDetail, VersionRow};

/// Everything the page shows about one document.
struct DocPage {
    doc: DocumentRow,
    versions: Vec<VersionRow>,
    changes: Vec<ChangeRow>,
    latest: Option<VersionDetail>,
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
        let latest = match versions.last() {
            Some(v) => Some(query::version_detail(conn, v.version_id)?),
            None => None,
        };
        pages.push(DocPage {
            doc,
            versions,
            changes,
            latest,
        });
    }
    let title = match target {
        Some(d) => format!("{} — {}", d.source, story),
        None => story.to_string(),
    };
    Ok(page(&title, story, &pages, generated_at))
}

/// `claimwatch export html [TARGET] -o FILE` (`-` for standard output).
pub fn html_command(config: &Config, target: Option<&str>, output: &Path) -> CmdResult<u8> {
    let conn = crate::cli::query::open_db(config)?;
    let doc = target.map(|t| query::find_document(&conn, t)).transpose()?;
    let now = crate::store::timestamp(chrono::Utc::now());
    let html = render(&conn, doc.as_ref(), &config.story.name, &now)?;
    if output.as_os_str() == "-" {
        return crate::cli::query::emit(&html);
    }
    // Written beside the target and renamed, so a reader never sees half a page.
    let tmp = output.with_extension("html.partial");
    std::fs::write(&tmp, &html).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, output).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!("wrote {} ({} bytes)", output.display(), html.len());
    Ok(crate::cli::exit::OK)
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
ul.callouts li::before { content: "⚑ "; color: #9a6b00; }
.amount { font-weight: 600; }
details { margin: 1rem 0; }
details p { margin: .5rem 0; }
"#;

fn page(title: &str, story: &str, pages: &[DocPage], generated_at: &str) -> String {
    let mut h = String::with_capacity(16 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may load: the page is a record, and opening it must not tell
    // anyone it was opened.
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    h.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    h.push_str(&format!("<title>{}</title>\n", esc(title)));
    h.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
    h.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">How the coverage of “{}” changed: {} article(s), {} version(s), {} change(s).</p>\n</header>\n",
        esc(title),
        esc(story),
        pages.len(),
        pages.iter().map(|p| p.versions.len()).sum::<usize>(),
        pages.iter().map(|p| p.changes.len()).sum::<usize>(),
    ));
    if pages.len() > 1 {
        overview(&mut h, pages);
    }
    for p in pages {
        document(&mut h, p);
    }
    h.push_str(&format!(
        "<footer>\n<p>Generated by claimwatch at {}. Inserted words are <ins>marked like this</ins>, deleted words <del>like this</del>.</p>\n</footer>\n</body>\n</html>\n",
        time(generated_at)
    ));
    h
}

/// The table at the top of a story page: what each outlet says now.
fn overview(h: &mut String, pages: &[DocPage]) {
    h.push_str("<section id=\"overview\">\n<h2>What each outlet says now</h2>\n<table>\n");
    h.push_str("<tr><th>Outlet</th><th>Latest headline</th><th>Amounts in the latest version</th><th>Versions</th><th>Last changed</th></tr>\n");
    for p in pages {
        let (headline, amounts) = match &p.latest {
            Some(v) => {
                let mut all = amounts(v.title.as_deref().unwrap_or(""));
                for a in amounts(&v.text) {
                    if !all.contains(&a) {
                        all.push(a);
                    }
                }
                (v.title.clone().unwrap_or_default(), all)
            }
            None => ("(no version yet)".to_string(), Vec::new()),
        };
        let last_changed = p
            .changes
            .last()
            .map_or_else(|| "never".to_string(), |c| time(&c.detected_at));
        h.push_str(&format!(
            "<tr><td><a href=\"#doc-{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            p.doc.id,
            esc(&p.doc.source),
            esc(&headline),
            amounts
                .iter()
                .map(|a| format!("<span class=\"amount\">{}</span>", esc(a)))
                .collect::<Vec<_>>()
                .join(", "),
            p.versions.len(),
            last_changed,
        ));
    }
    h.push_str("</table>\n</section>\n");
}

fn document(h: &mut String, p: &DocPage) {
    h.push_str(&format!(
        "<section class=\"document\" id=\"doc-{}\">\n<h2>{}</h2>\n<p class=\"meta\">Original: {}",
        p.doc.id,
        esc(&p.doc.source),
        link(&p.doc.url)
    ));
    if let Some(c) = p
        .latest
        .as_ref()
        .and_then(|v| v.canonical_url.as_deref())
        .filter(|c| *c != p.doc.url)
    {
        h.push_str(&format!(" · canonical: {}", link(c)));
    }
    h.push_str("</p>\n");
    if p.versions.is_empty() {
        h.push_str("<p>No version stored yet.</p>\n</section>\n");
        return;
    }
    h.push_str("<h3>Timeline</h3>\n<ol class=\"timeline\">\n");
    for v in &p.versions {
        let change = p.changes.iter().find(|c| c.to_version == v.version);
        h.push_str(&format!(
            "<li>{} · version {} · “{}”{}</li>\n",
            time(&v.fetched_at),
            v.version,
            esc(v.title.as_deref().unwrap_or("(no headline)")),
            match change {
                Some(c) => format!(
                    " — <a href=\"#change-{}\">{}</a>",
                    c.change_id,
                    esc(&c.summary)
                ),
                None if v.version == 1 => " — first version".to_string(),
                None => String::new(),
            }
        ));
    }
    h.push_str("</ol>\n");
    for c in &p.changes {
        change(h, c);
    }
    if let Some(v) = &p.latest {
        h.push_str(&format!(
            "<details>\n<summary>Full text of the latest version ({}, fetched {})</summary>\n<p><strong>{}</strong></p>\n",
            v.version,
            time(&v.fetched_at),
            esc(v.title.as_deref().unwrap_or("(no headline)"))
        ));
        for para in v.text.split("\n\n").filter(|s| !s.trim().is_empty()) {
            h.push_str(&format!("<p>{}</p>\n", esc(para)));
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
}

fn change(h: &mut String, c: &ChangeRow) {
    h.push_str(&format!(
        "<article class=\"change\" id=\"change-{}\">\n<h3>Version {} → {} · {}</h3>\n<p class=\"meta\">{}</p>\n",
        c.change_id,
        c.from_version,
        c.to_version,
        time(&c.detected_at),
        esc(&c.summary)
    ));
    let notes = callouts(&c.diff);
    if !notes.is_empty() {
        h.push_str("<ul class=\"callouts\">\n");
        for n in notes {
            h.push_str(&format!("<li>{n}</li>\n"));
        }
        h.push_str("</ul>\n");
    }
    if let Some(t) = &c.diff.title {
        h.push_str(&format!(
            "<p class=\"edit headline\"><span class=\"tag\">headline</span> {}</p>\n",
            words(&t.words)
        ));
    }
    for e in &c.diff.edits {
        match e {
            Edit::Replace { words: w, .. } => h.push_str(&format!(
                "<p class=\"edit edited\"><span class=\"tag\">edited</span> {}</p>\n",
                words(w)
            )),
            Edit::Insert { text, .. } => h.push_str(&format!(
                "<p class=\"edit added\"><span class=\"tag\">added</span> <ins>{}</ins></p>\n",
                esc(text)
            )),
            Edit::Delete { text, .. } => h.push_str(&format!(
                "<p class=\"edit removed\"><span class=\"tag\">removed</span> <del>{}</del></p>\n",
                esc(text)
            )),
        }
    }
    h.push_str("</article>\n");
}

/// A stored time as a `<time>` element: the exact value for machines, a
/// shorter "2026-11-26 12:51:10 UTC" for people.
fn time(t: &str) -> String {
    let short = match t.split_once('T') {
        Some((date, rest)) => {
            let clock = rest.split(['.', 'Z', '+']).next().unwrap_or(rest);
            format!("{date} {clock} UTC")
        }
        None => t.to_string(),
    };
    format!("<time datetime=\"{}\">{}</time>", esc(t), esc(&short))
}

/// A word diff as HTML: `<del>` for deleted words, `<ins>` for inserted.
fn words(spans: &[WordSpan]) -> String {
    spans
        .iter()
        .map(|w| match w.kind {
            SpanKind::Equal => esc(&w.text),
            SpanKind::Delete => format!("<del>{}</del>", esc(&w.text)),
            SpanKind::Insert => format!("<ins>{}</ins>", esc(&w.text)),
        })
        .collect()
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:billion|million|trillion|bn|mn)\b)?|\b\d+(?:\.\d+)?\s?(?:%|per ?cent\b)",
    )
    .expect("valid amount pattern")
});

/// Wording that weakens a claim, and wording that firms one up: a change
/// in either is worth a reader's attention even when the words are few.
const HEDGES: &[&str] = &[
    "reportedly",
    "according to people familiar",
    "people familiar with the matter",
    "in talks",
    "is said to",
    "are said to",
    "allegedly",
    "sources said",
    "up to",
    "could",
    "may",
];
const FIRMERS: &[&str] = &[
    "confirmed",
    "confirms",
    "joint statement",
    "announced",
    "said in a statement",
];

static PHRASES: LazyLock<Vec<(&'static str, bool, Regex)>> = LazyLock::new(|| {
    HEDGES
        .iter()
        .map(|p| (*p, true))
        .chain(FIRMERS.iter().map(|p| (*p, false)))
        .map(|(p, hedge)| {
            let re = Regex::new(&format!(r"(?i)\b{}\b", regex::escape(p))).expect("valid phrase");
            (p, hedge, re)
        })
        .collect()
});

/// Amounts and percentages in a text, in order, without repeats.
fn amounts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in AMOUNT.find_iter(text) {
        let a = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// What a reader must not miss in a change: amounts that changed, appeared
/// or disappeared, and hedges or confirmations added or dropped. Returns
/// HTML (escaped). This reads the text diff only; claim-level changes come
/// from the claim tables once they are stored.
fn callouts(diff: &TextDiff) -> Vec<String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(t) = &diff.title {
        pairs.push((
            t.old.clone().unwrap_or_default(),
            t.new.clone().unwrap_or_default(),
        ));
    }
    for e in &diff.edits {
        pairs.push(match e {
            Edit::Replace { old, new, .. } => (old.clone(), new.clone()),
            Edit::Insert { text, .. } => (String::new(), text.clone()),
            Edit::Delete { text, .. } => (text.clone(), String::new()),
        });
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let amount_list = |v: &[String]| {
        v.iter()
            .map(|a| format!("<span class=\"amount\">{}</span>", esc(a)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (old, new) in &pairs {
        let (oa, na) = (amounts(old), amounts(new));
        let gone: Vec<String> = oa.iter().filter(|a| !na.contains(a)).cloned().collect();
        let came: Vec<String> = na.iter().filter(|a| !oa.contains(a)).cloned().collect();
        match (gone.is_empty(), came.is_empty()) {
            (false, false) => push(format!(
                "Amount changed: {} → {}",
                amount_list(&gone),
                amount_list(&came)
            )),
            (false, true) => push(format!("Amount no longer stated: {}", amount_list(&gone))),
            (true, false) => push(format!("Amount newly stated: {}", amount_list(&came))),
            (true, true) => {}
        }
        for (phrase, hedge, re) in PHRASES.iter() {
            let (was, is) = (re.is_match(old), re.is_match(new));
            if was == is {
                continue;
            }
            let kind = if *hedge { "Hedge" } else { "Confirmation" };
            let verb = if is { "added" } else { "removed" };
            push(format!("{kind} {verb}: “{}”", esc(phrase)));
        }
    }
    out
}

/// A link to an original page; anything but http(s) is shown as text, so a
/// stored `javascript:` URL can never become a live link.
fn link(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!(
            "<a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
            esc(url)
        )
    } else {
        esc(url)
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compare::compare_articles;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert!(
            link("https://e.com/?a=1&b=\"2\"")
                .contains("href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\"")
        );
    }

    #[test]
    fn a_changed_amount_and_an_added_hedge_are_called_out() {
        let d = compare_articles(
            Some("Amazon commits $50 billion"),
            "Amazon has committed $50 billion to OpenAI.",
            Some("Amazon commits $40 billion"),
            "Amazon has reportedly committed $40 billion to OpenAI.",
        );
        let notes = callouts(&d);
        assert!(notes.contains(
            &"Amount changed: <span class=\"amount\">$50 billion</span> → <span class=\"amount\">$40 billion</span>".to_string()
        ), "{notes:?}");
        assert!(
            notes.contains(&"Hedge added: “reportedly”".to_string()),
            "{notes:?}"
        );
        assert_eq!(notes.len(), 2, "repeats are merged: {notes:?}");
    }

    #[test]
    fn amounts_are_found_in_their_usual_spellings() {
        assert_eq!(
            amounts("up to $50 billion, US$ 3.5bn, $1,200 and 2.1% — $50 billion again"),
            vec!["$50 billion", "US$ 3.5bn", "$1,200", "2.1%"]
        );
    }
}
