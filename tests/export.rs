//! `claimwatch export html`: the page for the demo's history, checked as
//! text and in a real headless browser (Debian's `chromium` package).

mod demo_db;

use std::path::{Path, PathBuf};
use std::process::Command;

use demo_db::{claimwatch, shared, stderr, stdout};

fn export(args: &[&str]) -> String {
    let db = shared();
    let o = claimwatch(db, &[&["export", "html"], args, &["-o", "-"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn the_article_page_shows_every_version_and_the_changed_words() {
    let page = export(&["techwire-daily"]);
    // A timeline entry for each version.
    for v in ["version 1", "version 2", "version 3"] {
        assert!(page.contains(v), "{v} missing");
    }
    // The amount change, word by word, and the claim change the engine
    // stored for it (not a word list of the page's own).
    assert!(
        page.contains("<del>$50</del><ins>$40</ins> billion"),
        "{page}"
    );
    assert!(
        page.contains(
            "<li class=\"claim\"><span class=\"tag\">amount</span> <del>$50 billion</del> → <ins>$40 billion</ins>"
        ),
        "{page}"
    );
    // The story fact the outlet revised.
    assert!(
        page.contains("<span class=\"tag\">revised</span> investment amount: <del>$50 billion</del> → <ins>$40 billion</ins>"),
        "{page}"
    );
    // The added sentence, and a link to the original.
    assert!(page.contains("<ins>Shares of Amazon rose 2.1% in early trading in New York.</ins>"));
    assert!(page.contains("<a href=\"http://127.0.0.1:"), "{page}");
    // Self-contained: nothing to run, nothing to load.
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "src=", "url(", "@import",
    ] {
        assert!(!page.contains(forbidden), "the page contains {forbidden:?}");
    }
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn the_story_page_covers_every_outlet_with_what_it_says_now() {
    let page = export(&[]);
    for outlet in ["harbor-ledger", "techwire-daily", "market-desk"] {
        assert!(page.contains(&format!(">{outlet}</a>")), "{outlet} missing");
    }
    let overview = &page[page.find("id=\"overview\"").unwrap()..page.find("</table>").unwrap()];
    // The techwire article now says $40 billion; the others $50 billion.
    let techwire = overview
        .split("<tr>")
        .find(|l| l.contains(">techwire-daily<"))
        .unwrap();
    assert!(
        techwire.contains("$40 billion") && !techwire.contains("$50 billion"),
        "{techwire}"
    );
    let harbor = overview
        .split("<tr>")
        .find(|l| l.contains(">harbor-ledger<"))
        .unwrap();
    assert!(harbor.contains("$50 billion"), "{harbor}");
}

/// The demo's changes, one `<article class="change">` each.
fn changes_of(page: &str) -> Vec<&str> {
    page.split("<article class=\"change\"")
        .skip(1)
        .map(|c| c.split("</article>").next().unwrap_or(c))
        .collect()
}

#[test]
fn every_change_has_a_disclosure_badge_and_its_notice_quoted() {
    let page = export(&[]);
    let changes = changes_of(&page);
    assert_eq!(changes.len(), 5, "{page}");
    for c in &changes {
        assert_eq!(c.matches("<span class=\"disclosure ").count(), 1, "{c}");
    }
    // The same amount revision: market-desk owned up to it, techwire-daily
    // did not.
    let market: Vec<_> = changes
        .iter()
        .filter(|c| c.contains("bet means for the cloud"))
        .collect();
    assert_eq!(market.len(), 1);
    assert!(
        market[0].contains("<span class=\"disclosure correction\"")
            && market[0].contains(">correction</span>"),
        "{}",
        market[0]
    );
    assert!(
        market[0].contains(
            "<blockquote class=\"notice\">notice: &quot;Correction: A previous version of this analysis gave the wrong size for Amazon's commitment.&quot;</blockquote>"
        ),
        "{}",
        market[0]
    );
    let silent: Vec<_> = changes
        .iter()
        .filter(|c| c.contains(">silent</span>"))
        .collect();
    assert_eq!(silent.len(), 4, "{page}");
    assert!(silent.iter().all(|c| !c.contains("class=\"notice\"")));
}

#[test]
fn page_text_from_fetched_pages_is_escaped() {
    use claimwatch::store::{CheckRecord, CheckResult, NewVersion, Store};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    let doc = store
        .ensure_source("evil", "http://127.0.0.1/evil", chrono::Utc::now())
        .unwrap();
    store
        .record(&CheckRecord {
            document_id: doc,
            started_at: chrono::Utc::now(),
            duration_ms: 1,
            http_status: Some(200),
            bytes: 1,
            result: CheckResult::Changed {
                validators: Default::default(),
                version: NewVersion {
                    content_hash: "h".into(),
                    article: claimwatch::core::extract::Article {
                        title: Some("<script>alert('t')</script>".into()),
                        text: "A <img src=x onerror=alert(1)> & \"quoted\" text.".into(),
                        canonical_url: Some("javascript:alert(2)".into()),
                        ..Default::default()
                    },
                    raw_html: Vec::new(),
                    claims: Default::default(),
                },
                change: None,
            },
        })
        .unwrap();
    let page = claimwatch::cli::export::render(store.conn(), None, "<b>story</b>", "now").unwrap();
    assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"));
    assert!(page.contains("&lt;script&gt;alert('t')&lt;/script&gt;"));
    assert!(!page.contains("href=\"javascript:"), "{page}");
}

/// The browser: `CLAIMWATCH_CHROMIUM` or `chromium` on the PATH. The test
/// fails (never skips) without it, so a CI machine missing the package
/// cannot pass this check silently.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CLAIMWATCH_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "this test needs a headless Chromium: install Debian's `chromium` package \
         (apt-get install -y chromium) or set CLAIMWATCH_CHROMIUM to the browser's path"
    );
}

/// Loads a file in headless Chromium and returns the DOM it rendered.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", browser.display()));
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_exported_page_renders_in_headless_chromium() {
    let browser = chromium();
    let db = shared();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("story.html");
    let o = claimwatch(db, &["export", "html", "-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dom = dump_dom(&browser, &file, &dir.path().join("profile"));
    // The browser parsed the whole page: the footer is in the DOM it built.
    assert!(dom.contains("Generated by claimwatch"), "{dom}");
    assert!(dom.contains("$40 billion"), "{dom}");
    assert!(dom.contains("<del>$50</del><ins>$40</ins>"), "{dom}");
    assert!(dom.contains("<ins>Shares of Amazon rose"), "{dom}");
    assert!(dom.contains("<del>"), "{dom}");
    assert!(!dom.contains("<script"), "{dom}");
    // Each change's disclosure badge, and the correction's notice quoted.
    let badges = |kind: &str, word: &str| {
        dom.split(&format!("<span class=\"disclosure {kind}\""))
            .skip(1)
            .filter(|rest| {
                rest.split("</span>")
                    .next()
                    .unwrap_or("")
                    .ends_with(&format!(">{word}"))
            })
            .count()
    };
    assert_eq!(badges("none", "silent"), 4, "{dom}");
    assert_eq!(badges("correction", "correction"), 1, "{dom}");
    assert!(
        dom.contains("notice: \"Correction: A previous version of this analysis"),
        "{dom}"
    );
}

/// Collects everything the library logs, for the test that reads the log.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One stored change, the demo's $50 billion → $40 billion revision, told
/// by every interface: the log line, the stored summary, `changes --json`,
/// the email built from the outbox, the HTML export and the Atom feed.
/// Regression for issue 15, where each told its own story.
#[test]
fn one_change_reads_the_same_in_every_interface() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let db = demo_db::build();
    let lead = "amount $50 billion → $40 billion";

    // The log.
    let log = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let prefix = "techwire-daily: version 1 -> 2 (silent): ";
    let line = log
        .lines()
        .find(|l| l.contains(prefix))
        .unwrap_or_else(|| panic!("no log line for the change: {log}"));
    let logged = &line[line.find(prefix).unwrap() + prefix.len()..];
    // The structured fields follow the message.
    let logged = logged.split(" source=").next().unwrap();
    assert!(logged.starts_with(&format!("{lead}; ")), "{line}");

    // The stored summary, as sqlite3 users read it.
    let conn = rusqlite::Connection::open(&db.database).unwrap();
    let (change_id, stored): (i64, String) = conn
        .query_row(
            "SELECT change_id, summary FROM change_feed WHERE source = 'techwire-daily' AND to_version = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // The stored summary is the log's, with the disclosure in front as
    // the log puts it beside the versions.
    assert_eq!(stored, format!("(silent) {logged}"));

    // `changes --json`: the same summary and the claim changes.
    let o = claimwatch(
        &db,
        &["changes", "--since", "1d", "techwire-daily", "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["change_id"] == change_id)
        .unwrap();
    assert_eq!(row["summary"], stored.as_str());
    assert_eq!(row["claim_changes"][0]["label"], lead);
    assert_eq!(row["claim_changes"][0]["old"], "$50 billion");
    assert_eq!(row["claim_changes"][0]["new"], "$40 billion");

    // The email built from the outbox: every pending report in one digest.
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let items = claimwatch::store::outbox::load_items(&conn, &ids).unwrap();
    let item = items.iter().find(|i| i.change_id == change_id).unwrap();
    assert_eq!(item.summary, stored);
    let mail = claimwatch::service::email::render::render("[claimwatch]", &items);
    // The digest leads with an amount change (the demo has two of equal rank).
    assert!(mail.subject.contains(" amount "), "{}", mail.subject);
    let alone =
        claimwatch::service::email::render::render("[claimwatch]", std::slice::from_ref(item));
    assert_eq!(
        alone.subject,
        format!("[claimwatch] 1 change in 1 outlet: techwire-daily {lead} (silent)")
    );
    assert!(
        mail.text.contains(&format!("* techwire-daily: {lead}")),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&stored), "{}", mail.text);
    // The HTML part shows the disclosure as a badge beside the rest.
    assert!(
        mail.html.contains(&format!(">silent</span> {logged}")),
        "{}",
        mail.html
    );

    // The HTML export.
    let o = claimwatch(&db, &["export", "html", "techwire-daily", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(
        page.contains(&format!(">silent</span> {logged}</p>")),
        "{page}"
    );

    // The Atom feed.
    let o = claimwatch(&db, &["export", "atom", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let feed = stdout(&o);
    assert!(
        feed.contains(&format!("<title>techwire-daily (silent): {lead}</title>")),
        "{feed}"
    );
    assert!(
        feed.contains(&format!("<summary>{stored}</summary>")),
        "{feed}"
    );
}

/// The feed as a real feed reader library sees it: Python's `feedparser`
/// (Debian's `python3-feedparser`). Fails, never skips, without it.
#[test]
fn the_atom_feed_parses_with_feedparser_and_keeps_its_ids() {
    let db = shared();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("changes.atom");
    let read = || {
        let o = claimwatch(db, &["export", "atom", "-o", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.bozo:
    sys.exit("not well-formed: %s" % d.bozo_exception)
assert d.version == "atom10", d.version
print(json.dumps([{"id": e.id, "title": e.title, "content": e.content[0].value,
                   "type": e.content[0].type, "updated": e.updated} for e in d.entries]))
"#;
        // Debian's python3, where python3-feedparser installs.
        let python =
            std::env::var_os("CLAIMWATCH_TEST_PYTHON").unwrap_or("/usr/bin/python3".into());
        let out = Command::new(python)
            .args(["-c", script])
            .arg(&file)
            .output()
            .expect("python3 with feedparser (apt-get install -y python3-feedparser)");
        assert!(
            out.status.success(),
            "feedparser: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let entries = read();
    let entries = entries.as_array().unwrap();
    // One entry per stored change.
    let changes: i64 = rusqlite::Connection::open(&db.database)
        .unwrap()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries.len() as i64, changes);
    let techwire = entries
        .iter()
        .find(|e| e["title"] == "techwire-daily (silent): amount $50 billion → $40 billion")
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(techwire["type"], "text/html");
    let content = techwire["content"].as_str().unwrap();
    assert!(content.contains("<del"), "{content}");
    assert!(content.contains(">$40 billion</ins>"), "{content}");
    assert!(!content.contains("notice:"), "{content}");
    // The same revision, disclosed: the title says so, the content quotes
    // the notice.
    let market = entries
        .iter()
        .find(|e| e["title"] == "market-desk (correction): amount $50 billion → $40 billion")
        .unwrap_or_else(|| panic!("{entries:?}"));
    let content = market["content"].as_str().unwrap();
    assert!(
        content.contains(
            "<blockquote>notice: &quot;Correction: A previous version of this analysis gave the wrong size for Amazon's commitment.&quot;</blockquote>"
        ),
        "{content}"
    );
    // Every entry's title carries its disclosure.
    for e in entries {
        let title = e["title"].as_str().unwrap();
        assert!(
            title.contains(" (silent): ") || title.contains(" (correction): "),
            "{title}"
        );
    }
    // Ids are stable: a rewritten feed has the same ones.
    let again = read();
    let ids = |v: &[serde_json::Value]| v.iter().map(|e| e["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(entries), ids(again.as_array().unwrap()));
    assert!(
        techwire["id"]
            .as_str()
            .unwrap()
            .starts_with("urn:claimwatch:change:")
    );
}

/// `[report.feed] path`: `check` rewrites the feed after its pass, even when
/// every fetch fails (here the demo site is gone), and leaves no temporary
/// file behind.
#[test]
fn check_rewrites_the_configured_feed_file() {
    let db = shared();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cw.toml");
    let text = std::fs::read_to_string(&db.config).unwrap().replace(
        "database = \"claimwatch.db\"",
        &format!("database = {:?}", db.database.to_str().unwrap()),
    );
    std::fs::write(
        &config,
        format!("{text}\n[report.feed]\npath = \"changes.atom\"\n"),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_claimwatch"))
        .args(["--config", config.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let feed = std::fs::read_to_string(dir.path().join("changes.atom"))
        .unwrap_or_else(|e| panic!("no feed ({e}): {}", stderr(&o)));
    assert!(feed.starts_with("<?xml"), "{feed}");
    assert!(
        feed.contains("<title>techwire-daily (silent): amount $50 billion → $40 billion</title>")
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// The story page draws the story's facts over time as inline SVG: a row
/// per outlet, the demo's silent $50 billion → $40 billion revision marked
/// as silent and market-desk's corrected one as disclosed, and the stretch
/// where outlets disagree shaded; the browser
/// builds it under the page's CSP, which loads nothing.
#[test]
fn the_story_page_draws_each_fact_over_time_and_marks_silent_changes() {
    let page = export(&[]);
    let start = page
        .find("<section id=\"story-picture\">")
        .unwrap_or_else(|| panic!("no picture of the story:\n{page}"));
    let picture = &page[start..];
    let picture = &picture[..picture.find("</section>").unwrap()];
    assert!(
        picture.contains("<figcaption>investment amount</figcaption>"),
        "{picture}"
    );
    for outlet in ["techwire-daily", "harbor-ledger", "market-desk"] {
        assert!(
            picture.contains(&format!(">{outlet}</text>")),
            "{outlet}: {picture}"
        );
    }
    assert!(picture.contains("<circle class=\"silent\""), "{picture}");
    // market-desk lowers the amount with a correction notice: disclosed.
    assert!(picture.contains("<circle class=\"disclosed\""), "{picture}");
    assert!(
        picture.contains("changed with a correction notice"),
        "{picture}"
    );
    assert!(
        picture.contains("$40 billion (version 2,") && picture.contains("changed silently"),
        "{picture}"
    );
    assert!(picture.contains("<rect class=\"conflict\""), "{picture}");
    assert!(!picture.contains("style="), "{picture}");

    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("story.html");
    std::fs::write(&file, &page).unwrap();
    let dom = dump_dom(&browser, &file, &dir.path().join("profile"));
    assert!(dom.contains("<svg"), "{dom}");
    assert!(dom.contains("class=\"silent\""), "{dom}");
    assert!(dom.contains("class=\"conflict\""), "{dom}");
}
