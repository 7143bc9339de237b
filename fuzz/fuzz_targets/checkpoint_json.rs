//! `checkpoint.json` of a saved run (`solve --resume DIR`) with a fixed valid state file (an EPO
//! run on vlmop2 with Adam, 3 preferences, stopped at iteration 4): `Checkpoint::from_bytes`
//! never panics, and a definition it accepts goes through what a resume does with it (the
//! driver configuration, the preference matrix, the method's options and rule) without a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tradeoff_solvers::{Checkpoint, Options, build_run_rule};

const STATE: &[u8] = include_bytes!("../seeds/checkpoint_state/ck1.safetensors");

fuzz_target!(|data: &[u8]| {
    let Ok(checkpoint) = Checkpoint::from_bytes(
        Path::new("checkpoint.json"),
        data,
        Path::new("checkpoint.safetensors"),
        STATE,
    ) else {
        return;
    };
    let definition = &checkpoint.definition;
    let _ = definition.driver_config();
    let Ok(preferences) = definition.preference_matrix() else {
        return;
    };
    let Ok(options) = Options::parse(&definition.method_options) else {
        return;
    };
    if preferences.n_rows() <= 64 && preferences.n_cols() <= 16 {
        let _ = build_run_rule(&definition.method, &options, &preferences, 10);
    }
});
