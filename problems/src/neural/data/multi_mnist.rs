//! MultiMNIST: two different MNIST digits overlaid on a 36×36 canvas, generated deterministically.
//!
//! ParetoMTL's set (Lin et al. 2019, after Sener & Koltun 2018) was published only as a pickle,
//! with no generator. This recipe rebuilds a set of the same kind from the MNIST test images:
//! - SplitMix64 seeded with 2024 ([`MULTI_MNIST_SEED`]), bounded draws `next() % n`;
//! - a Fisher–Yates shuffle of the `N` images; the first `4N/5` are the train source, the rest the
//!   test source;
//! - composite `k` of a source: left = `source[k mod len]`; right drawn uniformly from the same
//!   source until its label differs from the left one; offsets: left `(dy, dx)` in `[0,4]²`,
//!   right in `[4,8]²`; pixel-wise maximum on a zeroed 36×36 `u8` canvas; labels (left, right);
//! - `3 × len` composites from the train source and `2 × len` from the test source: 24,000 train
//!   and 4,000 test from MNIST's 10,000 test images;
//! - the network input is pixel / 255, NHWC `[36, 36, 1]`.

use std::path::{Path, PathBuf};

use super::idx::{gunzip_if_needed, parse_idx_images, parse_idx_labels};
use super::{
    DataError, Dataset, DatasetOptions, IdxImages, Preprocess, Result, Split, SplitMix64, Targets,
    TaskKind, TaskSpec,
};

/// The recipe's seed.
pub const MULTI_MNIST_SEED: u64 = 2024;

/// Side of the canvas: a 28×28 digit shifted by up to 8 pixels.
const CANVAS: usize = 36;
/// Side of an MNIST digit.
const DIGIT: usize = 28;
/// Composites per training source image (8,000 images → 24,000).
const TRAIN_COMPOSITES_PER_IMAGE: usize = 3;
/// Composites per test source image (2,000 images → 4,000).
const TEST_COMPOSITES_PER_IMAGE: usize = 2;

/// The embedded MNIST test images (`problems/data/mnist/`, see `PROVENANCE.md`).
const MNIST_TEST_IMAGES: &[u8] = include_bytes!("../../../data/mnist/t10k-images-idx3-ubyte.gz");
/// The embedded MNIST test labels.
const MNIST_TEST_LABELS: &[u8] = include_bytes!("../../../data/mnist/t10k-labels-idx1-ubyte.gz");
const EMBEDDED_IMAGES_NAME: &str = "problems/data/mnist/t10k-images-idx3-ubyte.gz (embedded)";
const EMBEDDED_LABELS_NAME: &str = "problems/data/mnist/t10k-labels-idx1-ubyte.gz (embedded)";

/// The generated composites as `u8` arrays, before scaling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiMnistArrays {
    /// Training images, `n_train × 36 × 36`.
    pub train_images: Vec<u8>,
    /// Training labels, `n_train × 2` (left, right).
    pub train_labels: Vec<u8>,
    /// Test images, `n_test × 36 × 36`.
    pub test_images: Vec<u8>,
    /// Test labels, `n_test × 2`.
    pub test_labels: Vec<u8>,
}

/// Checks that the images are 28×28 and the labels digits, one per image.
fn check_source(images: &IdxImages, labels: &[u8], labels_name: &str) -> Result<()> {
    if images.rows != DIGIT || images.cols != DIGIT {
        return Err(DataError::InvalidOption {
            dataset: "multi-mnist".into(),
            what: "the image size",
            rule: "28×28".into(),
            got: format!("{}×{}", images.rows, images.cols),
        });
    }
    if labels.len() != images.count {
        return Err(DataError::CountMismatch {
            path: labels_name.to_string(),
            images: images.count,
            labels: labels.len(),
        });
    }
    if let Some((i, &label)) = labels.iter().enumerate().find(|&(_, &l)| l > 9) {
        return Err(DataError::LabelOutOfRange {
            path: labels_name.to_string(),
            line: i + 1,
            column: "label".into(),
            value: label.to_string(),
            rule: "0 to 9".into(),
        });
    }
    Ok(())
}

