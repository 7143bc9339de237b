//! CAGrad: the direction in a ball around the mean gradient that maximises the worst improvement.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

params! {
    /// Parameters of [`CaGrad`].
    pub struct CaGradParams {
        /// Radius of the ball around the mean gradient, relative to its norm (default 0.5, the
        /// paper's and TorchJD's examples; range `[0, 1e6]`; `c = 0` gives the mean).
        c: f64 = 0.5, closed(0, 1e6), "radius of the ball around the mean gradient, relative to its norm";
    }
}

weighting_type!(
    /// Conflict-averse gradient descent: `d = argmax_{‖d − g₀‖ ≤ c‖g₀‖} min_i ⟨∇f_i, d⟩` with
    /// `g₀ = Jᵀ1/m` the mean gradient.
    ///
    /// **Paper**: Liu, Liu, Jin, Stone & Liu, *Conflict-Averse Gradient Descent for Multi-task
    /// Learning*, NeurIPS 2021, arXiv:2110.14048, Eq. (2)–(3) and Algorithm 1 (TorchJD `CAGrad`).
    ///
    /// **Formula**: with `G` normalised by its trace, `b = G1/m` and `s = c·√(1ᵀG1)/m`, the dual is
    /// `w* = argmin_{w ∈ Δ} bᵀw + s·√(wᵀGw)`, and `d = Jᵀ(1/m + s·w*/√(w*ᵀGw*))`.
    ///
    /// **Parameters**: `c` (default 0.5) — see [`CaGradParams`].
    ///
    /// **Properties** (as in [`CAGRAD_INFO`]): permutation-invariant. Not non-conflicting in general
    /// (it is for `c ≥ 1`), not linear under scaling, weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, a few exact `m × m` QPs, `O(mn)` for `d`.
    ///
    /// **How the dual is solved (exactly, without a conic solver)**: for `μ ≥ 0` let `w(μ)` be the
    /// minimum-norm point of the hull of the rows translated by `μg₀` (an exact NNLS). By convexity of
    /// the perspective `bᵀw + (s/2)(wᵀGw/t + t)`, `w*` is `w(μ*)` at the root of `‖J w(μ)‖ = sμ`, and
    /// `‖J w(μ)‖/μ` is non-increasing. On the face (support) of `w(μ)`, `w` is affine in `μ`, so the
    /// root on that face solves a quadratic; it is accepted when the NNLS optimality conditions hold
    /// there (exact), otherwise the bracket on `μ` shrinks and the next face is tried.
    ///
    /// **Differences from the reference implementation**: TorchJD solves the dual with CLARABEL
    /// (about 1e-9 accurate) and sets every weight to zero when `‖Jᵀw*‖ < 1e-4` after normalising
    /// `G` (which it also zeroes when `‖J‖_F < 0.01`): a zero row, or tiny gradients, then give
    /// `d = 0`. When the optimum really has `Jᵀw* = 0` the primal optimum is not unique: every `d` in
    /// the ball with `Jd ≥ 0` is optimal. We return the one nearest to `g₀`, the projection of `g₀`
    /// onto the dual cone `{d : Jd ≥ 0}` (e.g. the mean when one row is zero, as LibMTL effectively
    /// does), and we normalise `G` at every scale. No `1/(1+c²)` rescaling (LibMTL's `rescale=1`).
    ///
    /// **At a Pareto-stationary point** (some convex combination of the gradients is 0, e.g.
    /// TorchJD's strictly weak matrices) the dual optimum has `Jᵀw* = 0` whenever `c ≥ 1`, and
    /// the formula's `s/‖Jᵀw*‖` divides rounding by rounding. We test `‖Jᵀw*‖ ≤ 1e-6` (with `G`
    /// normalised to unit trace) and then return the projection of `g₀` onto `{d : Jd ≥ 0}`: it
    /// is optimal (value 0: no direction improves every objective, and it harms none), it lies in
    /// the ball, and among the optimal directions it is the nearest to `g₀`. TorchJD returns 0
    /// there, which is also optimal but stops the objectives that can still move without harming
    /// the others (on a weakly but not strongly stationary matrix, `Jd ≥ 0` with `Jd ≠ 0` is
    /// possible). Such a point is where MGDA stops: the direction, not the point, is what is
    /// ambiguous.
    CaGrad = CaGradWeighting(CaGradParams),
    CAGRAD_INFO
);

