//! Data sets: MultiMNIST generated from MNIST, the fairness tables, a user's CSV; splits and minibatches.
//!
//! A [`Dataset`] holds a train, an optional validation and a test [`Split`], each a plain
//! row-major `f32` input matrix with one target vector per task (and the sensitive attribute for
//! the fairness sets). A trainer draws a deterministic permutation per epoch with
//! [`epoch_order`], cuts it into minibatches with [`batches`], and turns each into tensors with
//! [`Split::batch`]:
//!
//! ```no_run
//! use tradeoff_problems::neural::data::{DatasetOptions, batches, epoch_order, load_dataset};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dataset = load_dataset("adult", &DatasetOptions::default())?;
//! let device = candle_core::Device::Cpu;
//! for epoch in 0..2 {
//!     let order = epoch_order(0, epoch, dataset.train.len);
//!     for indices in batches(&order, 128) {
//!         let batch = dataset.train.batch(indices, candle_core::DType::F32, &device)?;
//!         assert_eq!(batch.input.dims(), &[indices.len(), 88]);
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Names: `multi-mnist`, `adult`, `compas`, `credit` and `tabular` (a user's CSV), through
//! [`load_dataset`]. The embedded files and their provenance are in `problems/data/`
//! (`PROVENANCE.md`).

mod csv;
mod error;
mod fairness;
mod idx;
mod multi_mnist;
mod table;
mod tabular;

use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};

pub use error::DataError;
pub use fairness::{load_adult, load_compas, load_credit};
pub use idx::{IdxImages, parse_idx_images, parse_idx_labels, read_idx_images, read_idx_labels};
pub use multi_mnist::{
    MULTI_MNIST_SEED, MultiMnistArrays, generate_multi_mnist, load_multi_mnist, multi_mnist_dataset,
};
pub use tabular::{LOSS_NAMES, load_tabular, parse_task_kind};

/// Result of the data loaders.
pub type Result<T> = std::result::Result<T, DataError>;

/// What a task's target is, and so which loss reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// A class label in `0..n` (cross-entropy); targets are [`Targets::Labels`].
    Classes(usize),
    /// A 0/1 label (binary cross-entropy with logits); targets are [`Targets::Values`] holding
    /// exactly `0.0` or `1.0`.
    Binary,
    /// A real value (mean squared error); targets are [`Targets::Values`].
    Regression,
}

/// One task of a data set: its name and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSpec {
    /// The task's name (`left`, `right`, a CSV column name).
    pub name: String,
    /// What its target is.
    pub kind: TaskKind,
}

/// The targets of one task over the examples of a split.
#[derive(Clone, Debug, PartialEq)]
pub enum Targets {
    /// Class labels, for [`TaskKind::Classes`].
    Labels(Vec<u32>),
    /// Real values, for [`TaskKind::Binary`] (0 or 1) and [`TaskKind::Regression`].
    Values(Vec<f32>),
}

impl Targets {
    /// Number of examples.
    pub fn len(&self) -> usize {
        match self {
            Self::Labels(labels) => labels.len(),
            Self::Values(values) => values.len(),
        }
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets of the examples at `indices`, in that order.
    fn gather(&self, indices: &[usize]) -> Self {
        match self {
            Self::Labels(labels) => Self::Labels(indices.iter().map(|&i| labels[i]).collect()),
            Self::Values(values) => Self::Values(indices.iter().map(|&i| values[i]).collect()),
        }
    }
}

/// The examples of one split (train, validation or test).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// The shape of one example's input (the data set's `input_shape`).
    pub input_shape: Vec<usize>,
    /// The inputs, row-major: `len × prod(input_shape)` values.
    pub inputs: Vec<f32>,
    /// One target vector per task, in the data set's task order, each of length `len`.
    pub targets: Vec<Targets>,
    /// The sensitive attribute (0 or 1; for the fairness sets sex: 0 male, 1 female), if any.
    pub sensitive: Option<Vec<u8>>,
    /// Number of examples.
    pub len: usize,
}

