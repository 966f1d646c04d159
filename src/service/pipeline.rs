//! One document's check: fetch, extract, compare, store, report. The daemon
//! and the one-shot `check` command run exactly this.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
use tokio::task::JoinSet;
use url::Url;

use crate::core::analysis::{self, Analysis, Earlier, NewContent, Previous};
use crate::core::claims::{self, ClaimChange, Conflict, Revision};
use crate::core::wording;

use crate::core::compare::TextDiff;
use crate::core::extract::ExtractOptions;
use crate::service::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::service::logger;
use crate::service::settings::{Config, Source};
use crate::service::shared::with_store;
use crate::store::{
    CheckRecord, CheckResult, LatestVersion, NewChange, NewVersion, Store, StoreError, Stored,
    StoredAnalysis,
};

/// Errors that stop a check from being recorded at all (the database).
/// Everything a server or a page can do wrong is a recorded failed fetch.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a blocking task failed: {0}")]
    Join(String),
}

/// A document to check, with the knobs of the source it belongs to.
#[derive(Debug, Clone)]
pub struct Target {
    pub document_id: i64,
    pub source: String,
    pub url: Url,
    pub extract: ExtractOptions,
}

pub use crate::service::logger::Outcome;

/// The shared parts of every check.
#[derive(Clone)]
pub struct Pipeline {
    fetcher: Fetcher,
    store: Arc<Mutex<Store>>,
    /// Extraction and comparison are CPU-bound: running more of them at
    /// once than there are cores gains nothing and multiplies the memory of
    /// parsed pages, so fetches may be many but analyses are capped.
    analyses: Arc<Semaphore>,
    /// Robots.txt, rate limits and retries (the daemon); `None` fetches
    /// directly (one-shot checks).
    polite: Option<crate::service::politeness::Polite>,
    /// The story's entities and facts, for the claim engine.
    story: Arc<claims::Story>,
    /// The writer's queue (see [`write_batches`]): every clone of a
    /// pipeline hands its records, validator reads and small writes to one
    /// task, which does whatever has queued up under one lock and in one
    /// transaction, on a blocking thread. Started on first use (inside the
    /// runtime); it ends when the last clone is dropped.
    writer: Arc<std::sync::OnceLock<mpsc::Sender<Job>>>,
    /// Checks in flight through [`Pipeline::check`], from before the fetch
    /// until the record is stored: a fixed budget, however many schedules
    /// fall due at once, so fetched pages never pile up waiting for a core.
    in_flight: Arc<Semaphore>,
}

impl Pipeline {
    pub fn new(fetcher: Fetcher, store: Arc<Mutex<Store>>) -> Pipeline {
        limit_malloc_arenas();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Pipeline {
            fetcher,
            store,
            analyses: Arc::new(Semaphore::new(cores)),
            polite: None,
            story: Arc::new(claims::Story::default()),
            writer: Arc::default(),
            in_flight: Arc::new(Semaphore::new(in_flight_budget(DEFAULT_CONCURRENCY))),
        }
    }

    /// Lets at most `in_flight_budget(concurrency)` checks through
    /// [`Pipeline::check`] at once (the daemon sets its fetch concurrency).
    pub fn with_concurrency(mut self, concurrency: usize) -> Pipeline {
        self.in_flight = Arc::new(Semaphore::new(in_flight_budget(concurrency)));
        self
    }

    /// Finds claims with this story's entities and facts from now on.
    pub fn with_story(mut self, story: claims::Story) -> Pipeline {
        self.story = Arc::new(story);
        self
    }

    /// Fetches through `polite` from now on.
    pub fn with_politeness(mut self, polite: crate::service::politeness::Polite) -> Pipeline {
        self.polite = Some(polite);
        self
    }

