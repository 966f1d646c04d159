//! A database made by the real pipeline against the bundled demo site:
//! every article checked at steps 0, 1 and 2 of its timeline, so there are
//! first versions, changed versions (an amount revised from $50 to $40
//! billion silently by one outlet and with a correction notice by another,
//! a hedge added, a paragraph replaced) and an unchanged one.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use claimwatch::cli::demo::{self, DemoSite};

/// A demo database in a temporary folder, with the config that names it.
pub struct DemoDb {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub database: PathBuf,
}

/// Builds a fresh demo database (for tests that change it).
pub fn build() -> DemoDb {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = rt.block_on(async {
        let site = DemoSite::start().await.unwrap();
        // A schedule that never fires: the test drives every check.
        let path = demo::write_config(dir.path(), &site, "0 0 1 1 *").unwrap();
        let config = claimwatch::cli::config::load(&path).unwrap();
        for step in 0..3 {
            site.set_step(step);
            let outcomes = claimwatch::service::daemon::check_once(&config, None)
                .await
                .unwrap();
            for o in &outcomes {
                assert!(o.reason.is_none(), "demo check failed: {o:?}");
            }
        }
        path
    });
    let database = claimwatch::cli::config::load(&config).unwrap().database;
    DemoDb {
        dir,
        config,
        database,
    }
}

/// The demo database shared by the read-only tests of one test binary.
pub fn shared() -> &'static DemoDb {
    static DB: OnceLock<DemoDb> = OnceLock::new();
    DB.get_or_init(build)
}

/// Runs the claimwatch binary with `--config` set to this database's.
pub fn claimwatch(db: &DemoDb, args: &[&str]) -> Output {
    run_with_config(&db.config, args)
}

/// Runs the claimwatch binary with a config file. `CLAIMWATCH_BIN` runs
/// another build of it (an installed binary, or a copy) instead of the one
/// cargo built for these tests.
pub fn run_with_config(config: &Path, args: &[&str]) -> Output {
    let bin = std::env::var_os("CLAIMWATCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_claimwatch").into());
    Command::new(bin)
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a command that must succeed and parses its JSON output.
pub fn json(db: &DemoDb, args: &[&str]) -> serde_json::Value {
    let o = claimwatch(db, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?} failed: {}\n{}",
        stderr(&o),
        stdout(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)))
}
