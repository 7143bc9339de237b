//! IMTL: impartial multi-task learning, LibMTL's hybrid of a learned loss scale (IMTL-L) and the
//! closed-form gradient balance (IMTL-G).

use super::{FAMILY, LearnedVector};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::aggregator::weighting::imtl_g::ImtlGWeighting;
use crate::method::state::MethodState;

params! {
    /// Parameters of [`Imtl`].
    pub struct ImtlParams {
        /// Adam learning rate of the loss scales `s` (default 1e-4, LibMTL's model learning
        /// rate, since LibMTL trains `s` with the model's optimiser; positive).
        lr: f64 = 1e-4, positive,
            "Adam learning rate of the loss scales s (LibMTL: the model's, default 1e-4)";
    }
}

/// IMTL (LibMTL's): the losses are rescaled to `L'_i = e^{s_i}L_i − s_i` with a learnable `s`
/// (IMTL-L, from `s = 0`), and the rescaled gradients `e^{s_i}∇L_i` are combined by IMTL-G's
/// closed form (equal projections on every unit gradient, weights summing to 1).
///
/// **Paper**: Liu, Li, Kuang, Xue, Chen, Yang, Liao & Zhang, *Towards Impartial Multi-task
/// Learning*, ICLR 2021, Sections 3.1–3.3 (LibMTL `IMTL`, `LibMTL/weighting/IMTL.py`). Distinct
/// from [`ImtlG`](crate::ImtlG), which is the gradient part alone.
///
/// **Formula**: `D = diag(e^{s})`, `G' = D G D` (the Gramian of the rescaled gradients),
/// `α = IMTL-G(G')`, and `d = Σ_i α_i e^{s_i} ∇L_i`, so the weights are `w_i = α_i e^{s_i}`.
/// Then `s` takes one Adam step along `∂(Σ_i L'_i)/∂s_i = e^{s_i}L_i − 1` (its zero is
/// `e^{s_i} = 1/L_i`, which balances the scaled losses).
///
/// **Parameters**: `lr` (default 1e-4) — see [`ImtlParams`].
///
/// **Properties** (as in [`IMTL_INFO`]): permutation-invariant. Not linear under scaling, not
/// non-conflicting (as IMTL-G), weights not on the simplex. Stateful (`s`, its Adam moments).
///
/// **Cost**: the Gramian `O(m²n)`, IMTL-G's pseudo-inverse `O(m³)`, `O(mn)` for `d`.
///
/// **Differences from the reference implementation**: LibMTL's closed form uses
/// `torch.inverse`, which fails on dependent gradients and gives NaN for a zero one; IMTL-G's
/// pseudo-inverse form (the same weights on independent gradients) handles both. LibMTL's `s` is
/// stepped by the model's optimiser (Adam, lr 1e-4, weight decay 1e-5 by default); ours by its own
/// Adam in `f64`, without weight decay. LibMTL's task-specific heads receive the gradient of
/// `Σ L'_i` (unweighted by `α`); here every parameter gets `d`.
pub type Imtl = GramianWeighted<ImtlWeighting>;

/// The method table's description of [`Imtl`].
pub static IMTL_INFO: MethodInfo = MethodInfo::new("imtl", "IMTL", FAMILY)
    .cite("Liu et al., Towards Impartial Multi-task Learning, ICLR 2021 (IMTL-L + IMTL-G); LibMTL")
    .need(GradientNeed::Gramian)
    .needs_losses()
    .stateful()
    .claims(Properties::NONE.permutation_invariant())
    .options(ImtlParams::OPTIONS);

/// The weighting of [`Imtl`]: its parameters and the loss scales.
#[derive(Clone, Debug)]
pub struct ImtlWeighting {
    params: ImtlParams,
    scale: LearnedVector,
}

impl ImtlWeighting {
    /// The current loss scales `s` (empty before the first call).
    pub fn loss_scales(&self) -> &[f64] {
        &self.scale.values
    }
}

impl FromParams for ImtlWeighting {
    type Params = ImtlParams;
    const INFO: &'static MethodInfo = &IMTL_INFO;

    fn from_params(params: ImtlParams) -> Self {
        Self {
            params,
            scale: LearnedVector::new(0.0),
        }
    }

    fn params(&self) -> &ImtlParams {
        &self.params
    }
}

