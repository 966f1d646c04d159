//! The claim timeline, read from the `claim_timeline` view.
//!
//! The claim tables arrive with a later migration than the rest of the
//! history, and a database may predate them. This module therefore asks
//! `sqlite_master` what exists and reads the view's rows by column name, so
//! the `claims` command works on every schema: it says plainly that no claims
//! are stored where the tables are missing, and lists the view's columns as
//! they are where it exists.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use super::{QueryError, has_object};

/// The tables the claim engine stores claims in.
pub const CLAIM_TABLES: &[&str] = &["claims", "claim_occurrences"];
/// The documented view the `claims` command reads.
pub const TIMELINE_VIEW: &str = "claim_timeline";

/// What the `claims` command found.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimTimeline {
    /// This database has no claim tables: nothing has ever been stored.
    NoClaimTables,
    /// The claim tables exist but the timeline view does not (a schema
    /// between the two migrations).
    NoTimelineView,
    /// The timeline's rows, one JSON object each, keyed by column name.
    Rows(Vec<Map<String, Value>>),
}

/// The claim timeline, of one document when given, in the view's order.
/// True when the database has the claim tables.
pub fn has_claim_tables(conn: &Connection) -> Result<bool, QueryError> {
    for t in CLAIM_TABLES {
        if !has_object(conn, t)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn timeline(conn: &Connection, document: Option<i64>) -> Result<ClaimTimeline, QueryError> {
    for t in CLAIM_TABLES {
        if !has_object(conn, t)? {
            return Ok(ClaimTimeline::NoClaimTables);
        }
    }
    if !has_object(conn, TIMELINE_VIEW)? {
        return Ok(ClaimTimeline::NoTimelineView);
    }
    let sql = match document {
        Some(_) => format!("SELECT * FROM {TIMELINE_VIEW} WHERE document_id = ?1"),
        None => format!("SELECT * FROM {TIMELINE_VIEW} WHERE ?1 IS NULL"),
    };
    let mut stmt = conn.prepare(&sql)?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query([document])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut obj = Map::new();
        for (i, name) in names.iter().enumerate() {
            obj.insert(name.clone(), json_value(r.get_ref(i)?));
        }
        out.push(obj);
    }
    Ok(ClaimTimeline::Rows(out))
}

fn json_value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_without_claim_tables_says_so() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(timeline(&conn, None).unwrap(), ClaimTimeline::NoClaimTables);
        conn.execute_batch(
            "CREATE TABLE claims (id INTEGER); CREATE TABLE claim_occurrences (id INTEGER);",
        )
        .unwrap();
        assert_eq!(
            timeline(&conn, None).unwrap(),
            ClaimTimeline::NoTimelineView
        );
    }

    #[test]
    fn the_timeline_view_is_read_by_column_name() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE claims (id INTEGER, text TEXT);
             CREATE TABLE claim_occurrences (claim_id INTEGER, document_id INTEGER);
             INSERT INTO claims VALUES (1, 'Amazon will invest $50 billion');
             INSERT INTO claim_occurrences VALUES (1, 7);
             CREATE VIEW claim_timeline AS SELECT o.document_id, c.text AS claim
               FROM claims c JOIN claim_occurrences o ON o.claim_id = c.id;",
        )
        .unwrap();
        let ClaimTimeline::Rows(rows) = timeline(&conn, Some(7)).unwrap() else {
            panic!()
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["claim"], "Amazon will invest $50 billion");
        let ClaimTimeline::Rows(rows) = timeline(&conn, Some(8)).unwrap() else {
            panic!()
        };
        assert!(rows.is_empty());
    }
}