/// The method table's description of [`CaGrad`].
pub static CAGRAD_INFO: MethodInfo = MethodInfo::new("cagrad", "CAGrad", Family::Aggregator)
    .cite(
        "Liu et al., Conflict-Averse Gradient Descent for Multi-task Learning, NeurIPS \
               2021, arXiv:2110.14048",
    )
    .need(GradientNeed::Gramian)
    .claims(Properties::NONE.permutation_invariant())
    .options(CaGradParams::OPTIONS);

impl CaGradWeighting {
    /// When the optimum has `Jᵀw* = 0` every `d` in the ball with `Jd ≥ 0` is optimal; the one
    /// nearest to `g₀` is the projection of `g₀` onto the dual cone.
    fn degenerate(
        &self,
        g: &[f64],
        m: usize,
        mean: &[f64],
        iters: usize,
    ) -> (Vec<f64>, Diagnostics) {
        let (v, stats) = project_to_dual_cone_raw(g, m, mean, default_max_iter(m));
        (
            v,
            Diagnostics {
                inner_iters: iters + stats.iterations,
                converged: stats.converged,
                residual: stats.residual,
            },
        )
    }

    /// The CAGrad weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`), with the solve's diagnostics.
    pub fn solve(&self, gramian: &Matrix) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let mean = vec![1.0 / m as f64; m];
        let Some(g) = normalized(gramian) else {
            return (mean, Diagnostics::default());
        };
        let g = g.as_slice();
        let b = mat_vec(g, m, &mean);
        let g0sq = dot(&mean, &b);
        if self.params.c == 0.0 || g0sq.is_nan() || g0sq <= 1e-30 {
            // The ball is the point g₀ (or g₀ = 0).
            return (mean, Diagnostics::default());
        }
        let s = self.params.c * g0sq.sqrt();
        let max_row = (0..m).map(|i| g[i * m + i]).fold(0.0, f64::max).sqrt();
        let norm_of = |w: &[f64]| dot(w, &mat_vec(g, m, w)).max(0.0).sqrt();

        let hi0 = 2.0 * max_row / s;
        let mut lo = 0.0_f64;
        let mut hi = hi0;
        let mut iters = 0;
        let evaluate = |mu: f64, iters: &mut usize| {
            // w(μ): the minimum-norm point of the hull of the rows g_i + μ g₀.
            let gm = translated(g, m, &b, g0sq, mu);
            let (w, stats) = min_norm_weights_raw(&gm, m, 1e-15, default_max_iter(m));
            *iters += stats.iterations + 1;
            w
        };
        let done = |w: &[f64], nu: f64, iters: usize| {
            let h = norm_of(w);
            if h <= STATIONARY_NORM {
                // ‖Jᵀw*‖ is rounding: the point is Pareto-stationary and s/h would blow the
                // rounding up into weights of 1e6 and a conflicting direction.
                return self.degenerate(g, m, &mean, iters);
            }
            (
                combine_weights(&mean, w, s / h),
                Diagnostics {
                    inner_iters: iters,
                    converged: true,
                    residual: (h - s * nu).abs(),
                },
            )
        };
        // μ = 0: the MGDA point. The ratio ‖Jw(μ)‖/(sμ) is non-increasing in μ and +∞ at 0 when
        // the hull misses the origin.
        let w = evaluate(0.0, &mut iters);
        let h0 = norm_of(&w);
        let mut mu;
        let mut last_w;
        if h0 > STATIONARY_NORM {
            if let Some((nu, w_face)) = face_root(g, m, &b, g0sq, s, &w, lo, hi) {
                return done(&w_face, nu, iters);
            }
            mu = (h0 / s).min(0.5 * hi);
            last_w = w;
        } else {
            // 0 is (numerically) in the hull: rounding creates spurious roots near μ = 0, so look
            // for a crossing above μ_min only. Without one the optimum has Jᵀw* = 0.
            lo = 1e-5 * hi0;
            let w = evaluate(lo, &mut iters);
            if norm_of(&w) <= s * lo {
                return self.degenerate(g, m, &mean, iters);
            }
            if let Some((nu, w_face)) = face_root(g, m, &b, g0sq, s, &w, lo, hi) {
                return done(&w_face, nu, iters);
            }
            mu = (lo * hi).sqrt();
            last_w = w;
        }
        for _ in 0..MAX_OUTER {
            let w = evaluate(mu, &mut iters);
            if norm_of(&w) > s * mu {
                lo = mu;
            } else {
                hi = mu;
            }
            if let Some((nu, w_face)) = face_root(g, m, &b, g0sq, s, &w, lo, hi) {
                return done(&w_face, nu, iters);
            }
            last_w = w;
            if hi - lo <= 1e-15 * hi {
                return done(&last_w, mu, iters);
            }
            mu = if lo > 0.0 { (lo * hi).sqrt() } else { 0.5 * hi };
        }
        let h = norm_of(&last_w);
        if h <= STATIONARY_NORM {
            return self.degenerate(g, m, &mean, iters);
        }
        (
            combine_weights(&mean, &last_w, s / h),
            Diagnostics {
                inner_iters: iters,
                converged: false,
                residual: (hi - lo) / hi,
            },
        )
    }
}

