//! One document's check: fetch, extract, compare, store, report. The daemon
//! and the one-shot `check` command run exactly this.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::claims::{self, ClaimChange, Conflict, Revision};
use crate::claimstore;
use crate::compare::{self, TextDiff};
use crate::config::{Config, Source};
use crate::extract::{self, Article, ExtractOptions};
use crate::fetch::{FetchError, Fetched, Fetcher, Page};
use crate::report;
use crate::store::{CheckRecord, CheckResult, NewChange, NewVersion, Store, StoreError, Stored};

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

/// What one check did, for reports and callers.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub source: String,
    pub url: String,
    pub stored: Stored,
    pub http_status: Option<u16>,
    /// Why the check failed, for `Stored::Failed`.
    pub reason: Option<String>,
    /// The headline of the new version, when one was stored.
    pub title: Option<String>,
    /// The change from the previous version, for `Stored::Changed`.
    pub diff: Option<TextDiff>,
    /// Claim changes since the previous version, most significant first.
    pub claim_changes: Vec<ClaimChange>,
    /// Story facts whose value this outlet changed.
    pub revisions: Vec<Revision>,
    /// Disagreements between outlets first seen with this version.
    pub conflicts: Vec<Conflict>,
}

/// The shared parts of every check.
#[derive(Clone)]
pub struct Pipeline {
    fetcher: Fetcher,
    store: Arc<Mutex<Store>>,
    /// Robots.txt, rate limits and retries (the daemon); `None` fetches
    /// directly (one-shot checks).
    polite: Option<crate::polite::Polite>,
    /// The story's entities and facts, for the claim engine.
    story: Arc<claims::Story>,
}

impl Pipeline {
    pub fn new(fetcher: Fetcher, store: Arc<Mutex<Store>>) -> Pipeline {
        Pipeline {
            fetcher,
            store,
            polite: None,
            story: Arc::new(claims::Story::default()),
        }
    }

    /// Finds claims with this story's entities and facts from now on.
    pub fn with_story(mut self, story: claims::Story) -> Pipeline {
        self.story = Arc::new(story);
        self
    }

    /// Fetches through `polite` from now on.
    pub fn with_politeness(mut self, polite: crate::polite::Polite) -> Pipeline {
        self.polite = Some(polite);
        self
    }

    /// The store, for callers that need to read it.
    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// Registers the configured sources and returns their targets.
    pub async fn targets(&self, config: &Config) -> Result<Vec<Target>, PipelineError> {
        let sources: Vec<Source> = config.sources.clone();
        self.blocking(move |store| {
            let now = Utc::now();
            sources
                .into_iter()
                .map(|s| {
                    let document_id = store.ensure_source(&s.name, s.url.as_str(), now)?;
                    Ok(Target {
                        document_id,
                        source: s.name,
                        url: s.url,
                        extract: s.extract,
                    })
                })
                .collect()
        })
        .await
    }

    /// Checks every target, at most `concurrency` at once, and reports each
    /// outcome to the log. A failing source never stops the others.
    pub async fn check_all(
        &self,
        targets: &[Target],
        concurrency: usize,
    ) -> Result<Vec<Outcome>, PipelineError> {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut set = JoinSet::new();
        for (i, t) in targets.iter().cloned().enumerate() {
            let (this, permits) = (self.clone(), permits.clone());
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, this.check(&t).await)
            });
        }
        let mut results: Vec<Option<Outcome>> = vec![None; targets.len()];
        let mut first_err = None;
        while let Some(joined) = set.join_next().await {
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

    /// Checks one document and records the result.
    pub async fn check(&self, target: &Target) -> Result<Outcome, PipelineError> {
        let doc = target.document_id;
        let state = self.blocking(move |s| s.document_state(doc)).await?;
        let started_at = Utc::now();
        let clock = Instant::now();
        let fetched = match &self.polite {
            Some(p) => p.fetch(&target.url, &state.validators).await,
            None => self.fetcher.fetch(&target.url, &state.validators).await,
        };
        let duration_ms = clock.elapsed().as_millis() as i64;
        let base = CheckRecord {
            document_id: doc,
            started_at,
            duration_ms,
            http_status: None,
            bytes: 0,
            result: CheckResult::NotModified,
        };
        let target = target.clone();
        let story = self.story.clone();
        let extract_opts = target.extract.clone();
        // Extraction, claims and comparison are CPU work: they run on a
        // blocking thread without the store, so checks analyse in parallel
        // and only their writes take turns.
        let analysed = tokio::task::spawn_blocking(move || match fetched {
            Ok(Fetched::NotModified { status }) => Analysed::plain(CheckRecord {
                http_status: Some(status),
                ..base
            }),
            Err(e) => Analysed::plain(failed(base, &e)),
            Ok(Fetched::Page(page)) => {
                analyse(base, &page, &extract_opts, state.latest.as_ref(), &story)
            }
        })
        .await
        .map_err(|e| PipelineError::Join(e.to_string()))?;
        let outcome = self
            .blocking(move |store| {
                let Analysed {
                    rec,
                    title,
                    diff,
                    mut claim_changes,
                    revisions,
                } = analysed;
                let stored = store.record(&rec)?;
                let reason = match &rec.result {
                    CheckResult::Failed { reason } => Some(reason.clone()),
                    _ => None,
                };
                // A version the store refused as stale has no change to report.
                let changed = matches!(stored, Stored::Changed { .. });
                let diff = diff.filter(|_| changed);
                if !changed {
                    claim_changes.clear();
                }
                let conflicts = match stored {
                    Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => {
                        claimstore::conflicts_recorded_with(store.conn(), version_id)?
                    }
                    _ => Vec::new(),
                };
                Ok(Outcome {
                    source: target.source,
                    url: target.url.to_string(),
                    stored,
                    http_status: rec.http_status,
                    reason,
                    title,
                    diff,
                    claim_changes,
                    revisions: if changed { revisions } else { Vec::new() },
                    conflicts,
                })
            })
            .await?;
        report::log_outcome(&outcome);
        Ok(outcome)
    }

    /// Runs store work on a blocking thread.
    async fn blocking<T, F>(&self, f: F) -> Result<T, PipelineError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| PipelineError::Join(e.to_string()))?
        .map_err(PipelineError::from)
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

