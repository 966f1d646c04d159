//! Rendering a report: the subject, a plain-text part and an HTML part.
//!
//! Pure code: [`ReportItem`]s in (built from SQL by `outbox::load_items`),
//! strings out. Claim changes come first, then text changes. The HTML uses
//! only inline styles, because mail clients strip `<style>` blocks and many
//! show unstyled `<ins>`/`<del>` as plain text.

use std::fmt::Write as _;

use maud::{DOCTYPE, Markup, html};

pub use crate::core::change::Significance;
use crate::core::change::{ReportItem, ReportedClaim, by_significance, claim_rank};
use crate::core::compare::{Edit, SpanKind, TextDiff, WordSpan};
use crate::core::disclosure::Disclosure;
use crate::core::wording::{disclosure_tag, notice_line, untagged, with_disclosure};

/// Removed words: red, struck through.
const DEL_STYLE: &str =
    "background-color:#ffebe9;color:#82071e;text-decoration:line-through;padding:0 2px;";
/// Added words: green, bold.
const INS_STYLE: &str =
    "background-color:#dafbe1;color:#116329;text-decoration:none;font-weight:bold;padding:0 2px;";
const BODY_STYLE: &str = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;";
const H2_STYLE: &str = "font-size:16px;margin:20px 0 8px 0;border-bottom:1px solid #d0d7de;";
const META_STYLE: &str = "color:#59636e;font-size:12px;margin:0;";
/// Subjects longer than this are cut (with an ellipsis).
const MAX_SUBJECT_CHARS: usize = 160;

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders a report of `items`, most significant change first whichever
/// outlet it came from (`core::change::by_significance`).
pub fn render(prefix: &str, items: &[ReportItem]) -> Rendered {
    let mut items = items.to_vec();
    by_significance(&mut items);
    Rendered {
        subject: subject(prefix, &items),
        text: text(&items),
        html: html(&items),
    }
}

/// Every claim change of a report with its change, most significant first
/// across outlets (ties keep the order of the changes).
fn ranked_claims(items: &[ReportItem]) -> Vec<(&ReportItem, &ReportedClaim)> {
    let mut claims: Vec<_> = items
        .iter()
        .flat_map(|i| i.claim_changes.iter().map(move |c| (i, c)))
        .collect();
    // A silent change outranks a disclosed one of the same kind.
    claims.sort_by_key(|(i, c)| std::cmp::Reverse(claim_rank(c, i.disclosure)));
    claims
}

