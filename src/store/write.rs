//! The write path: everything one check learned in one transaction, and
//! batches of checks in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::read::{latest_version, latest_version_with};
use super::{Store, StoreError, claims, raw, timestamp};
use crate::core::analysis::{ClaimData, Validators};
use crate::core::extract::Article;

/// Everything one check learned, written in one transaction.
#[derive(Debug, Clone)]
pub struct CheckRecord {
    pub document_id: i64,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<u16>,
    pub bytes: u64,
    pub result: CheckResult,
}

/// What a check found.
// One value per check, moved once: boxing the version would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum CheckResult {
    NotModified,
    Failed {
        reason: String,
    },
    /// Fetched, but the extracted content is the same as the latest version.
    Unchanged {
        validators: Validators,
    },
    /// Fetched, and the content is that of a recent version before the
    /// latest (`to`): the page alternates. Nothing new is stored; the fetch
    /// records which version it returned to and why (`reason`).
    Returned {
        validators: Validators,
        to: i64,
        latest: i64,
        reason: String,
    },
    /// New extracted content: a new version, and a change from the previous
    /// version when there is one.
    Changed {
        validators: Validators,
        version: NewVersion,
        change: Option<NewChange>,
    },
}

/// A version to store.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub content_hash: String,
    pub article: Article,
    pub raw_html: Vec<u8>,
    /// The claims of this version and its claim changes.
    pub claims: ClaimData,
}

/// The change from the version the check compared against.
#[derive(Debug, Clone)]
pub struct NewChange {
    /// The version the diff was computed against.
    pub from_version_id: i64,
    pub summary: String,
    pub approximate: bool,
    /// The diff as JSON (see `compare::TextDiff`).
    pub diff_json: String,
    /// How the page disclosed the change, and the notice's text.
    pub disclosure: crate::core::disclosure::Disclosure,
    pub notice: Option<String>,
}

/// What was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    NotModified,
    Failed,
    Unchanged,
    /// The check lost a race: a version was stored after it read the
    /// document's state, so what it found is known or outdated. Its result
    /// was discarded; the fetch is logged as unchanged.
    Discarded,
    /// The page returned to version `to` while `latest` is the latest: an
    /// alternation. `first` when this alternation had not been recorded
    /// since `latest` was stored (report it once, then stay silent).
    Returned {
        to: i64,
        latest: i64,
        first: bool,
    },
    /// A first version.
    New {
        version_id: i64,
        number: i64,
    },
    /// A new version and the change that led to it.
    Changed {
        version_id: i64,
        number: i64,
        change_id: i64,
    },
}

impl Store {
    /// Makes sure a configured source and its document exist; returns the
    /// document id. A source whose URL changed in the config gets a new
    /// document; the old one keeps its history.
    pub fn ensure_source(
        &mut self,
        name: &str,
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = timestamp(now);
        tx.execute(
            "INSERT INTO sources (name, url, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url",
            params![name, url, now],
        )?;
        let source_id: i64 =
            tx.query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
                r.get(0)
            })?;
        tx.execute(
            "INSERT INTO documents (source_id, url, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (url) DO NOTHING",
            params![source_id, url, now],
        )?;
        let doc_id: i64 = tx.query_row("SELECT id FROM documents WHERE url = ?1", [url], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(doc_id)
    }

    /// Stores what one check found, in one transaction. A version whose
    /// content equals the latest stored one is recorded as unchanged, so a
    /// repeated or concurrent check can never store a duplicate.
    pub fn record(&mut self, rec: &CheckRecord) -> Result<Stored, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored = record_in(&tx, rec)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Stores what several checks found in one transaction: one commit for
    /// the batch instead of one per check. Each record is written in its own
    /// savepoint, so a record that fails leaves nothing behind and does not
    /// stop the others. The results are in the order of `recs`. If the
    /// commit fails, every record fails and nothing of the batch is stored:
    /// the validators were not updated either, so the next pass fetches and
    /// finds those documents again.
    pub fn record_batch(&mut self, recs: &[CheckRecord]) -> Vec<Result<Stored, StoreError>> {
        // Savepoints cost: each one journals the pages it changes and makes
        // the search indexes flush their pending entries. Records almost never
        // fail, so the batch is first written without them; if one fails,
        // that transaction is rolled back and the batch written again, each
        // record in its own savepoint.
        if recs.len() > 1
            && let Some(out) = self.record_batch_plain(recs)
        {
            return out;
        }
        let mut tx = match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => return batch_failed(recs.len(), &e),
        };
        let mut out = Vec::with_capacity(recs.len());
        for rec in recs {
            let one = tx.savepoint().map_err(StoreError::from).and_then(|sp| {
                let stored = record_in(&sp, rec)?;
                sp.commit()?;
                Ok(stored)
            });
            out.push(one);
        }
        match tx.commit() {
            Ok(()) => out,
            Err(e) => batch_failed(recs.len(), &e),
        }
    }

    /// Writes a batch in one transaction without savepoints; `None` (and
    /// nothing written) if a record failed.
    fn record_batch_plain(
        &mut self,
        recs: &[CheckRecord],
    ) -> Option<Vec<Result<Stored, StoreError>>> {
        let tx = match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => return Some(batch_failed(recs.len(), &e)),
        };
        let mut out = Vec::with_capacity(recs.len());
        for rec in recs {
            match record_in(&tx, rec) {
                Ok(stored) => out.push(Ok(stored)),
                Err(_) => return None, // dropping `tx` rolls it back
            }
        }
        Some(match tx.commit() {
            Ok(()) => out,
            Err(e) => batch_failed(recs.len(), &e),
        })
    }
}

