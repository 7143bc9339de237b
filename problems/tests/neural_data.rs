//! The data sets of the neural problems against independent facts: the MultiMNIST recipe's
//! SHA-256, the fairness tables' row counts, positive rates, input sizes and LibMOON's splits.

#[path = "common/sha256.rs"]
mod sha256;

use tradeoff_problems::neural::data::{
    DataError, Dataset, DatasetOptions, IdxImages, MULTI_MNIST_SEED, Preprocess, Split, Targets,
    TaskKind, generate_multi_mnist, load_dataset, parse_idx_images, parse_idx_labels,
};

fn gunzip(path: &str) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("readable");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out).unwrap();
    out
}

fn mnist_test() -> (IdxImages, Vec<u8>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/mnist/");
    let images =
        parse_idx_images(&gunzip(&format!("{dir}t10k-images-idx3-ubyte.gz")), "i").unwrap();
    let labels =
        parse_idx_labels(&gunzip(&format!("{dir}t10k-labels-idx1-ubyte.gz")), "l").unwrap();
    (images, labels)
}

#[test]
fn multi_mnist_matches_the_recipe_hash_and_first_labels() {
    let (images, labels) = mnist_test();
    let arrays = generate_multi_mnist(&images, &labels, MULTI_MNIST_SEED).unwrap();
    assert_eq!(arrays.train_labels.len(), 2 * 24_000);
    assert_eq!(arrays.test_labels.len(), 2 * 4_000);
    assert_eq!(&arrays.train_labels[..10], &[1, 3, 8, 5, 7, 2, 4, 8, 0, 4]);
    let mut hasher = sha256::Sha256::new();
    for part in [
        &arrays.train_images,
        &arrays.train_labels,
        &arrays.test_images,
        &arrays.test_labels,
    ] {
        hasher.update(part);
    }
    assert_eq!(
        sha256::hex(&hasher.finish()),
        "3405160c5486d09eb9851389368a6ffc9d07921135dcd899c5b248647f108b6e"
    );
}

#[test]
fn multi_mnist_dataset_scales_pixels_and_takes_validation_from_the_end() {
    let (images, labels) = mnist_test();
    let arrays = generate_multi_mnist(&images, &labels, MULTI_MNIST_SEED).unwrap();
    let dataset = load_dataset("multi-mnist", &DatasetOptions::default()).unwrap();
    assert_eq!(dataset.input_shape, [36, 36, 1]);
    assert_eq!((dataset.train.len, dataset.test.len), (24_000, 4_000));
    assert!(dataset.val.is_none());
    assert_eq!(dataset.tasks.len(), 2);
    assert_eq!(dataset.tasks[0].kind, TaskKind::Classes(10));
    let first: Vec<f32> = arrays.train_images[..1296]
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    assert_eq!(&dataset.train.inputs[..1296], &first[..]);
    let options = DatasetOptions {
        val_fraction: Some(0.1),
        ..DatasetOptions::default()
    };
    let with_val = load_dataset("multi-mnist", &options).unwrap();
    let val = with_val.val.as_ref().unwrap();
    assert_eq!((with_val.train.len, val.len), (21_600, 2_400));
    let right: Vec<u32> = arrays.train_labels[2 * 21_600..]
        .iter()
        .skip(1)
        .step_by(2)
        .map(|&l| u32::from(l))
        .collect();
    assert_eq!(val.targets[1], Targets::Labels(right));
    assert_eq!(
        &with_val.train.inputs[..],
        &dataset.train.inputs[..21_600 * 1296]
    );
}

/// The fields of a shared data file's rows, read naively (split on commas, trimmed): an
/// independent reader for the checks below.
fn raw_rows(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = String::from_utf8(gunzip(&path)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .map(|f| f.trim().trim_matches('"').to_string())
                .collect()
        })
        .collect()
}

fn libmoon_splits() -> serde_json::Value {
    let path = format!("{}/data/libmoon_splits.json.gz", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&gunzip(&path)).unwrap()
}

fn labels(split: &Split) -> Vec<f32> {
    match &split.targets[0] {
        Targets::Values(v) => v.clone(),
        Targets::Labels(_) => panic!("binary targets are values"),
    }
}

fn all_splits(dataset: &Dataset) -> Vec<&Split> {
    dataset.splits().into_iter().map(|(_, s)| s).collect()
}

