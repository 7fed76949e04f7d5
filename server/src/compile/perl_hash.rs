//! The iteration order of a Perl 5.36 hash, as Shorewall 5.2.8 sees it.
//!
//! Shorewall walks several Perl hashes without sorting them (the interfaces of a zone in
//! `generate_matrix`, the chain table in the optimizer, the renamed chains of optimize level 8),
//! so the order of some rules depends on Perl's hash function and bucket layout.
//! `compile6` pins `PERL_HASH_SEED=0` and `PERL_PERTURB_KEYS=0`, which makes that order a
//! deterministic function of the keys and of the order they were inserted and deleted in.
//! This module reproduces it: the `SBOX32_WITH_SIPHASH_1_3` hash of Debian 12's Perl (SBOX32
//! for keys of at most 24 bytes, SipHash-1-3 above) with an all-zero seed, insertion at the
//! head of a bucket's chain, a split (doubling) after an insertion that collided once
//! `keys + keys/2 > max`, and iteration over bucket `i ^ 0xbe49d17f` for `i = 0..=max`.
//! It was checked against `perl` on thousands of random key sets.

use std::sync::OnceLock;

/// The longest key SBOX32 hashes; longer keys go through SipHash-1-3.
const SBOX32_MAX_LEN: usize = 24;

/// `PL_hash_rand_bits` with a zero seed: the bucket iteration starts from it.
const ITERATION_XOR: u32 = 0xbe49_d17f;

/// The SBOX32 table derived from an all-zero seed (`sbox32_seed_state128`).
fn sbox_state() -> &'static [u32] {
    static STATE: OnceLock<Vec<u32>> = OnceLock::new();
    STATE.get_or_init(|| {
        let mut s = [0x786f_6273u32, 0x6873_6168, 0x646f_6f67, 0x7473_6166];
        for _ in 0..128 {
            mix4(&mut s);
        }
        // `s ^= ~seed` with a zero seed; none of the words becomes zero here.
        for word in &mut s {
            *word ^= u32::MAX;
        }
        for _ in 0..128 {
            mix4(&mut s);
        }
        let [mut x, mut y, mut z, mut w] = s;
        let mut next = || {
            let t = x ^ (x << 5);
            x = y;
            y = z;
            z = w;
            w = (w ^ (w >> 29)) ^ (t ^ (t >> 12));
            w
        };
        let mut state = vec![0u32; 1 + 256 * SBOX32_MAX_LEN];
        for slot in state.iter_mut().skip(1) {
            *slot = next();
        }
        state[0] = next();
        state
    })
}

fn mix4(s: &mut [u32; 4]) {
    let [mut v0, mut v1, mut v2, mut v3] = *s;
    v0 = v0.rotate_left(13).wrapping_sub(v3);
    v1 ^= v2;
    v3 = v3.rotate_left(9).wrapping_add(v1);
    v2 ^= v0;
    v0 = v0.rotate_left(14) ^ v3;
    v1 = v1.rotate_left(25).wrapping_sub(v2);
    v3 ^= v1;
    v2 = v2.rotate_left(4).wrapping_sub(v0);
    *s = [v0, v1, v2, v3];
}

fn siphash13(bytes: &[u8]) -> u32 {
    let mut v = [
        0x736f_6d65_7073_6575u64,
        0x646f_7261_6e64_6f6d,
        0x6c79_6765_6e65_7261,
        0x7465_6462_7974_6573,
    ];
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = u64::from_le_bytes(word);
        v[3] ^= m;
        round(&mut v);
        v[0] ^= m;
    }
    let mut last = (bytes.len() as u64) << 56;
    for (i, byte) in chunks.remainder().iter().enumerate() {
        last |= u64::from(*byte) << (8 * i);
    }
    v[3] ^= last;
    round(&mut v);
    v[0] ^= last;
    v[2] ^= 0xff;
    round(&mut v);
    round(&mut v);
    round(&mut v);
    let h = v[0] ^ v[1] ^ v[2] ^ v[3];
    (h as u32) ^ ((h >> 32) as u32)
}

