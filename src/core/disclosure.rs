//! Whether an outlet disclosed a change: a correction or clarification
//! notice, an update or editor's note, a declared modification time that
//! moved, or nothing at all (a silent change).
//!
//! Notices are found in the article's sentences (and in text blocks the
//! extraction found around the body), by the general forms newsrooms use:
//! a label that opens a paragraph ("Correction:", "Clarification —",
//! "Editor's note:", "Update, 3:40 p.m.:", "For the record", a Reuters
//! trashline "(Corrects paragraph 3 …)"), or a sentence about the article
//! itself ("An earlier version of this story misstated …", "This article
//! was amended on …", "This story has been updated to include …"). A
//! notice is not a claim: its sentences are kept out of claim changes and
//! story facts ([`notice_mask`]).
//!
//! Relative time labels ("Updated 3 minutes ago") disclose nothing.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::core::sentences::{Sentence, split_sentences};
use crate::core::stamp;

/// How a change was disclosed, from most to least explicit. Stored and
/// printed as the snake-case string (`correction`, `update_note`,
/// `modified_time`, `none`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// Nothing on the page discloses the change: a silent change.
    #[default]
    None,
    /// No notice, but the page's declared modification time moved forward.
    ModifiedTime,
    /// A new update or editor's note.
    UpdateNote,
    /// A new (or grown) correction or clarification notice.
    Correction,
    /// A change stored before disclosures were told: never examined, so
    /// never counted as silent.
    Unknown,
}

impl Disclosure {
    /// The stored and printed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::None => "none",
            Disclosure::ModifiedTime => "modified_time",
            Disclosure::UpdateNote => "update_note",
            Disclosure::Correction => "correction",
            Disclosure::Unknown => "unknown",
        }
    }

    /// Parses the stored spelling; anything else is `Unknown`.
    pub fn parse(s: &str) -> Disclosure {
        match s {
            "none" => Disclosure::None,
            "correction" => Disclosure::Correction,
            "update_note" => Disclosure::UpdateNote,
            "modified_time" => Disclosure::ModifiedTime,
            _ => Disclosure::Unknown,
        }
    }

    /// Whether nothing on the page owned up to the change.
    pub fn is_silent(self) -> bool {
        self == Disclosure::None
    }
}

/// What kind of notice a page carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Correction,
    UpdateNote,
}

/// One notice on a page, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

/// What a version's page declares about its own revisions: its notices
/// and its visible "Updated …" line. The metadata modification time
/// (`Article::modified`) is kept with the version already.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// A visible, absolute "Updated Dec. 5, 2026, 3:40 p.m." line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
}

