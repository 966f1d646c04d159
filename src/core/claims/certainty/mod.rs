//! Certainty: how firmly a sentence asserts its claim, as a level
//! ([`Certainty`]: stated, hedged, denied) and as a set of markers.
//!
//! One recogniser for both: [`scan`] reads the sentence's words against
//! the cue lexicon ([`lexicon`], data in `cues.tsv`: a published hedge
//! list, organised by the hedge categories of the CoNLL-2010 shared task
//! and of Hyland, plus news attribution hedges, boosters and negations).
//! Cues are epistemic adverbs and adjectives ("reportedly", "likely"),
//! epistemic verbs ("is said to", "data suggest", "analysts believe"),
//! impersonal evidential frames ("it is understood", "it appears"), modal
//! verbs ("will", "may", "could"), boosters ("confirmed") and denials or
//! negations ("denied", "not", "never"). Inserting or removing a cue, or
//! swapping one modal for another (will → may), changes the claim's
//! certainty even when the level stays the same. Synonymous cues share one
//! marker ("likely" and "probably"), so a reworded hedge is not a
//! certainty change.
//!
//! Precision matters as much as recall: each cue holds only in its context
//! ([`lexicon::Context`]). "Reported to the chief executive" (worked for),
//! "May" the month, "the will of the people", "a can of soup", "appeared
//! in court", "suggested a meeting", "a thought", "rejected the appeal"
//! and "could" of a past ability ("when I was young I could run") are not
//! cues. One pass over the words, no regular expressions.

pub mod lexicon;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use lexicon::{BE, CUES, Class, Context, Cue};

/// How firmly a sentence asserts its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    #[default]
    Stated,
    /// Reportedly, could, may, in talks, expected to, sources say.
    Hedged,
    /// Denied or negated.
    Denied,
}

impl Certainty {
    pub fn as_str(&self) -> &'static str {
        match self {
            Certainty::Stated => "stated",
            Certainty::Hedged => "hedged",
            Certainty::Denied => "denied",
        }
    }
}

/// A word of the sentence, lower-cased (borrowed when it already is), with
/// whether it was capitalised.
struct W<'a> {
    lower: Cow<'a, str>,
    cap: bool,
}

fn words(text: &str) -> Vec<W<'_>> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}')) {
        let w = raw.trim_matches(['\'', '\u{2019}']);
        if w.is_empty() {
            continue;
        }
        let cap = w.chars().next().is_some_and(char::is_uppercase);
        let lower: Cow<'_, str> = if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'') {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase().replace('\u{2019}', "'"))
        };
        // "it's", "that's", "there's": the pronoun and "is", so frames
        // read the same either way.
        if let Some(p) = lower.strip_suffix("'s")
            && matches!(p, "it" | "that" | "there")
        {
            let p = p.to_string();
            out.push(W {
                lower: Cow::Owned(p),
                cap,
            });
            out.push(W {
                lower: Cow::Borrowed("is"),
                cap: false,
            });
            continue;
        }
        out.push(W { lower, cap });
    }
    out
}

/// Words before which "will", "might", "can", "must" are nouns (and
/// "thought" is one: "a thought").
const NOUN_BEFORE: &[&str] = &[
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "free",
    "good",
    "ill",
    "political",
    "military",
    "economic",
    "own",
    "iron",
    "last",
    "of",
];

/// Pronouns and determiners: "reported to him", "reported to the board".
const NOT_VERB: &[&str] = &[
    "him",
    "her",
    "them",
    "me",
    "us",
    "you",
    "the",
    "a",
    "an",
    "his",
    "their",
    "its",
    "my",
    "our",
    "your",
    "police",
    "authorities",
    "work",
    "duty",
];

/// Auxiliaries before "not" that negate the clause: "did not", "is not".
const AUX: &[&str] = &[
    "has", "have", "had", "did", "does", "do", "is", "are", "was", "were", "will", "would",
    "could", "can", "may", "might", "should", "must", "be", "been",
];

/// Words that open a clause after a verb of belief: "believe the deal",
/// "think it", "thought that".
const CLAUSE_START: &[&str] = &[
    "that", "the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "this", "these",
    "those", "there", "its", "his", "her", "their", "our", "such", "some", "most", "many",
];

/// Subjects that are evidence: "data suggest", "filings indicate".
const EVIDENCE: &[&str] = &[
    "data",
    "evidence",
    "figures",
    "numbers",
    "documents",
    "records",
    "filings",
    "results",
    "reports",
    "report",
    "polls",
    "poll",
    "surveys",
    "survey",
    "studies",
    "study",
    "research",
    "analysis",
    "signs",
    "findings",
    "estimates",
    "statistics",
    "this",
    "which",
];

/// What a denial is of: "rejected the reports", "dismissed the claims".
const DENIED_THINGS: &[&str] = &[
    "report",
    "reports",
    "claim",
    "claims",
    "suggestion",
    "suggestions",
    "allegation",
    "allegations",
    "speculation",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "story",
    "stories",
    "account",
    "accusation",
    "accusations",
    "assertion",
    "idea",
];

