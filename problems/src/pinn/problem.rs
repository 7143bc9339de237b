//! [`PinnProblem`]: a jet MLP, a PDE residual and boundary/initial data as loss terms, trained on
//! collocation points drawn afresh every step — a [`GradientSource`] whose objectives are the
//! loss terms.

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tradeoff_pareto::Matrix;

use super::network::{JetForward, JetSpec, MlpShape, MlpWeights, Real};
use crate::error::{Error, Result};
use crate::problem::JacobianBatch;
use crate::source::GradientSource;

/// The output jet of a network at one point, read by a [`Residual`]: entry `(block, output)`.
#[derive(Clone, Copy, Debug)]
pub struct JetPoint<'a> {
    spec: &'a JetSpec,
    n_outputs: usize,
    values: &'a [f64],
}

impl<'a> JetPoint<'a> {
    /// The jet `values` (entry `(block, output)` at `block · n_outputs + output`) of `spec`.
    pub fn new(spec: &'a JetSpec, n_outputs: usize, values: &'a [f64]) -> Self {
        Self {
            spec,
            n_outputs,
            values,
        }
    }

    /// Output `c`.
    pub fn value(&self, c: usize) -> f64 {
        self.values[c]
    }

    /// `∂ output_c / ∂ input` (the input must be among the jet's first derivatives).
    ///
    /// # Panics
    /// When the jet does not carry that derivative (a residual inconsistent with its spec).
    pub fn d(&self, c: usize, input: usize) -> f64 {
        let b = self
            .spec
            .first_block(input)
            .expect("the residual's jet carries this first derivative");
        self.values[b * self.n_outputs + c]
    }

    /// `∂² output_c / ∂ input²` (the input must be among the jet's second derivatives).
    ///
    /// # Panics
    /// When the jet does not carry that derivative.
    pub fn dd(&self, c: usize, input: usize) -> f64 {
        let b = self
            .spec
            .second_block(input)
            .expect("the residual's jet carries this second derivative");
        self.values[b * self.n_outputs + c]
    }
}

/// Where a [`Residual`]'s transpose adds the gradient of its loss with respect to the output jet.
#[derive(Debug)]
pub struct JetCotangent<'a> {
    spec: &'a JetSpec,
    n_outputs: usize,
    values: &'a mut [f64],
}

impl JetCotangent<'_> {
    /// Adds `v` to the cotangent of output `c`.
    pub fn add_value(&mut self, c: usize, v: f64) {
        self.values[c] += v;
    }

    /// Adds `v` to the cotangent of `∂ output_c / ∂ input`.
    ///
    /// # Panics
    /// When the jet does not carry that derivative.
    pub fn add_d(&mut self, c: usize, input: usize, v: f64) {
        let b = self
            .spec
            .first_block(input)
            .expect("the residual's jet carries this first derivative");
        self.values[b * self.n_outputs + c] += v;
    }

    /// Adds `v` to the cotangent of `∂² output_c / ∂ input²`.
    ///
    /// # Panics
    /// When the jet does not carry that derivative.
    pub fn add_dd(&mut self, c: usize, input: usize, v: f64) {
        let b = self
            .spec
            .second_block(input)
            .expect("the residual's jet carries this second derivative");
        self.values[b * self.n_outputs + c] += v;
    }
}

/// A PDE's residual equations `r_e(x, u, ∂u, ∂²u) = 0`; its loss is `Σ_e mean_points r_e²`
/// (ConFIG's: the mean square of each equation, summed).
pub trait Residual: Send + Sync + std::fmt::Debug {
    /// The derivatives the equations read.
    fn jet(&self) -> JetSpec;

    /// Number of equations.
    fn n_equations(&self) -> usize;

