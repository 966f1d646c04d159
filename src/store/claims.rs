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
///
/// Each claim sentence is stored once (`sentences`, by hash, with its
/// analysis); the document's span of that sentence is extended to this
/// version when the previous version carried it, or a new span starts.
/// Claims the previous version carried and this one does not simply keep
/// their spans as they were.
// One caller (`store::record_in`), which has each of these in hand.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    tx: &Connection,
    document_id: i64,
    version_id: i64,
    number: i64,
    change_id: Option<i64>,
    at: &str,
    data: &ClaimData,
    sentence_ids: Option<&[i64]>,
) -> rusqlite::Result<()> {
    let analysis_version = data.analysis_version;
    for c in &data.claims {
        tx.prepare_cached(
            "INSERT INTO claims (key, text, first_seen_at, first_document_id, first_version_id)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![c.key, c.text, at, document_id, version_id])?;
        let claim_id: i64 = tx
            .prepare_cached("SELECT id FROM claims WHERE key = ?1")?
            .query_row([&c.key], |r| r.get(0))?;
        let sentence_id = match sentence_ids.and_then(|ids| ids.get(c.sentence)) {
            Some(id) => *id,
            None => store_sentence(tx, &c.text, || analysis_json(c), analysis_version)?,
        };
        let extended = tx
            .prepare_cached(
                "UPDATE claim_spans SET last_number = ?4, claim_id = ?5
                 WHERE document_id = ?1 AND sentence_id = ?2 AND last_number = ?3",
            )?
            .execute(params![
                document_id,
                sentence_id,
                number - 1,
                number,
                claim_id
            ])?;
        if extended == 0 {
            tx.prepare_cached(
                "INSERT INTO claim_spans (claim_id, document_id, sentence_id, position, first_number, last_number)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?5
                 WHERE NOT EXISTS (SELECT 1 FROM claim_spans
                                   WHERE document_id = ?2 AND sentence_id = ?3 AND last_number = ?5)",
            )?
            .execute(params![claim_id, document_id, sentence_id, c.sentence as i64, number])?;
        }
    }
    if let Some(change_id) = change_id {
        for c in &data.changes {
            record_claim_change(tx, change_id, document_id, c)?;
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

/// Stores one claim change, referring to its sentences instead of copying
/// them (migration 0011): a side whose text is a stored sentence is its id,
/// and the detail keeps only what cannot be derived from the two texts.
/// The word diff is rendered again on read ([`claim_change_of`]), the key is
/// the `claim_key` column. A side that is not one stored sentence (a split
/// or merge joins several) keeps its text.
fn record_claim_change(
    tx: &Connection,
    change_id: i64,
    document_id: i64,
    c: &ClaimChange,
) -> rusqlite::Result<()> {
    let line = ClaimLine::of(c);
    let (old_id, new_id) = (
        sentence_id(tx, c.old.as_deref())?,
        sentence_id(tx, c.new.as_deref())?,
    );
    let mut detail = serde_json::to_value(c).unwrap_or_default();
    if let Some(d) = detail.as_object_mut() {
        d.remove("key");
        // A side is its sentence, its text column, or none.
        d.remove("old");
        d.remove("new");
        if c.word_diff == derived_word_diff(c.old.as_deref(), c.new.as_deref()) {
            d.remove("word_diff");
        }
        // Migration 0012: no facets changed and no sentence position are
        // read back as such.
        d.retain(|k, v| {
            !(v.is_null() || k == "facets_changed" && v.as_array().is_some_and(Vec::is_empty))
        });
    }
    // Migration 0012: the summary's closing sentence (after ": ") is the
    // claim change's own side, read back from it.
    let sentence = c.new.as_deref().or(c.old.as_deref()).unwrap_or("");
    let summary_tail = line
        .summary
        .strip_suffix(sentence)
        .and_then(|s| s.strip_suffix(": "));
    // The report columns hold the sentence itself for these kinds (see
    // `ClaimLine::of`); the view `claim_change_feed` reads it back.
    let old_is_sentence = matches!(line.kind.as_str(), "claim" | "reworded");
    let new_is_sentence = old_is_sentence || line.kind == "moved";
    let by_ref = |sentence: bool, col: &Option<String>, side: &Option<String>, id: Option<i64>| {
        if sentence && id.is_some() && col == side {
            None
        } else {
            col.clone()
        }
    };
    tx.prepare_cached(
        "INSERT INTO claim_changes (change_id, document_id, change_kind, significance, kind, old, new, summary, old_text, new_text, claim_key, detail, old_sentence_id, new_sentence_id, summary_tail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        change_id,
        document_id,
        c.kind.as_str(),
        i64::from(c.kind.significance()),
        line.kind,
        by_ref(old_is_sentence, &line.old, &c.old, old_id),
        by_ref(new_is_sentence, &line.new, &c.new, new_id),
        summary_tail.unwrap_or(&line.summary),
        if old_id.is_some() { None } else { c.old.as_deref() },
        if new_id.is_some() { None } else { c.new.as_deref() },
        c.key,
        detail.to_string(),
        old_id,
        new_id,
        summary_tail.is_some().then_some(1)
    ])?;
    Ok(())
}

/// The id of a stored sentence with exactly this text (one indexed lookup).
fn sentence_id(tx: &Connection, text: Option<&str>) -> rusqlite::Result<Option<i64>> {
    let Some(text) = text else { return Ok(None) };
    let full = blake3::hash(text.as_bytes());
    tx.prepare_cached("SELECT id FROM sentences WHERE hash = ?1 AND text = ?2")?
        .query_row(params![&full.as_bytes()[..16], text], |r| r.get(0))
        .optional()
}

/// The word diff of a claim change, from its two sides: the claim engine's
/// (`claims::align`): a removed sentence deleted, an added one inserted, an
/// edited one word by word.
fn derived_word_diff(old: Option<&str>, new: Option<&str>) -> Vec<claims::WordSpan> {
    use claims::{WordSpan, WordSpanKind};
    match (old, new) {
        (Some(o), None) => vec![WordSpan {
            kind: WordSpanKind::Delete,
            text: o.to_string(),
        }],
        (None, Some(n)) => vec![WordSpan {
            kind: WordSpanKind::Insert,
            text: n.to_string(),
        }],
        (Some(o), Some(n)) => crate::core::compare::word_diff(o, n),
        (None, None) => Vec::new(),
    }
}

/// The report columns `old` and `new` of `claim_changes cc` as they were
/// worded: the sentence itself where it is stored by reference. The view
/// `claim_change_feed` (migration 0011) reads them the same way.
const FEED_OLD: &str =
    "CASE WHEN cc.kind IN ('claim', 'reworded') THEN coalesce(cc.old, os.text) ELSE cc.old END";
const FEED_NEW: &str = "CASE WHEN cc.kind IN ('claim', 'reworded', 'moved') THEN coalesce(cc.new, ns.text) ELSE cc.new END";

/// The columns [`claim_change_of`] reads, from `claim_changes cc` with its
/// sentences `os` and `ns` joined.
const CLAIM_CHANGE_COLUMNS: &str = "cc.id, cc.detail, coalesce(cc.old_text, os.text),
     coalesce(cc.new_text, ns.text), cc.claim_key";

/// The summary line of `claim_changes cc` as it was worded: since
/// migration 0012 its closing sentence (the new side, else the old) is
/// read back from the claim change's sides when `summary_tail` is set. The
/// view `claim_change_feed` reads it the same way.
const FEED_SUMMARY: &str = "CASE WHEN cc.summary_tail THEN cc.summary || ': ' ||
     coalesce(cc.new_text, ns.text, cc.old_text, os.text, '') ELSE cc.summary END";

/// A stored claim change as the claim engine made it, the sides read back
/// from their sentences and the word diff rendered again where they were
/// stored by reference. An error naming the row if the detail does not
/// parse.
fn claim_change_of(r: &rusqlite::Row, at: usize) -> rusqlite::Result<ClaimChange> {
    let id: i64 = r.get(at)?;
    let detail: String = r.get(at + 1)?;
    let (old, new): (Option<String>, Option<String>) = (r.get(at + 2)?, r.get(at + 3)?);
    let key: Option<String> = r.get(at + 4)?;
    let fault = |e: serde_json::Error| {
        crate::store::damaged(format!(
            "claim_changes row {id}: its detail does not parse ({e})"
        ))
    };
    let mut v: serde_json::Value = serde_json::from_str(&detail).map_err(fault)?;
    if let Some(d) = v.as_object_mut() {
        d.entry("old").or_insert_with(|| old.clone().into());
        d.entry("new").or_insert_with(|| new.clone().into());
        d.entry("key").or_insert_with(|| key.into());
        d.entry("facets_changed")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if !d.contains_key("word_diff") {
            let diff = derived_word_diff(old.as_deref(), new.as_deref());
            d.insert(
                "word_diff".into(),
                serde_json::to_value(diff).unwrap_or_default(),
            );
        }
    }
    serde_json::from_value(v).map_err(fault)
}

/// A claim's analysis as stored: the claim engine's JSON without its text
/// (that is `sentences.text`) and with sentence 0 (a position belongs to a
/// version, not to the sentence).
fn analysis_json(c: &claims::Claim) -> String {
    let bare = claims::Claim {
        text: String::new(),
        sentence: 0,
        ..c.clone()
    };
    serde_json::to_string(&bare).unwrap_or_else(|_| "{}".into())
}

/// The id of a sentence, stored once by its hash (one indexed lookup when
/// it is known). A sentence analysed under another analysis version gets
/// this analysis, once; `analysis` is only computed when it is written.
pub(crate) fn store_sentence(
    tx: &Connection,
    text: &str,
    analysis: impl FnOnce() -> String,
    analysis_version: Option<i64>,
) -> rusqlite::Result<i64> {
    let full = blake3::hash(text.as_bytes());
    let hash = &full.as_bytes()[..16];
    let found: Option<(i64, Option<i64>)> = tx
        .prepare_cached("SELECT id, analysis_version FROM sentences WHERE hash = ?1")?
        .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((id, v)) if analysis_version.is_none() || v == analysis_version => Ok(id),
        Some((id, _)) => {
            tx.prepare_cached(
                "UPDATE sentences SET analysis = ?2, analysis_version = ?3 WHERE id = ?1",
            )?
            .execute(params![id, analysis(), analysis_version])?;
            Ok(id)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO sentences (hash, text, analysis, analysis_version) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![hash, text, analysis(), analysis_version])?;
            Ok(tx.last_insert_rowid())
        }
    }
}

/// The analysis stored for a sentence that is not a claim.
pub(crate) const NOT_A_CLAIM: &str = "{}";

/// A text from its sentences: `(starts a paragraph, sentence)` in order,
/// joined by a space within a paragraph and a blank line between them.
fn join_sentences<'a>(parts: impl Iterator<Item = (bool, &'a str)>) -> String {
    let mut out = String::new();
    for (k, (paragraph, text)) in parts.enumerate() {
        if k > 0 {
            out.push_str(if paragraph { "\n\n" } else { " " });
        }
        out.push_str(text);
    }
    out
}

