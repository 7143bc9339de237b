//! UPGrad: project every gradient onto the dual cone of all gradients and average the projections.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

params! {
    /// Parameters of [`UpGrad`] (and of [`crate::DualProj`], which shares them).
    pub struct UpGradParams {
        /// TorchJD's `pref_vector` `u` (length `n_obj`, non-negative, positive sum, not
        /// normalised). Default `None`: the step's preference if it has one, else `1/m`.
        pref: Option<Vec<f64>> = None => "1/m", preference,
            "comma-separated preference u (else the step's preference, else uniform)";
        /// Added to the diagonal of the trace-normalised Gramian (default `1e-4`, TorchJD's
        /// `reg_eps`; range `(0, 1]`). Smaller values approach the exact projection.
        reg_eps: f64 = 1e-4, open_closed(0, 1), "added to the diagonal of G/trace(G) before the QP";
    }
}

weighting_type!(
    /// Unconflicting projection of gradients: the average of the projections of every `u_i ∇f_i` onto
    /// the dual cone `{d : Jd ≥ 0}`.
    ///
    /// **Paper**: Quinton & Rey, *Jacobian Descent for Multi-Objective Optimization*, 2024,
    /// arXiv:2406.16232, Eq. (5) and Proposition 1 (TorchJD `UPGrad`).
    ///
    /// **Formula**: `G' = G/trace(G) + ε I`; for each `i`, `v⁽ⁱ⁾ = argmin_{v ≥ u_i e_i} vᵀG'v`;
    /// `w = Σ_i v⁽ⁱ⁾`, `d = Jᵀw`. With `ε = 0`, `Jᵀv⁽ⁱ⁾` is exactly the projection of `u_i ∇f_i`
    /// onto the dual cone.
    ///
    /// **Parameters**: `pref` (default: the step's preference, else `1/m`), `reg_eps` (default
    /// 1e-4) — see [`UpGradParams`].
    ///
    /// **Properties** (as in [`UPGRAD_INFO`]): non-conflicting (up to `reg_eps`:
    /// `(Jd)_i ≥ −ε·‖J‖_F²·w_i`), permutation-invariant, linear under scaling
    /// (`d(diag(c)J) = Σ c_i u_i Π(∇f_i)` for the exact projection, `ε → 0`; with `ε > 0` a row with
    /// `‖∇f_i‖² ≲ ε·‖J‖_F²` is barely constrained, so linearity holds only approximately when row
    /// norms differ by orders of magnitude); weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, `m` exact dual-cone QPs of size `m`, `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: the QP `min vᵀG'v s.t. v ≥ u` is solved
    /// exactly by Lawson–Hanson NNLS instead of quadprog, with the same `G'` (same normalisation and
    /// `reg_eps`), so results agree to about 1e-12. TorchJD zeroes `G` when `‖J‖_F < 0.01`
    /// (`norm_eps`), which silently returns the mean of the gradients; we normalise by the trace at
    /// every scale, so `UPGrad(cJ) = c·UPGrad(J)` for every `c > 0`. There is therefore no
    /// `norm_eps`. A zero Jacobian gives `d = 0` (weights `u`). The option `pref` takes precedence over
    /// the step's preference.
    UpGrad = UpGradWeighting(UpGradParams),
    UPGRAD_INFO
);

/// The method table's description of [`UpGrad`].
pub static UPGRAD_INFO: MethodInfo = MethodInfo::new("upgrad", "UPGrad", Family::Aggregator)
    .cite(
        "Quinton & Rey, Jacobian Descent for Multi-Objective Optimization, 2024, \
               arXiv:2406.16232",
    )
    .need(GradientNeed::Gramian)
    .uses_preference()
    .claims(
        Properties::NONE
            .non_conflicting()
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(UpGradParams::OPTIONS);

impl UpGradWeighting {
    /// The UPGrad weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`) and preference `u`
    /// (length `n_obj`), with the QPs' diagnostics.
    pub fn solve(&self, gramian: &Matrix, u: &[f64]) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let h = regularized_gramian(gramian, self.params.reg_eps);
        let mut w = vec![0.0; m];
        let mut stats = SolveStats::default();
        let mut e = vec![0.0; m];
        for i in 0..m {
            if u[i] == 0.0 {
                continue;
            }
            e.fill(0.0);
            e[i] = u[i];
            let (v, s) = project_to_dual_cone_raw(&h, m, &e, default_max_iter(m));
            for (wk, vk) in w.iter_mut().zip(&v) {
                *wk += vk;
            }
            stats = stats.merge(s);
        }
        (w, diagnostics(stats))
    }
}

impl Weighting for UpGradWeighting {
    crate::method::entry::info_is!(UPGRAD_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let u = input.preference_or_uniform(self.params.pref.as_deref())?;
        Ok(self.solve(&input.require_gramian(UPGRAD_INFO.name)?.matrix, &u))
    }
}

/// `G' = G/trace(G) + reg_eps·I`, row-major; `reg_eps·I` for a zero Gramian.
///
/// TorchJD's `normalize` returns the zero matrix whenever `trace(G) < 1e-4`, i.e. `‖J‖_F < 0.01`,
/// which turns UPGrad and DualProj into `Mean` for small gradients. Dividing by the trace for every
/// positive trace keeps the weights independent of the scale of `J`.
pub(crate) fn regularized_gramian(gramian: &Matrix, reg_eps: f64) -> Vec<f64> {
    let m = gramian.n_rows();
    let mut h = match crate::linalg::normalized(gramian) {
        Some(g) => g.into_vec(),
        None => vec![0.0; m * m],
    };
    for i in 0..m {
        h[i * m + i] += reg_eps;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    #[test]
    fn validation_rules() {
        let bad = |p: UpGradParams| matches!(UpGrad::new(p), Err(ParamsError::Invalid { .. }));
        assert!(bad(UpGradParams {
            reg_eps: 0.0,
            ..UpGradParams::default()
        }));
        assert!(bad(UpGradParams {
            reg_eps: 2.0,
            ..UpGradParams::default()
        }));
        assert!(bad(UpGradParams {
            pref: Some(vec![1.0, -1.0]),
            ..UpGradParams::default()
        }));
        assert!(bad(UpGradParams {
            pref: Some(vec![0.0, 0.0]),
            ..UpGradParams::default()
        }));
        let o = Options::new().with("norm_eps", 1e-4);
        assert!(matches!(
            UpGrad::from_options(&o),
            Err(ParamsError::UnknownOption { .. })
        ));
        let o = Options::new().with("pref", "1,x");
        assert!(matches!(
            UpGrad::from_options(&o),
            Err(ParamsError::BadValue { .. })
        ));
    }

    #[test]
    fn pref_of_the_wrong_length_is_an_error() {
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
        let mut a = UpGrad::new(UpGradParams {
            pref: Some(vec![1.0, 1.0, 1.0]),
            ..UpGradParams::default()
        })
        .unwrap();
        assert!(a.aggregate(&StepInput::new(&j)).is_err());
    }
}
