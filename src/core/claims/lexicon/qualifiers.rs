//! Qualifiers written before a number ("more than", "up to", "about") and
//! their sense: the one list the quantity scanner and the money and
//! percentage facets read.

/// The sense of a qualifier: synonyms ("about", "around", "roughly") share it.
pub fn qualifier_sense(q: Option<&str>) -> &'static str {
    match q.unwrap_or("") {
        "" => "",
        "up to" | "as much as" | "at most" | "no more than" | "as many as" | "a maximum of" => {
            "max"
        }
        "less than" | "under" | "fewer than" | "below" | "just under" => "below",
        "nearly" | "almost" | "close to" | "just shy of" => "near",
        "more than" | "over" | "above" | "upwards of" | "in excess of" | "just over" => "above",
        "at least" | "a minimum of" | "no less than" | "no fewer than" => "min",
        "as little as" | "as few as" => "min",
        _ => "approx",
    }
}

/// Qualifiers recognised before a quantity, longest first per first word.
pub const QUALIFIERS: &[&str] = &[
    "more than",
    "less than",
    "fewer than",
    "no more than",
    "no less than",
    "no fewer than",
    "up to",
    "as much as",
    "as many as",
    "as little as",
    "as few as",
    "at least",
    "at most",
    "a maximum of",
    "a minimum of",
    "upwards of",
    "in excess of",
    "close to",
    "just over",
    "just under",
    "just shy of",
    "an estimated",
    "approximately",
    "roughly",
    "around",
    "about",
    "nearly",
    "almost",
    "some",
    "over",
    "under",
    "above",
    "below",
    "estimated",
];

/// The qualifier that ends the words before a number (lower case, in text
/// order), the longest that matches.
pub fn qualifier_ending<S: AsRef<str>>(words: &[S]) -> Option<&'static str> {
    let mut best: Option<&'static str> = None;
    for q in QUALIFIERS {
        let n = q.split(' ').count();
        if n > words.len() || best.is_some_and(|b| b.split(' ').count() >= n) {
            continue;
        }
        let tail = &words[words.len() - n..];
        if q.split(' ').zip(tail).all(|(p, w)| w.as_ref() == p) {
            best = Some(q);
        }
    }
    best
}
