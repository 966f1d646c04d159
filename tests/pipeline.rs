//! The pipeline end to end: real HTTP on loopback (the demo site and small
//! servers of our own), real SQLite files in temp dirs.

use std::path::Path;
use std::sync::Arc;

use claimwatch::cli::config::Config;
use claimwatch::cli::demo::DemoSite;
use claimwatch::service::daemon::check_once;
use claimwatch::service::httpd::{self, Request, Response};
use claimwatch::store::Stored;
use rusqlite::Connection;
use tokio_util::sync::CancellationToken;

/// A config with the given `[[sources]]` (name, url) in `dir`.
fn config(dir: &Path, sources: &[(&str, String)], extra: &str) -> Config {
    let mut text = format!(
        "database = \"test.db\"\n{extra}\n[story]\nname = \"Amazon invests $50 billion in OpenAI\"\nentities = [\"Amazon\", \"OpenAI\"]\n"
    );
    for (name, url) in sources {
        text.push_str(&format!(
            "\n[[sources]]\nname = \"{name}\"\nurl = \"{url}\"\n"
        ));
    }
    let path = dir.join("claimwatch.toml");
    std::fs::write(&path, text).unwrap();
    claimwatch::cli::config::load(&path).unwrap()
}

fn db(config: &Config) -> Connection {
    Connection::open(&config.database).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The outcomes of the checks in the documented log (`fetch_log`: rows of
/// `fetches` and the recent unchanged checks), sorted, and the last one.
fn outcomes(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT outcome FROM fetch_log ORDER BY outcome")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Serves a fixed handler on loopback; returns its base URL.
async fn serve(
    handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
) -> (String, CancellationToken) {
    let listener = httpd::bind_loopback().await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let token = CancellationToken::new();
    tokio::spawn(httpd::serve(listener, Arc::new(handler), token.clone()));
    (url, token)
}

#[tokio::test]
async fn first_fetch_stores_version_one_and_same_content_stores_nothing_new() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("techwire", site.url("techwire-daily"))], "");

    let first = check_once(&c, None).await.unwrap();
    assert!(
        matches!(first[0].stored, Stored::New { number: 1, .. }),
        "{first:?}"
    );
    // The page is served again with fresh noise (timestamp, ad id, most-read
    // order, visitor count) but the same article.
    let again = check_once(&c, None).await.unwrap();
    assert_eq!(again[0].stored, Stored::Unchanged);

    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 1);
    assert_eq!(outcomes(&conn), ["new", "unchanged"]);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM fetches"),
        1,
        "an unchanged check adds no row"
    );
    let (status, bytes): (i64, i64) = conn
        .query_row(
            "SELECT http_status, bytes FROM fetch_log WHERE outcome = 'unchanged'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, 200);
    assert!(bytes > 500, "bytes recorded: {bytes}");
    let raw: i64 = count(&conn, "SELECT count(*) FROM raw_pages");
    assert_eq!(raw, 1, "the first version's raw HTML is kept");
}

#[tokio::test]
async fn a_304_is_recorded_as_not_modified() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let dir = tempfile::tempdir().unwrap();
    // The demo's market desk answers If-None-Match with 304.
    let c = config(dir.path(), &[("desk", site.url("market-desk"))], "");
    check_once(&c, None).await.unwrap();
    let second = check_once(&c, None).await.unwrap();
    assert_eq!(second[0].stored, Stored::NotModified);
    assert_eq!(second[0].http_status, Some(304));
    let conn = db(&c);
    assert_eq!(outcomes(&conn), ["new", "not_modified"]);
    let (checks, last): (i64, String) = conn
        .query_row("SELECT checks, last_outcome FROM documents", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((checks, last.as_str()), (2, "not_modified"));
    let etag: String = conn
        .query_row("SELECT etag FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(etag, "\"md-v0\"");
}

