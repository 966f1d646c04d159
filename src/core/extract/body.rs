//! Finding the article body in the flat document.
//!
//! The method is readability's, re-derived: the page is cut into paragraphs of
//! text; each paragraph with substance votes for the elements around it (its
//! container fully, the container's parent half, and so on); votes are damped
//! by link density and by class/id names that mark boilerplate. The best
//! container, widened to siblings that read like the same article, is the
//! body. Boilerplate inside it (link lists, share bars, captions) is cut at the
//! end by paragraph.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{Flat, Item, STATE_WORDS, Tag, is_state_token, kind_of};

/// One paragraph of text: what a reader sees between two block boundaries.
#[derive(Debug, Clone)]
pub struct Block {
    /// Whitespace-collapsed text.
    pub text: String,
    /// Characters of `text` that sit inside links.
    pub link_chars: usize,
    /// Index of the innermost block element holding the text.
    pub owner: usize,
    /// Tag of `owner`.
    pub tag: Tag,
}

impl Block {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    pub fn link_density(&self) -> f64 {
        let c = self.chars();
        if c == 0 {
            0.0
        } else {
            self.link_chars as f64 / c as f64
        }
    }
}

/// Words in class or id names of things that are not the article. Names are
/// cut into words at every non-alphanumeric character, so `social-share__bar`
/// matches `share` but `adrail` does not match `rail`.
const UNLIKELY_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adslot",
    "adunit",
    "dfp",
    "gpt",
    "banner",
    "sponsor",
    "sponsored",
    "promo",
    "promos",
    "promotion",
    "outbrain",
    "taboola",
    "zergnet",
    "comment",
    "comments",
    "commenting",
    "disqus",
    "respond",
    "reply",
    "replies",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "trending",
    "popular",
    "recirc",
    "recirculation",
    "newsletter",
    "newsletters",
    "subscribe",
    "signup",
    "subscription",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "sidebar",
    "rail",
    "widget",
    "widgets",
    "skyscraper",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "menu",
    "masthead",
    "topbar",
    "navbar",
    "nav",
    "navigation",
    "footer",
    "popup",
    "modal",
    "overlay",
    "lightbox",
    "toolbar",
    "tags",
    "keywords",
    "topics",
    "byline",
    "bylines",
    "dateline",
    "timestamp",
    "caption",
    "credit",
    "credits",
    "copyright",
    "hidden",
    "offscreen",
    "noprint",
    "login",
    "signin",
    "author",
    "authors",
    "bio",
    "readmore",
    "print",
];

/// Multi-word names of things that are not the article.
static UNLIKELY_PHRASES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"read-more|more-(stories|from|news|articles|on)|also-read|most-(read|popular|viewed)|up-next|next-article|you-may-like|around-the-web|sr-only|visually-hidden|screen-reader|skip-link|jump-link|post-meta|entry-meta|article-meta|meta-data|share-tools|site-header|site-footer|page-header|page-footer",
    )
    .expect("static regex")
});

// Words of [`UNLIKELY_WORDS`] that say what state an element is in
// (`dom::STATE_WORDS`) name the element only as a whole class token
// (`hidden`, `is-hidden`); inside a compound name they describe a part of it
// (`field--label-hidden`: the field's label is hidden, the field is shown).

/// Words after which a boilerplate word describes what an element has or
/// lacks, not what it is (`has-sidebar`, `no-comments`, `with-ads`).
const ABOUT_WORDS: &[&str] = &["has", "no", "with", "without"];

fn unlikely_name(class_id: &str) -> bool {
    class_id.split_whitespace().any(|token| {
        let words: Vec<&str> = token
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().enumerate().any(|(k, w)| {
            if !UNLIKELY_WORDS.contains(w) || (k > 0 && ABOUT_WORDS.contains(&words[k - 1])) {
                return false;
            }
            !STATE_WORDS.contains(w) || words.len() == 1 || (k == 1 && words[0].len() <= 2)
        })
    }) || UNLIKELY_PHRASES.is_match(class_id)
}

/// Class or id names that lower a container's score.
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x) comment | (^|[\s_-])(ad|ads|advert)([\s_-]|$) | banner | combx | contact | foot | footnote | masthead | media | meta | outbrain | promo | related | scroll | share | shoutbox | sidebar | skyscraper | sponsor | shopping | tags | tool | widget | recirc | newsletter | teaser | card | nav | menu",
    )
    .expect("static regex")
});

