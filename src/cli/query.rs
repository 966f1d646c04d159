//! The query commands of the CLI: each opens the database read-only, runs
//! one query and prints a table for people or JSON for scripts.
//!
//! Exit statuses (see `cli::exit`): 0 when the command worked (an empty list
//! is a result), 3 when a named document, version or stored page does not
//! exist or a search matched nothing, 2 for a malformed request.

use crate::cli::error::CmdResult;
use std::io::{IsTerminal, Write};

use anyhow::Context;
use rusqlite::Connection;
use serde::Serialize;

use crate::cli::args::ChangeOrder;
use crate::cli::config::{self, Config};
use crate::cli::error::exit;
use crate::cli::table::Table;
use crate::store::query::claims::{self, ClaimTimeline};
use crate::store::query::search::{self, SearchRequest, Syntax};
use crate::store::query::{self as q, QueryError, find_document};

/// Opens the database of a config read-only for queries, after applying
/// any pending migration (a database from an older claimwatch gains the
/// views and the search index the commands read).
pub fn open_db(config: &Config) -> CmdResult<Connection> {
    if !config.database.exists() {
        return Err(QueryError::NotFound(format!(
            "no database at {} yet: run `claimwatch check` first",
            config.database.display()
        ))
        .into());
    }
    drop(crate::store::Store::open(&config.database)?);
    q::open_read_only(&config.database)
        .with_context(|| format!("cannot open {}", config.database.display()))
        .map_err(Into::into)
}

/// `claimwatch sources`.
pub fn sources(config: &Config, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let rows = q::sources(&conn)?;
    if json {
        return print_json(&rows);
    }
    let mut t = Table::new(&[
        "SOURCE", "DOCS", "VERSIONS", "CHANGES", "FETCHES", "FAILED", "LAST", "CHECKED", "URL",
    ]);
    for r in &rows {
        t.row(vec![
            r.source.clone(),
            r.documents.to_string(),
            r.versions.to_string(),
            r.changes.to_string(),
            r.fetches.to_string(),
            r.failed_fetches.to_string(),
            r.last_outcome.clone().unwrap_or_else(|| "-".into()),
            r.last_checked_at.clone().unwrap_or_else(|| "never".into()),
            r.url.clone(),
        ]);
    }
    emit_table(t, rows.is_empty(), "no sources yet: run `claimwatch check`")
}

/// `claimwatch documents [SOURCE]`.
pub fn documents(config: &Config, source: Option<&str>, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let rows = q::documents(&conn, source)?;
    if json {
        return print_json(&rows);
    }
    let mut t =
        Table::new(&["ID", "SOURCE", "VERSIONS", "CHANGED", "HEADLINE", "URL"]).limit(4, 60);
    for r in &rows {
        t.row(vec![
            r.document_id.to_string(),
            r.source.clone(),
            r.versions.to_string(),
            r.last_changed_at.clone().unwrap_or_else(|| "-".into()),
            r.title.clone().unwrap_or_else(|| "(no version yet)".into()),
            r.url.clone(),
        ]);
    }
    emit_table(t, rows.is_empty(), "no documents tracked yet")
}

/// `claimwatch history [TARGET]`.
pub fn history(config: &Config, target: Option<&str>, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let doc = target.map(|t| find_document(&conn, t)).transpose()?;
    let rows = q::history(&conn, doc.map(|d| d.id))?;
    if json {
        return print_json(&rows);
    }
    let mut out = String::new();
    let mut last = None;
    for r in &rows {
        if last != Some(r.document_id) {
            out.push_str(&format!("{}  {}\n", r.source, r.url));
            last = Some(r.document_id);
        }
        out.push_str(&format!(
            "  v{:<3} {}  id {:<5} {:>6} chars  {}\n",
            r.version,
            r.fetched_at,
            r.version_id,
            r.chars,
            r.title.as_deref().unwrap_or("(no headline)"),
        ));
        if let Some(c) = &r.change {
            let d = r
                .disclosure
                .unwrap_or(crate::core::disclosure::Disclosure::Unknown);
            out.push_str(&format!(
                "        {}\n",
                crate::core::wording::with_disclosure(c, d, r.notice.as_deref())
                    .replace('\n', "\n        ")
            ));
        }
    }
    if rows.is_empty() {
        out.push_str("no versions stored yet\n");
    }
    emit(&out)
}

