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

use crate::config::FetchSettings;

/// Validators from the previous fetch, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
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
// One value per check, moved once: boxing the page would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the page is as it was.
    NotModified {
        status: u16,
    },
    Page(Page),
}

/// Why a fetch failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("HTTP status {status}")]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("body larger than the cap of {cap} bytes (stopped reading)")]
    TooLarge { status: u16, cap: u64 },
    #[error("too many redirects or a redirect claimwatch will not follow: {0}")]
    Redirect(String),
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
            | FetchError::Body { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Bytes received before the failure.
    pub fn bytes(&self) -> u64 {
        match self {
            FetchError::TooLarge { cap, .. } => *cap,
            FetchError::Body { bytes, .. } => *bytes,
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
}

impl Fetcher {
    /// Builds the client. Fails only if the TLS stack cannot start.
    pub fn new(user_agent: &str, settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        let max = settings.max_redirects;
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                attempt.error(format!("more than {max} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_string();
                attempt.error(format!("redirect to a non-HTTP scheme {scheme:?}"))
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(policy)
            .build()
            .map_err(|e| FetchError::Request(e.to_string()))?;
        Ok(Fetcher {
            client,
            settings: settings.clone(),
        })
    }

    /// GETs `url`, conditionally when `validators` are known.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
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
        if e.is_timeout() {
            FetchError::Timeout(self.settings.timeout)
        } else if e.is_redirect() {
            FetchError::Redirect(error_chain(&e))
        } else if e.is_connect() {
            FetchError::Connect(error_chain(&e))
        } else {
            FetchError::Request(error_chain(&e))
        }
    }
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
pub fn decode(body: &[u8], headers: &HeaderMap) -> (String, &'static Encoding) {
    let encoding = Encoding::for_bom(body)
        .map(|(enc, _)| enc)
        .or_else(|| {
            headers
                .get(header::CONTENT_TYPE)
                .and_then(charset_from_content_type)
        })
        .or_else(|| meta_charset(&body[..body.len().min(1024)]))
        .unwrap_or_else(|| {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(&body[..body.len().min(64 * 1024)], true);
            det.guess(None, chardetng::Utf8Detection::Allow)
        });
    // decode() honours a BOM over `encoding` and replaces invalid bytes.
    let (text, used, _) = encoding.decode(body);
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

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
    }
}
