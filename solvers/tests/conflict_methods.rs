//! ConFIG, M-ConFIG, PCGrad, GradVac and GradDrop against the shared reference vectors
//! (`tests/fixtures/aggregators.json`, aggregators.md §5) and their claimed properties.
//!
//! Tolerances (aggregators.md §5.6): closed forms (ConFIG via pinv, PCGrad) rtol 1e-10 in f64,
//! relative to the largest entry of the expected vector; values quoted to 6 significant digits
//! in the notes get 1e-5.

use crate::common;

use common::{fixtures, vector};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tradeoff_pareto::Matrix;
use tradeoff_solvers::{
    Aggregator, ConFig, ConFigLength, ConFigParams, ConFigSolver, ConflictOrder, GradDrop,
    GradDropParams, GradVac, GradVacParams, MConFig, MConFigParams, Options, PcGrad, PcGradParams,
    StepInput, aggregate, build_method,
};

// ------------------------------------------------------------------------------------------
// helpers

/// `(id, J)` for every fixture matrix.
fn matrices(fx: &Value) -> Vec<(String, Matrix)> {
    fx["matrices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let rows: Vec<Vec<f64>> = m["J"].as_array().unwrap().iter().map(vector).collect();
            (
                m["id"].as_str().unwrap().to_string(),
                Matrix::from_rows(&rows).unwrap(),
            )
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
            "{what}: entry {i}: got {a}, expected {e} (rtol {rtol}, scale {scale})\n  got {actual:?}\n  exp {expected:?}"
        );
    }
}

fn run(agg: &mut dyn Aggregator, j: &Matrix) -> Vec<f64> {
    aggregate(agg, &StepInput::new(j)).unwrap().direction
}

fn config(length: ConFigLength, solver: ConFigSolver) -> ConFig {
    ConFig::new(ConFigParams {
        weights: None,
        length,
        solver,
        rcond: None,
    })
    .unwrap()
}

fn mat(rows: &[&[f64]]) -> Matrix {
    Matrix::from_rows(rows).unwrap()
}

