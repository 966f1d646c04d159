//! Claims in SQLite: tracked claims, their occurrences in versions, claim
//! changes, the story's fact values per outlet, and conflicts and revisions.
//!
//! Written inside the transaction that stores the version (see
//! `store::Store::record`), so a version never exists without its claims.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::core::analysis::ClaimData;
use crate::core::change::ReportedClaim;
use crate::core::claims::{self, ClaimChange, Conflict, FactValue, Revision};
use crate::core::wording::ClaimLine;

/// Stores the claims of a new version (and its claim changes, when the
/// version has a change), and records revisions and new conflicts.
pub(crate) fn record(
    tx: &Connection,
    document_id: i64,
    version_id: i64,
    change_id: Option<i64>,
    at: &str,
    data: &ClaimData,
) -> rusqlite::Result<()> {
    for c in &data.claims {
        tx.prepare_cached(
            "INSERT INTO claims (key, text, first_seen_at, first_document_id, first_version_id)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![c.key, c.text, at, document_id, version_id])?;
        let claim_id: i64 =
            tx.query_row("SELECT id FROM claims WHERE key = ?1", [&c.key], |r| {
                r.get(0)
            })?;
        tx.prepare_cached(
            "INSERT INTO claim_occurrences (claim_id, version_id, document_id, sentence, text, score, certainty, attribution, facets)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(
            params![
                claim_id,
                version_id,
                document_id,
                c.sentence as i64,
                c.text,
                f64::from(c.score),
                c.certainty.as_str(),
                c.attribution,
                serde_json::to_string(c).unwrap_or_default()
            ],
        )?;
    }
    if let Some(change_id) = change_id {
        for c in &data.changes {
            let line = ClaimLine::of(c);
            tx.prepare_cached(
                "INSERT INTO claim_changes (change_id, document_id, change_kind, significance, kind, old, new, summary, old_text, new_text, claim_key, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(
                params![
                    change_id,
                    document_id,
                    c.kind.as_str(),
                    i64::from(c.kind.significance()),
                    line.kind,
                    line.old,
                    line.new,
                    line.summary,
                    c.old,
                    c.new,
                    c.key,
                    serde_json::to_string(c).unwrap_or_default()
                ],
            )?;
        }
    }
    for (f, sentence) in &data.facts {
        tx.prepare_cached(
            "INSERT INTO fact_values (version_id, document_id, fact, value, qualifier, certainty, sentence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(
            params![version_id, document_id, f.fact, f.value, f.qualifier, f.certainty.as_str(), sentence],
        )?;
    }
    for r in &data.revisions {
        tx.prepare_cached(
            "INSERT INTO fact_events (kind, fact, detected_at, document_id, version_id, old_value, new_value, detail)
             VALUES ('revision', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(
            params![
                r.fact,
                at,
                document_id,
                version_id,
                r.old,
                r.new,
                serde_json::to_string(r).unwrap_or_default()
            ],
        )?;
    }
    // A conflict is recorded when outlets disagree and the disagreement is
    // not the one last recorded for that fact: a pass that changes nothing
    // never reports the same conflict again.
    let mut facts: Vec<&str> = data.facts.iter().map(|(f, _)| f.fact.as_str()).collect();
    facts.extend(data.revisions.iter().map(|r| r.fact.as_str()));
    facts.sort_unstable();
    facts.dedup();
    for fact in facts {
        let current = current_fact_values(tx, Some(fact))?;
        let conflicts = claims::find_conflicts(&current);
        let detail = conflicts
            .first()
            .map(|c| serde_json::to_string(c).unwrap_or_default());
        let last: Option<String> = tx
            .query_row(
                "SELECT detail FROM fact_events WHERE kind = 'conflict' AND fact = ?1 ORDER BY id DESC LIMIT 1",
                [fact],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(detail) = detail
            && last.as_deref() != Some(detail.as_str())
        {
            tx.prepare_cached(
                "INSERT INTO fact_events (kind, fact, detected_at, document_id, version_id, detail)
                 VALUES ('conflict', ?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![fact, at, document_id, version_id, detail])?;
        }
    }
    Ok(())
}

/// The name an outlet goes by: its source name, or for an article found
/// through a feed, the source name and the article's host.
fn outlet_name(source: &str, source_url: &str, url: &str) -> String {
    if source_url == url {
        return source.to_string();
    }
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
    {
        Some(host) => format!("{source} ({host})"),
        None => source.to_string(),
    }
}

/// The value each document's latest version states for each fact (the
/// first statement in the article), with the outlet stating it.
pub fn current_fact_values(
    conn: &Connection,
    fact: Option<&str>,
) -> rusqlite::Result<Vec<(String, FactValue)>> {
    let mut st = conn.prepare(
        "SELECT s.name, s.url, d.url, f.fact, f.value, f.qualifier, f.certainty, f.id
         FROM fact_values f
         JOIN documents d ON d.id = f.document_id
         JOIN sources s ON s.id = d.source_id
         WHERE (?1 IS NULL OR f.fact = ?1)
           AND f.version_id = (SELECT max(v.id) FROM versions v WHERE v.document_id = f.document_id)
           AND f.id = (SELECT min(g.id) FROM fact_values g WHERE g.version_id = f.version_id AND g.fact = f.fact)
         ORDER BY f.fact, s.name, d.url",
    )?;
    let rows = st.query_map([fact], |r| {
        let certainty: String = r.get(6)?;
        Ok((
            outlet_name(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
            ),
            FactValue {
                fact: r.get(3)?,
                value: r.get(4)?,
                sentence: 0,
                qualifier: r.get(5)?,
                certainty: serde_json::from_value(serde_json::Value::String(certainty))
                    .unwrap_or_default(),
            },
        ))
    })?;
    rows.collect()
}

/// The current conflicts between outlets, fact by fact.
pub fn current_conflicts(conn: &Connection) -> rusqlite::Result<Vec<Conflict>> {
    Ok(claims::find_conflicts(&current_fact_values(conn, None)?))
}

/// The claim changes stored with one change, most significant first.
pub fn changes_of(conn: &Connection, change_id: i64) -> rusqlite::Result<Vec<ClaimChange>> {
    let mut st = conn.prepare(
        "SELECT detail FROM claim_changes WHERE change_id = ?1 ORDER BY significance DESC, id",
    )?;
    let rows = st.query_map([change_id], |r| r.get::<_, String>(0))?;
    Ok(rows
        .filter_map(|r| r.ok())
        .filter_map(|d| serde_json::from_str(&d).ok())
        .collect())
}

/// The claim changes stored with one change as reports show them, most
/// significant first. Worded from the stored claim change, so the CLI, the
/// email, the export and the feed word it exactly as the log did.
pub fn reported_changes(conn: &Connection, change_id: i64) -> rusqlite::Result<Vec<ReportedClaim>> {
    let mut st = conn.prepare_cached(
        "SELECT detail, kind, change_kind, significance, old, new, summary
         FROM claim_changes WHERE change_id = ?1 ORDER BY significance DESC, id",
    )?;
    let rows = st.query_map([change_id], |r| {
        let detail: String = r.get(0)?;
        Ok(match serde_json::from_str::<ClaimChange>(&detail) {
            Ok(c) => ReportedClaim::of(&c),
            // A claim change this claimwatch cannot read (written by a later
            // one) is still reported, from its stored columns.
            Err(_) => {
                let kind: String = r.get(1)?;
                let (old, new): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
                let summary: String = r.get(6)?;
                let label = match (&old, &new) {
                    (Some(o), Some(n)) => format!("{kind} {o} → {n}"),
                    _ => summary.split(": ").next().unwrap_or(&kind).to_string(),
                };
                ReportedClaim {
                    change_kind: r.get(2)?,
                    significance: u8::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    summary: if summary.is_empty() {
                        label.clone()
                    } else {
                        summary
                    },
                    kind,
                    old,
                    new,
                    label,
                }
            }
        })
    })?;
    rows.collect()
}

/// The story facts one version states, each once (its first statement):
/// `(fact, value)`, by fact.
pub fn facts_of_version(
    conn: &Connection,
    version_id: i64,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT fact, value FROM fact_values f
         WHERE version_id = ?1
           AND id = (SELECT min(g.id) FROM fact_values g WHERE g.version_id = f.version_id AND g.fact = f.fact)
         ORDER BY fact",
    )?;
    let rows = st.query_map([version_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Fact revisions recorded with one version: `(fact, old, new)`.
pub fn revisions_recorded_with(
    conn: &Connection,
    version_id: i64,
) -> rusqlite::Result<Vec<Revision>> {
    fact_events_of(conn, "revision", version_id)
}

/// Conflict events recorded with one version.
pub fn conflicts_recorded_with(
    conn: &Connection,
    version_id: i64,
) -> rusqlite::Result<Vec<Conflict>> {
    fact_events_of(conn, "conflict", version_id)
}

/// The fact events of one kind recorded with one version, read back from
/// their JSON detail (a detail that no longer parses is skipped).
fn fact_events_of<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    kind: &str,
    version_id: i64,
) -> rusqlite::Result<Vec<T>> {
    let mut st = conn.prepare_cached(
        "SELECT detail FROM fact_events WHERE kind = ?1 AND version_id = ?2 ORDER BY id",
    )?;
    let rows = st.query_map(rusqlite::params![kind, version_id], |r| {
        r.get::<_, String>(0)
    })?;
    Ok(rows
        .filter_map(|r| r.ok())
        .filter_map(|d| serde_json::from_str(&d).ok())
        .collect())
}

/// One tracked claim, for `claimwatch claims`.
#[derive(Debug, Clone, Serialize)]
pub struct TrackedClaim {
    pub claim_id: i64,
    pub key: String,
    pub text: String,
    pub first_seen_at: String,
    /// The outlet that carried it first.
    pub first_outlet: String,
    /// The outlets whose latest version carries it now.
    pub outlets_now: Vec<String>,
}

/// Every tracked claim with who carried it first and who carries it now,
/// most widely carried first.
pub fn tracked_claims(conn: &Connection) -> rusqlite::Result<Vec<TrackedClaim>> {
    let mut st = conn.prepare(
        "SELECT c.id, c.key, c.text, c.first_seen_at, s.name, s.url, d.url
         FROM claims c JOIN documents d ON d.id = c.first_document_id JOIN sources s ON s.id = d.source_id
         ORDER BY c.first_seen_at, c.id",
    )?;
    let mut claims: Vec<TrackedClaim> = st
        .query_map([], |r| {
            Ok(TrackedClaim {
                claim_id: r.get(0)?,
                key: r.get(1)?,
                text: r.get(2)?,
                first_seen_at: r.get(3)?,
                first_outlet: outlet_name(
                    &r.get::<_, String>(4)?,
                    &r.get::<_, String>(5)?,
                    &r.get::<_, String>(6)?,
                ),
                outlets_now: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut now = conn.prepare(
        "SELECT DISTINCT o.claim_id, s.name, s.url, d.url
         FROM claim_occurrences o
         JOIN documents d ON d.id = o.document_id JOIN sources s ON s.id = d.source_id
         WHERE o.version_id = (SELECT max(v.id) FROM versions v WHERE v.document_id = o.document_id)
         ORDER BY s.name",
    )?;
    let carried: Vec<(i64, String)> = now
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                outlet_name(
                    &r.get::<_, String>(1)?,
                    &r.get::<_, String>(2)?,
                    &r.get::<_, String>(3)?,
                ),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, outlet) in carried {
        if let Some(c) = claims.iter_mut().find(|c| c.claim_id == id)
            && !c.outlets_now.contains(&outlet)
        {
            c.outlets_now.push(outlet);
        }
    }
    claims.sort_by_key(|c| std::cmp::Reverse(c.outlets_now.len()));
    Ok(claims)
}
