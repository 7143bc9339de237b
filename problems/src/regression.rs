//! LibMOON's two toy problems: multi-output linear regression ([`LinearRegression`], `regression`)
//! and the two-Gaussian KL problem ([`MooGaussian`], `moo-gaussian`).
//!
//! Both come from LibMOON (Zhang et al., *LibMOON: A Gradient-based MultiObjective OptimizatioN
//! Library in PyTorch*, NeurIPS 2024 Datasets and Benchmarks; `problem/synthetic/ml_problem.py`),
//! where they are registered as `regression` and `moogaussian` and exist only as torch code.

use std::fmt;

use candle_core::{DType, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{JacobianBatch, Normalization, Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, fixed_size, free_size};

const LIBMOON_CITATION: &str = "X. Zhang, L. Zhao, Y. Yu, X. Lin, Y. Chen, H. Zhao and Q. Zhang, \
                                LibMOON: A Gradient-based MultiObjective OptimizatioN Library in \
                                PyTorch, NeurIPS 2024 Datasets and Benchmarks Track";

const REGRESSION_CITATION: &str = "Y. Hu, R. Xian, Q. Wu, Q. Fan, L. Yin and H. Zhao, Revisiting \
                                   Scalarization in Multi-Task Learning: A Theoretical Perspective, \
                                   NeurIPS 2023 (as set up in LibMOON, NeurIPS 2024)";

// ---------------------------------------------------------------------------------------------
// Linear regression

/// Sizes and data seed of [`LinearRegression`]. The defaults are LibMOON's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinearRegressionParams {
    /// Input features `p` = number of decision variables `n_var`. Default 5; at least 1.
    pub n_features: usize,
    /// Outputs (tasks) = number of objectives `n_obj`. Default 2; at least 1.
    pub n_outputs: usize,
    /// Samples `n`. Default 40; at least 1.
    pub n_samples: usize,
    /// Seed of the data generator. Default 0 (LibMOON calls `np.random.seed(0)`).
    pub seed: u64,
}

impl Default for LinearRegressionParams {
    fn default() -> Self {
        Self {
            n_features: 5,
            n_outputs: 2,
            n_samples: 40,
            seed: 0,
        }
    }
}

impl LinearRegressionParams {
    /// Checks that every size is at least 1.
    pub fn validate(&self) -> Result<()> {
        for (what, got) in [
            ("n_var", self.n_features),
            ("n_obj", self.n_outputs),
            ("n_samples", self.n_samples),
        ] {
            free_size("regression", what, got, 1, Some(got))?;
        }
        Ok(())
    }
}

