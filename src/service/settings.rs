//! The validated configuration: runtime values every service takes. Only
//! the command-line layer (`cli::config`) reads the TOML file and builds
//! these; the defaults live there too.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::core::extract::ExtractOptions;
pub use crate::service::fetch::FetchSettings;
use crate::service::schedule::Schedule;

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The SQLite database, resolved against the config file's folder.
    pub database: PathBuf,
    pub user_agent: String,
    pub fetch: FetchSettings,
    pub story: Story,
    pub sources: Vec<Source>,
    /// Feeds that discover coverage.
    pub feeds: Vec<crate::service::feeds::Feed>,
    /// The most a scheduled run is delayed at random.
    pub jitter: Duration,
    /// Re-check intervals of discovered articles.
    pub adaptive: crate::service::schedule::Adaptive,
    pub politeness: crate::service::politeness::Politeness,
    /// Reports beyond the log (`[report.email]`, `[report.feed]`).
    pub report: crate::service::email::ReportSettings,
    /// The log filter (`log_level`), e.g. `info` or `claimwatch=debug`;
    /// `--log-level` and `RUST_LOG` take precedence.
    pub log_level: Option<String>,
}

/// The story being followed.
#[derive(Debug, Clone, Default)]
pub struct Story {
    pub name: String,
    pub entities: Vec<String>,
    /// (alias, canonical entity)
    pub aliases: Vec<(String, String)>,
    /// Key facts compared across outlets (`[[story.facts]]`).
    pub facts: Vec<crate::core::claims::FactSpec>,
}

impl Story {
    /// What the claim engine needs to know of the story.
    pub fn claims(&self) -> crate::core::claims::Story {
        crate::core::claims::Story {
            entities: self.entities.clone(),
            aliases: self.aliases.clone(),
            facts: self.facts.clone(),
        }
    }
}

/// One configured source: an article to watch.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub url: Url,
    pub schedule: Schedule,
    pub extract: ExtractOptions,
}

impl Config {
    /// A short human summary, printed by `config check`.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "config {} is valid\nstory: {}\ndatabase: {}\nsources: {}\n",
            self.path.display(),
            self.story.name,
            self.database.display(),
            self.sources.len()
        );
        for s in &self.sources {
            out.push_str(&format!("  {}  {}  [{}]\n", s.name, s.url, s.schedule));
        }
        if !self.feeds.is_empty() {
            out.push_str(&format!("feeds: {}\n", self.feeds.len()));
        }
        for f in &self.feeds {
            out.push_str(&format!("  {}  {}  [{}]\n", f.name, f.url, f.schedule));
        }
        out
    }
}
