//! ConFIG: conflict-free inverse gradients (Liu et al., ICLR 2025).

use crate::aggregator::{
    Aggregation, Aggregator, Family, MethodInfo, OptionInfo, Properties, StepInput,
    rescale_exponent, times_power_of_two,
};
use crate::error::{Error, ParamsError, Result};
use crate::linalg::{Gramian, combine, dot, lstsq_min_norm, pinv_coefficients, symmetric_eigen};

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}
use crate::method::options::Options;
use crate::method::params::{MethodParams, option_choices, params};
use tradeoff_pareto::Matrix;

/// How ConFIG sets the length of its unit direction `û` (conflictfree's length models).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConFigLength {
    /// `Σ_i g_iᵀû` (conflictfree `ProjectionLength`, the default; it can be negative).
    Projection,
    /// `τ·Σ_i u_iᵀû` with `τ = min_i ‖g_i‖` (`TrackMinimum`).
    TrackMinimum,
    /// `τ = max_i ‖g_i‖` (`TrackMaximum`).
    TrackMaximum,
    /// `τ = m / Σ_i 1/‖g_i‖` (`TrackHarmonicAverage`; 0 when a row is zero).
    TrackHarmonic,
    /// `τ = mean_i ‖g_i‖` (`TrackArithmeticAverage`).
    TrackArithmetic,
    /// `τ = (Π_i ‖g_i‖)^(1/m)` (`TrackGeometricAverage`).
    TrackGeometric,
    /// `τ = ‖g_k‖` (`TrackSpecific(track_id = k)`).
    TrackSpecific(usize),
}

/// How ConFIG solves `U d = w` for the minimum-norm least-squares `d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConFigSolver {
    /// Pseudo-inverse by a one-sided Jacobi SVD, cut-off `max(m,n)·ε·σ_max` (as
    /// `torch.linalg.pinv`). Also yields the weights on the rows of `J`.
    Pinv,
    /// Least squares by a rank-revealing QR with column pivoting, cut-off `max(m,n)·ε·|R₀₀|`
    /// (as LAPACK `gelsy`, conflictfree's default on the CPU). No weights.
    Lstsq,
}

option_choices!(ConFigLength {
    Projection = "projection",
    TrackMinimum = "min",
    TrackMaximum = "max",
    TrackHarmonic = "harmonic",
    TrackArithmetic = "arithmetic",
    TrackGeometric = "geometric",
    TrackSpecific(0) = "track",
});

option_choices!(ConFigSolver {
    Pinv = "pinv",
    Lstsq = "lstsq",
});

params! {
    /// ConFIG's options as given (`length=track` takes its objective from `track_id`); read
    /// into [`ConFigParams`].
    pub struct ConFigOptions {
        /// Target cosines `w`. Default `None`: all ones.
        weights: Option<Vec<f64>> = None => "1,...,1", any,
            "target cosines w, comma-separated (one per objective)";
        /// The length model. Default [`ConFigLength::Projection`].
        length: ConFigLength = ConFigLength::Projection => "projection", any,
            "projection | min | max | harmonic | arithmetic | geometric | track";
        /// The objective whose gradient norm sets the length (`length=track`). Default 0.
        track_id: usize = 0, any,
            "the objective whose gradient norm sets the length (length=track)";
        /// The linear solver. Default [`ConFigSolver::Pinv`].
        solver: ConFigSolver = ConFigSolver::Pinv => "pinv", any,
            "pinv (Jacobi SVD, gives weights) or lstsq (pivoted QR)";
        /// Relative singular-value cut-off. Default `None` (`auto`).
        rcond: Rcond = Rcond(None) => "auto", any,
            "singular values of the unit rows below rcond*sigma_max count as zero: auto (max(m,n)*eps; sqrt(64*m*eps) through the Gramian for large n) or a number in [0, 1)";
    }
}

/// The option `rcond` as given: `auto` (`None`) or a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rcond(pub Option<f64>);