/// LibMOON's multi-output linear regression problem (`regression`), after Hu et al.,
/// *Revisiting Scalarization in Multi-Task Learning: A Theoretical Perspective*, NeurIPS 2023.
///
/// Data: inputs `X ∈ [0, 1)^{n×p}` and targets `Y ∈ [0, 1)^{n×m}`, uniform, drawn from a seeded
/// [`StdRng`] (all of `X` row by row, then all of `Y`), so the same seed gives the same data bit
/// for bit. LibMOON draws the same distributions from numpy's global generator seeded with 0, so
/// these numbers (not their distribution) differ from LibMOON's. LibMOON's own instance, its
/// exact `X` (40 × 5) and `Y` (40 × 2), ships with this crate: [`LinearRegression::libmoon`], which
/// the registry builds for `regression` under [`Normalization::Libmoon`] (`--normalize libmoon`);
/// LibMOON's tables for this problem (its Table C) are for that instance.
///
/// Decision vector: the weights `w ∈ ℝ^p` of the shared linear feature `z = Xw`. Objective `k`
/// is LibMOON's
///
/// `f_k(w) = ‖y_k‖² − y_kᵀ P y_k`, with `P = z (zᵀz)⁺ zᵀ`, i.e. `f_k = ‖y_k‖² − (y_kᵀz)²/(zᵀz)`
/// (and `‖y_k‖²` at `z = 0`, where the pseudo-inverse is 0).
///
/// This is the residual sum of squares `min_a ‖y_k − a·Xw‖²` of output `k` when the model is the
/// shared feature `Xw` times a per-output scale fitted in closed form (Hu et al.'s shared
/// representation with `q = 1`); `f_k / n` is that output's mean squared error. It does not
/// depend on the scale of `w`, and output `k` alone is minimised by its ordinary least-squares
/// weights ([`LinearRegression::least_squares`]); the problem's ideal point holds these minima.
///
/// Gradient: with `β_k = y_kᵀz / zᵀz` and the residual `r_k = y_k − β_k z`,
/// `∇f_k = −2 β_k Xᵀ r_k` (0 at `w = 0`, where `f_k` is not continuous).
///
/// Defaults and conventions as LibMOON's: `p = 5`, `m = 2`, `n = 40`, box `[0, 1]^p`, hypervolume
/// reference point 8 in every objective (LibMOON's `get_hv_ref` and its table for this problem).
/// LibMOON writes `n_var = p·q` with `p = 5` fixed and uses only `q = 1`; here `n_var = p` and
/// `q = 1`. LibMOON sums squared errors (no `1/n`), and so does this problem, so its reference
/// point and tables apply. The true front is not known in closed form.
///
/// ```
/// use tradeoff_pareto::Matrix;
/// use tradeoff_problems::{LinearRegression, Problem};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let problem = LinearRegression::default(); // 40 samples, 5 features, 2 outputs, seed 0
/// // The least-squares weights of output 0 reach the ideal value of objective 0.
/// let w = problem.least_squares(0).expect("X has full column rank");
/// let f = problem.evaluate(&Matrix::from_rows(&[w])?)?;
/// assert_eq!(f.get(0, 0), problem.info().ideal.as_ref().unwrap()[0]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    params: LinearRegressionParams,
    /// Whether the data are LibMOON's (embedded) rather than drawn from `params.seed`.
    libmoon_data: bool,
    info: ProblemInfo,
    /// `n × p` inputs.
    inputs: Matrix,
    /// `n × m` targets.
    targets: Matrix,
    /// `‖y_k‖²` for each output.
    target_norms: Vec<f64>,
}

impl LinearRegression {
    /// The problem with the given sizes and seed.
    pub fn new(params: LinearRegressionParams) -> Result<Self> {
        params.validate()?;
        let LinearRegressionParams {
            n_features: p,
            n_outputs: m,
            n_samples: n,
            seed,
        } = params;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut draw = |rows: usize, cols: usize| {
            let data = (0..rows * cols).map(|_| rng.random::<f64>()).collect();
            Matrix::from_vec(rows, cols, data).expect("rows · cols entries")
        };
        let inputs = draw(n, p);
        let targets = draw(n, m);
        Ok(Self::with_data(params, false, inputs, targets))
    }

    /// LibMOON's own instance (the data of its Table C): `X` (40 × 5) and `Y` (40 × 2) exactly as
    /// LibMOON's `LinearRegreesion` draws them, `np.random.seed(0)`, `X = np.random.rand(40, 5)`,
    /// `Y = np.random.rand(40, 2)` (numpy's legacy MT19937 generator), stored as exact doubles in
    /// `problems/data/libmoon_regression.json` (provenance in `problems/data/PROVENANCE.md`).
    ///
    /// The objectives are the same as for [`LinearRegression::new`]; [`LinearRegression::params`]
    /// gives LibMOON's sizes and its seed 0. The registry builds this problem for `regression`
    /// under [`Normalization::Libmoon`] (`--normalize libmoon`).
    ///
    /// The box `[0, 1]^5` is kept for drawing starts (LibMOON's `synthetic_init` draws
    /// `U[0, 1]^5`), but iterates are not projected onto it (`info().project` is `false`): LibMOON's
    /// solver loop optimises `xs_var = Variable(x)` and then clamps `x.data`, which no longer
    /// shares storage with `xs_var`, so its iterates run free. The least-squares weights of this
    /// data have a negative entry, so the box matters: with projection, linear scalarization's
    /// hypervolume in LibMOON's Table C setting is about 16.270 instead of LibMOON's 16.285.
    ///
    /// ```
    /// use tradeoff_problems::{LinearRegression, Problem};
    /// let problem = LinearRegression::libmoon();
    /// assert_eq!(problem.inputs().shape(), (40, 5));
    /// assert_eq!(problem.inputs().get(0, 0), 0.5488135039273248); // numpy's first draw for seed 0
    /// assert_eq!(problem.info().reference_point, vec![8.0, 8.0]);
    /// ```
    pub fn libmoon() -> Self {
        let (inputs, targets) = libmoon_data();
        let mut problem = Self::with_data(LinearRegressionParams::default(), true, inputs, targets);
        // LibMOON draws starts in [0, 1]^5 but never projects its iterates (its loop clamps a
        // tensor that is no longer the one optimised).
        problem.info = problem.info.without_projection();
        problem
    }

