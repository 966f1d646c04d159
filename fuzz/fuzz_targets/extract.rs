//! HTML extraction on arbitrary bytes: charset decoding as a fetch does it,
//! then the article extractor, with and without per-source options.
//!
//! The first three bytes of the input choose the per-source options (body
//! `selector`, `drop` selectors, `ignore` patterns) from small sets of valid
//! ones, plus one taken from the input itself, which is usually invalid and
//! must be refused with an error naming it; the rest is the page.
#![no_main]

use claimwatch::core::extract::{self, ExtractOptions, OptionError};
use claimwatch::service::fetch;
use libfuzzer_sys::fuzz_target;

const SELECTORS: &[&str] = &[
    "article .body, main",
    "article",
    "div.story > p",
    "#content",
    "[itemprop=articleBody]",
    "p:not(.ad)",
    "body *",
];

const DROPS: &[&str] = &[
    "aside",
    ".ad",
    "nav, footer",
    "figure figcaption",
    "[hidden]",
    "p",
    "*",
];

const IGNORES: &[&str] = &[
    r"Updated \d+ (minutes?|hours?) ago",
    r"(?i)advertisement",
    r"\d{1,2}:\d{2}",
    r"(?m)^Share this.*$",
    r"\s*",
    "",
    r"\w+",
];

/// At most this many bytes of the page are taken as a selector or pattern.
const FROM_INPUT: usize = 32;

fuzz_target!(|data: &[u8]| {
    let (choice, page) = match data {
        [a, b, c, rest @ ..] => ([*a, *b, *c], rest),
        _ => ([0; 3], data),
    };
    let (html, _) = fetch::decode(page, &Default::default());

    // Defaults, as for a document found through a feed.
    let article = extract::extract(
        &html,
        Some("https://example.com/a/b"),
        &ExtractOptions::default(),
    );
    check(&article, false);

    // Per-source options: each choice byte picks entries of its set (bit i
    // for entry i); the top bit adds one taken from the page's first line.
    let from_input: String = html
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(FROM_INPUT)
        .collect();
    let pick = |bits: u8, set: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = set
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, s)| s.to_string())
            .collect();
        if bits & 0x80 != 0 {
            v.push(from_input.clone());
        }
        v
    };
    let selector = pick(choice[0], SELECTORS).pop();
    let drop = pick(choice[1], DROPS);
    let ignore = pick(choice[2], IGNORES);
    match ExtractOptions::new(selector.as_deref(), &drop, &ignore) {
        Ok(opts) => {
            let article = extract::extract(&html, None, &opts);
            check(&article, !opts.ignore.is_empty());
            // Options that were checked are never set aside at extraction.
            assert!(
                !article.warnings.iter().any(|w| w.contains("ignored")),
                "{:?}",
                article.warnings
            );
        }
        // An invalid option is refused, naming the one at fault.
        Err(e) => {
            let named = match &e {
                OptionError::BodySelector { selector: s, .. } => selector.as_deref() == Some(s),
                OptionError::DropSelector { selector: s, .. } => drop.contains(s),
                OptionError::Ignore { pattern, .. } => ignore.contains(pattern),
            };
            assert!(named, "{e}");
        }
    }
});

/// What holds for any extraction: paragraphs separated by one blank line;
/// after `ignore` patterns, none is empty or padded.
fn check(a: &extract::Article, ignored: bool) {
    if ignored && !a.text.is_empty() {
        for p in a.text.split("\n\n") {
            assert!(!p.is_empty() && p.trim() == p, "paragraph {p:?}");
        }
    }
}
