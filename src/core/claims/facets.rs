//! Facets of a sentence: entities, amounts, percentages, dates,
//! attribution and certainty.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::Story;

/// A money amount, normalised to an ISO currency and a value in units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// ISO 4217 code: USD, GBP, EUR, JPY, CAD, AUD, HKD.
    pub currency: String,
    /// The value in units of the currency (`$50bn` is `50e9`).
    pub value: f64,
    /// "up to", "about", "more than", ... as written before the amount.
    pub qualifier: Option<String>,
    /// The text as it appears in the sentence.
    pub text: String,
}

impl Amount {
    /// Normalised display: `$50 billion`, `£3.2 million`, `€500 million`.
    pub fn display(&self) -> String {
        format_money(&self.currency, self.value)
    }
}

/// A percentage (`3.5%`, `20 percent`, `2 percentage points`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Percentage {
    pub value: f64,
    /// True for "percentage points".
    #[serde(default)]
    pub points: bool,
    pub qualifier: Option<String>,
    pub text: String,
}

impl Percentage {
    pub fn display(&self) -> String {
        let n = trim_number(self.value);
        if self.points {
            format!("{n} percentage points")
        } else {
            format!("{n}%")
        }
    }
}

/// A date or time reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateRef {
    pub text: String,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `YYYY-Q3`, `MM-DD` (no year given),
    /// or the lower-cased text for relative references ("monday",
    /// "last week").
    pub normalised: String,
}

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

/// All facets of one sentence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Facets {
    /// Canonical names: the story's entities (aliases resolved) first, then
    /// other named organisations and people, in order of appearance.
    pub entities: Vec<String>,
    pub amounts: Vec<Amount>,
    pub percentages: Vec<Percentage>,
    pub dates: Vec<DateRef>,
    /// Who says it: an entity, a named person, "the company",
    /// "anonymous sources", ...
    pub attribution: Option<String>,
    pub certainty: Certainty,
    /// Every quantity (money, percentages, measures, counts), see
    /// [`super::quantity`].
    #[serde(default)]
    pub quantities: Vec<super::Quantity>,
    /// Certainty markers, see [`super::hedge`].
    #[serde(default)]
    pub markers: Vec<String>,
}

/// Extracts the facets of one sentence.
pub fn facets(text: &str, story: &Story) -> Facets {
    Facets {
        entities: entities(text, story),
        amounts: amounts(text),
        percentages: percentages(text),
        dates: dates(text),
        attribution: attribution(text, story),
        certainty: certainty(text),
        quantities: super::quantity::quantities(text),
        markers: super::hedge::markers(text),
    }
}

// ---- numbers and money ----------------------------------------------------

const NUM: &str = r"\d+(?:,\d{3})*(?:\.\d+)?";
const SCALE: &str = r"(trillion|billion|million|thousand|tn|bn|mln|mn|b|m|k)";
const WORD_NUM: &str = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred|several hundred|hundreds of)";

static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(up to|as much as|as little as|about|around|approximately|roughly|nearly|almost|more than|over|at least|at most|less than|under|some|an estimated|close to|upwards of|in excess of)\s*$").unwrap()
});

static MONEY_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(US\$|U\.S\.\s?\$|C\$|CA\$|A\$|AU\$|HK\$|\$|£|€|¥)\s?({NUM})(?:\s*{SCALE}(?-u:\b))?"
    ))
    .unwrap()
});
static MONEY_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(USD|EUR|GBP|JPY|CAD|AUD|HKD)\s?({NUM})(?:\s*(?i:{SCALE})(?-u:\b))?"
    ))
    .unwrap()
});
static MONEY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)({NUM}|{WORD_NUM})\s*(?:{SCALE}\s+)?(US dollars|U\.S\. dollars|dollars|pounds sterling|pounds|sterling|euros|yen|USD|EUR|GBP|JPY)(?-u:\b)"
    ))
    .unwrap()
});

fn scale_of(s: Option<&str>) -> f64 {
    match s.map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("trillion" | "tn") => 1e12,
        Some("billion" | "bn" | "b") => 1e9,
        Some("million" | "mn" | "mln" | "m") => 1e6,
        Some("thousand" | "k") => 1e3,
        _ => 1.0,
    }
}

fn parse_num(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let words = match lower.as_str() {
        "a" | "an" | "one" => Some(1.0),
        "two" => Some(2.0),
        "three" => Some(3.0),
        "four" => Some(4.0),
        "five" => Some(5.0),
        "six" => Some(6.0),
        "seven" => Some(7.0),
        "eight" => Some(8.0),
        "nine" => Some(9.0),
        "ten" => Some(10.0),
        "eleven" => Some(11.0),
        "twelve" => Some(12.0),
        "fifteen" => Some(15.0),
        "twenty" => Some(20.0),
        "thirty" => Some(30.0),
        "forty" => Some(40.0),
        "fifty" => Some(50.0),
        "sixty" => Some(60.0),
        "seventy" => Some(70.0),
        "eighty" => Some(80.0),
        "ninety" => Some(90.0),
        "a hundred" | "one hundred" => Some(100.0),
        "several hundred" | "hundreds of" => Some(100.0),
        _ => None,
    };
    words.or_else(|| s.replace(',', "").parse().ok())
}

