//! Month and weekday names: the one list every part reads (dates in
//! facets, the detector's date feature, the quantity scanner's "not a
//! number, a date" rule, time stamps and bylines, the sentence splitter's
//! abbreviations).
//!
//! English and the languages news pages are written in: German, French,
//! Spanish, Italian, Portuguese, Dutch, Indonesian, Swedish, Danish,
//! Norwegian, Polish (nominative and the genitive used in dates), Finnish
//! (with the partitive of dates), Hungarian, Romanian and Turkish. Full
//! names and the usual abbreviations (with or without their period).
//!
//! Some names are also ordinary words. English month names are verbs,
//! adjectives or first names in lower case ("march", "august", "may"): they
//! name a month only capitalised, the English convention. A few
//! abbreviations or names elsewhere are words or names of some language
//! ("ago", "set", "out", "Gen.", "marca", "Marco"): they name a month only
//! inside a full date, between a day and a year.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One month name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthName {
    /// 1 to 12.
    pub month: u32,
    /// An abbreviation ("Sept", "janv", "mrt").
    pub abbreviation: bool,
    /// When the word names a month.
    pub written: Written,
}

/// When a word names a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// In any case: `März`, `mars`, `juin`, `grudnia`.
    AnyCase,
    /// Only capitalised: `May`, `March` (not "may close", "a march").
    Capitalised,
    /// Only between a day and a year: `5 ago 2025`, `3 set 2024`.
    InFullDate,
}

/// `(names, month)`: full names, in every language, lower case.
const FULL: &[(&str, u32)] = &[
    // German
    ("januar jänner", 1),
    ("februar feber", 2),
    ("märz maerz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    // French
    ("janvier", 1),
    ("février fevrier", 2),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre decembre", 12),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    // Indonesian
    ("maret", 3),
    ("agustus", 8),
    ("desember", 12),
    // French and Swedish, Danish, Norwegian
    ("mars", 3),
    ("maj", 5),
    ("augusti", 8),
    ("marts", 3),
    // Polish: nominative and genitive ("6 grudnia 2026")
    ("styczeń stycznia", 1),
    ("luty lutego", 2),
    ("marzec marca", 3),
    ("kwiecień kwietnia", 4),
    ("maja", 5),
    ("czerwiec czerwca", 6),
    ("lipiec lipca", 7),
    ("sierpień sierpnia", 8),
    ("wrzesień września", 9),
    ("październik października", 10),
    ("listopad listopada", 11),
    ("grudzień grudnia", 12),
    // Finnish: nominative and partitive ("6. joulukuuta 2026")
    ("tammikuu tammikuuta", 1),
    ("helmikuu helmikuuta", 2),
    ("maaliskuu maaliskuuta", 3),
    ("huhtikuu huhtikuuta", 4),
    ("toukokuu toukokuuta", 5),
    ("kesäkuu kesäkuuta", 6),
    ("heinäkuu heinäkuuta", 7),
    ("elokuu elokuuta", 8),
    ("syyskuu syyskuuta", 9),
    ("lokakuu lokakuuta", 10),
    ("marraskuu marraskuuta", 11),
    ("joulukuu joulukuuta", 12),
    // Hungarian
    ("január", 1),
    ("február", 2),
    ("március", 3),
    ("április", 4),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    // Romanian
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("iunie", 6),
    ("iulie", 7),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
    // Names shared by several languages (English, German, Dutch,
    // Indonesian, Scandinavian) but not English words in lower case.
    ("april", 4),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("december", 12),
];

/// English full names and abbreviations that are words in lower case:
/// only capitalised.
const ENGLISH: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
];

/// Abbreviations, in every language, lower case and without the period.
const ABBREVIATIONS: &[(&str, u32)] = &[
    ("jan janv ene", 1),
    ("feb févr fevr fev", 2),
    ("mär mrt", 3),
    ("apr avr abr", 4),
    ("jun giu", 6),
    ("jul juil", 7),
    ("aug agu agt", 8),
    ("sep sept", 9),
    ("oct okt ott", 10),
    ("nov", 11),
    ("dec dez déc dic", 12),
];

