//! Shared helpers of the `pareto` integration tests: reading the reference vectors.
#![allow(dead_code)]

use serde_json::Value;
use tradeoff_pareto::Matrix;

/// The parsed `tests/fixtures/NAME` of the workspace (a copy of the shared reference vectors).
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// A fixture number; non-finite values are the strings "nan", "inf", "-inf".
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Number(x) => x.as_f64().expect("f64"),
        Value::String(s) => match s.as_str() {
            "nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            other => panic!("unexpected string {other}"),
        },
        other => panic!("not a number: {other}"),
    }
}

/// A JSON array of arrays of numbers as a matrix.
pub fn matrix(v: &Value) -> Matrix {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .expect("array of rows")
        .iter()
        .map(|r| r.as_array().expect("row").iter().map(num).collect())
        .collect();
    Matrix::from_rows(&rows).expect("rectangular")
}

/// A JSON array of numbers.
pub fn vector(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}
