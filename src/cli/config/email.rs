//! `[report.email]` as written, and its validation into [`EmailSettings`].
//!
//! The password is never part of the config file: it is named by
//! `password_file` (e.g. a systemd `LoadCredential=` file) or `password_env`,
//! and read only when a mailer is built, so `config check` works where the
//! credential is not readable.
//!
//! ```toml
//! [report.email]
//! host = "smtp.example.org"
//! port = 587                      # default: 587 starttls, 465 tls, 25 none
//! tls = "starttls"                # "starttls" | "tls" | "none" (loopback only)
//! username = "claimwatch"
//! password_file = "/run/credentials/claimwatch.service/smtp-password"
//! # password_env = "CLAIMWATCH_SMTP_PASSWORD"
//! from = "claimwatch <claimwatch@example.org>"
//! to = ["desk@example.org"]
//! subject_prefix = "[claimwatch]"
//! digest = "30m"                  # at most one email per window; "0": one per check
//! min_significance = "text"       # "text" | "headline" | "claims"
//! timeout = "30s"                 # per SMTP command
//! ```

use std::ops::Range;
use std::path::Path;

use lettre::message::Mailbox;
use serde::Deserialize;
use toml::Spanned;

use super::{defaults, parse_duration};
use crate::service::email::render::Significance;
use crate::service::email::settings::{
    EmailSettings, PasswordSource, ReportSettings, TlsMode, is_loopback,
};

/// `[report]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReport {
    email: Option<RawEmail>,
    feed: Option<RawFeed>,
}

/// `[report.feed]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    /// The Atom file to rewrite after every pass; relative to the config.
    path: Spanned<String>,
}

/// `[report.email]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    host: Spanned<String>,
    port: Option<Spanned<i64>>,
    tls: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    /// Accepted only to refuse it with a clear message.
    password: Option<Spanned<toml::Value>>,
    password_file: Option<Spanned<String>>,
    password_env: Option<Spanned<String>>,
    from: Spanned<String>,
    to: Spanned<Vec<String>>,
    subject_prefix: Option<String>,
    digest: Option<Spanned<String>>,
    min_significance: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
}

/// A validation error: where in the file, which key, what is wrong. The
/// config module turns it into a `ConfigError` with the line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub span: Range<usize>,
    pub key: String,
    pub message: String,
}

fn field_err(span: Range<usize>, key: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        span,
        key: format!("report.email.{key}"),
        message: message.into(),
    }
}

