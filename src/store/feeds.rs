//! Feed state: feeds as sources of kind 'feed', the items each feed judged,
//! and the documents (and URL aliases) they discovered.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::store::timestamp;

/// A document discovered by a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub document_id: i64,
    pub feed: String,
    pub url: String,
    pub discovered_at: DateTime<Utc>,
}

/// Registers a feed as a source of kind 'feed'; returns its source id.
pub fn ensure_feed(
    conn: &Connection,
    name: &str,
    url: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO sources (name, url, created_at, kind) VALUES (?1, ?2, ?3, 'feed')
         ON CONFLICT (name) DO UPDATE SET url = excluded.url, kind = 'feed'",
        params![name, url, timestamp(now)],
    )?;
    conn.query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
        r.get(0)
    })
}

/// Every document discovered by a feed, with when it was discovered.
pub fn discovered_documents(conn: &Connection) -> rusqlite::Result<Vec<Discovered>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, s.name, d.url, d.created_at FROM documents d
         JOIN sources s ON s.id = d.source_id WHERE s.kind = 'feed' ORDER BY d.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let created: String = r.get(3)?;
        Ok(Discovered {
            document_id: r.get(0)?,
            feed: r.get(1)?,
            url: r.get(2)?,
            discovered_at: DateTime::parse_from_rfc3339(&created)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// The document a URL already leads to, by its own URL or an alias.
pub fn find_document(conn: &Connection, url: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM documents WHERE url = ?1
         UNION ALL SELECT document_id FROM document_aliases WHERE url = ?1 LIMIT 1",
        [url],
        |r| r.get(0),
    )
    .optional()
}

/// Lets `url` lead to document `doc` too.
pub fn add_alias(conn: &Connection, url: &str, doc: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO document_aliases (url, document_id) VALUES (?1, ?2) ON CONFLICT (url) DO NOTHING",
        params![url, doc],
    )?;
    Ok(())
}

/// Remembers that a feed item was judged, so it is judged only once.
pub struct SeenItem<'a> {
    pub guid: &'a str,
    pub url: Option<&'a str>,
    pub title: &'a str,
    pub matched: bool,
    pub document_id: Option<i64>,
}

/// Records a judged feed item (a repeat is ignored).
pub fn record_item(
    conn: &Connection,
    source_id: i64,
    item: &SeenItem<'_>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO feed_items (source_id, guid, url, title, matched, document_id, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source_id, guid) DO NOTHING",
        params![
            source_id,
            item.guid,
            item.url,
            item.title,
            item.matched,
            item.document_id,
            timestamp(now)
        ],
    )?;
    Ok(())
}

/// Whether a feed already judged the item `guid`.
pub fn item_seen(conn: &Connection, source_id: i64, guid: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM feed_items WHERE source_id = ?1 AND guid = ?2",
            params![source_id, guid],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The document for a discovered article: the one its canonical URL (or an
/// alias) already leads to, or a new one of the feed's source; the feed's
/// link becomes an alias. Returns (id, newly created).
pub fn document_for(
    conn: &Connection,
    source_id: i64,
    canonical: &str,
    link: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<(i64, bool)> {
    let tx = conn.unchecked_transaction()?;
    let (id, new) = match find_document(&tx, canonical)? {
        Some(id) => (id, false),
        None => {
            tx.execute(
                "INSERT INTO documents (source_id, url, created_at) VALUES (?1, ?2, ?3)",
                params![source_id, canonical, timestamp(now)],
            )?;
            (tx.last_insert_rowid(), true)
        }
    };
    if link != canonical {
        add_alias(&tx, link, id)?;
    }
    tx.commit()?;
    Ok((id, new))
}