    /// The equations' values at the point `input` with the network's output jet `jet`.
    fn residuals(&self, input: &[f64], jet: &JetPoint<'_>, out: &mut [f64]);

    /// Adds `Σ_e cotangent_e · ∂r_e/∂(jet entry)` to `out` for every jet entry the equations read
    /// (the transpose of their linearisation at `jet`).
    fn transpose(
        &self,
        input: &[f64],
        jet: &JetPoint<'_>,
        cotangent: &[f64],
        out: &mut JetCotangent<'_>,
    );
}

/// Draws a step's collocation points, `N × n_inputs` row-major, from the step's generator.
pub type PointSampler = Arc<dyn Fn(&mut StdRng) -> Vec<f64> + Send + Sync>;

/// Draws a step's supervised points: inputs `N × n_inputs` and targets `N × n_outputs`.
pub type DataSampler = Arc<dyn Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync>;

/// What a loss term measures.
#[derive(Clone)]
pub enum TermKind {
    /// The PDE residual loss on interior collocation points.
    Residual(PointSampler),
    /// The mean square error against known values (boundary, initial condition), averaged over
    /// points and outputs.
    Data(DataSampler),
}

/// One objective of a [`PinnProblem`].
#[derive(Clone)]
pub struct LossTerm {
    /// Its name (`residual`, `boundary+initial`, ...).
    pub name: String,
    /// What it measures.
    pub kind: TermKind,
}

impl std::fmt::Debug for LossTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            TermKind::Residual(_) => "residual",
            TermKind::Data(_) => "data",
        };
        f.debug_struct("LossTerm")
            .field("name", &self.name)
            .field("kind", &kind)
            .finish()
    }
}

/// Points where the exact solution is known, for the test error.
#[derive(Clone, Debug)]
pub struct TestSet {
    /// Inputs, `N × n_inputs`.
    pub inputs: Vec<f64>,
    /// The exact solution there, `N × n_outputs`.
    pub reference: Vec<f64>,
    /// For pictures: the grid's shape `(rows, columns)` when the first `rows × columns` points
    /// are a 2-D grid, row-major (rows along the second input, columns along the first).
    pub grid: Option<(usize, usize)>,
}

/// The compute type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// f32 (training).
    F32,
    /// f64 (tests).
    F64,
}

/// The cached forward pass, loss and gradient of one term at one step.
struct TermCache<T: Real> {
    loss: f64,
    forward: Option<JetForward<T>>,
    cotangent: Vec<T>,
    gradient: Option<Vec<f64>>,
}

/// The network at the step's parameters and the step's evaluated terms.
struct Engine<T: Real> {
    weights: MlpWeights<T>,
    terms: Vec<Option<TermCache<T>>>,
}

