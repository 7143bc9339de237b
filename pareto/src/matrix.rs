//! The dense row-major `f64` matrix used for point sets, Jacobians and Gramians.

use crate::error::{Error, Result};

/// A dense, row-major matrix of `f64`.
///
/// Point sets are `n_points × n_obj`, a Jacobian is `n_obj × n_var`, a Gramian `n_obj × n_obj`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Matrix {
    n_rows: usize,
    n_cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// A matrix of zeros with the given shape.
    pub fn zeros(n_rows: usize, n_cols: usize) -> Self {
        Self {
            n_rows,
            n_cols,
            data: vec![0.0; n_rows * n_cols],
        }
    }

    /// Wraps row-major `data` of length `n_rows * n_cols`.
    pub fn from_vec(n_rows: usize, n_cols: usize, data: Vec<f64>) -> Result<Self> {
        if data.len() != n_rows * n_cols {
            return Err(Error::DimensionMismatch {
                what: "matrix data length",
                expected: n_rows * n_cols,
                got: data.len(),
            });
        }
        Ok(Self {
            n_rows,
            n_cols,
            data,
        })
    }

    /// Builds a matrix from rows of equal length; an empty slice gives a `0 × 0` matrix.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self> {
        let n_cols = rows.first().map_or(0, |r| r.as_ref().len());
        let mut data = Vec::with_capacity(rows.len() * n_cols);
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != n_cols {
                return Err(Error::RaggedRows {
                    row: i,
                    expected: n_cols,
                    got: row.len(),
                });
            }
            data.extend_from_slice(row);
        }
        Ok(Self {
            n_rows: rows.len(),
            n_cols,
            data,
        })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// `(n_rows, n_cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_rows, self.n_cols)
    }

    /// True when the matrix has no rows.
    pub fn is_empty(&self) -> bool {
        self.n_rows == 0
    }

    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.n_cols..(i + 1) * self.n_cols]
    }

    /// Row `i` as a mutable slice.
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.n_cols..(i + 1) * self.n_cols]
    }

    /// Iterator over the rows.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        (0..self.n_rows).map(move |i| self.row(i))
    }

    /// Element `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n_cols + j]
    }

    /// Sets element `(i, j)`.
    pub fn set(&mut self, i: usize, j: usize, value: f64) {
        self.data[i * self.n_cols + j] = value;
    }

    /// The row-major data.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// The row-major data, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// Consumes the matrix and returns its row-major data.
    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }

    /// The rows as owned vectors (for serialisation).
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        self.rows().map(<[f64]>::to_vec).collect()
    }

    /// A new matrix holding the rows at `indices`, in that order.
    pub fn select_rows(&self, indices: &[usize]) -> Self {
        let mut data = Vec::with_capacity(indices.len() * self.n_cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Self {
            n_rows: indices.len(),
            n_cols: self.n_cols,
            data,
        }
    }

    /// The transpose.
    pub fn transpose(&self) -> Self {
        let mut out = Self::zeros(self.n_cols, self.n_rows);
        for i in 0..self.n_rows {
            for j in 0..self.n_cols {
                out.data[j * self.n_rows + i] = self.data[i * self.n_cols + j];
            }
        }
        out
    }

    /// Index of the first non-finite entry as `(row, column)`, if any.
    pub fn first_non_finite(&self) -> Option<(usize, usize)> {
        let n_cols = self.n_cols.max(1);
        self.data
            .iter()
            .position(|v| !v.is_finite())
            .map(|k| (k / n_cols, k % n_cols))
    }
}
