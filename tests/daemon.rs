//! The daemon's scheduling and politeness: schedules under tokio's paused
//! clock (never real sleeps), robots.txt and Retry-After against real
//! servers on loopback.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use claimwatch::service::fetch::{Fetched, Fetcher, Validators};
use claimwatch::service::httpd::{self, Request, Response};
use claimwatch::service::politeness::{Polite, Politeness};
use claimwatch::service::schedule::{self, Cadence, Clock, Guards, Rng, RunOutcome, Schedule};
use claimwatch::store::Store;
use tokio_util::sync::CancellationToken;
use url::Url;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn cron(expr: &str) -> Cadence {
    Cadence::Cron {
        schedule: Schedule::parse(expr, None).unwrap(),
        jitter: Duration::ZERO,
    }
}

async fn no_persist(_: DateTime<Utc>, _: Option<Duration>) {}

#[tokio::test(start_paused = true)]
async fn a_slow_run_never_overlaps_the_next() {
    // Every 10 s, but each run takes 25 s.
    let clock = Clock::tokio_at(utc(2026, 11, 26, 12, 0, 0));
    let running = Arc::new(AtomicU32::new(0));
    let most = Arc::new(AtomicU32::new(0));
    let starts = Arc::new(Mutex::new(Vec::new()));
    let shutdown = CancellationToken::new();
    let job = |due: DateTime<Utc>| {
        let (running, most, starts, clock) =
            (running.clone(), most.clone(), starts.clone(), clock.clone());
        async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            starts.lock().unwrap().push((due, clock.now()));
            tokio::time::sleep(Duration::from_secs(25)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            RunOutcome::Unchanged
        }
    };
    let first = utc(2026, 11, 26, 12, 0, 10);
    let runs = schedule::drive(
        "source:slow",
        cron("*/10 * * * * *"),
        first,
        &clock,
        &shutdown,
        Some(4),
        job,
        no_persist,
    )
    .await;
    assert_eq!(runs, 4);
    assert_eq!(most.load(Ordering::SeqCst), 1, "two runs at once");
    let starts = starts.lock().unwrap();
    // Each run starts at the first slot after the previous one ended:
    // 12:00:10, ends :35 -> :40, ends 01:05 -> 01:10, ...; missed slots are
    // skipped, not replayed.
    let at: Vec<DateTime<Utc>> = starts.iter().map(|(_, t)| *t).collect();
    assert_eq!(
        at,
        [
            utc(2026, 11, 26, 12, 0, 10),
            utc(2026, 11, 26, 12, 0, 40),
            utc(2026, 11, 26, 12, 1, 10),
            utc(2026, 11, 26, 12, 1, 40)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_second_loop_for_the_same_key_cannot_start() {
    let guards = Guards::default();
    let lock = guards.lock("document:7").expect("first lock");
    assert!(guards.lock("document:7").is_none());
    assert!(guards.lock("document:8").is_some());
    drop(lock);
    assert!(guards.lock("document:7").is_some());
}

#[tokio::test(start_paused = true)]
async fn shutdown_lets_the_running_check_finish_and_starts_no_other() {
    let clock = Clock::tokio_at(utc(2026, 11, 26, 12, 0, 0));
    let shutdown = CancellationToken::new();
    let finished = Arc::new(AtomicU32::new(0));
    let (s, f) = (shutdown.clone(), finished.clone());
    let job = move |_| {
        let (s, f) = (s.clone(), f.clone());
        async move {
            // Shutdown arrives while the check is running.
            s.cancel();
            tokio::time::sleep(Duration::from_secs(5)).await;
            f.fetch_add(1, Ordering::SeqCst);
            RunOutcome::Unchanged
        }
    };
    let runs = schedule::drive(
        "source:a",
        cron("* * * * * *"),
        clock.now(),
        &clock,
        &shutdown,
        None,
        job,
        no_persist,
    )
    .await;
    assert_eq!((runs, finished.load(Ordering::SeqCst)), (1, 1));
}

#[test]
fn jitter_stays_within_its_bound_and_never_skips_a_slot() {
    let bound = Duration::from_secs(30);
    let mut seen_max = Duration::ZERO;
    let mut distinct = std::collections::HashSet::new();
    for i in 0..2000 {
        let d = Rng::seeded("source:x", i).jitter(bound);
        assert!(d <= bound, "{d:?} > {bound:?}");
        seen_max = seen_max.max(d);
        distinct.insert(d.as_millis() / 1000);
    }
    // Spread over the whole range, not stuck at one end.
    assert!(seen_max > Duration::from_secs(25), "{seen_max:?}");
    assert!(distinct.len() > 25);

    // Every 15 minutes with 30 s jitter: within [slot, slot + 30 s].
    let s = Schedule::parse("*/15 * * * *", None).unwrap();
    let after = utc(2026, 11, 26, 12, 1, 0);
    for i in 0..500 {
        let due = schedule::next_due(&s, after, bound, &mut Rng::seeded("k", i)).unwrap();
        assert!(due >= utc(2026, 11, 26, 12, 15, 0) && due <= utc(2026, 11, 26, 12, 15, 30));
    }
    // Every 2 s: jitter is held to a tenth of the gap, so no slot is skipped.
    let s = Schedule::parse("*/2 * * * * *", None).unwrap();
    for i in 0..500 {
        let due = schedule::next_due(&s, after, bound, &mut Rng::seeded("k", i)).unwrap();
        assert!(due >= utc(2026, 11, 26, 12, 1, 2));
        assert!(due <= utc(2026, 11, 26, 12, 1, 2) + chrono::Duration::milliseconds(200));
    }
}

#[tokio::test(start_paused = true)]
async fn a_daily_local_time_survives_the_dst_change() {
    // 12:00 Berlin every day, starting the day before the spring change:
    // 11:00Z (CET), then 10:00Z (CEST), and back to 11:00Z in the autumn.
    let clock = Clock::tokio_at(utc(2027, 3, 26, 13, 0, 0));
    let schedule = Schedule::parse("0 12 * * *", Some(chrono_tz::Europe::Berlin)).unwrap();
    let first = schedule.next_after(clock.now()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let job = |_| {
        let (seen, clock) = (seen.clone(), clock.clone());
        async move {
            seen.lock().unwrap().push(clock.now());
            RunOutcome::Unchanged
        }
    };
    let cadence = Cadence::Cron {
        schedule,
        jitter: Duration::ZERO,
    };
    let shutdown = CancellationToken::new();
    schedule::drive(
        "source:berlin",
        cadence,
        first,
        &clock,
        &shutdown,
        Some(3),
        job,
        no_persist,
    )
    .await;
    assert_eq!(
        *seen.lock().unwrap(),
        [
            utc(2027, 3, 27, 11, 0, 0),
            utc(2027, 3, 28, 10, 0, 0),
            utc(2027, 3, 29, 10, 0, 0)
        ]
    );
    let autumn = Schedule::parse("0 12 * * *", Some(chrono_tz::Europe::Berlin)).unwrap();
    assert_eq!(
        autumn.next_after(utc(2027, 10, 30, 12, 0, 0)),
        Some(utc(2027, 10, 31, 11, 0, 0))
    );
}

#[tokio::test(start_paused = true)]
async fn a_restart_resumes_from_the_stored_due_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let store = Arc::new(Mutex::new(Store::open(&db).unwrap()));
    let start = utc(2026, 11, 26, 12, 0, 0);
    let hourly = "0 * * * *";

    // First life: one run at 13:00, then the next (14:00) is stored.
    let clock = Clock::tokio_at(start);
    let shutdown = CancellationToken::new();
    let st = store.clone();
    let persist = move |due, interval| {
        let st = st.clone();
        async move {
            let s = st.lock().unwrap();
            claimwatch::store::schedule::save(s.conn(), "source:a", due, interval, due).unwrap();
        }
    };
    let runs = schedule::drive(
        "source:a",
        cron(hourly),
        utc(2026, 11, 26, 13, 0, 0),
        &clock,
        &shutdown,
        Some(1),
        |_| async { RunOutcome::Unchanged },
        persist,
    )
    .await;
    assert_eq!(runs, 1);
    drop(store);

    // Restart at 13:20: the stored 14:00 stands, nothing runs at once.
    let store = Store::open(&db).unwrap();
    let (stored, _) = claimwatch::store::schedule::load(store.conn(), "source:a")
        .unwrap()
        .unwrap();
    assert_eq!(stored, utc(2026, 11, 26, 14, 0, 0));
    let s = Schedule::parse(hourly, None).unwrap();
    let now = utc(2026, 11, 26, 13, 20, 0);
    let mut rng = Rng::seeded("source:a", 1);
    let due = schedule::resume_due(Some(stored), now, Duration::from_secs(30), &mut rng, |r| {
        schedule::next_due(&s, now, Duration::ZERO, r)
    });
    assert_eq!(due, Some(utc(2026, 11, 26, 14, 0, 0)));

    // Restart at 17:10 after a long stop: one run soon (within the spread),
    // not the three missed ones.
    let now = utc(2026, 11, 26, 17, 10, 0);
    let due = schedule::resume_due(Some(stored), now, Duration::from_secs(30), &mut rng, |r| {
        schedule::next_due(&s, now, Duration::ZERO, r)
    })
    .unwrap();
    assert!(
        due >= now && due <= now + chrono::Duration::seconds(30),
        "{due}"
    );
}

#[test]
fn adaptive_rechecks_back_off_reset_on_change_and_stop_when_old() {
    let a = schedule::Adaptive {
        min: Duration::from_secs(600),
        max: Duration::from_secs(3600),
        factor: 1.2,
        stop_after: Duration::from_secs(86_400),
    };
    let mut i = a.min;
    let mut seen = vec![];
    for _ in 0..4 {
        i = a.next_interval(i, false);
        seen.push(i.as_secs());
    }
    assert_eq!(seen, [720, 864, 1036, 1244]);
    for _ in 0..50 {
        i = a.next_interval(i, false);
    }
    assert_eq!(i, a.max);
    assert_eq!(a.next_interval(i, true), a.min);

    let found = utc(2026, 11, 26, 12, 0, 0);
    let mut c = Cadence::Adaptive {
        policy: a.clone(),
        interval: a.min,
        discovered: found,
    };
    let next = c.after_run("document:1", found, RunOutcome::Unchanged);
    assert_eq!(next, Some(found + chrono::Duration::seconds(720)));
    // Past the age limit the schedule ends.
    let late = found + chrono::Duration::hours(23) + chrono::Duration::minutes(50);
    assert_eq!(c.after_run("document:1", late, RunOutcome::Unchanged), None);
}

/// A loopback server that records what it was asked, with when.
struct Recorder {
    base: String,
    log: Arc<Mutex<Vec<(String, std::time::Instant)>>>,
    _stop: tokio_util::sync::DropGuard,
}

async fn serve(respond: impl Fn(&Request, usize) -> Response + Send + Sync + 'static) -> Recorder {
    let listener = httpd::bind_loopback().await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Arc<Mutex<Vec<(String, std::time::Instant)>>> = Arc::default();
    let l = log.clone();
    let handler: httpd::Handler = Arc::new(move |req: &Request| {
        let n = {
            let mut log = l.lock().unwrap();
            log.push((req.path.clone(), std::time::Instant::now()));
            log.iter().filter(|(p, _)| *p == req.path).count()
        };
        respond(req, n)
    });
    let stop = CancellationToken::new();
    tokio::spawn(httpd::serve(listener, handler, stop.clone()));
    Recorder {
        base,
        log,
        _stop: stop.drop_guard(),
    }
}

fn polite(settings: Politeness) -> Polite {
    let ua = "claimwatch/0.1 (+https://example.org/bot)";
    let fetcher = Fetcher::new(ua, &claimwatch::cli::config::defaults::fetch()).unwrap();
    Polite::new(fetcher, settings, ua, 4)
}

fn page(text: &str) -> Response {
    Response::html(format!(
        "<html><body><article><p>{text}</p></article></body></html>"
    ))
}

#[tokio::test]
async fn robots_txt_disallow_is_respected() {
    let server = serve(|req, _| match req.path.as_str() {
        "/robots.txt" => Response::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /\n\nUser-agent: claimwatch\nDisallow: /private/\nAllow: /\n",
        ),
        _ => page("hello"),
    })
    .await;
    let p = polite(Politeness {
        host_interval: Duration::ZERO,
        ..claimwatch::cli::config::defaults::politeness()
    });
    let private = Url::parse(&format!("{}/private/story", server.base)).unwrap();
    let public = Url::parse(&format!("{}/news/story", server.base)).unwrap();
    let err = p.fetch(&private, &Validators::default()).await.unwrap_err();
    assert!(err.to_string().contains("robots.txt"), "{err}");
    assert!(matches!(
        p.fetch(&public, &Validators::default()).await,
        Ok(Fetched::Page(_))
    ));
    let _ = p.fetch(&public, &Validators::default()).await;
    let paths: Vec<String> = server
        .log
        .lock()
        .unwrap()
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    // robots.txt asked once (cached per host), the private page never.
    assert_eq!(paths, ["/robots.txt", "/news/story", "/news/story"]);
}

#[tokio::test]
async fn retry_after_on_429_is_waited_out() {
    let server = serve(|req, n| match (req.path.as_str(), n) {
        ("/robots.txt", _) => Response::new(404, "text/plain", ""),
        (_, 1) => Response::new(429, "text/plain", "slow down").with_header("Retry-After", "1"),
        _ => page("fine now"),
    })
    .await;
    let p = polite(Politeness {
        host_interval: Duration::ZERO,
        backoff_base: Duration::from_millis(10),
        ..claimwatch::cli::config::defaults::politeness()
    });
    let url = Url::parse(&format!("{}/story", server.base)).unwrap();
    assert!(matches!(
        p.fetch(&url, &Validators::default()).await,
        Ok(Fetched::Page(_))
    ));
    let log = server.log.lock().unwrap();
    let story: Vec<_> = log.iter().filter(|(p, _)| p == "/story").collect();
    assert_eq!(story.len(), 2);
    let gap = story[1].1 - story[0].1;
    // Not the 10 ms backoff: the server's full second.
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");
}

#[tokio::test]
async fn a_long_retry_after_fails_the_check_and_holds_the_host_back() {
    let server = serve(|req, _| match req.path.as_str() {
        "/robots.txt" => Response::new(404, "text/plain", ""),
        _ => Response::new(503, "text/plain", "down").with_header("Retry-After", "3600"),
    })
    .await;
    let p = polite(Politeness {
        host_interval: Duration::ZERO,
        ..claimwatch::cli::config::defaults::politeness()
    });
    let url = Url::parse(&format!("{}/story", server.base)).unwrap();
    let err = p.fetch(&url, &Validators::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    // The next request to that host fails at once without asking it:
    // nothing sleeps for an hour inside a check (or holds up shutdown).
    let other = Url::parse(&format!("{}/other", server.base)).unwrap();
    let err = p.fetch(&other, &Validators::default()).await.unwrap_err();
    assert!(err.to_string().contains("Retry-After"), "{err}");
    let asked: Vec<String> = server
        .log
        .lock()
        .unwrap()
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(asked, ["/robots.txt", "/story"]);
}

#[tokio::test]
async fn requests_to_one_host_are_spaced() {
    let server = serve(|req, _| match req.path.as_str() {
        "/robots.txt" => Response::new(404, "text/plain", ""),
        _ => page("x"),
    })
    .await;
    let p = polite(Politeness {
        host_interval: Duration::from_millis(300),
        ..claimwatch::cli::config::defaults::politeness()
    });
    let mut set = tokio::task::JoinSet::new();
    for i in 0..3 {
        let (p, url) = (
            p.clone(),
            Url::parse(&format!("{}/s{i}", server.base)).unwrap(),
        );
        set.spawn(async move { p.fetch(&url, &Validators::default()).await.is_ok() });
    }
    while let Some(ok) = set.join_next().await {
        assert!(ok.unwrap());
    }
    let log = server.log.lock().unwrap();
    let mut times: Vec<_> = log.iter().map(|(_, t)| *t).collect();
    times.sort();
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(280),
            "{:?}",
            w[1] - w[0]
        );
    }
}

/// Polls `cond` every 50 ms for at most `limit`.
async fn eventually(limit: Duration, cond: impl Fn() -> bool) -> bool {
    let end = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < end {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cond()
}

#[tokio::test(start_paused = true)]
async fn the_daemon_resumes_stored_due_times_after_a_restart() {
    use claimwatch::cli::demo::{self, DemoSite};
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Yearly: nothing would run during this test unless resumed.
    let path = demo::write_config(dir.path(), &site, "0 0 1 1 *").unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    // (The demo config already spaces nothing: `[politeness] host_interval = "0"`.)
    text.push_str("\n[defaults]\njitter = \"1s\"\n");
    std::fs::write(&path, text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let now = Utc::now();
    {
        // The previous life of the daemon left: harbor-ledger missed its
        // due time while down, techwire-daily is due in an hour, and
        // market-desk has nothing stored.
        let store = Store::open(&config.database).unwrap();
        let c = store.conn();
        claimwatch::store::schedule::save(
            c,
            "source:harbor-ledger",
            now - chrono::Duration::hours(3),
            None,
            now,
        )
        .unwrap();
        claimwatch::store::schedule::save(
            c,
            "source:techwire-daily",
            now + chrono::Duration::hours(1),
            None,
            now,
        )
        .unwrap();
    }
    // Its next due time after a run is the next 1 January (jitter is held
    // to a tenth of the gap, at most the configured second).
    let jan1 = Schedule::parse("0 0 1 1 *", None)
        .unwrap()
        .next_after(now)
        .unwrap();
    // The schedules follow tokio's paused clock, which moves only while the
    // daemon waits: the half hour below takes no real time.
    let shutdown = CancellationToken::new();
    let run = tokio::spawn({
        let (config, shutdown) = (config.clone(), shutdown.clone());
        let clock = Clock::tokio_at(now);
        async move {
            claimwatch::service::daemon::run_with_clock(
                &config,
                shutdown,
                claimwatch::cli::config::defaults::run_options(&config.path),
                clock,
            )
            .await
        }
    });
    let db = rusqlite::Connection::open(&config.database).unwrap();
    let due = |key: &str| {
        claimwatch::store::schedule::load(&db, key)
            .unwrap()
            .map(|(due, _)| due)
    };
    // The missed schedule ran and stored its next due time.
    assert!(
        eventually(Duration::from_secs(30), || {
            site.hits("harbor-ledger") >= 1 && due("source:harbor-ledger") >= Some(jan1)
        })
        .await,
        "the missed schedule did not run"
    );
    // Half an hour on the daemon's clock: a replay of the missed
    // occurrences, or an early run of the others, would show in it.
    tokio::time::sleep(Duration::from_secs(30 * 60)).await;
    assert_eq!(site.hits("harbor-ledger"), 1, "missed runs were replayed");
    assert_eq!(
        site.hits("techwire-daily"),
        0,
        "ran before its stored due time"
    );
    assert_eq!(
        site.hits("market-desk"),
        0,
        "ran before its first occurrence"
    );
    shutdown.cancel();
    run.await.unwrap().unwrap();

    let store = Store::open(&config.database).unwrap();
    let (harbor, _) = claimwatch::store::schedule::load(store.conn(), "source:harbor-ledger")
        .unwrap()
        .unwrap();
    assert!(
        harbor >= jan1 && harbor <= jan1 + chrono::Duration::seconds(1),
        "{harbor}"
    );
    let (techwire, _) = claimwatch::store::schedule::load(store.conn(), "source:techwire-daily")
        .unwrap()
        .unwrap();
    assert_eq!(
        techwire.timestamp_millis(),
        (now + chrono::Duration::hours(1)).timestamp_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_is_reported_once_then_its_recovery() {
    use claimwatch::core::streak::StreakReport;
    use claimwatch::store::schedule::record_run;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.db")).unwrap();
    let c = store.conn();
    let now = Utc::now();
    let mut reports = vec![];
    for failure in [Some("HTTP status 500"); 5].into_iter().chain([None, None]) {
        reports.push(record_run(c, "source:a", failure, 3, now).unwrap());
    }
    assert_eq!(
        reports,
        [
            None,
            None,
            Some(StreakReport::Failing { failures: 3 }),
            None,
            None,
            Some(StreakReport::Recovered { failures: 5 }),
            None
        ]
    );
    // The streak survives a restart: reopening does not report it again.
    for _ in 0..3 {
        record_run(c, "source:b", Some("timeout"), 3, now).unwrap();
    }
    drop(store);
    let store = Store::open(&dir.path().join("c.db")).unwrap();
    assert_eq!(
        record_run(store.conn(), "source:b", Some("timeout"), 3, now).unwrap(),
        None
    );
}

/// Checks queued behind one busy host hold none of the pipeline's budget of
/// checks in flight, so another host's check goes ahead at once.
/// Regression: the daemon took its place in the budget before its host's
/// turn, so more waiting checks of one host than the budget holds kept every
/// other host's checks waiting behind them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_waiting_for_a_busy_host_do_not_hold_up_other_hosts() {
    use claimwatch::service::pipeline::{Pipeline, Target};
    use std::sync::atomic::AtomicUsize;
    // The busy host accepts connections and never answers: its one request
    // at a time stays in flight, and its other checks wait for their turn.
    let busy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let busy_base = format!("http://{}", busy.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let holder = tokio::spawn({
        let accepted = accepted.clone();
        async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = busy.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        }
    });
    let other = serve(|_, _| page("from the other host")).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open(&dir.path().join("c.db")).unwrap()));
    let target = |name: &str, url: String| {
        let id = store
            .lock()
            .unwrap()
            .ensure_source(name, &url, Utc::now())
            .unwrap();
        Target {
            document_id: id,
            source: name.to_string(),
            url: Url::parse(&url).unwrap(),
            extract: Default::default(),
        }
    };
    let ua = "claimwatch/0.1 (+https://example.org/bot)";
    let fetcher = Fetcher::new(ua, &claimwatch::cli::config::defaults::fetch()).unwrap();
    let pipeline = Pipeline::new(fetcher, store.clone())
        .with_politeness(polite(Politeness {
            robots: false,
            host_interval: Duration::ZERO,
            host_concurrency: 1,
            ..claimwatch::cli::config::defaults::politeness()
        }))
        .with_concurrency(1);
    // More checks of the busy host than a concurrency of 1 lets in flight
    // (2 + the writer's queue of 16): one is sent, the rest wait their turn.
    let mut waiting = Vec::new();
    for i in 0..24 {
        let t = target(&format!("busy-{i}"), format!("{busy_base}/story/{i}"));
        let p = pipeline.clone();
        waiting.push(tokio::spawn(async move { p.check(&t).await }));
    }
    while accepted.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let b = target("other", format!("{}/story", other.base));
    let outcome = tokio::time::timeout(Duration::from_secs(30), pipeline.check(&b))
        .await
        .expect("the other host's check waited behind the busy host's")
        .unwrap();
    assert!(outcome.reason.is_none(), "{outcome:?}");
    assert!(matches!(
        outcome.stored,
        claimwatch::store::Stored::New { .. }
    ));
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "one request at a time");
    for w in waiting {
        w.abort();
    }
    holder.abort();
}
