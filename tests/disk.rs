//! Files and disks: a full disk and a read-only database give clear errors,
//! corrupt nothing and recover; the database and a config holding a secret
//! are private to the service user.
//!
//! A full disk is simulated three ways: a small tmpfs when the test may
//! mount one (root), else a file size limit (`RLIMIT_FSIZE`, in a child
//! process), and everywhere SQLite's `max_page_count`, which fails writes
//! with the same SQLITE_FULL error a full file system gives.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use claimwatch::cli::config::{self};
use claimwatch::core::extract::Article;
use claimwatch::service::fetch::Validators;
use claimwatch::store::{CheckRecord, CheckResult, NewChange, NewVersion, Store, Stored};
use rusqlite::Connection;

/// Incompressible bytes, so stored pages take real space.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn version(doc: i64, n: u64, size: usize, from: Option<i64>) -> CheckRecord {
    let raw = noise(size, n);
    let text = format!(
        "Amazon will invest $50 billion in OpenAI (version {n}). {}",
        String::from_utf8_lossy(&noise(size / 4, n + 1000))
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    );
    CheckRecord {
        document_id: doc,
        started_at: Utc::now(),
        duration_ms: 1,
        http_status: Some(200),
        bytes: raw.len() as u64,
        result: CheckResult::Changed {
            validators: Validators::default(),
            version: NewVersion {
                content_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
                article: Article {
                    title: Some(format!("v{n}")),
                    text,
                    ..Default::default()
                },
                raw_html: raw,
                claims: Default::default(),
            },
            change: from.map(|id| NewChange {
                from_version_id: id,
                summary: "changed".into(),
                approximate: false,
                diff_json: "{}".into(),
                disclosure: Default::default(),
                notice: None,
            }),
        },
    }
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn latest_id(conn: &Connection) -> i64 {
    conn.query_row("SELECT max(id) FROM versions", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn full_database_gives_a_clear_error_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    let doc = store
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    assert!(matches!(
        store.record(&version(doc, 1, 2_000, None)).unwrap(),
        Stored::New { .. }
    ));
    let v1 = latest_id(store.conn());
    let pages: i64 = store
        .conn()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    store
        .conn()
        .pragma_update(None, "max_page_count", pages + 2)
        .unwrap();
    let fetches = count(store.conn(), "fetches");

    let err = store
        .record(&version(doc, 2, 400_000, Some(v1)))
        .unwrap_err();
    assert!(
        err.to_string().contains("database or disk is full"),
        "unclear error: {err}"
    );
    // Nothing half-written: the whole check was rolled back.
    assert_eq!(integrity(store.conn()), "ok");
    assert_eq!(count(store.conn(), "versions"), 1);
    assert_eq!(count(store.conn(), "changes"), 0);
    assert_eq!(count(store.conn(), "fetches"), fetches);

    // Space returns: the same check is stored.
    store
        .conn()
        .pragma_update(None, "max_page_count", 1_000_000_000)
        .unwrap();
    assert!(matches!(
        store.record(&version(doc, 2, 400_000, Some(v1))).unwrap(),
        Stored::Changed { number: 2, .. }
    ));
    assert_eq!(integrity(store.conn()), "ok");
}

/// A full file system without root: the same test in a child process
/// whose files may not grow past a limit (`RLIMIT_FSIZE`, with `SIGXFSZ`
/// ignored so a write past it fails with `EFBIG` instead of killing the
/// process). The child raises the limit again to see writes recover.
fn file_size_limit(dir: &Path) {
    use std::os::unix::process::CommandExt;
    let db = dir.join("c.db");
    let mut store = Store::open(&db).unwrap();
    let doc = store
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    store.record(&version(doc, 1, 2_000, None)).unwrap();
    drop(store);
    let size = std::fs::metadata(&db).unwrap().len();
    // Room for the database as it is and a little more, not for the pages
    // written next.
    let limit = size + 512 * 1024;
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "full_file_system_gives_a_clear_error_and_recovers",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(LIMIT_CHILD, &db);
    // SAFETY: async-signal-safe calls only, between fork and exec.
    unsafe {
        child.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: limit as libc::rlim_t,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rl) != 0
                || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the file-size-limit case failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The child of [`file_size_limit`]: writes until the limit refuses one,
/// then raises the limit and writes again.
fn file_size_limit_child(db: &Path) {
    let mut store = Store::open(db).unwrap();
    let doc = store
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    let v1 = latest_id(store.conn());
    let mut failed = None;
    for n in 2..50 {
        if let Err(e) = store.record(&version(doc, n, 300_000, Some(latest_id(store.conn())))) {
            failed = Some(e);
            break;
        }
    }
    let msg = failed
        .expect("the file size limit must refuse a write")
        .to_string();
    assert!(
        msg.contains("database or disk is full") || msg.contains("disk I/O error"),
        "unclear error: {msg}"
    );
    assert_eq!(integrity(store.conn()), "ok");
    // Space returns.
    let rl = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: a plain system call on a valid struct.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &rl) }, 0);
    let latest = latest_id(store.conn());
    assert!(latest >= v1);
    assert!(matches!(
        store.record(&version(doc, 99, 300_000, Some(latest))),
        Ok(Stored::Changed { .. })
    ));
    drop(store);
    let store = Store::open(db).unwrap();
    assert_eq!(integrity(store.conn()), "ok");
    let n = count(store.conn(), "versions");
    assert_eq!(count(store.conn(), "changes"), n - 1);
}

