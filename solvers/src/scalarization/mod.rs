//! Scalarizations: preference-weighted functions `s(f; λ)` of the objective vector, minimised by
//! gradient descent on `s(f(x))`.
//!
//! Ten functions, the set LibMOON ships (`util/scalarization.py`, registry
//! `util/constant.py::get_agg_func`), with LibMOON's formulas and defaults checked against its
//! source at commit b43d825:
//!
//! | CLI name | display | `s(f; λ)` with `y = f − z` | defaults |
//! |---|---|---|---|
//! | `ls` | LS | `Σ_i λ_i y_i` | |
//! | `tche` | Tche | `max_i λ_i y_i` | `libmoon = false` |
//! | `mtche` | mTche | `max_i y_i / λ_i` | `libmoon = false` |
//! | `pbi` | PBI | `d1 + θ d2`, `d1 = ⟨y, λ̂⟩`, `d2 = ‖y − d1 λ̂‖`, `λ̂ = λ/‖λ‖` | `θ = 1` |
//! | `cosmos` | COSMOS | `⟨y, λ̂⟩ − c·⟨y, λ̂⟩/‖y‖` (= `d1 − c·cos(y, λ)`) | `c = 8` |
//! | `invagg` | InvAgg | `Π_i (u − y_i)^(−λ_i)`, defined for `y_i < u` | `u = 1` |
//! | `stche` | STche | `μ·log Σ_i exp(λ_i y_i / μ)` | `μ = 0.1` |
//! | `smtche` | SmTche | `μ·log Σ_i exp(y_i / (λ_i μ))` | `μ = 0.1` |
//! | `aasf` | AASF | `SmTche(y; λ, μ) + ρ·Σ_i λ_i y_i` | `μ = 0.1`, `ρ = 0.1` |
//! | `pnorm` | PNorm | `‖λ ⊙ y‖_p` | `p = 2` |
//!
//! `z` is the ideal (reference) point, default 0 in every objective, settable for all ten
//! (`z=0.1` broadcasts, `z=0.1,0.2` gives one value per objective). The preference `λ` is used
//! as given (not renormalised); it must be non-negative, and strictly positive where a formula
//! divides by it (`mtche`, `smtche`, `aasf`).
//!
//! Every scalarization is also an [`Aggregator`] (family [`Family::Scalarization`]): the weights
//! are `w = ∂s/∂f` at the current losses and the direction is `d = Jᵀw`, i.e. the gradient of
//! `s(f(x))` by the chain rule. Cost: O(m) for the weights plus O(mn) for `Jᵀw`. Both the
//! losses and the preference are required.
//!
//! **Properties claimed** (for every kind): permutation invariant (rows of `J`, losses and
//! preference permuted together; Tche/mTche up to their lowest-index tie-break) and linear under
//! scaling (the weights depend on the losses only, so `d(diag(c)J)` is linear in `c`). Not
//! non-conflicting; the weights are not on the simplex in general.
//!
//! # Differences from the reference implementation (LibMOON)
//! - **Tche / mTche.** LibMOON returns the *unweighted* `f_{k*}` with `k* = argmax_i λ_i(f_i − z_i)`,
//!   so its gradient is `∇f_{k*}` rather than the textbook `λ_{k*}∇f_{k*}`. We default to the
//!   textbook `max_i λ_i y_i`; the option `libmoon=true` reproduces LibMOON (value `f_{k*}`,
//!   weights `e_{k*}`).
//! - **PBI / COSMOS** ignore `z` in LibMOON; we subtract `z` (default 0, so the defaults agree).
//!   LibMOON's numpy PBI path divides `w` by the norm of the whole preference *matrix* (a bug);
//!   we follow its torch path (per-row norm). COSMOS's `c` is 8 as in `get_agg_func` (the function's
//!   own default is 10, and `pmgda_solver.cosmos` uses 5).
//! - **invagg**: LibMOON's `z = 1` is our upper reference `u`; our `z` shifts `f` first.
//! - **Subgradients at kinks** (LibMOON relies on autograd's choice): Tche/mTche take the lowest
//!   index among tied maximisers (as `torch.argmax`); PBI takes `λ̂` when `d2 = 0`; COSMOS takes
//!   `λ̂` when `y = 0`; PNorm takes 0 when `λ ⊙ y = 0`.

