//! Hostile and broken servers, each through the real pipeline
//! (`daemon::check_once`) with two sources: the hostile one and a normal
//! outlet of the demo site. Each must cost exactly one failed fetch with a
//! clear reason (or, where the page is merely odd, a stored version), and the
//! normal source must still get its version.
//!
//! Memory bound: a fetch holds at most `fetch.max_body_bytes` of body (the
//! check happens before a chunk is appended, and reqwest decompresses as it
//! streams, so the cap counts decompressed bytes), plus the decoded text and
//! the parsed document of a body that fits. The tests use a 1 MiB cap.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use claimwatch::cli::demo::DemoSite;
use claimwatch::service::daemon;
use claimwatch::service::httpd;
use rusqlite::Connection;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

const CAP: u64 = 1024 * 1024;

/// A raw TCP server on loopback: `handle` gets each connection after its
/// request head has been read.
struct RawServer {
    base: String,
    shutdown: CancellationToken,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn raw_server<F, Fut>(handle: F) -> RawServer
where
    F: Fn(TcpStream, httpd::Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = httpd::bind_loopback().await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = stop.cancelled() => return,
                a = listener.accept() => a,
            };
            let Ok((mut stream, _)) = accepted else {
                continue;
            };
            let handle = handle.clone();
            tokio::spawn(async move {
                if let Ok(Some(req)) = httpd::read_head(&mut stream).await {
                    handle(stream, req).await;
                }
            });
        }
    });
    RawServer { base, shutdown }
}

/// A server that answers every request with `resp` (through httpd).
async fn fixed(resp: httpd::Response) -> RawServer {
    let resp = Arc::new(resp);
    raw_server(move |mut s, req| {
        let resp = resp.clone();
        async move {
            let _ = httpd::write_response(&mut s, &req, &resp).await;
        }
    })
    .await
}

/// What the pipeline recorded for the hostile source, and whether the normal
/// source got its version.
#[derive(Debug)]
struct Checked {
    outcome: String,
    reason: Option<String>,
    http_status: Option<i64>,
    bytes: i64,
    hostile_fetches: i64,
    hostile_text: Option<String>,
    normal_versions: i64,
}

async fn check(hostile_url: &str) -> Checked {
    check_capped(hostile_url, CAP).await
}