/// A batch that could not be written: the same error for every record.
fn batch_failed(n: usize, e: &rusqlite::Error) -> Vec<Result<Stored, StoreError>> {
    (0..n)
        .map(|_| Err(StoreError::Batch(e.to_string())))
        .collect()
}

/// One check's writes inside an open transaction or savepoint.
struct Writer<'a> {
    tx: &'a Connection,
    rec: &'a CheckRecord,
    /// The check's start, formatted once.
    started: String,
}

impl Writer<'_> {
    /// The check's row in `fetches`.
    fn fetch(
        &self,
        outcome: &str,
        reason: Option<&str>,
        version: Option<i64>,
    ) -> rusqlite::Result<()> {
        let rec = self.rec;
        self.tx
            .prepare_cached(
                "INSERT INTO fetches (document_id, started_at, duration_ms, http_status, bytes, outcome, reason, version_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                rec.document_id,
                self.started,
                rec.duration_ms,
                rec.http_status,
                rec.bytes as i64,
                outcome,
                reason,
                version
            ])?;
        Ok(())
    }

    /// Counts the check on its document (its last check, outcome and
    /// status; checks since the latest version, 0 when `stored` one), and
    /// its validators when the check got a page. The document's number of
    /// checks so far.
    fn count(&self, outcome: &str, stored: bool, v: Option<&Validators>) -> rusqlite::Result<i64> {
        let rec = self.rec;
        self.tx.prepare_cached(COUNT_CHECK)?.query_row(
            params![
                rec.document_id,
                self.started,
                stored,
                outcome,
                rec.http_status,
                v.is_some(),
                v.and_then(|v| v.etag.as_deref()),
                v.and_then(|v| v.last_modified.as_deref())
            ],
            |r| r.get(0),
        )
    }

    /// A check that gives a row in `fetches`: it stored a version, failed,
    /// returned to an earlier version or lost a race.
    fn logged(
        &self,
        outcome: &str,
        reason: Option<&str>,
        version: Option<i64>,
        v: Option<&Validators>,
    ) -> rusqlite::Result<()> {
        self.fetch(outcome, reason, version)?;
        self.count(outcome, false, v)?;
        Ok(())
    }

    /// A check that found nothing new (304, or the latest version's
    /// content): counted on its document, and kept in its slot of the
    /// recent checks, with no row in `fetches`.
    fn quiet(&self, outcome: &str, v: Option<&Validators>) -> rusqlite::Result<()> {
        let n = self.count(outcome, false, v)?;
        let rec = self.rec;
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO recent_checks
                     (document_id, slot, started_at, duration_ms, http_status, bytes, outcome)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                rec.document_id,
                n % RECENT_CHECKS,
                self.started,
                rec.duration_ms,
                rec.http_status,
                rec.bytes as i64,
                outcome
            ])?;
        Ok(())
    }

    /// A version was stored since this check read the document's state:
    /// what it found is known or outdated. Logged as unchanged (it could
    /// have stored a version, so it keeps its row), nothing else stored.
    fn discard(&self, validators: &Validators) -> Result<Stored, StoreError> {
        self.logged("unchanged", None, None, Some(validators))?;
        Ok(Stored::Discarded)
    }
}

