//! Trains the claim detector and rewrites `models/claims.bin`.
//!
//! Usage: `cargo run --release --example train_claims -- TSV [OUT]`
//!
//! TSV is `sentence<TAB>label` with labels CFS/UFS/NFS; CFS is the positive
//! class. Prints F1 on a deterministic 80/20 hash split and with 5-fold
//! cross-validation (folds by hash of the sentence), then trains on all
//! data and writes the model. Everything is deterministic.

use std::time::Instant;

#[path = "claims_training/mod.rs"]
mod training;

use claimwatch::core::claims::detect::score_with;
use training::{Scores, TrainConfig, fold_of, train_detector};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let tsv = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: train_claims TSV [OUT]"))?;
    let out = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/models/claims.bin").to_string());
    let data = load(&tsv)?;
    let mut cfg = TrainConfig::default();
    // Optional overrides for hyper-parameter sweeps (the defaults are the
    // shipped recipe): CLAIMS_EPOCHS, CLAIMS_LR, CLAIMS_L2, CLAIMS_POS_WEIGHT.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f32>().ok());
    if let Some(v) = env("CLAIMS_EPOCHS") {
        cfg.epochs = v as usize;
    }
    if let Some(v) = env("CLAIMS_LR") {
        cfg.learning_rate = v;
    }
    if let Some(v) = env("CLAIMS_L2") {
        cfg.l2 = v;
    }
    if let Some(v) = env("CLAIMS_POS_WEIGHT") {
        cfg.positive_weight = v;
    }
    println!("{cfg:?}");
    println!(
        "{} sentences, {} claims",
        data.len(),
        data.iter().filter(|d| d.1).count()
    );

    // Held-out: fold 0 of 5 by hash is the test set.
    let t = Instant::now();
    let (train, test): (Vec<_>, Vec<_>) =
        data.iter().cloned().partition(|(s, _)| fold_of(s, 5) != 0);
    let model = train_detector(&train, &cfg, 5);
    let held = evaluate(&model, &test);
    report("held-out 80/20", &held);
    eprintln!("  ({:.1}s)", t.elapsed().as_secs_f64());

    // 5-fold cross-validation (different fold assignment than the split).
    let mut cv = Scores::default();
    let mut per_fold = Vec::new();
    for k in 0..5 {
        let (train, test): (Vec<_>, Vec<_>) = data
            .iter()
            .cloned()
            .partition(|(s, _)| fold_of(&format!("cv:{s}"), 5) != k);
        let model = train_detector(&train, &cfg, 5);
        let s = evaluate(&model, &test);
        per_fold.push(s.f1());
        cv.tp += s.tp;
        cv.fp += s.fp;
        cv.fn_ += s.fn_;
        cv.tn += s.tn;
    }
    report("5-fold CV (pooled)", &cv);
    println!(
        "  per fold F1: {}",
        per_fold
            .iter()
            .map(|f| format!("{f:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    );

    let model = train_detector(&data, &cfg, 5);
    println!("final model threshold {:.3}", model.threshold);
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes)?;
    println!("wrote {} ({} bytes)", out, bytes.len());
    Ok(())
}

fn load(path: &str) -> anyhow::Result<Vec<(String, bool)>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        if let Some((s, label)) = line.rsplit_once('\t') {
            out.push((s.to_string(), label.trim() == "CFS"));
        }
    }
    Ok(out)
}

fn evaluate(
    model: &claimwatch::core::claims::model::LinearModel,
    data: &[(String, bool)],
) -> Scores {
    let mut s = Scores::default();
    for (text, y) in data {
        s.add(score_with(Some(model), text).claim, *y);
    }
    s
}

fn report(name: &str, s: &Scores) {
    println!(
        "{name}: F1 {:.3}  precision {:.3}  recall {:.3}  (tp {} fp {} fn {})",
        s.f1(),
        s.precision(),
        s.recall(),
        s.tp,
        s.fp,
        s.fn_
    );
}
