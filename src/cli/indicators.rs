//! `tradeoff indicators`: hypervolume and every other quality indicator of a point set.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Map, Value, json};
use tradeoff_pareto::Matrix;

use tradeoff::records::{INDICATOR_KEYS, ReportInputs, indicator_report_selected};

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
    /// Compute only these indicators, e.g. `hv,igd,lmin` (output key names; `hv` is
    /// `hypervolume`). Default: every indicator the inputs allow, except that a hypervolume or
    /// soft lmin estimated to take more than a few seconds is left out unless asked for (see the
    /// output's `skipped`).
    #[arg(long, value_name = "NAME,..")]
    only: Option<String>,
}

/// An indicator nobody asked for by name is left out when its estimated time exceeds this.
const SKIP_SECONDS: f64 = 5.0;

/// An indicator asked for by name is refused when its estimated time exceeds this.
const REFUSE_SECONDS: f64 = 3600.0;

/// Parses `--only`: output keys (and `hv` for `hypervolume`), comma-separated.
fn parse_only(text: &str) -> Result<BTreeSet<&'static str>> {
    let mut chosen = BTreeSet::new();
    for name in text.split(',').map(str::trim) {
        let key = if name == "hv" { "hypervolume" } else { name };
        match INDICATOR_KEYS.iter().find(|&&k| k == key) {
            Some(&k) => {
                chosen.insert(k);
            }
            None => bail!(
                "--only: unknown indicator {name:?}; valid: hv, {}",
                INDICATOR_KEYS.join(", ")
            ),
        }
    }
    Ok(chosen)
}

/// Estimated seconds of the exact hypervolume of `k` mutually non-dominated points inside the
/// reference box in `m` objectives.
///
/// Measured with `pareto/examples/hv_time.rs` on points uniform on the simplex (the slower of
/// simplex and sphere; reference 1.1), release build, on one core of a loaded two-core machine
/// (so about 2× pessimistic), and fitted as `time = c · k^p`: m = 6: 0.57 s at k = 800;
/// m = 7: 3.9 s at 500; m = 8: 3.9 s at 200; m = 9: 53 s at 200; m = 10: 49 s at 100. Past 10
/// objectives the exponent grows by 0.7 per objective (a guess on the pessimistic side: the
/// fitted exponents grow by about 0.3).
fn hypervolume_seconds(k: usize, m: usize) -> f64 {
    let k = k as f64;
    match m {
        0..=3 => 1e-7 * k * k.max(2.0).log2(),
        4 => 1e-9 * k * k,
        _ => {
            let (c, p) = HV_FIT[(m - 5).min(HV_FIT.len() - 1)];
            let extra = m.saturating_sub(4 + HV_FIT.len()) as f64;
            c * k.powf(p + 0.7 * extra)
        }
    }
}

/// `(c, p)` of `time = c · k^p` seconds for m = 5, 6, …, 10 (see [`hypervolume_seconds`]; m = 5
/// from `benches/hypervolume.rs`: about 0.33 s at 10,000 points).
const HV_FIT: &[(f64, f64)] = &[
    (3.3e-7, 1.5),
    (2.4e-7, 2.2),
    (8.7e-6, 2.1),
    (1.5e-6, 2.8),
    (4.3e-6, 3.1),
    (7.7e-6, 3.4),
];

/// Estimated seconds of [`tradeoff_pareto::soft_lmin`] on `n` points of `m` objectives: one
/// distance and one exponential per pair, about 30 ns each (measured: 30 s for the 8·10⁸ pairs
/// of 40,000 points in 3-D, release build, one core of a loaded two-core machine).
fn soft_lmin_seconds(n: usize, m: usize) -> f64 {
    tradeoff_pareto::soft_lmin_pairs(n) * (3e-8 + 2e-9 * m as f64)
}

/// A duration in words, for messages.
fn duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} minutes", seconds / 60.0)
    } else if seconds < 2.0 * 86400.0 {
        format!("{:.0} hours", seconds / 3600.0)
    } else {
        format!("{:.1e} days", seconds / 86400.0)
    }
}

