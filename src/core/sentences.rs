//! A sentence splitter for news prose: the unit of comparison and of claims.
//!
//! Paragraphs are separated by blank lines. Inside a paragraph a sentence
//! ends at `.`, `!`, `?` or an ellipsis (optionally followed by closing
//! quotes or brackets) when the next word can start a sentence. A period
//! does not end a sentence after a title (Mr., Sen.), a single initial
//! (John F. Kennedy), a month or `No.` before a number, or when the next
//! word starts in lower case. After an initialism or company suffix
//! (U.S., Inc.) a sentence ends only if the next word is a typical
//! sentence opener (The, It, He, ...). A dateline ("SEATTLE (Reuters) —")
//! at the start of a paragraph is split off into [`Sentence::dateline`].
//! Within a paragraph, a short line without final punctuation followed by
//! a line break is a heading and stands alone.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::core::claims::lexicon::calendar;

/// One sentence of an article's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub text: String,
    /// Index of the paragraph (non-empty, blank-line separated) it belongs to.
    pub paragraph: usize,
    /// Byte offsets of `text` in the input (`input[start..end]` is the
    /// sentence, with its original internal whitespace).
    pub start: usize,
    pub end: usize,
    /// A dateline that preceded this sentence ("SEATTLE (Reuters)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
}

/// Titles: never the end of a sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "st", "rev", "hon", "pres", "supt", "messrs", "mt", "ft", "vs", "v",
    "e.g", "i.e", "cf", "approx", "est", "fig", "ave", "blvd", "no", "nos", "vol", "pp", "p",
];

/// Abbreviations that may also end a sentence (company suffixes,
/// initialisms, "etc."); months' abbreviations, in every language, are the
/// calendar lexicon's ([`calendar::is_month_abbreviation`]).
const MAYBE_END: &[&str] = &[
    "inc", "corp", "co", "ltd", "llc", "plc", "bros", "jr", "sr", "etc", "al", "a.m", "p.m",
];

/// An abbreviation that may also end a sentence.
fn maybe_end(stem: &str) -> bool {
    MAYBE_END.contains(&stem) || calendar::is_month_abbreviation(stem)
}

/// Words that typically open a sentence.
pub(crate) const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "As",
    "For",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Although",
    "However",
    "Meanwhile",
    "Still",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Shares",
    "Analysts",
    "According",
    "Last",
    "Earlier",
    "Later",
    "Now",
    "Some",
    "Many",
    "Most",
    "Other",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Such",
    "Both",
    "Neither",
    "No",
    "Not",
    "One",
    "Two",
    "Under",
    "With",
    "By",
    "From",
    "Also",
    "Then",
    "Instead",
];

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*((?:[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Z.'\-]*)*)(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{1,2})?(?:,\s*\d{4})?)?(?:\s*\([A-Za-z .&'\-]+\))?|\([A-Za-z .&'\-]+\))\s*(?:[\u{2014}\u{2013}]|--?)\s+",
    )
    .unwrap()
});

/// Splits article text (paragraphs separated by blank lines) into sentences.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    for (pstart, pend) in paragraphs(text) {
        let para = &text[pstart..pend];
        if para.trim().is_empty() {
            continue;
        }
        let mut offset = pstart;
        let mut body = para;
        let mut dateline = None;
        if let Some(c) = DATELINE.captures(para) {
            let m = c.get(0).unwrap();
            let name = c.get(1).unwrap().as_str();
            // Requires an all-caps place or an agency in brackets, and a
            // sentence after it.
            let caps = name.chars().filter(|c| c.is_uppercase()).count();
            if (caps >= 3 || name.contains('(')) && m.end() < para.len() {
                dateline = Some(name.trim().to_string());
                offset += m.end();
                body = &para[m.end()..];
            }
        }
        for (s, e) in split_paragraph(body) {
            let raw = &body[s..e];
            let text: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                continue;
            }
            out.push(Sentence {
                text,
                paragraph,
                start: offset + s,
                end: offset + e,
                dateline: dateline.take(),
            });
        }
        paragraph += 1;
    }
    out
}

/// Byte ranges of paragraphs: separated by lines that are blank.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let mut blank_run = false;
    for line in text.split_inclusive('\n') {
        let is_blank = line.trim().is_empty();
        if is_blank && !blank_run {
            if pos > start {
                out.push((start, pos));
            }
            blank_run = true;
        } else if !is_blank && blank_run {
            start = pos;
            blank_run = false;
        }
        pos += line.len();
    }
    if !blank_run && pos > start {
        out.push((start, pos));
    }
    out
}

