//! Crash safety: the real binary runs against a loopback site whose articles
//! change on a known sequence, and is killed with SIGKILL at random moments
//! (seeded, so a failure can be replayed). After every kill the database
//! must pass `PRAGMA integrity_check` and hold exactly what was served:
//! each document's versions are distinct revisions the server really sent,
//! in order, none lost from one kill to the next; each consecutive pair of
//! versions has exactly one change (and one outbox row when the outbox
//! exists); every change the daemon logged is in the database, and none
//! was logged twice.
//!
//! `CLAIMWATCH_CRASH_KILLS` (default 50) and `CLAIMWATCH_CRASH_SEED` set the
//! run; `scripts/crash-long.sh` runs a long one.

use claimwatch::core::rng::Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claimwatch::service::httpd::{self, Request, Response};
use rusqlite::Connection;
use tokio_util::sync::CancellationToken;

const DOCS: [&str; 3] = ["doc-a", "doc-b", "doc-c"];

/// The changing site: the n-th request for a document serves revision n / 2
/// (until frozen), and every revision served is remembered.
#[derive(Default)]
struct Site {
    hits: [AtomicU64; 3],
    served: Mutex<[BTreeSet<u64>; 3]>,
    frozen: AtomicBool,
    last: [AtomicU64; 3],
}

impl Site {
    fn respond(&self, req: &Request) -> Response {
        let Some(d) = DOCS.iter().position(|d| req.path == format!("/{d}")) else {
            return Response::new(404, "text/plain", "not found");
        };
        let hits = self.hits[d].fetch_add(1, Ordering::SeqCst);
        let rev = if self.frozen.load(Ordering::SeqCst) {
            self.last[d].load(Ordering::SeqCst)
        } else {
            hits / 2
        };
        self.last[d].store(rev, Ordering::SeqCst);
        self.served.lock().unwrap()[d].insert(rev);
        Response::html(page(DOCS[d], rev, hits))
    }
}

/// One revision of a document: enough text that a write takes a moment,
/// plus noise that must never count as a change.
fn page(doc: &str, rev: u64, noise: u64) -> String {
    let filler: String = (0..40)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of {doc}: Amazon's investment in OpenAI, as reported in revision {rev}, \
                 is described here at length so that each stored version is a few kilobytes.</p>"
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>{doc} revision {rev}</title></head><body>\
         <div class=\"ad\">ad slot {noise}</div><article>\
         <p>Amazon will invest ${rev} billion in OpenAI, according to {doc} revision {rev}.</p>\
         {filler}</article><footer>generated {noise}</footer></body></html>"
    )
}

