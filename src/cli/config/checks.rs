//! Value checks: durations, URLs, schedules, time zones, numbers and
//! extraction options, each turned into its runtime value or an error that
//! names its line and key.

use std::time::Duration;

use toml::Spanned;
use url::Url;

use super::raw::RawSource;
use super::{ConfigError, Validator};
use crate::core::extract::ExtractOptions;
use crate::service::schedule::Schedule;

impl Validator<'_> {
    pub(crate) fn duration(
        &self,
        value: &Option<Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        match value {
            None => Ok(default),
            Some(s) => parse_duration(s.get_ref())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    self.err(
                        s.span(),
                        key,
                        "expected a positive duration such as \"30s\", \"5m\" or \"2h\"",
                    )
                }),
        }
    }
    /// An http or https URL.
    pub(crate) fn http_url(&self, raw: &Spanned<String>, key: &str) -> Result<Url, ConfigError> {
        let url = Url::parse(raw.get_ref().trim())
            .map_err(|e| self.err(raw.span(), key, &format!("not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(self.err(raw.span(), key, "must be an http or https URL"));
        }
        Ok(url)
    }
    /// An entry's schedule: its own cron expression and time zone, each
    /// falling back to `[defaults]`. `prefix` is the entry's key with a
    /// trailing dot, e.g. `sources[2].`.
    pub(crate) fn schedule(
        &self,
        expr: &Option<Spanned<String>>,
        timezone: &Option<Spanned<String>>,
        prefix: &str,
        default_schedule: &Schedule,
        default_tz: Option<chrono_tz::Tz>,
    ) -> Result<Schedule, ConfigError> {
        let tz = match timezone {
            Some(tz) => Some(self.timezone(tz, &format!("{prefix}timezone"))?),
            None => default_tz,
        };
        match expr {
            Some(s) => Schedule::parse(s.get_ref(), tz)
                .map_err(|e| self.err(s.span(), &format!("{prefix}schedule"), &e)),
            None => Ok(default_schedule.with_timezone(tz)),
        }
    }
    pub(super) fn positive(
        &self,
        value: &Option<Spanned<i64>>,
        key: &str,
    ) -> Result<Option<u64>, ConfigError> {
        match value {
            Some(n) if *n.get_ref() <= 0 => {
                Err(self.err(n.span(), key, "must be a positive number"))
            }
            Some(n) => Ok(Some(*n.get_ref() as u64)),
            None => Ok(None),
        }
    }
    pub(crate) fn timezone(
        &self,
        tz: &Spanned<String>,
        key: &str,
    ) -> Result<chrono_tz::Tz, ConfigError> {
        tz.get_ref().parse::<chrono_tz::Tz>().map_err(|_| {
            self.err(
                tz.span(),
                key,
                &format!(
                    "unknown time zone {:?} (use an IANA name such as \"Europe/Berlin\")",
                    tz.get_ref()
                ),
            )
        })
    }
    pub(super) fn extract_options(
        &self,
        rs: &RawSource,
        i: usize,
    ) -> Result<ExtractOptions, ConfigError> {
        use crate::core::extract::OptionError;
        let key = |k: &str| format!("sources[{i}].{k}");
        let empty = Vec::new();
        let drop = rs.drop.as_ref().map_or(&empty, |d| d.get_ref());
        let ignore = rs.ignore.as_ref().map_or(&empty, |d| d.get_ref());
        let selector = rs.selector.as_ref().map(|s| s.get_ref().as_str());
        ExtractOptions::new(selector, drop, ignore).map_err(|e| {
            let (span, k) = match &e {
                OptionError::BodySelector { .. } => {
                    (rs.selector.as_ref().map(|s| s.span()), "selector")
                }
                OptionError::DropSelector { .. } => (rs.drop.as_ref().map(|d| d.span()), "drop"),
                OptionError::Ignore { .. } => (rs.ignore.as_ref().map(|d| d.span()), "ignore"),
            };
            self.err(span.unwrap_or(0..0), &key(k), &e.to_string())
        })
    }
}

/// Parses "90s", "15m", "2h", "1d", "500ms" or a bare number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => return Some(Duration::from_millis(n)),
        "" | "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n.checked_mul(60)?,
        "h" | "hour" | "hours" => n.checked_mul(3600)?,
        "d" | "day" | "days" => n.checked_mul(86_400)?,
        "w" | "week" | "weeks" => n.checked_mul(7 * 86_400)?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}
