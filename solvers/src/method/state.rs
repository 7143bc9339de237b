//! The saved state of a stateful method (momenta, moving averages, warm starts, generator
//! positions) as named arrays, for checkpoints.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;

use crate::error::{Error, Result};

/// The generator every randomized method draws from: ChaCha12, the algorithm behind
/// `rand::rngs::StdRng` (the same stream for the same seed), named directly so that its exact
/// position can be saved and restored ([`MethodState::put_rng`], [`MethodState::rng`]).
pub type MethodRng = ChaCha12Rng;

/// A method's state between two steps, as named `f64` and `u64` arrays.
///
/// A stateless method saves the empty state. Keys are short names chosen by the method
/// (`"weights"`, `"momentum"`); a rule that holds several methods nests their states under a
/// prefix ([`MethodState::insert_nested`], [`MethodState::nested`]), so keys read like a tree
/// (`"row3.momentum"`). Checkpoints store every array as a safetensors tensor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MethodState {
    /// Named `f64` arrays.
    pub floats: BTreeMap<String, Vec<f64>>,
    /// Named `u64` arrays (counters, generator words).
    pub integers: BTreeMap<String, Vec<u64>>,
}

impl MethodState {
    /// The empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.floats.is_empty() && self.integers.is_empty()
    }

    /// Stores `values` under `key` (replacing what was there).
    pub fn put_floats(&mut self, key: &str, values: &[f64]) {
        self.floats.insert(key.to_string(), values.to_vec());
    }

    /// Stores `values` under `key` (replacing what was there).
    pub fn put_integers(&mut self, key: &str, values: &[u64]) {
        self.integers.insert(key.to_string(), values.to_vec());
    }

    /// The `f64` array under `key`, or [`Error::InvalidState`] naming the key.
    pub fn floats(&self, key: &str) -> Result<&[f64]> {
        self.floats
            .get(key)
            .map(Vec::as_slice)
            .ok_or_else(|| missing(key))
    }

    /// The `f64` array under `key`, which must have length `len`.
    pub fn floats_of_len(&self, key: &str, len: usize) -> Result<&[f64]> {
        let values = self.floats(key)?;
        if values.len() != len {
            return Err(Error::InvalidState {
                reason: format!("'{key}' has length {}, expected {len}", values.len()),
            });
        }
        Ok(values)
    }

    /// The `u64` array under `key`, or [`Error::InvalidState`] naming the key.
    pub fn integers(&self, key: &str) -> Result<&[u64]> {
        self.integers
            .get(key)
            .map(Vec::as_slice)
            .ok_or_else(|| missing(key))
    }

    /// Stores rows of numbers (any lengths) under `key`: the values, and their lengths under
    /// `key.lengths`.
    pub fn put_rows(&mut self, key: &str, rows: &[Vec<f64>]) {
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        let lengths: Vec<u64> = rows.iter().map(|r| r.len() as u64).collect();
        self.put_floats(key, &flat);
        self.put_integers(&format!("{key}.lengths"), &lengths);
    }

    /// The rows stored by [`MethodState::put_rows`].
    pub fn rows(&self, key: &str) -> Result<Vec<Vec<f64>>> {
        let flat = self.floats(key)?;
        let lengths = self.integers(&format!("{key}.lengths"))?;
        if lengths.iter().sum::<u64>() != flat.len() as u64 {
            return Err(Error::InvalidState {
                reason: format!(
                    "'{key}' holds {} values, its lengths sum to another",
                    flat.len()
                ),
            });
        }
        let mut rows = Vec::with_capacity(lengths.len());
        let mut at = 0;
        for &len in lengths {
            rows.push(flat[at..at + len as usize].to_vec());
            at += len as usize;
        }
        Ok(rows)
    }

    /// Whether anything is stored under `key` (a float or integer array).
    pub fn contains(&self, key: &str) -> bool {
        self.floats.contains_key(key) || self.integers.contains_key(key)
    }

    /// The single integer under `key`.
    pub fn integer(&self, key: &str) -> Result<u64> {
        match self.integers(key)? {
            [value] => Ok(*value),
            other => Err(Error::InvalidState {
                reason: format!("'{key}' holds {} words, expected 1", other.len()),
            }),
        }
    }

    /// A state holding only the exact position of `rng`, under `rng`.
    pub fn of_rng(rng: &MethodRng) -> Self {
        let mut state = Self::new();
        state.put_rng("rng", rng);
        state
    }

    /// Stores the exact position of `rng` (seed, stream and word position: 7 words).
    pub fn put_rng(&mut self, key: &str, rng: &MethodRng) {
        let seed = rng.get_seed();
        let mut words = Vec::with_capacity(7);
        for chunk in seed.chunks_exact(8) {
            words.push(u64::from_le_bytes(chunk.try_into().expect("8-byte chunk")));
        }
        let pos = rng.get_word_pos();
        words.push(pos as u64);
        words.push((pos >> 64) as u64);
        words.push(rng.get_stream());
        self.put_integers(key, &words);
    }

    /// The generator saved under `key` by [`MethodState::put_rng`], at the same position.
    pub fn rng(&self, key: &str) -> Result<MethodRng> {
        let words = self.integers(key)?;
        if words.len() != 7 {
            return Err(Error::InvalidState {
                reason: format!("'{key}' holds {} words, a generator needs 7", words.len()),
            });
        }
        let mut seed = [0u8; 32];
        for (chunk, word) in seed.chunks_exact_mut(8).zip(&words[..4]) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let mut rng = MethodRng::from_seed(seed);
        rng.set_stream(words[6]);
        rng.set_word_pos(u128::from(words[4]) | (u128::from(words[5]) << 64));
        Ok(rng)
    }

    /// Stores every array of `other` under `prefix.` + its key.
    pub fn insert_nested(&mut self, prefix: &str, other: MethodState) {
        for (k, v) in other.floats {
            self.floats.insert(format!("{prefix}.{k}"), v);
        }
        for (k, v) in other.integers {
            self.integers.insert(format!("{prefix}.{k}"), v);
        }
    }

    /// The arrays stored under `prefix.`, with the prefix removed.
    pub fn nested(&self, prefix: &str) -> MethodState {
        let p = format!("{prefix}.");
        let strip = |k: &String| k.strip_prefix(&p).map(str::to_string);
        MethodState {
            floats: self
                .floats
                .iter()
                .filter_map(|(k, v)| strip(k).map(|k| (k, v.clone())))
                .collect(),
            integers: self
                .integers
                .iter()
                .filter_map(|(k, v)| strip(k).map(|k| (k, v.clone())))
                .collect(),
        }
    }

    /// [`Error::InvalidState`] unless the state is empty: what a stateless method's
    /// `load_state` returns for a state that is not its own.
    pub fn expect_empty(&self, method: &str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            let keys: Vec<&String> = self.floats.keys().chain(self.integers.keys()).collect();
            Err(Error::InvalidState {
                reason: format!("{method} keeps no state, but the saved state has {keys:?}"),
            })
        }
    }
}