/// Class or id names that raise a container's score.
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x) article | body | content | entry | hentry | h-entry | main | page | post | text | blog | story | prose",
    )
    .expect("static regex")
});

/// Whether an element is boilerplate by its tag or its names, so its whole
/// subtree is left out of the candidate text.
fn is_boilerplate(tag: Tag, class_id: &str, hints: &str) -> bool {
    match tag {
        Tag::Nav | Tag::Aside | Tag::Footer | Tag::Form | Tag::Figcaption => return true,
        Tag::Body | Tag::Article | Tag::Main | Tag::P => return false,
        _ => {}
    }
    if hints.contains("navigation")
        || hints.contains("complementary")
        || hints.contains("contentinfo")
        || hints.contains("banner")
        || hints.contains("author")
        || hints.contains("dialog")
        || hints.contains("alert")
    {
        return true;
    }
    if class_id.is_empty() {
        return false;
    }
    unlikely_name(class_id)
}

fn class_weight(class_id: &str) -> f64 {
    let mut w = 0.0;
    if class_id.is_empty() {
        return w;
    }
    if NEGATIVE.is_match(class_id) {
        w -= 25.0;
    }
    if POSITIVE.is_match(class_id) {
        w += 25.0;
    }
    w
}

/// Prose characters from which a `<form>` is content, not controls.
const FORM_PROSE: usize = 300;

/// Marks which elements to leave out: boilerplate by tag or name. A
/// boilerplate-looking element that holds most of the page's prose is kept:
/// class names lie (a "right-rail" wrapper around a whole story), prose less so.
pub fn skip_mask(flat: &Flat, heuristics: bool) -> Vec<bool> {
    let n = flat.items.len();
    let mut skip = vec![false; n];
    if !heuristics {
        return skip;
    }
    // Prose per element: non-link characters of substantial paragraphs.
    let all = blocks(flat, &skip);
    let mut prose = vec![0usize; n];
    for b in &all {
        let c = b.chars();
        if c >= 60 && b.link_density() < 0.5 && b.owner < n {
            prose[b.owner] += c - b.link_chars;
        }
    }
    for i in (0..n).rev() {
        if let Some(e) = flat.el(i)
            && e.parent < n
        {
            prose[e.parent] += prose[i];
        }
    }
    let total = prose.first().copied().unwrap_or(0).max(1) as f64;
    for (i, it) in flat.items.iter().enumerate() {
        if let Item::Element(e) = it
            && e.parent != usize::MAX
            && is_boilerplate(e.tag, &e.class_id, &e.hints)
            && (prose[i] as f64) < total * 0.5
            // A form is controls (search, login, comment boxes) unless it
            // holds prose: shops and ASP.NET pages wrap the whole page in one.
            && (e.tag != Tag::Form || prose[i] < FORM_PROSE)
        {
            skip[i] = true;
        }
    }
    unhide_series(flat, &mut skip);
    skip
}

/// A part of a series hidden by class (the later pages of a gallery, the
/// closed tabs or slides of an article) is text a script shows in turn, as
/// trafilatura, which does not read class names for visibility, keeps it:
/// an element left out only for a state token (`hidden`) is kept when a
/// shown sibling is of the same kind, its names but for that token and
/// digits.
fn unhide_series(flat: &Flat, skip: &mut [bool]) {
    for i in 0..flat.items.len() {
        let Some(e) = flat.el(i) else { continue };
        if !skip[i]
            || !e.class_id.split_whitespace().any(is_state_token)
            || !matches!(e.tag, Tag::Div | Tag::Section | Tag::Article)
        {
            continue;
        }
        let kind = kind_of(&e.class_id);
        if kind.trim().is_empty() || unlikely_name(&kind) || !e.hints.is_empty() {
            continue;
        }
        let Some(p) = flat.el(e.parent) else { continue };
        let mut j = e.parent + 1;
        while j < p.end {
            match flat.el(j) {
                Some(s) => {
                    if j != i && !skip[j] && s.tag == e.tag && kind_of(&s.class_id) == kind {
                        skip[i] = false;
                        break;
                    }
                    j = s.end.max(j + 1);
                }
                None => j += 1,
            }
        }
    }
}