    /// Whether the data are LibMOON's own ([`LinearRegression::libmoon`]) rather than drawn from
    /// the seed in [`LinearRegression::params`].
    pub fn has_libmoon_data(&self) -> bool {
        self.libmoon_data
    }

    /// The problem on given data whose shapes match `params` (checked by the callers).
    fn with_data(
        params: LinearRegressionParams,
        libmoon_data: bool,
        inputs: Matrix,
        targets: Matrix,
    ) -> Self {
        let LinearRegressionParams {
            n_features: p,
            n_outputs: m,
            n_samples: n,
            ..
        } = params;
        debug_assert_eq!((inputs.shape(), targets.shape()), ((n, p), (n, m)));
        let target_norms = (0..m)
            .map(|k| (0..n).map(|i| targets.get(i, k) * targets.get(i, k)).sum())
            .collect();
        let info = ProblemInfo::new("Regression", p, m)
            .with_uniform_bounds(0.0, 1.0)
            .with_reference_point(vec![8.0; m])
            .with_citation(REGRESSION_CITATION);
        let mut problem = Self {
            params,
            libmoon_data,
            info,
            inputs,
            targets,
            target_norms,
        };
        problem.info.ideal = (0..m)
            .map(|k| {
                let w = problem.least_squares(k)?;
                Some(problem.objectives_at(&w).0[k])
            })
            .collect();
        problem
    }

    /// The sizes and seed (for [`LinearRegression::libmoon`]: LibMOON's sizes and its seed 0).
    pub fn params(&self) -> &LinearRegressionParams {
        &self.params
    }

    /// The inputs `X`, `n_samples × n_features`.
    pub fn inputs(&self) -> &Matrix {
        &self.inputs
    }

    /// The targets `Y`, `n_samples × n_outputs`.
    pub fn targets(&self) -> &Matrix {
        &self.targets
    }

    /// The ordinary least-squares weights of output `output`, `argmin_w ‖y_k − Xw‖²` (length
    /// `n_features`), which minimise objective `output`. `None` when `output` is out of range
    /// or `X` has linearly dependent columns (fewer samples than features).
    pub fn least_squares(&self, output: usize) -> Option<Vec<f64>> {
        if output >= self.params.n_outputs {
            return None;
        }
        let y: Vec<f64> = (0..self.params.n_samples)
            .map(|i| self.targets.get(i, output))
            .collect();
        least_squares(&self.inputs, &y)
    }

    /// Objectives and (when `with_gradient`) their gradients at one weight vector.
    fn objectives_at(&self, w: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let (n, m) = (self.params.n_samples, self.params.n_outputs);
        let z: Vec<f64> = (0..n).map(|i| dot(self.inputs.row(i), w)).collect();
        let s = dot(&z, &z);
        let mut f = Vec::with_capacity(m);
        let mut grads = Vec::with_capacity(m);
        for k in 0..m {
            if s == 0.0 {
                // P = 0: the pseudo-inverse of 0 is 0. The gradient is taken as 0.
                f.push(self.target_norms[k]);
                grads.push(vec![0.0; w.len()]);
                continue;
            }
            let c = (0..n).map(|i| self.targets.get(i, k) * z[i]).sum::<f64>();
            f.push(self.target_norms[k] - c * c / s);
            let beta = c / s;
            // ∇f_k = −2 β Xᵀ (y_k − β z)
            let mut g = vec![0.0; w.len()];
            for (i, &zi) in z.iter().enumerate() {
                let r = self.targets.get(i, k) - beta * zi;
                for (gj, &xij) in g.iter_mut().zip(self.inputs.row(i)) {
                    *gj += xij * r;
                }
            }
            g.iter_mut().for_each(|gj| *gj *= -2.0 * beta);
            grads.push(g);
        }
        (f, grads)
    }
}

