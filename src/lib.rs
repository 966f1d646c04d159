//! claimwatch: watches how news coverage of an announcement changes over time.
//!
//! See ARCHITECTURE.md for the map of the modules and the data flow.

pub mod benchsite;
pub mod claims;
pub mod cli;
pub mod compare;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod extract;
pub mod fetch;
pub mod httpd;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod schedule;
pub mod store;
