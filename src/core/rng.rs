//! The one pseudo-random generator: SplitMix64, small, fast and
//! deterministic. Schedules spread their runs with it (seeded per schedule
//! and due time, so tests can reproduce a jitter); the benchmark site and
//! model training draw from it too. Not for anything secret.

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded from `key` and `salt` (e.g. a schedule and a due
    /// time) through blake3: reproducible, and different for every pair.
    pub fn seeded(key: &str, salt: i64) -> Rng {
        let mut h = blake3::Hasher::new();
        h.update(key.as_bytes());
        h.update(&salt.to_le_bytes());
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&h.finalize().as_bytes()[..8]);
        Rng::new(u64::from_le_bytes(seed))
    }

    /// A duration in `[0, bound]`, at millisecond resolution.
    pub fn jitter(&mut self, bound: std::time::Duration) -> std::time::Duration {
        let ms = bound.as_millis() as u64;
        if ms == 0 {
            return std::time::Duration::ZERO;
        }
        std::time::Duration::from_millis(self.next_u64() % (ms + 1))
    }

    /// Shuffles `v` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }

    /// A generator for a seed; equal seeds give equal sequences.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// A generator for a tuple of seeds.
    pub fn from_parts(parts: &[u64]) -> Rng {
        let mut r = Rng::new(0x5EED);
        for &p in parts {
            r.0 ^= p;
            r.next_u64();
        }
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