fn random_matrix(rng: &mut StdRng, m: usize, n: usize) -> Matrix {
    let data: Vec<f64> = (0..m * n)
        .map(|_| rng.random::<f64>() * 2.0 - 1.0)
        .collect();
    Matrix::from_vec(m, n, data).unwrap()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

// ------------------------------------------------------------------------------------------
// ConFIG

#[test]
fn config_reproduces_conflictfree_and_torchjd() {
    let fx = fixtures();
    let lengths = [
        (
            "ConFIG_update(length_model=TrackMinimum)",
            ConFigLength::TrackMinimum,
        ),
        (
            "ConFIG_update(length_model=TrackMaximum)",
            ConFigLength::TrackMaximum,
        ),
        (
            "ConFIG_update(length_model=TrackHarmonicAverage)",
            ConFigLength::TrackHarmonic,
        ),
        (
            "ConFIG_update(length_model=TrackArithmeticAverage)",
            ConFigLength::TrackArithmetic,
        ),
        (
            "ConFIG_update(length_model=TrackGeometricAverage)",
            ConFigLength::TrackGeometric,
        ),
    ];
    let mut checked = 0;
    for (id, j) in matrices(fx) {
        let res = &fx["results"][&id];
        let cf = &res["conflictfree"];
        let pinv = run(
            &mut config(ConFigLength::Projection, ConFigSolver::Pinv),
            &j,
        );
        let lstsq = run(
            &mut config(ConFigLength::Projection, ConFigSolver::Lstsq),
            &j,
        );
        for (name, ours) in [
            ("ConFIG_update(pinv)", &pinv),
            ("ConFIG_update(lstsq)", &lstsq),
            ("ConFIGOperator()", &pinv),
        ] {
            assert_close(
                ours,
                &vector(&cf[name]["direction"]),
                1e-10,
                &format!("{id} {name}"),
            );
            checked += 1;
        }
        assert_close(
            &pinv,
            &vector(&res["torchjd"]["ConFIG"]["direction"]),
            1e-10,
            &format!("{id} torchjd ConFIG"),
        );
        if let Some(double) = cf.get("ConFIG_update_double") {
            assert_close(
                &pinv,
                &vector(&double["direction"]),
                1e-10,
                &format!("{id} double"),
            );
        }
        // f32 reference: the same numbers to f32 precision.
        assert_close(
            &pinv,
            &vector(&cf["ConFIG_update(lstsq, float32)"]["direction"]),
            1e-5,
            &format!("{id} f32"),
        );
        for (name, length) in lengths {
            let ours = run(&mut config(length, ConFigSolver::Pinv), &j);
            let expected = vector(&cf[name]["direction"]);
            if expected.iter().all(|v| v.is_finite()) {
                assert_close(&ours, &expected, 1e-10, &format!("{id} {name}"));
                let ours = run(&mut config(length, ConFigSolver::Lstsq), &j);
                assert_close(&ours, &expected, 1e-10, &format!("{id} {name} lstsq"));
            } else {
                // conflictfree's Track* models divide by a zero row's norm: NaN. Ours stays
                // finite (a zero row contributes nothing to Σ u_iᵀû).
                assert!(ours.iter().all(|v| v.is_finite()), "{id} {name}: {ours:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 15 * 8);
}

#[test]
fn config_two_loss_degenerate_cases_are_finite_and_right() {
    // conflictfree's ConFIGOperator (two-loss closed form) returns NaN on all four
    // (aggregators.md §1.2, §5.3); the general path gives these answers.
    let cases: [(&[&[f64]], [f64; 3]); 4] = [
        (&[&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]], [3.0, 6.0, 9.0]),
        (&[&[1.0, 2.0, 3.0], &[-1.0, -2.0, -3.0]], [0.0, 0.0, 0.0]),
        (&[&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0]], [1.0, 2.0, 3.0]),
        (&[&[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0]], [0.0, 0.0, 0.0]),
    ];
    for (rows, expected) in cases {
        let j = mat(rows);
        for solver in [ConFigSolver::Pinv, ConFigSolver::Lstsq] {
            let d = run(&mut config(ConFigLength::Projection, solver), &j);
            for (a, e) in d.iter().zip(expected) {
                assert!((a - e).abs() < 1e-12, "{rows:?} {solver:?}: {d:?}");
            }
        }
    }
}

#[test]
fn config_notes_vectors() {
    let j_base = mat(&[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]]);
    // TorchJD ConFIG(pref_vector=[1,2]) (aggregators.md §5.5).
    let mut c = ConFig::new(ConFigParams {
        weights: Some(vec![1.0, 2.0]),
        ..ConFigParams::default()
    })
    .unwrap();
    assert_close(
        &run(&mut c, &j_base),
        &[0.468409, 2.165635, 2.165635],
        1e-5,
        "pref",
    );
    // Linear-under-scaling check value.
    let scaled = mat(&[&[-8.0, 2.0, 2.0], &[3.0, 0.5, 0.5]]);
    let mut c = ConFig::new(ConFigParams::default()).unwrap();
    assert_close(
        &run(&mut c, &scaled),
        &[0.176517, 2.301489, 2.301489],
        1e-5,
        "scaled",
    );
    // §5.4: m > n (conflicts), duplicates, orthogonal, tiny scale.
    let cases: [(&[&[f64]], &[f64]); 4] = [
        (
            &[&[1.0, 0.0], &[0.0, 1.0], &[-1.0, 0.5], &[0.3, -1.0]],
            &[0.396859, 0.405116],
        ),
        (
            &[&[1.0, 0.0, 0.0], &[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0]],
            &[1.5, 1.5, 0.0],
        ),
        (&[&[1.0, 0.0], &[0.0, 1.0]], &[1.0, 1.0]),
        (
            &[&[-4e-3, 1e-3, 1e-3], &[6e-3, 1e-3, 1e-3]],
            &[0.000158809, 0.00207061, 0.00207061],
        ),
    ];
    for (rows, expected) in cases {
        for solver in [ConFigSolver::Pinv, ConFigSolver::Lstsq] {
            let d = run(&mut config(ConFigLength::Projection, solver), &mat(rows));
            assert_close(&d, expected, 1e-5, &format!("{rows:?}"));
        }
    }
    // J_m_gt_n conflicts with its third row, as documented (not claimed non-conflicting).
    let j = mat(&[&[1.0, 0.0], &[0.0, 1.0], &[-1.0, 0.5], &[0.3, -1.0]]);
    let d = run(&mut ConFig::new(ConFigParams::default()).unwrap(), &j);
    assert!(dot(j.row(2), &d) < 0.0);
}

#[test]
fn config_full_rank_is_non_conflicting_with_equal_projections() {
    let mut rng = StdRng::seed_from_u64(11);
    for &(m, n) in &[(2, 3), (3, 3), (3, 8), (5, 12), (8, 40)] {
        for _ in 0..20 {
            let j = random_matrix(&mut rng, m, n);
            for solver in [ConFigSolver::Pinv, ConFigSolver::Lstsq] {
                let d = run(&mut config(ConFigLength::Projection, solver), &j);
                let dn = dot(&d, &d).sqrt();
                let cosines: Vec<f64> = j
                    .rows()
                    .map(|g| dot(g, &d) / (dot(g, g).sqrt() * dn))
                    .collect();
                for c in &cosines {
                    assert!(*c > 0.0, "conflict: {cosines:?}");
                    assert!((c - cosines[0]).abs() < 1e-9, "unequal cosines {cosines:?}");
                }
            }
        }
    }
}

#[test]
fn config_weights_reconstruct_direction() {
    let mut rng = StdRng::seed_from_u64(5);
    for &(m, n) in &[(2, 3), (4, 7), (6, 3)] {
        let j = random_matrix(&mut rng, m, n);
        let mut c = ConFig::new(ConFigParams::default()).unwrap();
        let a = aggregate(&mut c, &StepInput::new(&j)).unwrap();
        let w = a.weights.expect("pinv gives weights");
        let d = tradeoff_solvers::combine_rows(&j, &w);
        assert_close(&d, &a.direction, 1e-10, "J^T w");
    }
}

#[test]
fn config_permutation_invariant_and_linear_under_scaling() {
    let mut rng = StdRng::seed_from_u64(3);
    for &(m, n) in &[(3, 5), (4, 3), (6, 10)] {
        let j = random_matrix(&mut rng, m, n);
        let mut c = ConFig::new(ConFigParams::default()).unwrap();
        let d = run(&mut c, &j);
        let mut perm: Vec<usize> = (0..m).collect();
        perm.reverse();
        perm.swap(0, m / 2);
        let dp = run(&mut c, &j.select_rows(&perm));
        assert_close(&dp, &d, 1e-10, "permutation");
        // d(diag(αc1 + βc2) J) = α d(diag(c1) J) + β d(diag(c2) J)
        let scale = |c: &[f64]| {
            let rows: Vec<Vec<f64>> = j
                .rows()
                .zip(c)
                .map(|(r, s)| r.iter().map(|v| v * s).collect())
                .collect();
            Matrix::from_rows(&rows).unwrap()
        };
        let c1: Vec<f64> = (0..m).map(|_| rng.random::<f64>() + 0.1).collect();
        let c2: Vec<f64> = (0..m).map(|_| rng.random::<f64>() + 0.1).collect();
        let (a, b) = (0.3, 0.8);
        let mix: Vec<f64> = c1.iter().zip(&c2).map(|(x, y)| a * x + b * y).collect();
        let lhs = run(&mut c, &scale(&mix));
        let d1 = run(&mut c, &scale(&c1));
        let d2 = run(&mut c, &scale(&c2));
        let rhs: Vec<f64> = d1.iter().zip(&d2).map(|(x, y)| a * x + b * y).collect();
        assert_close(&lhs, &rhs, 1e-9, "linear under scaling");
    }
}

// ------------------------------------------------------------------------------------------
// M-ConFIG

#[test]
fn mconfig_reproduces_pseudo_momentum_sequence() {
    // conflictfree PseudoMomentumOperator(num_vectors=2), float64 (aggregators.md §1.5).
    let steps: [(usize, [f64; 3], [f64; 3]); 6] = [
        (0, [-4.0, 1.0, 1.0], [0.0, 0.0, 0.0]),
        (1, [6.0, 1.0, 1.0], [0.999999937, 0.999999995, 0.999999995]),
        (0, [-2.0, 0.5, 0.5], [0.987742879, 0.987742942, 0.987742942]),
        (1, [3.0, 0.5, 0.5], [0.937233657, 0.937233727, 0.937233727]),
        (0, [1.0, 1.0, 0.0], [0.714003975, 0.944860393, 0.907170022]),
        (1, [0.0, 1.0, 1.0], [0.334792397, 0.913693115, 0.911499366]),
    ];
    // Through aggregate_partial; the row that was not back-propagated holds garbage.
    let mut mc = MConFig::new(MConFigParams::default()).unwrap();
    for (idx, g, expected) in steps {
        let mut rows = [[f64::NAN; 3], [f64::NAN; 3]];
        rows[idx] = g;
        let j = Matrix::from_rows(&rows).unwrap();
        let d = mc
            .aggregate_partial(&StepInput::new(&j), &[idx])
            .unwrap()
            .direction;
        let tol = if expected[0] == 0.0 { 1e-300 } else { 1e-8 };
        assert_close(&d, &expected, tol, "m-config partial");
    }
    // Through the trait with rows_per_step = 1 (cyclic), the same sequence.
    let mut mc = build_method("m-config", &Options::new().with("rows_per_step", 1)).unwrap();
    for (idx, g, expected) in steps {
        let mut rows = [[0.0; 3], [0.0; 3]];
        rows[idx] = g;
        let j = Matrix::from_rows(&rows).unwrap();
        let d = run(mc.as_mut(), &j);
        if expected[0] == 0.0 {
            assert_eq!(d, vec![0.0; 3]);
        } else {
            assert_close(&d, &expected, 1e-8, "m-config cyclic");
        }
    }
    // reset returns to the first-call behaviour.
    mc.reset();
    let j = mat(&[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]]);
    assert_eq!(run(mc.as_mut(), &j), vec![0.0; 3]);
}

#[test]
fn mconfig_all_rows_and_validation() {
    let mut mc = MConFig::new(MConFigParams::default()).unwrap();
    let j = mat(&[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]]);
    // Every row refreshed: the first step is already non-zero; Adam-like, |d_k| ≈ 1.
    let d = run(&mut mc, &j);
    for v in &d {
        assert!((v.abs() - 1.0).abs() < 1e-6, "{d:?}");
    }
    let err = mc.aggregate_partial(&StepInput::new(&j), &[2]).unwrap_err();
    assert!(matches!(
        err,
        tradeoff_solvers::Error::DimensionMismatch { .. }
    ));
    let bad = mat(&[&[f64::NAN, 1.0, 1.0], &[6.0, 1.0, 1.0]]);
    assert!(mc.aggregate_partial(&StepInput::new(&bad), &[0]).is_err());
    assert!(mc.aggregate_partial(&StepInput::new(&bad), &[1]).is_ok());
    // Parallel momenta (where conflictfree's two-loss shortcut gives NaN) stay finite.
    let mut mc = MConFig::new(MConFigParams::default()).unwrap();
    let par = mat(&[&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]]);
    for _ in 0..3 {
        assert!(run(&mut mc, &par).iter().all(|v| v.is_finite()));
    }
}

