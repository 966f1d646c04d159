//! A command's failure, typed by what the user should do about it, and the
//! one mapping from failures to exit statuses.

use crate::cli::config::ConfigError;
use crate::store::query::QueryError;

/// Exit statuses.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// A runtime failure (database, network, I/O).
    pub const FAILURE: u8 = 1;
    /// The request is malformed (bad flags, bad search syntax); clap uses
    /// the same status for its usage errors.
    pub const USAGE: u8 = 2;
    /// What was asked for does not exist (no such document or version).
    pub const NOT_FOUND: u8 = 3;
    /// The configuration is invalid (EX_CONFIG from sysexits.h).
    pub const CONFIG: u8 = 78;
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration file is invalid (exit 78).
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// The request is malformed: a bad value or syntax (exit 2).
    #[error("{0}")]
    BadRequest(String),
    /// What was asked for does not exist (exit 3).
    #[error("{0}")]
    NotFound(String),
    /// Anything else: the database, the network, the disk (exit 1).
    #[error("{0:#}")]
    Failure(#[from] anyhow::Error),
}

impl CliError {
    /// The exit status for this failure: the only place that decides it.
    pub fn status(&self) -> u8 {
        match self {
            CliError::Config(_) => exit::CONFIG,
            CliError::BadRequest(_) => exit::USAGE,
            CliError::NotFound(_) => exit::NOT_FOUND,
            CliError::Failure(_) => exit::FAILURE,
        }
    }
}

impl From<QueryError> for CliError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::NotFound(m) => CliError::NotFound(m),
            QueryError::BadRequest(m) => CliError::BadRequest(m),
            other => CliError::Failure(other.into()),
        }
    }
}

/// Errors that are runtime failures whatever the command.
macro_rules! failures {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Failure(e.into())
            }
        }
    )*};
}

failures!(
    std::io::Error,
    serde_json::Error,
    rusqlite::Error,
    crate::store::StoreError,
    crate::store::maintenance::MaintenanceError,
    crate::service::email::EmailError,
    crate::service::daemon::DaemonError,
    crate::service::pipeline::PipelineError,
);

/// What a command returns: its exit status, or why it failed.
pub type CmdResult<T = u8> = Result<T, CliError>;
