//! Criterion benchmarks of the pure stages on the fixture pages in
//! `tests/fixtures/bench/` (about 88 KB each, see its README):
//!
//! ```text
//! cargo bench --bench stages            # all of them
//! cargo bench --bench stages -- extract # one group
//! ```
//!
//! The end-to-end numbers (fetch, store, pages/s) come from
//! `examples/e2e_bench.rs`; these isolate where a page's CPU time goes.

use std::hint::black_box;

use claimwatch::core::analysis::content_hash;
use claimwatch::core::claims::{Story, analyse, compare_claims, facets, split_sentences};
use claimwatch::core::compare::compare_articles;
use claimwatch::core::extract::{ExtractOptions, extract};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/bench/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (name, old page, new page): the same article before and after edits.
fn pairs() -> Vec<(&'static str, String, String)> {
    vec![
        (
            "a",
            fixture("article-a-v1.html"),
            fixture("article-a-v2.html"),
        ),
        (
            "b",
            fixture("article-b-v1.html"),
            fixture("article-b-v4.html"),
        ),
    ]
}

fn stages(c: &mut Criterion) {
    let opts = ExtractOptions::default();
    let pairs = pairs();

    let mut g = c.benchmark_group("decode");
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    for (name, old, _) in &pairs {
        g.throughput(Throughput::Bytes(old.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| claimwatch::service::fetch::decode(black_box(old.as_bytes()), &headers))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("extract");
    for (name, old, _) in &pairs {
        g.throughput(Throughput::Bytes(old.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| extract(black_box(old), Some("https://example.com/a"), &opts))
        });
    }
    g.finish();

    let articles: Vec<_> = pairs
        .iter()
        .map(|(name, old, new)| (*name, extract(old, None, &opts), extract(new, None, &opts)))
        .collect();

    let mut g = c.benchmark_group("hash");
    for (name, old, _) in &articles {
        g.bench_function(*name, |b| b.iter(|| content_hash(black_box(old))));
    }
    g.finish();

    let mut g = c.benchmark_group("sentences");
    for (name, old, _) in &articles {
        g.bench_function(*name, |b| b.iter(|| split_sentences(black_box(&old.text))));
    }
    g.finish();

    // Facets of every sentence of a page (what claim analysis adds on top
    // of splitting), and the whole claim path of a changed page: both
    // versions analysed, then their claims aligned and compared.
    let story = Story::default();
    let mut g = c.benchmark_group("facets");
    for (name, old, _) in &articles {
        let sentences = split_sentences(&old.text);
        g.bench_function(*name, |b| {
            b.iter(|| {
                for s in &sentences {
                    black_box(facets(black_box(&s.text), &story));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("claims");
    for (name, old, new) in &articles {
        g.bench_function(*name, |b| {
            b.iter(|| {
                let (a, b2) = (
                    analyse(black_box(&old.text), &story),
                    analyse(black_box(&new.text), &story),
                );
                compare_claims(&a, &b2)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("compare");
    for (name, old, new) in &articles {
        g.bench_function(*name, |b| {
            b.iter(|| {
                let d = compare_articles(
                    old.title.as_deref(),
                    black_box(&old.text),
                    new.title.as_deref(),
                    black_box(&new.text),
                );
                serde_json::to_string(&d).expect("diff serialises")
            })
        });
    }
    g.finish();

    // Raw HTML storage: a whole page compressed alone, and a new version
    // compressed against the previous one (the delta the store keeps).
    let mut g = c.benchmark_group("raw");
    for (name, old, new) in &pairs {
        g.throughput(Throughput::Bytes(new.len() as u64));
        for level in [3, 9] {
            g.bench_function(format!("{name}/zstd-{level}"), |b| {
                b.iter(|| zstd::bulk::compress(black_box(new.as_bytes()), level).expect("zstd"))
            });
        }
        g.bench_function(format!("{name}/delta-3"), |b| {
            b.iter(|| {
                let mut c =
                    zstd::bulk::Compressor::with_dictionary(3, old.as_bytes()).expect("zstd");
                c.compress(black_box(new.as_bytes())).expect("zstd")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