// ------------------------------------------------------------------------------------------
// PCGrad

#[test]
fn pcgrad_identity_order_reproduces_references() {
    let fx = fixtures();
    for (id, j) in matrices(fx) {
        let res = &fx["results"][&id];
        let mut p = PcGrad::new(PcGradParams::default()).unwrap();
        let a = aggregate(&mut p, &StepInput::new(&j)).unwrap();
        let tj = &res["torchjd"]["PCGrad(identity order)"];
        assert_close(
            &a.direction,
            &vector(&tj["direction"]),
            1e-10,
            &format!("{id} torchjd"),
        );
        assert_close(
            a.weights.as_ref().unwrap(),
            &vector(&tj["weights_from_gramian"]),
            1e-10,
            &format!("{id} torchjd weights"),
        );
        assert_close(
            &a.direction,
            &vector(&res["conflictfree"]["PCGradOperator (fixed order)"]["direction"]),
            1e-10,
            &format!("{id} conflictfree"),
        );
        // For two objectives the order does not matter: the seeded TorchJD value too.
        if j.n_rows() == 2 {
            assert_close(
                &a.direction,
                &vector(&res["torchjd"]["PCGrad(torch.manual_seed(0))"]["direction"]),
                1e-10,
                &format!("{id} seeded"),
            );
        }
    }
    // §5.3 degenerate inputs.
    let cases: [(&[&[f64]], [f64; 3]); 4] = [
        (&[&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]], [3.0, 6.0, 9.0]),
        (&[&[1.0, 2.0, 3.0], &[-1.0, -2.0, -3.0]], [0.0, 0.0, 0.0]),
        (&[&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0]], [1.0, 2.0, 3.0]),
        (&[&[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0]], [0.0, 0.0, 0.0]),
    ];
    for (rows, expected) in cases {
        let d = run(
            &mut PcGrad::new(PcGradParams::default()).unwrap(),
            &mat(rows),
        );
        for (a, e) in d.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{rows:?}: {d:?}");
        }
    }
}

