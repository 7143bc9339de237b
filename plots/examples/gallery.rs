//! Writes one picture of every kind, as PNG and SVG, for checking by eye.
//!
//! `cargo run -p tradeoff-plots --example gallery -- [OUT_DIR]` (default `/tmp/plots-check`).

use std::path::{Path, PathBuf};

use tradeoff_pareto::Matrix;
use tradeoff_plots::{
    FrontPlot, PslPlot, bar_plot, front_plot, fronts_overlay_plot, history_plot, psl_plot,
};

/// A small deterministic generator (no `rand` dependency for an example).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn zdt1_front(n: usize) -> Matrix {
    let rows: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let f1 = i as f64 / (n - 1) as f64;
            [f1, 1.0 - f1.sqrt()]
        })
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

fn zdt3_front(n: usize) -> Matrix {
    let pts: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let f1 = 0.852 * i as f64 / (n - 1) as f64;
            [
                f1,
                1.0 - f1.sqrt() - f1 * (10.0 * std::f64::consts::PI * f1).sin(),
            ]
        })
        .collect();
    // Keep the non-dominated points.
    let keep: Vec<[f64; 2]> = pts
        .iter()
        .filter(|a| {
            !pts.iter()
                .any(|b| b[0] <= a[0] && b[1] <= a[1] && (b[0] < a[0] || b[1] < a[1]))
        })
        .copied()
        .collect();
    Matrix::from_rows(&keep).unwrap()
}

/// Preferences (k × 2) spread over the simplex, and the ZDT1 points on their rays.
fn zdt1_on_rays(k: usize, noise: f64, rng: &mut Lcg) -> (Matrix, Matrix) {
    let mut prefs = Vec::new();
    let mut sols = Vec::new();
    for i in 0..k {
        let a = 0.05 + 0.9 * i as f64 / (k - 1) as f64;
        let p = [a, 1.0 - a];
        // Bisection on t: t·p2 = 1 − √(t·p1).
        let (mut lo, mut hi) = (0.0, 2.0);
        for _ in 0..60 {
            let t = 0.5 * (lo + hi);
            if t * p[1] > 1.0 - (t * p[0]).sqrt() {
                hi = t;
            } else {
                lo = t;
            }
        }
        let bump = 1.0 + noise * rng.next();
        sols.push([lo * p[0] * bump, lo * p[1] * bump]);
        prefs.push(p);
    }
    (
        Matrix::from_rows(&prefs).unwrap(),
        Matrix::from_rows(&sols).unwrap(),
    )
}

fn sphere_octant(n: usize) -> Matrix {
    let mut rows = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let th = std::f64::consts::FRAC_PI_2 * i as f64 / (n - 1) as f64;
            let ph = std::f64::consts::FRAC_PI_2 * j as f64 / (n - 1) as f64;
            rows.push([th.cos() * ph.cos(), th.cos() * ph.sin(), th.sin()]);
        }
    }
    Matrix::from_rows(&rows).unwrap()
}

fn sphere_points(k: usize, scale: f64, rng: &mut Lcg) -> (Matrix, Matrix) {
    let mut prefs = Vec::new();
    let mut sols = Vec::new();
    for _ in 0..k {
        let p = [rng.next() + 0.1, rng.next() + 0.1, rng.next() + 0.1];
        let n = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
        let r = scale * (1.0 + 0.05 * rng.next());
        prefs.push(p);
        sols.push([r * p[0] / n, r * p[1] / n, r * p[2] / n]);
    }
    (
        Matrix::from_rows(&prefs).unwrap(),
        Matrix::from_rows(&sols).unwrap(),
    )
}

fn random_points(n: usize, m: usize, shift: f64, rng: &mut Lcg) -> Matrix {
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|_| {
            (0..m)
                .map(|j| shift + (j as f64 + 1.0) * rng.next())
                .collect()
        })
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

