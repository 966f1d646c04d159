//! Configuration: the TOML file, parsed raw, then validated into runtime
//! values before anything starts.
//!
//! Every error names the file, the line and the key. Defaults live in
//! [`defaults`] and nowhere else.

use std::path::Path;
use std::time::Duration;

use crate::service::schedule::Schedule;
pub use crate::service::settings::{Config, FetchSettings, Source, Story};

mod checks;
pub mod defaults;
mod email;
mod feeds;
mod locate;
mod politeness;
mod raw;

pub use checks::parse_duration;
pub use locate::ConfigError;
pub(crate) use locate::Validator;
use raw::{RawConfig, RawDefaults, RawFetch, RawSource, RawStory};

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
    let fetch = fetch_settings(&v, &raw.fetch)?;
    let default_tz = match &raw.defaults.timezone {
        Some(tz) => Some(v.timezone(tz, "defaults.timezone")?),
        None => None,
    };
    let default_schedule = match &raw.defaults.schedule {
        Some(s) => Schedule::parse(s.get_ref(), default_tz)
            .map_err(|e| v.err(s.span(), "defaults.schedule", &e))?,
        None => Schedule::parse(defaults::SCHEDULE, default_tz).expect("valid default schedule"),
    };
    let story = story(&v, &raw.story)?;
    if raw.sources.is_empty() && raw.feeds.is_empty() {
        return Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: "sources".into(),
            message: "at least one [[sources]] or [[feeds]] entry is needed".into(),
        });
    }
    let sources = sources(&v, &raw.sources, &default_schedule, default_tz)?;
    let source_names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let feeds = feeds::validate(&v, &raw.feeds, &default_schedule, default_tz, &source_names)?;
    let jitter = match &raw.defaults.jitter {
        Some(j) if j.get_ref().trim() == "0" => Duration::ZERO,
        _ => v.duration(&raw.defaults.jitter, "defaults.jitter", defaults::JITTER)?,
    };
    let adaptive = adaptive(&v, &raw.defaults)?;
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

/// `[fetch]`.
fn fetch_settings(v: &Validator, raw: &RawFetch) -> Result<FetchSettings, ConfigError> {
    Ok(FetchSettings {
        timeout: v.duration(&raw.timeout, "fetch.timeout", defaults::TIMEOUT)?,
        connect_timeout: v.duration(
            &raw.connect_timeout,
            "fetch.connect_timeout",
            defaults::CONNECT_TIMEOUT,
        )?,
        max_body_bytes: v
            .positive(&raw.max_body_bytes, "fetch.max_body_bytes")?
            .unwrap_or(defaults::MAX_BODY_BYTES),
        max_redirects: match &raw.max_redirects {
            Some(n) if !(0..=20).contains(n.get_ref()) => {
                return Err(v.err(n.span(), "fetch.max_redirects", "must be between 0 and 20"));
            }
            Some(n) => *n.get_ref() as usize,
            None => defaults::MAX_REDIRECTS,
        },
        concurrency: v
            .positive(&raw.concurrency, "fetch.concurrency")?
            .map(|n| n as usize)
            .unwrap_or(defaults::CONCURRENCY),
        allow_private_addresses: raw.allow_private_addresses.unwrap_or(false),
    })
}

/// `[story]`: its name, entities, aliases and facts.
fn story(v: &Validator, raw: &RawStory) -> Result<Story, ConfigError> {
    use crate::core::claims::{FactKind, FactSpec};
    let aliases = raw
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
        .collect::<Result<_, _>>()?;
    let facts = raw
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let key = |k: &str| format!("story.facts[{i}].{k}");
            if f.name.get_ref().trim().is_empty() {
                return Err(v.err(f.name.span(), &key("name"), "must not be empty"));
            }
            let kind = match f.kind.get_ref().as_str() {
                "amount" => FactKind::Amount,
                "percentage" => FactKind::Percentage,
                "date" => FactKind::Date,
                "count" => FactKind::Count,
                other => {
                    return Err(v.err(
                        f.kind.span(),
                        &key("kind"),
                        &format!("unknown fact kind {other:?}: expected \"amount\", \"percentage\", \"count\" or \"date\""),
                    ));
                }
            };
            Ok(FactSpec {
                name: f.name.get_ref().trim().to_string(),
                about: f.about.clone(),
                kind,
            })
        })
        .collect::<Result<_, _>>()?;
    if raw.name.trim().is_empty() {
        return Err(v.err(v.find_key("name"), "story.name", "must not be empty"));
    }
    Ok(Story {
        name: raw.name.clone(),
        entities: raw.entities.clone(),
        aliases,
        facts,
    })
}

/// `[[sources]]`: names unique, URLs http(s), schedules and extraction
/// options valid.
fn sources(
    v: &Validator,
    raw: &[RawSource],
    default_schedule: &Schedule,
    default_tz: Option<chrono_tz::Tz>,
) -> Result<Vec<Source>, ConfigError> {
    let mut sources = Vec::with_capacity(raw.len());
    for (i, rs) in raw.iter().enumerate() {
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
            default_schedule,
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
    Ok(sources)
}

/// `[defaults] recheck_*`: how discovered articles are re-checked.
fn adaptive(
    v: &Validator,
    raw: &RawDefaults,
) -> Result<crate::service::schedule::Adaptive, ConfigError> {
    let ad = defaults::adaptive();
    Ok(crate::service::schedule::Adaptive {
        min: v.duration(&raw.recheck_min, "defaults.recheck_min", ad.min)?,
        max: v.duration(&raw.recheck_max, "defaults.recheck_max", ad.max)?,
        factor: match &raw.recheck_factor {
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
            &raw.recheck_stop_after,
            "defaults.recheck_stop_after",
            ad.stop_after,
        )?,
    })
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
