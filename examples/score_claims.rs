//! Scores the shipped claim detector on a labelled TSV.
//!
//! Usage: `cargo run --release --example score_claims -- TSV`
//!
//! TSV is `sentence<TAB>label` (CFS is the positive class). Prints F1,
//! precision, recall and the mean time per sentence of `score_sentence`.
//! Note: the shipped model is trained on all of the development data, so
//! on that file this is a training score; `train_claims` prints held-out
//! and cross-validated scores.

use std::time::Instant;

#[path = "claims_training/mod.rs"]
mod training;

use claimwatch::core::claims::{Story, analyse, score_sentence};
use training::Scores;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: score_claims TSV"))?;
    let text = std::fs::read_to_string(path)?;
    let data: Vec<(&str, bool)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit_once('\t'))
        .map(|(s, label)| (s, label.trim() == "CFS"))
        .collect();
    // Warm up the lazily loaded model and regexes.
    score_sentence("Amazon will invest $50 billion in OpenAI.");
    let start = Instant::now();
    let verdicts: Vec<bool> = data.iter().map(|(s, _)| score_sentence(s).claim).collect();
    let elapsed = start.elapsed();
    let mut scores = Scores::default();
    for (p, (_, y)) in verdicts.iter().zip(&data) {
        scores.add(*p, *y);
    }
    println!(
        "{} sentences: F1 {:.3}  precision {:.3}  recall {:.3}  (tp {} fp {} fn {} tn {})",
        data.len(),
        scores.f1(),
        scores.precision(),
        scores.recall(),
        scores.tp,
        scores.fp,
        scores.fn_,
        scores.tn
    );
    println!(
        "{:.2} µs per sentence",
        elapsed.as_secs_f64() * 1e6 / data.len().max(1) as f64
    );
    // `analyse` on a 1,000-word article made of the file's sentences.
    let mut article = String::new();
    let mut words = 0;
    for (i, (s, _)) in data.iter().enumerate() {
        if words >= 1000 {
            break;
        }
        article.push_str(s);
        article.push_str(if i % 4 == 3 { "\n\n" } else { " " });
        words += s.split_whitespace().count();
    }
    let story = Story::default();
    let runs = 200;
    let start = Instant::now();
    let mut claims = 0;
    for _ in 0..runs {
        claims += analyse(&article, &story).claims.len();
    }
    println!(
        "analyse of a {words}-word article: {:.0} µs ({} claims)",
        start.elapsed().as_secs_f64() * 1e6 / runs as f64,
        claims / runs
    );
    Ok(())
}
