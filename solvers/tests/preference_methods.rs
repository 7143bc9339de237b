//! EPO, PMGDA and ParetoMTL against LibMOON's recorded steps (`tests/fixtures/aggregators.json`,
//! `results.*.libmoon_github`) and on small problems.

use crate::common;

use common::{fixtures, number, vector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tradeoff_pareto::Matrix;
use tradeoff_solvers::{
    Aggregator, Epo, EpoMode, EpoParams, MgdaSolve, Options, ParetoMtl, Pmgda, PmgdaBranch,
    PmgdaParams, PmtlParams, PmtlStage, StepInput, aggregate, build_method,
};

// ------------------------------------------------------------------------------------------
// helpers

struct Case {
    id: String,
    j: Matrix,
    losses: Vec<f64>,
    pref: Vec<f64>,
}

fn cases(fx: &Value) -> Vec<Case> {
    fx["matrices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let rows: Vec<Vec<f64>> = m["J"].as_array().unwrap().iter().map(vector).collect();
            Case {
                id: m["id"].as_str().unwrap().to_string(),
                j: Matrix::from_rows(&rows).unwrap(),
                losses: vector(&m["losses"]),
                pref: vector(&m["pref"]),
            }
        })
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64], rtol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    let scale = expected
        .iter()
        .fold(0.0_f64, |s, v| s.max(v.abs()))
        .max(1e-300);
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= rtol * scale,
            "{what}: entry {i}: got {a}, expected {e} (rtol {rtol})\n  got {actual:?}\n  exp {expected:?}"
        );
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

// ------------------------------------------------------------------------------------------
// EPO

#[test]
fn epo_reproduces_libmoon_solve_epo() {
    let fx = fixtures();
    let mut checked = 0;
    for c in cases(fx) {
        let reference = &fx["results"][&c.id]["libmoon_github"]["epo_solve_epo"];
        let mut epo = Epo::new(EpoParams::default()).unwrap();
        let input = StepInput::new(&c.j)
            .with_losses(&c.losses)
            .with_preference(&c.pref);
        let a = aggregate(&mut epo, &input).unwrap();
        let w = a.weights.as_ref().unwrap();
        let step = epo.last_step().unwrap();
        assert!(a.diagnostics.converged);
        if c.id == "tiny_scale_3x8" {
            // J ~ 1e-6, so C = JJᵀ ~ 1e-12: below GLPK's absolute tolerances, which stop at the
            // first vertex (γ = −7.7e-12). Our scaled LP finds the better vertex (γ = +3e-12).
            assert!(step.gamma.unwrap() > number(&reference["gamma"]));
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12 && w.iter().all(|v| *v >= 0.0));
            continue;
        }
        assert_close(
            w,
            &vector(&reference["weights"]),
            1e-9,
            &format!("{} w", c.id),
        );
        // Claimed: weights on the simplex.
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12 && w.iter().all(|v| *v >= 0.0));
        assert_close(
            &a.direction,
            &vector(&reference["direction"]),
            1e-9,
            &format!("{} direction", c.id),
        );
        let mode = if reference["last_move"] == "bal" {
            EpoMode::Balance
        } else {
            EpoMode::Dominance
        };
        assert_eq!(step.mode, mode, "{}", c.id);
        let mu = number(&reference["mu_rl"]);
        assert!(
            (step.mu - mu).abs() <= 1e-12 * mu.abs().max(1.0),
            "{} mu",
            c.id
        );
        let gamma = number(&reference["gamma"]);
        let ours = step.gamma.unwrap();
        assert!(
            (ours - gamma).abs() <= 1e-9 * gamma.abs().max(1.0),
            "{} gamma {ours} vs {gamma}",
            c.id
        );
        checked += 1;
    }
    assert_eq!(checked, 14);
}