/// A label that opens a correction paragraph, in the languages the
/// extraction sets hold. Followed by punctuation, a date or the end, so
/// "Correction officers said" is prose.
static CORRECTION_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^[\s\(\[\*•·–—-]*(?:
            corrections?\s*(?:&|and)\s*(?:clarifications?|amplifications?)
          | corrections? | clarifications? | correction\s+appended | for\s+the\s+record
          | errat(?:um|a) | an?\s+correction\s+(?:was|has\s+been)\s+(?:made|appended|added)
          | korrektur | berichtigung | richtigstellung | klarstellung
          | rectificatif | rectification | correctif | précision
          | fe\s+de\s+errores | corrección | aclaración | rectificación
          | rettifica | correzione | precisazione | correção | retificação | esclarecimento
          | correctie | rectificatie | koreksi | ralat
        )\s*(?:[:.,;(\[–—-]|\d|$)",
    )
    .unwrap()
});

/// A label that opens an update or editor's note.
static UPDATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^[\s\(\[\*•·–—-]*(?:
            editor[’']?s?[’']?\s+note | editors[’']\s+note | ed\.\s+note | note\s+from\s+the\s+editors?
          | (?:a\s+)?note\s+to\s+(?:our\s+)?readers | programming\s+note
          | updated? | updates | latest\s+update | story\s+update
          | anmerkung\s+der\s+redaktion | hinweis\s+der\s+redaktion | aktualisierung | aktualisiert
          | note\s+de\s+la\s+rédaction | mise\s+à\s+jour | nota\s+del\s+editor | nota\s+de\s+la\s+redacción
          | actualización | nota\s+della\s+redazione | aggiornamento | nota\s+do\s+editor
          | atualização | noot\s+van\s+de\s+redactie | catatan\s+redaksi | pembaruan
        )(?:\s*(?:[:,;.(\[–—-]|$)|\s+(?:at\s+|on\s+)?\d)
        | ^\s*this\s+is\s+a\s+developing\s+(?:news\s+)?(?:story|situation)\b",
    )
    .unwrap()
});

/// A Reuters/Bloomberg style trashline: a parenthesised advisory that
/// opens with what the new version does.
static TRASHLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*[\(\[]\s*(?:corrects|correcting|clarifies|fixes|updates|adds|recasts|refiles|rewrites|writes\s+through|changes|removes|tops|inserts|deletes|amends|replaces|restores)\b",
    )
    .unwrap()
});

/// Words that make a trashline or a notice a correction.
static CORRECTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            correct(?:s|ed|ing|ion|ions)? | clarif(?:y|ies|ied|ication|ications) | amended | rectif\w*
          | misstated | misstate[sd]? | misidentif\w+ | misspel\w+ | misquot\w+ | misattribut\w+
          | misreport\w* | misnamed | mischaracteri[sz]\w+ | misrepresent\w* | misdescri\w+ | misplaced
          | incorrect(?:ly)? | erroneous(?:ly)? | wrong(?:ly)? | mistaken(?:ly)? | inaccurate(?:ly)?
          | in\s+error | (?:editing|editorial|reporting|factual|production|transcription)\s+errors?
          | we\s+regret | fix(?:es|ed)?\s+(?:a|an|the)\b
          | korrigiert | berichtigt | fehlerhaft | falsch | corrigé\w* | erron\w+ | corregid\w+
          | errónea\w* | corrett\w+ | errat\w+ | corrigid\w+ | gecorrigeerd | dikoreksi | diralat
        )\b",
    )
    .unwrap()
});

/// A sentence about the article itself that only a notice writes.
static SELF_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:an?|the)\s+(?:earlier|previous|prior|original|older|initial)\s+(?:version|edition|draft|headline)\s+of\s+
            (?:this|the)\s+(?:article|story|report|post|piece|item|headline|caption|column|review|obituary
            |graphic|video|newsletter|analysis|essay|blog|photo|interview|explainer|feature|podcast|episode|page)
      | \b(?:this|the)\s+(?:article|story|report|post|piece|item|headline|caption|column|review|obituary|page
            |live\s+blog|blog\s+post|newsletter|analysis|explainer|feature|graphic)
          \s+(?:was|has\s+been|had\s+been|is\s+being|have\s+been|will\s+be|were)\s+
          (?:\w+\s+)?(?:amended|corrected|clarified|updated|revised|expanded|rewritten|refiled|edited|changed|modified|republished)\b
      | \b(?:this|the)\s+(?:story|article|report|post)\s+(?:is|remains)\s+(?:developing|a\s+developing\s+story)
      | \b(?:this|the)\s+(?:story|article|report|post)\s+was\s+(?:originally|first)\s+published\b
      | \bwe\s+(?:incorrectly|wrongly|mistakenly|erroneously|inaccurately)\s+\w+
      | \b(?:due\s+to|because\s+of)\s+an?\s+(?:editing|editorial|reporting|production|transcription|translation)\s+error\b
      | \bwe\s+regret\s+the\s+(?:error|errors|mistake)\b
      | \bin\s+einer\s+(?:früheren|vorherigen|älteren)\s+version\b
      | \b(?:dieser|der)\s+(?:artikel|beitrag|text)\s+wurde\s+(?:\w+\s+)?(?:aktualisiert|ergänzt|korrigiert|berichtigt|geändert)\b
      | \b(?:une|la)\s+(?:précédente|première|ancienne)\s+version\s+de\s+(?:cet|cette)\s+(?:article|dépêche|information)\b
      | \bcet\s+article\s+a\s+été\s+(?:mis\s+à\s+jour|actualisé|modifié|corrigé|complété)\b
      | \buna\s+versión\s+anterior\s+de\s+(?:este|esta)\s+(?:artículo|nota|información|noticia)\b
      | \b(?:este|esta)\s+(?:artículo|nota|noticia)\s+(?:fue|ha\s+sido)\s+(?:actualizad|corregid|modificad)[oa]\b
      | \buna\s+precedente\s+versione\s+di\s+quest[oa]\s+(?:articolo|notizia)\b
      | \buma\s+versão\s+anterior\s+d[eo]st[ea]\s+(?:reportagem|texto|artigo|matéria|notícia)\b
      | \b(?:een\s+eerdere\s+versie\s+van\s+dit\s+(?:artikel|bericht)|dit\s+artikel\s+is\s+(?:aangepast|gecorrigeerd|bijgewerkt))\b
      | \b(?:artikel|berita)\s+ini\s+(?:telah\s+)?(?:diperbarui|dikoreksi|diralat|mengalami\s+perubahan)\b",
    )
    .unwrap()
});