/// One minibatch as tensors.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The inputs, shape `[B, ...input_shape]`, in the requested dtype.
    pub input: Tensor,
    /// One tensor per task, shape `[B]`: `u32` labels for [`TaskKind::Classes`], the requested
    /// float dtype for [`TaskKind::Binary`] and [`TaskKind::Regression`].
    pub targets: Vec<Tensor>,
    /// The sensitive attribute as 0/1 in the requested float dtype, shape `[B]`, if the split has
    /// one.
    pub sensitive: Option<Tensor>,
}

impl Split {
    /// Number of input values per example (the product of `input_shape`).
    pub fn input_size(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Whether the split holds no example.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A split holding the examples at `indices` of this one, in that order.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Self {
        let size = self.input_size();
        let mut inputs = Vec::with_capacity(indices.len() * size);
        for &i in indices {
            inputs.extend_from_slice(&self.inputs[i * size..(i + 1) * size]);
        }
        Self {
            input_shape: self.input_shape.clone(),
            inputs,
            targets: self.targets.iter().map(|t| t.gather(indices)).collect(),
            sensitive: self
                .sensitive
                .as_ref()
                .map(|s| indices.iter().map(|&i| s[i]).collect()),
            len: indices.len(),
        }
    }

    /// The examples at `indices` as tensors on `device`: inputs and float targets in `dtype`,
    /// class labels as `u32`.
    ///
    /// # Errors
    /// [`DataError::IndexOutOfRange`] for an index `>= len`; candle's errors (an unsupported
    /// dtype or device).
    pub fn batch(&self, indices: &[usize], dtype: DType, device: &Device) -> Result<Batch> {
        if let Some(&index) = indices.iter().find(|&&i| i >= self.len) {
            return Err(DataError::IndexOutOfRange {
                index,
                len: self.len,
            });
        }
        let size = self.input_size();
        let mut inputs = Vec::with_capacity(indices.len() * size);
        for &i in indices {
            inputs.extend_from_slice(&self.inputs[i * size..(i + 1) * size]);
        }
        let mut shape = Vec::with_capacity(1 + self.input_shape.len());
        shape.push(indices.len());
        shape.extend_from_slice(&self.input_shape);
        let input = Tensor::from_vec(inputs, shape, device)?.to_dtype(dtype)?;
        let b = indices.len();
        let targets = self
            .targets
            .iter()
            .map(|targets| match targets.gather(indices) {
                Targets::Labels(labels) => Tensor::from_vec(labels, b, device),
                Targets::Values(values) => Tensor::from_vec(values, b, device)?.to_dtype(dtype),
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let sensitive = match &self.sensitive {
            Some(s) => {
                let values: Vec<f32> = indices.iter().map(|&i| f32::from(s[i])).collect();
                Some(Tensor::from_vec(values, b, device)?.to_dtype(dtype)?)
            }
            None => None,
        };
        Ok(Batch {
            input,
            targets,
            sensitive,
        })
    }
}

/// A data set: its tasks and its splits.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The registry name (`multi-mnist`, `adult`, `compas`, `credit`, `tabular`).
    pub name: String,
    /// The shape of one example's input: `[36, 36, 1]` (NHWC without the batch) for MultiMNIST,
    /// `[d]` for tables.
    pub input_shape: Vec<usize>,
    /// The name of every input column for tables (numeric columns first, then `column_value`
    /// for each one-hot column, as pandas' `get_dummies` orders them); empty for images.
    pub feature_names: Vec<String>,
    /// The tasks, in the order of each split's `targets`.
    pub tasks: Vec<TaskSpec>,
    /// The training split.
    pub train: Split,
    /// The validation split, if there is one.
    pub val: Option<Split>,
    /// The test split.
    pub test: Split,
}

impl Dataset {
    /// Number of input values per example (the product of `input_shape`).
    pub fn input_size(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// The splits that exist, with their names (`train`, `val`, `test`).
    pub fn splits(&self) -> Vec<(&'static str, &Split)> {
        let mut splits = vec![("train", &self.train)];
        if let Some(val) = &self.val {
            splits.push(("val", val));
        }
        splits.push(("test", &self.test));
        splits
    }
}

/// How the fairness tables are preprocessed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preprocess {
    /// A seeded 70/10/20 split of our own; the standard scaler fitted on the training split and
    /// applied to the numeric columns only (one-hot columns stay 0/1); Compas without the
    /// label-leaking `is_recid`, Credit without the row number `ID`.
    #[default]
    Clean,
    /// LibMOON's: one-hot of every categorical, the standard scaler fitted on the whole table and
    /// all columns (one-hot included) before the split, LibMOON's exact split indices
    /// (scikit-learn's `train_test_split`, `random_state=1`); Compas keeps `is_recid`, Credit
    /// keeps `ID`. Input sizes 88 (Adult), 20 (Compas), 90 (Credit).
    Libmoon,
}

impl Preprocess {
    /// The names accepted by [`Preprocess::parse`].
    pub const NAMES: [&'static str; 2] = ["clean", "libmoon"];

    /// Parses `clean` or `libmoon`.
    ///
    /// # Errors
    /// [`DataError::UnknownName`] listing the valid names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "clean" => Ok(Self::Clean),
            "libmoon" => Ok(Self::Libmoon),
            _ => Err(DataError::UnknownName {
                what: "preprocessing",
                name: name.to_string(),
                known: Self::NAMES.join(", "),
            }),
        }
    }

    /// The name (`clean` or `libmoon`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Libmoon => "libmoon",
        }
    }
}