/// `claimwatch show VERSION [--raw]`.
pub fn show(config: &Config, spec: &str, raw: bool, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let id = q::resolve_version(&conn, spec)?;
    if raw {
        let html = q::raw_html(&conn, id)?;
        return emit_bytes(&html);
    }
    let v = q::version_detail(&conn, id)?;
    if json {
        return print_json(&v);
    }
    let mut out = format!(
        "{}  {}\nversion {} of this document (id {}){}, fetched {}\n",
        v.source,
        v.url,
        v.version,
        v.version_id,
        if v.latest { ", the latest" } else { "" },
        v.fetched_at
    );
    let mut meta = |k: &str, val: &Option<String>| {
        if let Some(val) = val {
            out.push_str(&format!("{k}: {val}\n"));
        }
    };
    meta("byline", &v.byline);
    meta("published", &v.published_at);
    meta("modified", &v.modified_at);
    meta("canonical", &v.canonical_url);
    meta("change", &v.change);
    out.push_str(&format!(
        "raw HTML: {}\n\n{}\n\n{}\n",
        if v.raw_kept {
            "stored (show --raw)"
        } else {
            "not stored"
        },
        v.title.as_deref().unwrap_or("(no headline)"),
        v.text
    ));
    emit(&out)
}

/// The `diff --json` object.
#[derive(Serialize)]
struct DiffOut<'a> {
    document_id: i64,
    source: &'a str,
    url: &'a str,
    from: i64,
    to: i64,
    summary: String,
    claim_changes: Vec<crate::core::change::ReportedClaim>,
    disclosure: crate::core::disclosure::Disclosure,
    notice: Option<String>,
    diff: &'a crate::core::compare::TextDiff,
}

/// `claimwatch diff TARGET [--from N] [--to N]`.
pub fn diff(
    config: &Config,
    target: &str,
    from: Option<i64>,
    to: Option<i64>,
    json: bool,
) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let doc = find_document(&conn, target)?;
    let (from, to, diff) = q::diff(&conn, doc.id, from, to)?;
    // Any two versions, not only neighbours: the claims are compared now,
    // with the configured story, as the pipeline compares them.
    let (old, new) = (
        q::version_text(&conn, doc.id, from)?.1,
        q::version_text(&conn, doc.id, to)?.1,
    );
    let claim_changes = crate::core::analysis::claim_changes(&old, &new, &config.story.claims());
    // What each version's page declared (found again in the text for
    // versions stored before that was kept).
    let declared = |n: i64, text: &str| -> CmdResult<_> {
        let p = crate::store::disclosure::previously_at(&conn, doc.id, n)
            .map_err(q::QueryError::from)?;
        let d = p
            .declared
            .unwrap_or_else(|| crate::core::analysis::declared_in_text(text));
        Ok((d, p.modified))
    };
    let ((od, om), (nd, nm)) = (declared(from, &old)?, declared(to, &new)?);
    let (disclosure, notice) = if diff.is_empty() {
        (crate::core::disclosure::Disclosure::None, None)
    } else {
        crate::core::disclosure::decide(&od, om.as_deref(), &nd, nm.as_deref())
    };
    let summary = crate::core::wording::change_summary(&claim_changes, &diff, disclosure);
    if json {
        return print_json(&DiffOut {
            document_id: doc.id,
            source: &doc.source,
            url: &doc.url,
            from,
            to,
            summary,
            claim_changes: claim_changes
                .iter()
                .map(crate::core::change::ReportedClaim::of)
                .collect(),
            disclosure,
            notice,
            diff: &diff,
        });
    }
    let mut out = format!(
        "{}  {}\nversion {from} -> {to}: {}\n",
        doc.source,
        doc.url,
        crate::core::wording::with_disclosure(&summary, disclosure, notice.as_deref()),
    );
    let body = crate::core::wording::render_report(&claim_changes, &diff);
    if !body.is_empty() {
        out.push_str(&body);
        out.push('\n');
    }
    emit(&out)
}

