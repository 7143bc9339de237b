//! The ten scalarizations: hand-computed values, gradients against central differences of
//! `value`, LibMOON's conventions, and their use as aggregators.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::Matrix;
use tradeoff_solvers::{
    Aggregator, Error, Family, Options, Scalarization, ScalarizationKind, ScalarizationParams,
    StepInput, aggregate, build_method, find_method,
};

/// An edit of the default parameters.
type Edit = fn(&mut ScalarizationParams);

fn make(kind: ScalarizationKind) -> Scalarization {
    Scalarization::new(ScalarizationParams::new(kind)).unwrap()
}

fn with_z(kind: ScalarizationKind, z: &[f64]) -> ScalarizationParams {
    ScalarizationParams {
        ideal: z.to_vec(),
        ..ScalarizationParams::new(kind)
    }
}

#[test]
fn hand_computed_values() {
    // f = (0.3, 0.6), λ = (0.25, 0.75), z = (0.1, 0.05): y = f − z = (0.2, 0.55). Expected
    // values from the formulas in the module docs (computed independently in Python).
    let f = [0.3, 0.6];
    let l = [0.25, 0.75];
    let z = [0.1, 0.05];
    let cases: [(ScalarizationKind, Edit, f64); 12] = [
        (ScalarizationKind::Ls, |_| {}, 0.4625),
        (ScalarizationKind::Tche, |_| {}, 0.4125),
        (ScalarizationKind::MTche, |_| {}, 0.8),
        (ScalarizationKind::Pbi, |_| {}, 0.6008327554319919),
        (
            ScalarizationKind::Pbi,
            |p| p.theta = 5.0,
            0.6640783086353594,
        ),
        (ScalarizationKind::Cosmos, |_| {}, -7.412058391851678),
        (ScalarizationKind::InvAgg, |_| {}, 1.9245008972987523),
        (ScalarizationKind::STche, |_| {}, 0.4151300195186875),
        (ScalarizationKind::SmTche, |_| {}, 0.8414370086852071),
        (ScalarizationKind::Aasf, |_| {}, 0.8876870086852071),
        (ScalarizationKind::PNorm, |p| p.p = 3.0, 0.4127447277514996),
        // LibMOON's Tche returns the raw f of the active objective: argmax λ(f − z) is
        // objective 1 (0.4125 > 0.05), so the value is f_1 = 0.6.
        (ScalarizationKind::Tche, |p| p.libmoon = true, 0.6),
    ];
    for (kind, edit, expected) in cases {
        let mut params = with_z(kind, &z);
        edit(&mut params);
        let s = Scalarization::new(params).unwrap();
        let v = s.value(&f, &l).unwrap();
        assert!(
            (v - expected).abs() < 1e-14 * expected.abs().max(1.0),
            "{kind:?}: {v} vs {expected}"
        );
    }
    // p = 2 default: ‖λ ⊙ y‖₂.
    let v = Scalarization::new(with_z(ScalarizationKind::PNorm, &z))
        .unwrap()
        .value(&f, &l)
        .unwrap();
    assert!((v - (0.05_f64.powi(2) + 0.4125_f64.powi(2)).sqrt()).abs() < 1e-15);
}

/// A point away from every kink: distinct active terms, y < u for invagg.
fn random_point(rng: &mut StdRng, m: usize) -> (Vec<f64>, Vec<f64>) {
    let f: Vec<f64> = (0..m).map(|_| rng.random::<f64>() * 0.8 + 0.05).collect();
    let mut l: Vec<f64> = (0..m).map(|_| rng.random::<f64>() + 0.05).collect();
    let s: f64 = l.iter().sum();
    l.iter_mut().for_each(|v| *v /= s);
    (f, l)
}

