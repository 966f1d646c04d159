//! A small logistic-regression model over hashed features.
//!
//! Training is deterministic: a fixed-seed shuffle, AdaGrad updates with
//! L2 shrinkage, and no floating-point reductions whose order depends on
//! anything but the input. The serialised form is a short header followed
//! by the weights as little-endian `i16`, quantised with one shared scale.

/// Number of hashed feature buckets (a power of two).
pub const DIM_BITS: u32 = 18;
/// `1 << DIM_BITS`.
pub const DIM: usize = 1 << DIM_BITS;

const MAGIC: &[u8; 8] = b"CWLR0001";

/// A trained linear model: `p = sigmoid(bias + sum(weights[f]))` for the
/// active (binary) features `f`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    pub bias: f32,
    pub weights: Vec<f32>,
    /// Probability at or above which a sentence is called a claim.
    pub threshold: f32,
}

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

/// A deterministic xorshift generator (training shuffles only).
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

pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

impl LinearModel {
    /// The probability for a set of active feature buckets.
    pub fn predict(&self, features: &[u32]) -> f32 {
        let mut z = self.bias;
        for &f in features {
            z += self.weights[f as usize];
        }
        sigmoid(z)
    }

    /// Trains on `(features, label)` examples.
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

    /// Serialises the model (header + quantised weights).
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self
            .weights
            .iter()
            .fold(self.bias.abs(), |m, w| m.max(w.abs()))
            .max(1e-6);
        let scale = max / i16::MAX as f32;
        let mut out = Vec::with_capacity(24 + 2 * DIM);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&DIM_BITS.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        out.extend_from_slice(&self.bias.to_le_bytes());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        for w in &self.weights {
            let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }

    /// Reads a model written by [`LinearModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Option<LinearModel> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let word = |i: usize| -> Option<[u8; 4]> { rest.get(i..i + 4)?.try_into().ok() };
        let bits = u32::from_le_bytes(word(0)?);
        if bits != DIM_BITS {
            return None;
        }
        let scale = f32::from_le_bytes(word(4)?);
        let bias = f32::from_le_bytes(word(8)?);
        let threshold = f32::from_le_bytes(word(12)?);
        let body = rest.get(16..)?;
        if body.len() != 2 * DIM {
            return None;
        }
        let weights = body
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 * scale)
            .collect();
        Some(LinearModel {
            bias,
            weights,
            threshold,
        })
    }
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