/// Cuts the document into paragraphs, leaving out skipped subtrees.
pub fn blocks(flat: &Flat, skip: &[bool]) -> Vec<Block> {
    let items = &flat.items;
    let mut out = Vec::new();
    // Open elements: (index, end, is_block, is_link).
    let mut stack: Vec<(usize, usize, bool, bool)> = Vec::new();
    let mut buf = String::new();
    let mut link_chars = 0usize;
    let mut owner = usize::MAX;
    let mut pending_space = false;
    let mut links_open = 0usize;
    let mut last_in_link = false;

    let flush = |buf: &mut String,
                 link_chars: &mut usize,
                 owner: &mut usize,
                 out: &mut Vec<Block>,
                 pending_space: &mut bool| {
        if !buf.is_empty() {
            let tag = flat.el(*owner).map(|e| e.tag).unwrap_or(Tag::OtherBlock);
            out.push(Block {
                text: std::mem::take(buf),
                link_chars: *link_chars,
                owner: *owner,
                tag,
            });
        }
        *link_chars = 0;
        *owner = usize::MAX;
        *pending_space = false;
    };

    let mut i = 0;
    while i < items.len() {
        while let Some(&(_, end, is_block, is_link)) = stack.last() {
            if end > i {
                break;
            }
            stack.pop();
            if is_link {
                links_open -= 1;
            }
            if is_block {
                flush(
                    &mut buf,
                    &mut link_chars,
                    &mut owner,
                    &mut out,
                    &mut pending_space,
                );
            }
        }
        match &items[i] {
            Item::Element(e) => {
                let block = e.tag.is_block();
                if block {
                    flush(
                        &mut buf,
                        &mut link_chars,
                        &mut owner,
                        &mut out,
                        &mut pending_space,
                    );
                }
                if skip[i] {
                    i = e.end.max(i + 1);
                    continue;
                }
                let is_link = e.tag == Tag::A;
                if is_link {
                    links_open += 1;
                }
                stack.push((i, e.end, block, is_link));
            }
            Item::Text(t) => {
                if t.starts_with(char::is_whitespace) {
                    pending_space = true;
                }
                for w in t.split_whitespace() {
                    let w = w.trim_matches(|c| matches!(c, '\u{200b}' | '\u{feff}' | '\u{ad}'));
                    if w.is_empty() {
                        continue;
                    }
                    if buf.is_empty() {
                        owner = stack
                            .iter()
                            .rev()
                            .find(|s| s.2)
                            .map(|s| s.0)
                            .unwrap_or(usize::MAX);
                    } else if pending_space {
                        buf.push(' ');
                        // A space is link text only between two link words.
                        if links_open > 0 && last_in_link {
                            link_chars += 1;
                        }
                    }
                    buf.push_str(w);
                    last_in_link = links_open > 0;
                    if last_in_link {
                        link_chars += w.chars().count();
                    }
                    pending_space = true;
                }
                if !t.is_empty() {
                    pending_space = t.ends_with(char::is_whitespace);
                }
            }
        }
        i += 1;
    }
    flush(
        &mut buf,
        &mut link_chars,
        &mut owner,
        &mut out,
        &mut pending_space,
    );
    out
}

fn is_paragraph_tag(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::P
            | Tag::Pre
            | Tag::Td
            | Tag::Th
            | Tag::Li
            | Tag::Dd
            | Tag::Dt
            | Tag::Blockquote
            | Tag::H1
            | Tag::Heading
            | Tag::Figcaption
            | Tag::Address
    )
}

fn tag_bonus(tag: Tag) -> f64 {
    match tag {
        Tag::Div | Tag::Article | Tag::Section | Tag::Main => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form => {
            -3.0
        }
        Tag::H1 | Tag::Heading | Tag::Th => -5.0,
        _ => 0.0,
    }
}

/// Per-element sums over the blocks inside it.
struct Sums {
    chars: Vec<usize>,
    links: Vec<usize>,
}

fn sums(flat: &Flat, blocks: &[Block]) -> Sums {
    let n = flat.items.len();
    let mut chars = vec![0usize; n];
    let mut links = vec![0usize; n];
    for b in blocks {
        if b.owner < n {
            chars[b.owner] += b.chars();
            links[b.owner] += b.link_chars;
        }
    }
    for i in (0..n).rev() {
        if let Some(e) = flat.el(i)
            && e.parent < n
        {
            chars[e.parent] += chars[i];
            links[e.parent] += links[i];
        }
    }
    Sums { chars, links }
}

