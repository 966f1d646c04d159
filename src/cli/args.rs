//! The command line as clap sees it: every command, flag and its help.
//! Parsed raw here; `cli::config` validates the file they name.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
        /// The order: `time` (oldest first) or `significance` (claim
        /// changes first, a silent change before a disclosed one of the
        /// same kind, as the email ranks them).
        #[arg(long, value_enum, default_value_t = ChangeOrder::Time)]
        sort: ChangeOrder,
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
        /// Per outlet, the claim changes it made silently and those it
        /// disclosed (a correction, an update note, a modification time).
        #[arg(long, conflicts_with_all = ["target", "conflicts"])]
        disclosure: bool,
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

/// The order of `claimwatch changes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangeOrder {
    /// Oldest first, as detected.
    Time,
    /// Most significant first (`core::change::rank`).
    Significance,
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