impl Default for LinearRegression {
    /// LibMOON's sizes: 5 features, 2 outputs, 40 samples, seed 0.
    fn default() -> Self {
        Self::new(LinearRegressionParams::default()).expect("the default sizes are valid")
    }
}

impl fmt::Display for LinearRegression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.info.name)
    }
}

impl Problem for LinearRegression {
    fn info(&self) -> &ProblemInfo {
        &self.info
    }

    fn evaluate_tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let x = x.to_dtype(DType::F64)?;
        let (n, p, m) = (
            self.params.n_samples,
            self.params.n_features,
            self.params.n_outputs,
        );
        let device = x.device();
        let inputs_t = Tensor::from_vec(self.inputs.transpose().into_vec(), (p, n), device)?;
        let targets = Tensor::from_slice(self.targets.as_slice(), (n, m), device)?;
        let norms = Tensor::from_slice(&self.target_norms, (1, m), device)?;
        let z = x.matmul(&inputs_t)?; // [K, n]
        let c = z.matmul(&targets)?; // [K, m]
        let s = z.sqr()?.sum_keepdim(1)?; // [K, 1]
        // Where z = 0, c = 0 too: divide by 1 instead of 0 so that c²/s = 0 (pinv(0) = 0).
        let s = (&s + s.detach().eq(0.0)?.to_dtype(DType::F64)?)?;
        norms.broadcast_sub(&c.sqr()?.broadcast_div(&s)?)
    }

    fn evaluate(&self, x: &Matrix) -> Result<Matrix> {
        self.info.check_input(x)?;
        let mut f = Matrix::zeros(x.n_rows(), self.params.n_outputs);
        for k in 0..x.n_rows() {
            f.row_mut(k)
                .copy_from_slice(&self.objectives_at(x.row(k)).0);
        }
        Ok(f)
    }

    fn jacobian(&self, x: &Matrix) -> Result<(Matrix, JacobianBatch)> {
        self.info.check_input(x)?;
        let (p, m) = (self.params.n_features, self.params.n_outputs);
        let mut f = Matrix::zeros(x.n_rows(), m);
        let mut jac = JacobianBatch::zeros(x.n_rows(), m, p);
        for k in 0..x.n_rows() {
            let (values, grads) = self.objectives_at(x.row(k));
            f.row_mut(k).copy_from_slice(&values);
            for (row, g) in jac.point_mut(k).chunks_exact_mut(p).zip(&grads) {
                row.copy_from_slice(g);
            }
        }
        Ok((f, jac))
    }

    fn has_analytic_jacobian(&self) -> bool {
        true
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `argmin_w ‖y − Xw‖²` by a QR factorisation (Gram–Schmidt, each column orthogonalised twice);
/// `None` when a column of `X` depends on the earlier ones.
fn least_squares(x: &Matrix, y: &[f64]) -> Option<Vec<f64>> {
    let (n, p) = x.shape();
    // Orthonormal columns of Q, and the columns of the upper-triangular R.
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(p);
    let mut r: Vec<Vec<f64>> = Vec::with_capacity(p);
    for j in 0..p {
        let column: Vec<f64> = (0..n).map(|i| x.get(i, j)).collect();
        let mut v = column.clone();
        let mut r_col = vec![0.0; p];
        for _ in 0..2 {
            for (qi, ri) in q.iter().zip(r_col.iter_mut()) {
                let proj = dot(qi, &v);
                *ri += proj;
                v.iter_mut().zip(qi).for_each(|(vk, qk)| *vk -= proj * qk);
            }
        }
        let norm = dot(&v, &v).sqrt();
        if norm.is_nan() || norm <= 1e-12 * dot(&column, &column).sqrt() {
            return None;
        }
        r_col[j] = norm;
        r.push(r_col);
        q.push(v.into_iter().map(|vk| vk / norm).collect());
    }
    // R w = Qᵀ y, by back substitution.
    let mut w = vec![0.0; p];
    for j in (0..p).rev() {
        let tail: f64 = (j + 1..p).map(|l| r[l][j] * w[l]).sum();
        w[j] = (dot(&q[j], y) - tail) / r[j][j];
    }
    Some(w)
}

/// LibMOON's regression data, `problems/data/libmoon_regression.json` (keys `about`, `numpy`,
/// `X`, `Y`; numbers printed by Python's `repr`, which serde_json with `float_roundtrip` reads
/// back to the same doubles).
const LIBMOON_DATA: &str = include_str!("../data/libmoon_regression.json");

/// `(X, Y)` of [`LIBMOON_DATA`], 40 × 5 and 40 × 2.
fn libmoon_data() -> (Matrix, Matrix) {
    let value: serde_json::Value =
        serde_json::from_str(LIBMOON_DATA).expect("the embedded data file is valid JSON");
    let matrix = |key: &str, cols: usize| {
        let rows = value[key].as_array().expect("the data file holds X and Y");
        let data: Vec<f64> = rows
            .iter()
            .flat_map(|row| {
                let row = row.as_array().expect("rows are arrays");
                assert_eq!(row.len(), cols, "{key} has {cols} columns");
                row.iter().map(|v| v.as_f64().expect("entries are numbers"))
            })
            .collect();
        Matrix::from_vec(rows.len(), cols, data).expect("rows · cols entries")
    };
    let defaults = LinearRegressionParams::default();
    let inputs = matrix("X", defaults.n_features);
    let targets = matrix("Y", defaults.n_outputs);
    assert_eq!(inputs.n_rows(), defaults.n_samples, "X has 40 rows");
    assert_eq!(targets.n_rows(), defaults.n_samples, "Y has 40 rows");
    (inputs, targets)
}

fn build_regression(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    let defaults = LinearRegressionParams::default();
    if spec.normalize == Normalization::Libmoon {
        // LibMOON's data fix the sizes.
        fixed_size("regression", "n_var", defaults.n_features, spec.n_var)?;
        fixed_size("regression", "n_obj", defaults.n_outputs, spec.n_obj)?;
        return Ok(Box::new(LinearRegression::libmoon()));
    }
    let params = LinearRegressionParams {
        n_features: free_size("regression", "n_var", defaults.n_features, 1, spec.n_var)?,
        n_outputs: free_size("regression", "n_obj", defaults.n_outputs, 1, spec.n_obj)?,
        ..defaults
    };
    Ok(Box::new(LinearRegression::new(params)?))
}

// ---------------------------------------------------------------------------------------------
// Two Gaussians

/// LibMOON's two-Gaussian problem (`moogaussian`, class `MOOGaussian`): fit the mean `x` of a
/// unit-variance Gaussian to two targets `N(0, 1)` and `N(1, 1)` at once.
///
/// `f_i(x) = KL(N(μ_i·1, I) ‖ N(x, I)) = ½ ‖x − μ_i·1‖²`, with `μ = (0, 1)`.
///
/// LibMOON defines it for one variable (`n_var = 1`, its default and the only size its code
/// handles); with more variables this is the same KL between isotropic Gaussians in `ℝ^n`.
/// Unbounded, as in LibMOON. Gradient: `∂f_i/∂x_j = x_j − μ_i`.
///
/// Pareto set `x = t·1`, `t ∈ [0, 1]`; front `(n t²/2, n (1 − t)²/2)` (LibMOON's `_get_pf`
/// samples the same curve for `n = 1`). Ideal `(0, 0)`, nadir `(n/2, n/2)`. Reference point:
/// twice the nadir, `(n, n)`, which is LibMOON's all-ones reference for `n_var = 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct MooGaussian {
    info: ProblemInfo,
}

