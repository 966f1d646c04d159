//! The command line: flags parsed raw by clap, the config validated, then the
//! library called. Exit statuses mean something (see [`exit`]).

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use crate::cli::config::Config;
use crate::service::daemon;

pub mod args;
mod chart;
pub mod config;
pub mod db;
pub mod demo;
pub mod email;
pub mod error;
pub mod export;
pub mod offline;
pub mod query;
pub mod table;

pub use args::{Cli, Command, ConfigCommand, DbCommand, ExportCommand, ReportCommand};
pub use error::exit;
use error::{CliError, CmdResult};

/// Parses the command line, runs the command and returns the exit status.
pub fn main() -> ExitCode {
    // Before anything allocates (the config of thousands of sources is
    // parsed next): two malloc arenas and page bodies in their own mappings.
    crate::service::pipeline::limit_malloc_arenas();
    let cli = Cli::parse();
    let mut config = ConfigFile::read(&cli);
    init_tracing(cli.log_json, &log_filter(&cli, &config));
    match run(cli, &mut config) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("claimwatch: {e}");
            ExitCode::from(e.status())
        }
    }
}

/// The log filter, first found of: `--log-level`, `RUST_LOG`, the config's
/// `log_level`, `info`. A config that does not load is reported by the
/// command itself.
fn log_filter(cli: &Cli, config: &ConfigFile) -> String {
    if let Some(l) = &cli.log_level {
        return l.clone();
    }
    if let Ok(l) = std::env::var("RUST_LOG")
        && !l.trim().is_empty()
    {
        return l;
    }
    config
        .peek()
        .and_then(|c| c.log_level.clone())
        .unwrap_or_else(|| "info".to_string())
}

/// The config file, read once at start: the log level comes from it before
/// the command runs, and the command takes it.
struct ConfigFile(Option<Result<Config, config::ConfigError>>);

impl ConfigFile {
    /// Reads the config when its file exists; a missing file is reported by
    /// the commands that need one.
    fn read(cli: &Cli) -> ConfigFile {
        ConfigFile(cli.config.exists().then(|| config::load(&cli.config)))
    }

