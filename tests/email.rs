//! Email reports against a real SMTP server (aiosmtpd) on loopback, with
//! real SQLite files: what is delivered, what survives an outage or a crash,
//! digests, significance, and that the password never reaches a log line.
//!
//! Time is passed to `Sender::step` as a value, so digest windows and retry
//! backoff are stepped through without waiting.

#[path = "support/smtp.rs"]
mod smtp;

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use claimwatch::cli::config::Config;
use claimwatch::core::compare;
use claimwatch::core::extract::Article;
use claimwatch::service::email::Sender;
use claimwatch::service::fetch::Validators;
use claimwatch::store::outbox;
use claimwatch::store::{CheckRecord, CheckResult, NewChange, NewVersion, Store, Stored};
use smtp::{SmtpServer, free_port};

const USER: &str = "claimwatch";
/// Distinctive, so a leak cannot be a coincidence.
const PASSWORD: &str = "Tr0ub4dor-&-3-smtp-pw";

/// Everything every test in this binary logs, as JSON lines, at TRACE level
/// for every target (the SMTP client's included). Installed once, globally,
/// so events from blocking threads and spawned tasks are captured too.
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .json()
            .with_writer(move || LogWriter(writer.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buf
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A temp dir with a config pointing at `port`; `extra` lines go into
/// `[report.email]`. The password is in a file, as systemd credentials are.
struct Setup {
    dir: tempfile::TempDir,
    config: Config,
}

fn setup(port: u16, extra: &str) -> Setup {
    captured_logs();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smtp-password"), format!("{PASSWORD}\n")).unwrap();
    let text = format!(
        r#"
database = "claimwatch.db"
[story]
name = "Amazon invests $50 billion in OpenAI"
[[sources]]
name = "Reuters"
url = "https://reuters.example/amazon-openai"
[[sources]]
name = "Wire"
url = "https://wire.example/amazon-openai"

[report.email]
host = "127.0.0.1"
port = {port}
tls = "none"
username = "{USER}"
password_file = "smtp-password"
from = "claimwatch <reports@claimwatch.example>"
to = ["desk@news.example", "Fact Check <facts@news.example>"]
{extra}
"#
    );
    let path = dir.path().join("claimwatch.toml");
    std::fs::write(&path, &text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    Setup { dir, config }
}

impl Setup {
    fn store(&self) -> Arc<Mutex<Store>> {
        Arc::new(Mutex::new(Store::open(&self.config.database).unwrap()))
    }

    fn sender(&self, store: &Arc<Mutex<Store>>) -> Sender {
        Sender::new(store.clone(), self.config.report.email.as_ref().unwrap()).unwrap()
    }

    fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }
}

fn article(title: &str, text: &str) -> Article {
    Article {
        title: Some(title.into()),
        text: text.into(),
        ..Default::default()
    }
}

/// Stores a first version of `source`'s article if it has none, then a new
/// version and its change, exactly as the pipeline does.
fn store_change(
    store: &Arc<Mutex<Store>>,
    source: &str,
    (old_title, old_text): (&str, &str),
    (new_title, new_text): (&str, &str),
) -> i64 {
    let mut s = store.lock().unwrap();
    let url = format!("https://{}.example/amazon-openai", source.to_lowercase());
    let doc = s.ensure_source(source, &url, Utc::now()).unwrap();
    let state = s.document_state(doc).unwrap();
    let from = match state.latest {
        Some(l) => l,
        None => {
            let rec = record(doc, old_title, old_text, None);
            assert!(matches!(s.record(&rec).unwrap(), Stored::New { .. }));
            s.document_state(doc).unwrap().latest.unwrap()
        }
    };
    let diff =
        compare::compare_articles(from.title.as_deref(), &from.text, Some(new_title), new_text);
    let change = NewChange {
        from_version_id: from.id,
        summary: diff.summary(),
        approximate: diff.approximate,
        diff_json: serde_json::to_string(&diff).unwrap(),
        disclosure: Default::default(),
        notice: None,
    };
    match s
        .record(&record(doc, new_title, new_text, Some(change)))
        .unwrap()
    {
        Stored::Changed { change_id, .. } => change_id,
        other => panic!("not stored as a change: {other:?}"),
    }
}

fn record(doc: i64, title: &str, text: &str, change: Option<NewChange>) -> CheckRecord {
    let a = article(title, text);
    CheckRecord {
        document_id: doc,
        started_at: Utc::now(),
        duration_ms: 5,
        http_status: Some(200),
        bytes: text.len() as u64,
        result: CheckResult::Changed {
            validators: Validators::default(),
            version: NewVersion {
                content_hash: blake3::hash(format!("{title}\n{text}").as_bytes())
                    .to_hex()
                    .to_string(),
                article: a,
                raw_html: format!("<h1>{title}</h1><p>{text}</p>").into_bytes(),
                claims: Default::default(),
            },
            change,
        },
    }
}

const V1: (&str, &str) = (
    "Amazon to invest $50 billion in OpenAI",
    "Amazon will invest $50 billion in OpenAI, the companies confirmed in a joint statement. The deal spans several years.",
);
const V2: (&str, &str) = (
    "Amazon to invest $50 billion in OpenAI",
    "Amazon will invest $40 billion in OpenAI, the companies confirmed in a joint statement. The deal spans several years.",
);

fn states(store: &Arc<Mutex<Store>>) -> Vec<(i64, String, i64)> {
    let s = store.lock().unwrap();
    let mut st = s
        .conn()
        .prepare("SELECT id, state, attempts FROM outbox ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn later(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    t + chrono::Duration::seconds(secs)
}

#[tokio::test]
async fn delivered_report_has_both_parts_subject_sender_recipients_and_changed_words() {
    let port = free_port();
    let s = setup(port, "");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    store_change(&store, "Reuters", V1, V2);
    let sender = s.sender(&store);

    let step = sender.step(Utc::now()).await.unwrap();
    assert!(step.attempted.unwrap().result.is_ok());

    let msgs = server.messages();
    assert_eq!(msgs.len(), 1);
    let m = &msgs[0];
    assert!(m.authenticated, "the server required and got AUTH");
    assert_eq!(
        m.subject,
        "[claimwatch] 1 change in 1 outlet: Reuters 1 sentence edited (+1/-1 words)"
    );
    assert_eq!(m.mail_from, "reports@claimwatch.example");
    assert_eq!(m.from, "claimwatch <reports@claimwatch.example>");
    assert_eq!(m.rcpt_tos, ["desk@news.example", "facts@news.example"]);
    assert!(m.to.contains("desk@news.example") && m.to.contains("Fact Check <facts@news.example>"));
    assert_eq!(m.content_type, "multipart/alternative");
    assert!(
        m.message_id.starts_with("<claimwatch.outbox-1-1.")
            && m.message_id.ends_with("@claimwatch.example>"),
        "{}",
        m.message_id
    );

    let text = m.part("text/plain");
    assert!(
        text.contains("~ Amazon will invest [-$50-]{+$40+} billion in OpenAI"),
        "{text}"
    );
    assert!(text.contains("https://reuters.example/amazon-openai"));
    assert!(text.contains("Amazon to invest $50 billion in OpenAI"));
    let html = m.part("text/html");
    assert!(
        html.contains(">$50</del>") && html.contains(">$40</ins>"),
        "{html}"
    );
    assert!(html.contains("<del style=\"") && html.contains("<ins style=\""));
    assert!(!html.contains("<style"), "styles must be inline");
    assert!(html.contains("href=\"https://reuters.example/amazon-openai\""));
    assert!(html.contains("version 1 (") && html.contains("→ version 2 ("));

    // Marked sent: nothing is due, and nothing is sent twice.
    assert_eq!(states(&store), vec![(1, "sent".into(), 1)]);
    let again = sender.step(later(Utc::now(), 3600)).await.unwrap();
    assert!(again.attempted.is_none() && again.next_due.is_none());
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn with_the_server_down_nothing_is_lost_and_the_report_arrives_after_it_comes_back() {
    let port = free_port();
    let s = setup(port, "");
    let t0 = Utc::now().trunc_subsecs(3);
    let message_id;
    {
        let store = s.store();
        store_change(&store, "Reuters", V1, V2);
        let sender = s.sender(&store);
        // No server on the port.
        let step = sender.step(t0).await.unwrap();
        let attempt = step.attempted.unwrap();
        assert!(attempt.result.is_err());
        message_id = attempt.message_id;
        assert_eq!(step.next_due, Some(later(t0, 30)), "first retry after 30 s");
        let unsent = outbox::unsent(store.lock().unwrap().conn()).unwrap();
        assert_eq!(unsent.len(), 1);
        assert_eq!(unsent[0].state, "retrying");
        assert_eq!(
            unsent[0].next_attempt_at,
            Some(claimwatch::store::timestamp(later(t0, 30)))
        );
        assert!(
            unsent[0]
                .last_error
                .as_deref()
                .unwrap()
                .contains("127.0.0.1")
        );
        // The process stops here.
    }

    // Restarted: the report is still there, and waits for its retry time.
    let store = s.store();
    let sender = s.sender(&store);
    let early = sender.step(later(t0, 10)).await.unwrap();
    assert!(early.attempted.is_none());
    assert_eq!(early.next_due, Some(later(t0, 30)));

    // A change found during the outage waits for the failed batch, so the
    // outage ends in as few emails as possible.
    store_change(&store, "Wire", V1, V2);

    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let retry = sender.step(later(t0, 30)).await.unwrap();
    let attempt = retry.attempted.unwrap();
    assert!(attempt.result.is_ok(), "{:?}", attempt.result);
    assert_eq!(
        attempt.message_id, message_id,
        "a retry keeps its Message-ID"
    );
    let msgs = server.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].message_id, message_id);
    assert!(msgs[0].subject.contains("Reuters"));

    // Then the change found meanwhile (the window counts from the first
    // batch, formed at t0, so it is open at t0 + 30 min).
    let next = sender.step(later(t0, 31)).await.unwrap();
    assert!(next.attempted.is_none());
    let next = sender.step(later(t0, 30 * 60)).await.unwrap();
    assert!(next.attempted.unwrap().result.is_ok());
    assert_eq!(server.messages().len(), 2);
    assert!(server.messages()[1].subject.contains("Wire"));
    assert_eq!(
        states(&store),
        vec![(1, "sent".into(), 2), (2, "sent".into(), 1)]
    );
}

#[tokio::test]
async fn a_crash_between_sending_and_marking_resends_once_with_the_same_message_id() {
    let port = free_port();
    let s = setup(port, "");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    store_change(&store, "Reuters", V1, V2);
    let sender = s.sender(&store);
    sender.step(Utc::now()).await.unwrap();
    let first = server.messages()[0].message_id.clone();

    // The process died after the server accepted the message but before
    // `sent` was committed: the row is still `sending`.
    store
        .lock()
        .unwrap()
        .conn()
        .execute("UPDATE outbox SET state = 'sending'", [])
        .unwrap();
    drop(sender);
    drop(store);

    let store = s.store();
    let sender = s.sender(&store);
    let step = sender.step(Utc::now()).await.unwrap();
    assert!(step.attempted.unwrap().result.is_ok());
    let msgs = server.messages();
    assert_eq!(
        msgs.len(),
        2,
        "sent again: the first delivery was not recorded"
    );
    assert_eq!(
        msgs[1].message_id, first,
        "the copy is recognisable as the same message"
    );
    assert_eq!(states(&store), vec![(1, "sent".into(), 2)]);
    // And only once.
    assert!(sender.step(Utc::now()).await.unwrap().attempted.is_none());
    assert_eq!(server.messages().len(), 2);
}

#[tokio::test]
async fn a_digest_window_batches_several_changes_into_one_message() {
    let port = free_port();
    let s = setup(port, "digest = \"30m\"");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    let sender = s.sender(&store);
    let t0 = Utc::now().trunc_subsecs(3);

    // The first change goes out at once: no email was sent in the window.
    store_change(&store, "Reuters", V1, V2);
    assert!(sender.step(t0).await.unwrap().attempted.is_some());

    // Three more changes in two outlets within the window: held back.
    store_change(&store, "Wire", V1, V2);
    store_change(
        &store,
        "Reuters",
        V2,
        ("Amazon to invest $40 billion in OpenAI", V2.1),
    );
    store_change(
        &store,
        "Wire",
        V2,
        (
            V2.0,
            "Amazon will reportedly invest $40 billion in OpenAI. The deal spans several years.",
        ),
    );
    let held = sender.step(later(t0, 60)).await.unwrap();
    assert!(held.attempted.is_none());
    assert_eq!(held.next_due, Some(later(t0, 30 * 60)));
    assert_eq!(server.messages().len(), 1);

    // When the window opens, one message carries all three.
    let step = sender.step(later(t0, 30 * 60)).await.unwrap();
    assert_eq!(step.attempted.unwrap().outbox_ids, vec![2, 3, 4]);
    let msgs = server.messages();
    assert_eq!(msgs.len(), 2);
    let m = &msgs[1];
    assert!(
        m.subject
            .starts_with("[claimwatch] 3 changes in 2 outlets: "),
        "{}",
        m.subject
    );
    // The headline change names the email when there is no claim change.
    assert!(
        m.subject
            .contains("Reuters headline now \"Amazon to invest $40 billion in OpenAI\""),
        "{}",
        m.subject
    );
    assert!(m.message_id.starts_with("<claimwatch.outbox-2-4."));
    let text = m.part("text/plain");
    assert!(text.contains("{+reportedly+}"), "{text}");
    assert_eq!(text.matches("\nWire - ").count(), 2, "{text}");
    assert!(
        sender
            .step(later(t0, 60 * 60))
            .await
            .unwrap()
            .attempted
            .is_none()
    );
}

#[tokio::test]
async fn digest_zero_sends_each_pass_and_min_significance_skips_lesser_changes() {
    let port = free_port();
    let s = setup(port, "digest = \"0\"\nmin_significance = \"headline\"");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    let sender = s.sender(&store);
    let t0 = Utc::now().trunc_subsecs(3);

    // Text only: below "headline", skipped and never emailed.
    store_change(&store, "Reuters", V1, V2);
    let step = sender.step(t0).await.unwrap();
    assert!(step.attempted.is_none() && step.next_due.is_none());
    assert_eq!(states(&store), vec![(1, "skipped".into(), 0)]);

    store_change(
        &store,
        "Reuters",
        V2,
        ("Amazon cuts OpenAI stake to $40 billion", V2.1),
    );
    assert!(sender.step(t0).await.unwrap().attempted.is_some());
    store_change(&store, "Wire", V1, ("Amazon and OpenAI: the deal", V1.1));
    assert!(
        sender.step(t0).await.unwrap().attempted.is_some(),
        "no window with digest 0"
    );
    assert_eq!(server.messages().len(), 2);
    assert!(
        server.messages()[0]
            .subject
            .contains("Amazon cuts OpenAI stake")
    );
}

#[tokio::test]
async fn claim_changes_lead_the_email_when_the_claims_table_exists() {
    let port = free_port();
    let s = setup(port, "");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    store_change(
        &store,
        "Wire",
        V1,
        (V1.0, "Amazon will invest in OpenAI soon."),
    );
    let change = store_change(&store, "Reuters", V1, V2);
    store
        .lock()
        .unwrap()
        .conn()
        .execute(
            // Claim changes as the claims stage stores them with the change.
            "INSERT INTO claim_changes (change_id, document_id, change_kind, significance, kind, old, new, summary, detail)
             SELECT ?1, document_id, 'amount_changed', 7, 'amount', '$50 billion', '$40 billion', '', '{}' FROM changes WHERE id = ?1
             UNION ALL
             SELECT ?1, document_id, 'certainty_changed', 6, 'certainty', 'confirmed', 'reportedly', '', '{}' FROM changes WHERE id = ?1",
            [change],
        )
        .unwrap();

    sender_step(&s, &store).await;
    let m = &server.messages()[0];
    assert_eq!(
        m.subject,
        "[claimwatch] 2 changes in 2 outlets: Reuters amount $50 billion → $40 billion (silent)"
    );
    let text = m.part("text/plain");
    let claims = text.find("CLAIM CHANGES").unwrap();
    assert!(claims < text.find("TEXT CHANGES").unwrap());
    assert!(text.contains("* Reuters: amount $50 billion → $40 billion"));
    assert!(text.contains("* Reuters: certainty confirmed → reportedly"));
    let html = m.part("text/html");
    assert!(html.find("Claim changes").unwrap() < html.find("Text changes").unwrap());
    assert!(html.contains(">confirmed</del> → <ins"), "{html}");
}

async fn sender_step(s: &Setup, store: &Arc<Mutex<Store>>) {
    let step = s.sender(store).step(Utc::now()).await.unwrap();
    assert!(step.attempted.unwrap().result.is_ok());
}

#[tokio::test]
async fn the_running_sender_wakes_on_a_new_change_and_stops_on_shutdown() {
    let port = free_port();
    let s = setup(port, "digest = \"0\"");
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let store = s.store();
    let wake = Arc::new(tokio::sync::Notify::new());
    let shutdown = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(s.sender(&store).run(wake.clone(), shutdown.clone()));

    store_change(&store, "Reuters", V1, V2);
    wake.notify_one();
    assert!(server.next_delivery(Duration::from_secs(30)).await);
    store_change(&store, "Wire", V1, V2);
    wake.notify_one();
    assert!(server.next_delivery(Duration::from_secs(30)).await);
    assert_eq!(server.messages().len(), 2);

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the sender stops on shutdown")
        .unwrap();
}

#[tokio::test]
async fn the_password_never_appears_in_any_log_line() {
    let logs = captured_logs();
    let port = free_port();
    let s = setup(port, "");
    let store = s.store();
    store_change(&store, "Reuters", V1, V2);

    // A failed send (server down), a refused login, then a good one: every
    // path that logs, with AUTH really performed.
    let sender = s.sender(&store);
    let t0 = Utc::now().trunc_subsecs(3);
    assert!(
        sender
            .step(t0)
            .await
            .unwrap()
            .attempted
            .unwrap()
            .result
            .is_err()
    );
    {
        let wrong = SmtpServer::start(&s.mail_dir(), port, Some((USER, "another-password")));
        let step = sender.step(later(t0, 30)).await.unwrap();
        let err = step.attempted.unwrap().result.unwrap_err();
        assert!(
            err.contains("535") || err.to_lowercase().contains("auth"),
            "{err}"
        );
        wrong.stop();
    }
    // The refused report failed for good; a later change gets through once
    // the digest window has passed.
    store_change(&store, "Wire", V1, V2);
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let ok = sender.step(later(t0, 31 * 60)).await.unwrap();
    assert!(ok.attempted.unwrap().result.is_ok());
    assert!(server.messages().last().unwrap().authenticated);
    let cfg_debug = format!("{:?}", s.config);
    tracing::info!(config = %cfg_debug, "config as debugged");

    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(text.contains("report emailed"), "the sender logged: {text}");
    assert!(text.contains("report email failed"), "{text}");
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(v.get("fields").is_some(), "{line}");
    }
    let b64 = |s: &str| base64(s.as_bytes());
    for needle in [
        PASSWORD.to_string(),
        b64(PASSWORD),
        b64(&format!("\0{USER}\0{PASSWORD}")),
    ] {
        assert!(
            !text.contains(&needle),
            "the password ({needle}) is in the log"
        );
    }
    assert!(!outbox_errors(&store).contains(PASSWORD));
}

fn outbox_errors(store: &Arc<Mutex<Store>>) -> String {
    let s = store.lock().unwrap();
    s.conn()
        .query_row(
            "SELECT coalesce(group_concat(last_error, '\n'), '') FROM outbox",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Standard base64, for looking for encoded secrets in logs.
fn base64(data: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn the_cli_sends_a_test_email_and_lists_failed_reports_with_their_error() {
    let port = free_port();
    let s = setup(port, "");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_claimwatch"))
            .arg("--config")
            .arg(s.config.path.as_path())
            .args(args)
            .output()
            .unwrap()
    };
    // Server down: the test email fails with a runtime error.
    let out = run(&["report", "test-email"]);
    assert_eq!(out.status.code(), Some(1));

    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, PASSWORD)));
    let out = run(&["report", "test-email"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = &server.messages()[0];
    assert_eq!(m.subject, "[claimwatch] test message");
    assert!(
        m.part("text/plain")
            .contains("test message from claimwatch")
    );
    assert!(m.part("text/html").contains("<ins style="));
    server.stop();

    // A report that failed is listed with its last error.
    let store = s.store();
    store_change(&store, "Reuters", V1, V2);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { s.sender(&store).step(Utc::now()).await.unwrap() });
    drop(store);
    let out = run(&["outbox", "--json"]);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["state"], "retrying");
    assert!(rows[0]["next_attempt_at"].is_string());
    assert_eq!(rows[0]["source"], "Reuters");
    assert!(
        rows[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1")
    );
    let out = run(&["outbox"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("retrying") && text.contains("next attempt") && text.contains("last error:"),
        "{text}"
    );
}

#[test]
fn an_inline_password_is_a_config_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[story]\nname = \"x\"\n[[sources]]\nname = \"a\"\nurl = \"https://a.example/\"\n\
         [report.email]\nhost = \"smtp.example.org\"\nusername = \"u\"\npassword = \"hunter2\"\n\
         from = \"a@example.org\"\nto = [\"b@example.org\"]\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimwatch"))
        .arg("--config")
        .arg(&path)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":9: report.email.password:"), "{err}");
    assert!(!err.contains("hunter2"));
}

