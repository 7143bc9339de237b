//! Times the exact hypervolume of a JSON point set (array of arrays), for comparing with
//! moocore on the same file.
//!
//! `cargo run -p tradeoff-pareto --release --example hv_time -- FILE REF` prints
//! `n m seconds hypervolume` (REF is one value used in every objective, e.g. 1.1).

use std::time::Instant;

use tradeoff_pareto::{Matrix, hypervolume};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(reference)) = (args.next(), args.next()) else {
        eprintln!("usage: hv_time FILE REF");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("readable file");
    let rows: Vec<Vec<f64>> = serde_json::from_str(&text).expect("a JSON array of arrays");
    let points = Matrix::from_rows(&rows).expect("rectangular");
    let reference = vec![reference.parse::<f64>().expect("a number"); points.n_cols()];
    let start = Instant::now();
    let hv = hypervolume(&points, &reference).expect("valid input");
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{} {} {seconds:.4} {hv:.17e}",
        points.n_rows(),
        points.n_cols()
    );
}