/// A version's text as stored sentences: its body (the JSON array of their
/// ids, negated where a paragraph starts), the ids, and whether they give
/// back the text byte for byte (the text is then stored as '').
pub(crate) struct Body {
    pub json: String,
    pub ids: Vec<i64>,
    pub exact: bool,
}

/// Stores a version's sentences (each once, with its analysis) and returns
/// its body. When the sentences are not known they are split from `text`
/// here; `None` only for an empty text.
pub(crate) fn store_body(
    tx: &Connection,
    text: &str,
    data: &ClaimData,
) -> rusqlite::Result<Option<Body>> {
    let split;
    let sentences = if data.sentences.is_empty() {
        split = claims::split_sentences(text);
        &split
    } else {
        &data.sentences
    };
    if sentences.is_empty() {
        return Ok(None);
    }
    let starts = |i: usize| i > 0 && sentences[i].paragraph != sentences[i - 1].paragraph;
    let exact = join_sentences(
        sentences
            .iter()
            .enumerate()
            .map(|(i, s)| (starts(i), s.text.as_str())),
    ) == text;
    let analysis_version = data.analysis_version;
    let mut ids = Vec::with_capacity(sentences.len());
    for (i, s) in sentences.iter().enumerate() {
        let analysis = || match data.claims.binary_search_by_key(&i, |c| c.sentence) {
            Ok(k) => analysis_json(&data.claims[k]),
            Err(_) => NOT_A_CLAIM.to_string(),
        };
        ids.push(store_sentence(tx, &s.text, analysis, analysis_version)?);
    }
    let signed: Vec<i64> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| if starts(i) { -id } else { *id })
        .collect();
    Ok(serde_json::to_string(&signed)
        .ok()
        .map(|json| Body { json, ids, exact }))
}

