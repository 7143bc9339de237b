//! A set of integers in `0..n` with fast predecessor and successor queries.
//!
//! A hierarchy of 64-bit words: bit `i` of level 0 says whether `i` is in the set, and bit `w`
//! of level `l + 1` whether word `w` of level `l` is non-zero. Every operation touches at most
//! one word per level, i.e. O(log₆₄ n): three levels cover 262,144 elements. This replaces a
//! balanced tree in the 2-D staircases of the 3-D sweeps, where all keys are known in advance
//! and can be replaced by their ranks.

#[derive(Clone, Debug)]
pub(crate) struct RankSet {
    levels: Vec<Vec<u64>>,
}

impl RankSet {
    /// An empty set for the elements `0..n`.
    pub(crate) fn new(n: usize) -> Self {
        let mut levels = Vec::new();
        let mut len = n.max(1);
        loop {
            let words = len.div_ceil(64);
            levels.push(vec![0u64; words]);
            if words == 1 {
                break;
            }
            len = words;
        }
        Self { levels }
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, mut i: usize) {
        for level in &mut self.levels {
            let w = i >> 6;
            let was_empty = level[w] == 0;
            level[w] |= 1 << (i & 63);
            if !was_empty {
                break;
            }
            i = w;
        }
    }

    /// Removes `i` (a no-op when absent).
    pub(crate) fn remove(&mut self, mut i: usize) {
        for level in &mut self.levels {
            let w = i >> 6;
            level[w] &= !(1 << (i & 63));
            if level[w] != 0 {
                break;
            }
            i = w;
        }
    }

    /// The smallest element `≥ i`.
    #[inline]
    pub(crate) fn succ(&self, i: usize) -> Option<usize> {
        let mut i = i;
        let mut level = 0;
        loop {
            let words = self.levels.get(level)?;
            let w = i >> 6;
            let word = *words.get(w)?;
            let bits = word & (u64::MAX << (i & 63));
            if bits != 0 {
                i = (w << 6) | bits.trailing_zeros() as usize;
                break;
            }
            i = w + 1;
            level += 1;
        }
        while level > 0 {
            level -= 1;
            i = (i << 6) | self.levels[level][i].trailing_zeros() as usize;
        }
        Some(i)
    }

    /// The largest element `≤ i`.
    #[inline]
    pub(crate) fn pred(&self, i: usize) -> Option<usize> {
        let mut i = i;
        let mut level = 0;
        loop {
            let words = self.levels.get(level)?;
            let w = i >> 6;
            let bits = words[w] & (u64::MAX >> (63 - (i & 63)));
            if bits != 0 {
                i = (w << 6) | (63 - bits.leading_zeros() as usize);
                break;
            }
            if w == 0 {
                return None;
            }
            i = w - 1;
            level += 1;
        }
        while level > 0 {
            level -= 1;
            i = (i << 6) | (63 - self.levels[level][i].leading_zeros() as usize);
        }
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::RankSet;
    use std::collections::BTreeSet;

    #[test]
    fn matches_btreeset() {
        for n in [1usize, 5, 64, 65, 300, 5000] {
            let mut set = RankSet::new(n);
            let mut reference = BTreeSet::new();
            let mut state = 12345u64;
            for _ in 0..4 * n {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (state >> 33) as usize % n;
                if state & 1 == 0 {
                    set.insert(i);
                    reference.insert(i);
                } else {
                    set.remove(i);
                    reference.remove(&i);
                }
                let q = (state >> 13) as usize % n;
                assert_eq!(set.succ(q), reference.range(q..).next().copied());
                assert_eq!(set.pred(q), reference.range(..=q).next_back().copied());
            }
        }
    }
}
