//! A database written by the release before the current schema (made by the
//! real pipeline against the demo site, in `tests/fixtures/release_db/`)
//! opens with this build, converts in place in one transaction, and
//! answers `history`, `diff`, `claims`, `search` and `show` exactly as that
//! release did (its answers were saved next to the database).

mod demo_db;

use std::path::Path;

use rusqlite::Connection;
use serde_json::Value;

use demo_db::{run_with_config, stderr, stdout};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/release_db");

/// The saved answers of the release, by file name, and the command that
/// gave each.
const QUERIES: &[(&str, &[&str])] = &[
    ("history", &["history", "--json"]),
    ("history-techwire", &["history", "techwire-daily", "--json"]),
    ("diff-techwire", &["diff", "techwire-daily", "--json"]),
    ("diff-harbor", &["diff", "harbor-ledger", "--json"]),
    (
        "diff-harbor-1-3",
        &[
            "diff",
            "harbor-ledger",
            "--from",
            "1",
            "--to",
            "3",
            "--json",
        ],
    ),
    ("diff-market", &["diff", "market-desk", "--json"]),
    ("claims", &["claims", "--json"]),
    ("claims-techwire", &["claims", "techwire-daily", "--json"]),
    ("search-40", &["search", "$40 billion", "--json"]),
    (
        "search-50-latest",
        &["search", "$50 billion", "--latest", "--json"],
    ),
    (
        "search-claims",
        &["search", "--claims", "billion", "--json"],
    ),
    ("show-harbor-1", &["show", "harbor-ledger@1", "--json"]),
];

/// Rows of every table a migration must keep.
fn counts(db: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(db).unwrap();
    [
        "versions",
        "changes",
        "claims",
        "claim_occurrences",
        "claim_changes",
        "fact_values",
        "fact_events",
        "outbox",
        "fetches",
        "raw_pages",
    ]
    .iter()
    .map(|t| {
        let n = conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t.to_string(), n)
    })
    .collect()
}

fn write_config(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from(
        "database = \"claimwatch.db\"\n\n\
         [story]\n\
         name = \"Amazon invests $50 billion in OpenAI\"\n\
         entities = [\"Amazon\", \"AWS\", \"OpenAI\", \"Microsoft\"]\n",
    );
    for slug in ["harbor-ledger", "techwire-daily", "market-desk"] {
        text.push_str(&format!(
            "\n[[sources]]\nname = \"{slug}\"\nurl = \"http://127.0.0.1:9/{slug}\"\nschedule = \"0 0 1 1 *\"\n"
        ));
    }
    let path = dir.join("claimwatch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_release_database_converts_in_place_and_answers_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimwatch.db");
    std::fs::copy(Path::new(FIXTURE).join("claimwatch.db"), &db).unwrap();
    let before_version: i64 = Connection::open(&db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(before_version < claimwatch::store::MIGRATIONS.len() as i64);
    let before = counts(&db);
    // A phrase across two sentences, which the release's index matched.
    const ACROSS: &str = "statement on Tuesday. The funding";
    let across_before: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH ?1",
            [format!("\"{ACROSS}\"")],
            |r| r.get(0),
        )
        .unwrap();
    assert!(across_before > 0);

    let store = claimwatch::store::Store::open(&db).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        claimwatch::store::MIGRATIONS.len() as i64
    );
    drop(store);
    assert_eq!(counts(&db), before, "every row is kept");
    let converted: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM versions WHERE body IS NOT NULL AND text = ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(converted > 0, "texts are stored as sentences");
    // Every check the release logged is counted on its document, and the
    // documented views over checks answer as before.
    let conn = Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let fetches = one("SELECT count(*) FROM fetches");
    assert!(fetches > 0);
    assert_eq!(one("SELECT sum(checks) FROM documents"), fetches);
    assert_eq!(one("SELECT sum(fetches) FROM source_status"), fetches);
    assert_eq!(one("SELECT count(*) FROM fetch_log"), fetches);
    assert_eq!(
        one(
            "SELECT count(*) FROM documents d WHERE last_outcome IS NOT
             (SELECT outcome FROM fetches f WHERE f.document_id = d.id ORDER BY f.id DESC LIMIT 1)"
        ),
        0
    );
    // Raw pages are keyed by the first 16 bytes of their BLAKE3 (migration
    // 0012), so a body the release stored is still found and shared.
    let pages: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT v.id, r.sha FROM versions v JOIN raw_pages r ON r.id = v.raw_page_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!pages.is_empty());
    drop(conn);
    let store = claimwatch::store::Store::open(&db).unwrap();
    for (version, sha) in pages {
        let html = store.raw_html(version).unwrap().unwrap();
        assert_eq!(
            sha,
            &blake3::hash(&html).as_bytes()[..16],
            "version {version}"
        );
    }
    drop(store);

    let config = write_config(dir.path());
    // The one documented difference: search matches within one sentence or
    // the headline, so a phrase across two sentences no longer matches,
    // while each part still matches at least as many versions.
    let o = run_with_config(&config, &["search", ACROSS, "--json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    for part in ["statement on Tuesday", "The funding"] {
        let o = run_with_config(&config, &["search", part, "--json"]);
        let hits: Value = serde_json::from_slice(&o.stdout).unwrap();
        let n = hits.as_array().map_or(0, Vec::len) as i64;
        assert!(n >= across_before, "{part}: {n} hits");
    }
    for (name, args) in QUERIES {
        let o = run_with_config(&config, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let got: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)));
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(Path::new(FIXTURE).join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        // Documented outputs only ever gain fields: every field the
        // release answered is answered the same.
        if let Err(at) = answers_the_same(&got, &want, String::new()) {
            panic!("{args:?} answers differently after the migration at {at}:\n{got:#}");
        }
    }
}

