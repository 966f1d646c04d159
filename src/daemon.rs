//! The daemon: each source checked on its own schedule, until shutdown.
//!
//! Each source has one task that sleeps until its next due time and then runs
//! the pipeline, so two checks of the same source can never overlap. Shutdown
//! comes from outside as a [`CancellationToken`]; a check already running is
//! allowed to finish (its writes complete) within a deadline.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::fetch::{FetchError, Fetcher};
use crate::pipeline::{Outcome, Pipeline, PipelineError};
use crate::schedule::Schedule;
use crate::store::{Store, StoreError};

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop each source after this many checks (the demo); `None` runs until
    /// shutdown.
    pub max_checks_per_source: Option<u32>,
    /// How long in-flight checks may take to finish after shutdown.
    pub drain_deadline: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            max_checks_per_source: None,
            drain_deadline: Duration::from_secs(20),
        }
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
    #[error("cannot start email reports: {0}")]
    Email(#[from] crate::email::EmailError),
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
    Ok(Pipeline::new(fetcher, store))
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
    Ok(pipeline
        .check_all(&targets, config.fetch.concurrency)
        .await?)
}

/// Runs the daemon until `shutdown` is cancelled (or, with
/// `max_checks_per_source`, until every source has had its checks).
pub async fn run(
    config: &Config,
    shutdown: CancellationToken,
    opts: RunOptions,
) -> Result<(), DaemonError> {
    let pipeline = pipeline_for(config).await?;
    let targets = pipeline.targets(config).await?;
    let permits = Arc::new(Semaphore::new(config.fetch.concurrency.max(1)));
    let tracker = TaskTracker::new();
    // Email reports: the sender drains the outbox; source tasks wake it
    // after a check that stored a change. It stops after the sources.
    let wake = Arc::new(tokio::sync::Notify::new());
    let email_stop = shutdown.child_token();
    let email_task = match &config.report.email {
        Some(s) => {
            let sender = crate::email::Sender::new(pipeline.store().clone(), s)?;
            Some(tokio::spawn(sender.run(wake.clone(), email_stop.clone())))
        }
        None => None,
    };
    tracing::info!(
        sources = targets.len(),
        database = %config.database.display(),
        "claimwatch running"
    );
    for (target, source) in targets.into_iter().zip(config.sources.iter()) {
        let schedule = source.schedule.clone();
        let (pipeline, permits, shutdown) = (pipeline.clone(), permits.clone(), shutdown.clone());
        let wake = wake.clone();
        let max = opts.max_checks_per_source;
        tracker.spawn(async move {
            let mut checks = 0u32;
            while max.is_none_or(|m| checks < m) {
                if !sleep_until_due(&schedule, &shutdown).await {
                    break;
                }
                let _permit = permits.acquire().await;
                // A started check runs to completion: shutdown is only
                // observed between checks, so no write is cut short.
                match pipeline.check(&target).await {
                    Ok(o) if matches!(o.stored, crate::store::Stored::Changed { .. }) => {
                        wake.notify_one()
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(source = %target.source, error = %e, "check could not be recorded")
                    }
                }
                checks += 1;
            }
        });
    }
    tracker.close();
    let result = tokio::select! {
        _ = tracker.wait() => Ok(()),
        _ = shutdown.cancelled() => {
            tracing::info!("stopping: waiting for in-flight checks");
            match tokio::time::timeout(opts.drain_deadline, tracker.wait()).await {
                Ok(()) => Ok(()),
                Err(_) => Err(DaemonError::DrainTimeout(opts.drain_deadline)),
            }
        }
    };
    email_stop.cancel();
    if let Some(task) = email_task {
        let grace = crate::email::SHUTDOWN_GRACE + Duration::from_secs(1);
        let _ = tokio::time::timeout(grace, task).await;
    }
    result
}

/// Sleeps until the schedule's next occurrence; false if shutdown came first
/// or the schedule has no next occurrence.
async fn sleep_until_due(schedule: &Schedule, shutdown: &CancellationToken) -> bool {
    let now = Utc::now();
    let Some(next) = schedule.next_after(now) else {
        return false;
    };
    let wait = (next - now).to_std().unwrap_or(Duration::ZERO);
    tokio::select! {
        _ = shutdown.cancelled() => false,
        _ = tokio::time::sleep(wait) => true,
    }
}

/// A token cancelled on SIGTERM or SIGINT (Ctrl-C).
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        t.cancel();
    });
    token
}
