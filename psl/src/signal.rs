//! Training signals: what a Pareto-set model minimises for each sampled preference, expressed
//! as the weights `w_b = ∂loss_b/∂f(x_b)` that the trainer pushes back through the problem's
//! Jacobian.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeoff_pareto::Matrix;
use tradeoff_problems::{JacobianBatch, ProblemInfo};
use tradeoff_solvers::{
    Aggregator, BuildContext, GradientNeed, Gramian, MethodState, Options, Scalarization,
    ScalarizationKind, StepInput, WeightInput, Weighting, aggregate, build_method, find_method,
    method_entries,
};

use crate::error::{Error, Result};

/// A training signal by name plus its options (`key → value` text, as on the command line).
///
/// Names:
/// * the ten scalarizations of the solvers crate: `ls`, `tche`, `mtche`, `pbi`, `cosmos`,
///   `invagg`, `stche`, `smtche`, `aasf`, `pnorm` (options as
///   [`Scalarization::from_options`]);
/// * `epo`, `pmgda`, or any other aggregator of the solvers registry that returns weights
///   (options as [`build_method`]): the weights are computed per sampled preference from that
///   row's Jacobian, losses and preference, with one aggregator instance for the whole run;
/// * `hv`: the hypervolume signal of Zhang et al. (NeurIPS 2023), options `ref` (reference
///   point: one value or one per objective; default the problem's reference point) and `power`
///   (default `n_obj`). See [`Signal`].
///
/// LibMOON's PSL tables use its `Tche`/`mTche`, which return the **unweighted** active
/// objective `f_{k*}`; [`LossSpec::libmoon`] sets `libmoon=true` for them to match. The default
/// (`LossSpec::new("tche")`) is the textbook `max_i λ_i f_i` of the solvers crate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossSpec {
    /// The signal's name (case-insensitive).
    pub name: String,
    /// Its options.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

impl LossSpec {
    /// A signal with default options.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into().trim().to_ascii_lowercase(),
            options: BTreeMap::new(),
        }
    }

    /// The signal as LibMOON's PSL defines it: `tche` and `mtche` with `libmoon=true`; every
    /// other name as [`LossSpec::new`] (LibMOON's COSMOS `c = 8`, PBI `θ = 1`, STche `μ = 0.1`,
    /// EPO and PMGDA parameters are already the defaults).
    pub fn libmoon(name: impl Into<String>) -> Self {
        let spec = Self::new(name);
        if matches!(spec.name.as_str(), "tche" | "mtche") {
            spec.with("libmoon", "true")
        } else {
            spec
        }
    }

    /// Adds an option.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.options.insert(key.to_string(), value.to_string());
        self
    }

    /// The names this crate documents (scalarizations, `epo`, `pmgda`, `hv`); other
    /// aggregators of the solvers registry are accepted too.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> =
            ScalarizationKind::ALL.iter().map(|k| k.name()).collect();
        names.extend(["epo", "pmgda", "hv"]);
        names
    }

    /// `name` plus its options as `name(k=v, …)`.
    pub fn label(&self) -> String {
        if self.options.is_empty() {
            self.name.clone()
        } else {
            let opts: Vec<String> = self
                .options
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!("{}({})", self.name, opts.join(", "))
        }
    }

    fn solver_options(&self) -> Options {
        let mut options = Options::new();
        for (k, v) in &self.options {
            options = options.with(k, v);
        }
        options
    }
}

/// Weights and losses of one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchWeights {
    /// `w_b = ∂loss_b/∂f(x_b)`, `B × n_obj`.
    pub weights: Matrix,
    /// `loss_b`, length `B`.
    pub losses: Vec<f64>,
}

#[derive(Debug)]
enum SignalKind {
    Scalarization(Scalarization),
    /// A weighting of the method table (the solvers' own `Weighting` trait).
    Weighting(Box<dyn Weighting>),
    Aggregator(Box<dyn Aggregator>),
    Hypervolume {
        reference: Vec<f64>,
        power: f64,
    },
}