/// Waits until the daemon logged that it runs (its schedules started). A
/// daemon that exits first, or never gets there, fails the test with its log.
fn wait_until_running(log_path: &Path, child: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let log = std::fs::read_to_string(log_path).unwrap_or_default();
        if log.contains("claimwatch running") {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the daemon exited ({status}) before running:\n{log}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the daemon did not start within 120 s:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a document held at the last check: version number -> content hash.
type Snapshot = BTreeMap<(String, i64), String>;

/// Checks every invariant; returns the versions stored per document.
fn verify(db: &Path, served: &[BTreeSet<u64>; 3], prev: &mut Snapshot) -> [Vec<u64>; 3] {
    let conn = Connection::open(db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "integrity_check");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "foreign keys");

    let mut revisions: [Vec<u64>; 3] = Default::default();
    let mut now = Snapshot::new();
    for (d, doc) in DOCS.iter().enumerate() {
        let mut stmt = conn
            .prepare(
                "SELECT v.number, v.title, v.content_hash FROM versions v
                 JOIN documents dd ON dd.id = v.document_id JOIN sources s ON s.id = dd.source_id
                 WHERE s.name = ?1 ORDER BY v.number",
            )
            .unwrap();
        let rows: Vec<(i64, String, String)> = stmt
            .query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (i, (number, title, hash)) in rows.iter().enumerate() {
            assert_eq!(*number, i as i64 + 1, "{doc}: version numbers are 1..n");
            let rev: u64 = title
                .rsplit(' ')
                .next()
                .and_then(|r| r.parse().ok())
                .unwrap_or_else(|| panic!("{doc}: unexpected title {title:?}"));
            assert!(
                served[d].contains(&rev),
                "{doc}: stored revision {rev} was never served"
            );
            if let Some(&last) = revisions[d].last() {
                assert!(
                    rev > last,
                    "{doc}: revision {rev} after {last}: duplicated or out of order"
                );
            }
            revisions[d].push(rev);
            now.insert((doc.to_string(), *number), hash.clone());
        }
        let hashes: BTreeSet<_> = rows.iter().map(|r| &r.2).collect();
        assert_eq!(hashes.len(), rows.len(), "{doc}: duplicate content stored");

        let n = rows.len() as i64;
        let (changes, consecutive): (i64, i64) = conn
            .query_row(
                "SELECT count(*), coalesce(sum(t.number = f.number + 1), 0) FROM changes c
                 JOIN versions f ON f.id = c.from_version_id JOIN versions t ON t.id = c.to_version_id
                 JOIN documents dd ON dd.id = c.document_id JOIN sources s ON s.id = dd.source_id
                 WHERE s.name = ?1",
                [doc],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            changes,
            (n - 1).max(0),
            "{doc}: one change per consecutive pair"
        );
        assert_eq!(
            consecutive, changes,
            "{doc}: changes link consecutive versions"
        );
        let storing: i64 = conn
            .query_row(
                "SELECT count(*) FROM fetches f JOIN documents dd ON dd.id = f.document_id
                 JOIN sources s ON s.id = dd.source_id
                 WHERE s.name = ?1 AND f.outcome IN ('new', 'changed') AND f.version_id IS NOT NULL",
                [doc],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            storing, n,
            "{doc}: each version stored by exactly one fetch"
        );
    }
    // Nothing seen before is gone or altered.
    for (key, hash) in prev.iter() {
        assert_eq!(now.get(key), Some(hash), "{key:?} was lost after a kill");
    }
    *prev = now;
    check_outbox(&conn);
    revisions
}

/// When the outbox table exists, each change has exactly one outbox row.
fn check_outbox(conn: &Connection) {
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('outbox')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    if !cols.iter().any(|c| c == "change_id") {
        return;
    }
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM changes c
             WHERE (SELECT count(*) FROM outbox o WHERE o.change_id = c.id) != 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0, "changes without exactly one outbox row");
}

/// Changes the daemon logged, as (source, to_version), from its stderr.
fn logged_changes(log: &str) -> Vec<(String, i64)> {
    let re = regex::Regex::new(r"(doc-[abc]): version (\d+) -> (\d+):").unwrap();
    log.lines()
        .filter_map(|l| re.captures(l))
        .map(|c| (c[1].to_string(), c[3].parse().unwrap()))
        .collect()
}

