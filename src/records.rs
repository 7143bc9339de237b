//! Experiment records: every indicator of a point set as one JSON object, and the files `solve`,
//! `compare` and `psl train` write (`result.json`, `summary.json`) as serde structs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tradeoff_pareto as pareto;
use tradeoff_pareto::Matrix;

/// A JSON number, or `null` for a non-finite value (JSON has no NaN).
pub fn json_f64(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The rows of a matrix as a JSON array of arrays.
pub fn json_matrix(m: &Matrix) -> Value {
    Value::Array(
        m.rows()
            .map(|r| Value::Array(r.iter().map(|&v| json_f64(v)).collect()))
            .collect(),
    )
}

fn optional(v: pareto::Result<Option<f64>>) -> pareto::Result<Value> {
    Ok(v?.map_or(Value::Null, json_f64))
}

/// What to compute besides the indicators every set has.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportInputs<'a> {
    /// A reference front: adds `igd`, `igd_plus`, `gd`, `gd_plus`, `avg_hausdorff`,
    /// `epsilon_additive`, `epsilon_mult`.
    pub front: Option<&'a Matrix>,
    /// One preference per point: adds `inner_product`, `cross_angle`, `pbi`.
    pub preferences: Option<&'a Matrix>,
    /// Adds `hv_contributions`.
    pub contributions: bool,
}

/// Every key [`indicator_report`] can write, in the order it writes them.
pub const INDICATOR_KEYS: &[&str] = &[
    "hypervolume",
    "hv_contributions",
    "n_nondominated",
    "igd",
    "igd_plus",
    "gd",
    "gd_plus",
    "avg_hausdorff",
    "epsilon_additive",
    "epsilon_mult",
    "lmin",
    "soft_lmin",
    "spacing",
    "sparsity",
    "span",
    "inner_product",
    "cross_angle",
    "pbi",
];

/// Every indicator of `points` (`n × m`) as a JSON object with fixed keys.
///
/// Always: `hypervolume` (w.r.t. `reference`), `n_nondominated` (distinct non-dominated
/// points), `lmin`, `soft_lmin` (h = 20), `spacing`, `sparsity`, `span`; the others as
/// [`ReportInputs`] says. An indicator undefined for the set (lmin of one point, epsilon_mult
/// with a non-positive value) is `null`, and then `notes` (an array of strings, present only
/// then) says for each such key why it is absent. Shapes must agree (the caller checks and reports them).
pub fn indicator_report(
    points: &Matrix,
    reference: &[f64],
    inputs: ReportInputs<'_>,
) -> pareto::Result<Map<String, Value>> {
    indicator_report_selected(points, reference, inputs, &|_| true)
}