struct Token {
    start: usize,
    end: usize,
    /// Ends with a single `\n` (not just spaces) before the next token.
    line_break_after: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Token {
                    start: s,
                    end: i,
                    line_break_after: false,
                });
            }
            if c == '\n'
                && let Some(t) = out.last_mut()
            {
                t.line_break_after = true;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Token {
            start: s,
            end: text.len(),
            line_break_after: false,
        });
    }
    out
}

const CLOSERS: &[char] = &['"', '\'', '\u{201D}', '\u{2019}', ')', ']', '*', '_'];
const OPEN_QUOTES: &[char] = &['"', '\'', '\u{201C}', '\u{2018}', '(', '['];

fn split_paragraph(para: &str) -> Vec<(usize, usize)> {
    let toks = tokens(para);
    let mut out = Vec::new();
    let mut sent_start: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        let first = *sent_start.get_or_insert(t.start);
        let word = &para[t.start..t.end];
        let next = toks.get(i + 1).map(|n| &para[n.start..n.end]);
        let words_so_far = toks[..=i].iter().filter(|x| x.start >= first).count();
        if ends_sentence(word, next) || is_heading_break(word, next, t, words_so_far) {
            out.push((first, t.end));
            sent_start = None;
        }
    }
    if let Some(s) = sent_start {
        out.push((s, toks.last().map_or(para.len(), |t| t.end)));
    }
    out
}

fn is_heading_break(word: &str, next: Option<&str>, t: &Token, words: usize) -> bool {
    let Some(next) = next else { return false };
    t.line_break_after
        && words <= 12
        && !word.ends_with([',', ';', ':', '-'])
        && next
            .trim_start_matches(OPEN_QUOTES)
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn ends_sentence(word: &str, next: Option<&str>) -> bool {
    let core = word.trim_end_matches(CLOSERS);
    let Some(last) = core.chars().last() else {
        return false;
    };
    let ellipsis = core.ends_with("...") || last == '\u{2026}';
    if !matches!(last, '.' | '!' | '?' | '\u{2026}') {
        return false;
    }
    let Some(next) = next else { return true };
    let next_core = next.trim_start_matches(OPEN_QUOTES);
    let Some(nc) = next_core.chars().next() else {
        return true;
    };
    // A lower-case continuation never starts a new sentence
    // ("he said... and", "e.g. this", "\"Why?\" she asked").
    if nc.is_lowercase() {
        return false;
    }
    if last != '.' || ellipsis {
        // `!`, `?` or an ellipsis before a capitalised word or a number.
        return nc.is_uppercase() || nc.is_ascii_digit() || !nc.is_alphanumeric();
    }
    // A period. Strip it and any opening punctuation to get the word.
    let stem = core[..core.len() - 1].trim_start_matches(OPEN_QUOTES);
    let lower = stem.to_lowercase();
    if TITLES.contains(&lower.as_str()) {
        // "No. 1", "Mr. Smith": never an end. A title at the very end of a
        // quote is too rare to matter.
        return false;
    }
    // A single initial: "John F. Kennedy", "J.P. Morgan".
    if stem.chars().count() == 1 && stem.chars().all(|c| c.is_uppercase()) {
        return false;
    }
    let initialism = stem.contains('.')
        && stem
            .split('.')
            .all(|p| p.chars().count() <= 2 && p.chars().all(char::is_alphabetic));
    // A day written as an ordinal before its month, in German, Finnish,
    // Danish, Norwegian and more: "3. März 2025", "6. joulukuuta".
    if (1..=2).contains(&stem.len())
        && stem.bytes().all(|b| b.is_ascii_digit())
        && calendar::month_in_text(next_core.trim_end_matches(|c: char| !c.is_alphanumeric()))
            .is_some()
    {
        return false;
    }
    if initialism || maybe_end(lower.trim_end_matches('.')) {
        if nc.is_ascii_digit() {
            // "Jan. 5", "Inc. 2024"? a month before a day is far more common.
            return false;
        }
        let next_word = next_core.trim_end_matches(|c: char| !c.is_alphanumeric());
        return OPENERS.contains(&next_word);
    }
    true
}