fn composites(
    source: &[usize],
    images: &IdxImages,
    labels: &[u8],
    per_image: usize,
    rng: &mut SplitMix64,
) -> (Vec<u8>, Vec<u8>) {
    let n = per_image * source.len();
    let mut canvas = vec![0u8; n * CANVAS * CANVAS];
    let mut pair = Vec::with_capacity(2 * n);
    for k in 0..n {
        let left = source[k % source.len()];
        let right = loop {
            let candidate = source[rng.below(source.len())];
            if labels[candidate] != labels[left] {
                break candidate;
            }
        };
        let offsets = [
            (rng.below(5), rng.below(5)),
            (4 + rng.below(5), 4 + rng.below(5)),
        ];
        let image = &mut canvas[k * CANVAS * CANVAS..(k + 1) * CANVAS * CANVAS];
        for (digit, (dy, dx)) in [left, right].into_iter().zip(offsets) {
            let pixels = images.image(digit);
            for row in 0..DIGIT {
                let target = &mut image[(dy + row) * CANVAS + dx..(dy + row) * CANVAS + dx + DIGIT];
                for (t, &p) in target
                    .iter_mut()
                    .zip(&pixels[row * DIGIT..(row + 1) * DIGIT])
                {
                    *t = (*t).max(p);
                }
            }
        }
        pair.push(labels[left]);
        pair.push(labels[right]);
    }
    (canvas, pair)
}

/// Generates MultiMNIST from 28×28 digit images and their labels by the module's recipe
/// (seed `seed`; the recipe's is [`MULTI_MNIST_SEED`]).
///
/// # Errors
/// [`DataError::InvalidOption`] for images that are not 28×28 or a source without two different
/// labels (no right digit could be drawn); [`DataError::CountMismatch`] and
/// [`DataError::LabelOutOfRange`] for labels that do not fit the images.
pub fn generate_multi_mnist(
    images: &IdxImages,
    labels: &[u8],
    seed: u64,
) -> Result<MultiMnistArrays> {
    check_source(images, labels, "labels")?;
    let mut rng = SplitMix64::new(seed);
    let mut order: Vec<usize> = (0..images.count).collect();
    rng.shuffle(&mut order);
    let n_train_source = images.count * 4 / 5;
    let (train_source, test_source) = order.split_at(n_train_source);
    for (split, source) in [("train", train_source), ("test", test_source)] {
        let first = source.first().map(|&i| labels[i]);
        if !source.iter().any(|&i| Some(labels[i]) != first) {
            return Err(DataError::InvalidOption {
                dataset: "multi-mnist".into(),
                what: "the source images",
                rule: format!("of at least two digits in the {split} source"),
                got: format!("{} images", source.len()),
            });
        }
    }
    let (train_images, train_labels) = composites(
        train_source,
        images,
        labels,
        TRAIN_COMPOSITES_PER_IMAGE,
        &mut rng,
    );
    let (test_images, test_labels) = composites(
        test_source,
        images,
        labels,
        TEST_COMPOSITES_PER_IMAGE,
        &mut rng,
    );
    Ok(MultiMnistArrays {
        train_images,
        train_labels,
        test_images,
        test_labels,
    })
}

fn split_from(images: &[u8], labels: &[u8]) -> Split {
    let len = labels.len() / 2;
    let left = labels.iter().step_by(2).map(|&l| u32::from(l)).collect();
    let right = labels
        .iter()
        .skip(1)
        .step_by(2)
        .map(|&l| u32::from(l))
        .collect();
    Split {
        input_shape: vec![CANVAS, CANVAS, 1],
        inputs: images.iter().map(|&p| f32::from(p) / 255.0).collect(),
        targets: vec![Targets::Labels(left), Targets::Labels(right)],
        sensitive: None,
        len,
    }
}

/// The MultiMNIST [`Dataset`] from generated arrays: inputs pixel / 255 in NHWC `[36, 36, 1]`,
/// tasks `left` and `right` (10 classes each), and with `val_fraction` a validation split of the
/// last `round(fraction × n_train)` training composites.
///
/// # Errors
/// [`DataError::InvalidOption`] for a fraction outside `[0, 1)`; [`DataError::EmptySplit`] when
/// a split would be empty.
pub fn multi_mnist_dataset(
    arrays: &MultiMnistArrays,
    val_fraction: Option<f64>,
) -> Result<Dataset> {
    let pixels = CANVAS * CANVAS;
    let n_train = arrays.train_labels.len() / 2;
    let n_val = validation_count("multi-mnist", val_fraction, n_train)?;
    let n_fit = n_train - n_val;
    let train = split_from(
        &arrays.train_images[..n_fit * pixels],
        &arrays.train_labels[..2 * n_fit],
    );
    let val = (n_val > 0).then(|| {
        split_from(
            &arrays.train_images[n_fit * pixels..],
            &arrays.train_labels[2 * n_fit..],
        )
    });
    let test = split_from(&arrays.test_images, &arrays.test_labels);
    let total = n_train + test.len;
    for (name, len) in [("train", train.len), ("test", test.len)] {
        if len == 0 {
            return Err(DataError::EmptySplit {
                dataset: "multi-mnist".into(),
                split: name,
                rows: total,
            });
        }
    }
    Ok(Dataset {
        name: "multi-mnist".into(),
        input_shape: vec![CANVAS, CANVAS, 1],
        feature_names: Vec::new(),
        tasks: ["left", "right"]
            .into_iter()
            .map(|name| TaskSpec {
                name: name.into(),
                kind: TaskKind::Classes(10),
            })
            .collect(),
        train,
        val,
        test,
    })
}