/// [`indicator_report`] limited to the keys (of [`INDICATOR_KEYS`]) for which `wanted` is true;
/// the others are neither computed nor written.
pub fn indicator_report_selected(
    points: &Matrix,
    reference: &[f64],
    inputs: ReportInputs<'_>,
    wanted: &dyn Fn(&str) -> bool,
) -> pareto::Result<Map<String, Value>> {
    let mut out = Map::new();
    if wanted("hypervolume") {
        out.insert(
            "hypervolume".into(),
            json_f64(pareto::hypervolume(points, reference)?),
        );
    }
    if inputs.contributions && wanted("hv_contributions") {
        out.insert(
            "hv_contributions".into(),
            json!(pareto::hv_contributions(points, reference)?),
        );
    }
    if wanted("n_nondominated") {
        out.insert(
            "n_nondominated".into(),
            json!(pareto::n_nondominated(points)),
        );
    }
    let mut put = |key: &str, value: &dyn Fn() -> pareto::Result<Value>| {
        if wanted(key) {
            out.insert(key.into(), value()?);
        }
        Ok::<(), pareto::Error>(())
    };
    if let Some(front) = inputs.front {
        // IGD and GD once each: the averaged Hausdorff distance is their maximum.
        let need_both = wanted("avg_hausdorff");
        let igd = (need_both || wanted("igd"))
            .then(|| pareto::igd(points, front))
            .transpose()?;
        let gd = (need_both || wanted("gd"))
            .then(|| pareto::gd(points, front))
            .transpose()?;
        put("igd", &|| Ok(json_f64(igd.expect("computed when wanted"))))?;
        put("igd_plus", &|| {
            Ok(json_f64(pareto::igd_plus(points, front)?))
        })?;
        put("gd", &|| Ok(json_f64(gd.expect("computed when wanted"))))?;
        put("gd_plus", &|| Ok(json_f64(pareto::gd_plus(points, front)?)))?;
        put("avg_hausdorff", &|| {
            let (gd, igd) = (gd.expect("computed"), igd.expect("computed"));
            Ok(json_f64(gd.max(igd)))
        })?;
        put("epsilon_additive", &|| {
            Ok(json_f64(pareto::epsilon_additive(points, front)?))
        })?;
        // Defined only when every value is positive.
        put("epsilon_mult", &|| {
            Ok(pareto::epsilon_multiplicative(points, front).map_or(Value::Null, json_f64))
        })?;
    }
    // One nearest-neighbour search for both.
    let (lmin, spacing) = if wanted("lmin") || wanted("spacing") {
        pareto::lmin_and_spacing(points)?
    } else {
        (None, None)
    };
    put("lmin", &|| Ok(lmin.map_or(Value::Null, json_f64)))?;
    put("soft_lmin", &|| {
        optional(pareto::soft_lmin(points, pareto::SOFT_LMIN_H))
    })?;
    put("spacing", &|| Ok(spacing.map_or(Value::Null, json_f64)))?;
    put("sparsity", &|| optional(pareto::sparsity(points)))?;
    put("span", &|| optional(pareto::span(points)))?;
    if let Some(prefs) = inputs.preferences {
        put("inner_product", &|| {
            optional(pareto::inner_product(points, prefs))
        })?;
        put("cross_angle", &|| {
            optional(pareto::cross_angle(points, prefs))
        })?;
        put("pbi", &|| optional(pareto::pbi(points, prefs)))?;
    }
    let mut notes: Vec<Value> = Vec::new();
    for (key, value) in &out {
        if value.is_null() {
            let why = match key.as_str() {
                "epsilon_mult" => {
                    match pareto::epsilon_multiplicative(points, inputs.front.unwrap_or(points)) {
                        Err(e) => format!("defined only for strictly positive objectives: {e}"),
                        Ok(_) => "not a finite number".to_string(),
                    }
                }
                "lmin" | "soft_lmin" | "spacing" => {
                    "undefined for fewer than two points".to_string()
                }
                "sparsity" | "span" | "inner_product" => "undefined for an empty set".to_string(),
                "cross_angle" => "undefined when a point is the zero vector".to_string(),
                _ => "not a finite number".to_string(),
            };
            notes.push(Value::String(format!("{key} is null: {why}")));
        }
    }
    if !notes.is_empty() {
        out.insert("notes".into(), Value::Array(notes));
    }
    Ok(out)
}

/// A matrix as its rows (the shape every record stores points in).
pub type Rows = Vec<Vec<f64>>;

/// The rows of a matrix, for a record (non-finite values are written as `null`).
pub fn rows_of(m: &Matrix) -> Rows {
    m.rows().map(<[f64]>::to_vec).collect()
}

/// Readers for values that a record writes as `null` when they are not finite (JSON has no NaN).
mod nullable {
    use serde::{Deserialize, Deserializer};

    /// A number, or NaN for `null`.
    pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }

    /// Rows of numbers, NaN for each `null`.
    pub fn rows<'de, D: Deserializer<'de>>(d: D) -> Result<super::Rows, D::Error> {
        let rows = Vec::<Vec<Option<f64>>>::deserialize(d)?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
            .collect())
    }
}

/// Files written before the field existed are version 1.
fn first_version() -> u32 {
    1
}

/// The layout version of `result.json` written by `tradeoff solve` (2: `config.method_options_effective`
/// is an object of option → value instead of a debug text).
pub const SOLVE_SCHEMA_VERSION: u32 = 2;
/// The layout version of `summary.json` written by `tradeoff compare`.
pub const COMPARISON_SCHEMA_VERSION: u32 = 1;
/// The layout version of `result.json` written by `tradeoff psl train`.
pub const PSL_SCHEMA_VERSION: u32 = 1;

/// The name and version of the tool that wrote a record (`tradeoff 0.1.0`).
pub fn tool_name() -> String {
    format!("tradeoff {}", env!("CARGO_PKG_VERSION"))
}

/// One recorded iteration: the hypervolume (and IGD when a true front is known).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// The iteration.
    pub iteration: usize,
    /// Hypervolume of the current solutions (`null` when not finite).
    #[serde(deserialize_with = "nullable::number")]
    pub hypervolume: f64,
    /// IGD to the true front, when the problem has one.
    pub igd: Option<f64>,
}

