//! Save → load → query gives the same numbers bit for bit.

use std::path::PathBuf;

use tradeoff_pareto::linspace;
use tradeoff_problems::{Normalization, ProblemSpec, build_problem};
use tradeoff_psl::{
    CONFIG_FILE, LossSpec, ModelKind, Precision, TrainConfig, WEIGHTS_FILE, build_model,
    evaluation_preferences, load_model, load_model_from_bytes, parse_saved_config, query,
    save_model, train,
};

use crate::common::{bits, init, small_config, weight_bits};
use crate::models::families;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tradeoff-psl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn save_load_query_is_bit_for_bit_for_every_family() {
    init();
    let spec = ProblemSpec::new("vlmop2").n_var(10);
    let p = build_problem(&spec).unwrap();
    let prefs = linspace(33, 0.0).unwrap();
    for (i, family) in families(10).into_iter().enumerate() {
        for precision in [Precision::F32, Precision::F64] {
            let config = small_config(family.clone(), p.as_ref(), 21).with_precision(precision);
            let model = build_model(&config).unwrap();
            let training = TrainConfig::new(LossSpec::libmoon("tche"))
                .with_iters(5)
                .with_batch_size(8)
                .with_seed(3);
            // Trained weights differ from the freshly initialised ones the loader starts from.
            train(model.as_ref(), p.as_ref(), &training).unwrap();
            let dir = temp_dir(&format!("{i}-{}", precision.name()));
            save_model(&dir, model.as_ref(), &spec, Some(&training)).unwrap();
            assert!(dir.join(WEIGHTS_FILE).exists() && dir.join(CONFIG_FILE).exists());
            let loaded = load_model(&dir).unwrap();
            assert_eq!(loaded.model.config(), model.config());
            assert_eq!(loaded.saved.training.as_ref(), Some(&training));
            assert_eq!(loaded.problem_spec().unwrap(), spec);
            assert_eq!(
                weight_bits(loaded.model.as_ref()),
                weight_bits(model.as_ref())
            );
            let a = query(model.as_ref(), &prefs).unwrap();
            let b = query(loaded.model.as_ref(), &prefs).unwrap();
            assert_eq!(bits(&a), bits(&b), "{family:?} {precision:?}");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}

#[test]
fn saved_json_names_problem_normalisation_and_loss() {
    init();
    let spec = ProblemSpec::new("re21").normalize(Normalization::Libmoon);
    let p = build_problem(&spec).unwrap();
    let model = build_model(&small_config(ModelKind::Mlp, p.as_ref(), 0)).unwrap();
    let training = TrainConfig::new(LossSpec::new("epo")).with_seed(7);
    let dir = temp_dir("json");
    save_model(&dir, model.as_ref(), &spec, Some(&training)).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap()).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["problem"]["name"], "re21");
    assert_eq!(json["problem"]["normalize"], "libmoon");
    assert_eq!(json["model"]["family"]["name"], "mlp");
    assert_eq!(json["model"]["precision"], "f32");
    assert_eq!(json["model"]["output"]["type"], "box");
    assert_eq!(json["training"]["loss"]["name"], "epo");
    assert_eq!(json["training"]["seed"], 7);
    // The loaded model evaluates on the rebuilt problem.
    let loaded = load_model(&dir).unwrap();
    let problem = build_problem(&loaded.problem_spec().unwrap()).unwrap();
    let prefs = evaluation_preferences(2, None).unwrap();
    let x = query(loaded.model.as_ref(), &prefs).unwrap();
    problem.evaluate(&x).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_checkpoints_are_errors() {
    init();
    let spec = ProblemSpec::new("vlmop2");
    let p = build_problem(&spec).unwrap();
    let model = build_model(&small_config(ModelKind::Mlp, p.as_ref(), 0)).unwrap();
    let dir = temp_dir("broken");
    assert!(load_model(&dir).is_err(), "no directory");
    save_model(&dir, model.as_ref(), &spec, None).unwrap();
    // Another width in the JSON: the shapes no longer match.
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"width\": 32", "\"width\": 16")).unwrap();
    assert!(load_model(&dir).is_err());
    std::fs::write(&path, "{ not json").unwrap();
    assert!(load_model(&dir).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A safetensors file made by hand: the 8-byte little-endian header length, the JSON header,
/// then `data`.
fn safetensors_bytes(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// The fuzzers' hostile inputs (fuzz/README.md): `load_model_from_bytes` reads what
/// `load_model` reads, and refuses huge declared sizes and out-of-range numbers with an error,
/// before allocating.
#[test]
fn hostile_model_files_are_refused_cleanly() {
    init();
    let spec = ProblemSpec::new("vlmop2");
    let p = build_problem(&spec).unwrap();
    let model = build_model(&small_config(ModelKind::Mlp, p.as_ref(), 0)).unwrap();
    let dir = temp_dir("hostile");
    save_model(&dir, model.as_ref(), &spec, None).unwrap();
    let config = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
    let weights = std::fs::read(dir.join(WEIGHTS_FILE)).unwrap();
    let from_bytes = load_model_from_bytes(&config, &weights).unwrap();
    let from_dir = load_model(&dir).unwrap();
    assert_eq!(
        weight_bits(from_bytes.model.as_ref()),
        weight_bits(from_dir.model.as_ref())
    );
    assert_eq!(from_bytes.saved, from_dir.saved);

    let hostile_weights = [
        u64::MAX.to_le_bytes().to_vec(),
        vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, b'{', b'}'],
        safetensors_bytes(
            r#"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ),
        safetensors_bytes(
            r#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ),
    ];
    for bytes in hostile_weights {
        let message = load_model_from_bytes(&config, &bytes)
            .unwrap_err()
            .to_string();
        assert!(!message.contains('\n'), "{message}");
    }

    // Sizes far above the limit, and numbers out of range, in model.json.
    let huge_depth = config.replace("\"depth\": 2", "\"depth\": 1000000000");
    assert_ne!(huge_depth, config);
    let message = parse_saved_config(&huge_depth).unwrap_err().to_string();
    assert!(message.contains("MAX_MODEL_PARAMETERS"), "{message}");
    let out_of_range = config.replace("\"depth\": 2", "\"depth\": 1e999");
    let message = parse_saved_config(&out_of_range).unwrap_err().to_string();
    assert!(message.starts_with("JSON:"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}
