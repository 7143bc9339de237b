mod common;
use common::*;
use tradeoff_solvers::*;

#[test]
fn explore() {
    let names = [
        ("mean", "Mean"),
        ("sum", "Sum"),
        ("upgrad", "UPGrad"),
        ("dualproj", "DualProj"),
        ("mgda", "MGDA"),
        ("cagrad", "CAGrad(c=0.5)"),
        ("imtl-g", "IMTLG"),
        ("aligned-mtl", "AlignedMTL"),
        ("nash-mtl", "NashMTL(n_tasks=k)"),
        ("fairgrad", "FairGrad(alpha=1.0)"),
    ];
    for fm in fixture_matrices() {
        for (ours, theirs) in names {
            let mut agg = build_method(ours, &Options::new()).unwrap();
            let a = run(agg.as_mut(), &fm.jacobian);
            let Some(r) = reference(&fm.id, "torchjd", theirs) else {
                println!(
                    "{:22} {:12} NO REF ({:?})",
                    fm.id,
                    ours,
                    reference_error(&fm.id, "torchjd", theirs)
                );
                continue;
            };
            let e = vector(&r["direction"]);
            let diff = a
                .direction
                .iter()
                .zip(&e)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            let scale = max_abs(&e).max(1e-300);
            let wdiff = match (&a.weights, r.get("weights_from_gramian")) {
                (Some(w), Some(we)) => {
                    let we = vector(we);
                    w.iter()
                        .zip(&we)
                        .map(|(x, y)| (x - y).abs())
                        .fold(0.0, f64::max)
                        / max_abs(&we).max(1e-300)
                }
                _ => f64::NAN,
            };
            println!(
                "{:22} {:12} rel {:9.2e} abs {:9.2e} wrel {:9.2e} conv {} it {} res {:.1e}",
                fm.id,
                ours,
                diff / scale,
                diff,
                wdiff,
                a.diagnostics.converged,
                a.diagnostics.inner_iters,
                a.diagnostics.residual
            );
        }
        let mut agg = build_method("mgda", &Options::new()).unwrap();
        let a = run(agg.as_mut(), &fm.jacobian);
        if let Some(r) = reference(&fm.id, "libmoon_github", "mgda_solve_mgda") {
            let e = vector(&r["direction"]);
            let diff = a
                .direction
                .iter()
                .zip(&e)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            println!("{:22} {:12} vs libmoon abs {:9.2e}", fm.id, "mgda", diff);
        }
    }
}

#[test]
fn explore_cagrad() {
    for id in ["random_2x50", "random_6x12", "random_8x16", "random_10x50", "k_gt_n_10x2", "aligned_4x10", "tiny_scale_3x8"] {
        let fm = fixture_matrix(id);
        let j = &fm.jacobian;
        let m = j.n_rows();
        let g0 = combine(j, &vec![1.0 / m as f64; m]);
        let s = 0.5 * norm(&g0);
        let mut agg = build_method("cagrad", &Options::new()).unwrap();
        let ours = run(agg.as_mut(), j).direction;
        let theirs = vector(&reference(id, "torchjd", "CAGrad(c=0.5)").unwrap()["direction"]);
        for (name, d) in [("ours", &ours), ("torchjd", &theirs)] {
            let diff: Vec<f64> = d.iter().zip(&g0).map(|(a, b)| a - b).collect();
            let jd = mat_vec(j, d);
            let minv = jd.iter().copied().fold(f64::INFINITY, f64::min);
            println!("{id:16} {name:8} ball {:+.3e} min<g,d> {:.12e}", norm(&diff) - s, minv);
        }
    }
}

#[test]
fn explore_mgda() {
    for fm in fixture_matrices() {
        let j = &fm.jacobian;
        let m = j.n_rows();
        let g = gramian(j);
        let tr: f64 = (0..m).map(|i| g[i * m + i]).sum();
        let gap = |w: &[f64]| {
            let gw: Vec<f64> = (0..m).map(|i| dot(&g[i * m..(i + 1) * m], w)).collect();
            let n2 = dot(w, &gw);
            (n2, (n2 - gw.iter().copied().fold(f64::INFINITY, f64::min)) / tr.max(1e-300))
        };
        let mut agg = build_method("mgda", &Options::new()).unwrap();
        let a = run(agg.as_mut(), j);
        let (n_ours, g_ours) = gap(a.weights.as_ref().unwrap());
        let lib = reference(&fm.id, "libmoon_github", "mgda_solve_mgda").map(|r| vector(&r["weights"]));
        let tj = reference(&fm.id, "torchjd", "MGDA").map(|r| vector(&r["weights_from_gramian"]));
        let (n_lib, g_lib) = lib.as_ref().map(|w| { let s: f64 = w.iter().sum(); let w: Vec<f64> = w.iter().map(|x| x / s).collect(); gap(&w) }).unwrap_or((f64::NAN, f64::NAN));
        let (n_tj, g_tj) = tj.as_ref().map(|w| gap(w)).unwrap_or((f64::NAN, f64::NAN));
        println!("{:22} ours |d|²={:.12e} gap {:.1e} | libmoon |d|²={:.12e} gap {:.1e} | torchjd |d|²={:.12e} gap {:.1e}", fm.id, n_ours, g_ours, n_lib, g_lib, n_tj, g_tj);
    }
}