impl HistoryPoint {
    /// The records of a run's history, as written in `result.json` and `summary.json`.
    pub fn of_history(history: &[tradeoff_solvers::HistoryRecord]) -> Vec<Self> {
        history
            .iter()
            .map(|h| Self {
                iteration: h.iteration,
                hypervolume: h.hypervolume,
                igd: h.igd,
            })
            .collect()
    }
}

/// How `solve` was configured, as written in `result.json`'s `config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveConfigRecord {
    /// The problem's display name (`ZDT1`).
    pub problem: String,
    /// The name as typed (`zdt1`), which builds the problem again.
    pub problem_name: String,
    /// Decision variables.
    pub n_var: usize,
    /// Objectives.
    pub n_obj: usize,
    /// RE normalisation (`authors`, `libmoon`, `none`).
    pub normalize: String,
    /// The method, lower-case.
    pub solver: String,
    /// The `--set key=value` options as given.
    pub options: Vec<String>,
    /// Where the preferences came from.
    pub prefs: String,
    /// Planned iterations.
    pub iters: usize,
    /// Learning rate.
    pub lr: f64,
    /// Optimiser (`sgd`, `adam`).
    pub optimizer: String,
    /// Seed.
    pub seed: u64,
    /// How the start points were chosen.
    pub init: String,
    /// Hypervolume reference point.
    pub reference_point: Vec<f64>,
    /// Indicators recorded every this many iterations.
    pub record_every: usize,
    /// Step-length tolerance (0: all iterations).
    pub tol: f64,
    /// Every option the method was built with (key → value), including those the run filled in
    /// (ParetoMTL's `iters`). Files of version 1 hold a debug text here, read as empty.
    #[serde(default, deserialize_with = "options_or_legacy_text")]
    pub method_options_effective: BTreeMap<String, String>,
}

fn options_or_legacy_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Map(BTreeMap<String, String>),
        Text(serde::de::IgnoredAny),
    }
    Ok(match Either::deserialize(d)? {
        Either::Map(m) => m,
        Either::Text(_) => BTreeMap::new(),
    })
}

/// Time and work of a `solve` run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveTimings {
    /// Solver time in seconds, without recording.
    #[serde(deserialize_with = "nullable::number")]
    pub time_s: f64,
    /// Seconds spent recording indicators.
    #[serde(deserialize_with = "nullable::number")]
    pub record_time_s: f64,
    /// Jacobian evaluations.
    pub n_jacobian_evaluations: usize,
    /// Objective evaluations.
    pub n_evaluations: usize,
}

/// `result.json` of `tradeoff solve --out DIR`, read back by `tradeoff plot`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveRecord {
    /// [`SOLVE_SCHEMA_VERSION`] when written (1 for files without the field).
    #[serde(default = "first_version")]
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: String,
    /// The run's configuration.
    pub config: SolveConfigRecord,
    /// Final solutions, one row per preference.
    #[serde(deserialize_with = "nullable::rows")]
    pub solutions: Rows,
    /// Their objective values.
    #[serde(deserialize_with = "nullable::rows")]
    pub objectives: Rows,
    /// The preferences, one per solution.
    #[serde(deserialize_with = "nullable::rows")]
    pub prefs: Rows,
    /// Every indicator of the final front ([`indicator_report`]).
    pub indicators: Map<String, Value>,
    /// The recorded hypervolume history.
    pub history: Vec<HistoryPoint>,
    /// Why the run stopped.
    pub termination: String,
    /// Iterations run.
    pub iterations: usize,
    /// Time and work.
    pub timings: SolveTimings,
}

/// How `compare` was configured, as written in `summary.json`'s `config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonConfigRecord {
    /// The problem's display name.
    pub problem: String,
    /// The name as typed, which builds the problem again.
    pub problem_name: String,
    /// `--n-var`, when given.
    pub n_var: Option<usize>,
    /// `--n-obj`, when given.
    pub n_obj: Option<usize>,
    /// RE normalisation (`authors`, `libmoon`, `none`).
    pub normalize: String,
    /// The solvers compared, lower-case.
    pub solvers: Vec<String>,
    /// The `--set SOLVER:key=value` options as given.
    pub options: Vec<String>,
    /// Number of seeds.
    pub seeds: usize,
    /// The first seed.
    pub first_seed: u64,
    /// Where the preferences came from.
    pub prefs: String,
    /// Iterations per run.
    pub iters: usize,
    /// Learning rate.
    pub lr: f64,
    /// Optimiser (`sgd`, `adam`).
    pub optimizer: String,
    /// `--init-box`, when given.
    pub init_box: Option<String>,
    /// Hypervolume reference point.
    pub reference_point: Vec<f64>,
}