/// Column means and population standard deviations of the stacked rows of `splits`, in f64.
fn column_moments(splits: &[&Split]) -> Vec<(f64, f64)> {
    let d = splits[0].input_size();
    let n: usize = splits.iter().map(|s| s.len).sum();
    (0..d)
        .map(|c| {
            let values: Vec<f64> = splits
                .iter()
                .flat_map(|s| s.inputs.iter().skip(c).step_by(d).map(|&v| f64::from(v)))
                .collect();
            let mean = values.iter().sum::<f64>() / n as f64;
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            (mean, var.sqrt())
        })
        .collect()
}

struct Facts {
    name: &'static str,
    rows: usize,
    positives: usize,
    female: usize,
    libmoon_d: usize,
    clean_d: usize,
    dropped_when_clean: Option<&'static str>,
    /// Numeric (not one-hot) input columns with the clean preprocessing.
    clean_numeric: usize,
}

// Row counts, positives (label = 1) and women counted with Python's csv module on the shared
// files (Compas after LibMOON's filter); input sizes from `notes/neural.md` §5 and the datasets
// README; split sizes from `vectors/libmoon_splits.json`.
const FACTS: [Facts; 3] = [
    Facts {
        name: "adult",
        rows: 32_561,
        positives: 7_841,
        female: 10_771,
        libmoon_d: 88,
        clean_d: 88,
        dropped_when_clean: None,
        clean_numeric: 6,
    },
    Facts {
        name: "compas",
        rows: 6_172,
        positives: 2_809,
        female: 1_175,
        libmoon_d: 20,
        clean_d: 19,
        dropped_when_clean: Some("is_recid"),
        clean_numeric: 5,
    },
    Facts {
        name: "credit",
        rows: 30_000,
        positives: 6_636,
        female: 18_112,
        libmoon_d: 90,
        clean_d: 89,
        dropped_when_clean: Some("ID"),
        clean_numeric: 14,
    },
];

#[test]
fn fairness_sets_with_libmoon_preprocessing_match_its_sizes_splits_and_scaling() {
    let splits = libmoon_splits();
    let options = DatasetOptions {
        preprocess: Preprocess::Libmoon,
        ..DatasetOptions::default()
    };
    for facts in FACTS {
        let dataset = load_dataset(facts.name, &options).unwrap();
        let set = &splits["sets"][facts.name];
        assert_eq!(dataset.input_shape, [facts.libmoon_d], "{}", facts.name);
        let val = dataset.val.as_ref().unwrap();
        for (split, key) in [
            (&dataset.train, "train"),
            (val, "val"),
            (&dataset.test, "test"),
        ] {
            assert_eq!(
                split.len,
                set[key].as_array().unwrap().len(),
                "{} {key}",
                facts.name
            );
        }
        let all = all_splits(&dataset);
        let positives: f32 = all.iter().flat_map(|s| labels(s)).sum();
        let female: usize = all
            .iter()
            .flat_map(|s| s.sensitive.as_ref().unwrap())
            .map(|&s| usize::from(s))
            .sum();
        assert_eq!(
            (positives as usize, female),
            (facts.positives, facts.female),
            "{}",
            facts.name
        );
        assert_eq!(all.iter().map(|s| s.len).sum::<usize>(), facts.rows);
        // The scaler was fitted on the whole table and every column: mean 0, spread 1 (or 0 for
        // a constant column).
        for (c, (mean, std)) in column_moments(&all).into_iter().enumerate() {
            assert!(mean.abs() < 1e-5, "{} column {c}: mean {mean}", facts.name);
            assert!(
                (std - 1.0).abs() < 1e-4,
                "{} column {c}: std {std}",
                facts.name
            );
        }
    }
}

#[test]
fn libmoon_splits_hold_the_rows_at_its_indices() {
    // Adult and Credit keep every row, so LibMOON's indices are file rows: the labels of each
    // split must be the file's labels at those indices.
    let splits = libmoon_splits();
    let options = DatasetOptions {
        preprocess: Preprocess::Libmoon,
        ..DatasetOptions::default()
    };
    type LabelOf = fn(&str) -> f32;
    let sets: [(&str, &str, LabelOf); 2] = [
        ("adult", "adult/adult.data.gz", |f| {
            f32::from(u8::from(f == ">50K"))
        }),
        ("credit", "credit/credit.csv.gz", |f| {
            f.parse::<f32>().unwrap()
        }),
    ];
    for (name, file, label) in sets {
        let rows = raw_rows(file);
        let dataset = load_dataset(name, &options).unwrap();
        let set = &splits["sets"][name];
        for (split, key) in [
            (&dataset.train, "train"),
            (dataset.val.as_ref().unwrap(), "val"),
            (&dataset.test, "test"),
        ] {
            let expected: Vec<f32> = set[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| label(rows[i.as_u64().unwrap() as usize].last().unwrap()))
                .collect();
            assert_eq!(labels(split), expected, "{name} {key}");
        }
    }
}

