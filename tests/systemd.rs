//! The daemon under a service manager: the real binary with a test
//! `NOTIFY_SOCKET`, SIGHUP reloads, and the unit file checked by
//! `systemd-analyze` (Debian package `systemd`).

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use claimwatch::cli::demo::{self, DemoSite};

const BIN: &str = env!("CARGO_BIN_EXE_claimwatch");
const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/systemd/claimwatch.service");

/// Lines from a reader, on a channel.
fn lines(r: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Datagrams sent to a notify socket, on a channel.
fn notify_socket(dir: &Path) -> (PathBuf, mpsc::Receiver<String>) {
    let path = dir.join("notify.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = sock.recv(&mut buf) {
            if tx
                .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                .is_err()
            {
                break;
            }
        }
    });
    (path, rx)
}

/// Waits (at most `limit`) for an item that satisfies `pred`; returns what
/// was seen before it too.
fn wait_for(
    rx: &mpsc::Receiver<String>,
    limit: Duration,
    pred: impl Fn(&str) -> bool,
) -> Result<String, Vec<String>> {
    let end = Instant::now() + limit;
    let mut seen = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(m) if pred(&m) => return Ok(m),
            Ok(m) => seen.push(m),
            Err(_) => break,
        }
    }
    Err(seen)
}

fn spawn_daemon(config: &Path, env: &[(&str, &Path)]) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args(["--config"])
        .arg(config)
        .arg("run")
        .env("RUST_LOG", "info")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("WATCHDOG_USEC")
        .env_remove("WATCHDOG_PID")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start the claimwatch binary")
}

