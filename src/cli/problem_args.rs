//! Options shared by every command that takes a problem: sizes and RE normalisation.

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
        let spec = ProblemSpec {
            name: name.to_string(),
            n_var: self.n_var,
            n_obj: self.n_obj,
            normalize: self.normalize.into(),
        };
        Ok(build_problem(&spec)?)
    }
}
