//! Dates and time references: `March 3, 2025`, `3. März 2025`, `5 de
//! marzo de 2025`, `2026. december 6.`, `Q3 2025`, `by 2030`, `last week`.
//! Month names come from the calendar lexicon
//! ([`crate::core::claims::lexicon::calendar`]), in every language it holds.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::core::claims::lexicon::calendar::{self, Written};

/// A date or time reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateRef {
    pub text: String,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `YYYY-Q3`, `MM-DD` (no year given),
    /// or the lower-cased text for relative references ("monday",
    /// "last week").
    pub normalised: String,
}

/// A regex alternation of month names written `as`: `AnyCase` names
/// case-insensitive, `Capitalised` ones with their capital, `InFullDate`
/// ones in any case (for patterns with a day and a year). Longest first;
/// an ASCII word boundary on each side where the name starts or ends with
/// an ASCII letter (a boundary next to "ń" would never match).
fn month_alternation(which: &[Written]) -> String {
    let mut names: Vec<(&str, Written)> = calendar::month_names()
        .filter(|(_, m)| which.contains(&m.written))
        .map(|(n, m)| (n, m.written))
        .collect();
    names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let alts: Vec<String> = names
        .iter()
        .map(|(n, w)| {
            let ascii_edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            let lead = if ascii_edge(n.chars().next()) {
                r"(?-u:\b)"
            } else {
                ""
            };
            let trail = if ascii_edge(n.chars().next_back()) {
                r"(?-u:\b)"
            } else {
                ""
            };
            let body = match w {
                Written::Capitalised => {
                    let mut c = n.chars();
                    let first = c.next().unwrap_or(' ').to_uppercase().to_string();
                    format!("{}{}", regex::escape(&first), regex::escape(c.as_str()))
                }
                _ => format!("(?i:{})", regex::escape(n)),
            };
            format!("{lead}{body}{trail}")
        })
        .collect();
    format!("({})", alts.join("|"))
}

/// Months as running text writes them.
static MONTH: LazyLock<String> =
    LazyLock::new(|| month_alternation(&[Written::AnyCase, Written::Capitalised]));
/// Every month name, for dates with a day and a year around it.
static ANY_MONTH: LazyLock<String> = LazyLock::new(|| {
    month_alternation(&[Written::AnyCase, Written::Capitalised, Written::InFullDate])
});

/// A day before a month: `3`, `3rd`, `3.` (German, Finnish), `3º`.
const DAY: &str = r"(\d{1,2})(?:st|nd|rd|th|º|\.)?";
/// Weekday and relative references (English: the detector and facets read
/// English prose; other languages' weekdays are in the calendar lexicon
/// for time stamps).
const RELATIVE: &str = r"(?i)(?-u:\b)(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|(?:last|next|this|earlier this|later this) (?:week|month|year|quarter|decade)|over the (?:next|past|last) (?:\w+ )?(?:years?|months?|decades?))(?-u:\b)";

static DATE_PATTERNS: LazyLock<Vec<(DateForm, Regex)>> = LazyLock::new(|| {
    let r = |s: String| Regex::new(&s).unwrap();
    let (month, any) = (&*MONTH, &*ANY_MONTH);
    vec![
        (
            DateForm::Iso,
            r(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)".to_string()),
        ),
        (
            // "5 de marzo de 2025", "3. März 2025", "6 grudnia 2026":
            // every month name, a day and a year.
            DateForm::DayMonthYear,
            r(format!(
                r"(?-u:\b){DAY}\s+(?:de\s+)?{any}\.?,?\s+(?:de\s+)?(\d{{4}})(?-u:\b)"
            )),
        ),
        (
            // "2026. december 6.", "2026 m. gruodžio 6": year, month, day.
            DateForm::YearMonthDay,
            r(format!(
                r"(?-u:\b)(\d{{4}})\.?\s+{any}\.?\s+(\d{{1,2}})(?-u:\b)\.?"
            )),
        ),
        (
            DateForm::MonthDayYear,
            r(format!(
                r"{month}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
            )),
        ),
        (
            DateForm::DayMonthYear,
            r(format!(
                r"(?-u:\b){DAY}\s+(?:de\s+)?{month}\.?(?:,?\s+(?:de\s+)?(\d{{4}})(?-u:\b))?"
            )),
        ),
        (
            DateForm::MonthYear,
            r(format!(r"{month}\.?,?\s+(?:de\s+)?(\d{{4}})(?-u:\b)")),
        ),
        (
            DateForm::Quarter,
            r(r"(?i)(?-u:\b)(Q[1-4]|first|second|third|fourth)(?:[- ]quarter)?(?:\s+of)?\s+(\d{4})(?-u:\b)|(?-u:\b)(first|second|third|fourth)[- ]quarter(?-u:\b)".to_string()),
        ),
        (
            DateForm::Year,
            r(r"(?-u:\b)(?:in|by|since|from|until|through|of|for|during|before|after|early|late|mid-?)?\s*(?-u:\b)((?:19|20)\d\d)(?-u:\b)".to_string()),
        ),
        (DateForm::Relative, r(RELATIVE.to_string())),
    ]
});