/// How many recent unchanged and not-modified checks each document keeps
/// (`recent_checks`, migration 0011).
pub const RECENT_CHECKS: i64 = 4;

/// Counts a check on its document; see [`Writer::count`]. The validators
/// (?7, ?8) are written when ?6 says the check has them.
const COUNT_CHECK: &str = "UPDATE documents SET last_checked_at = ?2, checks = checks + 1,
         checks_since_version = CASE WHEN ?3 THEN 0 ELSE checks_since_version + 1 END,
         last_outcome = ?4, last_http_status = ?5,
         etag = CASE WHEN ?6 THEN ?7 ELSE etag END,
         last_modified = CASE WHEN ?6 THEN ?8 ELSE last_modified END
     WHERE id = ?1 RETURNING checks";

/// Writes what one check found inside an open transaction or savepoint.
fn record_in(tx: &Connection, rec: &CheckRecord) -> Result<Stored, StoreError> {
    let w = Writer {
        tx,
        rec,
        started: timestamp(rec.started_at),
    };
    match &rec.result {
        CheckResult::NotModified => {
            w.quiet("not_modified", None)?;
            Ok(Stored::NotModified)
        }
        CheckResult::Failed { reason } => {
            w.logged("failed", Some(reason), None, None)?;
            Ok(Stored::Failed)
        }
        CheckResult::Unchanged { validators } => {
            w.quiet("unchanged", Some(validators))?;
            Ok(Stored::Unchanged)
        }
        CheckResult::Returned {
            validators,
            to,
            latest,
            reason,
        } => record_returned(&w, validators, *to, *latest, reason),
        CheckResult::Changed {
            validators,
            version,
            change,
        } => record_changed(&w, validators, version, change.as_ref()),
    }
}

/// A page that returned to version `to` while `latest` was the latest.
fn record_returned(
    w: &Writer,
    validators: &Validators,
    to: i64,
    latest: i64,
    reason: &str,
) -> Result<Stored, StoreError> {
    let doc = w.rec.document_id;
    let current = latest_version(w.tx, doc)?;
    let version_id: Option<i64> =
        w.tx.prepare_cached("SELECT id FROM versions WHERE document_id = ?1 AND number = ?2")?
            .query_row(params![doc, to], |r| r.get(0))
            .optional()?;
    let (Some(version_id), Some(current)) = (version_id, current) else {
        return w.discard(validators);
    };
    if current.number != latest {
        return w.discard(validators);
    }
    let seen: Option<i64> =
        w.tx.prepare_cached(
            "SELECT 1 FROM fetches WHERE document_id = ?1 AND version_id = ?2
               AND outcome = 'unchanged' AND reason = ?3 LIMIT 1",
        )?
        .query_row(params![doc, version_id, reason], |r| r.get(0))
        .optional()?;
    w.logged(
        "unchanged",
        Some(reason),
        Some(version_id),
        Some(validators),
    )?;
    Ok(Stored::Returned {
        to,
        latest,
        first: seen.is_none(),
    })
}