    /// The store, for callers that need to read it.
    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// Registers the configured sources and returns their targets.
    pub async fn targets(&self, config: &Config) -> Result<Vec<Target>, PipelineError> {
        // Only what a target keeps is copied (not the schedules).
        let sources: Vec<(String, Url, ExtractOptions)> = config
            .sources
            .iter()
            .map(|s: &Source| (s.name.clone(), s.url.clone(), s.extract.clone()))
            .collect();
        self.blocking(move |store| {
            let now = Utc::now();
            sources
                .into_iter()
                .map(|(name, url, extract)| {
                    let document_id = store.ensure_source(&name, url.as_str(), now)?;
                    Ok(Target {
                        document_id,
                        source: name,
                        url,
                        extract,
                    })
                })
                .collect()
        })
        .await
    }

    /// Checks every target, at most `concurrency` at once, and reports each
    /// outcome to the log. A failing source never stops the others.
    ///
    /// Writes are batched: checks hand their records to one writer, which
    /// stores whatever has queued up in one transaction
    /// ([`Store::record_batch`]), so a pass costs one commit per batch
    /// rather than one per page. A check's outcome is returned only after
    /// its batch committed. A crash loses at most the batch in flight, and
    /// since a document's new validators are written in the same
    /// transaction as its version, the next pass refetches exactly those
    /// documents and finds the same changes again.
    pub async fn check_all(
        &self,
        targets: &[Target],
        concurrency: usize,
    ) -> Result<Vec<Outcome>, PipelineError> {
        let ids: Vec<i64> = targets.iter().map(|t| t.document_id).collect();
        let validators = self.blocking(move |s| s.validators(&ids)).await?;
        let concurrency = concurrency.max(1);
        let permits = Arc::new(Semaphore::new(concurrency));
        // Tasks are spawned as earlier ones finish, not all at once: a
        // spawned task holds memory until it is joined, and a pass may cover
        // tens of thousands of documents. The slack lets fetching go on
        // while checks wait for their batch to commit.
        let max_tasks = in_flight_budget(concurrency);
        let mut work = targets.iter().zip(validators).enumerate();
        let mut set = JoinSet::new();
        let mut results: Vec<Option<Outcome>> = vec![None; targets.len()];
        let mut first_err = None;
        loop {
            while set.len() < max_tasks {
                let Some((i, (t, v))) = work.next() else {
                    break;
                };
                let (this, permits, t) = (self.clone(), permits.clone(), t.clone());
                set.spawn(async move {
                    let permit = permits.acquire_owned().await;
                    let examined = this.examine(&t, &v, None).await.map(|(x, _)| x);
                    // The next fetch may start while this one waits for its batch.
                    drop(permit);
                    let result = match examined {
                        Ok(x) => this.store_queued(&t, x).await,
                        Err(e) => Err(e),
                    };
                    (i, result)
                });
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            match joined {
                Ok((i, Ok(outcome))) => results[i] = Some(outcome),
                Ok((_, Err(e))) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => {
                    first_err.get_or_insert(PipelineError::Join(e.to_string()));
                }
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(results.into_iter().flatten().collect()),
        }
    }

    /// Checks one document and records the result: the writer stores it
    /// with whatever other checks queued meanwhile, in one transaction, and
    /// the outcome is returned once that committed. At most the pipeline's
    /// in-flight budget of checks hold a fetched page at once; the others
    /// wait, holding nothing. A check takes its place in the budget when
    /// its request is sent, after its host's turn came (politeness), so
    /// checks queued behind one slow or busy host never hold up the others.
    pub async fn check(&self, target: &Target) -> Result<Outcome, PipelineError> {
        let (reply, validators) = oneshot::channel();
        self.queue(Job::Validators(target.document_id, reply))
            .await?;
        let validators = validators.await.map_err(|_| writer_stopped())??;
        let (examined, _slot) = self
            .examine(target, &validators, Some(&self.in_flight))
            .await?;
        self.store_queued(target, examined).await
    }

    /// Runs `f` on the writer, in the transaction that follows the
    /// records of its batch: small writes of many checks (a schedule's next
    /// due time, its failure streak) share one commit instead of one each.
    pub async fn write<T, F>(&self, f: F) -> Result<T, PipelineError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (reply, result) = oneshot::channel();
        self.queue(Job::Write(Box::new(move |conn| {
            let _ = reply.send(f(conn));
        })))
        .await?;
        Ok(result
            .await
            .map_err(|_| writer_stopped())?
            .map_err(StoreError::from)?)
    }

    async fn queue(&self, job: Job) -> Result<(), PipelineError> {
        let writer = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>(WRITE_QUEUE);
            tokio::spawn(write_batches(self.store.clone(), rx));
            tx
        });
        writer.send(job).await.map_err(|_| writer_stopped())
    }

    /// Fetches a document and, when a page came back, extracts and compares
    /// it (on a blocking thread, holding the store only to read the latest
    /// version): everything a check learns, ready to store.
    ///
    /// With a `budget`, a permit of it is taken when the request is sent
    /// and handed back with what the check learned, to be held until it is
    /// stored.
    async fn examine(
        &self,
        target: &Target,
        validators: &Validators,
        budget: Option<&Arc<Semaphore>>,
    ) -> Result<(Examined, Option<OwnedSemaphorePermit>), PipelineError> {
        let started_at = Utc::now();
        let clock = Instant::now();
        let (fetched, slot) = match &self.polite {
            Some(p) => p.fetch_within(&target.url, validators, budget).await,
            None => {
                let slot = crate::service::politeness::take(budget).await;
                (self.fetcher.fetch(&target.url, validators).await, slot)
            }
        };
        let base = CheckRecord {
            document_id: target.document_id,
            started_at,
            duration_ms: clock.elapsed().as_millis() as i64,
            http_status: None,
            bytes: 0,
            result: CheckResult::NotModified,
        };
        let examined = match fetched {
            Ok(Fetched::NotModified { status }) => Ok(Examined::plain(CheckRecord {
                http_status: Some(status),
                ..base
            })),
            Err(e) => Ok(Examined::plain(failed(base, &e))),
            Ok(Fetched::Page(page)) => {
                let _cpu = self.analyses.acquire().await;
                let store = self.store.clone();
                let opts = target.extract.clone();
                let story = self.story.clone();
                tokio::task::spawn_blocking(move || {
                    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
                    analyse(
                        base,
                        page,
                        &opts,
                        &story,
                        // The latest version's hash alone (one indexed row,
                        // no text): a page that did not change needs no more.
                        |doc| {
                            Ok(lock()
                                .earlier_versions(doc, i64::MAX, 1)?
                                .pop()
                                .map(|e| e.content_hash))
                        },
                        |doc| {
                            let store = lock();
                            let Some((latest, stored)) = store.previous_for_analysis(doc)? else {
                                return Ok(None);
                            };
                            let earlier =
                                store.earlier_versions(doc, latest.number, RECENT_VERSIONS)?;
                            let declared =
                                crate::store::disclosure::previously(store.conn(), latest.id)?;
                            Ok(Some((latest, stored, earlier, declared)))
                        },
                    )
                })
                .await
                .map_err(|e| PipelineError::Join(e.to_string()))?
                .map_err(PipelineError::from)
            }
        };
        examined.map(|x| (x, slot))
    }

    /// Hands a record to the batch writer and waits until it is stored.
    async fn store_queued(
        &self,
        target: &Target,
        Examined { rec, report }: Examined,
    ) -> Result<Outcome, PipelineError> {
        let info = RecordInfo::of(&rec);
        let (reply, stored) = oneshot::channel();
        self.queue(Job::Record(rec, reply)).await?;
        let stored = stored.await.map_err(|_| writer_stopped())??;
        let conflicts = match stored {
            Stored::New { .. } | Stored::Changed { .. } => {
                self.blocking(move |store| conflicts_of(store, &stored))
                    .await?
            }
            _ => Vec::new(),
        };
        Ok(finish(target, info, stored, report, conflicts))
    }

    /// Runs store work on a blocking thread.
    async fn blocking<T, F>(&self, f: F) -> Result<T, PipelineError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        Ok(with_store(&self.store, f).await?)
    }
}

