//! The claim engine: sentences, claim detection, facets, claim changes
//! between versions of an article, and fact values across outlets.
//! Pure code: values in, values out (no I/O, no clock).
//!
//! * [`split_sentences`] cuts article text into [`Sentence`]s.
//! * [`score_sentence`] says whether a sentence is a claim, with a score
//!   and reasons; [`facets`] extracts entities, amounts, percentages,
//!   dates, attribution and certainty.
//! * [`lexicon`] holds the vocabulary (months, numbers, currencies, units,
//!   qualifiers) and [`certainty`] the hedge lexicon: one list per concept,
//!   one recogniser ([`quantity`], [`facets::dates`], [`certainty`]) that
//!   every part calls.
//! * [`analyse`] does both for a whole article and returns its [`Claim`]s.
//! * [`compare_claims`] aligns two versions of one article and classifies
//!   each change ([`ChangeKind`]).
//! * [`fact_values`], [`find_conflicts`] and [`fact_revisions`] track the
//!   story's key facts across outlets and versions.

use serde::{Deserialize, Serialize};

use lexicon::calendar;

pub mod align;
pub mod certainty;
pub mod detect;
pub mod facets;
pub mod facts;
pub mod lexicon;
pub mod model;
pub mod quantity;
pub mod story;
pub use crate::core::sentences;
pub use crate::core::stamp;

pub use align::{ChangeKind, ClaimChange, FacetChange, WordSpan, WordSpanKind, compare_claims};
pub use certainty::markers;
pub use detect::{Detection, checkable, score_sentence};
pub use facets::{Amount, Certainty, DateRef, Facets, Percentage, facets};
pub use facts::{Conflict, FactValue, Revision, fact_revisions, fact_values, find_conflicts};
pub use quantity::{Quantity, QuantityKind, quantities};
pub use sentences::{Sentence, split_sentences};
pub use stamp::is_stamp;
pub use story::{FactKind, FactSpec, Story};

/// One claim: a sentence that asserts something checkable, with its facets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub text: String,
    /// Index into [`Analysis::sentences`].
    pub sentence: usize,
    pub score: f32,
    pub reasons: Vec<String>,
    pub entities: Vec<String>,
    pub amounts: Vec<Amount>,
    pub percentages: Vec<Percentage>,
    pub dates: Vec<DateRef>,
    pub attribution: Option<String>,
    pub certainty: Certainty,
    /// Every quantity: money, percentages, measures, counts.
    #[serde(default)]
    pub quantities: Vec<Quantity>,
    /// Certainty markers (hedges, modals, confirmations, negations).
    #[serde(default)]
    pub markers: Vec<String>,
    /// Normalised form shared by the same claim in different wordings; see
    /// [`claim_key`].
    pub key: String,
}

impl Claim {
    /// The claim's facets (entities, numbers, attribution, certainty).
    pub fn facets(&self) -> Facets {
        Facets {
            entities: self.entities.clone(),
            amounts: self.amounts.clone(),
            percentages: self.percentages.clone(),
            dates: self.dates.clone(),
            attribution: self.attribution.clone(),
            certainty: self.certainty,
            quantities: self.quantities.clone(),
            markers: self.markers.clone(),
        }
    }
}

/// An article's sentences and the claims among them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Analysis {
    pub sentences: Vec<Sentence>,
    pub claims: Vec<Claim>,
}

impl Analysis {
    /// The claim made by sentence `i`, if it is one.
    pub fn claim_at(&self, sentence: usize) -> Option<&Claim> {
        self.claims
            .binary_search_by_key(&sentence, |c| c.sentence)
            .ok()
            .map(|i| &self.claims[i])
    }
}

/// The most text [`analyse`] reads: far beyond any article (a long one is
/// 50 KB), so only pathological pages are cut.
pub const MAX_TEXT: usize = 1 << 20;

/// Sentences longer than this (in bytes) are never claims.
pub const MAX_SENTENCE: usize = 2_000;

/// Paragraphs are read up to this many bytes (the sentence splitter's work
/// grows faster than linearly with a paragraph that never ends a sentence).
pub const MAX_PARAGRAPH: usize = 16 * 1024;

