//! Validated `[report]` settings: the SMTP server, the login and where its
//! password comes from, the recipients and the digest window. The TOML form
//! and its validation are the command line's (`cli::config`).
//!
//! The password is never part of the config file: it is named by
//! `password_file` (e.g. a systemd `LoadCredential=` file) or `password_env`,
//! and read only when a mailer is built, so `config check` works where the
//! credential is not readable.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;

use super::EmailError;
use super::render::Significance;

/// Validated `[report]`.
#[derive(Debug, Clone, Default)]
pub struct ReportSettings {
    /// Email reports, when configured.
    pub email: Option<EmailSettings>,
    /// The Atom feed file rewritten after every pass (`[report.feed] path`).
    pub feed: Option<std::path::PathBuf>,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS; refused if the server cannot.
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Implicit,
    /// No encryption: allowed only to a loopback host.
    None,
}

/// Where the SMTP password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// A file holding the password (one trailing newline is ignored), e.g.
    /// `/run/credentials/claimwatch.service/smtp-password`.
    File(PathBuf),
    /// An environment variable.
    Env(String),
}

impl PasswordSource {
    /// Reads the password now.
    pub fn read(&self) -> Result<Secret, EmailError> {
        let raw = match self {
            PasswordSource::File(path) => {
                std::fs::read_to_string(path).map_err(|e| EmailError::Password {
                    from: format!("file {}", path.display()),
                    reason: e.to_string(),
                })?
            }
            PasswordSource::Env(name) => std::env::var(name).map_err(|e| EmailError::Password {
                from: format!("environment variable {name}"),
                reason: e.to_string(),
            })?,
        };
        let pw = raw
            .strip_suffix("\r\n")
            .or_else(|| raw.strip_suffix('\n'))
            .unwrap_or(&raw);
        if pw.is_empty() {
            return Err(EmailError::Password {
                from: self.to_string(),
                reason: "it is empty".into(),
            });
        }
        Ok(Secret(pw.to_string()))
    }
}

impl fmt::Display for PasswordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordSource::File(p) => write!(f, "file {}", p.display()),
            PasswordSource::Env(n) => write!(f, "environment variable {n}"),
        }
    }
}

/// A secret string. `Debug` prints `***` and there is no `Display`, so it
/// cannot reach a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Validated `[report.email]`.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Username and where its password comes from; `None` sends without AUTH.
    pub login: Option<(String, PasswordSource)>,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub subject_prefix: String,
    /// At most one new report email per this window; zero sends one email
    /// each time the sender is woken (after every check that stored a
    /// change).
    pub digest: Duration,
    /// Changes below this are not emailed (they stay in the log and the
    /// database).
    pub min_significance: Significance,
    /// Timeout of each SMTP command.
    pub timeout: Duration,
}

/// True for `localhost` and loopback IP addresses.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_read_from_a_file_without_its_newline_and_debug_hides_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\n").unwrap();
        let secret = PasswordSource::File(path).read().unwrap();
        assert_eq!(secret.expose(), "s3cret");
        assert_eq!(format!("{secret:?}"), "***");
        let missing = PasswordSource::File(dir.path().join("nope")).read();
        assert!(matches!(missing, Err(EmailError::Password { .. })));
    }
}
