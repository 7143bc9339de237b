//! The checkpoint contract, for every method of the table that keeps state or draws random
//! numbers (and every set-level rule): run a few steps on VLMOP2, save the rule's state at step
//! `SAVE`, load it into a fresh rule built the same way, and the remaining directions equal
//! those of the uninterrupted rule bit for bit. A method flagged stateful or randomized must also
//! differ from a fresh rule that did *not* load the state, so a method that forgets part of its
//! state fails here.

use tradeoff_pareto::{Matrix, linspace};
use tradeoff_problems::{Problem, Vlmop2};
use tradeoff_solvers::{MethodInfo, Options, StepContext, StepRule, all_methods, build_run_rule};

const ITERS: usize = 12;
const SAVE: usize = 5;
const LR: f64 = 0.05;

/// Options that make the method's state matter within a few steps.
fn options_for(name: &str) -> Options {
    match name {
        "pcgrad" | "gradvac" => Options::new().with("order", "random"),
        "hvgrad" => Options::new().with("warmup", 0.3),
        _ => Options::new(),
    }
}

fn keeps_state(info: &MethodInfo) -> bool {
    info.stateful || info.randomized || info.option("seed").is_some() || !info_is_aggregator(info)
}

fn info_is_aggregator(info: &MethodInfo) -> bool {
    info.family != tradeoff_solvers::Family::SetLevel
}

/// Runs `rule` from iteration `from` to `ITERS` starting at `x`, returning every direction and
/// the state and iterate at `SAVE` (when `from < SAVE`).
fn run(
    rule: &mut dyn StepRule,
    problem: &Vlmop2,
    prefs: &Matrix,
    mut x: Matrix,
    from: usize,
) -> (Vec<Matrix>, Option<(tradeoff_solvers::MethodState, Matrix)>) {
    let mut directions = Vec::new();
    let mut saved = None;
    for iteration in from..ITERS {
        if iteration == SAVE {
            saved = Some((rule.save_state(), x.clone()));
        }
        let (objectives, jacobians) = problem.jacobian(&x).expect("jacobian");
        let ctx = StepContext {
            iteration,
            max_iters: ITERS,
            x: &x,
            objectives: &objectives,
            jacobians: &jacobians,
            preferences: prefs,
        };
        let d = rule
            .directions(&ctx)
            .unwrap_or_else(|e| panic!("{}: {e}", rule.name()));
        for (xi, di) in x.as_mut_slice().iter_mut().zip(d.as_slice()) {
            *xi = (*xi - LR * di).clamp(-2.0, 2.0);
        }
        directions.push(d);
    }
    (directions, saved)
}

#[test]
fn a_loaded_state_continues_bit_for_bit() {
    let problem = Vlmop2::new(6).unwrap();
    let prefs = linspace(4, 0.05).unwrap();
    let x0 = Matrix::from_vec(
        4,
        6,
        (0..24)
            .map(|i| ((i * 7 % 11) as f64 - 5.0) / 10.0)
            .collect(),
    )
    .unwrap();
    let mut checked = Vec::new();
    for entry in all_methods() {
        let info = entry.info;
        if !keeps_state(info) {
            continue;
        }
        let options = options_for(info.name);
        let build = || build_run_rule(info.name, &options, &prefs, ITERS).expect("builds");
        let mut whole = build();
        let (all, saved) = run(whole.as_mut(), &problem, &prefs, x0.clone(), 0);
        let (state, x_saved) = saved.expect("saved at SAVE");
        let mut resumed = build();
        resumed
            .load_state(&state)
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let (rest, _) = run(resumed.as_mut(), &problem, &prefs, x_saved.clone(), SAVE);
        for (t, (a, b)) in all[SAVE..].iter().zip(&rest).enumerate() {
            assert_eq!(
                a.as_slice(),
                b.as_slice(),
                "{}: step {} after loading differs",
                info.name,
                SAVE + t
            );
        }
        if info.stateful || info.randomized {
            let mut fresh = build();
            let (forgot, _) = run(fresh.as_mut(), &problem, &prefs, x_saved, SAVE);
            assert!(
                all[SAVE..]
                    .iter()
                    .zip(&forgot)
                    .any(|(a, b)| a.as_slice() != b.as_slice()),
                "{}: a fresh rule without the state gives the same steps: the test cannot see \
                 its state",
                info.name
            );
        }
        // The saved state is a fixed point of load + save.
        let mut again = build();
        again.load_state(&state).unwrap();
        assert_eq!(again.save_state(), state, "{}", info.name);
        checked.push(info.name);
    }
    for name in [
        "random",
        "nash-mtl",
        "pcgrad",
        "gradvac",
        "graddrop",
        "m-config",
        "pmtl",
        "hvgrad",
        "moo-svgd",
        "uniform",
        "dwa",
        "uw",
        "famo",
        "stch",
        "gradnorm",
        "imtl",
        "db-mtl",
        "excess-mtl",
    ] {
        assert!(
            checked.contains(&name),
            "{name} was not checked: {checked:?}"
        );
    }
}

#[test]
fn a_stateless_method_rejects_a_foreign_state() {
    let prefs = linspace(3, 0.05).unwrap();
    let mut state = tradeoff_solvers::MethodState::new();
    state.put_floats("row0.momentum", &[1.0]);
    let mut rule = build_run_rule("upgrad", &Options::new(), &prefs, ITERS).unwrap();
    assert!(rule.load_state(&state).is_err());
}
