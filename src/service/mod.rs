//! Effects: the HTTP client with its SSRF guard and politeness, feeds,
//! schedules, the pipeline, the email sender, the log reporter, the daemon
//! and systemd notifications. Uses `core` and `store`, never `cli`.

pub mod atom;
pub mod daemon;
pub mod email;
pub mod feeds;
pub mod fetch;
pub mod httpd;
pub mod logger;
pub mod pipeline;
pub mod politeness;
pub mod schedule;
pub mod settings;
pub mod shared;
pub mod ssrf;
pub mod systemd;
