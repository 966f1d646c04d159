//! Certainty markers: the words that say how firmly a sentence asserts
//! its claim, as a set rather than one level.
//!
//! Hedges ("reportedly", "is said to", "people familiar with the matter",
//! "in talks", "is expected to"), modals ("will", "may", "could"),
//! confirmations ("confirmed", "announced", "on the record") and denials or
//! negations ("denied", "not", "never"). Inserting or removing one, or
//! swapping one modal for another (will → may), changes the claim's
//! certainty even when the coarse [`Certainty`](super::Certainty) level
//! stays the same. Synonymous hedges share one marker ("likely" and
//! "probably"), so a reworded hedge is not a certainty change.
//!
//! Precision matters as much as recall: "reported to the chief executive"
//! (worked for), "May" the month, "the will of the people" and "a can of
//! soup" are not markers. One pass over the words, no regular expressions.

/// A word of the sentence, lower-cased, with whether it was capitalised.
struct W {
    lower: String,
    cap: bool,
}

fn words(text: &str) -> Vec<W> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}')) {
        let w = raw.trim_matches(['\'', '\u{2019}']);
        if w.is_empty() {
            continue;
        }
        out.push(W {
            lower: w.to_lowercase().replace('\u{2019}', "'"),
            cap: w.chars().next().is_some_and(char::is_uppercase),
        });
    }
    out
}

const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "'s"];

/// Words before which "will", "might", "can", "must" are nouns.
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
    "this",
    "that",
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

/// Multi-word hedges and markers: (words, marker).
const PHRASES: &[(&[&str], &str)] = &[
    (&["according", "to", "reports"], "according to reports"),
    (&["according", "to", "people"], "anonymous sources"),
    (&["according", "to", "sources"], "anonymous sources"),
    (&["according", "to", "a", "person"], "anonymous sources"),
    (&["according", "to", "a", "source"], "anonymous sources"),
    (&["familiar", "with"], "anonymous sources"),
    (&["briefed", "on"], "anonymous sources"),
    (&["with", "knowledge", "of"], "anonymous sources"),
    (&["sources", "say"], "anonymous sources"),
    (&["sources", "said"], "anonymous sources"),
    (&["sources", "told"], "anonymous sources"),
    (&["reports", "say"], "according to reports"),
    (&["reports", "said"], "according to reports"),
    (&["reports", "suggest"], "according to reports"),
    (&["in", "talks"], "in talks"),
    (&["in", "early", "talks"], "in talks"),
    (&["in", "advanced", "talks"], "in talks"),
    (&["in", "discussions"], "in talks"),
    (&["in", "negotiations"], "in talks"),
    (&["on", "the", "record"], "on the record"),
    (&["in", "a", "statement"], "statement"),
    (&["no", "longer"], "negation"),
    (&["no", "plans"], "negation"),
    (&["on", "track", "to"], "expected to"),
    (&["set", "to"], "expected to"),
    (&["poised", "to"], "expected to"),
];

/// One-word markers.
fn single(w: &str) -> Option<&'static str> {
    Some(match w {
        "reportedly" => "reportedly",
        "allegedly" | "alleged" | "purportedly" | "supposedly" => "allegedly",
        "apparently" | "seemingly" | "ostensibly" => "apparently",
        "likely" | "probably" | "unlikely" => "likely",
        "possibly" | "perhaps" | "potentially" | "maybe" | "possible" => "possibly",
        "rumoured" | "rumored" | "rumours" | "rumors" | "speculation" | "speculated" => "rumoured",
        "unconfirmed" => "unconfirmed",
        "considering" | "weighing" | "mulling" | "exploring" | "contemplating" | "eyeing" => {
            "considering"
        }
        "confirmed" | "confirms" | "confirm" | "confirming" | "verified" => "confirmed",
        "announced" | "announces" | "announce" | "announcing" => "announced",
        "officially" => "officially",
        "definitely" | "certainly" | "undoubtedly" | "clearly" => "certainly",
        "denied" | "denies" | "deny" | "denying" | "refuted" | "refutes" | "rejected"
        | "dismissed" => "denied",
        "not" | "never" | "n't" => "negation",
        "may" | "might" | "could" | "would" | "will" | "can" | "should" | "must" | "shall" => {
            return modal(w);
        }
        _ => return None,
    })
}

