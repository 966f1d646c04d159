//! The claim engine's vocabulary: one list per concept, read by every
//! part that needs it.
//!
//! | concept | module | read by |
//! |---|---|---|
//! | month and weekday names, 15 languages | [`calendar`] | dates, the detector's date feature, the quantity scanner, time stamps, the sentence splitter |
//! | number words, scale words (lakh, crore) | [`numbers`] | the quantity scanner, the detector's number feature |
//! | currencies | [`money`] | the quantity scanner (and so money facets, the detector's amount feature) |
//! | units of measurement | [`units`] | the quantity scanner |
//! | qualifiers ("more than", "up to") | [`qualifiers`] | the quantity scanner, comparison of quantities |
//! | how numbers are written back | [`format`] | every display of a quantity or amount |
//!
//! Certainty cues (hedges, modals, boosters, negations) are the lexicon of
//! [`super::certainty`], with their sources and licences next to the data.

pub mod calendar;
pub mod format;
pub mod money;
pub mod numbers;
pub mod qualifiers;
pub mod units;