async fn check_capped(hostile_url: &str, cap: u64) -> Checked {
    let site = DemoSite::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimwatch.toml");
    let text = format!(
        "database = \"c.db\"\n\
         [fetch]\ntimeout = \"2s\"\nconnect_timeout = \"2s\"\nmax_body_bytes = {cap}\n\
         [story]\nname = \"Amazon invests $50 billion in OpenAI\"\n\
         [[sources]]\nname = \"hostile\"\nurl = \"{hostile_url}\"\n\
         [[sources]]\nname = \"normal\"\nurl = \"{}\"\n",
        site.url("harbor-ledger")
    );
    std::fs::write(&path, text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let outcomes = daemon::check_once(&config, None).await.unwrap();
    assert_eq!(outcomes.len(), 2, "both sources are checked");
    let db = Connection::open(&config.database).unwrap();
    let q = |sql: &str, name: &str| -> i64 { db.query_row(sql, [name], |r| r.get(0)).unwrap() };
    let by_source = "FROM fetches f JOIN documents d ON d.id = f.document_id \
                     JOIN sources s ON s.id = d.source_id WHERE s.name = ?1";
    let (outcome, reason, http_status, bytes) = db
        .query_row(
            &format!("SELECT f.outcome, f.reason, f.http_status, f.bytes {by_source}"),
            ["hostile"],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let hostile_text = db
        .query_row(
            "SELECT text FROM latest_versions WHERE source = 'hostile'",
            [],
            |r| r.get(0),
        )
        .ok();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    Checked {
        outcome,
        reason,
        http_status,
        bytes,
        hostile_fetches: q(&format!("SELECT count(*) {by_source}"), "hostile"),
        hostile_text,
        normal_versions: q(
            "SELECT count(*) FROM versions v JOIN documents d ON d.id = v.document_id \
             JOIN sources s ON s.id = d.source_id WHERE s.name = ?1",
            "normal",
        ),
    }
}

/// Asserts one failed fetch whose reason contains `needle`, and that the
/// normal source was stored.
fn assert_failed(c: &Checked, needle: &str) {
    assert_eq!(c.hostile_fetches, 1, "{c:?}");
    assert_eq!(c.outcome, "failed", "{c:?}");
    let reason = c.reason.as_deref().unwrap_or("");
    assert!(
        reason.contains(needle),
        "reason {reason:?} should contain {needle:?}"
    );
    assert_eq!(c.normal_versions, 1, "the normal source is still checked");
}

fn html_head() -> &'static [u8] {
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
}

const ARTICLE: &str = "<html><head><title>Amazon and OpenAI</title></head><body><article>\
    <p>Amazon will invest $50 billion in OpenAI, the companies said.</p></article></body></html>";

#[tokio::test]
async fn body_larger_than_the_cap_is_cut_at_the_cap_while_streaming() {
    let written = Arc::new(AtomicU64::new(0));
    let w = written.clone();
    // No Content-Length: the only way to stop is to stop reading.
    let server = raw_server(move |mut s, _| {
        let w = w.clone();
        async move {
            if s.write_all(html_head()).await.is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..(100 * 16) {
                if s.write_all(&chunk).await.is_err() {
                    return;
                }
                w.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }
    })
    .await;
    let c = check(&format!("{}/big", server.base)).await;
    assert_failed(&c, "larger than the cap of 1048576 bytes");
    assert_eq!(c.bytes, CAP as i64);
    // The client hung up: the server could not push its 100 MiB through.
    let sent = written.load(Ordering::Relaxed);
    assert!(sent < 50 * 1024 * 1024, "server wrote {sent} bytes");
}

#[tokio::test]
async fn declared_content_length_over_the_cap_is_refused_before_reading() {
    let server = raw_server(|mut s, _| async move {
        let _ = s
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000\r\n\r\n",
            )
            .await;
        let _ = s.write_all(&[b'a'; 4096]).await;
    })
    .await;
    let c = check(&format!("{}/big", server.base)).await;
    assert_failed(&c, "larger than the cap");
}

fn gzip_bomb(size: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..size / zeros.len() {
        enc.write_all(&zeros).unwrap();
    }
    enc.finish().unwrap()
}

fn brotli_bomb(size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 5, 22);
        let spaces = vec![b' '; 1024 * 1024];
        for _ in 0..size / spaces.len() {
            w.write_all(&spaces).unwrap();
        }
    }
    out
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_cap() {
    let bomb = gzip_bomb(256 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "the bomb is small on the wire");
    let server = fixed(
        httpd::Response::new(200, "text/html; charset=utf-8", bomb)
            .with_header("Content-Encoding", "gzip"),
    )
    .await;
    let c = check(&format!("{}/bomb", server.base)).await;
    assert_failed(&c, "larger than the cap of 1048576 bytes");
    assert_eq!(c.bytes, CAP as i64);
}

#[tokio::test]
async fn brotli_bomb_stops_at_the_cap() {
    let bomb = brotli_bomb(256 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "the bomb is small on the wire");
    let server = fixed(
        httpd::Response::new(200, "text/html; charset=utf-8", bomb)
            .with_header("Content-Encoding", "br"),
    )
    .await;
    let c = check(&format!("{}/bomb", server.base)).await;
    assert_failed(&c, "larger than the cap of 1048576 bytes");
}

