//! A flat, pre-order copy of the parsed document that the heuristics walk.
//!
//! The html5ever tree is turned into a `Vec` once, iteratively, so every later
//! pass is a loop over indices: no recursion (pages nest 100,000 elements deep
//! in the wild), and a subtree is the index range `i..end`. Elements that can
//! never hold article text (scripts, styles, forms controls, hidden elements)
//! are left out here.

use scraper::{ElementRef, Node};

/// What an element is, as far as the heuristics care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    P,
    Div,
    Section,
    Article,
    Main,
    Body,
    Header,
    Footer,
    Aside,
    Nav,
    H1,
    /// `h2`..`h6`.
    Heading,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Table,
    Tr,
    Td,
    Th,
    Blockquote,
    Pre,
    Figure,
    Figcaption,
    Form,
    Br,
    Hr,
    A,
    Address,
    /// Any other block-level element (`center`, `details`, `tbody`, ...).
    OtherBlock,
    /// An element inside a line of text (`span`, `em`, `time`, ...).
    Inline,
}

impl Tag {
    fn of(name: &str) -> Option<Tag> {
        Some(match name {
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "body" => Tag::Body,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "aside" => Tag::Aside,
            "nav" => Tag::Nav,
            "h1" => Tag::H1,
            "h2" | "h3" | "h4" | "h5" | "h6" => Tag::Heading,
            "ul" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "form" => Tag::Form,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "a" => Tag::A,
            "address" => Tag::Address,
            "html" | "center" | "details" | "summary" | "tbody" | "thead" | "tfoot" | "caption"
            | "fieldset" | "hgroup" | "dialog" | "menu" | "picture" | "video" | "audio" => {
                Tag::OtherBlock
            }
            // Never article text: code, styling, embedded documents and widgets.
            "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object"
            | "embed" | "canvas" | "select" | "option" | "button" | "input" | "textarea"
            | "head" | "title" | "meta" | "link" | "base" | "map" | "dialog-polyfill"
            // Ruby annotations: the reading of the base text (furigana,
            // pinyin), printed small above it; the base text is the text.
            | "rt" | "rp"
            // A form control's caption.
            | "label" => {
                return None;
            }
            _ => Tag::Inline,
        })
    }

    /// Starts and ends a paragraph of text.
    pub fn is_block(self) -> bool {
        !matches!(self, Tag::Inline | Tag::A)
    }
}

/// One node of the flat document.
#[derive(Debug, Clone)]
pub enum Item {
    Element(El),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct El {
    pub tag: Tag,
    /// Index of the parent element (`usize::MAX` for the top).
    pub parent: usize,
    /// One past the last index of this element's subtree.
    pub end: usize,
    /// Lower-cased `class` and `id`, space-separated.
    pub class_id: String,
    /// `itemprop`, `rel` and `role` attributes, lower-cased (used for bylines and bodies).
    pub hints: String,
}

/// The flat document.
pub struct Flat {
    pub items: Vec<Item>,
}

fn hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("aria-hidden")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Siblings looked at for [`series_part`].
const SERIES_LOOKBACK: usize = 64;

/// Whether a hidden section is one part of a series whose first part is
/// shown (the later pages of a gallery article, closed tabs): a script shows
/// the parts in turn, and the text is the article's. A shown earlier
/// sibling with the same tag and the same kind of name ([`kind_of`]) marks
/// it; a hidden element without a name is no part of anything.
fn series_part(node: ElementRef<'_>, tag: Tag) -> bool {
    let el = node.value();
    if !matches!(tag, Tag::Div | Tag::Section | Tag::Article) || el.attr("aria-hidden").is_some() {
        return false;
    }
    let kind = kind_of(&class_id(el));
    if kind.trim().is_empty() {
        return false;
    }
    node.prev_siblings()
        .filter_map(|n| n.value().as_element())
        .take(SERIES_LOOKBACK)
        .any(|s| s.name() == el.name() && !hidden(s) && kind_of(&class_id(s)) == kind)
}

/// Whether a class token only says an element is hidden (`hidden`,
/// `is-hidden`, `u-offscreen`).
pub fn is_state_token(token: &str) -> bool {
    let words: Vec<&str> = token
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [w] => STATE_WORDS.contains(w),
        [p, w] => p.len() <= 2 && STATE_WORDS.contains(w),
        _ => false,
    }
}

/// Words of class names that say what state an element is in, not what it is.
pub const STATE_WORDS: &[&str] = &["hidden", "offscreen"];

/// An element's names without its state tokens and digits: the kind of
/// thing it is, shared by the parts of a series (`section-3 hidden` and
/// `section-0` are both `section-`).
pub fn kind_of(class_id: &str) -> String {
    class_id
        .split_whitespace()
        .filter(|t| !is_state_token(t))
        .flat_map(|t| t.chars().filter(|c| !c.is_ascii_digit()).chain([' ']))
        .collect()
}

