//! Quantities in a sentence: every number a reader could check, normalised
//! to a value and a unit.
//!
//! Money in any currency, percentages, measures with a unit, counts with
//! their noun, scale words ("12 million", "50 lakh", "$3bn"), ranges
//! ("between 5 and 10", "30-60 per cent"), written-out numbers ("two
//! million", "a dozen", "half") and a qualifier before them ("more than",
//! "up to"). Years, dates, clock times, ordinals and names with numbers
//! ("Fortune 500", "COVID-19", "iPhone 15", "Section 230") are not
//! quantities.
//!
//! One pass over the sentence's bytes with no regular expressions: this
//! runs on every sentence an edit touches.

use serde::{Deserialize, Serialize};

/// What a quantity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantityKind {
    /// Money; `unit` is an ISO 4217 code.
    Money,
    /// A percentage; `unit` is `%` or `percentage points`.
    Percent,
    /// A measure with a unit of measurement (`miles`, `gw`, `hours`).
    Measure,
    /// A count of things; `unit` is the noun counted, when there is one.
    Count,
}

/// One quantity, e.g. "more than 12 million subscribers".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub kind: QuantityKind,
    /// The value in units (`12 million` is `12e6`, `$3bn` is `3e9`).
    pub value: f64,
    /// The upper end of a range ("5-10", "between 5 and 10").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Currency code, `%`, unit of measurement (normalised), or the noun
    /// counted (lower-cased; empty when none follows).
    pub unit: String,
    /// "more than", "up to", "about", ... as written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// The text as it appears in the sentence.
    pub text: String,
}

impl Quantity {
    /// Normalised display: `$50 billion`, `more than 12 million
    /// subscribers`, `280 miles`, `5-10%`.
    pub fn display(&self) -> String {
        let num = |v: f64| scaled(v);
        let value = match self.high {
            Some(h) => format!("{}-{}", num(self.value), num(h)),
            None => num(self.value),
        };
        let body = match self.kind {
            QuantityKind::Money => match self.high {
                Some(h) => format!(
                    "{}-{}",
                    super::facets::format_money(&self.unit, self.value),
                    super::facets::format_money(&self.unit, h)
                ),
                None => super::facets::format_money(&self.unit, self.value),
            },
            QuantityKind::Percent if self.unit == "%" => format!("{value}%"),
            _ if self.unit.is_empty() => value,
            _ => format!("{value} {}", self.unit),
        };
        match &self.qualifier {
            Some(q) => format!("{q} {body}"),
            None => body,
        }
    }

    /// What must stay equal for two quantities to be "the same number":
    /// kind, value, range, the unit for money, percentages and measures,
    /// and the qualifier's sense (a count's noun may be reworded freely,
    /// and so may "about" into "around").
    pub fn compare_key(&self) -> String {
        let unit = match self.kind {
            QuantityKind::Count => "",
            _ => self.unit.as_str(),
        };
        format!(
            "{:?}|{}|{}|{unit}|{}",
            self.kind,
            self.value,
            self.high.map(|h| h.to_string()).unwrap_or_default(),
            qualifier_sense(self.qualifier.as_deref())
        )
    }
}

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
const QUALIFIERS: &[&str] = &[
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

fn scaled(v: f64) -> String {
    let (x, w) = if v.abs() >= 1e12 {
        (v / 1e12, " trillion")
    } else if v.abs() >= 1e9 {
        (v / 1e9, " billion")
    } else if v.abs() >= 1e6 {
        (v / 1e6, " million")
    } else {
        (v, "")
    };
    if w.is_empty() && x.fract() == 0.0 && x.abs() < 1e15 {
        // 3,400 jobs
        let digits = (x.abs() as i64).to_string();
        let mut out = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        return if x < 0.0 { format!("-{out}") } else { out };
    }
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{w}")
}

// ---- tokens -----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A run of letters (and inner apostrophes or periods, "a.m.").
    Word,
    /// Digits with `,` `.` separators, or a vulgar fraction.
    Num,
    /// One other character (symbols, punctuation).
    Sym,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
    /// Whitespace directly before it.
    space_before: bool,
}

fn fraction(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        _ => return None,
    })
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let mut space = false;
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let (kind, mut end) = if c.is_ascii_digit() {
            (Tok::Num, i + 1)
        } else if fraction(c).is_some() {
            (Tok::Num, i + c.len_utf8())
        } else if c.is_alphabetic() {
            (Tok::Word, i + c.len_utf8())
        } else {
            (Tok::Sym, i + c.len_utf8())
        };
        if kind == Tok::Num && c.is_ascii_digit() {
            // 1,000  1.000  2.5  1,234.56 (a separator needs a digit after it)
            while let Some(&(j, d)) = it.peek() {
                let digit_after = text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_digit());
                if d.is_ascii_digit() || ((d == ',' || d == '.') && digit_after) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            if let Some(&(j, d)) = it.peek()
                && fraction(d).is_some()
            {
                end = j + d.len_utf8();
                it.next();
            }
        } else if kind == Tok::Word {
            while let Some(&(j, d)) = it.peek() {
                let letter_after = text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic);
                if d.is_alphabetic() || (matches!(d, '\'' | '\u{2019}' | '.') && letter_after) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
        }
        out.push(Token {
            kind,
            start: i,
            end,
            space_before: space,
        });
        space = false;
    }
    out
}

