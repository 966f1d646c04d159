//! The raw form of the config: exactly what the file says, with the spans
//! that errors point at. Validation turns it into `service::settings`.

use serde::Deserialize;
use toml::Spanned;

use super::{email, feeds, politeness};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) database: Option<Spanned<String>>,
    pub(super) user_agent: Option<String>,
    pub(super) log_level: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) fetch: RawFetch,
    #[serde(default)]
    pub(super) defaults: RawDefaults,
    pub(super) story: RawStory,
    #[serde(default)]
    pub(super) sources: Vec<RawSource>,
    #[serde(default)]
    pub(super) feeds: Vec<feeds::RawFeed>,
    #[serde(default)]
    pub(super) politeness: politeness::RawPoliteness,
    #[serde(default)]
    pub(super) report: email::RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFetch {
    pub(super) timeout: Option<Spanned<String>>,
    pub(super) connect_timeout: Option<Spanned<String>>,
    pub(super) max_body_bytes: Option<Spanned<i64>>,
    pub(super) max_redirects: Option<Spanned<i64>>,
    pub(super) concurrency: Option<Spanned<i64>>,
    pub(super) allow_private_addresses: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    pub(super) schedule: Option<Spanned<String>>,
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) jitter: Option<Spanned<String>>,
    pub(super) recheck_min: Option<Spanned<String>>,
    pub(super) recheck_max: Option<Spanned<String>>,
    pub(super) recheck_factor: Option<Spanned<f64>>,
    pub(super) recheck_stop_after: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStory {
    pub(super) name: String,
    #[serde(default)]
    pub(super) entities: Vec<String>,
    /// alias -> canonical entity, e.g. AWS = "Amazon".
    #[serde(default)]
    pub(super) aliases: toml::Table,
    /// The story's key facts, whose values are compared across outlets.
    #[serde(default)]
    pub(super) facts: Vec<RawFact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFact {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) about: Vec<String>,
    pub(super) kind: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) name: Spanned<String>,
    pub(super) url: Spanned<String>,
    pub(super) schedule: Option<Spanned<String>>,
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) selector: Option<Spanned<String>>,
    pub(super) drop: Option<Spanned<Vec<String>>>,
    pub(super) ignore: Option<Spanned<Vec<String>>>,
}