/// `claimwatch changes [--since 7d] [--sort time|significance] [TARGET]`.
pub fn changes(
    config: &Config,
    since: &str,
    target: Option<&str>,
    order: ChangeOrder,
    json: bool,
) -> CmdResult<u8> {
    let dur = config::parse_duration(since).ok_or_else(|| {
        QueryError::BadRequest(format!(
            "--since {since:?}: expected a duration such as 30m, 24h or 7d"
        ))
    })?;
    let since_at =
        chrono::Utc::now() - chrono::Duration::from_std(dur).unwrap_or(chrono::Duration::MAX);
    let conn = open_db(config)?;
    let doc = target.map(|t| find_document(&conn, t)).transpose()?;
    let mut rows = q::changes_since(&conn, &crate::store::timestamp(since_at), doc.map(|d| d.id))?;
    if order == ChangeOrder::Significance {
        // The email's ranking, on the rows: a silent change of a claim
        // before a disclosed one of the same kind; equal ranks stay oldest
        // first.
        crate::core::change::sort_by_rank(&mut rows, |r| {
            crate::core::change::rank(&r.claim_changes, &r.diff, r.disclosure)
        });
    }
    if json {
        return print_json(&rows);
    }
    let mut out = String::new();
    for r in &rows {
        out.push_str(&format!(
            "{}  {}  v{} -> v{}  {}\n  {}\n",
            r.detected_at,
            r.source,
            r.from_version,
            r.to_version,
            crate::core::wording::with_disclosure(&r.summary, r.disclosure, r.notice.as_deref())
                .replace('\n', "\n  "),
            r.url
        ));
        for c in &r.claim_changes {
            out.push_str(&format!("    * {}\n", c.summary));
        }
        for line in crate::core::wording::render_diff(&r.diff).lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    if rows.is_empty() {
        out.push_str(&format!("no changes in the last {since}\n"));
    }
    emit(&out)
}

/// `claimwatch claims [TARGET]`.
pub fn claims(config: &Config, target: Option<&str>, conflicts: bool, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    if target.is_none() {
        return claims_overview(&conn, conflicts, json);
    }
    let doc = target.map(|t| find_document(&conn, t)).transpose()?;
    let rows = match claims::timeline(&conn, doc.map(|d| d.id))? {
        ClaimTimeline::Rows(rows) => rows,
        missing => {
            eprintln!(
                "claimwatch: no claims are stored yet: {}",
                if missing == ClaimTimeline::NoClaimTables {
                    "this database has no claim tables (this claimwatch does not extract claims)"
                } else {
                    "this database has claim tables but no claim_timeline view"
                }
            );
            Vec::new()
        }
    };
    if json {
        return print_json(&rows);
    }
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        out.push_str(&line.join("  "));
        out.push('\n');
    }
    emit(&out)
}

/// `claimwatch claims --disclosure`: per outlet, the claim changes made
/// silently against those disclosed over the whole history, most silent
/// first (the view `disclosure_by_outlet`).
pub fn claims_disclosure(config: &Config, json: bool) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let rows = crate::store::disclosure::by_outlet(&conn).map_err(QueryError::from)?;
    if json {
        return print_json(&rows);
    }
    let mut t = Table::new(&[
        "SOURCE",
        "CLAIM CHANGES",
        "SILENT",
        "DISCLOSED",
        "CORRECTION",
        "UPDATE NOTE",
        "MODIFIED TIME",
        "UNKNOWN",
    ]);
    for r in &rows {
        t.row(vec![
            r.source.clone(),
            r.claim_changes.to_string(),
            r.silent.to_string(),
            r.disclosed.to_string(),
            r.corrections.to_string(),
            r.update_notes.to_string(),
            r.modified_time.to_string(),
            r.unknown.to_string(),
        ]);
    }
    emit_table(t, rows.is_empty(), "no claim changes stored yet")
}

