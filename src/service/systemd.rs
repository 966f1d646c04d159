//! The service manager's side of the daemon: `READY=1` once the config and
//! database are open, `WATCHDOG=1` only while the pipeline is healthy (the
//! database answers), `STATUS=` with counts, `RELOADING=1` on SIGHUP and
//! `STOPPING=1` on shutdown. Outside systemd (`NOTIFY_SOCKET` unset) every
//! call does nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sd_notify::NotifyState;
use tokio_util::sync::CancellationToken;

/// Counts shown in `STATUS=`.
#[derive(Debug, Default)]
pub struct Stats {
    pub checks: AtomicU64,
    pub changes: AtomicU64,
    pub failures: AtomicU64,
    pub documents: AtomicU64,
    pub feeds: AtomicU64,
}

impl Stats {
    /// The one-line status, e.g. "12 documents, 2 feeds; 40 checks, 3 changes, 1 failed".
    pub fn line(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "{} documents, {} feeds; {} checks, {} changes, {} failed",
            g(&self.documents),
            g(&self.feeds),
            g(&self.checks),
            g(&self.changes),
            g(&self.failures)
        )
    }
}

fn send(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!(error = %e, "sd_notify failed");
    }
}

/// The config and database are open: startup is finished.
pub fn ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// A free-form status line.
pub fn status(status: &str) {
    send(&[NotifyState::Status(status)]);
}

/// A reload has begun; [`ready`] ends it. systemd 253 and later require the
/// monotonic time with `RELOADING=1`.
pub fn reloading() {
    match NotifyState::monotonic_usec_now() {
        Ok(now) => send(&[NotifyState::Reloading, now]),
        Err(_) => send(&[NotifyState::Reloading]),
    }
}

/// Shutdown has begun.
pub fn stopping() {
    send(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

/// The watchdog interval systemd asked for (`WATCHDOG_USEC`), if any.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled()
}

/// Pings the watchdog at half its interval while `healthy` says yes, and
/// refreshes `STATUS=` with the counts. A failing health check skips the
/// ping, so systemd restarts a daemon whose database stopped answering.
pub async fn watchdog<H, HF>(
    interval: Duration,
    stats: Arc<Stats>,
    mut healthy: H,
    shutdown: CancellationToken,
) where
    H: FnMut() -> HF,
    HF: Future<Output = bool>,
{
    let period = (interval / 2).max(Duration::from_millis(50));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut was_healthy = true;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if healthy().await {
            if !was_healthy {
                tracing::info!("database answers again: watchdog pings resume");
            }
            was_healthy = true;
            let line = stats.line();
            send(&[NotifyState::Watchdog, NotifyState::Status(&line)]);
        } else {
            if was_healthy {
                tracing::error!("database does not answer: withholding watchdog pings");
            }
            was_healthy = false;
        }
    }
}
