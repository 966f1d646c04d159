//! Read-only queries over the history, shared by the CLI commands and the
//! HTML export.
//!
//! The queries read the documented views of `migrations/0005_views.sql`
//! wherever one fits, so the views people query with `sqlite3` are the ones
//! the commands are tested through. Every row type here is also a `--json`
//! output: its field names are documented in docs/CLI.md and only ever added
//! to.

pub mod claims;
pub mod facts;

pub mod search;

use crate::core::disclosure::Disclosure;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::core::change::ReportedClaim;
use crate::core::claims::{Conflict, Revision};
use crate::core::compare::{self, TextDiff};
use crate::store::claims as stored;

/// How many documents are tracked.
pub fn document_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
}

/// Opens the database at `path` for reading only, with a busy timeout, so
/// queries run beside a writing daemon.
pub fn open_read_only(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Errors of the query commands: a missing thing is not a failure of the
/// database, and the CLI gives each kind its own exit status.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// What was asked for does not exist (exit status 3).
    #[error("{0}")]
    NotFound(String),
    /// The request itself is malformed, e.g. bad search syntax (exit status 2).
    #[error("{0}")]
    BadRequest(String),
    /// Stored data that cannot be read back (a failure, exit status 1).
    #[error("{0}")]
    Damaged(String),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> QueryError {
        match crate::store::StoreError::from(e) {
            crate::store::StoreError::Damaged(why) => QueryError::Damaged(why),
            crate::store::StoreError::Sql(e) => QueryError::Sql(e),
            other => QueryError::Damaged(other.to_string()),
        }
    }
}

/// A tracked document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub source: String,
    pub url: String,
}

/// One configured outlet and how its checks went (`sources --json`).
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub source: String,
    pub url: String,
    pub documents: i64,
    pub versions: i64,
    pub changes: i64,
    pub fetches: i64,
    pub failed_fetches: i64,
    pub last_outcome: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_changed_at: Option<String>,
}

/// One tracked document and its newest version (`documents --json`).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    pub document_id: i64,
    pub source: String,
    pub url: String,
    pub versions: i64,
    pub latest_version: Option<i64>,
    pub title: Option<String>,
    pub first_seen_at: String,
    pub last_checked_at: Option<String>,
    pub last_changed_at: Option<String>,
}

/// One stored version, with the change that led to it (`history --json`).
#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub version_id: i64,
    pub document_id: i64,
    pub source: String,
    pub url: String,
    pub version: i64,
    pub latest: bool,
    pub fetched_at: String,
    pub title: Option<String>,
    pub chars: i64,
    /// The summary of the change from the previous version.
    pub change: Option<String>,
    /// The claim changes of that change, most significant first.
    pub claim_changes: Vec<ReportedClaim>,
    /// How the page disclosed that change (null for a first version).
    pub disclosure: Option<Disclosure>,
    pub notice: Option<String>,
}

/// Everything stored about one version (`show --json`).
#[derive(Debug, Clone, Serialize)]
pub struct VersionDetail {
    pub version_id: i64,
    pub document_id: i64,
    pub source: String,
    pub url: String,
    pub version: i64,
    pub latest: bool,
    pub fetched_at: String,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published_at: Option<String>,
    pub modified_at: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    pub content_hash: String,
    pub chars: i64,
    /// Whether the raw HTML of this version is still stored.
    pub raw_kept: bool,
    pub change: Option<String>,
    pub text: String,
}

/// One detected change (`changes --json`).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub change_id: i64,
    pub document_id: i64,
    pub source: String,
    pub url: String,
    pub from_version: i64,
    pub to_version: i64,
    pub detected_at: String,
    /// One line, as in the log: the most significant claim change, then
    /// the text summary.
    pub summary: String,
    pub approximate: bool,
    /// Claim changes, most significant first.
    pub claim_changes: Vec<ReportedClaim>,
    /// Story facts whose value this outlet changed with this version.
    pub revisions: Vec<Revision>,
    /// Disagreements between outlets first recorded with this version.
    pub conflicts: Vec<Conflict>,
    /// How the page disclosed the change (`none`: silent), and the notice.
    pub disclosure: Disclosure,
    pub notice: Option<String>,
    pub diff: TextDiff,
}