/// Stores a headline as a sentence (once, like every sentence; searched
/// with them); its id, `None` for no headline.
pub(crate) fn store_title(tx: &Connection, title: Option<&str>) -> rusqlite::Result<Option<i64>> {
    match title.map(str::trim) {
        Some(t) if !t.is_empty() => {
            store_sentence(tx, t, || NOT_A_CLAIM.to_string(), None).map(Some)
        }
        _ => Ok(None),
    }
}

/// Migration 0011: every version's headline stored as a sentence, and a
/// body for search for the versions whose text is kept whole.
pub(crate) fn convert_search(tx: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(i64, Option<String>, String, bool)> = tx
        .prepare("SELECT id, title, text, body IS NULL FROM versions ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, title, text, no_body) in rows {
        let title_id = store_title(tx, title.as_deref())?;
        tx.execute(
            "UPDATE versions SET title_id = ?2 WHERE id = ?1",
            params![id, title_id],
        )?;
        if no_body
            && !text.is_empty()
            && let Some(body) = store_body(tx, &text, &ClaimData::default())?
        {
            tx.execute(
                "UPDATE versions SET body = ?2 WHERE id = ?1",
                params![id, body.json],
            )?;
        }
    }
    Ok(())
}

/// A version's text rebuilt from its body (see [`store_body`]); an error
/// naming the version when the body does not read back.
pub(crate) fn rebuild_text(
    conn: &Connection,
    version_id: i64,
    body: &str,
) -> rusqlite::Result<String> {
    let fault = |why: String| crate::store::damaged(format!("versions row {version_id}: {why}"));
    let ids: Vec<i64> = serde_json::from_str(body)
        .map_err(|e| fault(format!("its body is not a list of sentence ids ({e})")))?;
    if ids.is_empty() {
        return Err(fault("its body lists no sentences".into()));
    }
    let mut stmt = conn.prepare_cached("SELECT text FROM sentences WHERE id = ?1")?;
    let mut texts = Vec::with_capacity(ids.len());
    for id in &ids {
        let text = stmt
            .query_row([id.abs()], |r| r.get::<_, String>(0))
            .optional()?
            .ok_or_else(|| {
                fault(format!(
                    "its body names sentence {}, which is not stored",
                    id.abs()
                ))
            })?;
        texts.push(text);
    }
    Ok(join_sentences(
        ids.iter().zip(&texts).map(|(id, t)| (*id < 0, t.as_str())),
    ))
}