/// `f_i(x) = ‖x − a_i‖²`: values and Jacobian.
fn quadratic(anchors: &[Vec<f64>], x: &[f64]) -> (Vec<f64>, Matrix) {
    let f: Vec<f64> = anchors
        .iter()
        .map(|a| a.iter().zip(x).map(|(ai, xi)| (xi - ai).powi(2)).sum())
        .collect();
    let rows: Vec<Vec<f64>> = anchors
        .iter()
        .map(|a| a.iter().zip(x).map(|(ai, xi)| 2.0 * (xi - ai)).collect())
        .collect();
    (f, Matrix::from_rows(&rows).unwrap())
}

/// Runs `x ← x − lr·d` and returns the final `x`.
fn descend(
    agg: &mut dyn Aggregator,
    anchors: &[Vec<f64>],
    x0: &[f64],
    pref: &[f64],
    steps: usize,
    lr: f64,
) -> Vec<f64> {
    let mut x = x0.to_vec();
    for _ in 0..steps {
        let (f, j) = quadratic(anchors, &x);
        let input = StepInput::new(&j).with_losses(&f).with_preference(pref);
        let d = aggregate(agg, &input).unwrap().direction;
        for (xi, di) in x.iter_mut().zip(&d) {
            *xi -= lr * di;
        }
    }
    x
}

#[test]
fn epo_objectives_align_with_the_preference() {
    let anchors2 = vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]];
    let anchors3 = vec![
        vec![1.0, 0.0, 0.0],
        vec![0.0, 1.0, 0.0],
        vec![0.0, 0.0, 1.0],
    ];
    // EPO balances while the non-uniformity μ = KL(l̂ ‖ uniform) exceeds eps, so it stops
    // about √eps away from the ray: cos > 1 − eps with the default eps = 1e-4, and tighter
    // with a smaller eps.
    for (anchors, pref, eps, tol) in [
        (&anchors2, vec![0.2, 0.8], 1e-4, 1e-4),
        (&anchors2, vec![0.7, 0.3], 1e-4, 1e-4),
        (&anchors3, vec![0.2, 0.3, 0.5], 1e-4, 1e-4),
        (&anchors3, vec![0.6, 0.2, 0.2], 1e-4, 1e-4),
        (&anchors2, vec![0.7, 0.3], 1e-8, 1e-7),
        (&anchors3, vec![0.2, 0.3, 0.5], 1e-8, 1e-7),
    ] {
        let params = EpoParams {
            eps,
            ..EpoParams::default()
        };
        let mut epo = Epo::new(params).unwrap();
        let x = descend(&mut epo, anchors, &[0.3, -0.2, 0.4], &pref, 3000, 0.02);
        let f = quadratic(anchors, &x).0;
        let cos = dot(&f, &pref) / (norm(&f) * norm(&pref));
        assert!(cos > 1.0 - tol, "pref {pref:?}: f = {f:?}, cos = {cos}");
        // On the Pareto set: x in the convex hull of the anchors e_1..e_m.
        let m = anchors.len();
        let inside: f64 = x[..m].iter().sum();
        assert!((inside - 1.0).abs() < 1e-3, "x = {x:?}");
        assert!(x[..m].iter().all(|v| *v > -1e-3) && x[m..].iter().all(|v| v.abs() < 1e-3));
    }
}

#[test]
fn epo_permutation_invariant() {
    let fx = fixtures();
    for c in cases(fx).into_iter().filter(|c| c.id.starts_with("random")) {
        let m = c.j.n_rows();
        let perm: Vec<usize> = (0..m).rev().collect();
        let run = |j: &Matrix, l: &[f64], p: &[f64]| {
            let mut epo = Epo::new(EpoParams::default()).unwrap();
            let input = StepInput::new(j).with_losses(l).with_preference(p);
            aggregate(&mut epo, &input).unwrap().direction
        };
        let d = run(&c.j, &c.losses, &c.pref);
        let lp: Vec<f64> = perm.iter().map(|&i| c.losses[i]).collect();
        let pp: Vec<f64> = perm.iter().map(|&i| c.pref[i]).collect();
        let dp = run(&c.j.select_rows(&perm), &lp, &pp);
        assert_close(&dp, &d, 1e-9, &c.id);
    }
}

