//! Change reports by email, through the outbox.
//!
//! - [`settings`]: `[report.email]` and the password source.
//! - [`render`]: subject, plain text and HTML from [`crate::core::change::ReportItem`]s.
//! - [`Mailer`]: one SMTP relay (lettre, tokio, rustls on ring).
//! - [`Sender`]: the task that drains the outbox (`crate::store::outbox`).
//!
//! Data flow: storing a change inserts its outbox row (SQL trigger, same
//! transaction) → the daemon wakes the sender after a check that stored a
//! change → the sender forms a batch when the digest window is open, marks
//! it `sending`, sends one multipart email, marks it `sent`, or `retrying`
//! (sent again with capped backoff and the same Message-ID) after a
//! temporary failure, or `failed` for good after a permanent refusal (SMTP
//! 5xx), which is never retried.
//!
//! Invariant: the SMTP password is only ever held in a [`settings::Secret`]
//! or inside lettre's `Credentials` (whose `Debug` hides it); lettre's own
//! `tracing` feature is off because it logs every SMTP line, AUTH included.

pub mod render;
pub mod settings;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::service::shared::with_store;
use crate::store::Store;
use crate::store::outbox::{self, Batch, Next, Policy};
use render::Rendered;
pub use settings::{EmailSettings, ReportSettings, Secret, TlsMode};

/// How long a send already under way may go on after shutdown; past that it
/// is abandoned, stays `sending`, and is resent (same Message-ID) at start.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long the sender waits after the database itself failed.
const DB_RETRY: Duration = Duration::from_secs(60);

/// Errors of email reports, each naming what failed.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("cannot read the SMTP password from {from}: {reason}")]
    Password { from: String, reason: String },
    #[error("cannot set up TLS for SMTP server {server}: {reason}")]
    Tls { server: String, reason: String },
    #[error("cannot build the email: {0}")]
    Message(String),
    #[error("sending through {server} failed: {reason}")]
    Send {
        server: String,
        reason: String,
        /// The server refused the message for good (an SMTP 5xx reply):
        /// sending it again would be refused again.
        permanent: bool,
    },
    #[error("outbox database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// An SMTP relay and the addresses of the reports.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    subject_prefix: String,
    /// `host:port`, for messages.
    server: String,
}

impl Mailer {
    /// Builds the transport, reading the password now. Connects only when
    /// sending.
    pub fn new(s: &EmailSettings) -> Result<Mailer, EmailError> {
        crate::service::fetch::install_crypto_provider();
        let server = format!("{}:{}", s.host, s.port);
        let tls = |mode: TlsMode| -> Result<Tls, EmailError> {
            let params = || {
                TlsParameters::new(s.host.clone()).map_err(|e| EmailError::Tls {
                    server: server.clone(),
                    reason: e.to_string(),
                })
            };
            Ok(match mode {
                TlsMode::StartTls => Tls::Required(params()?),
                TlsMode::Implicit => Tls::Wrapper(params()?),
                TlsMode::None => Tls::None,
            })
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(s.timeout))
            .tls(tls(s.tls)?);
        if let Some((user, source)) = &s.login {
            let secret = source.read()?;
            builder =
                builder.credentials(Credentials::new(user.clone(), secret.expose().to_string()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: s.from.clone(),
            to: s.to.clone(),
            subject_prefix: s.subject_prefix.clone(),
            server,
        })
    }

    /// `host:port` of the relay.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The subject prefix of every email.
    pub fn subject_prefix(&self) -> &str {
        &self.subject_prefix
    }

    /// The domain of the sender address, for Message-IDs.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_string()
    }

    /// Builds the multipart (plain text + HTML) message.
    pub fn message(&self, r: &Rendered, message_id: &str) -> Result<Message, EmailError> {
        let mut b = Message::builder()
            .from(self.from.clone())
            .subject(r.subject.clone())
            .message_id(Some(message_id.to_string()))
            .user_agent(format!("claimwatch/{}", env!("CARGO_PKG_VERSION")));
        for to in &self.to {
            b = b.to(to.clone());
        }
        b.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(r.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(r.html.clone()),
                ),
        )
        .map_err(|e| EmailError::Message(e.to_string()))
    }

    /// Sends one rendered email with the given Message-ID.
    pub async fn send(&self, r: &Rendered, message_id: &str) -> Result<(), EmailError> {
        let msg = self.message(r, message_id)?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| EmailError::Send {
                server: self.server.clone(),
                reason: e.to_string(),
                permanent: e.is_permanent(),
            })
    }
}

/// What one [`Sender::step`] did.
#[derive(Debug)]
pub struct Step {
    /// The batch attempted, if any, and how it went.
    pub attempted: Option<Attempt>,
    /// When something is next due, if anything is waiting.
    pub next_due: Option<DateTime<Utc>>,
}

/// One attempt to send a batch.
#[derive(Debug)]
pub struct Attempt {
    pub message_id: String,
    pub outbox_ids: Vec<i64>,
    /// `Err` holds the error, already recorded as the rows' `last_error`.
    pub result: Result<(), String>,
}

/// Drains the outbox into email.
pub struct Sender {
    store: Arc<Mutex<Store>>,
    mailer: Mailer,
    policy: Policy,
}

