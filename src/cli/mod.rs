//! The command line: flags parsed raw by clap, the config validated, then the
//! library called. Exit statuses mean something (see [`exit`]).

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::cli::config::Config;
use crate::service::daemon;

pub mod config;
pub mod db;
pub mod demo;
pub mod email;
pub mod error;
pub mod export;
pub mod offline;
pub mod query;
pub mod table;

pub use error::exit;
use error::{CliError, CmdResult};

#[derive(Debug, Parser)]
#[command(
    name = "claimwatch",
    version,
    about = "Watch how news coverage of an announcement changes over time"
)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short,
        global = true,
        env = "CLAIMWATCH_CONFIG",
        default_value = "claimwatch.toml"
    )]
    pub config: PathBuf,
    /// Log lines as JSON (one object per line).
    #[arg(long, global = true)]
    pub log_json: bool,
    /// What to log: a level (error, warn, info, debug, trace) or a filter
    /// such as "claimwatch=debug". Overrides RUST_LOG and the config's
    /// log_level; the default is info.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: check each source on its schedule until SIGTERM/SIGINT.
    Run,
    /// Check every source once now (or one), then exit.
    Check {
        /// Only the source with this name.
        #[arg(long)]
        source: Option<String>,
    },
    /// The outlets: how much is stored and how their last check went.
    Sources {
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// The tracked documents with their latest headline.
    Documents {
        /// Only the documents of this source.
        source: Option<String>,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Versions of a document (or of all) with times and change summaries.
    History {
        /// A document URL or a source name.
        target: Option<String>,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// One stored version: its metadata and text, or its raw HTML.
    Show {
        /// A version id (as `history` lists), TARGET@N for version N of a
        /// document, or TARGET for its latest version.
        version: String,
        /// Print the stored raw HTML instead (the evidence).
        #[arg(long, conflicts_with = "json")]
        raw: bool,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// The diff between two stored versions of a document.
    Diff {
        /// A document URL or a source name.
        target: String,
        /// The older version (default: the one before --to).
        #[arg(long)]
        from: Option<i64>,
        /// The newer version (default: the latest).
        #[arg(long)]
        to: Option<i64>,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Recent changes across all documents (or of one).
    Changes {
        /// A document URL or a source name.
        target: Option<String>,
        /// How far back, e.g. 30m, 24h, 7d.
        #[arg(long, default_value = "7d")]
        since: String,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// The claim timeline (of one document, when given).
    /// Tracked claims and the outlets carrying them, the story's facts per
    /// outlet and the conflicts between outlets; with a document, its claim
    /// timeline.
    Claims {
        /// A document URL or a source name.
        target: Option<String>,
        /// Only the story's facts per outlet and the conflicts.
        #[arg(long)]
        conflicts: bool,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Compare two saved versions of a page: the text diff and the claim
    /// changes, without a database.
    Compare {
        /// The older page (HTML).
        old: PathBuf,
        /// The newer page (HTML).
        new: PathBuf,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over every version's headline and text.
    Search {
        /// Words to find as a phrase, e.g. "$40 billion" (see --fts).
        query: String,
        /// Read the query as SQLite FTS5 syntax: AND, OR, NOT, NEAR, prefix*.
        #[arg(long)]
        fts: bool,
        /// Only the latest version of each document: who says it now.
        #[arg(long)]
        latest: bool,
        /// Only this source.
        #[arg(long)]
        source: Option<String>,
        /// At most this many matches.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Search the claims (each version's wording of each claim) instead
        /// of the whole text.
        #[arg(long)]
        claims: bool,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Export the history as a page to read.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Database care: backups, integrity checks, raw HTML retention.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Show what claimwatch sees in one HTML file, as JSON.
    Extract {
        /// The page's URL, to resolve relative links.
        #[arg(long)]
        url: Option<String>,
        /// Read plain text, one sentence per line, and score each line as a
        /// claim (one JSON object per line).
        #[arg(long)]
        lines: bool,
        /// The HTML file, or - for standard input.
        file: PathBuf,
    },
    /// Run the bundled demo: a loopback site whose coverage changes, the real
    /// daemon against it, and a database to query afterwards.
    Demo {
        /// Where to write the demo's config and database.
        #[arg(long, default_value = "claimwatch-demo")]
        dir: PathBuf,
    },
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Report commands.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Email reports not delivered: pending, retrying and failed, with last errors.
    Outbox {
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Send a test message through the configured SMTP server.
    TestEmail,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One self-contained HTML page: versions, highlighted changes, links.
    Html {
        /// A document URL or a source name (default: the whole story).
        target: Option<String>,
        /// The file to write, or - for standard output.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// An Atom feed of the changes, newest first, for a feed reader.
    Atom {
        /// The file to write, or - for standard output.
        #[arg(long, short)]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy the database consistently while the daemon runs.
    Backup {
        /// The new file (never overwritten).
        path: PathBuf,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Check integrity, foreign keys, the search index and the schema version.
    Check {
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
    /// Retention: drop the raw HTML of versions older than a duration,
    /// except each document's latest version. Extracted text is kept.
    PruneRaw {
        /// e.g. 90d.
        #[arg(long)]
        older_than: String,
        /// Report what would be released without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON instead of a table (fields in docs/CLI.md).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print a summary.
    Check,
}

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