#[test]
fn epo_dominance_mode_on_the_ray() {
    // Losses exactly on the ray: μ = 0, the dominance LP; with non-conflicting gradients the
    // direction descends every objective.
    let j = Matrix::from_rows(&[[1.0, 0.5], [0.5, 1.0]]).unwrap();
    let mut epo = Epo::new(EpoParams::default()).unwrap();
    let input = StepInput::new(&j)
        .with_losses(&[0.5, 0.5])
        .with_preference(&[0.5, 0.5]);
    let a = aggregate(&mut epo, &input).unwrap();
    assert_eq!(epo.last_step().unwrap().mode, EpoMode::Dominance);
    for g in j.rows() {
        assert!(dot(g, &a.direction) > 0.0);
    }
    let w = a.weights.unwrap();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12 && w.iter().all(|v| *v >= 0.0));
}

// ------------------------------------------------------------------------------------------
// PMGDA

#[test]
fn pmgda_reproduces_libmoon_solve_pmgda() {
    let fx = fixtures();
    assert_eq!(number(&fx["pmgda_config"]["h_eps"]), 0.01);
    assert_eq!(number(&fx["pmgda_config"]["sigma"]), 0.95);
    let mut exact = 0;
    for c in cases(fx) {
        let reference = &fx["results"][&c.id]["libmoon_github"]["pmgda_solve_pmgda"];
        let mut pmgda = Pmgda::new(PmgdaParams::default()).unwrap();
        let input = StepInput::new(&c.j)
            .with_losses(&c.losses)
            .with_preference(&c.pref);
        let a = aggregate(&mut pmgda, &input).unwrap();
        let step = pmgda.last_step().unwrap().clone();
        // h and ∂h/∂f (LibMOON rounds the preference to f32 inside pbi).
        let h = number(&reference["h"]);
        assert!((step.h - h).abs() < 1e-6 * h.max(1.0), "{} h", c.id);
        assert_close(
            &step.dh_dlosses,
            &vector(&reference["dh_dlosses"]),
            1e-6,
            &c.id,
        );
        assert!(a.direction.iter().all(|v| v.is_finite()), "{}", c.id);
        assert!(a.weights.as_ref().unwrap().iter().all(|v| v.is_finite()));
        let ref_w = vector(&reference["weights"]);
        match c.id.as_str() {
            "zero_row_3x5" | "all_zero_3x4" => {
                // LibMOON divides μ_i by a zero row's norm: inf/NaN. Ours is finite (the
                // zero row keeps only its Eq. 18 ∇h share, which moves nothing).
                assert!(ref_w.iter().any(|v| !v.is_finite()));
                if c.id == "zero_row_3x5" {
                    // The correction still moves along ∇h as required: ⟨∇h, d⟩ > 0.
                    let grad_h = tradeoff_solvers::combine_rows(&c.j, &step.dh_dlosses);
                    assert!(dot(&grad_h, &a.direction) > 0.0);
                    assert_eq!(step.branch, PmgdaBranch::Correction);
                } else {
                    assert_eq!(a.direction, vec![0.0; 4]);
                }
            }
            "tiny_scale_3x8" => {
                // ‖g‖ ~ 1e-6 ≪ norm_eps: the LP is infeasible; LibMOON returns cvxopt's last
                // iterate (weights ~ 1e5). We step along ∇h alone.
                assert_eq!(step.branch, PmgdaBranch::CorrectionFallback);
                assert!(!a.diagnostics.converged);
                let grad_h = tradeoff_solvers::combine_rows(&c.j, &step.dh_dlosses);
                let cos = dot(&grad_h, &a.direction) / (norm(&grad_h) * norm(&a.direction));
                assert!((cos - 1.0).abs() < 1e-9);
            }
            "colinear_3x4" => {
                // Colinear rows: the weights are not unique (cvxopt's interior point spreads
                // them, our simplex returns a vertex), the direction is.
                assert_eq!(step.branch, PmgdaBranch::Correction);
                let d = vector(&reference["direction"]);
                assert_close(&a.direction, &d, 1e-6, &format!("{} d", c.id));
            }
            "k_gt_n_10x2" => {
                // m > n: the LP optimum is not unique. cvxopt returns a point inside the optimal
                // face, our simplex a vertex; both reach the same LP value (to cvxopt's 1e-8 accuracy).
                assert_eq!(step.branch, PmgdaBranch::Correction);
                let ours = pmgda_lp_value(&c, &step.dh_dlosses, a.weights.as_ref().unwrap());
                let theirs = pmgda_lp_value(&c, &step.dh_dlosses, &ref_w);
                assert!(
                    ours <= theirs + 1e-7,
                    "{}: LP value {ours} vs {theirs}",
                    c.id
                );
            }
            _ => {
                assert_eq!(step.branch, PmgdaBranch::Correction);
                assert_close(
                    a.weights.as_ref().unwrap(),
                    &ref_w,
                    1e-6,
                    &format!("{} w", c.id),
                );
                assert_close(
                    &a.direction,
                    &vector(&reference["direction"]),
                    1e-6,
                    &format!("{} d", c.id),
                );
                exact += 1;
            }
        }
    }
    assert_eq!(exact, 10);
}

