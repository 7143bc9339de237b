//! Latin hypercube sampling (scipy's `LatinHypercube` with its default scrambling: one point
//! per stratum along every axis, uniformly placed inside it) and grids.

use rand::Rng;
use rand::seq::SliceRandom;

/// `n` points of the unit cube `[0, 1)^d`, `n × d` row-major: along each axis, a random
/// permutation assigns the `n` strata `[k/n, (k+1)/n)` to the points, and each point is uniform
/// inside its stratum.
pub fn latin_hypercube<R: Rng + ?Sized>(rng: &mut R, n: usize, d: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * d];
    let mut strata: Vec<usize> = (0..n).collect();
    for axis in 0..d {
        strata.shuffle(rng);
        for (point, &k) in strata.iter().enumerate() {
            let u: f64 = rng.random();
            out[point * d + axis] = (k as f64 + u) / n as f64;
        }
    }
    out
}

/// `n` points of the box `lower..upper` (per axis), by [`latin_hypercube`].
pub fn latin_hypercube_box<R: Rng + ?Sized>(
    rng: &mut R,
    n: usize,
    lower: &[f64],
    upper: &[f64],
) -> Vec<f64> {
    let d = lower.len();
    let mut out = latin_hypercube(rng, n, d);
    for row in out.chunks_exact_mut(d) {
        for ((v, lo), hi) in row.iter_mut().zip(lower).zip(upper) {
            *v = lo + *v * (hi - lo);
        }
    }
    out
}

/// `n` evenly spaced values from `start` to `end` inclusive (NumPy's `linspace`); the synthetic
/// suites' own, re-exported for PINN test grids.
pub use crate::zdt::linspace;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn one_point_per_stratum_on_every_axis() {
        let mut rng = StdRng::seed_from_u64(3);
        let (n, d) = (97, 3);
        let points = latin_hypercube(&mut rng, n, d);
        for axis in 0..d {
            let mut strata: Vec<usize> = (0..n)
                .map(|p| (points[p * d + axis] * n as f64).floor() as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        let boxed = latin_hypercube_box(&mut rng, 10, &[-1.0, 0.0], &[1.0, 2.0]);
        assert!(
            boxed
                .chunks(2)
                .all(|p| (-1.0..1.0).contains(&p[0]) && (0.0..2.0).contains(&p[1]))
        );
        assert_eq!(linspace(-0.5, 1.0, 4), vec![-0.5, 0.0, 0.5, 1.0]);
    }
}
