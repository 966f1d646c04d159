//! Opening the database file: creating it private to its owner, the
//! connection's settings, and errors that name the file and the real cause.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::Store;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} is read-only ({source}): claimwatch must be able to write the file and its folder (check permissions and whether the file system is mounted read-only)"
    )]
    ReadOnly {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create database {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this claimwatch knows ({known}); upgrade claimwatch"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: String,
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    /// A stored row that does not read back as it was written: which row,
    /// and what is wrong with it.
    #[error("the database is damaged: {0} (`claimwatch db check` checks the whole file)")]
    Damaged(String),
    #[error("the database task failed: {0}")]
    Task(String),
    #[error("writing a batch of checks failed: {0}")]
    Batch(String),
    #[error("compressing a raw page failed: {0}")]
    Raw(String),
}

impl Store {
    /// Opens (creating if needed, readable only by its owner) the database
    /// and applies pending migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            create_private(path)?;
        }
        let conn = Connection::open(path).map_err(|source| open_error(path, source))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store
            .configure()
            .map_err(|source| open_error(path, source))?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers (the CLI) never block the daemon's writer. NORMAL
        // synchronous in WAL mode survives any process crash; only an OS
        // crash can lose the last commits, which the next pass refetches.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // A batch writes each check in its own savepoint: keep their
        // journal in memory rather than in a temporary file.
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Every statement of a check's writes stays prepared (rusqlite's
        // default of 16 made the writer prepare some again for every row).
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, d) if d.is::<DamagedRow>() => {
                StoreError::Damaged(d.to_string())
            }
            e => StoreError::Sql(e),
        }
    }
}

/// A row that does not read back as written, as an error inside code that
/// returns `rusqlite::Result`; it becomes [`StoreError::Damaged`].
#[derive(Debug)]
pub struct DamagedRow(pub String);

impl std::fmt::Display for DamagedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DamagedRow {}

/// The error for a damaged row, `what` naming the row and the fault.
pub(crate) fn damaged(what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(DamagedRow(what)),
    )
}

/// SQLite says only "unable to open database file" when it cannot write a
/// database; name the real cause when it is a read-only file or mount.
fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(path)
        && matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    {
        return StoreError::ReadOnly {
            path: path.to_path_buf(),
            source: e,
        };
    }
    StoreError::Open {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether a writer could record a check now: the write lock can be taken
/// (and is released at once). The watchdog's health probe.
pub fn can_write(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
}

/// Creates an empty file that only its owner may read and write; an error
/// of kind `AlreadyExists` if there is one.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map(|_| ())
}

/// Creates the database file private to its owner, unless it exists.
fn create_private(path: &Path) -> Result<(), StoreError> {
    match create_private_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Create {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