fn both(dir: &Path, stem: &str, f: impl Fn(&Path) -> tradeoff_plots::Result<()>) {
    for ext in ["png", "svg"] {
        let p: PathBuf = dir.join(format!("{stem}.{ext}"));
        f(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/plots-check".to_owned()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Lcg(42);

    // m = 2: ZDT1 with rays, and ZDT3 (disconnected).
    let front = zdt1_front(200);
    let (prefs, sols) = zdt1_on_rays(10, 0.04, &mut rng);
    both(&dir, "front2", |p| {
        front_plot(
            p,
            &FrontPlot::new("ZDT1 · EPO · 10 preferences", &sols)
                .with_true_front(&front)
                .with_preferences(&prefs)
                .with_series_name("EPO"),
        )
    });
    let z3 = zdt3_front(500);
    let z3sols = Matrix::from_rows(
        &z3.rows()
            .step_by(z3.n_rows() / 12)
            .map(|r| vec![r[0] + 0.01, r[1] + 0.02])
            .collect::<Vec<_>>(),
    )
    .unwrap();
    both(&dir, "front2_zdt3", |p| {
        front_plot(
            p,
            &FrontPlot::new("ZDT3 (disconnected front)", &z3sols)
                .with_true_front(&z3)
                .with_series_name("MGDA"),
        )
    });

    // m = 3: sphere octant.
    let sphere = sphere_octant(30);
    let (prefs3, sols3) = sphere_points(15, 1.0, &mut rng);
    both(&dir, "front3", |p| {
        front_plot(
            p,
            &FrontPlot::new("DTLZ2 · 3 objectives", &sols3)
                .with_true_front(&sphere)
                .with_preferences(&prefs3)
                .with_series_name("UPGrad"),
        )
    });

    // m = 5: parallel coordinates.
    let sols5 = random_points(20, 5, 0.0, &mut rng);
    let front5 = random_points(200, 5, 0.0, &mut rng);
    both(&dir, "front5", |p| {
        front_plot(
            p,
            &FrontPlot::new("5 objectives", &sols5)
                .with_true_front(&front5)
                .with_series_name("Nash-MTL"),
        )
    });

    // Overlays.
    let (_, a) = zdt1_on_rays(10, 0.02, &mut rng);
    let (_, b) = zdt1_on_rays(8, 0.15, &mut rng);
    let (_, c) = zdt1_on_rays(12, 0.3, &mut rng);
    both(&dir, "overlay2", |p| {
        fronts_overlay_plot(
            p,
            "ZDT1 · three solvers",
            &[("EPO", &a), ("MGDA-UB", &b), ("Linear scalarisation", &c)],
            Some(&front),
        )
    });
    let many: Vec<(String, Matrix)> = (0..13)
        .map(|i| {
            let (_, s) = zdt1_on_rays(6, 0.05 + 0.05 * i as f64, &mut rng);
            (format!("solver {i:02}"), s)
        })
        .collect();
    let many_refs: Vec<(&str, &Matrix)> = many.iter().map(|(n, m)| (n.as_str(), m)).collect();
    both(&dir, "overlay2_many", |p| {
        fronts_overlay_plot(p, "13 solvers", &many_refs, Some(&front))
    });
    let (_, s3a) = sphere_points(15, 1.0, &mut rng);
    let (_, s3b) = sphere_points(15, 1.15, &mut rng);
    both(&dir, "overlay3", |p| {
        fronts_overlay_plot(
            p,
            "DTLZ2 · two solvers",
            &[("UPGrad", &s3a), ("PCGrad", &s3b)],
            Some(&sphere),
        )
    });
    let r5a = random_points(10, 5, 0.0, &mut rng);
    let r5b = random_points(10, 5, 0.5, &mut rng);
    let r5c = random_points(10, 5, 1.0, &mut rng);
    both(&dir, "overlay5", |p| {
        fronts_overlay_plot(
            p,
            "5 objectives · three solvers",
            &[("EPO", &r5a), ("MGDA", &r5b), ("Aligned-MTL", &r5c)],
            None,
        )
    });

    // History.
    let hist: Vec<(&str, Vec<(usize, f64)>)> = ["EPO", "MGDA-UB", "PMTL", "Nash-MTL"]
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let pts = (0..=200)
                .map(|it| {
                    let t = it as f64;
                    let v = 0.66 * (1.0 - (-(t + 1.0) / (20.0 + 15.0 * k as f64)).exp())
                        - 0.01 * k as f64;
                    (
                        it,
                        if k == 2 && (90..100).contains(&it) {
                            f64::NAN
                        } else {
                            v
                        },
                    )
                })
                .collect();
            (*name, pts)
        })
        .collect();
    both(&dir, "history", |p| {
        history_plot(p, "ZDT1 · hypervolume", &hist, "hypervolume")
    });
    let short: Vec<(&str, Vec<(usize, f64)>)> = ["EPO", "MGDA"]
        .iter()
        .enumerate()
        .map(|(k, n)| {
            (
                *n,
                (0..=20)
                    .map(|it| (it * 50, 1.0 - 0.5 / (1.0 + it as f64 + k as f64)))
                    .collect(),
            )
        })
        .collect();
    both(&dir, "history_short", |p| {
        history_plot(p, "Few points (markers)", &short, "hypervolume")
    });

    // Bars.
    let bars = [
        ("EPO", 0.6612, 0.0012),
        ("MGDA-UB", 0.6493, 0.0051),
        ("PMTL", 0.6580, 0.0021),
        ("Nash-MTL", 0.6534, 0.0098),
        ("UPGrad", 0.6601, 0.0015),
        ("LS", 0.6120, 0.0200),
    ];
    both(&dir, "bars", |p| {
        bar_plot(p, "ZDT1 · hypervolume over 5 seeds", &bars, "hypervolume")
    });
    let names = [
        "EPO",
        "MGDA-UB",
        "PMTL",
        "Nash-MTL",
        "UPGrad",
        "Linear scalarisation",
        "Tchebycheff",
        "PCGrad",
        "CAGrad",
        "Aligned-MTL",
        "ConFIG",
        "IMTL-G",
        "GradDrop",
    ];
    let many_bars: Vec<(&str, f64, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, 0.6 - 0.01 * i as f64, 0.005 * (i % 3) as f64))
        .collect();
    both(&dir, "bars_many", |p| {
        bar_plot(p, "13 solvers", &many_bars, "hypervolume")
    });

    // PSL.
    let learned = Matrix::from_rows(
        &zdt1_front(400)
            .rows()
            .map(|r| vec![r[0] * 1.01, r[1] * 1.03 + 0.005])
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let (pp, po) = zdt1_on_rays(8, 0.03, &mut rng);
    both(&dir, "psl2", |p| {
        psl_plot(
            p,
            &PslPlot::new("PSL on ZDT1", &learned)
                .with_true_front(&front)
                .with_mapping(&pp, &po),
        )
    });
    let learned3 = Matrix::from_rows(
        &sphere_octant(25)
            .rows()
            .map(|r| r.iter().map(|v| v * 1.03).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let (pp3, po3) = sphere_points(6, 1.03, &mut rng);
    both(&dir, "psl3", |p| {
        psl_plot(
            p,
            &PslPlot::new("PSL on DTLZ2", &learned3)
                .with_true_front(&sphere)
                .with_mapping(&pp3, &po3),
        )
    });
    let learned5 = random_points(400, 5, 0.0, &mut rng);
    let mapped5 = random_points(5, 5, 0.0, &mut rng);
    let prefs5 = random_points(5, 5, 0.1, &mut rng);
    both(&dir, "psl5", |p| {
        psl_plot(
            p,
            &PslPlot::new("PSL · 5 objectives", &learned5).with_mapping(&prefs5, &mapped5),
        )
    });
    // Edge cases: a single bar, bars on both sides of zero, a one-point history, objectives far
    // from the origin with rays from the ideal point, custom labels and size.
    both(&dir, "edge_bar_one", |p| {
        bar_plot(p, "One bar", &[("EPO", 0.5, 0.01)], "hypervolume")
    });
    both(&dir, "edge_bar_negative", |p| {
        bar_plot(
            p,
            "Change against the baseline",
            &[
                ("a", -1.0, 0.2),
                ("b", 2.0, 0.5),
                ("broken", f64::NAN, 0.0),
                ("c", 0.4, f64::NAN),
            ],
            "change (%)",
        )
    });
    both(&dir, "edge_history_one", |p| {
        history_plot(p, "One point", &[("EPO", vec![(0, 0.5)])], "hypervolume")
    });
    let far = Matrix::from_rows(
        &sols
            .rows()
            .map(|r| vec![1000.0 + 500.0 * r[0], 2.0e-4 + 1e-4 * r[1]])
            .collect::<Vec<_>>(),
    )
    .unwrap();
    both(&dir, "edge_far", |p| {
        front_plot(
            p,
            &FrontPlot::new("Far from the origin, rays from the ideal point", &far)
                .with_preferences(&prefs)
                .with_ray_origin(tradeoff_plots::RayOrigin::Ideal)
                .with_labels(["training loss (nats)", "latency (s)"])
                .with_size(640, 480),
        )
    });
    println!("wrote pictures to {}", dir.display());
}
