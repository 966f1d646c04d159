//! The daemon: every source and feed on its own schedule, every discovered
//! article on its adaptive one, until shutdown; SIGHUP reloads the config.
//!
//! Each schedule is one task running [`schedule::drive`], holding a
//! [`Guards`] claim on its key, so two checks of the same thing never
//! overlap, not even across a reload. Shutdown comes from outside as a
//! [`CancellationToken`]; runs already started get `drain_deadline` to
//! finish (their writes complete), and whatever is still running then is
//! abandoned between writes: a check's writes are one transaction on a
//! blocking thread, which completes or never happened.
//!
//! The systemd side (READY, WATCHDOG, STATUS, RELOADING, STOPPING) is sent
//! from here through [`crate::service::systemd`].

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::core::extract::ExtractOptions;
use crate::core::streak::StreakReport;
use crate::service::feeds::{self, Discovered, Discovery};
use crate::service::fetch::{FetchError, Fetcher};
use crate::service::pipeline::{Outcome, Pipeline, PipelineError, Target};
use crate::service::politeness::Polite;
use crate::service::schedule::{self, Cadence, Clock, Guards, Rng, RunOutcome};
use crate::service::settings::Config;
use crate::service::shared::{SharedStore, with_store};
use crate::service::systemd::{self, Stats};
use crate::store::{Store, StoreError, Stored};

/// Reads the configuration again (on SIGHUP). The command-line layer gives
/// it to the daemon, so the daemon never reads a config file itself; an
/// error is the message to log while the running configuration is kept.
pub type Reload = Arc<dyn Fn() -> Result<Config, String> + Send + Sync>;

/// How the daemon runs.
#[derive(Clone)]
pub struct RunOptions {
    /// Stop each schedule after this many runs (the demo); `None` runs until
    /// shutdown.
    pub max_checks_per_source: Option<u32>,
    /// How long in-flight checks may take to finish after shutdown. Keep it
    /// below the unit's `TimeoutStopSec`.
    pub drain_deadline: Duration,
    /// What SIGHUP does; `None`: SIGHUP is logged and ignored.
    pub reload: Option<Reload>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("max_checks_per_source", &self.max_checks_per_source)
            .field("drain_deadline", &self.drain_deadline)
            .field("reload", &self.reload.is_some())
            .finish()
    }
}

