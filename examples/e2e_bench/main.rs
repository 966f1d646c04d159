//! End-to-end benchmark: the whole pipeline against a synthetic news site on
//! loopback.
//!
//! ```text
//! cargo run --release --example e2e_bench -- [--pages 1000] [--changed 0.1]
//!     [--steady-passes 3] [--change-passes 3] [--noise-passes 0] [--history 0]
//!     [--concurrency 16] [--seed 1] [--db PATH]
//! cargo run --release --example e2e_bench -- --dump-page I[@GENERATION]
//! ```
//!
//! The site (`site.rs`) runs in a child process, as nginx would,
//! so the CPU time measured here (getrusage, RUSAGE_SELF) is claimwatch's
//! alone. Every pass is what `claimwatch check` does: the config file (one
//! `[[sources]]` per page) is read and validated, and
//! `service::daemon::check_once` registers the sources and checks them, so
//! the bench measures the user's entry point, parsed config included.
//! Phases:
//!
//! 1. first pass: every page is new;
//! 2. steady passes: nothing changed, every page answers 304;
//! 3. change passes: `--changed` of the articles are edited before each pass;
//! 4. noise passes: the site answers 200 without validators and changes only
//!    the noise around the article (ads, timestamps, counters, request ids):
//!    nothing may be reported or stored but the check itself;
//! 5. with `--burst-rounds N`: `claimwatch run` (the daemon, in process)
//!    with every source on one schedule, so all fall due in the same second,
//!    for N rounds (the first fetches every page, the others get 304s);
//!    RSS and CPU are sampled over time;
//! 6. with `--history K`: K passes that edit every article, then one more
//!    steady and change pass, to show that cost does not grow with history.
//!
//! For each pass it prints pages/s (wall), CPU ms per page, CPU ms per
//! changed page, RSS now and peak (VmHWM), and the bytes stored per new
//! version (compressed raw HTML, and the growth of the whole database).

use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod site;

use claimwatch::service::fetch::Fetcher;
use claimwatch::service::pipeline::Outcome;
use claimwatch::store::{Store, Stored};
use site::BenchSite;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
struct Args {
    pages: usize,
    changed: f64,
    steady_passes: usize,
    change_passes: usize,
    noise_passes: usize,
    /// Run the daemon for this many rounds with every source due at once.
    burst_rounds: usize,
    /// Only the burst: no check passes before it (so the peak is the daemon's).
    burst_only: bool,
    history: usize,
    concurrency: usize,
    seed: u64,
    serve: bool,
    db: Option<PathBuf>,
    /// Print page `i` after `generation` edits and exit (for fixtures).
    dump: Option<(usize, u32)>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        pages: 1000,
        changed: 0.1,
        steady_passes: 3,
        change_passes: 3,
        noise_passes: 0,
        burst_rounds: 0,
        burst_only: false,
        history: 0,
        concurrency: 16,
        seed: 1,
        serve: false,
        db: None,
        dump: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--pages" => a.pages = val()?.parse().map_err(|e| bad(&e))?,
            "--changed" => a.changed = val()?.parse().map_err(|e| bad(&e))?,
            "--steady-passes" => a.steady_passes = val()?.parse().map_err(|e| bad(&e))?,
            "--change-passes" => a.change_passes = val()?.parse().map_err(|e| bad(&e))?,
            "--noise-passes" => a.noise_passes = val()?.parse().map_err(|e| bad(&e))?,
            "--burst-rounds" => a.burst_rounds = val()?.parse().map_err(|e| bad(&e))?,
            "--burst-only" => a.burst_only = true,
            "--history" => a.history = val()?.parse().map_err(|e| bad(&e))?,
            "--concurrency" => a.concurrency = val()?.parse().map_err(|e| bad(&e))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| bad(&e))?,
            "--db" => a.db = Some(PathBuf::from(val()?)),
            "--serve" => a.serve = true,
            "--dump-page" => {
                let v = val()?;
                let (i, g) = v.split_once('@').unwrap_or((&v, "0"));
                a.dump = Some((
                    i.parse().map_err(|e| bad(&e))?,
                    g.parse().map_err(|e| bad(&e))?,
                ));
            }
            "-h" | "--help" => {
                return Err(
                    "usage: e2e_bench [--pages N] [--changed F] [--steady-passes N] \
                     [--change-passes N] [--noise-passes N] [--burst-rounds N] [--burst-only] [--history K] [--concurrency N] [--seed S] [--db PATH]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// CPU time (user + system) of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time of another process, from /proc (the site's server).
fn cpu_time_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / hz)
}

