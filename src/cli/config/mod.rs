//! Configuration: the TOML file, parsed raw, then validated into runtime
//! values before anything starts.
//!
//! Every error names the file, the line and the key. Defaults live in
//! [`defaults`] and nowhere else.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::core::extract::ExtractOptions;
use crate::service::schedule::Schedule;
pub use crate::service::settings::{Config, FetchSettings, Source, Story};

mod email;
mod feeds;
mod politeness;

/// The one place where defaults live: every value a config may leave out.
pub mod defaults {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Duration;

    use crate::service::daemon::RunOptions;
    use crate::service::politeness::Politeness;
    use crate::service::schedule::Adaptive;
    use crate::service::settings::FetchSettings;

    pub const DATABASE: &str = "claimwatch.db";
    pub const SCHEDULE: &str = "0 */15 * * * *";
    pub const USER_AGENT: &str = concat!(
        "claimwatch/",
        env!("CARGO_PKG_VERSION"),
        " (+https://github.com/claimwatch/claimwatch)"
    );
    pub const TIMEOUT: Duration = Duration::from_secs(30);
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;
    pub const MAX_REDIRECTS: usize = 5;
    pub const CONCURRENCY: usize = 8;
    pub const JITTER: Duration = Duration::from_secs(30);

    // Re-checks of discovered articles (`[defaults] recheck_*`).
    pub const RECHECK_MIN: Duration = Duration::from_secs(10 * 60);
    pub const RECHECK_MAX: Duration = Duration::from_secs(6 * 3600);
    pub const RECHECK_FACTOR: f64 = 1.2;
    pub const RECHECK_STOP_AFTER: Duration = Duration::from_secs(14 * 86_400);

    // `[politeness]`.
    pub const ROBOTS: bool = true;
    pub const HOST_INTERVAL: Duration = Duration::from_secs(1);
    pub const HOST_CONCURRENCY: usize = 2;
    pub const RETRIES: u32 = 2;
    pub const BACKOFF_BASE: Duration = Duration::from_secs(5);
    pub const BACKOFF_MAX: Duration = Duration::from_secs(5 * 60);
    /// The longest `Retry-After` waited out inside one check; a longer one
    /// fails the check and holds the host back until then.
    pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(2 * 60);
    pub const REPORT_AFTER: u32 = 3;

    // `[report.email]`.
    pub const EMAIL_SUBJECT_PREFIX: &str = "[claimwatch]";
    pub const EMAIL_DIGEST: Duration = Duration::from_secs(30 * 60);
    pub const EMAIL_TIMEOUT: Duration = Duration::from_secs(30);
    pub const EMAIL_PORT_STARTTLS: u16 = 587;
    pub const EMAIL_PORT_TLS: u16 = 465;
    pub const EMAIL_PORT_NONE: u16 = 25;

    /// How long `run` lets in-flight checks finish after SIGTERM; below the
    /// unit's `TimeoutStopSec=30`.
    pub const DRAIN_DEADLINE: Duration = Duration::from_secs(20);

    /// `[fetch]` when the file has none.
    pub fn fetch() -> FetchSettings {
        FetchSettings {
            timeout: TIMEOUT,
            connect_timeout: CONNECT_TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
            max_redirects: MAX_REDIRECTS,
            concurrency: CONCURRENCY,
            allow_private_addresses: false,
        }
    }

    /// `[politeness]` when the file has none.
    pub fn politeness() -> Politeness {
        Politeness {
            robots: ROBOTS,
            host_interval: HOST_INTERVAL,
            host_concurrency: HOST_CONCURRENCY,
            retries: RETRIES,
            backoff_base: BACKOFF_BASE,
            backoff_max: BACKOFF_MAX,
            max_retry_wait: MAX_RETRY_WAIT,
            report_after: REPORT_AFTER,
        }
    }

    /// The `recheck_*` settings when the file has none.
    pub fn adaptive() -> Adaptive {
        Adaptive {
            min: RECHECK_MIN,
            max: RECHECK_MAX,
            factor: RECHECK_FACTOR,
            stop_after: RECHECK_STOP_AFTER,
        }
    }

