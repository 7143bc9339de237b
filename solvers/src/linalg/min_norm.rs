//! The exact minimum-norm point in the convex hull of the rows of `J`, from its Gramian
//! (Wolfe's algorithm): MGDA's sub-problem in PMGDA, ParetoMTL and MOO-SVGD.

use crate::linalg::Gramian;

/// The result of [`min_norm_simplex`].
#[derive(Clone, Debug)]
pub(crate) struct MinNorm {
    /// `α ∈ Δ` minimising `αᵀGα`.
    pub weights: Vec<f64>,
    /// Major iterations.
    pub iters: usize,
    /// Whether the duality gap met the tolerance.
    pub converged: bool,
    /// The final Frank–Wolfe gap `αᵀGα − min_j (Gα)_j`, relative to `max_i G_ii`.
    pub gap: f64,
}

/// `argmin_{α ∈ Δ} αᵀGα` for a PSD Gramian `G` (m×m), by Wolfe's minimum-norm-point algorithm
/// (P. Wolfe, "Finding the nearest point in a polytope", Math. Programming 11, 1976): exact up
/// to rounding, finite, and it copes with duplicate or affinely dependent rows. Among tied
/// optima it returns a sparse one. The all-zero Gramian gives the uniform weights.
#[allow(clippy::needless_range_loop)] // index sets into α and G
pub(crate) fn min_norm_simplex(g: &Gramian) -> MinNorm {
    let m = g.n_obj();
    let scale = (0..m).fold(0.0_f64, |s, i| s.max(g[i][i]));
    if m == 0 || scale <= 0.0 {
        return MinNorm {
            weights: vec![1.0 / m.max(1) as f64; m],
            iters: 0,
            converged: true,
            gap: 0.0,
        };
    }
    let g: Vec<Vec<f64>> = g
        .rows()
        .map(|r| r.iter().map(|v| v / scale).collect())
        .collect();
    const GAP_TOL: f64 = 1e-14;
    const WEIGHT_TOL: f64 = 1e-15;
    let first = (0..m)
        .min_by(|&a, &b| g[a][a].total_cmp(&g[b][b]))
        .expect("m > 0");
    let mut set = vec![first];
    let mut alpha = vec![0.0; m];
    alpha[first] = 1.0;
    let max_iters = 20 * m + 50;
    let mut iters = 0;
    let mut gap = f64::INFINITY;
    let mut converged = false;
    while iters < max_iters {
        iters += 1;
        let galpha: Vec<f64> = (0..m)
            .map(|i| (0..m).map(|k| g[i][k] * alpha[k]).sum())
            .collect();
        let xx: f64 = (0..m).map(|i| alpha[i] * galpha[i]).sum();
        let j = (0..m)
            .min_by(|&a, &b| galpha[a].total_cmp(&galpha[b]))
            .expect("m > 0");
        gap = xx - galpha[j];
        if gap <= GAP_TOL || set.contains(&j) {
            converged = gap <= 1e-10;
            break;
        }
        set.push(j);
        loop {
            let Some(v) = affine_minimizer(&g, &set) else {
                // Numerically affinely dependent: the new point cannot improve.
                set.pop();
                converged = gap <= 1e-10;
                iters = max_iters;
                break;
            };
            if v.iter().all(|&x| x > WEIGHT_TOL) {
                for (k, &s) in set.iter().enumerate() {
                    alpha[s] = v[k];
                }
                break;
            }
            // Move from α towards v until a weight hits zero, and drop it.
            let mut theta = 1.0_f64;
            for (k, &s) in set.iter().enumerate() {
                if v[k] <= WEIGHT_TOL {
                    let denom = alpha[s] - v[k];
                    if denom > 0.0 {
                        theta = theta.min(alpha[s] / denom);
                    }
                }
            }
            for (k, &s) in set.iter().enumerate() {
                alpha[s] += theta * (v[k] - alpha[s]);
            }
            let before = set.len();
            set.retain(|&s| alpha[s] > WEIGHT_TOL);
            if set.len() == before {
                // Guard against a stall: drop the smallest weight.
                let (pos, _) = set
                    .iter()
                    .enumerate()
                    .min_by(|a, b| alpha[*a.1].total_cmp(&alpha[*b.1]))
                    .expect("non-empty");
                set.remove(pos);
            }
            for s in 0..m {
                if !set.contains(&s) {
                    alpha[s] = 0.0;
                }
            }
            let total: f64 = alpha.iter().sum();
            alpha.iter_mut().for_each(|a| *a /= total);
        }
    }
    if iters >= max_iters && gap <= 1e-10 {
        converged = true;
    }
    MinNorm {
        weights: alpha,
        iters,
        converged,
        gap,
    }
}

/// The affine combination (weights summing to 1) of the points in `set` with minimum norm,
/// or `None` when they are (numerically) affinely dependent: solves `(G_SS + 11ᵀ) u = 1` by
/// Cholesky and normalises `u`.
#[allow(clippy::needless_range_loop)] // in-place Cholesky
fn affine_minimizer(g: &[Vec<f64>], set: &[usize]) -> Option<Vec<f64>> {
    let k = set.len();
    let mut a = vec![vec![0.0; k]; k];
    for (p, &i) in set.iter().enumerate() {
        for (q, &j) in set.iter().enumerate() {
            a[p][q] = g[i][j] + 1.0;
        }
    }
    // Cholesky A = L Lᵀ in place (lower triangle).
    for p in 0..k {
        for q in 0..=p {
            let mut s = a[p][q];
            for r in 0..q {
                s -= a[p][r] * a[q][r];
            }
            if p == q {
                if s <= 1e-12 {
                    return None;
                }
                a[p][p] = s.sqrt();
            } else {
                a[p][q] = s / a[q][q];
            }
        }
    }
    let mut u = vec![1.0; k];
    for p in 0..k {
        let mut s = u[p];
        for r in 0..p {
            s -= a[p][r] * u[r];
        }
        u[p] = s / a[p][p];
    }
    for p in (0..k).rev() {
        let mut s = u[p];
        for r in p + 1..k {
            s -= a[r][p] * u[r];
        }
        u[p] = s / a[p][p];
    }
    let total: f64 = u.iter().sum();
    if total == 0.0 || !total.is_finite() {
        return None;
    }
    Some(u.iter().map(|v| v / total).collect())
}