#[test]
#[ignore]
fn timing_report() {
    use std::time::Instant;
    for (m, n) in [(2usize, 100_000usize), (10, 100_000), (40, 100_000), (10, 1_000_000)] {
        let mut s = Sampler::new(1);
        let j = s.gaussian(m, n);
        let time = |f: &mut dyn FnMut()| {
            let mut v = Vec::new();
            for _ in 0..15 { let t = Instant::now(); f(); v.push(t.elapsed().as_secs_f64() * 1e3); }
            v.sort_by(f64::total_cmp); v[0]
        };
        let tg = time(&mut || { std::hint::black_box(tradeoff_solvers::linalg::gramian(&j)); });
        let w = vec![0.3; m];
        let tc = time(&mut || { std::hint::black_box(tradeoff_solvers::linalg::combine(&j, &w)); });
        let tv = time(&mut || { std::hint::black_box(StepInput::new(&j).validate().unwrap()); });
        println!("m={m} n={n}: gramian {tg:.3} ms, combine {tc:.3} ms, validate {tv:.3} ms");
        let g = tradeoff_solvers::linalg::gramian(&j);
        let u = vec![1.0 / m as f64; m];
        let up = UpGrad::new(UpGradParams::default()).unwrap();
        let dp = DualProj::new(DualProjParams::default()).unwrap();
        let mg = Mgda::new(MgdaParams::default()).unwrap();
        let ca = CaGrad::new(CaGradParams::default()).unwrap();
        let fg = FairGrad::new(FairGradParams::default()).unwrap();
        let al = AlignedMtl::new(AlignedMtlParams::default()).unwrap();
        let t_up = time(&mut || { std::hint::black_box(up.weights(&g, &u)); });
        let t_dp = time(&mut || { std::hint::black_box(dp.weights(&g, &u)); });
        let t_mg = time(&mut || { std::hint::black_box(mg.weights(&g)); });
        let t_ca = time(&mut || { std::hint::black_box(ca.weights(&g)); });
        let t_fg = time(&mut || { std::hint::black_box(fg.weights(&g)); });
        let t_im = time(&mut || { std::hint::black_box(ImtlG.weights(&g)); });
        let t_al = time(&mut || { std::hint::black_box(al.weights(&g, &u)); });
        println!("   m×m only: upgrad {t_up:.4} dualproj {t_dp:.4} mgda {t_mg:.4} cagrad {t_ca:.4} fairgrad {t_fg:.4} imtl-g {t_im:.4} aligned {t_al:.4} ms");
        for name in ["mean", "mgda", "upgrad", "dualproj", "cagrad", "imtl-g", "aligned-mtl", "nash-mtl", "fairgrad"] {
            let mut agg = build_method(name, &Options::new()).unwrap();
            let t = time(&mut || { std::hint::black_box(agg.aggregate(&StepInput::new(&j)).unwrap()); });
            println!("   {name:12} {t:8.3} ms (without validate)");
        }
    }
}

#[test]
fn explore_fair_iters() {
    for (m, n) in [(2usize, 100_000usize), (10, 100_000), (40, 100_000)] {
        let mut s = Sampler::new(1);
        let j = s.gaussian(m, n);
        for name in ["nash-mtl", "fairgrad"] {
            let mut agg = build_method(name, &Options::new()).unwrap();
            for _ in 0..3 {
                let a = agg.aggregate(&StepInput::new(&j)).unwrap();
                println!("m={m} {name}: {:?}", a.diagnostics);
            }
        }
        let g = tradeoff_solvers::linalg::gramian(&j);
        let gn = tradeoff_solvers::linalg::normalized(&g).unwrap();
        let (w, st) = tradeoff_solvers::linalg::min_norm_weights(&gn);
        println!("   min-norm stats {st:?} sum w {}", w.iter().sum::<f64>());
    }
}
