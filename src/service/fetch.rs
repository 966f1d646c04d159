//! Fetching one page over HTTP: conditional GET, timeouts, a streamed body
//! cap, bounded redirects, decompression and charset decoding.
//!
//! A fetch never panics and never takes the daemon down: every problem is a
//! [`FetchError`] with a reason that is stored with the failed fetch.

use std::sync::Once;
use std::time::Duration;

use encoding_rs::Encoding;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};
use url::Url;

use crate::service::ssrf::{self, GuardError, GuardedResolver};

pub use crate::core::analysis::Validators;

/// Limits for every HTTP fetch.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body_bytes: u64,
    pub max_redirects: usize,
    /// How many documents are fetched at once in one pass.
    pub concurrency: usize,
    /// Whether URLs claimwatch discovers by itself (feeds, listing pages)
    /// may reach loopback, private and other non-public addresses. Off by
    /// default; configured sources may point anywhere regardless.
    pub allow_private_addresses: bool,
}

/// A page that was fetched, decoded to text.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    /// Where the page was found after redirects.
    pub final_url: Url,
    pub html: String,
    /// The raw body as received (after content decoding), kept as evidence.
    pub body: Vec<u8>,
    pub validators: Validators,
    /// The character encoding the body was decoded from.
    pub encoding: &'static str,
}

/// What a successful request gave.
// A page is the common case; boxing it would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the page is as it was.
    NotModified {
        status: u16,
    },
    Page(Page),
}

/// Why a fetch failed. The `Display` text is the reason stored with the
/// failed fetch, so it says what happened in words a person reads.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("timed out: no complete response within the deadline of {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    #[error("HTTP status {status}{}", retry_after.map(|d| format!(" (Retry-After {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("body larger than the cap of {cap} bytes (stopped reading)")]
    TooLarge { status: u16, cap: u64 },
    #[error("redirect not followed: {0}")]
    Redirect(String),
    /// The SSRF guard refused the address (discovered URLs only).
    #[error("{0}")]
    Refused(String),
    #[error("empty body (HTTP {status} with no content)")]
    Empty { status: u16 },
    #[error("body is not text ({why}) although it was served as {content_type:?}")]
    NotText {
        status: u16,
        bytes: u64,
        content_type: String,
        why: String,
    },
    #[error("reading the body failed after {bytes} bytes: {message}")]
    Body {
        status: u16,
        bytes: u64,
        message: String,
    },
    #[error("request failed: {0}")]
    Request(String),
}

impl FetchError {
    /// The HTTP status that came with the failure, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. }
            | FetchError::TooLarge { status, .. }
            | FetchError::Empty { status }
            | FetchError::NotText { status, .. }
            | FetchError::Body { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Bytes received before the failure.
    pub fn bytes(&self) -> u64 {
        match self {
            FetchError::TooLarge { cap, .. } => *cap,
            FetchError::Body { bytes, .. } | FetchError::NotText { bytes, .. } => *bytes,
            _ => 0,
        }
    }
}

/// Installs the one TLS crypto provider (ring) the process uses, for reqwest
/// and any other rustls user. Idempotent.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider was installed first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// An HTTP client with claimwatch's limits. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    /// Whether the SSRF guard is on (see [`Fetcher::new_guarded`]).
    guarded: bool,
}

impl Fetcher {
    /// Builds the client for configured sources, which may point anywhere.
    /// Fails only if the TLS stack cannot start.
    pub fn new(user_agent: &str, settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        Fetcher::build(user_agent, settings, false)
    }

    /// Builds the client for URLs claimwatch discovered by itself (feeds,
    /// listing pages): unless `settings.allow_private_addresses` is set, it
    /// refuses loopback, private, link-local and other non-public addresses,
    /// checked after DNS resolution and again on every redirect. Proxies are
    /// not used, since a proxy would resolve names where the guard cannot
    /// see them.
    pub fn new_guarded(user_agent: &str, settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        Fetcher::build(user_agent, settings, !settings.allow_private_addresses)
    }

    fn build(
        user_agent: &str,
        settings: &FetchSettings,
        guarded: bool,
    ) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        let max = settings.max_redirects;
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                attempt.error(format!("more than {max} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_string();
                attempt.error(format!("redirect to a non-HTTP scheme {scheme:?}"))
            } else if let Err(e) = ssrf::check_url(attempt.url(), !guarded) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(policy);
        if guarded {
            builder = builder.dns_resolver(GuardedResolver).no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Request(e.to_string()))?;
        Ok(Fetcher {
            client,
            settings: settings.clone(),
            guarded,
        })
    }