#[test]
fn adult_one_hot_groups_have_the_documented_sizes() {
    let dataset = load_dataset("adult", &DatasetOptions::default()).unwrap();
    let names = &dataset.feature_names;
    assert_eq!(
        &names[..6],
        [
            "age",
            "fnlwgt",
            "education-num",
            "capital-gain",
            "capital-loss",
            "hours-per-week"
        ]
    );
    for (prefix, count) in [
        ("workclass_", 8),
        ("education_", 6),
        ("marital-status_", 2),
        ("occupation_", 14),
        ("relationship_", 6),
        ("race_", 5),
        ("native-country_", 41),
    ] {
        assert_eq!(
            names.iter().filter(|n| n.starts_with(prefix)).count(),
            count,
            "{prefix}"
        );
    }
    assert!(!names.iter().any(|n| n.ends_with("_?")));
}

#[test]
fn fairness_sets_with_clean_preprocessing_scale_numeric_columns_on_train_only() {
    for facts in FACTS {
        let dataset = load_dataset(facts.name, &DatasetOptions::default()).unwrap();
        assert_eq!(dataset.input_shape, [facts.clean_d], "{}", facts.name);
        if let Some(dropped) = facts.dropped_when_clean {
            assert!(!dataset.feature_names.iter().any(|n| n == dropped));
        }
        let n = facts.rows;
        let test = (n * 2).div_ceil(10);
        let val = (n - test).div_ceil(8);
        assert_eq!(
            (
                dataset.train.len,
                dataset.val.as_ref().unwrap().len,
                dataset.test.len
            ),
            (n - test - val, val, test)
        );
        let all = all_splits(&dataset);
        let positives: f32 = all.iter().flat_map(|s| labels(s)).sum();
        assert_eq!(positives as usize, facts.positives);
        let moments = column_moments(&[&dataset.train]);
        let mut numeric = 0;
        for (c, name) in dataset.feature_names.iter().enumerate() {
            let one_hot = all.iter().all(|s| {
                s.inputs
                    .iter()
                    .skip(c)
                    .step_by(s.input_size())
                    .all(|&v| v == 0.0 || v == 1.0)
            });
            if !one_hot {
                numeric += 1;
                let (mean, std) = moments[c];
                assert!(
                    mean.abs() < 1e-5 && (std - 1.0).abs() < 1e-4,
                    "{} {name}: {mean} {std}",
                    facts.name
                );
            }
        }
        assert_eq!(numeric, facts.clean_numeric, "{}", facts.name);
        // Another seed, another split of the same rows.
        let reseeded = load_dataset(
            facts.name,
            &DatasetOptions {
                seed: 1,
                ..DatasetOptions::default()
            },
        )
        .unwrap();
        assert_ne!(labels(&reseeded.test), labels(&dataset.test));
        assert_eq!(reseeded.test.len, dataset.test.len);
    }
}

/// A fresh file under the system's temporary folder.
fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tradeoff-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn with_data(path: &std::path::Path) -> DatasetOptions {
    DatasetOptions {
        data: Some(path.to_path_buf()),
        ..DatasetOptions::default()
    }
}

const ADULT_HEADER: &str = "age, workclass, fnlwgt, education, education-num, marital-status, occupation, relationship, race, sex, capital-gain, capital-loss, hours-per-week, native-country, Salary";
const ADULT_ROW: &str = "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K";