/// Caps glibc's malloc arenas at two, once per process. glibc gives every
/// thread that allocates its own arena (up to eight per core) and keeps their
/// freed memory: with the blocking pool's threads each parsing pages, that
/// retained memory was most of the peak RSS (70 MB at 10,000 documents, 44 MB
/// with two arenas). Set here, before the pipeline's threads allocate, so
/// no environment variable is needed.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            const M_ARENA_MAX: std::os::raw::c_int = -8;
            const M_MMAP_THRESHOLD: std::os::raw::c_int = -3;
            unsafe extern "C" {
                fn mallopt(
                    param: std::os::raw::c_int,
                    value: std::os::raw::c_int,
                ) -> std::os::raw::c_int;
            }
            // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX
            // may be changed at any time and affects arenas created later.
            unsafe {
                mallopt(M_ARENA_MAX, 2);
                // Page bodies (~90 KB) in their own mappings, returned to the
                // system when freed instead of fragmenting the arenas (a
                // fixed threshold also stops glibc from raising it).
                mallopt(M_MMAP_THRESHOLD, 64 * 1024);
            }
        });
    }
}

/// Returns the allocator's free pages to the system (glibc keeps freed
/// memory inside its heaps: after a burst of checks that was most of the
/// process's RSS).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim only releases free memory of the allocator.
        unsafe {
            malloc_trim(0);
        }
    }
}