/// PMGDA's correction-LP value `c = max_i −⟨g_i, d⟩` (lower is better) at the LP point that the
/// weights `α` map back from (Eq. 18 inverted: `μ_i = ‖g_i‖(α_i − t·∂h/∂f_i)`, `μ_m = t‖∇h‖`,
/// with `t` fixed by `Σμ = 1`), after checking the LP constraints there.
fn pmgda_lp_value(c: &Case, dh: &[f64], alpha: &[f64]) -> f64 {
    let grad_h = tradeoff_solvers::combine_rows(&c.j, dh);
    let nh = norm(&grad_h);
    let norms: Vec<f64> = c.j.rows().map(norm).collect();
    let t = (1.0 - norms.iter().zip(alpha).map(|(n, a)| n * a).sum::<f64>())
        / (nh - norms.iter().zip(dh).map(|(n, d)| n * d).sum::<f64>());
    let mut mu: Vec<f64> = (0..alpha.len())
        .map(|i| norms[i] * (alpha[i] - t * dh[i]))
        .collect();
    mu.push(t * nh);
    assert!(mu.iter().all(|v| *v > -1e-7), "μ = {mu:?}");
    assert!((mu.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let mut rows: Vec<&[f64]> = c.j.rows().collect();
    rows.push(&grad_h);
    let mut d = vec![0.0; c.j.n_cols()];
    for (row, (m, nr)) in rows.iter().zip(mu.iter().zip(norms.iter().chain([&nh]))) {
        for (di, g) in d.iter_mut().zip(row.iter()) {
            *di += m * g / (nr + 1e-4);
        }
    }
    assert!(dot(&grad_h, &d) >= 0.95 * nh - 1e-7, "⟨∇h, d⟩ constraint");
    c.j.rows()
        .map(|g| -dot(g, &d))
        .fold(f64::NEG_INFINITY, f64::max)
}

#[test]
fn pmgda_prediction_branch_is_mgda_and_correction_reduces_h() {
    // On the ray (h = 0 < h_eps): exact MGDA weights [0.6, 0.4] on J_base.
    let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
    let mut pmgda = Pmgda::new(PmgdaParams::default()).unwrap();
    let input = StepInput::new(&j)
        .with_losses(&[1.0, 1.0])
        .with_preference(&[0.5, 0.5]);
    let a = aggregate(&mut pmgda, &input).unwrap();
    assert_eq!(pmgda.last_step().unwrap().branch, PmgdaBranch::Prediction);
    assert_close(a.weights.as_ref().unwrap(), &[0.6, 0.4], 1e-12, "mgda");
    // Driving a quadratic problem: the losses end up within h_eps-ish of the ray.
    let anchors = vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]];
    for pref in [[0.3, 0.7], [0.8, 0.2]] {
        let mut pmgda = Pmgda::new(PmgdaParams::default()).unwrap();
        let x = descend(&mut pmgda, &anchors, &[0.2, 0.9, 0.3], &pref, 2000, 0.01);
        let f = quadratic(&anchors, &x).0;
        let lhat: Vec<f64> = pref.iter().map(|v| v / norm(&pref)).collect();
        let d1 = dot(&f, &lhat);
        let h = norm(&[f[0] - d1 * lhat[0], f[1] - d1 * lhat[1]]);
        assert!(h < 0.05, "pref {pref:?}: f {f:?}, h {h}");
    }
}