impl MooGaussian {
    /// The means `μ_1`, `μ_2` of the two target distributions.
    pub const MEANS: [f64; 2] = [0.0, 1.0];

    /// LibMOON's number of variables.
    pub const DEFAULT_N_VAR: usize = 1;

    /// The problem in `n_var` dimensions (at least 1).
    pub fn new(n_var: usize) -> Result<Self> {
        let n_var = free_size("moo-gaussian", "n_var", n_var, 1, Some(n_var))?;
        let half = n_var as f64 / 2.0;
        let info = ProblemInfo::new("MOOGaussian", n_var, 2)
            .with_reference_point(vec![2.0 * half; 2])
            .with_ideal_nadir(vec![0.0; 2], vec![half; 2])
            .with_citation(LIBMOON_CITATION);
        Ok(Self { info })
    }
}

impl Default for MooGaussian {
    /// One variable, as in LibMOON.
    fn default() -> Self {
        Self::new(Self::DEFAULT_N_VAR).expect("one variable is valid")
    }
}

impl fmt::Display for MooGaussian {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.info.name)
    }
}

impl Problem for MooGaussian {
    fn info(&self) -> &ProblemInfo {
        &self.info
    }

    fn evaluate_tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let x = x.to_dtype(DType::F64)?;
        let f = Self::MEANS
            .iter()
            .map(|&mu| (&x - mu)?.sqr()?.sum_keepdim(1)? * 0.5)
            .collect::<candle_core::Result<Vec<_>>>()?;
        Tensor::cat(&f, 1)
    }

    fn evaluate(&self, x: &Matrix) -> Result<Matrix> {
        Ok(self.jacobian(x)?.0)
    }

    fn jacobian(&self, x: &Matrix) -> Result<(Matrix, JacobianBatch)> {
        self.info.check_input(x)?;
        let n = self.info.n_var;
        let mut f = Matrix::zeros(x.n_rows(), 2);
        let mut jac = JacobianBatch::zeros(x.n_rows(), 2, n);
        for k in 0..x.n_rows() {
            for (i, mu) in Self::MEANS.into_iter().enumerate() {
                let mut sum = 0.0;
                for (j, &xj) in x.row(k).iter().enumerate() {
                    sum += (xj - mu) * (xj - mu);
                    jac.set(k, i, j, xj - mu);
                }
                f.set(k, i, 0.5 * sum);
            }
        }
        Ok((f, jac))
    }

    fn has_analytic_jacobian(&self) -> bool {
        true
    }

    fn pareto_front(&self, n_points: usize) -> Option<Matrix> {
        let count = n_points.max(2);
        let n = self.info.n_var as f64;
        let rows: Vec<[f64; 2]> = (0..count)
            .map(|i| {
                let t = i as f64 / (count - 1) as f64;
                [n * t * t / 2.0, n * (1.0 - t) * (1.0 - t) / 2.0]
            })
            .collect();
        Some(Matrix::from_rows(&rows).expect("rows of two"))
    }
}

