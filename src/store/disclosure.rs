//! Disclosure in the store: what each version's page declared about its
//! revisions (`versions.declared`), and each change's disclosure and notice
//! (`changes.disclosure`, `changes.notice`; migration 0010).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::core::disclosure::{Declared, Disclosure};

/// Keeps what a new version's page declared, for the next change.
pub fn record_version(
    tx: &Connection,
    version_id: i64,
    declared: &Declared,
) -> rusqlite::Result<()> {
    let json = serde_json::to_string(declared).unwrap_or_else(|_| "{}".into());
    tx.prepare_cached("UPDATE versions SET declared = ?2 WHERE id = ?1")?
        .execute(params![version_id, json])?;
    Ok(())
}

/// Keeps a change's disclosure and notice.
pub fn record_change(
    tx: &Connection,
    change_id: i64,
    disclosure: Disclosure,
    notice: Option<&str>,
) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE changes SET disclosure = ?2, notice = ?3 WHERE id = ?1")?
        .execute(params![change_id, disclosure.as_str(), notice])?;
    Ok(())
}

/// What a stored version declared: its modification time and, when kept
/// (versions stored since migration 0010), its notices.
#[derive(Debug, Clone, Default)]
pub struct Previously {
    pub modified: Option<String>,
    pub declared: Option<Declared>,
}

/// What version `version_id` declared.
pub fn previously(conn: &Connection, version_id: i64) -> rusqlite::Result<Previously> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT modified_at, declared FROM versions WHERE id = ?1")?
        .query_row([version_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((modified, declared)) = row else {
        return Ok(Previously::default());
    };
    Ok(Previously {
        modified,
        declared: declared.and_then(|j| serde_json::from_str(&j).ok()),
    })
}

/// What version `number` of a document declared.
pub fn previously_at(
    conn: &Connection,
    document_id: i64,
    number: i64,
) -> rusqlite::Result<Previously> {
    let id: Option<i64> = conn
        .prepare_cached("SELECT id FROM versions WHERE document_id = ?1 AND number = ?2")?
        .query_row([document_id, number], |r| r.get(0))
        .optional()?;
    id.map_or(Ok(Previously::default()), |id| previously(conn, id))
}

/// Per outlet, the claim changes made silently and those disclosed (the
/// view `disclosure_by_outlet`; `claims --disclosure`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletDisclosure {
    pub source: String,
    pub claim_changes: i64,
    pub silent: i64,
    pub disclosed: i64,
    pub corrections: i64,
    pub update_notes: i64,
    pub modified_time: i64,
    pub unknown: i64,
}

/// Every outlet with claim changes, most silent first.
pub fn by_outlet(conn: &Connection) -> rusqlite::Result<Vec<OutletDisclosure>> {
    let mut st = conn.prepare(
        "SELECT source, claim_changes, silent, disclosed, corrections, update_notes,
                modified_time, unknown
         FROM disclosure_by_outlet ORDER BY silent DESC, source",
    )?;
    st.query_map([], |r| {
        Ok(OutletDisclosure {
            source: r.get(0)?,
            claim_changes: r.get(1)?,
            silent: r.get(2)?,
            disclosed: r.get(3)?,
            corrections: r.get(4)?,
            update_notes: r.get(5)?,
            modified_time: r.get(6)?,
            unknown: r.get(7)?,
        })
    })?
    .collect()
}
