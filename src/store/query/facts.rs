//! The story facts over time, for the picture on the HTML export: every
//! stored fact value, with the outlet, the version and how the change that
//! brought the version was disclosed.

use rusqlite::Connection;

use super::{QueryError, collect};
use crate::core::disclosure::Disclosure;
use crate::core::story_chart::FactPoint;

/// Every version's value of every story fact (one value per version and
/// fact: the first stated), oldest first. An outlet is its source's name;
/// a source with several documents names each by its document id.
pub fn fact_points(conn: &Connection) -> Result<Vec<FactPoint>, QueryError> {
    collect(
        conn,
        "SELECT f.fact,
                s.name || CASE WHEN (SELECT count(*) FROM documents x WHERE x.source_id = s.id) > 1
                               THEN ' #' || d.id ELSE '' END,
                v.fetched_at, v.number, f.value, c.disclosure
         FROM fact_values f
         JOIN versions v ON v.id = f.version_id
         JOIN documents d ON d.id = f.document_id
         JOIN sources s ON s.id = d.source_id
         LEFT JOIN changes c ON c.to_version_id = v.id
         WHERE f.id = (SELECT min(g.id) FROM fact_values g
                       WHERE g.version_id = f.version_id AND g.fact = f.fact)
         ORDER BY f.fact, v.fetched_at, v.id",
        [],
        |r| {
            Ok(FactPoint {
                fact: r.get(0)?,
                outlet: r.get(1)?,
                at: r.get(2)?,
                version: r.get(3)?,
                value: r.get(4)?,
                disclosure: r
                    .get::<_, Option<String>>(5)?
                    .map(|d| Disclosure::parse(&d)),
            })
        },
    )
}
