//! Parsers of user input: point sets (JSON or CSV) and inline vectors, as library functions.
//!
//! The command-line tool reads every point set (`--input`, `--front`, `--prefs-file`, a
//! Jacobian for `aggregate`, start points for `solve --init`) with [`parse_points`], and every
//! inline vector (`--ref 1.1,1.1`, `--pref 0.3,0.7`) with [`parse_vector`]. A malformed input
//! is an [`InputError`] whose message says where and what is wrong; none of these functions
//! panics, whatever the bytes.

use serde_json::Value;
use tradeoff_pareto::Matrix;

/// The file formats of a point set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointFormat {
    /// A JSON array of arrays of numbers, or an object holding one under `points`,
    /// `objectives`, `prefs` or `solutions` (so a `front` or `solve` output can be fed back).
    Json,
    /// Comma-separated rows of numbers; blank lines and lines starting with `#` are skipped,
    /// and a first line that is not all numbers is a header.
    Csv,
}

impl PointFormat {
    /// The format a file extension names (`json`, `csv`, any case), if any.
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// A point set or vector that cannot be read: one line saying where and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The text is not JSON.
    #[error("malformed JSON: {message}")]
    MalformedJson {
        /// The JSON parser's message (with line and column).
        message: String,
    },
    /// The JSON is neither an array nor an object.
    #[error("expected a JSON array of arrays of numbers")]
    NotAnArray,
    /// A JSON object without any of the keys that hold points.
    #[error("expected a JSON array of arrays (or an object with a \"points\" array)")]
    NoPointsKey,
    /// A row of a JSON point set is not an array.
    #[error("row {row} is not an array")]
    RowNotAnArray {
        /// The row (from 0).
        row: usize,
    },
    /// A JSON value that is not a number.
    #[error("row {row}, column {column}: {value} is not a number")]
    NotANumber {
        /// The row (from 0).
        row: usize,
        /// The column (from 0).
        column: usize,
        /// The value as JSON text.
        value: String,
    },
    /// A CSV field that is not a number.
    #[error("line {line}: '{field}' is not a number")]
    BadCsvField {
        /// The line (from 1).
        line: usize,
        /// The field as written (trimmed).
        field: String,
    },
    /// No rows at all.
    #[error("no rows")]
    NoRows,
    /// The first row has no values.
    #[error("row 0 is empty")]
    EmptyRow,
    /// Rows of different widths.
    #[error("row {row} has {got} values but row 0 has {width}: every row needs the same width")]
    RaggedRow {
        /// The row (from 0).
        row: usize,
        /// Its number of values.
        got: usize,
        /// The first row's number of values.
        width: usize,
    },
    /// A value that is NaN or infinite.
    #[error("row {row}, column {column} is {value} (values must be finite)")]
    NonFinite {
        /// The row (from 0).
        row: usize,
        /// The column (from 0).
        column: usize,
        /// The value.
        value: f64,
    },
    /// An inline vector's item that is not a finite number.
    #[error("{what}: '{item}' is not a finite number")]
    BadItem {
        /// The flag (e.g. `--ref`).
        what: String,
        /// The item as written (trimmed).
        item: String,
    },
    /// An empty vector.
    #[error("{what} is empty")]
    EmptyVector {
        /// The flag (e.g. `--pref`).
        what: String,
    },
    /// The rows do not make a matrix.
    #[error(transparent)]
    Matrix(#[from] tradeoff_pareto::Error),
}

/// Parses a point set: rows of equal width (at least one row of at least one value), every
/// value finite.
///
/// # Errors
/// An [`InputError`] naming the row, column or line at fault.
pub fn parse_points(text: &str, format: PointFormat) -> Result<Matrix, InputError> {
    let rows = match format {
        PointFormat::Json => parse_json_rows(text)?,
        PointFormat::Csv => parse_csv_rows(text)?,
    };
    rows_to_matrix(rows)
}

/// Checks the rows (non-empty, equal widths, finite values) and makes them a matrix.
///
/// # Errors
/// [`InputError::NoRows`], [`InputError::EmptyRow`], [`InputError::RaggedRow`],
/// [`InputError::NonFinite`].
pub fn rows_to_matrix(rows: Vec<Vec<f64>>) -> Result<Matrix, InputError> {
    if rows.is_empty() {
        return Err(InputError::NoRows);
    }
    let width = rows[0].len();
    if width == 0 {
        return Err(InputError::EmptyRow);
    }
    for (i, row) in rows.iter().enumerate() {
        if row.len() != width {
            return Err(InputError::RaggedRow {
                row: i,
                got: row.len(),
                width,
            });
        }
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(InputError::NonFinite {
                row: i,
                column: j,
                value: row[j],
            });
        }
    }
    Ok(Matrix::from_rows(&rows)?)
}