/// A new version, its change from the previous one, its claims.
fn record_changed(
    w: &Writer,
    validators: &Validators,
    version: &NewVersion,
    change: Option<&NewChange>,
) -> Result<Stored, StoreError> {
    let (tx, doc) = (w.tx, w.rec.document_id);
    let latest = latest_version_with(tx, doc, false)?;
    let stale = match (&latest, change) {
        (Some(l), _) if l.content_hash == version.content_hash => true,
        (Some(l), Some(c)) => l.id != c.from_version_id,
        (Some(_), None) | (None, Some(_)) => true,
        (None, None) => false,
    };
    if stale {
        return w.discard(validators);
    }
    let number = latest.as_ref().map_or(1, |l| l.number + 1);
    let (version_id, sentence_ids) = insert_version(w, version, number)?;
    let outcome = if change.is_some() { "changed" } else { "new" };
    w.fetch(outcome, None, Some(version_id))?;
    w.count(outcome, true, Some(validators))?;
    tx.prepare_cached("UPDATE documents SET last_changed_at = ?2 WHERE id = ?1")?
        .execute(params![doc, w.started])?;
    let change_id = change
        .map(|c| insert_change(w, c, version_id))
        .transpose()?;
    claims::record(
        tx,
        doc,
        version_id,
        number,
        change_id,
        &w.started,
        &version.claims,
        sentence_ids.as_deref(),
    )?;
    Ok(match change_id {
        None => Stored::New { version_id, number },
        Some(change_id) => Stored::Changed {
            version_id,
            number,
            change_id,
        },
    })
}

/// The version row with its raw page and its text as a sentence list;
/// its id and the ids of its sentences when the text is stored as a list.
fn insert_version(
    w: &Writer,
    version: &NewVersion,
    number: i64,
) -> Result<(i64, Option<Vec<i64>>), StoreError> {
    let (tx, doc) = (w.tx, w.rec.document_id);
    let raw_id = raw::store_raw(tx, doc, &version.raw_html)?;
    let a: &Article = &version.article;
    let body = claims::store_body(tx, &a.text, &version.claims)?;
    let title_id = claims::store_title(tx, a.title.as_deref())?;
    // The text is kept as it is unless its sentences give it back.
    let text = match &body {
        Some(b) if b.exact => "",
        _ => a.text.as_str(),
    };
    tx.prepare_cached(
        "INSERT INTO versions (document_id, number, fetched_at, content_hash, title, byline,
             published_at, modified_at, canonical_url, language, text, raw_page_id,
             analysis_version, body, title_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        doc,
        number,
        w.started,
        version.content_hash,
        a.title,
        a.byline,
        a.published,
        a.modified,
        a.canonical_url,
        a.language,
        text,
        raw_id,
        version.claims.analysis_version,
        body.as_ref().map(|b| &b.json),
        title_id
    ])?;
    let version_id = tx.last_insert_rowid();
    super::disclosure::record_version(tx, version_id, &version.claims.declared)?;
    Ok((version_id, body.map(|b| b.ids)))
}

