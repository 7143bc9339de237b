//! A user's multi-task table: a CSV with named target columns, the other columns as features.
//!
//! `tradeoff train --problem tabular --data F.csv --targets y1,y2 --losses bce,mse`: every
//! column that is not a target is a feature; a feature column holding anything that is not a
//! number is categorical and one-hot encoded (categories in pandas' order), a numeric one is
//! standardised with the training split's mean and spread. Split and scaling as the fairness
//! sets' clean preprocessing (a seeded 70/10/20 split; see [`DatasetOptions`]).

use std::borrow::Cow;

use super::csv::Csv;
use super::idx::read_maybe_gzip;
use super::table::{Column, clean_split, encode};
use super::{DataError, Dataset, DatasetOptions, Preprocess, Result, Targets, TaskKind, TaskSpec};

/// The loss names a target may have and the task kind each implies.
pub const LOSS_NAMES: [&str; 3] = ["bce", "mse", "ce"];

/// The task kind of a loss name: `bce` → [`TaskKind::Binary`], `mse` → [`TaskKind::Regression`],
/// `ce` → [`TaskKind::Classes`] (with 0 classes until the labels are read).
///
/// # Errors
/// [`DataError::UnknownName`] listing the valid names.
pub fn parse_task_kind(loss: &str) -> Result<TaskKind> {
    match loss {
        "bce" => Ok(TaskKind::Binary),
        "mse" => Ok(TaskKind::Regression),
        "ce" => Ok(TaskKind::Classes(0)),
        _ => Err(DataError::UnknownName {
            what: "loss",
            name: loss.to_string(),
            known: LOSS_NAMES.join(", "),
        }),
    }
}

fn out_of_range(csv: &Csv<'_>, row: usize, column: &str, value: &str, rule: &str) -> DataError {
    DataError::LabelOutOfRange {
        path: csv.path.clone(),
        line: csv.lines[row],
        column: column.to_string(),
        value: value.to_string(),
        rule: rule.to_string(),
    }
}

