//! The two fixed weightings: [`Mean`] (`w = 1/m`) and [`Sum`] (`w = 1`).

use std::fmt;

use crate::aggregator::weighting::weighted;
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::method::options::Options;

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
#[derive(Clone, Debug, Default)]
pub struct Mean;

/// Registry description of [`Mean`].
pub static MEAN_INFO: MethodInfo = MethodInfo {
    name: "mean",
    display: "Mean",
    family: Family::Aggregator,
    citation: "Linear scalarization with equal weights 1/m (TorchJD Mean)",
    uses_preference: false,
    needs_losses: false,
    stateful: false,
    randomized: false,
    properties: Properties {
        non_conflicting: false,
        permutation_invariant: true,
        linear_under_scaling: true,
        weights_on_simplex: true,
    },
    options: &[],
};

impl Mean {
    /// The mean aggregator (it has no parameters).
    pub fn new() -> Self {
        Self
    }

    /// Builds from `key=value` options; there are none, so any key is an error.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        options.finish(MEAN_INFO.name)?;
        Ok(Self)
    }
}

impl fmt::Display for Mean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MEAN_INFO.display)
    }
}

impl Aggregator for Mean {
    fn info(&self) -> &'static MethodInfo {
        &MEAN_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let m = input.n_obj();
        Ok(weighted(
            input.jacobian,
            vec![1.0 / m as f64; m],
            Diagnostics::default(),
        ))
    }
}

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
#[derive(Clone, Debug, Default)]
pub struct Sum;

/// Registry description of [`Sum`].
pub static SUM_INFO: MethodInfo = MethodInfo {
    name: "sum",
    display: "Sum",
    family: Family::Aggregator,
    citation: "Linear scalarization with unit weights (TorchJD Sum, LibMTL EW)",
    uses_preference: false,
    needs_losses: false,
    stateful: false,
    randomized: false,
    properties: Properties {
        non_conflicting: false,
        permutation_invariant: true,
        linear_under_scaling: true,
        weights_on_simplex: false,
    },
    options: &[],
};

impl Sum {
    /// The sum aggregator (it has no parameters).
    pub fn new() -> Self {
        Self
    }

    /// Builds from `key=value` options; there are none, so any key is an error.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        options.finish(SUM_INFO.name)?;
        Ok(Self)
    }
}

impl fmt::Display for Sum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SUM_INFO.display)
    }
}

impl Aggregator for Sum {
    fn info(&self) -> &'static MethodInfo {
        &SUM_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let m = input.n_obj();
        Ok(weighted(
            input.jacobian,
            vec![1.0; m],
            Diagnostics::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradeoff_pareto::Matrix;

    #[test]
    fn mean_and_sum_by_hand() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let input = StepInput::new(&j);
        assert_eq!(
            Mean.aggregate(&input).unwrap().direction,
            vec![1.0, 1.0, 1.0]
        );
        assert_eq!(
            Sum.aggregate(&input).unwrap().direction,
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

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Mean>();
        check::<Sum>();
    }
}