use crate::aggregator::{
    Aggregation, Aggregator, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{Error, ParamsError, Result};
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};

/// Which scalarization function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarizationKind {
    /// Linear scalarization (weighted sum).
    Ls,
    /// Weighted Tchebycheff.
    Tche,
    /// Modified Tchebycheff (weights inverted).
    MTche,
    /// Penalty-based boundary intersection.
    Pbi,
    /// COSMOS (linear term minus a cosine-similarity penalty).
    Cosmos,
    /// Inverse (product) aggregation.
    InvAgg,
    /// Smooth Tchebycheff.
    STche,
    /// Smooth modified Tchebycheff.
    SmTche,
    /// Augmented achievement scalarizing function.
    Aasf,
    /// Weighted p-norm.
    PNorm,
}

impl ScalarizationKind {
    /// Every kind, in registry order.
    pub const ALL: [ScalarizationKind; 10] = [
        Self::Ls,
        Self::Tche,
        Self::MTche,
        Self::Pbi,
        Self::Cosmos,
        Self::InvAgg,
        Self::STche,
        Self::SmTche,
        Self::Aasf,
        Self::PNorm,
    ];

    /// The method description of this kind.
    pub const fn info(self) -> &'static MethodInfo {
        match self {
            Self::Ls => &LS_INFO,
            Self::Tche => &TCHE_INFO,
            Self::MTche => &MTCHE_INFO,
            Self::Pbi => &PBI_INFO,
            Self::Cosmos => &COSMOS_INFO,
            Self::InvAgg => &INVAGG_INFO,
            Self::STche => &STCHE_INFO,
            Self::SmTche => &SMTCHE_INFO,
            Self::Aasf => &AASF_INFO,
            Self::PNorm => &PNORM_INFO,
        }
    }

    /// The CLI name (`ls`, `tche`, ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The kind called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.name() == lower)
    }

    /// Whether the formula divides by `λ_i` (so every entry must be positive).
    fn inverts_preference(self) -> bool {
        matches!(self, Self::MTche | Self::SmTche | Self::Aasf)
    }
}

/// Parameters of a [`Scalarization`]. Fields that a kind does not use are ignored by it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalarizationParams {
    /// Which function.
    pub kind: ScalarizationKind,
    /// Ideal (reference) point `z`: one value broadcast to every objective, or one per
    /// objective. Default `[0]`. Entries finite.
    pub ideal: Vec<f64>,
    /// Tche / mTche only: step along the unweighted `∇f_{k*}` as LibMOON does. Default `false`.
    pub libmoon: bool,
    /// PBI penalty `θ ≥ 0`. Default 1.
    pub theta: f64,
    /// COSMOS cosine weight `c ≥ 0`. Default 8 (LibMOON's `cosmos_hp`).
    pub cosmos_c: f64,
    /// Smoothing `μ > 0` of STche, SmTche and AASF. Default 0.1.
    pub mu: f64,
    /// AASF augmentation `ρ ≥ 0`. Default 0.1.
    pub rho: f64,
    /// PNorm order `p ≥ 1`. Default 2.
    pub p: f64,
    /// invagg upper reference `u` (finite): the function is defined for `f_i − z_i < u`.
    /// Default 1.
    pub upper: f64,
}