/// The mixing of a seed, an iteration and a term into one generator seed (SplitMix64's
/// finaliser over the three), so that each term's points depend on nothing else.
fn stream_seed(seed: u64, iteration: u64, term: u64) -> u64 {
    let mut z = seed
        ^ iteration.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ term.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The iteration number of the fixed draw [`GradientSource::full_objectives`] measures on.
const EVALUATION_DRAW: u64 = u64::MAX;

/// The definition shared by a problem and its evaluator.
struct Definition {
    name: String,
    shape: MlpShape,
    residual: Arc<dyn Residual>,
    jet: JetSpec,
    terms: Vec<LossTerm>,
    test: Arc<TestSet>,
    output_names: Vec<String>,
    precision: Precision,
}

impl Definition {
    fn evaluate_term<T: Real>(
        &self,
        weights: &MlpWeights<T>,
        term: usize,
        rng: &mut StdRng,
    ) -> Result<TermCache<T>> {
        let n_out = self.shape.n_outputs();
        let d = self.shape.n_inputs();
        match &self.terms[term].kind {
            TermKind::Residual(sampler) => {
                let inputs = sampler(rng);
                let forward = weights.forward(&self.jet, &inputs)?;
                let n = forward.n_points();
                let blocks = self.jet.n_blocks();
                let out = forward.output();
                let m = self.residual.n_equations();
                let mut local = vec![0.0; blocks * n_out];
                let mut local_cot = vec![0.0; blocks * n_out];
                let mut r = vec![0.0; m];
                let mut cot = vec![0.0; m];
                let mut cotangent = vec![T::zero(); out.len()];
                let mut loss = 0.0;
                let scale = 2.0 / n as f64;
                for p in 0..n {
                    for b in 0..blocks {
                        for c in 0..n_out {
                            local[b * n_out + c] = out[(b * n + p) * n_out + c].to_f64();
                        }
                    }
                    let input = &inputs[p * d..(p + 1) * d];
                    let jet = JetPoint {
                        spec: &self.jet,
                        n_outputs: n_out,
                        values: &local,
                    };
                    self.residual.residuals(input, &jet, &mut r);
                    for (ce, re) in cot.iter_mut().zip(&r) {
                        loss += re * re;
                        *ce = scale * re;
                    }
                    local_cot.fill(0.0);
                    self.residual.transpose(
                        input,
                        &jet,
                        &cot,
                        &mut JetCotangent {
                            spec: &self.jet,
                            n_outputs: n_out,
                            values: &mut local_cot,
                        },
                    );
                    for b in 0..blocks {
                        for c in 0..n_out {
                            cotangent[(b * n + p) * n_out + c] =
                                T::from_f64(local_cot[b * n_out + c]);
                        }
                    }
                }
                Ok(TermCache {
                    loss: loss / n as f64,
                    forward: Some(forward),
                    cotangent,
                    gradient: None,
                })
            }
            TermKind::Data(sampler) => {
                let (inputs, targets) = sampler(rng);
                let spec = JetSpec::value_only(d);
                let forward = weights.forward(&spec, &inputs)?;
                let out = forward.output();
                if targets.len() != out.len() {
                    return Err(Error::DimensionMismatch {
                        what: format!("{}: targets of {}", self.name, self.terms[term].name),
                        expected: out.len(),
                        got: targets.len(),
                    });
                }
                let count = out.len() as f64;
                let mut loss = 0.0;
                let cotangent = out
                    .iter()
                    .zip(&targets)
                    .map(|(y, t)| {
                        let e = y.to_f64() - t;
                        loss += e * e;
                        T::from_f64(2.0 * e / count)
                    })
                    .collect();
                Ok(TermCache {
                    loss: loss / count,
                    forward: Some(forward),
                    cotangent,
                    gradient: None,
                })
            }
        }
    }

    fn test_mse_with<T: Real>(&self, parameters: &[f64]) -> Result<(f64, Vec<f64>)> {
        let weights = MlpWeights::<T>::new(&self.shape, parameters)?;
        let prediction = weights.predict(&self.test.inputs)?;
        let mse = prediction
            .iter()
            .zip(&self.test.reference)
            .map(|(p, r)| (p - r) * (p - r))
            .sum::<f64>()
            / prediction.len().max(1) as f64;
        Ok((mse, prediction))
    }

    fn test_mse(&self, parameters: &[f64]) -> Result<(f64, Vec<f64>)> {
        match self.precision {
            Precision::F32 => self.test_mse_with::<f32>(parameters),
            Precision::F64 => self.test_mse_with::<f64>(parameters),
        }
    }
}

/// Measures a PINN's test error at given parameters (shares the problem's definition).
#[derive(Clone)]
pub struct PinnEvaluator {
    definition: Arc<Definition>,
}

impl std::fmt::Debug for PinnEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinnEvaluator")
            .field("problem", &self.definition.name)
            .finish_non_exhaustive()
    }
}

impl PinnEvaluator {
    /// The mean square error over every test point and output against the exact solution.
    ///
    /// # Errors
    /// Parameters of the wrong length, and candle's errors.
    pub fn test_mse(&self, parameters: &[f64]) -> Result<f64> {
        Ok(self.definition.test_mse(parameters)?.0)
    }