/// Perl's hash value of `key` (what `Hash::Util::hash_value` prints under seed 0).
pub fn hash_value(key: &str) -> u32 {
    let bytes = key.as_bytes();
    if bytes.len() > SBOX32_MAX_LEN {
        return siphash13(bytes);
    }
    let state = sbox_state();
    let mut hash = state[0];
    for (i, byte) in bytes.iter().enumerate().rev() {
        hash ^= state[1 + 256 * i + usize::from(*byte)];
    }
    hash
}

/// The keys of a Perl hash, laid out in buckets as Perl lays them out.
#[derive(Debug, Clone)]
pub struct PerlHashOrder {
    /// Each bucket holds its chain, head first.
    buckets: Vec<Vec<(String, u32)>>,
    len: usize,
}

impl Default for PerlHashOrder {
    fn default() -> Self {
        PerlHashOrder {
            buckets: vec![Vec::new(); 8],
            len: 0,
        }
    }
}

impl PerlHashOrder {
    pub fn new() -> PerlHashOrder {
        PerlHashOrder::default()
    }

    /// A hash built by inserting `keys` in this order.
    pub fn from_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> PerlHashOrder {
        let mut hash = PerlHashOrder::new();
        for key in keys {
            hash.insert(key);
        }
        hash
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, key: &str) -> bool {
        let hash = hash_value(key);
        self.bucket(hash).iter().any(|(it, _)| it == key)
    }

    fn max(&self) -> usize {
        self.buckets.len() - 1
    }

    fn bucket(&self, hash: u32) -> &Vec<(String, u32)> {
        &self.buckets[hash as usize & self.max()]
    }

    /// Adds `key` (nothing happens if it is there already).
    pub fn insert(&mut self, key: &str) {
        let hash = hash_value(key);
        let max = self.max();
        let bucket = &mut self.buckets[hash as usize & max];
        if bucket.iter().any(|(it, _)| it == key) {
            return;
        }
        let collided = !bucket.is_empty();
        bucket.insert(0, (key.to_owned(), hash));
        self.len += 1;
        if collided && self.len + (self.len >> 1) > max {
            self.split();
        }
    }

    /// Empties the hash but keeps its buckets, as Perl does for a `my %hash` declared in a
    /// loop body: the next iteration's hash starts with the buckets the last one grew to,
    /// which changes the order of its keys.
    pub fn clear(&mut self) {
        for bucket in &mut self.buckets {
            bucket.clear();
        }
        self.len = 0;
    }

    /// Removes `key` if present; Perl never shrinks a hash.
    pub fn remove(&mut self, key: &str) {
        let hash = hash_value(key);
        let max = self.max();
        let bucket = &mut self.buckets[hash as usize & max];
        if let Some(at) = bucket.iter().position(|(it, _)| it == key) {
            bucket.remove(at);
            self.len -= 1;
        }
    }

    fn split(&mut self) {
        let old = self.buckets.len();
        let mut buckets = vec![Vec::new(); old * 2];
        for (i, chain) in std::mem::take(&mut self.buckets).into_iter().enumerate() {
            for (key, hash) in chain {
                if hash as usize & old != 0 {
                    // Moved entries are pushed on the head of the new bucket.
                    buckets[i + old].insert(0, (key, hash));
                } else {
                    buckets[i].push((key, hash));
                }
            }
        }
        self.buckets = buckets;
    }

    /// The keys in the order `keys %hash` returns them.
    pub fn keys(&self) -> Vec<&str> {
        let max = self.max();
        let mut out = Vec::with_capacity(self.len);
        for i in 0..=max {
            let bucket = &self.buckets[(i ^ ITERATION_XOR as usize) & max];
            out.extend(bucket.iter().map(|(key, _)| key.as_str()));
        }
        out
    }
}