fn failed(base: CheckRecord, e: &FetchError) -> CheckRecord {
    CheckRecord {
        http_status: e.status(),
        bytes: e.bytes(),
        result: CheckResult::Failed {
            reason: e.to_string(),
        },
        ..base
    }
}

/// What a check learned before it is stored: the record, and what the
/// report needs once it is stored.
struct Examined {
    rec: CheckRecord,
    report: ReportParts,
}

/// The parts of a change report that the record does not keep in a form
/// the log can use.
#[derive(Default)]
struct ReportParts {
    title: Option<String>,
    diff: Option<TextDiff>,
    claim_changes: Vec<ClaimChange>,
    revisions: Vec<Revision>,
    disclosure: crate::core::disclosure::Disclosure,
    notice: Option<String>,
}

impl Examined {
    fn plain(rec: CheckRecord) -> Examined {
        Examined {
            rec,
            report: ReportParts::default(),
        }
    }
}

/// The conflicts recorded with a new version.
fn conflicts_of(store: &Store, stored: &Stored) -> Result<Vec<Conflict>, StoreError> {
    Ok(match stored {
        Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => {
            crate::store::claims::conflicts_recorded_with(store.conn(), *version_id)?
        }
        _ => Vec::new(),
    })
}

/// Work for the writer. Records are most of the jobs and move once through
/// a queue of 16: boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Job {
    /// A check's record, and where to send what was stored.
    Record(CheckRecord, oneshot::Sender<Result<Stored, StoreError>>),
    /// A document's stored validators, read under the writer's lock with
    /// the rest of its batch (one blocking hop fewer per check).
    Validators(i64, oneshot::Sender<Result<Validators, StoreError>>),
    /// A small write of the caller's, run after the batch's records in one
    /// more transaction; it sends its own result.
    Write(Box<dyn FnOnce(&rusqlite::Connection) + Send>),
}

fn writer_stopped() -> PipelineError {
    PipelineError::Join("the batch writer stopped".into())
}

/// At most this many jobs wait for the writer; fetches pause when it is
/// full, which bounds memory (each record holds a raw page).
const WRITE_QUEUE: usize = 16;

/// The fetch concurrency when none is configured.
const DEFAULT_CONCURRENCY: usize = 8;

/// How many checks may be in flight for a fetch concurrency: fetching goes
/// on while up to `concurrency` checks wait for the writer, plus what its
/// queue holds. Each holds at most one page.
fn in_flight_budget(concurrency: usize) -> usize {
    concurrency.max(1) * 2 + WRITE_QUEUE
}

/// How many versions before the latest a page may return to and be
/// recognised as alternating (a headline A/B test) rather than changed.
const RECENT_VERSIONS: usize = 8;