#[test]
fn bad_tables_are_one_line_errors_naming_the_file_and_the_problem() {
    let missing = temp_file(
        "missing.csv",
        ADULT_HEADER.replace(", Salary", "").as_bytes(),
    );
    let error = load_dataset("adult", &with_data(&missing)).unwrap_err();
    assert!(matches!(&error, DataError::MissingColumn { column, .. } if column == "Salary"));
    let message = error.to_string();
    assert!(
        message.starts_with(&missing.display().to_string()) && !message.contains('\n'),
        "{message}"
    );

    let text = format!(
        "{ADULT_HEADER}\n{ADULT_ROW}\n{}\n",
        ADULT_ROW.replacen("39", "thirty", 1)
    );
    let not_numeric = temp_file("not_numeric.csv", text.as_bytes());
    let error = load_dataset("adult", &with_data(&not_numeric)).unwrap_err();
    assert!(
        matches!(&error, DataError::NotNumeric { line: 3, column, value, .. } if column == "age" && value == "thirty"),
        "{error}"
    );

    let text = format!("{ADULT_HEADER}\n{}\n", ADULT_ROW.replace("<=50K", "maybe"));
    let bad_label = temp_file("bad_label.csv", text.as_bytes());
    let error = load_dataset("adult", &with_data(&bad_label)).unwrap_err();
    assert!(
        matches!(&error, DataError::LabelOutOfRange { line: 2, value, .. } if value == "maybe"),
        "{error}"
    );

    // One row: the test split takes it and the training split is empty.
    let text = format!("{ADULT_HEADER}\n{ADULT_ROW}\n");
    let one_row = temp_file("one_row.csv", text.as_bytes());
    let error = load_dataset("adult", &with_data(&one_row)).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::EmptySplit {
                split: "train",
                rows: 1,
                ..
            }
        ),
        "{error}"
    );
    // LibMOON's indices need LibMOON's rows.
    let options = DatasetOptions {
        preprocess: Preprocess::Libmoon,
        ..with_data(&one_row)
    };
    let error = load_dataset("adult", &options).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::SplitRows {
                expected: 32_561,
                found: 1,
                ..
            }
        ),
        "{error}"
    );
    let options = DatasetOptions {
        preprocess: Preprocess::Libmoon,
        val_fraction: Some(0.1),
        ..DatasetOptions::default()
    };
    assert!(matches!(
        load_dataset("credit", &options).unwrap_err(),
        DataError::InvalidOption { .. }
    ));
    let error = load_dataset(
        "compas",
        &with_data(std::path::Path::new("/nonexistent/c.csv")),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("/nonexistent/c.csv: cannot read"),
        "{error}"
    );
}

fn idx_images(count: u32, payload: usize) -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, 3];
    for d in [count, 28, 28] {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend((0..payload).map(|i| (i % 251) as u8));
    bytes
}

fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, 1];
    bytes.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    bytes.extend_from_slice(labels);
    bytes
}