fn build_moo_gaussian(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    fixed_size("moo-gaussian", "n_obj", 2, spec.n_obj)?;
    let n_var = free_size(
        "moo-gaussian",
        "n_var",
        MooGaussian::DEFAULT_N_VAR,
        1,
        spec.n_var,
    )?;
    Ok(Box::new(MooGaussian::new(n_var)?))
}

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[
    ProblemEntry {
        name: "regression",
        family: "LibMOON",
        summary: "multi-output linear regression with a shared feature (LibMOON; Hu et al. 2023)",
        build: build_regression,
    },
    ProblemEntry {
        name: "moo-gaussian",
        family: "LibMOON",
        summary: "fit one Gaussian's mean to two targets, N(0,1) and N(1,1), by KL (LibMOON)",
        build: build_moo_gaussian,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn least_squares_solves_an_exact_system() {
        // y = X·(1, −2) exactly.
        let x = Matrix::from_rows(&[[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]).unwrap();
        let w = least_squares(&x, &[1.0, -1.0, -3.0]).unwrap();
        assert!(
            (w[0] - 1.0).abs() < 1e-14 && (w[1] + 2.0).abs() < 1e-14,
            "{w:?}"
        );
        // Dependent columns.
        let x = Matrix::from_rows(&[[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]).unwrap();
        assert!(least_squares(&x, &[1.0, 2.0, 3.0]).is_none());
    }

    #[test]
    fn invalid_sizes_are_rejected() {
        let params = LinearRegressionParams {
            n_samples: 0,
            ..Default::default()
        };
        assert!(matches!(
            LinearRegression::new(params),
            Err(Error::InvalidSize {
                what: "n_samples",
                ..
            })
        ));
        assert!(matches!(
            MooGaussian::new(0),
            Err(Error::InvalidSize { .. })
        ));
    }

    #[test]
    fn problems_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LinearRegression>();
        check::<MooGaussian>();
        check::<LinearRegressionParams>();
    }
}