/// Errors that keep the daemon from starting or stop it.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot start the HTTP client: {0}")]
    Fetcher(#[from] FetchError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("in-flight checks did not finish within {0:?}")]
    DrainTimeout(Duration),
    #[error(transparent)]
    Email(#[from] crate::service::email::EmailError),
}

/// Opens the store named by the config on a blocking thread.
pub async fn open_store(path: PathBuf) -> Result<Arc<Mutex<Store>>, StoreError> {
    tokio::task::spawn_blocking(move || Store::open(&path))
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
        .map(|s| Arc::new(Mutex::new(s)))
}

/// Builds the pipeline for a config: the store and the HTTP client.
pub async fn pipeline_for(config: &Config) -> Result<Pipeline, DaemonError> {
    let store = open_store(config.database.clone()).await?;
    let fetcher = Fetcher::new(&config.user_agent, &config.fetch)?;
    Ok(Pipeline::new(fetcher, store).with_story(config.story.claims()))
}

/// Runs one check of every source (or of the one named), then returns.
pub async fn check_once(config: &Config, only: Option<&str>) -> Result<Vec<Outcome>, DaemonError> {
    let pipeline = pipeline_for(config).await?;
    let targets: Vec<_> = pipeline
        .targets(config)
        .await?
        .into_iter()
        .filter(|t| only.is_none_or(|name| t.source == name))
        .collect();
    let outcomes = pipeline
        .check_all(&targets, config.fetch.concurrency)
        .await?;
    // After every pass, changed or not: a feed path configured since the
    // last change still gets its file.
    rewrite_feed(config, pipeline.store()).await;
    // A one-shot check from cron or a timer has no sender running beside
    // it: it sends what is due itself before it exits.
    deliver_due(config, pipeline.store()).await?;
    Ok(outcomes)
}

/// Sends every email report that is due now (`[report.email]`), as the
/// daemon's sender would: the digest window and retry times are respected,
/// so a report not yet due waits for a later `check` or for `run`. A failed
/// send is recorded in the outbox (`retrying` or `failed`) and logged; only
/// settings that cannot work (an unreadable password) are an error.
pub async fn deliver_due(config: &Config, store: &Arc<Mutex<Store>>) -> Result<(), DaemonError> {
    let Some(settings) = &config.report.email else {
        return Ok(());
    };
    let sender = crate::service::email::Sender::new(store.clone(), settings)?;
    loop {
        let step = sender.step(chrono::Utc::now()).await?;
        match step.attempted {
            Some(a) if a.result.is_ok() => continue,
            _ => {
                if let Some(at) = step.next_due {
                    tracing::info!(
                        next_due = %at.to_rfc3339(),
                        "email reports not yet due are left in the outbox for a later check or `run`"
                    );
                }
                return Ok(());
            }
        }
    }
}

/// Rewrites the `[report.feed]` file, when there is one, from the store.
/// A failure is logged and the next pass tries again.
pub async fn rewrite_feed(config: &Config, store: &Arc<Mutex<Store>>) {
    let Some(path) = config.report.feed.clone() else {
        return;
    };
    let story = config.story.name.clone();
    let shown = path.display().to_string();
    let result = with_conn(store, "reading the changes for the feed", move |c| {
        Ok(crate::service::atom::rewrite(c, &path, &story))
    })
    .await;
    match result {
        Some(Ok(())) => tracing::debug!(path = %shown, "feed rewritten"),
        Some(Err(e)) => tracing::error!(error = %e, "feed not rewritten"),
        None => {}
    }
}

/// Runs store work on a blocking thread; `None` if it failed (logged).
async fn with_conn<T, F>(store: &SharedStore, what: &'static str, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
{
    match with_store(store, move |s| Ok(f(s.conn())?)).await {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::error!(error = %e, "database: {what} failed");
            None
        }
    }
}

/// What every schedule task of one configuration needs.
#[derive(Clone)]
struct Ctx {
    config: Arc<Config>,
    pipeline: Pipeline,
    /// The pipeline of documents discovered through feeds (SSRF-guarded).
    discovered: Pipeline,
    discovery: Discovery,
    store: Arc<Mutex<Store>>,
    stats: Arc<Stats>,
    guards: Guards,
    clock: Clock,
    max_runs: Option<u32>,
    /// Cancelled at shutdown or reload: no new runs start.
    soft: CancellationToken,
    /// Cancelled when the drain deadline passes: running checks are dropped.
    hard: CancellationToken,
    tracker: TaskTracker,
    /// Wakes the email sender after a check that stored a change.
    wake: Arc<tokio::sync::Notify>,
}

impl Ctx {
    /// Starts every schedule of the configuration.
    async fn start(&self) -> Result<(), DaemonError> {
        let targets = self.pipeline.targets(&self.config).await?;
        for (target, source) in targets.into_iter().zip(self.config.sources.iter()) {
            let cadence = Cadence::Cron {
                schedule: source.schedule.clone(),
                jitter: self.config.jitter,
            };
            self.spawn_checks(format!("source:{}", source.name), cadence, target);
        }
        for feed in self.config.feeds.iter().cloned() {
            let this = self.clone();
            self.tracker
                .spawn(async move { this.feed_loop(feed).await });
        }
        let now = self.clock.now();
        let docs = with_conn(&self.store, "listing discovered documents", |c| {
            crate::store::feeds::discovered_documents(c)
        })
        .await
        .unwrap_or_default();
        for d in docs {
            if self.config.adaptive.is_live(d.discovered_at, now) {
                self.spawn_discovered(d);
            }
        }
        self.refresh_counts().await;
        Ok(())
    }

    async fn refresh_counts(&self) {
        if let Some(n) = with_conn(&self.store, "counting documents", |c| {
            crate::store::query::document_count(c)
        })
        .await
        {
            self.stats.documents.store(n as u64, Ordering::Relaxed);
        }
        self.stats
            .feeds
            .store(self.config.feeds.len() as u64, Ordering::Relaxed);
    }

    /// The first due time of `key`: the stored one if still ahead, soon if
    /// missed while the daemon was down, else from the cadence.
    async fn first_due(&self, key: &str, cadence: &mut Cadence) -> Option<DateTime<Utc>> {
        let k = key.to_string();
        let stored = with_conn(&self.store, "reading a schedule", move |c| {
            crate::store::schedule::load(c, &k)
        })
        .await
        .flatten();
        let now = self.clock.now();
        let mut rng = Rng::seeded(key, now.timestamp_millis());
        if let (Cadence::Adaptive { interval, .. }, Some((_, Some(stored_interval)))) =
            (&mut *cadence, &stored)
        {
            *interval = *stored_interval;
        }
        let spread = self.config.jitter;
        match cadence {
            Cadence::Cron { schedule, jitter } => {
                schedule::resume_due(stored.map(|s| s.0), now, spread, &mut rng, |rng| {
                    schedule::next_due(schedule, now, *jitter, rng)
                })
            }
            // A newly discovered article is checked at once.
            Cadence::Adaptive { .. } => {
                schedule::resume_due(stored.map(|s| s.0), now, spread, &mut rng, |_| Some(now))
            }
        }
    }

    /// Persists a schedule's next due time.
    fn persister(
        &self,
        key: &str,
    ) -> impl FnMut(
        DateTime<Utc>,
        Option<Duration>,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
    + Send
    + 'static {
        let (pipeline, key, clock) = (self.pipeline.clone(), key.to_string(), self.clock.clone());
        move |due, interval| {
            let (pipeline, key, now) = (pipeline.clone(), key.clone(), clock.now());
            Box::pin(async move {
                let saved = pipeline
                    .write(move |c| crate::store::schedule::save(c, &key, due, interval, now))
                    .await;
                if let Err(e) = saved {
                    tracing::error!(error = %e, "database: storing a schedule failed");
                }
            })
        }
    }

    /// Records a run's success or failure; reports streaks once.
    async fn record_run(&self, key: &str, failure: Option<String>) {
        let (k, threshold, now) = (
            key.to_string(),
            self.config.politeness.report_after,
            self.clock.now(),
        );
        let reason = failure.clone();
        // Through the pipeline's writer: the streaks of many checks share a
        // transaction with their due times instead of one commit each.
        let report = match self
            .pipeline
            .write(move |c| {
                crate::store::schedule::record_run(c, &k, reason.as_deref(), threshold, now)
            })
            .await
        {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "database: recording a failure streak failed");
                None
            }
        };
        let failure = failure.as_deref();
        match &report {
            Some(StreakReport::Failing { failures }) => tracing::warn!(
                schedule = key,
                failures,
                reason = failure.unwrap_or(""),
                "keeps failing: {failures} consecutive failures (reported once until it recovers)"
            ),
            Some(StreakReport::Recovered { failures }) => tracing::info!(
                schedule = key,
                failures,
                "recovered after {failures} consecutive failures"
            ),
            None => {}
        }
    }

    /// A task checking one document on `cadence`.
    fn spawn_checks(&self, key: String, cadence: Cadence, target: Target) {
        self.tracker.spawn(self.schedule_task(key, cadence, target));
    }

    /// The task of [`Ctx::spawn_checks`]: what every waiting schedule holds.
    fn schedule_task(
        &self,
        key: String,
        cadence: Cadence,
        target: Target,
    ) -> impl Future<Output = ()> + Send + 'static {
        // Shared, not copied: every run of this schedule clones a pointer.
        let this = Arc::new(self.clone());
        async move {
            let Some(_lock) = this.guards.lock(&key) else {
                tracing::debug!(schedule = %key, "already scheduled");
                return;
            };
            // A configured source whose URL a feed found first shares that
            // document: one loop per document, whatever its key.
            let Some(_doc_lock) = this.guards.lock(&format!("check:{}", target.document_id)) else {
                tracing::info!(schedule = %key, url = %target.url, "document already scheduled by another entry");
                return;
            };
            let mut cadence = cadence;
            let Some(first) = this.first_due(&key, &mut cadence).await else {
                return;
            };
            let persist = this.persister(&key);
            let job = |_due| {
                let (this, target, key) = (this.clone(), target.clone(), key.clone());
                async move {
                    // Boxed: a waiting schedule then holds a pointer, not
                    // the state of a whole check (fetch, analysis, store).
                    let check = Box::pin(this.check(&key, &target));
                    tokio::select! {
                        _ = this.hard.cancelled() => RunOutcome::Failed,
                        o = check => o,
                    }
                }
            };
            schedule::drive(
                &key,
                cadence,
                first,
                &this.clock,
                &this.soft,
                this.max_runs,
                job,
                persist,
            )
            .await;
        }
    }

    async fn check(&self, key: &str, target: &Target) -> RunOutcome {
        // Documents found through feeds ("document:" schedules) are URLs
        // nobody configured: they go through the SSRF-guarded pipeline.
        let pipeline = if key.starts_with("document:") {
            &self.discovered
        } else {
            &self.pipeline
        };
        let outcome = match pipeline.check(target).await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(schedule = key, error = %e, "check could not be recorded");
                self.stats.failures.fetch_add(1, Ordering::Relaxed);
                return RunOutcome::Failed;
            }
        };
        self.stats.checks.fetch_add(1, Ordering::Relaxed);
        let run = match outcome.stored {
            Stored::New { .. } | Stored::Changed { .. } => {
                self.stats.changes.fetch_add(1, Ordering::Relaxed);
                if matches!(outcome.stored, Stored::Changed { .. }) {
                    self.wake.notify_one();
                    rewrite_feed(&self.config, &self.store).await;
                }
                RunOutcome::Changed
            }
            Stored::Unchanged
            | Stored::Discarded
            | Stored::NotModified
            | Stored::Returned { .. } => RunOutcome::Unchanged,
            Stored::Failed => {
                self.stats.failures.fetch_add(1, Ordering::Relaxed);
                RunOutcome::Failed
            }
        };
        self.record_run(key, outcome.reason.clone()).await;
        run
    }

    fn spawn_discovered(&self, d: Discovered) {
        let Ok(url) = url::Url::parse(&d.url) else {
            return;
        };
        let target = Target {
            document_id: d.document_id,
            source: d.feed.clone(),
            url,
            extract: ExtractOptions::default(),
        };
        let cadence = Cadence::Adaptive {
            policy: self.config.adaptive.clone(),
            interval: self.config.adaptive.min,
            discovered: d.discovered_at,
        };
        self.spawn_checks(format!("document:{}", d.document_id), cadence, target);
    }

    async fn feed_loop(&self, feed: feeds::Feed) {
        let key = format!("feed:{}", feed.name);
        let Some(_lock) = self.guards.lock(&key) else {
            return;
        };
        let mut cadence = Cadence::Cron {
            schedule: feed.schedule.clone(),
            jitter: self.config.jitter,
        };
        let Some(first) = self.first_due(&key, &mut cadence).await else {
            return;
        };
        let persist = self.persister(&key);
        let job = |_due| {
            let (this, feed, key) = (self.clone(), feed.clone(), key.clone());
            async move {
                let polled = tokio::select! {
                    _ = this.hard.cancelled() => return RunOutcome::Failed,
                    p = this.discovery.poll(&feed) => p,
                };
                match polled {
                    Ok(found) => {
                        this.record_run(&key, None).await;
                        let changed = !found.is_empty();
                        for d in found {
                            this.spawn_discovered(d);
                        }
                        if changed {
                            this.refresh_counts().await;
                            RunOutcome::Changed
                        } else {
                            RunOutcome::Unchanged
                        }
                    }
                    Err(e) => {
                        tracing::warn!(feed = %feed.name, error = %e, "feed poll failed");
                        this.stats.failures.fetch_add(1, Ordering::Relaxed);
                        this.record_run(&key, Some(e.to_string())).await;
                        RunOutcome::Failed
                    }
                }
            }
        };
        schedule::drive(
            &key,
            cadence,
            first,
            &self.clock,
            &self.soft,
            self.max_runs,
            job,
            persist,
        )
        .await;
    }

    /// Stops this configuration's schedules: no new runs, `deadline` for
    /// the running ones, then the rest dropped. False if the deadline passed.
    async fn stop(&self, deadline: Duration) -> bool {
        self.soft.cancel();
        self.tracker.close();
        if tokio::time::timeout(deadline, self.tracker.wait())
            .await
            .is_ok()
        {
            return true;
        }
        self.hard.cancel();
        self.tracker.wait().await;
        false
    }
}