    /// The network's outputs on the test points (`N × n_outputs`) with the MSE.
    ///
    /// # Errors
    /// As [`PinnEvaluator::test_mse`].
    pub fn predict_test(&self, parameters: &[f64]) -> Result<(f64, Vec<f64>)> {
        self.definition.test_mse(parameters)
    }

    /// The test set.
    pub fn test_set(&self) -> &TestSet {
        &self.definition.test
    }

    /// The outputs' names (`u`, `v`, `p`, ...).
    pub fn output_names(&self) -> &[String] {
        &self.definition.output_names
    }
}

/// A physics-informed network as a [`GradientSource`]: one objective per [`LossTerm`], one
/// network (`K = 1`), its parameters the `1 × P` iterate.
///
/// Step `t` draws each term's points from its own generator, seeded from `(seed, t, term)`
/// only, so a term evaluated alone sees the points it would have seen with the others, and a
/// resumed run the same points as the whole run. One epoch is one step.
///
/// Each term costs one forward pass of its points' jets and, when its gradient is asked for,
/// one reverse pass; [`GradientSource::begin_step_rows`] evaluates only the listed terms (the
/// others report the loss of their last evaluation), which is what makes M-ConFIG's
/// one-loss-per-step iterations cheap.
pub struct PinnProblem {
    definition: Arc<Definition>,
    seed: u64,
    initial: Vec<f64>,
    step: Option<Step>,
    last_losses: Option<Vec<f64>>,
}

impl std::fmt::Debug for PinnProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinnProblem")
            .field("name", &self.definition.name)
            .field("shape", &self.definition.shape)
            .field("terms", &self.definition.terms)
            .finish_non_exhaustive()
    }
}

/// How to build a [`PinnProblem`].
#[derive(Clone)]
pub struct PinnSpec {
    /// The problem's name.
    pub name: String,
    /// The network.
    pub shape: MlpShape,
    /// The PDE's residual.
    pub residual: Arc<dyn Residual>,
    /// The loss terms (objectives).
    pub terms: Vec<LossTerm>,
    /// The test points with the exact solution.
    pub test: TestSet,
    /// The outputs' names.
    pub output_names: Vec<String>,
    /// The compute type.
    pub precision: Precision,
    /// The seed of the initialisation and of every step's points.
    pub seed: u64,
}

impl PinnProblem {
    /// The problem of `spec`, its network initialised as ConFIG's (Xavier-normal, bias 0.001)
    /// from `spec.seed`.
    ///
    /// # Errors
    /// No term, a residual whose jet does not fit the network, a test set of the wrong size.
    pub fn new(spec: PinnSpec) -> Result<Self> {
        let jet = spec.residual.jet();
        let d = spec.shape.n_inputs();
        if spec.terms.is_empty() {
            return Err(Error::InvalidSize {
                problem: spec.name,
                what: "loss terms",
                rule: "at least 1".into(),
                got: 0,
            });
        }
        if jet.n_inputs() != d {
            return Err(Error::DimensionMismatch {
                what: format!("{}: the residual's inputs", spec.name),
                expected: d,
                got: jet.n_inputs(),
            });
        }
        let n = spec.test.inputs.len() / d;
        if spec.test.inputs.len() != n * d
            || spec.test.reference.len() != n * spec.shape.n_outputs()
        {
            return Err(Error::DimensionMismatch {
                what: format!("{}: test reference (N × outputs)", spec.name),
                expected: n * spec.shape.n_outputs(),
                got: spec.test.reference.len(),
            });
        }
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let initial = spec.shape.initialize(&mut rng)?;
        Ok(Self {
            definition: Arc::new(Definition {
                name: spec.name,
                shape: spec.shape,
                residual: spec.residual,
                jet,
                terms: spec.terms,
                test: Arc::new(spec.test),
                output_names: spec.output_names,
                precision: spec.precision,
            }),
            seed: spec.seed,
            initial,
            step: None,
            last_losses: None,
        })
    }