fn write_config(dir: &Path, base: &str) -> PathBuf {
    let mut text = String::from(
        "database = \"claimwatch.db\"\n[fetch]\ntimeout = \"2s\"\nconnect_timeout = \"1s\"\n\
         [defaults]\njitter = \"0\"\n[politeness]\nhost_interval = \"0\"\n\
         [story]\nname = \"Amazon invests $50 billion in OpenAI\"\n",
    );
    for d in DOCS {
        text.push_str(&format!(
            "[[sources]]\nname = \"{d}\"\nurl = \"{base}/{d}\"\nschedule = \"*/1 * * * * *\"\n"
        ));
    }
    let path = dir.join("claimwatch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn survives_sigkill_at_random_moments() {
    let kills = env_u64("CLAIMWATCH_CRASH_KILLS", 50);
    let seed = env_u64("CLAIMWATCH_CRASH_SEED", 0x00c1_a1a3_a7c4);
    let mut rng = Rng::new(seed);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let site = Arc::new(Site::default());
    let shutdown = CancellationToken::new();
    let base = rt.block_on(async {
        let listener = httpd::bind_loopback().await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let s = site.clone();
        let handler: httpd::Handler = Arc::new(move |req: &Request| s.respond(req));
        tokio::spawn(httpd::serve(listener, handler, shutdown.clone()));
        base
    });

    let dir = tempfile::tempdir().unwrap();
    // A private copy of the binary: the build directory may be rebuilt
    // while the test runs.
    let bin = dir.path().join("claimwatch");
    std::fs::copy(env!("CARGO_BIN_EXE_claimwatch"), &bin).unwrap();
    let config = write_config(dir.path(), &base);
    let db = dir.path().join("claimwatch.db");

    let mut prev = Snapshot::new();
    let mut logged: HashMap<(String, i64), u32> = HashMap::new();
    let mut all_logs = String::new();
    for kill in 0..kills {
        let log_path = dir.path().join(format!("run-{kill}.log"));
        let mut child = Command::new(&bin)
            .arg("--config")
            .arg(&config)
            .arg("run")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap();
        // A quarter of the kills may land while the daemon starts (opening
        // the database, migrating). The others wait until it runs, so a
        // loaded machine's slow start-ups cannot leave the run with nothing
        // to kill mid-check: the moment of the kill counts from "running".
        if rng.below(4) != 0 {
            wait_until_running(&log_path, &mut child);
        }
        // Checks start on whole seconds. Half the kills land at a random
        // moment; the other half just after a second starts, where the
        // checks are connecting, reading, extracting and writing.
        if rng.next_u64().is_multiple_of(2) {
            std::thread::sleep(Duration::from_millis(rng.range(300, 2599) as u64));
        } else {
            let seconds = rng.range(1, 2) as u64;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            let to_boundary =
                Duration::from_secs(1) - Duration::from_nanos(now.subsec_nanos() as u64);
            let offset = Duration::from_millis(rng.range(0, 149) as u64);
            std::thread::sleep(to_boundary + Duration::from_secs(seconds - 1) + offset);
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let served = site.served.lock().unwrap().clone();
        verify(&db, &served, &mut prev);
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        for key in logged_changes(&log) {
            *logged.entry(key).or_default() += 1;
        }
        all_logs.push_str(&log);
    }

    // Stop the changes, then one clean check: the latest version of every
    // document must be the revision now served.
    site.frozen.store(true, Ordering::SeqCst);
    let status = Command::new(&bin)
        .arg("--config")
        .arg(&config)
        .arg("check")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let served = site.served.lock().unwrap().clone();
    let stored = verify(&db, &served, &mut prev);
    for (d, doc) in DOCS.iter().enumerate() {
        let last = site.last[d].load(Ordering::SeqCst);
        assert_eq!(
            stored[d].last(),
            Some(&last),
            "{doc}: latest served revision stored"
        );
    }

    // Every change the daemon reported is stored, and none twice.
    let conn = Connection::open(&db).unwrap();
    for ((doc, to), times) in &logged {
        assert_eq!(*times, 1, "{doc} v{to} reported {times} times");
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM changes c JOIN versions t ON t.id = c.to_version_id
                 JOIN documents dd ON dd.id = c.document_id JOIN sources s ON s.id = dd.source_id
                 WHERE s.name = ?1 AND t.number = ?2",
                rusqlite::params![doc, to],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{doc} v{to} was reported but is not stored");
    }
    let total_changes: i64 = conn
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    // Every check counts on its document; only those that stored a
    // version (or failed) have a row of their own.
    let fetches: i64 = conn
        .query_row("SELECT sum(checks) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert!(
        total_changes >= 10,
        "too few changes ({total_changes}) for the run to mean anything"
    );
    let requests: u64 = site.hits.iter().map(|h| h.load(Ordering::SeqCst)).sum();
    eprintln!(
        "crash test: {kills} SIGKILLs survived (seed {seed:#x}); {requests} requests served, \
         {fetches} fetches recorded ({} cut short by a kill), {} versions, \
         {total_changes} changes stored, {} logged",
        requests as i64 - fetches,
        stored.iter().map(Vec::len).sum::<usize>(),
        logged.len()
    );
    shutdown.cancel();
}