    /// How `claimwatch run` runs the daemon: until shutdown, reloading the
    /// config file at `path` on SIGHUP.
    pub fn run_options(path: &Path) -> RunOptions {
        let path = path.to_path_buf();
        RunOptions {
            max_checks_per_source: None,
            drain_deadline: DRAIN_DEADLINE,
            reload: Some(Arc::new(move || {
                super::load(&path).map_err(|e| e.to_string())
            })),
        }
    }
}

/// A configuration error: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, when the error can be placed.
    pub line: Option<usize>,
    /// The dotted key, e.g. `sources[2].schedule`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

// ---- raw form: exactly what the file says -------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database: Option<Spanned<String>>,
    user_agent: Option<String>,
    log_level: Option<Spanned<String>>,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    defaults: RawDefaults,
    story: RawStory,
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    feeds: Vec<feeds::RawFeed>,
    #[serde(default)]
    politeness: politeness::RawPoliteness,
    #[serde(default)]
    report: email::RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    timeout: Option<Spanned<String>>,
    connect_timeout: Option<Spanned<String>>,
    max_body_bytes: Option<Spanned<i64>>,
    max_redirects: Option<Spanned<i64>>,
    concurrency: Option<Spanned<i64>>,
    allow_private_addresses: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    schedule: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    jitter: Option<Spanned<String>>,
    recheck_min: Option<Spanned<String>>,
    recheck_max: Option<Spanned<String>>,
    recheck_factor: Option<Spanned<f64>>,
    recheck_stop_after: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStory {
    name: String,
    #[serde(default)]
    entities: Vec<String>,
    /// alias -> canonical entity, e.g. AWS = "Amazon".
    #[serde(default)]
    aliases: toml::Table,
    /// The story's key facts, whose values are compared across outlets.
    #[serde(default)]
    facts: Vec<RawFact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    name: Spanned<String>,
    #[serde(default)]
    about: Vec<String>,
    kind: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Spanned<String>,
    url: Spanned<String>,
    schedule: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    selector: Option<Spanned<String>>,
    drop: Option<Spanned<Vec<String>>>,
    ignore: Option<Spanned<Vec<String>>>,
}

/// Reads and validates the configuration at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        key: String::new(),
        message: format!("cannot read the file: {e}"),
    })?;
    parse(path, &text)
}

