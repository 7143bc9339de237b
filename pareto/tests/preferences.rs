//! Preference generators against pymoo 0.6.2 and LibMOON (`tests/fixtures/refdirs.json`), plus
//! properties of the seeded samplers.

use crate::common;

use common::{fixture, matrix};
use serde_json::Value;
use tradeoff_pareto::{
    Matrix, clip_preferences, das_dennis, das_dennis_partitions, dirichlet, linspace, riesz_energy,
    riesz_s_energy, uniform_simplex,
};

fn usize_of(v: &Value) -> usize {
    v.as_u64().expect("integer") as usize
}

fn assert_on_simplex(w: &Matrix, what: &str) {
    for (i, r) in w.rows().enumerate() {
        assert!(r.iter().all(|&v| v >= 0.0), "{what}: row {i} {r:?}");
        let sum: f64 = r.iter().sum();
        assert!((sum - 1.0).abs() <= 1e-12, "{what}: row {i} sums to {sum}");
    }
}

#[test]
fn das_dennis_matches_pymoo_bit_for_bit() {
    let fx = fixture("refdirs.json");
    let mut checked = 0;
    for (name, e) in fx["refdirs"].as_object().expect("refdirs") {
        if e["method"] != "das-dennis" {
            continue;
        }
        let (m, n, h) = (
            usize_of(&e["m"]),
            usize_of(&e["n"]),
            usize_of(&e["n_partitions"]),
        );
        assert_eq!(das_dennis_partitions(m, n).unwrap(), h, "{name}");
        let ours = das_dennis(m, h).unwrap();
        // same values in the same order (pymoo's recursion)
        assert_eq!(ours, matrix(&e["points"]), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn das_dennis_matches_libmoon_bit_for_bit() {
    let fx = fixture("refdirs.json");
    let entries = fx["refdirs"]["libmoon_github"]["das_dennis"]
        .as_array()
        .expect("das_dennis");
    for e in entries {
        let (m, h) = (usize_of(&e["m"]), usize_of(&e["n_partitions"]));
        assert_eq!(
            das_dennis(m, h).unwrap(),
            matrix(&e["points"]),
            "{}",
            e["call"]
        );
    }
    assert_eq!(entries.len(), 4);
}

#[test]
fn libmoon_uniform_prefs() {
    let fx = fixture("refdirs.json");
    let entries = fx["refdirs"]["libmoon_github"]["get_uniform_pref"]
        .as_array()
        .expect("get_uniform_pref");
    let energy = &fx["refdirs"];
    for e in entries {
        let (m, n) = (usize_of(&e["m"]), usize_of(&e["n"]));
        let reference = matrix(&e["points"]);
        if m == 2 {
            // linspace with the default clip 0, bit for bit
            assert_eq!(linspace(n, 0.0).unwrap(), reference, "{}", e["call"]);
        } else {
            // pymoo's energy points, clipped to [0, 1] and renormalised
            let pymoo = matrix(&energy[format!("energy_m{m}_n{n}")]["points"]);
            let ours = clip_preferences(&pymoo, 0.0).unwrap();
            for (a, b) in ours.as_slice().iter().zip(reference.as_slice()) {
                assert!((a - b).abs() <= 1e-15, "{}: {a} vs {b}", e["call"]);
            }
        }
    }
    assert_eq!(entries.len(), 4);
}

#[test]
fn linspace_with_clip() {
    // LibMOON: λ₁ = linspace(clip, 1 − clip, n), λ₂ = 1 − λ₁
    let w = linspace(5, 0.01).unwrap();
    assert_eq!(w.row(0), &[0.01, 1.0 - 0.01]);
    assert_eq!(w.get(4, 0), 1.0 - 0.01);
    assert_eq!(w.get(4, 1), 1.0 - (1.0 - 0.01));
    assert_eq!(w.get(2, 0), 2.0 * ((0.99 - 0.01) / 4.0) + 0.01);
    assert_on_simplex(&w, "linspace");
}

#[test]
fn riesz_energy_reaches_pymoo_energy() {
    let fx = fixture("refdirs.json");
    let mut checked = 0;
    for (name, e) in fx["refdirs"].as_object().expect("refdirs") {
        if e["method"] != "riesz-s-energy" {
            continue;
        }
        let (m, n, seed) = (
            usize_of(&e["m"]),
            usize_of(&e["n"]),
            e["seed"].as_u64().unwrap(),
        );
        let s = 2.0 * m as f64;
        let pymoo = riesz_s_energy(&matrix(&e["points"]), s).unwrap();
        let w = riesz_energy(m, n, seed).unwrap();
        assert_eq!(w.shape(), (n, m), "{name}");
        assert_on_simplex(&w, name);
        let ours = riesz_s_energy(&w, s).unwrap();
        eprintln!(
            "{name}: ours {ours:.9e}, pymoo {pymoo:.9e}, ratio {:.6}",
            ours / pymoo
        );
        assert!(ours <= 1.01 * pymoo, "{name}: ours {ours}, pymoo {pymoo}");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn riesz_energy_is_seeded_and_includes_vertices() {
    let a = riesz_energy(3, 15, 7).unwrap();
    let b = riesz_energy(3, 15, 7).unwrap();
    assert_eq!(a.as_slice(), b.as_slice());
    // the simplex vertices start fixed in the boundary lattice and stay there
    for v in [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]] {
        assert!(a.rows().any(|r| r == v), "vertex {v:?} missing");
    }
}

#[test]
fn samplers_are_on_the_simplex_and_seeded() {
    for m in [2, 3, 5] {
        let u = uniform_simplex(m, 200, 3).unwrap();
        assert_eq!(u.shape(), (200, m));
        assert_on_simplex(&u, "uniform");
        assert_eq!(u, uniform_simplex(m, 200, 3).unwrap());
        assert_ne!(u, uniform_simplex(m, 200, 4).unwrap());
        for alpha in [0.01, 0.5, 1.0, 4.0] {
            let d = dirichlet(m, 200, alpha, 11).unwrap();
            assert_on_simplex(&d, &format!("dirichlet({alpha})"));
            assert_eq!(d, dirichlet(m, 200, alpha, 11).unwrap());
            assert_ne!(d, dirichlet(m, 200, alpha, 12).unwrap());
        }
    }
}

#[test]
fn sampler_moments() {
    // E[wₖ] = 1/m; Var[wₖ] = (m − 1)/(m²(mα + 1)) for Dir(α)
    let (m, n) = (3, 20_000);
    for (alpha, w) in [
        (1.0, uniform_simplex(m, n, 5).unwrap()),
        (0.3, dirichlet(m, n, 0.3, 5).unwrap()),
        (5.0, dirichlet(m, n, 5.0, 5).unwrap()),
    ] {
        let mf = m as f64;
        let var = (mf - 1.0) / (mf * mf * (mf * alpha + 1.0));
        for k in 0..m {
            let col: Vec<f64> = w.rows().map(|r| r[k]).collect();
            let mean = col.iter().sum::<f64>() / n as f64;
            let v = col.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - 1.0 / mf).abs() < 0.01, "alpha {alpha}: mean {mean}");
            assert!(
                (v - var).abs() < 0.1 * var,
                "alpha {alpha}: var {v} vs {var}"
            );
        }
    }
}

#[test]
fn clip_preferences_like_libmoon() {
    let w = Matrix::from_rows(&[[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]]).unwrap();
    let c = clip_preferences(&w, 0.05).unwrap();
    let s = 0.95 + 0.05 + 0.05;
    assert_eq!(c.row(0), &[0.95 / s, 0.05 / s, 0.05 / s]);
    assert_on_simplex(&c, "clip");
    assert_eq!(clip_preferences(&w, 0.0).unwrap(), w);
}

#[test]
fn riesz_energy_refuses_sets_beyond_its_limit_at_once() {
    // Issue 12 §3: `prefs --n-obj 3 --n 100000 --method energy` ran for minutes (quadratic cost).
    let err = riesz_energy(3, 100_000, 0).unwrap_err().to_string();
    assert!(err.contains("limited to 1000 points"), "{err}");
    assert!(err.contains("Das-Dennis"), "{err}");
    assert!(riesz_energy(3, tradeoff_pareto::MAX_ENERGY_POINTS + 1, 0).is_err());
}
