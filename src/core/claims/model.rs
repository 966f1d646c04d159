//! A small logistic-regression model over hashed features.
//!
//! The serialised form is a short header followed by the weights as
//! little-endian `i16`, quantised with one shared scale. Training is a dev
//! tool, not part of the library: `examples/train_claims.rs`.

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

/// The logistic function.
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