/// Validates configuration text; `path` is where it came from (relative
/// paths inside it are resolved against its folder).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let v = Validator { path, text };
    let raw: RawConfig = toml::from_str(text).map_err(|e| v.toml_error(&e))?;

    let base = path.parent().unwrap_or(Path::new("."));
    let database = match &raw.database {
        Some(db) if db.get_ref().trim().is_empty() => {
            return Err(v.err(db.span(), "database", "must not be empty"));
        }
        Some(db) => base.join(db.get_ref()),
        None => base.join(defaults::DATABASE),
    };

    let fetch = FetchSettings {
        timeout: v.duration(&raw.fetch.timeout, "fetch.timeout", defaults::TIMEOUT)?,
        connect_timeout: v.duration(
            &raw.fetch.connect_timeout,
            "fetch.connect_timeout",
            defaults::CONNECT_TIMEOUT,
        )?,
        max_body_bytes: v
            .positive(&raw.fetch.max_body_bytes, "fetch.max_body_bytes")?
            .unwrap_or(defaults::MAX_BODY_BYTES),
        max_redirects: match &raw.fetch.max_redirects {
            Some(n) if !(0..=20).contains(n.get_ref()) => {
                return Err(v.err(n.span(), "fetch.max_redirects", "must be between 0 and 20"));
            }
            Some(n) => *n.get_ref() as usize,
            None => defaults::MAX_REDIRECTS,
        },
        concurrency: v
            .positive(&raw.fetch.concurrency, "fetch.concurrency")?
            .map(|n| n as usize)
            .unwrap_or(defaults::CONCURRENCY),
        allow_private_addresses: raw.fetch.allow_private_addresses.unwrap_or(false),
    };

    let default_tz = match &raw.defaults.timezone {
        Some(tz) => Some(v.timezone(tz, "defaults.timezone")?),
        None => None,
    };
    let default_schedule = match &raw.defaults.schedule {
        Some(s) => Schedule::parse(s.get_ref(), default_tz)
            .map_err(|e| v.err(s.span(), "defaults.schedule", &e))?,
        None => Schedule::parse(defaults::SCHEDULE, default_tz).expect("valid default schedule"),
    };

    let story = Story {
            name: raw.story.name.clone(),
            entities: raw.story.entities.clone(),
            aliases: raw
                .story
                .aliases
                .iter()
                .map(|(alias, canon)| match canon.as_str() {
                    Some(c) => Ok((alias.clone(), c.to_string())),
                    None => Err(v.err(
                        v.find_key(alias),
                        &format!("story.aliases.{alias}"),
                        "must be a string naming the canonical entity",
                    )),
                })
                .collect::<Result<_, _>>()?,
            facts: raw
                .story
                .facts
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let key = |k: &str| format!("story.facts[{i}].{k}");
                    if f.name.get_ref().trim().is_empty() {
                        return Err(v.err(f.name.span(), &key("name"), "must not be empty"));
                    }
                    let kind = match f.kind.get_ref().as_str() {
                        "amount" => crate::core::claims::FactKind::Amount,
                        "percentage" => crate::core::claims::FactKind::Percentage,
                        "date" => crate::core::claims::FactKind::Date,
                        "count" => crate::core::claims::FactKind::Count,
                        other => {
                            return Err(v.err(
                                f.kind.span(),
                                &key("kind"),
                                &format!("unknown fact kind {other:?}: expected \"amount\", \"percentage\", \"count\" or \"date\""),
                            ));
                        }
                    };
                    Ok(crate::core::claims::FactSpec {
                        name: f.name.get_ref().trim().to_string(),
                        about: f.about.clone(),
                        kind,
                    })
                })
                .collect::<Result<_, _>>()?,
        };
    if story.name.trim().is_empty() {
        return Err(v.err(v.find_key("name"), "story.name", "must not be empty"));
    }

    if raw.sources.is_empty() && raw.feeds.is_empty() {
        return Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: "sources".into(),
            message: "at least one [[sources]] or [[feeds]] entry is needed".into(),
        });
    }
    let mut sources = Vec::with_capacity(raw.sources.len());
    for (i, rs) in raw.sources.iter().enumerate() {
        let key = |k: &str| format!("sources[{i}].{k}");
        let name = rs.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(v.err(rs.name.span(), &key("name"), "must not be empty"));
        }
        if sources.iter().any(|s: &Source| s.name == name) {
            return Err(v.err(
                rs.name.span(),
                &key("name"),
                &format!("duplicate source name {name:?}"),
            ));
        }
        let url = v.http_url(&rs.url, &key("url"))?;
        let schedule = v.schedule(
            &rs.schedule,
            &rs.timezone,
            &key(""),
            &default_schedule,
            default_tz,
        )?;
        let extract = v.extract_options(rs, i)?;
        sources.push(Source {
            name,
            url,
            schedule,
            extract,
        });
    }

    let source_names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let feeds = feeds::validate(&v, &raw.feeds, &default_schedule, default_tz, &source_names)?;
    let jitter = match &raw.defaults.jitter {
        Some(j) if j.get_ref().trim() == "0" => Duration::ZERO,
        _ => v.duration(&raw.defaults.jitter, "defaults.jitter", defaults::JITTER)?,
    };
    let ad = defaults::adaptive();
    let adaptive = crate::service::schedule::Adaptive {
        min: v.duration(&raw.defaults.recheck_min, "defaults.recheck_min", ad.min)?,
        max: v.duration(&raw.defaults.recheck_max, "defaults.recheck_max", ad.max)?,
        factor: match &raw.defaults.recheck_factor {
            Some(f) if !(1.0..=10.0).contains(f.get_ref()) => {
                return Err(v.err(
                    f.span(),
                    "defaults.recheck_factor",
                    "must be between 1.0 and 10.0",
                ));
            }
            Some(f) => *f.get_ref(),
            None => ad.factor,
        },
        stop_after: v.duration(
            &raw.defaults.recheck_stop_after,
            "defaults.recheck_stop_after",
            ad.stop_after,
        )?,
    };
    let politeness = politeness::validate(&v, &raw.politeness)?;
    let report =
        email::validate(&raw.report, base).map_err(|e| v.err(e.span, &e.key, &e.message))?;

    let log_level = match &raw.log_level {
        None => None,
        Some(l) => {
            tracing_subscriber::EnvFilter::try_new(l.get_ref()).map_err(|e| {
                v.err(
                    l.span(),
                    "log_level",
                    &format!("expected a level (error, warn, info, debug, trace) or a filter such as \"claimwatch=debug\": {e}"),
                )
            })?;
            Some(l.get_ref().clone())
        }
    };
    Ok(Config {
        log_level,
        report,
        path: path.to_path_buf(),
        database,
        user_agent: raw
            .user_agent
            .unwrap_or_else(|| defaults::USER_AGENT.to_string()),
        fetch,
        story,
        sources,
        feeds,
        jitter,
        adaptive,
        politeness,
    })
}