/// At most this many records are stored in one transaction.
const MAX_BATCH: usize = 256;

/// Does the queued jobs in batches until every sender is gone: whatever
/// queued up while the previous batch was being written goes into the next
/// transaction, so batches grow with load and stay small when it is light.
/// The records of a batch are one transaction ([`Store::record_batch`]);
/// the small writes after them ([`Pipeline::write`]) one more, so a crash
/// between the two loses only those (a schedule's due time: the check runs
/// again soon, and finds what it stored).
async fn write_batches(store: Arc<Mutex<Store>>, mut rx: mpsc::Receiver<Job>) {
    let mut trimmed = std::time::Instant::now();
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(q) => batch.push(q),
                Err(_) => break,
            }
        }
        let store = store.clone();
        // When nothing else is queued (a pass or a burst is over), what the
        // finished checks held goes back to the system, at most once a second.
        let idle = rx.is_empty() && trimmed.elapsed() >= std::time::Duration::from_secs(1);
        if idle {
            trimmed = std::time::Instant::now();
        }
        // A failed batch has answered nobody: its senders see the writer stop.
        let _ = tokio::task::spawn_blocking(move || {
            write_batch(&store, batch);
            if idle {
                release_free_memory();
            }
        })
        .await;
    }
}

/// Does one batch of jobs under one lock.
fn write_batch(store: &Mutex<Store>, batch: Vec<Job>) {
    let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
    let (mut recs, mut replies, mut writes) = (Vec::new(), Vec::new(), Vec::new());
    for job in batch {
        match job {
            Job::Record(rec, reply) => {
                recs.push(rec);
                replies.push(reply);
            }
            Job::Validators(doc, reply) => {
                let v = store
                    .validators(&[doc])
                    .map(|mut v| v.pop().unwrap_or_default());
                let _ = reply.send(v);
            }
            Job::Write(f) => writes.push(f),
        }
    }
    if !recs.is_empty() {
        let results = store.record_batch(&recs);
        drop(recs);
        for (result, reply) in results.into_iter().zip(replies) {
            // The check may have been cancelled; its record is stored anyway.
            let _ = reply.send(result);
        }
    }
    if !writes.is_empty() {
        let mut writes = Some(writes);
        if let Ok(tx) = store
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        {
            for f in writes.take().into_iter().flatten() {
                f(&tx);
            }
            if let Err(e) = tx.commit() {
                tracing::error!(error = %e, "database: storing schedule state failed");
            }
        }
        // Without a transaction each write commits on its own.
        for f in writes.into_iter().flatten() {
            f(store.conn());
        }
    }
}

/// The parts of a record an outcome reports, kept before the record is
/// handed to the store.
struct RecordInfo {
    http_status: Option<u16>,
    reason: Option<String>,
}

impl RecordInfo {
    fn of(rec: &CheckRecord) -> RecordInfo {
        RecordInfo {
            http_status: rec.http_status,
            reason: match &rec.result {
                CheckResult::Failed { reason } | CheckResult::Returned { reason, .. } => {
                    Some(reason.clone())
                }
                _ => None,
            },
        }
    }
}

/// The outcome of a stored check, reported to the log.
fn finish(
    target: &Target,
    info: RecordInfo,
    stored: Stored,
    report: ReportParts,
    conflicts: Vec<Conflict>,
) -> Outcome {
    // A version the store refused as stale has no change to report.
    let changed = matches!(stored, Stored::Changed { .. });
    let ReportParts {
        title,
        diff,
        mut claim_changes,
        mut revisions,
        disclosure,
        notice,
    } = report;
    if !changed {
        claim_changes.clear();
        revisions.clear();
    }
    let outcome = Outcome {
        source: target.source.clone(),
        url: target.url.to_string(),
        stored,
        http_status: info.http_status,
        reason: info.reason,
        title,
        diff: diff.filter(|_| changed),
        claim_changes,
        revisions,
        conflicts,
        disclosure,
        notice,
    };
    logger::log_outcome(&outcome);
    outcome
}

