//! The two fixed weightings: [`Mean`] (`w = 1/m`) and [`Sum`] (`w = 1`).

use crate::aggregator::gramian_weighted::prelude::*;

weighting_type!(
    /// The average of the gradients, `d = (1/m) Σ_i ∇f_i`: gradient descent on the mean objective.
    ///
    /// **Reference**: linear scalarization with equal weights (TorchJD `Mean`; LibMTL `EW` uses
    /// weights 1, see [`Sum`]).
    ///
    /// **Formula**: `w = 1/m`, `d = Jᵀw`.
    ///
    /// **Parameters**: none.
    ///
    /// **Properties** (as in [`MEAN_INFO`]): permutation-invariant, linear under scaling, weights on
    /// the simplex; not non-conflicting.
    ///
    /// **Cost**: one pass over `J`, `O(mn)`; no Gramian.
    ///
    /// **Differences from the reference implementation**: none.
    Mean = MeanWeighting(NoParams),
    MEAN_INFO
);

/// Registry description of [`Mean`].
pub static MEAN_INFO: MethodInfo = MethodInfo::new("mean", "Mean", Family::Aggregator)
    .cite("Linear scalarization with equal weights 1/m (TorchJD Mean)")
    .need(GradientNeed::Losses)
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling()
            .weights_on_simplex(),
    );

impl Weighting for MeanWeighting {
    crate::method::entry::info_is!(MEAN_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let m = input.n_obj;
        Ok((vec![1.0 / m as f64; m], Diagnostics::default()))
    }
}

weighting_type!(
    /// The sum of the gradients, `d = Σ_i ∇f_i`: gradient descent on the summed objective.
    ///
    /// **Reference**: linear scalarization with unit weights (TorchJD `Sum`; LibMTL `EW`).
    ///
    /// **Formula**: `w = 1`, `d = Jᵀw`.
    ///
    /// **Parameters**: none.
    ///
    /// **Properties** (as in [`SUM_INFO`]): permutation-invariant, linear under scaling; the weights
    /// are not on the simplex; not non-conflicting.
    ///
    /// **Cost**: one pass over `J`, `O(mn)`; no Gramian.
    ///
    /// **Differences from the reference implementation**: none.
    Sum = SumWeighting(NoParams),
    SUM_INFO
);

/// Registry description of [`Sum`].
pub static SUM_INFO: MethodInfo = MethodInfo::new("sum", "Sum", Family::Aggregator)
    .cite("Linear scalarization with unit weights (TorchJD Sum, LibMTL EW)")
    .need(GradientNeed::Losses)
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    );

impl Weighting for SumWeighting {
    crate::method::entry::info_is!(SUM_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        Ok((vec![1.0; input.n_obj], Diagnostics::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};
    use tradeoff_pareto::Matrix;

    #[test]
    fn mean_and_sum_by_hand() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let input = StepInput::new(&j);
        assert_eq!(
            Mean::default().aggregate(&input).unwrap().direction,
            vec![1.0, 1.0, 1.0]
        );
        assert_eq!(
            Sum::default().aggregate(&input).unwrap().direction,
            vec![2.0, 2.0, 2.0]
        );
    }

    #[test]
    fn unknown_option_is_rejected() {
        let o = Options::new().with("c", 1);
        assert!(matches!(
            Mean::from_options(&o),
            Err(ParamsError::UnknownOption { .. })
        ));
        let o = Options::new().with("c", 1);
        assert!(matches!(
            Sum::from_options(&o),
            Err(ParamsError::UnknownOption { .. })
        ));
    }
}