#[test]
fn pcgrad_random_order_is_seeded_and_resettable() {
    let fx = fixtures();
    let j = matrices(fx)
        .into_iter()
        .find(|(id, _)| id == "random_6x12")
        .unwrap()
        .1;
    let params = PcGradParams {
        order: ConflictOrder::Random,
        seed: 42,
    };
    let mut a = PcGrad::new(params.clone()).unwrap();
    let mut b = PcGrad::new(params).unwrap();
    let first = run(&mut a, &j);
    assert_eq!(first, run(&mut b, &j));
    let mut outputs = vec![first.clone()];
    for _ in 0..5 {
        outputs.push(run(&mut a, &j));
    }
    assert!(outputs.iter().any(|o| o != &first), "orders never changed");
    a.reset();
    assert_eq!(run(&mut a, &j), first);
    // Every order leaves no pair of projected gradients of m = 2 conflicting: for m = 2 the
    // output has non-negative inner product with both gradients.
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..50 {
        let j = random_matrix(&mut rng, 2, 4);
        let d = run(&mut a, &j);
        for g in j.rows() {
            assert!(dot(g, &d) >= -1e-12);
        }
    }
}

#[test]
fn pcgrad_linear_under_scaling_identity_order() {
    // α·d(diag(c1)J) + β·d(diag(c2)J) = d(diag(αc1 + βc2)J) for a fixed order.
    let mut rng = StdRng::seed_from_u64(8);
    let j = random_matrix(&mut rng, 5, 6);
    let mut p = PcGrad::new(PcGradParams::default()).unwrap();
    let scale = |c: &[f64]| {
        let rows: Vec<Vec<f64>> = j
            .rows()
            .zip(c)
            .map(|(r, s)| r.iter().map(|v| v * s).collect())
            .collect();
        Matrix::from_rows(&rows).unwrap()
    };
    let c1: Vec<f64> = (0..5).map(|_| rng.random::<f64>() + 0.1).collect();
    let c2: Vec<f64> = (0..5).map(|_| rng.random::<f64>() + 0.1).collect();
    let mix: Vec<f64> = c1.iter().zip(&c2).map(|(x, y)| 0.4 * x + 0.7 * y).collect();
    let lhs = run(&mut p, &scale(&mix));
    let d1 = run(&mut p, &scale(&c1));
    let d2 = run(&mut p, &scale(&c2));
    let rhs: Vec<f64> = d1.iter().zip(&d2).map(|(x, y)| 0.4 * x + 0.7 * y).collect();
    assert_close(&lhs, &rhs, 1e-10, "pcgrad linear under scaling");
}