impl Weighting for ImtlWeighting {
    crate::method::entry::info_is!(IMTL_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(IMTL_INFO.name)?;
        let gramian = &input.require_gramian(IMTL_INFO.name)?.matrix;
        let m = input.n_obj;
        self.scale.ensure(m);
        let factors: Vec<f64> = self.scale.values.iter().map(|s| s.exp()).collect();
        let mut scaled = gramian.clone();
        for i in 0..m {
            for j in 0..m {
                scaled.set(i, j, factors[i] * gramian.get(i, j) * factors[j]);
            }
        }
        let alpha = ImtlGWeighting::from_params(NoParams {}).solve(&scaled);
        let weights = alpha.iter().zip(&factors).map(|(a, f)| a * f).collect();
        let gradient: Vec<f64> = factors
            .iter()
            .zip(losses)
            .map(|(f, l)| f * l - 1.0)
            .collect();
        self.scale.step(&gradient, self.params.lr, 0.0);
        Ok((weights, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.scale.reset();
    }

    /// The loss scales and their Adam moments.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        self.scale.save(&mut state, "scale");
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.scale.load(state, "scale")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, run_all};
    use super::*;

    /// LibMTL's closed form for two tasks, written out: `α_2 = g_1·u / ((g_1 − g_2)·u)` with
    /// `u = g_1/‖g_1‖ − g_2/‖g_2‖`, `α_1 = 1 − α_2`.
    fn libmtl_alpha(g1: &[f64], g2: &[f64]) -> [f64; 2] {
        let n1 = g1.iter().map(|v| v * v).sum::<f64>().sqrt();
        let n2 = g2.iter().map(|v| v * v).sum::<f64>().sqrt();
        let u: Vec<f64> = g1.iter().zip(g2).map(|(a, b)| a / n1 - b / n2).collect();
        let num: f64 = g1.iter().zip(&u).map(|(a, u)| a * u).sum();
        let den: f64 = g1
            .iter()
            .zip(g2)
            .zip(&u)
            .map(|((a, b), u)| (a - b) * u)
            .sum();
        let a2 = num / den;
        [1.0 - a2, a2]
    }

    #[test]
    fn two_steps_by_hand() {
        let lr = 0.1;
        let rows = [[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]];
        let j = Matrix::from_rows(&rows).unwrap();
        let losses = [2.0, 0.5];
        let steps = [
            Step::new(j.clone(), &losses, None),
            Step::new(j.clone(), &losses, None),
        ];
        let a = run_all(&mut Imtl::new(ImtlParams { lr }).unwrap(), &steps);
        // Step 0, s = 0: IMTL-G on J_base, LibMTL's value d = [0.0766968, 1, 1].
        let alpha = libmtl_alpha(&rows[0], &rows[1]);
        assert!(close(a[0].weights.as_ref().unwrap(), &alpha, 1e-12));
        assert!(close(&a[0].direction, &[0.0766968, 1.0, 1.0], 1e-7));
        // The gradients of e^s L − s at s = 0 are L − 1 = (1, −0.5): Adam's first step moves each
        // s by lr against its sign, s = (−0.1, 0.1) up to ε.
        let s = [-lr / (1.0 + 1e-8), lr * 0.5 / (0.5 + 1e-8)];
        let g1: Vec<f64> = rows[0].iter().map(|v| v * s[0].exp()).collect();
        let g2: Vec<f64> = rows[1].iter().map(|v| v * s[1].exp()).collect();
        let alpha = libmtl_alpha(&g1, &g2);
        let want = [alpha[0] * s[0].exp(), alpha[1] * s[1].exp()];
        assert!(
            close(a[1].weights.as_ref().unwrap(), &want, 1e-12),
            "{:?} vs {want:?}",
            a[1].weights
        );
    }

    #[test]
    fn state_round_trip() {
        let j = Matrix::from_rows(&[[1.0, 0.5, 0.0], [0.0, 3.0, 1.0], [2.0, 0.0, 1.0]]).unwrap();
        let steps: Vec<Step> = (0..6)
            .map(|k| {
                Step::new(
                    j.clone(),
                    &[1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64, 0.5],
                    None,
                )
            })
            .collect();
        assert_resumes(|| Imtl::new(ImtlParams { lr: 0.05 }).unwrap(), &steps);
    }
}