/// The targets of one column for one task kind, and the kind with its class count filled in.
fn read_targets(csv: &Csv<'_>, column: &str, kind: TaskKind) -> Result<(TaskKind, Targets)> {
    let fields = csv.column(column)?;
    match kind {
        TaskKind::Regression => Ok((
            kind,
            Targets::Values(csv.numeric(column)?.into_iter().map(|v| v as f32).collect()),
        )),
        TaskKind::Binary => {
            let values = fields
                .iter()
                .enumerate()
                .map(|(r, f)| match f.parse::<f64>() {
                    Ok(v) if v == 0.0 || v == 1.0 => Ok(v as f32),
                    _ => Err(out_of_range(csv, r, column, f, "0 or 1 for bce")),
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((kind, Targets::Values(values)))
        }
        TaskKind::Classes(_) => {
            let labels = fields
                .iter()
                .enumerate()
                .map(|(r, f)| match f.parse::<u32>() {
                    Ok(v) if v < 1 << 24 => Ok(v),
                    _ => Err(out_of_range(
                        csv,
                        r,
                        column,
                        f,
                        "an integer label 0, 1, 2, … for ce",
                    )),
                })
                .collect::<Result<Vec<_>>>()?;
            let classes = labels.iter().max().map_or(0, |&m| m as usize + 1);
            if classes < 2 {
                return Err(DataError::InvalidOption {
                    dataset: csv.path.clone(),
                    what: "a ce target",
                    rule: "at least two classes".into(),
                    got: format!("'{column}' with {classes}"),
                });
            }
            Ok((TaskKind::Classes(classes), Targets::Labels(labels)))
        }
    }
}

/// A feature column: numeric when every field is a number, except empty fields, which are then an
/// error; categorical as soon as one non-empty field is not a number.
fn feature(csv: &Csv<'_>, index: usize) -> Result<Column> {
    let name = &csv.header[index];
    let fields: &[Cow<'_, str>] = csv.column_at(index);
    let categorical = fields
        .iter()
        .any(|f| !f.is_empty() && f.parse::<f64>().is_err());
    if categorical {
        return Ok(Column::Categorical(
            fields.iter().map(|f| f.to_string()).collect(),
        ));
    }
    Ok(Column::Numeric(
        fields
            .iter()
            .enumerate()
            .map(|(r, f)| csv.number(name, r, f))
            .collect::<Result<_>>()?,
    ))
}

/// Loads a user's CSV (`options.data`, gzip or not) with the target columns `options.targets`
/// and one loss per target in `options.losses` (`bce`, `mse`, `ce`): every other column is a
/// feature. A clean seeded split (`options.seed`, `options.val_fraction`), the numeric features
/// standardised on the training split. No sensitive attribute.
///
/// # Errors
/// [`DataError::InvalidOption`] without a file, without targets, with a different number of
/// losses, with a repeated target, with no feature left, or with `--preprocess libmoon`;
/// [`DataError::UnknownName`] for a loss; the file's errors (a missing column, a value that is
/// not a number, a label out of range, an empty split).
pub fn load_tabular(options: &DatasetOptions) -> Result<Dataset> {
    let invalid = |what: &'static str, rule: &str, got: String| DataError::InvalidOption {
        dataset: "tabular".into(),
        what,
        rule: rule.into(),
        got,
    };
    let path = options
        .data
        .as_ref()
        .ok_or_else(|| invalid("the data file", "given (--data F.csv)", "none".into()))?;
    if options.preprocess != Preprocess::Clean {
        return Err(invalid(
            "the preprocessing",
            "clean (LibMOON's applies to adult, compas, credit)",
            options.preprocess.name().into(),
        ));
    }
    if options.targets.is_empty() {
        return Err(invalid(
            "the targets",
            "at least one column (--targets y1,y2)",
            "none".into(),
        ));
    }
    if options.losses.len() != options.targets.len() {
        return Err(invalid(
            "the losses",
            &format!("one per target ({})", options.targets.len()),
            format!("{} ({})", options.losses.len(), options.losses.join(",")),
        ));
    }
    for (i, t) in options.targets.iter().enumerate() {
        if options.targets[..i].contains(t) {
            return Err(invalid("the targets", "distinct columns", t.clone()));
        }
    }
    let kinds = options
        .losses
        .iter()
        .map(|l| parse_task_kind(l))
        .collect::<Result<Vec<_>>>()?;
    let name = path.display().to_string();
    let bytes = read_maybe_gzip(path)?;
    let text = String::from_utf8(bytes).map_err(|e| DataError::Malformed {
        path: name.clone(),
        problem: format!("not UTF-8 text ({e})"),
    })?;
    let csv = Csv::parse(&text, &name)?;
    if csv.rows() == 0 {
        return Err(DataError::Empty { path: name });
    }
    let mut tasks = Vec::new();
    let mut targets = Vec::new();
    for (target, kind) in options.targets.iter().zip(kinds) {
        let (kind, values) = read_targets(&csv, target, kind)?;
        tasks.push(TaskSpec {
            name: target.clone(),
            kind,
        });
        targets.push(values);
    }
    let mut columns = Vec::new();
    for (index, column) in csv.header.iter().enumerate() {
        if !options.targets.contains(column) {
            columns.push((column.clone(), feature(&csv, index)?));
        }
    }
    if columns.is_empty() {
        return Err(invalid(
            "the feature columns",
            "at least one column besides the targets",
            "none".into(),
        ));
    }
    let rows = clean_split("tabular", csv.rows(), options.seed, options.val_fraction)?;
    let mut encoded = encode(&columns);
    encoded.standardize(&rows.train, true);
    let make = |indices: &[usize]| encoded.split(indices, &targets, None);
    Ok(Dataset {
        name: "tabular".into(),
        input_shape: vec![encoded.names.len()],
        feature_names: encoded.names.clone(),
        tasks,
        train: make(&rows.train),
        val: (!rows.val.is_empty()).then(|| make(&rows.val)),
        test: make(&rows.test),
    })
}
