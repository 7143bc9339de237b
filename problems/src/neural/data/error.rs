//! Errors of the data loaders: one line each, naming the file (or data set) and the problem.

/// What can go wrong when loading or batching a data set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A file could not be read or decompressed.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's or the decompressor's error.
        #[source]
        source: std::io::Error,
    },
    /// An IDX file starts with the wrong magic number.
    #[error("{path}: wrong magic number {found} for an IDX {what} file (expected {expected})")]
    BadMagic {
        /// The file.
        path: String,
        /// `images` or `labels`.
        what: &'static str,
        /// The number found.
        found: u32,
        /// The number required (2051 for images, 2049 for labels).
        expected: u32,
    },
    /// A file is shorter than its header says.
    #[error("{path}: truncated: {expected} bytes expected, {found} found")]
    Truncated {
        /// The file.
        path: String,
        /// The length the header requires.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// An image file and its label file hold different counts.
    #[error("{path}: {labels} labels for {images} images")]
    CountMismatch {
        /// The label file.
        path: String,
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A file holds no data (no header line, no row, no image).
    #[error("{path}: no data")]
    Empty {
        /// The file.
        path: String,
    },
    /// A required column is missing from a CSV file.
    #[error("{path}: missing column '{column}' (columns: {available})")]
    MissingColumn {
        /// The file.
        path: String,
        /// The column required.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// A CSV row has a different number of fields than the header.
    #[error("{path}: line {line}: {found} fields, the header has {expected}")]
    RaggedRow {
        /// The file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// The header's field count.
        expected: usize,
        /// The row's field count.
        found: usize,
    },
    /// A value that must be a number is not one.
    #[error("{path}: line {line}: column '{column}' holds '{value}', not a number")]
    NotNumeric {
        /// The file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// The column.
        column: String,
        /// The value found.
        value: String,
    },
    /// A label is not one of the values its task allows.
    #[error("{path}: line {line}: label '{value}' of '{column}' is out of range ({rule})")]
    LabelOutOfRange {
        /// The file.
        path: String,
        /// The 1-based line number (for IDX files, the 1-based item number).
        line: usize,
        /// The column (or `label` for IDX files).
        column: String,
        /// The label found.
        value: String,
        /// What is allowed, e.g. `0 to 9`.
        rule: String,
    },
    /// A split has no example.
    #[error("{dataset}: the {split} split is empty ({rows} rows in all)")]
    EmptySplit {
        /// The data set.
        dataset: String,
        /// `train`, `val` or `test`.
        split: &'static str,
        /// Rows in the whole data set.
        rows: usize,
    },
    /// LibMOON's split indices do not fit the data's row count.
    #[error(
        "{dataset}: LibMOON's split indices are for {expected} rows, the data has {found} \
         (use --preprocess clean for another file)"
    )]
    SplitRows {
        /// The data set.
        dataset: String,
        /// LibMOON's row count.
        expected: usize,
        /// The data's row count.
        found: usize,
    },
    /// A name (data set, preprocessing, loss) is unknown.
    #[error("unknown {what} '{name}' (known: {known})")]
    UnknownName {
        /// What was named: `data set`, `preprocessing`, `loss`.
        what: &'static str,
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        known: String,
    },
    /// An option has an invalid value for this data set.
    #[error("{dataset}: {what} must be {rule}, got {got}")]
    InvalidOption {
        /// The data set.
        dataset: String,
        /// The option.
        what: &'static str,
        /// The rule.
        rule: String,
        /// The value given.
        got: String,
    },
    /// A file's content does not have the expected form (e.g. the embedded split indices).
    #[error("{path}: {problem}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A batch index is not an example of the split.
    #[error("batch index {index} is out of range for a split of {len} examples")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// The split's size.
        len: usize,
    },
    /// candle failed to build a tensor.
    #[error(transparent)]
    Tensor(#[from] candle_core::Error),
}