    /// GETs `url`, conditionally when `validators` are known.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        if self.guarded {
            // IP literals never reach the resolver: check them here.
            ssrf::check_url(url, false).map_err(|e| FetchError::Refused(e.to_string()))?;
        }
        // reqwest's timeout covers the whole exchange; this outer one is a
        // second guard for a body that drips forever.
        let total = self.settings.timeout;
        match tokio::time::timeout(
            total + Duration::from_secs(1),
            self.fetch_inner(url, validators),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(total)),
        }
    }

    async fn fetch_inner(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut req = self.client.get(url.clone()).header(
            header::ACCEPT,
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        );
        if let Some(etag) = &validators.etag {
            req = req.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header(header::IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(|e| self.classify(e))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified {
                status: status.as_u16(),
            });
        }
        if status.is_redirection() {
            // reqwest hands back a redirect it would not follow (a Location
            // that is missing or not http/https) as the response itself.
            let to = header_str(resp.headers(), header::LOCATION).unwrap_or_default();
            return Err(FetchError::Redirect(format!(
                "HTTP {} to {to:?}, which is not an http or https URL",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after: retry_after(resp.headers()),
            });
        }
        let final_url = resp.url().clone();
        let headers = resp.headers().clone();
        let cap = self.settings.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(FetchError::TooLarge {
                status: status.as_u16(),
                cap,
            });
        }
        // Memory per fetch is bounded by the cap: a chunk that would take the
        // body past it stops the read, and reqwest decompresses as it streams,
        // so a compression bomb is cut at the cap of *decompressed* bytes.
        let mut body: Vec<u8> = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > cap {
                        return Err(FetchError::TooLarge {
                            status: status.as_u16(),
                            cap,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(FetchError::Timeout(self.settings.timeout)),
                Err(e) => {
                    return Err(FetchError::Body {
                        status: status.as_u16(),
                        bytes: body.len() as u64,
                        message: error_chain(&e),
                    });
                }
            }
        }
        if body.is_empty() {
            return Err(FetchError::Empty {
                status: status.as_u16(),
            });
        }
        if let Some(why) = not_text(&body, &headers) {
            return Err(FetchError::NotText {
                status: status.as_u16(),
                bytes: body.len() as u64,
                content_type: header_str(&headers, header::CONTENT_TYPE).unwrap_or_default(),
                why,
            });
        }
        let (html, encoding) = decode(&body, &headers);
        Ok(Fetched::Page(Page {
            status: status.as_u16(),
            final_url,
            html,
            body,
            validators: Validators {
                etag: header_str(&headers, header::ETAG),
                last_modified: header_str(&headers, header::LAST_MODIFIED),
            },
            encoding: encoding.name(),
        }))
    }

    fn classify(&self, e: reqwest::Error) -> FetchError {
        if let Some(g) = find_source::<GuardError>(&e) {
            FetchError::Refused(g.to_string())
        } else if e.is_timeout() {
            FetchError::Timeout(self.settings.timeout)
        } else if let Some(t) = find_source::<rustls::Error>(&e) {
            FetchError::Tls(t.to_string())
        } else if e.is_redirect() {
            FetchError::Redirect(error_chain(&e))
        } else if e.is_connect() {
            FetchError::Connect(error_chain(&e))
        } else {
            FetchError::Request(error_chain(&e))
        }
    }
}

/// The first error of type `T` in `e`'s source chain, looking inside
/// `io::Error` wrappers too (their `source()` skips the wrapped error).
fn find_source<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            if let Some(t) = inner.downcast_ref::<T>() {
                return Some(t);
            }
            if let Some(found) = find_source::<T>(inner) {
                return Some(found);
            }
        }
        cur = err.source();
    }
    None
}

/// Why a body is not a text page, if it is not: a media content type, or
/// NUL bytes near the start (which no HTML page in an 8-bit or UTF-8
/// encoding contains; UTF-16 is recognised by its byte-order mark).
fn not_text(body: &[u8], headers: &HeaderMap) -> Option<String> {
    let ct = header_str(headers, header::CONTENT_TYPE)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let media = ct.split(';').next().unwrap_or("").trim();
    if ["image/", "audio/", "video/", "font/"]
        .iter()
        .any(|p| media.starts_with(p))
        || matches!(
            media,
            "application/pdf" | "application/zip" | "application/octet-stream"
        )
    {
        return Some(format!("content type {media}"));
    }
    if Encoding::for_bom(body).is_some() {
        return None;
    }
    let head = &body[..body.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    (nuls > 0).then(|| format!("{nuls} NUL bytes in the first {} bytes", head.len()))
}

/// The error and its sources on one line: reqwest's top-level message alone
/// ("error sending request") does not say what went wrong.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        src = s.source();
    }
    out
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `Retry-After` as a delay: either seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Decodes a body to text. Order: byte-order mark, the Content-Type charset,
/// a `<meta>` charset in the first 1024 bytes, then detection.
///
/// A declared charset that does not fit the bytes (a page labelled UTF-8
/// that is not valid UTF-8, a common server misconfiguration) gives way to
/// detection when the detected encoding decodes the body cleanly.
pub fn decode(body: &[u8], headers: &HeaderMap) -> (String, &'static Encoding) {
    let detect = || {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(&body[..body.len().min(64 * 1024)], true);
        det.guess(None, chardetng::Utf8Detection::Allow)
    };
    if let Some((enc, _)) = Encoding::for_bom(body) {
        let (text, used, _) = enc.decode(body);
        return (text.into_owned(), used);
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(charset_from_content_type)
        .or_else(|| meta_charset(&body[..body.len().min(1024)]));
    let encoding = declared.unwrap_or_else(detect);
    // decode() replaces invalid bytes with U+FFFD.
    let (text, used, had_errors) = encoding.decode(body);
    if had_errors && declared.is_some() {
        let guessed = detect();
        if guessed != encoding {
            let (better, used2, errors2) = guessed.decode(body);
            if !errors2 {
                return (better.into_owned(), used2);
            }
        }
    }
    (text.into_owned(), used)
}

fn charset_from_content_type(v: &HeaderValue) -> Option<&'static Encoding> {
    let v = v.to_str().ok()?.to_ascii_lowercase();
    let cs = v
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))?;
    Encoding::for_label(cs.trim_matches(['"', '\'', ' ']).as_bytes())
}

