//! The quantity scanner: one pass over a sentence's tokens.

use std::borrow::Cow;

use super::tokens::{Tok, Token, number_value, tokenize};
use super::{Quantity, QuantityKind};
use crate::core::claims::lexicon::calendar;
use crate::core::claims::lexicon::money::{currency_after, currency_before};
use crate::core::claims::lexicon::numbers::{is_ordinal_suffix, plural_scale, scale, word_number};
use crate::core::claims::lexicon::qualifiers::qualifier_ending;
use crate::core::claims::lexicon::units::measure_unit;

/// Capitalised words that may stand before a number without making it a
/// name ("About 800 students", "Over 20 teams").
const CAPITAL_OK: &[&str] = &[
    "The",
    "About",
    "Around",
    "Nearly",
    "Almost",
    "Over",
    "Under",
    "Some",
    "More",
    "Less",
    "Fewer",
    "Just",
    "Only",
    "Up",
    "At",
    "In",
    "On",
    "By",
    "For",
    "And",
    "But",
    "With",
    "Of",
    "To",
    "From",
    "All",
    "Another",
    "Roughly",
    "Approximately",
    "Another",
    "Between",
    "Those",
    "These",
    "Its",
    "Their",
    "His",
    "Her",
    "Our",
    "Each",
    "Every",
    "Than",
    "An",
    "A",
    "Of",
    "Since",
    "After",
    "Before",
    "Until",
    "Least",
    "Most",
    "Top",
    "Only",
    "Estimated",
    "Then",
];