params! {
    /// Every scalarization's options, one table (each kind takes the rows its formula uses);
    /// the defaults of [`ScalarizationParams::new`].
    pub struct ScalarizationOptions {
        /// Ideal point `z`. Default `[0]`.
        ideal as "z": Vec<f64> = vec![0.0] => "0", finite_list,
            "ideal point: one number for every objective, or comma-separated per objective";
        /// Tche / mTche: LibMOON's unweighted gradient. Default `false`.
        libmoon: bool = false, any,
            "LibMOON's convention: value f_k* and weights e_k* (unweighted gradient of the active objective)";
        /// PBI penalty. Default 1.
        theta: f64 = 1.0 => "1", non_negative,
            "penalty on the distance d2 to the preference ray";
        /// COSMOS cosine weight. Default 8.
        cosmos_c as "c": f64 = 8.0 => "8", non_negative,
            "weight of the cosine-similarity term (LibMOON's cosmos_hp)";
        /// Smoothing of STche, SmTche and AASF. Default 0.1.
        mu: f64 = 0.1, positive, "smoothing temperature";
        /// AASF augmentation. Default 0.1.
        rho: f64 = 0.1, non_negative, "weight of the linear augmentation term";
        /// PNorm order. Default 2.
        p: f64 = 2.0 => "2", at_least(1), "order of the norm (p >= 1)";
        /// invagg upper reference. Default 1.
        upper as "u": f64 = 1.0 => "1", finite,
            "upper reference: defined only where f_i - z_i < u";
    }
}

impl ScalarizationParams {
    /// The documented defaults for `kind`.
    pub fn new(kind: ScalarizationKind) -> Self {
        Self::from_options(kind, ScalarizationOptions::default())
    }

    fn from_options(kind: ScalarizationKind, o: ScalarizationOptions) -> Self {
        Self {
            kind,
            ideal: o.ideal,
            libmoon: o.libmoon,
            theta: o.theta,
            cosmos_c: o.cosmos_c,
            mu: o.mu,
            rho: o.rho,
            p: o.p,
            upper: o.upper,
        }
    }

    /// Checks every rule; the error names the parameter.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        ScalarizationOptions {
            ideal: self.ideal.clone(),
            libmoon: self.libmoon,
            theta: self.theta,
            cosmos_c: self.cosmos_c,
            mu: self.mu,
            rho: self.rho,
            p: self.p,
            upper: self.upper,
        }
        .validate_for(self.kind.name())
    }
}

/// A scalarization `s(f; λ)` with its value and gradient with respect to `f`, usable as an
/// [`Aggregator`]. See the [module docs](self) for the ten formulas, defaults and the
/// differences from LibMOON.
///
/// ```
/// use tradeoff_solvers::{Scalarization, ScalarizationKind, ScalarizationParams};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tche = Scalarization::new(ScalarizationParams::new(ScalarizationKind::Tche))?;
/// // max(0.5·2, 0.5·4) = 2; the gradient is 0.5 on the active objective.
/// assert_eq!(tche.value(&[2.0, 4.0], &[0.5, 0.5])?, 2.0);
/// assert_eq!(tche.gradient(&[2.0, 4.0], &[0.5, 0.5])?, vec![0.0, 0.5]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scalarization {
    params: ScalarizationParams,
}

impl Scalarization {
    /// Validates `params`.
    pub fn new(params: ScalarizationParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        Ok(Self { params })
    }

    /// Reads the options of `kind` (see its [`MethodInfo::options`]), then rejects unknown keys.
    pub fn from_options(
        kind: ScalarizationKind,
        options: &Options,
    ) -> std::result::Result<Self, ParamsError> {
        options.finish(kind.info())?;
        let read = ScalarizationOptions::read_values(kind.name(), options)?;
        Self::new(ScalarizationParams::from_options(kind, read))
    }

    /// The parameters.
    pub fn params(&self) -> &ScalarizationParams {
        &self.params
    }

    /// The kind.
    pub fn kind(&self) -> ScalarizationKind {
        self.params.kind
    }

    /// `s(f; λ)`. `f` and `pref` have length `n_obj`.
    pub fn value(&self, f: &[f64], pref: &[f64]) -> Result<f64> {
        Ok(self.evaluate(f, pref, false)?.0)
    }

    /// `∂s/∂f` (length `n_obj`); at kinks, the subgradient stated in the module docs.
    pub fn gradient(&self, f: &[f64], pref: &[f64]) -> Result<Vec<f64>> {
        Ok(self
            .evaluate(f, pref, true)?
            .1
            .expect("evaluate returns the gradient when asked"))
    }