/// `claimwatch claims` without a document: the tracked claims with who
/// carried them first and who carries them now, the story's facts per
/// outlet, and the conflicts between outlets (`--conflicts`: only the last
/// two).
fn claims_overview(conn: &Connection, only_conflicts: bool, json: bool) -> CmdResult<u8> {
    if !claims::has_claim_tables(conn)? {
        eprintln!("claimwatch: no claims are stored yet: this database has no claim tables");
        return if json {
            print_json(&serde_json::json!({}))
        } else {
            Ok(exit::OK)
        };
    }
    let tracked = if only_conflicts {
        Vec::new()
    } else {
        crate::store::claims::tracked_claims(conn)?
    };
    let facts: Vec<serde_json::Value> = crate::store::claims::current_fact_values(conn, None)?
        .into_iter()
        .map(|(outlet, f)| {
            serde_json::json!({"fact": f.fact, "outlet": outlet, "value": f.value,
                "qualifier": f.qualifier, "certainty": f.certainty})
        })
        .collect();
    let conflicts = crate::store::claims::current_conflicts(conn)?;
    if json {
        let mut out = serde_json::Map::new();
        if !only_conflicts {
            out.insert("claims".into(), serde_json::to_value(&tracked)?);
        }
        out.insert("facts".into(), serde_json::Value::Array(facts));
        out.insert("conflicts".into(), serde_json::to_value(&conflicts)?);
        return print_json(&out);
    }
    let mut out = String::new();
    if !only_conflicts {
        out.push_str(&format!("{} tracked claims\n", tracked.len()));
        for c in &tracked {
            out.push_str(&format!(
                "  [{}] {}\n      first: {} at {}; now: {}\n",
                c.outlets_now.len(),
                c.text,
                c.first_outlet,
                c.first_seen_at,
                if c.outlets_now.is_empty() {
                    "no outlet".to_string()
                } else {
                    c.outlets_now.join(", ")
                }
            ));
        }
    }
    out.push_str("story facts per outlet\n");
    for f in &facts {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            f["fact"].as_str().unwrap_or(""),
            f["outlet"].as_str().unwrap_or(""),
            f["value"].as_str().unwrap_or("")
        ));
    }
    if conflicts.is_empty() {
        out.push_str("no conflicts between outlets\n");
    } else {
        out.push_str("conflicts\n");
        for c in &conflicts {
            out.push_str(&format!("  {}\n", crate::core::wording::render_conflict(c)));
        }
    }
    emit(&out)
}

/// The flags of `claimwatch search`.
#[derive(Debug, Clone)]
pub struct SearchArgs<'a> {
    pub query: &'a str,
    pub fts: bool,
    pub latest: bool,
    pub source: Option<&'a str>,
    pub limit: usize,
    pub json: bool,
    /// Search claims rather than whole texts.
    pub claims: bool,
}

/// `claimwatch search QUERY`: exits 3 when nothing matches, like grep's 1.
pub fn search(config: &Config, args: &SearchArgs) -> CmdResult<u8> {
    let conn = open_db(config)?;
    let req = SearchRequest {
        query: args.query,
        syntax: if args.fts {
            Syntax::Fts
        } else {
            Syntax::Phrase
        },
        latest_only: args.latest,
        source: args.source,
        limit: args.limit,
        claims: args.claims,
    };
    let mut hits = search::search(&conn, &req)?;
    let code = if hits.is_empty() {
        exit::NOT_FOUND
    } else {
        exit::OK
    };
    if args.json {
        for h in &mut hits {
            h.snippet = search::mark(&h.snippet, "**", "**");
        }
        print_json(&hits)?;
        return Ok(code);
    }
    let (open, close) = if color_stdout() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::new();
    for h in &hits {
        out.push_str(&format!(
            "{}  v{}{}  {}  id {}  {}\n  {}\n",
            h.source,
            h.version,
            if h.latest { " (latest)" } else { "" },
            h.fetched_at,
            h.version_id,
            h.url,
            search::mark(&h.snippet, open, close)
        ));
    }
    if hits.is_empty() {
        eprintln!("claimwatch: no version matches {:?}", args.query);
    }
    emit(&out)?;
    Ok(code)
}

fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints pretty JSON and a newline.
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> CmdResult<u8> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    emit(&s)
}

fn emit_table(t: Table, empty: bool, empty_message: &str) -> CmdResult<u8> {
    if empty {
        return emit(&format!("{empty_message}\n"));
    }
    emit(&t.render())
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub(crate) fn emit(s: &str) -> CmdResult<u8> {
    emit_bytes(s.as_bytes())
}

fn emit_bytes(b: &[u8]) -> CmdResult<u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(b).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(anyhow::Error::new(e)
            .context("cannot write to standard output")
            .into()),
        _ => Ok(exit::OK),
    }
}
