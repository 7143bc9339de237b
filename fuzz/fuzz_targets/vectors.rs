//! Inline vectors (`--ref 1.1,1.1`, `--pref 0.3,0.7`, `--losses`, `--init-box`):
//! `tradeoff::input::parse_vector` never panics and accepts only finite values; a preference it
//! accepts goes through the preference rule (`pareto::normalize_preference`) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeoff::input::parse_vector;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = parse_vector(text, "--pref") {
        assert!(!v.is_empty());
        assert!(v.iter().all(|x| x.is_finite()));
        if let Ok(p) = tradeoff_pareto::normalize_preference(&v) {
            assert_eq!(p.len(), v.len());
            assert!(p.iter().all(|x| x.is_finite()));
        }
    }
});