/// Migration 0009: every version's text stored as its sentences, where they
/// give it back byte for byte.
fn convert_bodies(tx: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM versions WHERE body IS NULL AND text <> '' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let text: String = tx.query_row("SELECT text FROM versions WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        let data = ClaimData {
            sentences: claims::split_sentences(&text),
            ..Default::default()
        };
        if let Some(body) = store_body(tx, &text, &data)?
            && body.exact
        {
            tx.execute(
                "UPDATE versions SET body = ?2, text = '' WHERE id = ?1",
                params![id, body.json],
            )?;
        }
    }
    Ok(())
}

/// The claims a document's version `number` carries, as the claim engine's
/// JSON with their text, in sentence order.
pub(crate) fn claims_of_latest(
    conn: &Connection,
    document_id: i64,
    number: i64,
) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT json_set(s.analysis, '$.text', s.text, '$.sentence', sp.position)
         FROM claim_spans sp JOIN sentences s ON s.id = sp.sentence_id
         WHERE sp.document_id = ?1 AND sp.last_number = ?2
         ORDER BY sp.position, sp.id",
    )?
    .query_map(params![document_id, number], |r| r.get(0))?
    .collect()
}

/// Migration 0009: every row of the old `claim_occurrences` becomes a
/// sentence (stored once) and a span of versions (consecutive versions of a
/// document carrying the same sentence share one span).
pub(crate) fn convert_occurrences(tx: &Connection) -> rusqlite::Result<()> {
    let mut rows = tx.prepare(
        "SELECT o.document_id, v.number, o.claim_id, o.sentence, o.text, o.facets
         FROM claim_occurrences o JOIN versions v ON v.id = o.version_id
         ORDER BY o.document_id, o.text, v.number, o.id",
    )?;
    let rows: Vec<(i64, i64, i64, i64, String, String)> = rows
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // (document, sentence) -> the span being extended: (id, last number).
    let mut open: Option<(i64, String, i64, i64)> = None;
    for (doc, number, claim_id, position, text, facets) in rows {
        let current = match &open {
            Some((d, t, span, last)) if *d == doc && *t == text => Some((*span, *last)),
            _ => None,
        };
        if let Some((span, last)) = current {
            if number == last {
                continue; // the same sentence twice in one version
            }
            if number == last + 1 {
                tx.execute(
                    "UPDATE claim_spans SET last_number = ?2, claim_id = ?3 WHERE id = ?1",
                    params![span, number, claim_id],
                )?;
                open = Some((doc, text, span, number));
                continue;
            }
        }
        let analysis = match serde_json::from_str::<serde_json::Value>(&facets) {
            Ok(mut v) => {
                if let Some(o) = v.as_object_mut() {
                    o.insert("text".into(), "".into());
                    o.insert("sentence".into(), 0.into());
                }
                v.to_string()
            }
            Err(_) => facets,
        };
        let sentence_id = store_sentence(tx, &text, || analysis, None)?;
        tx.execute(
            "INSERT INTO claim_spans (claim_id, document_id, sentence_id, position, first_number, last_number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![claim_id, doc, sentence_id, position, number],
        )?;
        open = Some((doc, text, tx.last_insert_rowid(), number));
    }
    convert_bodies(tx)
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
    let mut st = conn.prepare(&format!(
        "SELECT {CLAIM_CHANGE_COLUMNS} FROM claim_changes cc
         LEFT JOIN sentences os ON os.id = cc.old_sentence_id
         LEFT JOIN sentences ns ON ns.id = cc.new_sentence_id
         WHERE cc.change_id = ?1 ORDER BY cc.significance DESC, cc.id"
    ))?;
    let rows = st.query_map([change_id], |r| claim_change_of(r, 0))?;
    rows.collect()
}

