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
