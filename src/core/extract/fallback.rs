//! The fallback chain: the body found in the markup is checked against the
//! rest of the page before it is taken.
//!
//! Strategies, in order (the first that passes the check wins; when none
//! does, the one with the most text among those tried):
//!
//! 1. `markup`: the scored container of `body.rs`;
//! 2. `json-ld`: the page's own `articleBody` (and, before the check, a
//!    post found only in `<noscript>`, see `noscript_body` in `mod.rs`);
//! 3. `container`: the smallest container around the markup body that holds
//!    most of the page's prose;
//! 4. `prose`: every paragraph of prose on the page, in order (what is left
//!    when no container can be trusted).
//!
//! A thin body is replaced only by one at most [`MAX_GROWTH`] times longer:
//! a page whose prose dwarfs a real body is a page of many items (a list of
//! publications, an archive), and its items are not the article.
//!
//! The check, as trafilatura and readability make it at the same decision:
//! a body is *short* under [`MIN_BODY`] characters; it is *thin* when the
//! page holds several times its prose outside it; it is a *wall* when it reads
//! like a consent notice while the page has prose elsewhere. Thresholds are
//! wide on purpose: a small edit inside an article must never move a page
//! from one strategy to another.

use super::body::Block;
use super::dom::{Flat, Tag};

/// Text shorter than this is not an article body on its own (trafilatura's
/// `min_extracted_size` is the same order).
pub const MIN_BODY: usize = 250;

/// A block counts as prose from this length, with little link text.
const PROSE_CHARS: usize = 80;
const PROSE_MAX_LINK_DENSITY: f64 = 0.3;

/// A body is thin when the page's prose is more than this many times its own.
const THIN_RATIO: usize = 3;

/// And the prose outside it is at least this long (a short page with two
/// teasers beside a short story is not a reason to look further).
const THIN_MIN_OUTSIDE: usize = 1000;

/// How many times longer than a thin body its replacement may be.
pub const MAX_GROWTH: usize = 20;

fn is_prose(b: &Block) -> bool {
    b.chars() >= PROSE_CHARS && b.link_density() < PROSE_MAX_LINK_DENSITY
}

fn prose_chars<'a>(blocks: impl Iterator<Item = &'a Block>) -> usize {
    blocks.filter(|b| is_prose(b)).map(Block::chars).sum()
}

/// Why a body was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    Short,
    Thin,
    Wall,
}

impl Weakness {
    pub fn describe(self) -> &'static str {
        match self {
            Weakness::Short => "short",
            Weakness::Thin => "thin against the page's prose",
            Weakness::Wall => "a consent notice",
        }
    }
}

/// Checks one candidate body (`paras`, with `prose` characters of prose)
/// against the page's prose (`page_prose` characters).
pub fn check(paras: &[String], prose: usize, page_prose: usize) -> Option<Weakness> {
    let chars: usize = paras.iter().map(|p| p.chars().count()).sum();
    let elsewhere = page_prose.saturating_sub(prose);
    if elsewhere >= MIN_BODY && super::guard::reads_like_consent(&paras.join("\n\n")) {
        return Some(Weakness::Wall);
    }
    if chars < MIN_BODY && elsewhere >= MIN_BODY {
        return Some(Weakness::Short);
    }
    if elsewhere >= THIN_MIN_OUTSIDE && page_prose > prose * THIN_RATIO {
        return Some(Weakness::Thin);
    }
    None
}

/// The page's prose: characters of prose blocks (boilerplate left out).
pub fn page_prose(blocks: &[Block]) -> usize {
    prose_chars(blocks.iter())
}

/// Prose characters of the chosen blocks.
pub fn chosen_prose(blocks: &[Block], chosen: &[usize]) -> usize {
    prose_chars(chosen.iter().map(|&i| &blocks[i]))
}

/// The `container` strategy: the smallest element around the chosen blocks
/// that holds most of the page's prose (but not the whole `<body>`, which
/// is the `prose` strategy's job). Its blocks, without runs of link
/// paragraphs.
pub fn container(flat: &Flat, blocks: &[Block], chosen: &[usize]) -> Option<Vec<usize>> {
    let first = blocks.get(*chosen.first()?)?.owner;
    let page = page_prose(blocks);
    let mine = chosen_prose(blocks, chosen);
    // The lowest common ancestor of the chosen blocks, then upwards.
    let last = blocks.get(*chosen.last()?)?.owner;
    let mut anc = std::iter::once(first).chain(flat.ancestors(first));
    let start = anc.find(|&a| flat.el(a).is_some_and(|e| a <= last && last < e.end))?;
    for a in std::iter::once(start).chain(flat.ancestors(start)) {
        let e = flat.el(a)?;
        if e.tag == Tag::Body || e.parent == usize::MAX {
            return None;
        }
        let inside: Vec<usize> = (0..blocks.len())
            .filter(|&i| blocks[i].owner >= a && blocks[i].owner < e.end)
            .collect();
        let prose = chosen_prose(blocks, &inside);
        if prose * 2 >= page && prose >= mine * 2 {
            return Some(without_link_runs(blocks, inside));
        }
    }
    None
}

/// The `prose` strategy: every prose block of the page, in order, but for
/// the blocks of a body rejected as a notice.
pub fn prose(blocks: &[Block], rejected: &[usize]) -> Vec<usize> {
    (0..blocks.len())
        .filter(|&i| is_prose(&blocks[i]) && !rejected.contains(&i))
        .collect()
}

/// Drops runs of two or more paragraphs that are mostly link text (lists of
/// other stories); a lone link paragraph is often part of the text.
fn without_link_runs(blocks: &[Block], chosen: Vec<usize>) -> Vec<usize> {
    let linky = |k: usize| blocks[chosen[k]].link_density() >= 0.5;
    (0..chosen.len())
        .filter(|&k| {
            !linky(k) || !((k > 0 && linky(k - 1)) || (k + 1 < chosen.len() && linky(k + 1)))
        })
        .map(|k| chosen[k])
        .collect()
}