/// What outlives a reload: the store, the counters, the guards against
/// overlapping runs, and the email sender's wake-up.
struct Lasting {
    store: Arc<Mutex<Store>>,
    stats: Arc<Stats>,
    guards: Guards,
    wake: Arc<tokio::sync::Notify>,
}

/// Builds the parts of one configuration's run.
fn context(
    config: Config,
    lasting: &Lasting,
    opts: &RunOptions,
    clock: &Clock,
    shutdown: &CancellationToken,
) -> Result<Ctx, DaemonError> {
    let store = lasting.store.clone();
    let fetcher = Fetcher::new(&config.user_agent, &config.fetch)?;
    let polite = Polite::new(
        fetcher.clone(),
        config.politeness.clone(),
        &config.user_agent,
        config.fetch.concurrency,
    );
    let pipeline = Pipeline::new(fetcher, store.clone())
        .with_politeness(polite.clone())
        .with_concurrency(config.fetch.concurrency)
        .with_story(config.story.claims());
    // Discovered URLs are fetched by a client that refuses non-public
    // addresses (unless `fetch.allow_private_addresses`), sharing the
    // host limits of the main one.
    let guarded_fetcher = Fetcher::new_guarded(&config.user_agent, &config.fetch)?;
    let guarded = polite.with_fetcher(guarded_fetcher.clone());
    let discovered = Pipeline::new(guarded_fetcher, store.clone())
        .with_politeness(guarded.clone())
        .with_concurrency(config.fetch.concurrency)
        .with_story(config.story.claims());
    let discovery = Discovery::new(polite, store.clone()).with_article_fetcher(guarded);
    Ok(Ctx {
        config: Arc::new(config),
        pipeline,
        discovered,
        discovery,
        store,
        stats: lasting.stats.clone(),
        guards: lasting.guards.clone(),
        clock: clock.clone(),
        max_runs: opts.max_checks_per_source,
        soft: shutdown.child_token(),
        hard: CancellationToken::new(),
        tracker: TaskTracker::new(),
        wake: lasting.wake.clone(),
    })
}