/// An update note worded as a correction ("updated to correct …").
static UPDATED_TO_ADD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bamended\s+(?:on\s+[^.;]{1,40}?\s+)?to\s+(?:add|include|insert|update)\b")
        .unwrap()
});

/// A visible modification line: "Updated Dec. 5, 2026, 3:40 p.m. ET".
static UPDATED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:last\s+)?(?:updated?|modified|edited|revised|aktualisiert|actualizado|actualisé|mis\s+à\s+jour|atualizado|aggiornato|bijgewerkt|diperbarui)\b",
    )
    .unwrap()
});

/// A relative label: disclosed nothing ("3 minutes ago", "just now").
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:ago|just\s+now|moments?|seconds?|secs?|minutes?|mins?|hours?|hrs?|yesterday|today|vor|il\s+y\s+a|hace|fa|há|geleden|lalu)\b|\d+\s*[smhd]\b",
    )
    .unwrap()
});

/// A heading that only names the notice below it ("Correction",
/// "Editor's note").
fn is_heading(text: &str) -> bool {
    let words = text.split_whitespace().count();
    words <= 4
        && !text.trim_end().ends_with(['.', '!', '?'])
        && (CORRECTION_LABEL.is_match(text) || UPDATE_LABEL.is_match(text))
        && !text.chars().any(|c| c.is_ascii_digit())
}

/// The kind of a notice from its text: a correction when it says so.
fn classify(text: &str) -> NoticeKind {
    let opens_correction = CORRECTION_LABEL.is_match(text);
    if opens_correction {
        return NoticeKind::Correction;
    }
    if UPDATED_TO_ADD.is_match(text) && !text.to_lowercase().contains("correct") {
        return NoticeKind::UpdateNote;
    }
    if CORRECTING.is_match(text) {
        NoticeKind::Correction
    } else {
        NoticeKind::UpdateNote
    }
}

/// Whether a paragraph opened by an update label is a note rather than a
/// time stamp ("Updated Dec. 5, 2026, 3:40 p.m." or "Updated 3 minutes
/// ago", which disclose nothing but the time).
fn is_update_note(par: &str) -> bool {
    !(stamp::is_stamp(par) || RELATIVE.is_match(par) && par.split_whitespace().count() <= 8)
}

/// Where a notice opens in a paragraph: at its first sentence (the whole
/// paragraph is the notice) or at a later sentence that speaks of the
/// article itself (the notice runs to the paragraph's end).
/// `par` is the paragraph's text, its sentences joined by a space.
fn notice_start(sentences: &[&Sentence], par: &str) -> Option<usize> {
    let first = sentences.first()?;
    if CORRECTION_LABEL.is_match(&first.text) || TRASHLINE.is_match(&first.text) {
        return Some(0);
    }
    if UPDATE_LABEL.is_match(&first.text) && is_update_note(par) {
        return Some(0);
    }
    sentences.iter().position(|s| SELF_NOTICE.is_match(&s.text))
}

