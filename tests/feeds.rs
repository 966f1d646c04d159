//! Feed discovery over loopback: RSS 2.0, RSS 1.0 and Atom feeds whose
//! matching items become documents, one per article.

use std::sync::{Arc, Mutex};

use claimwatch::service::feeds::Discovery;
use claimwatch::service::fetch::Fetcher;
use claimwatch::service::httpd::{self, Request, Response};
use claimwatch::service::politeness::{Polite, Politeness};
use claimwatch::store::Store;
use claimwatch::store::feeds::discovered_documents;
use tokio_util::sync::CancellationToken;

fn feeds(base: &str, path: &str) -> Option<(String, &'static str)> {
    let rss2 = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor</title><link>{base}/</link>
<item><title>Amazon to invest $50 billion in OpenAI</title><link>{base}/a/amazon-openai?utm_source=rss&amp;utm_medium=feed#top</link><guid>h-1</guid><description>The deal is multi-year.</description></item>
<item><title>Cloud prices this quarter</title><link>{base}/a/cloud</link><guid>h-2</guid><description>Nothing about it.</description></item>
</channel></rss>"#
    );
    let rss1 = format!(
        r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="{base}/rss1"><title>Wire</title><link>{base}/</link><description>w</description></channel>
<item rdf:about="{base}/amp/amazon-openai"><title>Deal day</title><link>{base}/amp/amazon-openai</link><description>AWS and OpenAI sign; Amazon confirms.</description></item>
<item rdf:about="{base}/w/markets"><title>Markets wrap</title><link>{base}/w/markets</link><description>Stocks rose.</description></item>
</rdf:RDF>"#
    );
    let atom = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><id>urn:desk</id><updated>2026-11-24T09:00:00Z</updated>
<entry><title>What Amazon's OpenAI bet means</title><id>urn:desk:1</id><updated>2026-11-24T09:00:00Z</updated><link rel="alternate" href="{base}/d/amazon-openai-bet"/><summary>Analysis.</summary></entry>
</feed>"#
    );
    Some(match path {
        "/rss2.xml" => (rss2, "application/rss+xml"),
        "/rss1.xml" => (rss1, "application/rdf+xml"),
        "/atom.xml" => (atom, "application/atom+xml"),
        _ => return None,
    })
}

fn article(path: &str) -> Response {
    // The AMP copy names the main article as canonical.
    let canonical = match path {
        "/amp/amazon-openai" => "/a/amazon-openai",
        p => p,
    };
    Response::html(format!(
        r#"<html><head><link rel="canonical" href="{canonical}"></head><body><article><p>Amazon and OpenAI.</p></article></body></html>"#
    ))
}

const CONFIG: &str = r#"
database = "c.db"
[story]
name = "Amazon invests $50 billion in OpenAI"
[politeness]
host_interval = "0"
[[feeds]]
name = "harbor-feed"
url = "BASE/rss2.xml"
match = ["Amazon OpenAI"]
[[feeds]]
name = "wire-feed"
url = "BASE/rss1.xml"
match = ["Amazon OpenAI"]
[[feeds]]
name = "desk-feed"
url = "BASE/atom.xml"
match = ["Amazon OpenAI"]
"#;