impl crate::method::params::OptionValue for Rcond {
    const EXPECTED: &'static str = "auto or a finite number";
    fn parse_option(text: &str) -> Option<Self> {
        if text.trim().eq_ignore_ascii_case("auto") {
            return Some(Self(None));
        }
        f64::parse_option(text).map(|v| Self(Some(v)))
    }
    fn number(&self) -> Option<f64> {
        self.0
    }
}

/// Parameters of [`ConFig`]; the defaults come from ConFIG's option table.
#[derive(Clone, Debug, PartialEq)]
pub struct ConFigParams {
    /// Target cosines `w` (length `n_obj`, finite). `None` (default): all ones (conflictfree's
    /// `EqualWeight`, TorchJD's `pref_vector=None`).
    pub weights: Option<Vec<f64>>,
    /// The length model. Default [`ConFigLength::Projection`].
    pub length: ConFigLength,
    /// The linear solver. Default [`ConFigSolver::Pinv`].
    pub solver: ConFigSolver,
    /// Relative cut-off on the singular values `σ` of the unit rows `U`: those at or below
    /// `rcond·σ_max` count as zero. `None` (default, `auto`): `max(m,n)·ε` on the direct path
    /// (`torch.linalg.pinv`'s and LAPACK's default), and `√(64·m·ε)` (about `1.7e-7` for two
    /// objectives) on the Gramian path used for large `n`, below which `UUᵀ` carries only
    /// rounding. A number in `[0, 1)` is used on both paths (a value below the Gramian's floor
    /// makes the step take the direct path). Directions of `U` weaker than the cut-off are
    /// dropped: on nearly rank-deficient Jacobians (float32 gradients whose "zero" singular
    /// values are about `1e-8·σ_max`) the default can drop directions that conflictfree and
    /// TorchJD keep (`rcond=0` or `1e-12` keeps them), which changes the direction's length.
    /// To keep such directions use `solver=lstsq`: its pivoted QR solves them to about
    /// `ε·cond(U)`, while the `pinv` solver's coefficients `VΣ⁻²Vᵀw` square the conditioning
    /// (on a test matrix with `cond(U) ≈ 1.7e8` its direction is about 40 times too long).
    pub rcond: Option<f64>,
}

impl From<ConFigOptions> for ConFigParams {
    fn from(options: ConFigOptions) -> Self {
        Self {
            weights: options.weights,
            length: match options.length {
                ConFigLength::TrackSpecific(_) => ConFigLength::TrackSpecific(options.track_id),
                length => length,
            },
            solver: options.solver,
            rcond: options.rcond.0,
        }
    }
}

impl Default for ConFigParams {
    fn default() -> Self {
        ConFigOptions::default().into()
    }
}

impl MethodParams for ConFigParams {
    const OPTIONS: &'static [OptionInfo] = ConFigOptions::OPTIONS;

    fn validate_for(&self, method: &'static str) -> std::result::Result<(), ParamsError> {
        if let Some(r) = self.rcond {
            if !(0.0..1.0).contains(&r) {
                return Err(ParamsError::Invalid {
                    method,
                    name: "rcond",
                    rule: "must be auto or a number in [0, 1)",
                    got: format!("{r}"),
                });
            }
        }
        if let Some(w) = &self.weights {
            if w.is_empty() || w.iter().any(|v| !v.is_finite()) {
                return Err(ParamsError::Invalid {
                    method,
                    name: "weights",
                    rule: "must be n_obj finite numbers",
                    got: format!("{w:?}"),
                });
            }
        }
        Ok(())
    }

    fn read_values(
        method: &'static str,
        options: &Options,
    ) -> std::result::Result<Self, ParamsError> {
        ConFigOptions::read_values(method, options).map(Self::from)
    }
}

