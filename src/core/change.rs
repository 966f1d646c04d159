//! The model of a stored change as every report reads it: the change, its
//! claim changes, and how much it matters.

use serde::Serialize;

use crate::core::compare::TextDiff;
use crate::core::disclosure::Disclosure;

/// How much a change matters, for `min_significance`. Ordered: a claim
/// change is more than a headline change, which is more than a text change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Significance {
    /// Only the text changed.
    Text,
    /// The headline changed.
    Headline,
    /// A claim changed (amount, certainty, attribution, ...).
    Claims,
}

impl Significance {
    /// Parses the config spelling.
    pub fn parse(s: &str) -> Option<Significance> {
        match s {
            "text" => Some(Significance::Text),
            "headline" => Some(Significance::Headline),
            "claims" => Some(Significance::Claims),
            _ => None,
        }
    }
}

/// One changed claim as every report shows it, e.g. kind "amount", old
/// "$50 billion", new "$40 billion", label "amount $50 billion → $40
/// billion". Built from a claim change by `ReportedClaim::of`
/// (`core::wording`), so every interface words it the same way. Its field
/// names are part of the documented `--json` output (docs/CLI.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedClaim {
    /// What changed: `amount`, `certainty`, `attribution`, `claim` (added
    /// or removed), `reworded`, `moved`.
    pub kind: String,
    /// The claim engine's kind: `amount_changed`, `certainty_changed`, ...
    pub change_kind: String,
    /// Higher is more significant (an amount change ranks first).
    pub significance: u8,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What happened, in a few words: `amount $50 billion → $40 billion`.
    pub label: String,
    /// The label, the other facets that changed with it, and the sentence.
    pub summary: String,
}

/// One change to report, as read from the database.
#[derive(Debug, Clone, Serialize)]
pub struct ReportItem {
    pub outbox_id: i64,
    pub change_id: i64,
    /// The outlet (source name).
    pub source: String,
    pub url: String,
    /// The headline of the new version.
    pub headline: Option<String>,
    pub from_version: i64,
    pub to_version: i64,
    /// When the versions were fetched (stored RFC 3339 text).
    pub from_time: String,
    pub to_time: String,
    pub summary: String,
    pub diff: TextDiff,
    /// Claim changes stored with this change (empty until claims exist).
    pub claim_changes: Vec<ReportedClaim>,
    /// How the page disclosed the change (`none`: silent), and the notice.
    pub disclosure: Disclosure,
    pub notice: Option<String>,
}

impl ReportedClaim {
    /// The ranking of a claim change among others: its kind's significance,
    /// then whether a value changed. A new figure (`$50 billion` →
    /// `$40 billion`) outranks a reworded one of the same kind (`up to
    /// $50 billion` → `$50 billion`).
    pub fn rank(&self) -> (u8, bool) {
        let figures = |s: &Option<String>| -> Vec<String> {
            s.as_deref()
                .unwrap_or("")
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                .map(|t| t.trim_matches(|c| c == '.' || c == ',').replace(',', ""))
                .filter(|t| !t.is_empty())
                .collect()
        };
        (
            self.significance,
            self.old.is_some() && self.new.is_some() && figures(&self.old) != figures(&self.new),
        )
    }
}

/// How a change ranks among others, higher first: its significance, then
/// the kind of its highest-ranked claim change, then whether it was silent
/// (a silent change of a fact or claim outranks a disclosed change of the
/// same kind), then whether a value changed.
pub type Rank = (Significance, u8, bool, bool);

/// The ranking of a change from its parts, for whatever row carries them
/// (a report item, a `changes` row).
pub fn rank(claim_changes: &[ReportedClaim], diff: &TextDiff, disclosure: Disclosure) -> Rank {
    let (kind, silent, value) = claim_changes
        .iter()
        .map(|c| claim_rank(c, disclosure))
        .max()
        .unwrap_or((0, disclosure.is_silent(), false));
    (significance(claim_changes, diff), kind, silent, value)
}

/// How one claim change ranks among others (a digest's claim lines): its
/// kind, then silent before disclosed, then whether a value changed.
pub fn claim_rank(c: &ReportedClaim, disclosure: Disclosure) -> (u8, bool, bool) {
    let (kind, value) = c.rank();
    (kind, disclosure.is_silent(), value)
}

/// How much a change matters: a claim change, else a headline change,
/// else text.
pub fn significance(claim_changes: &[ReportedClaim], diff: &TextDiff) -> Significance {
    if !claim_changes.is_empty() {
        Significance::Claims
    } else if diff.title.is_some() {
        Significance::Headline
    } else {
        Significance::Text
    }
}

impl ReportItem {
    /// The ranking of this change among others (see [`rank`]).
    pub fn rank(&self) -> Rank {
        rank(&self.claim_changes, &self.diff, self.disclosure)
    }

    /// How much this change matters.
    pub fn significance(&self) -> Significance {
        significance(&self.claim_changes, &self.diff)
    }
}

/// Orders changes most significant first, across outlets; changes of equal
/// rank keep their order (oldest first). A report leads with what matters
/// most, not with whichever check happened to finish first.
pub fn by_significance(items: &mut [ReportItem]) {
    sort_by_rank(items, ReportItem::rank);
}

/// Orders any rows of changes most significant first by [`rank`], keeping
/// the order of rows of equal rank: the one ranking of digests and
/// `changes --sort significance`.
pub fn sort_by_rank<T>(rows: &mut [T], rank_of: impl Fn(&T) -> Rank) {
    rows.sort_by_key(|r| std::cmp::Reverse(rank_of(r)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(old: &str, new: &str) -> ReportedClaim {
        ReportedClaim {
            kind: "amount".into(),
            change_kind: "amount_changed".into(),
            significance: 7,
            old: Some(old.into()),
            new: Some(new.into()),
            label: format!("amount {old} → {new}"),
            summary: String::new(),
        }
    }

    fn item(disclosure: Disclosure, claim: ReportedClaim) -> ReportItem {
        ReportItem {
            outbox_id: 0,
            change_id: 0,
            source: String::new(),
            url: String::new(),
            headline: None,
            from_version: 1,
            to_version: 2,
            from_time: String::new(),
            to_time: String::new(),
            summary: String::new(),
            diff: TextDiff::default(),
            claim_changes: vec![claim],
            disclosure,
            notice: None,
        }
    }

    #[test]
    fn a_silent_change_outranks_a_disclosed_one_of_the_same_kind() {
        let disclosed = item(Disclosure::Correction, amount("$50 billion", "$40 billion"));
        let silent = item(Disclosure::None, amount("$50 billion", "$40 billion"));
        let mut items = vec![disclosed.clone(), silent.clone()];
        by_significance(&mut items);
        assert_eq!(items[0].disclosure, Disclosure::None);
        // A disclosed change of a more significant kind still comes first.
        let mut reworded = amount("a", "b");
        reworded.significance = 2;
        let mut items = vec![item(Disclosure::None, reworded), disclosed];
        by_significance(&mut items);
        assert_eq!(items[0].disclosure, Disclosure::Correction);
    }

    #[test]
    fn a_new_figure_outranks_a_reworded_one() {
        let qualifier = amount("up to $50 billion", "$50 billion");
        let value = amount("$50 billion", "$40 billion");
        assert!(value.rank() > qualifier.rank());
        assert_eq!(amount("3,400 jobs", "3400 jobs").rank(), (7, false));
    }
}