#[tokio::test]
async fn matching_items_of_rss2_rss1_and_atom_feeds_become_one_document_per_article() {
    let listener = httpd::bind_loopback().await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let (b, a) = (base.clone(), asked.clone());
    let handler: httpd::Handler = Arc::new(move |req: &Request| {
        a.lock().unwrap().push(req.path.clone());
        if req.path == "/robots.txt" {
            return Response::new(404, "text/plain", "");
        }
        match feeds(&b, &req.path) {
            Some((body, ct)) => Response::new(200, ct, body),
            None => article(&req.path),
        }
    });
    let stop = CancellationToken::new();
    tokio::spawn(httpd::serve(listener, handler, stop.clone()));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    std::fs::write(&path, CONFIG.replace("BASE", &base)).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    assert_eq!(config.feeds.len(), 3);
    let store = Arc::new(Mutex::new(Store::open(&config.database).unwrap()));
    let fetcher = Fetcher::new(
        &config.user_agent,
        &claimwatch::cli::config::defaults::fetch(),
    )
    .unwrap();
    let polite = Polite::new(
        fetcher,
        Politeness {
            host_interval: std::time::Duration::ZERO,
            ..config.politeness.clone()
        },
        &config.user_agent,
        4,
    );
    let discovery = Discovery::new(polite, store.clone());

    let mut found = Vec::new();
    for feed in &config.feeds {
        found.push(discovery.poll(feed).await.unwrap());
    }
    // RSS 2.0: the matching item, without tracking parameters or fragment.
    assert_eq!(found[0].len(), 1);
    assert_eq!(found[0][0].url, format!("{base}/a/amazon-openai"));
    assert_eq!(found[0][0].feed, "harbor-feed");
    // RSS 1.0: the AMP link's canonical is the same article: no new document.
    assert!(found[1].is_empty(), "{:?}", found[1]);
    // Atom.
    assert_eq!(found[2].len(), 1);
    assert_eq!(found[2][0].url, format!("{base}/d/amazon-openai-bet"));

    let docs = discovered_documents(store.lock().unwrap().conn()).unwrap();
    let urls: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d.feed.as_str(), d.url.as_str()))
        .collect();
    assert_eq!(
        urls,
        [
            ("harbor-feed", format!("{base}/a/amazon-openai").as_str()),
            ("desk-feed", format!("{base}/d/amazon-openai-bet").as_str()),
        ]
    );
    {
        let s = store.lock().unwrap();
        let alias: i64 = s
            .conn()
            .query_row(
                "SELECT document_id FROM document_aliases WHERE url = ?1",
                [format!("{base}/amp/amazon-openai")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(alias, docs[0].document_id);
        let kinds: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM sources WHERE kind = 'feed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kinds, 3);
    }
    // Unmatched items were never fetched.
    let asked_paths = asked.lock().unwrap().clone();
    assert!(
        !asked_paths
            .iter()
            .any(|p| p == "/a/cloud" || p == "/w/markets"),
        "{asked_paths:?}"
    );

    // A second poll finds nothing new and fetches no article again.
    let before = asked.lock().unwrap().len();
    for feed in &config.feeds {
        assert!(discovery.poll(feed).await.unwrap().is_empty());
    }
    let after: Vec<String> = asked.lock().unwrap()[before..].to_vec();
    assert!(after.iter().all(|p| p.ends_with(".xml")), "{after:?}");
    stop.cancel();
}

/// Runs the daemon with one feed on loopback until the article it
/// discovers has been checked twice; `fetch_extra` goes into `[fetch]`.
async fn discover_and_check(fetch_extra: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let listener = httpd::bind_loopback().await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let b = base.clone();
    let handler: httpd::Handler = Arc::new(move |req: &Request| {
        if req.path == "/robots.txt" {
            return Response::new(404, "text/plain", "");
        }
        match feeds(&b, &req.path) {
            Some((body, ct)) => Response::new(200, ct, body),
            None => article(&req.path),
        }
    });
    let stop = CancellationToken::new();
    tokio::spawn(httpd::serve(listener, handler, stop.clone()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    let text = format!(
        "database = \"c.db\"\n[story]\nname = \"x\"\n[defaults]\njitter = \"0\"\nrecheck_min = \"1s\"\n\
         [fetch]\n{fetch_extra}\n\
         [politeness]\nhost_interval = \"0\"\n[[feeds]]\nname = \"harbor-feed\"\nurl = \"{base}/rss2.xml\"\n\
         schedule = \"* * * * * *\"\nmatch = [\"Amazon OpenAI\"]\n"
    );
    std::fs::write(&path, text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn({
        let (config, shutdown) = (config.clone(), shutdown.clone());
        async move {
            claimwatch::service::daemon::run(
                &config,
                shutdown,
                claimwatch::cli::config::defaults::run_options(&config.path),
            )
            .await
        }
    });
    // The discovered article gets checked (a first version stored) and is
    // re-checked on its adaptive schedule.
    let db = config.database.clone();
    let checked = async {
        loop {
            let n: i64 = rusqlite::Connection::open(&db)
                .and_then(|c| {
                    c.query_row(
                        "SELECT coalesce(sum(d.checks), 0) FROM documents d
                         JOIN sources s ON s.id = d.source_id WHERE s.kind = 'feed'",
                        [],
                        |r| r.get(0),
                    )
                })
                .unwrap_or(0);
            if n >= 2 {
                return n;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), checked)
        .await
        .expect("the discovered article was not checked twice");
    shutdown.cancel();
    run.await.unwrap().unwrap();
    stop.cancel();
    (dir, db, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_tracks_discovered_coverage_on_an_adaptive_schedule() {
    // Loopback is not public: this test allows it explicitly.
    let (_dir, db, base) = discover_and_check("allow_private_addresses = true").await;
    let c = rusqlite::Connection::open(&db).unwrap();
    let (url, versions, interval): (String, i64, Option<i64>) = c
        .query_row(
            "SELECT d.url, (SELECT count(*) FROM versions v WHERE v.document_id = d.id),
                    (SELECT interval_s FROM schedule_state WHERE key = 'document:' || d.id)
             FROM documents d",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(url, format!("{base}/a/amazon-openai"));
    assert_eq!(versions, 1, "an unchanged article is stored once");
    // Unchanged checks back off from the 1 s minimum.
    assert!(interval.is_some_and(|s| s >= 1), "{interval:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovered_urls_may_not_reach_non_public_addresses_by_default() {
    // The feed itself is configured and may point anywhere; the article it
    // names is on loopback, which the SSRF guard refuses.
    let (_dir, db, _base) = discover_and_check("").await;
    let c = rusqlite::Connection::open(&db).unwrap();
    let reasons: Vec<String> = c
        .prepare(
            "SELECT f.outcome || ': ' || coalesce(f.reason, '') FROM fetch_log f
             JOIN sources s ON s.name = f.source WHERE s.kind = 'feed'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(reasons.len() >= 2);
    for r in &reasons {
        assert!(r.starts_with("failed: ") && r.contains("non-public"), "{r}");
    }
    let versions: i64 = c
        .query_row("SELECT count(*) FROM versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 0);
}
