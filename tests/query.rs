//! The query commands, the documented SQL and the database care commands,
//! run as the binary against a database the real pipeline built from the
//! demo site.

mod demo_db;

use std::collections::BTreeSet;

use demo_db::{claimwatch, json, shared, stderr, stdout};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

const NOT_FOUND: i32 = 3;
const USAGE: i32 = 2;

fn read_only(db: &demo_db::DemoDb) -> Connection {
    Connection::open_with_flags(&db.database, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn docs(name: &str) -> String {
    std::fs::read_to_string(format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The ```sql blocks of a Markdown file.
fn sql_blocks(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match (&mut cur, line.trim_start()) {
            (None, l) if l.starts_with("```sql") => cur = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => out.push(cur.take().unwrap()),
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn documented_queries_run() {
    let db = shared();
    let conn = read_only(db);
    let blocks = sql_blocks(&docs("SCHEMA.md"));
    assert!(
        blocks.len() >= 10,
        "only {} SQL examples found",
        blocks.len()
    );
    for sql in &blocks {
        let mut stmt = conn
            .prepare(sql)
            .unwrap_or_else(|e| panic!("documented query fails: {e}\n{sql}"));
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        let mut n = 0;
        while let Some(r) = rows.next().unwrap() {
            for i in 0..columns {
                r.get_ref(i).unwrap();
            }
            n += 1;
        }
        // An example that returns nothing on the demo's history is probably
        // wrong, unless it says it may be empty.
        assert!(
            n > 0 || sql.contains("-- may be empty"),
            "documented query returns no rows on the demo database:\n{sql}"
        );
    }
}

#[test]
fn the_documented_views_answer_the_questions_people_ask() {
    let conn = read_only(shared());
    // Which outlets still say $50 billion: the techwire and market-desk
    // articles changed to $40.
    let still: Vec<String> = conn
        .prepare(
            "SELECT source FROM latest_versions WHERE text LIKE '%$50 billion%' ORDER BY source",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(still, ["harbor-ledger"]);
    // When did each outlet change its headline.
    let headline_changes: Vec<(String, i64)> = conn
        .prepare(
            "SELECT source, to_version FROM change_feed WHERE headline_changed ORDER BY source",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        headline_changes,
        [
            ("harbor-ledger".to_string(), 2),
            ("market-desk".to_string(), 2),
            ("techwire-daily".to_string(), 2)
        ]
    );
    let (versions, latest): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(is_latest) FROM version_history",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((versions, latest), (8, 3));
}

/// The field names documented for `### \`NAME --json\`` in docs/CLI.md.
fn documented_fields(section: &str) -> BTreeSet<String> {
    let md = docs("CLI.md");
    let heading = format!("### `{section} --json`");
    let start = md
        .find(&heading)
        .unwrap_or_else(|| panic!("docs/CLI.md has no section {heading}"));
    let body = &md[start + heading.len()..];
    let body = &body[..body.find("\n#").unwrap_or(body.len())];
    body.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(name, _)| name.to_string())
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    let obj = match v {
        Value::Array(a) => a.first().expect("a non-empty array"),
        other => other,
    };
    obj.as_object()
        .unwrap_or_else(|| panic!("not an object: {obj}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn json_fields_are_exactly_the_documented_ones() {
    let db = shared();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("copy.db");
    let backup = backup.to_str().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("sources", &["sources", "--json"]),
        ("documents", &["documents", "--json"]),
        ("history", &["history", "--json"]),
        ("show", &["show", "techwire-daily", "--json"]),
        ("diff", &["diff", "techwire-daily", "--json"]),
        ("changes", &["changes", "--json"]),
        ("claims --disclosure", &["claims", "--disclosure", "--json"]),
        ("search", &["search", "billion", "--json"]),
        ("db backup", &["db", "backup", backup, "--json"]),
        ("db check", &["db", "check", "--json"]),
        (
            "db prune-raw",
            &[
                "db",
                "prune-raw",
                "--older-than",
                "1d",
                "--dry-run",
                "--json",
            ],
        ),
    ];
    for (section, args) in cases {
        let documented = documented_fields(section);
        assert!(!documented.is_empty(), "no fields documented for {section}");
        assert_eq!(
            keys(&json(db, args)),
            documented,
            "`{section} --json` prints other fields than docs/CLI.md lists"
        );
    }
}

#[test]
fn sources_and_documents_list_every_outlet() {
    let db = shared();
    let sources = json(db, &["sources", "--json"]);
    let summary: Vec<(String, i64, i64)> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["versions"].as_i64().unwrap(),
                s["changes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("harbor-ledger".to_string(), 3, 2),
            ("market-desk".to_string(), 2, 1),
            ("techwire-daily".to_string(), 3, 2)
        ]
    );
    let table = stdout(&claimwatch(db, &["sources"]));
    assert!(table.starts_with("SOURCE"), "{table}");
    assert!(table.contains("techwire-daily"), "{table}");

    let docs = json(db, &["documents", "techwire-daily", "--json"]);
    assert_eq!(docs.as_array().unwrap().len(), 1);
    assert_eq!(docs[0]["latest_version"], 3);
    assert!(docs[0]["title"].as_str().unwrap().contains("$40 billion"));
    let o = claimwatch(db, &["documents", "no-such-outlet"]);
    assert_eq!(o.status.code(), Some(NOT_FOUND), "{}", stderr(&o));
}

#[test]
fn history_lists_every_version_with_its_change() {
    let db = shared();
    let h = json(db, &["history", "techwire-daily", "--json"]);
    let rows = h.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["change"], Value::Null);
    // The log line's summary: the disclosure, then the claim change.
    assert!(
        rows[1]["change"]
            .as_str()
            .unwrap()
            .starts_with("(silent) amount $50 billion → $40 billion; headline changed"),
        "{}",
        rows[1]["change"]
    );
    assert_eq!(rows[1]["claim_changes"][0]["kind"], "amount");
    assert_eq!(
        rows.iter()
            .map(|r| r["latest"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [false, false, true]
    );
    let all = json(db, &["history", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 8);
    let text = stdout(&claimwatch(db, &["history", "techwire-daily"]));
    assert!(text.contains("v3"), "{text}");
    assert!(
        text.contains("        (silent) amount $50 billion → $40 billion;"),
        "{text}"
    );
    // A disclosed change: its tag, and the notice quoted below it.
    let text = stdout(&claimwatch(db, &["history", "market-desk"]));
    assert!(
        text.contains("        (correction) amount $50 billion → $40 billion; headline changed;")
            && text.contains("        notice: \"Correction: A previous version of this analysis"),
        "{text}"
    );
    // The diff of two versions words its summary the same way.
    let d = json(db, &["diff", "market-desk", "--json"]);
    let changes = json(db, &["changes", "market-desk", "--json"]);
    assert_eq!(d["summary"], changes[0]["summary"]);
}

#[test]
fn show_finds_a_version_by_id_by_number_and_as_latest() {
    let db = shared();
    let v2 = json(db, &["show", "techwire-daily@2", "--json"]);
    assert_eq!(v2["version"], 2);
    assert!(
        v2["text"]
            .as_str()
            .unwrap()
            .contains("committed $40 billion")
    );
    assert_eq!(v2["raw_kept"], true);
    let id = v2["version_id"].as_i64().unwrap().to_string();
    assert_eq!(json(db, &["show", &id, "--json"])["version"], 2);
    let latest = json(db, &["show", "techwire-daily", "--json"]);
    assert_eq!(
        (latest["version"].clone(), latest["latest"].clone()),
        (3.into(), true.into())
    );
    assert!(latest["text"].as_str().unwrap().contains("reportedly"));

    let raw = claimwatch(db, &["show", "techwire-daily@1", "--raw"]);
    assert_eq!(raw.status.code(), Some(0));
    let html = stdout(&raw);
    assert!(
        html.contains("<!DOCTYPE html>") && html.contains("$50 billion"),
        "{html}"
    );

    for missing in ["999999", "techwire-daily@9", "no-such-outlet@1"] {
        let o = claimwatch(db, &["show", missing]);
        assert_eq!(
            o.status.code(),
            Some(NOT_FOUND),
            "show {missing}: {}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn diff_shows_the_changed_amount() {
    let db = shared();
    let o = claimwatch(db, &["diff", "techwire-daily", "--from", "1", "--to", "2"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("[-$50-]{+$40+}"), "{text}");
    let d = json(
        db,
        &[
            "diff",
            "techwire-daily",
            "--from",
            "1",
            "--to",
            "2",
            "--json",
        ],
    );
    assert_eq!((d["from"].clone(), d["to"].clone()), (1.into(), 2.into()));
    assert!(d["diff"]["title"]["new"].as_str().unwrap().contains("$40"));
    let o = claimwatch(db, &["diff", "techwire-daily", "--from", "1", "--to", "7"]);
    assert_eq!(o.status.code(), Some(NOT_FOUND));
}

#[test]
fn changes_lists_every_change_and_filters_by_document() {
    let db = shared();
    let all = json(db, &["changes", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 5);
    let one = json(db, &["changes", "market-desk", "--json"]);
    let rows = one.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0]["from_version"].clone(),
            rows[0]["to_version"].clone()
        ),
        (1.into(), 2.into())
    );
    assert_eq!(rows[0]["diff"]["stats"]["sentences_edited"], 1);
    // A period with no changes is a result, not an error.
    let future = claimwatch(db, &["changes", "--since", "1ms", "--json"]);
    assert_eq!(future.status.code(), Some(0));
    let o = claimwatch(db, &["changes", "--since", "yesterday"]);
    assert_eq!(o.status.code(), Some(USAGE), "{}", stderr(&o));
}

/// `claims --disclosure`: the number a media critic asks for, per outlet.
/// In the demo, market-desk disclosed its one claim change with a
/// correction; the other outlets made every claim change silently.
#[test]
fn claims_disclosure_counts_silent_and_disclosed_claim_changes_per_outlet() {
    let db = shared();
    let rows = json(db, &["claims", "--disclosure", "--json"]);
    let got: Vec<(String, i64, i64, i64, i64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_i64().unwrap();
            (
                r["source"].as_str().unwrap().to_string(),
                n("claim_changes"),
                n("silent"),
                n("disclosed"),
                n("corrections"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("harbor-ledger".to_string(), 5, 5, 0, 0),
            ("techwire-daily".to_string(), 3, 3, 0, 0),
            ("market-desk".to_string(), 1, 0, 1, 1),
        ]
    );
    let o = claimwatch(db, &["claims", "--disclosure"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("SOURCE"), "{text}");
    let market = text.lines().find(|l| l.starts_with("market-desk")).unwrap();
    assert_eq!(
        market.split_whitespace().collect::<Vec<_>>(),
        ["market-desk", "1", "0", "1", "1", "0", "0", "0"]
    );
    let o = claimwatch(db, &["claims", "--disclosure", "--conflicts"]);
    assert_eq!(o.status.code(), Some(USAGE), "{}", stderr(&o));
}

/// `changes --sort significance` ranks as the email does: the demo's two
/// revisions of the amount to $40 billion are the same kind of change, and
/// the silent one (techwire-daily) comes before the disclosed one
/// (market-desk), which a silent hedge-only revision of the amount
/// (harbor-ledger's "up to" dropped) also outranks.
#[test]
fn changes_sorted_by_significance_put_a_silent_claim_change_first() {
    let db = shared();
    let rows = |args: &[&str]| -> Vec<(String, i64, String, String)> {
        json(db, args)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["source"].as_str().unwrap().to_string(),
                    r["to_version"].as_i64().unwrap(),
                    r["disclosure"].as_str().unwrap().to_string(),
                    r["detected_at"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // The default order stays oldest first.
    let by_time = rows(&["changes", "--json"]);
    assert!(by_time.windows(2).all(|w| w[0].3 <= w[1].3), "{by_time:?}");
    assert_eq!(rows(&["changes", "--sort", "time", "--json"]), by_time);

    let ranked = rows(&["changes", "--sort", "significance", "--json"]);
    let head: Vec<(&str, i64, &str)> = ranked[..3]
        .iter()
        .map(|(s, v, d, _)| (s.as_str(), *v, d.as_str()))
        .collect();
    assert_eq!(
        head,
        [
            ("techwire-daily", 2, "none"),
            ("harbor-ledger", 2, "none"),
            ("market-desk", 2, "correction"),
        ]
    );
    let mut rest: Vec<(&str, i64)> = ranked[3..]
        .iter()
        .map(|(s, v, _, _)| (s.as_str(), *v))
        .collect();
    rest.sort();
    assert_eq!(rest, [("harbor-ledger", 3), ("techwire-daily", 3)]);

    // The table in the same order.
    let o = claimwatch(db, &["changes", "--sort", "significance"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}: {text}"));
    assert!(
        at("techwire-daily  v1 -> v2") < at("market-desk  v1 -> v2"),
        "{text}"
    );
    let o = claimwatch(db, &["changes", "--sort", "loudness"]);
    assert_eq!(o.status.code(), Some(USAGE), "{}", stderr(&o));
}

#[test]
fn search_finds_versions_with_highlighted_snippets() {
    let db = shared();
    let hits = json(db, &["search", "$40 billion", "--json"]);
    let found: Vec<(String, i64)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["source"].as_str().unwrap().into(),
                h["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("market-desk".to_string(), 2),
            ("techwire-daily".to_string(), 2),
            ("techwire-daily".to_string(), 3)
        ]
    );
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("**$40 billion**"),
        "the currency sign is inside the highlight: {hits}"
    );

    // Who still says $50 billion now: the latest versions only.
    let now = json(db, &["search", "$50 billion", "--latest", "--json"]);
    let outlets: BTreeSet<&str> = now
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(outlets, BTreeSet::from(["harbor-ledger"]));

    // Stemming: "invest" finds "investment"; FTS5 syntax with --fts.
    let o = claimwatch(
        db,
        &[
            "search",
            "--fts",
            "confirms AND amazon",
            "--source",
            "harbor-ledger",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("harbor-ledger  v2") && text.contains("**"),
        "{text}"
    );

    let none = claimwatch(db, &["search", "forty billion", "--json"]);
    assert_eq!(none.status.code(), Some(NOT_FOUND));
    assert_eq!(
        serde_json::from_slice::<Value>(&none.stdout).unwrap(),
        Value::Array(vec![])
    );
    let bad = claimwatch(db, &["search", "--fts", "amazon AND ("]);
    assert_eq!(bad.status.code(), Some(USAGE), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("invalid search query"));
}

#[test]
fn claims_lists_the_tracked_claims_and_a_document_timeline() {
    let db = shared();
    let all = json(db, &["claims", "--json"]);
    assert!(!all["claims"].as_array().unwrap().is_empty(), "{all}");
    let rows = json(db, &["claims", "techwire-daily", "--json"]);
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["source"] == "techwire-daily"));
    assert!(
        rows.iter()
            .any(|r| r["claim"].as_str().unwrap().contains("$40 billion"))
    );
    let o = claimwatch(db, &["claims", "no-such-outlet"]);
    assert_eq!(o.status.code(), Some(NOT_FOUND));
}

#[test]
fn claims_says_plainly_that_none_are_stored_in_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE sources (id INTEGER PRIMARY KEY);")
        .unwrap();
    assert_eq!(
        claimwatch::store::query::claims::timeline(&conn, None).unwrap(),
        claimwatch::store::query::claims::ClaimTimeline::NoClaimTables
    );
}

#[test]
fn unknown_documents_and_missing_databases_exit_not_found() {
    let db = shared();
    for args in [
        &["history", "no-such-outlet"][..],
        &["diff", "http://example.invalid/x"],
        &["changes", "no-such-outlet"],
        &["export", "html", "no-such-outlet", "-o", "-"],
    ] {
        let o = claimwatch(db, args);
        assert_eq!(o.status.code(), Some(NOT_FOUND), "{args:?}: {}", stderr(&o));
    }
    // A config whose database does not exist yet.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("claimwatch.toml");
    let text = std::fs::read_to_string(&db.config)
        .unwrap()
        .replace("claimwatch.db", "never-created.db");
    std::fs::write(&cfg, text).unwrap();
    let o = demo_db::run_with_config(&cfg, &["sources"]);
    assert_eq!(o.status.code(), Some(NOT_FOUND), "{}", stderr(&o));
    assert!(!dir.path().join("never-created.db").exists());
}

#[test]
fn backup_is_a_checked_private_copy_and_never_overwrites() {
    let db = shared();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backup.db");
    let r = json(db, &["db", "backup", dest.to_str().unwrap(), "--json"]);
    assert_eq!(r["versions"], 8);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The copy is a complete database: the commands work on it.
    let copy = Connection::open_with_flags(&dest, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let hits: i64 = copy
        .query_row(
            "SELECT count(DISTINCT vs.version_id) FROM sentences_fts
             JOIN version_sentences vs ON vs.sentence_id = sentences_fts.rowid
             WHERE sentences_fts MATCH '\"40 billion\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // techwire-daily's versions 2 and 3, market-desk's version 2.
    assert_eq!(hits, 3);
    let again = claimwatch(db, &["db", "backup", dest.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn db_check_passes_on_a_sound_database_and_fails_on_a_damaged_index() {
    let db = demo_db::build();
    let ok = json(&db, &["db", "check", "--json"]);
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["integrity"], serde_json::json!(["ok"]));
    assert_eq!(ok["schema_version"], ok["known_schema_version"]);
    assert!(
        ok["migrations"]
            .as_array()
            .unwrap()
            .contains(&Value::from("0005_views"))
    );
    // Remove a sentence from the index behind the triggers' back.
    Connection::open(&db.database)
        .unwrap()
        .execute_batch(
            "INSERT INTO sentences_fts (sentences_fts, rowid, text)
             SELECT 'delete', id, text FROM sentences LIMIT 1;",
        )
        .unwrap();
    let o = claimwatch(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("search index: DAMAGED"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn retention_releases_old_raw_html_but_keeps_latest_versions_and_all_text() {
    let db = demo_db::build();
    let dry = json(
        &db,
        &[
            "db",
            "prune-raw",
            "--older-than",
            "0s",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(dry["versions_released"], 5, "{dry}");
    assert_eq!(
        claimwatch(&db, &["show", "harbor-ledger@1", "--raw"])
            .status
            .code(),
        Some(0),
        "a dry run changes nothing"
    );
    let r = json(&db, &["db", "prune-raw", "--older-than", "0s", "--json"]);
    assert_eq!(r["versions_released"], 5);
    // Pages that a kept page is a delta of stay (the latest versions' chains);
    // the dry run counted exactly what was deleted.
    assert_eq!(r["raw_pages_deleted"], dry["raw_pages_deleted"]);
    // Old raw pages are gone; their text is not.
    let o = claimwatch(&db, &["show", "harbor-ledger@1", "--raw"]);
    assert_eq!(o.status.code(), Some(NOT_FOUND));
    let v1 = json(&db, &["show", "harbor-ledger@1", "--json"]);
    assert_eq!(v1["raw_kept"], false);
    assert!(v1["text"].as_str().unwrap().contains("in talks"));
    // Every latest version keeps its evidence.
    for outlet in ["harbor-ledger", "techwire-daily", "market-desk"] {
        let o = claimwatch(&db, &["show", outlet, "--raw"]);
        assert_eq!(o.status.code(), Some(0), "{outlet}: {}", stderr(&o));
    }
    assert_eq!(json(&db, &["db", "check", "--json"])["ok"], true);
    assert_eq!(
        json(&db, &["history", "--json"]).as_array().unwrap().len(),
        8
    );
}

#[test]
fn the_search_index_follows_the_sentences_and_is_backfilled_by_the_migration() {
    // A database made before migration 0005: only the first schema.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO sources VALUES (1, 'old', 'http://o/1', '2026-11-20T00:00:00.000Z');
             INSERT INTO documents (id, source_id, url, created_at)
                 VALUES (1, 1, 'http://o/1', '2026-11-20T00:00:00.000Z');
             INSERT INTO versions (document_id, number, fetched_at, content_hash, title, text)
                 VALUES (1, 1, '2026-11-20T00:00:00.000Z', 'h', 'Old news',
                         'Amazon is in talks to invest up to $50 billion.');",
        )
        .unwrap();
    }
    let store = claimwatch::store::Store::open(&path).unwrap();
    let conn = store.conn();
    // Versions found through their sentences and headline.
    let count = |q: &str| -> i64 {
        conn.query_row(
            "SELECT count(DISTINCT vs.version_id) FROM sentences_fts
             JOIN version_sentences vs ON vs.sentence_id = sentences_fts.rowid
             WHERE sentences_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        (count("talks"), count("old")),
        (1, 1),
        "texts and headlines stored before the index are backfilled"
    );
    // Each distinct sentence is indexed once: a second version with the
    // same sentence and headline adds nothing to the index.
    let indexed = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM sentences", [], |r| r.get(0))
            .unwrap()
    };
    let before = indexed(conn);
    conn.execute_batch(
        "INSERT INTO versions (document_id, number, fetched_at, content_hash, title, text, title_id, body)
         SELECT document_id, 2, fetched_at, 'h2', title, '', title_id, body FROM versions WHERE id = 1;",
    )
    .unwrap();
    assert_eq!(indexed(conn), before);
    assert_eq!(count("talks"), 2);
    conn.execute("DELETE FROM versions WHERE number = 2", [])
        .unwrap();
    assert_eq!(count("talks"), 1);
    conn.execute(
        "INSERT INTO sentences_fts (sentences_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap();
}
