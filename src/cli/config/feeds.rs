//! `[[feeds]]` as written, and its validation into [`Feed`]s.

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Validator};
use crate::service::feeds::Feed;
use crate::service::schedule::Schedule;

/// A `[[feeds]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeed {
    name: Spanned<String>,
    url: Spanned<String>,
    schedule: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    #[serde(rename = "match")]
    keywords: Option<Spanned<Vec<String>>>,
}

/// Validates the `[[feeds]]` entries. Feed names share one namespace with
/// source names (both are rows of `sources`).
pub(super) fn validate(
    v: &Validator,
    raw: &[RawFeed],
    default_schedule: &Schedule,
    default_tz: Option<Tz>,
    source_names: &[&str],
) -> Result<Vec<Feed>, ConfigError> {
    let mut feeds: Vec<Feed> = Vec::with_capacity(raw.len());
    for (i, rf) in raw.iter().enumerate() {
        let key = |k: &str| format!("feeds[{i}].{k}");
        let name = rf.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(v.err(rf.name.span(), &key("name"), "must not be empty"));
        }
        if source_names.contains(&name.as_str()) || feeds.iter().any(|f| f.name == name) {
            return Err(v.err(
                rf.name.span(),
                &key("name"),
                &format!("duplicate name {name:?} (feeds and sources share names)"),
            ));
        }
        let url = v.http_url(&rf.url, &key("url"))?;
        let schedule = v.schedule(
            &rf.schedule,
            &rf.timezone,
            &key(""),
            default_schedule,
            default_tz,
        )?;
        let mut keywords = Vec::new();
        if let Some(k) = &rf.keywords {
            for entry in k.get_ref() {
                let words: Vec<String> = entry.split_whitespace().map(str::to_lowercase).collect();
                if words.is_empty() {
                    return Err(v.err(k.span(), &key("match"), "empty keyword entry"));
                }
                keywords.push(words);
            }
        }
        feeds.push(Feed {
            name,
            url,
            schedule,
            keywords,
        });
    }
    Ok(feeds)
}
