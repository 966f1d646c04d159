//! The SQLite store: migrations at open, and every write of a check in one
//! transaction.
//!
//! Blocking code: callers on the async runtime run it on a blocking thread
//! and never hold the store across an `.await`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub mod claims;
pub mod disclosure;
pub mod feeds;
pub mod maintenance;
pub mod outbox;
pub mod query;
pub mod schedule;

use crate::core::analysis::{ClaimData, Earlier, Validators};
use crate::core::extract::Article;

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
];

/// Where a migration's SQL hands over to [`convert`].
const CONVERT_MARK: &str = "-- @convert";

/// The code part of a migration, between its two SQL parts.
fn convert(tx: &Connection, name: &str) -> rusqlite::Result<()> {
    match name {
        "0009_sentences" => claims::convert_occurrences(tx),
        _ => Ok(()),
    }
}

/// zstd level of raw pages. Level 1 costs a seventh of level 9's CPU for a
/// page stored whole ~15% larger (24 KB instead of 21 KB for 88 KB of HTML),
/// and a delta against the previous version is a few hundred bytes at any
/// level.
const RAW_LEVEL: i32 = 1;

/// A raw page is stored whole at least every this many versions of a
/// document, so reading one back decompresses at most this many frames.
const MAX_DELTA_DEPTH: i64 = 16;

/// A delta larger than 1/N of the page means the page was redesigned: it is
/// stored whole instead, starting a new chain.
const DELTA_MAX_SHARE: usize = 8;

/// Errors from the store, naming the database file.
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
    Sql(#[from] rusqlite::Error),
    #[error("the database task failed: {0}")]
    Task(String),
    #[error("writing a batch of checks failed: {0}")]
    Batch(String),
    #[error("compressing a raw page failed: {0}")]
    Raw(String),
}

/// The formatting of every stored time.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A document and what the next check needs to know about it.
#[derive(Debug, Clone)]
pub struct DocumentState {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub validators: Validators,
    pub latest: Option<LatestVersion>,
}

/// The newest stored version of a document.
#[derive(Debug, Clone)]
pub struct LatestVersion {
    pub id: i64,
    pub number: i64,
    pub content_hash: String,
    pub title: Option<String>,
    pub text: String,
}

/// What the previous version's analysis left in the store: its claims (the
/// claim engine's JSON, in sentence order, `sentence` and `text` filled in)
/// and the analysis version they were found with, so a check reads them back instead of analysing the
/// previous text again.
#[derive(Debug, Clone, Default)]
pub struct StoredAnalysis {
    pub analysis_version: Option<i64>,
    pub claims_json: Vec<String>,
}

/// Everything one check learned, written in one transaction.
#[derive(Debug, Clone)]
pub struct CheckRecord {
    pub document_id: i64,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<u16>,
    pub bytes: u64,
    pub result: CheckResult,
}

/// What a check found.
// One value per check, moved once: boxing the version would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum CheckResult {
    NotModified,
    Failed {
        reason: String,
    },
    /// Fetched, but the extracted content is the same as the latest version.
    Unchanged {
        validators: Validators,
    },
    /// Fetched, and the content is that of a recent version before the
    /// latest (`to`): the page alternates. Nothing new is stored; the fetch
    /// records which version it returned to and why (`reason`).
    Returned {
        validators: Validators,
        to: i64,
        latest: i64,
        reason: String,
    },
    /// New extracted content: a new version, and a change from the previous
    /// version when there is one.
    Changed {
        validators: Validators,
        version: NewVersion,
        change: Option<NewChange>,
    },
}

/// A version to store.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub content_hash: String,
    pub article: Article,
    pub raw_html: Vec<u8>,
    /// The claims of this version and its claim changes.
    pub claims: ClaimData,
}