    /// An evaluator of the test error.
    pub fn evaluator(&self) -> PinnEvaluator {
        PinnEvaluator {
            definition: Arc::clone(&self.definition),
        }
    }

    /// The terms' names.
    pub fn objective_names(&self) -> Vec<String> {
        self.definition
            .terms
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }

    /// The network's shape.
    pub fn shape(&self) -> &MlpShape {
        &self.definition.shape
    }

    fn no_step(&self) -> Error {
        Error::Unsupported {
            problem: self.definition.name.clone(),
            what: "gradients were asked for before begin_step".into(),
        }
    }

    fn check_x(&self, x: &Matrix) -> Result<()> {
        let p = self.definition.shape.n_parameters();
        if x.shape() != (1, p) {
            return Err(Error::DimensionMismatch {
                what: format!("{}: parameters (1 × P)", self.definition.name),
                expected: p,
                got: x.n_rows() * x.n_cols(),
            });
        }
        Ok(())
    }

    fn engine(&mut self) -> Result<&mut Step> {
        let error = self.no_step();
        self.step.as_mut().ok_or(error)
    }

    /// The gradient of term `i` at the step begun last (evaluated first if it was not).
    fn term_gradient(&mut self, i: usize) -> Result<Vec<f64>> {
        let definition = Arc::clone(&self.definition);
        let step = self.engine()?;
        step.engine
            .ensure(&definition, step.seed, step.iteration, &[i])?;
        step.engine.gradient(i)
    }
}

/// The step begun last.
struct Step {
    seed: u64,
    iteration: u64,
    engine: Box<dyn Terms>,
}

/// The per-term work of a step, whatever the compute type.
trait Terms: Send {
    /// Evaluates the terms `rows` not yet evaluated.
    fn ensure(
        &mut self,
        definition: &Definition,
        seed: u64,
        iteration: u64,
        rows: &[usize],
    ) -> Result<()>;
    /// The loss of an evaluated term.
    fn loss(&self, i: usize) -> Option<f64>;
    /// The gradient of an evaluated term (one reverse pass the first time).
    fn gradient(&mut self, i: usize) -> Result<Vec<f64>>;
}

impl<T: Real> Terms for Engine<T> {
    fn ensure(
        &mut self,
        definition: &Definition,
        seed: u64,
        iteration: u64,
        rows: &[usize],
    ) -> Result<()> {
        for &i in rows {
            if self.terms[i].is_none() {
                let mut rng = StdRng::seed_from_u64(stream_seed(seed, iteration, i as u64));
                self.terms[i] = Some(definition.evaluate_term(&self.weights, i, &mut rng)?);
            }
        }
        Ok(())
    }

    fn loss(&self, i: usize) -> Option<f64> {
        self.terms[i].as_ref().map(|t| t.loss)
    }

    fn gradient(&mut self, i: usize) -> Result<Vec<f64>> {
        let cache = self.terms[i].as_mut().expect("ensured by the caller");
        if cache.gradient.is_none() {
            let forward = cache
                .forward
                .take()
                .expect("a forward pass until the gradient");
            cache.gradient = Some(forward.backward(&self.weights, &cache.cotangent)?);
            cache.cotangent = Vec::new();
        }
        Ok(cache.gradient.clone().expect("just set"))
    }
}

fn engine_for(definition: &Definition, parameters: &[f64]) -> Result<Box<dyn Terms>> {
    let n = definition.terms.len();
    Ok(match definition.precision {
        Precision::F32 => Box::new(Engine::<f32> {
            weights: MlpWeights::new(&definition.shape, parameters)?,
            terms: (0..n).map(|_| None).collect(),
        }),
        Precision::F64 => Box::new(Engine::<f64> {
            weights: MlpWeights::new(&definition.shape, parameters)?,
            terms: (0..n).map(|_| None).collect(),
        }),
    })
}

impl GradientSource for PinnProblem {
    fn name(&self) -> String {
        self.definition.name.clone()
    }