/// The value of a number token: `1,000` and `1.000` (a European thousands
/// separator) are 1000, `2.5` is 2.5, `1½` is 1.5.
fn number_value(s: &str) -> Option<f64> {
    let mut chars: Vec<char> = s.chars().collect();
    let mut frac = 0.0;
    if let Some(f) = chars.last().and_then(|&c| fraction(c)) {
        frac = f;
        chars.pop();
        if chars.is_empty() {
            return Some(frac);
        }
    }
    let s: String = chars.into_iter().collect();
    let groups: Vec<&str> = s.split([',', '.']).collect();
    let seps: Vec<char> = s.chars().filter(|c| *c == ',' || *c == '.').collect();
    let v: f64 = if seps.is_empty() {
        s.parse().ok()?
    } else {
        let last = *seps.last().unwrap();
        let all_same = seps.iter().all(|&c| c == last);
        let thousands = groups[1..].iter().all(|g| g.len() == 3);
        if all_same && thousands && (last == ',' || seps.len() > 1 || groups[0] != "0") {
            // 1,000 / 1.000 / 1.000.000
            s.replace([',', '.'], "").parse().ok()?
        } else if last == '.' {
            s.replace(',', "").parse().ok()?
        } else {
            // 2,5 (decimal comma), 1.234,5
            s.replace('.', "").replace(',', ".").parse().ok()?
        }
    };
    Some(v + frac)
}

fn word_number(w: &str) -> Option<f64> {
    Some(match w {
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        "dozen" => 12.0,
        "hundred" => 100.0,
        "half" => 0.5,
        _ => return None,
    })
}

/// Scale words and abbreviations, written after a number.
fn scale(w: &str) -> Option<f64> {
    Some(match w {
        "thousand" | "k" => 1e3,
        "lakh" | "lakhs" | "lac" => 1e5,
        "million" | "millions" | "m" | "mn" | "mln" | "mio" => 1e6,
        "crore" | "crores" | "cr" => 1e7,
        "billion" | "billions" | "bn" | "b" | "bln" => 1e9,
        "trillion" | "trillions" | "tn" | "trn" => 1e12,
        "hundred" => 1e2,
        _ => return None,
    })
}

/// Currency symbols and codes written before a number.
fn currency_before(s: &str) -> Option<&'static str> {
    Some(match s {
        "$" | "us$" | "usd" => "USD",
        "c$" | "ca$" | "cad" => "CAD",
        "a$" | "au$" | "aud" => "AUD",
        "hk$" | "hkd" => "HKD",
        "nz$" | "nzd" => "NZD",
        "s$" | "sgd" => "SGD",
        "r$" | "brl" => "BRL",
        "£" | "gbp" => "GBP",
        "€" | "eur" => "EUR",
        "¥" | "jpy" => "JPY",
        "cny" | "rmb" => "CNY",
        "₹" | "rs" | "inr" => "INR",
        "chf" => "CHF",
        "₩" | "krw" => "KRW",
        "₽" | "rub" => "RUB",
        "₦" | "ngn" => "NGN",
        "zar" => "ZAR",
        "mxn" => "MXN",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "pln" => "PLN",
        "try" | "₺" => "TRY",
        "aed" => "AED",
        "sar" => "SAR",
        "pkr" => "PKR",
        "idr" => "IDR",
        _ => return None,
    })
}

/// Currency words written after a number.
fn currency_after(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollars" | "dollar" | "usd" => "USD",
        "euros" | "euro" | "eur" => "EUR",
        "pounds" | "sterling" | "gbp" => "GBP",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" | "rmb" => "CNY",
        "rupees" | "rupee" | "inr" => "INR",
        "francs" | "chf" => "CHF",
        "won" => "KRW",
        "rubles" | "roubles" => "RUB",
        "naira" => "NGN",
        "rand" => "ZAR",
        "pesos" => "MXN",
        "reais" => "BRL",
        "lira" => "TRY",
        "dirhams" => "AED",
        "riyals" => "SAR",
        _ => return None,
    })
}