/// The change from the version the check compared against.
#[derive(Debug, Clone)]
pub struct NewChange {
    /// The version the diff was computed against.
    pub from_version_id: i64,
    pub summary: String,
    pub approximate: bool,
    /// The diff as JSON (see `compare::TextDiff`).
    pub diff_json: String,
    /// How the page disclosed the change, and the notice's text.
    pub disclosure: crate::core::disclosure::Disclosure,
    pub notice: Option<String>,
}

/// What was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    NotModified,
    Failed,
    Unchanged,
    /// The page returned to version `to` while `latest` is the latest: an
    /// alternation. `first` when this alternation had not been recorded
    /// since `latest` was stored (report it once, then stay silent).
    Returned {
        to: i64,
        latest: i64,
        first: bool,
    },
    /// A first version.
    New {
        version_id: i64,
        number: i64,
    },
    /// A new version and the change that led to it.
    Changed {
        version_id: i64,
        number: i64,
        change_id: i64,
    },
}

/// The SQLite database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
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

    fn migrate(&mut self) -> Result<(), StoreError> {
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|source| StoreError::Migration {
                    name: name.to_string(),
                    source,
                })?;
            // A migration that needs code (hashing, JSON) runs it at its
            // `-- @convert` line, inside the same transaction.
            let (before, after) = sql.split_once(CONVERT_MARK).unwrap_or((sql, ""));
            tx.execute_batch(before)
                .and_then(|_| convert(&tx, name))
                .and_then(|_| tx.execute_batch(after))
                .and_then(|_| tx.pragma_update(None, "user_version", version))
                .and_then(|_| tx.commit())
                .map_err(|source| StoreError::Migration {
                    name: name.to_string(),
                    source,
                })?;
        }
        Ok(())
    }

    /// The schema version (the number of applied migrations).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

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

    /// Makes sure a configured source and its document exist; returns the
    /// document id. A source whose URL changed in the config gets a new
    /// document; the old one keeps its history.
    pub fn ensure_source(
        &mut self,
        name: &str,
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = timestamp(now);
        tx.execute(
            "INSERT INTO sources (name, url, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url",
            params![name, url, now],
        )?;
        let source_id: i64 =
            tx.query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
                r.get(0)
            })?;
        tx.execute(
            "INSERT INTO documents (source_id, url, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (url) DO NOTHING",
            params![source_id, url, now],
        )?;
        let doc_id: i64 = tx.query_row("SELECT id FROM documents WHERE url = ?1", [url], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(doc_id)
    }

    /// The validators and latest version of a document.
    pub fn document_state(&self, document_id: i64) -> Result<DocumentState, StoreError> {
        let (source, url, etag, last_modified) = self.conn.query_row(
            "SELECT s.name, d.url, d.etag, d.last_modified
             FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.id = ?1",
            [document_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        Ok(DocumentState {
            id: document_id,
            source,
            url,
            validators: Validators {
                etag,
                last_modified,
            },
            latest: latest_version(&self.conn, document_id)?,
        })
    }

    /// Stores what one check found, in one transaction. A version whose
    /// content equals the latest stored one is recorded as unchanged, so a
    /// repeated or concurrent check can never store a duplicate.
    pub fn record(&mut self, rec: &CheckRecord) -> Result<Stored, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored = record_in(&tx, rec)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Stores what several checks found in one transaction: one commit for
    /// the batch instead of one per check. Each record is written in its own
    /// savepoint, so a record that fails leaves nothing behind and does not
    /// stop the others. The results are in the order of `recs`. If the
    /// commit fails, every record fails and nothing of the batch is stored:
    /// the validators were not updated either, so the next pass fetches and
    /// finds those documents again.
    pub fn record_batch(&mut self, recs: &[CheckRecord]) -> Vec<Result<Stored, StoreError>> {
        // Savepoints cost: each one journals the pages it changes and makes
        // the search indexes flush their pending entries. Records almost never
        // fail, so the batch is first written without them; if one fails,
        // that transaction is rolled back and the batch written again, each
        // record in its own savepoint.
        if recs.len() > 1
            && let Some(out) = self.record_batch_plain(recs)
        {
            return out;
        }
        let mut tx = match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => return batch_failed(recs.len(), &e),
        };
        let mut out = Vec::with_capacity(recs.len());
        for rec in recs {
            let one = tx.savepoint().map_err(StoreError::from).and_then(|sp| {
                let stored = record_in(&sp, rec)?;
                sp.commit()?;
                Ok(stored)
            });
            out.push(one);
        }
        match tx.commit() {
            Ok(()) => out,
            Err(e) => batch_failed(recs.len(), &e),
        }
    }

    /// Writes a batch in one transaction without savepoints; `None` (and
    /// nothing written) if a record failed.
    fn record_batch_plain(
        &mut self,
        recs: &[CheckRecord],
    ) -> Option<Vec<Result<Stored, StoreError>>> {
        let tx = match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => return Some(batch_failed(recs.len(), &e)),
        };
        let mut out = Vec::with_capacity(recs.len());
        for rec in recs {
            match record_in(&tx, rec) {
                Ok(stored) => out.push(Ok(stored)),
                Err(_) => return None, // dropping `tx` rolls it back
            }
        }
        Some(match tx.commit() {
            Ok(()) => out,
            Err(e) => batch_failed(recs.len(), &e),
        })
    }

    /// The latest version of a document, if it has one (an indexed lookup).
    pub fn latest_version(&self, document_id: i64) -> Result<Option<LatestVersion>, StoreError> {
        Ok(latest_version(&self.conn, document_id)?)
    }

    /// Up to `limit` versions of a document before version `before`, newest
    /// first (for recognising a page that returns to one of them).
    pub fn earlier_versions(
        &self,
        document_id: i64,
        before: i64,
        limit: usize,
    ) -> Result<Vec<Earlier>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, content_hash, title FROM versions
             WHERE document_id = ?1 AND number < ?2 ORDER BY number DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![document_id, before, limit as i64], |r| {
            Ok(Earlier {
                id: r.get(0)?,
                number: r.get(1)?,
                content_hash: r.get(2)?,
                title: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest version of a document with its stored analysis: what a
    /// check compares a new page with (indexed lookups only).
    pub fn previous_for_analysis(
        &self,
        document_id: i64,
    ) -> Result<Option<(LatestVersion, StoredAnalysis)>, StoreError> {
        let Some(latest) = latest_version(&self.conn, document_id)? else {
            return Ok(None);
        };
        let analysis_version: Option<i64> = self
            .conn
            .prepare_cached("SELECT analysis_version FROM versions WHERE id = ?1")?
            .query_row([latest.id], |r| r.get(0))?;
        let claims_json = match analysis_version {
            None => Vec::new(),
            Some(_) => claims::claims_of_latest(&self.conn, document_id, latest.number)?,
        };
        Ok(Some((
            latest,
            StoredAnalysis {
                analysis_version,
                claims_json,
            },
        )))
    }

    /// The stored validators of many documents at once, in the order asked.
    pub fn validators(&self, document_ids: &[i64]) -> Result<Vec<Validators>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT etag, last_modified FROM documents WHERE id = ?1")?;
        document_ids
            .iter()
            .map(|id| {
                Ok(stmt
                    .query_row([id], |r| {
                        Ok(Validators {
                            etag: r.get(0)?,
                            last_modified: r.get(1)?,
                        })
                    })
                    .optional()?
                    .unwrap_or_default())
            })
            .collect()
    }

    /// The decompressed raw page of a version, if kept.
    pub fn raw_html(&self, version_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let raw_id: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT raw_page_id FROM versions WHERE id = ?1",
                [version_id],
                |r| r.get(0),
            )
            .optional()?;
        match raw_id.flatten() {
            None => Ok(None),
            Some(id) => Ok(load_raw(&self.conn, id)?),
        }
    }
}

