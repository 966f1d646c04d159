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
//! One pass over the sentence's tokens with no regular expressions
//! ([`scan`] over [`tokens`]), reading its words from [`super::lexicon`]:
//! this runs on every sentence. Money and percentage facets and the
//! detector's number features are read from these quantities, never
//! recognised a second time.

mod scan;
mod tokens;

pub use scan::quantities;

use serde::{Deserialize, Serialize};

use super::lexicon::format::scaled;
use super::lexicon::money::format_money;
use super::lexicon::qualifiers::qualifier_sense;

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
        let num = scaled;
        let value = match self.high {
            Some(h) => format!("{}-{}", num(self.value), num(h)),
            None => num(self.value),
        };
        let body = match self.kind {
            QuantityKind::Money => match self.high {
                Some(h) => format!(
                    "{}-{}",
                    format_money(&self.unit, self.value),
                    format_money(&self.unit, h)
                ),
                None => format_money(&self.unit, self.value),
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
