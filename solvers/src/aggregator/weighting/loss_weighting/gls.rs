//! GLS: the geometric mean of the losses.

use super::{FAMILY, LossRule, check_losses};
use crate::aggregator::gramian_weighted::prelude::*;

weighting_type!(
    /// Geometric loss strategy: gradient descent on `total = (Π_i L_i)^{1/m}`.
    ///
    /// **Paper**: Chennupati, Sistu, Yogamani & Rawashdeh, *MultiNet++: Multi-Stream Feature
    /// Aggregation and Geometric Loss Strategy for Multi-Task Learning*, CVPR Workshops 2019
    /// (LibMTL `GLS`, `LibMTL/weighting/GLS.py`).
    ///
    /// **Formula**: the weights are the derivatives at the current losses,
    /// `w_i = ∂total/∂L_i = total/(m·L_i)`, so `Σ w_i ∇L_i` is exactly the gradient of the
    /// geometric mean; `total = exp(mean_i ln L_i)` is computed in the log domain.
    ///
    /// **Parameters**: none.
    ///
    /// **Properties** (as in [`GLS_INFO`]): permutation-invariant, linear under scaling (the
    /// weights depend on the losses only); weights not on the simplex.
    ///
    /// **Cost**: `O(m)`; one backward pass.
    ///
    /// **Differences from the reference implementation**: LibMTL back-propagates the same
    /// `total` but reports `L_i/(m·Π L)` as its weights, which is not the derivative; we return
    /// the derivative. The losses must be positive ([`Error::InvalidLoss`](crate::Error)): the
    /// geometric mean of a zero or negative loss has no useful gradient.
    Gls = GlsWeighting(NoParams),
    GLS_INFO
);

/// The method table's description of [`Gls`].
pub static GLS_INFO: MethodInfo = MethodInfo::new("gls", "GLS", FAMILY)
    .cite(
        "Chennupati et al., MultiNet++: Multi-Stream Feature Aggregation and Geometric Loss \
         Strategy for Multi-Task Learning, CVPR Workshops 2019; LibMTL",
    )
    .needs_losses()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(NoParams::OPTIONS);

impl Weighting for GlsWeighting {
    crate::method::entry::info_is!(GLS_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(GLS_INFO.name)?;
        check_losses(GLS_INFO.name, losses, LossRule::Positive)?;
        let m = losses.len() as f64;
        let total = (losses.iter().map(|l| l.ln()).sum::<f64>() / m).exp();
        Ok((
            losses.iter().map(|l| total / (m * l)).collect(),
            Diagnostics::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{close, weights_of};
    use super::*;

    #[test]
    fn weights_are_the_derivatives_of_the_geometric_mean() {
        // (2·8)^{1/2} = 4: w = (4/(2·2), 4/(2·8)) = (1, 0.25).
        let w = weights_of(&mut Gls::default(), &[(vec![2.0, 8.0], None)]);
        assert!(close(&w[0], &[1.0, 0.25], 1e-15), "{w:?}");
        // Central differences of (Π L)^{1/3} at (0.5, 2, 3).
        let l = [0.5, 2.0, 3.0];
        let total = |l: &[f64]| l.iter().product::<f64>().powf(1.0 / 3.0);
        let w = weights_of(&mut Gls::default(), &[(l.to_vec(), None)]);
        for i in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (l, l);
            up[i] += h;
            down[i] -= h;
            let fd = (total(&up) - total(&down)) / (2.0 * h);
            assert!((w[0][i] - fd).abs() < 1e-8, "{i}: {} vs {fd}", w[0][i]);
        }
    }
}
