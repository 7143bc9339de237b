//! LibMTL's loss weightings in the method table: their entries, and runs on a synthetic problem
//! (without epochs, where each step counts as an epoch).

use tradeoff_pareto::{Matrix, linspace};
use tradeoff_problems::Vlmop2;
use tradeoff_solvers::{
    DriverConfig, Family, Optimizer, Options, all_methods, build_method, find_method,
    solve_with_method,
};

const NAMES: [&str; 13] = [
    "ew",
    "dwa",
    "uw",
    "gls",
    "famo",
    "stch",
    "gradnorm",
    "imtl",
    "db-mtl",
    "excess-mtl",
    "lra",
    "relobralo",
    "minmax",
];

#[test]
fn the_table_lists_them_in_their_own_family() {
    assert_eq!(Family::LossWeighting.name(), "loss-weighting");
    for name in NAMES {
        let info = find_method(name).unwrap().info;
        assert_eq!(info.family, Family::LossWeighting, "{name}");
        assert!(!info.display.is_empty() && !info.citation.is_empty());
        let err = build_method(name, &Options::new().with("no_such_option", 1));
        assert!(err.is_err(), "{name} accepted an unknown option");
    }
    let family: Vec<&str> = all_methods()
        .iter()
        .filter(|e| e.info.family == Family::LossWeighting)
        .map(|e| e.info.name)
        .collect();
    assert_eq!(family, NAMES);
}

/// `max_i x_i − min_i x_i` per row: VLMOP2's Pareto set is the diagonal `x_1 = … = x_n`.
fn spread(x: &Matrix) -> f64 {
    (0..x.n_rows())
        .map(|k| {
            let row = x.row(k);
            let hi = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo = row.iter().copied().fold(f64::INFINITY, f64::min);
            hi - lo
        })
        .fold(0.0, f64::max)
}

/// VLMOP2 (4 variables, 3 preference rows, SGD 0.1): after 300 steps every method is on the
/// Pareto set, with lower objectives than after one step.
#[test]
fn each_runs_on_vlmop2_towards_the_pareto_set() {
    let problem = Vlmop2::new(4).unwrap();
    let prefs = linspace(3, 0.1).unwrap();
    let run = |name: &str, iters: usize| {
        let config = DriverConfig::default()
            .with_max_iters(iters)
            .with_optimizer(Optimizer::sgd(0.1));
        solve_with_method(&problem, name, &Options::new(), &prefs, &config)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for name in NAMES {
        let start = run(name, 1);
        let end = run(name, 300);
        let mean = |m: &Matrix| m.as_slice().iter().sum::<f64>() / m.as_slice().len() as f64;
        // Every method reaches the diagonal (measured: spread ≤ 1.6e-6 from 1.65–1.71) and
        // lowers the mean objective (measured: 0.90 → 0.49–0.62).
        assert!(spread(&start.x) > 1.0, "{name}: {}", spread(&start.x));
        assert!(spread(&end.x) < 1e-4, "{name}: spread {}", spread(&end.x));
        let (before, after) = (mean(&start.objectives), mean(&end.objectives));
        assert!(
            after < 0.7 && after < before - 0.2,
            "{name}: {before} -> {after}"
        );
        assert!(end.objectives.as_slice().iter().all(|f| f.is_finite()));
    }
}

/// A method that takes logarithms refuses a non-positive loss with the method, the index and the
/// value in one line.
#[test]
fn a_log_of_a_non_positive_loss_is_a_clear_error() {
    use tradeoff_solvers::{StepInput, aggregate};
    let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
    for name in ["gls", "stch", "dwa", "gradnorm"] {
        let mut method = build_method(name, &Options::new()).unwrap();
        let e = aggregate(
            method.as_mut(),
            &StepInput::new(&j).with_losses(&[0.5, -1.0]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{name}: loss 1 is -1, but the method needs positive losses (it takes their \
                 logarithm or ratio)"
            )
        );
    }
    let mut method = build_method("famo", &Options::new()).unwrap();
    let e = aggregate(
        method.as_mut(),
        &StepInput::new(&j).with_losses(&[0.5, -1.0]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("non-negative losses"), "{e}");
}

/// The epoch of a step reaches the weighting through `StepInput::with_epoch`: DWA's weights
/// change only when the epoch does.
#[test]
fn the_epoch_reaches_the_weighting() {
    use tradeoff_solvers::{StepInput, aggregate};
    let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
    let mut dwa = build_method("dwa", &Options::new()).unwrap();
    let mut weights = Vec::new();
    for (epoch, losses) in [
        (0, [1.0, 1.0]),
        (1, [0.5, 1.0]),
        (1, [0.5, 1.0]),
        (2, [0.5, 1.0]),
    ] {
        let input = StepInput::new(&j).with_losses(&losses).with_epoch(epoch);
        weights.push(aggregate(dwa.as_mut(), &input).unwrap().weights.unwrap());
    }
    assert_eq!(weights[2], vec![1.0, 1.0]);
    // Epoch 2: ratios (0.5, 1), w_0 = 2/(1 + e^{(1 − 0.5)/2}).
    let w0 = 2.0 / (1.0 + 0.25f64.exp());
    assert!((weights[3][0] - w0).abs() < 1e-15, "{:?}", weights[3]);
}