/// The rows of a JSON point set, unchecked (widths and finiteness are [`rows_to_matrix`]'s).
///
/// # Errors
/// [`InputError::MalformedJson`] (a number out of range such as `1e999` included),
/// [`InputError::NotAnArray`], [`InputError::NoPointsKey`], [`InputError::RowNotAnArray`],
/// [`InputError::NotANumber`].
pub fn parse_json_rows(text: &str) -> Result<Vec<Vec<f64>>, InputError> {
    let value: Value = serde_json::from_str(text).map_err(|e| InputError::MalformedJson {
        message: e.to_string(),
    })?;
    // Accept a bare array of arrays, or an object holding one under a usual key
    // (so a `front` or `solve` output file can be fed back in).
    let array = match &value {
        Value::Array(_) => &value,
        Value::Object(map) => ["points", "objectives", "prefs", "solutions"]
            .iter()
            .find_map(|k| map.get(*k))
            .ok_or(InputError::NoPointsKey)?,
        _ => return Err(InputError::NotAnArray),
    };
    let rows = array.as_array().ok_or(InputError::NotAnArray)?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let row = row.as_array().ok_or(InputError::RowNotAnArray { row: i })?;
            row.iter()
                .enumerate()
                .map(|(j, v)| {
                    json_number(v).ok_or_else(|| InputError::NotANumber {
                        row: i,
                        column: j,
                        value: v.to_string(),
                    })
                })
                .collect()
        })
        .collect()
}

fn json_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        // Non-finite values as strings are parsed so that the error says what they are.
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "nan" => Some(f64::NAN),
            "inf" | "infinity" => Some(f64::INFINITY),
            "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// The rows of a CSV point set, unchecked (widths and finiteness are [`rows_to_matrix`]'s).
///
/// # Errors
/// [`InputError::BadCsvField`] for a field that is not a number (outside a first-line header).
pub fn parse_csv_rows(text: &str) -> Result<Vec<Vec<f64>>, InputError> {
    let mut rows = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let parsed: Option<Vec<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
        match parsed {
            Some(row) => rows.push(row),
            // A first non-numeric line is a header.
            None if rows.is_empty() && line_no == 0 => continue,
            None => {
                let bad = fields
                    .iter()
                    .find(|f| f.parse::<f64>().is_err())
                    .unwrap_or(&"");
                return Err(InputError::BadCsvField {
                    line: line_no + 1,
                    field: (*bad).to_string(),
                });
            }
        }
    }
    Ok(rows)
}