#[test]
fn gradients_match_central_differences() {
    let mut rng = StdRng::seed_from_u64(17);
    let h = 1e-6;
    for kind in ScalarizationKind::ALL {
        let variants: Vec<ScalarizationParams> = {
            let mut v = vec![ScalarizationParams::new(kind)];
            let mut shifted = with_z(kind, &[-0.1]);
            shifted.p = 3.5;
            shifted.theta = 2.0;
            shifted.cosmos_c = 3.0;
            shifted.mu = 0.5;
            v.push(shifted);
            if matches!(kind, ScalarizationKind::Tche | ScalarizationKind::MTche) {
                let mut lm = ScalarizationParams::new(kind);
                lm.libmoon = true;
                v.push(lm);
            }
            v
        };
        for params in variants {
            let s = Scalarization::new(params.clone()).unwrap();
            for m in [2, 3, 5] {
                for _ in 0..20 {
                    let (f, l) = random_point(&mut rng, m);
                    let grad = s.gradient(&f, &l).unwrap();
                    let (v, g2) = s.value_and_gradient(&f, &l).unwrap();
                    assert_eq!(grad, g2);
                    assert_eq!(v, s.value(&f, &l).unwrap());
                    for i in 0..m {
                        let mut fp = f.clone();
                        let mut fm = f.clone();
                        fp[i] += h;
                        fm[i] -= h;
                        let fd =
                            (s.value(&fp, &l).unwrap() - s.value(&fm, &l).unwrap()) / (2.0 * h);
                        assert!(
                            (fd - grad[i]).abs() < 1e-6 * (1.0 + grad[i].abs()),
                            "{kind:?} {params:?} at f={f:?} λ={l:?}: ∂{i} fd {fd} vs {}",
                            grad[i]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn subgradients_at_kinks() {
    // Tche tie: the lowest index wins (as torch.argmax).
    let s = make(ScalarizationKind::Tche);
    assert_eq!(
        s.gradient(&[0.5, 0.5], &[0.5, 0.5]).unwrap(),
        vec![0.5, 0.0]
    );
    // PBI on the ray: λ̂.
    let s = make(ScalarizationKind::Pbi);
    let g = s.gradient(&[0.3, 0.4], &[3.0, 4.0]).unwrap();
    assert!((g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15);
    // COSMOS at y = 0: λ̂; PNorm at y = 0: 0.
    let g = make(ScalarizationKind::Cosmos)
        .gradient(&[0.0, 0.0], &[3.0, 4.0])
        .unwrap();
    assert!((g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15);
    let g = make(ScalarizationKind::PNorm)
        .gradient(&[0.0, 0.0], &[0.5, 0.5])
        .unwrap();
    assert_eq!(g, vec![0.0, 0.0]);
    // LibMOON Tche: unit weight on the active objective.
    let mut p = ScalarizationParams::new(ScalarizationKind::Tche);
    p.libmoon = true;
    let s = Scalarization::new(p).unwrap();
    assert_eq!(
        s.gradient(&[0.2, 0.9], &[0.5, 0.5]).unwrap(),
        vec![0.0, 1.0]
    );
    let mut p = ScalarizationParams::new(ScalarizationKind::MTche);
    p.libmoon = true;
    let s = Scalarization::new(p).unwrap();
    // (f − z)/λ = (0.4/0.1, 0.9/0.9) → objective 0.
    assert_eq!(
        s.gradient(&[0.4, 0.9], &[0.1, 0.9]).unwrap(),
        vec![1.0, 0.0]
    );
}

#[test]
fn ideal_point_shifts_the_objectives() {
    let mut rng = StdRng::seed_from_u64(4);
    for kind in ScalarizationKind::ALL {
        let (f, l) = random_point(&mut rng, 3);
        let z = [0.01, -0.02, 0.03];
        let shifted: Vec<f64> = f.iter().zip(&z).map(|(a, b)| a - b).collect();
        let a = Scalarization::new(with_z(kind, &z)).unwrap();
        let b = make(kind);
        let (va, vb) = (a.value(&f, &l).unwrap(), b.value(&shifted, &l).unwrap());
        assert!((va - vb).abs() < 1e-14, "{kind:?}");
        let (ga, gb) = (
            a.gradient(&f, &l).unwrap(),
            b.gradient(&shifted, &l).unwrap(),
        );
        for (x, y) in ga.iter().zip(&gb) {
            assert!((x - y).abs() < 1e-13, "{kind:?}");
        }
        // A broadcast z equals the vector z.
        let c = Scalarization::new(with_z(kind, &[0.02])).unwrap();
        let d = Scalarization::new(with_z(kind, &[0.02, 0.02, 0.02])).unwrap();
        assert_eq!(c.value(&f, &l).unwrap(), d.value(&f, &l).unwrap());
    }
}

#[test]
fn domain_and_input_errors() {
    // invagg is defined only below u.
    let s = make(ScalarizationKind::InvAgg);
    assert!(matches!(
        s.value(&[1.2, 0.5], &[0.5, 0.5]),
        Err(Error::NonFinite { index: 0, .. })
    ));
    let mut p = ScalarizationParams::new(ScalarizationKind::InvAgg);
    p.upper = 2.0;
    assert!(
        Scalarization::new(p)
            .unwrap()
            .value(&[1.2, 0.5], &[0.5, 0.5])
            .is_ok()
    );
    // Length mismatches.
    assert!(matches!(
        make(ScalarizationKind::Ls).value(&[1.0, 2.0], &[1.0]),
        Err(Error::DimensionMismatch { .. })
    ));
    let s = Scalarization::new(with_z(ScalarizationKind::Ls, &[0.0, 0.0, 0.0])).unwrap();
    assert!(matches!(
        s.value(&[1.0, 2.0], &[0.5, 0.5]),
        Err(Error::DimensionMismatch { .. })
    ));
    // Negative preference.
    assert!(matches!(
        make(ScalarizationKind::Ls).value(&[1.0, 2.0], &[1.5, -0.5]),
        Err(Error::InvalidPreference { .. })
    ));
}

#[test]
fn aggregator_weights_are_the_gradient() {
    let j = Matrix::from_rows(&[[1.0, 0.0, 2.0], [0.5, -1.0, 0.0], [0.0, 1.0, 1.0]]).unwrap();
    let losses = [0.3, 0.5, 0.2];
    let pref = [0.2, 0.5, 0.3];
    for kind in ScalarizationKind::ALL {
        let mut agg = build_method(kind.name(), &Options::new()).unwrap();
        let info = agg.info();
        assert_eq!(info.family, Family::Scalarization);
        assert!(info.uses_preference && info.needs_losses && !info.stateful);
        let input = StepInput::new(&j)
            .with_losses(&losses)
            .with_preference(&pref);
        let a = aggregate(agg.as_mut(), &input).unwrap();
        let g = make(kind).gradient(&losses, &pref).unwrap();
        assert_eq!(a.weights.as_ref().unwrap(), &g);
        let d = tradeoff_solvers::combine_rows(&j, &g);
        assert_eq!(a.direction, d);
        // Missing inputs are reported.
        let input = StepInput::new(&j).with_preference(&pref);
        assert!(matches!(
            aggregate(agg.as_mut(), &input),
            Err(Error::MissingInput { .. })
        ));
        let input = StepInput::new(&j).with_losses(&losses);
        assert!(matches!(
            aggregate(agg.as_mut(), &input),
            Err(Error::MissingInput { .. })
        ));
    }
}

#[test]
fn aggregator_is_the_chain_rule_of_the_scalarized_problem() {
    // s(f(x)) with f_i(x) = ‖x − a_i‖²: the direction equals the finite-difference gradient in x.
    let anchors = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]];
    let f = |x: &[f64]| -> Vec<f64> {
        anchors
            .iter()
            .map(|a| (x[0] - a[0]).powi(2) + (x[1] - a[1]).powi(2))
            .collect()
    };
    let x = [0.2, 0.3];
    let pref = [0.2, 0.5, 0.3];
    for kind in ScalarizationKind::ALL {
        let s = make(kind);
        let losses = f(&x);
        let rows: Vec<Vec<f64>> = anchors
            .iter()
            .map(|a| vec![2.0 * (x[0] - a[0]), 2.0 * (x[1] - a[1])])
            .collect();
        let j = Matrix::from_rows(&rows).unwrap();
        let mut agg = s.clone();
        let d = agg
            .aggregate(
                &StepInput::new(&j)
                    .with_losses(&losses)
                    .with_preference(&pref),
            )
            .unwrap()
            .direction;
        for k in 0..2 {
            let h = 1e-6;
            let mut xp = x;
            let mut xm = x;
            xp[k] += h;
            xm[k] -= h;
            let fd =
                (s.value(&f(&xp), &pref).unwrap() - s.value(&f(&xm), &pref).unwrap()) / (2.0 * h);
            assert!((fd - d[k]).abs() < 1e-6, "{kind:?}: {fd} vs {}", d[k]);
        }
    }
}

#[test]
fn registry_names_and_options() {
    let names = [
        "ls", "tche", "mtche", "pbi", "cosmos", "invagg", "stche", "smtche", "aasf", "pnorm",
    ];
    for (kind, name) in ScalarizationKind::ALL.into_iter().zip(names) {
        assert_eq!(kind.name(), name);
        assert_eq!(
            ScalarizationKind::from_name(&name.to_uppercase()),
            Some(kind)
        );
        let entry = find_method(name).unwrap();
        assert_eq!(entry.info.name, name);
        // Every documented option is accepted; an unknown one is rejected.
        let mut options = Options::new();
        for o in entry.info.options {
            let value = match o.name {
                "libmoon" => "true",
                "z" => "0.1",
                _ => "2",
            };
            options = options.with(o.name, value);
        }
        assert!(entry.build(&options).is_ok(), "{name}");
        assert!(entry.build(&Options::new().with("nonsense", 1)).is_err());
    }
    // Option values reach the parameters.
    let s = Scalarization::from_options(
        ScalarizationKind::Aasf,
        &Options::new()
            .with("mu", 0.2)
            .with("rho", 0.3)
            .with("z", "0.1,0.2"),
    )
    .unwrap();
    assert_eq!(
        (s.params().mu, s.params().rho, s.params().ideal.clone()),
        (0.2, 0.3, vec![0.1, 0.2])
    );
    // An invalid value is a parameter error naming the parameter.
    let err = Scalarization::from_options(ScalarizationKind::PNorm, &Options::new().with("p", 0.5))
        .unwrap_err();
    assert!(err.to_string().contains('p'));
}

#[test]
fn display_is_the_paper_spelling() {
    assert_eq!(make(ScalarizationKind::MTche).to_string(), "mTche");
    assert_eq!(make(ScalarizationKind::Cosmos).to_string(), "COSMOS");
}

#[test]
fn claimed_properties_permutation_and_scaling() {
    // Every scalarization claims: permutation invariant (rows of J, losses and preference
    // permuted together) and linear under scaling (d(diag(c)J) is linear in c: the weights
    // depend on the losses only).
    let mut rng = StdRng::seed_from_u64(23);
    for kind in ScalarizationKind::ALL {
        assert!(kind.info().properties.permutation_invariant);
        assert!(kind.info().properties.linear_under_scaling);
        let mut s = make(kind);
        let (m, n) = (4, 6);
        let (f, l) = random_point(&mut rng, m);
        let data: Vec<f64> = (0..m * n)
            .map(|_| rng.random::<f64>() * 2.0 - 1.0)
            .collect();
        let j = Matrix::from_vec(m, n, data).unwrap();
        let run = |s: &mut Scalarization, j: &Matrix, f: &[f64], l: &[f64]| {
            let input = StepInput::new(j).with_losses(f).with_preference(l);
            aggregate(s, &input).unwrap().direction
        };
        let d = run(&mut s, &j, &f, &l);
        let perm = [2, 0, 3, 1];
        let fp: Vec<f64> = perm.iter().map(|&i| f[i]).collect();
        let lp: Vec<f64> = perm.iter().map(|&i| l[i]).collect();
        let dp = run(&mut s, &j.select_rows(&perm), &fp, &lp);
        for (a, b) in d.iter().zip(&dp) {
            assert!(
                (a - b).abs() < 1e-12 * (1.0 + a.abs()),
                "{kind:?} permutation"
            );
        }
        let scale = |c: &[f64]| {
            let rows: Vec<Vec<f64>> = j
                .rows()
                .zip(c)
                .map(|(r, s)| r.iter().map(|v| v * s).collect())
                .collect();
            Matrix::from_rows(&rows).unwrap()
        };
        let c1: Vec<f64> = (0..m).map(|_| rng.random::<f64>()).collect();
        let c2: Vec<f64> = (0..m).map(|_| rng.random::<f64>()).collect();
        let mix: Vec<f64> = c1.iter().zip(&c2).map(|(a, b)| 0.3 * a + 0.9 * b).collect();
        let lhs = run(&mut s, &scale(&mix), &f, &l);
        let d1 = run(&mut s, &scale(&c1), &f, &l);
        let d2 = run(&mut s, &scale(&c2), &f, &l);
        for k in 0..n {
            let rhs = 0.3 * d1[k] + 0.9 * d2[k];
            assert!(
                (lhs[k] - rhs).abs() < 1e-12 * (1.0 + rhs.abs()),
                "{kind:?} scaling"
            );
        }
    }
}
