//! The command line: flags parsed raw by clap, the config validated, then the
//! library called. Exit statuses mean something (see [`exit`]).

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use rusqlite::Connection;

use crate::config::{self, Config, ConfigError};
use crate::{daemon, demo, extract, query, report};

/// Exit statuses.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// A runtime failure (database, network, I/O).
    pub const FAILURE: u8 = 1;
    /// What was asked for does not exist (no such document or version).
    pub const NOT_FOUND: u8 = 3;
    /// The configuration is invalid (EX_CONFIG from sysexits.h).
    pub const CONFIG: u8 = 78;
}

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
    /// Versions of a document (or of all) with times and change summaries.
    History {
        /// A document URL or a source name.
        target: Option<String>,
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
        #[arg(long)]
        json: bool,
    },
    /// Recent changes across all documents.
    Changes {
        /// How far back, e.g. 30m, 24h, 7d.
        #[arg(long, default_value = "7d")]
        since: String,
        #[arg(long)]
        json: bool,
    },
    /// Show what claimwatch sees in one HTML file, as JSON.
    Extract {
        /// The page's URL, to resolve relative links.
        #[arg(long)]
        url: Option<String>,
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
    /// Email reports not yet delivered: pending and failed, with last errors.
    Outbox {
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
pub enum ConfigCommand {
    /// Validate the configuration and print a summary.
    Check,
}

/// Parses the command line, runs the command and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(ce) = e.downcast_ref::<ConfigError>() {
                eprintln!("claimwatch: invalid configuration: {ce}");
                return ExitCode::from(exit::CONFIG);
            }
            if let Some(query::QueryError::NotFound(msg)) = e.downcast_ref::<query::QueryError>() {
                eprintln!("claimwatch: {msg}");
                return ExitCode::from(exit::NOT_FOUND);
            }
            eprintln!("claimwatch: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// Logs go to stderr; colour only on a terminal (journald shows escape codes
/// literally); `RUST_LOG` overrides the default level.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn load(cli: &Cli) -> anyhow::Result<Config> {
    Ok(Config::load(&cli.config)?)
}

/// Opens the database of a config read-only for queries.
fn open_db(config: &Config) -> anyhow::Result<Connection> {
    if !config.database.exists() {
        return Err(query::QueryError::NotFound(format!(
            "no database at {} yet: run `claimwatch check` first",
            config.database.display()
        ))
        .into());
    }
    // Through Store::open so a database from an older claimwatch is migrated.
    let store = crate::store::Store::open(&config.database)?;
    drop(store);
    Connection::open_with_flags(&config.database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", config.database.display()))
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match &cli.command {
        Command::Run => {
            let config = load(&cli)?;
            runtime()?.block_on(async {
                let shutdown = daemon::shutdown_on_signals();
                daemon::run(&config, shutdown, daemon::RunOptions::default()).await
            })?;
            Ok(exit::OK)
        }
        Command::Check { source } => {
            let config = load(&cli)?;
            if let Some(name) = source
                && !config.sources.iter().any(|s| &s.name == name)
            {
                return Err(query::QueryError::NotFound(format!(
                    "no source named {name:?} in the config"
                ))
                .into());
            }
            let outcomes = runtime()?.block_on(daemon::check_once(&config, source.as_deref()))?;
            let failed = outcomes.iter().filter(|o| o.reason.is_some()).count();
            eprintln!("checked {} source(s), {} failed", outcomes.len(), failed);
            Ok(exit::OK)
        }
        Command::History { target, json } => {
            let config = load(&cli)?;
            let conn = open_db(&config)?;
            let doc = target
                .as_deref()
                .map(|t| query::find_document(&conn, t))
                .transpose()?;
            let rows = query::history(&conn, doc.map(|d| d.id))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                let mut last = String::new();
                for r in &rows {
                    if r.url != last {
                        println!("{}  {}", r.source, r.url);
                        last = r.url.clone();
                    }
                    println!(
                        "  v{:<3} {}  {:>6} chars  {}{}",
                        r.version,
                        r.fetched_at,
                        r.chars,
                        r.title.as_deref().unwrap_or("(no headline)"),
                        r.change
                            .as_deref()
                            .map(|c| format!("\n        {c}"))
                            .unwrap_or_default()
                    );
                }
                if rows.is_empty() {
                    println!("no versions stored yet");
                }
            }
            Ok(exit::OK)
        }
        Command::Diff {
            target,
            from,
            to,
            json,
        } => {
            let config = load(&cli)?;
            let conn = open_db(&config)?;
            let doc = query::find_document(&conn, target)?;
            let (from, to, diff) = query::diff(&conn, doc.id, *from, *to)?;
            if *json {
                let out = serde_json::json!({"source": doc.source, "url": doc.url, "from": from, "to": to, "diff": diff});
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{}  {}\nversion {from} -> {to}: {}",
                    doc.source,
                    doc.url,
                    diff.summary()
                );
                let body = report::render_diff(&diff);
                if !body.is_empty() {
                    println!("{body}");
                }
            }
            Ok(exit::OK)
        }
        Command::Changes { since, json } => {
            let config = load(&cli)?;
            let dur = config::parse_duration(since).with_context(|| {
                format!("--since {since:?}: expected a duration such as 30m, 24h or 7d")
            })?;
            let since_at = chrono::Utc::now()
                - chrono::Duration::from_std(dur).unwrap_or(chrono::Duration::MAX);
            let conn = open_db(&config)?;
            let rows = query::changes_since(&conn, &crate::store::timestamp(since_at))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in &rows {
                    println!(
                        "{}  {}  v{} -> v{}  {}\n  {}",
                        r.detected_at, r.source, r.from_version, r.to_version, r.summary, r.url
                    );
                    for line in report::render_diff(&r.diff).lines() {
                        println!("    {line}");
                    }
                }
                if rows.is_empty() {
                    println!("no changes in the last {since}");
                }
            }
            Ok(exit::OK)
        }
        Command::Extract { url, file } => {
            let html = read_input(file)?;
            let article =
                extract::extract(&html, url.as_deref(), &extract::ExtractOptions::default());
            println!("{}", serde_json::to_string_pretty(&article)?);
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
                 \x20 sqlite3 {} 'SELECT outcome, count(*) FROM fetches GROUP BY outcome'",
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
            let done = runtime()?.block_on(crate::email::commands::test_email(&config))?;
            println!("{done}");
            Ok(exit::OK)
        }
        Command::Outbox { json } => {
            let config = load(&cli)?;
            print!("{}", crate::email::commands::list_outbox(&config, *json)?);
            Ok(exit::OK)
        }
    }
}

fn read_input(file: &PathBuf) -> anyhow::Result<String> {
    let bytes = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        buf
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    Ok(crate::fetch::decode(&bytes, &Default::default()).0)
}
