//! Time stamps and bylines: "Updated 3:45 PM ET, March 3, 2025", "Posted:
//! Fri 6:45 PM, Feb 16, 2018", "By Jane Doe | 5 hours ago", "Publié le 3
//! mars 2025", "Actualizado el 3 de marzo de 2025". A page rewrites these
//! on every edit or every request; they are never a change of the
//! article, and never a claim. Month and weekday names, in every language,
//! are the calendar lexicon's ([`crate::core::claims::lexicon::calendar`]).

use crate::core::claims::lexicon::calendar;

/// Lower-case words a stamp may hold besides names, dates and times.
const STAMP_WORDS: &[&str] = &[
    "updated",
    "update",
    "published",
    "posted",
    "modified",
    "last",
    "first",
    "created",
    "edited",
    "on",
    "at",
    "by",
    "and",
    "ago",
    "am",
    "pm",
    "a.m",
    "p.m",
    "min",
    "mins",
    "minute",
    "minutes",
    "hour",
    "hours",
    "hr",
    "hrs",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "read",
    "time",
    "reading",
    "just",
    "now",
    "today",
    "yesterday",
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "contributor",
    "in",
    "of",
    "the",
    "date",
    "et",
    "est",
    "edt",
    "gmt",
    "utc",
    "bst",
    "pt",
    "pst",
    "pdt",
    "ist",
    "cet",
    "cest",
    "aest",
    "jst",
    "ct",
    "cst",
    "cdt",
    "mt",
    "mst",
    "mdt",
    "de",
    "le",
    "am",
    "um",
    "uhr",
    "von",
    "par",
    "por",
    "publicado",
    "actualizado",
    "aktualisiert",
    "veröffentlicht",
    "mis",
    "à",
    "jour",
    // Stamp words of other languages: published, updated, by, on, at, of,
    // the, hours, minutes, ago, o'clock.
    "publié",
    "publiée",
    "modifié",
    "le",
    "la",
    "du",
    "des",
    "il",
    "h",
    "heures",
    "y",
    "a",
    "el",
    "del",
    "las",
    "los",
    "hace",
    "horas",
    "minutos",
    "actualización",
    "publicada",
    "actualizada",
    "atualizado",
    "atualizada",
    "publicado",
    "em",
    "às",
    "há",
    "pubblicato",
    "aggiornato",
    "alle",
    "ore",
    "fa",
    "gepubliceerd",
    "bijgewerkt",
    "geplaatst",
    "op",
    "om",
    "uur",
    "geleden",
    "diperbarui",
    "dipublikasikan",
    "diterbitkan",
    "pada",
    "pukul",
    "wib",
    "wita",
    "wit",
    "jam",
    "menit",
    "lalu",
    "oleh",
    "stand",
    "vor",
    "stunden",
    "minuten",
    "uhr",
    "publicerad",
    "uppdaterad",
    "kl",
    "opublikowano",
    "aktualizacja",
    "julkaistu",
    "päivitetty",
    "klo",
];

/// True when the sentence is only a date/time stamp or a byline with one:
/// it holds a date or a time, and besides those, names (capitalised words)
/// and stamp words ("updated", "ago", "ET") nothing at all.
pub fn is_stamp(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ':' || c == '/'))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == ':' || c == '/'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 30 {
        return false;
    }
    let mut has_time = false;
    let mut has_month = false;
    let mut has_number = false;
    let mut has_ago = false;
    for w in &words {
        // Glued words ("2019Updated") are read as their parts.
        let lower = w.to_lowercase();
        let parts = split_glued(&lower);
        for p in &parts {
            let p = p.trim_end_matches('.');
            if p.is_empty() {
                continue;
            }
            if p.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                has_number = true;
                if p.contains(':') {
                    has_time = true;
                } else if p.contains('/') || p.matches('-').count() == 2 {
                    has_month = true;
                }
                continue;
            }
            if p == "ago" {
                has_ago = true;
                continue;
            }
            if calendar::month(p).is_some() {
                has_month = true;
                continue;
            }
            if calendar::weekday(p).is_some() || STAMP_WORDS.contains(&p) {
                continue;
            }
            if matches!(p, "a.m" | "p.m") {
                has_time = true;
                continue;
            }
            // A name (capitalised in the text) is fine: the byline's author.
            if w.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            return false;
        }
    }
    has_time || (has_month && has_number) || (has_ago && has_number)
}

/// "2019updated" → ["2019", "updated"]; "6:45pm" → ["6:45", "pm"].
fn split_glued(w: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_digit = None;
    for (i, c) in w.char_indices() {
        let digit = c.is_ascii_digit() || c == ':' || c == '/';
        if let Some(p) = prev_digit
            && p != digit
            && c != '.'
        {
            out.push(&w[start..i]);
            start = i;
        }
        if c != '.' {
            prev_digit = Some(digit);
        }
    }
    out.push(&w[start..]);
    out
}
