//! The CLI's email commands: `report test-email` and `outbox`.

use crate::cli::error::CmdResult;
use anyhow::Context;

use crate::cli::config::{Config, ConfigError};
use crate::service::email::{EmailSettings, Mailer, render};
use crate::store::Store;
use crate::store::outbox;

fn email_settings(config: &Config) -> Result<&EmailSettings, ConfigError> {
    config.report.email.as_ref().ok_or_else(|| ConfigError {
        path: config.path.clone(),
        line: None,
        key: "report.email".into(),
        message: "email reports are not configured (add a [report.email] table)".into(),
    })
}

/// Sends a test message to the configured recipients.
pub async fn test_email(config: &Config) -> CmdResult<String> {
    let settings = email_settings(config)?;
    let mailer = Mailer::new(settings)?;
    let rendered = render::test_message(mailer.subject_prefix(), mailer.server());
    let id = format!(
        "<claimwatch.test.{}@{}>",
        chrono::Utc::now().timestamp_millis(),
        mailer.domain()
    );
    mailer.send(&rendered, &id).await?;
    let to: Vec<String> = settings.to.iter().map(ToString::to_string).collect();
    Ok(format!(
        "test message sent through {} to {}",
        mailer.server(),
        to.join(", ")
    ))
}

/// Lists pending and failed reports (with their last error) as text or JSON.
pub fn list_outbox(config: &Config, json: bool) -> CmdResult<String> {
    if !config.database.exists() {
        return Err(crate::cli::error::CliError::NotFound(format!(
            "no database at {} yet: run `claimwatch check` first",
            config.database.display()
        )));
    }
    // Through Store::open so an older database gets its outbox table.
    let store = Store::open(&config.database)?;
    let rows = outbox::unsent(store.conn())
        .with_context(|| format!("cannot read the outbox of {}", config.database.display()))?;
    if json {
        return Ok(serde_json::to_string_pretty(&rows)? + "\n");
    }
    let mut out = String::new();
    if config.report.email.is_none() {
        out.push_str("note: [report.email] is not configured; these reports wait for it\n");
    }
    if rows.is_empty() {
        out.push_str("no pending, retrying or failed reports\n");
    }
    for r in &rows {
        out.push_str(&format!(
            "#{:<5} {:<8} attempts {}  {}  {}  {}\n",
            r.id, r.state, r.attempts, r.created_at, r.source, r.summary
        ));
        match (&r.next_attempt_at, r.state.as_str()) {
            (Some(t), "retrying") => out.push_str(&format!("        next attempt {t}\n")),
            (_, "failed") => out.push_str("        refused for good: not retried\n"),
            _ => {}
        }
        if let Some(e) = &r.last_error {
            out.push_str(&format!("        last error: {e}\n"));
        }
    }
    Ok(out)
}
