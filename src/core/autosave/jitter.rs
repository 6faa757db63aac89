//! The random source of retry jitter, injected so tests are deterministic.

/// A source of numbers in `[0, 1)` for retry jitter. Closures `FnMut() -> f64` are sources;
/// [`SplitMix64`] is a small seedable one. Values outside `[0, 1]` are clamped.
pub trait JitterSource {
    /// The next number in `[0, 1)`.
    fn next_unit(&mut self) -> f64;
}

impl<F: FnMut() -> f64> JitterSource for F {
    fn next_unit(&mut self) -> f64 {
        self()
    }
}

/// A tiny seedable pseudo-random generator (SplitMix64): good enough to spread retries,
/// not for anything secret. The same seed gives the same sequence.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl JitterSource for SplitMix64 {
    fn next_unit(&mut self) -> f64 {
        // The top 53 bits, scaled into [0, 1).
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_units_in_range() {
        let (mut a, mut b) = (SplitMix64::new(42), SplitMix64::new(42));
        for _ in 0..1_000 {
            let unit = a.next_unit();
            assert_eq!(unit, b.next_unit());
            assert!((0.0..1.0).contains(&unit));
        }
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }

    #[test]
    fn closures_are_sources() {
        let mut fixed = || 0.25;
        assert_eq!(fixed.next_unit(), 0.25);
    }
}
