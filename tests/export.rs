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
    // The amount change, word by word and called out.
    assert!(
        page.contains("<del>$50</del><ins>$40</ins> billion"),
        "{page}"
    );
    assert!(
        page.contains("Amount changed: <span class=\"amount\">$50 billion</span> → <span class=\"amount\">$40 billion</span>"),
        "{page}"
    );
    assert!(page.contains("Hedge added: “reportedly”"), "{page}");
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
        .lines()
        .find(|l| l.contains(">techwire-daily<"))
        .unwrap();
    assert!(
        techwire.contains("$40 billion") && !techwire.contains("$50 billion"),
        "{techwire}"
    );
    let harbor = overview
        .lines()
        .find(|l| l.contains(">harbor-ledger<"))
        .unwrap();
    assert!(harbor.contains("$50 billion"), "{harbor}");
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
    assert!(page.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
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
}
