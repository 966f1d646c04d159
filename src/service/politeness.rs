//! Politeness around the fetcher: robots.txt (cached per host, for the
//! configured user agent), a per-host rate limit and concurrency cap, a
//! global concurrency cap, `Retry-After` on 429 and 503, and capped
//! exponential backoff on transient errors. Also the failure streaks: a
//! schedule that keeps failing is reported once, and its recovery too.
//!
//! Waiting uses `tokio::time`, so it follows a paused test clock. The
//! per-host limiter is a few lines over a semaphore and a "next free slot"
//! instant rather than `governor`, whose clock (quanta) tokio cannot pause.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use robotxt::Robots;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::service::fetch::{FetchError, Fetched, Fetcher, Validators};

/// The longest a host is ever held back by its own `Retry-After`.
const MAX_HOLD: Duration = Duration::from_secs(6 * 3600);
/// How long a host's robots.txt is trusted.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an unreachable robots.txt (5xx, network) keeps a host closed
/// before it is asked again.
const ROBOTS_RETRY: Duration = Duration::from_secs(10 * 60);

/// Validated politeness settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Politeness {
    /// Honour robots.txt.
    pub robots: bool,
    /// The least time between two requests to one host.
    pub host_interval: Duration,
    /// Requests in flight to one host at most.
    pub host_concurrency: usize,
    /// Extra attempts after a transient error within one check.
    pub retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub max_retry_wait: Duration,
    /// Consecutive failures before a schedule is reported as failing.
    pub report_after: u32,
}

impl Politeness {
    /// The wait before retry number `attempt` (1-based): base × 2^(attempt-1),
    /// capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
        self.backoff_base
            .saturating_mul(factor)
            .min(self.backoff_max)
    }
}

/// Whether a failure is worth retrying soon: timeouts, connection failures,
/// 408, 429 and 5xx. Everything else (404, too large, bad redirect) will
/// fail the same way again.
pub fn is_transient(e: &FetchError) -> bool {
    match e {
        FetchError::Timeout(_) | FetchError::Connect(_) | FetchError::Body { .. } => true,
        FetchError::Status { status, .. } => matches!(status, 408 | 429 | 500..=599),
        _ => false,
    }
}

/// What the daemon knows about one host.
#[derive(Debug)]
struct Host {
    permits: Arc<Semaphore>,
    /// The earliest start of the next request (rate limit and Retry-After).
    next_slot: Mutex<Instant>,
    /// Until when the server asked (Retry-After) to be left alone.
    held_until: Mutex<Option<Instant>>,
    robots: Mutex<Option<(Arc<Robots>, Instant)>>,
    /// Serialises robots.txt fetches so a host is asked once.
    robots_fetch: tokio::sync::Mutex<()>,
}

/// The fetcher wrapped in politeness. Cheap to clone; clones share hosts.
#[derive(Clone)]
pub struct Polite {
    fetcher: Fetcher,
    settings: Politeness,
    user_agent: String,
    global: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Host>>>>,
}

/// The origin a host's limits and robots.txt belong to.
fn host_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The product token robots.txt groups are matched against: the user agent
/// up to its first '/' or space ("claimwatch/0.1 (+url)" → "claimwatch").
pub fn robots_agent(user_agent: &str) -> &str {
    user_agent
        .split(['/', ' '])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(user_agent)
}

impl Polite {
    /// Wraps `fetcher`; `concurrency` is the global cap on requests in flight.
    /// The same limits, robots.txt cache and host state, fetching with
    /// another client (e.g. the SSRF-guarded one for discovered URLs).
    pub fn with_fetcher(&self, fetcher: Fetcher) -> Polite {
        Polite {
            fetcher,
            ..self.clone()
        }
    }