// ------------------------------------------------------------------------------------------
// GradVac

#[test]
fn gradvac_first_call_is_pcgrad_and_sequence_matches_torchjd() {
    let fx = fixtures();
    for (id, j) in matrices(fx) {
        if id == "tiny_scale_3x8" {
            // ‖g‖ ~ 1e-6: the absolute guard eps = 1e-8 dominates ‖g_i‖‖g_j‖ ~ 1e-12, so the
            // first step is a damped PCGrad (as in TorchJD).
            continue;
        }
        let mut gv = GradVac::new(GradVacParams {
            order: ConflictOrder::Identity,
            ..GradVacParams::default()
        })
        .unwrap();
        let expected =
            vector(&fx["results"][&id]["torchjd"]["PCGrad(identity order)"]["direction"]);
        assert_close(
            &run(&mut gv, &j),
            &expected,
            1e-6,
            &format!("{id} gradvac first call"),
        );
    }
    // TorchJD GradVac() fed J_base, diag([1, .5])·J_base, [[1,1,0],[0,1,1]] (§5.5); m = 2, so
    // the order does not matter and the default (random) order is used.
    let mut gv = GradVac::new(GradVacParams::default()).unwrap();
    let seq: [(&[&[f64]], [f64; 3]); 3] = [
        (
            &[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]],
            [0.584795, 3.80117, 3.80117],
        ),
        (
            &[&[-4.0, 1.0, 1.0], &[3.0, 0.5, 0.5]],
            [-0.277484, 2.335409, 2.335409],
        ),
        (&[&[1.0, 1.0, 0.0], &[0.0, 1.0, 1.0]], [1.0, 2.0, 1.0]),
    ];
    for (rows, expected) in seq {
        assert_close(
            &run(&mut gv, &mat(rows)),
            &expected,
            1e-5,
            "gradvac sequence",
        );
    }
    // reset restores the first-call behaviour.
    gv.reset();
    assert_close(
        &run(&mut gv, &mat(seq[1].0)),
        &run(
            &mut PcGrad::new(PcGradParams::default()).unwrap(),
            &mat(seq[1].0),
        ),
        1e-6,
        "gradvac after reset",
    );
    assert!(gv.targets().is_some());
}