    /// `(value, gradient)` in one pass.
    pub fn value_and_gradient(&self, f: &[f64], pref: &[f64]) -> Result<(f64, Vec<f64>)> {
        let (v, g) = self.evaluate(f, pref, true)?;
        Ok((v, g.expect("evaluate returns the gradient when asked")))
    }

    fn check(&self, f: &[f64], pref: &[f64]) -> Result<Vec<f64>> {
        let m = f.len();
        if pref.len() != m {
            return Err(Error::DimensionMismatch {
                what: "preference length (n_obj)",
                expected: m,
                got: pref.len(),
            });
        }
        let z = &self.params.ideal;
        if z.len() != 1 && z.len() != m {
            return Err(Error::DimensionMismatch {
                what: "ideal point z length (1 or n_obj)",
                expected: m,
                got: z.len(),
            });
        }
        if let Some(index) = f.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "objective values",
                index,
            });
        }
        if pref.iter().any(|&v| !(v.is_finite() && v >= 0.0)) {
            return Err(Error::InvalidPreference {
                reason: format!("entries must be finite and non-negative, got {pref:?}"),
            });
        }
        if self.params.kind.inverts_preference() && pref.iter().any(|&v| v <= 0.0) {
            return Err(Error::InvalidPreference {
                reason: format!(
                    "{} divides by the preference, so every entry must be positive, got {pref:?}",
                    self.params.kind.name()
                ),
            });
        }
        Ok(f.iter()
            .enumerate()
            .map(|(i, &fi)| fi - if z.len() == 1 { z[0] } else { z[i] })
            .collect())
    }

    fn evaluate(
        &self,
        f: &[f64],
        pref: &[f64],
        want_grad: bool,
    ) -> Result<(f64, Option<Vec<f64>>)> {
        let y = self.check(f, pref)?;
        let m = y.len();
        let p = &self.params;
        let mut grad = vec![0.0; m];
        let value = match p.kind {
            ScalarizationKind::Ls => {
                grad.copy_from_slice(pref);
                dot(pref, &y)
            }
            ScalarizationKind::Tche | ScalarizationKind::MTche => {
                let scale: Vec<f64> = if p.kind == ScalarizationKind::Tche {
                    pref.to_vec()
                } else {
                    pref.iter().map(|l| 1.0 / l).collect()
                };
                let terms: Vec<f64> = y.iter().zip(&scale).map(|(a, b)| a * b).collect();
                let k = argmax_first(&terms);
                if p.libmoon {
                    grad[k] = 1.0;
                    f[k]
                } else {
                    grad[k] = scale[k];
                    terms[k]
                }
            }
            ScalarizationKind::Pbi => {
                let (lhat, _) = unit(pref);
                let d1 = dot(&y, &lhat);
                let perp: Vec<f64> = y.iter().zip(&lhat).map(|(a, l)| a - d1 * l).collect();
                let d2 = norm(&perp);
                for i in 0..m {
                    grad[i] = lhat[i]
                        + if d2 > 0.0 {
                            p.theta * perp[i] / d2
                        } else {
                            0.0
                        };
                }
                d1 + p.theta * d2
            }
            ScalarizationKind::Cosmos => {
                let (lhat, _) = unit(pref);
                let d1 = dot(&y, &lhat);
                let ny = norm(&y);
                if ny > 0.0 {
                    // ∂(d1/‖y‖)/∂y = λ̂/‖y‖ − d1·y/‖y‖³
                    for i in 0..m {
                        grad[i] =
                            lhat[i] - p.cosmos_c * (lhat[i] / ny - d1 * y[i] / (ny * ny * ny));
                    }
                    d1 - p.cosmos_c * d1 / ny
                } else {
                    grad.copy_from_slice(&lhat);
                    0.0
                }
            }
            ScalarizationKind::InvAgg => {
                let mut log_s = 0.0;
                for i in 0..m {
                    let gap = p.upper - y[i];
                    if gap.is_nan() || gap <= 0.0 {
                        return Err(Error::NonFinite {
                            what: "invagg (defined only where f_i - z_i < u)",
                            index: i,
                        });
                    }
                    log_s -= pref[i] * gap.ln();
                }
                let s = log_s.exp();
                for i in 0..m {
                    grad[i] = s * pref[i] / (p.upper - y[i]);
                }
                s
            }
            ScalarizationKind::STche | ScalarizationKind::SmTche | ScalarizationKind::Aasf => {
                let scale: Vec<f64> = if p.kind == ScalarizationKind::STche {
                    pref.to_vec()
                } else {
                    pref.iter().map(|l| 1.0 / l).collect()
                };
                let inner: Vec<f64> = y.iter().zip(&scale).map(|(a, b)| a * b / p.mu).collect();
                let top = inner.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = inner.iter().map(|v| (v - top).exp()).sum();
                let mut value = p.mu * (top + sum.ln());
                for i in 0..m {
                    grad[i] = scale[i] * (inner[i] - top).exp() / sum;
                }
                if p.kind == ScalarizationKind::Aasf {
                    value += p.rho * dot(pref, &y);
                    for i in 0..m {
                        grad[i] += p.rho * pref[i];
                    }
                }
                value
            }
            ScalarizationKind::PNorm => {
                let terms: Vec<f64> = y.iter().zip(pref).map(|(a, l)| a * l).collect();
                // Scale by the largest entry so |t|^p neither overflows nor underflows.
                let top = terms.iter().fold(0.0_f64, |a, t| a.max(t.abs()));
                if top == 0.0 {
                    0.0
                } else {
                    let s_scaled: f64 = terms.iter().map(|t| (t.abs() / top).powf(p.p)).sum();
                    let s_scaled = s_scaled.powf(1.0 / p.p);
                    for i in 0..m {
                        let r = terms[i].abs() / top / s_scaled;
                        grad[i] = pref[i] * terms[i].signum() * r.powf(p.p - 1.0);
                    }
                    top * s_scaled
                }
            }
        };
        Ok((value, want_grad.then_some(grad)))
    }
}