/// The content hash of an extracted article: headline and body.
pub fn content_hash(article: &Article) -> String {
    let mut h = blake3::Hasher::new();
    h.update(article.title.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n\x00\n");
    h.update(article.text.as_bytes());
    h.finalize().to_hex().to_string()
}

/// What the CPU stage of a check produced, ready to be recorded.
struct Analysed {
    rec: CheckRecord,
    title: Option<String>,
    diff: Option<TextDiff>,
    claim_changes: Vec<ClaimChange>,
    revisions: Vec<Revision>,
}

impl Analysed {
    fn plain(rec: CheckRecord) -> Analysed {
        Analysed {
            rec,
            title: None,
            diff: None,
            claim_changes: Vec::new(),
            revisions: Vec::new(),
        }
    }
}

/// Extracts a fetched page, finds its claims, and compares both with the
/// latest version.
fn analyse(
    base: CheckRecord,
    page: &Page,
    opts: &ExtractOptions,
    latest: Option<&crate::store::LatestVersion>,
    story: &claims::Story,
) -> Analysed {
    let base = CheckRecord {
        http_status: Some(page.status),
        bytes: page.body.len() as u64,
        ..base
    };
    let article = extract::extract(&page.html, Some(page.final_url.as_str()), opts);
    if article.text.trim().is_empty() {
        let reason = "extraction failed: no article text found".to_string();
        return Analysed::plain(CheckRecord {
            result: CheckResult::Failed { reason },
            ..base
        });
    }
    let hash = content_hash(&article);
    if latest.is_some_and(|l| l.content_hash == hash) {
        let result = CheckResult::Unchanged {
            validators: page.validators.clone(),
        };
        return Analysed::plain(CheckRecord { result, ..base });
    }
    let analysis = claims::analyse(&article.text, story);
    let facts: Vec<_> = claims::fact_values(&analysis, story);
    let mut claim_changes = Vec::new();
    let mut revisions = Vec::new();
    let (change, diff) = match latest {
        None => (None, None),
        Some(l) => {
            let diff = compare::compare_articles(
                l.title.as_deref(),
                &l.text,
                article.title.as_deref(),
                &article.text,
            );
            let old = claims::analyse(&l.text, story);
            claim_changes = claims::compare_claims(&old, &analysis);
            claim_changes.sort_by_key(|c| std::cmp::Reverse(c.kind.significance()));
            revisions = claims::fact_revisions(&claims::fact_values(&old, story), &facts);
            let change = NewChange {
                from_version_id: l.id,
                summary: diff.summary(),
                approximate: diff.approximate,
                diff_json: serde_json::to_string(&diff).unwrap_or_else(|_| "{}".into()),
            };
            (Some(change), Some(diff))
        }
    };
    let title = article.title.clone();
    let claim_data = claimstore::ClaimData {
        facts: facts
            .into_iter()
            .map(|f| {
                let sentence = analysis
                    .sentences
                    .get(f.sentence)
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                (f, sentence)
            })
            .collect(),
        claims: analysis.claims,
        changes: claim_changes.clone(),
        revisions: revisions.clone(),
    };
    let version = NewVersion {
        content_hash: hash,
        article,
        raw_html: page.body.clone(),
        claims: claim_data,
    };
    let result = CheckResult::Changed {
        validators: page.validators.clone(),
        version,
        change,
    };
    Analysed {
        rec: CheckRecord { result, ..base },
        title,
        diff,
        claim_changes,
        revisions,
    }
}