/// `round(fraction × n)` after checking that the fraction lies in `[0, 1)`; 0 without one.
pub(crate) fn validation_count(dataset: &str, fraction: Option<f64>, n: usize) -> Result<usize> {
    match fraction {
        None => Ok(0),
        Some(f) if (0.0..1.0).contains(&f) => Ok((f * n as f64).round() as usize),
        Some(f) => Err(DataError::InvalidOption {
            dataset: dataset.to_string(),
            what: "the validation fraction",
            rule: "in [0, 1)".into(),
            got: f.to_string(),
        }),
    }
}

/// The label file that goes with an image file: `images-idx3` replaced by `labels-idx1` in its
/// name.
fn labels_path_for(images: &Path) -> Option<PathBuf> {
    let name = images.file_name()?.to_str()?;
    name.contains("images-idx3")
        .then(|| images.with_file_name(name.replace("images-idx3", "labels-idx1")))
}

/// Finds the image file in a folder: MNIST's test file, else its training file, gzip or not.
fn images_in_folder(folder: &Path) -> Option<PathBuf> {
    ["t10k", "train"].iter().find_map(|prefix| {
        ["-images-idx3-ubyte.gz", "-images-idx3-ubyte"]
            .iter()
            .map(|suffix| folder.join(format!("{prefix}{suffix}")))
            .find(|p| p.is_file())
    })
}

/// Loads MultiMNIST: generated from the embedded MNIST test images, or from the IDX files at
/// `options.data` (an image file with its label file beside it, or a folder holding them).
///
/// # Errors
/// [`DataError::InvalidOption`] for `--preprocess libmoon` or a bad validation fraction; the IDX
/// reader's errors; [`DataError::Io`] for a missing file.
pub fn load_multi_mnist(options: &DatasetOptions) -> Result<Dataset> {
    if options.preprocess != Preprocess::Clean {
        return Err(DataError::InvalidOption {
            dataset: "multi-mnist".into(),
            what: "the preprocessing",
            rule: "clean (LibMOON's applies to adult, compas, credit)".into(),
            got: options.preprocess.name().into(),
        });
    }
    let (images_bytes, images_name, labels_bytes, labels_name) = match &options.data {
        None => (
            gunzip_if_needed(MNIST_TEST_IMAGES.to_vec(), EMBEDDED_IMAGES_NAME)?,
            EMBEDDED_IMAGES_NAME.to_string(),
            gunzip_if_needed(MNIST_TEST_LABELS.to_vec(), EMBEDDED_LABELS_NAME)?,
            EMBEDDED_LABELS_NAME.to_string(),
        ),
        Some(path) => {
            let images = if path.is_dir() {
                images_in_folder(path).ok_or_else(|| DataError::Io {
                    path: path.display().to_string(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no t10k- or train-images-idx3-ubyte[.gz] in this folder",
                    ),
                })?
            } else {
                path.clone()
            };
            let labels = labels_path_for(&images).ok_or_else(|| DataError::Io {
                path: images.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the image file's name must contain 'images-idx3' (its label file has \
                     'labels-idx1' in its place)",
                ),
            })?;
            (
                super::idx::read_maybe_gzip(&images)?,
                images.display().to_string(),
                super::idx::read_maybe_gzip(&labels)?,
                labels.display().to_string(),
            )
        }
    };
    let images = parse_idx_images(&images_bytes, &images_name)?;
    let labels = parse_idx_labels(&labels_bytes, &labels_name)?;
    check_source(&images, &labels, &labels_name)?;
    let arrays = generate_multi_mnist(&images, &labels, MULTI_MNIST_SEED)?;
    multi_mnist_dataset(&arrays, options.val_fraction)
}