/// A resolved training signal.
///
/// For each row `b` (preference `λ_b`, objectives `f_b`) it gives the per-row loss and its
/// gradient with respect to the objectives, `w_b`:
///
/// * **scalarization** `s`: `loss_b = s(f_b; λ_b)`, `w_b = ∂s/∂f`;
/// * **aggregator** (EPO, PMGDA): `w_b = α_b`, the aggregator's weights for the row's Jacobian
///   `J_b`, losses and preference, and `loss_b = α_b·f_b` (LibMOON's `mean(α ⊙ F)`); `α_b` is a
///   constant, so the model follows `d_b = J_bᵀα_b`;
/// * **hypervolume** (Zhang, Lin, Xue, Chen & Zhang, "Hypervolume Maximization: A Geometric
///   View of Pareto Set Learning", NeurIPS 2023): with the direction `d = λ/‖λ‖₂` and the
///   reference `r`, `ρ_b = min_i (r_i − f_i)/d_i` is the distance from `r` to the dominated
///   region of `f_b` along `−d`, and `HV = c_m E_d[max ρ^m]`; each row maximises its own
///   `ρ_b^p` (`p = n_obj` by default): `loss_b = −ρ_b^p` when `ρ_b > 0`, else `−ρ_b` (a point
///   outside the reference box is pulled in linearly, as in the authors' code), and
///   `w_b = p ρ_b^(p−1)/d_k` (or `1/d_k`) on the active objective `k`. Differences from the
///   authors' code: directions are the normalised Dirichlet preferences (they draw uniform
///   angles), the reference is the problem's (they use nadir + 0.4), and the linear branch is
///   used for every `n_obj`.
#[derive(Debug)]
pub struct Signal {
    spec: LossSpec,
    kind: SignalKind,
    n_obj: usize,
}