/// Mean and standard deviation of one indicator over a solver's runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanStd {
    /// Mean (`null` when not finite).
    #[serde(deserialize_with = "nullable::number")]
    pub mean: f64,
    /// Population standard deviation (`null` when not finite).
    #[serde(deserialize_with = "nullable::number")]
    pub std: f64,
}

/// A run that failed, with its error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFailure {
    /// The seed of the run.
    pub seed: u64,
    /// The error, one line.
    pub error: String,
}

/// One solver's row of the comparison table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The solver.
    pub solver: String,
    /// Runs that finished.
    pub n_runs: usize,
    /// Indicator key (`hypervolume`, `igd`, `time_s`, ...) → mean and std over the runs.
    #[serde(flatten)]
    pub indicators: BTreeMap<String, MeanStd>,
    /// Runs that failed.
    pub failures: Vec<RunFailure>,
}

/// One finished run of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRun {
    /// The solver.
    pub solver: String,
    /// The seed.
    pub seed: u64,
    /// Every indicator of its final front, and `time_s`.
    pub indicators: Map<String, Value>,
    /// Final objective values.
    #[serde(deserialize_with = "nullable::rows")]
    pub objectives: Rows,
    /// Final solutions.
    #[serde(deserialize_with = "nullable::rows")]
    pub solutions: Rows,
    /// Why the run stopped.
    pub termination: String,
    /// The recorded hypervolume history.
    pub history: Vec<HistoryPoint>,
}

/// `summary.json` of `tradeoff compare --out DIR`, read back by `tradeoff plot`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRecord {
    /// [`COMPARISON_SCHEMA_VERSION`] when written (1 for files without the field).
    #[serde(default = "first_version")]
    pub schema_version: u32,
    /// Always `comparison`.
    pub kind: String,
    /// The tool that wrote it.
    pub tool: String,
    /// The comparison's configuration.
    pub config: ComparisonConfigRecord,
    /// The preferences every run used.
    #[serde(deserialize_with = "nullable::rows")]
    pub prefs: Rows,
    /// One row per solver, in the order of `--solvers`.
    pub rows: Vec<ComparisonRow>,
    /// Every finished run.
    pub runs: Vec<ComparisonRun>,
}

/// How `psl train` was configured, as written in its `result.json`'s `config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PslConfigRecord {
    /// The problem's display name.
    pub problem: String,
    /// The name as typed.
    pub problem_name: String,
    /// Decision variables.
    pub n_var: usize,
    /// Objectives.
    pub n_obj: usize,
    /// RE normalisation (`authors`, `libmoon`, `none`).
    pub normalize: String,
    /// Model family (`mlp`, `hypernet`, ...).
    pub model: String,
    /// Training signal.
    pub loss: String,
    /// The `--set key=value` options as given.
    pub options: Vec<String>,
    /// Training iterations.
    pub iters: usize,
    /// Preferences per batch.
    pub batch: usize,
    /// Learning rate.
    pub lr: f64,
    /// Dirichlet concentration.
    pub alpha: f64,
    /// Seed.
    pub seed: u64,
    /// Precision (`f32`, `f64`).
    pub precision: String,
    /// Trainable parameters.
    pub n_params: usize,
}

/// Loss and gradient norm per training iteration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PslHistoryRecord {
    /// Loss per iteration.
    pub loss: Vec<f64>,
    /// Gradient norm per iteration.
    pub grad_norm: Vec<f64>,
}

/// Training time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PslTimings {
    /// Seconds of training.
    #[serde(deserialize_with = "nullable::number")]
    pub train_s: f64,
    /// Milliseconds per iteration.
    #[serde(deserialize_with = "nullable::number")]
    pub per_iteration_ms: f64,
}

/// `result.json` of `tradeoff psl train --out DIR` (the model itself is `model.json` and
/// `model.safetensors`, written by [`crate::psl::save_model`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PslRecord {
    /// [`PSL_SCHEMA_VERSION`] when written (1 for files without the field).
    #[serde(default = "first_version")]
    pub schema_version: u32,
    /// Always `psl`.
    pub kind: String,
    /// The tool that wrote it.
    pub tool: String,
    /// The training configuration.
    pub config: PslConfigRecord,
    /// The evaluation on the standard preference set.
    pub evaluation: tradeoff_psl::Evaluation,
    /// Training history.
    pub history: PslHistoryRecord,
    /// Training time.
    pub timings: PslTimings,
}
