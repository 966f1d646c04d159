//! The binary as a user runs it: exit statuses, messages and output.

use std::path::Path;
use std::process::{Command, Output};

fn claimwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimwatch"))
        .args(args)
        .env_remove("CLAIMWATCH_CONFIG")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn malformed_config_names_file_line_and_key_and_exits_78() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[story]\nname = \"x\"\n\n[[sources]]\nname = \"a\"\nurl = \"https://example.com/\"\nschedule = \"whenever\"\n",
    )
    .unwrap();
    for cmd in [&["config", "check"][..], &["check"], &["run"]] {
        let mut args = vec!["--config", path.to_str().unwrap()];
        args.extend_from_slice(cmd);
        let o = claimwatch(&args);
        assert_eq!(o.status.code(), Some(78), "{cmd:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:7: sources[0].schedule:", path.display())),
            "{err}"
        );
        assert!(err.contains("invalid cron expression"), "{err}");
    }
    // Nothing was started: no database was created.
    assert!(!dir.path().join("claimwatch.db").exists());
}

#[test]
fn toml_syntax_error_exits_78_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[story]\nname = \"x\"\nentities = [\"a\",\n\n[[sources]\n",
    )
    .unwrap();
    let o = claimwatch(&["--config", path.to_str().unwrap(), "config", "check"]);
    assert_eq!(o.status.code(), Some(78));
    assert!(
        stderr(&o).contains(&format!("{}:", path.display())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_config_file_exits_78() {
    let o = claimwatch(&[
        "--config",
        "/nonexistent/claimwatch.toml",
        "config",
        "check",
    ]);
    assert_eq!(o.status.code(), Some(78));
    assert!(
        stderr(&o).contains("/nonexistent/claimwatch.toml: cannot read the file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_check_prints_a_summary_of_the_example() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/claimwatch.toml");
    let o = claimwatch(&["--config", example.to_str().unwrap(), "config", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("is valid"), "{out}");
    assert!(
        out.contains("story: Amazon invests $50 billion in OpenAI"),
        "{out}"
    );
}

#[test]
fn extract_prints_title_and_text_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<html><head><title>Amazon backs OpenAI</title></head><body><nav>Home</nav><article>\
         <h1>Amazon backs OpenAI</h1><p>Amazon will invest $50 billion in OpenAI.</p>\
         <p>The deal spans several years.</p></article></body></html>",
    )
    .unwrap();
    let o = claimwatch(&["extract", page.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "Amazon backs OpenAI");
    assert_eq!(
        v["text"],
        "Amazon will invest $50 billion in OpenAI.\n\nThe deal spans several years."
    );
}

#[test]
fn query_commands_on_a_missing_database_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n",
    )
    .unwrap();
    let o = claimwatch(&["--config", path.to_str().unwrap(), "history"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no database"), "{}", stderr(&o));
}

#[test]
fn demo_runs_the_daemon_and_leaves_a_database_with_the_scripted_changes() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let o = claimwatch(&["demo", "--dir", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("changes"),
        "prints the commands to query it"
    );
    let conn = rusqlite::Connection::open(demo.join("claimwatch.db")).unwrap();
    let diffs: Vec<String> = conn
        .prepare("SELECT diff FROM change_feed ORDER BY change_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // harbor-ledger 2 changes, techwire-daily 2, market-desk 1: and no
    // change from the noise on every response.
    assert_eq!(diffs.len(), 5, "{diffs:#?}");
    assert!(
        diffs.iter().any(|d| d.contains("$40")),
        "the amount revision is recorded"
    );
    assert!(
        diffs.iter().any(|d| d.contains("reportedly")),
        "the hedge is recorded"
    );
    // The same revision of the amount twice: techwire-daily silently,
    // market-desk with a correction notice appended.
    let amount_revisions: Vec<(String, String, Option<String>)> = conn
        .prepare(
            "SELECT cf.source, cf.disclosure, cf.notice
             FROM claim_change_feed cc JOIN change_feed cf ON cf.change_id = cc.change_id
             WHERE cc.change_kind = 'amount_changed' AND cc.new = '$40 billion'
             ORDER BY cf.source",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(amount_revisions.len(), 2, "{amount_revisions:?}");
    assert_eq!(
        (&amount_revisions[0].0[..], &amount_revisions[0].1[..]),
        ("market-desk", "correction")
    );
    assert!(
        amount_revisions[0]
            .2
            .as_deref()
            .is_some_and(|n| n.starts_with("Correction:")),
        "{amount_revisions:?}"
    );
    assert_eq!(
        amount_revisions[1],
        ("techwire-daily".to_string(), "none".to_string(), None)
    );
    let not_modified: i64 = conn
        .query_row(
            "SELECT count(*) FROM fetch_log WHERE outcome = 'not_modified'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(not_modified > 0);

    // The query commands work on what the demo left.
    let cfg = demo.join("claimwatch.toml");
    let cfg = cfg.to_str().unwrap();
    let h = claimwatch(&["--config", cfg, "history", "techwire-daily"]);
    assert!(h.status.success(), "{}", stderr(&h));
    assert!(stdout(&h).contains("v3"), "{}", stdout(&h));
    let d = claimwatch(&[
        "--config",
        cfg,
        "diff",
        "techwire-daily",
        "--from",
        "1",
        "--to",
        "2",
    ]);
    assert!(stdout(&d).contains("[-$50-]{+$40+}"), "{}", stdout(&d));
    let c = claimwatch(&["--config", cfg, "changes", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
    let missing = claimwatch(&["--config", cfg, "diff", "no-such-outlet"]);
    assert_eq!(missing.status.code(), Some(3));
}

/// Regression: `claimwatch outbox --help` showed `--json` with no words.
/// Every argument of every command says what it does.
#[test]
fn every_flag_of_every_command_has_a_description() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if a.is_hide_set() || id == "help" || id == "version" {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path}: {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() && sub.get_name() != "help" {
                missing.push(format!("{path} {} (the command)", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&claimwatch::cli::Cli::command(), "claimwatch", &mut missing);
    assert!(missing.is_empty(), "no description: {missing:#?}");
}

/// The log level comes from `--log-level`, else `RUST_LOG`, else the
/// config's `log_level`, else `info`. Probed with a check that fails: its
/// failure is a WARN line.
#[test]
fn the_log_level_comes_from_the_flag_then_rust_log_then_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let write = |level: Option<&str>| {
        let path = dir.path().join("cw.toml");
        let line = level.map_or(String::new(), |l| format!("log_level = \"{l}\"\n"));
        std::fs::write(
            &path,
            format!(
                "{line}[story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/gone\"\n"
            ),
        )
        .unwrap();
        path
    };
    let run = |path: &Path, flag: Option<&str>, rust_log: Option<&str>| -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimwatch"));
        cmd.env_remove("CLAIMWATCH_CONFIG").env_remove("RUST_LOG");
        if let Some(l) = rust_log {
            cmd.env("RUST_LOG", l);
        }
        cmd.arg("--config").arg(path);
        if let Some(l) = flag {
            cmd.args(["--log-level", l]);
        }
        let o = cmd.arg("check").output().unwrap();
        stderr(&o)
    };
    let warns = |log: &str| log.lines().any(|l| l.contains("WARN"));

    let plain = write(None);
    assert!(warns(&run(&plain, None, None)), "info by default");
    assert!(!warns(&run(&plain, Some("error"), None)), "the flag");
    assert!(!warns(&run(&plain, None, Some("error"))), "RUST_LOG");
    let quiet = write(Some("error"));
    assert!(!warns(&run(&quiet, None, None)), "the config");
    assert!(
        warns(&run(&quiet, None, Some("warn"))),
        "RUST_LOG over the config"
    );
    assert!(
        !warns(&run(&quiet, Some("error"), Some("warn"))),
        "the flag over RUST_LOG"
    );
}
