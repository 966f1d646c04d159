//! Full-text search through `sentences_fts`, which indexes each distinct
//! sentence and headline once (migration 0011). A version is found through
//! its sentence list (`versions.body`) and its headline (`title_id`), a
//! claim through its spans of versions (`claim_spans`); the snippet is from
//! the matching sentence. A query matches within one sentence or the
//! headline: a phrase that spans two sentences does not match.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::QueryError;

/// Marks the start of a match in a snippet as SQLite returns it; control
/// characters never occur in extracted text, so they cannot be confused
/// with the page's own characters.
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a match in a snippet as SQLite returns it.
pub const MATCH_END: char = '\u{3}';

/// How the query text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The words, in this order, next to each other: `$50 billion` finds
    /// "$50 billion" but not "$50 ... billion". Punctuation is ignored.
    Phrase,
    /// SQLite FTS5 query syntax: `amazon AND (talks OR reportedly)`,
    /// `invest*`, `NEAR(amazon openai, 5)`, matched within one sentence or
    /// the headline.
    Fts,
}

/// What to search.
#[derive(Debug, Clone)]
pub struct SearchRequest<'a> {
    pub query: &'a str,
    pub syntax: Syntax,
    /// Only the newest version of each document: "who says this now".
    pub latest_only: bool,
    /// Only this source.
    pub source: Option<&'a str>,
    pub limit: usize,
    /// Search the claims (each version's wording of each claim) instead of
    /// every sentence and headline.
    pub claims: bool,
}

/// One matching version (`search --json`). In `snippet`, matches are
/// wrapped in [`MATCH_START`] and [`MATCH_END`]; the CLI turns them into
/// colour on a terminal and `**` elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub source: String,
    pub url: String,
    pub document_id: i64,
    pub version_id: i64,
    pub version: i64,
    pub latest: bool,
    pub fetched_at: String,
    pub title: Option<String>,
    pub snippet: String,
}

/// Turns the user's text into an FTS5 query.
pub fn fts_query(query: &str, syntax: Syntax) -> Result<String, QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::BadRequest("the search query is empty".into()));
    }
    Ok(match syntax {
        Syntax::Fts => query.to_string(),
        // An FTS5 string is tokenized like the text, so "$50 billion"
        // becomes the phrase 50 billion; doubled quotes escape quotes.
        Syntax::Phrase => format!("\"{}\"", query.replace('"', "\"\"")),
    })
}

/// Matching versions, grouped by document and oldest first within one.
pub fn search(conn: &Connection, req: &SearchRequest) -> Result<Vec<SearchHit>, QueryError> {
    let q = fts_query(req.query, req.syntax)?;
    // A claim is shown whole more often than a sentence of the text.
    let tokens = if req.claims { 24 } else { 16 };
    let matches = matching_sentences(conn, &q, req.query, tokens)?;
    if matches.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits = if req.claims {
        claim_hits(conn, req, &matches)?
    } else {
        version_hits(conn, req, &matches)?
    };
    hits.sort_by(|a, b| {
        (&a.0.source, &a.0.url, a.0.version, a.1).cmp(&(&b.0.source, &b.0.url, b.0.version, b.1))
    });
    hits.truncate(req.limit);
    Ok(hits.into_iter().map(|(h, _)| h).collect())
}

