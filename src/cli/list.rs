//! `tradeoff list`: the built-in problems and solvers from their registries, as a table a person
//! reads or, with `--json`, as JSON.

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde::Serialize;
use tradeoff_problems::{ProblemSpec, problem_entries};
use tradeoff_solvers::MethodInfo;

use super::io::print_json;

/// What to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    /// Problems: name, family, n_var, n_obj, whether a true front is known, summary (with
    /// `--json`: also bounds and the default reference point).
    Problems,
    /// Solvers: name, family, options and defaults, summary (with `--json`: also whether it uses
    /// the preference, needs the losses, keeps state, draws random numbers, and its citation).
    Solvers,
}

/// Arguments of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum)]
    what: ListWhat,
    /// Print one JSON object on stdout instead of the table.
    #[arg(long)]
    json: bool,
}

/// Runs `list`.
pub fn run(args: ListArgs) -> Result<()> {
    match args.what {
        ListWhat::Problems => {
            let rows = problem_rows()?;
            let training = training_rows();
            if args.json {
                print_json(&serde_json::json!({ "problems": rows, "training_problems": training }))
            } else {
                print!("{}", problems_table(&rows));
                println!(
                    "\nTraining problems (`tradeoff train`, `tradeoff psl train`, `compare --epochs`):"
                );
                print!("{}", training_table(&training));
                Ok(())
            }
        }
        ListWhat::Solvers => {
            let rows: Vec<SolverRow> = tradeoff_solvers::all_method_infos()
                .into_iter()
                .map(solver_row)
                .collect();
            if args.json {
                print_json(&serde_json::json!({ "solvers": rows }))
            } else {
                print!("{}", solvers_table(&rows));
                Ok(())
            }
        }
    }
}