/// Validates `[report]`; relative `password_file` paths are resolved against
/// `base`, the config file's folder.
pub(super) fn validate(raw: &RawReport, base: &Path) -> Result<ReportSettings, FieldError> {
    let feed = match &raw.feed {
        None => None,
        Some(f) if f.path.get_ref().trim().is_empty() => {
            return Err(FieldError {
                span: f.path.span(),
                key: "report.feed.path".into(),
                message: "give the file to write the Atom feed to".into(),
            });
        }
        Some(f) => Some(base.join(f.path.get_ref())),
    };
    let Some(raw) = &raw.email else {
        return Ok(ReportSettings { email: None, feed });
    };

    let host = raw.host.get_ref().trim().to_string();
    if host.is_empty() {
        return Err(field_err(raw.host.span(), "host", "must not be empty"));
    }
    let tls = match raw.tls.as_ref().map(|t| (t.get_ref().as_str(), t.span())) {
        None | Some(("starttls", _)) => TlsMode::StartTls,
        Some(("tls", _)) => TlsMode::Implicit,
        Some(("none", span)) => {
            if !is_loopback(&host) {
                return Err(field_err(
                    span,
                    "tls",
                    format!(
                        "\"none\" sends mail and password in clear text and is allowed only to a loopback host, not {host:?}"
                    ),
                ));
            }
            TlsMode::None
        }
        Some((other, span)) => {
            return Err(field_err(
                span,
                "tls",
                format!("unknown TLS mode {other:?}: use \"starttls\", \"tls\" or \"none\""),
            ));
        }
    };
    let port = match &raw.port {
        Some(p) if !(1..=65535).contains(p.get_ref()) => {
            return Err(field_err(p.span(), "port", "must be between 1 and 65535"));
        }
        Some(p) => *p.get_ref() as u16,
        None => match tls {
            TlsMode::StartTls => defaults::EMAIL_PORT_STARTTLS,
            TlsMode::Implicit => defaults::EMAIL_PORT_TLS,
            TlsMode::None => defaults::EMAIL_PORT_NONE,
        },
    };

    if let Some(p) = &raw.password {
        return Err(field_err(
            p.span(),
            "password",
            "the password must not be written in the config: use password_file (e.g. a systemd LoadCredential= file) or password_env",
        ));
    }
    let source = match (&raw.password_file, &raw.password_env) {
        (Some(f), Some(_)) => {
            return Err(field_err(
                f.span(),
                "password_file",
                "give password_file or password_env, not both",
            ));
        }
        (Some(f), None) if f.get_ref().trim().is_empty() => {
            return Err(field_err(f.span(), "password_file", "must not be empty"));
        }
        (Some(f), None) => Some((f.span(), PasswordSource::File(base.join(f.get_ref())))),
        (None, Some(e)) if e.get_ref().trim().is_empty() => {
            return Err(field_err(e.span(), "password_env", "must not be empty"));
        }
        (None, Some(e)) => Some((e.span(), PasswordSource::Env(e.get_ref().clone()))),
        (None, None) => None,
    };
    let login = match (&raw.username, source) {
        (Some(u), _) if u.get_ref().trim().is_empty() => {
            return Err(field_err(u.span(), "username", "must not be empty"));
        }
        (Some(u), Some((_, src))) => Some((u.get_ref().clone(), src)),
        (Some(u), None) => {
            return Err(field_err(
                u.span(),
                "username",
                "a username needs password_file or password_env",
            ));
        }
        (None, Some((span, _))) => {
            return Err(field_err(
                span,
                "username",
                "a password source is given but no username",
            ));
        }
        (None, None) => None,
    };

    let from: Mailbox = raw.from.get_ref().parse().map_err(|e| {
        field_err(
            raw.from.span(),
            "from",
            format!("not an email address: {e}"),
        )
    })?;
    if raw.to.get_ref().is_empty() {
        return Err(field_err(
            raw.to.span(),
            "to",
            "at least one recipient is needed",
        ));
    }
    let to = raw
        .to
        .get_ref()
        .iter()
        .map(|a| {
            a.parse::<Mailbox>().map_err(|e| {
                field_err(
                    raw.to.span(),
                    "to",
                    format!("{a:?} is not an email address: {e}"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let digest = match &raw.digest {
        None => defaults::EMAIL_DIGEST,
        Some(d) => parse_duration(d.get_ref()).ok_or_else(|| {
            field_err(
                d.span(),
                "digest",
                "expected a duration such as \"30m\" or \"1h\", or \"0\" for one email per check",
            )
        })?,
    };
    let timeout = match &raw.timeout {
        None => defaults::EMAIL_TIMEOUT,
        Some(d) => parse_duration(d.get_ref())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                field_err(
                    d.span(),
                    "timeout",
                    "expected a positive duration such as \"30s\"",
                )
            })?,
    };
    let min_significance = match &raw.min_significance {
        None => Significance::Text,
        Some(s) => Significance::parse(s.get_ref()).ok_or_else(|| {
            field_err(
                s.span(),
                "min_significance",
                "use \"text\" (every change), \"headline\" (headline or claim changes) or \"claims\" (claim changes only)",
            )
        })?,
    };
    Ok(ReportSettings {
        feed,
        email: Some(EmailSettings {
            host,
            port,
            tls,
            login,
            from,
            to,
            subject_prefix: raw
                .subject_prefix
                .clone()
                .unwrap_or_else(|| defaults::EMAIL_SUBJECT_PREFIX.to_string()),
            digest,
            min_significance,
            timeout,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ReportSettings, FieldError> {
        #[derive(Deserialize)]
        struct Doc {
            report: RawReport,
        }
        let doc: Doc = toml::from_str(text).map_err(|e| field_err(0..0, "", e.to_string()))?;
        validate(&doc.report, Path::new("/etc/claimwatch"))
    }

    const OK: &str = r#"
[report.email]
host = "smtp.example.org"
username = "cw"
password_file = "smtp-password"
from = "claimwatch <cw@example.org>"
to = ["desk@example.org", "Ed <ed@example.org>"]
"#;

    #[test]
    fn defaults_apply() {
        let e = parse(OK).unwrap().email.unwrap();
        assert_eq!(e.port, 587);
        assert_eq!(e.tls, TlsMode::StartTls);
        assert_eq!(e.digest, defaults::EMAIL_DIGEST);
        assert_eq!(e.min_significance, Significance::Text);
        assert_eq!(e.to.len(), 2);
        assert_eq!(
            e.login.unwrap().1,
            PasswordSource::File("/etc/claimwatch/smtp-password".into())
        );
    }

    #[test]
    fn an_inline_password_is_refused() {
        let text = OK.replace(
            "password_file = \"smtp-password\"",
            "password = \"hunter2\"",
        );
        let e = parse(&text).unwrap_err();
        assert_eq!(e.key, "report.email.password");
        assert!(e.message.contains("password_file"), "{}", e.message);
        assert!(!e.message.contains("hunter2"));
    }

    #[test]
    fn clear_text_only_to_loopback() {
        let text = OK.replace("host = ", "tls = \"none\"\nhost = ");
        assert_eq!(parse(&text).unwrap_err().key, "report.email.tls");
        let local = text.replace("smtp.example.org", "127.0.0.1");
        let e = parse(&local).unwrap().email.unwrap();
        assert_eq!((e.tls, e.port), (TlsMode::None, 25));
        assert!(is_loopback("::1") && is_loopback("localhost") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn bad_values_name_their_key() {
        let cases = [
            (
                "to = [\"desk@example.org\", \"Ed <ed@example.org>\"]",
                "to = []",
                "to",
            ),
            (
                "from = \"claimwatch <cw@example.org>\"",
                "from = \"nobody\"",
                "from",
            ),
            ("host = ", "digest = \"soon\"\nhost = ", "digest"),
            (
                "host = ",
                "min_significance = \"big\"\nhost = ",
                "min_significance",
            ),
            ("host = ", "tls = \"ssl\"\nhost = ", "tls"),
            ("host = ", "port = 0\nhost = ", "port"),
            ("password_file = \"smtp-password\"", "", "username"),
            ("host = ", "password_env = \"X\"\nhost = ", "password_file"),
        ];
        for (from, to, key) in cases {
            let e = parse(&OK.replace(from, to)).unwrap_err();
            assert_eq!(e.key, format!("report.email.{key}"), "{to}");
        }
    }

    #[test]
    fn digest_zero_means_every_check() {
        let text = OK.replace("host = ", "digest = \"0\"\nhost = ");
        assert_eq!(
            parse(&text).unwrap().email.unwrap().digest,
            std::time::Duration::ZERO
        );
    }
}
