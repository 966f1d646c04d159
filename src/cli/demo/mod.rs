//! `claimwatch demo`: the bundled site on loopback, the real daemon against
//! it on a seconds-level schedule for a few cycles, and a database left
//! behind to query.

pub mod site;

use crate::cli::error::CmdResult;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::service::daemon::{self, RunOptions};
pub use site::DemoSite;

/// How many checks each demo source gets: enough for every article to walk
/// its whole timeline (it advances every two requests) and be seen once more.
pub const DEMO_CHECKS: u32 = 7;

/// Writes a config for the demo site into `dir` and returns its path.
pub fn write_config(dir: &Path, site: &DemoSite, schedule: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut text = String::from(
        "# Written by `claimwatch demo`: the bundled site on loopback.\n\
         database = \"claimwatch.db\"\n\n\
         [story]\n\
         name = \"Amazon invests $50 billion in OpenAI\"\n\
         entities = [\"Amazon\", \"AWS\", \"OpenAI\", \"Microsoft\"]\n\
         aliases = { AWS = \"Amazon\", \"Amazon Web Services\" = \"Amazon\" }\n\n\
         [[story.facts]]\n\
         name = \"investment amount\"\n\
         about = [\"Amazon\", \"OpenAI\"]\n\
         kind = \"amount\"\n\n\
         # One loopback host serves every outlet: no need to space requests.\n\
         [politeness]\n\
         host_interval = \"0\"\n",
    );
    for o in site::outlets() {
        text.push_str(&format!(
            "\n[[sources]]\nname = \"{}\"\nurl = \"{}\"\nschedule = \"{}\"\n",
            o.slug,
            site.url(o.slug),
            schedule
        ));
    }
    let path = dir.join("claimwatch.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Runs the demo in `dir`: a fresh database, the site, the daemon for
/// [`DEMO_CHECKS`] cycles (or until `shutdown`). Returns the config path.
pub async fn run(dir: &Path, shutdown: tokio_util::sync::CancellationToken) -> CmdResult<PathBuf> {
    let site = DemoSite::start().await?;
    std::fs::create_dir_all(dir)?;
    for ext in ["db", "db-wal", "db-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("claimwatch.{ext}")));
    }
    let config_path = write_config(dir, &site, "*/2 * * * * *")?;
    let config = crate::cli::config::load(&config_path)?;
    eprintln!(
        "claimwatch demo: {} outlets on {} change their coverage of \"{}\".\n\
         Checking every 2 seconds, {} times; change reports follow (Ctrl-C stops).\n",
        config.sources.len(),
        site.base_url,
        config.story.name,
        DEMO_CHECKS
    );
    let opts = RunOptions {
        max_checks_per_source: Some(DEMO_CHECKS),
        drain_deadline: Duration::from_secs(10),
        reload: None,
    };
    daemon::run(&config, shutdown, opts).await?;
    Ok(config_path)
}
