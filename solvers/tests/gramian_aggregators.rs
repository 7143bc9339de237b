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
