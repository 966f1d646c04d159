//! The layering of `src/`, enforced (ARCHITECTURE.md, "Architecture
//! invariants"): `core` is pure and uses no I/O crate and no higher layer;
//! `store` uses only `core`; `service` uses `core` and `store`; `cli` may
//! use everything. A forbidden path anywhere in a layer's code (imports,
//! qualified calls, tests inside the file) fails this test with its file
//! and line.

use std::path::{Path, PathBuf};

/// One layer's rule: the paths its code must never name.
struct Rule {
    layer: &'static str,
    forbidden: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        layer: "core",
        forbidden: &[
            "tokio::",
            "rusqlite::",
            "reqwest::",
            "lettre::",
            "clap::",
            "toml::",
            "crate::store",
            "crate::service",
            "crate::cli",
        ],
    },
    Rule {
        layer: "store",
        forbidden: &["crate::service", "crate::cli"],
    },
    Rule {
        layer: "service",
        forbidden: &["crate::cli"],
    },
];

/// The forbidden paths `source` names, as (line number, path, line). Line
/// comments and doc comments are skipped: a comment may name a layer.
fn violations(source: &str, forbidden: &[&str]) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        for path in forbidden {
            let mut rest = code;
            while let Some(i) = rest.find(path) {
                // A whole path segment: `tokio::` but not `my_tokio::`.
                let before = rest[..i].chars().next_back();
                let after = rest[i + path.len()..].chars().next();
                let starts = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                let ends = path.ends_with("::")
                    || after.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                if starts && ends {
                    found.push((n + 1, path.to_string(), line.trim().to_string()));
                    break;
                }
                rest = &rest[i + path.len()..];
            }
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for rule in RULES {
        let dir = src.join(rule.layer);
        let files = rust_files(&dir);
        assert!(!files.is_empty(), "no Rust files under {}", dir.display());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (line, path, code) in violations(&text, rule.forbidden) {
                problems.push(format!(
                    "{}:{line}: the {} layer must not use `{path}`: {code}",
                    file.strip_prefix(&src).unwrap_or(&file).display(),
                    rule.layer
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_four_layers_are_what_src_holds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut entries: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["cli", "core", "lib.rs", "main.rs", "service", "store"],
        "src/ holds the four layers, the library root and the thin binary"
    );
}

#[test]
fn the_checker_finds_forbidden_paths_and_ignores_comments() {
    let core = RULES.iter().find(|r| r.layer == "core").unwrap();
    let bad = "use crate::store::Store;\nfn f() { tokio::spawn(async {}); }\n";
    let found: Vec<String> = violations(bad, core.forbidden)
        .into_iter()
        .map(|(line, path, _)| format!("{line}:{path}"))
        .collect();
    assert_eq!(found, ["1:crate::store", "2:tokio::"]);
    let fine = "// uses crate::service in a comment\n/// `tokio::spawn`\nuse crate::core::claims;\nlet my_tokio::x = 1;\nuse crate::storefront;\n";
    assert!(violations(fine, core.forbidden).is_empty());
}