impl Weighting for CaGradWeighting {
    crate::method::entry::info_is!(CAGRAD_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        Ok(self.solve(&input.require_gramian(CAGRAD_INFO.name)?.matrix))
    }
}

/// With `G` normalised to unit trace (`‖J‖_F = 1`), a dual point with `‖Jᵀw‖` at or below this
/// counts as `Jᵀw = 0`: the point is Pareto-stationary (TorchJD's `norm_eps` is 1e-4, after the
/// same normalisation). The exact solves leave `‖Jᵀw‖` at about 1e-8 where it is 0.
const STATIONARY_NORM: f64 = 1e-6;

/// Cap on the outer (face-finding) iterations; each is one `m × m` NNLS.
const MAX_OUTER: usize = 200;

/// `1/m + f·w`.
fn combine_weights(mean: &[f64], w: &[f64], f: f64) -> Vec<f64> {
    mean.iter().zip(w).map(|(a, b)| a + f * b).collect()
}

/// Gramian of the rows `g_i + μ g₀`: `G + μ(b1ᵀ + 1bᵀ) + μ²‖g₀‖² 11ᵀ`.
fn translated(g: &[f64], m: usize, b: &[f64], g0sq: f64, mu: f64) -> Vec<f64> {
    let mut out = g.to_vec();
    if mu != 0.0 {
        for i in 0..m {
            for j in 0..m {
                out[i * m + j] += mu * (b[i] + b[j]) + mu * mu * g0sq;
            }
        }
    }
    out
}

