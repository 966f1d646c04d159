//! Read-only queries over the history, shared by the CLI commands.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::compare::{self, TextDiff};

/// Errors of the query commands: a missing thing is not a failure of the
/// database, and the CLI gives it its own exit status.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    NotFound(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// A tracked document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub source: String,
    pub url: String,
}

/// One stored version, with the change that led to it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub source: String,
    pub url: String,
    pub version: i64,
    pub fetched_at: String,
    pub title: Option<String>,
    pub chars: i64,
    /// The summary of the change from the previous version.
    pub change: Option<String>,
}

/// One detected change.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub from_version: i64,
    pub to_version: i64,
    pub detected_at: String,
    pub summary: String,
    pub approximate: bool,
    pub diff: TextDiff,
}

/// Finds a document by URL or by source name.
pub fn find_document(conn: &Connection, key: &str) -> Result<DocumentRow, QueryError> {
    conn.query_row(
        "SELECT d.id, s.name, d.url FROM documents d JOIN sources s ON s.id = d.source_id
         WHERE d.url = ?1 OR (s.name = ?1 AND d.url = s.url)
         ORDER BY d.id LIMIT 1",
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

/// Every version of one document (or of all documents), oldest first.
pub fn history(conn: &Connection, document: Option<i64>) -> Result<Vec<VersionRow>, QueryError> {
    let mut stmt = conn.prepare(
        "SELECT s.name, d.url, v.number, v.fetched_at, v.title, length(v.text), c.summary
         FROM versions v
         JOIN documents d ON d.id = v.document_id
         JOIN sources s ON s.id = d.source_id
         LEFT JOIN changes c ON c.to_version_id = v.id
         WHERE ?1 IS NULL OR v.document_id = ?1
         ORDER BY s.name, d.url, v.number",
    )?;
    let rows = stmt
        .query_map([document], |r| {
            Ok(VersionRow {
                source: r.get(0)?,
                url: r.get(1)?,
                version: r.get(2)?,
                fetched_at: r.get(3)?,
                title: r.get(4)?,
                chars: r.get(5)?,
                change: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The stored headline and text of a version.
pub fn version_text(
    conn: &Connection,
    document: i64,
    number: i64,
) -> Result<(Option<String>, String), QueryError> {
    conn.query_row(
        "SELECT title, text FROM versions WHERE document_id = ?1 AND number = ?2",
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

/// Changes detected at or after `since` (an RFC 3339 time), oldest first.
pub fn changes_since(conn: &Connection, since: &str) -> Result<Vec<ChangeRow>, QueryError> {
    let mut stmt = conn.prepare(
        "SELECT c.id, s.name, d.url, fv.number, tv.number, c.detected_at, c.summary, c.approximate, c.diff
         FROM changes c
         JOIN documents d ON d.id = c.document_id
         JOIN sources s ON s.id = d.source_id
         JOIN versions fv ON fv.id = c.from_version_id
         JOIN versions tv ON tv.id = c.to_version_id
         WHERE c.detected_at >= ?1
         ORDER BY c.detected_at, c.id",
    )?;
    let rows = stmt
        .query_map([since], |r| {
            let diff: String = r.get(8)?;
            Ok(ChangeRow {
                id: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                from_version: r.get(3)?,
                to_version: r.get(4)?,
                detected_at: r.get(5)?,
                summary: r.get(6)?,
                approximate: r.get(7)?,
                diff: serde_json::from_str(&diff).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