/// Analyses a fetched page against the latest version (read with `latest`)
/// and turns the result into the record to store.
fn analyse(
    base: CheckRecord,
    page: Page,
    opts: &ExtractOptions,
    story: &claims::Story,
    latest_hash: impl FnOnce(i64) -> Result<Option<String>, StoreError>,
    latest: impl FnOnce(
        i64,
    ) -> Result<
        Option<(
            LatestVersion,
            StoredAnalysis,
            Vec<Earlier>,
            crate::store::disclosure::Previously,
        )>,
        StoreError,
    >,
) -> Result<Examined, StoreError> {
    let base = CheckRecord {
        http_status: Some(page.status),
        bytes: page.body.len() as u64,
        ..base
    };
    // Extract and hash first: a page whose article is the latest version's
    // (a 200 that changed only ads, time stamps and counters) is unchanged
    // before its previous text or claims are read, split or parsed.
    let extracted = analysis::extract_page(&page.html, Some(page.final_url.as_str()), opts);
    if latest_hash(base.document_id)?.as_deref() == Some(extracted.content_hash.as_str()) {
        let result = CheckResult::Unchanged {
            validators: page.validators,
        };
        return Ok(Examined::plain(CheckRecord { result, ..base }));
    }
    let (latest, stored, earlier, declared) = match latest(base.document_id)? {
        Some((l, s, e, d)) => (Some(l), Some(s), e, d),
        None => (None, None, Vec::new(), Default::default()),
    };
    let previous = latest.as_ref().map(|l| Previous {
        title: l.title.as_deref(),
        text: &l.text,
        content_hash: &l.content_hash,
        earlier: &earlier,
        claims: stored.as_ref().map(|s| s.claims_json.as_slice()),
        analysis_version: stored.as_ref().and_then(|s| s.analysis_version),
        modified: declared.modified.as_deref(),
        declared: declared.declared.as_ref(),
    });
    let analysis = analysis::analyse_extracted(extracted, &page.html, story, previous);
    drop(page.html);
    let content = match analysis {
        Analysis::Refused { reason } => {
            return Ok(Examined::plain(CheckRecord {
                result: CheckResult::Failed { reason },
                ..base
            }));
        }
        Analysis::Unchanged => {
            let result = CheckResult::Unchanged {
                validators: page.validators,
            };
            return Ok(Examined::plain(CheckRecord { result, ..base }));
        }
        Analysis::Returns { to } => {
            let l = latest.as_ref().expect("a return needs a latest version");
            let result = CheckResult::Returned {
                validators: page.validators,
                to: to.number,
                latest: l.number,
                reason: wording::alternation(
                    to.number,
                    to.title.as_deref(),
                    l.number,
                    l.title.as_deref(),
                ),
            };
            return Ok(Examined::plain(CheckRecord { result, ..base }));
        }
        Analysis::New(content) => *content,
    };
    let NewContent {
        article,
        content_hash,
        claims,
        diff,
        disclosure,
        notice,
    } = content;
    let report = ReportParts {
        title: article.title.clone(),
        diff: diff.clone(),
        claim_changes: claims.changes.clone(),
        revisions: claims.revisions.clone(),
        disclosure,
        notice: notice.clone(),
    };
    let change = latest.as_ref().zip(diff).map(|(l, diff)| NewChange {
        from_version_id: l.id,
        // The log line's summary, with its disclosure: `(silent) amount …`.
        summary: crate::core::wording::change_summary(&report.claim_changes, &diff, disclosure),
        approximate: diff.approximate,
        diff_json: serde_json::to_string(&diff).unwrap_or_else(|_| "{}".into()),
        disclosure,
        notice,
    });
    let version = NewVersion {
        content_hash,
        article,
        raw_html: page.body,
        claims,
    };
    let result = CheckResult::Changed {
        validators: page.validators,
        version,
        change,
    };
    Ok(Examined {
        rec: CheckRecord { result, ..base },
        report,
    })
}
