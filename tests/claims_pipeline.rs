//! Claims through the whole pipeline, on the demo site: the amount revision
//! and the hedge are reported as exactly those claim changes, a conflict
//! between outlets is found, and the claim CLI commands show them.

use std::process::Command;

use claimwatch::cli::demo::{self, DemoSite};
use claimwatch::core::claims::ChangeKind;
use claimwatch::service::daemon::check_once;
use claimwatch::store::Stored;
use rusqlite::Connection;

fn claimwatch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_claimwatch"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amount_revision_hedge_and_conflict_are_reported_as_claim_changes() {
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = demo::write_config(dir.path(), &site, "0 0 1 1 *").unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();

    site.set_step(0);
    check_once(&config, None).await.unwrap();

    // Step 1: techwire revises $50 billion to $40 billion.
    site.set_step(1);
    let out = check_once(&config, Some("techwire-daily")).await.unwrap();
    let o = &out[0];
    assert!(matches!(o.stored, Stored::Changed { .. }), "{o:?}");
    let kinds: Vec<ChangeKind> = o.claim_changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::AmountChanged], "{:#?}", o.claim_changes);
    let amount = &o.claim_changes[0].facets_changed;
    assert!(
        amount
            .iter()
            .any(|f| f.facet == "amount" && f.old == "$50 billion" && f.new == "$40 billion"),
        "{amount:?}"
    );
    // The outlet's revision of the story fact, and the conflict it opens.
    assert_eq!(o.revisions.len(), 1);
    assert_eq!(o.revisions[0].old.as_deref(), Some("$50 billion"));
    assert_eq!(o.revisions[0].new.as_deref(), Some("$40 billion"));
    assert_eq!(o.conflicts.len(), 1, "{:?}", o.conflicts);
    let conflict = &o.conflicts[0];
    assert_eq!(conflict.fact, "investment amount");
    let values: Vec<&str> = conflict.values.iter().map(|(v, _)| v.as_str()).collect();
    assert!(
        values.contains(&"$50 billion") && values.contains(&"$40 billion"),
        "{values:?}"
    );
    let forty = conflict
        .values
        .iter()
        .find(|(v, _)| v == "$40 billion")
        .unwrap();
    assert_eq!(forty.1, ["techwire-daily"]);

    // Step 2: techwire adds "reportedly": a certainty change, and no second
    // conflict for the same disagreement.
    site.set_step(2);
    let out = check_once(&config, Some("techwire-daily")).await.unwrap();
    let o = &out[0];
    let hedge: Vec<_> = o
        .claim_changes
        .iter()
        .filter(|c| c.kind == ChangeKind::CertaintyChanged)
        .collect();
    assert_eq!(hedge.len(), 1, "{:#?}", o.claim_changes);
    assert!(
        hedge[0]
            .facets_changed
            .iter()
            .any(|f| f.facet == "certainty" && f.old == "stated" && f.new == "hedged")
    );
    assert!(
        !o.claim_changes
            .iter()
            .any(|c| c.kind == ChangeKind::AmountChanged)
    );
    assert!(
        o.conflicts.is_empty(),
        "the same conflict is not reported twice"
    );

    // The database holds what the reports said.
    let conn = Connection::open(&config.database).unwrap();
    let rows: Vec<(String, String, Option<String>, Option<String>)> = conn
        .prepare("SELECT change_kind, kind, old, new FROM claim_change_feed WHERE source = 'techwire-daily' ORDER BY claim_change_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows[0].0, "amount_changed");
    assert_eq!(
        (rows[0].2.as_deref(), rows[0].3.as_deref()),
        (Some("$50 billion"), Some("$40 billion"))
    );
    assert!(rows.iter().any(|r| r.0 == "certainty_changed"
        && r.2.as_deref() == Some("stated")
        && r.3.as_deref() == Some("hedged (reportedly)")));
    let conflicts: i64 = conn
        .query_row(
            "SELECT count(*) FROM fact_events WHERE kind = 'conflict'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(conflicts, 1);
    let facts: Vec<(String, String)> = conn
        .prepare("SELECT source, value FROM story_facts WHERE fact = 'investment amount' ORDER BY source")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        facts,
        [
            ("harbor-ledger".to_string(), "$50 billion".to_string()),
            ("market-desk".to_string(), "$50 billion".to_string()),
            ("techwire-daily".to_string(), "$40 billion".to_string()),
        ]
    );

    // The claims command: tracked claims, facts per outlet, conflicts.
    let cfg = path.to_str().unwrap();
    let o = claimwatch(&["--config", cfg, "claims", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v["claims"].as_array().unwrap().is_empty());
    assert_eq!(v["conflicts"][0]["fact"], "investment amount");
    assert_eq!(v["facts"].as_array().unwrap().len(), 3);
    let first = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("main cloud provider"));
    assert_eq!(first.unwrap()["first_outlet"], "harbor-ledger");
    // Full-text search over claims: the revised amount, in the outlet's own
    // claim; a sentence that is no claim is not found this way.
    let o = claimwatch(&[
        "--config",
        cfg,
        "search",
        "--claims",
        "--json",
        "40 billion",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h["source"] == "techwire-daily"),
        "{hits:?}"
    );
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("**$40 billion**"),
        "{hits:?}"
    );
    let o = claimwatch(&[
        "--config",
        cfg,
        "search",
        "--claims",
        "Neither company commented",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = claimwatch(&["--config", cfg, "claims", "--conflicts"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("investment amount: $50 billion (harbor-ledger, market-desk) vs $40 billion (techwire-daily)"),
        "{text}"
    );
}

#[test]
fn compare_two_saved_pages_reports_the_claim_changes_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let outlet = &demo::site::outlets()[1];
    let old = dir.path().join("old.html");
    let new = dir.path().join("new.html");
    std::fs::write(&old, demo::site::render(outlet, 0, 1)).unwrap();
    std::fs::write(&new, demo::site::render(outlet, 1, 2)).unwrap();
    let o = claimwatch(&[
        "--config",
        "/nonexistent.toml",
        "compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["text_changed"], true);
    let changes = v["claim_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["kind"], "amount_changed");
    assert_eq!(changes[0]["facets_changed"][0]["old"], "$50 billion");
    assert_eq!(changes[0]["facets_changed"][0]["new"], "$40 billion");
    assert!(changes[0]["old"].as_str().unwrap().contains("$50 billion"));

    // Noise alone (same version, other noise) changes nothing.
    std::fs::write(&new, demo::site::render(outlet, 0, 99)).unwrap();
    let o = claimwatch(&[
        "compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["text_changed"], false);
    assert!(v["claim_changes"].as_array().unwrap().is_empty());
}

#[test]
fn extract_gives_sentences_and_claims_and_lines_scores_each_line() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("p.html");
    std::fs::write(&page, demo::site::render(&demo::site::outlets()[1], 2, 0)).unwrap();
    let o = claimwatch(&["extract", page.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["sentences"].as_array().unwrap().len() >= 4);
    let claims = v["claims"].as_array().unwrap();
    let first = claims
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("$40 billion"))
        .unwrap();
    for key in [
        "text",
        "score",
        "entities",
        "amounts",
        "dates",
        "attribution",
        "certainty",
    ] {
        assert!(first.get(key).is_some(), "claim lacks {key}: {first}");
    }
    assert_eq!(first["certainty"], "hedged");
    assert_eq!(first["amounts"][0]["currency"], "USD");

    let lines = dir.path().join("lines.txt");
    std::fs::write(
        &lines,
        "Amazon will invest $50 billion in OpenAI, the companies said.\nSign up for our newsletter.\nWhat does this mean for you?\n",
    )
    .unwrap();
    let o = claimwatch(&["extract", "--lines", lines.to_str().unwrap()]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["claim"], true);
    assert_eq!(rows[0]["amounts"][0]["value"], 50e9);
    assert_eq!(rows[1]["claim"], false);
    assert_eq!(rows[2]["claim"], false);
    assert!(
        rows.iter()
            .all(|r| r["text"].is_string() && r["score"].is_number())
    );
}

#[test]
fn pathological_text_is_cut_before_claim_analysis() {
    // One 8 MB "sentence" and a text far beyond any article.
    let huge = "Amazon will invest $50 billion in OpenAI over several years ".repeat(140_000);
    let a = claimwatch::core::claims::analyse(&huge, &claimwatch::core::claims::Story::default());
    assert!(a.claims.is_empty(), "an 8 MB sentence is no claim");
    let total: usize = a.sentences.iter().map(|s| s.text.len()).sum();
    assert!(total <= claimwatch::core::claims::MAX_TEXT);
}
