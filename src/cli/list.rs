//! `tradeoff list`: the built-in problems (and, later, solvers) from the registries.

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::json;
use tradeoff_problems::{ProblemSpec, problem_entries};

use super::io::print_json;

/// What to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    /// Problems: name, n_var, n_obj, bounds, default reference point, whether a true front is known.
    Problems,
    /// Solvers: name, family, whether it uses the preference, its options and defaults.
    Solvers,
}

/// Arguments of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum)]
    what: ListWhat,
}

/// Runs `list`.
pub fn run(args: ListArgs) -> Result<()> {
    match args.what {
        ListWhat::Problems => list_problems(),
        ListWhat::Solvers => list_solvers(),
    }
}

fn list_problems() -> Result<()> {
    let mut rows = Vec::new();
    for entry in problem_entries() {
        let problem = (entry.build)(&ProblemSpec::new(entry.name))?;
        let info = problem.info();
        let bounds = match (&info.lower, &info.upper) {
            (Some(l), Some(u)) => json!({"lower": l, "upper": u}),
            _ => serde_json::Value::Null,
        };
        rows.push(json!({
            "name": entry.name,
            "display": info.name,
            "family": entry.family,
            "n_var": info.n_var,
            "n_obj": info.n_obj,
            "bounds": bounds,
            "reference_point": info.reference_point,
            "true_front": problem.has_pareto_front(),
            "analytic_jacobian": problem.has_analytic_jacobian(),
            "summary": entry.summary,
        }));
    }
    print_json(&json!({ "problems": rows }))
}

fn list_solvers() -> Result<()> {
    let rows: Vec<serde_json::Value> = tradeoff_solvers::all_method_infos()
        .into_iter()
        .map(|info| {
            let options: Vec<serde_json::Value> = info
                .options
                .iter()
                .map(|o| json!({"name": o.name, "default": o.default, "doc": o.doc}))
                .collect();
            json!({
                "name": info.name,
                "display": info.display,
                "family": info.family.name(),
                "uses_preference": info.uses_preference,
                "needs_losses": info.needs_losses,
                "stateful": info.stateful,
                "randomized": info.randomized,
                "options": options,
                "citation": info.citation,
            })
        })
        .collect();
    print_json(&json!({ "solvers": rows }))
}
