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
    let cli = Cli::parse();
    init_tracing(cli.log_json, &log_filter(&cli));
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("claimwatch: {e}");
            ExitCode::from(e.status())
        }
    }
}

/// The log filter, first found of: `--log-level`, `RUST_LOG`, the config's
/// `log_level`, `info`. The config is read here only for that key; a config
/// that does not load is reported by the command itself.
fn log_filter(cli: &Cli) -> String {
    if let Some(l) = &cli.log_level {
        return l.clone();
    }
    if let Ok(l) = std::env::var("RUST_LOG")
        && !l.trim().is_empty()
    {
        return l;
    }
    cli.config
        .exists()
        .then(|| config::load(&cli.config).ok())
        .flatten()
        .and_then(|c| c.log_level)
        .unwrap_or_else(|| "info".to_string())
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

fn load(cli: &Cli) -> CmdResult<Config> {
    Ok(config::load(&cli.config)?)
}

fn run(cli: Cli) -> CmdResult<u8> {
    match &cli.command {
        Command::Run => {
            let config = load(&cli)?;
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
            let config = load(&cli)?;
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
        Command::Sources { json } => query::sources(&load(&cli)?, *json),
        Command::Documents { source, json } => {
            query::documents(&load(&cli)?, source.as_deref(), *json)
        }
        Command::History { target, json } => query::history(&load(&cli)?, target.as_deref(), *json),
        Command::Show { version, raw, json } => query::show(&load(&cli)?, version, *raw, *json),
        Command::Diff {
            target,
            from,
            to,
            json,
        } => query::diff(&load(&cli)?, target, *from, *to, *json),
        Command::Changes {
            target,
            since,
            json,
        } => query::changes(&load(&cli)?, since, target.as_deref(), *json),
        Command::Claims {
            target,
            conflicts,
            json,
        } => query::claims(&load(&cli)?, target.as_deref(), *conflicts, *json),
        Command::Compare { old, new, json } => {
            let story = story_if_configured(&cli)?;
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
            &load(&cli)?,
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
        } => export::html_command(&load(&cli)?, target.as_deref(), output),
        Command::Export {
            command: ExportCommand::Atom { output },
        } => export::atom_command(&load(&cli)?, output),
        Command::Db { command } => db::command(&load(&cli)?, command),
        Command::Extract { url, lines, file } => {
            let story = story_if_configured(&cli)?;
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
            let config = load(&cli)?;
            print!("{}", config.summary());
            Ok(exit::OK)
        }
        Command::Report {
            command: ReportCommand::TestEmail,
        } => {
            let config = load(&cli)?;
            let done = runtime()?.block_on(crate::cli::email::test_email(&config))?;
            println!("{done}");
            Ok(exit::OK)
        }
        Command::Outbox { json } => {
            let config = load(&cli)?;
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

/// The story of the config when one is there (its entities and aliases
/// sharpen claim facets); commands that need no database work without one.
fn story_if_configured(cli: &Cli) -> CmdResult<crate::core::claims::Story> {
    if cli.config.exists() {
        Ok(load(cli)?.story.claims())
    } else {
        Ok(crate::core::claims::Story::default())
    }
}