fn signal(child: &Child, sig: &str) {
    let signo = match sig {
        "-HUP" => libc::SIGHUP,
        "-TERM" => libc::SIGTERM,
        other => panic!("unknown signal {other}"),
    };
    // SAFETY: kill(2) on the pid of a child this test started and has not
    // reaped yet.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, signo) };
    assert_eq!(rc, 0, "kill {sig} failed");
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if let Some(st) = child.try_wait().unwrap() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sd_notify_sends_ready_watchdog_status_and_stopping() {
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = demo::write_config(dir.path(), &site, "* * * * * *").unwrap();
    let (sock, rx) = notify_socket(dir.path());
    let mut child = {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&config)
            .arg("run")
            .env("NOTIFY_SOCKET", &sock)
            .env("WATCHDOG_USEC", "400000")
            .env_remove("WATCHDOG_PID")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("daemon.log")).unwrap());
        cmd.spawn().unwrap()
    };
    // On failure, what the daemon logged and whether it is still running.
    let log = |child: &mut Child| {
        let state = child.try_wait().ok().flatten();
        let text = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
        format!("daemon exited: {state:?}\n{text}")
    };
    let ready = wait_for(&rx, Duration::from_secs(60), |m| m.contains("READY=1"));
    assert!(ready.is_ok(), "no READY=1: {ready:?}");
    // Pings at half the interval, with the counts in STATUS=.
    let ping = wait_for(&rx, Duration::from_secs(60), |m| m.contains("WATCHDOG=1"));
    let ping = ping.expect("no WATCHDOG=1");
    assert!(
        ping.contains("STATUS=") && ping.contains("documents"),
        "{ping}"
    );
    // The counts move as checks happen.
    let counted = wait_for(&rx, Duration::from_secs(60), |m| {
        m.contains("WATCHDOG=1") && !m.contains(" 0 checks")
    });
    assert!(counted.is_ok(), "{counted:?}");
    signal(&child, "-TERM");
    let stopping = wait_for(&rx, Duration::from_secs(60), |m| m.contains("STOPPING=1"));
    assert!(
        stopping.is_ok(),
        "no STOPPING=1: {stopping:?}\n{}",
        log(&mut child)
    );
    let status = wait_exit(&mut child, Duration::from_secs(25)).expect("did not stop");
    assert!(status.success(), "{status:?}");
    drop(site);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watchdog_is_not_pinged_while_the_database_does_not_answer() {
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = demo::write_config(dir.path(), &site, "* * * * * *").unwrap();
    let (sock, rx) = notify_socket(dir.path());
    let mut child = {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&config)
            .arg("run")
            .env("NOTIFY_SOCKET", &sock)
            .env("WATCHDOG_USEC", "400000")
            .env_remove("WATCHDOG_PID")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd.spawn().unwrap()
    };
    wait_for(&rx, Duration::from_secs(60), |m| m.contains("WATCHDOG=1")).expect("first ping");

    // Another process holds the database's write lock: no check could
    // record its result, so the pings stop...
    let db = rusqlite::Connection::open(dir.path().join("claimwatch.db")).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    // (a ping already on its way may still arrive)
    let _ = wait_for(&rx, Duration::from_millis(500), |_| false);
    let during = wait_for(&rx, Duration::from_millis(1500), |m| {
        m.contains("WATCHDOG=1")
    });
    assert!(during.is_err(), "pinged while the database was locked");
    // ...and resume once it answers again.
    db.execute_batch("ROLLBACK").unwrap();
    wait_for(&rx, Duration::from_secs(60), |m| m.contains("WATCHDOG=1")).expect("pings resume");
    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(60)).expect("did not stop");
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_with_a_broken_config_keeps_the_old_one() {
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = demo::write_config(dir.path(), &site, "* * * * * *").unwrap();
    let good = std::fs::read_to_string(&config).unwrap();
    let (sock, notes) = notify_socket(dir.path());
    let mut child = spawn_daemon(&config, &[("NOTIFY_SOCKET", &sock)]);
    let log = lines(child.stderr.take().unwrap());
    wait_for(&notes, Duration::from_secs(60), |m| m.contains("READY=1")).expect("READY=1");
    wait_for(&log, Duration::from_secs(60), |l| {
        l.contains("harbor-ledger")
    })
    .expect("a first check");

    // A broken config: the error is logged with file, line and key, and
    // the daemon keeps checking on the old one.
    std::fs::write(&config, good.replace("* * * * * *", "every second")).unwrap();
    signal(&child, "-HUP");
    let err = wait_for(&log, Duration::from_secs(60), |l| {
        l.contains("reload failed")
    })
    .expect("the reload error is logged");
    assert!(err.contains("sources[0].schedule"), "{err}");
    let before = site.hits("harbor-ledger");
    let more = wait_for(&log, Duration::from_secs(60), |_| {
        site.hits("harbor-ledger") >= before + 2
    });
    assert!(more.is_ok(), "stopped checking after a failed reload");
    assert!(child.try_wait().unwrap().is_none(), "the daemon exited");

    // A valid config is taken, with RELOADING=1 then READY=1.
    std::fs::write(&config, good.replace("* * * * * *", "*/2 * * * * *")).unwrap();
    signal(&child, "-HUP");
    wait_for(&notes, Duration::from_secs(60), |m| {
        m.contains("RELOADING=1")
    })
    .expect("RELOADING=1");
    wait_for(&log, Duration::from_secs(30), |l| {
        l.contains("configuration reloaded")
    })
    .expect("reloaded");
    wait_for(&notes, Duration::from_secs(60), |m| m.contains("READY=1")).expect("READY=1 again");

    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(25)).expect("did not stop");
    assert!(status.success(), "{status:?}");
}

fn systemd_analyze(args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze")
        .args(args)
        .output()
        .expect("systemd-analyze is missing: install the Debian package `systemd`")
}

#[test]
fn the_unit_passes_systemd_analyze_verify() {
    // As installed: ExecStart pointing at a real binary.
    let dir = tempfile::tempdir().unwrap();
    let unit = std::fs::read_to_string(UNIT)
        .unwrap()
        .replace("/usr/local/bin/claimwatch", BIN);
    let path = dir.path().join("claimwatch.service");
    std::fs::write(&path, unit).unwrap();
    let out = systemd_analyze(&["verify", path.to_str().unwrap()]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

#[test]
fn the_unit_is_hardened_to_an_exposure_of_2_or_lower() {
    let out = systemd_analyze(&["security", "--offline=true", UNIT]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level"))
        .unwrap_or_else(|| panic!("no exposure level in: {text}"));
    let score: f64 = line
        .split(':')
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("cannot read {line:?}"));
    assert!(score <= 2.0, "{line}");
}
