//! claimwatch: watches how news coverage of an announcement changes over time.
//!
//! See ARCHITECTURE.md for the map of the modules and the data flow.

pub mod cli;
pub mod core;
pub mod service;
pub mod store;