/// Turns raw values into validated ones, with errors that point at the line.
pub(crate) struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Validator<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub(crate) fn err(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: &str,
    ) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line_of(span.start)),
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    /// The span of the first line that assigns `key` (for values that do not
    /// carry their own span).
    fn find_key(&self, key: &str) -> std::ops::Range<usize> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                return offset..offset;
            }
            offset += line.len();
        }
        0..0
    }

    fn toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let message = e.message().to_string();
        // serde names the offending key in the message ("unknown field `x`",
        // "missing field `y`", "invalid type ... for key `z`").
        let key = message
            .split('`')
            .nth(1)
            .filter(|_| message.contains("field") || message.contains("key"))
            .unwrap_or("")
            .to_string();
        // The whole dotted path: `report.email.host2`, not `host2`.
        let key = match e.span() {
            Some(span) if !key.is_empty() => {
                let table = self.table_at(span.start);
                if table.is_empty() || key.starts_with(&format!("{table}.")) {
                    key
                } else {
                    format!("{table}.{key}")
                }
            }
            _ => key,
        };
        ConfigError {
            path: self.path.to_path_buf(),
            line: e.span().map(|s| self.line_of(s.start)),
            key,
            message,
        }
    }

    /// The table a byte offset of the file is in, as a dotted path with
    /// array indexes: `report.email`, `sources[1]`, `sources[1].extract`.
    fn table_at(&self, offset: usize) -> String {
        let mut table = String::new();
        let mut arrays: Vec<(String, usize)> = Vec::new();
        let mut at = 0;
        for line in self.text.split_inclusive('\n') {
            if at > offset {
                break;
            }
            at += line.len();
            let t = line.trim();
            let header = |open: &str, close: &str| {
                t.strip_prefix(open)
                    .and_then(|r| r.split(close).next())
                    .map(|h| h.split('.').map(str::trim).collect::<Vec<_>>().join("."))
            };
            if t.starts_with("[[") {
                let Some(name) = header("[[", "]]") else {
                    continue;
                };
                let n = match arrays.iter_mut().find(|(a, _)| *a == name) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        arrays.push((name.clone(), 0));
                        0
                    }
                };
                table = format!("{name}[{n}]");
            } else if t.starts_with('[') {
                let Some(name) = header("[", "]") else {
                    continue;
                };
                // A sub-table of the last element of an array of tables.
                table = arrays
                    .iter()
                    .filter(|(a, _)| name.starts_with(&format!("{a}.")))
                    .max_by_key(|(a, _)| a.len())
                    .map_or(name.clone(), |(a, n)| {
                        format!("{a}[{n}]{}", &name[a.len()..])
                    });
            }
        }
        table
    }

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

    fn positive(
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

    fn extract_options(&self, rs: &RawSource, i: usize) -> Result<ExtractOptions, ConfigError> {
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

/// Refuses a config file that holds a secret (`has_secret`: e.g. an SMTP
/// password written in it) while others than its owner may read it: a
/// secret in a world- or group-readable file is no secret. The message says
/// how to fix it. Files without a secret may be readable by anyone.
pub fn check_secret_permissions(path: &Path, has_secret: bool) -> Result<(), ConfigError> {
    if !has_secret {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: String::new(),
            message: format!("cannot read the file's permissions: {e}"),
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConfigError {
                path: path.to_path_buf(),
                line: None,
                key: String::new(),
                message: format!(
                    "the file contains a secret (a password) but its permissions {mode:04o} let other users read it; \
                     run `chmod 600 {}` (or move the secret to a password_file or environment variable)",
                    path.display()
                ),
            });
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
database = "x.db"
[story]
name = "Amazon invests $50 billion in OpenAI"
entities = ["Amazon", "OpenAI"]
aliases = { AWS = "Amazon" }
[[sources]]
name = "a"
url = "https://example.com/a"
schedule = "*/5 * * * *"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        super::parse(Path::new("/etc/claimwatch/claimwatch.toml"), text)
    }

    #[test]
    fn minimal_config_is_valid_and_database_is_relative_to_the_file() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.database, Path::new("/etc/claimwatch/x.db"));
        assert_eq!(c.sources[0].name, "a");
        assert_eq!(
            c.story.aliases,
            vec![("AWS".to_string(), "Amazon".to_string())]
        );
        assert_eq!(c.fetch.max_redirects, defaults::MAX_REDIRECTS);
    }

    #[test]
    fn bad_schedule_names_line_and_key() {
        let text = MINIMAL.replace("*/5 * * * *", "every five minutes");
        let e = parse(&text).unwrap_err();
        assert_eq!(e.line, Some(10));
        assert_eq!(e.key, "sources[0].schedule");
        assert!(
            e.to_string()
                .starts_with("/etc/claimwatch/claimwatch.toml:10: sources[0].schedule:"),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let text = MINIMAL.replace("schedule = ", "shedule = ");
        let e = parse(&text).unwrap_err();
        assert_eq!(e.key, "sources[0].shedule");
        assert_eq!(e.line, Some(10));
    }

    /// Regression: `cw.toml:12: host2: unknown field` did not say where.
    #[test]
    fn an_unknown_key_is_named_with_its_whole_path() {
        let text = format!("{MINIMAL}\n[report.email]\nhost = \"127.0.0.1\"\nhost2 = \"x\"\n");
        let e = parse(&text).unwrap_err();
        assert_eq!(e.key, "report.email.host2", "{e}");
        assert!(e.to_string().contains(": report.email.host2: "), "{e}");
        let text = format!(
            "{MINIMAL}\n[[sources]]\nname = \"b\"\nurl = \"https://example.com/b\"\nshedule = \"x\"\n"
        );
        assert_eq!(parse(&text).unwrap_err().key, "sources[1].shedule");
        let text = format!("{MINIMAL}\n[report.feed]\npaht = \"x\"\n");
        assert_eq!(parse(&text).unwrap_err().key, "report.feed.paht");
    }

    #[test]
    fn non_http_url_is_refused() {
        let text = MINIMAL.replace("https://example.com/a", "ftp://example.com/a");
        let e = parse(&text).unwrap_err();
        assert_eq!(e.key, "sources[0].url");
        assert_eq!(e.line, Some(9));
    }

    #[test]
    fn bad_timezone_and_selector_and_regex_are_refused() {
        let tz = MINIMAL.replace("schedule = \"*/5 * * * *\"", "timezone = \"Mars/Olympus\"");
        assert_eq!(parse(&tz).unwrap_err().key, "sources[0].timezone");
        let sel = MINIMAL.replace("schedule = \"*/5 * * * *\"", "selector = \"div[\"");
        assert_eq!(parse(&sel).unwrap_err().key, "sources[0].selector");
        let re = MINIMAL.replace("schedule = \"*/5 * * * *\"", "ignore = [\"(unclosed\"]");
        assert_eq!(parse(&re).unwrap_err().key, "sources[0].ignore");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("soon"), None);
    }
}
