//! Article extraction: the main text of a news page and its metadata.
//!
//! Pure code: HTML in, [`Article`] out. No I/O, no clock. Odd HTML is data,
//! never an error. [`assess`] then decides whether an extraction is fit to be
//! stored as a new version of a document.
//!
//! The body is found by scoring paragraphs and their containers (see
//! `body.rs`); a page's JSON-LD `articleBody` is used when the markup yields
//! far less than it. Every walk over the document is iterative, so depth of
//! nesting costs no stack.

mod body;
mod dom;
mod fallback;
mod guard;
mod meta;
pub mod notice;
mod prep;
mod text;

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};
use serde::Serialize;

pub use guard::{ExtractFailure, assess};

/// Per-source knobs that change what counts as the article.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// A CSS selector for the article body; when it matches, it wins.
    pub body_selector: Option<String>,
    /// CSS selectors whose elements are removed before extraction.
    pub drop_selectors: Vec<String>,
    /// Volatile text ("Updated 5 minutes ago") removed from the body, so it
    /// does not show up as a change between versions.
    pub ignore: Vec<Regex>,
}

/// A per-source option that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("invalid body selector {selector:?}: {reason}")]
    BodySelector { selector: String, reason: String },
    #[error("invalid drop selector {selector:?}: {reason}")]
    DropSelector { selector: String, reason: String },
    #[error("invalid ignore pattern {pattern:?}: {reason}")]
    Ignore { pattern: String, reason: String },
}

