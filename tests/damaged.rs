//! A damaged row neither crashes claimwatch nor misleads it: real SQLite
//! files written by the store, then damaged with SQL updates, read back as
//! errors that name the row.

use chrono::Utc;
use claimwatch::cli::demo::DemoSite;
use claimwatch::core::analysis::ClaimData;
use claimwatch::core::analysis::Validators;
use claimwatch::core::extract::Article;
use claimwatch::service::daemon::check_once;
use claimwatch::store::{
    CheckRecord, CheckResult, NewChange, NewVersion, Store, StoreError, Stored,
};
use rusqlite::Connection;

const TEXT: &str = "Amazon will invest $50 billion in OpenAI. The talks are advanced.\n\n\
                    A second paragraph says more.";

/// A page of realistic size that differs in `n`.
fn page(n: usize) -> Vec<u8> {
    let mut p = String::from("<html><body>");
    for i in 0..500 {
        p.push_str(&format!(
            "<li><a href=\"/s/{i}\">section {}</a></li>",
            i % 7
        ));
    }
    p.push_str(&format!(
        "<article><p>Version {n}.</p></article></body></html>"
    ));
    p.into_bytes()
}

/// A version whose text is stored as its sentences.
fn version(doc: i64, n: usize, from: Option<i64>) -> CheckRecord {
    let text = format!("{TEXT} Version {n}.");
    CheckRecord {
        document_id: doc,
        started_at: Utc::now(),
        duration_ms: 1,
        http_status: Some(200),
        bytes: 100,
        result: CheckResult::Changed {
            validators: Validators::default(),
            version: NewVersion {
                content_hash: format!("h{n}"),
                claims: ClaimData {
                    sentences: claimwatch::core::sentences::split_sentences(&text),
                    ..Default::default()
                },
                article: Article {
                    title: Some("T".into()),
                    text,
                    ..Default::default()
                },
                raw_html: page(n),
            },
            change: from.map(|id| NewChange {
                from_version_id: id,
                summary: "s".into(),
                approximate: false,
                diff_json: "{}".into(),
                disclosure: Default::default(),
                notice: None,
            }),
        },
    }
}

fn version_id(s: Stored) -> i64 {
    match s {
        Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => version_id,
        other => panic!("{other:?}"),
    }
}

/// A store with one document and two versions; their ids.
fn two_versions(dir: &std::path::Path) -> (Store, i64, i64, i64) {
    let mut s = Store::open(&dir.join("c.db")).unwrap();
    let doc = s
        .ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    let v1 = version_id(s.record(&version(doc, 1, None)).unwrap());
    let v2 = version_id(s.record(&version(doc, 2, Some(v1))).unwrap());
    (s, doc, v1, v2)
}

/// Runs `sql` on `conn` as damage would be done: beside the store, without
/// the triggers that keep the search index in step (they would refuse it).
fn damage(conn: &Connection, sql: &str, id: i64) {
    let triggers: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'versions'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    conn.execute(sql, [id]).unwrap();
    for (_, sql) in &triggers {
        conn.execute_batch(sql).unwrap();
    }
}

fn damaged(e: StoreError) -> String {
    match e {
        StoreError::Damaged(why) => why,
        other => panic!("not reported as damage: {other:?}"),
    }
}

#[test]
fn a_corrupt_raw_page_size_is_an_error_naming_the_row_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, doc, v1, v2) = two_versions(dir.path());
    let raw: i64 = s
        .conn()
        .query_row(
            "SELECT raw_page_id FROM versions WHERE id = ?1",
            [v1],
            |r| r.get(0),
        )
        .unwrap();
    // A terabyte: sizing a buffer from it aborts the process.
    s.conn()
        .execute("UPDATE raw_pages SET size = 1 << 40 WHERE id = ?1", [raw])
        .unwrap();
    let why = damaged(s.raw_html(v1).unwrap_err());
    assert!(
        why.starts_with(&format!("raw_pages row {raw}:")) && why.contains("1099511627776"),
        "{why}"
    );
    // Version 2 is a delta of version 1's page: its chain names the row.
    let why = damaged(s.raw_html(v2).unwrap_err());
    assert!(
        why.contains(&format!("raw_pages row {raw} (in the chain")),
        "{why}"
    );
    // The query layer says the same, as damage.
    let q = claimwatch::store::query::raw_html(s.conn(), v1).unwrap_err();
    assert!(
        matches!(q, claimwatch::store::query::QueryError::Damaged(ref m) if m.contains(&format!("raw_pages row {raw}"))),
        "{q:?}"
    );
    // A negative size, and a frame that is not zstd at all.
    s.conn()
        .execute("UPDATE raw_pages SET size = -5 WHERE id = ?1", [raw])
        .unwrap();
    assert!(damaged(s.raw_html(v1).unwrap_err()).contains("-5 bytes"));
    s.conn()
        .execute(
            "UPDATE raw_pages SET size = 10, zstd = X'00112233' WHERE id = ?1",
            [raw],
        )
        .unwrap();
    assert!(damaged(s.raw_html(v1).unwrap_err()).contains("corrupt"));
    // The document's next version does not build on the damaged chain: it
    // is stored whole and reads back.
    let v3 = version_id(s.record(&version(doc, 3, Some(v2))).unwrap());
    assert_eq!(s.raw_html(v3).unwrap().unwrap(), page(3));
}

