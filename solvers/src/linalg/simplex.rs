//! Euclidean projection onto the probability simplex.

/// The point of `{w : w ≥ 0, Σw = 1}` nearest to `v` (sort-based algorithm of Held, Wolfe &
/// Crowder 1974; the one in MGDA's official code and TorchJD's `_projection2simplex`).
/// `O(m log m)`. An empty `v` gives an empty result.
pub fn project_onto_simplex(v: &[f64]) -> Vec<f64> {
    if v.is_empty() {
        return Vec::new();
    }
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut cumulative = 0.0;
    let mut theta = 0.0;
    for (k, &s) in sorted.iter().enumerate() {
        cumulative += s;
        let t = (cumulative - 1.0) / (k + 1) as f64;
        if s - t > 0.0 {
            theta = t;
        }
    }
    v.iter().map(|&x| (x - theta).max(0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_known_points() {
        assert_eq!(project_onto_simplex(&[0.2, 0.8]), vec![0.2, 0.8]);
        assert_eq!(project_onto_simplex(&[2.0, 0.0]), vec![1.0, 0.0]);
        let w = project_onto_simplex(&[0.5, 0.5, 0.5]);
        assert!(w.iter().all(|&x| (x - 1.0 / 3.0).abs() < 1e-15));
        let w = project_onto_simplex(&[-1.0, 3.0, 2.5]);
        assert!((w[1] - 0.75).abs() < 1e-15 && (w[2] - 0.25).abs() < 1e-15 && w[0] == 0.0);
    }
}
