//! `psl train` / `psl query` on a neural problem (Compas, fast in debug builds): the record's
//! evaluation, a query at an evaluation ray equal to its row bit for bit, an exported network
//! loaded as a plain model giving the same losses, resume bit for bit, and the refusals.

use super::{TempDir, fails_with, json_of};
use serde_json::Value;

/// A short run: low-rank generator, 2 epochs of 5 minibatches, 3 evaluation rays.
fn train_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "psl",
        "train",
        "--problem",
        "compas",
        "--model",
        "lowrank",
        "--rank",
        "2",
        "--epochs",
        "2",
        "--batch",
        "1024",
        "--pref-batch",
        "2",
        "--eval-rays",
        "3",
        "--out",
        out,
        "--json",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn neural_psl_records_query_export_and_resume() {
    let dir = TempDir::new("psl-neural");
    let full = dir.join("full");
    let record = json_of(&train_args(&full, &[]));
    assert_eq!(record["kind"], "psl-neural");
    assert_eq!(record["epochs_run"], 2);
    let evaluation = &record["evaluation"];
    let prefs = evaluation["prefs"].as_array().unwrap();
    assert_eq!(prefs.len(), 3);
    for split in ["train", "test"] {
        let s = &evaluation[split];
        assert_eq!(s["objectives"].as_array().unwrap().len(), 3, "{split}");
        assert_eq!(s["accuracy"].as_array().unwrap().len(), 3, "{split}");
        let hv = s["hypervolume"].as_f64().unwrap();
        assert!(hv > 0.0 && hv <= 1.0, "{split}: {hv}");
    }

    // A query at evaluation ray 1 is that row, bit for bit (JSON floats round-trip).
    let ray: Vec<f64> = serde_json::from_value(prefs[1].clone()).unwrap();
    let pref = format!("{},{}", ray[0], ray[1]);
    let export = dir.join("export");
    let query = json_of(&[
        "psl", "query", &full, "--pref", &pref, "--json", "--export", &export,
    ]);
    assert_eq!(query["test"]["losses"], evaluation["test"]["objectives"][1]);
    assert_eq!(query["test"]["accuracy"], evaluation["test"]["accuracy"][1]);

    // The exported network, loaded into a plain one-model network of the problem.
    use tradeoff::problems::neural::registry::{NeuralSpec, build_neural};
    let mut spec = NeuralSpec::new("compas");
    spec.batch_size = 1024;
    let setup = build_neural(&spec).unwrap();
    let network = setup.problem.network();
    tradeoff::psl::neural::load_network(
        network.as_ref(),
        &std::path::Path::new(&export).join("model.safetensors"),
    )
    .unwrap();
    let x = tradeoff::psl::neural::network_parameters(network.as_ref()).unwrap();
    let test = &setup.splits.iter().find(|(n, _)| n == "test").unwrap().1;
    let evaluated = setup
        .problem
        .evaluator()
        .evaluate(&x, test.as_ref())
        .unwrap();
    let losses: Vec<f64> = serde_json::from_value(query["test"]["losses"].clone()).unwrap();
    assert_eq!(evaluated.losses.row(0), losses.as_slice());

    // Stopped after epoch 1 and resumed: the same evaluation, bit for bit.
    let cut = dir.join("cut");
    let stopped = json_of(&train_args(&cut, &["--stop-after", "1"]));
    assert_eq!(stopped["stopped_after_epoch"], 1);
    let resumed = json_of(&["psl", "train", "--resume", &cut, "--json"]);
    assert_eq!(resumed["evaluation"], record["evaluation"]);
    assert_eq!(resumed["epochs_run"], Value::from(2));
}

#[test]
fn neural_psl_refusals() {
    let dir = TempDir::new("psl-neural-refusals");
    let out = dir.join("x");
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "compas",
            "--epochs",
            "1",
            "--iters",
            "5",
            "--out",
            &out,
        ],
        "--iters",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "zdt1",
            "--epochs",
            "1",
            "--iters",
            "5",
        ],
        "--epochs",
    );
    fails_with(
        &["psl", "train", "--problem", "compas", "--model", "mlp"],
        "mlp",
    );
}