    fn n_obj(&self) -> usize {
        self.definition.terms.len()
    }

    fn n_var(&self) -> usize {
        self.definition.shape.n_parameters()
    }

    fn n_points(&self) -> usize {
        1
    }

    fn initial_point(&mut self) -> Result<Matrix> {
        Ok(Matrix::from_vec(
            1,
            self.initial.len(),
            self.initial.clone(),
        )?)
    }

    fn epoch_of(&self, iteration: usize) -> Option<usize> {
        Some(iteration)
    }

    fn steps_per_epoch(&self) -> Option<usize> {
        Some(1)
    }

    fn begin_step(&mut self, x: &Matrix, iteration: usize) -> Result<Matrix> {
        self.begin_step_rows(x, iteration, None)
    }

    fn begin_step_rows(
        &mut self,
        x: &Matrix,
        iteration: usize,
        rows: Option<&[usize]>,
    ) -> Result<Matrix> {
        self.step = None;
        self.check_x(x)?;
        let m = self.definition.terms.len();
        let all: Vec<usize> = (0..m).collect();
        let rows: Vec<usize> = match (rows, &self.last_losses) {
            (Some(rows), Some(_)) => rows.iter().copied().filter(|&i| i < m).collect(),
            _ => all,
        };
        let mut step = Step {
            seed: self.seed,
            iteration: iteration as u64,
            engine: engine_for(&self.definition, x.row(0))?,
        };
        step.engine
            .ensure(&self.definition, step.seed, step.iteration, &rows)?;
        let mut losses = self.last_losses.clone().unwrap_or_else(|| vec![0.0; m]);
        for (i, loss) in losses.iter_mut().enumerate() {
            if let Some(v) = step.engine.loss(i) {
                *loss = v;
            }
        }
        self.last_losses = Some(losses.clone());
        self.step = Some(step);
        Ok(Matrix::from_vec(1, m, losses)?)
    }

    fn jacobian(&mut self) -> Result<JacobianBatch> {
        let all: Vec<usize> = (0..self.n_obj()).collect();
        self.jacobian_rows(&all)
    }

    fn jacobian_rows(&mut self, rows: &[usize]) -> Result<JacobianBatch> {
        let (m, p) = (self.n_obj(), self.n_var());
        let mut out = JacobianBatch::zeros(1, m, p);
        for &i in rows.iter().filter(|&&i| i < m) {
            let gradient = self.term_gradient(i)?;
            out.point_mut(0)[i * p..(i + 1) * p].copy_from_slice(&gradient);
        }
        Ok(out)
    }

    fn combined_gradient(&mut self, weights: &Matrix) -> Result<Matrix> {
        let (m, p) = (self.n_obj(), self.n_var());
        if weights.shape() != (1, m) {
            return Err(Error::DimensionMismatch {
                what: format!("{}: weights (1 × m)", self.definition.name),
                expected: m,
                got: weights.n_rows() * weights.n_cols(),
            });
        }
        let mut out = Matrix::zeros(1, p);
        for i in 0..m {
            let w = weights.get(0, i);
            if w == 0.0 {
                continue;
            }
            let gradient = self.term_gradient(i)?;
            for (o, g) in out.row_mut(0).iter_mut().zip(&gradient) {
                *o += w * g;
            }
        }
        Ok(out)
    }

