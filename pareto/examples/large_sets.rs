//! Writes seeded point sets of the sizes in moocore's test suite, for checking that
//! `tradeoff indicators` answers each within its limits (issue 12 §2).
//!
//! `cargo run -p tradeoff-pareto --release --example large_sets -- DIR` writes into DIR:
//! - `2d_200000.json`: 200,000 points in 2-D (hypervolume),
//! - `3d_40000.json`: 40,000 points in 3-D,
//! - `igd_65518.json` and `igd_front.json`: 65,518 points in 3-D and a reference front of
//!   65,518 points (IGD and the other front-based indicators),
//! - `10d_23359.json` and `10d_front.json`: 23,359 points in 10-D and a front of 23,359 points
//!   (epsilon).
//!
//! Each set has 80% of its points on the positive part of the unit sphere (mutually
//! non-dominated), the rest on the sphere pushed away from the origin by up to 10% (dominated
//! or nearly), from a fixed seed. A front is drawn on the sphere from another seed.

use std::io::Write;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// `n` points of `m` objectives as described in the module docs.
fn sphere_set(n: usize, m: usize, seed: u64, dominated_share: f64) -> Vec<Vec<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let v: Vec<f64> = (0..m)
                .map(|_| rng.sample::<f64, _>(StandardNormal).abs())
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let scale = if rng.random::<f64>() < dominated_share {
                1.0 + 0.1 * rng.random::<f64>()
            } else {
                1.0
            };
            v.iter().map(|x| x / norm * scale).collect()
        })
        .collect()
}

fn write(dir: &std::path::Path, name: &str, rows: &[Vec<f64>]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(name))?);
    writeln!(out, "[")?;
    for (i, r) in rows.iter().enumerate() {
        let values: Vec<String> = r.iter().map(|v| format!("{v:?}")).collect();
        let comma = if i + 1 < rows.len() { "," } else { "" };
        writeln!(out, "[{}]{comma}", values.join(","))?;
    }
    writeln!(out, "]")?;
    out.flush()
}

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: large_sets DIR (the folder to write into)"),
    );
    std::fs::create_dir_all(&dir)?;
    write(&dir, "2d_200000.json", &sphere_set(200_000, 2, 1, 0.2))?;
    write(&dir, "3d_40000.json", &sphere_set(40_000, 3, 2, 0.2))?;
    write(&dir, "igd_65518.json", &sphere_set(65_518, 3, 3, 0.2))?;
    write(&dir, "igd_front.json", &sphere_set(65_518, 3, 4, 0.0))?;
    write(&dir, "10d_23359.json", &sphere_set(23_359, 10, 5, 0.2))?;
    write(&dir, "10d_front.json", &sphere_set(23_359, 10, 6, 0.0))?;
    Ok(())
}