#[tokio::test]
async fn changed_article_gives_version_two_and_a_change_with_exactly_the_edited_words() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("techwire", site.url("techwire-daily"))], "");
    check_once(&c, None).await.unwrap();

    // Techwire revises the amount in the headline and the first sentence.
    site.set_step(1);
    let out = check_once(&c, None).await.unwrap();
    assert!(
        matches!(out[0].stored, Stored::Changed { number: 2, .. }),
        "{out:?}"
    );

    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 1);
    let diff: String = conn
        .query_row("SELECT diff FROM change_feed", [], |r| r.get(0))
        .unwrap();
    let diff: claimwatch::core::compare::TextDiff = serde_json::from_str(&diff).unwrap();
    let changed: Vec<(String, String)> = diff
        .edits
        .iter()
        .flat_map(|e| match e {
            claimwatch::core::compare::Edit::Replace { words, .. } => words.clone(),
            other => panic!("only an in-place edit expected, got {other:?}"),
        })
        .filter(|w| w.kind != claimwatch::core::compare::SpanKind::Equal)
        .map(|w| (format!("{:?}", w.kind), w.text))
        .collect();
    assert_eq!(
        changed,
        [
            ("Delete".to_string(), "$50".to_string()),
            ("Insert".to_string(), "$40".to_string())
        ]
    );
    assert_eq!(diff.stats.sentences_edited, 1);
    let title = diff.title.expect("the headline changed too");
    assert_eq!(
        claimwatch::core::compare::render_inline(&title.words)
            .matches("{+$40+}")
            .count(),
        1
    );
}

#[tokio::test]
async fn noise_only_changes_never_make_a_version() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let dir = tempfile::tempdir().unwrap();
    let sources: Vec<(&str, String)> = claimwatch::cli::demo::site::outlets()
        .iter()
        .map(|o| (o.slug, site.url(o.slug)))
        .collect();
    let c = config(dir.path(), &sources, "");
    for _ in 0..4 {
        check_once(&c, None).await.unwrap();
    }
    let conn = db(&c);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM versions"),
        3,
        "one version per outlet"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 0);
    assert_eq!(count(&conn, "SELECT sum(checks) FROM documents"), 12);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM fetches"),
        3,
        "only the checks that stored a version have a row"
    );
}

#[tokio::test]
async fn a_500_and_a_timeout_are_failed_fetches_and_the_other_sources_are_still_checked() {
    let site = DemoSite::start().await.unwrap();
    site.set_step(0);
    let (broken, _t1) = serve(|_| Response::new(500, "text/plain", "boom")).await;
    // A server that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let c = config(
        dir.path(),
        &[
            ("broken", format!("{broken}/article")),
            ("silent", silent_url),
            ("techwire", site.url("techwire-daily")),
        ],
        "[fetch]\ntimeout = \"1s\"\nconnect_timeout = \"1s\"\n",
    );
    let out = check_once(&c, None).await.unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].stored, Stored::Failed);
    assert_eq!(out[0].reason.as_deref(), Some("HTTP status 500"));
    assert_eq!(out[1].stored, Stored::Failed);
    assert!(
        out[1].reason.as_deref().unwrap().contains("timed out"),
        "{:?}",
        out[1].reason
    );
    assert!(matches!(out[2].stored, Stored::New { .. }));

    let conn = db(&c);
    let mut stmt = conn
        .prepare("SELECT s.name, f.outcome, f.http_status, f.reason FROM fetches f JOIN documents d ON d.id = f.document_id JOIN sources s ON s.id = d.source_id ORDER BY s.name")
        .unwrap();
    let rows: Vec<(String, String, Option<i64>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows[0].0, "broken");
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("failed", Some(500)));
    assert_eq!(rows[1].0, "silent");
    assert_eq!(rows[1].1, "failed");
    assert_eq!(rows[2].1, "new");
}

#[tokio::test]
async fn done_means_two_versions_and_one_change_and_noise_adds_none() {
    // The definition of done, against a page we edit ourselves.
    let article = Arc::new(std::sync::Mutex::new(
        "Amazon will invest $50 billion in OpenAI.",
    ));
    let a = article.clone();
    let noise = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (url, _t) = serve(move |_| {
        let n = noise.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Response::html(format!(
            "<html><head><title>Deal</title></head><body><div class=\"ad\">ad {n}</div>\
             <article><h1>Deal</h1><p>{}</p><p>The deal spans several years.</p></article>\
             <footer>generated {n}</footer></body></html>",
            a.lock().unwrap()
        ))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("page", format!("{url}/a"))], "");
    check_once(&c, None).await.unwrap();
    *article.lock().unwrap() = "Amazon will invest $40 billion in OpenAI.";
    check_once(&c, None).await.unwrap();
    check_once(&c, None).await.unwrap(); // noise only
    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 1);
    assert_eq!(outcomes(&conn), ["changed", "new", "unchanged"]);
}