#[test]
fn pmgda_permutation_invariant() {
    let fx = fixtures();
    for c in cases(fx).into_iter().filter(|c| c.id.starts_with("random")) {
        let m = c.j.n_rows();
        let perm: Vec<usize> = (0..m).rev().collect();
        let run = |j: &Matrix, l: &[f64], p: &[f64]| {
            let mut x = Pmgda::new(PmgdaParams::default()).unwrap();
            let input = StepInput::new(j).with_losses(l).with_preference(p);
            aggregate(&mut x, &input).unwrap().direction
        };
        let d = run(&c.j, &c.losses, &c.pref);
        let lp: Vec<f64> = perm.iter().map(|&i| c.losses[i]).collect();
        let pp: Vec<f64> = perm.iter().map(|&i| c.pref[i]).collect();
        assert_close(&run(&c.j.select_rows(&perm), &lp, &pp), &d, 1e-9, &c.id);
    }
}

// ------------------------------------------------------------------------------------------
// ParetoMTL

fn pmtl(prefs: &[Vec<f64>], index: usize, warmup: usize, mgda: MgdaSolve) -> ParetoMtl {
    ParetoMtl::new(PmtlParams {
        prefs: prefs.to_vec(),
        index: Some(index),
        iters: 100,
        warmup: Some(warmup),
        mgda,
        ..PmtlParams::default()
    })
    .unwrap()
}