/// A tmpfs mounted for the test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }

    fn remount(&self, opts: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system with a junk file until it is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0xa5u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let small = [0u8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
}

/// Set in the child process that runs the file-size-limit case.
const LIMIT_CHILD: &str = "CLAIMWATCH_TEST_FSIZE_CHILD";

#[test]
fn full_file_system_gives_a_clear_error_and_recovers() {
    if let Ok(db) = std::env::var(LIMIT_CHILD) {
        return file_size_limit_child(Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(dir.path(), "8m") else {
        // Without root: the same refusal from a file size limit.
        return file_size_limit(dir.path());
    };
    let db = fs.0.join("c.db");
    let mut store = Store::open(&db).unwrap();
    let doc = store
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    store.record(&version(doc, 1, 2_000, None)).unwrap();
    let v1 = latest_id(store.conn());
    let junk = fs.0.join("junk");
    fill(&junk);

    let mut failed = None;
    for n in 2..50 {
        match store.record(&version(doc, n, 300_000, Some(latest_id(store.conn())))) {
            Ok(_) => {}
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let err = failed.expect("the full file system must refuse a write");
    let msg = err.to_string();
    assert!(
        msg.contains("database or disk is full") || msg.contains("disk I/O error"),
        "unclear error: {msg}"
    );
    assert_eq!(integrity(store.conn()), "ok");

    // Space returns: writes work again, and a fresh open sees an intact file.
    std::fs::remove_file(&junk).unwrap();
    let latest = latest_id(store.conn());
    assert!(latest >= v1);
    assert!(matches!(
        store.record(&version(doc, 99, 300_000, Some(latest))),
        Ok(Stored::Changed { .. })
    ));
    drop(store);
    let store = Store::open(&db).unwrap();
    assert_eq!(integrity(store.conn()), "ok");
    let n = count(store.conn(), "versions");
    assert_eq!(count(store.conn(), "changes"), n - 1);
}

#[test]
fn read_only_database_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Root ignores file modes; a read-only mount binds root too.
    let fs = Tmpfs::mount(dir.path(), "8m");
    let db = dir.path().join("c.db");
    let mut store = Store::open(&db).unwrap();
    let doc = store
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    store.record(&version(doc, 1, 2_000, None)).unwrap();
    drop(store);

    let made_read_only = match &fs {
        Some(fs) => fs.remount("ro"),
        None => {
            use std::os::unix::fs::PermissionsExt;
            for p in [&db, &dir.path().to_path_buf()] {
                let mode = if p.is_dir() { 0o500 } else { 0o400 };
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
            // Root would still be able to write: nothing to test then.
            std::fs::OpenOptions::new().write(true).open(&db).is_err()
        }
    };
    assert!(
        made_read_only,
        "cannot make the database read-only here: running as root without the \
         right to mount a tmpfs (root ignores file modes); run as another user or \
         with CAP_SYS_ADMIN"
    );
    let err = match Store::open(&db) {
        Err(e) => e.to_string(),
        Ok(mut s) => s
            .record(&version(doc, 2, 2_000, Some(1)))
            .unwrap_err()
            .to_string(),
    };
    assert!(
        err.contains("read-only") || err.contains("readonly"),
        "unclear error: {err}"
    );
    assert!(err.contains("c.db"), "the error names the file: {err}");

    // Writable again: nothing was damaged.
    match &fs {
        Some(fs) => assert!(fs.remount("rw")),
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
            std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(integrity(store.conn()), "ok");
    assert_eq!(count(store.conn(), "versions"), 1);
}

#[test]
fn database_and_its_journal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    std::fs::write(
        &path,
        "database = \"c.db\"\n[story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/a\"\n",
    )
    .unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let store = Store::open(&config.database).unwrap();
    // WAL files exist while a connection is open.
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", config.database.display()));
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", p.display());
    }
    drop(store);
}

#[test]
fn config_with_a_secret_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    std::fs::write(&path, "[report.email]\npassword = \"hunter2\"\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = config::check_secret_permissions(&path, true).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("0644") && msg.contains("chmod 600"), "{msg}");
    assert!(msg.contains("claimwatch.toml"), "{msg}");
    assert!(
        !msg.contains("hunter2"),
        "the message must not show the secret"
    );
    for mode in [0o640, 0o604] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        assert!(config::check_secret_permissions(&path, true).is_err());
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(config::check_secret_permissions(&path, true).is_ok());
    // Without a secret a readable config is fine.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(config::check_secret_permissions(&path, false).is_ok());
}