/// The whole daemon against the bundled demo site: checks store changes,
/// the daemon wakes the sender, reports arrive while it runs, and when it
/// stops every change has been emailed or is still queued, none lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_emails_the_changes_it_finds_on_the_demo_site() {
    captured_logs();
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let site = claimwatch::cli::demo::DemoSite::start().await.unwrap();
    let path = claimwatch::cli::demo::write_config(dir.path(), &site, "* * * * * *").unwrap();
    std::fs::write(dir.path().join("pw"), PASSWORD).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[report.email]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
         username = \"{USER}\"\npassword_file = \"pw\"\nfrom = \"cw@claimwatch.example\"\n\
         to = [\"desk@news.example\"]\ndigest = \"0\"\n"
    ));
    std::fs::write(&path, text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let server = SmtpServer::start(&dir.path().join("mail"), port, Some((USER, PASSWORD)));

    let opts = claimwatch::service::daemon::RunOptions {
        max_checks_per_source: Some(claimwatch::cli::demo::DEMO_CHECKS),
        ..claimwatch::cli::config::defaults::run_options(&config.path)
    };
    let shutdown = tokio_util::sync::CancellationToken::new();
    tokio::time::timeout(
        Duration::from_secs(60),
        claimwatch::service::daemon::run(&config, shutdown, opts),
    )
    .await
    .expect("the demo run ends")
    .unwrap();
    let during_run = server.messages().len();
    assert!(during_run >= 1, "reports were sent while the daemon ran");

    // Whatever was still queued when it stopped goes out next time.
    let store = Arc::new(Mutex::new(Store::open(&config.database).unwrap()));
    let sender = Sender::new(store.clone(), config.report.email.as_ref().unwrap()).unwrap();
    while sender.step(Utc::now()).await.unwrap().attempted.is_some() {}

    let (changes, sent): (i64, i64) = store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM changes),
                    (SELECT count(*) FROM outbox WHERE state = 'sent')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(changes >= 3, "the demo timeline changes every outlet");
    assert_eq!(sent, changes, "every change emailed exactly once");
    let all: String = server
        .messages()
        .iter()
        .map(|m| m.part("text/plain").to_string())
        .collect();
    assert!(all.contains("harbor-ledger - "), "{all}");
    assert!(all.contains("[-$50-]{+$40+}"), "{all}");
    drop(site);
}

