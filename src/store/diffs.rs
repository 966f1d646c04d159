//! Text changes by reference (migration 0012): a change's diff is stored
//! with its sentences as `sentences` ids and its word spans as lengths, and
//! read back whole through the view `change_diffs` (SQL, so the documented
//! views answer the same). The stored form is described in
//! `migrations/0012_changes_by_reference.sql`.

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::core::compare::{Edit, SpanKind, TextDiff, WordSpan};

use super::claims::{NOT_A_CLAIM, store_sentence};

/// The diff as stored: by reference when `diff_json` is a diff this
/// claimwatch reads and every part of it can be given back exactly from
/// sentences and span lengths; otherwise `diff_json` itself, as before.
pub(crate) fn compact(tx: &Connection, diff_json: &str) -> rusqlite::Result<String> {
    let Ok(diff) = serde_json::from_str::<TextDiff>(diff_json) else {
        return Ok(diff_json.to_string());
    };
    Ok(by_reference(tx, &diff)?
        .map(|v| v.to_string())
        .unwrap_or_else(|| diff_json.to_string()))
}

fn by_reference(tx: &Connection, diff: &TextDiff) -> rusqlite::Result<Option<Value>> {
    let id = |text: &str| store_sentence(tx, text, || NOT_A_CLAIM.to_string(), None);
    let mut edits = Vec::with_capacity(diff.edits.len());
    for e in &diff.edits {
        edits.push(match e {
            Edit::Insert {
                new_index,
                paragraph,
                text,
            } => json!([0, new_index, paragraph, id(text)?]),
            Edit::Delete {
                old_index,
                paragraph,
                text,
            } => json!([1, old_index, paragraph, id(text)?]),
            Edit::Replace {
                old_index,
                new_index,
                paragraph,
                old,
                new,
                words,
            } => {
                let Some(spans) = spans(Some(old), Some(new), words) else {
                    return Ok(None);
                };
                json!([
                    2,
                    old_index,
                    new_index,
                    paragraph,
                    id(old)?,
                    id(new)?,
                    spans
                ])
            }
        });
    }
    let s = &diff.stats;
    let mut out = json!({
        "e": edits,
        "s": [s.sentences_added, s.sentences_removed, s.sentences_edited, s.words_added, s.words_removed],
    });
    if let Some(t) = &diff.title {
        let Some(spans) = spans(t.old.as_deref(), t.new.as_deref(), &t.words) else {
            return Ok(None);
        };
        let side = |s: &Option<String>| -> rusqlite::Result<Value> {
            Ok(match s {
                Some(s) => json!(id(s)?),
                None => Value::Null,
            })
        };
        out["t"] = json!([side(&t.old)?, side(&t.new)?, spans]);
    }
    if diff.approximate {
        out["a"] = json!(1);
    }
    Ok(Some(out))
}

/// The word spans as `[3 × length in characters + kind, start]`: where
/// the span's text is found in the old side (equal and deleted spans) or
/// the new side (inserted spans), in characters. `None` when a span's
/// text is not in its side (the diff is then stored whole).
fn spans(old: Option<&str>, new: Option<&str>, words: &[WordSpan]) -> Option<Vec<[u64; 2]>> {
    let (old, new) = (old.unwrap_or(""), new.unwrap_or(""));
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let (kind, side) = match w.kind {
            SpanKind::Equal => (0, old),
            SpanKind::Insert => (1, new),
            SpanKind::Delete => (2, old),
        };
        let at = side.find(&w.text)?;
        let len = w.text.chars().count() as u64;
        out.push([3 * len + kind, side[..at].chars().count() as u64]);
    }
    Some(out)
}

/// The diff of one change in the documented form, whichever way it is
/// stored.
pub fn diff_of(conn: &Connection, change_id: i64) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT diff FROM change_diffs WHERE change_id = ?1")?
        .query_row([change_id], |r| r.get(0))
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compare::compare_articles;
    use crate::store::Store;

    /// Stores `diff` as a change's diff (a bare row: foreign keys off) and
    /// reads it back through `change_diffs`.
    fn round_trip(s: &Store, diff: &TextDiff) -> (String, TextDiff) {
        let conn = s.conn();
        let stored = compact(conn, &serde_json::to_string(diff).unwrap()).unwrap();
        conn.execute_batch("DELETE FROM outbox; DELETE FROM changes")
            .unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute(
            "INSERT INTO changes (id, document_id, from_version_id, to_version_id, detected_at, summary, diff)
             VALUES (1, 1, 1, 2, 't', 's', ?1)",
            [&stored],
        )
        .unwrap();
        let back = diff_of(conn, 1).unwrap().unwrap();
        (stored, serde_json::from_str(&back).unwrap())
    }

    #[test]
    fn a_diff_by_reference_reads_back_as_it_was_made() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("d.db")).unwrap();
        let old = "Le ministère a dépensé 50 milliards d’euros. Rien d'autre.\n\nSecond paragraph stays. A deleted sentence here.";
        let new = "Le ministère a finalement dépensé 40 milliards d’euros. Rien d'autre.\n\nSecond paragraph stays. An inserted one — with “quotes”.";
        let diff = compare_articles(
            Some("Budget : 50 milliards"),
            old,
            Some("Budget : 40 milliards"),
            new,
        );
        assert!(diff.title.is_some() && !diff.edits.is_empty());
        let (stored, back) = round_trip(&s, &diff);
        assert!(
            stored.starts_with("{\"e\""),
            "stored by reference: {stored}"
        );
        assert!(
            !stored.contains("milliards"),
            "no sentence copied: {stored}"
        );
        assert_eq!(back, diff);

        // A headline that appears, and a diff with no edits.
        let diff = compare_articles(None, old, Some("Un titre"), old);
        assert_eq!(round_trip(&s, &diff).1, diff);
        let diff = compare_articles(Some("Same"), "One sentence.", Some("Same"), "One sentence.");
        assert_eq!(round_trip(&s, &diff).1, diff);
    }

    #[test]
    fn a_diff_it_cannot_express_is_stored_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("d.db")).unwrap();
        let mut diff = compare_articles(None, "A b c.", None, "A x c.");
        if let Edit::Replace { words, .. } = &mut diff.edits[0] {
            words[0].text.push('!');
        }
        let json = serde_json::to_string(&diff).unwrap();
        assert_eq!(compact(s.conn(), &json).unwrap(), json);
        assert_eq!(compact(s.conn(), "{}").unwrap(), "{}");
        let (stored, back) = round_trip(&s, &diff);
        assert_eq!(stored, json);
        assert_eq!(back, diff);
    }
}