/// The change row from the version the check compared against.
fn insert_change(w: &Writer, c: &NewChange, version_id: i64) -> Result<i64, StoreError> {
    let diff = super::diffs::compact(w.tx, &c.diff_json)?;
    w.tx.prepare_cached(
        "INSERT INTO changes (document_id, from_version_id, to_version_id, detected_at, summary, approximate, diff)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        w.rec.document_id,
        c.from_version_id,
        version_id,
        w.started,
        c.summary,
        c.approximate,
        diff
    ])?;
    let change_id = w.tx.last_insert_rowid();
    super::disclosure::record_change(w.tx, change_id, c.disclosure, c.notice.as_deref())?;
    Ok(change_id)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn article(text: &str) -> Article {
        Article {
            title: Some("T".into()),
            text: text.into(),
            ..Default::default()
        }
    }

    pub(in crate::store) fn changed(
        doc: i64,
        hash: &str,
        text: &str,
        from: Option<i64>,
    ) -> CheckRecord {
        CheckRecord {
            document_id: doc,
            started_at: Utc::now(),
            duration_ms: 3,
            http_status: Some(200),
            bytes: 10,
            result: CheckResult::Changed {
                validators: Validators::default(),
                version: NewVersion {
                    content_hash: hash.into(),
                    article: article(text),
                    raw_html: b"<p>x</p>".to_vec(),
                    claims: Default::default(),
                },
                change: from.map(|id| NewChange {
                    from_version_id: id,
                    summary: "s".into(),
                    approximate: false,
                    diff_json: "{}".into(),
                    disclosure: Default::default(),
                    notice: None,
                }),
            },
        }
    }

    #[test]
    fn stale_or_duplicate_versions_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let Stored::New { version_id: v1, .. } =
            s.record(&changed(doc, "h1", "one", None)).unwrap()
        else {
            panic!()
        };
        // The same content again: the check lost a race, no second version.
        assert_eq!(
            s.record(&changed(doc, "h1", "one", Some(v1))).unwrap(),
            Stored::Discarded
        );
        // A first-version record when a version exists: stale.
        assert_eq!(
            s.record(&changed(doc, "h2", "two", None)).unwrap(),
            Stored::Discarded
        );
        let Stored::Changed { number, .. } =
            s.record(&changed(doc, "h2", "two", Some(v1))).unwrap()
        else {
            panic!()
        };
        assert_eq!(number, 2);
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM fetches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 4);
        // Identical raw bodies are stored once.
        let raws: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM raw_pages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(raws, 1);
        assert_eq!(s.raw_html(v1).unwrap().unwrap(), b"<p>x</p>");
    }

    #[test]
    fn a_batch_stores_every_good_record_and_isolates_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let a = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let b = s
            .ensure_source("b", "http://127.0.0.1/b", Utc::now())
            .unwrap();
        let missing = changed(9_999, "h", "no such document", None);
        let not_modified = CheckRecord {
            result: CheckResult::NotModified,
            ..changed(b, "x", "x", None)
        };
        let results = s.record_batch(&[changed(a, "h1", "one", None), missing, not_modified]);
        assert!(matches!(results[0], Ok(Stored::New { number: 1, .. })));
        assert!(results[1].is_err(), "a foreign-key violation fails alone");
        assert_eq!(results[2].as_ref().unwrap(), &Stored::NotModified);
        let count = |sql: &str| -> i64 { s.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM versions"), 1);
        assert_eq!(count("SELECT count(*) FROM fetches"), 1);
        assert_eq!(count("SELECT sum(checks) FROM documents"), 2);
        assert_eq!(
            count("SELECT count(*) FROM fetches WHERE document_id = 9999"),
            0
        );
    }

    fn count(s: &Store, sql: &str) -> i64 {
        s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn unchanged_checks_are_counters_and_a_bounded_recent_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let Stored::New { version_id: v1, .. } =
            s.record(&changed(doc, "h1", "one", None)).unwrap()
        else {
            panic!()
        };
        let quiet = |k: usize| CheckRecord {
            http_status: Some(if k.is_multiple_of(2) { 304 } else { 200 }),
            result: if k.is_multiple_of(2) {
                CheckResult::NotModified
            } else {
                CheckResult::Unchanged {
                    validators: Validators {
                        etag: Some(format!("e{k}")),
                        last_modified: None,
                    },
                }
            },
            ..changed(doc, "h1", "one", None)
        };
        for k in 0..10 {
            s.record(&quiet(k)).unwrap();
        }
        assert_eq!(
            count(&s, "SELECT count(*) FROM fetches"),
            1,
            "only the version's"
        );
        assert_eq!(
            count(&s, "SELECT count(*) FROM recent_checks"),
            RECENT_CHECKS
        );
        let (checks, since, last, status, etag): (i64, i64, String, i64, String) = s
            .conn()
            .query_row(
                "SELECT checks, checks_since_version, last_outcome, last_http_status, etag FROM documents",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!((checks, since), (11, 10));
        assert_eq!(
            (last.as_str(), status, etag.as_str()),
            ("unchanged", 200, "e9")
        );
        // A check that could have stored a version keeps its row, and a
        // version starts the count again.
        assert_eq!(
            s.record(&changed(doc, "h1", "one", Some(v1))).unwrap(),
            Stored::Discarded
        );
        s.record(&changed(doc, "h2", "two", Some(v1))).unwrap();
        assert_eq!(count(&s, "SELECT count(*) FROM fetches"), 3);
        assert_eq!(count(&s, "SELECT checks_since_version FROM documents"), 0);
        assert_eq!(
            count(&s, "SELECT count(*) FROM fetch_log"),
            3 + RECENT_CHECKS
        );
        assert_eq!(count(&s, "SELECT fetches FROM source_status"), 13);
    }
}