/// ConFIG, conflict-free inverse gradients.
///
/// **Paper.** Q. Liu, M. Chu and N. Thuerey, "ConFIG: Towards Conflict-free Training of
/// Physics Informed Neural Networks", ICLR 2025 (arXiv:2408.11104), Eq. (2); reference code
/// `tum-pbs/ConFIG` (package `conflictfree` 0.1.8).
///
/// **Formula.** `u_i = g_i/‖g_i‖` (0 for a zero row), `d` = the minimum-norm least-squares
/// solution of `U d = w` (`U` has rows `u_i`; `w` = ones by default), `û = d/‖d‖` (0 if
/// `d = 0`), output `len·û` with `len = Σ_i g_iᵀû` or a tracking length (see
/// [`ConFigLength`]). When `m ≤ n` and `J` has full row rank, `u_iᵀû = w_i/‖d‖` for every `i`:
/// with equal `w` the output makes the same positive angle with every gradient, so it conflicts
/// with none.
///
/// **Parameters.** [`ConFigParams`]: `weights = ones`, `length = projection`, `solver = pinv`,
/// `rcond = auto` (the pseudo-inverse's cut-off: see [`ConFigParams::rcond`]).
///
/// **Properties claimed.** Permutation invariant, linear under scaling (TorchJD's table; with
/// the default projection length — the tracking lengths scale with a mean of the row norms). It
/// is **not** claimed non-conflicting: with `m > n` or a rank-deficient `J` the least-squares
/// compromise can conflict (e.g. conflictfree's own `J_m_gt_n`).
///
/// **Cost.** For `n > 4096` and `n ≥ 64m`: one pass over `J` for `G = JJᵀ` (blocked SIMD or
/// `gemm`), O(m³) for a symmetric eigendecomposition of the unit-row Gramian `D⁻¹GD⁻¹`, one pass
/// for `d = Jᵀw` (both solvers; the same minimum-norm least-squares solution). Steps whose unit
/// rows are ill-conditioned (a singular value between the noise floor `√(64mε)·σ_max` and
/// `10⁻³·σ_max`) and small `n` use the direct path: O(m²n·sweeps) for a one-sided Jacobi SVD
/// (`pinv`) or O(m²n) for a pivoted QR (`lstsq`) of the unit rows. No n×n matrix is formed.
///
/// **Differences from the reference implementation.**
/// - For two losses `conflictfree.ConFIGOperator` (the default operator) routes to the closed
///   form `ConFIG_update_double`, which returns NaN for parallel, opposite or zero gradients.
///   We always use the general path, which equals the closed form on generic inputs and gives
///   the right finite answers otherwise: parallel `g, 2g` → `3g` (their sum, no conflict to
///   resolve), opposite `g, −g` → 0 (no direction decreases both), a zero row → the other
///   gradient.
/// - Tracking lengths: a zero row contributes 0 to `Σ u_iᵀû` instead of NaN.
/// - When `w` is numerically orthogonal to the range of `U` (`‖U d‖ ≤ 16·max(m,n)·ε·‖w‖`, e.g.
///   opposite gradients `g, −cg`) the output is 0; conflictfree normalises the rounding noise
///   of `d` into an arbitrary unit direction unless `d` is exactly 0.
/// - On the Gramian path (large `n`), singular values of `U` below `√(64mε)·σ_max` count as zero
///   (they are below the rounding of `UUᵀ`); `torch.linalg.pinv` keeps them down to
///   `max(m,n)·ε·σ_max`. This only matters for nearly dependent gradients.
/// - A Jacobian whose largest entry is above `2^400` or below `2^-400` is first multiplied by a
///   power of two (exact) to bring it to unit size, and the direction multiplied back: row norms
///   of entries near `1e154` overflow and near `1e-154` underflow, which gave a zero direction.
///   A direction too large for f64 (e.g. for entries near `1e308`) is then an error of
///   [`crate::aggregate`], never an infinity.
/// - The least-squares solver is rank-revealing on every device (conflictfree's CUDA `gels`
///   assumes full rank).
#[derive(Clone, Debug)]
pub struct ConFig {
    params: ConFigParams,
}

impl ConFig {
    /// Validates `params`.
    pub fn new(params: ConFigParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(CONFIG_INFO.name)?;
        Ok(Self { params })
    }