/// The text cut to [`MAX_TEXT`], each paragraph to [`MAX_PARAGRAPH`], on
/// character boundaries. Borrowed when nothing needs cutting (every article).
fn bound_text(text: &str) -> std::borrow::Cow<'_, str> {
    fn cut(s: &str, max: usize) -> &str {
        let mut end = s.len().min(max);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[..end]
    }
    let text = cut(text, MAX_TEXT);
    if text.split("\n\n").all(|p| p.len() <= MAX_PARAGRAPH) {
        return std::borrow::Cow::Borrowed(text);
    }
    let paragraphs: Vec<&str> = text.split("\n\n").map(|p| cut(p, MAX_PARAGRAPH)).collect();
    std::borrow::Cow::Owned(paragraphs.join("\n\n"))
}

/// Splits an article into sentences, finds its claims and their facets.
pub fn analyse(text: &str, story: &Story) -> Analysis {
    // A page can be anything: only the first MAX_TEXT bytes are read as
    // prose, and a "sentence" longer than MAX_SENTENCE is not one a reader
    // would check, so neither costs the detector or the facet patterns.
    let bounded = bound_text(text);
    let sentences = split_sentences(&bounded);
    let claims = sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.text.len() <= MAX_SENTENCE)
        .filter_map(|(i, s)| {
            let d = score_sentence(&s.text);
            d.claim.then(|| make_claim(i, &s.text, d, story))
        })
        .collect();
    Analysis { sentences, claims }
}

pub(crate) fn make_claim(sentence: usize, text: &str, d: Detection, story: &Story) -> Claim {
    let f = facets(text, story);
    let key = claim_key(text, &f, story);
    Claim {
        text: text.to_string(),
        sentence,
        score: d.score,
        reasons: d.reasons,
        entities: f.entities,
        amounts: f.amounts,
        percentages: f.percentages,
        dates: f.dates,
        attribution: f.attribution,
        certainty: f.certainty,
        quantities: f.quantities,
        markers: f.markers,
        key,
    }
}

const KEY_STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "it",
    "its",
    "that",
    "this",
    "which",
    "who",
    "will",
    "would",
    "could",
    "may",
    "might",
    "said",
    "says",
    "told",
    "according",
    "reportedly",
    "also",
    "into",
    "about",
    "than",
    "more",
    "up",
    "their",
    "his",
    "her",
    "they",
    "he",
    "she",
    "we",
    "not",
    "on",
    "after",
    "over",
    "new",
    "per",
    "cent",
    "percent",
    "billion",
    "million",
    "trillion",
    "bn",
    "dollars",
    "some",
    "people",
    "familiar",
    "matter",
    "sources",
    "source",
    "statement",
    "expected",
    "talks",
];

/// The normalised key of a claim.
///
/// * Entities: canonical names, lower-cased, sorted, deduplicated; only
///   the story's entities when the claim mentions any of them.
/// * With amounts or percentages: the entities plus the sorted normalised
///   numbers (`usd:50000000000`, `pct:3.5`), so "Amazon will invest $50bn
///   in OpenAI" and "OpenAI gets $50 billion from Amazon, sources say" share
///   `amazon+openai|usd:50000000000`. Wording, attribution, certainty and
///   dates do not enter the key: a change of those is a change *of* the
///   claim, not a different claim.
/// * Otherwise: the entities plus up to 10 sorted content-word stems (the
///   first five letters of each word that is not a stop, attribution or
///   hedge word).
pub fn claim_key(text: &str, f: &Facets, story: &Story) -> String {
    let in_story = |e: &String| story.entities.iter().any(|s| s.eq_ignore_ascii_case(e));
    let story_only = f.entities.iter().any(in_story);
    let mut ents: Vec<String> = f
        .entities
        .iter()
        .filter(|e| !story_only || in_story(e))
        .map(|e| e.to_lowercase())
        .collect();
    ents.sort();
    ents.dedup();
    let mut parts: Vec<String> = f
        .amounts
        .iter()
        .map(|a| format!("{}:{}", a.currency.to_lowercase(), a.value.round() as i64))
        .chain(f.percentages.iter().map(|p| format!("pct:{}", p.value)))
        .collect();
    if parts.is_empty() {
        let mut words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(|w| w.to_lowercase())
            .filter(|w| !KEY_STOPWORDS.contains(&w.as_str()))
            // Weekdays (the calendar lexicon's): "said on Monday" and "said
            // on Tuesday" are the same claim.
            .filter(|w| calendar::weekday(w).is_none_or(|d| d.abbreviation))
            .filter(|w| !ents.iter().any(|e| e.split(' ').any(|p| p == w)))
            .map(|w| w.chars().take(5).collect())
            .collect();
        words.sort();
        words.dedup();
        words.truncate(10);
        parts = words;
    } else {
        parts.sort();
        parts.dedup();
    }
    format!("{}|{}", ents.join("+"), parts.join(" "))
}
