//! `checkpoint.safetensors` of a saved run with a fixed valid `checkpoint.json` (an EPO run on
//! vlmop2 with Adam, 3 preferences, stopped at iteration 4): `Checkpoint::from_bytes` never
//! panics nor aborts on any state file (truncated, a huge declared size or shape, wrong types,
//! overlapping offsets).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tradeoff_solvers::Checkpoint;

const DEFINITION: &[u8] = include_bytes!("../seeds/checkpoint_json/ck1.json");

fuzz_target!(|data: &[u8]| {
    let _ = Checkpoint::from_bytes(
        Path::new("checkpoint.json"),
        DEFINITION,
        Path::new("checkpoint.safetensors"),
        data,
    );
});
