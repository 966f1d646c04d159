//! Claim sentences are stored once and carried by ranges of versions; a
//! check reads the previous version's claims back instead of analysing its
//! text again.

mod demo_db;

use rusqlite::Connection;

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn claims_are_ranges_of_versions_over_sentences_stored_once() {
    let db = demo_db::shared();
    let conn = Connection::open(&db.database).unwrap();
    // Every version's claims, as the view gives them, and far fewer rows
    // stored: a claim kept by the next version extends its span.
    let occurrences = count(&conn, "SELECT count(*) FROM claim_occurrences");
    let spans = count(&conn, "SELECT count(*) FROM claim_spans");
    // The claim sentences (the table also holds every other sentence and
    // headline).
    let sentences = count(
        &conn,
        "SELECT count(*) FROM sentences WHERE analysis <> '{}'",
    );
    assert!(occurrences > 0);
    assert!(
        spans < occurrences,
        "{spans} spans for {occurrences} occurrences"
    );
    assert!(sentences <= spans);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM (SELECT hash FROM sentences GROUP BY hash HAVING count(*) > 1)"
        ),
        0
    );
    // Texts are stored as lists of sentences and rebuilt exactly.
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM versions WHERE body IS NOT NULL AND text = ''"
        ) > 0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM versions v JOIN version_texts t ON t.id = v.id
             WHERE v.body IS NOT NULL AND (t.text IS NULL OR t.text = '')"
        ),
        0
    );
    // Every version records the analysis its claims were found with.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM versions WHERE analysis_version IS NULL"
        ),
        0
    );
    // A span never overlaps another of the same sentence in one document.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM claim_spans a JOIN claim_spans b
             ON a.document_id = b.document_id AND a.sentence_id = b.sentence_id AND a.id < b.id
             AND a.first_number <= b.last_number AND b.first_number <= a.last_number"
        ),
        0
    );
}

#[test]
fn the_previous_versions_claims_are_read_back_as_the_view_states_them() {
    let db = demo_db::shared();
    let store = claimwatch::store::Store::open(&db.database).unwrap();
    let conn = store.conn();
    let mut docs = conn.prepare("SELECT id FROM documents").unwrap();
    let docs: Vec<i64> = docs
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for doc in docs {
        let Some((latest, stored)) = store.previous_for_analysis(doc).unwrap() else {
            continue;
        };
        assert!(stored.analysis_version.is_some());
        let read: Vec<String> = stored
            .claims_json
            .iter()
            .map(|j| {
                let c: claimwatch::core::claims::Claim = serde_json::from_str(j).unwrap();
                c.text
            })
            .collect();
        let mut view = conn
            .prepare("SELECT text FROM claim_occurrences WHERE version_id = ?1 ORDER BY sentence")
            .unwrap();
        let want: Vec<String> = view
            .query_map([latest.id], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let (mut a, mut b) = (read.clone(), want.clone());
        a.sort();
        b.sort();
        assert_eq!(a, b, "document {doc}");
        // Each is a sentence of the latest text.
        assert!(read.iter().all(|t| latest.text.contains(t.as_str())));
    }
}

/// Claim changes are stored by reference to their sentences and read back
/// exactly as the claim engine made them: the same changes, the same report
/// lines, the same rows in `claim_change_feed`.
#[test]
fn claim_changes_refer_to_sentences_and_read_back_as_made() {
    use chrono::Utc;
    use claimwatch::core::analysis::{ClaimData, Validators, claim_changes};
    use claimwatch::core::change::ReportedClaim;
    use claimwatch::core::claims::Story;
    use claimwatch::core::extract::Article;
    use claimwatch::core::wording::ClaimLine;
    use claimwatch::store::{CheckRecord, CheckResult, NewChange, NewVersion, Store, Stored};

    let old = "Amazon will invest $50 billion in OpenAI, the companies said on Tuesday. \
               Microsoft holds a 49% stake in OpenAI, according to filings.\n\n\
               OpenAI employs 3,400 people in San Francisco.";
    let new = "Amazon will invest $40 billion in OpenAI, the companies said on Tuesday. \
               OpenAI reportedly employs 2,900 people in San Francisco.\n\n\
               Google plans to spend $12 billion on data centres in 2027.";
    let changes = claim_changes(old, new, &Story::default());
    assert!(changes.len() >= 3, "{changes:#?}");
    let record = |n: u64, text: &str, from: Option<i64>, changes| CheckRecord {
        document_id: 1,
        started_at: Utc::now(),
        duration_ms: 1,
        http_status: Some(200),
        bytes: 1,
        result: CheckResult::Changed {
            validators: Validators::default(),
            version: NewVersion {
                content_hash: format!("h{n}"),
                article: Article {
                    title: Some(format!("Headline {n}")),
                    text: text.into(),
                    ..Default::default()
                },
                raw_html: text.as_bytes().to_vec(),
                claims: ClaimData {
                    sentences: claimwatch::core::sentences::split_sentences(text),
                    changes,
                    ..Default::default()
                },
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
    };
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("c.db")).unwrap();
    s.ensure_source("a", "http://127.0.0.1/a", Utc::now())
        .unwrap();
    let Stored::New { version_id: v1, .. } = s.record(&record(1, old, None, vec![])).unwrap()
    else {
        panic!()
    };
    let Stored::Changed { change_id, .. } = s
        .record(&record(2, new, Some(v1), changes.clone()))
        .unwrap()
    else {
        panic!()
    };
    let conn = s.conn();
    // No sentence is copied into the claim changes, nor into their summary
    // lines (migration 0012).
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM claim_changes WHERE old_text IS NOT NULL OR new_text IS NOT NULL
             OR json_type(detail, '$.word_diff') IS NOT NULL
             OR json_type(detail, '$.old') IS NOT NULL OR json_type(detail, '$.new') IS NOT NULL
             OR summary_tail IS NOT 1 OR instr(summary,
                (SELECT text FROM sentences WHERE id = coalesce(new_sentence_id, old_sentence_id))) > 0"
        ),
        0
    );
    let as_json = |cs: &[claimwatch::core::claims::ClaimChange]| -> Vec<String> {
        let mut v: Vec<String> = cs
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        v.sort();
        v
    };
    let back = claimwatch::store::claims::changes_of(conn, change_id).unwrap();
    assert_eq!(as_json(&back), as_json(&changes));
    let reported = claimwatch::store::claims::reported_changes(conn, change_id).unwrap();
    let mut want: Vec<String> = changes
        .iter()
        .map(|c| serde_json::to_string(&ReportedClaim::of(c)).unwrap())
        .collect();
    let mut got: Vec<String> = reported
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    // The documented view answers with the sentences, as before.
    let mut feed: Vec<(Option<String>, Option<String>, String)> = conn
        .prepare("SELECT old, new, summary FROM claim_change_feed")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut lines: Vec<(Option<String>, Option<String>, String)> = changes
        .iter()
        .map(|c| {
            let l = ClaimLine::of(c);
            (l.old, l.new, l.summary)
        })
        .collect();
    feed.sort();
    lines.sort();
    assert_eq!(feed, lines);
}
