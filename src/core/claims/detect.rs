//! Claim detection: does a sentence assert something checkable?
//!
//! Two parts. Rule features (an amount, a percentage, a number, a date, a
//! named entity, an attribution, a hedge, a question, an opinion marker,
//! boilerplate) give the reasons and feed the model. Amounts, percentages
//! and numbers are the quantity scanner's, dates the date recogniser's and
//! hedges the certainty lexicon's: the detector recognises none of them a
//! second time. A logistic-regression
//! model over hashed word uni- and bigrams plus those rule features
//! (trained on labelled sentences, see `examples/train_claims.rs`) gives
//! the score. A few rules then override the model where news prose differs
//! from the training data: boilerplate is never a claim, and a sentence
//! with an amount or percentage about a named entity always is.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::certainty::lexicon::Class;
use super::certainty::scan;
use super::facets::mentions_date;
use super::lexicon::numbers;
use super::model::{DIM, LinearModel};
use super::quantity::{QuantityKind, quantities};

/// The detector's verdict on one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub claim: bool,
    /// Probability-like score in `0..=1`.
    pub score: f32,
    /// Why: the rule features that fired, e.g. `"amount"`, `"question"`.
    pub reasons: Vec<String>,
}

static MODEL_BYTES: &[u8] = include_bytes!("../../../models/claims.bin");

/// Threshold used when the shipped model is missing or unreadable.
const FALLBACK_THRESHOLD: f32 = 0.5;

pub(crate) static MODEL: LazyLock<Option<LinearModel>> =
    LazyLock::new(|| LinearModel::from_bytes(MODEL_BYTES));

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(sign up|subscribe|newsletter|click here|all rights reserved|cookies?(?-u:\b)|follow us|read more|advertisement|terms of (use|service)|privacy policy|copyright|share this|download (the|our) app|log ?in|sign in|related (articles|stories)|recommended for you|contact us|this article (was|has been) (updated|amended)|editing by|reporting by|writing by|follow (him|her|them|me|us) on|share (on|via) (facebook|twitter|email)|(view|see) (comments|gallery))(?-u:\b)",
    )
    .unwrap()
});

static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(said|says|told|according to|announced|confirmed|reported|stated|wrote|declared|disclosed|familiar with)(?-u:\b)").unwrap()
});
static OPINION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(i think|i believe|i feel|in my (view|opinion)|we (need|must|should|ought)|i want|i hope|let me|we've got to|we have to|i'm going to|i will)(?-u:\b)").unwrap()
});
static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(invest(s|ed|ing|ment)?|acquire[sd]?|bought|buy(s|ing)?|sold|sell(s|ing)?|raise[sd]?|raising|fund(s|ed|ing)?|launch(es|ed)?|announce[sd]?|agree[sd]?|signed|valued|valuation|cut|cuts|hired|fired|laid off|owns?|owned|stake|deal|revenue|profit|loss|grew|rose|fell|increased|decreased|doubled|tripled|voted|passed|spent|spending|paid|pays|won|lost|created|killed)(?-u:\b)").unwrap()
});

/// Common capitalised words that do not mark a named entity by themselves.
const NOT_NAMES: &[&str] = &[
    "I", "I'm", "I've", "I'd", "I'll", "Mr", "Mrs", "Ms", "Dr", "OK", "God",
];

/// Rule features of one sentence: the facts the detector can explain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Rules {
    pub amount: bool,
    pub percent: bool,
    pub number: bool,
    pub date: bool,
    pub entity: bool,
    pub attribution: bool,
    pub hedge: bool,
    pub question: bool,
    pub opinion: bool,
    pub boilerplate: bool,
    pub action: bool,
    pub words: usize,
}

pub(crate) fn rules(text: &str) -> Rules {
    let words: Vec<&str> = text.split_whitespace().collect();
    let entity = words.iter().enumerate().skip(1).any(|(i, w)| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        let prev = words[i - 1];
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().count() > 1
            && !NOT_NAMES.contains(&w)
            && !prev.ends_with(['.', '?', '!', ':', '"', '\u{201C}'])
    });
    let trimmed = text.trim_end_matches(|c: char| "\"'\u{201D}\u{2019})".contains(c));
    // Numbers, money and percentages: the quantity scanner's, and the
    // number words of the lexicon. Without a digit only
    // a written-out number can be one, so most sentences skip the scanner.
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let number_word = || {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| (3..=9).contains(&w.len()))
            .any(|w| {
                let w = w.to_ascii_lowercase();
                numbers::is_number_word(&w)
            })
    };
    let (quantities, number) = if has_digit || number_word() {
        (quantities(text), true)
    } else {
        (Vec::new(), false)
    };
    Rules {
        amount: quantities.iter().any(|q| q.kind == QuantityKind::Money),
        percent: quantities.iter().any(|q| q.kind == QuantityKind::Percent),
        number,
        date: mentions_date(text),
        entity,
        attribution: ATTRIBUTION.is_match(text),
        hedge: scan(text).iter().any(|(_, c)| *c == Class::Hedge),
        question: trimmed.ends_with('?'),
        opinion: OPINION.is_match(text),
        boilerplate: words.len() < 25 && BOILERPLATE.is_match(text),
        action: ACTION.is_match(text),
        words: words.len(),
    }
}

impl Rules {
    fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let flags = [
            (self.amount, "amount"),
            (self.percent, "percentage"),
            (self.number && !self.amount && !self.percent, "number"),
            (self.date, "date"),
            (self.entity, "named entity"),
            (self.action, "action"),
            (self.attribution, "attribution"),
            (self.hedge, "hedge"),
            (self.question, "question"),
            (self.opinion, "opinion"),
            (self.boilerplate, "boilerplate"),
            (self.words < 4, "too short"),
        ];
        for (on, name) in flags {
            if on {
                v.push(name);
            }
        }
        v
    }
}

