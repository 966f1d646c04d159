//! Training and scoring the claim detector: dev tools shared by the
//! `train_claims` and `score_claims` examples, kept out of the library.

#![allow(dead_code)] // each example uses part of it

use claimwatch::core::claims::detect::sentence_features;
use claimwatch::core::claims::model::{DIM, LinearModel, sigmoid};

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Weight of a positive example relative to a negative one.
    pub positive_weight: f32,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 6,
            learning_rate: 0.05,
            l2: 1e-4,
            positive_weight: 1.0,
            seed: 0x5eed_c1a1,
        }
    }
}

/// The training shuffle's generator (xorshift). Kept exactly as it was
/// when `models/claims.bin` was trained, so retraining reproduces it.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Trains a linear model on `(features, label)` examples: a fixed-seed
/// shuffle, AdaGrad updates with L2 shrinkage, and no floating-point
/// reductions whose order depends on anything but the input.
pub fn train(examples: &[(Vec<u32>, bool)], cfg: &TrainConfig) -> LinearModel {
    let mut w = vec![0f32; DIM];
    let mut g2 = vec![1e-8f32; DIM];
    let mut bias = 0f32;
    let mut bias_g2 = 1e-8f32;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng::new(cfg.seed);
    for _ in 0..cfg.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let (feats, label) = &examples[i];
            let mut z = bias;
            for &f in feats {
                z += w[f as usize];
            }
            let p = sigmoid(z);
            let y = if *label { 1.0 } else { 0.0 };
            let weight = if *label { cfg.positive_weight } else { 1.0 };
            let g = (p - y) * weight;
            bias_g2 += g * g;
            bias -= cfg.learning_rate * g / bias_g2.sqrt();
            for &f in feats {
                let f = f as usize;
                let gf = g + cfg.l2 * w[f];
                g2[f] += gf * gf;
                w[f] -= cfg.learning_rate * gf / g2[f].sqrt();
            }
        }
    }
    LinearModel {
        bias,
        weights: w,
        threshold: 0.5,
    }
}

/// The fold (`0..k`) of a sentence for deterministic splits: by a hash of
/// its text, so duplicate sentences always land in the same fold.
pub fn fold_of(text: &str, k: u64) -> u64 {
    let h = blake3::hash(text.as_bytes());
    let b = h.as_bytes();
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes")) % k
}

/// Trains a detector on `(sentence, is_claim)` examples. The decision
/// threshold is the one that maximises F1 over out-of-fold predictions
/// of an inner `folds`-fold cross-validation on the same examples.
pub fn train_detector(data: &[(String, bool)], cfg: &TrainConfig, folds: u64) -> LinearModel {
    let feats: Vec<(Vec<u32>, bool)> = data
        .iter()
        .map(|(t, y)| (sentence_features(t), *y))
        .collect();
    // Salted so the inner folds are not the outer split's folds (with the
    // plain hash, a training set that excludes fold 0 of 5 had an empty
    // inner fold 0 and the threshold came from 4 folds, not 5).
    let fold: Vec<u64> = data
        .iter()
        .map(|(t, _)| fold_of(&format!("inner:{t}"), folds))
        .collect();
    let mut oof = Vec::with_capacity(data.len());
    for k in 0..folds {
        let fold_train: Vec<(Vec<u32>, bool)> = feats
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f != k)
            .map(|(x, _)| x.clone())
            .collect();
        let m = train(&fold_train, cfg);
        for (x, _) in feats.iter().zip(&fold).filter(|(_, f)| **f == k) {
            oof.push((m.predict(&x.0), x.1));
        }
    }
    let (threshold, _) = best_threshold(&oof);
    let mut model = train(&feats, cfg);
    model.threshold = threshold;
    model
}
/// Precision, recall and F1 of the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

impl Scores {
    pub fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The threshold that maximises F1 over `(score, label)` pairs.
pub fn best_threshold(scored: &[(f32, bool)]) -> (f32, f64) {
    let mut v: Vec<(f32, bool)> = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = v.iter().filter(|x| x.1).count();
    let (mut tp, mut fp) = (0usize, 0usize);
    let (mut best_t, mut best_f1) = (0.5f32, -1.0f64);
    let mut i = 0;
    while i < v.len() {
        let t = v[i].0;
        while i < v.len() && v[i].0 == t {
            if v[i].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        let p = tp as f64 / (tp + fp) as f64;
        let r = if positives == 0 {
            0.0
        } else {
            tp as f64 / positives as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        if f1 > best_f1 {
            best_f1 = f1;
            // Halfway to the next lower score, so ties just below stay out.
            let next = v.get(i).map_or(t - 1e-4, |x| x.0);
            best_t = (t + next) / 2.0;
        }
    }
    (best_t, best_f1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimwatch::core::claims::detect::score_with;

    #[test]
    fn training_is_deterministic() {
        let data: Vec<(String, bool)> = (0..200)
            .map(|i| {
                if i % 2 == 0 {
                    (format!("The budget grew by {i} percent in 1999."), true)
                } else {
                    (format!("I think we should try harder, number {i}."), false)
                }
            })
            .collect();
        let cfg = TrainConfig::default();
        let a = train_detector(&data, &cfg, 3);
        let b = train_detector(&data, &cfg, 3);
        assert_eq!(a, b);
        let p = score_with(Some(&a), "The deficit grew by 7 percent in 2001.");
        let n = score_with(Some(&a), "I think we should try harder.");
        assert!(p.score > n.score);
    }
}
