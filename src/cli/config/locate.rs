//! Where a config error is: the error type, and the locator that turns a
//! byte offset of the file into a line and a dotted key
//! (`report.email.host2`, `sources[1].schedule`).

use std::fmt;
use std::path::{Path, PathBuf};

/// A configuration error: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, when the error can be placed.
    pub line: Option<usize>,
    /// The dotted key, e.g. `sources[2].schedule`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Turns raw values into validated ones, with errors that point at the line.
pub(crate) struct Validator<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Validator<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
    pub(crate) fn err(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: &str,
    ) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line_of(span.start)),
            key: key.to_string(),
            message: message.to_string(),
        }
    }
    /// The span of the first line that assigns `key` (for values that do not
    /// carry their own span).
    pub(super) fn find_key(&self, key: &str) -> std::ops::Range<usize> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                return offset..offset;
            }
            offset += line.len();
        }
        0..0
    }
    pub(super) fn toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let message = e.message().to_string();
        // serde names the offending key in the message ("unknown field `x`",
        // "missing field `y`", "invalid type ... for key `z`").
        let key = message
            .split('`')
            .nth(1)
            .filter(|_| message.contains("field") || message.contains("key"))
            .unwrap_or("")
            .to_string();
        // The whole dotted path: `report.email.host2`, not `host2`.
        let key = match e.span() {
            Some(span) if !key.is_empty() => {
                let table = self.table_at(span.start);
                if table.is_empty() || key.starts_with(&format!("{table}.")) {
                    key
                } else {
                    format!("{table}.{key}")
                }
            }
            _ => key,
        };
        ConfigError {
            path: self.path.to_path_buf(),
            line: e.span().map(|s| self.line_of(s.start)),
            key,
            message,
        }
    }
    /// The table a byte offset of the file is in, as a dotted path with
    /// array indexes: `report.email`, `sources[1]`, `sources[1].extract`.
    fn table_at(&self, offset: usize) -> String {
        let mut table = String::new();
        let mut arrays: Vec<(String, usize)> = Vec::new();
        let mut at = 0;
        for line in self.text.split_inclusive('\n') {
            if at > offset {
                break;
            }
            at += line.len();
            let t = line.trim();
            let header = |open: &str, close: &str| {
                t.strip_prefix(open)
                    .and_then(|r| r.split(close).next())
                    .map(|h| h.split('.').map(str::trim).collect::<Vec<_>>().join("."))
            };
            if t.starts_with("[[") {
                let Some(name) = header("[[", "]]") else {
                    continue;
                };
                let n = match arrays.iter_mut().find(|(a, _)| *a == name) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        arrays.push((name.clone(), 0));
                        0
                    }
                };
                table = format!("{name}[{n}]");
            } else if t.starts_with('[') {
                let Some(name) = header("[", "]") else {
                    continue;
                };
                // A sub-table of the last element of an array of tables.
                table = arrays
                    .iter()
                    .filter(|(a, _)| name.starts_with(&format!("{a}.")))
                    .max_by_key(|(a, _)| a.len())
                    .map_or(name.clone(), |(a, n)| {
                        format!("{a}[{n}]{}", &name[a.len()..])
                    });
            }
        }
        table
    }
}
