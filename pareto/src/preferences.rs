//! Preference vectors on the unit simplex: evenly spaced 2-objective rays, Das–Dennis lattices, Riesz s-energy sets, and seeded uniform and Dirichlet samples.
//!
//! Every generator returns an `n_points × n_obj` [`Matrix`] whose rows are non-negative and sum
//! to 1. The random ones take a `seed` and use [`rand::rngs::StdRng`], so the same seed gives the
//! same matrix bit for bit.
//!
//! ```
//! # fn main() -> tradeoff_pareto::Result<()> {
//! use tradeoff_pareto::{das_dennis, das_dennis_partitions};
//! let h = das_dennis_partitions(3, 91)?; // 12 partitions
//! let w = das_dennis(3, h)?;
//! assert_eq!(w.shape(), (91, 3));
//! assert_eq!(w.row(1), &[0.0, 1.0 / 12.0, 11.0 / 12.0]);
//! # Ok(())
//! # }
//! ```

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1, Gamma};

use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// The largest lattice [`das_dennis`] builds, in points.
pub const MAX_LATTICE_POINTS: usize = 10_000_000;

fn invalid(name: &'static str, rule: String) -> Error {
    Error::InvalidParameter { name, rule }
}

fn check_n_obj(n_obj: usize) -> Result<()> {
    if n_obj == 0 {
        return Err(invalid("n_obj", "must be at least 1, got 0".into()));
    }
    Ok(())
}

/// `n_points` evenly spaced preferences for two objectives: `λ₁ = linspace(clip, 1 − clip, n_points)`,
/// `λ₂ = 1 − λ₁` (shape `n_points × 2`).
///
/// LibMOON's `get_uniform_pref(n_points, 2, clip_eps = clip)`: the clip shrinks the range of λ₁
/// (it does not clamp afterwards), so the first row is `(clip, 1 − clip)` and the last
/// `(1 − clip, clip)`. `λ₁ᵢ = clip + i·step` with `step = (1 − 2·clip)/(n_points − 1)` and the last
/// value set to `1 − clip` exactly, as numpy's `linspace` does; one point gives `(clip, 1 − clip)`.
/// `clip` must lie in `[0, 0.5]` and `n_points ≥ 1`.
pub fn linspace(n_points: usize, clip: f64) -> Result<Matrix> {
    if n_points == 0 {
        return Err(invalid("n_points", "must be at least 1, got 0".into()));
    }
    if !(0.0..=0.5).contains(&clip) {
        return Err(invalid("clip", format!("must lie in [0, 0.5], got {clip}")));
    }
    let (start, stop) = (clip, 1.0 - clip);
    let mut out = Matrix::zeros(n_points, 2);
    let div = (n_points - 1) as f64;
    let step = (stop - start) / div;
    for i in 0..n_points {
        let l1 = if n_points == 1 {
            start
        } else if i + 1 == n_points {
            stop
        } else if step == 0.0 {
            // numpy's branch for a zero step: i/div·delta
            i as f64 / div * (stop - start) + start
        } else {
            i as f64 * step + start
        };
        out.set(i, 0, l1);
        out.set(i, 1, 1.0 - l1);
    }
    Ok(out)
}

/// Number of points of the Das–Dennis lattice, `C(n_partitions + n_obj − 1, n_obj − 1)`, or
/// `None` if it overflows `usize` (or `n_obj == 0`).
pub fn das_dennis_size(n_obj: usize, n_partitions: usize) -> Option<usize> {
    if n_obj == 0 {
        return None;
    }
    // C(p + k, k) = C(p + k − 1, k − 1)·(p + k)/k, exact at every step.
    let mut c: u128 = 1;
    for k in 1..n_obj as u128 {
        c = c.checked_mul(n_partitions as u128 + k)? / k;
        if c > usize::MAX as u128 {
            return None;
        }
    }
    usize::try_from(c).ok()
}