/// Marks the sentences that belong to a notice, with the notice's kind.
pub fn notice_mask(sentences: &[Sentence]) -> Vec<Option<NoticeKind>> {
    let mut mask = vec![None; sentences.len()];
    let mut i = 0;
    let mut heading: Option<NoticeKind> = None;
    while i < sentences.len() {
        let p = sentences[i].paragraph;
        let end = sentences[i..]
            .iter()
            .position(|s| s.paragraph != p)
            .map_or(sentences.len(), |n| i + n);
        let par: Vec<&Sentence> = sentences[i..end].iter().collect();
        let text = par
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let is_head = par.len() == 1 && is_heading(&text);
        let start = if is_head {
            Some(0)
        } else {
            notice_start(&par, &text).or(heading.map(|_| 0))
        };
        let next_heading = is_head.then(|| classify(&text));
        if let Some(k) = start {
            let body = par[k..]
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let kind = match (heading, classify(&body)) {
                (Some(NoticeKind::Correction), _) | (_, NoticeKind::Correction) => {
                    NoticeKind::Correction
                }
                _ => NoticeKind::UpdateNote,
            };
            for m in &mut mask[i + k..end] {
                *m = Some(kind);
            }
        }
        heading = next_heading;
        i = end;
    }
    mask
}

/// The notices among `sentences`: each run of marked sentences in one
/// paragraph (and a heading with the paragraph it names) is one notice.
pub fn notices(sentences: &[Sentence]) -> Vec<Notice> {
    let mask = notice_mask(sentences);
    let mut out: Vec<Notice> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, (s, m)) in sentences.iter().zip(&mask).enumerate() {
        let Some(kind) = m else { continue };
        let joins = last.is_some_and(|l| {
            l + 1 == i && (sentences[l].paragraph == s.paragraph || is_heading(&sentences[l].text))
        });
        match out.last_mut() {
            Some(n) if joins => {
                n.text.push(' ');
                n.text.push_str(&s.text);
                if *kind == NoticeKind::Correction {
                    n.kind = NoticeKind::Correction;
                }
            }
            _ => out.push(Notice {
                kind: *kind,
                text: s.text.clone(),
            }),
        }
        last = Some(i);
    }
    out
}

/// The visible absolute "Updated …" line among `sentences`, if any.
pub fn updated_line(sentences: &[Sentence]) -> Option<String> {
    sentences
        .iter()
        .map(|s| s.text.trim())
        .find(|t| {
            UPDATED_LINE.is_match(t)
                && stamp::is_stamp(t)
                && t.chars().any(|c| c.is_ascii_digit())
                && !RELATIVE.is_match(t)
        })
        .map(str::to_string)
}

/// What a page declares: the notices and the visible "Updated" line of its
/// article sentences, and the notices found around the body: a box its
/// markup names is a notice of that kind (unless its text words one
/// itself); plain blocks (`None`) are read in document order like the
/// article's paragraphs, so only their notice wordings count.
pub fn declared(sentences: &[Sentence], around: &[(Option<NoticeKind>, String)]) -> Declared {
    let mut notices = notices(sentences);
    let mut add = |found: Vec<Notice>| {
        for n in found {
            if !notices.iter().any(|m| key(&m.text) == key(&n.text)) {
                notices.push(n);
            }
        }
    };
    for (kind, text) in around {
        let Some(kind) = kind else { continue };
        let found = self::notices(&split_sentences(text));
        add(if found.is_empty() {
            vec![Notice {
                kind: *kind,
                text: text.clone(),
            }]
        } else {
            found
        });
    }
    let plain: Vec<&str> = around
        .iter()
        .filter(|(k, _)| k.is_none())
        .map(|(_, t)| t.as_str())
        .collect();
    if !plain.is_empty() {
        add(self::notices(&split_sentences(&plain.join("\n\n"))));
    }
    Declared {
        notices,
        updated: updated_line(sentences),
    }
}

