//! Care of the database file: online backups, integrity checks, and the
//! optional retention policy for raw HTML.
//!
//! Architecture invariant: nothing here deletes a version, its extracted
//! text, a change or a fetch record. Retention only releases raw HTML, and
//! never the raw HTML of a document's latest version.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;

use crate::store::{self, MIGRATIONS};

/// Errors of the database commands, naming the file they concern.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error("no database at {0}")]
    Missing(PathBuf),
    #[error("{0} already exists: a backup never overwrites a file")]
    BackupExists(PathBuf),
    #[error("cannot create the backup {path}: {source}")]
    BackupCreate {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the backup {path}: {source}")]
    Backup {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the backup {path} fails its integrity check: {problem}")]
    BackupDamaged { path: PathBuf, problem: String },
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// What `db backup` wrote (`db backup --json`).
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: String,
    pub bytes: u64,
    pub schema_version: i64,
    pub versions: i64,
}

/// Copies the database to `dest` while the daemon may be writing to it.
///
/// `VACUUM INTO` reads one consistent snapshot (a read transaction, which in
/// WAL mode never blocks the writer) and writes a compact copy. The copy is
/// created readable only by its owner, like the database, and is checked
/// before this returns. An existing `dest` is refused, never overwritten.
pub fn backup(db: &Path, dest: &Path) -> Result<BackupReport, MaintenanceError> {
    let conn = open_existing(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    create_private(dest)?;
    let result = (|| {
        let dest_str = dest.to_string_lossy();
        conn.execute("VACUUM INTO ?1", [dest_str.as_ref()])
            .map_err(|source| MaintenanceError::Backup {
                path: dest.to_path_buf(),
                source,
            })?;
        let copy = open_existing(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let problems = integrity(&copy, "quick_check")?;
        if problems != ["ok"] {
            return Err(MaintenanceError::BackupDamaged {
                path: dest.to_path_buf(),
                problem: problems.join("; "),
            });
        }
        Ok(BackupReport {
            path: dest.display().to_string(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
            schema_version: copy.pragma_query_value(None, "user_version", |r| r.get(0))?,
            versions: copy.query_row("SELECT count(*) FROM versions", [], |r| r.get(0))?,
        })
    })();
    if result.is_err() {
        // The file is ours (created above); a half-written copy must not
        // pass for a backup.
        let _ = std::fs::remove_file(dest);
    }
    result
}

/// What `db check` found (`db check --json`).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub database: String,
    /// True when every check below passed and the schema is current.
    pub ok: bool,
    /// `PRAGMA integrity_check`: `["ok"]` or the problems found.
    pub integrity: Vec<String>,
    /// Rows that break a foreign key (`PRAGMA foreign_key_check`).
    pub foreign_key_violations: i64,
    /// The full-text index agrees with the versions; null when the
    /// database has no index yet (an older schema).
    pub search_index_ok: Option<bool>,
    /// Migrations applied to this database.
    pub schema_version: i64,
    /// Migrations this claimwatch knows.
    pub known_schema_version: i64,
    /// The names of the applied migrations this claimwatch knows.
    pub migrations: Vec<String>,
    pub journal_mode: String,
    pub bytes: u64,
    pub documents: Option<i64>,
    pub versions: Option<i64>,
    pub raw_pages: Option<i64>,
}

/// Checks a database without changing it: integrity, foreign keys, the
/// search index, and how its schema compares with this claimwatch. It is
/// not migrated, so an old database is reported as it is.
pub fn check(db: &Path) -> Result<CheckReport, MaintenanceError> {
    // Read-write without create: FTS5's integrity check is spelled as an
    // INSERT, although it writes nothing.
    let conn = open_existing(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let integrity = integrity(&conn, "integrity_check")?;
    let foreign_key_violations: i64 = {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while rows.next()?.is_some() {
            n += 1;
        }
        n
    };
    let has = |name: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )
    };
    // The search index of this schema, or of an older one.
    let mut search_index_ok = None;
    for index in ["sentences_fts", "versions_fts"] {
        if search_index_ok.is_none() && has(index)? {
            search_index_ok = Some(
                conn.execute(
                    &format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"),
                    [],
                )
                .is_ok(),
            );
        }
    }
    let count = |table: &str| -> rusqlite::Result<Option<i64>> {
        if !has(table)? {
            return Ok(None);
        }
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map(Some)
    };
    let schema_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known_schema_version = MIGRATIONS.len() as i64;
    let ok = integrity == ["ok"]
        && foreign_key_violations == 0
        && search_index_ok != Some(false)
        && schema_version == known_schema_version;
    Ok(CheckReport {
        database: db.display().to_string(),
        ok,
        integrity,
        foreign_key_violations,
        search_index_ok,
        schema_version,
        known_schema_version,
        migrations: MIGRATIONS
            .iter()
            .take(schema_version.max(0) as usize)
            .map(|(name, _)| name.to_string())
            .collect(),
        journal_mode: conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
        bytes: std::fs::metadata(db).map(|m| m.len()).unwrap_or(0),
        documents: count("documents")?,
        versions: count("versions")?,
        raw_pages: count("raw_pages")?,
    })
}

/// What the retention policy released (`db prune-raw --json`).
#[derive(Debug, Clone, Serialize)]
pub struct PruneReport {
    /// Raw HTML of versions fetched before this time was released.
    pub cutoff: String,
    pub dry_run: bool,
    /// Versions that no longer have their raw HTML.
    pub versions_released: i64,
    /// Stored pages deleted (a page shared with a kept version stays).
    pub raw_pages_deleted: i64,
    /// Their size: as fetched, and as stored (compressed).
    pub html_bytes: i64,
    pub stored_bytes: i64,
}

/// The retention policy for raw HTML: releases the raw page of every
/// version fetched before `cutoff` (an RFC 3339 time) except each
/// document's latest version, then deletes the pages no version uses.
/// Extracted text, versions, changes and fetch records are never touched.
/// With `dry_run`, reports what it would do and changes nothing.
pub fn prune_raw(
    store: &mut store::Store,
    cutoff: &str,
    dry_run: bool,
) -> Result<PruneReport, MaintenanceError> {
    let conn = store.conn_mut();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let versions_released = tx.execute(
        "UPDATE versions SET raw_page_id = NULL
         WHERE raw_page_id IS NOT NULL
           AND fetched_at < ?1
           AND number < (SELECT max(x.number) FROM versions x
                         WHERE x.document_id = versions.document_id)",
        [cutoff],
    )? as i64;
    // A page still used whose base is no longer used is stored whole
    // first, so that its base can go: without this, a kept page keeps its
    // whole chain of bases and retention frees little. Lowest in its chain
    // first, so a kept page above another kept one stays a (valid) delta.
    let mut reencode: Vec<i64> = tx
        .prepare(
            "SELECT r.id FROM raw_pages r
             WHERE r.base_id IS NOT NULL
               AND r.id IN (SELECT raw_page_id FROM versions WHERE raw_page_id IS NOT NULL)
               AND r.base_id NOT IN (SELECT raw_page_id FROM versions WHERE raw_page_id IS NOT NULL)
             ORDER BY r.depth, r.id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    reencode.dedup();
    for id in reencode {
        store::reencode_whole(&tx, id)?;
    }
    // A page still used is kept, and so is every page it is a delta of
    // (its chain of bases down to a page stored whole).
    let kept = "WITH RECURSIVE kept(id) AS (
                    SELECT raw_page_id FROM versions WHERE raw_page_id IS NOT NULL
                    UNION SELECT r.base_id FROM raw_pages r JOIN kept k ON r.id = k.id
                    WHERE r.base_id IS NOT NULL)";
    let unused = "FROM raw_pages WHERE id NOT IN (SELECT id FROM kept)";
    let (raw_pages_deleted, html_bytes, stored_bytes): (i64, i64, i64) = tx.query_row(
        &format!(
            "{kept} SELECT count(*), coalesce(sum(size), 0), coalesce(sum(length(zstd)), 0) {unused}"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    tx.execute(&format!("{kept} DELETE {unused}"), [])?;
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(PruneReport {
        cutoff: cutoff.to_string(),
        dry_run,
        versions_released,
        raw_pages_deleted,
        html_bytes,
        stored_bytes,
    })
}

fn integrity(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

fn open_existing(path: &Path, flags: OpenFlags) -> Result<Connection, MaintenanceError> {
    if !path.exists() {
        return Err(MaintenanceError::Missing(path.to_path_buf()));
    }
    Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|source| {
        MaintenanceError::Open {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Creates the empty backup file, readable only by its owner; `VACUUM INTO`
/// accepts an empty file and keeps its permissions.
fn create_private(path: &Path) -> Result<(), MaintenanceError> {
    store::create_private_file(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            MaintenanceError::BackupExists(path.to_path_buf())
        } else {
            MaintenanceError::BackupCreate {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analysis::Validators;
    use crate::core::extract::Article;
    use crate::store::{CheckRecord, CheckResult, NewChange, NewVersion, Store, Stored};
    use chrono::{TimeZone, Utc};

    /// Stores a version of `doc` fetched on day `day` of November 2026.
    fn version(s: &mut Store, doc: i64, day: u32, html: &str) -> i64 {
        let latest = s.document_state(doc).unwrap().latest;
        let rec = CheckRecord {
            document_id: doc,
            started_at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
            duration_ms: 1,
            http_status: Some(200),
            bytes: html.len() as u64,
            result: CheckResult::Changed {
                validators: Validators::default(),
                version: NewVersion {
                    content_hash: format!("h{day}"),
                    article: Article {
                        text: format!("text of day {day}"),
                        ..Default::default()
                    },
                    raw_html: html.as_bytes().to_vec(),
                    claims: Default::default(),
                },
                change: latest.map(|l| NewChange {
                    from_version_id: l.id,
                    summary: "s".into(),
                    approximate: false,
                    diff_json: "{}".into(),
                    disclosure: Default::default(),
                    notice: None,
                }),
            },
        };
        match s.record(&rec).unwrap() {
            Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => version_id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn retention_keeps_latest_versions_shared_pages_and_all_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let a = s.ensure_source("a", "http://a/1", Utc::now()).unwrap();
        let b = s.ensure_source("b", "http://b/1", Utc::now()).unwrap();
        let a1 = version(&mut s, a, 1, "<p>a one</p>");
        let a2 = version(&mut s, a, 2, "<p>shared</p>");
        let a3 = version(&mut s, a, 20, "<p>a three</p>");
        // b's only (so latest) version is old; it shares a2's bytes.
        let b1 = version(&mut s, b, 2, "<p>shared</p>");
        let cutoff = "2026-11-10T00:00:00.000Z";

        let dry = prune_raw(&mut s, cutoff, true).unwrap();
        assert_eq!((dry.versions_released, dry.raw_pages_deleted), (2, 1));
        assert!(
            s.raw_html(a1).unwrap().is_some(),
            "a dry run changes nothing"
        );

        let r = prune_raw(&mut s, cutoff, false).unwrap();
        assert_eq!((r.versions_released, r.raw_pages_deleted), (2, 1));
        assert_eq!(r.html_bytes, "<p>a one</p>".len() as i64);
        assert!(s.raw_html(a1).unwrap().is_none());
        assert!(s.raw_html(a2).unwrap().is_none());
        assert_eq!(s.raw_html(a3).unwrap().unwrap(), b"<p>a three</p>");
        assert_eq!(s.raw_html(b1).unwrap().unwrap(), b"<p>shared</p>");
        let texts: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM version_texts WHERE text <> ''",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(texts, 4, "no extracted text is ever removed");
        // Pruning again finds nothing more.
        let again = prune_raw(&mut s, cutoff, false).unwrap();
        assert_eq!((again.versions_released, again.raw_pages_deleted), (0, 0));
    }

    /// A page of realistic size that differs from its neighbours by an edit,
    /// so that it is stored as a delta of the previous one.
    fn page(edit: u32) -> String {
        let mut p = String::from("<html><body>");
        for i in 0..2000 {
            p.push_str(&format!(
                "<li><a href=\"/s/{i}\">section {}</a></li>",
                i * 7 % 13
            ));
        }
        p.push_str(&format!(
            "<article><p>Edit {edit}.</p></article></body></html>"
        ));
        p
    }

    #[test]
    fn retention_stores_a_kept_delta_whole_so_its_bases_are_freed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let a = s.ensure_source("a", "http://a/1", Utc::now()).unwrap();
        let mut ids = Vec::new();
        for day in 1..=5 {
            ids.push(version(&mut s, a, day, &page(day)));
        }
        let count =
            |s: &Store, sql: &str| -> i64 { s.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM raw_pages WHERE base_id IS NOT NULL"
            ),
            4
        );
        let r = prune_raw(&mut s, "2026-11-10T00:00:00.000Z", false).unwrap();
        assert_eq!((r.versions_released, r.raw_pages_deleted), (4, 4));
        assert_eq!(count(&s, "SELECT count(*) FROM raw_pages"), 1);
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM raw_pages WHERE base_id IS NULL AND depth = 0"
            ),
            1
        );
        assert_eq!(s.raw_html(ids[4]).unwrap().unwrap(), page(5).as_bytes());
    }

    #[test]
    fn backup_refuses_to_overwrite_and_check_reports_a_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let mut s = Store::open(&db).unwrap();
        let a = s.ensure_source("a", "http://a/1", Utc::now()).unwrap();
        version(&mut s, a, 1, "<p>one</p>");
        let dest = dir.path().join("copy.db");
        let r = backup(&db, &dest).unwrap();
        assert_eq!(r.versions, 1);
        assert_eq!(r.schema_version, MIGRATIONS.len() as i64);
        assert!(matches!(
            backup(&db, &dest),
            Err(MaintenanceError::BackupExists(_))
        ));
        let c = check(&dest).unwrap();
        assert!(c.ok, "{c:?}");
        assert_eq!(c.search_index_ok, Some(true));
    }
}
