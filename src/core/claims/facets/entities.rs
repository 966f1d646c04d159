//! Named entities: the story's entities (aliases resolved) and other
//! capitalised names of organisations, people and places.

use crate::core::claims::lexicon::calendar;
use crate::core::claims::story::Story;
use crate::core::sentences::OPENERS;

/// A capitalised word that names nothing by itself: a month or an English
/// weekday (from the calendar lexicon), a word that opens sentences, or one
/// of [`NOT_ENTITY`]. Short month names ("Jan", "Mai", "Mei") and other
/// languages' weekdays ("Domingo") are names too often to be left out.
pub(crate) fn not_entity(w: &str) -> bool {
    NOT_ENTITY.contains(&w)
        || OPENERS.contains(&w)
        || (w.len() > 3
            && calendar::month(w).is_some_and(|m| !m.abbreviation)
            && calendar::month_in_text(w).is_some())
        || calendar::weekday(w).is_some_and(|d| d.language == "en" && !d.abbreviation)
}

/// Capitalised words that are not names on their own, besides months,
/// weekdays and the words that open sentences (`sentences::OPENERS`).
const NOT_ENTITY: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sen",
    "Rep",
    "Gov",
    "Prof",
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "Chief",
    "Executive",
    "President",
    "Chairman",
    "Reuters",
    "Sign",
    "Read",
    "Click",
    "Subscribe",
    "Yes",
    "Well",
    "Thank",
    "Thanks",
    "Today",
    "Tomorrow",
    "Yesterday",
    "Here",
    "Every",
    "All",
    "Any",
    "Each",
    "Do",
    "Does",
    "Did",
    "Is",
    "Are",
    "Was",
    "Were",
    "Will",
    "Would",
    "Could",
    "Should",
    "Can",
    "Let",
    "Let's",
    "Please",
    "Your",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "Inc",
    "Corp",
];

/// Verbs after which a lone sentence-initial capitalised word is a name.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "announced",
    "reported",
    "confirmed",
    "denied",
    "told",
    "declined",
    "agreed",
    "plans",
    "will",
    "has",
    "is",
    "was",
];

const CONNECTORS: &[&str] = &["of", "&", "de", "for", "the", "von", "van", "da", "la"];

fn is_word_boundary(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Occurrences of the story's entities and aliases: `(start, end, canonical)`.
pub(crate) fn story_matches(text: &str, story: &Story) -> Vec<(usize, usize, String)> {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    let names = story
        .entities
        .iter()
        .map(|e| (e.as_str(), e.as_str()))
        .chain(story.aliases.iter().map(|(a, c)| (a.as_str(), c.as_str())));
    let mut names: Vec<(&str, &str)> = names.filter(|(a, _)| !a.is_empty()).collect();
    // Longer names first, so "Amazon Web Services" wins over "Amazon".
    names.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
    for (alias, canonical) in names {
        let case_insensitive = alias.chars().all(|c| !c.is_uppercase());
        let hay;
        let (h, needle): (&str, String) = if case_insensitive {
            hay = text.to_lowercase();
            if hay.len() != text.len() {
                continue;
            }
            (&hay, alias.to_string())
        } else {
            (text, alias.to_string())
        };
        let mut from = 0;
        while let Some(p) = h[from..].find(&needle) {
            let s = from + p;
            let e = s + needle.len();
            from = e;
            if !is_word_boundary(text, s, e) {
                continue;
            }
            if found.iter().any(|(a, b, _)| s < *b && *a < e) {
                continue;
            }
            found.push((s, e, canonical.to_string()));
        }
    }
    found.sort_by_key(|f| f.0);
    found
}

/// Canonical entity names in the sentence: the story's first, then other
/// capitalised names (organisations, people, places).
pub fn entities(text: &str, story: &Story) -> Vec<String> {
    let story_found = story_matches(text, story);
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in &story_found {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    // Other names: runs of capitalised words.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || matches!(c, '&' | '-' | '\'' | '\u{2019}' | '.');
        if part && start.is_none() {
            start = Some(i);
        } else if !part && let Some(s) = start.take() {
            words.push((s, i));
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    let clean = |(s, e): (usize, usize)| -> (usize, usize) {
        let w = &text[s..e];
        let mut w2 = w.trim_end_matches(['.', '\'', '\u{2019}', '-']);
        for suffix in ["'s", "\u{2019}s"] {
            if let Some(x) = w2.strip_suffix(suffix) {
                w2 = x;
            }
        }
        // Keep the final period of initialisms ("U.S.").
        if w2.contains('.') && w.len() > w2.len() && w[w2.len()..].starts_with('.') {
            return (s, s + w2.len() + 1);
        }
        (s, s + w2.len())
    };
    let is_cap = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase) && !not_entity(w.trim_end_matches('.'))
    };
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (s, e) = clean(words[i]);
        let w = &text[s..e];
        let prev_gap = if i == 0 {
            ""
        } else {
            &text[words[i - 1].1..words[i].0]
        };
        let sentence_start = i == 0 || prev_gap.contains(['.', '"', '\u{201C}', ':']);
        if !is_cap(w) || w.len() < 2 {
            i += 1;
            continue;
        }
        let mut end = e;
        let mut j = i + 1;
        while j < words.len() {
            let gap = &text[words[j - 1].1..words[j].0];
            if !gap.chars().all(|c| c == ' ') {
                break;
            }
            let (s2, e2) = clean(words[j]);
            let w2 = &text[s2..e2];
            let possessive_before = text[words[j - 1].0..words[j - 1].1].ends_with("'s")
                || text[words[j - 1].0..words[j - 1].1].ends_with("\u{2019}s");
            if possessive_before {
                break;
            }
            if is_cap(w2) {
                end = e2;
                j += 1;
            } else if CONNECTORS.contains(&w2)
                && j + 1 < words.len()
                && is_cap(&text[clean(words[j + 1]).0..clean(words[j + 1]).1])
            {
                j += 1;
            } else {
                break;
            }
        }
        let single = j == i + 1;
        // A lone capitalised word at the start of a sentence is too often
        // an ordinary word; accept it only if it looks like a name
        // (all caps like "AWS", or an inner capital like "OpenAI").
        let after = &text[e..];
        let next_word = after
            .trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let followed_by_name =
            after.starts_with(" and ") && after[5..].chars().next().is_some_and(char::is_uppercase);
        let looks_named = w.chars().skip(1).any(char::is_uppercase)
            || text[s..words[i].1].ends_with("'s")
            || text[s..words[i].1].ends_with("\u{2019}s")
            || followed_by_name
            || SPEECH_VERBS.contains(&next_word);
        if !(sentence_start && single && !looks_named) {
            runs.push((s, end));
        }
        i = j;
    }
    for (s, e) in runs {
        if story_found.iter().any(|(a, b, _)| s < *b && *a < e) {
            continue;
        }
        let name = text[s..e].to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Resolves a name to the story's canonical entity when it is one.
pub(crate) fn canonical(name: &str, story: &Story) -> String {
    let m = story_matches(name, story);
    if let Some((s, e, c)) = m.first()
        && *s == 0
        && *e == name.len()
    {
        return c.clone();
    }
    name.to_string()
}
