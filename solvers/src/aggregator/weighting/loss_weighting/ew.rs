//! EW: LibMTL's equal weighting, the plain sum of the losses.

use super::{FAMILY, LIBMTL};
use crate::aggregator::gramian_weighted::prelude::*;

weighting_type!(
    /// Equal weighting: gradient descent on `Σ_i L_i`, LibMTL's baseline.
    ///
    /// **Reference**: LibMTL `EW` (`LibMTL/weighting/EW.py`).
    ///
    /// **Formula**: `total = Σ_i L_i`, so `w = 1` and `d = Jᵀw`. The same weights as
    /// [`Sum`](crate::Sum), listed again in the loss-weighting family under LibMTL's name.
    ///
    /// **Parameters**: none.
    ///
    /// **Properties** (as in [`EW_INFO`]): permutation-invariant, linear under scaling; weights
    /// not on the simplex; not non-conflicting.
    ///
    /// **Cost**: one backward pass of the summed loss; no per-task gradient.
    ///
    /// **Differences from the reference implementation**: none.
    Ew = EwWeighting(NoParams),
    EW_INFO
);

/// The method table's description of [`Ew`].
pub static EW_INFO: MethodInfo = MethodInfo::new("ew", "EW", FAMILY)
    .cite(LIBMTL)
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(NoParams::OPTIONS);

impl Weighting for EwWeighting {
    crate::method::entry::info_is!(EW_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        Ok((vec![1.0; input.n_obj], Diagnostics::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Aggregator, StepInput};

    #[test]
    fn ew_sums_the_gradients() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let a = Ew::default().aggregate(&StepInput::new(&j)).unwrap();
        // LibMTL's EW on J_base (aggregators.md §5.2): [2, 2, 2].
        assert_eq!(a.direction, vec![2.0, 2.0, 2.0]);
        assert_eq!(a.weights, Some(vec![1.0, 1.0]));
    }
}