/// The Das–Dennis simplex lattice (Das & Dennis, SIAM J. Optim. 1998): every vector with
/// components in `{0, 1/H, …, 1}` that sum to 1, `H = n_partitions`.
///
/// Shape `C(H + n_obj − 1, n_obj − 1) × n_obj`, in pymoo's (and LibMOON's) recursion order (first
/// coordinate ascending, then the second, …), with the same floating-point values: coordinate k
/// is `iₖ/H` and the last is `(H − Σ iₖ)/H`. `H = 0` gives the single centre `1/n_obj`.
/// `n_obj ≥ 1`; a lattice above [`MAX_LATTICE_POINTS`] points is refused.
pub fn das_dennis(n_obj: usize, n_partitions: usize) -> Result<Matrix> {
    check_n_obj(n_obj)?;
    if n_partitions == 0 {
        return Matrix::from_vec(1, n_obj, vec![1.0 / n_obj as f64; n_obj]);
    }
    let size = das_dennis_size(n_obj, n_partitions)
        .filter(|&s| s <= MAX_LATTICE_POINTS)
        .ok_or_else(|| {
            invalid(
                "n_partitions",
                format!(
                    "the lattice for {n_obj} objectives and {n_partitions} partitions has more \
                     than {MAX_LATTICE_POINTS} points"
                ),
            )
        })?;
    let mut data = Vec::with_capacity(size * n_obj);
    let mut current = vec![0.0; n_obj];
    das_dennis_recursion(&mut data, &mut current, n_partitions, n_partitions, 0);
    Matrix::from_vec(size, n_obj, data)
}

fn das_dennis_recursion(out: &mut Vec<f64>, cur: &mut [f64], h: usize, beta: usize, depth: usize) {
    if depth == cur.len() - 1 {
        cur[depth] = beta as f64 / h as f64;
        out.extend_from_slice(cur);
    } else {
        for i in 0..=beta {
            cur[depth] = i as f64 / h as f64;
            das_dennis_recursion(out, cur, h, beta - i, depth + 1);
        }
    }
}

/// The partition count `H` whose Das–Dennis lattice has exactly `n_points` points.
///
/// Returns [`Error::LatticeSize`] naming the nearest smaller and larger lattice sizes (and their
/// partition counts) when no lattice fits, like pymoo's
/// `get_reference_directions('uniform', n_obj, n_points=…)`. With one objective only
/// `n_points = 1` exists (`H = 0`).
pub fn das_dennis_partitions(n_obj: usize, n_points: usize) -> Result<usize> {
    check_n_obj(n_obj)?;
    if n_points == 0 {
        return Err(invalid("n_points", "must be at least 1, got 0".into()));
    }
    if n_obj == 1 {
        return if n_points == 1 {
            Ok(0)
        } else {
            Err(invalid(
                "n_points",
                format!("one objective has a single preference, got {n_points}"),
            ))
        };
    }
    // With n_obj ≥ 2 the size grows strictly with H, from 1 at H = 0.
    if n_points == 1 {
        return Ok(0);
    }
    let mut prev = 1;
    for h in 1.. {
        let size = das_dennis_size(n_obj, h).unwrap_or(usize::MAX);
        if size == n_points {
            return Ok(h);
        }
        if size > n_points {
            return Err(Error::LatticeSize {
                n_obj,
                n_points,
                smaller: prev,
                smaller_partitions: h - 1,
                larger: size,
                larger_partitions: h,
            });
        }
        prev = size;
    }
    unreachable!("the lattice size exceeds any usize eventually")
}

/// Distance from 1 within which a preference's sum counts as 1, so that
/// [`normalize_preference`] keeps it bit for bit.
pub const PREFERENCE_SUM_TOLERANCE: f64 = 1e-12;