#[tokio::test]
async fn slow_drip_hits_the_total_deadline() {
    // A byte a second, forever: every read succeeds, so only a deadline on
    // the whole exchange can end it (fetch.timeout is 2 s here).
    let server = raw_server(|mut s, _| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n";
        if s.write_all(head).await.is_err() {
            return;
        }
        loop {
            if s.write_all(b"<").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let c = check(&format!("{}/drip", server.base)).await;
    assert_failed(&c, "timed out");
}

#[tokio::test]
async fn slow_headers_hit_the_total_deadline() {
    let server = raw_server(|mut s, _| async move {
        for b in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" {
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
    .await;
    let c = check(&format!("{}/drip", server.base)).await;
    assert_failed(&c, "timed out");
}

#[tokio::test]
async fn endless_redirect_loop_is_stopped() {
    let server =
        fixed(httpd::Response::new(302, "text/plain", "again").with_header("Location", "/loop"))
            .await;
    let c = check(&format!("{}/loop", server.base)).await;
    assert_failed(&c, "more than 5 redirects");
}

#[tokio::test]
async fn redirect_to_a_non_http_scheme_is_not_followed() {
    for target in [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "ftp://127.0.0.1/x",
    ] {
        let server =
            fixed(httpd::Response::new(302, "text/plain", "").with_header("Location", target))
                .await;
        let c = check(&format!("{}/r", server.base)).await;
        assert_failed(&c, "redirect not followed");
        let reason = c.reason.unwrap();
        assert!(
            reason.contains("non-HTTP scheme")
                || (reason.contains(target) && reason.contains("not an http or https URL")),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn wrong_charset_is_recovered_by_detection() {
    // Labelled UTF-8, actually windows-1252: the text must not turn into
    // replacement characters.
    let body = b"<html><body><article><p>Der Caf\xe9-Betreiber in M\xfcnchen sagte, Amazon investiere 50 Milliarden Dollar in OpenAI.</p></article></body></html>";
    let server = fixed(httpd::Response::new(
        200,
        "text/html; charset=utf-8",
        body.to_vec(),
    ))
    .await;
    let c = check(&format!("{}/cs", server.base)).await;
    assert_eq!(c.outcome, "new", "{c:?}");
    let text = c.hostile_text.unwrap();
    assert!(text.contains("Café") && text.contains("München"), "{text}");
    assert_eq!(c.normal_versions, 1);
}

#[tokio::test]
async fn missing_charset_is_detected() {
    let body = b"<html><body><article><p>\x93Amazon will invest $50 billion,\x94 said the na\xefve caf\xe9 owner in Z\xfcrich.</p></article></body></html>";
    let server = fixed(httpd::Response::new(200, "text/html", body.to_vec())).await;
    let c = check(&format!("{}/cs", server.base)).await;
    assert_eq!(c.outcome, "new", "{c:?}");
    let text = c.hostile_text.unwrap();
    assert!(
        text.contains("\u{201c}Amazon") && text.contains("Zürich"),
        "{text}"
    );
}

#[tokio::test]
async fn binary_content_with_an_html_content_type_is_refused() {
    // A PNG-like payload: deterministic pseudo-random bytes with NULs.
    let mut body = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        body.push((x >> 24) as u8);
    }
    let server = fixed(httpd::Response::new(200, "text/html; charset=utf-8", body)).await;
    let c = check(&format!("{}/bin", server.base)).await;
    assert_failed(&c, "body is not text");
    assert!(c.reason.unwrap().contains("NUL bytes"));
}

#[tokio::test]
async fn empty_body_is_a_failed_fetch() {
    let server = fixed(httpd::Response::html("")).await;
    let c = check(&format!("{}/empty", server.base)).await;
    assert_failed(&c, "empty body");
    assert_eq!(c.http_status, Some(200));
}

#[tokio::test]
async fn truncated_html_keeps_what_is_there() {
    // A complete response whose document stops mid-tag: parsers recover.
    let body = "<html><head><title>Amazon and OpenAI</title></head><body><article>\
        <p>Amazon will invest $50 billion in OpenAI.</p><p>The deal was annou";
    let server = fixed(httpd::Response::html(body)).await;
    let c = check(&format!("{}/trunc", server.base)).await;
    assert_eq!(c.outcome, "new", "{c:?}");
    assert!(c.hostile_text.unwrap().contains("$50 billion"));
    assert_eq!(c.normal_versions, 1);
}

#[tokio::test]
async fn body_shorter_than_its_content_length_is_a_failed_fetch() {
    let server = raw_server(|mut s, _| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n";
        let _ = s.write_all(head).await;
        let _ = s.write_all(&ARTICLE.as_bytes()[..100]).await;
        let _ = s.shutdown().await;
    })
    .await;
    let c = check(&format!("{}/short", server.base)).await;
    assert_failed(&c, "reading the body failed after 100 bytes");
}

#[tokio::test]
async fn connection_reset_mid_body_is_a_failed_fetch() {
    let server = raw_server(|mut s, _| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n";
        let _ = s.write_all(head).await;
        let _ = s.write_all(&[b'x'; 2000]).await;
        let _ = s.flush().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        // SO_LINGER 0: closing sends RST instead of FIN.
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let c = check(&format!("{}/reset", server.base)).await;
    assert_failed(&c, "reading the body failed");
    let reason = c.reason.unwrap();
    assert!(
        reason.contains("reset") || reason.contains("incomplete") || reason.contains("closed"),
        "{reason}"
    );
}

#[tokio::test]
async fn too_many_requests_with_retry_after_is_recorded() {
    let server = fixed(
        httpd::Response::new(429, "text/plain", "slow down").with_header("Retry-After", "120"),
    )
    .await;
    let c = check(&format!("{}/busy", server.base)).await;
    assert_failed(&c, "HTTP status 429 (Retry-After 120s)");
    assert_eq!(c.http_status, Some(429));
}

#[tokio::test]
async fn service_unavailable_with_retry_after_date_is_recorded() {
    let when = (chrono::Utc::now() + chrono::Duration::seconds(3600)).to_rfc2822();
    let server = fixed(
        httpd::Response::new(503, "text/plain", "maintenance").with_header("Retry-After", &when),
    )
    .await;
    let c = check(&format!("{}/busy", server.base)).await;
    assert_failed(&c, "HTTP status 503 (Retry-After 3");
    assert_eq!(c.http_status, Some(503));
}

#[tokio::test]
async fn tls_handshake_failure_is_a_failed_fetch() {
    // A plain HTTP server reached with https://: it answers the ClientHello
    // with an HTTP error, as nginx does on a plain port.
    let listener = httpd::bind_loopback().await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = s
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
    });
    let c = check(&format!("https://{addr}/")).await;
    assert_failed(&c, "TLS handshake failed");
}

#[tokio::test]
async fn tls_server_that_never_answers_hits_the_deadline() {
    let server = fixed(httpd::Response::html(ARTICLE)).await;
    let https = server.base.replace("http://", "https://");
    let c = check(&format!("{https}/")).await;
    assert_failed(&c, "timed out");
}

#[tokio::test]
async fn tls_garbage_server_is_a_failed_fetch() {
    // Bytes that are neither TLS nor HTTP.
    let listener = httpd::bind_loopback().await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = s
                .write_all(&[0x17, 0xff, 0x00, 0x42, 0x13, 0x37, 0, 0, 0])
                .await;
        }
    });
    let c = check(&format!("https://{addr}/")).await;
    assert_failed(&c, "TLS handshake failed");
}

#[tokio::test]
async fn connection_refused_is_a_failed_fetch() {
    let listener = httpd::bind_loopback().await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = check(&format!("http://{addr}/")).await;
    assert_failed(&c, "could not connect");
}

/// Builds `<div>` nested `depth` deep around a paragraph. Exposed as a
/// generator so a failure can be reproduced outside the test.
fn nested(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 11 + 200);
    s.push_str("<html><body>");
    for _ in 0..depth {
        s.push_str("<div>");
    }
    s.push_str("<p>Amazon will invest $50 billion in OpenAI.</p>");
    for _ in 0..depth {
        s.push_str("</div>");
    }
    s.push_str("</body></html>");
    s
}