#[test]
fn gradvac_state_rebuilds_when_n_obj_changes() {
    let mut gv = GradVac::new(GradVacParams::default()).unwrap();
    run(&mut gv, &mat(&[&[1.0, 0.0], &[-1.0, 1.0]]));
    let d = run(&mut gv, &mat(&[&[1.0, 0.0], &[-1.0, 1.0], &[0.0, -1.0]]));
    assert!(d.iter().all(|v| v.is_finite()));
    assert_eq!(gv.targets().unwrap().len(), 3);
}

// ------------------------------------------------------------------------------------------
// GradDrop

#[test]
fn graddrop_keeps_one_sign_per_coordinate() {
    let fx = fixtures();
    for (id, j) in matrices(fx) {
        let mut gd = GradDrop::new(GradDropParams::default()).unwrap();
        for _ in 0..5 {
            let d = run(&mut gd, &j);
            for (k, dk) in d.iter().enumerate() {
                let col: Vec<f64> = (0..j.n_rows()).map(|i| j.get(i, k)).collect();
                let pos: f64 = col.iter().filter(|v| **v > 0.0).sum();
                let neg: f64 = col.iter().filter(|v| **v < 0.0).sum();
                let ok = [0.0, pos, neg, pos + neg]
                    .iter()
                    .any(|c| (dk - c).abs() <= 1e-12 * (1.0 + c.abs()));
                // pos + neg only when one of them is 0.
                assert!(ok, "{id}: coordinate {k} = {dk}, pos {pos}, neg {neg}");
                if pos != 0.0 && neg != 0.0 {
                    assert!((dk - pos).abs() < 1e-12 || (dk - neg).abs() < 1e-12);
                }
            }
        }
    }
}

#[test]
fn graddrop_seeded_reset_and_leak() {
    let j = mat(&[&[-4.0, 1.0, 1.0, 0.5], &[6.0, 1.0, -1.0, -0.5]]);
    let mut a = GradDrop::new(GradDropParams {
        leak: vec![0.0],
        seed: 9,
    })
    .unwrap();
    let first = run(&mut a, &j);
    let mut b = build_method("graddrop", &Options::new().with("seed", 9)).unwrap();
    assert_eq!(first, run(b.as_mut(), &j));
    a.reset();
    assert_eq!(first, run(&mut a, &j));
    // Leak 1: every gradient passes, d = Σ g_i.
    let mut full = GradDrop::new(GradDropParams {
        leak: vec![1.0],
        seed: 0,
    })
    .unwrap();
    assert_close(&run(&mut full, &j), &[2.0, 2.0, 0.0, 0.0], 1e-15, "leak 1");
    // Expectation: E[d_k] = P_k·pos_k + (1 − P_k)·neg_k, P_k = ½(1 + Σ/Σ|·|).
    let mut gd = GradDrop::new(GradDropParams::default()).unwrap();
    let trials = 20000;
    let mut mean = [0.0; 4];
    for _ in 0..trials {
        for (m, v) in mean.iter_mut().zip(run(&mut gd, &j)) {
            *m += v / trials as f64;
        }
    }
    for (k, mean_k) in mean.iter().enumerate() {
        let col = [j.get(0, k), j.get(1, k)];
        let (pos, neg): (f64, f64) = (
            col.iter().filter(|v| **v > 0.0).sum(),
            col.iter().filter(|v| **v < 0.0).sum(),
        );
        let p = 0.5 * (1.0 + (col[0] + col[1]) / (col[0].abs() + col[1].abs()));
        let expect = p * pos + (1.0 - p) * neg;
        assert!((mean_k - expect).abs() < 0.1, "k {k}: {mean_k} vs {expect}");
    }
}