    /// Reads `weights`, `length` (`projection` | `min` | `max` | `harmonic` | `arithmetic` |
    /// `geometric` | `track`), `track_id`, `solver` (`pinv` | `lstsq`) and `rcond` (`auto` or a
    /// number in `[0, 1)`), then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(ConFigParams::read(CONFIG_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &ConFigParams {
        &self.params
    }
}

crate::method::entry::display_as!(ConFig);

impl Aggregator for ConFig {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let (direction, weights) = config_direction(input.jacobian, &self.params)?;
        Ok(Aggregation {
            direction,
            weights,
            diagnostics: Default::default(),
        })
    }

    crate::method::entry::info_is!(CONFIG_INFO);
}

/// The Gramian path is used when `n > GRAM_MIN_N` and `n ≥ GRAM_MIN_RATIO·m`: below that the
/// direct SVD / QR on the rows costs little and is the more accurate of the two (it keeps singular
/// values down to `max(m,n)·ε·σ_max`, the Gramian only down to `√(GRAM_NOISE·m·ε)·σ_max`).
pub(crate) const GRAM_MIN_N: usize = 4096;
/// See [`GRAM_MIN_N`].
pub(crate) const GRAM_MIN_RATIO: usize = 64;
/// Eigenvalues of the unit-row Gramian `G_u` at or below `GRAM_NOISE·m·ε·λ_max` are rounding
/// noise (the computed `G_u` is exact only to a few ε per entry) and count as zero.
const GRAM_NOISE: f64 = 64.0;
/// A kept eigenvalue below `GRAM_ILL·λ_max` (cond(U) above 10³) would make the Gramian path lose
/// more than ~1e-10 relative accuracy (its error grows like `ε·λ_max/λ_k`): such steps fall back
/// to the direct SVD / QR.
const GRAM_ILL: f64 = 1e-6;

/// Which computation [`config_direction_via`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))] // `Direct` and `Gram` are forced by the tests only
pub(crate) enum ConFigPath {
    /// The Gramian for large `n` (see [`GRAM_MIN_N`]), else the direct one.
    Auto,
    /// One-sided Jacobi SVD (`pinv`) or pivoted QR (`lstsq`) of the `m × n` unit rows.
    Direct,
    /// Through `G = JJᵀ` (falls back to [`ConFigPath::Direct`] when ill-conditioned).
    Gram,
}

/// ConFIG on the rows of `j` (`m × n`): `(direction, weights on the rows)` (weights only for the
/// `pinv` solver).
pub(crate) fn config_direction(
    j: &Matrix,
    params: &ConFigParams,
) -> Result<(Vec<f64>, Option<Vec<f64>>)> {
    config_direction_via(j, params, ConFigPath::Auto)
}

/// [`config_direction`] with an explicit choice of computation.
pub(crate) fn config_direction_via(
    j: &Matrix,
    params: &ConFigParams,
    path: ConFigPath,
) -> Result<(Vec<f64>, Option<Vec<f64>>)> {
    let (m, n) = j.shape();
    let target: Vec<f64> = match &params.weights {
        None => vec![1.0; m],
        Some(w) if w.len() == m => w.clone(),
        Some(w) => {
            return Err(Error::DimensionMismatch {
                what: "config weights length (n_obj)",
                expected: m,
                got: w.len(),
            });
        }
    };
    if let ConFigLength::TrackSpecific(k) = params.length {
        if k >= m {
            return Err(Error::DimensionMismatch {
                what: "config track_id (must be below n_obj)",
                expected: m,
                got: k,
            });
        }
    }
    // Row norms of entries above ~1e154 overflow and below ~1e-154 underflow: ConFIG is
    // scale-equivariant (d(cJ) = c·d(J), same weights), so such a J runs at unit size.
    if let Some(k) = rescale_exponent(j.as_slice()) {
        let data = j
            .as_slice()
            .iter()
            .map(|&v| times_power_of_two(v, k))
            .collect();
        let scaled = Matrix::from_vec(m, n, data).expect("the Jacobian's shape");
        let (mut direction, weights) = config_direction_via(&scaled, params, path)?;
        for v in &mut direction {
            *v = times_power_of_two(*v, -k);
        }
        return Ok((direction, weights));
    }
    let gram = match path {
        ConFigPath::Direct => false,
        ConFigPath::Gram => true,
        ConFigPath::Auto => n > GRAM_MIN_N && n >= GRAM_MIN_RATIO * m,
    };
    if gram {
        if let Some(out) = config_gram(j, &target, params) {
            return Ok(out);
        }
    }
    let rows: Vec<&[f64]> = j.rows().collect();
    Ok(config_direct(&rows, n, &target, params))
}