/// A line of /proc/self/status in KiB (VmRSS, VmHWM).
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// What the database holds, for bytes per version.
#[derive(Debug, Clone, Copy, Default)]
struct StoreStats {
    versions: i64,
    raw_bytes: i64,
    db_bytes: i64,
}

fn store_stats(store: &Arc<Mutex<Store>>) -> StoreStats {
    let s = store.lock().unwrap_or_else(|p| p.into_inner());
    let conn = s.conn();
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0) };
    StoreStats {
        versions: one("SELECT count(*) FROM versions"),
        raw_bytes: one("SELECT coalesce(sum(length(zstd)), 0) FROM raw_pages"),
        db_bytes: one("PRAGMA page_count") * one("PRAGMA page_size")
            - one("PRAGMA freelist_count") * one("PRAGMA page_size"),
    }
}

/// One measured pass.
#[derive(Debug, Clone)]
struct PassResult {
    phase: String,
    pages: usize,
    wall: Duration,
    cpu: Duration,
    server_cpu: Duration,
    new_versions: i64,
    not_modified: usize,
    failed: usize,
    /// Checks that reported something: a new version, a change or a return.
    reports: usize,
    /// Growth of the database file per check.
    db_per_check: f64,
    raw_per_version: Option<f64>,
    db_per_version: Option<f64>,
    rss_kib: u64,
    hwm_kib: u64,
}

impl PassResult {
    fn pages_per_s(&self) -> f64 {
        self.pages as f64 / self.wall.as_secs_f64()
    }
    fn cpu_ms_per_page(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e3 / self.pages as f64
    }
    fn cpu_ms_per_changed(&self) -> Option<f64> {
        (self.new_versions > 0).then(|| self.cpu.as_secs_f64() * 1e3 / self.new_versions as f64)
    }
}

struct Bench {
    /// The config file every pass reads, as `claimwatch check` would.
    config: PathBuf,
    /// A connection of the bench's own, for the sizes (not measured).
    store: Arc<Mutex<Store>>,
    base: String,
    server: Child,
    http: Fetcher,
    results: Vec<PassResult>,
    edit_round: u64,
}

impl Bench {
    async fn edit(&mut self, fraction: f64) -> usize {
        let url = format!(
            "{}/_edit?round={}&fraction={fraction}",
            self.base, self.edit_round
        );
        self.edit_round += 1;
        let url = url::Url::parse(&url).expect("valid edit URL");
        match self.http.fetch(&url, &Default::default()).await {
            Ok(claimwatch::service::fetch::Fetched::Page(p)) => p.html.trim().parse().unwrap_or(0),
            other => panic!("edit request failed: {other:?}"),
        }
    }

    /// Turns the site's validators (and so its 304s) on or off.
    async fn validators(&mut self, on: bool) {
        let url = format!("{}/_validators?on={}", self.base, u8::from(on));
        let url = url::Url::parse(&url).expect("valid URL");
        match self.http.fetch(&url, &Default::default()).await {
            Ok(claimwatch::service::fetch::Fetched::Page(_)) => {}
            other => panic!("validators request failed: {other:?}"),
        }
    }

    async fn pass(&mut self, phase: &str) -> PassResult {
        let before = store_stats(&self.store);
        let server0 = cpu_time_of(self.server.id());
        let cpu0 = cpu_time();
        let t0 = Instant::now();
        let config = claimwatch::cli::config::load(&self.config).expect("bench config");
        let outcomes: Vec<Outcome> = claimwatch::service::daemon::check_once(&config, None)
            .await
            .expect("pass failed");
        drop(config);
        let wall = t0.elapsed();
        let cpu = cpu_time() - cpu0;
        let server_cpu = cpu_time_of(self.server.id()).saturating_sub(server0);
        let after = store_stats(&self.store);
        let count = |f: fn(&Stored) -> bool| outcomes.iter().filter(|o| f(&o.stored)).count();
        let failed = count(|s| matches!(s, Stored::Failed));
        if failed > 0 {
            let why = outcomes
                .iter()
                .find_map(|o| o.reason.clone())
                .unwrap_or_default();
            eprintln!("warning: {failed} failed checks in {phase}, e.g. {why}");
        }
        let new_versions = after.versions - before.versions;
        let per = |bytes: i64| (new_versions > 0).then(|| bytes as f64 / new_versions as f64);
        let r = PassResult {
            phase: phase.to_string(),
            pages: outcomes.len(),
            wall,
            cpu,
            server_cpu,
            new_versions,
            not_modified: count(|s| matches!(s, Stored::NotModified)),
            failed,
            reports: count(|s| {
                matches!(
                    s,
                    Stored::New { .. }
                        | Stored::Changed { .. }
                        | Stored::Returned { first: true, .. }
                )
            }),
            db_per_check: (after.db_bytes - before.db_bytes) as f64 / outcomes.len().max(1) as f64,
            raw_per_version: per(after.raw_bytes - before.raw_bytes),
            db_per_version: per(after.db_bytes - before.db_bytes),
            rss_kib: status_kib("VmRSS"),
            hwm_kib: status_kib("VmHWM"),
        };
        print_row(&r);
        self.results.push(r.clone());
        r
    }
}

