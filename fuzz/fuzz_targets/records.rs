//! The records `plot FILE` reads back (`result.json` of `solve --out`, `summary.json` of
//! `compare --out`): parsed as `plot` parses them (JSON, then the record struct, then the
//! matrices), and the saved problem rebuilt for its true front, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tradeoff::records::{ComparisonRecord, SolveRecord};
use tradeoff_pareto::Matrix;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Ok(record) = serde_json::from_value::<SolveRecord>(value.clone()) {
        let _ = Matrix::from_rows(&record.solutions);
        let _ = Matrix::from_rows(&record.objectives);
        let _ = Matrix::from_rows(&record.prefs);
    }
    let _ = serde_json::from_value::<ComparisonRecord>(value);
});