/// Waits for the next SIGHUP (never, where there are no signals).
async fn hangup(sig: &mut Option<tokio::signal::unix::Signal>) {
    match sig {
        Some(s) => {
            if s.recv().await.is_none() {
                std::future::pending::<()>().await
            }
        }
        None => std::future::pending().await,
    }
}

/// Runs the daemon until `shutdown` is cancelled (or, with
/// `max_checks_per_source`, until every schedule has had its runs).
///
/// `READY=1` is sent once the config is valid and the database open. SIGHUP
/// reloads the config file: a valid one replaces the running schedules
/// (after the running checks finish); an invalid one is logged and the old
/// one kept.
pub async fn run(
    config: &Config,
    shutdown: CancellationToken,
    opts: RunOptions,
) -> Result<(), DaemonError> {
    run_with_clock(config, shutdown, opts, Clock::System).await
}

/// [`run`] with schedules following `clock` (tests pass a clock driven by
/// tokio's paused time).
pub async fn run_with_clock(
    config: &Config,
    shutdown: CancellationToken,
    opts: RunOptions,
    clock: Clock,
) -> Result<(), DaemonError> {
    use tokio::signal::unix::{SignalKind, signal};
    let store = open_store(config.database.clone()).await?;
    let stats = Arc::new(Stats::default());
    let guards = Guards::default();
    let mut hup = signal(SignalKind::hangup()).ok();
    let wake = Arc::new(tokio::sync::Notify::new());
    let mut email = EmailTask::start(config, &store, &wake)?;
    let lasting = Lasting {
        store: store.clone(),
        stats: stats.clone(),
        guards: guards.clone(),
        wake: wake.clone(),
    };
    let mut ctx = context(config.clone(), &lasting, &opts, &clock, &shutdown)?;
    ctx.start().await?;
    tracing::info!(
        sources = config.sources.len(),
        feeds = config.feeds.len(),
        database = %config.database.display(),
        "claimwatch running"
    );
    systemd::ready(&stats.line());

    let watchdog_stop = CancellationToken::new();
    if let Some(interval) = systemd::watchdog_interval() {
        let store = store.clone();
        let healthy = move || {
            let store = store.clone();
            async move {
                // Healthy means a check could record its result now: the
                // write lock can be taken (and is released at once).
                let probe = with_conn(&store, "watchdog probe", crate::store::can_write);
                matches!(tokio::time::timeout(interval / 2, probe).await, Ok(Some(_)))
            }
        };
        tokio::spawn(systemd::watchdog(
            interval,
            stats.clone(),
            healthy,
            watchdog_stop.clone(),
        ));
    }

    let result = loop {
        ctx.tracker.close();
        tokio::select! {
            // Shutdown first: cancelling it also ends every schedule (their
            // token is its child), so by the time this loop is polled the
            // tracker may be empty too. Picked at random, that branch would
            // exit without STOPPING=1 and without the drain.
            biased;
            _ = shutdown.cancelled() => {
                systemd::stopping();
                tracing::info!("stopping: waiting for in-flight checks");
                break if ctx.stop(opts.drain_deadline).await {
                    Ok(())
                } else {
                    Err(DaemonError::DrainTimeout(opts.drain_deadline))
                };
            }
            _ = ctx.tracker.wait() => break Ok(()),
            _ = hangup(&mut hup) => {
                let Some(reload) = &opts.reload else {
                    tracing::warn!("SIGHUP ignored: this run has no configuration to reload");
                    continue;
                };
                let new = match reload() {
                    Ok(new) => new,
                    Err(e) => {
                        tracing::error!("reload failed, keeping the running configuration: {e}");
                        continue;
                    }
                };
                if new.database != config.database {
                    tracing::warn!(
                        database = %new.database.display(),
                        "a new database path takes effect only after a restart"
                    );
                }
                systemd::reloading();
                tracing::info!(path = %config.path.display(), "reloading the configuration");
                if !ctx.stop(opts.drain_deadline).await {
                    tracing::warn!("checks still running at the reload deadline were abandoned");
                }
                // The sender restarts with the new settings; what it had
                // not sent is still in the outbox.
                email.stop().await;
                email = EmailTask::start(&new, &store, &wake)?;
                let next = context(new, &lasting, &opts, &clock, &shutdown)?;
                next.start().await?;
                ctx = next;
                tracing::info!(
                    sources = ctx.config.sources.len(),
                    feeds = ctx.config.feeds.len(),
                    "configuration reloaded"
                );
                systemd::ready(&stats.line());
            }
        }
    };
    watchdog_stop.cancel();
    email.stop().await;
    result
}

