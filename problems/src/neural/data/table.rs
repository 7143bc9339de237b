//! Tables of named columns: one-hot encoding, standard scaling, splits into [`Split`]s.

use super::{DataError, Result, Split, SplitMix64, Targets};

/// One column of a table before encoding.
pub(crate) enum Column {
    /// Numbers, kept as one input column.
    Numeric(Vec<f64>),
    /// Categories, one-hot encoded.
    Categorical(Vec<String>),
}

/// The encoded input matrix of a table.
pub(crate) struct Encoded {
    /// `rows × names.len()` values, row-major.
    pub values: Vec<f64>,
    /// The name of every input column.
    pub names: Vec<String>,
    /// Whether each input column is numeric (false: a one-hot column).
    pub numeric: Vec<bool>,
    /// Number of rows.
    pub rows: usize,
}

/// The sorted distinct values of a categorical column: numerically when every value is a
/// number (as pandas orders the categories of an integer column), else by their bytes (as pandas
/// orders strings).
fn categories(values: &[String]) -> Vec<&str> {
    let distinct: std::collections::BTreeSet<&str> = values.iter().map(String::as_str).collect();
    let mut distinct: Vec<&str> = distinct.into_iter().collect();
    let numbers: Option<Vec<f64>> = distinct.iter().map(|v| v.parse::<f64>().ok()).collect();
    if let Some(numbers) = numbers {
        let mut pairs: Vec<(f64, &str)> = numbers.into_iter().zip(distinct).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        distinct = pairs.into_iter().map(|(_, v)| v).collect();
    }
    distinct
}

/// Encodes named columns as pandas' `get_dummies` does: the numeric columns first in their order,
/// then for each categorical column (in order) one 0/1 column per category, named
/// `column_category`.
pub(crate) fn encode(columns: &[(String, Column)]) -> Encoded {
    let rows = columns.first().map_or(0, |(_, c)| match c {
        Column::Numeric(v) => v.len(),
        Column::Categorical(v) => v.len(),
    });
    let mut names = Vec::new();
    let mut numeric = Vec::new();
    for (name, column) in columns {
        if let Column::Numeric(_) = column {
            names.push(name.clone());
            numeric.push(true);
        }
    }
    // Each categorical column: its first input column and a map from category to offset.
    let mut one_hot = Vec::new();
    for (name, column) in columns {
        if let Column::Categorical(values) = column {
            let first = names.len();
            let mut offsets = std::collections::HashMap::new();
            for (offset, category) in categories(values).into_iter().enumerate() {
                names.push(format!("{name}_{category}"));
                numeric.push(false);
                offsets.insert(category, offset);
            }
            one_hot.push((values, first, offsets));
        }
    }
    let width = names.len();
    let mut values = vec![0.0; rows * width];
    let mut c = 0;
    for (_, column) in columns {
        if let Column::Numeric(source) = column {
            for (r, &v) in source.iter().enumerate() {
                values[r * width + c] = v;
            }
            c += 1;
        }
    }
    for (source, first, offsets) in one_hot {
        for (r, v) in source.iter().enumerate() {
            values[r * width + first + offsets[v.as_str()]] = 1.0;
        }
    }
    Encoded {
        values,
        names,
        numeric,
        rows,
    }
}

impl Encoded {
    /// Standardises the chosen columns as scikit-learn's `StandardScaler`: the mean and the
    /// population standard deviation (`ddof = 0`) over `fit_rows`, in f64; a column of zero
    /// spread is only centred.
    pub fn standardize(&mut self, fit_rows: &[usize], only_numeric: bool) {
        let width = self.names.len();
        let n = fit_rows.len() as f64;
        for c in 0..width {
            if only_numeric && !self.numeric[c] {
                continue;
            }
            let mean = fit_rows
                .iter()
                .map(|&r| self.values[r * width + c])
                .sum::<f64>()
                / n;
            let variance = fit_rows
                .iter()
                .map(|&r| (self.values[r * width + c] - mean).powi(2))
                .sum::<f64>()
                / n;
            let scale = if variance > 0.0 { variance.sqrt() } else { 1.0 };
            for r in 0..self.rows {
                let v = &mut self.values[r * width + c];
                *v = (*v - mean) / scale;
            }
        }
    }

    /// The split of the rows at `indices` (in that order), with their targets and sensitive
    /// values (indexed by row).
    pub fn split(&self, indices: &[usize], targets: &[Targets], sensitive: Option<&[u8]>) -> Split {
        let width = self.names.len();
        let mut inputs = Vec::with_capacity(indices.len() * width);
        for &r in indices {
            inputs.extend(
                self.values[r * width..(r + 1) * width]
                    .iter()
                    .map(|&v| v as f32),
            );
        }
        Split {
            input_shape: vec![width],
            inputs,
            targets: targets.iter().map(|t| t.gather(indices)).collect(),
            sensitive: sensitive.map(|s| indices.iter().map(|&r| s[r]).collect()),
            len: indices.len(),
        }
    }
}