/// The highlighted words of a snippet (`**…**`), without currency signs.
fn highlights(snippet: &str) -> Vec<String> {
    snippet
        .split("**")
        .skip(1)
        .step_by(2)
        .map(|h| {
            h.trim_start_matches(['$', '€', '£', '¥', '₹'])
                .to_lowercase()
        })
        .collect()
}

/// Whether `got` holds everything `want` holds, with the same values
/// (objects may have more keys); `Err` names the first place that differs.
fn answers_the_same(got: &Value, want: &Value, at: String) -> Result<(), String> {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w.iter().try_for_each(|(k, wv)| match g.get(k) {
            // Since that release a change's one-line summary leads with its
            // most significant claim change, as the log always did:
            // "amount $50 billion → $40 billion; headline changed; …".
            Some(Value::String(gs)) if k == "summary" && wv.is_string() => {
                let ws = wv.as_str().unwrap_or("");
                if gs == ws || gs.ends_with(&format!("; {ws}")) {
                    Ok(())
                } else {
                    Err(format!("{at}.{k}: {gs:?} does not end with {ws:?}"))
                }
            }
            // The same hit. Since migration 0011 the snippet is the matching
            // sentence or headline rather than a window of the whole text,
            // and a currency sign sits inside the highlight
            // (`**$40 billion**`): what it highlights is what the release
            // highlighted.
            Some(Value::String(gs)) if k == "snippet" && wv.is_string() => {
                let (got, was) = (highlights(gs), highlights(wv.as_str().unwrap_or("")));
                if !got.is_empty() && got.iter().all(|h| was.contains(h)) {
                    Ok(())
                } else {
                    Err(format!("{at}.{k}: {gs:?} highlights other words than {wv}"))
                }
            }
            Some(gv) => answers_the_same(gv, wv, format!("{at}.{k}")),
            None => Err(format!("{at}.{k} (missing)")),
        }),
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
            .iter()
            .zip(w)
            .enumerate()
            .try_for_each(|(i, (gv, wv))| answers_the_same(gv, wv, format!("{at}[{i}]"))),
        _ if got == want => Ok(()),
        _ => Err(format!("{at}: {got} instead of {want}")),
    }
}
