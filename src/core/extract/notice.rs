//! Notices around the article body, which the body extraction may leave
//! out: the elements a CMS marks as a correction, clarification or
//! editor's note by class or id, and the page's text blocks (paragraphs,
//! headings, small boxes) in document order, outside navigation, links and
//! forms. `core::disclosure` reads them and decides which are notices: a
//! marked box always is, a plain block only when its words make it one.

use std::sync::LazyLock;

use regex::Regex;
use scraper::Selector;

use crate::core::disclosure::NoticeKind;

/// A class, id or data attribute that names a notice box.
static BOX_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:class|id|data-[a-z-]+)\s*=\s*["'][^"']*(?:correction|clarification|editor-?s?-?note|editors?_note|update-?note|article-?update|amendment)[^"']*["']"#,
    )
    .unwrap()
});

/// The words in such an attribute that make the box a correction.
static CORRECTION_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)correction|clarification|amendment").unwrap());

/// Words without which a page holds no notice: a page without any is
/// not parsed again.
static HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)correct|clarif|amend|update|editor|version|developing|regret|record|erratum|rectif|korrektur|berichtig|aktualisi|redaktion|mise à jour|actualiz|atualiza|aggiorn|redazione|koreksi|diperbarui")
        .unwrap()
});

/// What the page around the body offers: each marked notice box (outermost
/// only) with the kind its markup names, and each plain text block with
/// `None`, in document order.
pub fn around_body(html: &str) -> Vec<(Option<NoticeKind>, String)> {
    if !HINT.is_match(html) {
        return Vec::new();
    }
    // The extractor's own parse: scripts, styles and comments are dropped
    // by the tokenizer's filter before the tree is built, which is most of
    // a news page's bytes.
    let doc = super::prep::parse_document(html, super::prep::MAX_DEPTH);
    let all = Selector::parse("body *").expect("a constant selector");
    let mut taken = Vec::new();
    let mut out = Vec::new();
    for el in doc.select(&all) {
        let name = el.value().name();
        if matches!(
            name,
            "a" | "script" | "style" | "nav" | "button" | "form" | "template" | "noscript"
        ) || el.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "a" | "nav" | "button" | "form" | "script" | "style" | "template" | "noscript"
                )
            })
        }) {
            continue;
        }
        if el.ancestors().any(|a| taken.contains(&a.id())) {
            continue;
        }
        let plain = matches!(
            name,
            "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "figcaption" | "li" | "dd"
        );
        let marks: String = el
            .value()
            .attrs()
            .filter(|(k, _)| *k == "class" || *k == "id" || k.starts_with("data-"))
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join(" ");
        let probe = format!("class=\"{marks}\"");
        let marked = !marks.is_empty() && BOX_ATTR.is_match(&probe);
        if !marked && !plain {
            continue;
        }
        let text = el
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // A notice is a sentence or a few, not a section of the page.
        let words = text.split_whitespace().count();
        if words == 0 || words > 300 || marked && words < 3 {
            continue;
        }
        taken.push(el.id());
        let kind = marked.then(|| {
            if CORRECTION_ATTR.is_match(&marks) {
                NoticeKind::Correction
            } else {
                NoticeKind::UpdateNote
            }
        });
        out.push((kind, text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_box_is_found_with_its_kind() {
        let html = r#"<html><body><article><p>Body text of the story.</p></article>
            <div class="story-correction"><p>The amount was $40 billion, not $50 billion.</p></div>
            <aside id="editors-note">This story now includes the filing.</aside>
            <a class="corrections-link" href="/corrections">Corrections policy page</a>
            </body></html>"#;
        let found = around_body(html);
        assert_eq!(
            found,
            vec![
                (None, "Body text of the story.".to_string()),
                (
                    Some(NoticeKind::Correction),
                    "The amount was $40 billion, not $50 billion.".to_string()
                ),
                (
                    Some(NoticeKind::UpdateNote),
                    "This story now includes the filing.".to_string()
                ),
            ]
        );
        assert!(around_body("<p>Nothing to see here.</p>").is_empty());
    }
}