/// The email sender, when `[report.email]` is configured: it drains the
/// outbox, woken after each check that stored a change.
struct EmailTask {
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl EmailTask {
    fn start(
        config: &Config,
        store: &Arc<Mutex<Store>>,
        wake: &Arc<tokio::sync::Notify>,
    ) -> Result<EmailTask, DaemonError> {
        let stop = CancellationToken::new();
        let task = match &config.report.email {
            Some(s) => {
                let sender = crate::service::email::Sender::new(store.clone(), s)?;
                Some(tokio::spawn(sender.run(wake.clone(), stop.clone())))
            }
            None => None,
        };
        Ok(EmailTask { stop, task })
    }

    /// Stops the sender, giving a send in progress its grace period.
    async fn stop(&mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let grace = crate::service::email::SHUTDOWN_GRACE + Duration::from_secs(1);
            let _ = tokio::time::timeout(grace, task).await;
        }
    }
}

/// A token cancelled on SIGTERM or SIGINT (Ctrl-C).
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    // The handlers are installed before this returns, not when the task
    // first runs: a SIGTERM that comes early must still stop us cleanly.
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return token;
    };
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        t.cancel();
    });
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &std::path::Path) -> Config {
        let schedule = crate::service::schedule::Schedule::parse("0 0 1 1 *", None).unwrap();
        Config {
            path: dir.join("claimwatch.toml"),
            database: dir.join("test.db"),
            user_agent: "claimwatch-test".into(),
            fetch: crate::service::settings::FetchSettings {
                timeout: Duration::from_secs(5),
                connect_timeout: Duration::from_secs(5),
                max_body_bytes: 1 << 20,
                max_redirects: 5,
                concurrency: 8,
                allow_private_addresses: false,
            },
            story: Default::default(),
            sources: vec![crate::service::settings::Source {
                name: "one".into(),
                url: url::Url::parse("http://127.0.0.1:9/a").unwrap(),
                schedule,
                extract: ExtractOptions::default(),
            }],
            feeds: Vec::new(),
            jitter: Duration::ZERO,
            adaptive: crate::service::schedule::Adaptive {
                min: Duration::from_secs(60),
                max: Duration::from_secs(3600),
                factor: 1.2,
                stop_after: Duration::from_secs(86_400),
            },
            politeness: crate::service::politeness::Politeness {
                robots: false,
                host_interval: Duration::ZERO,
                host_concurrency: 2,
                retries: 0,
                backoff_base: Duration::from_secs(1),
                backoff_max: Duration::from_secs(1),
                max_retry_wait: Duration::from_secs(1),
                report_after: 3,
            },
            report: Default::default(),
            log_level: None,
        }
    }

    #[tokio::test]
    async fn a_waiting_schedule_task_is_small() {
        // Thousands of schedules wait at once: each holds its task's future,
        // which is as large as its largest state. The check it runs when due
        // is boxed, so waiting costs a few hundred bytes, not a whole check.
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let store = open_store(config.database.clone()).await.unwrap();
        let lasting = Lasting {
            store,
            stats: Arc::default(),
            guards: Guards::default(),
            wake: Arc::default(),
        };
        let opts = RunOptions {
            max_checks_per_source: Some(1),
            drain_deadline: Duration::from_secs(1),
            reload: None,
        };
        let shutdown = CancellationToken::new();
        let ctx = context(config.clone(), &lasting, &opts, &Clock::System, &shutdown).unwrap();
        let source = &config.sources[0];
        let target = Target {
            document_id: 1,
            source: source.name.clone(),
            url: source.url.clone(),
            extract: ExtractOptions::default(),
        };
        let cadence = Cadence::Cron {
            schedule: source.schedule.clone(),
            jitter: Duration::ZERO,
        };
        let task = ctx.schedule_task("source:one".into(), cadence, target);
        let size = std::mem::size_of_val(&task);
        // 8 KB unboxed in a debug build, 31 KB of RSS per schedule measured
        // under a release build's burst before.
        assert!(size <= 3072, "a waiting schedule task holds {size} bytes");
    }
}