/// `class` and `id`, lower-cased, with camelCase words cut apart
/// (`newsCaption` becomes `news-caption`) so names can be matched by word.
fn class_id(el: &scraper::node::Element) -> String {
    let mut s = String::new();
    for v in [el.attr("class"), el.attr("id")].into_iter().flatten() {
        if !s.is_empty() {
            s.push(' ');
        }
        let mut prev_lower = false;
        for c in v.chars() {
            if c.is_uppercase() && prev_lower {
                s.push('-');
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            s.extend(c.to_lowercase());
        }
    }
    s
}

fn hints(el: &scraper::node::Element) -> String {
    let mut s = String::new();
    for a in ["itemprop", "rel", "role", "data-component", "data-testid"] {
        if let Some(v) = el.attr(a) {
            s.push_str(v);
            s.push(' ');
        }
    }
    s.make_ascii_lowercase();
    s
}

/// Flattens the subtree under `root` (the root itself included when it is an
/// element). Iterative: walks first-child / next-sibling / parent links.
pub fn flatten(root: ElementRef<'_>) -> Flat {
    let root = *root;
    let mut items: Vec<Item> = Vec::new();
    // Indices of the open elements, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let mut node = root;
    loop {
        // Visit `node`; decide whether to descend.
        let mut descend = false;
        let mut opened = false;
        match node.value() {
            Node::Element(el) => {
                if let Some(tag) = Tag::of(el.name())
                    && (!hidden(el) || ElementRef::wrap(node).is_some_and(|e| series_part(e, tag)))
                {
                    let parent = open.last().copied().unwrap_or(usize::MAX);
                    items.push(Item::Element(El {
                        tag,
                        parent,
                        end: 0,
                        class_id: class_id(el),
                        hints: hints(el),
                    }));
                    open.push(items.len() - 1);
                    descend = true;
                    opened = true;
                }
            }
            Node::Text(t) if (!t.trim().is_empty() || !items.is_empty()) => {
                items.push(Item::Text(t.to_string()));
            }
            Node::Document | Node::Fragment => descend = true,
            _ => {}
        }
        if descend && let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        if opened {
            close(&mut items, &mut open);
        }
        // Climb until a next sibling exists, closing elements on the way.
        loop {
            if node.id() == root.id() {
                // Close anything still open (only the root may be).
                while !open.is_empty() {
                    close(&mut items, &mut open);
                }
                return Flat { items };
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(p) => {
                    node = p;
                    // Climbing only passes through elements that were kept
                    // (skipped ones were never entered).
                    if node.value().is_element() {
                        close(&mut items, &mut open);
                    }
                }
                None => {
                    while !open.is_empty() {
                        close(&mut items, &mut open);
                    }
                    return Flat { items };
                }
            }
        }
    }
}

fn close(items: &mut [Item], open: &mut Vec<usize>) {
    if let Some(i) = open.pop() {
        let end = items.len();
        if let Item::Element(e) = &mut items[i] {
            e.end = end;
        }
    }
}

impl Flat {
    pub fn el(&self, i: usize) -> Option<&El> {
        match self.items.get(i) {
            Some(Item::Element(e)) => Some(e),
            _ => None,
        }
    }

    /// Ancestors of `i` (elements), nearest first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.el(i).map(|e| e.parent).unwrap_or(usize::MAX);
        std::iter::from_fn(move || {
            if cur == usize::MAX {
                return None;
            }
            let r = cur;
            cur = self.el(cur).map(|e| e.parent).unwrap_or(usize::MAX);
            Some(r)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(html: &str) -> Flat {
        let doc = scraper::Html::parse_document(html);
        flatten(doc.root_element())
    }

    #[test]
    fn subtree_ranges_and_parents() {
        let f = flat("<div><p>a<b>b</b></p><script>x</script><p>c</p></div>");
        let tags: Vec<_> = f
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Element(e) => Some(e.tag),
                Item::Text(_) => None,
            })
            .collect();
        assert_eq!(
            tags,
            [
                Tag::OtherBlock,
                Tag::Body,
                Tag::Div,
                Tag::P,
                Tag::Inline,
                Tag::P
            ]
        );
        for (i, it) in f.items.iter().enumerate() {
            if let Item::Element(e) = it {
                assert!(e.end > i, "end of {i}");
                if e.parent != usize::MAX {
                    let p = f.el(e.parent).unwrap();
                    assert!(e.parent < i && p.end >= e.end);
                }
            }
        }
        let texts: Vec<_> = f
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["a", "b", "c"]);
    }

    #[test]
    fn hidden_elements_are_left_out() {
        let f = flat(
            r#"<p hidden>a</p><p style="display: none">b</p><p aria-hidden="true">c</p><p>d</p>"#,
        );
        let texts: Vec<_> = f
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["d"]);
    }
}