/// Names that are also ordinary words or names somewhere: only in a full
/// date.
const AMBIGUOUS: &[(&str, u32)] = &[
    ("marco", 3),
    ("mag", 5),
    ("lug", 7),
    ("ago", 8),
    ("set", 9),
    ("out", 10),
    ("des", 12),
    ("gen", 1),
    ("marca", 3),
    ("maja", 5),
];

static MONTHS: LazyLock<HashMap<&'static str, MonthName>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    let mut add = |list: &[(&'static str, u32)], abbreviation: bool, written: Written| {
        for (names, month) in list {
            for name in names.split(' ') {
                m.insert(
                    name,
                    MonthName {
                        month: *month,
                        abbreviation,
                        written,
                    },
                );
            }
        }
    };
    add(FULL, false, Written::AnyCase);
    add(ABBREVIATIONS, true, Written::AnyCase);
    add(ENGLISH, false, Written::Capitalised);
    // "Mar." for March; "mar" is the sea in Spanish and Italian.
    add(&[("mar", 3)], true, Written::Capitalised);
    // Last: an ambiguous word stays so whatever else it is.
    add(AMBIGUOUS, true, Written::InFullDate);
    m
});

/// The month a word names, whatever its case (a trailing period is
/// ignored): `März`, `mars`, `Sept.`, `grudnia`.
pub fn month(word: &str) -> Option<MonthName> {
    let w = word.strip_suffix('.').unwrap_or(word);
    if w.is_empty() || w.len() > 24 {
        return None;
    }
    if w.bytes().all(|b| b.is_ascii_lowercase()) {
        return MONTHS.get(w).copied();
    }
    MONTHS.get(w.to_lowercase().as_str()).copied()
}

/// The month a word names in running text, as [`Written`] says: "May 5"
/// but not "may close", "juin" in any case, "ago" never. Callers that see a
/// day and a year around the word use [`month`] there.
pub fn month_in_text(word: &str) -> Option<u32> {
    let m = month(word)?;
    let named = match m.written {
        Written::AnyCase => true,
        Written::Capitalised => word.chars().next().is_some_and(char::is_uppercase),
        Written::InFullDate => false,
    };
    named.then_some(m.month)
}

/// Is the word (lower case, without its period) a month's abbreviation
/// that may end a sentence with its period ("Sept.", "janv.", "déc.")?
/// Not the ones that are words too ("ago", "set").
pub fn is_month_abbreviation(word: &str) -> bool {
    MONTHS
        .get(word)
        .is_some_and(|m| m.abbreviation && m.written != Written::InFullDate)
}

/// Every month name, lower case, for building patterns.
pub fn month_names() -> impl Iterator<Item = (&'static str, MonthName)> {
    MONTHS.iter().map(|(k, v)| (*k, *v))
}

