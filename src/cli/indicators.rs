//! `tradeoff indicators`: hypervolume and every other quality indicator of a point set.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Map, Value, json};
use tradeoff_pareto::Matrix;

use tradeoff::records::{ReportInputs, indicator_report};

use super::io::{parse_vector, print_json, read_matrix};

/// Arguments of `indicators`.
#[derive(Debug, Args)]
pub struct IndicatorsArgs {
    /// The point set (objective vectors, minimised): JSON array of arrays or CSV.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Hypervolume reference point, e.g. `1.1,1.1`.
    ///
    /// Default: max + 0.1·(max − min) of the input in every objective (max + 0.1·max(|max|, 1)
    /// where all points share one value); the output's `reference_point` says which was used.
    #[arg(long = "ref", value_name = "R1,R2,..", allow_hyphen_values = true)]
    reference: Option<String>,
    /// A reference front (for IGD, IGD+, GD, GD+, averaged Hausdorff distance, epsilon).
    #[arg(long, value_name = "FILE")]
    front: Option<PathBuf>,
    /// One preference vector per point (for inner product, cross angle and PBI).
    #[arg(long, value_name = "FILE")]
    prefs_file: Option<PathBuf>,
    /// Also output every point's exclusive hypervolume contribution.
    #[arg(long)]
    contributions: bool,
}

fn default_reference(points: &Matrix) -> Vec<f64> {
    (0..points.n_cols())
        .map(|j| {
            let (lo, hi) = points
                .rows()
                .map(|r| r[j])
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                });
            let range = hi - lo;
            if range > 0.0 {
                hi + 0.1 * range
            } else {
                hi + 0.1 * hi.abs().max(1.0)
            }
        })
        .collect()
}

/// Runs `indicators`.
pub fn run(args: IndicatorsArgs) -> Result<()> {
    let points = read_matrix(&args.input)?;
    let m = points.n_cols();
    let reference = match &args.reference {
        Some(text) => {
            let r = parse_vector(text, "--ref")?;
            if r.len() != m {
                bail!(
                    "--ref has {} values but the points have {m} objectives",
                    r.len()
                );
            }
            r
        }
        None => default_reference(&points),
    };
    let mut out = Map::new();
    out.insert("n_points".into(), json!(points.n_rows()));
    out.insert("n_obj".into(), json!(m));
    out.insert("reference_point".into(), json!(reference));
    out.insert(
        "reference_point_source".into(),
        json!(if args.reference.is_some() {
            "--ref"
        } else {
            "max + 0.1 (max - min)"
        }),
    );
    let front = args.front.as_deref().map(read_matrix).transpose()?;
    if let (Some(path), Some(front)) = (&args.front, &front) {
        if front.n_cols() != m {
            bail!(
                "{}: the front has {} objectives but the points have {m}",
                path.display(),
                front.n_cols()
            );
        }
    }
    let prefs = args.prefs_file.as_deref().map(read_matrix).transpose()?;
    if let (Some(path), Some(prefs)) = (&args.prefs_file, &prefs) {
        if prefs.shape() != points.shape() {
            bail!(
                "{}: {} preferences of {} objectives, but there are {} points of {m} objectives (one preference per point)",
                path.display(),
                prefs.n_rows(),
                prefs.n_cols(),
                points.n_rows()
            );
        }
        for (i, row) in prefs.rows().enumerate() {
            if let Some(column) = row.iter().position(|&v| v < 0.0) {
                bail!(
                    "{}: preference {i}, column {column} is {} (preferences must be non-negative)",
                    path.display(),
                    row[column]
                );
            }
        }
    }
    let inputs = ReportInputs {
        front: front.as_ref(),
        preferences: prefs.as_ref(),
        contributions: args.contributions,
    };
    out.extend(indicator_report(&points, &reference, inputs)?);
    print_json(&Value::Object(out))
}
