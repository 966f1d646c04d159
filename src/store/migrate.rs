//! The migration runner: `migrations/NNNN_name.sql` applied in order at
//! open, each in its own transaction that also sets `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use super::{Store, StoreError, claims};

/// The migrations, in order. Never edit one that has shipped: add a new file.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../migrations/0001_init.sql")),
    (
        "0002_claims",
        include_str!("../../migrations/0002_claims.sql"),
    ),
    (
        "0003_outbox",
        include_str!("../../migrations/0003_outbox.sql"),
    ),
    (
        "0004_schedule",
        include_str!("../../migrations/0004_schedule.sql"),
    ),
    (
        "0005_views",
        include_str!("../../migrations/0005_views.sql"),
    ),
    (
        "0006_raw_delta",
        include_str!("../../migrations/0006_raw_delta.sql"),
    ),
    (
        "0007_claims_fts",
        include_str!("../../migrations/0007_claims_fts.sql"),
    ),
    (
        "0008_outbox_states",
        include_str!("../../migrations/0008_outbox_states.sql"),
    ),
    (
        "0009_sentences",
        include_str!("../../migrations/0009_sentences.sql"),
    ),
    (
        "0010_disclosure",
        include_str!("../../migrations/0010_disclosure.sql"),
    ),
    (
        "0011_checks_and_search",
        include_str!("../../migrations/0011_checks_and_search.sql"),
    ),
    (
        "0012_changes_by_reference",
        include_str!("../../migrations/0012_changes_by_reference.sql"),
    ),
];

/// Where a migration's SQL hands over to [`convert`].
const CONVERT_MARK: &str = "-- @convert";

/// The code part of a migration, between its two SQL parts.
fn convert(tx: &Connection, name: &str) -> rusqlite::Result<()> {
    match name {
        "0009_sentences" => claims::convert_occurrences(tx),
        "0011_checks_and_search" => claims::convert_search(tx),
        _ => Ok(()),
    }
}

impl Store {
    /// Applies the pending migrations, one transaction each. Several
    /// processes may open a new file at once (nodes started together, a
    /// CLI beside the daemon): each migration first takes the write lock
    /// (`BEGIN IMMEDIATE`), then reads the schema version again under it, so
    /// a migration another process applied meanwhile is never run twice.
    pub(super) fn migrate(&mut self) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        loop {
            let current = self.schema_version()?;
            if current > known {
                return Err(StoreError::TooNew {
                    path: self.path.clone(),
                    found: current,
                    known,
                });
            }
            if current == known {
                return Ok(());
            }
            let (name, sql) = MIGRATIONS[current as usize];
            let failed = |source| StoreError::Migration {
                name: name.to_string(),
                source,
            };
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let locked: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(failed)?;
            if locked != current {
                // Another process migrated while this one waited for the
                // lock: look again at what is left.
                drop(tx);
                continue;
            }
            // A migration that needs code (hashing, JSON) runs it at its
            // `-- @convert` line, inside the same transaction.
            let (before, after) = sql.split_once(CONVERT_MARK).unwrap_or((sql, ""));
            tx.execute_batch(before)
                .and_then(|_| convert(&tx, name))
                .and_then(|_| tx.execute_batch(after))
                .and_then(|_| tx.pragma_update(None, "user_version", current + 1))
                .and_then(|_| tx.commit())
                .map_err(failed)?;
        }
    }

    /// The schema version (the number of applied migrations).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_reopen_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mode: String = s
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// A later migration that redefines a view keeps the columns an earlier
    /// one added: 0011 redefined `claim_change_feed` and first lost 0010's
    /// `disclosure` and `notice`.
    #[test]
    fn redefined_views_keep_the_columns_earlier_migrations_added() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("c.db")).unwrap();
        let columns = |view: &str| -> Vec<String> {
            let stmt = s.conn().prepare(&format!("SELECT * FROM {view}")).unwrap();
            stmt.column_names().map(str::to_string).collect()
        };
        for view in ["change_feed", "claim_change_feed"] {
            let cols = columns(view);
            for want in ["disclosure", "notice"] {
                assert!(
                    cols.iter().any(|c| c == want),
                    "{view} lacks {want}: {cols:?}"
                );
            }
        }
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        drop(Store::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