/// Normalises one preference vector onto the simplex: divided by its sum only when that sum
/// differs from 1 by more than 1e-12, so a vector that already sums to one keeps its bits
/// (`[3, 7]` gives `[0.3, 0.7]`, and `[0.3, 0.7]` stays as given).
///
/// Refuses an empty vector, a non-finite or negative entry, and a zero sum.
///
/// ```
/// let p = tradeoff_pareto::normalize_preference(&[3.0, 7.0]).unwrap();
/// assert_eq!(p, vec![0.3, 0.7]);
/// assert!(tradeoff_pareto::normalize_preference(&[-1.0, 2.0]).is_err());
/// ```
pub fn normalize_preference(p: &[f64]) -> Result<Vec<f64>> {
    if p.is_empty() {
        return Err(Error::Empty { what: "preference" });
    }
    if let Some(column) = p.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: "preference",
            row: 0,
            column,
        });
    }
    if let Some(v) = p.iter().find(|&&v| v < 0.0) {
        return Err(invalid(
            "preference",
            format!("entries must be non-negative, got {v} in {p:?}"),
        ));
    }
    let sum: f64 = p.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(invalid(
            "preference",
            format!("entries must have a positive sum (and a finite one), got {p:?}"),
        ));
    }
    if (sum - 1.0).abs() > PREFERENCE_SUM_TOLERANCE {
        Ok(p.iter().map(|v| v / sum).collect())
    } else {
        Ok(p.to_vec())
    }
}

/// LibMOON's preference clipping: every entry is clamped to `[eps, 1 − eps]` and each row is then
/// divided by its sum (shape kept).
///
/// Used on Riesz s-energy sets to keep preferences away from the simplex's faces. `eps` must lie
/// in `[0, 0.5]`; values must be finite, and a row that sums to 0 after clamping (only possible
/// with `eps = 0`) is an error.
pub fn clip_preferences(prefs: &Matrix, eps: f64) -> Result<Matrix> {
    if !(0.0..=0.5).contains(&eps) {
        return Err(invalid("eps", format!("must lie in [0, 0.5], got {eps}")));
    }
    if let Some((row, column)) = prefs.first_non_finite() {
        return Err(Error::NonFinite {
            what: "preferences",
            row,
            column,
        });
    }
    let mut out = prefs.clone();
    for i in 0..out.n_rows() {
        let row = out.row_mut(i);
        for v in row.iter_mut() {
            *v = v.clamp(eps, 1.0 - eps);
        }
        let sum: f64 = row.iter().sum();
        if sum <= 0.0 {
            return Err(invalid(
                "preferences",
                format!("row {i} sums to {sum} after clipping; it cannot be normalised"),
            ));
        }
        for v in row.iter_mut() {
            *v /= sum;
        }
    }
    Ok(out)
}

/// `n_points` preferences drawn uniformly on the unit simplex (flat Dirichlet), seeded.
///
/// Each row is `(e₁, …, e_m)/Σ eₖ` with `eₖ ~ Exp(1)` i.i.d. Shape `n_points × n_obj`; `n_obj ≥ 1`.
pub fn uniform_simplex(n_obj: usize, n_points: usize, seed: u64) -> Result<Matrix> {
    check_n_obj(n_obj)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Matrix::zeros(n_points, n_obj);
    for i in 0..n_points {
        let row = out.row_mut(i);
        loop {
            for v in row.iter_mut() {
                *v = Exp1.sample(&mut rng);
            }
            let sum: f64 = row.iter().sum();
            // an all-zero draw has probability ~0; redraw rather than divide by zero
            if sum > 0.0 {
                row.iter_mut().for_each(|v| *v /= sum);
                break;
            }
        }
    }
    Ok(out)
}

