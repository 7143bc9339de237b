//! The flags several commands share, declared once: `--iters`, `--lr`, `--seed`, `--pref` and
//! `--set` mean the same and default the same wherever they appear.

use anyhow::{Context, Result, bail};
use clap::Args;
use tradeoff_solvers::Options;

/// Iterations of a run (`solve`, `compare`) or of training (`psl train`).
pub const DEFAULT_ITERS: usize = 1000;
/// Seed of every command that draws random numbers.
pub const DEFAULT_SEED: u64 = 0;
/// Learning rate of `solve` and `compare`: the step moves the solutions themselves.
pub const DEFAULT_SOLVE_LR: f64 = 0.01;
/// Learning rate of `psl train`: Adam on a network's weights, LibMOON's PSL setting.
pub const DEFAULT_PSL_LR: f64 = 1e-3;

/// `--iters N`.
#[derive(Clone, Debug, Args)]
pub struct IterArgs {
    /// Number of iterations (optimisation steps; for `psl train`, training batches)
    /// [default: 1000]. With `solve --resume`: a new total, above the saved iteration (a
    /// learning-rate schedule that depends on the total then differs from a run planned with
    /// this total).
    #[arg(long, value_name = "N")]
    pub iters: Option<usize>,
}

impl IterArgs {
    /// `--iters`, or [`DEFAULT_ITERS`].
    pub fn get(&self) -> usize {
        self.iters.unwrap_or(DEFAULT_ITERS)
    }
}

/// `--lr X`: one flag whose default depends on what the step moves.
#[derive(Clone, Debug, Args)]
pub struct LrArgs {
    /// Learning rate. Default: 0.01 for `solve` and `compare`, whose step moves the solutions
    /// themselves; 0.001 for `psl train`, whose Adam step moves a network's weights (LibMOON's
    /// Pareto-set-learning setting).
    #[arg(long = "lr", value_name = "X", allow_hyphen_values = true)]
    pub lr: Option<f64>,
}

impl LrArgs {
    /// The given learning rate, or the command's `default`.
    pub fn or(&self, default: f64) -> f64 {
        self.lr.unwrap_or(default)
    }
}

/// `--seed S`.
#[derive(Clone, Debug, Args)]
pub struct SeedArgs {
    /// Seed of every random choice the command makes (start points, preference sets, randomised
    /// methods, network weights, sampled preferences); the same seed gives the same output.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// `--pref P1,P2,..`: one preference vector, inline or from a file.
#[derive(Clone, Debug, Default, Args)]
pub struct PrefArgs {
    /// One preference vector: inline, e.g. `0.3,0.7`, or a `.json` file holding an array of
    /// numbers (or a one-row `.json`/`.csv` matrix).
    #[arg(long, value_name = "P1,P2,..|FILE", allow_hyphen_values = true)]
    pub pref: Option<String>,
}

impl PrefArgs {
    /// The preference vector, when given.
    pub fn vector(&self) -> Result<Option<Vec<f64>>> {
        self.pref
            .as_deref()
            .map(|t| super::io::vector_argument(t, "--pref"))
            .transpose()
    }
}

/// `--set key=value` (repeatable): a method's options.
#[derive(Clone, Debug, Default, Args)]
pub struct SetArgs {
    /// A method option, `key=value` (repeatable); see `tradeoff list solvers`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

impl SetArgs {
    /// The options as `(key, value)` pairs, trimmed.
    pub fn pairs(&self) -> Result<Vec<(String, String)>> {
        self.set.iter().map(|s| split_pair(s)).collect()
    }

    /// The options for a solver.
    pub fn options(&self) -> Result<Options> {
        options_of(&self.set)
    }
}

/// `key=value` → `(key, value)`, trimmed: the one grammar of `--set`.
pub fn split_pair(text: &str) -> Result<(String, String)> {
    let (k, v) = text
        .split_once('=')
        .with_context(|| format!("--set '{text}' is not of the form key=value"))?;
    Ok((k.trim().to_string(), v.trim().to_string()))
}

/// Solver options from `key=value` texts.
pub fn options_of(pairs: &[String]) -> Result<Options> {
    Options::parse(pairs).map_err(anyhow::Error::msg)
}

/// `--set SOLVER:key=value` (repeatable): an option for one of `compare`'s solvers.
#[derive(Clone, Debug, Default, Args)]
pub struct SolverSetArgs {
    /// A method option for one solver, `SOLVER:key=value` (repeatable): `--set`'s `key=value`
    /// with the solver it applies to in front.
    #[arg(long = "set", value_name = "SOLVER:KEY=VALUE")]
    pub set: Vec<String>,
}

impl SolverSetArgs {
    /// The `key=value` texts of the options given for `solver`.
    pub fn for_solver(&self, solver: &str) -> Result<Vec<String>> {
        let mut pairs = Vec::new();
        for s in &self.set {
            let (name, pair) = s
                .split_once(':')
                .with_context(|| format!("--set '{s}' must be SOLVER:key=value"))?;
            if name.trim().eq_ignore_ascii_case(solver) {
                pairs.push(pair.to_string());
            }
        }
        Ok(pairs)
    }
}

/// `--stop-after E1` of an epoch-based run (`train`, a PINN, a neural `psl train`): it must
/// fall strictly inside the planned `epochs`, and the checkpoint it ends with needs `--out`.
///
/// # Errors
/// `E1` of 0 or at least `epochs`, or no `--out`.
pub fn check_stop_after(stop_after: Option<usize>, epochs: usize, has_out: bool) -> Result<()> {
    if let Some(stop) = stop_after {
        if stop == 0 || stop >= epochs {
            bail!(
                "--stop-after {stop} must be between 1 and --epochs - 1 ({})",
                epochs - 1
            );
        }
        if !has_out {
            bail!("--stop-after needs --out DIR (the checkpoint goes there)");
        }
    }
    Ok(())
}