/// A batch that could not be written: the same error for every record.
fn batch_failed(n: usize, e: &rusqlite::Error) -> Vec<Result<Stored, StoreError>> {
    (0..n)
        .map(|_| Err(StoreError::Batch(e.to_string())))
        .collect()
}

/// Writes what one check found inside an open transaction or savepoint.
fn record_in(tx: &Connection, rec: &CheckRecord) -> Result<Stored, StoreError> {
    let started = timestamp(rec.started_at);
    let insert_fetch = |outcome: &str, reason: Option<&str>, version: Option<i64>| {
        tx.prepare_cached(
            "INSERT INTO fetches (document_id, started_at, duration_ms, http_status, bytes, outcome, reason, version_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            rec.document_id,
            started,
            rec.duration_ms,
            rec.http_status,
            rec.bytes as i64,
            outcome,
            reason,
            version
        ])
    };
    let touch = |v: Option<&Validators>| -> rusqlite::Result<usize> {
        match v {
            None => tx
                .prepare_cached("UPDATE documents SET last_checked_at = ?2 WHERE id = ?1")?
                .execute(params![rec.document_id, started]),
            Some(v) => tx
                .prepare_cached(
                    "UPDATE documents SET last_checked_at = ?2, etag = ?3, last_modified = ?4 WHERE id = ?1",
                )?
                .execute(params![rec.document_id, started, v.etag, v.last_modified]),
        }
    };
    let stored = match &rec.result {
        CheckResult::NotModified => {
            insert_fetch("not_modified", None, None)?;
            touch(None)?;
            Stored::NotModified
        }
        CheckResult::Failed { reason } => {
            insert_fetch("failed", Some(reason), None)?;
            touch(None)?;
            Stored::Failed
        }
        CheckResult::Unchanged { validators } => {
            insert_fetch("unchanged", None, None)?;
            touch(Some(validators))?;
            Stored::Unchanged
        }
        CheckResult::Returned {
            validators,
            to,
            latest,
            reason,
        } => {
            let current = latest_version(tx, rec.document_id)?;
            let version_id: Option<i64> = tx
                .prepare_cached("SELECT id FROM versions WHERE document_id = ?1 AND number = ?2")?
                .query_row(params![rec.document_id, to], |r| r.get(0))
                .optional()?;
            // A version stored since this check read the state makes what
            // it found outdated.
            let (Some(version_id), Some(current)) = (version_id, current) else {
                insert_fetch("unchanged", None, None)?;
                touch(Some(validators))?;
                return Ok(Stored::Unchanged);
            };
            if current.number != *latest {
                insert_fetch("unchanged", None, None)?;
                touch(Some(validators))?;
                return Ok(Stored::Unchanged);
            }
            let seen: Option<i64> = tx
                .prepare_cached(
                    "SELECT 1 FROM fetches WHERE document_id = ?1 AND version_id = ?2
                       AND outcome = 'unchanged' AND reason = ?3 LIMIT 1",
                )?
                .query_row(params![rec.document_id, version_id, reason], |r| r.get(0))
                .optional()?;
            insert_fetch("unchanged", Some(reason), Some(version_id))?;
            touch(Some(validators))?;
            Stored::Returned {
                to: *to,
                latest: *latest,
                first: seen.is_none(),
            }
        }
        CheckResult::Changed {
            validators,
            version,
            change,
        } => {
            let latest = latest_version_with(tx, rec.document_id, false)?;
            let stale = match (&latest, change) {
                (Some(l), _) if l.content_hash == version.content_hash => true,
                (Some(l), Some(c)) => l.id != c.from_version_id,
                (Some(_), None) | (None, Some(_)) => true,
                (None, None) => false,
            };
            if stale {
                // Someone stored a version since this check read the
                // state: what was found is either known or outdated.
                insert_fetch("unchanged", None, None)?;
                touch(Some(validators))?;
                return Ok(Stored::Unchanged);
            }
            let number = latest.as_ref().map_or(1, |l| l.number + 1);
            let raw_id = store_raw(tx, rec.document_id, &version.raw_html)?;
            let a = &version.article;
            let (body, sentence_ids) = claims::store_body(tx, &a.text, &version.claims)?.unzip();
            let text = if body.is_some() { "" } else { a.text.as_str() };
            tx.prepare_cached(
                "INSERT INTO versions (document_id, number, fetched_at, content_hash, title, byline,
                     published_at, modified_at, canonical_url, language, text, raw_page_id,
                     analysis_version, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                rec.document_id,
                number,
                started,
                version.content_hash,
                a.title,
                a.byline,
                a.published,
                a.modified,
                a.canonical_url,
                a.language,
                text,
                raw_id,
                Some(version.claims.analysis_version).filter(|v| *v != 0),
                body
            ])?;
            let version_id = tx.last_insert_rowid();
            disclosure::record_version(tx, version_id, &version.claims.declared)?;
            if body.is_some() {
                // Indexed here, with the text in hand (see migration 0009).
                tx.prepare_cached(
                    "INSERT INTO versions_fts (rowid, title, text) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![version_id, a.title, a.text])?;
            }
            insert_fetch(
                if change.is_some() { "changed" } else { "new" },
                None,
                Some(version_id),
            )?;
            touch(Some(validators))?;
            tx.prepare_cached("UPDATE documents SET last_changed_at = ?2 WHERE id = ?1")?
                .execute(params![rec.document_id, started])?;
            let stored = match change {
                None => Stored::New { version_id, number },
                Some(c) => {
                    tx.prepare_cached(
                        "INSERT INTO changes (document_id, from_version_id, to_version_id, detected_at, summary, approximate, diff)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        rec.document_id,
                        c.from_version_id,
                        version_id,
                        started,
                        c.summary,
                        c.approximate,
                        c.diff_json
                    ])?;
                    let change_id = tx.last_insert_rowid();
                    disclosure::record_change(tx, change_id, c.disclosure, c.notice.as_deref())?;
                    Stored::Changed {
                        version_id,
                        number,
                        change_id,
                    }
                }
            };
            let change_id = match stored {
                Stored::Changed { change_id, .. } => Some(change_id),
                _ => None,
            };
            crate::store::claims::record(
                tx,
                rec.document_id,
                version_id,
                number,
                change_id,
                &started,
                &version.claims,
                sentence_ids.as_deref(),
            )?;
            stored
        }
    };
    Ok(stored)
}