/// The box of a problem.
#[derive(Debug, Serialize)]
struct Bounds {
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// One problem of `list problems --json`.
#[derive(Debug, Serialize)]
struct ProblemRow {
    name: &'static str,
    display: String,
    family: &'static str,
    n_var: usize,
    n_obj: usize,
    bounds: Option<Bounds>,
    reference_point: Vec<f64>,
    true_front: bool,
    analytic_jacobian: bool,
    summary: &'static str,
}

fn problem_rows() -> Result<Vec<ProblemRow>> {
    let mut rows = Vec::new();
    for entry in problem_entries() {
        let problem = (entry.build)(&ProblemSpec::new(entry.name))?;
        let info = problem.info();
        let bounds = match (&info.lower, &info.upper) {
            (Some(l), Some(u)) => Some(Bounds {
                lower: l.clone(),
                upper: u.clone(),
            }),
            _ => None,
        };
        rows.push(ProblemRow {
            name: entry.name,
            display: info.name.clone(),
            family: entry.family,
            n_var: info.n_var,
            n_obj: info.n_obj,
            bounds,
            reference_point: info.reference_point.clone(),
            true_front: problem.has_pareto_front(),
            analytic_jacobian: problem.has_analytic_jacobian(),
            summary: entry.summary,
        });
    }
    Ok(rows)
}

/// One option of a solver.
#[derive(Debug, Serialize)]
struct OptionRow {
    name: String,
    default: String,
    doc: String,
}

/// One solver of `list solvers --json`.
#[derive(Debug, Serialize)]
struct SolverRow {
    name: String,
    display: String,
    family: String,
    uses_preference: bool,
    needs_losses: bool,
    stateful: bool,
    randomized: bool,
    options: Vec<OptionRow>,
    citation: String,
}

/// The names `--solver` takes, from the method table: `mean, sum, mgda, ...`.
pub fn solver_names() -> String {
    tradeoff_solvers::all_method_infos()
        .into_iter()
        .map(|info| solver_row(info).name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one place that reads the method table's description of a method.
fn solver_row(info: &MethodInfo) -> SolverRow {
    SolverRow {
        name: info.name.to_string(),
        display: info.display.to_string(),
        family: info.family.name().to_string(),
        uses_preference: info.uses_preference,
        needs_losses: info.needs_losses,
        stateful: info.stateful,
        randomized: info.randomized,
        options: info
            .options
            .iter()
            .map(|o| OptionRow {
                name: o.name.to_string(),
                default: o.default.to_string(),
                doc: o.doc.to_string(),
            })
            .collect(),
        citation: info.citation.to_string(),
    }
}

/// Left-aligned columns, two spaces apart; the last column is not padded.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        let cells: Vec<&str> = cells.collect();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// One problem that trains a network (`list problems --json`'s `training_problems`).
#[derive(Debug, Serialize)]
struct TrainingRow {
    name: &'static str,
    kind: &'static str,
    objectives: &'static str,
    model: &'static str,
    data: &'static str,
}

/// The neural and physics-informed problems of `tradeoff train`.
fn training_rows() -> Vec<TrainingRow> {
    let row = |name, kind, objectives, model, data| TrainingRow {
        name,
        kind,
        objectives,
        model,
        data,
    };
    let fairness = "BCE, relaxed DEO (LibMOON's)";
    vec![
        row(
            "multi-mnist",
            "multi-task",
            "cross-entropy of the left and the right digit",
            "multi-lenet",
            "generated from the shipped MNIST test images (24,000 train, 4,000 test)",
        ),
        row(
            "adult",
            "fairness",
            fairness,
            "mlp-m1",
            "shipped (32,561 rows)",
        ),
        row("compas", "fairness", fairness, "mlp-m1", "shipped"),
        row("credit", "fairness", fairness, "mlp-m1", "shipped"),
        row(
            "tabular",
            "multi-task",
            "one loss per --targets column (bce, ce, mse)",
            "shared-bottom",
            "your CSV (--data)",
        ),
        row(
            "burgers",
            "pinn",
            "PDE residual, boundary + initial (--set terms=3 splits them)",
            "tanh MLP 2→50×5→1",
            "Latin-hypercube points each step; Cole–Hopf reference",
        ),
        row(
            "kovasznay",
            "pinn",
            "PDE residual, boundary",
            "tanh MLP 2→50×5→3",
            "Latin-hypercube points each step; analytic solution",
        ),
        row(
            "beltrami",
            "pinn",
            "PDE residual, boundary + initial (--set terms=3 splits them)",
            "tanh MLP 4→50×5→4",
            "Latin-hypercube points each step; analytic solution",
        ),
    ]
}

fn training_table(rows: &[TrainingRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            [r.name, r.kind, r.objectives, r.model, r.data]
                .iter()
                .map(|c| c.to_string())
                .collect()
        })
        .collect();
    table(&["PROBLEM", "KIND", "OBJECTIVES", "MODEL", "DATA"], &cells)
}

fn problems_table(rows: &[ProblemRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_string(),
                r.family.to_string(),
                r.n_var.to_string(),
                r.n_obj.to_string(),
                if r.true_front { "yes" } else { "no" }.to_string(),
                r.summary.to_string(),
            ]
        })
        .collect();
    table(
        &["PROBLEM", "FAMILY", "N_VAR", "N_OBJ", "FRONT", "SUMMARY"],
        &cells,
    )
}

fn solvers_table(rows: &[SolverRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let options = if r.options.is_empty() {
                "-".to_string()
            } else {
                r.options
                    .iter()
                    .map(|o| format!("{}={}", o.name, o.default))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let mut summary = r.display.clone();
            if r.uses_preference {
                summary.push_str(", uses the preference");
            }
            if r.stateful {
                summary.push_str(", stateful");
            }
            if r.randomized {
                summary.push_str(", randomised");
            }
            vec![r.name.clone(), r.family.clone(), summary, options]
        })
        .collect();
    let mut out = table(
        &["SOLVER", "FAMILY", "SUMMARY", "OPTIONS (default)"],
        &cells,
    );
    out.push_str(
        "\nOptions are set with --set key=value; `list solvers --json` gives their docs and \
         citations.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_every_column_but_the_last() {
        let t = table(
            &["A", "BB", "C"],
            &[vec!["xyz".into(), "1".into(), "last one".into()]],
        );
        assert_eq!(t, "A    BB  C\nxyz  1   last one\n");
    }
}
