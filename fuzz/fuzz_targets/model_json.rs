//! `model.json` of a saved Pareto-set model (`psl query DIR`): `parse_saved_config` never
//! panics and refuses absurd sizes before anything is allocated; a configuration it accepts
//! builds (`build_model`) without a panic. Models above 100,000 estimated parameters are not
//! built here (they are valid, only slow to initialise: the size check is what matters).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeoff_psl::{build_model, parse_saved_config};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(saved) = parse_saved_config(text) else {
        return;
    };
    if saved.model.parameter_estimate() <= 1e5 {
        let _ = build_model(&saved.model);
    }
    // The saved problem is rebuilt by `psl query`.
    if let Ok(spec) = saved.problem.to_spec() {
        let _ = tradeoff_problems::build_problem(&spec);
    }
});