    pub fn new(
        fetcher: Fetcher,
        settings: Politeness,
        user_agent: &str,
        concurrency: usize,
    ) -> Polite {
        Polite {
            fetcher,
            settings,
            user_agent: user_agent.to_string(),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            hosts: Arc::default(),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &Politeness {
        &self.settings
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host_key(url))
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.settings.host_concurrency)),
                    next_slot: Mutex::new(Instant::now()),
                    held_until: Mutex::new(None),
                    robots: Mutex::new(None),
                    robots_fetch: tokio::sync::Mutex::new(()),
                })
            })
            .clone()
    }

    /// Holds `url`'s host back until `until` (a `Retry-After`).
    fn hold(&self, url: &Url, wait: Duration) {
        let host = self.host(url);
        let until = Instant::now() + wait.min(MAX_HOLD);
        let mut slot = host.next_slot.lock().unwrap_or_else(|p| p.into_inner());
        *slot = (*slot).max(until);
        let mut held = host.held_until.lock().unwrap_or_else(|p| p.into_inner());
        *held = Some(held.map_or(until, |h| h.max(until)));
    }

    /// One request under the host's and the global limits. With a
    /// `budget` (the caller's limit on work in flight), a permit of it is
    /// taken only once the host's turn has come, just before the request:
    /// a request waiting for a busy or slow host holds none, so it never
    /// keeps other hosts' checks waiting.
    async fn limited(
        &self,
        url: &Url,
        validators: &Validators,
        budget: Option<&Arc<Semaphore>>,
    ) -> (Result<Fetched, FetchError>, Option<OwnedSemaphorePermit>) {
        let host = self.host(url);
        // A host that asked for a long pause is not waited for inside a
        // check (which would hold up shutdown): the check fails at once and
        // the schedule tries again later.
        let held = *host.held_until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = held
            && until > Instant::now() + self.settings.max_retry_wait
        {
            let left = until - Instant::now();
            let err = FetchError::Request(format!(
                "the server asked (Retry-After) not to be fetched for another {}s",
                left.as_secs()
            ));
            return (Err(err), None);
        }
        // Host first: a request waiting for a busy host must not hold one
        // of the global permits others could use.
        let _host_permit = host.permits.clone().acquire_owned().await;
        let start = {
            let mut slot = host.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let start = (*slot).max(Instant::now());
            *slot = start + self.settings.host_interval;
            start
        };
        tokio::time::sleep_until(start).await;
        let slot = take(budget).await;
        let _global = self.global.acquire().await;
        (self.fetcher.fetch(url, validators).await, slot)
    }

    /// Whether robots.txt lets the configured user agent fetch `url`.
    pub async fn allowed(&self, url: &Url) -> bool {
        if !self.settings.robots {
            return true;
        }
        let host = self.host(url);
        let _one = host.robots_fetch.lock().await;
        let cached = host
            .robots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let robots = match cached {
            Some((r, expires)) if Instant::now() < expires => r,
            _ => {
                let (r, ttl) = self.fetch_robots(url).await;
                let r = Arc::new(r);
                *host.robots.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((r.clone(), Instant::now() + ttl));
                r
            }
        };
        robots.is_url_allowed(url)
    }

    /// Fetches and parses robots.txt (RFC 9309): a 4xx means no rules; a 5xx
    /// or an unreachable host means "disallow everything" for a while.
    async fn fetch_robots(&self, url: &Url) -> (Robots, Duration) {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return (Robots::allow_all(), ROBOTS_TTL);
        };
        let agent = robots_agent(&self.user_agent);
        match self
            .limited(&robots_url, &Validators::default(), None)
            .await
            .0
        {
            Ok(Fetched::Page(page)) => (Robots::parse(&page.body, agent), ROBOTS_TTL),
            Ok(Fetched::NotModified { .. }) => (Robots::allow_all(), ROBOTS_TTL),
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                (Robots::allow_all(), ROBOTS_TTL)
            }
            Err(e) => {
                tracing::warn!(url = %robots_url, error = %e, "robots.txt unreachable: not fetching from this host for now");
                (Robots::disallow_all(), ROBOTS_RETRY)
            }
        }
    }

    /// Fetches `url` politely: robots.txt first, then the request under the
    /// limits; a transient failure is retried with capped exponential
    /// backoff, and a `Retry-After` on 429 or 503 is waited out (when short
    /// enough) and holds back every request to that host.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        self.fetch_within(url, validators, None).await.0
    }

    /// [`Politeness::fetch`], taking a permit of `budget` (the caller's
    /// limit on checks in flight) only when the request is sent, and
    /// handing it back with the result for the caller to hold while it
    /// works on the page. Waiting for robots.txt, a host's turn or a
    /// backoff holds no permit.
    pub async fn fetch_within(
        &self,
        url: &Url,
        validators: &Validators,
        budget: Option<&Arc<Semaphore>>,
    ) -> (Result<Fetched, FetchError>, Option<OwnedSemaphorePermit>) {
        if !self.allowed(url).await {
            let err = FetchError::Request(format!(
                "disallowed by robots.txt for user agent {:?}",
                robots_agent(&self.user_agent)
            ));
            return (Err(err), None);
        }
        let mut attempt = 0;
        loop {
            let (result, slot) = self.limited(url, validators, budget).await;
            let err = match result {
                Ok(f) => return (Ok(f), slot),
                Err(e) => e,
            };
            let wait = match &err {
                FetchError::Status {
                    status: 429 | 503,
                    retry_after: Some(wait),
                } => {
                    self.hold(url, *wait);
                    if *wait > self.settings.max_retry_wait {
                        tracing::info!(%url, retry_after = ?wait, "server asked to wait: holding the host back");
                        return (Err(err), slot);
                    }
                    *wait
                }
                e if is_transient(e) => self.settings.backoff(attempt + 1),
                _ => return (Err(err), slot),
            };
            attempt += 1;
            if attempt > self.settings.retries {
                return (Err(err), slot);
            }
            tracing::debug!(%url, error = %err, ?wait, attempt, "retrying");
            // A backoff holds no permit of the caller's budget.
            drop(slot);
            // The host slot already includes a Retry-After hold; a backoff
            // is this request's own wait.
            tokio::time::sleep(wait).await;
        }
    }
}

/// A permit of the caller's budget of work in flight, when it has one.
pub async fn take(budget: Option<&Arc<Semaphore>>) -> Option<OwnedSemaphorePermit> {
    match budget {
        Some(b) => b.clone().acquire_owned().await.ok(),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = Politeness {
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(30),
            robots: true,
            host_interval: Duration::ZERO,
            host_concurrency: 1,
            retries: 5,
            max_retry_wait: Duration::ZERO,
            report_after: 1,
        };
        let waits: Vec<u64> = (1..=5).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 30, 30]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn transient_errors_are_told_apart() {
        let status = |status| FetchError::Status {
            status,
            retry_after: None,
        };
        assert!(is_transient(&status(503)));
        assert!(is_transient(&status(429)));
        assert!(is_transient(&FetchError::Timeout(Duration::from_secs(1))));
        assert!(!is_transient(&status(404)));
        assert!(!is_transient(&FetchError::Redirect("loop".into())));
    }

    #[test]
    fn robots_agent_is_the_product_token() {
        assert_eq!(robots_agent("claimwatch/0.1 (+https://x)"), "claimwatch");
        assert_eq!(robots_agent("MyBot"), "MyBot");
    }
}
