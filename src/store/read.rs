//! The reads a check needs: a document's validators and latest version (its
//! text rebuilt from its sentences), the versions before it, the stored
//! analysis, and raw pages.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, claims, raw};
use crate::core::analysis::{Earlier, Validators};

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

impl Store {
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
            Some(id) => Ok(Some(raw::load_raw(&self.conn, id)?)),
        }
    }
}

pub(super) fn latest_version(
    conn: &Connection,
    document_id: i64,
) -> rusqlite::Result<Option<LatestVersion>> {
    latest_version_with(conn, document_id, true)
}

/// The latest version of a document; its text rebuilt from its sentences
/// when `with_text` (else left empty).
pub(super) fn latest_version_with(
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
            latest.text = claims::rebuild_text(conn, latest.id, &body)?;
            Some(latest)
        }
        other => other.map(|(l, _)| l),
    })
}
