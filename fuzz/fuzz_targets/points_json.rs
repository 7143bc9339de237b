//! Point sets as JSON (`--input`, `--front`, `--prefs-file`, `aggregate --input`, `solve --init`,
//! `psl query --prefs`): `tradeoff::input::parse_points` never panics, and what it accepts is a
//! non-empty matrix of finite values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeoff::input::{PointFormat, parse_json_vector, parse_points};

fuzz_target!(|data: &[u8]| {
    // The CLI reads files with `read_to_string`: text that is not UTF-8 never reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = parse_points(text, PointFormat::Json) {
        assert!(m.n_rows() > 0 && m.n_cols() > 0);
        assert!(m.as_slice().iter().all(|v| v.is_finite()));
    }
    // A `--pref FILE.json` / `--losses FILE.json` vector.
    if let Ok(Some(v)) = parse_json_vector(text, "--pref") {
        assert!(!v.is_empty());
        assert!(v.iter().all(|x| x.is_finite()));
    }
});