/// `τ` of a tracking length (`length` is not [`ConFigLength::Projection`]).
fn track_scale(length: ConFigLength, norms: &[f64]) -> f64 {
    let m = norms.len();
    match length {
        ConFigLength::TrackMinimum => norms.iter().copied().fold(f64::INFINITY, f64::min),
        ConFigLength::TrackMaximum => norms.iter().copied().fold(0.0, f64::max),
        ConFigLength::TrackHarmonic => m as f64 / norms.iter().map(|v| 1.0 / v).sum::<f64>(),
        ConFigLength::TrackArithmetic => norms.iter().sum::<f64>() / m as f64,
        ConFigLength::TrackGeometric => {
            (norms.iter().map(|v| v.ln()).sum::<f64>() / m as f64).exp()
        }
        ConFigLength::TrackSpecific(k) => norms[k],
        ConFigLength::Projection => unreachable!("not a tracking length"),
    }
}

/// ConFIG through the Gramian, in two passes over `J` (`G = JJᵀ`, then `d = Jᵀw`) and O(m³).
///
/// With `D = diag(‖g_i‖)` (zero rows: their row and column of `G_u` are 0) the unit rows are
/// `U = D⁻¹J` and `G_u = UUᵀ = D⁻¹GD⁻¹`. The minimum-norm least-squares solution of `U d = w`
/// is `d = Uᵀc` with `c = G_u⁺w` (pseudo-inverse from a symmetric eigendecomposition; the
/// eigenvalues of `G_u` are the squared singular values of `U`, cut at
/// `max((max(m,n)·ε)², GRAM_NOISE·m·ε)·λ_max`). Then `Ud = G_u c`, `‖d‖² = cᵀG_u c`,
/// `g_iᵀd = ‖g_i‖(G_u c)_i`, and the output is `Jᵀ(length/‖d‖ · D⁻¹c)`. `None` when a kept
/// eigenvalue is below `GRAM_ILL·λ_max` (the caller then uses the direct path).
fn config_gram(
    j: &Matrix,
    target: &[f64],
    params: &ConFigParams,
) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
    let (m, n) = j.shape();
    let with_weights = params.solver == ConFigSolver::Pinv;
    let zero = || (vec![0.0; n], with_weights.then(|| vec![0.0; m]));
    // (J/s)(J/s)ᵀ with s a power of two: G_u does not depend on s.
    let sg = Gramian::new(j);
    let g = &sg.matrix;
    let scaled: Vec<f64> = (0..m).map(|i| g.get(i, i).max(0.0).sqrt()).collect();
    let norms: Vec<f64> = scaled.iter().map(|v| v * sg.scale).collect();
    let mut gu = Matrix::zeros(m, m);
    for a in 0..m {
        for b in 0..=a {
            if scaled[a] > 0.0 && scaled[b] > 0.0 {
                let v = if a == b {
                    1.0
                } else {
                    g.get(a, b) / scaled[a] / scaled[b]
                };
                gu.set(a, b, v);
                gu.set(b, a, v);
            }
        }
    }
    let eig = symmetric_eigen(&gu);
    let lmax = eig.values.iter().fold(0.0_f64, |acc, v| acc.max(v.abs()));
    if lmax == 0.0 {
        return Some(zero());
    }
    let noise_floor = GRAM_NOISE * m as f64 * f64::EPSILON;
    let cut = match params.rcond {
        None => {
            let svd_cut = m.max(n) as f64 * f64::EPSILON;
            (svd_cut * svd_cut).max(noise_floor) * lmax
        }
        // Below the noise floor the Gramian cannot tell a weak direction from rounding.
        Some(r) if r * r < noise_floor => return None,
        Some(r) => r * r * lmax,
    };
    if eig.values.iter().any(|&l| l > cut && l < GRAM_ILL * lmax) {
        return None;
    }
    // c = Σ_{λ_k > cut} v_k (v_kᵀw) / λ_k
    let mut c = vec![0.0; m];
    for (k, &l) in eig.values.iter().enumerate() {
        if l > cut {
            let p = (0..m)
                .map(|i| eig.vectors.get(i, k) * target[i])
                .sum::<f64>()
                / l;
            for (i, ci) in c.iter_mut().enumerate() {
                *ci += p * eig.vectors.get(i, k);
            }
        }
    }
    let uc: Vec<f64> = (0..m).map(|i| dot(gu.row(i), &c)).collect(); // U d
    let noise = 16.0 * m.max(n) as f64 * f64::EPSILON * norm(target);
    let dn2 = dot(&uc, &c);
    if norm(&uc) <= noise || dn2.is_nan() || dn2 <= 0.0 {
        return Some(zero());
    }
    let dn = dn2.sqrt();
    let length = match params.length {
        ConFigLength::Projection => norms.iter().zip(&uc).map(|(a, b)| a * b).sum::<f64>() / dn,
        track => track_scale(track, &norms) * uc.iter().sum::<f64>() / dn,
    };
    let weights: Vec<f64> = (0..m)
        .map(|i| {
            if norms[i] > 0.0 {
                length / dn * c[i] / norms[i]
            } else {
                0.0
            }
        })
        .collect();
    let direction = combine(j, &weights);
    Some((direction, with_weights.then_some(weights)))
}