#[test]
fn bad_idx_files_are_one_line_errors_naming_the_file() {
    let labels: Vec<u8> = (0..10).collect();
    let truncated = temp_file("trunc-images-idx3-ubyte", &idx_images(10, 784 * 10 - 1));
    temp_file("trunc-labels-idx1-ubyte", &idx_labels(&labels));
    let error = load_dataset("multi-mnist", &with_data(&truncated)).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::Truncated {
                expected: 7856,
                found: 7855,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with(&truncated.display().to_string())
    );

    // Labels where the images should be.
    let swapped = temp_file("swap-images-idx3-ubyte", &idx_labels(&labels));
    temp_file("swap-labels-idx1-ubyte", &idx_labels(&labels));
    let error = load_dataset("multi-mnist", &with_data(&swapped)).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::BadMagic {
                found: 2049,
                expected: 2051,
                ..
            }
        ),
        "{error}"
    );

    let bad_labels: Vec<u8> = (0..10).map(|i| if i == 6 { 10 } else { i }).collect();
    let images = temp_file("range-images-idx3-ubyte", &idx_images(10, 7840));
    let labels_path = temp_file("range-labels-idx1-ubyte", &idx_labels(&bad_labels));
    let error = load_dataset("multi-mnist", &with_data(&images)).unwrap_err();
    assert!(
        matches!(error, DataError::LabelOutOfRange { line: 7, .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with(&labels_path.display().to_string()),
        "{error}"
    );

    // A good pair of small files, gzip-compressed: 8 train and 2 test sources, 24 + 4 composites.
    let gz = |bytes: &[u8]| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let images = temp_file("small-images-idx3-ubyte.gz", &gz(&idx_images(10, 7840)));
    temp_file("small-labels-idx1-ubyte.gz", &gz(&idx_labels(&labels)));
    let dataset = load_dataset("multi-mnist", &with_data(&images)).unwrap();
    assert_eq!((dataset.train.len, dataset.test.len), (24, 4));
}

#[test]
fn a_users_table_becomes_a_multi_task_data_set() {
    let mut text = String::from("x,colour,y_bin,y_real,y_class\n");
    for i in 0..50 {
        let colour = ["red", "green", "blue"][i % 3];
        text.push_str(&format!("{},{colour},{},{}.5,{}\n", i * 2, i % 2, i, i % 4));
    }
    let path = temp_file("table.csv", text.as_bytes());
    let options = DatasetOptions {
        targets: vec!["y_bin".into(), "y_real".into(), "y_class".into()],
        losses: vec!["bce".into(), "mse".into(), "ce".into()],
        ..with_data(&path)
    };
    let dataset = load_dataset("tabular", &options).unwrap();
    assert_eq!(
        dataset.feature_names,
        ["x", "colour_blue", "colour_green", "colour_red"]
    );
    let kinds: Vec<TaskKind> = dataset.tasks.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [TaskKind::Binary, TaskKind::Regression, TaskKind::Classes(4)]
    );
    // 50 rows: test ceil(10) = 10, validation ceil(40 / 8) = 5, train 35.
    assert_eq!(
        (
            dataset.train.len,
            dataset.val.as_ref().unwrap().len,
            dataset.test.len
        ),
        (35, 5, 10)
    );
    assert!(dataset.train.sensitive.is_none());
    // Every row once, with its own targets: y_real = x / 2 + 0.5 before scaling, so the pairs
    // (colour, y_class) and the real target identify the row.
    let mut reals: Vec<f32> = all_splits(&dataset)
        .iter()
        .flat_map(|s| match &s.targets[1] {
            Targets::Values(v) => v.clone(),
            Targets::Labels(_) => unreachable!(),
        })
        .collect();
    reals.sort_by(f32::total_cmp);
    assert_eq!(reals, (0..50).map(|i| i as f32 + 0.5).collect::<Vec<_>>());
    let batch = dataset
        .train
        .batch(
            &[0, 1, 2],
            candle_core::DType::F32,
            &candle_core::Device::Cpu,
        )
        .unwrap();
    assert_eq!(batch.input.dims(), &[3, 4]);
    assert_eq!(batch.targets[2].dtype(), candle_core::DType::U32);

    let unknown = DatasetOptions {
        losses: vec!["bce".into(), "l1".into(), "ce".into()],
        ..options.clone()
    };
    let error = load_dataset("tabular", &unknown).unwrap_err().to_string();
    assert!(
        error.contains("'l1'") && error.contains("bce, mse, ce"),
        "{error}"
    );
    let fewer = DatasetOptions {
        losses: vec!["bce".into()],
        ..options.clone()
    };
    assert!(matches!(
        load_dataset("tabular", &fewer).unwrap_err(),
        DataError::InvalidOption { .. }
    ));
    let not_binary = DatasetOptions {
        targets: vec!["y_class".into()],
        losses: vec!["bce".into()],
        ..options.clone()
    };
    let error = load_dataset("tabular", &not_binary).unwrap_err();
    assert!(
        matches!(&error, DataError::LabelOutOfRange { line: 4, value, .. } if value == "2"),
        "{error}"
    );
    let missing = DatasetOptions {
        targets: vec!["y".into()],
        losses: vec!["mse".into()],
        ..options.clone()
    };
    assert!(matches!(
        load_dataset("tabular", &missing).unwrap_err(),
        DataError::MissingColumn { .. }
    ));
    let empty_number = temp_file("gap.csv", b"x,y\n1,2\n,3\n");
    let gap = DatasetOptions {
        targets: vec!["y".into()],
        losses: vec!["mse".into()],
        ..with_data(&empty_number)
    };
    let error = load_dataset("tabular", &gap).unwrap_err();
    assert!(
        matches!(&error, DataError::NotNumeric { line: 3, value, .. } if value.is_empty()),
        "{error}"
    );
}

#[test]
fn libmoon_inputs_match_values_scaled_independently() {
    // Expected values from Python's `statistics.fmean` / `pstdev` over the whole shared file
    // (Compas: over the 6,172 rows of LibMOON's filter, stays from `datetime` differences'
    // `.days`), and the row's place from `libmoon_splits.json`: file row 0 of Adult is training
    // example 16,848; kept Compas rows 0 and 1 are training examples 3,147 and 735 (stays of 0
    // and 10 days).
    let options = DatasetOptions {
        preprocess: Preprocess::Libmoon,
        ..DatasetOptions::default()
    };
    let value = |dataset: &Dataset, row: usize, feature: &str| {
        let c = dataset
            .feature_names
            .iter()
            .position(|n| n == feature)
            .unwrap();
        f64::from(dataset.train.inputs[row * dataset.input_size() + c])
    };
    let adult = load_dataset("adult", &options).unwrap();
    for (feature, expected) in [
        ("age", 0.030_670_557_354_391_746),
        ("workclass_State-gov", 4.907_699_683_022_233),
    ] {
        let got = value(&adult, 16_848, feature);
        assert!(
            (got - expected).abs() < 1e-6 * expected.abs().max(1.0),
            "{feature}: {got}"
        );
    }
    let compas = load_dataset("compas", &options).unwrap();
    for (row, expected) in [
        (3_147, -0.313_191_104_329_198_56),
        (735, -0.099_011_308_211_681_65),
    ] {
        let got = value(&compas, row, "length_of_stay");
        assert!((got - expected).abs() < 1e-6, "row {row}: {got}");
    }
}
