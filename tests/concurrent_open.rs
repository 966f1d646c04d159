//! Several processes opening one new database file at once (nodes started
//! together, a CLI beside the daemon) migrate it once: none fails with a
//! migration applied twice ("duplicate column name"), and the file ends at
//! the full schema, intact.

use std::path::Path;
use std::process::{Command, Stdio};

const PROCESSES: usize = 6;
const ROUNDS: usize = 4;

fn write_config(dir: &Path) -> std::path::PathBuf {
    // Port 9 (discard) on loopback refuses the connection at once: each
    // process opens the database, records one failed fetch and exits.
    let path = dir.join("claimwatch.toml");
    std::fs::write(
        &path,
        "database = \"claimwatch.db\"\n[fetch]\ntimeout = \"2s\"\nconnect_timeout = \"1s\"\n\
         [story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/a\"\n",
    )
    .unwrap();
    path
}

#[test]
fn processes_started_together_on_a_new_file_migrate_it_once() {
    let bin = env!("CARGO_BIN_EXE_claimwatch");
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path());
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                Command::new(bin)
                    .arg("--config")
                    .arg(&config)
                    .arg("check")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains("migration") && !stderr.contains("database error"),
                "round {round}: a process failed to open the new database:\n{stderr}"
            );
            // A refused connection is a failed check (status 1), never a
            // database failure.
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "round {round}: status {:?}\n{stderr}",
                out.status
            );
        }
        let out = Command::new(bin)
            .arg("--config")
            .arg(&config)
            .args(["db", "check", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["ok"], true, "{report}");
        assert_eq!(
            report["schema_version"], report["known_schema_version"],
            "{report}"
        );
        // Every process recorded its one failed fetch.
        let conn = rusqlite::Connection::open(dir.path().join("claimwatch.db")).unwrap();
        let fetches: i64 = conn
            .query_row("SELECT count(*) FROM fetches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fetches, PROCESSES as i64, "round {round}");
    }
}