fn modal(w: &str) -> Option<&'static str> {
    Some(match w {
        "may" => "may",
        "might" => "might",
        "could" => "could",
        "would" => "would",
        "will" | "shall" => "will",
        "can" => "can",
        "should" => "should",
        "must" => "must",
        _ => return None,
    })
}

/// Verbs that hedge when followed by "to" ("expected to", "plans to").
fn to_hedge(w: &str) -> Option<&'static str> {
    Some(match w {
        "expected" | "expects" | "anticipated" => "expected to",
        "plans" | "planned" | "planning" | "plan" | "intends" | "intend" | "intended" => "plans to",
        "hopes" | "hope" | "hoped" | "hoping" => "hopes to",
        "aims" | "aim" | "aiming" | "seeks" | "seeking" | "wants" => "aims to",
        "believed" | "thought" | "understood" => "believed to",
        "appears" | "appear" | "appeared" | "seems" | "seem" | "seemed" => "appears to",
        _ => return None,
    })
}

/// The certainty markers of a sentence, sorted and deduplicated.
pub fn markers(text: &str) -> Vec<String> {
    let ws = words(text);
    let mut out: Vec<&'static str> = Vec::new();
    let get = |k: usize| ws.get(k).map(|w| w.lower.as_str()).unwrap_or("");
    for (i, w) in ws.iter().enumerate() {
        let lw = w.lower.as_str();
        let prev = if i > 0 { get(i - 1) } else { "" };
        let next = get(i + 1);
        // Contractions: "won't", "didn't", "can't", "it'll".
        if let Some(stem) = lw.strip_suffix("n't") {
            out.push("negation");
            match stem {
                "wo" => out.push("will"),
                "ca" => out.push("can"),
                "could" | "would" | "should" | "might" | "must" => {
                    out.extend(modal(stem));
                }
                _ => {}
            }
            continue;
        }
        if lw.ends_with("'ll") {
            out.push("will");
            continue;
        }
        for (phrase, marker) in PHRASES {
            if phrase.iter().enumerate().all(|(k, p)| get(i + k) == *p) {
                out.push(marker);
            }
        }
        // "is said to", "are reported to have", but not "reported to him".
        if (lw == "said" || lw == "reported" || lw == "rumoured" || lw == "rumored")
            && next == "to"
            && (BE.contains(&prev) || prev.ends_with("'s"))
            && !NOT_VERB.contains(&get(i + 2))
            && !ws.get(i + 2).is_some_and(|w| w.cap)
        {
            out.push(if lw == "said" {
                "said to"
            } else {
                "reportedly"
            });
            continue;
        }
        if next == "to"
            && let Some(m) = to_hedge(lw)
        {
            // "due to" is a cause; "thought to" needs a be-verb before it.
            if m != "believed to" || BE.contains(&prev) || prev.ends_with("'s") {
                out.push(m);
            }
            continue;
        }
        if let Some(m) = single(lw) {
            if modal(lw).is_some() {
                // "May" the month: capitalised inside a sentence, or before
                // a number or a year.
                if lw == "may" && next.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                // Capitalised inside a sentence: "May" the month, "Will"
                // the name.
                if w.cap && (i > 0 || ws.get(i + 1).is_some_and(|n| n.cap)) {
                    continue;
                }
                // Nouns: "the will of", "military might", "a can of".
                if NOUN_BEFORE.contains(&prev) {
                    continue;
                }
            }
            if m == "possibly" && lw == "possible" && !matches!(prev, "is" | "it's" | "'s" | "it") {
                continue;
            }
            out.push(m);
        }
    }
    out.sort_unstable();
    out.dedup();
    out.into_iter().map(String::from).collect()
}
