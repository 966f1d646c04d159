//! Facets of a sentence: entities, amounts, percentages, dates,
//! attribution and certainty.
//!
//! Each facet has one recogniser: money and percentages are the
//! quantities of [`super::quantity`] of those kinds (never recognised a
//! second time), dates are [`dates`] (month names from the calendar
//! lexicon), certainty and its markers are [`super::certainty`].

pub mod attribution;
pub mod dates;
pub mod entities;

use serde::{Deserialize, Serialize};

use super::certainty::{self, level, scan};
use super::lexicon::format::trim_number;
use super::lexicon::money::format_money;
use super::quantity::{Quantity, QuantityKind, quantities};
use super::story::Story;

pub use super::certainty::{Certainty, certainty};
pub use attribution::attribution;
pub use dates::{DateRef, dates, mentions_date};
pub use entities::entities;

/// A money amount, normalised to an ISO currency and a value in units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// ISO 4217 code (USD, GBP, EUR, JPY, INR, CHF, ...).
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
    pub quantities: Vec<Quantity>,
    /// Certainty markers, see [`super::certainty`].
    #[serde(default)]
    pub markers: Vec<String>,
}

/// Extracts the facets of one sentence.
pub fn facets(text: &str, story: &Story) -> Facets {
    let quantities = quantities(text);
    let cues = scan(text);
    let mut markers: Vec<&'static str> = cues.iter().map(|(m, _)| *m).collect();
    markers.sort_unstable();
    markers.dedup();
    Facets {
        entities: entities(text, story),
        amounts: amounts_of(&quantities),
        percentages: percentages_of(&quantities),
        dates: dates(text),
        attribution: attribution(text, story),
        certainty: level(&cues),
        quantities,
        markers: markers.into_iter().map(String::from).collect(),
    }
}

/// The money among quantities, as amounts.
pub fn amounts_of(quantities: &[Quantity]) -> Vec<Amount> {
    quantities
        .iter()
        .filter(|q| q.kind == QuantityKind::Money)
        .map(|q| Amount {
            currency: q.unit.clone(),
            value: q.value,
            qualifier: q.qualifier.clone(),
            text: q.text.clone(),
        })
        .collect()
}

/// The percentages among quantities.
pub fn percentages_of(quantities: &[Quantity]) -> Vec<Percentage> {
    quantities
        .iter()
        .filter(|q| q.kind == QuantityKind::Percent)
        .map(|q| Percentage {
            value: q.value,
            points: q.unit == "percentage points",
            qualifier: q.qualifier.clone(),
            text: q.text.clone(),
        })
        .collect()
}

/// Money amounts in order of appearance.
pub fn amounts(text: &str) -> Vec<Amount> {
    amounts_of(&quantities(text))
}

/// Percentages in order of appearance.
pub fn percentages(text: &str) -> Vec<Percentage> {
    percentages_of(&quantities(text))
}

/// The certainty markers of a sentence (see [`certainty::markers`]).
pub fn markers(text: &str) -> Vec<String> {
    certainty::markers(text)
}