    fn full_objectives(&mut self, x: &Matrix) -> Result<Matrix> {
        self.check_x(x)?;
        let m = self.definition.terms.len();
        let mut engine = engine_for(&self.definition, x.row(0))?;
        let all: Vec<usize> = (0..m).collect();
        engine.ensure(&self.definition, self.seed, EVALUATION_DRAW, &all)?;
        let losses = (0..m).map(|i| engine.loss(i).unwrap_or(f64::NAN)).collect();
        Ok(Matrix::from_vec(1, m, losses)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pinn::pdes::{PinnOptions, build_pinn};

    fn small(name: &str, terms: usize) -> PinnProblem {
        build_pinn(
            name,
            &PinnOptions {
                terms,
                n_interior: Some(7),
                n_boundary: Some(6),
                n_initial: Some(5),
                hidden: vec![6, 5],
                precision: Precision::F64,
                seed: 11,
            },
        )
        .unwrap()
    }

    /// Every term's gradient (residual transposes included) against central differences of
    /// its loss in f64, on the same step's points.
    #[test]
    fn term_gradients_match_finite_differences() {
        for (name, terms) in [("burgers", 3), ("kovasznay", 2), ("beltrami", 3)] {
            let mut problem = small(name, terms);
            let mut x = problem.initial_point().unwrap();
            for (k, v) in x.row_mut(0).iter_mut().enumerate() {
                *v += 0.1 * ((k % 5) as f64 - 2.0);
            }
            problem.begin_step(&x, 3).unwrap();
            let jacobian = problem.jacobian().unwrap();
            let (m, p) = (problem.n_obj(), problem.n_var());
            let h = 1e-6;
            for k in 0..p {
                let mut plus = x.clone();
                let mut minus = x.clone();
                plus.row_mut(0)[k] += h;
                minus.row_mut(0)[k] -= h;
                let fp = problem.begin_step(&plus, 3).unwrap();
                let fm = problem.begin_step(&minus, 3).unwrap();
                for i in 0..m {
                    let fd = (fp.get(0, i) - fm.get(0, i)) / (2.0 * h);
                    let got = jacobian.get(0, i, k);
                    assert!(
                        (got - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                        "{name} term {i} parameter {k}: {got} vs {fd}"
                    );
                }
            }
        }
    }

    /// A term evaluated alone sees the points it sees with the others: its loss and gradient are
    /// the same bits; the others report their last values; the combined gradient is the sum.
    #[test]
    fn rows_alone_equal_rows_together() {
        let mut problem = small("burgers", 2);
        let x = problem.initial_point().unwrap();
        let all = problem.begin_step(&x, 5).unwrap();
        let full = problem.jacobian().unwrap();
        let weights = Matrix::from_vec(1, 2, vec![0.25, 2.0]).unwrap();
        let combined = problem.combined_gradient(&weights).unwrap();
        let previous = problem.begin_step(&x, 4).unwrap();
        let partial = problem.begin_step_rows(&x, 5, Some(&[1])).unwrap();
        assert_eq!(partial.get(0, 1), all.get(0, 1));
        assert_eq!(partial.get(0, 0), previous.get(0, 0));
        let row = problem.jacobian_rows(&[1]).unwrap();
        assert_eq!(
            row.point(0)[problem.n_var()..],
            full.point(0)[problem.n_var()..]
        );
        assert!(row.point(0)[..problem.n_var()].iter().all(|&v| v == 0.0));
        for k in 0..problem.n_var() {
            let expected = 0.25 * full.get(0, 0, k) + 2.0 * full.get(0, 1, k);
            assert!((combined.get(0, k) - expected).abs() <= 1e-15 * (1.0 + expected.abs()));
        }
        // Another iteration draws other points.
        assert_ne!(previous.get(0, 1), all.get(0, 1));
    }

    #[test]
    fn test_grids_have_configs_sizes_and_options_are_checked() {
        let problem = small("kovasznay", 2);
        let test = problem.evaluator().test_set().clone();
        assert_eq!(test.inputs.len(), 2 * 27 * 37);
        assert_eq!(test.reference.len(), 3 * 27 * 37);
        assert!(
            build_pinn(
                "kovasznay",
                &PinnOptions {
                    terms: 3,
                    ..PinnOptions::default()
                }
            )
            .is_err()
        );
        assert!(build_pinn("heat", &PinnOptions::default()).is_err());
        let beltrami = small("beltrami", 2);
        assert_eq!(
            beltrami.evaluator().test_set().inputs.len(),
            4 * 5 * 7 * 7 * 8
        );
    }
}