/// Finds a document by URL or by source name. A source name picks the
/// document at the source's configured URL (or its first document).
pub fn find_document(conn: &Connection, key: &str) -> Result<DocumentRow, QueryError> {
    conn.query_row(
        "SELECT d.id, s.name, d.url FROM documents d JOIN sources s ON s.id = d.source_id
         WHERE d.url = ?1 OR s.name = ?1
         ORDER BY d.url = ?1 DESC, d.url = s.url DESC, d.id LIMIT 1",
        [key],
        |r| {
            Ok(DocumentRow {
                id: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| QueryError::NotFound(format!("no document with URL or source name {key:?}")))
}

/// Every outlet, by name.
pub fn sources(conn: &Connection) -> Result<Vec<SourceRow>, QueryError> {
    collect(
        conn,
        "SELECT source, url, documents, versions, changes, fetches, failed_fetches,
                last_outcome, last_checked_at, last_changed_at
         FROM source_status ORDER BY source",
        [],
        |r| {
            Ok(SourceRow {
                source: r.get(0)?,
                url: r.get(1)?,
                documents: r.get(2)?,
                versions: r.get(3)?,
                changes: r.get(4)?,
                fetches: r.get(5)?,
                failed_fetches: r.get(6)?,
                last_outcome: r.get(7)?,
                last_checked_at: r.get(8)?,
                last_changed_at: r.get(9)?,
            })
        },
    )
}

/// Every tracked document (of one source, when given), with its newest
/// version; documents not fetched successfully yet are listed too.
pub fn documents(
    conn: &Connection,
    source: Option<&str>,
) -> Result<Vec<DocumentSummary>, QueryError> {
    if let Some(name) = source {
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sources WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if !known {
            return Err(QueryError::NotFound(format!("no source named {name:?}")));
        }
    }
    collect(
        conn,
        "SELECT d.id, s.name, d.url, coalesce(l.versions, 0), l.version, l.title,
                d.created_at, d.last_checked_at, d.last_changed_at
         FROM documents d
         JOIN sources s ON s.id = d.source_id
         LEFT JOIN latest_versions l ON l.document_id = d.id
         WHERE ?1 IS NULL OR s.name = ?1
         ORDER BY s.name, d.url",
        [source],
        |r| {
            Ok(DocumentSummary {
                document_id: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                versions: r.get(3)?,
                latest_version: r.get(4)?,
                title: r.get(5)?,
                first_seen_at: r.get(6)?,
                last_checked_at: r.get(7)?,
                last_changed_at: r.get(8)?,
            })
        },
    )
}

/// Every version of one document (or of all documents), oldest first.
pub fn history(conn: &Connection, document: Option<i64>) -> Result<Vec<VersionRow>, QueryError> {
    let mut rows = collect(
        conn,
        "SELECT h.version_id, h.document_id, h.source, h.url, h.version, h.is_latest,
                h.fetched_at, h.title, h.chars, h.change_summary, h.change_id,
                c.disclosure, c.notice
         FROM version_history h
         LEFT JOIN changes c ON c.id = h.change_id
         WHERE ?1 IS NULL OR h.document_id = ?1
         ORDER BY h.source, h.url, h.version",
        [document],
        |r| {
            let row = VersionRow {
                version_id: r.get(0)?,
                document_id: r.get(1)?,
                source: r.get(2)?,
                url: r.get(3)?,
                version: r.get(4)?,
                latest: r.get(5)?,
                fetched_at: r.get(6)?,
                title: r.get(7)?,
                chars: r.get(8)?,
                change: r.get(9)?,
                claim_changes: Vec::new(),
                disclosure: r
                    .get::<_, Option<String>>(11)?
                    .map(|d| crate::core::disclosure::Disclosure::parse(&d)),
                notice: r.get(12)?,
            };
            Ok((row, r.get::<_, Option<i64>>(10)?))
        },
    )?;
    for (row, change_id) in &mut rows {
        if let Some(id) = change_id {
            row.claim_changes = stored::reported_changes(conn, *id)?;
        }
    }
    Ok(rows.into_iter().map(|(row, _)| row).collect())
}

/// Resolves a version specification to a version id:
/// - `12`: the version with id 12 (the `version_id` that `history` lists);
/// - `TARGET@3`: version 3 of a document (a URL or a source name);
/// - `TARGET`: the newest version of a document.
pub fn resolve_version(conn: &Connection, spec: &str) -> Result<i64, QueryError> {
    if !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit()) {
        let id: i64 = spec
            .parse()
            .map_err(|_| QueryError::NotFound(format!("no version with id {spec}")))?;
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM versions WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        return if exists {
            Ok(id)
        } else {
            Err(QueryError::NotFound(format!("no version with id {id}")))
        };
    }
    let (target, number) = match spec.rsplit_once('@') {
        Some((t, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            (t, n.parse::<i64>().ok())
        }
        _ => (spec, None),
    };
    let doc = find_document(conn, target)?;
    let number = match number {
        Some(n) => n,
        None => latest_number(conn, doc.id)?,
    };
    conn.query_row(
        "SELECT id FROM versions WHERE document_id = ?1 AND number = ?2",
        params![doc.id, number],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| QueryError::NotFound(format!("{} has no version {number}", doc.source)))
}

/// Everything stored about one version.
pub fn version_detail(conn: &Connection, version_id: i64) -> Result<VersionDetail, QueryError> {
    conn.query_row(
        "SELECT h.version_id, h.document_id, h.source, h.url, h.version, h.is_latest,
                h.fetched_at, h.title, h.byline, h.published_at, h.modified_at,
                h.canonical_url, h.language, h.content_hash, h.chars, h.raw_kept,
                h.change_summary, t.text
         FROM version_history h JOIN version_texts t ON t.id = h.version_id
         WHERE h.version_id = ?1",
        [version_id],
        |r| {
            Ok(VersionDetail {
                version_id: r.get(0)?,
                document_id: r.get(1)?,
                source: r.get(2)?,
                url: r.get(3)?,
                version: r.get(4)?,
                latest: r.get(5)?,
                fetched_at: r.get(6)?,
                title: r.get(7)?,
                byline: r.get(8)?,
                published_at: r.get(9)?,
                modified_at: r.get(10)?,
                canonical_url: r.get(11)?,
                language: r.get(12)?,
                content_hash: r.get(13)?,
                chars: r.get(14)?,
                raw_kept: r.get(15)?,
                change: r.get(16)?,
                text: r.get(17)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| QueryError::NotFound(format!("no version with id {version_id}")))
}

/// The decompressed raw HTML of a version; not found when it was never
/// kept or was removed by the retention policy.
pub fn raw_html(conn: &Connection, version_id: i64) -> Result<Vec<u8>, QueryError> {
    let raw_id: Option<i64> = conn
        .query_row(
            "SELECT raw_page_id FROM versions WHERE id = ?1 AND raw_page_id IS NOT NULL",
            [version_id],
            |r| r.get(0),
        )
        .optional()?;
    let raw_id = raw_id.ok_or_else(|| {
        QueryError::NotFound(format!(
            "the raw HTML of version id {version_id} is not stored (never kept, or removed by retention)"
        ))
    })?;
    // Raw pages may be deltas of earlier ones: the store follows the chain.
    let damaged = |why: String| {
        QueryError::Damaged(format!(
            "the stored raw HTML of version id {version_id} does not decompress: {why}"
        ))
    };
    match crate::store::load_raw(conn, raw_id) {
        Ok(page) => Ok(page),
        Err(crate::store::StoreError::Damaged(why)) => Err(damaged(why)),
        Err(e) => Err(damaged(e.to_string())),
    }
}

/// The stored headline and text of a version.
pub fn version_text(
    conn: &Connection,
    document: i64,
    number: i64,
) -> Result<(Option<String>, String), QueryError> {
    conn.query_row(
        "SELECT v.title, t.text FROM versions v JOIN version_texts t ON t.id = v.id
         WHERE v.document_id = ?1 AND v.number = ?2",
        params![document, number],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| QueryError::NotFound(format!("no version {number} of this document")))
}

/// The newest version number of a document.
pub fn latest_number(conn: &Connection, document: i64) -> Result<i64, QueryError> {
    conn.query_row(
        "SELECT max(number) FROM versions WHERE document_id = ?1",
        [document],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .ok_or_else(|| QueryError::NotFound("this document has no stored version yet".into()))
}

/// The diff between two stored versions of a document (default: the last
/// two).
pub fn diff(
    conn: &Connection,
    document: i64,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<(i64, i64, TextDiff), QueryError> {
    let to = match to {
        Some(n) => n,
        None => latest_number(conn, document)?,
    };
    let from = from.unwrap_or(to - 1);
    if from < 1 {
        return Err(QueryError::NotFound(format!(
            "version {to} has no earlier version to compare with"
        )));
    }
    let (ot, ox) = version_text(conn, document, from)?;
    let (nt, nx) = version_text(conn, document, to)?;
    Ok((
        from,
        to,
        compare::compare_articles(ot.as_deref(), &ox, nt.as_deref(), &nx),
    ))
}

/// Changes detected at or after `since` (an RFC 3339 time), of one
/// document when given, oldest first.
pub fn changes_since(
    conn: &Connection,
    since: &str,
    document: Option<i64>,
) -> Result<Vec<ChangeRow>, QueryError> {
    let mut rows = collect(
        conn,
        "SELECT change_id, document_id, source, url, from_version, to_version, detected_at,
                summary, approximate, diff, to_version_id, disclosure, notice
         FROM change_feed
         WHERE detected_at >= ?1 AND (?2 IS NULL OR document_id = ?2)
         ORDER BY detected_at, change_id",
        params![since, document],
        |r| Ok((change_row(r)?, r.get::<_, i64>(10)?)),
    )?;
    for (row, version_id) in &mut rows {
        row.claim_changes = stored::reported_changes(conn, row.change_id)?;
        row.revisions = stored::revisions_recorded_with(conn, *version_id)?;
        row.conflicts = stored::conflicts_recorded_with(conn, *version_id)?;
    }
    Ok(rows.into_iter().map(|(row, _)| row).collect())
}

fn change_row(r: &Row) -> rusqlite::Result<ChangeRow> {
    let diff: String = r.get(9)?;
    Ok(ChangeRow {
        change_id: r.get(0)?,
        document_id: r.get(1)?,
        source: r.get(2)?,
        url: r.get(3)?,
        from_version: r.get(4)?,
        to_version: r.get(5)?,
        detected_at: r.get(6)?,
        summary: r.get(7)?,
        approximate: r.get(8)?,
        claim_changes: Vec::new(),
        revisions: Vec::new(),
        conflicts: Vec::new(),
        disclosure: Disclosure::parse(&r.get::<_, String>(11)?),
        notice: r.get(12)?,
        // A diff this claimwatch cannot read (written by a later one) still
        // lists the change, with an empty diff, rather than failing the query.
        diff: serde_json::from_str(&diff).unwrap_or_default(),
    })
}

/// Whether a table or view exists.
pub fn has_object(conn: &Connection, name: &str) -> Result<bool, QueryError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1 AND type IN ('table', 'view'))",
        [name],
        |r| r.get(0),
    )?)
}

fn collect<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, QueryError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, f)?.collect::<Result<_, _>>()?;
    Ok(rows)
}