#[tokio::test]
async fn hundred_thousand_nested_elements_do_not_overflow_the_stack() {
    let server = fixed(httpd::Response::html(nested(100_000))).await;
    let c = check(&format!("{}/deep", server.base)).await;
    // html5ever caps the depth it builds; either way one recorded fetch.
    assert_eq!(c.hostile_fetches, 1, "{c:?}");
    assert!(matches!(c.outcome.as_str(), "new" | "failed"), "{c:?}");
    assert_eq!(c.normal_versions, 1);
}

#[tokio::test]
async fn fifty_megabyte_single_line_is_cut_at_the_default_cap_or_extracted() {
    let mut body = String::with_capacity(50 * 1024 * 1024 + 100);
    body.push_str("<html><body><article><p>");
    let sentence = "Amazon will invest $50 billion in OpenAI over several years ";
    while body.len() < 50 * 1024 * 1024 {
        body.push_str(sentence);
    }
    body.push_str("</p></article></body></html>");
    let body = Arc::new(body.into_bytes());
    // Under the test cap (1 MiB): cut while streaming.
    let b = body.clone();
    let server = fixed(httpd::Response::html(b.to_vec())).await;
    let c = check(&format!("{}/line", server.base)).await;
    assert_failed(&c, "larger than the cap");
    // With a cap that admits it: extracted and stored as one version.
    let c = check_capped(&format!("{}/line", server.base), 64 * 1024 * 1024).await;
    assert_eq!(c.outcome, "new", "{:?}", c.reason);
    assert!(c.hostile_text.unwrap().len() > 49 * 1024 * 1024);
}

