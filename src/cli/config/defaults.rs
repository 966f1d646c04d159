//! The one place where defaults live: every value a config may leave out.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::service::daemon::RunOptions;
use crate::service::politeness::Politeness;
use crate::service::schedule::Adaptive;
use crate::service::settings::FetchSettings;

pub const DATABASE: &str = "claimwatch.db";
pub const SCHEDULE: &str = "0 */15 * * * *";
pub const USER_AGENT: &str = concat!(
    "claimwatch/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/claimwatch/claimwatch)"
);
pub const TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;
pub const MAX_REDIRECTS: usize = 5;
pub const CONCURRENCY: usize = 8;
pub const JITTER: Duration = Duration::from_secs(30);

// Re-checks of discovered articles (`[defaults] recheck_*`).
pub const RECHECK_MIN: Duration = Duration::from_secs(10 * 60);
pub const RECHECK_MAX: Duration = Duration::from_secs(6 * 3600);
pub const RECHECK_FACTOR: f64 = 1.2;
pub const RECHECK_STOP_AFTER: Duration = Duration::from_secs(14 * 86_400);

// `[politeness]`.
pub const ROBOTS: bool = true;
pub const HOST_INTERVAL: Duration = Duration::from_secs(1);
pub const HOST_CONCURRENCY: usize = 2;
pub const RETRIES: u32 = 2;
pub const BACKOFF_BASE: Duration = Duration::from_secs(5);
pub const BACKOFF_MAX: Duration = Duration::from_secs(5 * 60);
/// The longest `Retry-After` waited out inside one check; a longer one
/// fails the check and holds the host back until then.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(2 * 60);
pub const REPORT_AFTER: u32 = 3;

// `[report.email]`.
pub const EMAIL_SUBJECT_PREFIX: &str = "[claimwatch]";
pub const EMAIL_DIGEST: Duration = Duration::from_secs(30 * 60);
pub const EMAIL_TIMEOUT: Duration = Duration::from_secs(30);
pub const EMAIL_PORT_STARTTLS: u16 = 587;
pub const EMAIL_PORT_TLS: u16 = 465;
pub const EMAIL_PORT_NONE: u16 = 25;

/// How long `run` lets in-flight checks finish after SIGTERM; below the
/// unit's `TimeoutStopSec=30`.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(20);

/// `[fetch]` when the file has none.
pub fn fetch() -> FetchSettings {
    FetchSettings {
        timeout: TIMEOUT,
        connect_timeout: CONNECT_TIMEOUT,
        max_body_bytes: MAX_BODY_BYTES,
        max_redirects: MAX_REDIRECTS,
        concurrency: CONCURRENCY,
        allow_private_addresses: false,
    }
}

/// `[politeness]` when the file has none.
pub fn politeness() -> Politeness {
    Politeness {
        robots: ROBOTS,
        host_interval: HOST_INTERVAL,
        host_concurrency: HOST_CONCURRENCY,
        retries: RETRIES,
        backoff_base: BACKOFF_BASE,
        backoff_max: BACKOFF_MAX,
        max_retry_wait: MAX_RETRY_WAIT,
        report_after: REPORT_AFTER,
    }
}

/// The `recheck_*` settings when the file has none.
pub fn adaptive() -> Adaptive {
    Adaptive {
        min: RECHECK_MIN,
        max: RECHECK_MAX,
        factor: RECHECK_FACTOR,
        stop_after: RECHECK_STOP_AFTER,
    }
}

/// How `claimwatch run` runs the daemon: until shutdown, reloading the
/// config file at `path` on SIGHUP.
pub fn run_options(path: &Path) -> RunOptions {
    let path = path.to_path_buf();
    RunOptions {
        max_checks_per_source: None,
        drain_deadline: DRAIN_DEADLINE,
        reload: Some(Arc::new(move || {
            super::load(&path).map_err(|e| e.to_string())
        })),
    }
}
