//! The driver's configuration and the initial points.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::Matrix;
use tradeoff_problems::ProblemInfo;

use crate::error::{Error, ParamsError, Result};
use crate::run::optimizer::Optimizer;

/// The name used in [`ParamsError`]s about driver settings.
pub(crate) const WHO: &str = "driver";

/// Where the `K` decision vectors start.
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// Uniform in the problem's box (which must be finite), from a seeded generator.
    UniformInBounds {
        /// Seed of the generator; the same seed gives the same points.
        seed: u64,
    },
    /// Uniform in `[lo, hi]^n_var`, then clamped to the problem's box (LibMOON's
    /// `x0 ~ U[−1/√n, 1/√n]` for VLMOP2 is `Box { lo: -1/√n, hi: 1/√n, .. }`).
    Box {
        /// Lower end, finite and `< hi`.
        lo: f64,
        /// Upper end, finite and `> lo`.
        hi: f64,
        /// Seed of the generator.
        seed: u64,
    },
    /// These points (`K × n_var`, finite), clamped to the problem's box.
    Given(Matrix),
}

impl Default for Init {
    /// `UniformInBounds { seed: 0 }`.
    fn default() -> Self {
        Self::UniformInBounds { seed: 0 }
    }
}

impl Init {
    /// Checks what can be checked without the problem: a box with finite `lo < hi`, given
    /// points that are finite.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        match self {
            Self::UniformInBounds { .. } => Ok(()),
            Self::Box { lo, hi, .. } => {
                if lo.is_finite() && hi.is_finite() && lo < hi {
                    Ok(())
                } else {
                    Err(ParamsError::Invalid {
                        method: WHO,
                        name: "init box",
                        rule: "must have finite lo < hi",
                        got: format!("[{lo}, {hi}]"),
                    })
                }
            }
            Self::Given(x) => match x.first_non_finite() {
                None => Ok(()),
                Some((row, column)) => Err(ParamsError::Invalid {
                    method: WHO,
                    name: "init points",
                    rule: "must be finite",
                    got: format!("{} at ({row}, {column})", x.get(row, column)),
                }),
            },
        }
    }

    /// The `n_points × n_var` starting batch for a problem with metadata `info`, inside its box.
    ///
    /// Random draws fill the batch row by row from [`StdRng`] seeded with `seed`.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] for a failed [`Init::validate`] or for `UniformInBounds` on a
    /// problem without finite bounds; [`Error::DimensionMismatch`] for given points of another
    /// shape.
    pub fn sample(&self, info: &ProblemInfo, n_points: usize) -> Result<Matrix> {
        self.validate()?;
        let n = info.n_var;
        let mut x = match self {
            Self::UniformInBounds { seed } => {
                let (Some(lower), Some(upper)) = (&info.lower, &info.upper) else {
                    return Err(no_finite_box(info).into());
                };
                if lower.len() != n
                    || upper.len() != n
                    || lower
                        .iter()
                        .zip(upper)
                        .any(|(l, h)| !(l.is_finite() && h.is_finite() && l <= h))
                {
                    return Err(no_finite_box(info).into());
                }
                let mut rng = StdRng::seed_from_u64(*seed);
                let mut x = Matrix::zeros(n_points, n);
                for k in 0..n_points {
                    for ((v, &l), &h) in x.row_mut(k).iter_mut().zip(lower).zip(upper) {
                        *v = l + (h - l) * rng.random::<f64>();
                    }
                }
                x
            }
            Self::Box { lo, hi, seed } => {
                let mut rng = StdRng::seed_from_u64(*seed);
                let mut x = Matrix::zeros(n_points, n);
                for v in x.as_mut_slice() {
                    *v = lo + (hi - lo) * rng.random::<f64>();
                }
                x
            }
            Self::Given(x) => {
                check_shape(
                    x,
                    (n_points, n),
                    "initial points rows (one per preference)",
                    "initial points columns (n_var)",
                )?;
                x.clone()
            }
        };
        info.project_to_bounds(&mut x);
        Ok(x)
    }
}

