//! The pure core: values in, values out. No I/O, no clock, no database, no
//! async runtime. Extraction, sentences and claims, comparison, URL
//! normalisation, and the wording of a change.

pub mod analysis;
pub mod change;
pub mod claims;
pub mod compare;
pub mod disclosure;
pub mod extract;
pub mod rng;
pub mod sentences;
pub mod stamp;
pub mod story_chart;
pub mod streak;
pub mod urlnorm;
pub mod wording;