#[test]
fn registry_builds_every_conflict_method() {
    for name in ["pcgrad", "gradvac", "graddrop", "config", "m-config"] {
        let mut agg = build_method(name, &Options::new()).unwrap();
        assert_eq!(agg.info().name, name);
        let j = mat(&[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]]);
        assert!(run(agg.as_mut(), &j).iter().all(|v| v.is_finite()));
    }
}

#[test]
fn claimed_properties_hold_on_the_shared_inputs() {
    // The registry's claims (MethodInfo.properties) checked on the shared input sets (typical,
    // degenerate and scaled matrices from tests/common); methods that claim nothing get the
    // structure check (right lengths, finite, d = Jᵀw when weights are returned).
    let cases = common::all_matrices(0);
    let tol = common::PropertyTolerances::default();
    for (name, options) in [
        ("config", Options::new()),
        ("config", Options::new().with("solver", "lstsq")),
        ("pcgrad", Options::new()),
        ("pcgrad", Options::new().with("order", "random")),
        ("gradvac", Options::new()),
        ("graddrop", Options::new().with("leak", 0.2)),
        ("m-config", Options::new()),
    ] {
        let mut agg = build_method(name, &options).unwrap();
        // The suite's tolerances are relative to the output norms; where an output is zero up
        // to rounding (PCGrad on opposite colinear rows gives ~1e-17) they would compare noise.
        let meaningful: Vec<common::Case> = cases
            .iter()
            .filter(|c| {
                let d = common::run(agg.as_mut(), &c.jacobian).direction;
                let f = common::frobenius(&c.jacobian);
                f == 0.0 || common::norm(&d) > 1e-10 * f
            })
            .cloned()
            .collect();
        common::assert_claimed_properties(agg.as_mut(), &meaningful, 1, tol);
        let inputs: Vec<Matrix> = cases.iter().take(6).map(|c| c.jacobian.clone()).collect();
        common::assert_reset_restores_first_call(agg.as_mut(), &inputs);
    }
    // The tracking lengths are not linear under scaling (τ is a mean of the row norms): the
    // claim holds for the default projection length only. Structure checks for all of them.
    for length in ["min", "max", "harmonic", "arithmetic", "geometric", "track"] {
        let mut agg = build_method("config", &Options::new().with("length", length)).unwrap();
        for case in &cases {
            common::assert_expected_structure(agg.as_mut(), case);
        }
    }
}

// ------------------------------------------------------------------------------------------
// The pseudo-inverse's cut-off (issue 12 §4)