/// ConFIG on explicit rows (`m` rows of length `n`) by an SVD or QR of the unit rows.
fn config_direct(
    rows: &[&[f64]],
    n: usize,
    target: &[f64],
    params: &ConFigParams,
) -> (Vec<f64>, Option<Vec<f64>>) {
    let m = rows.len();
    let norms: Vec<f64> = rows.iter().map(|r| norm(r)).collect();
    let units: Vec<Vec<f64>> = rows
        .iter()
        .zip(&norms)
        .map(|(r, &nr)| {
            if nr > 0.0 {
                r.iter().map(|v| v / nr).collect()
            } else {
                vec![0.0; n]
            }
        })
        .collect();
    // d = U⁺w, and for pinv also y with d = Uᵀy.
    let (d, y) = match params.solver {
        ConFigSolver::Pinv => {
            let y = pinv_coefficients(&units, n, target, params.rcond);
            let mut d = vec![0.0; n];
            for (u, &c) in units.iter().zip(&y) {
                for (di, ui) in d.iter_mut().zip(u) {
                    *di += c * ui;
                }
            }
            (d, Some(y))
        }
        ConFigSolver::Lstsq => (lstsq_min_norm(&units, n, target, params.rcond), None),
    };
    // `w` numerically orthogonal to the range of `U` (e.g. opposite gradients g and −cg): the
    // least-squares solution is 0, and what the solver returns is rounding noise whose
    // direction is meaningless. Treat it as 0 (conflictfree only catches an exact 0).
    let ud: Vec<f64> = units.iter().map(|u| dot(u, &d)).collect();
    let noise = 16.0 * m.max(n) as f64 * f64::EPSILON * norm(target);
    let dn = if norm(&ud) <= noise { 0.0 } else { norm(&d) };
    if dn == 0.0 {
        return (vec![0.0; n], y.map(|_| vec![0.0; m]));
    }
    let uhat: Vec<f64> = d.iter().map(|v| v / dn).collect();
    let length = match params.length {
        ConFigLength::Projection => rows.iter().map(|r| dot(r, &uhat)).sum::<f64>(),
        track => track_scale(track, &norms) * units.iter().map(|u| dot(u, &uhat)).sum::<f64>(),
    };
    let direction: Vec<f64> = uhat.iter().map(|v| length * v).collect();
    let weights = y.map(|y| {
        (0..m)
            .map(|i| {
                if norms[i] > 0.0 {
                    length / dn * y[i] / norms[i]
                } else {
                    0.0
                }
            })
            .collect()
    });
    (direction, weights)
}