/// Frames that put "could" in the past, an ability then: "when I was
/// young", "back then", "at the time", "years ago", "used to".
fn past_frame(ws: &[W<'_>]) -> bool {
    let get = |k: usize| ws.get(k).map(|w| &*w.lower).unwrap_or("");
    (0..ws.len()).any(|i| {
        let (a, b, c) = (get(i), get(i + 1), get(i + 2));
        (a == "when" && (matches!(b, "was" | "were") || matches!(c, "was" | "were")))
            || (a == "back" && b == "then")
            || (a == "at" && b == "the" && c == "time")
            || (a == "in" && b == "those" && c == "days")
            || (a == "in" && matches!(b, "my" | "his" | "her" | "their" | "our") && c == "youth")
            || (a == "as" && b == "a" && matches!(c, "child" | "boy" | "girl" | "kid" | "teenager"))
            || (matches!(a, "years" | "decades" | "long") && b == "ago")
            || (a == "used" && b == "to")
    })
}

/// The word at `k`, lower case ("" past either end).
fn at<'a>(ws: &'a [W<'_>], k: usize) -> &'a str {
    ws.get(k).map(|w| &*w.lower).unwrap_or("")
}

/// Does the cue at words `i..end` hold in its context?
fn context_holds(ws: &[W<'_>], i: usize, end: usize, cue: &Cue, past: bool) -> bool {
    let prev = if i > 0 { at(ws, i - 1) } else { "" };
    let next = at(ws, end);
    let be_before = BE.contains(&prev) || prev.ends_with("'s");
    match cue.context {
        Context::Any => true,
        Context::Modal => {
            let w = &ws[i];
            // "May" the month: before a number or a year.
            if w.lower == "may" && !next.is_empty() && next.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            // Capitalised inside a sentence: "May" the month, "Will" the
            // name; at the start before a capitalised word: "Will Smith".
            if w.cap && (i > 0 || ws.get(i + 1).is_some_and(|n| n.cap)) {
                return false;
            }
            // Nouns: "the will of", "military might", "a can of" (but
            // "this may", "that could": pronouns before a modal).
            if matches!(&*w.lower, "will" | "might" | "can" | "must") && NOUN_BEFORE.contains(&prev)
            {
                return false;
            }
            // "could" of a past ability: "when I was young I could run".
            !(w.lower == "could" && past)
        }
        Context::BeTo => {
            be_before
                && next == "to"
                && !NOT_VERB.contains(&at(ws, end + 1))
                && !ws.get(end + 1).is_some_and(|w| w.cap)
        }
        Context::VerbTo => next == "to",
        Context::BeBefore => be_before,
        Context::That => next == "that",
        Context::ThatOrEvidence => next == "that" || EVIDENCE.contains(&prev),
        Context::Clause => {
            !NOUN_BEFORE.contains(&prev) && !be_before && CLAUSE_START.contains(&next)
        }
        Context::Predicative => matches!(prev, "is" | "it" | "be" | "was" | "seems" | "appears"),
        Context::NotAfterNo => !matches!(prev, "no" | "without" | "beyond"),
        Context::DenialObject => {
            (end..(end + 3).min(ws.len())).any(|k| DENIED_THINGS.contains(&at(ws, k)))
                || (end..(end + 6).min(ws.len())).any(|k| at(ws, k) == "as")
        }
        Context::AuxBefore => AUX.contains(&prev),
    }
}

/// Does `cue` match the words from `i`?
fn matches_at(ws: &[W<'_>], i: usize, cue: &Cue) -> bool {
    cue.words.iter().enumerate().all(|(k, p)| {
        let w = at(ws, i + k);
        if *p == "BE" { BE.contains(&w) } else { w == *p }
    })
}

/// The certainty cues of a sentence, in order: `(marker, class)`.
pub fn scan(text: &str) -> Vec<(&'static str, Class)> {
    let ws = words(text);
    let mut out: Vec<(&'static str, Class)> = Vec::new();
    let mut past_cache: Option<bool> = None;
    for i in 0..ws.len() {
        let lw: &str = &ws[i].lower;
        // Contractions: "won't", "didn't", "can't", "it'll".
        if let Some(stem) = lw.strip_suffix("n't") {
            out.push(("negation", Class::NegationClause));
            match stem {
                "wo" => out.push(("will", Class::Modal)),
                "ca" => out.push(("can", Class::Modal)),
                "could" | "might" => out.push((
                    if stem == "could" { "could" } else { "might" },
                    Class::Hedge,
                )),
                "would" => out.push(("would", Class::Modal)),
                "should" => out.push(("should", Class::Modal)),
                "must" => out.push(("must", Class::Modal)),
                _ => {}
            }
            continue;
        }
        if lw.ends_with("'ll") {
            out.push(("will", Class::Modal));
            continue;
        }
        let Some(cues) = CUES.get(lw) else {
            continue;
        };
        for cue in cues {
            if !matches_at(&ws, i, cue) {
                continue;
            }
            let past = cue.context == Context::Modal
                && lw == "could"
                && *past_cache.get_or_insert_with(|| past_frame(&ws));
            if context_holds(&ws, i, i + cue.words.len(), cue, past) {
                out.push((cue.marker, cue.class));
            }
        }
    }
    out
}

/// The certainty markers of a sentence, sorted and deduplicated.
pub fn markers(text: &str) -> Vec<String> {
    let mut m: Vec<&'static str> = scan(text).into_iter().map(|(m, _)| m).collect();
    m.sort_unstable();
    m.dedup();
    m.into_iter().map(String::from).collect()
}

/// The level of a sentence's cues: denied when it denies or negates the
/// claim, hedged when a hedge qualifies it, stated otherwise.
pub fn level(cues: &[(&'static str, Class)]) -> Certainty {
    if cues
        .iter()
        .any(|(_, c)| matches!(c, Class::Denial | Class::NegationClause))
    {
        Certainty::Denied
    } else if cues.iter().any(|(_, c)| *c == Class::Hedge) {
        Certainty::Hedged
    } else {
        Certainty::Stated
    }
}

/// Stated, hedged or denied.
pub fn certainty(text: &str) -> Certainty {
    level(&scan(text))
}