/// The sentences (and headlines) that match, with their snippets.
fn matching_sentences(
    conn: &Connection,
    q: &str,
    query: &str,
    tokens: usize,
) -> Result<HashMap<i64, String>, QueryError> {
    let sql = format!(
        "SELECT rowid, snippet(sentences_fts, 0, '{MATCH_START}', '{MATCH_END}', '…', {tokens})
         FROM sentences_fts WHERE sentences_fts MATCH ?1"
    );
    let rows = conn.prepare(&sql).and_then(|mut stmt| {
        stmt.query_map([q], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<HashMap<_, _>, _>>()
    });
    match rows {
        Ok(rows) => Ok(rows
            .into_iter()
            .map(|(id, s)| {
                let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
                (id, currency_inside(&one_line))
            })
            .collect()),
        // FTS5 reports bad query syntax as an ordinary SQL error at run time.
        Err(rusqlite::Error::SqliteFailure(_, Some(msg)))
            if msg.starts_with("fts5:")
                || msg.contains("syntax error")
                || msg.contains("no such column") =>
        {
            Err(QueryError::BadRequest(format!(
                "invalid search query {query:?}: {msg}"
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// The columns of a hit, read from `versions` `v`, `documents` `d` and
/// `sources` `s`, then whether it is the latest version.
const HIT_COLUMNS: &str = "s.name, d.url, d.id, v.id, v.number, v.fetched_at, v.title,
     v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = v.document_id)";

fn hit(r: &rusqlite::Row, snippet: String) -> rusqlite::Result<SearchHit> {
    Ok(SearchHit {
        source: r.get(0)?,
        url: r.get(1)?,
        document_id: r.get(2)?,
        version_id: r.get(3)?,
        version: r.get(4)?,
        fetched_at: r.get(5)?,
        title: r.get(6)?,
        latest: r.get(7)?,
        snippet,
    })
}

/// Versions whose headline or one of whose sentences matches; the snippet
/// from the headline, else from the first matching sentence. With the
/// position of that sentence (-1 for the headline), to order the hits.
fn version_hits(
    conn: &Connection,
    req: &SearchRequest,
    matches: &HashMap<i64, String>,
) -> Result<Vec<(SearchHit, i64)>, QueryError> {
    let sql = format!(
        "SELECT {HIT_COLUMNS}, v.title_id, v.body
         FROM versions v JOIN documents d ON d.id = v.document_id JOIN sources s ON s.id = d.source_id
         WHERE (?1 IS NULL OR s.name = ?1)
           AND (?2 = 0 OR v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = v.document_id))"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![req.source, req.latest_only])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let title_id: Option<i64> = r.get(8)?;
        let body: Option<String> = r.get(9)?;
        let first = match title_id.and_then(|id| matches.get(&id)) {
            Some(snippet) => Some((snippet, -1)),
            None => body.as_deref().and_then(|b| first_match(b, matches)),
        };
        if let Some((snippet, position)) = first {
            out.push((hit(r, snippet.clone())?, position));
        }
    }
    Ok(out)
}

/// The first sentence of a body that matches, and its position. A quick
/// test on the text first: most bodies name none of the matches.
fn first_match<'a>(body: &str, matches: &'a HashMap<i64, String>) -> Option<(&'a String, i64)> {
    body.trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .enumerate()
        .find_map(|(k, id)| {
            let id: i64 = id.trim().parse().ok()?;
            matches.get(&id.abs()).map(|s| (s, k as i64))
        })
}

/// Versions that carry a matching claim sentence, through its spans.
fn claim_hits(
    conn: &Connection,
    req: &SearchRequest,
    matches: &HashMap<i64, String>,
) -> Result<Vec<(SearchHit, i64)>, QueryError> {
    let sql = format!(
        "SELECT {HIT_COLUMNS}, o.position
         FROM claim_spans o
         JOIN versions v ON v.document_id = o.document_id
                        AND v.number BETWEEN o.first_number AND o.last_number
         JOIN documents d ON d.id = v.document_id JOIN sources s ON s.id = d.source_id
         WHERE o.sentence_id = ?1 AND (?2 IS NULL OR s.name = ?2)
           AND (?3 = 0 OR v.number = (SELECT max(x.number) FROM versions x WHERE x.document_id = v.document_id))"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut out = Vec::new();
    for (id, snippet) in matches {
        let mut rows = stmt.query(params![id, req.source, req.latest_only])?;
        while let Some(r) = rows.next()? {
            out.push((hit(r, snippet.clone())?, r.get(8)?));
        }
    }
    Ok(out)
}

/// Currency signs that belong to the amount after them.
const CURRENCY: &[char] = &['$', '€', '£', '¥', '₹'];

/// Moves a currency sign just before a match into it: the tokenizer drops
/// the sign, so FTS5 highlights `$[40 billion]`, and a reader wants
/// `[$40 billion]`.
fn currency_inside(snippet: &str) -> String {
    let mut out = snippet.to_string();
    for c in CURRENCY {
        out = out.replace(&format!("{c}{MATCH_START}"), &format!("{MATCH_START}{c}"));
    }
    out
}

/// Replaces the match markers of a snippet with `open` and `close`.
pub fn mark(snippet: &str, open: &str, close: &str) -> String {
    snippet.replace(MATCH_START, open).replace(MATCH_END, close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_queries_escape_quotes() {
        assert_eq!(
            fts_query("say \"$50\" billion", Syntax::Phrase).unwrap(),
            "\"say \"\"$50\"\" billion\""
        );
        assert!(matches!(
            fts_query("  ", Syntax::Phrase),
            Err(QueryError::BadRequest(_))
        ));
    }

    /// Regression: snippets highlighted `$**40 billion**`.
    #[test]
    fn the_currency_sign_is_inside_the_highlight() {
        let s = currency_inside("invest $\u{2}40 billion\u{3} and €\u{2}3\u{3}");
        assert_eq!(mark(&s, "**", "**"), "invest **$40 billion** and **€3**");
        assert_eq!(currency_inside("a \u{2}b\u{3}"), "a \u{2}b\u{3}");
    }

    #[test]
    fn markers_become_the_requested_highlight() {
        assert_eq!(mark("a \u{2}b\u{3} c", "**", "**"), "a **b** c");
    }
}