fn latest_version(conn: &Connection, document_id: i64) -> rusqlite::Result<Option<LatestVersion>> {
    latest_version_with(conn, document_id, true)
}

/// The latest version of a document; its text rebuilt from its sentences
/// when `with_text` (else left empty).
fn latest_version_with(
    conn: &Connection,
    document_id: i64,
    with_text: bool,
) -> rusqlite::Result<Option<LatestVersion>> {
    let row = conn
        .prepare_cached(
            "SELECT id, number, content_hash, title, text, body FROM versions
             WHERE document_id = ?1 ORDER BY number DESC LIMIT 1",
        )?
        .query_row([document_id], |r| {
            Ok((
                LatestVersion {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    content_hash: r.get(2)?,
                    title: r.get(3)?,
                    text: r.get(4)?,
                },
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    Ok(match row {
        Some((mut latest, Some(body))) if with_text && latest.text.is_empty() => {
            latest.text = claims::rebuild_text(conn, &body)?;
            Some(latest)
        }
        other => other.map(|(l, _)| l),
    })
}

/// Stores a raw page once per distinct body (by hash), compressed. When the
/// document's latest version has a raw page, the new body is compressed
/// with that page as the zstd dictionary, so a page that differs by an edit
/// and some per-request noise costs a few hundred bytes instead of a whole
/// compressed page. Chains stay shorter than [`MAX_DELTA_DEPTH`].
fn store_raw(tx: &Connection, document_id: i64, body: &[u8]) -> Result<i64, StoreError> {
    let sha = blake3::hash(body).to_hex().to_string();
    if let Some(id) = tx
        .prepare_cached("SELECT id FROM raw_pages WHERE sha = ?1")?
        .query_row([&sha], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    let base: Option<(i64, i64)> = tx
        .prepare_cached(
            "SELECT r.id, r.depth FROM versions v JOIN raw_pages r ON r.id = v.raw_page_id
             WHERE v.document_id = ?1 ORDER BY v.number DESC LIMIT 1",
        )?
        .query_row([document_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let delta = match base {
        Some((base_id, depth)) if depth + 1 < MAX_DELTA_DEPTH => load_raw(tx, base_id)?
            .and_then(|dict| compress_raw(body, &dict).ok())
            .filter(|d| d.len() <= body.len() / DELTA_MAX_SHARE)
            .map(|d| (d, base_id, depth + 1)),
        _ => None,
    };
    let (blob, base_id, depth) = match delta {
        Some((d, base_id, depth)) => (d, Some(base_id), depth),
        None => (compress_raw(body, &[])?, None, 0),
    };
    tx.prepare_cached(
        "INSERT INTO raw_pages (sha, size, zstd, base_id, depth) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sha, body.len() as i64, blob, base_id, depth])?;
    Ok(tx.last_insert_rowid())
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

/// Compresses `body`, with `prefix` (an earlier page, or nothing) as the
/// content it may refer back to: zstd's "patch-from" mode. Referencing a
/// prefix costs a fraction of loading it as a dictionary.
fn compress_raw(body: &[u8], prefix: &[u8]) -> Result<Vec<u8>, StoreError> {
    use zstd::zstd_safe::{CCtx, CParameter};
    let mut cx = CCtx::create();
    cx.set_parameter(CParameter::CompressionLevel(RAW_LEVEL))
        .map_err(zstd_error)?;
    if !prefix.is_empty() {
        // The window must reach from the end of the page back to the start
        // of the prefix, or the matches in the prefix are not found.
        cx.set_parameter(CParameter::WindowLog(window_log(prefix.len() + body.len())))
            .map_err(zstd_error)?;
        cx.ref_prefix(prefix).map_err(zstd_error)?;
    }
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(body.len()));
    cx.compress2(&mut out, body).map_err(zstd_error)?;
    Ok(out)
}

/// Decompresses one frame of `size` bytes written by [`compress_raw`].
fn decompress_raw(blob: &[u8], size: usize, prefix: &[u8]) -> Result<Vec<u8>, StoreError> {
    use zstd::zstd_safe::{DCtx, DParameter};
    let mut dx = DCtx::create();
    dx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX))
        .map_err(zstd_error)?;
    if !prefix.is_empty() {
        dx.ref_prefix(prefix).map_err(zstd_error)?;
    }
    let mut out = Vec::with_capacity(size);
    dx.decompress(&mut out, blob).map_err(zstd_error)?;
    Ok(out)
}

/// The largest zstd window the store writes or reads (128 MiB).
const WINDOW_LOG_MAX: u32 = 27;

/// The window log that covers `n` bytes.
fn window_log(n: usize) -> u32 {
    (usize::BITS - n.leading_zeros()).clamp(10, WINDOW_LOG_MAX)
}

fn zstd_error(code: usize) -> StoreError {
    StoreError::Raw(zstd::zstd_safe::get_error_name(code).to_string())
}

/// Reads a raw page back: its chain of deltas down to a page stored whole,
/// decompressed from the bottom up. `None` if a frame is missing or corrupt.
pub fn load_raw(conn: &Connection, raw_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    let mut chain: Vec<(Vec<u8>, i64)> = Vec::new();
    let mut next = Some(raw_id);
    let mut stmt =
        conn.prepare_cached("SELECT zstd, size, base_id FROM raw_pages WHERE id = ?1")?;
    while let Some(id) = next {
        if chain.len() as i64 > MAX_DELTA_DEPTH {
            return Ok(None); // a cycle or a chain this code never writes
        }
        let Some((blob, size, base)) = stmt
            .query_row([id], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get(2)?))
            })
            .optional()?
        else {
            return Ok(None);
        };
        chain.push((blob, size));
        next = base;
    }
    let mut page: Vec<u8> = Vec::new();
    for (blob, size) in chain.iter().rev() {
        match decompress_raw(blob, (*size).max(0) as usize, &page) {
            Ok(p) => page = p,
            Err(_) => return Ok(None),
        }
    }
    Ok(Some(page))
}

/// Stores a raw page whole instead of as a delta, so the pages it was a delta
/// of may go (the retention policy). Its content is unchanged, so deltas of
/// it stay valid. False if its chain could not be read.
pub(crate) fn reencode_whole(conn: &Connection, raw_id: i64) -> Result<bool, StoreError> {
    let Some(page) = load_raw(conn, raw_id)? else {
        return Ok(false);
    };
    let blob = compress_raw(&page, &[])?;
    conn.prepare_cached("UPDATE raw_pages SET zstd = ?2, base_id = NULL, depth = 0 WHERE id = ?1")?
        .execute(params![raw_id, blob])?;
    Ok(true)
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

    fn article(text: &str) -> Article {
        Article {
            title: Some("T".into()),
            text: text.into(),
            ..Default::default()
        }
    }

    fn changed(doc: i64, hash: &str, text: &str, from: Option<i64>) -> CheckRecord {
        CheckRecord {
            document_id: doc,
            started_at: Utc::now(),
            duration_ms: 3,
            http_status: Some(200),
            bytes: 10,
            result: CheckResult::Changed {
                validators: Validators::default(),
                version: NewVersion {
                    content_hash: hash.into(),
                    article: article(text),
                    raw_html: b"<p>x</p>".to_vec(),
                    claims: Default::default(),
                },
                change: from.map(|id| NewChange {
                    from_version_id: id,
                    summary: "s".into(),
                    approximate: false,
                    diff_json: "{}".into(),
                    disclosure: Default::default(),
                    notice: None,
                }),
            },
        }
    }

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

    #[test]
    fn stale_or_duplicate_versions_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let Stored::New { version_id: v1, .. } =
            s.record(&changed(doc, "h1", "one", None)).unwrap()
        else {
            panic!()
        };
        // The same content again: unchanged, no second version.
        assert_eq!(
            s.record(&changed(doc, "h1", "one", Some(v1))).unwrap(),
            Stored::Unchanged
        );
        // A first-version record when a version exists: stale.
        assert_eq!(
            s.record(&changed(doc, "h2", "two", None)).unwrap(),
            Stored::Unchanged
        );
        let Stored::Changed { number, .. } =
            s.record(&changed(doc, "h2", "two", Some(v1))).unwrap()
        else {
            panic!()
        };
        assert_eq!(number, 2);
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM fetches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 4);
        // Identical raw bodies are stored once.
        let raws: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM raw_pages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(raws, 1);
        assert_eq!(s.raw_html(v1).unwrap().unwrap(), b"<p>x</p>");
    }

    /// A page of realistic size whose bytes differ in `noise` (as ad ids and
    /// timestamps do) and in the article, which changes with `edit`.
    fn page(edit: usize, noise: usize) -> Vec<u8> {
        let mut p = format!("<html><head><script>var ad = {noise:08x};</script></head><body>");
        for i in 0..2000 {
            p.push_str(&format!(
                "<li><a href=\"/s/{i}\">section {}</a></li>",
                i * 7 % 13
            ));
        }
        p.push_str(&format!(
            "<article><p>Amazon will invest ${edit} billion.</p></article>"
        ));
        p.push_str(&format!(
            "<footer>rendered at {noise}</footer></body></html>"
        ));
        p.into_bytes()
    }

    fn version_with_raw(doc: i64, n: usize, from: Option<i64>, raw: Vec<u8>) -> CheckRecord {
        let mut rec = changed(doc, &format!("h{n}"), &format!("text {n}"), from);
        if let CheckResult::Changed { version, .. } = &mut rec.result {
            version.raw_html = raw;
        }
        rec
    }

    #[test]
    fn raw_pages_are_deltas_in_bounded_chains_and_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let n = 2 * MAX_DELTA_DEPTH as usize + 3;
        let mut ids = Vec::new();
        let mut from = None;
        for k in 0..n {
            let stored = s
                .record(&version_with_raw(doc, k, from, page(k, k * 31)))
                .unwrap();
            let id = match stored {
                Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => version_id,
                other => panic!("{other:?}"),
            };
            ids.push(id);
            from = Some(id);
        }
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(
                s.raw_html(*id).unwrap().unwrap(),
                page(k, k * 31),
                "version {k}"
            );
        }
        let (whole, max_depth, delta_bytes, whole_bytes): (i64, i64, i64, i64) = s
            .conn()
            .query_row(
                "SELECT sum(base_id IS NULL), max(depth),
                        sum(CASE WHEN base_id IS NULL THEN 0 ELSE length(zstd) END),
                        sum(CASE WHEN base_id IS NULL THEN length(zstd) ELSE 0 END)
                 FROM raw_pages",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(max_depth, MAX_DELTA_DEPTH - 1);
        assert_eq!(
            whole, 3,
            "a page stored whole every {MAX_DELTA_DEPTH} versions"
        );
        let deltas = n as i64 - whole;
        assert!(
            delta_bytes / deltas < whole_bytes / whole / 10,
            "deltas ({} B each) should be far smaller than whole pages ({} B)",
            delta_bytes / deltas,
            whole_bytes / whole
        );
    }

    #[test]
    fn a_redesigned_page_starts_a_new_chain() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let Stored::New { version_id: v1, .. } = s
            .record(&version_with_raw(doc, 1, None, page(1, 1)))
            .unwrap()
        else {
            panic!()
        };
        let other: Vec<u8> = (0..60_000u32)
            .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
            .collect();
        let Stored::Changed { version_id: v2, .. } = s
            .record(&version_with_raw(doc, 2, Some(v1), other.clone()))
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(s.raw_html(v2).unwrap().unwrap(), other);
        let base: Option<i64> = s
            .conn()
            .query_row(
                "SELECT r.base_id FROM versions v JOIN raw_pages r ON r.id = v.raw_page_id WHERE v.id = ?1",
                [v2],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(base, None);
    }

    #[test]
    fn a_batch_stores_every_good_record_and_isolates_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let a = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let b = s
            .ensure_source("b", "http://127.0.0.1/b", Utc::now())
            .unwrap();
        let missing = changed(9_999, "h", "no such document", None);
        let not_modified = CheckRecord {
            result: CheckResult::NotModified,
            ..changed(b, "x", "x", None)
        };
        let results = s.record_batch(&[changed(a, "h1", "one", None), missing, not_modified]);
        assert!(matches!(results[0], Ok(Stored::New { number: 1, .. })));
        assert!(results[1].is_err(), "a foreign-key violation fails alone");
        assert_eq!(results[2].as_ref().unwrap(), &Stored::NotModified);
        let count = |sql: &str| -> i64 { s.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM versions"), 1);
        assert_eq!(count("SELECT count(*) FROM fetches"), 2);
        assert_eq!(
            count("SELECT count(*) FROM fetches WHERE document_id = 9999"),
            0
        );
    }
}