/// Weekday names per language, Monday first: full names, then
/// abbreviations after a `|`.
const WEEKDAYS: &[(&str, [&str; 7])] = &[
    (
        "en",
        [
            "monday|mon",
            "tuesday|tue tues",
            "wednesday|wed",
            "thursday|thu thur thurs",
            "friday|fri",
            "saturday|sat",
            "sunday|sun",
        ],
    ),
    (
        "de",
        [
            "montag|mo",
            "dienstag|di",
            "mittwoch|mi",
            "donnerstag|do",
            "freitag|fr",
            "samstag sonnabend|sa",
            "sonntag|so",
        ],
    ),
    (
        "fr",
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
    ),
    (
        "es",
        [
            "lunes",
            "martes",
            "miércoles miercoles",
            "jueves",
            "viernes",
            "sábado sabado",
            "domingo",
        ],
    ),
    (
        "it",
        [
            "lunedì lunedi",
            "martedì martedi",
            "mercoledì mercoledi",
            "giovedì giovedi",
            "venerdì venerdi",
            "sabato",
            "domenica",
        ],
    ),
    (
        "pt",
        [
            "segunda-feira",
            "terça-feira terca-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
            "domingo",
        ],
    ),
    (
        "nl",
        [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ],
    ),
    (
        "id",
        [
            "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu",
        ],
    ),
    (
        "sv",
        [
            "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
        ],
    ),
    (
        "da",
        [
            "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
        ],
    ),
    (
        "pl",
        [
            "poniedziałek",
            "wtorek",
            "środa",
            "czwartek",
            "piątek",
            "sobota",
            "niedziela",
        ],
    ),
    (
        "fi",
        [
            "maanantai",
            "tiistai",
            "keskiviikko",
            "torstai",
            "perjantai",
            "lauantai",
            "sunnuntai",
        ],
    ),
    (
        "hu",
        [
            "hétfő",
            "kedd",
            "szerda",
            "csütörtök",
            "péntek",
            "szombat",
            "vasárnap",
        ],
    ),
    (
        "tr",
        [
            "pazartesi",
            "salı",
            "çarşamba",
            "perşembe",
            "cuma",
            "cumartesi",
            "pazar",
        ],
    ),
];

/// A weekday name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdayName {
    /// 1 (Monday) to 7.
    pub day: u32,
    /// ISO 639-1 code of the language ("en", "de").
    pub language: &'static str,
    pub abbreviation: bool,
}

static WEEKDAY_MAP: LazyLock<HashMap<&'static str, WeekdayName>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (language, days) in WEEKDAYS {
        for (i, names) in days.iter().enumerate() {
            let (full, abbr) = names.split_once('|').unwrap_or((names, ""));
            for (list, abbreviation) in [(full, false), (abbr, true)] {
                for name in list.split(' ').filter(|n| !n.is_empty()) {
                    m.entry(name).or_insert(WeekdayName {
                        day: i as u32 + 1,
                        language,
                        abbreviation,
                    });
                }
            }
        }
    }
    m
});

/// The weekday a word names, whatever its case (a trailing period is
/// ignored). Two-letter abbreviations ("Do", "So", "Mi") are words too:
/// they count only capitalised.
pub fn weekday(word: &str) -> Option<WeekdayName> {
    let w = word.strip_suffix('.').unwrap_or(word);
    if w.is_empty() || w.len() > 24 {
        return None;
    }
    let d = *WEEKDAY_MAP.get(w.to_lowercase().as_str())?;
    if d.abbreviation && w.len() <= 3 && !w.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_its_months() {
        for (w, m) in [
            ("März", 3),
            ("mars", 3),
            ("marzo", 3),
            ("março", 3),
            ("maart", 3),
            ("Maret", 3),
            ("grudnia", 12),
            ("joulukuuta", 12),
            ("Sept.", 9),
            ("déc.", 12),
            ("mrt", 3),
            ("août", 8),
        ] {
            assert_eq!(month(w).map(|x| x.month), Some(m), "{w}");
        }
        assert_eq!(month("soon"), None);
    }

    #[test]
    fn strict_names_need_a_capital_in_running_text() {
        assert_eq!(month_in_text("May"), Some(5));
        assert_eq!(month_in_text("may"), None);
        assert_eq!(month_in_text("march"), None);
        assert_eq!(month_in_text("ago"), None);
        assert_eq!(month_in_text("Marco"), None);
        assert_eq!(month("marco").map(|m| m.month), Some(3));
        assert_eq!(month_in_text("juin"), Some(6));
        assert_eq!(weekday("lundi").map(|d| d.day), Some(1));
        assert_eq!(weekday("so"), None);
        assert_eq!(weekday("So").map(|d| d.day), Some(7));
    }
}
