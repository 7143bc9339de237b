//! Resuming a run: a run of 1,000 iterations equals, bit for bit, a run of 400 that is saved to
//! disk, loaded and continued for 600, for every stateful or randomized method, with SGD and
//! Adam; and a damaged checkpoint is a one-line error naming what is wrong.

use std::path::PathBuf;

use tradeoff_pareto::linspace;
use tradeoff_problems::{Problem, ProblemSpec, build_problem};
use tradeoff_solvers::{
    Checkpoint, DriverConfig, Init, InitDefinition, Optimizer, OptimizerDefinition, Options,
    ProblemDefinition, RunDefinition, Runner, Schedule, StopAfter, Termination, all_method_infos,
    build_rule,
};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tradeoff-resume-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn problem() -> Box<dyn Problem> {
    let mut spec = ProblemSpec::new("vlmop2");
    spec.n_var = Some(4);
    build_problem(&spec).unwrap()
}

fn config(optimizer: Optimizer, total: usize) -> DriverConfig {
    DriverConfig {
        max_iters: total,
        optimizer,
        record_every: 7,
        record_objectives: true,
        front_points: 50,
        init: Init::Box {
            lo: -0.5,
            hi: 0.5,
            seed: 3,
        },
        ..DriverConfig::default()
    }
}

fn definition(method: &str, config: &DriverConfig, preferences: &[Vec<f64>]) -> RunDefinition {
    RunDefinition {
        problem: ProblemDefinition {
            name: "vlmop2".into(),
            n_var: Some(4),
            n_obj: None,
            normalize: "authors".into(),
        },
        method: method.into(),
        method_options: Vec::new(),
        preferences: preferences.to_vec(),
        optimizer: OptimizerDefinition::of(&config.optimizer),
        seed: 3,
        init: InitDefinition::of(&config.init),
        total_iters: config.max_iters,
        tolerance: config.tolerance,
        record_every: config.record_every,
        checkpoint_every: None,
        reference_point: None,
        front_points: config.front_points,
        record_objectives: config.record_objectives,
        extra: serde_json::Map::new(),
    }
}

/// The method's options for this test: ParetoMTL's warm-up is a fraction of `iters`.
fn options(method: &str, total: usize) -> Options {
    let takes_iters = all_method_infos()
        .iter()
        .find(|i| i.name == method)
        .is_some_and(|i| i.options.iter().any(|o| o.name == "iters"));
    if takes_iters {
        Options::new().with("iters", total)
    } else {
        Options::new()
    }
}

/// Runs `method` whole and in two parts through a checkpoint on disk; `Err` describes the
/// first difference.
fn whole_equals_resumed(method: &str, optimizer: &Optimizer) -> Result<(), String> {
    const TOTAL: usize = 1000;
    const FIRST: usize = 400;
    let problem = problem();
    let preferences = linspace(3, 0.05).unwrap();
    let config = config(optimizer.clone(), TOTAL);
    let options = options(method, TOTAL);

    let mut rule = build_rule(method, &options, &preferences).unwrap();
    let whole = Runner::new(problem.as_ref(), rule.as_mut(), &preferences, &config)
        .run()
        .map_err(|e| format!("whole run: {e}"))?;

    let mut rule = build_rule(method, &options, &preferences).unwrap();
    let mut stop = StopAfter(FIRST);
    let first = Runner::new(problem.as_ref(), rule.as_mut(), &preferences, &config)
        .with_observer(&mut stop)
        .run()
        .map_err(|e| format!("first part: {e}"))?;
    if first.result.termination != (Termination::Stopped { iteration: FIRST }) {
        return Err(format!(
            "first part ended with {}",
            first.result.termination
        ));
    }
    let dir = TempDir::new(&format!("{method}-{}", optimizer.name()));
    let checkpoint = Checkpoint {
        definition: definition(method, &config, &preferences.to_rows()),
        state: first.state,
    };
    checkpoint.save(&dir.0).map_err(|e| e.to_string())?;
    let loaded = Checkpoint::load(&dir.0).map_err(|e| e.to_string())?;
    if loaded != checkpoint {
        return Err("the loaded checkpoint differs from the saved one".into());
    }
    let config_again = loaded
        .definition
        .driver_config()
        .map_err(|e| e.to_string())?;
    let preferences_again = loaded.definition.preference_matrix().unwrap();
    let mut fresh = build_rule(method, &options, &preferences_again).unwrap();
    let rest = Runner::new(
        problem.as_ref(),
        fresh.as_mut(),
        &preferences_again,
        &config_again,
    )
    .resume_from(loaded.state)
    .run()
    .map_err(|e| format!("resumed part: {e}"))?;

    let (a, b) = (&whole.result, &rest.result);
    if a.x != b.x {
        return Err("x differs".into());
    }
    if a.objectives != b.objectives {
        return Err("objectives differ".into());
    }
    if a.history != b.history {
        return Err("history differs".into());
    }
    if a.termination != b.termination || a.iterations != b.iterations {
        return Err(format!(
            "termination {} after {} vs {} after {}",
            a.termination, a.iterations, b.termination, b.iterations
        ));
    }
    // The interrupted run evaluated the objectives once more (at its stop); the rest is equal.
    let (s, t) = (&whole.state, &rest.state);
    if t.n_evaluations != s.n_evaluations + 1
        || t.n_jacobian_evaluations != s.n_jacobian_evaluations
    {
        return Err(format!(
            "counts: {} / {} evaluations vs {} / {}",
            s.n_evaluations, s.n_jacobian_evaluations, t.n_evaluations, t.n_jacobian_evaluations
        ));
    }
    if (&t.x, &t.optimizer, &t.rule, t.iteration, &t.history)
        != (&s.x, &s.optimizer, &s.rule, s.iteration, &s.history)
    {
        return Err("final state differs".into());
    }
    Ok(())
}