    /// The config, when it was read and is valid.
    fn peek(&self) -> Option<&Config> {
        self.0.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// The config a command runs with, or why there is none.
    fn take(&mut self, cli: &Cli) -> CmdResult<Config> {
        match self.0.take() {
            Some(result) => Ok(result?),
            None => Ok(config::load(&cli.config)?),
        }
    }

    /// The story of the config when there is one (its entities and aliases
    /// sharpen claim facets); commands that need no database work without.
    fn story(&mut self, cli: &Cli) -> CmdResult<crate::core::claims::Story> {
        if self.0.is_some() {
            Ok(self.take(cli)?.story.claims())
        } else {
            Ok(crate::core::claims::Story::default())
        }
    }
}

/// Logs go to stderr; colour only on a terminal (journald shows escape codes
/// literally). `filter` is an `EnvFilter` directive (`debug`,
/// `claimwatch=debug,info`); one that does not parse falls back to `info`
/// with a warning.
pub fn init_tracing(json: bool, filter: &str) {
    use tracing_subscriber::EnvFilter;
    let (filter, bad) = match EnvFilter::try_new(filter) {
        Ok(f) => (f, None),
        Err(e) => (EnvFilter::new("info"), Some(e)),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Some(e) = bad {
        tracing::warn!(error = %e, "the log level does not parse; logging at info");
    }
}

fn runtime() -> CmdResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .map_err(Into::into)
}

fn run(cli: Cli, config: &mut ConfigFile) -> CmdResult<u8> {
    match &cli.command {
        Command::Run => {
            let config = config.take(&cli)?;
            runtime()?.block_on(async {
                let shutdown = daemon::shutdown_on_signals();
                daemon::run(
                    &config,
                    shutdown,
                    config::defaults::run_options(&cli.config),
                )
                .await
            })?;
            Ok(exit::OK)
        }
        Command::Check { source } => {
            let config = config.take(&cli)?;
            if let Some(name) = source
                && !config.sources.iter().any(|s| &s.name == name)
            {
                return Err(CliError::NotFound(format!(
                    "no source named {name:?} in the config"
                )));
            }
            let outcomes = runtime()?.block_on(daemon::check_once(&config, source.as_deref()))?;
            let failed = outcomes.iter().filter(|o| o.reason.is_some()).count();
            eprintln!("checked {} source(s), {} failed", outcomes.len(), failed);
            Ok(exit::OK)
        }
        Command::Sources { json } => query::sources(&config.take(&cli)?, *json),
        Command::Documents { source, json } => {
            query::documents(&config.take(&cli)?, source.as_deref(), *json)
        }
        Command::History { target, json } => {
            query::history(&config.take(&cli)?, target.as_deref(), *json)
        }
        Command::Show { version, raw, json } => {
            query::show(&config.take(&cli)?, version, *raw, *json)
        }
        Command::Diff {
            target,
            from,
            to,
            json,
        } => query::diff(&config.take(&cli)?, target, *from, *to, *json),
        Command::Changes {
            target,
            since,
            sort,
            json,
        } => query::changes(&config.take(&cli)?, since, target.as_deref(), *sort, *json),
        Command::Claims {
            disclosure: true,
            json,
            ..
        } => query::claims_disclosure(&config.take(&cli)?, *json),
        Command::Claims {
            target,
            conflicts,
            disclosure: false,
            json,
        } => query::claims(&config.take(&cli)?, target.as_deref(), *conflicts, *json),
        Command::Compare { old, new, json } => {
            let story = config.story(&cli)?;
            let c = offline::compare_pages(&read_input(old)?, &read_input(new)?, &story);
            if *json {
                println!("{}", serde_json::to_string_pretty(&c.to_json())?);
            } else {
                println!("{}", c.render());
            }
            Ok(exit::OK)
        }
        Command::Search {
            query: text,
            fts,
            latest,
            source,
            limit,
            claims,
            json,
        } => query::search(
            &config.take(&cli)?,
            &query::SearchArgs {
                query: text,
                fts: *fts,
                latest: *latest,
                source: source.as_deref(),
                limit: *limit,
                json: *json,
                claims: *claims,
            },
        ),
        Command::Export {
            command: ExportCommand::Html { target, output },
        } => export::html_command(&config.take(&cli)?, target.as_deref(), output),
        Command::Export {
            command: ExportCommand::Atom { output },
        } => export::atom_command(&config.take(&cli)?, output),
        Command::Db { command } => db::command(&config.take(&cli)?, command),
        Command::Extract { url, lines, file } => {
            let story = config.story(&cli)?;
            let input = read_input(file)?;
            if *lines {
                for line in offline::score_lines(&input, &story) {
                    println!("{}", serde_json::to_string(&line)?);
                }
            } else {
                let page = offline::extract_page(&input, url.as_deref(), &story);
                println!("{}", serde_json::to_string_pretty(&page)?);
            }
            Ok(exit::OK)
        }
        Command::Demo { dir } => {
            let config_path = runtime()?.block_on(async {
                let shutdown = daemon::shutdown_on_signals();
                demo::run(dir, shutdown).await
            })?;
            let c = config_path.display();
            println!(
                "\nThe demo's database is in {}. Query it:\n\
                 \x20 claimwatch --config {c} changes\n\
                 \x20 claimwatch --config {c} history\n\
                 \x20 claimwatch --config {c} diff techwire-daily --from 1 --to 2\n\
                 \x20 claimwatch --config {c} search --latest '$50 billion'\n\
                 \x20 claimwatch --config {c} export html -o story.html\n\
                 \x20 sqlite3 -readonly {} 'SELECT source, to_version, new_title FROM change_feed'",
                dir.display(),
                dir.join("claimwatch.db").display()
            );
            Ok(exit::OK)
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => {
            let config = config.take(&cli)?;
            print!("{}", config.summary());
            Ok(exit::OK)
        }
        Command::Report {
            command: ReportCommand::TestEmail,
        } => {
            let config = config.take(&cli)?;
            let done = runtime()?.block_on(crate::cli::email::test_email(&config))?;
            println!("{done}");
            Ok(exit::OK)
        }
        Command::Outbox { json } => {
            let config = config.take(&cli)?;
            print!("{}", crate::cli::email::list_outbox(&config, *json)?);
            Ok(exit::OK)
        }
    }
}

fn read_input(file: &PathBuf) -> CmdResult<String> {
    let bytes = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        buf
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    Ok(crate::service::fetch::decode(&bytes, &Default::default()).0)
}
