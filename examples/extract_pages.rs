//! Runs claimwatch's article extractor over saved pages and writes the
//! predictions that the extraction scorers read.
//!
//! ```text
//! # A folder of ID.html pages (the Article Extraction Benchmark's layout):
//! cargo run --release --locked --example extract_pages -- PAGES_DIR OUT.json
//! # trafilatura's evaluation layout: cases.jsonl with `html`, `with`, `without`:
//! cargo run --release --locked --example extract_pages -- --cases CASES.jsonl OUT.jsonl
//! # Either, with the stability check (see below):
//! cargo run --release --locked --example extract_pages -- --stable PAGES_DIR OUT.json
//! ```
//!
//! Folder mode: for every `ID.html` in PAGES_DIR it writes
//! `{ID: {"articleBody": text}}` to OUT.json, using the page address from
//! `ID.json` (`url`) when present. When `ID.json` holds the true body
//! (`articleBody`), it also scores the prediction the way that benchmark does:
//! precision and recall of word 4-shingles per page, averaged over pages, and
//! their F1.
//!
//! Cases mode: every case's page is decoded as `claimwatch extract FILE`
//! decodes it (byte-order mark, `<meta>` charset, detection), extracted, and
//! written as `{"id": ..., "text": ...}` lines to OUT.jsonl; the `with` and
//! `without` snippets are scored the way trafilatura's tests do (F1 over
//! snippets summed over all pages). `--report` lists, per page, the winning
//! strategy, the text length and the snippets missed and wrongly kept.
//!
//! Both modes print the time per page spent in extraction only (reading files
//! and writing JSON excluded; the fastest of five runs of each page), median
//! and mean, and list pages the guards would refuse.
//!
//! `--stable`: a small edit inside the article must not change which blocks
//! are extracted. For up to three prose paragraphs of each page's extraction,
//! one word of the paragraph (a word found once in the whole page) is
//! replaced, and, when the paragraph is a plain `<p>`, the paragraph is
//! removed; each edited page is extracted again and the rest of the text
//! must come out unchanged. Prints how many pages stay stable and, for the
//! others, the first paragraph that differed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use claimwatch::core::extract::{Article, ExtractOptions, assess, extract};

/// Each page is extracted this many times; the fastest run is its time.
const RUNS: usize = 5;

/// One page to extract.
struct Page {
    id: String,
    html: String,
    url: Option<String>,
    /// The AEB's true body.
    truth: Option<String>,
    /// trafilatura's snippets.
    with: Vec<String>,
    without: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut flag = |name: &str| {
        let found = args.iter().any(|a| a == name);
        args.retain(|a| a != name);
        found
    };
    let cases = flag("--cases");
    let stable = flag("--stable");
    let report = flag("--report");
    let [input, out] = args.as_slice() else {
        anyhow::bail!(
            "usage: extract_pages [--stable] PAGES_DIR OUT.json\n       extract_pages [--stable] [--report] --cases CASES.jsonl OUT.jsonl"
        );
    };
    let pages = if cases {
        read_cases(Path::new(input))?
    } else {
        read_dir(Path::new(input))?
    };
    anyhow::ensure!(!pages.is_empty(), "no pages in {input}");

