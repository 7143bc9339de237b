//! Command-line interface: argument types per subcommand, and the one exit path.

mod aggregate;
mod compare;
mod compare_neural;
mod eval;
mod flags;
mod front;
mod indicators;
mod io;
mod limits;
mod list;
mod pinn;
mod plot;
mod prefs;
mod problem_args;
mod progress;
mod psl;
mod render;
mod solve;
mod train;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Gradient-based multi-objective optimisation: problems, solvers, indicators, plots.
///
/// `eval`, `front`, `indicators`, `prefs` and `aggregate` write JSON on stdout; `list`, `solve`,
/// `compare`, `plot` and `psl` print text for a person unless given `--json` (`list`, `solve`,
/// `compare`, `psl`). Errors are one line on stderr with exit code 2. Objectives are always
/// minimised. `--problem`, `--iters`, `--lr`, `--seed`, `--pref` and `--set` are one flag each,
/// with one meaning and one default, wherever they appear.
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
    /// Train a neural network on several tasks (multi-task, fairness): one model with any
    /// method, or one model per preference.
    Train(train::TrainArgs),
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
    io::install_interrupt_cleanup();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let message = error_line(&e);
            let _ = writeln!(std::io::stderr(), "tradeoff: {message}");
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, `outer: inner: ...`, leaving out a cause whose text
/// the previous one already shows (an error that prints its source as its own message, as
/// `#[error(transparent)]`-like wrappers of I/O errors do, would otherwise repeat it).
fn error_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts
            .last()
            .is_some_and(|previous| previous.contains(&text))
        {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ").replace('\n', " ")
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
        Command::Train(args) => train::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn error_line_shows_a_repeated_cause_once() {
        #[derive(Debug)]
        struct Wrapper(std::io::Error);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = anyhow::Error::new(Wrapper(io)).context("cannot read x");
        assert_eq!(error_line(&e), "cannot read x: gone");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    impl Command {
        /// The problem a command names, when it takes one.
        fn problem_name(&self) -> Option<String> {
            match self {
                Command::Solve(a) => Some(a.problem.problem.clone()),
                Command::Compare(a) => Some(a.problem.problem.clone()),
                Command::Eval(a) => Some(a.problem_name().to_string()),
                Command::Front(a) => Some(a.problem_name().to_string()),
                Command::Psl(a) => a.problem_name(),
                _ => None,
            }
        }
    }

    fn parse(args: &[&str]) -> Command {
        let mut all = vec!["tradeoff"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all) {
            Ok(cli) => cli.command,
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

    /// `(iters, lr, seed)` of the commands that run an optimiser, with their own defaults.
    fn run_flags(command: &Command) -> (usize, f64, u64) {
        match command {
            Command::Solve(a) => (a.run.iters(), a.run.lr(), a.run.seed()),
            Command::Compare(a) => (a.run.iters(), a.run.lr(), a.run.seed()),
            Command::Psl(a) => a.train_flags().expect("psl train"),
            other => panic!("not a run command: {other:?}"),
        }
    }

    #[test]
    fn iters_and_seed_default_the_same_everywhere() {
        let solve = run_flags(&parse(&["solve"]));
        let compare = run_flags(&parse(&["compare", "--solvers", "ls"]));
        let psl = run_flags(&parse(&["psl", "train"]));
        assert_eq!(solve.0, 1000);
        assert_eq!((solve.0, solve.2), (compare.0, compare.2));
        assert_eq!((solve.0, solve.2), (psl.0, psl.2));
        let Command::Prefs(prefs) =
            parse(&["prefs", "--n-obj", "2", "--n", "3", "--method", "uniform"])
        else {
            panic!("prefs")
        };
        assert_eq!(prefs.seed(), solve.2);
    }

    #[test]
    fn lr_defaults_are_the_documented_ones() {
        // solve and compare move the solutions (0.01); psl train moves a network's weights
        // (0.001): `--lr`'s help says so.
        assert_eq!(run_flags(&parse(&["solve"])).1, 0.01);
        assert_eq!(run_flags(&parse(&["compare", "--solvers", "ls"])).1, 0.01);
        assert_eq!(run_flags(&parse(&["psl", "train"])).1, 1e-3);
        let help = Cli::command()
            .find_subcommand_mut("solve")
            .expect("solve")
            .render_long_help()
            .to_string();
        assert!(help.contains("0.001 for `psl train`"), "{help}");
    }

    #[test]
    fn given_flags_mean_the_same_everywhere() {
        let given = ["--iters", "7", "--lr", "0.5", "--seed", "3"];
        let mut solve = vec!["solve"];
        solve.extend(given);
        let mut compare = vec!["compare", "--solvers", "ls"];
        compare.extend(given);
        let mut psl = vec!["psl", "train"];
        psl.extend(given);
        for args in [solve, compare, psl] {
            assert_eq!(run_flags(&parse(&args)), (7, 0.5, 3), "{args:?}");
        }
    }

    #[test]
    fn problem_is_one_flag_with_one_default() {
        let Command::Solve(solve) = parse(&["solve"]) else {
            panic!("solve")
        };
        let Command::Compare(compare) = parse(&["compare", "--solvers", "ls"]) else {
            panic!("compare")
        };
        assert_eq!(solve.problem.problem, problem_args::DEFAULT_PROBLEM);
        assert_eq!(compare.problem.problem, problem_args::DEFAULT_PROBLEM);
        for (args, expected) in [
            (vec!["eval", "zdt1", "--input", "x.json"], "zdt1"),
            (
                vec!["eval", "--problem", "zdt2", "--input", "x.json"],
                "zdt2",
            ),
            (vec!["front", "dtlz2"], "dtlz2"),
            (vec!["front", "--problem", "dtlz2"], "dtlz2"),
            (vec!["psl", "train", "--problem", "zdt1"], "zdt1"),
            (
                vec!["compare", "--problem", "zdt1", "--solvers", "ls"],
                "zdt1",
            ),
        ] {
            assert_eq!(
                parse(&args).problem_name(),
                Some(expected.to_string()),
                "{args:?}"
            );
        }
        // The positional form and the flag name the same thing: both at once is an error.
        assert!(Cli::try_parse_from(["tradeoff", "front", "zdt1", "--problem", "zdt2"]).is_err());
    }

    #[test]
    fn solver_help_names_every_method_of_the_table() {
        let help = Cli::command()
            .find_subcommand_mut("solve")
            .expect("solve")
            .render_long_help()
            .to_string();
        for info in tradeoff_solvers::all_method_infos() {
            assert!(
                help.contains(info.name),
                "{} missing from {help}",
                info.name
            );
        }
    }

    #[test]
    fn set_has_one_grammar() {
        assert_eq!(
            flags::split_pair(" c = 0.4 ").expect("a pair"),
            ("c".to_string(), "0.4".to_string())
        );
        assert!(flags::split_pair("c0.4").is_err());
        let Command::Compare(compare) = parse(&[
            "compare",
            "--solvers",
            "cagrad,ls",
            "--set",
            "cagrad:c=0.4",
            "--set",
            "ls:x=1",
        ]) else {
            panic!("compare")
        };
        assert_eq!(compare.set.for_solver("cagrad").expect("pairs"), ["c=0.4"]);
        let pairs = compare.set.for_solver("cagrad").expect("pairs");
        assert_eq!(flags::split_pair(&pairs[0]).expect("pair").1, "0.4");
    }

    #[test]
    fn pref_is_accepted_by_every_command_that_takes_one() {
        for args in [
            vec!["solve", "--pref", "0.3,0.7"],
            vec!["compare", "--solvers", "ls", "--pref", "0.3,0.7"],
            vec!["psl", "query", "dir", "--pref", "0.3,0.7"],
            vec![
                "aggregate",
                "mgda",
                "--input",
                "j.json",
                "--pref",
                "0.3,0.7",
            ],
        ] {
            parse(&args);
        }
    }
}
