//! Options shared by every command that takes a problem: its name (`--problem`), sizes and RE
//! normalisation.

use clap::{Args, ValueEnum};
use tradeoff_problems::{Normalization, Problem, ProblemSpec, build_problem};

/// How RE objectives are scaled (`--normalize`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum NormalizeChoice {
    /// (f − ideal)/(nadir − ideal) with the authors' ideal and nadir points.
    #[default]
    Authors,
    /// LibMOON's exact outputs (halved f1 for RE21/RE22, its nadirs, raw RE42; its regression
    /// data).
    Libmoon,
    /// Raw objective values.
    None,
}

impl NormalizeChoice {
    /// The name as typed and as records store it (`authors`, `libmoon`, `none`).
    pub fn name(self) -> &'static str {
        Normalization::from(self).name()
    }
}

impl From<NormalizeChoice> for Normalization {
    fn from(c: NormalizeChoice) -> Self {
        match c {
            NormalizeChoice::Authors => Normalization::Authors,
            NormalizeChoice::Libmoon => Normalization::Libmoon,
            NormalizeChoice::None => Normalization::None,
        }
    }
}

/// `--n-var`, `--n-obj`, `--normalize`.
#[derive(Clone, Debug, Default, Args)]
pub struct ProblemOptions {
    /// Number of decision variables (default: the problem's own; a fixed size may be repeated).
    #[arg(long, value_name = "N")]
    pub n_var: Option<usize>,
    /// Number of objectives (default: the problem's own; a fixed size may be repeated).
    #[arg(long, value_name = "M")]
    pub n_obj: Option<usize>,
    /// Objective scaling of the RE problems; `libmoon` also selects LibMOON's own data for
    /// `regression` (others ignore it).
    #[arg(long, value_enum, default_value_t = NormalizeChoice::Authors, value_name = "HOW")]
    pub normalize: NormalizeChoice,
}

impl ProblemOptions {
    /// Builds the named problem with these options.
    pub fn build(&self, name: &str) -> anyhow::Result<Box<dyn Problem>> {
        Ok(build_problem(&self.spec(name))?)
    }

    /// The specification of the named problem with these options.
    pub fn spec(&self, name: &str) -> ProblemSpec {
        ProblemSpec {
            name: name.to_string(),
            n_var: self.n_var,
            n_obj: self.n_obj,
            normalize: self.normalize.into(),
        }
    }
}

/// The problem every command uses when none is named.
pub const DEFAULT_PROBLEM: &str = "vlmop2";

/// `--problem NAME` with its sizes and normalisation: the same flag, with the same default, in
/// `solve`, `compare`, `psl train`, `eval` and `front`.
#[derive(Clone, Debug, Args)]
pub struct ProblemArgs {
    /// Problem name (case-insensitive); see `tradeoff list problems`.
    #[arg(long = "problem", value_name = "NAME", default_value = DEFAULT_PROBLEM)]
    pub problem: String,
    #[command(flatten)]
    pub options: ProblemOptions,
}

impl ProblemArgs {
    /// The problem name: `positional` (the `eval PROBLEM` form) when given, else `--problem`.
    pub fn name<'a>(&'a self, positional: Option<&'a str>) -> &'a str {
        positional.unwrap_or(&self.problem)
    }

    /// Builds the named problem with these options.
    pub fn build(&self) -> anyhow::Result<Box<dyn Problem>> {
        self.options.build(&self.problem)
    }

    /// The specification of the named problem with these options.
    pub fn spec(&self) -> ProblemSpec {
        self.options.spec(&self.problem)
    }
}