fn outlets(items: &[ReportItem]) -> usize {
    let mut names: Vec<&str> = items.iter().map(|i| i.source.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn headline_count(items: &[ReportItem]) -> String {
    format!(
        "{} in {}",
        counted(items.len(), "change", "changes"),
        counted(outlets(items), "outlet", "outlets")
    )
}

/// `[claimwatch] 3 changes in 2 outlets: Reuters amount $50 billion → $40
/// billion`: the most significant change names the email, across outlets.
pub fn subject(prefix: &str, items: &[ReportItem]) -> String {
    let mut s = String::new();
    if !prefix.is_empty() {
        s.push_str(prefix);
        s.push(' ');
    }
    s.push_str(&headline_count(items));
    let lead = ranked_claims(items)
        .first()
        .map(|(i, c)| {
            format!(
                "{} {} ({})",
                i.source,
                c.describe(),
                disclosure_tag(i.disclosure)
            )
        })
        .or_else(|| {
            items.iter().find_map(|i| {
                i.diff.title.as_ref().map(|t| {
                    format!(
                        "{} headline now \"{}\"",
                        i.source,
                        t.new.as_deref().unwrap_or("")
                    )
                })
            })
        })
        .or_else(|| items.first().map(|i| format!("{} {}", i.source, i.summary)));
    if let Some(lead) = lead {
        s.push_str(": ");
        s.push_str(&lead);
    }
    truncate(&s, MAX_SUBJECT_CHARS)
}

fn truncate(s: &str, max: usize) -> String {
    // One line: a newline in a header would be folded oddly.
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// "2026-11-26T12:30:00.000Z" → "2026-11-26 12:30 UTC"; other text as is.
fn when(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

fn versions(i: &ReportItem) -> String {
    format!(
        "version {} ({}) → version {} ({})",
        i.from_version,
        when(&i.from_time),
        i.to_version,
        when(&i.to_time)
    )
}

/// The plain-text part: the same markers as the log (`[-old-]{+new+}`).
pub fn text(items: &[ReportItem]) -> String {
    let mut out = format!("claimwatch: {}\n", headline_count(items));
    let claims = ranked_claims(items);
    if !claims.is_empty() {
        out.push_str("\nCLAIM CHANGES\n\n");
        for (i, c) in claims {
            let _ = writeln!(
                out,
                "* {}: {} ({})",
                i.source,
                c.describe(),
                disclosure_tag(i.disclosure)
            );
            let _ = writeln!(
                out,
                "  {} ({})",
                i.headline.as_deref().unwrap_or("(no headline)"),
                i.url
            );
        }
    }
    out.push_str("\nTEXT CHANGES\n");
    for i in items {
        let _ = write!(
            out,
            "\n{} - {}\n{}\n{}\n{}\n",
            i.source,
            i.headline.as_deref().unwrap_or("(no headline)"),
            i.url,
            versions(i),
            with_disclosure(&i.summary, i.disclosure, i.notice.as_deref())
        );
        let body = crate::core::wording::render_diff(&i.diff);
        for line in body.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

fn del(s: &str) -> Markup {
    html! { del style=(DEL_STYLE) { (s) } }
}

fn ins(s: &str) -> Markup {
    html! { ins style=(INS_STYLE) { (s) } }
}

fn words_html(words: &[WordSpan]) -> Markup {
    html! {
        @for w in words {
            @match w.kind {
                SpanKind::Equal => (w.text),
                SpanKind::Delete => (del(&w.text)),
                SpanKind::Insert => (ins(&w.text)),
            }
        }
    }
}

fn link(url: &str, text: &str) -> Markup {
    // Only web links become anchors; anything else is shown as text.
    html! {
        @if url.starts_with("http://") || url.starts_with("https://") {
            a href=(url) style="color:#0969da;" { (text) }
        } @else {
            (text)
        }
    }
}

/// A claim change: its kind, then the old and new value marked.
pub fn claim_html(c: &ReportedClaim) -> Markup {
    html! {
        (c.kind) " "
        @match (&c.old, &c.new) {
            (Some(o), Some(n)) => { (del(o)) " → " (ins(n)) }
            (None, Some(n)) => (ins(n)),
            (Some(o), None) => (del(o)),
            (None, None) => (c.label),
        }
    }
}

/// A text diff as a list: the headline, then each changed sentence.
pub fn diff_html(diff: &TextDiff) -> Markup {
    html! {
        ul style="margin:4px 0 0 0;padding-left:20px;" {
            @if let Some(t) = &diff.title {
                li { b { "Headline:" } " " (words_html(&t.words)) }
            }
            @for e in &diff.edits {
                li style="margin-bottom:4px;" {
                    @match e {
                        Edit::Replace { words, .. } => (words_html(words)),
                        Edit::Insert { text, .. } => { "Added: " (ins(text)) }
                        Edit::Delete { text, .. } => { "Removed: " (del(text)) }
                    }
                }
            }
        }
    }
}

/// The HTML part: claim changes first, then each text change with outlet,
/// headline, link, versions and times, and coloured word-level changes.
/// Written with `maud`: every value is escaped unless marked otherwise.
pub fn html(items: &[ReportItem]) -> String {
    let claims = ranked_claims(items);
    html! {
        (DOCTYPE)
        html {
            head { meta charset="utf-8"; }
            body style=(BODY_STYLE) {
                p style="margin:0 0 8px 0;" { b { "claimwatch:" } " " (headline_count(items)) }
                @if !claims.is_empty() {
                    h2 style=(H2_STYLE) { "Claim changes" }
                    ul style="padding-left:20px;" {
                        @for (i, c) in &claims {
                            li {
                                b { (i.source) } ": " (claim_html(c)) " " (disclosure_badge(i.disclosure)) br;
                                span style=(META_STYLE) { (link(&i.url, i.headline.as_deref().unwrap_or(&i.url))) }
                            }
                        }
                    }
                }
                h2 style=(H2_STYLE) { "Text changes" }
                @for i in items {
                    div style="margin:0 0 16px 0;" {
                        p style="margin:0;font-size:15px;" {
                            b { (i.source) } " · " (link(&i.url, i.headline.as_deref().unwrap_or(&i.url)))
                        }
                        p style=(META_STYLE) { (versions(i)) }
                        p style=(META_STYLE) { (disclosure_badge(i.disclosure)) " " (untagged(&i.summary, i.disclosure)) }
                        @if let Some(n) = &i.notice {
                            p style=(META_STYLE) { (notice_line(n)) }
                        }
                        (diff_html(&i.diff))
                    }
                }
            }
        }
    }
    .into_string()
}

/// The disclosure of a change as a coloured badge (red when silent, green
/// when disclosed, grey when never examined), styled inline so that mail
/// readers show it; the HTML export shows the same badge.
pub fn disclosure_badge(d: Disclosure) -> Markup {
    let colours = match d {
        Disclosure::None => "background:#fde2e2;color:#8a1c1c;border:1px solid #f1aeb5;",
        Disclosure::Unknown => "background:#eee;color:#5a5a5a;border:1px solid #d0d0d0;",
        _ => "background:#e3f4e6;color:#0b4a17;border:1px solid #9ed3a8;",
    };
    html! {
        span class={ "disclosure " (d.as_str()) }
            style={ "display:inline-block;padding:0 .4em;border-radius:3px;font-size:.8rem;font-weight:600;" (colours) }
            title="whether the page disclosed this change" {
            (disclosure_tag(d))
        }
    }
}

/// The test message sent by `report test-email`.
pub fn test_message(prefix: &str, server: &str) -> Rendered {
    let line = format!("This is a test message from claimwatch, sent through {server}.");
    Rendered {
        subject: truncate(
            format!("{prefix} test message").trim_start(),
            MAX_SUBJECT_CHARS,
        ),
        text: format!("{line}\nIf you can read it, change reports will reach you.\n"),
        html: html! {
            (DOCTYPE)
            html {
                body style=(BODY_STYLE) {
                    p { (line) }
                    p { "Changed words look like this: Amazon will invest " (del("$50")) " " (ins("$40")) " billion." }
                }
            }
        }
        .into_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compare;

    pub(crate) fn item(source: &str, old: &str, new: &str) -> ReportItem {
        let diff =
            compare::compare_articles(Some("Amazon invests"), old, Some("Amazon invests"), new);
        ReportItem {
            outbox_id: 1,
            change_id: 1,
            source: source.into(),
            url: format!("https://{}.example/a?x=1&y=<2>", source.to_lowercase()),
            headline: Some("Amazon invests".into()),
            from_version: 1,
            to_version: 2,
            from_time: "2026-11-26T12:00:00.000Z".into(),
            to_time: "2026-11-26T12:15:00.000Z".into(),
            summary: diff.summary(),
            diff,
            claim_changes: vec![],
            disclosure: Default::default(),
            notice: None,
        }
    }

    fn amount() -> ReportedClaim {
        ReportedClaim {
            kind: "amount".into(),
            change_kind: "amount_changed".into(),
            significance: 7,
            old: Some("$50 billion".into()),
            new: Some("$40 billion".into()),
            label: "amount $50 billion → $40 billion".into(),
            summary: "amount $50 billion → $40 billion: It is $40 billion.".into(),
        }
    }

    fn hedged() -> ReportedClaim {
        ReportedClaim {
            kind: "certainty".into(),
            change_kind: "certainty_changed".into(),
            significance: 6,
            old: Some("stated".into()),
            new: Some("hedged".into()),
            label: "certainty stated → hedged".into(),
            summary: "certainty stated → hedged: Amazon reportedly said so.".into(),
        }
    }

    #[test]
    fn a_digest_leads_with_the_most_significant_change_of_any_outlet() {
        // Regression: the subject followed the order checks finished in.
        let mut first = item(
            "lantern-review",
            "Amazon said so.",
            "Amazon reportedly said so.",
        );
        first.claim_changes.push(hedged());
        let mut second = item("quayside-wire", "It is $50 billion.", "It is $40 billion.");
        second.outbox_id = 2;
        second.claim_changes.push(amount());
        let r = render("[cw]", &[first, second]);
        assert_eq!(
            r.subject,
            "[cw] 2 changes in 2 outlets: quayside-wire amount $50 billion → $40 billion (silent)"
        );
        let quay = r.text.find("* quayside-wire: amount").unwrap();
        let lantern = r.text.find("* lantern-review: certainty").unwrap();
        assert!(quay < lantern, "{}", r.text);
        assert!(
            r.text.rfind("quayside-wire - ").unwrap() < r.text.rfind("lantern-review - ").unwrap()
        );
        assert!(r.html.find("quayside-wire").unwrap() < r.html.find("lantern-review").unwrap());
    }

    #[test]
    fn subject_counts_changes_and_outlets_and_leads_with_a_claim_change() {
        let a = item("Wire", "It is $50 billion.", "It is $40 billion.");
        let b = item("Wire", "Talks went on.", "Talks ended.");
        let mut c = item("Reuters", "Amazon said so.", "Amazon reportedly said so.");
        c.claim_changes.push(amount());
        let s = subject("[claimwatch]", &[a, b, c]);
        assert_eq!(
            s,
            "[claimwatch] 3 changes in 2 outlets: Reuters amount $50 billion → $40 billion (silent)"
        );
    }

    #[test]
    fn a_silent_change_leads_a_disclosed_one_of_the_same_kind() {
        use crate::core::disclosure::Disclosure;
        let mut disclosed = item("Wire", "It is $50 billion.", "It is $40 billion.");
        disclosed.claim_changes.push(amount());
        disclosed.disclosure = Disclosure::Correction;
        disclosed.notice = Some("Correction: the amount was misstated.".into());
        let mut silent = item("Post", "It is $50 billion.", "It is $40 billion.");
        silent.outbox_id = 2;
        silent.claim_changes.push(amount());
        let r = render("[cw]", &[disclosed, silent]);
        assert!(
            r.subject
                .ends_with("Post amount $50 billion → $40 billion (silent)"),
            "{}",
            r.subject
        );
        assert!(
            r.text
                .contains("* Wire: amount $50 billion → $40 billion (correction)")
        );
        assert!(
            r.text
                .contains("notice: \"Correction: the amount was misstated.\"")
        );
        assert!(r.html.contains(">silent</span>") && r.html.contains(">correction</span>"));
    }

    #[test]
    fn subject_without_claims_uses_the_first_summary_and_stays_short() {
        let a = item("Wire", "It is $50 billion.", "It is $40 billion.");
        assert_eq!(
            subject("[cw]", std::slice::from_ref(&a)),
            "[cw] 1 change in 1 outlet: Wire 1 sentence edited (+1/-1 words)"
        );
        let mut long = a.clone();
        long.source = "x".repeat(400);
        assert_eq!(subject("[cw]", &[long]).chars().count(), MAX_SUBJECT_CHARS);
    }

    #[test]
    fn html_colours_changed_words_inline_and_escapes_everything() {
        let mut a = item("Wire", "It is $50 billion.", "It is $40 <b>billion</b>.");
        a.claim_changes.push(amount());
        let h = html(&[a]);
        assert!(!h.contains("<style"));
        assert!(
            h.contains(&format!("<del style=\"{DEL_STYLE}\">$50 billion.</del>")),
            "{h}"
        );
        assert!(
            h.contains(&format!(
                "<ins style=\"{INS_STYLE}\">$40 &lt;b&gt;billion&lt;/b&gt;.</ins>"
            )),
            "{h}"
        );
        assert!(!h.contains("<b>billion"));
        assert!(h.contains("href=\"https://wire.example/a?x=1&amp;y=&lt;2&gt;\""));
        // Claim changes come before the text changes.
        assert!(h.find("Claim changes").unwrap() < h.find("Text changes").unwrap());
        assert!(h.contains("version 1 (2026-11-26 12:00 UTC) → version 2 (2026-11-26 12:15 UTC)"));
    }

    #[test]
    fn text_part_lists_claims_first_then_marked_words() {
        let mut a = item("Wire", "It is $50 billion.", "It is $40 billion.");
        a.claim_changes.push(amount());
        let t = text(&[a]);
        assert!(t.find("CLAIM CHANGES").unwrap() < t.find("TEXT CHANGES").unwrap());
        assert!(t.contains("* Wire: amount $50 billion → $40 billion"));
        assert!(t.contains("~ It is [-$50-]{+$40+} billion."), "{t}");
    }

    #[test]
    fn significance_orders_claims_over_headlines_over_text() {
        let mut a = item("Wire", "It is $50 billion.", "It is $40 billion.");
        assert_eq!(a.significance(), Significance::Text);
        a.diff = compare::compare_articles(Some("A"), "x.", Some("B"), "x.");
        assert_eq!(a.significance(), Significance::Headline);
        a.claim_changes.push(amount());
        assert_eq!(a.significance(), Significance::Claims);
        assert!(Significance::Claims > Significance::Headline);
    }
}