/// Units of measurement, normalised (`kilometres` and `km` are `km`).
fn measure_unit(w: &str) -> Option<&'static str> {
    Some(match w {
        "mph" => "mph",
        "km/h" | "kph" | "kmh" => "km/h",
        "km" | "kms" | "kilometres" | "kilometers" | "kilometre" | "kilometer" => "km",
        "mi" | "miles" | "mile" => "miles",
        "metres" | "meters" | "metre" | "meter" => "m",
        "cm" | "centimetres" | "centimeters" => "cm",
        "mm" | "millimetres" | "millimeters" => "mm",
        "ft" | "feet" | "foot" => "feet",
        "inches" | "inch" | "in." => "inches",
        "yards" | "yard" | "yd" => "yards",
        "kg" | "kgs" | "kilograms" | "kilos" | "kilogram" => "kg",
        "g" | "grams" | "gram" => "g",
        "lb" | "lbs" => "lb",
        "oz" | "ounces" | "ounce" => "oz",
        "tons" | "tonnes" | "ton" | "tonne" | "t" => "tonnes",
        "barrels" | "barrel" | "bpd" => "barrels",
        "litres" | "liters" | "litre" | "liter" | "l" => "litres",
        "gallons" | "gallon" => "gallons",
        "gw" | "gigawatts" => "GW",
        "mw" | "megawatts" => "MW",
        "kw" | "kilowatts" => "kW",
        "gwh" => "GWh",
        "mwh" => "MWh",
        "kwh" => "kWh",
        "tb" | "terabytes" => "TB",
        "gb" | "gigabytes" => "GB",
        "mb" | "megabytes" => "MB",
        "ghz" => "GHz",
        "mhz" => "MHz",
        "acres" | "acre" => "acres",
        "hectares" | "hectare" | "ha" => "hectares",
        "degrees" | "°c" | "°f" | "°" => "degrees",
        "seconds" | "second" | "secs" | "sec" => "seconds",
        "minutes" | "minute" | "mins" | "min" => "minutes",
        "hours" | "hour" | "hrs" | "hr" => "hours",
        "days" | "day" => "days",
        "weeks" | "week" => "weeks",
        "months" | "month" => "months",
        "years" | "year" | "yrs" => "years",
        "decades" => "decades",
        "points" | "pts" => "points",
        _ => return None,
    })
}

fn is_month(w: &str) -> bool {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = w.trim_end_matches('.');
    let lw = w.to_ascii_lowercase();
    (3..=9).contains(&lw.len())
        && M.iter().any(|m| lw.starts_with(m))
        && matches!(
            lw.as_str(),
            "jan"
                | "january"
                | "feb"
                | "february"
                | "mar"
                | "march"
                | "apr"
                | "april"
                | "may"
                | "jun"
                | "june"
                | "jul"
                | "july"
                | "aug"
                | "august"
                | "sep"
                | "sept"
                | "september"
                | "oct"
                | "october"
                | "nov"
                | "november"
                | "dec"
                | "december"
        )
        && w.chars().next().is_some_and(char::is_uppercase)
}

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

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// The quantities of a sentence, in order of appearance.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let toks = tokenize(text);
    let tx = |t: &Token| &text[t.start..t.end];
    let lw: Vec<String> = toks.iter().map(|t| lower(tx(t))).collect();
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
                    && !is_month(prev_text)
            });
            // Ordinals: 3rd, 21st, 15th.
            let ordinal = glued_after(j)
                && toks[j].kind == Tok::Word
                && matches!(lw[j].as_str(), "st" | "nd" | "rd" | "th");
            // Dates: March 3, 3 March, Nov. 20.
            let month_before = prev.is_some_and(|p| p.kind == Tok::Word && is_month(prev_text))
                || (prev_text == "." && i >= 2 && is_month(tx(&toks[i - 2])));
            let month_after = j < toks.len() && toks[j].kind == Tok::Word && is_month(tx(&toks[j]));
            // Times: 10 a.m., 6 pm, 10am.
            let time_after = j < toks.len()
                && matches!(
                    lw[j].as_str(),
                    "a.m" | "p.m" | "am" | "pm" | "a.m." | "p.m."
                );
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
                    || (one_capital && !matches!(lw[j].as_str(), "m" | "b" | "k")));
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
            let ptxt = lw[p].as_str();
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
                let short = matches!(lw[j].as_str(), "m" | "b" | "k" | "cr");
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
                && matches!(lw[j].as_str(), "to" | "and")
                && (toks[j + 1].kind == Tok::Num
                    || (j + 2 < toks.len()
                        && currency_before(&lw[j + 1]).is_some()
                        && toks[j + 2].kind == Tok::Num));
            let between = start_tok >= 1
                && matches!(lw[first.saturating_sub(1)].as_str(), "between" | "from");
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
            let w = lw[j].as_str();
            let next = lw.get(j + 1).map(String::as_str).unwrap_or("");
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
fn written_number(lw: &[String], i: usize) -> Option<(f64, usize)> {
    let w = lw[i].as_str();
    let get = |k: usize| lw.get(k).map(String::as_str).unwrap_or("");
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
    if matches!(
        w,
        "hundreds" | "thousands" | "millions" | "billions" | "dozens"
    ) && get(i + 1) == "of"
    {
        let v = match w {
            "dozens" => 12.0,
            "hundreds" => 100.0,
            "thousands" => 1e3,
            "millions" => 1e6,
            _ => 1e9,
        };
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

fn qualifier_before(lw: &[String], first: usize) -> Option<String> {
    for q in QUALIFIERS {
        let parts: Vec<&str> = q.split(' ').collect();
        if parts.len() > first {
            continue;
        }
        let from = first - parts.len();
        if parts.iter().enumerate().all(|(k, p)| lw[from + k] == *p) {
            return Some((*q).to_string());
        }
    }
    None
}
