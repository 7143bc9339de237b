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
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "compas",
            "--model",
            "lowrank",
            "--bases-start",
            "independent",
        ],
        "--bases-start",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "compas",
            "--pref-per",
            "sample",
            "--pref-batch",
            "2",
        ],
        "--pref-batch",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "compas",
            "--pref-per",
            "sample",
        ],
        "DEO",
    );
}

/// `--compare-with DIR` evaluates the learned networks at the finite set's rays: those rows
/// are what `psl query` gives at the rays (bit for bit), the finite set's hypervolumes are the
/// `train --mode set` record's own, and the ratios are learned / finite set. `--eval-prefs mtl`
/// evaluates at the same rays as `train --mode set` computes them; `--eval-prefs FILE` reads
/// rows, normalising those that do not sum to 1.
#[test]
fn neural_psl_compares_with_the_finite_set_at_its_rays() {
    let dir = TempDir::new("psl-neural-compare");
    let set = dir.join("set");
    let finite = json_of(&[
        "train",
        "--problem",
        "compas",
        "--mode",
        "set",
        "--prefs",
        "3",
        "--method",
        "ls",
        "--epochs",
        "1",
        "--batch",
        "1024",
        "--out",
        &set,
        "--json",
    ]);
    let learned_dir = dir.join("learned");
    let record = json_of(&train_args(
        &learned_dir,
        &["--compare-with", &set, "--eval-prefs", "mtl"],
    ));
    // --eval-prefs mtl with --eval-rays 3: the finite set's own rays.
    assert_eq!(record["evaluation"]["prefs"], finite["prefs"]);
    let c = &record["comparison"];
    assert_eq!(c["prefs"], finite["prefs"]);
    assert_eq!(c["learned"]["test"], record["evaluation"]["test"]);
    assert_eq!(c["learned"]["train"], record["evaluation"]["train"]);
    assert_eq!(c["learned"]["time_s"], record["time_s"]);
    assert_eq!(c["finite_set"]["time_s"], finite["time_s"]);
    for split in ["train", "test"] {
        assert_eq!(
            c["finite_set"][split]["objectives"], finite[split]["losses"],
            "{split}"
        );
        assert_eq!(
            c["finite_set"][split]["hypervolume"], finite[split]["hypervolume"],
            "{split}"
        );
        let learned = c["learned"][split]["hypervolume"].as_f64().unwrap();
        let finite_hv = c["finite_set"][split]["hypervolume"].as_f64().unwrap();
        assert_eq!(
            c["hypervolume_ratio"][split].as_f64().unwrap(),
            learned / finite_hv
        );
        // The learned front (here at the same rays) against the finite set's front, with the
        // additive ε-indicator written out: max over finite points of the min over learned
        // points of the largest coordinate gap.
        let front = &c["front"][split];
        assert_eq!(
            front["learned_hypervolume"],
            record["evaluation"][split]["hypervolume"]
        );
        assert_eq!(front["finite_hypervolume"], finite[split]["hypervolume"]);
        assert_eq!(
            front["hypervolume_ratio"].as_f64().unwrap(),
            record["evaluation"][split]["hypervolume"].as_f64().unwrap() / finite_hv
        );
        let rows =
            |v: &serde_json::Value| -> Vec<Vec<f64>> { serde_json::from_value(v.clone()).unwrap() };
        let learned_rows = rows(&record["evaluation"][split]["objectives"]);
        let epsilon = rows(&finite[split]["losses"])
            .iter()
            .map(|z| {
                learned_rows
                    .iter()
                    .map(|a| (a[0] - z[0]).max(a[1] - z[1]))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        let reported = front["epsilon_additive"].as_f64().unwrap();
        assert!(
            (reported - epsilon).abs() <= 1e-12,
            "{split}: {reported} vs {epsilon}"
        );
    }
    // A query at the finite set's ray 2 is the comparison's row 2, bit for bit.
    let ray: Vec<f64> = serde_json::from_value(finite["prefs"][2].clone()).unwrap();
    let query = json_of(&[
        "psl",
        "query",
        &learned_dir,
        "--pref",
        &format!("{},{}", ray[0], ray[1]),
        "--json",
    ]);
    assert_eq!(
        query["test"]["losses"],
        c["learned"]["test"]["objectives"][2]
    );

    // --eval-prefs FILE: (1, 3) is read as (0.25, 0.75).
    let file = dir.join("rays.csv");
    std::fs::write(&file, "0.5,0.5\n1,3\n").unwrap();
    let from_file = json_of(&[
        "psl",
        "train",
        "--problem",
        "compas",
        "--model",
        "pamal",
        "--epochs",
        "1",
        "--batch",
        "1024",
        "--eval-prefs",
        &file,
        "--json",
    ]);
    assert_eq!(
        from_file["evaluation"]["prefs"],
        serde_json::json!([[0.5, 0.5], [0.25, 0.75]])
    );
    assert_eq!(from_file["config"]["eval_rays"], 2);
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "compas",
            "--epochs",
            "1",
            "--eval-prefs",
            &file,
            "--eval-rays",
            "4",
        ],
        "--eval-rays",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "adult",
            "--epochs",
            "1",
            "--compare-with",
            &set,
        ],
        "compas",
    );
}

/// `--loss epo` (Jacobians per preference) stopped after epoch 1 and resumed: the same
/// evaluation as the uninterrupted run, bit for bit.
#[test]
fn neural_psl_resumes_epo_bit_for_bit() {
    let dir = TempDir::new("psl-neural-epo");
    let full = dir.join("full");
    let record = json_of(&train_args(&full, &["--loss", "epo"]));
    let cut = dir.join("cut");
    let stopped = json_of(&train_args(&cut, &["--loss", "epo", "--stop-after", "1"]));
    assert_eq!(stopped["stopped_after_epoch"], 1);
    let resumed = json_of(&["psl", "train", "--resume", &cut, "--json"]);
    assert_eq!(resumed["evaluation"], record["evaluation"]);
    assert_eq!(resumed["config"]["loss"], "epo");
}