    let opts = ExtractOptions::default();
    let mut ms = Vec::with_capacity(pages.len());
    let mut refused = 0;
    let mut strategies: HashMap<&'static str, usize> = HashMap::new();
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut preds = serde_json::Map::new();
    let mut lines = String::new();
    let (mut tested, mut stable_pages) = (0usize, 0usize);
    for page in &pages {
        // The fastest of a few runs: on a shared machine, the others measure
        // the neighbours' load more than the extractor.
        let mut best = f64::INFINITY;
        let mut article = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            let a = extract(&page.html, page.url.as_deref(), &opts);
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            article = Some(a);
        }
        ms.push(best);
        let article = article.expect("RUNS > 0");
        *strategies.entry(article.source).or_default() += 1;
        if let Err(e) = assess(&article, &page.html, None) {
            refused += 1;
            eprintln!("refused {}: {e}", page.id);
        }
        if let Some(truth) = &page.truth {
            let (p, r) = shingle_scores(truth, &article.text);
            precisions.extend(p);
            recalls.extend(r);
        }
        if cases {
            let text = norm(&article.text);
            let hit = |s: &String| text.contains(&norm(s));
            let missed: Vec<&String> = page.with.iter().filter(|s| !hit(s)).collect();
            let kept: Vec<&String> = page.without.iter().filter(|s| hit(s)).collect();
            tp += page.with.len() - missed.len();
            fn_ += missed.len();
            fp += kept.len();
            if report && (!missed.is_empty() || !kept.is_empty()) {
                println!(
                    "{} {} chars={} missed={}/{} kept={}/{}",
                    page.id,
                    article.source,
                    article.text.chars().count(),
                    missed.len(),
                    page.with.len(),
                    kept.len(),
                    page.without.len()
                );
                for s in missed {
                    println!("    - {}", short(s));
                }
                for s in kept {
                    println!("    + {}", short(s));
                }
            }
            lines.push_str(&serde_json::to_string(
                &serde_json::json!({ "id": page.id, "text": article.text }),
            )?);
            lines.push('\n');
        } else {
            preds.insert(
                page.id.clone(),
                serde_json::json!({ "articleBody": article.text }),
            );
        }
        if stable {
            match stability(page, &article, &opts) {
                Stability::Untested => {}
                Stability::Stable => {
                    tested += 1;
                    stable_pages += 1;
                }
                Stability::Changed(what) => {
                    tested += 1;
                    println!("unstable {}: {what}", page.id);
                }
            }
        }
    }
    if cases {
        std::fs::write(out, lines)?;
    } else {
        std::fs::write(out, serde_json::to_string_pretty(&preds)?)?;
    }

    ms.sort_by(f64::total_cmp);
    let median = if ms.len() % 2 == 1 {
        ms[ms.len() / 2]
    } else {
        (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0
    };
    let mean = ms.iter().sum::<f64>() / ms.len() as f64;
    println!(
        "{} pages, extraction ms/page: median {median:.2}, mean {mean:.2}, max {:.2}; refused by guards: {refused}",
        ms.len(),
        ms[ms.len() - 1]
    );
    let mut strategies: Vec<_> = strategies.into_iter().collect();
    strategies.sort();
    let strategies: Vec<String> = strategies.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("winning strategy: {}", strategies.join(", "));
    if !precisions.is_empty() && !recalls.is_empty() {
        let p = precisions.iter().sum::<f64>() / precisions.len() as f64;
        let r = recalls.iter().sum::<f64>() / recalls.len() as f64;
        println!(
            "body text against the true articleBody ({} pages): F1 {:.3}, precision {p:.3}, recall {r:.3}",
            recalls.len(),
            2.0 * p * r / (p + r)
        );
    }
    if cases {
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + fn_).max(1) as f64;
        println!(
            "snippets: tp {tp} fp {fp} fn {fn_}, precision {:.3}, recall {:.3}, F1 {f1:.3}",
            tp as f64 / (tp + fp).max(1) as f64,
            tp as f64 / (tp + fn_).max(1) as f64,
        );
    }
    if stable {
        println!(
            "stable under one-paragraph edits: {stable_pages} of {tested} pages ({} without a paragraph to edit)",
            pages.len() - tested
        );
    }
    println!("wrote {out}");
    Ok(())
}

fn read_dir(dir: &Path) -> anyhow::Result<Vec<Page>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    paths.sort();
    let mut pages = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path)?;
        let json: Option<serde_json::Value> = std::fs::read_to_string(path.with_extension("json"))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        let field = |k: &str| {
            json.as_ref()
                .and_then(|v| v.get(k)?.as_str().map(str::to_string))
        };
        pages.push(Page {
            id: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            url: field("url"),
            truth: field("articleBody"),
            with: Vec::new(),
            without: Vec::new(),
        });
    }
    Ok(pages)
}

fn read_cases(cases: &Path) -> anyhow::Result<Vec<Page>> {
    let base = cases.parent().unwrap_or(Path::new("."));
    let strings = |v: &serde_json::Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut pages = Vec::new();
    for line in std::fs::read_to_string(cases)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)?;
        let field = |k: &str| v.get(k).and_then(|s| s.as_str()).map(str::to_string);
        let file = field("html").ok_or_else(|| anyhow::anyhow!("case without html"))?;
        let bytes = std::fs::read(base.join(&file))?;
        // The decoding `claimwatch extract FILE` does.
        let (html, _) = claimwatch::service::fetch::decode(&bytes, &Default::default());
        pages.push(Page {
            id: field("id").unwrap_or(file),
            html,
            url: field("url").filter(|u| u.starts_with("http")),
            truth: None,
            with: strings(&v, "with"),
            without: strings(&v, "without"),
        });
    }
    Ok(pages)
}

/// Whitespace collapsed, as trafilatura's scoring compares.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn short(s: &str) -> String {
    let s = norm(s);
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

enum Stability {
    /// No prose paragraph with a word found once in the page.
    Untested,
    Stable,
    Changed(String),
}