crate::method::entry::display_as!(Scalarization);

impl Aggregator for Scalarization {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let name = self.params.kind.name();
        let losses = input.require_losses(name)?;
        let pref = input.require_preference(name)?;
        if losses.len() != input.n_obj() {
            return Err(Error::DimensionMismatch {
                what: "losses length (n_obj)",
                expected: input.n_obj(),
                got: losses.len(),
            });
        }
        let weights = self.gradient(losses, pref)?;
        Ok(Aggregation::from_weights(input.jacobian, weights))
    }

    fn info(&self) -> &'static MethodInfo {
        self.params.kind.info()
    }

    fn weighting_need(&self) -> Option<crate::method::entry::GradientNeed> {
        Some(crate::method::entry::GradientNeed::Losses)
    }

    /// `w = ∂s/∂f` at the losses: the weights of the scalarization's gradient.
    fn weights_without_jacobian(
        &mut self,
        input: &crate::aggregator::WeightInput<'_>,
    ) -> Result<(Vec<f64>, crate::aggregator::Diagnostics)> {
        let name = self.params.kind.name();
        let losses = input.require_losses(name)?;
        let pref = input.require_preference(name)?;
        Ok((
            self.gradient(losses, pref)?,
            crate::aggregator::Diagnostics::default(),
        ))
    }

    /// The weights are `∂s/∂f` of the losses alone: `d = Jᵀw` scales with `J`.
    fn scaling(&self) -> crate::aggregator::Scaling {
        crate::aggregator::Scaling::Equivariant
    }
}

pub(crate) use crate::linalg::dot;

pub(crate) fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `(a/‖a‖, ‖a‖)`; zero stays zero.
fn unit(a: &[f64]) -> (Vec<f64>, f64) {
    let n = norm(a);
    if n > 0.0 {
        (a.iter().map(|v| v / n).collect(), n)
    } else {
        (vec![0.0; a.len()], 0.0)
    }
}

/// Index of the first maximum (as `torch.argmax`).
fn argmax_first(v: &[f64]) -> usize {
    let mut best = 0;
    for i in 1..v.len() {
        if v[i] > v[best] {
            best = i;
        }
    }
    best
}