/// A nearly rank-deficient Jacobian (3 × 5000, large enough for the Gramian path) with a known
/// answer either way: with orthonormal `e₁, e₂, e₃`, unit rows `u₁ = e₁`, `u₂ = e₂`,
/// `u₃ = cos θ (e₁ + e₂)/√2 + sin θ e₃` (θ = 1e-8: `U`'s smallest singular value is about
/// `θ/√3·σ_max`, a float32 "zero"), row norms 1, 2, 3.
///
/// Keeping every direction (`rcond=0`, conflictfree's and TorchJD's answer here): `U d = 1` is
/// consistent, so `d = e₁ + e₂ + c e₃` with `c = (1 − √2 cos θ)/sin θ`, every `u_iᵀd = 1`, and
/// the output is `(Σ‖g_i‖/‖d‖²)·d`. Dropping the weak direction (the default on this path) is,
/// up to O(θ), least squares on `e₁, e₂, (e₁ + e₂)/√2`: `d ∝ e₁ + e₂`, `û = (e₁ + e₂)/√2`,
/// output `(1/√2 + 2/√2 + 3 cos θ)·û`.
#[test]
fn config_cutoff_option_on_a_nearly_rank_deficient_jacobian() {
    let n = 5000;
    let mut rng = StdRng::seed_from_u64(12);
    // Orthonormal e₁, e₂, e₃ by Gram–Schmidt on uniform vectors (twice, for f64 accuracy).
    let mut basis: Vec<Vec<f64>> = Vec::new();
    while basis.len() < 3 {
        let mut v: Vec<f64> = (0..n).map(|_| rng.random::<f64>() - 0.5).collect();
        for _ in 0..2 {
            for b in &basis {
                let p: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= p * y);
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        basis.push(v.iter().map(|x| x / norm).collect());
    }
    let theta: f64 = 1e-8;
    let (cos, sin) = (theta.cos(), theta.sin());
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let combine = |a: f64, b: f64, c: f64| -> Vec<f64> {
        (0..n)
            .map(|k| a * basis[0][k] + b * basis[1][k] + c * basis[2][k])
            .collect()
    };
    let units = [
        combine(1.0, 0.0, 0.0),
        combine(0.0, 1.0, 0.0),
        combine(cos * h, cos * h, sin),
    ];
    let rows: Vec<Vec<f64>> = units
        .iter()
        .zip([1.0, 2.0, 3.0])
        .map(|(u, s)| u.iter().map(|v| v * s).collect())
        .collect();
    let j = Matrix::from_rows(&rows).unwrap();

    let c = (1.0 - std::f64::consts::SQRT_2 * cos) / sin;
    let keep_scale = 6.0 / (2.0 + c * c);
    let keep = combine(keep_scale, keep_scale, keep_scale * c);
    let length = h + 2.0 * h + 3.0 * cos;
    let drop = combine(length * h, length * h, 0.0);
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!(
        norm(&drop) > 5.0 && norm(&keep) < 1e-6,
        "the two answers differ"
    );

    for solver in ["pinv", "lstsq"] {
        let build = |rcond: Option<&str>| {
            let mut o = Options::new().with("solver", solver);
            if let Some(r) = rcond {
                o = o.with("rcond", r);
            }
            build_method("config", &o).unwrap()
        };
        // The default drops the weak direction; `auto` is the default written out.
        for mut agg in [build(None), build(Some("auto"))] {
            assert_close(&run(agg.as_mut(), &j), &drop, 1e-6, "config default");
        }
        // rcond = 0 and 1e-12 keep it: the exact pseudo-inverse answer (cond(U) ≈ 1.7e8, so
        // 1e-5). Only through the pivoted QR: the Jacobi pseudo-inverse's coefficients
        // `V Σ⁻² Vᵀ w` square the conditioning and miss this answer (by a factor of about 40 in
        // length here), which ConFigParams::rcond says.
        if solver == "lstsq" {
            for r in ["0", "1e-12"] {
                let d = run(build(Some(r)).as_mut(), &j);
                assert_close(&d, &keep, 1e-5, &format!("config {solver} rcond={r}"));
            }
        }
        // A cut-off above the weak singular value drops it on every path.
        let d = run(build(Some("1e-5")).as_mut(), &j);
        assert_close(&d, &drop, 1e-6, &format!("config {solver} rcond=1e-5"));
    }
    // M-ConFIG takes the same option: its first step is g_c/(|g_c| + 1e-8) elementwise, with
    // g_c ConFIG's direction (bias corrections cancel at t = 1).
    for r in ["auto", "0"] {
        let options = Options::new().with("rcond", r).with("solver", "lstsq");
        let gc = run(build_method("config", &options).unwrap().as_mut(), &j);
        let want: Vec<f64> = gc.iter().map(|v| v / (v.abs() + 1e-8)).collect();
        let mut m = build_method("m-config", &options).unwrap();
        assert_close(
            &run(m.as_mut(), &j),
            &want,
            1e-4,
            &format!("m-config rcond={r}"),
        );
    }
    for bad in ["1", "-0.1", "nan", "often"] {
        assert!(
            build_method("config", &Options::new().with("rcond", bad)).is_err(),
            "rcond={bad}"
        );
        assert!(build_method("m-config", &Options::new().with("rcond", bad)).is_err());
    }
}