impl Sums {
    fn link_density(&self, i: usize) -> f64 {
        if self.chars[i] == 0 {
            0.0
        } else {
            self.links[i] as f64 / self.chars[i] as f64
        }
    }
}

/// Paragraphs that are mostly link text inside the body are navigation
/// ("READ MORE: ...", lists of related stories), not prose.
const MAX_BLOCK_LINK_DENSITY: f64 = 0.5;

/// A best candidate with less text than this may be a box, a teaser or a
/// banner that outscored the article (scores are capped per paragraph, so a
/// few dense paragraphs score like many).
const SHORT_BODY: usize = 600;

/// When the best candidate is short, the next best candidate that scores
/// nearly as well and holds several times its text is the article: the
/// scores favour a dense box, the reader sees the long text.
fn fuller_candidate(
    flat: &Flat,
    sums: &Sums,
    cands: &[usize],
    score: &[f64],
    best: usize,
) -> usize {
    let text = |c: usize| sums.chars[c] as f64 * (1.0 - sums.link_density(c));
    if sums.chars[best] >= SHORT_BODY {
        return best;
    }
    cands
        .iter()
        .take(10)
        .copied()
        .find(|&c| {
            score[c] >= score[best] * 0.6
                && text(c) >= text(best) * 3.0
                && flat
                    .el(c)
                    .is_some_and(|e| e.tag != Tag::Body && e.parent != usize::MAX)
        })
        .unwrap_or(best)
}