/// Regression: a report the server refused for good (5xx) was shown as
/// `failed` yet retried forever. It is `failed`, with no next attempt, and
/// never sent again.
#[tokio::test]
async fn a_permanent_refusal_fails_the_report_for_good() {
    let port = free_port();
    let s = setup(port, "");
    // The server knows another password: AUTH is refused with 535.
    let server = SmtpServer::start(&s.mail_dir(), port, Some((USER, "not-the-password")));
    let store = s.store();
    store_change(&store, "Reuters", V1, V2);
    let sender = s.sender(&store);
    let t0 = Utc::now().trunc_subsecs(3);
    let step = sender.step(t0).await.unwrap();
    let err = step.attempted.unwrap().result.unwrap_err();
    assert!(
        err.contains("535") || err.to_lowercase().contains("auth"),
        "{err}"
    );
    let unsent = outbox::unsent(store.lock().unwrap().conn()).unwrap();
    assert_eq!(unsent.len(), 1);
    assert_eq!(unsent[0].state, "failed");
    assert_eq!(unsent[0].next_attempt_at, None);
    // Never again, however long one waits.
    let much_later = sender.step(later(t0, 86_400)).await.unwrap();
    assert!(much_later.attempted.is_none(), "{much_later:?}");
    assert!(server.messages().is_empty());
}

