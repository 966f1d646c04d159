//! A real SMTP server on loopback for the email tests: aiosmtpd (Debian's
//! `python3-aiosmtpd`, or `pip install aiosmtpd`), run as a child process.
//!
//! The handler below only stores what the server received: each message is
//! parsed with Python's `email` package and written as JSON (envelope,
//! headers, decoded parts), and "DELIVERED n" is printed once the file is on
//! disk, before the server answers 250 to DATA. So when a send returns, the
//! message is already readable. With a username and password the server
//! offers AUTH (PLAIN and LOGIN, without TLS, as aiosmtpd allows on
//! loopback) and refuses mail from clients that did not log in.
//!
//! There is no fallback: without aiosmtpd the tests fail and say what to
//! install.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{Mutex, mpsc};

const SERVER: &str = r#"
import asyncio, email, email.policy, json, os, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
user = sys.argv[4] if len(sys.argv) > 5 else None
password = sys.argv[5] if len(sys.argv) > 5 else None

class Store:
    def __init__(self):
        self.n = len([f for f in os.listdir(folder) if f.endswith('.json')])

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if not part.is_multipart():
                parts.append({"content_type": part.get_content_type(),
                              "text": part.get_content()})
        self.n += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "parts": parts,
            "raw": raw.decode("utf-8", "replace"),
        }
        path = os.path.join(folder, "%04d.json" % self.n)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        print("DELIVERED %d" % self.n, flush=True)
        return "250 Message accepted for delivery"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    # handled=False: aiosmtpd answers 535 itself on failure.
    return AuthResult(success=ok, handled=False)

kwargs = {}
if user is not None:
    kwargs = dict(authenticator=authenticator, auth_required=True,
                  auth_require_tls=False)
controller = Controller(Store(), hostname=host, port=port, **kwargs)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
"#;

/// One message as the server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct Delivered {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub authenticated: bool,
    pub subject: String,
    pub from: String,
    pub to: String,
    pub message_id: String,
    pub content_type: String,
    pub parts: Vec<Part>,
    pub raw: String,
}

/// A leaf MIME part, decoded.
#[derive(Debug, Clone, Deserialize)]
pub struct Part {
    pub content_type: String,
    pub text: String,
}

impl Delivered {
    /// The decoded text of the first part of this type.
    pub fn part(&self, content_type: &str) -> &str {
        self.parts
            .iter()
            .find(|p| p.content_type == content_type)
            .map(|p| p.text.as_str())
            .unwrap_or_else(|| panic!("no {content_type} part in {:?}", self.parts))
    }
}

/// A running aiosmtpd. Stopped (its stdin closed, then killed) on drop.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub folder: PathBuf,
    lines: Mutex<mpsc::UnboundedReceiver<String>>,
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The Python that has aiosmtpd: `CLAIMWATCH_TEST_PYTHON`, Debian's
/// `/usr/bin/python3` (where `python3-aiosmtpd` installs), or `python3`.
fn python() -> &'static Path {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND.get_or_init(|| {
        let candidates = std::env::var_os("CLAIMWATCH_TEST_PYTHON")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("/usr/bin/python3"), PathBuf::from("python3")]);
        for py in candidates {
            let ok = Command::new(&py)
                .args(["-c", "import aiosmtpd.controller"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return py;
            }
        }
        panic!(
            "the email tests need a real SMTP server and none was found: install Debian's \
             python3-aiosmtpd (apt-get install -y python3-aiosmtpd) or `pip install aiosmtpd`; \
             CLAIMWATCH_TEST_PYTHON may name the python3 that has it"
        )
    })
}

impl SmtpServer {
    /// Starts a server on `127.0.0.1:port` that stores messages in `folder`;
    /// with `login`, AUTH is offered and required.
    pub fn start(folder: &Path, port: u16, login: Option<(&str, &str)>) -> SmtpServer {
        std::fs::create_dir_all(folder).unwrap();
        let mut cmd = Command::new(python());
        cmd.args(["-W", "ignore", "-c", SERVER, "127.0.0.1", &port.to_string()])
            .arg(folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some((user, password)) = login {
            cmd.args([user, password]);
        }
        let mut child = cmd.spawn().expect("cannot start aiosmtpd");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line == "READY" {
                    let _ = ready_tx.send(());
                } else {
                    let _ = tx.send(line);
                }
            }
        });
        if ready_rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = child.kill();
            panic!("aiosmtpd did not start on 127.0.0.1:{port}");
        }
        SmtpServer {
            child,
            port,
            folder: folder.to_path_buf(),
            lines: Mutex::new(rx),
        }
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Delivered> {
        let mut files: Vec<_> = std::fs::read_dir(&self.folder)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits (at most `limit`) for the next delivery this server reports.
    pub async fn next_delivery(&self, limit: Duration) -> bool {
        let mut rx = self.lines.lock().await;
        matches!(tokio::time::timeout(limit, rx.recv()).await, Ok(Some(_)))
    }

    /// Stops the server and waits until it is gone.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(mut stdin) = self.child.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