#[test]
fn a_body_that_does_not_parse_is_an_error_naming_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let (s, doc, _, v2) = two_versions(dir.path());
    let body: String = s
        .conn()
        .query_row("SELECT body FROM versions WHERE id = ?1", [v2], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(body.starts_with('['), "the text is stored as sentences");
    assert!(
        s.latest_version(doc)
            .unwrap()
            .unwrap()
            .text
            .contains("Version 2.")
    );
    for (bad, says) in [
        ("'not json'", "is not a list of sentence ids"),
        ("'[]'", "lists no sentences"),
        (
            "'[1, 999999]'",
            "names sentence 999999, which is not stored",
        ),
    ] {
        damage(
            s.conn(),
            &format!("UPDATE versions SET body = {bad} WHERE id = ?1"),
            v2,
        );
        // Never an empty text (the next check would report the whole
        // article as added): an error naming the version.
        let why = damaged(s.previous_for_analysis(doc).unwrap_err());
        assert!(
            why.starts_with(&format!("versions row {v2}:")) && why.contains(says),
            "{bad}: {why}"
        );
        assert!(s.latest_version(doc).is_err());
    }
}

#[test]
fn stored_details_that_do_not_read_back_are_errors_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (s, doc, _, v2) = two_versions(dir.path());
    let c = s.conn();
    c.execute(
        "INSERT INTO fact_events (kind, fact, detected_at, document_id, version_id, old_value, new_value, detail)
         VALUES ('revision', 'amount', '2026-01-01T00:00:00.000Z', ?1, ?2, '$50 billion', '$40 billion', '{\"fact\": ')",
        [doc, v2],
    )
    .unwrap();
    let id = c.last_insert_rowid();
    let e = claimwatch::store::claims::revisions_recorded_with(c, v2).unwrap_err();
    let why = damaged(StoreError::from(e));
    assert!(
        why.starts_with(&format!("fact_events row {id}:")) && why.contains("does not parse"),
        "{why}"
    );
    // An SQL error (a detail that is not text) was dropped before.
    c.execute(
        "UPDATE fact_events SET detail = X'00FF' WHERE id = ?1",
        [id],
    )
    .unwrap();
    assert!(claimwatch::store::claims::revisions_recorded_with(c, v2).is_err());
}

/// Through the whole check: a damaged latest version makes the check fail
/// with the row named, and nothing is reported or queued for email.
#[tokio::test]
async fn a_check_against_a_damaged_version_reports_nothing() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    std::fs::write(
        &path,
        format!(
            "database = \"test.db\"\n[story]\nname = \"Amazon invests $50 billion in OpenAI\"\n\
             entities = [\"Amazon\", \"OpenAI\"]\n\n[[sources]]\nname = \"techwire\"\nurl = \"{}\"\n",
            site.url("techwire-daily")
        ),
    )
    .unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let first = check_once(&config, None).await.unwrap();
    assert!(matches!(first[0].stored, Stored::New { .. }), "{first:?}");
    let conn = Connection::open(&config.database).unwrap();
    damage(&conn, "UPDATE versions SET body = '{oops' WHERE id = ?1", 1);
    site.set_step(1);
    let second = check_once(&config, None).await;
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM changes"), 0, "{second:?}");
    assert_eq!(count("SELECT count(*) FROM outbox"), 0);
    assert_eq!(count("SELECT count(*) FROM versions"), 1);
    let said = match second {
        Err(e) => e.to_string(),
        Ok(o) => format!("{o:?}"),
    };
    assert!(said.contains("versions row 1"), "{said}");
}