#[test]
fn every_stateful_or_randomized_method_resumes_bit_for_bit() {
    let methods: Vec<&str> = all_method_infos()
        .iter()
        .filter(|i| i.stateful || i.randomized)
        .map(|i| i.name)
        .collect();
    assert!(methods.len() >= 5, "{methods:?}");
    let mut failures = Vec::new();
    for method in &methods {
        for optimizer in [Optimizer::sgd(0.01), Optimizer::adam(0.01)] {
            if let Err(why) = whole_equals_resumed(method, &optimizer) {
                failures.push(format!("{method} with {}: {why}", optimizer.name()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn stateless_methods_resume_bit_for_bit() {
    for method in ["ls", "epo", "mgda", "upgrad", "hvgrad"] {
        whole_equals_resumed(method, &Optimizer::adam(0.01)).unwrap();
    }
}

#[test]
fn a_schedule_resumes_bit_for_bit() {
    let cosine = Optimizer::adam(0.02).with_schedule(Schedule::Cosine {
        warmup: 50,
        min_factor: 0.1,
    });
    whole_equals_resumed("ls", &cosine).unwrap();
    let step = Optimizer::sgd(0.05).with_schedule(Schedule::Step {
        every: 100,
        gamma: 0.7,
    });
    whole_equals_resumed("tche", &step).unwrap();
}

/// Saves a short run's checkpoint into a fresh directory.
fn saved_checkpoint(name: &str) -> TempDir {
    let problem = problem();
    let preferences = linspace(3, 0.05).unwrap();
    let config = config(Optimizer::adam(0.01), 20);
    let mut rule = build_rule("ls", &Options::new(), &preferences).unwrap();
    let mut stop = StopAfter(10);
    let outcome = Runner::new(problem.as_ref(), rule.as_mut(), &preferences, &config)
        .with_observer(&mut stop)
        .run()
        .unwrap();
    let dir = TempDir::new(name);
    Checkpoint {
        definition: definition("ls", &config, &preferences.to_rows()),
        state: outcome.state,
    }
    .save(&dir.0)
    .unwrap();
    dir
}

fn load_error(dir: &TempDir) -> String {
    let message = Checkpoint::load(&dir.0).unwrap_err().to_string();
    assert!(!message.contains('\n'), "{message}");
    message
}

#[test]
fn a_damaged_checkpoint_is_a_one_line_error() {
    // Truncated state file.
    let dir = saved_checkpoint("truncated");
    let path = dir.0.join("checkpoint.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("truncated"), "{message}");

    // Another schema version.
    let dir = saved_checkpoint("schema");
    let path = dir.0.join("checkpoint.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"schema_version\": 1", "\"schema_version\": 99"),
    )
    .unwrap();
    let message = load_error(&dir);
    assert!(message.contains("schema version 99"), "{message}");

    // A shape that does not match the definition.
    let dir = saved_checkpoint("shape");
    let path = dir.0.join("checkpoint.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["x_shape"] = serde_json::json!([3, 5]);
    std::fs::write(&path, json.to_string()).unwrap();
    let message = load_error(&dir);
    assert!(
        message.contains("tensor 'x' has shape [3, 4], expected [3, 5]"),
        "{message}"
    );

    // The two files from two different saves.
    let dir = saved_checkpoint("iteration");
    let path = dir.0.join("checkpoint.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    json["iteration"] = serde_json::json!(12);
    std::fs::write(&path, json.to_string()).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("iteration 10"), "{message}");

    // A missing file.
    let dir = saved_checkpoint("missing");
    std::fs::remove_file(dir.0.join("checkpoint.safetensors")).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("checkpoint.safetensors"), "{message}");
}

#[test]
fn a_missing_tensor_is_named() {
    // Rewrite the state file without the optimiser's moments.
    let dir = saved_checkpoint("tensor");
    let path = dir.0.join("checkpoint.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let kept: Vec<(String, safetensors::tensor::TensorView<'_>)> = tensors
        .tensors()
        .into_iter()
        .filter(|(name, _)| name != "x")
        .collect();
    let rewritten = safetensors::serialize(kept, None).unwrap();
    std::fs::write(&path, rewritten).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("missing tensor 'x'"), "{message}");
}

#[test]
fn a_state_of_another_optimizer_is_refused() {
    let dir = saved_checkpoint("optimizer");
    let loaded = Checkpoint::load(&dir.0).unwrap();
    let problem = problem();
    let preferences = loaded.definition.preference_matrix().unwrap();
    let config = config(Optimizer::sgd(0.01), 20);
    let mut rule = build_rule("ls", &Options::new(), &preferences).unwrap();
    let error = Runner::new(problem.as_ref(), rule.as_mut(), &preferences, &config)
        .resume_from(loaded.state)
        .run()
        .unwrap_err()
        .to_string();
    assert!(error.contains("sgd keeps no state"), "{error}");
}

/// A safetensors file made by hand: the 8-byte little-endian header length, the JSON header,
/// then `data`.
fn safetensors_bytes(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// The fuzzers' hostile state files (fuzz/README.md): sizes declared far beyond the file,
/// refused before anything is allocated.
#[test]
fn huge_declared_sizes_in_a_state_file_are_refused() {
    let dir = saved_checkpoint("huge");
    let definition = std::fs::read(dir.0.join("checkpoint.json")).unwrap();
    let load = |state: &[u8]| {
        Checkpoint::from_bytes(
            &dir.0.join("checkpoint.json"),
            &definition,
            &dir.0.join("checkpoint.safetensors"),
            state,
        )
        .unwrap_err()
        .to_string()
    };
    let cases = [
        // A header length of 2^64 - 1.
        u64::MAX.to_le_bytes().to_vec(),
        // A header length past the end of the file.
        vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, b'{', b'}'],
        // 2^62 elements declared for 8 bytes of data (the element count times 8 overflows).
        safetensors_bytes(
            r#"{"x":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ),
        // 2^32 × 2^32 elements: the shape's product overflows.
        safetensors_bytes(
            r#"{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ),
        // Offsets far past the end of the data.
        safetensors_bytes(
            r#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,18446744073709551615]}}"#,
            &[0; 8],
        ),
    ];
    for state in cases {
        let message = load(&state);
        assert!(message.contains("not a safetensors file"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}

/// `from_bytes` reads what `load` reads.
#[test]
fn from_bytes_equals_load() {
    let dir = saved_checkpoint("bytes");
    let json_path = dir.0.join("checkpoint.json");
    let state_path = dir.0.join("checkpoint.safetensors");
    let from_bytes = Checkpoint::from_bytes(
        &json_path,
        &std::fs::read(&json_path).unwrap(),
        &state_path,
        &std::fs::read(&state_path).unwrap(),
    )
    .unwrap();
    assert_eq!(from_bytes, Checkpoint::load(&dir.0).unwrap());
}

/// Numbers out of range and a checkpoint cadence of 0 (which divided by zero when the run was
/// resumed) are refused when the definition is read.
#[test]
fn hostile_definitions_are_refused() {
    let dir = saved_checkpoint("definition");
    let path = dir.0.join("checkpoint.json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();

    let mut json = original.clone();
    json["definition"]["checkpoint_every"] = serde_json::json!(0);
    std::fs::write(&path, json.to_string()).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("checkpoint_every is 0"), "{message}");

    let mut json = original;
    json["definition"]["tolerance"] = serde_json::json!(123.5);
    let text = json.to_string().replace("123.5", "1e999");
    std::fs::write(&path, text).unwrap();
    let message = load_error(&dir);
    assert!(message.contains("number out of range"), "{message}");
}