// ---- the SSRF guard, for URLs claimwatch discovers by itself -------------

mod ssrf {
    use super::*;
    use claimwatch::cli::config::FetchSettings;
    use claimwatch::service::fetch::{FetchError, Fetched, Fetcher, Validators};
    use url::Url;

    async fn guarded_fetch(url: &str, allow: bool) -> Result<Fetched, FetchError> {
        let settings = FetchSettings {
            allow_private_addresses: allow,
            timeout: Duration::from_secs(2),
            ..claimwatch::cli::config::defaults::fetch()
        };
        let f = Fetcher::new_guarded("claimwatch-test", &settings).unwrap();
        f.fetch(&Url::parse(url).unwrap(), &Validators::default())
            .await
    }

    #[tokio::test]
    async fn loopback_is_refused_for_discovered_urls_unless_allowed() {
        let server = fixed(httpd::Response::html(ARTICLE)).await;
        let port = server.base.rsplit(':').next().unwrap().to_string();
        for url in [
            format!("{}/a", server.base),
            format!("http://localhost:{port}/a"),
            format!("http://[::ffff:127.0.0.1]:{port}/a"),
            format!("http://0x7f000001:{port}/a"),
        ] {
            let err = guarded_fetch(&url, false).await.unwrap_err();
            assert!(
                matches!(err, FetchError::Refused(_)),
                "{url}: expected a refusal, got {err}"
            );
            assert!(err.to_string().contains("non-public"), "{err}");
        }
        // The config allows it: the same URLs are fetched.
        for url in [
            format!("{}/a", server.base),
            format!("http://localhost:{port}/a"),
        ] {
            assert!(
                matches!(guarded_fetch(&url, true).await, Ok(Fetched::Page(_))),
                "{url} should be fetched when allowed"
            );
        }
    }

    #[tokio::test]
    async fn config_setting_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        let base =
            "[story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"http://127.0.0.1/a\"\n";
        std::fs::write(&path, base).unwrap();
        assert!(
            !claimwatch::cli::config::load(&path)
                .unwrap()
                .fetch
                .allow_private_addresses
        );
        std::fs::write(
            &path,
            format!("[fetch]\nallow_private_addresses = true\n{base}"),
        )
        .unwrap();
        assert!(
            claimwatch::cli::config::load(&path)
                .unwrap()
                .fetch
                .allow_private_addresses
        );
    }
}