/// [`Error::DimensionMismatch`] unless `matrix` is `rows × cols`, naming the rows or the columns.
pub(crate) fn check_shape(
    matrix: &Matrix,
    (rows, cols): (usize, usize),
    what_rows: &'static str,
    what_cols: &'static str,
) -> Result<()> {
    if matrix.n_rows() != rows {
        return Err(Error::DimensionMismatch {
            what: what_rows,
            expected: rows,
            got: matrix.n_rows(),
        });
    }
    if matrix.n_cols() != cols {
        return Err(Error::DimensionMismatch {
            what: what_cols,
            expected: cols,
            got: matrix.n_cols(),
        });
    }
    Ok(())
}

fn no_finite_box(info: &ProblemInfo) -> ParamsError {
    ParamsError::Invalid {
        method: WHO,
        name: "init",
        rule: "uniform-in-bounds needs a problem with a finite box (use a box or given init)",
        got: info.name.clone(),
    }
}

/// Settings of [`solve`](crate::solve). Build with `DriverConfig::default()` and the `with_*`
/// setters (or struct update syntax); [`solve`](crate::solve) validates it.
#[derive(Clone, Debug, PartialEq)]
pub struct DriverConfig {
    /// Maximum number of steps, `≥ 1`. Default 500 (LibMOON's tables).
    pub max_iters: usize,
    /// The optimiser. Default SGD with `lr = 0.01` (LibMOON's finite-set tables).
    pub optimizer: Optimizer,
    /// Stop once every row's step `‖x_k⁺ − x_k‖` (after projection) is below this; finite,
    /// `≥ 0`. Default 0: never stop early.
    pub tolerance: f64,
    /// Record the indicators every this many iterations (`≥ 1`), plus iteration 0 and the final
    /// iteration. Default 10.
    pub record_every: usize,
    /// Also keep the objectives (`K × n_obj`) in each history record. Default false.
    pub record_objectives: bool,
    /// Hypervolume reference point (length `n_obj`, finite); `None` uses the problem's
    /// `reference_point`. Default `None`.
    pub reference_point: Option<Vec<f64>>,
    /// Points of the true front sampled once, before the loop, for IGD (the problem may return
    /// about this many, e.g. a lattice); 0 turns IGD off. Default 1000.
    pub front_points: usize,
    /// The starting points. Default uniform in the problem's box with seed 0.
    pub init: Init,
}

impl Default for DriverConfig {
    fn default() -> Self {
        Self {
            max_iters: 500,
            optimizer: Optimizer::default(),
            tolerance: 0.0,
            record_every: 10,
            record_objectives: false,
            reference_point: None,
            front_points: 1000,
            init: Init::default(),
        }
    }
}

/// A builder-style setter `fn $name(self, $field) -> Self` with its doc.
macro_rules! setter {
    ($(#[$doc:meta])* $name:ident, $field:ident: $ty:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $field: $ty) -> Self {
            self.$field = $field;
            self
        }
    };
}

impl DriverConfig {
    setter!(
        /// Sets the maximum number of steps.
        with_max_iters, max_iters: usize
    );
    setter!(
        /// Sets the optimiser.
        with_optimizer, optimizer: Optimizer
    );
    setter!(
        /// Sets the step-norm tolerance.
        with_tolerance, tolerance: f64
    );
    setter!(
        /// Sets the recording interval.
        with_record_every, record_every: usize
    );

    /// Sets the hypervolume reference point.
    #[must_use]
    pub fn with_reference_point(mut self, reference_point: Vec<f64>) -> Self {
        self.reference_point = Some(reference_point);
        self
    }

    /// Sets the initial points.
    #[must_use]
    pub fn with_init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Checks every setting against the rule its doc states (sizes that depend on the problem
    /// are checked by [`solve`](crate::solve)).
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        self.optimizer.validate()?;
        if self.max_iters == 0 {
            return Err(invalid("max_iters", "must be at least 1", "0".into()));
        }
        if self.record_every == 0 {
            return Err(invalid("record_every", "must be at least 1", "0".into()));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(invalid(
                "tolerance",
                "must be finite and non-negative",
                self.tolerance.to_string(),
            ));
        }
        if let Some(r) = &self.reference_point {
            if r.is_empty() || r.iter().any(|v| !v.is_finite()) {
                return Err(invalid(
                    "reference_point",
                    "must be non-empty and finite",
                    format!("{r:?}"),
                ));
            }
        }
        self.init.validate()
    }
}

fn invalid(name: &'static str, rule: &'static str, got: String) -> ParamsError {
    ParamsError::Invalid {
        method: WHO,
        name,
        rule,
        got,
    }
}
