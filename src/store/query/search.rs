//! Full-text search over the headline and text of every version, through
//! the FTS5 index `versions_fts` (kept in step with `versions` by triggers),
//! and over claims through `claims_fts`, which indexes each distinct claim
//! sentence once and reaches versions through `claim_spans`.

use rusqlite::Connection;
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
    /// `invest*`, `NEAR(amazon openai, 5)`, `title: confirms`.
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
    /// the whole text; the snippet is then from the matching claim.
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
    let sql = if req.claims {
        format!(
            "SELECT h.source, h.url, h.document_id, h.version_id, h.version, h.is_latest,
                    h.fetched_at, h.title,
                    snippet(claims_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 24)
             FROM claims_fts
             JOIN claim_spans o ON o.sentence_id = claims_fts.rowid
             JOIN versions v ON v.document_id = o.document_id
                            AND v.number BETWEEN o.first_number AND o.last_number
             JOIN version_history h ON h.version_id = v.id
             WHERE claims_fts MATCH ?1
               AND (?2 = 0 OR h.is_latest)
               AND (?3 IS NULL OR h.source = ?3)
             ORDER BY h.source, h.url, h.version, o.position
             LIMIT ?4"
        )
    } else {
        format!(
            "SELECT h.source, h.url, h.document_id, h.version_id, h.version, h.is_latest,
                    h.fetched_at, h.title,
                    snippet(versions_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 16)
             FROM versions_fts
             JOIN version_history h ON h.version_id = versions_fts.rowid
             WHERE versions_fts MATCH ?1
               AND (?2 = 0 OR h.is_latest)
               AND (?3 IS NULL OR h.source = ?3)
             ORDER BY h.source, h.url, h.version
             LIMIT ?4"
        )
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![q, req.latest_only, req.source, req.limit as i64],
        |r| {
            Ok(SearchHit {
                source: r.get(0)?,
                url: r.get(1)?,
                document_id: r.get(2)?,
                version_id: r.get(3)?,
                version: r.get(4)?,
                latest: r.get(5)?,
                fetched_at: r.get(6)?,
                title: r.get(7)?,
                // One line: snippets often span the text's paragraphs.
                snippet: currency_inside(
                    &r.get::<_, String>(8)?
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            })
        },
    );
    let rows = rows.and_then(|it| it.collect::<Result<Vec<_>, _>>());
    match rows {
        Ok(rows) => Ok(rows),
        // FTS5 reports bad query syntax as an ordinary SQL error at run time.
        Err(rusqlite::Error::SqliteFailure(_, Some(msg)))
            if msg.starts_with("fts5:") || msg.contains("syntax error") =>
        {
            Err(QueryError::BadRequest(format!(
                "invalid search query {:?}: {msg}",
                req.query
            )))
        }
        Err(e) => Err(e.into()),
    }
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