/// Options of [`load_dataset`]. `DatasetOptions::default()` loads the embedded data with the clean
/// preprocessing, the default validation split and split seed 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DatasetOptions {
    /// A file to read instead of the embedded one (gzip or not): for `multi-mnist` an IDX image
    /// file (`*-images-idx3-ubyte[.gz]`, its labels file beside it with `labels-idx1` in the name)
    /// or a folder holding `t10k-images-idx3-ubyte[.gz]`; for the fairness sets a CSV with the
    /// columns of the embedded one; for `tabular` the user's CSV (required). Default: none.
    pub data: Option<PathBuf>,
    /// The fairness sets' preprocessing. Default [`Preprocess::Clean`]; `tabular` and
    /// `multi-mnist` accept only `Clean`.
    pub preprocess: Preprocess,
    /// The validation share, in `[0, 1)`. `multi-mnist`: none by default; a fraction takes the last
    /// `round(fraction × n)` training composites. Clean tables: default 0.1 of all rows (LibMOON's
    /// 70/10/20); 0 gives no validation split. `--preprocess libmoon` takes LibMOON's split and
    /// refuses this option.
    pub val_fraction: Option<f64>,
    /// Seed of the clean split's permutation (not of training). Default 0. MultiMNIST's
    /// generation always uses the recipe's seed [`MULTI_MNIST_SEED`].
    pub seed: u64,
    /// `tabular`: the target column names (at least one). Ignored by the other sets.
    pub targets: Vec<String>,
    /// `tabular`: one loss per target: `bce` (0/1 labels), `mse` (real values) or `ce`
    /// (class labels `0..n`, `n` = the largest label + 1). Ignored by the other sets.
    pub losses: Vec<String>,
}

/// The names [`load_dataset`] knows.
pub const DATASET_NAMES: [&str; 5] = ["multi-mnist", "adult", "compas", "credit", "tabular"];

