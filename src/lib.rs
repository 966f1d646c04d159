//! claimwatch: watches how news coverage of an announcement changes over time.
//!
//! See ARCHITECTURE.md for the map of the modules and the data flow.

pub mod benchsite;
pub mod claims;
pub mod claimstore;
pub mod cli;
pub mod compare;
pub mod config;
pub mod daemon;
pub mod dbcare;
pub mod demo;
pub mod email;
pub mod export;
pub mod extract;
pub mod feeds;
pub mod fetch;
pub mod httpd;
pub mod inspect;
pub mod netguard;
pub mod outbox;
pub mod pipeline;
pub mod polite;
pub mod query;
pub mod report;
pub mod schedule;
pub mod store;
pub mod systemd;
pub mod urlnorm;