/// `n_points` preferences drawn from the symmetric Dirichlet distribution `Dir(α, …, α)`, seeded.
///
/// `α = 1` is uniform on the simplex (LibMOON's `get_random_prefs`), `α < 1` favours the faces,
/// `α > 1` the centre. Each row normalises independent `Gamma(α, 1)` draws; for `α < 1` a draw is
/// taken in log space as `ln Gamma(α + 1, 1) + ln(U)/α`, so tiny `α` never gives a row of zeros.
/// Shape `n_points × n_obj`; `n_obj ≥ 1`, `α` finite and `> 0`.
pub fn dirichlet(n_obj: usize, n_points: usize, alpha: f64, seed: u64) -> Result<Matrix> {
    check_n_obj(n_obj)?;
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(invalid(
            "alpha",
            format!("must be finite and > 0, got {alpha}"),
        ));
    }
    let shape = if alpha < 1.0 { alpha + 1.0 } else { alpha };
    let gamma =
        Gamma::new(shape, 1.0).map_err(|e| invalid("alpha", format!("gamma distribution: {e}")))?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Matrix::zeros(n_points, n_obj);
    for i in 0..n_points {
        let row = out.row_mut(i);
        for v in row.iter_mut() {
            let g: f64 = gamma.sample(&mut rng);
            *v = if alpha < 1.0 {
                let u = 1.0 - rng.random::<f64>(); // in (0, 1]
                g.ln() + u.ln() / alpha
            } else {
                g.ln()
            };
        }
        // softmax of the logs
        let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - top).exp();
            sum += *v;
        }
        row.iter_mut().for_each(|v| *v /= sum);
    }
    Ok(out)
}

/// The Riesz s-energy of a point set, `E_s(X) = Σ_{i<j} ‖xᵢ − xⱼ‖^(−s)`.
///
/// `points` is `n_points × n_obj`; `s` must be finite and `> 0` (pymoo's energy method uses
/// `s = 2·n_obj`). Lower is more evenly spread. Duplicated points give `+∞`, and fewer than two
/// points give 0. pymoo reports `ln(E_s / C(n, 2))` instead, a monotone transform.
pub fn riesz_s_energy(points: &Matrix, s: f64) -> Result<f64> {
    if !(s.is_finite() && s > 0.0) {
        return Err(invalid("s", format!("must be finite and > 0, got {s}")));
    }
    if let Some((row, column)) = points.first_non_finite() {
        return Err(Error::NonFinite {
            what: "points",
            row,
            column,
        });
    }
    let n = points.n_rows();
    let mut energy = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            energy += sq_dist(points.row(i), points.row(j)).powf(-s / 2.0);
        }
    }
    Ok(energy)
}

/// The largest set [`riesz_energy`] computes (its cost is quadratic in the number of points).
pub const MAX_ENERGY_POINTS: usize = 1000;

