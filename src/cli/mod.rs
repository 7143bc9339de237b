//! Command-line interface: argument types per subcommand, and the one exit path.

mod aggregate;
mod compare;
mod eval;
mod front;
mod indicators;
mod io;
mod list;
mod plot;
mod prefs;
mod problem_args;
mod progress;
mod psl;
mod render;
mod solve;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Gradient-based multi-objective optimisation: problems, solvers, indicators, plots.
///
/// Every command writes its result as JSON on stdout (so scripts can use it) and errors as one
/// line on stderr with exit code 2. Objectives are always minimised.
#[derive(Debug, Parser)]
#[command(
    name = "tradeoff",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in problems (or solvers).
    List(list::ListArgs),
    /// Evaluate a problem's objectives (and Jacobians) at given points.
    Eval(eval::EvalArgs),
    /// Sample a problem's true Pareto front.
    Front(front::FrontArgs),
    /// Compute quality indicators (hypervolume, IGD, ...) of a point set.
    Indicators(indicators::IndicatorsArgs),
    /// Generate preference vectors on the simplex.
    Prefs(prefs::PrefsArgs),
    /// Solve a problem: one solution per preference vector, with any method.
    Solve(solve::SolveArgs),
    /// Apply one method to one Jacobian and print the direction and weights.
    Aggregate(aggregate::AggregateArgs),
    /// Compare solvers over seeds under one budget: a table, summary files and pictures.
    Compare(compare::CompareArgs),
    /// Re-draw the pictures of a saved run or comparison without solving again.
    Plot(plot::PlotArgs),
    /// Pareto-set learning: train a model of the whole Pareto set, or query a saved one.
    Psl(psl::PslArgs),
}

/// Parses the arguments, runs the command, prints any error once, and maps it to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let message = format!("{e:#}").replace('\n', " ");
            let _ = writeln!(std::io::stderr(), "tradeoff: {message}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::List(args) => list::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Front(args) => front::run(args),
        Command::Indicators(args) => indicators::run(args),
        Command::Prefs(args) => prefs::run(args),
        Command::Solve(args) => solve::run(args),
        Command::Aggregate(args) => aggregate::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Plot(args) => plot::run(args),
        Command::Psl(args) => psl::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