impl Signal {
    /// Resolves `spec` for a problem with this metadata.
    pub fn new(spec: &LossSpec, info: &ProblemInfo) -> Result<Self> {
        let name = spec.name.trim().to_ascii_lowercase();
        let m = info.n_obj;
        let kind = if name == "hv" {
            let mut reference = info.reference_point.clone();
            let mut power = m as f64;
            for (k, v) in &spec.options {
                let bad = |message: String| Error::BadLossOption {
                    loss: "hv".into(),
                    message,
                };
                match k.as_str() {
                    "ref" => {
                        let values = v
                            .split(',')
                            .map(|s| s.trim().parse::<f64>())
                            .collect::<std::result::Result<Vec<_>, _>>()
                            .map_err(|_| bad(format!("ref expects numbers, got '{v}'")))?;
                        reference = match values.len() {
                            1 => vec![values[0]; m],
                            n if n == m => values,
                            n => {
                                return Err(bad(format!("ref needs 1 or {m} values, got {n}")));
                            }
                        };
                    }
                    "power" => {
                        power = v
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|p| p.is_finite() && *p >= 1.0)
                            .ok_or_else(|| bad(format!("power must be a number ≥ 1, got '{v}'")))?;
                    }
                    other => {
                        return Err(bad(format!(
                            "unknown option '{other}' (options: ref, power)"
                        )));
                    }
                }
            }
            if reference.len() != m || reference.iter().any(|r| !r.is_finite()) {
                return Err(Error::BadLossOption {
                    loss: "hv".into(),
                    message: format!("the reference point must hold {m} finite values"),
                });
            }
            SignalKind::Hypervolume { reference, power }
        } else if let Some(kind) = ScalarizationKind::from_name(&name) {
            SignalKind::Scalarization(Scalarization::from_options(kind, &spec.solver_options())?)
        } else {
            if !method_entries().iter().any(|e| e.info.name == name) {
                let mut known = LossSpec::names();
                let extra: Vec<&'static str> = method_entries()
                    .iter()
                    .map(|e| e.info.name)
                    .filter(|n| !known.contains(n))
                    .collect();
                known.extend(extra);
                return Err(Error::UnknownLoss {
                    name: spec.name.clone(),
                    known: known.join(", "),
                });
            }
            let options = spec.solver_options();
            match find_method(&name)?.build_weighting(&options, &BuildContext::none()) {
                Some(weighting) => SignalKind::Weighting(weighting?),
                None => SignalKind::Aggregator(build_method(&name, &options)?),
            }
        };
        Ok(Self {
            spec: LossSpec {
                name,
                options: spec.options.clone(),
            },
            kind,
            n_obj: m,
        })
    }

    /// The specification it was built from.
    pub fn spec(&self) -> &LossSpec {
        &self.spec
    }

    /// The state the signal keeps between steps, for checkpoints: the method's own
    /// ([`Aggregator::save_state`], [`Weighting::save_state`]); empty for the scalarizations,
    /// the hypervolume signal and stateless methods (EPO and PMGDA keep only the last step's
    /// diagnostics, which no later step reads).
    pub fn save_state(&self) -> MethodState {
        match &self.kind {
            SignalKind::Weighting(w) => w.save_state(),
            SignalKind::Aggregator(a) => a.save_state(),
            _ => MethodState::new(),
        }
    }

    /// Restores a state from [`Signal::save_state`].
    ///
    /// # Errors
    /// A state that does not fit the method (any non-empty state for a stateless signal).
    pub fn load_state(&mut self, state: &MethodState) -> Result<()> {
        match &mut self.kind {
            SignalKind::Weighting(w) => w.load_state(state)?,
            SignalKind::Aggregator(a) => a.load_state(state)?,
            _ => state.expect_empty(&self.spec.name)?,
        }
        Ok(())
    }

    /// Whether the weights need each row's Jacobian (aggregators do; scalarizations and the
    /// hypervolume signal need only the objective values).
    pub fn needs_jacobian(&self) -> bool {
        match &self.kind {
            SignalKind::Aggregator(_) => true,
            SignalKind::Weighting(w) => w.info().need == GradientNeed::Gramian,
            _ => false,
        }
    }

    /// Weights `w_b = ∂loss_b/∂f_b` and losses for a batch: `f` and `prefs` are `B × n_obj`;
    /// `jacobians` (`[B, n_obj, n_var]`) is required when [`Signal::needs_jacobian`].
    pub fn weights(
        &mut self,
        f: &Matrix,
        prefs: &Matrix,
        jacobians: Option<&JacobianBatch>,
    ) -> Result<BatchWeights> {
        let (b, m) = f.shape();
        if m != self.n_obj || prefs.shape() != (b, m) {
            return Err(Error::DimensionMismatch {
                what: "objectives and preferences (B × n_obj)",
                expected: self.n_obj,
                got: if m != self.n_obj { m } else { prefs.n_cols() },
            });
        }
        let mut weights = Matrix::zeros(b, m);
        let mut losses = Vec::with_capacity(b);
        match &mut self.kind {
            SignalKind::Scalarization(s) => {
                for k in 0..b {
                    let (value, grad) = s.value_and_gradient(f.row(k), prefs.row(k))?;
                    weights.row_mut(k).copy_from_slice(&grad);
                    losses.push(value);
                }
            }
            SignalKind::Weighting(weighting) => {
                let need_gramian = weighting.info().need == GradientNeed::Gramian;
                for k in 0..b {
                    let j = match jacobians {
                        Some(jac) => {
                            Some(Matrix::from_vec(m, jac.shape().2, jac.point(k).to_vec())?)
                        }
                        None if need_gramian => {
                            return Err(Error::DimensionMismatch {
                                what: "Jacobians given to a Gramian weighting signal",
                                expected: b,
                                got: 0,
                            });
                        }
                        None => None,
                    };
                    if let Some(j) = &j {
                        StepInput::new(j)
                            .with_losses(f.row(k))
                            .with_preference(prefs.row(k))
                            .validate()?;
                    }
                    let gramian = j.as_ref().filter(|_| need_gramian).map(Gramian::new);
                    let (w, _) = weighting.weights(&WeightInput {
                        n_obj: m,
                        gramian: gramian.as_ref(),
                        losses: Some(f.row(k)),
                        preference: Some(prefs.row(k)),
                        iteration: None,
                        epoch: None,
                    })?;
                    losses.push(w.iter().zip(f.row(k)).map(|(a, b)| a * b).sum());
                    weights.row_mut(k).copy_from_slice(&w);
                }
            }
            SignalKind::Aggregator(agg) => {
                let jac = jacobians.ok_or(Error::DimensionMismatch {
                    what: "Jacobians given to an aggregator signal",
                    expected: b,
                    got: 0,
                })?;
                let (_, _, n) = jac.shape();
                for k in 0..b {
                    let j = Matrix::from_vec(m, n, jac.point(k).to_vec())?;
                    let input = StepInput::new(&j)
                        .with_losses(f.row(k))
                        .with_preference(prefs.row(k));
                    let out = aggregate(agg.as_mut(), &input)?;
                    let w = out.weights.ok_or(Error::NoWeights {
                        method: agg.info().name,
                    })?;
                    losses.push(w.iter().zip(f.row(k)).map(|(a, b)| a * b).sum());
                    weights.row_mut(k).copy_from_slice(&w);
                }
            }
            SignalKind::Hypervolume { reference, power } => {
                for k in 0..b {
                    let lambda = prefs.row(k);
                    let norm = lambda.iter().map(|v| v * v).sum::<f64>().sqrt();
                    let mut best = (f64::INFINITY, 0, 1.0);
                    for i in 0..m {
                        let d = lambda[i] / norm;
                        if d > 0.0 {
                            let rho = (reference[i] - f.get(k, i)) / d;
                            if rho < best.0 {
                                best = (rho, i, d);
                            }
                        }
                    }
                    let (rho, i, d) = best;
                    if !rho.is_finite() {
                        return Err(Error::NonFinite {
                            what: "hypervolume signal (zero preference?)",
                            iter: 0,
                        });
                    }
                    if rho > 0.0 {
                        losses.push(-rho.powf(*power));
                        weights.set(k, i, *power * rho.powf(*power - 1.0) / d);
                    } else {
                        losses.push(-rho);
                        weights.set(k, i, 1.0 / d);
                    }
                }
            }
        }
        Ok(BatchWeights { weights, losses })
    }
}