impl ExtractOptions {
    /// Builds options from configuration strings, checking every selector and
    /// pattern; the error names the first one that does not parse and why.
    pub fn new(
        body_selector: Option<&str>,
        drop_selectors: &[String],
        ignore: &[String],
    ) -> Result<ExtractOptions, OptionError> {
        if let Some(s) = body_selector {
            Selector::parse(s).map_err(|e| OptionError::BodySelector {
                selector: s.to_string(),
                reason: e.to_string(),
            })?;
        }
        for s in drop_selectors {
            Selector::parse(s).map_err(|e| OptionError::DropSelector {
                selector: s.clone(),
                reason: e.to_string(),
            })?;
        }
        let ignore = ignore
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| OptionError::Ignore {
                    pattern: p.clone(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ExtractOptions {
            body_selector: body_selector.map(str::to_string),
            drop_selectors: drop_selectors.to_vec(),
            ignore,
        })
    }
}

/// What claimwatch sees in one page.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Article {
    /// The headline, kept apart from the body.
    pub title: Option<String>,
    /// The body without the headline; paragraphs separated by a blank line.
    pub text: String,
    pub byline: Option<String>,
    /// As written by the page (ISO 8601 where the page gives it).
    pub published: Option<String>,
    pub modified: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    /// The strategy that gave the body: `"selector"` (the per-source
    /// selector), `"markup"` (the scored container), or a fallback when that
    /// was short, thin or a notice: `"json-ld"` (the page's `articleBody`),
    /// `"container"` (a broader container), `"prose"` (the page's prose).
    pub source: &'static str,
    /// Things worth knowing about this extraction (an option that did not
    /// parse or match, a JSON-LD fallback).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Extracts the article from `html`. `url` is the page's address, used to
/// resolve relative links such as the canonical URL.
pub fn extract(html: &str, url: Option<&str>, opts: &ExtractOptions) -> Article {
    let mut doc = prep::parse_document(html, prep::MAX_DEPTH);
    let meta = meta::metadata(&doc, url);
    let mut warnings = Vec::new();

    // Per-source removals come first, so nothing below sees those elements.
    for s in &opts.drop_selectors {
        match Selector::parse(s) {
            Ok(sel) => {
                // The root element stays whatever matches (`*`, `html`):
                // a page without one has nothing to read, not a panic.
                let root = doc.root_element().id();
                let ids: Vec<_> = doc
                    .select(&sel)
                    .map(|e| e.id())
                    .filter(|id| *id != root)
                    .collect();
                for id in ids {
                    if let Some(mut n) = doc.tree.get_mut(id) {
                        n.detach();
                    }
                }
            }
            Err(e) => warnings.push(format!("drop selector {s:?} ignored: {e}")),
        }
    }

    let mut source = "markup";
    let mut paragraphs: Option<Vec<String>> = None;
    if let Some(s) = &opts.body_selector {
        match Selector::parse(s) {
            Ok(sel) => {
                let matched: Vec<_> = doc.select(&sel).collect();
                let ids: Vec<_> = matched.iter().map(|e| e.id()).collect();
                let mut paras = Vec::new();
                for e in &matched {
                    // Nested matches are already inside an outer one.
                    if e.ancestors().any(|a| ids.contains(&a.id())) {
                        continue;
                    }
                    let flat = dom::flatten(*e);
                    let skip = body::skip_mask(&flat, false);
                    paras.extend(body::blocks(&flat, &skip).into_iter().map(|b| b.text));
                }
                if paras.is_empty() {
                    warnings.push(format!("body selector {s:?} matched no text"));
                } else {
                    source = "selector";
                    paragraphs = Some(paras);
                }
            }
            Err(e) => warnings.push(format!("body selector {s:?} ignored: {e}")),
        }
    }

    let paragraphs = match paragraphs {
        Some(p) => p,
        None => {
            let flat = dom::flatten(doc.root_element());
            let skip = body::skip_mask(&flat, true);
            let blocks = body::blocks(&flat, &skip);
            let chosen = body::select(&flat, &blocks);
            let (paras, strategy) =
                fallback_chain(&doc, &flat, &blocks, chosen, &meta, &mut warnings);
            source = strategy;
            paras
        }
    };

    let paragraphs = text::remove_volatile(paragraphs, &opts.ignore);
    Article {
        title: meta.title,
        text: paragraphs.join("\n\n"),
        byline: meta.byline,
        published: meta.published,
        modified: meta.modified,
        canonical_url: meta.canonical_url,
        language: meta.language,
        source,
        warnings,
    }
}

fn norm_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Drops the headline: `<h1>` blocks, and a leading block that repeats a
/// known headline.
fn strip_headline(blocks: Vec<&body::Block>, headlines: &[String]) -> Vec<String> {
    let keys: Vec<String> = headlines
        .iter()
        .map(|h| norm_key(h))
        .filter(|k| !k.is_empty())
        .collect();
    let mut out = Vec::with_capacity(blocks.len());
    for (n, b) in blocks.into_iter().enumerate() {
        if b.tag == dom::Tag::H1 {
            continue;
        }
        if n < 3 && keys.contains(&norm_key(&b.text)) {
            continue;
        }
        out.push(b.text.clone());
    }
    out
}

/// Takes the markup body unless the quality check finds it short, thin
/// against the page's prose or a consent notice, or JSON-LD `articleBody`
/// holds far more; then tries JSON-LD, a broader container and the page's
/// prose in turn (see `fallback.rs`). Returns the paragraphs and the
/// strategy that won.
fn fallback_chain(
    doc: &Html,
    flat: &dom::Flat,
    blocks: &[body::Block],
    chosen: Vec<usize>,
    meta: &meta::Meta,
    warnings: &mut Vec<String>,
) -> (Vec<String>, &'static str) {
    let headline =
        |idx: &[usize]| strip_headline(idx.iter().map(|&i| &blocks[i]).collect(), &meta.headlines);
    let page = fallback::page_prose(blocks);
    let markup = headline(&chosen);
    let ld = ld_body(&meta.ld);
    let ld_chars = ld.as_ref().map_or(0, |b| chars_of(b));
    // The page's own article body, far longer than the markup's: taken
    // whatever the check says (a plausible body is long and not a teaser).
    if let Some(ld) = &ld
        && ld_chars >= 500
        && ld_chars as f64 > chars_of(&markup) as f64 * 2.0
    {
        warnings.push("body taken from JSON-LD articleBody".to_string());
        return (ld.clone(), "json-ld");
    }
    // A page whose text is only in `<noscript>` (the script-built copy is
    // what a browser shows): taken on the same terms as JSON-LD, and only
    // when the visible page holds less prose than the noscript copy. No
    // absolute length but the short-body floor, so an edit inside the post
    // does not move the page between strategies.
    if let Some((paras, prose)) = noscript_body(doc, &meta.headlines)
        && prose > page
        && chars_of(&paras) >= fallback::MIN_BODY
        && chars_of(&paras) > chars_of(&markup) * 2
    {
        warnings.push("body taken from <noscript>".to_string());
        return (paras, "noscript");
    }
    let Some(weakness) = fallback::check(&markup, fallback::chosen_prose(blocks, &chosen), page)
    else {
        return (markup, "markup");
    };
    let mut tried: Vec<(Vec<String>, &'static str)> = vec![(markup, "markup")];
    if let Some(ld) = ld
        && ld_chars >= fallback::MIN_BODY
    {
        tried.push((ld, "json-ld"));
    }
    if let Some(c) = fallback::container(flat, blocks, &chosen) {
        let prose = fallback::chosen_prose(blocks, &c);
        let paras = headline(&c);
        let within = weakness != fallback::Weakness::Thin
            || chars_of(&paras) <= chars_of(&tried[0].0) * fallback::MAX_GROWTH;
        tried.push((paras, "container"));
        if within && fallback::check(&tried[tried.len() - 1].0, prose, page).is_none() {
            let (p, s) = tried.pop().expect("just pushed");
            warnings.push(format!("markup body was {}; took {s}", weakness.describe()));
            return (p, s);
        }
    }
    let rejected: &[usize] = if weakness == fallback::Weakness::Wall {
        &chosen
    } else {
        &[]
    };
    let all = fallback::prose(blocks, rejected);
    tried.push((headline(&all), "prose"));
    // A thin body is replaced only by one of the same order: a broader text
    // twenty times longer is a page of many items, not the article.
    if weakness == fallback::Weakness::Thin {
        let cap = chars_of(&tried[0].0) * fallback::MAX_GROWTH;
        tried.retain(|(p, _)| chars_of(p) <= cap);
    }
    // The JSON-LD body passes when it is not short; otherwise the longest.
    let pick = tried
        .iter()
        .position(|(p, s)| *s == "json-ld" && chars_of(p) >= fallback::MIN_BODY * 2)
        .unwrap_or_else(|| {
            (0..tried.len())
                .max_by_key(|&k| (chars_of(&tried[k].0), std::cmp::Reverse(k)))
                .unwrap_or(0)
        });
    let (p, s) = tried.swap_remove(pick);
    if s != "markup" {
        warnings.push(format!("markup body was {}; took {s}", weakness.describe()));
    }
    (p, s)
}

/// The article found in the page's `<noscript>` elements (parsed as raw text,
/// as a browser with scripts does): the one with the most prose, scored as a
/// page of its own. Its paragraphs and prose characters.
fn noscript_body(doc: &Html, headlines: &[String]) -> Option<(Vec<String>, usize)> {
    static NOSCRIPT: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("noscript").expect("static selector"));
    let mut best: Option<(Vec<String>, usize)> = None;
    for el in doc.select(&NOSCRIPT) {
        let raw: String = el.text().collect();
        if raw.len() < fallback::MIN_BODY || !raw.contains('<') {
            continue;
        }
        let frag = Html::parse_fragment(&raw);
        let flat = dom::flatten(frag.root_element());
        let skip = body::skip_mask(&flat, true);
        let blocks = body::blocks(&flat, &skip);
        let chosen = body::select(&flat, &blocks);
        let prose = fallback::chosen_prose(&blocks, &chosen);
        if best.as_ref().is_none_or(|b| prose > b.1) {
            let paras = strip_headline(chosen.iter().map(|&i| &blocks[i]).collect(), headlines);
            best = Some((paras, prose));
        }
    }
    best.filter(|b| b.1 > 0)
}

fn chars_of(paras: &[String]) -> usize {
    paras.iter().map(|p| p.chars().count()).sum()
}

/// JSON-LD `articleBody` as paragraphs.
fn ld_body(ld: &meta::LdArticle) -> Option<Vec<String>> {
    let body = ld.body.as_deref()?;
    let body = if body.contains('<') {
        let frag = Html::parse_fragment(body);
        let flat = dom::flatten(frag.root_element());
        let skip = body::skip_mask(&flat, false);
        body::blocks(&flat, &skip)
            .into_iter()
            .map(|b| b.text)
            .collect::<Vec<_>>()
    } else {
        text::decode_entities(body)
            .split("\n")
            .map(text::collapse)
            .filter(|p| !p.is_empty())
            .collect()
    };
    (!body.is_empty()).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_validate_and_name_the_culprit() {
        assert!(
            ExtractOptions::new(Some("article .body"), &["aside".into()], &[r"\d+".into()]).is_ok()
        );
        let e = ExtractOptions::new(Some("div[[["), &[], &[]).unwrap_err();
        assert!(matches!(e, OptionError::BodySelector { .. }));
        assert!(e.to_string().contains("div[[["), "{e}");
        let e = ExtractOptions::new(None, &["ok".into(), ">>".into()], &[]).unwrap_err();
        assert!(e.to_string().contains(">>"), "{e}");
        let e = ExtractOptions::new(None, &[], &["(unclosed".into()]).unwrap_err();
        assert!(matches!(e, OptionError::Ignore { .. }));
        assert!(e.to_string().contains("(unclosed"), "{e}");
    }

    const PAGE: &str = r#"<html lang="en"><head><title>Big news | Site</title></head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>Big news</h1>
        <div class="share">Share on Facebook</div>
        <p>The first paragraph of the story says something long enough, with commas, and more words.</p>
        <p>The second paragraph adds detail, more detail, and yet more detail to make it count.</p>
        <p class="stamp">Updated 5 minutes ago</p>
        <p>A third paragraph closes the story with a quote, a number, and a conclusion.</p>
        </article>
        <footer>Copyright 2025 Site. All rights reserved.</footer></body></html>"#;

    /// Found by fuzzing the per-source overrides: `drop = ["*"]` removed the
    /// `<html>` element itself and extraction panicked on a rootless tree.
    #[test]
    fn a_drop_selector_that_matches_the_root_keeps_it() {
        let with = |drop: &str| {
            let opts = ExtractOptions::new(None, &[drop.into()], &[]).unwrap();
            extract(PAGE, None, &opts).text
        };
        // Everything below the root goes; the root itself stays.
        assert_eq!(with("*"), "");
        assert_eq!(with("html, body"), "");
        assert!(with("html").contains("first paragraph"));
    }

    #[test]
    fn extracts_paragraphs_without_headline_or_chrome() {
        let a = extract(PAGE, None, &ExtractOptions::default());
        let paras: Vec<&str> = a.text.split("\n\n").collect();
        assert_eq!(paras.len(), 4, "{}", a.text);
        assert!(paras[0].starts_with("The first paragraph"));
        assert!(!a.text.contains("Big news"));
        assert!(!a.text.contains("Share on"));
        assert!(!a.text.contains("Copyright"));
        assert_eq!(a.title.as_deref(), Some("Big news"));
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    #[test]
    fn overrides_apply() {
        let opts = ExtractOptions::new(
            Some("article"),
            &[".stamp".into()],
            &[r"second paragraph".into()],
        )
        .unwrap();
        let a = extract(PAGE, None, &opts);
        assert_eq!(a.source, "selector");
        assert!(!a.text.contains("Updated"));
        assert!(!a.text.contains("second paragraph"));
        assert!(a.text.contains("The first paragraph"));
        let opts = ExtractOptions::new(None, &[], &[r"Updated \d+ minutes ago".into()]).unwrap();
        let a = extract(PAGE, None, &opts);
        assert!(!a.text.contains("Updated"));
        assert_eq!(a.text.split("\n\n").count(), 3);
    }

    #[test]
    fn unmatched_body_selector_falls_back() {
        let opts = ExtractOptions::new(Some("#nope"), &[], &[]).unwrap();
        let a = extract(PAGE, None, &opts);
        assert_eq!(a.source, "markup");
        assert!(a.text.contains("The first paragraph"));
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for html in [
            "",
            "<",
            "<html",
            "\u{0}",
            "<p>",
            "&#xFFFFFFFF;",
            "<table><td><p>x",
        ] {
            let _ = extract(html, Some("not a url"), &ExtractOptions::default());
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let n = 100_000;
        let mut html = String::with_capacity(n * 12);
        for _ in 0..n {
            html.push_str("<div><span>");
        }
        html.push_str("deep text");
        let a = extract(&html, None, &ExtractOptions::default());
        assert!(a.text.contains("deep text") || a.text.is_empty());
    }
}