#[test]
fn the_example_config_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/claimwatch.toml");
    let c = claimwatch::cli::config::load(&path).unwrap();
    assert_eq!(c.story.name, "Amazon invests $50 billion in OpenAI");
    assert!(c.story.entities.iter().any(|e| e == "OpenAI"));
    assert!(c.sources.len() >= 2);
    assert_eq!(c.database, path.parent().unwrap().join("claimwatch.db"));
}

/// A page we edit ourselves: the article paragraphs, served on every request.
async fn editable_page() -> (String, Arc<std::sync::Mutex<String>>, CancellationToken) {
    let body = Arc::new(std::sync::Mutex::new(String::new()));
    let b = body.clone();
    let (url, token) = serve(move |_| Response::html(b.lock().unwrap().clone())).await;
    (format!("{url}/article"), body, token)
}

fn article_page(paragraphs: &[&str]) -> String {
    let ps: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<html><head><title>Deal</title></head><body><nav>Home</nav><article><h1>Deal</h1>{ps}</article></body></html>"
    )
}

const LONG: [&str; 4] = [
    "Amazon will invest $50 billion in OpenAI over several years, the companies said in a joint statement on Tuesday.",
    "The money will fund research, data centres and the commercial rollout of new models, according to the statement.",
    "AWS competes with Microsoft Azure, which has been OpenAI's main cloud provider since 2019, for enterprise customers.",
    "Antitrust lawyers said a deal of this size could draw scrutiny from regulators in Washington and in Brussels.",
];

#[tokio::test]
async fn a_consent_wall_or_a_fragment_is_a_failed_extraction_not_text_removed() {
    let (url, body, _t) = editable_page().await;
    *body.lock().unwrap() = article_page(&LONG);
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("page", url)], "");
    check_once(&c, None).await.unwrap();

    // A consent wall instead of the article.
    *body.lock().unwrap() = "<html><body><div class=\"consent\"><h2>We value your privacy</h2>\
        <p>We and our partners use cookies to store and access information on your device. \
        Accept all cookies or manage your preferences to continue.</p>\
        <button>Accept all</button><button>Manage preferences</button></div></body></html>"
        .to_string();
    let out = check_once(&c, None).await.unwrap();
    assert_eq!(out[0].stored, Stored::Failed);
    assert!(
        out[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("extraction failed"),
        "{:?}",
        out[0].reason
    );

    // Only the first paragraph: far shorter than the stored version.
    *body.lock().unwrap() = article_page(&LONG[..1]);
    let out = check_once(&c, None).await.unwrap();
    assert_eq!(out[0].stored, Stored::Failed);
    assert!(
        out[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("less than half of the previous version"),
        "{:?}",
        out[0].reason
    );

    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 0);
    assert_eq!(outcomes(&conn), ["failed", "failed", "new"]);
}

#[tokio::test]
async fn per_source_ignore_patterns_keep_volatile_text_out_of_versions() {
    let (url, body, _t) = editable_page().await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("page", url)], "");
    // The same source, with a pattern for the live-updating line.
    let path = dir.path().join("claimwatch.toml");
    let text =
        std::fs::read_to_string(&path).unwrap() + "ignore = ['Updated \\d+ minutes? ago\\.']\n";
    std::fs::write(&path, text).unwrap();
    let c2 = claimwatch::cli::config::load(&path).unwrap();
    assert_eq!(c.sources[0].url, c2.sources[0].url);
    for minutes in [3, 4, 9] {
        let stamp = format!("Updated {minutes} minutes ago.");
        let mut ps = LONG.to_vec();
        ps.push(&stamp);
        *body.lock().unwrap() = article_page(&ps);
        check_once(&c2, None).await.unwrap();
    }
    let conn = db(&c2);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 1);
    let text: String = conn
        .query_row("SELECT text FROM latest_versions", [], |r| r.get(0))
        .unwrap();
    assert!(!text.contains("Updated"), "{text}");
}