/// `n_points` well-spread preferences that minimise the Riesz s-energy on the unit simplex,
/// a port of pymoo's `get_reference_directions("energy", n_obj, n_points, seed=…)`
/// (Blank, Deb, Dhebar, Bandaru & Seada, "Generating well-spaced points on a unit simplex for
/// evolutionary many-objective optimization", IEEE TEC 2021).
///
/// Algorithm (pymoo 0.6.2, `pymoo/util/ref_dirs/energy.py`, `reduction.py`, `misc.py`):
/// 1. **"Reduction" initialisation.** Sample `max(10 000, 10·n_points)` points uniformly on the
///    simplex (Kraemer's sorted-uniforms mapping) and add the boundary points of the largest
///    Das–Dennis lattice with at most `n_points` points. Starting from those boundary points,
///    greedily add the sample farthest from the selection until `n_points` are chosen, then run
///    k-means (≤ 1000 iterations, stop when the mean L1 move is below 1e-4) with the boundary
///    centroids held fixed, projecting the centroids back onto the simplex.
/// 2. **Energy descent.** Minimise `ln(mean_{i<j} ‖xᵢ − xⱼ‖^(−s))` with `s = 2·n_obj` (distances
///    floored at `10^(−320/(s+2))`): the gradient is projected onto the sum-zero plane and
///    divided by the largest row norm, Adam (α = 0.005, β = (0.9, 0.999), ε = 1e-8) takes a step,
///    points are projected back onto the simplex (pymoo's recursive projection) and renormalised.
///    At most 1000 iterations; stop when the mean coordinate move is below 1e-5; after more than
///    30 iterations without improvement, restart Adam with half its α from the best points.
/// 3. Rows are sorted lexicographically (first coordinate, then the second, …), like pymoo.
///
/// Shape `n_points × n_obj`. `n_points = 1` gives the centre; `n_obj = 1` allows only
/// `n_points = 1`. Cost: k-means O(iters · 10⁴ · n_points · n_obj) plus
/// O(1000 · n_points² · n_obj).
///
/// Differences from pymoo: our random stream (so the points differ from pymoo's for the same
/// seed; the energies agree within about 1%), and the farthest-point selection uses the correct
/// candidate list (pymoo's `select_points_with_maximum_distance` re-indexes its `not_selected`
/// list after the first pick) without pymoo's full 10⁴ × 10⁴ distance matrix.
///
/// # Errors
/// An invalid size, or more than [`MAX_ENERGY_POINTS`] points (refused at once).
pub fn riesz_energy(n_obj: usize, n_points: usize, seed: u64) -> Result<Matrix> {
    check_n_obj(n_obj)?;
    if n_points == 0 {
        return Err(invalid("n_points", "must be at least 1, got 0".into()));
    }
    if n_obj == 1 {
        return if n_points == 1 {
            Matrix::from_vec(1, 1, vec![1.0])
        } else {
            Err(invalid(
                "n_points",
                format!("one objective has a single preference, got {n_points}"),
            ))
        };
    }
    if n_points == 1 {
        return Matrix::from_vec(1, n_obj, vec![1.0 / n_obj as f64; n_obj]);
    }
    if n_points > MAX_ENERGY_POINTS {
        // Both stages are quadratic in n_points: 5,000 points took 157 s on one core here,
        // so the limit keeps a call within seconds (1,000 points: about 6 s).
        return Err(invalid(
            "n_points",
            format!(
                "the Riesz s-energy set is limited to {MAX_ENERGY_POINTS} points (its cost grows \
                 as n_points²: about {:.0} s for {n_points}); use Das-Dennis or uniform \
                 preferences for larger sets",
                157.0 * (n_points as f64 / 5000.0).powi(2)
            ),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let init = reduction_init(n_obj, n_points, &mut rng)?;
    let mut out = riesz_solve(init, 2 * n_obj);
    lexsort_rows(&mut out);
    Ok(out)
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// pymoo's `ReductionBasedReferenceDirectionFactory(kmeans=True)`: the starting points.
fn reduction_init(n_obj: usize, n_points: usize, rng: &mut StdRng) -> Result<Matrix> {
    // Boundary points of the largest lattice with at most n_points points.
    let mut h = 0;
    while das_dennis_size(n_obj, h + 1).is_some_and(|s| s <= n_points) {
        h += 1;
    }
    let lattice = das_dennis(n_obj, h)?;
    let n_samples = 10_000.max(10 * n_points);
    let mut data: Vec<f64> = lattice
        .rows()
        .filter(|r| r.contains(&0.0))
        .flatten()
        .copied()
        .collect();
    let n_edge = data.len() / n_obj;
    // Kraemer's mapping: sorted uniforms with 0 and 1 added, consecutive differences.
    let mut cuts = vec![0.0; n_obj + 1];
    for _ in 0..n_samples {
        cuts[0] = 0.0;
        cuts[n_obj] = 1.0;
        for c in &mut cuts[1..n_obj] {
            *c = rng.random::<f64>();
        }
        cuts.sort_by(f64::total_cmp);
        data.extend(cuts.windows(2).map(|w| w[1] - w[0]));
    }
    let x = Matrix::from_vec(n_edge + n_samples, n_obj, data)?;

    // Greedy farthest-point selection, starting from the boundary points.
    let mut selected: Vec<usize> = (0..n_edge).collect();
    if selected.is_empty() {
        selected.push(rng.random_range(0..x.n_rows()));
    }
    let mut is_selected = vec![false; x.n_rows()];
    let mut closest = vec![f64::INFINITY; x.n_rows()];
    for &s in &selected {
        is_selected[s] = true;
        for (i, c) in closest.iter_mut().enumerate() {
            *c = c.min(sq_dist(x.row(i), x.row(s)));
        }
    }
    while selected.len() < n_points {
        let mut best = None;
        let mut best_d = f64::NEG_INFINITY;
        for (i, &c) in closest.iter().enumerate() {
            if !is_selected[i] && c > best_d {
                best_d = c;
                best = Some(i);
            }
        }
        let s = best.expect("more samples than points to select");
        is_selected[s] = true;
        selected.push(s);
        for (i, c) in closest.iter_mut().enumerate() {
            *c = c.min(sq_dist(x.row(i), x.row(s)));
        }
    }
    let centroids = x.select_rows(&selected);
    Ok(kmeans(&x, centroids, n_edge))
}

/// pymoo's k-means on the simplex: the first `n_fixed` centroids never move.
fn kmeans(x: &Matrix, mut centroids: Matrix, n_fixed: usize) -> Matrix {
    const MAX_ITER: usize = 1000;
    const A_TOL: f64 = 1e-4;
    let (k, m) = centroids.shape();
    let mut sums = vec![0.0; k * m];
    let mut counts = vec![0usize; k];
    for _ in 0..MAX_ITER {
        let last = centroids.clone();
        sums.iter_mut().for_each(|v| *v = 0.0);
        counts.iter_mut().for_each(|v| *v = 0);
        for p in x.rows() {
            let mut best = 0;
            let mut best_d = f64::INFINITY;
            for (j, c) in centroids.rows().enumerate() {
                let d = sq_dist(p, c);
                if d < best_d {
                    best_d = d;
                    best = j;
                }
            }
            counts[best] += 1;
            for (s, v) in sums[best * m..(best + 1) * m].iter_mut().zip(p) {
                *s += v;
            }
        }
        for j in n_fixed..k {
            // an empty cluster keeps its centroid (pymoo would produce NaN)
            if counts[j] > 0 {
                let n = counts[j] as f64;
                for (c, s) in centroids.row_mut(j).iter_mut().zip(&sums[j * m..]) {
                    *c = s / n;
                }
            }
        }
        for j in 0..k {
            let row = centroids.row_mut(j);
            project_onto_unit_simplex(row);
            let sum: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= sum);
        }
        let delta = centroids
            .as_slice()
            .iter()
            .zip(last.as_slice())
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / k as f64;
        if delta < A_TOL {
            break;
        }
    }
    centroids
}

/// pymoo's `project_onto_unit_simplex_recursive` for one row: zero the negative entries and
/// shift the positive ones so they sum to 1, until no entry is negative.
fn project_onto_unit_simplex(row: &mut [f64]) {
    while row.iter().any(|&v| v < 0.0) {
        row.iter_mut().filter(|v| **v < 0.0).for_each(|v| *v = 0.0);
        let (sum, count) = row
            .iter()
            .filter(|&&v| v > 0.0)
            .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
        if count == 0 {
            break;
        }
        let shift = (sum - 1.0) / count as f64;
        row.iter_mut()
            .filter(|v| **v > 0.0)
            .for_each(|v| *v -= shift);
    }
}

/// pymoo's Adam (`pymoo/util/ref_dirs/optimizer.py`).
struct Adam {
    alpha: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    const BETA_1: f64 = 0.9;
    const BETA_2: f64 = 0.999;
    const EPS: f64 = 1e-8;

    fn new(alpha: f64, len: usize) -> Self {
        Self {
            alpha,
            m: vec![0.0; len],
            v: vec![0.0; len],
            t: 0,
        }
    }

    fn step(&mut self, x: &mut [f64], grad: &[f64]) {
        self.t += 1;
        let c1 = 1.0 - Self::BETA_1.powi(self.t);
        let c2 = 1.0 - Self::BETA_2.powi(self.t);
        for (((xi, &g), mi), vi) in x.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *mi = Self::BETA_1 * *mi + (1.0 - Self::BETA_1) * g;
            *vi = Self::BETA_2 * *vi + (1.0 - Self::BETA_2) * (g * g);
            let m_cap = *mi / c1;
            let v_cap = *vi / c2;
            *xi -= self.alpha * m_cap / (v_cap.sqrt() + Self::EPS);
        }
    }
}

/// `ln(mean_{i<j} r_ij^(−d))` and its gradient, with pymoo's distance floor.
fn log_energy_with_grad(x: &Matrix, d: usize, grad: &mut [f64]) -> f64 {
    let (n, m) = x.shape();
    let eps = 10f64.powf(-320.0 / (d as f64 + 2.0));
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut energy = 0.0;
    let mut diff = vec![0.0; m];
    for i in 0..n {
        for j in i + 1..n {
            for ((df, a), b) in diff.iter_mut().zip(x.row(i)).zip(x.row(j)) {
                *df = a - b;
            }
            let r = diff.iter().map(|v| v * v).sum::<f64>().sqrt().max(eps);
            energy += 1.0 / r.powi(d as i32);
            let scale = -(d as f64) / r.powi(d as i32 + 2);
            for k in 0..m {
                let g = scale * diff[k];
                grad[i * m + k] += g;
                grad[j * m + k] -= g;
            }
        }
    }
    grad.iter_mut().for_each(|g| *g /= energy);
    let n_pairs = (n * (n - 1) / 2) as f64;
    energy.ln() - n_pairs.ln()
}

/// pymoo's `RieszEnergyReferenceDirectionFactory._solve` (no frozen points).
fn riesz_solve(mut x: Matrix, d: usize) -> Matrix {
    const MAX_ITER: usize = 1000;
    const N_MAX_NOT_IMPROVED: usize = 30;
    const PRECISION: f64 = 1e-5;
    let (n, m) = x.shape();
    let mut ret = x.clone();
    let mut best = f64::INFINITY;
    let mut not_improved = 0;
    let mut adam = Adam::new(0.005, n * m);
    let mut grad = vec![0.0; n * m];
    for _ in 0..MAX_ITER {
        let obj = log_energy_with_grad(&x, d, &mut grad);
        // project each gradient row onto the sum-zero plane, then scale by the largest row norm
        let mut max_norm: f64 = 0.0;
        for row in grad.chunks_mut(m) {
            let mean = row.iter().sum::<f64>() / m as f64;
            row.iter_mut().for_each(|g| *g -= mean);
            max_norm = max_norm.max(row.iter().map(|g| g * g).sum::<f64>().sqrt());
        }
        let max_norm = max_norm.max(1e-24);
        grad.iter_mut().for_each(|g| *g /= max_norm);
        let mut next = x.clone();
        adam.step(next.as_mut_slice(), &grad);
        for i in 0..n {
            let row = next.row_mut(i);
            project_onto_unit_simplex(row);
            let sum: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= sum);
        }
        // pymoo pairs the energy before the step with the points after it
        if obj < best {
            ret = next.clone();
            best = obj;
            not_improved = 0;
        } else {
            not_improved += 1;
        }
        let delta = next
            .as_slice()
            .iter()
            .zip(x.as_slice())
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / (n * m) as f64;
        if delta < PRECISION || obj.is_nan() {
            break;
        }
        if not_improved > N_MAX_NOT_IMPROVED {
            adam = Adam::new(adam.alpha / 2.0, n * m);
            x = ret.clone();
            not_improved = 0;
        } else {
            x = next;
        }
    }
    ret
}

/// Sorts rows lexicographically (first column first), like pymoo's `np.lexsort` call.
fn lexsort_rows(x: &mut Matrix) {
    let mut order: Vec<usize> = (0..x.n_rows()).collect();
    order.sort_by(|&a, &b| {
        x.row(a)
            .iter()
            .zip(x.row(b))
            .map(|(p, q)| p.total_cmp(q))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    *x = x.select_rows(&order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lattice_sizes() {
        assert_eq!(das_dennis_size(3, 12), Some(91));
        assert_eq!(das_dennis_size(2, 9), Some(10));
        assert_eq!(das_dennis_size(1, 5), Some(1));
        assert_eq!(das_dennis_partitions(3, 91), Ok(12));
        assert_eq!(das_dennis_partitions(3, 1), Ok(0));
        assert_eq!(das_dennis_partitions(3, 3), Ok(1));
        assert_eq!(
            das_dennis_partitions(3, 100),
            Err(Error::LatticeSize {
                n_obj: 3,
                n_points: 100,
                smaller: 91,
                smaller_partitions: 12,
                larger: 105,
                larger_partitions: 13,
            })
        );
        assert!(matches!(
            das_dennis_partitions(3, 2),
            Err(Error::LatticeSize {
                smaller: 1,
                larger: 3,
                ..
            })
        ));
    }

    #[test]
    fn parameter_rules() {
        assert!(matches!(
            linspace(0, 0.0),
            Err(Error::InvalidParameter {
                name: "n_points",
                ..
            })
        ));
        assert!(matches!(
            linspace(5, 0.6),
            Err(Error::InvalidParameter { name: "clip", .. })
        ));
        assert!(matches!(
            das_dennis(0, 3),
            Err(Error::InvalidParameter { name: "n_obj", .. })
        ));
        assert!(matches!(
            das_dennis(50, 50),
            Err(Error::InvalidParameter {
                name: "n_partitions",
                ..
            })
        ));
        assert!(matches!(
            dirichlet(3, 4, 0.0, 1),
            Err(Error::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            riesz_energy(3, 0, 1),
            Err(Error::InvalidParameter {
                name: "n_points",
                ..
            })
        ));
        let p = Matrix::from_rows(&[[0.0, 0.0]]).unwrap();
        assert!(matches!(
            clip_preferences(&p, 0.0),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            riesz_s_energy(&p, -1.0),
            Err(Error::InvalidParameter { name: "s", .. })
        ));
    }

    #[test]
    fn projection_lands_on_simplex() {
        let mut row = [1.4, -0.2, -0.1, 0.1];
        project_onto_unit_simplex(&mut row);
        assert!(row.iter().all(|&v| v >= 0.0));
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn small_cases() {
        assert_eq!(riesz_energy(1, 1, 0).unwrap().as_slice(), &[1.0]);
        assert_eq!(riesz_energy(4, 1, 0).unwrap().as_slice(), &[0.25; 4]);
        assert_eq!(linspace(1, 0.1).unwrap().as_slice(), &[0.1, 0.9]);
        let mid = linspace(3, 0.5).unwrap();
        assert_eq!(mid.as_slice(), &[0.5; 6]);
        let w = clip_preferences(&Matrix::from_rows(&[[1.0, 0.0]]).unwrap(), 0.1).unwrap();
        assert!((w.get(0, 0) - 0.9).abs() < 1e-15 && (w.get(0, 1) - 0.1).abs() < 1e-15);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;

    #[test]
    fn normalize_preference_keeps_a_unit_sum_and_divides_otherwise() {
        // 3/10 and 7/10 are the correctly rounded 0.3 and 0.7 (IEEE division).
        assert_eq!(normalize_preference(&[3.0, 7.0]).unwrap(), vec![0.3, 0.7]);
        // A vector summing to 1 within 1e-12 is kept bit for bit (1/3 three times sums to
        // 1 - 1.1e-16 or 1, depending on rounding: either way within 1e-12).
        let kept = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0];
        assert_eq!(normalize_preference(&kept).unwrap(), kept.to_vec());
        assert!(normalize_preference(&[]).is_err());
        assert!(normalize_preference(&[0.0, 0.0]).is_err());
        assert!(normalize_preference(&[-0.5, 1.5]).is_err());
        assert!(normalize_preference(&[f64::NAN, 1.0]).is_err());
        assert!(normalize_preference(&[f64::INFINITY, 1.0]).is_err());
    }
}
