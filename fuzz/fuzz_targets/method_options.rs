//! `--set key=value` options against the method table: for the method the first byte picks,
//! the remaining text (one `key=value` per line) goes through `Options::parse`, then the method
//! is built as `aggregate` builds it (`build_method`) and as `solve` builds it
//! (`build_run_rule`, with a 4-preference set of 2 objectives). Errors are fine; a panic, an
//! abort or a hang is not.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tradeoff_pareto::{Matrix, linspace};
use tradeoff_solvers::{Options, all_methods, build_method, build_run_rule};

fn preferences() -> &'static Matrix {
    static PREFERENCES: OnceLock<Matrix> = OnceLock::new();
    PREFERENCES.get_or_init(|| linspace(4, 0.01).expect("four preferences"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let methods = all_methods();
    let name = methods[usize::from(selector) % methods.len()].info.name;
    let pairs: Vec<&str> = text.lines().collect();
    let Ok(options) = Options::parse(&pairs) else {
        return;
    };
    let _ = build_method(name, &options);
    let _ = build_run_rule(name, &options, preferences(), 10);
});