/// Loads a data set by name: `multi-mnist`, `adult`, `compas`, `credit` or `tabular`.
///
/// # Errors
/// [`DataError::UnknownName`] listing the valid names; any loader's error (a file that cannot be
/// read, bad data, an invalid option).
pub fn load_dataset(name: &str, options: &DatasetOptions) -> Result<Dataset> {
    match name {
        "multi-mnist" => load_multi_mnist(options),
        "adult" => load_adult(options),
        "compas" => load_compas(options),
        "credit" => load_credit(options),
        "tabular" => load_tabular(options),
        _ => Err(DataError::UnknownName {
            what: "data set",
            name: name.to_string(),
            known: DATASET_NAMES.join(", "),
        }),
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the small generator behind every draw in this module
/// (the MultiMNIST recipe, the clean splits, the epoch orders), fixed here so that the data never
/// changes with a dependency's version.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose first output is `mix(seed + golden gamma)`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A draw in `0..n` as `next_u64() % n` (the bias, below `n / 2^64`, is negligible here).
    ///
    /// # Panics
    /// If `n == 0`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates shuffle from the last element down: `j = below(i + 1)`, swap `i` and `j`.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The order in which epoch `epoch` visits `n` training examples: a permutation of `0..n` that
/// depends only on `seed` and `epoch`, so a resumed run draws the same batches as an
/// uninterrupted one.
pub fn epoch_order(seed: u64, epoch: usize, n: usize) -> Vec<usize> {
    let key = SplitMix64::new(seed).next_u64() ^ (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut rng = SplitMix64::new(key);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    order
}

/// Cuts an epoch order into minibatches of `batch_size`, keeping the last partial batch (as
/// PyTorch's `DataLoader` with its default `drop_last=False`).
///
/// # Panics
/// If `batch_size == 0`.
pub fn batches(order: &[usize], batch_size: usize) -> std::slice::Chunks<'_, usize> {
    assert!(batch_size > 0, "batch size must be at least 1");
    order.chunks(batch_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_outputs() {
        // Vigna's splitmix64.c from state 0: its published first outputs (also the state
        // xoshiro256** starts from when seeded through SplitMix64 with 0).
        let mut rng = SplitMix64::new(0);
        let expected = [
            0xE220_A839_7B1D_CDAF_u64,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F,
            0xF88B_B8A8_724C_81EC,
        ];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }

    #[test]
    fn epoch_order_is_a_permutation_fixed_by_seed_and_epoch() {
        let a = epoch_order(7, 3, 1000);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_eq!(a, epoch_order(7, 3, 1000));
        assert_ne!(a, epoch_order(7, 4, 1000));
        assert_ne!(a, epoch_order(8, 3, 1000));
        assert!(epoch_order(1, 0, 0).is_empty());
        assert_eq!(epoch_order(1, 0, 1), vec![0]);
    }

    #[test]
    fn batches_keep_the_last_partial_batch() {
        let order: Vec<usize> = (0..10).collect();
        let sizes: Vec<usize> = batches(&order, 4).map(<[usize]>::len).collect();
        assert_eq!(sizes, vec![4, 4, 2]);
        let joined: Vec<usize> = batches(&order, 4).flatten().copied().collect();
        assert_eq!(joined, order);
    }

    fn toy_split() -> Split {
        Split {
            input_shape: vec![2],
            inputs: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            targets: vec![
                Targets::Labels(vec![7, 8, 9]),
                Targets::Values(vec![0.5, 1.5, 2.5]),
            ],
            sensitive: Some(vec![1, 0, 1]),
            len: 3,
        }
    }

    #[test]
    fn batch_gathers_rows_targets_and_sensitive_values() {
        let split = toy_split();
        let batch = split.batch(&[2, 0], DType::F64, &Device::Cpu).unwrap();
        assert_eq!(batch.input.dims(), &[2, 2]);
        assert_eq!(
            batch.input.to_vec2::<f64>().unwrap(),
            vec![vec![4.0, 5.0], vec![0.0, 1.0]]
        );
        assert_eq!(batch.targets[0].dtype(), DType::U32);
        assert_eq!(batch.targets[0].to_vec1::<u32>().unwrap(), vec![9, 7]);
        assert_eq!(batch.targets[1].to_vec1::<f64>().unwrap(), vec![2.5, 0.5]);
        let sensitive = batch.sensitive.unwrap();
        assert_eq!(sensitive.to_vec1::<f64>().unwrap(), vec![1.0, 1.0]);
        let subset = split.subset(&[1]);
        assert_eq!(subset.inputs, vec![2.0, 3.0]);
        assert_eq!(subset.sensitive, Some(vec![0]));
    }

    #[test]
    fn batch_refuses_an_index_out_of_range() {
        let error = toy_split()
            .batch(&[0, 3], DType::F32, &Device::Cpu)
            .unwrap_err();
        assert!(matches!(
            error,
            DataError::IndexOutOfRange { index: 3, len: 3 }
        ));
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let error = load_dataset("mnist", &DatasetOptions::default()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("'mnist'"), "{message}");
        for name in DATASET_NAMES {
            assert!(message.contains(name), "{message}");
        }
        let error = Preprocess::parse("raw").unwrap_err().to_string();
        assert!(error.contains("clean, libmoon"), "{error}");
    }
}