impl Sender {
    /// A sender for the store and settings; reads the password now.
    pub fn new(store: Arc<Mutex<Store>>, s: &EmailSettings) -> Result<Sender, EmailError> {
        Ok(Sender {
            store,
            mailer: Mailer::new(s)?,
            policy: Policy {
                digest: s.digest,
                min_significance: s.min_significance,
                max_items: outbox::MAX_ITEMS_PER_EMAIL,
            },
        })
    }

    /// The mailer.
    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    async fn db<T, F>(&self, f: F) -> Result<T, EmailError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        Ok(with_store(&self.store, move |s| Ok(f(s.conn())?)).await?)
    }

    /// Sends at most one batch that is due at `now`, and says when the next
    /// thing is due. Time comes in as a value so tests can step through
    /// digest windows and backoff without waiting.
    pub async fn step(&self, now: DateTime<Utc>) -> Result<Step, EmailError> {
        self.step_until(now, std::future::pending()).await
    }

    /// [`Sender::step`], giving up on a send when `abandon` completes.
    async fn step_until(
        &self,
        now: DateTime<Utc>,
        abandon: impl Future<Output = ()>,
    ) -> Result<Step, EmailError> {
        let (policy, domain) = (self.policy, self.mailer.domain());
        let next = self
            .db(move |c| outbox::next_batch(c, now, &policy, &domain))
            .await?;
        let batch: Batch = match next {
            Next::Idle { next_due } => {
                return Ok(Step {
                    attempted: None,
                    next_due,
                });
            }
            Next::Send(b) => b,
        };
        let ids = batch.ids();
        if batch.resumed {
            tracing::warn!(
                message_id = %batch.message_id,
                outbox_ids = ?ids,
                "resending a report interrupted by a stop; if it had been delivered, the copy has the same Message-ID"
            );
        }
        let rendered = render::render(&self.mailer.subject_prefix, &batch.items);
        let result = tokio::select! {
            r = self.mailer.send(&rendered, &batch.message_id) => r,
            _ = abandon => {
                tracing::warn!(message_id = %batch.message_id, "stopping during a send: the report will be sent again at start");
                return Ok(Step { attempted: None, next_due: None });
            }
        };
        let mid = batch.message_id.clone();
        match result {
            Ok(()) => {
                self.db(move |c| outbox::mark_sent(c, &mid, Utc::now()))
                    .await?;
                tracing::info!(
                    target: "claimwatch::service::email",
                    message_id = %batch.message_id,
                    changes = ids.len(),
                    attempt = batch.attempt,
                    subject = %rendered.subject,
                    "report emailed"
                );
                Ok(Step {
                    attempted: Some(Attempt {
                        message_id: batch.message_id,
                        outbox_ids: ids,
                        result: Ok(()),
                    }),
                    // More may be due (a backlog larger than one email).
                    next_due: Some(now),
                })
            }
            Err(e)
                if matches!(
                    e,
                    EmailError::Send {
                        permanent: true,
                        ..
                    }
                ) =>
            {
                let err = e.to_string();
                let msg = err.clone();
                self.db(move |c| outbox::mark_failed(c, &mid, now, &msg))
                    .await?;
                tracing::error!(
                    target: "claimwatch::service::email",
                    message_id = %batch.message_id,
                    changes = ids.len(),
                    attempt = batch.attempt,
                    error = %err,
                    "report email refused for good; not retried (claimwatch outbox lists it)"
                );
                Ok(Step {
                    attempted: Some(Attempt {
                        message_id: batch.message_id,
                        outbox_ids: ids,
                        result: Err(err),
                    }),
                    // Later reports go out in their own batch.
                    next_due: Some(now),
                })
            }
            Err(e) => {
                let err = e.to_string();
                let msg = err.clone();
                let retry_at = self
                    .db(move |c| outbox::mark_retrying(c, &mid, now, &msg))
                    .await?;
                tracing::warn!(
                    target: "claimwatch::service::email",
                    message_id = %batch.message_id,
                    changes = ids.len(),
                    attempt = batch.attempt,
                    retry_at = %retry_at.to_rfc3339(),
                    error = %err,
                    "report email failed; will retry"
                );
                Ok(Step {
                    attempted: Some(Attempt {
                        message_id: batch.message_id,
                        outbox_ids: ids,
                        result: Err(err),
                    }),
                    next_due: Some(retry_at),
                })
            }
        }
    }

    /// Runs until `shutdown`: sends what is due, then sleeps until the next
    /// due time or until `wake` is notified (a check stored a change). No
    /// polling: with nothing waiting it sleeps until woken.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        tracing::info!(
            server = %self.mailer.server,
            digest_secs = self.policy.digest.as_secs(),
            "email reports on"
        );
        while !shutdown.is_cancelled() {
            let abandon = {
                let s = shutdown.clone();
                async move {
                    s.cancelled().await;
                    tokio::time::sleep(SHUTDOWN_GRACE).await;
                }
            };
            let now = Utc::now();
            let wait = match self.step_until(now, abandon).await {
                Ok(Step {
                    attempted: Some(Attempt { result: Ok(()), .. }),
                    ..
                }) => Some(Duration::ZERO),
                Ok(Step { next_due, .. }) => {
                    next_due.map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                }
                Err(e) => {
                    tracing::error!(error = %e, "email outbox failed; retrying later");
                    Some(DB_RETRY)
                }
            };
            if wait == Some(Duration::ZERO) {
                continue;
            }
            let sleep = async {
                match wait {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wake.notified() => {}
                _ = sleep => {}
            }
        }
    }
}