fn currency_code(sym: &str) -> &'static str {
    let s = sym.to_ascii_lowercase().replace(' ', "");
    match s.as_str() {
        "£" | "gbp" | "pounds" | "poundssterling" | "sterling" => "GBP",
        "€" | "eur" | "euros" => "EUR",
        "¥" | "jpy" | "yen" => "JPY",
        "c$" | "ca$" | "cad" => "CAD",
        "a$" | "au$" | "aud" => "AUD",
        "hk$" | "hkd" => "HKD",
        _ => "USD",
    }
}

fn qualifier_before(text: &str, start: usize) -> Option<String> {
    let before = &text[..start];
    QUALIFIER.captures(before).map(|c| c[1].to_lowercase())
}

/// Money amounts in order of appearance.
pub fn amounts(text: &str) -> Vec<Amount> {
    let mut found: Vec<(usize, usize, Amount)> = Vec::new();
    let mut push = |s: usize, e: usize, currency: &str, value: f64| {
        if found.iter().any(|(a, b, _)| s < *b && *a < e) {
            return;
        }
        found.push((
            s,
            e,
            Amount {
                currency: currency.to_string(),
                value,
                qualifier: qualifier_before(text, s),
                text: text[s..e].to_string(),
            },
        ));
    };
    // "$50 billion" and "USD 50 billion": currency, number, scale.
    for re in [&*MONEY_SYMBOL, &*MONEY_CODE] {
        for c in re.captures_iter(text) {
            let m = c.get(0).unwrap();
            if let Some(v) = parse_num(&c[2]) {
                push(
                    m.start(),
                    m.end(),
                    currency_code(&c[1]),
                    v * scale_of(c.get(3).map(|x| x.as_str())),
                );
            }
        }
    }
    for c in MONEY_WORD.captures_iter(text) {
        let m = c.get(0).unwrap();
        let scale = c.get(2).map(|x| x.as_str());
        // "a dollar" / "one pound" alone is not an amount worth tracking.
        if scale.is_none() && !c[1].chars().next().is_some_and(|d| d.is_ascii_digit()) {
            continue;
        }
        if let Some(v) = parse_num(&c[1]) {
            push(
                m.start(),
                m.end(),
                currency_code(&c[3]),
                v * scale_of(scale),
            );
        }
    }
    found.sort_by_key(|f| f.0);
    found.into_iter().map(|f| f.2).collect()
}

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)({NUM})\s*(%|percentage points?(?-u:\b)|percent(?-u:\b)|per cent(?-u:\b)|pct(?-u:\b))"
    ))
    .unwrap()
});

/// Percentages in order of appearance.
pub fn percentages(text: &str) -> Vec<Percentage> {
    PERCENT
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0).unwrap();
            Some(Percentage {
                value: parse_num(&c[1])?,
                points: c[2].to_lowercase().starts_with("percentage"),
                qualifier: qualifier_before(text, m.start()),
                text: m.as_str().to_string(),
            })
        })
        .collect()
}

fn trim_number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// `$50 billion`, `£3.2 million`, `€500 million`, `$750,000`.
pub fn format_money(currency: &str, value: f64) -> String {
    let prefix = match currency {
        "USD" => "$",
        "GBP" => "£",
        "EUR" => "€",
        "JPY" => "¥",
        "CAD" => "C$",
        "AUD" => "A$",
        "HKD" => "HK$",
        _ => "",
    };
    let prefix = if prefix.is_empty() {
        format!("{currency} ")
    } else {
        prefix.to_string()
    };
    let (scaled, word) = if value >= 1e12 {
        (value / 1e12, " trillion")
    } else if value >= 1e9 {
        (value / 1e9, " billion")
    } else if value >= 1e6 {
        (value / 1e6, " million")
    } else {
        (value, "")
    };
    if word.is_empty() {
        let whole = value.round() as i64;
        if (value - whole as f64).abs() < 1e-9 {
            return format!("{prefix}{}", group_thousands(whole));
        }
        return format!("{prefix}{value:.2}");
    }
    format!("{prefix}{}{word}", trim_number(scaled))
}

fn group_thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

// ---- dates ----------------------------------------------------------------

const MONTH: &str = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