const SCALARIZATION_PROPERTIES: Properties = Properties {
    non_conflicting: false,
    permutation_invariant: true,
    linear_under_scaling: true,
    weights_on_simplex: false,
};

/// The rows of [`ScalarizationOptions`] named `names`.
const fn pick<const N: usize>(names: [&str; N]) -> [OptionInfo; N] {
    crate::method::params::pick_options(ScalarizationOptions::OPTIONS, names)
}

macro_rules! scalarization_info {
    ($name:literal, $display:literal, $citation:literal, $options:expr) => {
        MethodInfo::new($name, $display, Family::Scalarization)
            .cite($citation)
            .uses_preference()
            .needs_losses()
            .claims(SCALARIZATION_PROPERTIES)
            .options($options)
    };
}

/// Linear scalarization `Σ λ_i (f_i − z_i)`.
pub static LS_INFO: MethodInfo = scalarization_info!(
    "ls",
    "LS",
    "Miettinen, Nonlinear Multiobjective Optimization, Kluwer 1999, §3.1 (weighting method)",
    &pick(["z"])
);
/// Weighted Tchebycheff `max_i λ_i (f_i − z_i)`.
pub static TCHE_INFO: MethodInfo = scalarization_info!(
    "tche",
    "Tche",
    "Miettinen 1999, §3.4 (weighted Chebyshev); Zhang & Li, MOEA/D, IEEE TEVC 2007, §II-B",
    &pick(["z", "libmoon"])
);
/// Modified Tchebycheff `max_i (f_i − z_i)/λ_i`.
pub static MTCHE_INFO: MethodInfo = scalarization_info!(
    "mtche",
    "mTche",
    "Ma et al., On Tchebycheff Decomposition Approaches for Multiobjective Evolutionary Optimization, IEEE TEVC 2018",
    &pick(["z", "libmoon"])
);
/// Penalty-based boundary intersection.
pub static PBI_INFO: MethodInfo = scalarization_info!(
    "pbi",
    "PBI",
    "Zhang & Li, MOEA/D, IEEE TEVC 2007, §II-C (penalty-based boundary intersection)",
    &pick(["z", "theta"])
);
/// COSMOS `⟨f, λ̂⟩ − c·cos(f, λ)`.
pub static COSMOS_INFO: MethodInfo = scalarization_info!(
    "cosmos",
    "COSMOS",
    "Ruchte & Grabocka, Scalable Pareto Front Approximation for Deep Multi-Objective Learning, ICDM 2021 (arXiv:2103.13392)",
    &pick(["z", "c"])
);
/// Inverse aggregation `Π (u − f_i + z_i)^(−λ_i)`.
pub static INVAGG_INFO: MethodInfo = scalarization_info!(
    "invagg",
    "InvAgg",
    "Zhang et al., LibMOON, NeurIPS 2024 Datasets and Benchmarks (arXiv:2409.02969), util/scalarization.py::invagg",
    &pick(["z", "u"])
);
/// Smooth Tchebycheff `μ·logsumexp(λ ⊙ (f − z)/μ)`.
pub static STCHE_INFO: MethodInfo = scalarization_info!(
    "stche",
    "STche",
    "Lin et al., Smooth Tchebycheff Scalarization for Multi-Objective Optimization, ICML 2024 (arXiv:2402.19078)",
    &pick(["z", "mu"])
);
/// Smooth modified Tchebycheff `μ·logsumexp((f − z)/(λμ))`.
pub static SMTCHE_INFO: MethodInfo = scalarization_info!(
    "smtche",
    "SmTche",
    "Lin et al., ICML 2024 (arXiv:2402.19078), smooth version of the modified Tchebycheff",
    &pick(["z", "mu"])
);
/// Augmented achievement scalarizing function `SmTche + ρ·LS`.
pub static AASF_INFO: MethodInfo = scalarization_info!(
    "aasf",
    "AASF",
    "Wierzbicki 1980 (achievement scalarizing functions); LibMOON util/scalarization.py::aasf (smooth form)",
    &pick(["z", "mu", "rho"])
);
/// Weighted p-norm `‖λ ⊙ (f − z)‖_p`.
pub static PNORM_INFO: MethodInfo = scalarization_info!(
    "pnorm",
    "PNorm",
    "Miettinen 1999, §3.3 (weighted L_p metrics); LibMOON util/scalarization.py::pnorm",
    &pick(["z", "p"])
);

