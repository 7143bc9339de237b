//! `model.safetensors` of a saved Pareto-set model: `load_model_from_bytes` (the same checks as
//! `load_model`) with a fixed valid `model.json` (a 2 → 4 → 10 MLP, as `psl train --problem
//! vlmop2 --width 4 --depth 1` writes) never panics on any weights file, a huge declared tensor
//! size included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeoff_psl::load_model_from_bytes;

const CONFIG: &str = include_str!("../seeds/model_json/m1.json");

fuzz_target!(|data: &[u8]| {
    let _ = load_model_from_bytes(CONFIG, data);
});
