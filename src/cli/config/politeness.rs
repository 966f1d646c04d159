//! `[politeness]` as written, and its validation.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Validator, defaults};
use crate::service::politeness::Politeness;

/// `[politeness]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPoliteness {
    robots: Option<bool>,
    host_interval: Option<Spanned<String>>,
    host_concurrency: Option<Spanned<i64>>,
    retries: Option<Spanned<i64>>,
    backoff_base: Option<Spanned<String>>,
    backoff_max: Option<Spanned<String>>,
    max_retry_wait: Option<Spanned<String>>,
    report_after: Option<Spanned<i64>>,
}

/// Validates `[politeness]`.
pub(super) fn validate(v: &Validator, raw: &RawPoliteness) -> Result<Politeness, ConfigError> {
    let d = defaults::politeness();
    let count = |n: &Option<Spanned<i64>>, key: &str, min: i64, max: i64, default: i64| match n {
        Some(n) if !(min..=max).contains(n.get_ref()) => {
            Err(v.err(n.span(), key, &format!("must be between {min} and {max}")))
        }
        Some(n) => Ok(*n.get_ref()),
        None => Ok(default),
    };
    let p = Politeness {
        robots: raw.robots.unwrap_or(d.robots),
        host_interval: match &raw.host_interval {
            Some(s) if s.get_ref().trim() == "0" => Duration::ZERO,
            _ => v.duration(
                &raw.host_interval,
                "politeness.host_interval",
                d.host_interval,
            )?,
        },
        host_concurrency: count(
            &raw.host_concurrency,
            "politeness.host_concurrency",
            1,
            64,
            d.host_concurrency as i64,
        )? as usize,
        retries: count(&raw.retries, "politeness.retries", 0, 10, d.retries as i64)? as u32,
        backoff_base: v.duration(&raw.backoff_base, "politeness.backoff_base", d.backoff_base)?,
        backoff_max: v.duration(&raw.backoff_max, "politeness.backoff_max", d.backoff_max)?,
        max_retry_wait: v.duration(
            &raw.max_retry_wait,
            "politeness.max_retry_wait",
            d.max_retry_wait,
        )?,
        report_after: count(
            &raw.report_after,
            "politeness.report_after",
            1,
            1000,
            d.report_after as i64,
        )? as u32,
    };
    Ok(p)
}
