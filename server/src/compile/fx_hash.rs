//! A fast non-cryptographic hasher (the multiply-rotate hash of rustc's `FxHasher`) for the
//! compiler's maps keyed by chain names and rule texts: their keys come from the
//! configuration being compiled, which is not an adversary, and SipHash showed in profiles.

use std::{
    collections::HashMap,
    hash::{BuildHasherDefault, Hasher},
};

/// A `HashMap` hashed with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The hasher state: one word.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ (rest.len() as u64) << 56);
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::FxHasher;

    #[test]
    fn different_texts_hash_differently() {
        let build = BuildHasherDefault::<FxHasher>::default();
        let texts = [
            "",
            "a",
            "b",
            "ab",
            "net-fw",
            "net-loc",
            "loc-net",
            "abcdefgh",
            "abcdefghi",
        ];
        for (i, a) in texts.iter().enumerate() {
            assert_eq!(build.hash_one(a), build.hash_one(a));
            for b in &texts[i + 1..] {
                assert_ne!(build.hash_one(a), build.hash_one(b), "{a} {b}");
            }
        }
    }
}