/// A notice's identity: its words, whatever the spacing and case.
fn key(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a declared modification time moved forward. ISO 8601 times are
/// compared as instants; other forms count when they differ. A page that
/// starts declaring one counts; one that stops does not.
pub fn modified_moved(old: Option<&str>, new: Option<&str>) -> bool {
    let (old, new) = match (old.map(str::trim), new.map(str::trim)) {
        (_, None) => return false,
        (None, Some(n)) => return !n.is_empty(),
        (Some(o), Some(n)) => (o, n),
    };
    if old == new || new.is_empty() {
        return false;
    }
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.timestamp())
            .ok()
            .or_else(|| {
                chrono::NaiveDateTime::parse_from_str(s.get(..19)?, "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|d| d.and_utc().timestamp())
            })
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc().timestamp())
            })
    };
    match (instant(old), instant(new)) {
        (Some(o), Some(n)) => n > o,
        _ => true,
    }
}

/// The disclosure of a change from a version that declared `old` (with
/// modification time `old_modified`) to one that declares `new`: a notice
/// the old page did not carry (a correction before an update note), else
/// a modification time that moved, else none. Returns the notice's text.
pub fn decide(
    old: &Declared,
    old_modified: Option<&str>,
    new: &Declared,
    new_modified: Option<&str>,
) -> (Disclosure, Option<String>) {
    let known: Vec<String> = old.notices.iter().map(|n| key(&n.text)).collect();
    let fresh: Vec<&Notice> = new
        .notices
        .iter()
        .filter(|n| !known.contains(&key(&n.text)))
        .collect();
    for (kind, disclosure) in [
        (NoticeKind::Correction, Disclosure::Correction),
        (NoticeKind::UpdateNote, Disclosure::UpdateNote),
    ] {
        if let Some(n) = fresh.iter().find(|n| n.kind == kind) {
            return (disclosure, Some(n.text.clone()));
        }
    }
    let line_moved = match (&old.updated, &new.updated) {
        (Some(o), Some(n)) => key(o) != key(n),
        (None, Some(_)) => true,
        _ => false,
    };
    if line_moved || modified_moved(old_modified, new_modified) {
        return (Disclosure::ModifiedTime, None);
    }
    (Disclosure::None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<Notice> {
        notices(&split_sentences(text))
    }

    fn one(text: &str) -> (NoticeKind, String) {
        let n = found(text);
        assert_eq!(n.len(), 1, "{text:?} gave {n:?}");
        (n[0].kind, n[0].text.clone())
    }

    const BODY: &str = "Amazon will invest $40 billion in OpenAI, the companies said.\n\n\
        The deal values OpenAI at $300 billion.";

    #[test]
    fn correction_notices_in_their_common_forms() {
        for notice in [
            "Correction: Dec. 5, 2026. An earlier version of this article misstated the amount.",
            "This article was amended on 5 December 2026 to correct the amount of the investment.",
            "(This story has been corrected to fix the figure in paragraph 3.)",
            "Clarification: A previous version of this report did not make clear who gave the figure.",
            "CORRECTION (Dec. 5): Because of an editing error, the amount was misstated.",
            "An earlier version of this story incorrectly said the deal was worth $50 billion.",
            "Corrections & Amplifications: The investment is $40 billion, not $50 billion as an earlier version said.",
            "For the record: An earlier version of this article gave the wrong amount.",
            "(Corrects amount of investment in paragraph 1 to $40 billion from $50 billion)",
            "This story was updated to correct the amount of the investment.",
            "We incorrectly reported the amount of the investment. We regret the error.",
            "Correction — Dec 5, 2026: the article misidentified the investor.",
            "Korrektur: In einer früheren Version dieses Artikels hieß es, die Summe betrage 50 Milliarden.",
            "Rectificatif : une précédente version de cet article indiquait un montant erroné.",
        ] {
            for text in [format!("{BODY}\n\n{notice}"), format!("{notice}\n\n{BODY}")] {
                let (kind, got) = one(&text);
                assert_eq!(kind, NoticeKind::Correction, "{notice}");
                assert_eq!(key(&got), key(notice), "{notice}");
            }
        }
    }

    #[test]
    fn update_notes_in_their_common_forms() {
        for notice in [
            "This story has been updated to include comments from analysts.",
            "Update, 3:40 p.m.: Adds details from the regulatory filing.",
            "Editor's note: This story has been updated since it was first published.",
            "Editor’s Note: A line about the company's history was added.",
            "UPDATE: The company has since responded to a request for comment.",
            "Updated at 3:40 p.m. ET with comment from the company.",
            "(Updates with analyst comment in paragraphs 5-6)",
            "This is a developing story and will be updated.",
            "This article has been updated with new information.",
            "This article was amended on 5 December 2026 to add a response from the company.",
            "Anmerkung der Redaktion: Der Artikel wurde um eine Stellungnahme ergänzt.",
        ] {
            let (kind, got) = one(&format!("{notice}\n\n{BODY}"));
            assert_eq!(kind, NoticeKind::UpdateNote, "{notice}");
            assert_eq!(key(&got), key(notice), "{notice}");
        }
    }

    #[test]
    fn a_heading_names_the_paragraph_below_it() {
        let text = format!("{BODY}\n\nCorrection\n\nThe amount was $40 billion, not $50 billion.");
        let (kind, got) = one(&text);
        assert_eq!(kind, NoticeKind::Correction);
        assert_eq!(
            got,
            "Correction The amount was $40 billion, not $50 billion."
        );
        let text = format!("Editor's note\n\nThis piece now includes the filing.\n\n{BODY}");
        assert_eq!(one(&text).0, NoticeKind::UpdateNote);
    }

    #[test]
    fn a_notice_at_the_end_of_a_paragraph_is_only_that_sentence_on() {
        let text =
            "Amazon will invest $40 billion. (This story has been corrected to fix the amount.)";
        let s = split_sentences(text);
        let mask = notice_mask(&s);
        assert_eq!(mask[0], None);
        assert_eq!(mask.last().copied().flatten(), Some(NoticeKind::Correction));
    }

    #[test]
    fn prose_and_time_stamps_are_not_notices() {
        for text in [
            "Correction officers said the prison was calm.",
            "The update to the software fixed the error, the company said.",
            "Updated 3 minutes ago",
            "Updated Dec. 5, 2026, 3:40 p.m. ET",
            "Last updated: 5 December 2026 15:40 GMT",
            "Updated 2 hours ago by Jane Doe",
            "The regulator said an earlier version of the bill was withdrawn.",
            "Analysts updated their forecasts on Tuesday.",
            BODY,
        ] {
            assert!(found(text).is_empty(), "{text:?}: {:?}", found(text));
        }
    }

    #[test]
    fn an_absolute_updated_line_is_a_modification_time_a_relative_one_is_not() {
        let line = |t: &str| updated_line(&split_sentences(t));
        assert_eq!(
            line("Updated Dec. 5, 2026, 3:40 p.m. ET\n\nBody text here."),
            Some("Updated Dec. 5, 2026, 3:40 p.m. ET".into())
        );
        assert_eq!(line("Updated 3 minutes ago\n\nBody text here."), None);
        assert_eq!(line("Updated 5h ago\n\nBody."), None);
    }

    fn declared_of(text: &str) -> Declared {
        declared(&split_sentences(text), &[])
    }

    #[test]
    fn every_disclosure_value() {
        let old = declared_of(BODY);
        let correction = declared_of(&format!(
            "{BODY}\n\nCorrection: An earlier version of this article misstated the amount."
        ));
        let update = declared_of(&format!("Update: Adds the filing's details.\n\n{BODY}"));
        let t = Some("2026-12-05T10:00:00Z");
        let later = Some("2026-12-06T10:00:00Z");
        assert_eq!(decide(&old, t, &correction, t).0, Disclosure::Correction);
        assert_eq!(
            decide(&old, t, &correction, t).1.as_deref(),
            Some("Correction: An earlier version of this article misstated the amount.")
        );
        assert_eq!(decide(&old, t, &update, later).0, Disclosure::UpdateNote);
        assert_eq!(
            decide(&old, t, &old, later),
            (Disclosure::ModifiedTime, None)
        );
        assert_eq!(decide(&old, t, &old, t), (Disclosure::None, None));
        // A notice the old version already had discloses nothing new.
        assert_eq!(decide(&correction, t, &correction, t).0, Disclosure::None);
        // A correction beats an update note; a grown notice counts.
        let both = declared_of(&format!(
            "Update: Adds the filing's details.\n\n{BODY}\n\nCorrection: An earlier version of this article misstated the amount. \
             A second correction: it also misspelled a name."
        ));
        assert_eq!(decide(&update, t, &both, t).0, Disclosure::Correction);
        assert_eq!(decide(&correction, t, &both, t).0, Disclosure::Correction);
        // The time going back, or a page that stops declaring it: none.
        assert_eq!(decide(&old, later, &old, t).0, Disclosure::None);
        assert_eq!(decide(&old, t, &old, None).0, Disclosure::None);
    }

    #[test]
    fn a_visible_updated_line_that_moved_is_a_modification_time() {
        let old = declared_of(&format!("Updated Dec. 5, 2026, 3:40 p.m. ET\n\n{BODY}"));
        let new = declared_of(&format!("Updated Dec. 5, 2026, 5:10 p.m. ET\n\n{BODY}"));
        assert_eq!(decide(&old, None, &new, None).0, Disclosure::ModifiedTime);
        let old = declared_of(&format!("Updated 3 minutes ago\n\n{BODY}"));
        let new = declared_of(&format!("Updated 1 minute ago\n\n{BODY}"));
        assert_eq!(decide(&old, None, &new, None).0, Disclosure::None);
    }

    #[test]
    fn notices_found_around_the_body_count_too() {
        let boxes = [(
            Some(NoticeKind::UpdateNote),
            "Correction: the investor was misidentified.".to_string(),
        )];
        let d = declared(&split_sentences(BODY), &boxes);
        assert_eq!(d.notices.len(), 1);
        assert_eq!(d.notices[0].kind, NoticeKind::Correction);
        let boxes = [(
            Some(NoticeKind::Correction),
            "The amount was $40 billion.".to_string(),
        )];
        let d = declared(&split_sentences(BODY), &boxes);
        assert_eq!(d.notices[0].kind, NoticeKind::Correction);
        assert_eq!(d.notices[0].text, "The amount was $40 billion.");
        // Plain blocks count only when their words make a notice, and a
        // heading names the block below it.
        let plain = |t: &str| (None, t.to_string());
        let d = declared(
            &split_sentences(BODY),
            &[
                plain("Most read"),
                plain("Correction"),
                plain("The amount was $40 billion."),
            ],
        );
        assert_eq!(d.notices.len(), 1);
        assert_eq!(d.notices[0].kind, NoticeKind::Correction);
        let d = declared(
            &split_sentences(BODY),
            &[plain("Sign up for our newsletter.")],
        );
        assert!(d.notices.is_empty());
    }

    #[test]
    fn disclosure_spellings_round_trip() {
        for d in [
            Disclosure::None,
            Disclosure::ModifiedTime,
            Disclosure::UpdateNote,
            Disclosure::Correction,
            Disclosure::Unknown,
        ] {
            assert_eq!(Disclosure::parse(d.as_str()), d);
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.as_str())
            );
        }
        assert_eq!(Disclosure::parse("garbled"), Disclosure::Unknown);
    }
}