/// The registry row.
pub static CONFIG_INFO: MethodInfo = MethodInfo::new("config", "ConFIG", Family::Aggregator)
.cite("Liu, Chu & Thuerey, ConFIG: Towards Conflict-free Training of Physics Informed Neural Networks, ICLR 2025 (arXiv:2408.11104)")
.claims(Properties::NONE.permutation_invariant().linear_under_scaling())
.options(ConFigParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    fn solve_both(u: &[Vec<f64>], n: usize, w: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let y = pinv_coefficients(u, n, w, None);
        let mut d = vec![0.0; n];
        for (row, c) in u.iter().zip(&y) {
            for (di, ui) in d.iter_mut().zip(row) {
                *di += c * ui;
            }
        }
        (d, lstsq_min_norm(u, n, w, None))
    }

    #[test]
    fn min_norm_solutions_agree() {
        // Full row rank 2×3.
        let u = vec![vec![1.0, 2.0, 0.0], vec![0.0, 1.0, 1.0]];
        let (a, b) = solve_both(&u, 3, &[1.0, 2.0]);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-14);
        }
        assert!((dot(&u[0], &a) - 1.0).abs() < 1e-14 && (dot(&u[1], &a) - 2.0).abs() < 1e-14);
        // Rank-deficient 3×2 with an inconsistent right-hand side: (1,0),(1,0),(0,1), w = (1,3,1)
        // → least squares x = (2, 1).
        let u = vec![vec![1.0, 0.0], vec![1.0, 0.0], vec![0.0, 1.0]];
        let (a, b) = solve_both(&u, 2, &[1.0, 3.0, 1.0]);
        for (x, y) in a
            .iter()
            .zip(&b)
            .zip([2.0, 1.0])
            .map(|((x, y), e)| (x - e, y - e))
        {
            assert!(x.abs() < 1e-14 && y.abs() < 1e-14);
        }
        // Duplicate rows in a wide matrix: min-norm among solutions.
        let u = vec![vec![1.0, 1.0, 0.0], vec![1.0, 1.0, 0.0]];
        let (a, b) = solve_both(&u, 3, &[1.0, 1.0]);
        for (x, y) in a
            .iter()
            .zip(&b)
            .zip([0.5, 0.5, 0.0])
            .map(|((x, y), e)| (x - e, y - e))
        {
            assert!(x.abs() < 1e-14 && y.abs() < 1e-14);
        }
    }

    /// A random `m × n` Jacobian of rank `min(rank, m)`: `rank` random rows, the others random
    /// combinations of them (and one zero row when `zero_row`).
    fn random_jacobian(m: usize, n: usize, rank: usize, zero_row: bool, seed: u64) -> Matrix {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let base: Vec<Vec<f64>> = (0..rank.min(m))
            .map(|_| (0..n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect())
            .collect();
        let mut data = Vec::with_capacity(m * n);
        for i in 0..m {
            if zero_row && i == m - 1 {
                data.extend(std::iter::repeat_n(0.0, n));
            } else if i < base.len() {
                data.extend(base[i].iter().map(|v| v * (1.0 + i as f64)));
            } else {
                let coef: Vec<f64> = base.iter().map(|_| rng.random::<f64>() - 0.3).collect();
                data.extend(
                    (0..n).map(|k| base.iter().zip(&coef).map(|(b, c)| b[k] * c).sum::<f64>()),
                );
            }
        }
        Matrix::from_vec(m, n, data).unwrap()
    }

    fn rel_err(a: &[f64], b: &[f64]) -> f64 {
        let diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt();
        diff / norm(b).max(f64::MIN_POSITIVE)
    }

    #[test]
    fn gram_path_agrees_with_direct_path() {
        let lengths = [
            ConFigLength::Projection,
            ConFigLength::TrackMinimum,
            ConFigLength::TrackSpecific(1),
        ];
        // (m, n, rank, zero row)
        let cases = [
            (2, 5000, 2, false),
            (3, 8000, 3, true),
            (6, 12000, 6, false),
            (8, 20000, 4, false),
            (10, 6000, 7, true),
        ];
        for (case, &(m, n, rank, zero_row)) in cases.iter().enumerate() {
            let j = random_jacobian(m, n, rank, zero_row, 11 + case as u64);
            for (t, &length) in lengths.iter().enumerate() {
                for solver in [ConFigSolver::Pinv, ConFigSolver::Lstsq] {
                    let weights = (t == 2).then(|| (0..m).map(|i| 1.0 + 0.1 * i as f64).collect());
                    let params = ConFigParams {
                        weights,
                        length,
                        solver,
                        rcond: None,
                    };
                    let (dg, wg) = config_direction_via(&j, &params, ConFigPath::Gram).unwrap();
                    let (dd, wd) = config_direction_via(&j, &params, ConFigPath::Direct).unwrap();
                    let e = rel_err(&dg, &dd);
                    assert!(
                        e < 1e-8,
                        "m={m} n={n} rank={rank} {length:?} {solver:?}: {e:e}"
                    );
                    assert_eq!(wg.is_some(), wd.is_some());
                    if let (Some(wg), Some(wd)) = (wg, wd) {
                        assert!(rel_err(&wg, &wd) < 1e-8, "weights m={m} n={n} rank={rank}");
                    }
                }
            }
        }
    }

    #[test]
    fn gram_path_edge_cases() {
        let n = 5000;
        let g: Vec<f64> = (0..n)
            .map(|k| ((k * 7919) % 101) as f64 / 50.0 - 1.0)
            .collect();
        let p = ConFigParams::default();
        // Opposite gradients: zero output. Parallel g, 2g: their sum. All zero: zero.
        let opp: Vec<f64> = g
            .iter()
            .chain(g.iter().map(|v| -2.0 * v).collect::<Vec<_>>().iter())
            .copied()
            .collect();
        let (d, _) =
            config_direction_via(&Matrix::from_vec(2, n, opp).unwrap(), &p, ConFigPath::Gram)
                .unwrap();
        assert!(d.iter().all(|&v| v == 0.0));
        let par: Vec<f64> = g.iter().copied().chain(g.iter().map(|v| 2.0 * v)).collect();
        let (d, _) =
            config_direction_via(&Matrix::from_vec(2, n, par).unwrap(), &p, ConFigPath::Gram)
                .unwrap();
        let want: Vec<f64> = g.iter().map(|v| 3.0 * v).collect();
        assert!(rel_err(&d, &want) < 1e-12);
        let (d, w) = config_direction_via(&Matrix::zeros(3, n), &p, ConFigPath::Gram).unwrap();
        assert!(d.iter().all(|&v| v == 0.0) && w == Some(vec![0.0; 3]));
    }

    #[test]
    fn options_parse() {
        let o = Options::new()
            .with("length", "track")
            .with("track_id", 1)
            .with("solver", "lstsq")
            .with("weights", "1,2");
        let c = ConFig::from_options(&o).unwrap();
        assert_eq!(c.params().length, ConFigLength::TrackSpecific(1));
        assert_eq!(c.params().solver, ConFigSolver::Lstsq);
        assert_eq!(c.params().weights, Some(vec![1.0, 2.0]));
        assert!(ConFig::from_options(&Options::new().with("length", "median")).is_err());
        assert!(ConFig::from_options(&Options::new().with("beta", 1)).is_err());
    }

    #[test]
    fn weights_validation() {
        let p = ConFigParams {
            weights: Some(vec![1.0, f64::NAN]),
            ..ConFigParams::default()
        };
        assert!(matches!(
            ConFig::new(p).unwrap_err(),
            ParamsError::Invalid {
                name: "weights",
                ..
            }
        ));
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ConFig>();
    }
}
