//! The SQLite store: migrations at open, and every write of a check in one
//! transaction.
//!
//! Blocking code: callers on the async runtime run it on a blocking thread
//! and never hold the store across an `.await`.
//!
//! `open` opens the file, `migrate` applies the migrations, `write` records
//! checks, `read` answers what a check needs, `raw` keeps raw pages as zstd
//! deltas.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

pub mod claims;
pub mod diffs;
pub mod disclosure;
pub mod feeds;
pub mod maintenance;
mod migrate;
mod open;
pub mod outbox;
pub mod query;
mod raw;
mod read;
pub mod schedule;
mod write;

pub use migrate::MIGRATIONS;
pub(crate) use open::create_private_file;
pub(crate) use open::damaged;
pub use open::{DamagedRow, StoreError, can_write};
pub use raw::load_raw;
pub(crate) use raw::reencode_whole;
pub use read::{DocumentState, LatestVersion, StoredAnalysis};
pub use write::{CheckRecord, CheckResult, NewChange, NewVersion, Stored};

/// The formatting of every stored time.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The SQLite database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// The underlying connection, for read queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The underlying connection, for maintenance that writes outside a
    /// check (the retention policy in `dbcare`).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
