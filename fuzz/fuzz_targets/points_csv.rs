//! Point sets as CSV: `tradeoff::input::parse_points` never panics, and what it accepts is a
//! non-empty matrix of finite values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeoff::input::{PointFormat, parse_points};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = parse_points(text, PointFormat::Csv) {
        assert!(m.n_rows() > 0 && m.n_cols() > 0);
        assert!(m.as_slice().iter().all(|v| v.is_finite()));
    }
});