/// Row indices of a train / validation / test split.
pub(crate) struct SplitRows {
    /// Training rows.
    pub train: Vec<usize>,
    /// Validation rows (empty: no validation split).
    pub val: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

/// Our seeded split of `n` rows: a SplitMix64 shuffle of `0..n` with `seed`; the first
/// `ceil(0.2 n)` rows are the test split, the next `ceil(0.125 × rest)` (10% of all, LibMOON's
/// 70/10/20) or `round(val_fraction × n)` the validation split, the remainder the training split.
pub(crate) fn clean_split(
    dataset: &str,
    n: usize,
    seed: u64,
    val_fraction: Option<f64>,
) -> Result<SplitRows> {
    let n_test = (n * 2).div_ceil(10);
    let n_val = match val_fraction {
        None => (n - n_test).div_ceil(8),
        Some(_) => super::multi_mnist::validation_count(dataset, val_fraction, n)?,
    };
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let test = order[..n_test].to_vec();
    let val = order[n_test..(n_test + n_val).min(n)].to_vec();
    let train = order[(n_test + n_val).min(n)..].to_vec();
    let rows = SplitRows { train, val, test };
    check_nonempty(dataset, n, &rows, val_fraction != Some(0.0))?;
    Ok(rows)
}

/// Refuses an empty training or test split, and an empty validation split when one is wanted.
pub(crate) fn check_nonempty(
    dataset: &str,
    n: usize,
    rows: &SplitRows,
    want_val: bool,
) -> Result<()> {
    for (split, len, wanted) in [
        ("train", rows.train.len(), true),
        ("val", rows.val.len(), want_val),
        ("test", rows.test.len(), true),
    ] {
        if wanted && len == 0 {
            return Err(DataError::EmptySplit {
                dataset: dataset.to_string(),
                split,
                rows: n,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_puts_numbers_first_and_sorts_categories_like_pandas() {
        let columns = vec![
            (
                "c".to_string(),
                Column::Categorical(vec!["b".into(), "a".into(), "b".into()]),
            ),
            ("x".to_string(), Column::Numeric(vec![1.0, 2.0, 3.0])),
            (
                "k".to_string(),
                Column::Categorical(vec!["10".into(), "-2".into(), "9".into()]),
            ),
        ];
        let e = encode(&columns);
        assert_eq!(e.names, ["x", "c_a", "c_b", "k_-2", "k_9", "k_10"]);
        assert_eq!(e.numeric, [true, false, false, false, false, false]);
        assert_eq!(
            e.values,
            [
                1.0, 0.0, 1.0, 0.0, 0.0, 1.0, //
                2.0, 1.0, 0.0, 1.0, 0.0, 0.0, //
                3.0, 0.0, 1.0, 0.0, 1.0, 0.0,
            ]
        );
    }

    #[test]
    fn standardize_matches_a_hand_computed_case() {
        // Column x = (1, 2, 3, 10) fitted on the first three rows: mean 2, population
        // variance 2/3, so 10 maps to 8 / sqrt(2/3).
        let columns = vec![
            ("x".to_string(), Column::Numeric(vec![1.0, 2.0, 3.0, 10.0])),
            ("c".to_string(), Column::Categorical(vec!["a".into(); 4])),
        ];
        let mut e = encode(&columns);
        e.standardize(&[0, 1, 2], true);
        let s = (2.0f64 / 3.0).sqrt();
        assert_eq!(
            e.values,
            [-1.0 / s, 1.0, 0.0, 1.0, 1.0 / s, 1.0, 8.0 / s, 1.0]
        );
        // All columns: the constant one-hot column is centred, not divided by zero.
        let mut all = encode(&columns);
        all.standardize(&[0, 1, 2, 3], false);
        assert_eq!(all.values[1], 0.0);
    }

    #[test]
    fn the_clean_split_is_70_10_20_and_a_partition() {
        let rows = clean_split("t", 1000, 3, None).unwrap();
        assert_eq!(
            (rows.train.len(), rows.val.len(), rows.test.len()),
            (700, 100, 200)
        );
        let mut all: Vec<usize> = [&rows.train[..], &rows.val, &rows.test].concat();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        let none = clean_split("t", 1000, 3, Some(0.0)).unwrap();
        assert!(none.val.is_empty());
        assert_eq!(none.train.len(), 800);
        assert!(matches!(
            clean_split("t", 1, 3, None).err().unwrap(),
            DataError::EmptySplit {
                split: "train",
                rows: 1,
                ..
            }
        ));
    }
}