#[tokio::test]
async fn a_headline_ab_test_is_reported_once_and_then_stays_quiet() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let headlines = Arc::new(std::sync::Mutex::new(vec![
        "Amazon bets $50 billion on OpenAI",
        "Amazon to invest $50 billion in OpenAI",
    ]));
    let (h, hl) = (hits.clone(), headlines.clone());
    let (url, _stop) = serve(move |_req: &Request| {
        let n = h.fetch_add(1, Ordering::SeqCst);
        let hl = hl.lock().unwrap();
        Response::html(headlined_page(hl[n % hl.len()]))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("ab", format!("{url}/article"))], "");

    let mut stored = Vec::new();
    for _ in 0..6 {
        stored.push(check_once(&c, None).await.unwrap()[0].stored);
    }
    assert!(
        matches!(stored[0], Stored::New { number: 1, .. }),
        "{stored:?}"
    );
    assert!(
        matches!(stored[1], Stored::Changed { number: 2, .. }),
        "{stored:?}"
    );
    assert_eq!(
        stored[2..],
        [
            Stored::Returned {
                to: 1,
                latest: 2,
                first: true
            },
            Stored::Unchanged,
            Stored::Returned {
                to: 1,
                latest: 2,
                first: false
            },
            Stored::Unchanged,
        ]
    );
    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 1);
    // The evidence: every return is a fetch that names the version it
    // returned to, worded once.
    let reason: String = conn
        .query_row(
            "SELECT DISTINCT reason FROM fetches WHERE reason LIKE '%alternates%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        reason,
        "headline alternates between \"Amazon bets $50 billion on OpenAI\" (version 1) \
         and \"Amazon to invest $50 billion in OpenAI\" (version 2)"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM fetches WHERE version_id = 1 AND outcome = 'unchanged'"
        ),
        2
    );

    // A genuinely new headline is a change as usual; returning from it to
    // the one before is a new alternation, reported once again.
    *headlines.lock().unwrap() = vec!["Amazon and OpenAI seal $50 billion deal"];
    let third = check_once(&c, None).await.unwrap();
    assert!(
        matches!(third[0].stored, Stored::Changed { number: 3, .. }),
        "{third:?}"
    );
    *headlines.lock().unwrap() = vec!["Amazon to invest $50 billion in OpenAI"];
    let back = check_once(&c, None).await.unwrap();
    assert_eq!(
        back[0].stored,
        Stored::Returned {
            to: 2,
            latest: 3,
            first: true
        }
    );
    assert_eq!(count(&db(&c), "SELECT count(*) FROM changes"), 2);
}

/// The article of `article_page` under its own headline.
fn headlined_page(headline: &str) -> String {
    article_page(&LONG).replace("Deal", headline)
}

/// A page's declared modification time (JSON-LD `dateModified` and
/// `article:modified_time`) moving on its own is no change: nothing stored,
/// nothing reported. With an edit it is the change's disclosure,
/// `modified_time`, in the stored change and its documented view.
#[tokio::test]
async fn a_moved_modification_time_alone_reports_nothing_and_discloses_an_edit() {
    use std::sync::Mutex;
    // (amount, modification day) the page is served with.
    let state = Arc::new(Mutex::new((50, 1)));
    let s = state.clone();
    let (base, _stop) = serve(move |_| {
        let (amount, day) = *s.lock().unwrap();
        Response::html(format!(
            "<html><head><meta property=\"article:modified_time\" content=\"2026-12-0{day}T10:00:00Z\">\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Amazon invests in OpenAI\",\
             \"dateModified\":\"2026-12-0{day}T10:00:00Z\"}}</script></head><body><article>\
             <h1>Amazon invests in OpenAI</h1>\
             <p>Amazon will invest ${amount} billion in OpenAI over several years, the companies said on Tuesday.</p>\
             <p>The money will fund research, data centres and the rollout of new models, Amazon said.</p>\
             <p>Analysts said the deal was among the largest bets ever placed on an AI developer.</p>\
             </article></body></html>"
        ))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), &[("ledger", format!("{base}/story"))], "");
    let first = check_once(&c, None).await.unwrap();
    assert!(matches!(first[0].stored, Stored::New { .. }), "{first:?}");

    // Only the declared time moves: the same version, no change.
    state.lock().unwrap().1 = 2;
    let moved = check_once(&c, None).await.unwrap();
    assert_eq!(moved[0].stored, Stored::Unchanged, "{moved:?}");
    let conn = db(&c);
    assert_eq!(count(&conn, "SELECT count(*) FROM versions"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 0);

    // An edit with the time moved again: disclosed by the modification time.
    *state.lock().unwrap() = (40, 3);
    let edited = check_once(&c, None).await.unwrap();
    assert!(
        matches!(edited[0].stored, Stored::Changed { .. }),
        "{edited:?}"
    );
    let (disclosure, notice): (String, Option<String>) = conn
        .query_row("SELECT disclosure, notice FROM change_feed", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(disclosure, "modified_time");
    assert_eq!(notice, None);
}
