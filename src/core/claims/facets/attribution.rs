//! Attribution: who says it (a named source, "the company", anonymous
//! sources).

use std::sync::LazyLock;

use regex::Regex;

use super::entities::{canonical, not_entity};
use crate::core::claims::story::Story;

static ACCORDING_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)according to\s+([^,;:.\u{201D}\u{201C}]+(?:\.[A-Z][^,;:.]*)?)")
        .unwrap()
});
static ANONYMOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(people|persons?|sources?|officials?|executives?|insiders?|someone)\s+(familiar with|briefed on|close to|with (direct )?knowledge of|aware of|involved in)(?-u:\b)|(?-u:\b)(unnamed|anonymous) (sources?|officials?|people)(?-u:\b)|(?-u:\b)sources (say|said|told)(?-u:\b)").unwrap()
});
static SPEECH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(said|says|told|announced|confirmed|stated|wrote|added|noted|explained|reported|reports|estimated|estimates|denied|denies|disclosed|declared|argued|warned|insisted|acknowledged|claimed|claims|revealed)(?-u:\b)").unwrap()
});

const SUBJECT_STOP: &[&str] = &[
    "that", "and", "but", "which", "who", "while", "as", "because", "when", "after", "if",
];
const AUXILIARIES: &[&str] = &[
    "was", "were", "is", "are", "been", "be", "being", "has", "have", "had", "not", "never",
];

/// Who says it.
pub fn attribution(text: &str, story: &Story) -> Option<String> {
    if ANONYMOUS.is_match(text) {
        return Some("anonymous sources".to_string());
    }
    if let Some(c) = ACCORDING_TO.captures(text) {
        let who: Vec<&str> = c[1].split_whitespace().take(8).collect();
        let who = who.join(" ");
        return Some(canonical(strip_article(&who), story));
    }
    for m in SPEECH.find_iter(text) {
        if let Some(who) = subject_before(text, m.start()) {
            return Some(canonical(&who, story));
        }
        if let Some(who) = subject_after(text, m.end()) {
            return Some(canonical(&who, story));
        }
    }
    None
}

fn strip_article(s: &str) -> &str {
    s.trim().trim_end_matches(['.', '"', '\u{201D}']).trim()
}

fn subject_before(text: &str, verb_start: usize) -> Option<String> {
    let before = &text[..verb_start];
    let mut words: Vec<&str> = Vec::new();
    for w in before.split_whitespace().rev() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        if words.is_empty()
            && (bare.ends_with("ly")
                || ["also", "previously", "later", "then", "further"].contains(&bare))
        {
            continue;
        }
        if w.ends_with([',', ';', ':', '"', '\u{201D}', '\u{201C}', '(', ')'])
            || SUBJECT_STOP.contains(&bare)
            || words.len() >= 6
        {
            break;
        }
        words.push(w);
        if w.starts_with(['"', '\u{201C}', '(']) {
            break;
        }
    }
    // Drop a trailing "on Monday" / "in a statement" before the verb.
    words.reverse();
    let ws: Vec<&str> = words
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.' && c != '&')
        })
        .filter(|w| !w.is_empty())
        .collect();
    if ws.is_empty() {
        return None;
    }
    if ws
        .iter()
        .any(|w| AUXILIARIES.contains(&w.to_lowercase().as_str()))
    {
        return None;
    }
    // Prefer the last run of capitalised words ("Amazon spokesperson Jane
    // Doe" -> "Jane Doe"); otherwise the phrase ("the company").
    let mut best: Vec<&str> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for w in &ws {
        if w.chars().next().is_some_and(char::is_uppercase) && !not_entity(w) {
            cur.push(w);
        } else {
            if !cur.is_empty() {
                best = std::mem::take(&mut cur);
            }
            cur.clear();
        }
    }
    if !cur.is_empty() {
        best = cur;
    }
    let name = if best.is_empty() {
        let phrase: Vec<String> = ws.iter().map(|w| w.to_lowercase()).collect();
        phrase.join(" ")
    } else {
        best.join(" ")
    };
    let name = name
        .trim_end_matches("'s")
        .trim_end_matches('\u{2019}')
        .to_string();
    if name.is_empty() || name == "i" {
        return None;
    }
    Some(name)
}

fn subject_after(text: &str, verb_end: usize) -> Option<String> {
    // Only after a quote or a comma: `"...," said Andy Jassy`.
    let pre = text[..verb_end]
        .rsplit_once(|c: char| c.is_whitespace())
        .map(|(p, _)| p.trim_end())
        .unwrap_or("");
    if !pre.ends_with([',', '"', '\u{201D}']) {
        return None;
    }
    let after = &text[verb_end..];
    let mut words = Vec::new();
    for w in after.split_whitespace() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if bare.is_empty() {
            break;
        }
        words.push(bare);
        if w.ends_with([',', '.', ';', ':']) || words.len() >= 5 {
            break;
        }
    }
    if words.is_empty() || ["on", "in", "that", "it", "the"].contains(&words[0]) && words.len() == 1
    {
        return None;
    }
    let caps: Vec<&str> = words
        .iter()
        .copied()
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    if caps.is_empty() {
        Some(words.join(" ").to_lowercase())
    } else {
        Some(caps.join(" "))
    }
}
