//! `claimwatch db backup|check|prune-raw`: the database's care, as commands.

use crate::cli::args::DbCommand;
use crate::cli::config::Config;
use crate::cli::error::CmdResult;
use crate::cli::error::exit;
use crate::cli::query::{emit, print_json};
use crate::store::{
    self,
    maintenance::{MaintenanceError, backup, check, prune_raw},
};

/// `claimwatch db backup|check|prune-raw`.
pub fn command(config: &Config, cmd: &DbCommand) -> CmdResult<u8> {
    let db = &config.database;
    match cmd {
        DbCommand::Backup { path, json } => {
            let r = backup(db, path)?;
            if *json {
                return print_json(&r);
            }
            emit(&format!(
                "backed up {} to {} ({} bytes, schema version {}, {} versions)\n",
                db.display(),
                r.path,
                r.bytes,
                r.schema_version,
                r.versions
            ))
        }
        DbCommand::Check { json } => {
            let r = check(db)?;
            let code = if r.ok { exit::OK } else { exit::FAILURE };
            if *json {
                print_json(&r)?;
                return Ok(code);
            }
            let count = |n: Option<i64>| n.map_or("-".to_string(), |n| n.to_string());
            emit(&format!(
                "database: {} ({} bytes, journal {})\n\
                 integrity: {}\n\
                 foreign keys: {}\n\
                 search index: {}\n\
                 schema version: {} of {} known ({})\n\
                 documents: {}, versions: {}, raw pages: {}\n\
                 {}\n",
                r.database,
                r.bytes,
                r.journal_mode,
                r.integrity.join("; "),
                if r.foreign_key_violations == 0 {
                    "ok".to_string()
                } else {
                    format!("{} violation(s)", r.foreign_key_violations)
                },
                match r.search_index_ok {
                    Some(true) => "ok",
                    Some(false) =>
                        "DAMAGED (rebuild: INSERT INTO sentences_fts(sentences_fts) VALUES('rebuild'))",
                    None => "absent (older schema)",
                },
                r.schema_version,
                r.known_schema_version,
                match r.schema_version.cmp(&r.known_schema_version) {
                    std::cmp::Ordering::Equal => "current",
                    std::cmp::Ordering::Less =>
                        "older: any claimwatch command that opens it migrates it",
                    std::cmp::Ordering::Greater => "NEWER than this claimwatch: upgrade claimwatch",
                },
                count(r.documents),
                count(r.versions),
                count(r.raw_pages),
                if r.ok { "OK" } else { "PROBLEMS FOUND" }
            ))?;
            Ok(code)
        }
        DbCommand::PruneRaw {
            older_than,
            dry_run,
            json,
        } => {
            let age = crate::cli::config::parse_duration(older_than).ok_or_else(|| {
                crate::cli::error::CliError::BadRequest(format!(
                    "--older-than {older_than:?}: expected a duration such as 30d"
                ))
            })?;
            let cutoff = chrono::Utc::now()
                - chrono::Duration::from_std(age).unwrap_or(chrono::Duration::MAX);
            if !db.exists() {
                return Err(MaintenanceError::Missing(db.clone()).into());
            }
            let mut store = store::Store::open(db)?;
            let r = prune_raw(&mut store, &store::timestamp(cutoff), *dry_run)?;
            if *json {
                return print_json(&r);
            }
            emit(&format!(
                "{} the raw HTML of {} version(s) fetched before {}: {} stored page(s), {} bytes of HTML ({} bytes stored){}\n",
                if r.dry_run {
                    "would release"
                } else {
                    "released"
                },
                r.versions_released,
                r.cutoff,
                r.raw_pages_deleted,
                r.html_bytes,
                r.stored_bytes,
                if r.dry_run || r.raw_pages_deleted == 0 {
                    ""
                } else {
                    "; the space is reused by new pages (VACUUM returns it to the file system)"
                }
            ))
        }
    }
}