#[cfg(test)]
mod tests {
    use super::*;

    fn make(kind: ScalarizationKind) -> Scalarization {
        Scalarization::new(ScalarizationParams::new(kind)).unwrap()
    }

    #[test]
    fn defaults_are_documented_values() {
        let p = ScalarizationParams::new(ScalarizationKind::Pbi);
        assert_eq!(
            (p.theta, p.cosmos_c, p.mu, p.rho, p.p, p.upper),
            (1.0, 8.0, 0.1, 0.1, 2.0, 1.0)
        );
        assert_eq!(p.ideal, vec![0.0]);
        assert!(!p.libmoon);
    }

    #[test]
    fn each_validation_rule() {
        let check = |edit: fn(&mut ScalarizationParams), field: &str| {
            let mut p = ScalarizationParams::new(ScalarizationKind::Ls);
            edit(&mut p);
            let err = Scalarization::new(p).unwrap_err();
            assert!(
                matches!(err, ParamsError::Invalid { name, .. } if name == field),
                "{err}"
            );
        };
        check(|p| p.theta = -1.0, "theta");
        check(|p| p.cosmos_c = f64::NAN, "c");
        check(|p| p.mu = 0.0, "mu");
        check(|p| p.rho = -0.1, "rho");
        check(|p| p.p = 0.5, "p");
        check(|p| p.upper = f64::INFINITY, "u");
        check(|p| p.ideal = vec![], "z");
    }

    #[test]
    fn unknown_option_is_rejected() {
        let options = Options::new().with("theta", 2);
        let err = Scalarization::from_options(ScalarizationKind::Ls, &options).unwrap_err();
        assert!(matches!(err, ParamsError::UnknownOption { .. }));
        let options = Options::new().with("theta", 2).with("z", "0.5,1");
        let s = Scalarization::from_options(ScalarizationKind::Pbi, &options).unwrap();
        assert_eq!(s.params().theta, 2.0);
        assert_eq!(s.params().ideal, vec![0.5, 1.0]);
    }

    #[test]
    fn hand_computed_values() {
        let f = [0.3, 0.6];
        let l = [0.25, 0.75];
        let v = |k| make(k).value(&f, &l).unwrap();
        assert!((v(ScalarizationKind::Ls) - 0.525).abs() < 1e-15);
        assert!((v(ScalarizationKind::Tche) - 0.45).abs() < 1e-15);
        assert!((v(ScalarizationKind::MTche) - 1.2).abs() < 1e-15);
        // invagg: 1/((0.7)^0.25 (0.4)^0.75)
        let inv = 1.0 / (0.7_f64.powf(0.25) * 0.4_f64.powf(0.75));
        assert!((v(ScalarizationKind::InvAgg) - inv).abs() < 1e-14);
        // pnorm: sqrt(0.075² + 0.45²)
        let pn = (0.075_f64.powi(2) + 0.45_f64.powi(2)).sqrt();
        assert!((v(ScalarizationKind::PNorm) - pn).abs() < 1e-15);
    }

    #[test]
    fn zero_preference_entry_is_rejected_where_inverted() {
        for kind in [
            ScalarizationKind::MTche,
            ScalarizationKind::SmTche,
            ScalarizationKind::Aasf,
        ] {
            let err = make(kind).value(&[1.0, 1.0], &[1.0, 0.0]).unwrap_err();
            assert!(matches!(err, Error::InvalidPreference { .. }));
        }
        assert!(
            make(ScalarizationKind::Tche)
                .value(&[1.0, 1.0], &[1.0, 0.0])
                .is_ok()
        );
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scalarization>();
        assert_send_sync::<ScalarizationParams>();
    }
}