#[test]
fn pmtl_reproduces_libmoon_steps() {
    let fx = fixtures();
    let prefs: Vec<Vec<f64>> = fx["pmtl_prefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(vector)
        .collect();
    let mut checked = 0;
    for c in cases(fx) {
        let lm = &fx["results"][&c.id]["libmoon_github"];
        let Some(init) = lm.get("pmtl_get_d_paretomtl_init") else {
            continue;
        };
        let index = init["pref_index"].as_u64().unwrap() as usize;
        let pref = prefs[index].clone();
        let input = StepInput::new(&c.j)
            .with_losses(&c.losses)
            .with_preference(&pref);
        let init_w = vector(&init["weights"]);
        // Stage 1 (a warm-up of one call), with LibMOON's clamped two-row MGDA.
        let mut p = pmtl(&prefs, index, 1, MgdaSolve::LibMoon);
        assert_eq!(p.stage(), PmtlStage::Init);
        let a = aggregate(&mut p, &input).unwrap();
        let what = format!("{} init", c.id);
        assert_close(a.weights.as_ref().unwrap(), &init_w, 1e-6, &what);
        assert_eq!(init["finish"], false);
        assert!(p.last_active().unwrap() > 0);
        // Stage 2 (no warm-up).
        let stage2 = &lm["pmtl_get_d_paretomtl"];
        let mut p = pmtl(&prefs, index, 0, MgdaSolve::LibMoon);
        assert_eq!(p.stage(), PmtlStage::Constrained);
        let a = aggregate(&mut p, &input).unwrap();
        let what = format!("{} stage 2", c.id);
        assert_close(
            a.weights.as_ref().unwrap(),
            &vector(&stage2["weights"]),
            1e-6,
            &what,
        );
        assert_close(&a.direction, &vector(&stage2["direction"]), 1e-6, &what);
        // Without an explicit index, the step's preference picks the same subproblem.
        let mut p = ParetoMtl::new(PmtlParams {
            prefs: prefs.clone(),
            warmup: Some(0),
            mgda: MgdaSolve::LibMoon,
            ..PmtlParams::default()
        })
        .unwrap();
        assert_eq!(aggregate(&mut p, &input).unwrap().direction, a.direction);
        // The exact min-norm solution (default): the same stage-2 step, and a stage-1 step
        // within the clamp's 1e-3.
        let mut p = pmtl(&prefs, index, 0, MgdaSolve::Exact);
        let e = aggregate(&mut p, &input).unwrap();
        assert_close(
            &e.direction,
            &a.direction,
            1e-6,
            &format!("{} exact 2", c.id),
        );
        let mut p = pmtl(&prefs, index, 1, MgdaSolve::Exact);
        let e = aggregate(&mut p, &input).unwrap();
        let what = format!("{} exact init", c.id);
        assert_close(e.weights.as_ref().unwrap(), &init_w, 3e-3, &what);
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn pmtl_from_options_matches_params() {
    let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
    let opts = Options::new()
        .with("prefs", "0.9,0.1,0.7,0.3,0.5,0.5,0.3,0.7,0.1,0.9")
        .with("index", 0)
        .with("warmup", 0);
    let mut a = build_method("pmtl", &opts).unwrap();
    let prefs = vec![
        vec![0.9, 0.1],
        vec![0.7, 0.3],
        vec![0.5, 0.5],
        vec![0.3, 0.7],
        vec![0.1, 0.9],
    ];
    let mut b = pmtl(&prefs, 0, 0, MgdaSolve::Exact);
    let input = StepInput::new(&j)
        .with_losses(&[0.230627, 0.820208])
        .with_preference(&[0.9, 0.1]);
    assert_eq!(
        aggregate(a.as_mut(), &input).unwrap().direction,
        aggregate(&mut b, &input).unwrap().direction
    );
    // A three-objective Jacobian with a two-objective preference set is an error.
    let j3 = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).unwrap();
    let input = StepInput::new(&j3)
        .with_losses(&[1.0, 1.0, 1.0])
        .with_preference(&[0.3, 0.3, 0.4]);
    assert!(aggregate(a.as_mut(), &input).is_err());
}

#[test]
fn pmtl_three_objectives_reach_their_sector() {
    // Any m: after the run, the losses lie in the sector of their reference preference
    // (no active constraint) for every subproblem.
    let anchors = vec![
        vec![1.0, 0.0, 0.0, 0.0],
        vec![0.0, 1.0, 0.0, 0.0],
        vec![0.0, 0.0, 1.0, 0.0],
    ];
    let prefs = vec![
        vec![1.0, 0.0, 0.0],
        vec![0.0, 1.0, 0.0],
        vec![0.0, 0.0, 1.0],
        vec![1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
        vec![0.5, 0.5, 0.0],
        vec![0.0, 0.5, 0.5],
    ];
    let mut rng = StdRng::seed_from_u64(2);
    for k in 0..prefs.len() {
        let mut p = ParetoMtl::new(PmtlParams {
            prefs: prefs.clone(),
            iters: 1500,
            ..PmtlParams::default()
        })
        .unwrap();
        let x0: Vec<f64> = (0..4).map(|_| rng.random::<f64>() * 0.6 - 0.3).collect();
        let x = descend(&mut p, &anchors, &x0, &prefs[k], 1500, 0.02);
        let f = quadratic(&anchors, &x).0;
        // Sector test: the closest reference preference in angle is k's.
        let cos = |a: &[f64]| dot(a, &f) / (norm(a) * norm(&f));
        let best = (0..prefs.len())
            .max_by(|&a, &b| cos(&prefs[a]).total_cmp(&cos(&prefs[b])))
            .unwrap();
        assert_eq!(best, k, "pref {k}: f = {f:?}");
        assert_eq!(p.stage(), PmtlStage::Constrained);
    }
}

#[test]
fn registry_builds_every_preference_method() {
    for name in ["epo", "pmgda", "pmtl"] {
        let agg = build_method(name, &Options::new()).unwrap();
        assert_eq!(agg.info().name, name);
        assert!(agg.info().uses_preference && agg.info().needs_losses);
    }
    // A preference-guided method without a preference is a MissingInput error.
    let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
    let mut epo = build_method("epo", &Options::new()).unwrap();
    let input = StepInput::new(&j).with_losses(&[1.0, 1.0]);
    assert!(matches!(
        aggregate(epo.as_mut(), &input),
        Err(tradeoff_solvers::Error::MissingInput { .. })
    ));
}