/// Edits up to three prose paragraphs of the extraction, one at a time, and
/// checks that everything else is extracted as before.
fn stability(page: &Page, article: &Article, opts: &ExtractOptions) -> Stability {
    let paras: Vec<&str> = article.text.split("\n\n").collect();
    let prose: Vec<usize> = (0..paras.len())
        .filter(|&i| paras[i].chars().count() >= 100)
        .collect();
    if prose.is_empty() {
        return Stability::Untested;
    }
    let mut picks: Vec<usize> = [1, 2, 3]
        .iter()
        .map(|q| prose[(prose.len() * q / 4).min(prose.len() - 1)])
        .collect();
    picks.dedup();
    let mut edits = 0;
    for i in picks {
        let Some((at, word)) = unique_word(&page.html, paras[i]) else {
            continue;
        };
        // One word replaced: only that paragraph may change, and only there.
        let replacement = "Zqxjv";
        let html = format!(
            "{}{replacement}{}",
            &page.html[..at],
            &page.html[at + word.len()..]
        );
        let mut expected: Vec<String> = paras.iter().map(|p| p.to_string()).collect();
        expected[i] = expected[i].replacen(word, replacement, 1);
        let got = extract(&html, page.url.as_deref(), opts);
        if got.text == article.text {
            // The word was found elsewhere (an attribute; the text has it
            // as a character reference): this edit did not touch the text.
            continue;
        }
        edits += 1;
        if let Some(d) = first_difference(&expected, &got.text) {
            return Stability::Changed(format!("a word of paragraph {i} replaced: {d}"));
        }
        // The paragraph removed, when it is a plain `<p>`.
        if let Some((start, end)) = enclosing_p(&page.html, at) {
            let html = format!("{}{}", &page.html[..start], &page.html[end..]);
            let mut expected: Vec<String> = paras.iter().map(|p| p.to_string()).collect();
            expected.remove(i);
            let got = extract(&html, page.url.as_deref(), opts);
            if let Some(d) = first_difference(&expected, &got.text) {
                return Stability::Changed(format!("paragraph {i} removed: {d}"));
            }
        }
    }
    if edits == 0 {
        Stability::Untested
    } else {
        Stability::Stable
    }
}

/// A word of `para` (letters only, five or more) found exactly once in the
/// whole page, and where.
fn unique_word<'a>(html: &str, para: &'a str) -> Option<(usize, &'a str)> {
    para.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 5)
        .find_map(|w| {
            let mut found = html.match_indices(w);
            let (at, _) = found.next()?;
            found.next().is_none().then_some((at, w))
        })
}

/// The `<p>...</p>` around byte `at`, when it holds no other block.
fn enclosing_p(html: &str, at: usize) -> Option<(usize, usize)> {
    let before = &html[..at];
    let start = before.rfind("<p>").into_iter().chain(before.rfind("<p "));
    let start = start.max()?;
    let close = at + html[at..].find("</p>")?;
    let inner = html[start..close].to_ascii_lowercase();
    for block in [
        "</p", "<div", "<br", "<li", "<td", "<h", "<section", "<article",
    ] {
        if inner[2..].contains(block) {
            return None;
        }
    }
    Some((start, close + 4))
}

/// The first paragraph where `got` differs from `expected`, described.
fn first_difference(expected: &[String], got: &str) -> Option<String> {
    let got: Vec<&str> = got.split("\n\n").collect();
    let n = expected.len().max(got.len());
    (0..n).find_map(|k| {
        let (e, g) = (expected.get(k).map(String::as_str), got.get(k).copied());
        (e != g).then(|| {
            format!(
                "at paragraph {k}, expected {:?}, got {:?} ({} paragraphs expected, {} got)",
                e.map(short),
                g.map(short),
                expected.len(),
                got.len()
            )
        })
    })
}

/// Precision and recall of word 4-shingles of `pred` against `truth` (a
/// page counts towards precision only if anything matched or was predicted,
/// towards recall only if anything matched or was missed).
fn shingle_scores(truth: &str, pred: &str) -> (Option<f64>, Option<f64>) {
    fn shingles(text: &str) -> HashMap<Vec<&str>, f64> {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut out = HashMap::new();
        let n = words.len().saturating_sub(3).max(1);
        for i in 0..n {
            let w = words[i..(i + 4).min(words.len())].to_vec();
            if !w.is_empty() {
                *out.entry(w).or_insert(0.0) += 1.0;
            }
        }
        out
    }
    let (a, b) = (shingles(truth), shingles(pred));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        let (x, y) = (
            a.get(k).copied().unwrap_or(0.0),
            b.get(k).copied().unwrap_or(0.0),
        );
        tp += f64::min(x, y);
        fp += f64::max(0.0, y - x);
        fn_ += f64::max(0.0, x - y);
    }
    if tp + fp + fn_ == 0.0 {
        return (None, None);
    }
    let exact = fp == 0.0 && fn_ == 0.0;
    let p = (tp + fp > 0.0).then(|| if exact { 1.0 } else { tp / (tp + fp) });
    let r = (tp + fn_ > 0.0).then(|| if exact { 1.0 } else { tp / (tp + fn_) });
    (p, r)
}