/// Orders `items` as `keys %hash` would, for a hash whose keys were inserted in the order of
/// `items` (duplicates keep their first place).
pub fn perl_order<T, F: Fn(&T) -> &str>(items: Vec<T>, key: F) -> Vec<T> {
    let order = PerlHashOrder::from_keys(items.iter().map(&key));
    let keys = order.keys();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for wanted in keys {
        if let Some(slot) = slots
            .iter_mut()
            .find(|it| it.as_ref().is_some_and(|it| key(it) == wanted))
        {
            out.extend(slot.take());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_values_match_perl() {
        // PERL_HASH_SEED=0 perl -MHash::Util=hash_value -e 'printf "0x%x\n", hash_value($_) for @ARGV'
        assert_eq!(hash_value("eth0"), 0x6cf4_b0ef);
        assert_eq!(hash_value("eth1"), 0x01f8_d737);
        assert_eq!(hash_value("eth2"), 0xef69_bcb1);
        assert_eq!(
            hash_value("a_very_long_key_name_longer_than_24"),
            0x80e2_abaa
        );
    }

    #[test]
    fn key_order_matches_perl() {
        // PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 perl -e 'my %h; $h{$_}=1 for @ARGV; print join(" ", keys %h), "\n"' ...
        let cases: &[(&[&str], &str)] = &[
            (&["eth0", "eth1"], "eth1 eth0"),
            (&["eth1", "eth0"], "eth0 eth1"),
            (&["eth0", "eth2"], "eth0 eth2"),
            (&["a", "b", "c", "d", "e", "f", "g", "h"], "h c e f d b g a"),
            (&["a", "b", "c", "d", "e"], "d b e c a"),
            (
                &[
                    "eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth7", "eth8", "eth9",
                ],
                "eth0 eth8 eth5 eth3 eth1 eth7 eth9 eth2 eth6 eth4",
            ),
            (&["enp5", "wlp7", "enp6", "vir"], "wlp7 enp6 vir enp5"),
        ];
        for (keys, expected) in cases {
            let order = PerlHashOrder::from_keys(keys.iter().copied());
            assert_eq!(order.keys().join(" "), *expected, "keys {keys:?}");
        }
    }

    #[test]
    fn removal_keeps_the_layout() {
        let mut order = PerlHashOrder::from_keys(["a", "b", "c", "d", "e", "f", "g", "h"]);
        order.remove("e");
        assert_eq!(order.keys().join(" "), "h c f d b g a");
        assert!(!order.contains("e"));
        assert_eq!(order.len(), 7);
    }

    #[test]
    fn a_cleared_hash_keeps_its_buckets() {
        // perl -e 'for my $pass (0,1) { my %h; ...; print join(" ", keys %h) }' under
        // PERL_HASH_SEED=0: the second pass's hash has the 32 buckets the first grew to.
        let keys = [
            "vpn-dmz", "vpn-fw", "net-dmz", "net-vpn", "loc-dmz", "loc-fw", "loc-vpn",
        ];
        let fresh = PerlHashOrder::from_keys(keys);
        assert_eq!(
            fresh.keys().join(" "),
            "loc-fw vpn-fw net-dmz loc-vpn net-vpn vpn-dmz loc-dmz"
        );
        let first: Vec<String> = (1..=13).map(|it| format!("k{it}")).collect();
        let mut reused = PerlHashOrder::from_keys(first.iter().map(String::as_str));
        assert_eq!(
            reused.keys().join(" "),
            "k5 k12 k8 k10 k1 k4 k9 k3 k2 k13 k7 k6 k11"
        );
        reused.clear();
        for key in keys {
            reused.insert(key);
        }
        assert_eq!(
            reused.keys().join(" "),
            "loc-fw net-dmz loc-vpn vpn-dmz vpn-fw net-vpn loc-dmz"
        );
    }
}