/// Number of distinct points that no other point dominates and that lie strictly inside the
/// reference box: the points the hypervolume's cost depends on.
fn n_inside_nondominated(points: &Matrix, reference: &[f64]) -> usize {
    let inside: Vec<usize> = (0..points.n_rows())
        .filter(|&i| points.row(i).iter().zip(reference).all(|(a, r)| a < r))
        .collect();
    tradeoff_pareto::n_nondominated(&points.select_rows(&inside))
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

/// When the hypervolume `hv` as computed (`None`: not a finite number) is not the true value
/// because that value lies outside f64's range, a sentence that says so with its magnitude.
///
/// The hypervolume scales with the product of per-objective factors: with every column of the
/// points and the reference multiplied by a power of two `2^-e_j` (exact) that brings it near
/// 1, the hypervolume of the scaled set times `2^Σe_j` is the true one. Computed again only when
/// `hv` is not finite, or is 0 while a point lies strictly inside the reference box.
fn hypervolume_out_of_range(
    points: &Matrix,
    reference: &[f64],
    hv: Option<f64>,
) -> Result<Option<String>> {
    let inside = || {
        points
            .rows()
            .any(|r| r.iter().zip(reference).all(|(a, b)| a < b))
    };
    if hv.is_some_and(|v| v.is_finite() && (v != 0.0 || !inside())) {
        return Ok(None);
    }
    let m = reference.len();
    let exponents: Vec<i32> = (0..m)
        .map(|j| {
            let size = points
                .rows()
                .map(|r| r[j].abs())
                .fold(reference[j].abs(), f64::max);
            if size > 0.0 && size.is_finite() {
                size.log2().ceil() as i32
            } else {
                0
            }
        })
        .collect();
    // v·2^-e in two exact steps (each factor a normal power of two).
    let scale = |v: f64, e: i32| {
        let first = e.clamp(-1000, 1000);
        v * 2f64.powi(-first) * 2f64.powi(first - e)
    };
    let mut scaled = points.clone();
    for i in 0..points.n_rows() {
        for (j, &e) in exponents.iter().enumerate() {
            scaled.set(i, j, scale(points.get(i, j), e));
        }
    }
    let scaled_reference: Vec<f64> = reference
        .iter()
        .zip(&exponents)
        .map(|(&r, &e)| scale(r, e))
        .collect();
    let unit = tradeoff_pareto::hypervolume(&scaled, &scaled_reference)?;
    if unit <= 0.0 || !unit.is_finite() {
        return Ok(None);
    }
    let log10 = unit.log10() + exponents.iter().map(|&e| f64::from(e)).sum::<f64>() * 2f64.log10();
    let (mantissa, power) = (10f64.powf(log10 - log10.floor()), log10.floor());
    Ok(Some(format!(
        "the hypervolume is about {mantissa:.4}e{power}, outside the range of f64 numbers \
         (about 1e-308 to 1.8e308); multiply the points and the reference point by a common \
         factor c (the hypervolume is then c^{m} times as large) to bring it into range"
    )))
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
    let n = points.n_rows();
    // What was asked for by name, and what the inputs allow.
    let asked = args.only.as_deref().map(parse_only).transpose()?;
    let mut wanted: BTreeSet<&'static str> = match &asked {
        Some(keys) => keys.clone(),
        None => INDICATOR_KEYS.iter().copied().collect(),
    };
    if args.contributions {
        wanted.insert("hv_contributions");
    }
    let needs = |key: &str| -> Option<&'static str> {
        match key {
            "igd" | "igd_plus" | "gd" | "gd_plus" | "avg_hausdorff" | "epsilon_additive"
            | "epsilon_mult"
                if front.is_none() =>
            {
                Some("--front FILE")
            }
            "inner_product" | "cross_angle" | "pbi" if prefs.is_none() => Some("--prefs-file FILE"),
            "hv_contributions" if asked.is_none() && !args.contributions => Some("--contributions"),
            _ => None,
        }
    };
    if let Some(keys) = &asked {
        if let Some((key, flag)) = keys.iter().find_map(|k| needs(k).map(|f| (k, f))) {
            bail!("--only {key} needs {flag}");
        }
    }
    wanted.retain(|k| needs(k).is_none());
    let by_name = |key: &str| {
        asked.as_ref().is_some_and(|keys| keys.contains(key))
            || (key == "hv_contributions" && args.contributions)
    };
    // Costs, estimated before anything large is computed.
    let mut skipped = Map::new();
    let mut n_nondominated = None;
    let hv_keys = ["hypervolume", "hv_contributions"];
    if hv_keys.iter().any(|k| wanted.contains(k)) && m >= 4 {
        let all_inside = points
            .rows()
            .all(|r| r.iter().zip(&reference).all(|(a, r)| a < r));
        let k = if all_inside {
            // the same count the report gives: computed once
            let count = tradeoff_pareto::n_nondominated(&points);
            n_nondominated = Some(count);
            count
        } else {
            n_inside_nondominated(&points, &reference)
        };
        let seconds = hypervolume_seconds(k, m);
        let present: Vec<&str> = hv_keys.into_iter().filter(|k| wanted.contains(k)).collect();
        for key in present {
            // the contributions cost about one hypervolume per point beyond four objectives
            let seconds = if key == "hv_contributions" && m >= 5 {
                seconds * k as f64
            } else {
                seconds
            };
            let explicit = by_name(key) || (key == "hypervolume" && args.reference.is_some());
            if explicit && seconds > REFUSE_SECONDS {
                bail!(
                    "{key} of {k} non-dominated points in {m} objectives would take about {} (estimate; the limit is {}): use fewer points",
                    duration(seconds),
                    duration(REFUSE_SECONDS)
                );
            }
            if !explicit && seconds > SKIP_SECONDS {
                skipped.insert(
                    key.into(),
                    json!(format!(
                        "left out: {k} non-dominated points in {m} objectives would take about {} (estimate); ask for it with --only hv or --ref",
                        duration(seconds)
                    )),
                );
                wanted.remove(key);
            }
        }
    }
    if wanted.contains("soft_lmin") {
        let seconds = soft_lmin_seconds(n, m);
        if by_name("soft_lmin") && seconds > REFUSE_SECONDS {
            bail!(
                "soft_lmin of {n} points sums over {:.2e} pairs and would take about {} (estimate; the limit is {}): use fewer points",
                tradeoff_pareto::soft_lmin_pairs(n),
                duration(seconds),
                duration(REFUSE_SECONDS)
            );
        }
        if !by_name("soft_lmin") && seconds > SKIP_SECONDS {
            skipped.insert(
                "soft_lmin".into(),
                json!(format!(
                    "left out: it sums over all {:.2e} pairs of points and would take about {} (estimate); ask for it with --only soft_lmin",
                    tradeoff_pareto::soft_lmin_pairs(n),
                    duration(seconds)
                )),
            );
            wanted.remove("soft_lmin");
        }
    }
    if let Some(count) = n_nondominated.filter(|_| wanted.contains("n_nondominated")) {
        out.insert("n_nondominated".into(), json!(count));
        wanted.remove("n_nondominated");
    }
    let inputs = ReportInputs {
        front: front.as_ref(),
        preferences: prefs.as_ref(),
        contributions: wanted.contains("hv_contributions"),
    };
    out.extend(indicator_report_selected(
        &points,
        &reference,
        inputs,
        &|key| wanted.contains(key),
    )?);
    // A hypervolume beyond f64's range came out as `null` (overflow) or 0 (underflow): say so.
    if let Some(hv) = out.get("hypervolume").map(Value::as_f64) {
        if let Some(note) = hypervolume_out_of_range(&points, &reference, hv)? {
            out.remove("hypervolume");
            // The report's own note on the null it held is replaced by this one.
            if let Some(Value::Array(notes)) = out.get_mut("notes") {
                notes.retain(|n| !n.as_str().is_some_and(|t| t.starts_with("hypervolume ")));
                if notes.is_empty() {
                    out.remove("notes");
                }
            }
            if by_name("hypervolume") || args.reference.is_some() {
                bail!("{note}");
            }
            skipped.insert("hypervolume".into(), json!(format!("left out: {note}")));
        }
    }
    if !skipped.is_empty() {
        out.insert("skipped".into(), Value::Object(skipped));
    }
    print_json(&Value::Object(out))
}