fn print_header() {
    println!(
        "{:<14} {:>6} {:>8} {:>9} {:>9} {:>7} {:>7} {:>6} {:>9} {:>9} {:>7} {:>7}",
        "phase",
        "pages",
        "pages/s",
        "cpu ms/pg",
        "cpu ms/ch",
        "new ver",
        "304s",
        "failed",
        "raw B/ver",
        "db B/ver",
        "RSS MB",
        "peak MB"
    );
}

fn opt(v: Option<f64>, prec: usize) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.prec$}"))
}

fn print_row(r: &PassResult) {
    println!(
        "{:<14} {:>6} {:>8.0} {:>9.3} {:>9} {:>7} {:>7} {:>6} {:>9} {:>9} {:>7.1} {:>7.1}   (server {:.3} ms/pg)",
        r.phase,
        r.pages,
        r.pages_per_s(),
        r.cpu_ms_per_page(),
        opt(r.cpu_ms_per_changed(), 3),
        r.new_versions,
        r.not_modified,
        r.failed,
        opt(r.raw_per_version, 0),
        opt(r.db_per_version, 0),
        r.rss_kib as f64 / 1024.0,
        r.hwm_kib as f64 / 1024.0,
        r.server_cpu.as_secs_f64() * 1e3 / r.pages.max(1) as f64,
    );
    let _ = std::io::stdout().flush();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn summary(results: &[PassResult], prefix: &str) {
    let rs: Vec<&PassResult> = results
        .iter()
        .filter(|r| r.phase.starts_with(prefix))
        .collect();
    if rs.is_empty() {
        return;
    }
    let m = |f: &dyn Fn(&PassResult) -> Option<f64>| {
        let v: Vec<f64> = rs.iter().filter_map(|r| f(r)).collect();
        (!v.is_empty()).then(|| median(v))
    };
    println!(
        "{:<14} median of {:>2}: {:>6.0} pages/s, {:.3} CPU ms/page, {} CPU ms/changed page, {} raw B/version, {} db B/version",
        prefix,
        rs.len(),
        m(&|r| Some(r.pages_per_s())).unwrap_or(0.0),
        m(&|r| Some(r.cpu_ms_per_page())).unwrap_or(0.0),
        opt(m(&|r| r.cpu_ms_per_changed()), 3),
        opt(m(&|r| r.raw_per_version), 0),
        opt(m(&|r| r.db_per_version), 0),
    );
    if prefix == "noise" {
        println!(
            "{:<14} reports {}, new versions {}, db growth per check {} B",
            "",
            rs.iter().map(|r| r.reports).sum::<usize>(),
            rs.iter().map(|r| r.new_versions).sum::<i64>(),
            opt(m(&|r| Some(r.db_per_check)), 0),
        );
    }
}

/// The child-process mode: serve the site and print the port.
fn serve(args: &Args) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let site = Arc::new(BenchSite::new(args.pages, args.seed));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind loopback");
        println!("{}", listener.local_addr().expect("addr").port());
        let _ = std::io::stdout().flush();
        let token = CancellationToken::new();
        let t = token.clone();
        // The parent closes our stdin when it is done (or dies).
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            t.cancel();
        });
        site::serve(listener, site, token).await;
    });
}