/// On the face (support) of `w`, the minimiser of `½wᵀGw + νbᵀw` over `{Σw = 1}` is
/// `w₀ + νw₁`; returns the root `ν ∈ (lo, hi]` of `‖J(w₀ + νw₁)‖ = sν` and the point, when that
/// point is feasible and optimal for the translated minimum-norm problem.
#[allow(clippy::too_many_arguments)]
fn face_root(
    g: &[f64],
    m: usize,
    b: &[f64],
    g0sq: f64,
    s: f64,
    w: &[f64],
    lo: f64,
    hi: f64,
) -> Option<(f64, Vec<f64>)> {
    // Entries at rounding level are not part of the face.
    let w_max = w.iter().copied().fold(0.0, f64::max);
    let support: Vec<usize> = (0..m).filter(|&i| w[i] > 1e-12 * w_max).collect();
    let k = support.len();
    if k == 0 {
        return None;
    }
    // [G_SS  −1; 1ᵀ 0] [w; λ] = [−ν b_S; 1], two right-hand sides: ν⁰ and ν¹ parts.
    let n = k + 1;
    let mut a = vec![0.0; n * n];
    for (p, &i) in support.iter().enumerate() {
        for (q, &j) in support.iter().enumerate() {
            a[p * n + q] = g[i * m + j];
        }
        a[p * n + k] = -1.0;
        a[k * n + p] = 1.0;
    }
    let mut rhs = vec![0.0; n * 2];
    for (p, &i) in support.iter().enumerate() {
        rhs[p * 2 + 1] = -b[i];
    }
    rhs[k * 2] = 1.0;
    if !lu_solve(&mut a, n, &mut rhs, 2, 1e-14) {
        return None;
    }
    let w0: Vec<f64> = (0..k).map(|p| rhs[p * 2]).collect();
    let w1: Vec<f64> = (0..k).map(|p| rhs[p * 2 + 1]).collect();
    let quad = |x: &[f64], y: &[f64]| -> f64 {
        let mut acc = 0.0;
        for (p, &i) in support.iter().enumerate() {
            for (q, &j) in support.iter().enumerate() {
                acc += x[p] * g[i * m + j] * y[q];
            }
        }
        acc
    };
    let (qa, qb, qc) = (quad(&w0, &w0), quad(&w0, &w1), quad(&w1, &w1) - s * s);
    // qc ν² + 2 qb ν + qa = 0.
    let mut roots = Vec::with_capacity(2);
    if qc.abs() <= 1e-15 * (qa.abs() + qb.abs() + s * s) {
        if qb != 0.0 {
            roots.push(-qa / (2.0 * qb));
        }
    } else {
        let disc = qb * qb - qc * qa;
        if disc < 0.0 {
            return None;
        }
        let r = disc.sqrt();
        let q = -(qb + if qb >= 0.0 { r } else { -r });
        if q != 0.0 {
            roots.push(q / qc);
            roots.push(qa / q);
        } else {
            roots.push(0.0);
        }
    }
    let nu = roots
        .into_iter()
        .filter(|&v| v.is_finite() && v > lo && v <= hi * (1.0 + 1e-12) && v > 0.0)
        .min_by(|x, y| x.total_cmp(y))?;
    let mut w_nu = vec![0.0; m];
    let scale = w0
        .iter()
        .chain(&w1)
        .fold(0.0_f64, |acc, v| acc.max(v.abs()))
        .max(1.0);
    for (p, &i) in support.iter().enumerate() {
        let v = w0[p] + nu * w1[p];
        if v < -1e-12 * scale.max(nu * scale) {
            return None;
        }
        w_nu[i] = v.max(0.0);
    }
    // Optimality for the translated minimum-norm problem: (G_ν w)_j ≥ wᵀG_ν w for all j.
    let gm = translated(g, m, b, g0sq, nu);
    let gw = mat_vec(&gm, m, &w_nu);
    let norm2 = dot(&w_nu, &gw);
    let tol = 1e-10 * (0..m).map(|i| gm[i * m + i].abs()).fold(0.0, f64::max);
    if gw.iter().all(|&v| v >= norm2 - tol) {
        Some((nu, w_nu))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    fn run(c: f64, rows: &[[f64; 3]]) -> Vec<f64> {
        let j = Matrix::from_rows(rows).unwrap();
        CaGrad::new(CaGradParams { c })
            .unwrap()
            .aggregate(&StepInput::new(&j))
            .unwrap()
            .direction
    }

    #[test]
    fn torchjd_values_on_the_doc_example() {
        let base = [[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]];
        // aggregators.md §5.2 and §5.5 (CLARABEL, ~1e-9).
        let d = run(0.5, &base);
        assert!(
            (d[0] - 0.18350342041484113).abs() < 1e-7 && (d[1] - 1.2041241479170668).abs() < 1e-7
        );
        // c = 1: the exact optimum is (0, 2, 2) (w* = (0.7, 0.3): primal = dual = 4); CLARABEL's
        // [-0.000107, 1.999947, 1.999947] is 1e-4 away.
        let d = run(1.0, &base);
        assert!(d[0].abs() < 1e-12 && (d[1] - 2.0).abs() < 1e-12, "{d:?}");
        assert!((d[0] + 0.000107).abs() < 2e-4 && (d[1] - 1.999947).abs() < 2e-4);
        assert_eq!(run(0.0, &base), vec![1.0, 1.0, 1.0]);
    }

    #[test]
    fn zero_row_gives_the_mean() {
        let d = run(0.5, &[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
        for (x, y) in d.iter().zip([0.5, 1.0, 1.5]) {
            assert!((x - y).abs() < 1e-12, "{d:?}");
        }
    }

    #[test]
    fn validation_rules() {
        assert!(matches!(
            CaGrad::new(CaGradParams { c: -0.1 }),
            Err(ParamsError::Invalid { name: "c", .. })
        ));
        assert!(matches!(
            CaGrad::from_options(&Options::new().with("rescale", 1)),
            Err(ParamsError::UnknownOption { .. })
        ));
    }
}