/// `check` from cron or a timer delivers what is due when it ends, and
/// respects the digest window: the second pass's changes wait for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_delivers_due_reports_itself_within_the_digest_window() {
    captured_logs();
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let site = claimwatch::cli::demo::DemoSite::start().await.unwrap();
    let path = claimwatch::cli::demo::write_config(dir.path(), &site, "0 0 1 1 *").unwrap();
    std::fs::write(dir.path().join("pw"), PASSWORD).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[report.email]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
         username = \"{USER}\"\npassword_file = \"pw\"\nfrom = \"cw@claimwatch.example\"\n\
         to = [\"desk@news.example\"]\ndigest = \"1h\"\n"
    ));
    std::fs::write(&path, text).unwrap();
    let config = claimwatch::cli::config::load(&path).unwrap();
    let server = SmtpServer::start(&dir.path().join("mail"), port, Some((USER, PASSWORD)));
    let check = || claimwatch::service::daemon::check_once(&config, None);

    site.set_step(0);
    check().await.unwrap();
    assert!(
        server.messages().is_empty(),
        "first versions are not changes"
    );
    site.set_step(1);
    check().await.unwrap();
    let first = server.messages();
    assert_eq!(first.len(), 1, "the changes of the pass, in one digest");
    assert!(first[0].part("text/plain").contains("[-$50-]{+$40+}"));
    site.set_step(2);
    check().await.unwrap();
    assert_eq!(
        server.messages().len(),
        1,
        "the digest window is still closed"
    );
    let store = Arc::new(Mutex::new(Store::open(&config.database).unwrap()));
    let pending: i64 = store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(pending >= 1, "the later changes wait for the window");
    drop(site);
}