fn missing(key: &str) -> Error {
    Error::InvalidState {
        reason: format!("'{key}' is missing"),
    }
}

/// `save_state`/`load_state` of a method whose only state is its generator `self.rng`.
macro_rules! rng_state {
    () => {
        /// The generator's exact position.
        fn save_state(&self) -> $crate::method::state::MethodState {
            $crate::method::state::MethodState::of_rng(&self.rng)
        }

        fn load_state(
            &mut self,
            state: &$crate::method::state::MethodState,
        ) -> $crate::error::Result<()> {
            self.rng = state.rng("rng")?;
            Ok(())
        }
    };
}
pub(crate) use rng_state;

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    #[test]
    fn method_rng_is_std_rng() {
        let mut a = rand::rngs::StdRng::seed_from_u64(42);
        let mut b = MethodRng::seed_from_u64(42);
        for _ in 0..100 {
            assert_eq!(a.random::<u64>(), b.random::<u64>());
        }
    }

    #[test]
    fn rng_round_trip_continues_the_stream() {
        let mut rng = MethodRng::seed_from_u64(7);
        for _ in 0..37 {
            let _: f64 = rng.random();
        }
        let mut state = MethodState::new();
        state.put_rng("rng", &rng);
        let mut restored = state.rng("rng").unwrap();
        for _ in 0..50 {
            assert_eq!(rng.random::<u64>(), restored.random::<u64>());
        }
        assert!(state.rng("other").is_err());
    }

    #[test]
    fn nesting_round_trip() {
        let mut inner = MethodState::new();
        inner.put_floats("w", &[1.0, 2.0]);
        inner.put_integers("t", &[3]);
        let mut outer = MethodState::new();
        outer.insert_nested("row0", inner.clone());
        assert_eq!(outer.nested("row0"), inner);
        assert!(outer.nested("row1").is_empty());
        assert!(outer.expect_empty("mean").is_err());
        assert!(outer.floats_of_len("row0.w", 3).is_err());
    }
}