/// The quantities of a sentence, in order of appearance.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let toks = tokenize(text);
    let tx = |t: &Token| &text[t.start..t.end];
    // Lower case, allocated only for a token that has a capital.
    let lw: Vec<Cow<'_, str>> = toks
        .iter()
        .map(|t| {
            let w = tx(t);
            if w.bytes().any(|b| b.is_ascii_uppercase()) || !w.is_ascii() {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .collect();
    // A month name at token `k`: as written in running text, or any month
    // name between a day and a year ("5 ago 2025").
    let month_at = |k: usize| -> bool {
        let t = toks[k];
        if t.kind != Tok::Word {
            return false;
        }
        if calendar::month_in_text(tx(&t)).is_some() {
            return true;
        }
        let four_digits = |m: usize| {
            toks.get(m).is_some_and(|n| {
                let s = tx(n);
                n.kind == Tok::Num && s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
            })
        };
        let day_before = k > 0 && toks[k - 1].kind == Tok::Num;
        day_before && four_digits(k + 1) && calendar::month(tx(&t)).is_some()
    };
    let mut out: Vec<Quantity> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        // Where the number starts (value, start token) and may continue.
        let start_tok = i;
        let (mut value, mut j) = match t.kind {
            Tok::Num => {
                let Some(v) = number_value(tx(&t)) else {
                    i += 1;
                    continue;
                };
                (v, i + 1)
            }
            Tok::Word => match written_number(&lw, i) {
                Some((v, next)) => (v, next),
                None => {
                    i += 1;
                    continue;
                }
            },
            Tok::Sym => {
                i += 1;
                continue;
            }
        };
        let numeric = t.kind == Tok::Num;
        let glued_after = |k: usize| k < toks.len() && !toks[k].space_before;

        // ---- what it is not ------------------------------------------------
        if numeric {
            let prev = i.checked_sub(1).map(|k| toks[k]);
            let prev_text = prev.map(|p| tx(&p)).unwrap_or("");
            // Glued to a letter before: A320, B2 ("Rs450" is money below).
            let glued_word_before = prev.is_some_and(|p| p.kind == Tok::Word && !t.space_before);
            let glued_currency = glued_word_before && currency_before(&lw[i - 1]).is_some();
            // Clock times and scores with a colon: 10:30, 2:55.
            let colon_after = glued_after(j)
                && tx(&toks[j]) == ":"
                && j + 1 < toks.len()
                && toks[j + 1].kind == Tok::Num
                && !toks[j + 1].space_before;
            let colon_before =
                prev_text == ":" && !t.space_before && i >= 2 && toks[i - 2].kind == Tok::Num;
            // Names: COVID-19, F-35, G-20; Fortune 500, iPhone 15.
            let hyphen_name = matches!(prev_text, "-" | "\u{2011}")
                && !t.space_before
                && i >= 2
                && toks[i - 2].kind == Tok::Word
                && !toks[i - 1].space_before;
            let cap_name = prev.is_some_and(|p| {
                p.kind == Tok::Word
                    && t.space_before
                    && prev_text.chars().any(char::is_uppercase)
                    && !CAPITAL_OK.contains(&prev_text)
                    && currency_before(&lw[i - 1]).is_none()
                    && !month_at(i - 1)
            });
            // Ordinals: 3rd, 21st, 15th.
            let ordinal = glued_after(j) && toks[j].kind == Tok::Word && is_ordinal_suffix(&lw[j]);
            // Dates: March 3, 3 March, Nov. 20.
            let month_before =
                (i >= 1 && month_at(i - 1)) || (prev_text == "." && i >= 2 && month_at(i - 2));
            // "3. März", "5 de marzo": a period or "de" between day and month.
            let month_after = (j < toks.len() && month_at(j))
                || (j + 1 < toks.len()
                    && (tx(&toks[j]) == "." || lw[j] == "de")
                    && month_at(j + 1));
            // Times: 10 a.m., 6 pm, 10am.
            let time_after =
                j < toks.len() && matches!(&*lw[j], "a.m" | "p.m" | "am" | "pm" | "a.m." | "p.m.");
            // Years: 1800-2100 written as four bare digits.
            let s = tx(&t);
            let year = s.len() == 4
                && s.bytes().all(|b| b.is_ascii_digit())
                && (1800.0..=2100.0).contains(&value)
                && !(j < toks.len() && (tx(&toks[j]) == "%" || scale(&lw[j]).is_some()));
            // Glued to a word after that is not a unit or scale: 5G, 4K, 3D.
            // (A capital letter is a name: "5G" the network, "5g" grams.)
            let one_capital = j < toks.len()
                && tx(&toks[j]).len() == 1
                && tx(&toks[j]).chars().all(char::is_uppercase);
            let glued_word_after = glued_after(j)
                && toks[j].kind == Tok::Word
                && ((scale(&lw[j]).is_none()
                    && measure_unit(&lw[j]).is_none()
                    && currency_after(&lw[j]).is_none())
                    || (one_capital && !matches!(&*lw[j], "m" | "b" | "k")));
            if (glued_word_before && !glued_currency)
                || colon_after
                || colon_before
                || hyphen_name
                || (cap_name && !year)
                || ordinal
                || month_before
                || month_after
                || time_after
                || year
                || glued_word_after
            {
                // Skip the whole clock time / score.
                i = if colon_after { j + 2 } else { j };
                continue;
            }
        }

        // ---- currency before -----------------------------------------------
        let mut currency: Option<&'static str> = None;
        let mut first = start_tok; // first token of the quantity's text
        if numeric && i > 0 {
            let p = i - 1;
            let ptxt = &*lw[p];
            if let Some(c) = currency_before(ptxt) {
                currency = Some(c);
                first = p;
                // US$ / C$ / HK$: a word glued to "$".
                if ptxt == "$"
                    && p > 0
                    && !toks[p].space_before
                    && let Some(c2) = currency_before(&format!("{}$", lw[p - 1]))
                {
                    currency = Some(c2);
                    first = p - 1;
                }
            } else if ptxt == "." && p > 0 && currency_before(&lw[p - 1]) == Some("INR") {
                // Rs. 450
                currency = Some("INR");
                first = p - 1;
            }
        }

        // ---- scale -----------------------------------------------------------
        if j < toks.len()
            && toks[j].kind == Tok::Word
            && let Some(s) = scale(&lw[j])
        {
            {
                // "m" and "b" only glued or after money ("$3m", "3bn").
                let short = matches!(&*lw[j], "m" | "b" | "k" | "cr");
                if !short || !toks[j].space_before || currency.is_some() {
                    value *= s;
                    j += 1;
                    if j < toks.len()
                        && let Some(s2) = scale(&lw[j])
                        && s2 > s
                    {
                        value *= s2;
                        j += 1;
                    }
                }
            }
        }

        // ---- range -------------------------------------------------------------
        let mut high = None;
        {
            let dash = j + 1 < toks.len()
                && matches!(tx(&toks[j]), "-" | "\u{2013}" | "\u{2014}")
                && toks[j + 1].kind == Tok::Num;
            let to = j + 1 < toks.len()
                && matches!(&*lw[j], "to" | "and")
                && (toks[j + 1].kind == Tok::Num
                    || (j + 2 < toks.len()
                        && currency_before(&lw[j + 1]).is_some()
                        && toks[j + 2].kind == Tok::Num));
            let between =
                start_tok >= 1 && matches!(&*lw[first.saturating_sub(1)], "between" | "from");
            if dash || (to && (lw[j] == "to" || between)) {
                let k = if toks[j + 1].kind == Tok::Num {
                    j + 1
                } else {
                    j + 2
                };
                if let Some(mut h) = number_value(tx(&toks[k])) {
                    let mut k2 = k + 1;
                    if k2 < toks.len()
                        && let Some(s) = scale(&lw[k2])
                    {
                        h *= s;
                        k2 += 1;
                        // "5-10 million": the scale applies to both ends.
                        if value < h / s {
                            value *= s;
                        }
                    }
                    if h > value {
                        high = Some(h);
                        j = k2;
                    }
                }
            }
        }

        // ---- what follows: %, currency, unit, noun -------------------------
        let mut kind = QuantityKind::Count;
        let mut unit = String::new();
        if let Some(c) = currency {
            kind = QuantityKind::Money;
            unit = c.to_string();
        } else if j < toks.len() {
            let w = &*lw[j];
            let next = lw.get(j + 1).map(|w| &**w).unwrap_or("");
            if tx(&toks[j]) == "%" {
                kind = QuantityKind::Percent;
                unit = "%".into();
                j += 1;
            } else if w == "percent" || w == "pct" || (w == "per" && next == "cent") {
                kind = QuantityKind::Percent;
                unit = "%".into();
                j += if w == "per" { 2 } else { 1 };
            } else if w == "percentage" && (next == "points" || next == "point") {
                kind = QuantityKind::Percent;
                unit = "percentage points".into();
                j += 2;
            } else if let Some(c) = currency_after(w)
                && (numeric || value >= 1e3)
            {
                kind = QuantityKind::Money;
                unit = c.to_string();
                j += 1;
            } else if let Some(u) = measure_unit(w) {
                // A one-letter unit only glued ("5t", "3g"), never "5 g".
                if w.len() > 1 || !toks[j].space_before {
                    kind = QuantityKind::Measure;
                    unit = u.to_string();
                    j += 1;
                }
            } else if toks[j].kind == Tok::Word
                && w.chars().next().is_some_and(char::is_alphabetic)
                && (!tx(&toks[j]).chars().next().is_some_and(char::is_uppercase)
                    || is_acronym(tx(&toks[j])))
                && !FUNCTION_WORDS.contains(&w)
            {
                // The noun as written: "jobs", "GPUs".
                unit = if is_acronym(tx(&toks[j])) {
                    tx(&toks[j]).to_string()
                } else {
                    w.to_string()
                };
                j += 1;
            }
        }
        // "Written-out" numbers alone are too often not quantities ("one
        // of them", "the two sides"): they need a scale, a unit or a noun.
        if !numeric && unit.is_empty() && value < 1e3 && value != 0.5 {
            i = j.max(i + 1);
            continue;
        }
        // A lone "one" before a noun is an article, not a count.
        if !numeric && value == 1.0 && kind == QuantityKind::Count {
            i = j.max(i + 1);
            continue;
        }
        let qualifier = qualifier_before(&lw, first);
        let end = toks[(j - 1).max(first)].end;
        let text_s = &text[toks[first].start..end];
        out.push(Quantity {
            kind,
            value,
            high,
            unit,
            qualifier,
            text: text_s.to_string(),
        });
        i = j.max(i + 1);
    }
    out
}

/// "GPUs", "EVs", "CPU": capitals (and a plural "s"), counted things.
fn is_acronym(w: &str) -> bool {
    let core = w.strip_suffix('s').unwrap_or(w);
    core.chars().count() >= 2 && core.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Words that are never the noun a number counts.
const FUNCTION_WORDS: &[&str] = &[
    "and", "or", "to", "of", "in", "on", "at", "for", "the", "a", "an", "by", "from", "with",
    "than", "as", "is", "are", "was", "were", "that", "which", "who", "this", "it", "but", "per",
    "if", "so", "into", "over", "after", "before", "while", "when", "since", "not",
];

/// A written-out number starting at token `i`: "two", "twenty-five",
/// "a dozen", "two million", "half", "hundreds of", "a million".
fn written_number(lw: &[Cow<'_, str>], i: usize) -> Option<(f64, usize)> {
    let w = &*lw[i];
    let get = |k: usize| lw.get(k).map(|w| &**w).unwrap_or("");
    // "a dozen", "a million", "a hundred", "a half"
    if w == "a" || w == "an" {
        let n = get(i + 1);
        if n == "dozen" || n == "hundred" {
            let v = word_number(n)?;
            return Some((v, i + 2));
        }
        if matches!(n, "million" | "billion" | "trillion" | "thousand") {
            return Some((scale(n)?, i + 2));
        }
        return None;
    }
    // "hundreds of", "thousands of", "millions of", "dozens of"
    if let Some(v) = plural_scale(w)
        && get(i + 1) == "of"
    {
        return Some((v, i + 2));
    }
    let mut v = word_number(w)?;
    if w == "hundred" || w == "dozen" {
        return None;
    }
    let mut k = i + 1;
    // twenty-five: tokens "twenty" "-" "five" (the hyphen is its own token).
    if v >= 20.0
        && get(k) == "-"
        && let Some(u) = word_number(get(k + 1))
        && u < 10.0
    {
        v += u;
        k += 2;
    }
    if get(k) == "hundred" {
        v *= 100.0;
        k += 1;
    }
    if w == "half" {
        // "half of", "half the", "half a": a share.
        return matches!(get(k), "of" | "the" | "a" | "its" | "their").then_some((0.5, k));
    }
    Some((v, k))
}

fn qualifier_before(lw: &[Cow<'_, str>], first: usize) -> Option<String> {
    qualifier_ending(&lw[..first]).map(str::to_string)
}