static DATE_PATTERNS: LazyLock<Vec<(DateForm, Regex)>> = LazyLock::new(|| {
    let r = |s: String| Regex::new(&s).unwrap();
    vec![
        (
            DateForm::Iso,
            r(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)".to_string()),
        ),
        (
            DateForm::MonthDayYear,
            r(format!(
                r"(?-u:\b){MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
            )),
        ),
        (
            DateForm::DayMonthYear,
            r(format!(
                r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}(?-u:\b)\.?(?:,?\s+(\d{{4}})(?-u:\b))?"
            )),
        ),
        (
            DateForm::MonthYear,
            r(format!(r"(?-u:\b){MONTH}\.?,?\s+(\d{{4}})(?-u:\b)")),
        ),
        (
            DateForm::Quarter,
            r(r"(?i)(?-u:\b)(Q[1-4]|first|second|third|fourth)(?:[- ]quarter)?(?:\s+of)?\s+(\d{4})(?-u:\b)|(?-u:\b)(first|second|third|fourth)[- ]quarter(?-u:\b)".to_string()),
        ),
        (
            DateForm::Year,
            r(r"(?-u:\b)(?:in|by|since|from|until|through|of|for|during|before|after|early|late|mid-?)?\s*(?-u:\b)((?:19|20)\d\d)(?-u:\b)".to_string()),
        ),
        (
            DateForm::Relative,
            r(r"(?i)(?-u:\b)(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|(?:last|next|this|earlier this|later this) (?:week|month|year|quarter|decade)|over the (?:next|past|last) (?:\w+ )?(?:years?|months?|decades?))(?-u:\b)".to_string()),
        ),
    ]
});

#[derive(Debug, Clone, Copy)]
enum DateForm {
    Iso,
    MonthDayYear,
    DayMonthYear,
    MonthYear,
    Quarter,
    Year,
    Relative,
}

fn month_number(m: &str) -> u32 {
    let m = m.to_ascii_lowercase();
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    NAMES
        .iter()
        .position(|n| m.starts_with(n))
        .map_or(0, |i| i as u32 + 1)
}

/// Date references in order of appearance.
pub fn dates(text: &str) -> Vec<DateRef> {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (form, re) in DATE_PATTERNS.iter() {
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
            let norm = match form {
                DateForm::Iso => format!("{}-{}-{}", &c[1], &c[2], &c[3]),
                DateForm::MonthDayYear => {
                    let (mo, d) = (month_number(&c[1]), c[2].parse::<u32>().unwrap_or(0));
                    if d == 0 || d > 31 {
                        continue;
                    }
                    match g(3) {
                        Some(y) => format!("{y}-{mo:02}-{d:02}"),
                        None => format!("{mo:02}-{d:02}"),
                    }
                }
                DateForm::DayMonthYear => {
                    let (d, mo) = (c[1].parse::<u32>().unwrap_or(0), month_number(&c[2]));
                    if d == 0 || d > 31 {
                        continue;
                    }
                    match g(3) {
                        Some(y) => format!("{y}-{mo:02}-{d:02}"),
                        None => format!("{mo:02}-{d:02}"),
                    }
                }
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

// ---- entities ---------------------------------------------------------------

/// A capitalised word that names nothing by itself.
fn not_entity(w: &str) -> bool {
    NOT_ENTITY.contains(&w) || super::sentences::OPENERS.contains(&w)
}

/// Capitalised words that are not names on their own, besides the words
/// that open sentences (`sentences::OPENERS`).
const NOT_ENTITY: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sen",
    "Rep",
    "Gov",
    "Prof",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
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

// ---- attribution ------------------------------------------------------------

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

// ---- certainty --------------------------------------------------------------

static DENIED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(denied|denies|deny|denying|refuted|refutes|dismissed .{0,40}as|rejected (the |those |these )?(reports?|claims?|suggestions?)|(is|was|are|were) (false|untrue|not true|inaccurate)|no plans? to|not (true|accurate|correct)|(has|have|had|did|does|do|is|are|was|were|will|would|could|can) not|(has|have|had|did|does|do|is|are|was|were|wo|would|could|ca)n['\u{2019}]t|never|no longer|no (deal|agreement|investment)|not (invest|investing|planning|in talks))(?-u:\b)").unwrap()
});
static HEDGED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(reportedly|reported to|reports? (say|said|suggest)|(is|are|was|were) said to|(is|are) believed to|could|may|might|in (early |advanced |preliminary )?(talks|discussions|negotiations)|expected to|(is|are) expected|likely|possibly|potentially|perhaps|rumou?red|rumou?rs?|allegedly|alleged|considering|weighing|exploring|mulling|contemplating|sources (say|said|told)|familiar with|briefed on|according to (people|sources|a person|persons)|speculat\w*|unconfirmed|would consider|aims? to|hopes? to|seeks? to|plans? to consider)(?-u:\b)").unwrap()
});

/// Stated, hedged or denied.
pub fn certainty(text: &str) -> Certainty {
    if DENIED.is_match(text) {
        return Certainty::Denied;
    }
    let hedged = HEDGED.find_iter(text).any(|m| m.as_str() != "May");
    if hedged {
        Certainty::Hedged
    } else {
        Certainty::Stated
    }
}