/// One pattern for "does the sentence mention a date": a year, a month
/// next to a number, a weekday or a relative reference. The detector's
/// date feature, read from the same month names as [`dates`].
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:1[89]\d\d|20\d\d)(?-u:\b)|{month}\.?\s+\d|\d\.?\s+(?:de\s+)?{month}|(?i:{relative})",
        month = &*MONTH,
        relative = RELATIVE.trim_start_matches("(?i)"),
    ))
    .unwrap()
});

#[derive(Debug, Clone, Copy)]
enum DateForm {
    Iso,
    MonthDayYear,
    DayMonthYear,
    YearMonthDay,
    MonthYear,
    Quarter,
    Year,
    Relative,
}

impl DateForm {
    /// Whether the form needs a digit in the text at all.
    fn needs_digit(self) -> bool {
        !matches!(self, DateForm::Quarter | DateForm::Relative)
    }
}

fn month_number(m: &str) -> u32 {
    calendar::month(m).map_or(0, |m| m.month)
}

/// Does the sentence mention a date (a year, a day of a month, a weekday,
/// "last week")?
pub fn mentions_date(text: &str) -> bool {
    MENTION.is_match(text)
}

/// Date references in order of appearance.
pub fn dates(text: &str) -> Vec<DateRef> {
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (form, re) in DATE_PATTERNS.iter() {
        if form.needs_digit() && !has_digit {
            continue;
        }
        for c in re.captures_iter(text) {
            let m = c.get(0).unwrap();
            let (s, e) = match form {
                DateForm::Year => {
                    let y = c.get(1).unwrap();
                    (y.start(), y.end())
                }
                _ => (m.start(), m.end()),
            };
            if found.iter().any(|(a, b, _)| s < *b && *a < e) {
                continue;
            }
            let g = |i: usize| c.get(i).map(|x| x.as_str());
            let day = |d: &str, mo: u32, y: Option<&str>| -> Option<String> {
                let d = d.parse::<u32>().unwrap_or(0);
                if d == 0 || d > 31 || mo == 0 {
                    return None;
                }
                Some(match y {
                    Some(y) => format!("{y}-{mo:02}-{d:02}"),
                    None => format!("{mo:02}-{d:02}"),
                })
            };
            let norm = match form {
                DateForm::Iso => format!("{}-{}-{}", &c[1], &c[2], &c[3]),
                DateForm::MonthDayYear => match day(&c[2], month_number(&c[1]), g(3)) {
                    Some(n) => n,
                    None => continue,
                },
                DateForm::DayMonthYear => match day(&c[1], month_number(&c[2]), g(3)) {
                    Some(n) => n,
                    None => continue,
                },
                DateForm::YearMonthDay => match day(&c[3], month_number(&c[2]), g(1)) {
                    Some(n) => n,
                    None => continue,
                },
                DateForm::MonthYear => format!("{}-{:02}", &c[2], month_number(&c[1])),
                DateForm::Quarter => {
                    let q = g(1).or(g(3)).unwrap_or("").to_ascii_lowercase();
                    let n = match q.as_str() {
                        "q1" | "first" => 1,
                        "q2" | "second" => 2,
                        "q3" | "third" => 3,
                        _ => 4,
                    };
                    match g(2) {
                        Some(y) => format!("{y}-Q{n}"),
                        None => format!("Q{n}"),
                    }
                }
                DateForm::Year => {
                    // Not a year when it is an amount or a count ("2024 jobs"
                    // is rare; "$2024" or "2024%" are not years).
                    let before = text[..s].trim_end();
                    let after = text[e..].trim_start();
                    if before.ends_with(['$', '£', '€', '¥', ','])
                        || after.starts_with(['%', ',', '.'])
                            && after[1..].starts_with(|ch: char| ch.is_ascii_digit())
                    {
                        continue;
                    }
                    c[1].to_string()
                }
                DateForm::Relative => m.as_str().to_lowercase(),
            };
            found.push((s, e, norm));
        }
    }
    found.sort_by_key(|f| f.0);
    found
        .into_iter()
        .map(|(s, e, normalised)| DateRef {
            text: text[s..e].to_string(),
            normalised,
        })
        .collect()
}