/// Finds `<meta charset=...>` or `<meta http-equiv ... content="...charset=...">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<meta") {
        rest = &rest[i + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(j) = tag.find("charset=") {
            let val = tag[j + 8..].trim_start_matches(['"', '\'', ' ']);
            let end = val.find(['"', '\'', ' ', '/', ';']).unwrap_or(val.len());
            if let Some(enc) = Encoding::for_label(&val.as_bytes()[..end]) {
                // A page that says UTF-16 in ASCII bytes is not UTF-16.
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FetchSettings {
        FetchSettings {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 1 << 20,
            max_redirects: 5,
            concurrency: 2,
            allow_private_addresses: false,
        }
    }

    fn ct(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn charset_from_header_wins_over_detection() {
        let body = b"<p>caf\xe9</p>";
        let (text, enc) = decode(body, &ct("text/html; charset=ISO-8859-1"));
        assert_eq!(enc.name(), "windows-1252");
        assert!(text.contains("café"));
    }

    #[test]
    fn bom_wins_over_header() {
        let body = "\u{feff}<p>café</p>".as_bytes();
        let (text, enc) = decode(body, &ct("text/html; charset=windows-1252"));
        assert_eq!(enc, encoding_rs::UTF_8);
        assert!(text.contains("café"));
    }

    #[test]
    fn meta_charset_is_read() {
        let body = b"<html><head><meta charset=\"windows-1252\"></head><p>\x93quoted\x94</p>";
        let (text, enc) = decode(body, &HeaderMap::new());
        assert_eq!(enc.name(), "windows-1252");
        assert!(text.contains("\u{201c}quoted\u{201d}"));
        let body = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>na\xefve</p>";
        assert!(decode(body, &HeaderMap::new()).0.contains("naïve"));
    }

    #[test]
    fn missing_charset_is_detected() {
        let body = "<p>Zürich und München, schöne Grüße</p>".as_bytes();
        let (text, _) = decode(body, &HeaderMap::new());
        assert!(text.contains("München"));
    }

    /// A loopback server that redirects `/start` to `to` and serves a page
    /// everywhere else.
    async fn redirecting(to: &'static str) -> (String, tokio_util::sync::CancellationToken) {
        use crate::service::httpd::{self, Request, Response};
        let listener = httpd::bind_loopback().await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let port = listener.local_addr().unwrap().port();
        let stop = tokio_util::sync::CancellationToken::new();
        let handler: httpd::Handler = std::sync::Arc::new(move |req: &Request| {
            if req.path == "/start" {
                Response::new(302, "text/plain", "")
                    .with_header("Location", &to.replace("PORT", &port.to_string()))
            } else {
                Response::html("<article><p>Amazon will invest $50 billion.</p></article>")
            }
        });
        tokio::spawn(httpd::serve(listener, handler, stop.clone()));
        (base, stop)
    }

    #[tokio::test]
    async fn guard_checks_every_redirect() {
        let guarded = Fetcher::new_guarded("t", &settings()).unwrap();
        // The first hop is an IP literal, let through here by calling past
        // the first-URL check, so that only the redirect check can refuse.
        for to in ["http://127.0.0.1:PORT/final", "http://[::1]:PORT/final"] {
            let (base, _stop) = redirecting(to).await;
            let url = Url::parse(&format!("{base}/start")).unwrap();
            let err = guarded
                .fetch_inner(&url, &Validators::default())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, FetchError::Refused(m) if m.contains("non-public address")),
                "{err}"
            );
        }
        // A redirect to a name that resolves to loopback: refused after DNS.
        let (base, _stop) = redirecting("http://localhost:PORT/final").await;
        let url = Url::parse(&format!("{base}/start")).unwrap();
        let err = guarded
            .fetch_inner(&url, &Validators::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::Refused(m) if m.contains("resolves only to non-public")),
            "{err}"
        );
        // The unguarded client follows the same redirects.
        let plain = Fetcher::new("t", &settings()).unwrap();
        assert!(matches!(
            plain.fetch(&url, &Validators::default()).await,
            Ok(Fetched::Page(_))
        ));
    }

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
    }
}
