//! Article extraction: the main text of a news page and its metadata.
//!
//! Pure code: HTML in, [`Article`] out. No I/O, no clock. Odd HTML is data,
//! never an error.

use serde::Serialize;

/// Per-source knobs that change what counts as the article.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// A CSS selector for the article body; when it matches, it wins.
    pub body_selector: Option<String>,
    /// CSS selectors whose elements are removed before extraction.
    pub drop_selectors: Vec<String>,
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
}

/// Extracts the article from `html`. `url` is the page's address, used to
/// resolve relative links such as the canonical URL.
pub fn extract(html: &str, url: Option<&str>, opts: &ExtractOptions) -> Article {
    let _ = (url, opts);
    let doc = scraper::Html::parse_document(html);
    let scoped = scraper::Selector::parse("article p").expect("static selector");
    let any = scraper::Selector::parse("p").expect("static selector");
    let p = if doc.select(&scoped).next().is_some() {
        scoped
    } else {
        any
    };
    let paras: Vec<String> = doc
        .select(&p)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect();
    let t = scraper::Selector::parse("title").expect("static selector");
    let title = doc
        .select(&t)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string());
    Article {
        title,
        text: paras.join("\n\n"),
        ..Default::default()
    }
}