/// The blocks that make up the article body, in document order.
pub fn select(flat: &Flat, blocks: &[Block]) -> Vec<usize> {
    let n = flat.items.len();
    if blocks.is_empty() {
        return Vec::new();
    }
    let sums = sums(flat, blocks);
    let mut score = vec![0.0f64; n];
    let mut scored = vec![false; n];
    let mut touch = |i: usize, score: &mut Vec<f64>| {
        if !scored[i] {
            scored[i] = true;
            if let Some(e) = flat.el(i) {
                score[i] = tag_bonus(e.tag) + class_weight(&e.class_id);
            }
        }
    };
    for b in blocks {
        let chars = b.chars();
        if chars < 25 || matches!(b.tag, Tag::H1 | Tag::Heading) || b.owner >= n {
            continue;
        }
        let commas = b.text.matches([',', '،', '，']).count() as f64;
        let content = (1.0 + commas + (chars as f64 / 100.0).min(3.0)) * (1.0 - b.link_density());
        // A loose run of text directly in a container votes for that container
        // as a paragraph's parent would.
        let first: Box<dyn Iterator<Item = usize>> = if is_paragraph_tag(b.tag) {
            Box::new(flat.ancestors(b.owner))
        } else {
            Box::new(std::iter::once(b.owner).chain(flat.ancestors(b.owner)))
        };
        for (level, anc) in first.take(5).enumerate() {
            touch(anc, &mut score);
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            score[anc] += content / div;
        }
    }
    let mut cands: Vec<usize> = (0..n).filter(|&i| scored[i]).collect();
    for &c in &cands {
        score[c] *= 1.0 - sums.link_density(c);
    }
    cands.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
    let Some(&best) = cands.first() else {
        return (0..blocks.len()).collect();
    };
    let first = fuller_candidate(flat, &sums, &cands, &score, best);
    let mut top = first;
    let top_score = score[top];

    // Several strong candidates under one ancestor: the ancestor is the article
    // (pages that split the body into several containers).
    let strong: Vec<usize> = cands
        .iter()
        .skip(1)
        .take(5)
        .copied()
        .filter(|&c| score[c] >= top_score * 0.75)
        // Another part of the body holds text of its own: a header row
        // scored by its name alone is no part, and counting it makes the
        // merge turn on how close its name's score is to the top's.
        .filter(|&c| sums.chars[c] * 4 >= sums.chars[top])
        // A part inside the top is already in it: counting the top's own
        // sections would widen the body past it.
        .filter(|&c| !(top < c && c < flat.el(top).map_or(top, |e| e.end)))
        .collect();
    if strong.len() >= 2 && first == best {
        for anc in flat.ancestors(top) {
            let end = flat.el(anc).map(|e| e.end).unwrap_or(0);
            let inside = strong.iter().filter(|&&c| c > anc && c < end).count();
            if inside >= 2 {
                if flat.el(anc).is_some_and(|e| e.tag != Tag::Body) {
                    top = anc;
                }
                break;
            }
        }
    }
    // Climb while the parent scores higher (the candidate was a fragment).
    // A wrapper that holds no text beyond the candidate is transparent: its
    // score is the candidate's, damped by distance, and a bar set by it is
    // one a small edit can cross (the climb would stop or go on by chance).
    let mut last = score[top];
    let threshold = last / 3.0;
    let inner_chars = sums.chars[top];
    for anc in flat.ancestors(top) {
        let Some(e) = flat.el(anc) else { break };
        if e.tag == Tag::Body || e.parent == usize::MAX {
            break;
        }
        if !scored[anc] || sums.chars[anc] == inner_chars {
            continue;
        }
        if score[anc] < threshold {
            break;
        }
        if score[anc] > last {
            top = anc;
            break;
        }
        last = score[anc];
    }

    // Siblings of the top candidate that read like the same article.
    let top_el = flat.el(top).expect("candidate is an element");
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let parent = top_el.parent;
    match flat.el(parent) {
        Some(p) if p.tag != Tag::OtherBlock || p.parent != usize::MAX => {
            let threshold = (score[top] * 0.2).max(10.0);
            let mut j = parent + 1;
            while j < p.end {
                match &flat.items[j] {
                    Item::Element(s) => {
                        let end = s.end.max(j + 1);
                        if j == top {
                            ranges.push((j, end));
                        } else {
                            let mut bonus = 0.0;
                            if !top_el.class_id.is_empty() && s.class_id == top_el.class_id {
                                bonus += score[top] * 0.2;
                            }
                            let keep = if scored[j] && score[j] + bonus >= threshold {
                                true
                            } else if s.tag == Tag::P {
                                let c = sums.chars[j];
                                let ld = sums.link_density(j);
                                (c > 80 && ld < 0.25)
                                    || (c > 0 && c <= 80 && ld == 0.0 && {
                                        blocks
                                            .iter()
                                            .filter(|b| b.owner >= j && b.owner < end)
                                            .any(|b| b.text.ends_with('.'))
                                    })
                            } else {
                                false
                            };
                            if keep {
                                ranges.push((j, end));
                            }
                        }
                        j = end;
                    }
                    Item::Text(_) => j += 1,
                }
            }
        }
        _ => ranges.push((top, top_el.end)),
    }

    // A body split into several containers of one kind (chunks between ads,
    // sections): the other containers share the class of the best one.
    for model in [first, top] {
        let Some(m) = flat.el(model) else { continue };
        if m.class_id.is_empty() {
            continue;
        }
        for &c in &cands {
            let Some(e) = flat.el(c) else { continue };
            if e.tag == m.tag
                && e.class_id == m.class_id
                && sums.chars[c] >= 100
                && sums.link_density(c) < 0.3
                && !ranges
                    .iter()
                    .any(|&(s, end)| (c >= s && c < end) || (s > c && s < e.end))
            {
                ranges.push((c, e.end));
            }
        }
    }

    let chosen: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| ranges.iter().any(|&(s, e)| b.owner >= s && b.owner < e))
        .map(|(i, _)| i)
        .collect();
    // A lone link paragraph is often part of the text ("Get it at ... for
    // $20"); a run of them is a list of other stories.
    let linky = |k: usize| blocks[chosen[k]].link_density() >= MAX_BLOCK_LINK_DENSITY;
    (0..chosen.len())
        .filter(|&k| {
            !linky(k) || !((k > 0 && linky(k - 1)) || (k + 1 < chosen.len() && linky(k + 1)))
        })
        .map(|k| chosen[k])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::dom::flatten;
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        let flat = flatten(doc.root_element());
        let skip = skip_mask(&flat, false);
        blocks(&flat, &skip).into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn blocks_split_on_block_elements_and_keep_inline_words_together() {
        assert_eq!(
            texts("<div>intro <b>bold</b>text<p>one\n  two</p>tail<br>after</div>"),
            ["intro boldtext", "one two", "tail", "after"]
        );
    }

    #[test]
    fn link_characters_are_counted() {
        let doc = scraper::Html::parse_document(r#"<p>see <a href="/x">this link</a> now</p>"#);
        let flat = flatten(doc.root_element());
        let skip = skip_mask(&flat, false);
        let b = blocks(&flat, &skip);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].text, "see this link now");
        assert_eq!(b[0].link_chars, "this link".len());
    }
}