// ---- hashing ---------------------------------------------------------------

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET ^ seed.wrapping_mul(FNV_PRIME);
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn mix(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    x
}

fn bucket(h: u64) -> u32 {
    (h & (DIM as u64 - 1)) as u32
}

/// Word tokens for the model: lower-cased words, numbers reduced to their
/// shape (`<num>`, `<year>`, `<dec>`), and the symbols `$ £ € % ?`.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || ((d == '\'' || d == '\u{2019}') && end == j) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let w = text[i..end]
                .trim_end_matches(['\'', '\u{2019}'])
                .replace('\u{2019}', "'")
                .to_lowercase();
            out.push(w);
        } else if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                let next_digit = text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_digit());
                if d.is_ascii_digit() || ((d == ',' || d == '.') && next_digit) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let n = &text[i..end];
            let shape = if n.contains('.') {
                "<dec>"
            } else if n.len() == 4 && (n.starts_with("19") || n.starts_with("20")) {
                "<year>"
            } else if n.len() <= 2 {
                "<num>"
            } else {
                "<bignum>"
            };
            out.push(shape.to_string());
        } else if "$£€¥%?".contains(c) {
            out.push(c.to_string());
        }
    }
    out
}

/// The model's active feature buckets for a sentence (sorted, deduplicated).
pub fn sentence_features(text: &str) -> Vec<u32> {
    let r = rules(text);
    features_with(text, &r)
}

fn features_with(text: &str, r: &Rules) -> Vec<u32> {
    let toks = tokens(text);
    let mut out = Vec::with_capacity(toks.len() * 3 + 16);
    let hashes: Vec<u64> = toks.iter().map(|t| fnv(1, t.as_bytes())).collect();
    let start = fnv(2, b"<s>");
    let end = fnv(2, b"</s>");
    for (i, &h) in hashes.iter().enumerate() {
        out.push(bucket(h));
        let prev = if i == 0 { start } else { hashes[i - 1] };
        out.push(bucket(mix(prev, h)));
    }
    if let Some(&last) = hashes.last() {
        out.push(bucket(mix(last, end)));
    }
    let len_bucket = match r.words {
        0..=4 => "len:0",
        5..=9 => "len:5",
        10..=19 => "len:10",
        20..=39 => "len:20",
        _ => "len:40",
    };
    let mut rule_names = r.names();
    rule_names.push(len_bucket);
    if r.number && r.entity {
        rule_names.push("number+entity");
    }
    if (r.amount || r.percent) && r.action {
        rule_names.push("amount+action");
    }
    if !r.number && !r.date && !r.entity {
        rule_names.push("no-facts");
    }
    for name in rule_names {
        out.push(bucket(fnv(3, name.as_bytes())));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The final score of a sentence given a model: the model's probability,
/// adjusted by the news-prose rules.
pub fn score_with(model: Option<&LinearModel>, text: &str) -> Detection {
    let r = rules(text);
    let (mut score, threshold) = match model {
        Some(m) => (m.predict(&features_with(text, &r)), m.threshold),
        None => (rule_score(&r), FALLBACK_THRESHOLD),
    };
    // Rescale so the model's own threshold sits at 0.5.
    score = rescale(score, threshold);
    if r.boilerplate {
        score = score.min(0.05);
    } else if (r.amount || r.percent) && (r.entity || r.action) && !r.question {
        score = score.max(0.8);
    } else if r.words < 3 {
        score = score.min(0.2);
    }
    Detection {
        claim: score >= 0.5,
        score,
        reasons: r.names().into_iter().map(String::from).collect(),
    }
}

/// Maps `p` so that `threshold` becomes 0.5, keeping 0 and 1 fixed.
fn rescale(p: f32, threshold: f32) -> f32 {
    let t = threshold.clamp(0.01, 0.99);
    if p < t {
        0.5 * p / t
    } else {
        0.5 + 0.5 * (p - t) / (1.0 - t)
    }
}

/// A rule-only score, used when no model is available.
fn rule_score(r: &Rules) -> f32 {
    let mut s: f32 = 0.2;
    if r.amount || r.percent {
        s += 0.4;
    } else if r.number {
        s += 0.2;
    }
    if r.date {
        s += 0.1;
    }
    if r.entity {
        s += 0.15;
    }
    if r.action {
        s += 0.1;
    }
    if r.attribution {
        s += 0.1;
    }
    if r.question {
        s -= 0.3;
    }
    if r.opinion {
        s -= 0.2;
    }
    s.clamp(0.0, 1.0)
}

/// Does the sentence state something a reader could check? In news almost
/// every body sentence does: a number, a named person or organisation
/// doing or being something, an attribution, a quote. Not checkable:
/// boilerplate ("Read more", newsletter prompts), time stamps, fragments
/// of fewer than five words with no fact in them, first-person opinion
/// and questions with nothing named or counted in them.
///
/// The detector's score says how *worth* checking a sentence is and ranks
/// claim changes; this says whether an edit of it is a claim change at all.
pub fn checkable(text: &str) -> bool {
    let r = rules(text);
    if r.boilerplate || super::stamp::is_stamp(text) {
        return false;
    }
    let quoted = text.contains(['"', '\u{201C}', '\u{201D}', '\u{00AB}', '\u{201E}']);
    if r.amount || r.percent || r.number || r.entity || r.date {
        return r.words >= 3;
    }
    if r.words < 5 {
        return false;
    }
    if r.opinion && !r.attribution {
        return false;
    }
    if r.question && !quoted {
        return false;
    }
    true
}

/// Scores one sentence with the shipped model.
pub fn score_sentence(text: &str) -> Detection {
    score_with(MODEL.as_ref(), text)
}