fn spawn_server(args: &Args) -> (Child, u16) {
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .args([
            "--serve",
            "--pages",
            &args.pages.to_string(),
            "--seed",
            &args.seed.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the site server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read port");
    (child, line.trim().parse().expect("port"))
}

async fn run(args: Args) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db: PathBuf = args
        .db
        .clone()
        .unwrap_or_else(|| tmp.path().join("bench.db"));
    let (server, port) = spawn_server(&args);
    let base = format!("http://127.0.0.1:{port}");

    let config = write_config(tmp.path(), &db, &base, &args);
    let t0 = Instant::now();
    let store = Arc::new(Mutex::new(Store::open(&db).expect("open store")));
    let fetcher = Fetcher::new(
        "claimwatch-bench",
        &claimwatch::cli::config::defaults::fetch(),
    )
    .expect("client");
    let startup = t0.elapsed();
    println!(
        "claimwatch e2e bench: {} pages, {:.0}% changed per change pass, concurrency {}, {} cores; store open + client: {:.1} ms",
        args.pages,
        args.changed * 100.0,
        args.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        startup.as_secs_f64() * 1e3
    );
    print_header();
    let mut b = Bench {
        config,
        store,
        base,
        server,
        http: fetcher,
        results: Vec::new(),
        edit_round: 0,
    };
    if args.burst_only {
        burst(&b, &args, tmp.path(), &db).await;
        drop(b.server.stdin.take());
        let _ = b.server.wait();
        return;
    }
    b.pass("first").await;
    for _ in 0..args.steady_passes {
        b.pass("steady").await;
    }
    for _ in 0..args.change_passes {
        b.edit(args.changed).await;
        b.pass("change").await;
    }
    if args.noise_passes > 0 {
        b.validators(false).await;
        for _ in 0..args.noise_passes {
            b.pass("noise").await;
        }
        b.validators(true).await;
    }
    if args.history > 0 {
        for _ in 0..args.history {
            b.edit(1.0).await;
            b.pass("history-fill").await;
        }
        b.pass("steady-hist").await;
        b.edit(args.changed).await;
        b.pass("change-hist").await;
    }
    if args.burst_rounds > 0 {
        burst(&b, &args, tmp.path(), &db).await;
    }
    let idle0 = cpu_time();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = cpu_time() - idle0;

    println!();
    summary(&b.results, "first");
    summary(&b.results, "steady");
    summary(&b.results, "change");
    summary(&b.results, "noise");
    summary(&b.results, "steady-hist");
    summary(&b.results, "change-hist");
    let stats = store_stats(&b.store);
    println!(
        "peak RSS {:.1} MB; database {:.1} MB for {} versions; idle CPU over 1 s: {:.2} ms",
        status_kib("VmHWM") as f64 / 1024.0,
        stats.db_bytes as f64 / 1048576.0,
        stats.versions,
        idle.as_secs_f64() * 1e3
    );
    drop(b.server.stdin.take());
    let _ = b.server.wait();
    if let Some(p) = &args.db {
        println!("database kept at {}", p.display());
    }
}

/// Writes the config `claimwatch check` would read: one source per page.
fn write_config(dir: &std::path::Path, db: &std::path::Path, base: &str, args: &Args) -> PathBuf {
    config_with(dir, "bench.toml", db, base, args, "")
}

/// A config with one source per page and `extra` TOML after `[fetch]`.
fn config_with(
    dir: &std::path::Path,
    file: &str,
    db: &std::path::Path,
    base: &str,
    args: &Args,
    extra: &str,
) -> PathBuf {
    use std::fmt::Write as _;
    let mut text = format!(
        "database = {:?}\nuser_agent = \"claimwatch-bench\"\n\n[fetch]\nconcurrency = {}\n{extra}\n[story]\nname = \"bench\"\n",
        db.display().to_string(),
        args.concurrency
    );
    for i in 0..args.pages {
        let _ = write!(
            text,
            "\n[[sources]]\nname = \"site-{i}\"\nurl = \"{base}{}\"\n",
            BenchSite::path(i)
        );
    }
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write the bench config");
    path
}

/// The daemon under a burst: every source on one schedule (every minute, no
/// jitter, no spacing of requests to the one loopback host), so all fall due
/// together; `--burst-rounds` rounds, sampled every 250 ms. The database
/// starts empty, so the first round fetches and stores every page and the
/// later ones get 304s.
async fn burst(b: &Bench, args: &Args, dir: &std::path::Path, main_db: &std::path::Path) {
    let db = main_db.with_file_name("burst.db");
    let path = config_with(
        dir,
        "burst.toml",
        &db,
        &b.base,
        args,
        &format!(
            "\n[defaults]\nschedule = \"0 * * * * *\"\njitter = \"0\"\n\n[politeness]\nhost_interval = \"0\"\nhost_concurrency = {}\nrobots = false\n",
            args.concurrency
        ),
    );
    let config = claimwatch::cli::config::load(&path).expect("burst config");
    let opts = claimwatch::service::daemon::RunOptions {
        max_checks_per_source: Some(args.burst_rounds as u32),
        drain_deadline: Duration::from_secs(60),
        reload: None,
    };
    println!();
    println!(
        "daemon burst: {} sources due together every minute, {} rounds",
        args.pages, args.burst_rounds
    );
    println!(
        "{:>7} {:>8} {:>8} {:>9} {:>8}",
        "t s", "RSS MB", "peak MB", "CPU s", "fetches"
    );
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    let shutdown = CancellationToken::new();
    let daemon =
        tokio::spawn(
            async move { claimwatch::service::daemon::run(&config, shutdown, opts).await },
        );
    let reader = loop {
        match rusqlite::Connection::open(&db) {
            Ok(c) => break c,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let fetches = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM fetches", [], |r| r.get(0))
            .unwrap_or(0)
    };
    // (time, RSS KiB, CPU, fetch rows)
    let mut samples: Vec<(f64, u64, Duration, i64)> = Vec::new();
    let mut last_print = -1.0f64;
    while !daemon.is_finished() {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let t = t0.elapsed().as_secs_f64();
        let sample = (t, status_kib("VmRSS"), cpu_time() - cpu0, fetches(&reader));
        let changed = samples.last().is_none_or(|l| l.3 != sample.3);
        if changed || t - last_print >= 5.0 {
            println!(
                "{:>7.2} {:>8.1} {:>8.1} {:>9.3} {:>8}",
                t,
                sample.1 as f64 / 1024.0,
                status_kib("VmHWM") as f64 / 1024.0,
                sample.2.as_secs_f64(),
                sample.3
            );
            last_print = t;
        }
        samples.push(sample);
    }
    daemon.await.expect("daemon task").expect("daemon failed");
    // Rounds: runs of samples in which the fetch count grows.
    let idle_rss = samples
        .iter()
        .take_while(|s| s.3 == 0)
        .map(|s| s.1)
        .max()
        .unwrap_or(0);
    let mut rounds: Vec<(usize, usize)> = Vec::new(); // sample index ranges
    let mut start = None;
    for i in 1..samples.len() {
        let growing = samples[i].3 > samples[i - 1].3;
        match (growing, start) {
            (true, None) => start = Some(i - 1),
            (false, Some(s)) => {
                rounds.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        rounds.push((s, samples.len() - 1));
    }
    println!(
        "daemon burst: RSS before the first round {:.1} MB (idle, {} schedules waiting)",
        idle_rss as f64 / 1024.0,
        args.pages
    );
    for (k, (a, z)) in rounds.iter().enumerate() {
        let checks = samples[*z].3 - samples[*a].3;
        let cpu = samples[*z].2 - samples[*a].2;
        let peak = samples[*a..=*z].iter().map(|s| s.1).max().unwrap_or(0);
        let after = samples.get(z + 4).map_or(samples[*z].1, |s| s.1);
        println!(
            "round {}: {} checks in {:.2} s, {:.3} CPU ms per check, RSS peak {:.1} MB, {:.1} MB 1 s after",
            k + 1,
            checks,
            samples[*z].0 - samples[*a].0,
            cpu.as_secs_f64() * 1e3 / checks.max(1) as f64,
            peak as f64 / 1024.0,
            after as f64 / 1024.0
        );
    }
    println!(
        "daemon burst: peak RSS of the process {:.1} MB",
        status_kib("VmHWM") as f64 / 1024.0
    );
}

fn main() {
    // As `claimwatch` does first thing: the allocator's limits.
    claimwatch::service::pipeline::limit_malloc_arenas();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if args.serve {
        serve(&args);
        return;
    }
    if let Some((i, generation)) = args.dump {
        let site = BenchSite::new(i + 1, args.seed);
        for _ in 0..generation {
            site.edit_page(i);
        }
        print!("{}", site.render(i, 0));
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(args));
}
