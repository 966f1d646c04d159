//! The layering of `src/`, enforced (ARCHITECTURE.md, "Architecture
//! invariants"): `core` is pure and uses no I/O crate and no higher layer;
//! `store` uses only `core`; `service` uses `core` and `store`; `cli` may
//! use everything. A forbidden path anywhere in a layer's code (imports,
//! qualified calls, tests inside the file) fails this test with its file
//! and line.

use std::collections::{BTreeMap, BTreeSet};
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

/// Every module of `src/` by its path (`service::daemon`), with its code
/// outside `#[cfg(test)]`.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
        out.insert(parts.join("::"), code);
    }
    out
}

/// The modules each module names through `crate::` paths (`crate::a::b::Item`
/// counts as module `a::b`, the longest prefix that is a module).
fn module_graph(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (name, code) in mods {
        let mut uses = BTreeSet::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let path: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
                while !parts.is_empty() {
                    let candidate = parts.join("::");
                    if mods.contains_key(&candidate) {
                        if &candidate != name {
                            uses.insert(candidate);
                        }
                        break;
                    }
                    parts.pop();
                }
            }
        }
        // A module also uses its own children by their short names
        // (`db::command` in `cli`).
        let prefix = if name.is_empty() {
            String::new()
        } else {
            format!("{name}::")
        };
        for child in mods.keys().filter(|k| {
            k.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains("::"))
        }) {
            let short = format!("{}::", &child[prefix.len()..]);
            let named = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|line| {
                    line.match_indices(&short).any(|(i, _)| {
                        line[..i]
                            .chars()
                            .next_back()
                            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    })
                });
            if named {
                uses.insert(child.clone());
            }
        }
        graph.insert(name.clone(), uses);
    }
    graph
}

/// A cycle in `graph`, if there is one, as the modules along it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&modules(&src));
    assert!(graph.len() > 30, "the modules were not found");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mods: BTreeMap<String, String> = [
        ("a", "use crate::b::Thing;"),
        ("b", "fn f() { crate::c::g() }"),
        ("c", "use crate::a;"),
        ("d", "use crate::a::x::Y;"),
        ("e", "fn f() { f::run() }"),
        ("e::f", "use crate::e::Thing;"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let graph = module_graph(&mods);
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    let mut acyclic = mods.clone();
    acyclic.insert("c".into(), "// use crate::a;".into());
    // A parent that calls its child, which uses the parent back.
    assert_eq!(
        find_cycle(&module_graph(&acyclic)).unwrap(),
        ["e", "e::f", "e"]
    );
    acyclic.insert("e::f".into(), "use crate::d;".into());
    assert_eq!(find_cycle(&module_graph(&acyclic)), None);
}