/// The claim changes stored with one change as reports show them, most
/// significant first. Worded from the stored claim change, so the CLI, the
/// email, the export and the feed word it exactly as the log did.
pub fn reported_changes(conn: &Connection, change_id: i64) -> rusqlite::Result<Vec<ReportedClaim>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {CLAIM_CHANGE_COLUMNS}, cc.kind, cc.change_kind, cc.significance,
                {FEED_OLD}, {FEED_NEW}, {FEED_SUMMARY}
         FROM claim_changes cc
         LEFT JOIN sentences os ON os.id = cc.old_sentence_id
         LEFT JOIN sentences ns ON ns.id = cc.new_sentence_id
         WHERE cc.change_id = ?1 ORDER BY cc.significance DESC, cc.id"
    ))?;
    let rows = st.query_map([change_id], |r| {
        Ok(match claim_change_of(r, 0) {
            Ok(c) => ReportedClaim::of(&c),
            // A claim change this claimwatch cannot read (written by a later
            // one) is still reported, from its stored columns.
            Err(_) => {
                let kind: String = r.get(5)?;
                let (old, new): (Option<String>, Option<String>) = (r.get(8)?, r.get(9)?);
                let summary: String = r.get(10)?;
                let label = match (&old, &new) {
                    (Some(o), Some(n)) => format!("{kind} {o} → {n}"),
                    _ => summary.split(": ").next().unwrap_or(&kind).to_string(),
                };
                ReportedClaim {
                    change_kind: r.get(6)?,
                    significance: u8::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
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
/// their JSON detail.
fn fact_events_of<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    kind: &str,
    version_id: i64,
) -> rusqlite::Result<Vec<T>> {
    let mut st = conn.prepare_cached(
        "SELECT id, detail FROM fact_events WHERE kind = ?1 AND version_id = ?2 ORDER BY id",
    )?;
    let rows = st.query_map(rusqlite::params![kind, version_id], |r| {
        let (id, detail): (i64, String) = (r.get(0)?, r.get(1)?);
        parsed("fact_events", id, &detail)
    })?;
    rows.collect()
}

/// A row's JSON `detail` read back; an error naming the row if it does not
/// parse.
fn parsed<T: serde::de::DeserializeOwned>(
    table: &str,
    id: i64,
    detail: &str,
) -> rusqlite::Result<T> {
    serde_json::from_str(detail).map_err(|e| {
        crate::store::damaged(format!("{table} row {id}: its detail does not parse ({e})"))
    })
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
         FROM claim_spans o
         JOIN documents d ON d.id = o.document_id JOIN sources s ON s.id = d.source_id
         WHERE o.last_number = (SELECT max(v.number) FROM versions v WHERE v.document_id = o.document_id)
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