/// Parses an inline vector, `1.1,1.1`: comma-separated finite numbers, at least one.
///
/// # Errors
/// [`InputError::BadItem`] naming `what` (the flag) and the item; [`InputError::EmptyVector`].
pub fn parse_vector(text: &str, what: &str) -> Result<Vec<f64>, InputError> {
    let values: Vec<f64> = text
        .split(',')
        .map(|s| {
            let s = s.trim();
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| InputError::BadItem {
                    what: what.to_string(),
                    item: s.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    if values.is_empty() {
        return Err(InputError::EmptyVector {
            what: what.to_string(),
        });
    }
    Ok(values)
}

/// A vector file's contents when it is a JSON array of numbers (`[0.3, 0.7]`); `None` when the
/// JSON is something else (a one-row matrix is then read with [`parse_points`]).
///
/// # Errors
/// [`InputError::MalformedJson`]; [`InputError::EmptyVector`] for `[]`.
pub fn parse_json_vector(text: &str, what: &str) -> Result<Option<Vec<f64>>, InputError> {
    let value: Value = serde_json::from_str(text).map_err(|e| InputError::MalformedJson {
        message: e.to_string(),
    })?;
    let Some(items) = value.as_array() else {
        return Ok(None);
    };
    if items.is_empty() {
        return Err(InputError::EmptyVector {
            what: what.to_string(),
        });
    }
    // A JSON number is always finite (serde_json refuses `1e999`), so every item converts.
    Ok(items.iter().map(Value::as_f64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_give_the_same_matrix() {
        let json = parse_points("[[1, 2.5], [-3e2, 0]]", PointFormat::Json).unwrap();
        let csv = parse_points("f1,f2\n1,2.5\n# comment\n\n-3e2,0\n", PointFormat::Csv).unwrap();
        assert_eq!(json, csv);
        assert_eq!(json.shape(), (2, 2));
        assert_eq!(json.as_slice(), &[1.0, 2.5, -300.0, 0.0]);
        let object = parse_points(
            r#"{"objectives": [[1, 2.5], [-300, 0]]}"#,
            PointFormat::Json,
        );
        assert_eq!(object.unwrap(), json);
    }

    #[test]
    fn out_of_range_numbers_are_refused_cleanly() {
        // serde_json refuses a number it cannot hold as a finite f64.
        for text in ["[[1e999]]", "[[-1e999, 1]]", "[1e400]"] {
            let error = parse_points(text, PointFormat::Json).unwrap_err();
            assert!(matches!(error, InputError::MalformedJson { .. }), "{text}");
            assert!(error.to_string().contains("out of range"), "{error}");
        }
        // In CSV, Rust's parser gives infinity, which the finiteness check refuses.
        let error = parse_points("1e999,1\n", PointFormat::Csv).unwrap_err();
        assert_eq!(
            error.to_string(),
            "row 0, column 0 is inf (values must be finite)"
        );
        assert!(matches!(
            parse_json_vector("[1e999]", "--pref"),
            Err(InputError::MalformedJson { .. })
        ));
        assert!(matches!(
            parse_vector("1e999,1", "--ref"),
            Err(InputError::BadItem { .. })
        ));
    }

    #[test]
    fn errors_name_the_place() {
        let cases = [
            (
                "[[1, 2], [3]]",
                "row 1 has 1 values but row 0 has 2: every row needs the same width",
            ),
            ("[[1, \"x\"]]", "row 0, column 1: \"x\" is not a number"),
            (
                "[[1, \"NaN\"]]",
                "row 0, column 1 is NaN (values must be finite)",
            ),
            ("[1, 2]", "row 0 is not an array"),
            ("[]", "no rows"),
            ("[[]]", "row 0 is empty"),
            ("3", "expected a JSON array of arrays of numbers"),
            (
                "{\"a\": 1}",
                "expected a JSON array of arrays (or an object with a \"points\" array)",
            ),
            (
                "{\"points\": 1}",
                "expected a JSON array of arrays of numbers",
            ),
        ];
        for (text, message) in cases {
            let error = parse_points(text, PointFormat::Json).unwrap_err();
            assert_eq!(error.to_string(), message, "{text}");
        }
        let error = parse_points("1,2\n3,x\n", PointFormat::Csv).unwrap_err();
        assert_eq!(error.to_string(), "line 2: 'x' is not a number");
        assert_eq!(
            parse_points("a,b\n", PointFormat::Csv)
                .unwrap_err()
                .to_string(),
            "no rows"
        );
        assert_eq!(
            parse_vector("0.3,,0.7", "--pref").unwrap_err().to_string(),
            "--pref: '' is not a finite number"
        );
    }

    /// An empty JSON array used to give an empty vector (`--losses []`); it is refused as the
    /// inline form refuses an empty text.
    #[test]
    fn an_empty_json_vector_is_refused() {
        assert_eq!(
            parse_json_vector("[]", "--losses").unwrap_err().to_string(),
            "--losses is empty"
        );
        assert_eq!(
            parse_json_vector("[0.25, 3]", "--pref").unwrap(),
            Some(vec![0.25, 3.0])
        );
        assert_eq!(parse_json_vector("[[0.25, 3]]", "--pref").unwrap(), None);
    }

    #[test]
    fn extensions_name_formats() {
        assert_eq!(PointFormat::from_extension("JSON"), Some(PointFormat::Json));
        assert_eq!(PointFormat::from_extension("csv"), Some(PointFormat::Csv));
        assert_eq!(PointFormat::from_extension("txt"), None);
    }
}
