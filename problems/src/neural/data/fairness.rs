//! The fairness tables Adult, Compas and Credit, with LibMOON's preprocessing or a clean one.
//!
//! Each set has one binary task (its label) and the sensitive attribute sex (0 male, 1 female),
//! which the fairness objective (DEO) reads. The filters and recodings follow LibMOON's loaders
//! (`libmoon/problem/mtl/loaders/*_loader.py`); see [`Preprocess`] for the two preprocessings.
//!
//! | set | rows | label | LibMOON input size | clean input size |
//! |---|---|---|---|---|
//! | Adult (`adult.data`) | 32,561 | `Salary` is `>50K` | 88 | 88 |
//! | Compas (filtered) | 6,172 | `two_year_recid` | 20 | 19 (no `is_recid`) |
//! | Credit | 30,000 | `default.payment.next.month` | 90 | 89 (no `ID`) |

use std::borrow::Cow;

use super::csv::Csv;
use super::idx::{gunzip_if_needed, read_maybe_gzip};
use super::table::{Column, SplitRows, check_nonempty, clean_split, encode};
use super::{DataError, Dataset, DatasetOptions, Preprocess, Result, Targets, TaskKind, TaskSpec};

const ADULT: &[u8] = include_bytes!("../../../data/adult/adult.data.gz");
const COMPAS: &[u8] = include_bytes!("../../../data/compas/compas.csv.gz");
const CREDIT: &[u8] = include_bytes!("../../../data/credit/credit.csv.gz");
const LIBMOON_SPLITS: &[u8] = include_bytes!("../../../data/libmoon_splits.json.gz");
const LIBMOON_SPLITS_NAME: &str = "problems/data/libmoon_splits.json.gz (embedded)";

/// The text of the user's file or of the embedded one, with the name errors use.
fn read_text(options: &DatasetOptions, embedded: &[u8], file: &str) -> Result<(String, String)> {
    let (bytes, name) = match &options.data {
        Some(path) => (read_maybe_gzip(path)?, path.display().to_string()),
        None => {
            let name = format!("problems/data/{file}.gz (embedded)");
            (gunzip_if_needed(embedded.to_vec(), &name)?, name)
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| DataError::Malformed {
        path: name.clone(),
        problem: format!("not UTF-8 text ({e})"),
    })?;
    Ok((text, name))
}

/// LibMOON's split of a set (scikit-learn's `train_test_split`, `random_state=1`: test 0.2,
/// then validation 0.125 of the rest), from the embedded indices.
fn libmoon_split(dataset: &str, rows: usize) -> Result<SplitRows> {
    let malformed = |problem: String| DataError::Malformed {
        path: LIBMOON_SPLITS_NAME.into(),
        problem,
    };
    let bytes = gunzip_if_needed(LIBMOON_SPLITS.to_vec(), LIBMOON_SPLITS_NAME)?;
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| malformed(e.to_string()))?;
    let set = &json["sets"][dataset];
    let expected = set["rows"]
        .as_u64()
        .ok_or_else(|| malformed(format!("no row count for {dataset}")))?
        as usize;
    if expected != rows {
        return Err(DataError::SplitRows {
            dataset: dataset.into(),
            expected,
            found: rows,
        });
    }
    let indices = |key: &str| -> Result<Vec<usize>> {
        set[key]
            .as_array()
            .ok_or_else(|| malformed(format!("no {key} indices for {dataset}")))?
            .iter()
            .map(|v| match v.as_u64() {
                Some(i) if (i as usize) < rows => Ok(i as usize),
                _ => Err(malformed(format!("{dataset}.{key}: bad index {v}"))),
            })
            .collect()
    };
    Ok(SplitRows {
        train: indices("train")?,
        val: indices("val")?,
        test: indices("test")?,
    })
}

/// A 0/1 code from a column's fields: `one` maps to 1, `zero` to 0, anything else is an error.
fn binary(csv: &Csv<'_>, column: &str, zero: &[&str], one: &[&str]) -> Result<Vec<u8>> {
    csv.column(column)?
        .iter()
        .enumerate()
        .map(|(r, field)| {
            let field: &str = field;
            if one.contains(&field) {
                Ok(1)
            } else if zero.contains(&field) {
                Ok(0)
            } else {
                Err(DataError::LabelOutOfRange {
                    path: csv.path.clone(),
                    line: csv.lines[r],
                    column: column.into(),
                    value: field.to_string(),
                    rule: format!("{} or {}", zero.join("/"), one.join("/")),
                })
            }
        })
        .collect()
}

fn strings(fields: &[Cow<'_, str>]) -> Vec<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

/// The shared tail of the three loaders: encode, scale, split, assemble.
struct Prepared {
    dataset: &'static str,
    label_name: &'static str,
    columns: Vec<(String, Column)>,
    labels: Vec<u8>,
    sensitive: Vec<u8>,
}

fn assemble(prepared: Prepared, options: &DatasetOptions) -> Result<Dataset> {
    let Prepared {
        dataset,
        label_name,
        columns,
        labels,
        sensitive,
    } = prepared;
    let n = labels.len();
    let mut encoded = encode(&columns);
    let rows = match options.preprocess {
        Preprocess::Libmoon => {
            if let Some(fraction) = options.val_fraction {
                return Err(DataError::InvalidOption {
                    dataset: dataset.into(),
                    what: "the validation fraction",
                    rule: "unset with --preprocess libmoon (LibMOON's split is fixed)".into(),
                    got: fraction.to_string(),
                });
            }
            encoded.standardize(&(0..n).collect::<Vec<_>>(), false);
            let rows = libmoon_split(dataset, n)?;
            check_nonempty(dataset, n, &rows, true)?;
            rows
        }
        Preprocess::Clean => {
            let rows = clean_split(dataset, n, options.seed, options.val_fraction)?;
            encoded.standardize(&rows.train, true);
            rows
        }
    };
    let targets = [Targets::Values(
        labels.iter().map(|&y| f32::from(y)).collect(),
    )];
    let make = |indices: &[usize]| encoded.split(indices, &targets, Some(sensitive.as_slice()));
    Ok(Dataset {
        name: dataset.into(),
        input_shape: vec![encoded.names.len()],
        feature_names: encoded.names.clone(),
        tasks: vec![TaskSpec {
            name: label_name.into(),
            kind: TaskKind::Binary,
        }],
        train: make(&rows.train),
        val: (!rows.val.is_empty()).then(|| make(&rows.val)),
        test: make(&rows.test),
    })
}

/// LibMOON's replacements of Adult's missing values (`?`): the column modes of the data.
const ADULT_MISSING: [(&str, &str); 3] = [
    ("workclass", "Private"),
    ("occupation", "Prof-specialty"),
    ("native-country", "United-States"),
];

/// LibMOON's grouping of Adult's education into 6 values.
fn adult_education(value: &str) -> &str {
    match value {
        "Preschool" | "1st-4th" | "5th-6th" | "7th-8th" | "9th" | "10th" | "11th" | "12th" => {
            "left"
        }
        "HS-grad" => "school",
        "Assoc-voc" | "Assoc-acdm" | "Prof-school" | "Some-college" => "higher",
        "Bachelors" => "undergrad",
        "Masters" => "grad",
        "Doctorate" => "doc",
        other => other,
    }
}

/// LibMOON's grouping of Adult's marital status into 2 values.
fn adult_marital(value: &str) -> &str {
    match value {
        "Married-civ-spouse" | "Married-AF-spouse" => "married",
        "Never-married" | "Divorced" | "Separated" | "Widowed" | "Married-spouse-absent" => {
            "not-married"
        }
        other => other,
    }
}

/// Loads UCI Adult (the embedded `adult.data`, or a CSV with the same header, such as
/// `adult.test` with a header line, whose labels end in a period): label `Salary` is `>50K`,
/// sensitive `sex`. `?` in workclass, occupation and native-country become their modes
/// (Private, Prof-specialty, United-States, as LibMOON); education is grouped into 6 values and
/// marital status into 2; every other text column is one-hot encoded. Input size 88 with either
/// preprocessing.
///
/// # Errors
/// A missing column, a non-numeric value in a numeric column, a label or sex outside its values,
/// an invalid option, LibMOON's split on a file of another row count.
pub fn load_adult(options: &DatasetOptions) -> Result<Dataset> {
    let (text, name) = read_text(options, ADULT, "adult/adult.data")?;
    let csv = Csv::parse(&text, &name)?;
    let mut columns = Vec::new();
    for column in [
        "age",
        "workclass",
        "fnlwgt",
        "education",
        "education-num",
        "marital-status",
        "occupation",
        "relationship",
        "race",
        "capital-gain",
        "capital-loss",
        "hours-per-week",
        "native-country",
    ] {
        let values = match column {
            "age" | "fnlwgt" | "education-num" | "capital-gain" | "capital-loss"
            | "hours-per-week" => Column::Numeric(csv.numeric(column)?),
            _ => {
                let missing = ADULT_MISSING.iter().find(|(c, _)| *c == column);
                Column::Categorical(
                    csv.column(column)?
                        .iter()
                        .map(|f| {
                            let f: &str = f;
                            let v: &str = match missing {
                                Some(&(_, mode)) if f == "?" => mode,
                                _ => f,
                            };
                            match column {
                                "education" => adult_education(v),
                                "marital-status" => adult_marital(v),
                                _ => v,
                            }
                            .to_string()
                        })
                        .collect(),
                )
            }
        };
        columns.push((column.to_string(), values));
    }
    let labels = binary(&csv, "Salary", &["<=50K", "<=50K."], &[">50K", ">50K."])?;
    let sensitive = binary(&csv, "sex", &["Male"], &["Female"])?;
    assemble(
        Prepared {
            dataset: "adult",
            label_name: "Salary",
            columns,
            labels,
            sensitive,
        },
        options,
    )
}

/// Seconds since 1970-01-01 of a `YYYY-MM-DD HH:MM:SS` time stamp (proleptic Gregorian, no time
/// zone), or `None` if it has another form.
fn timestamp(value: &str) -> Option<i64> {
    let (date, time) = value.split_once(' ')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (t.next()??, t.next()??, t.next()??);
    if d.next().is_some() || t.next().is_some() || !(1..=12).contains(&month) {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Loads ProPublica's COMPAS two-year recidivism data (the embedded 13-column file or one with
/// those columns): rows with −30 ≤ `days_b_screening_arrest` ≤ 30, `is_recid` ≠ −1,
/// `c_charge_degree` ≠ `O` and `score_text` ≠ `N/A` (6,172 of 7,214); `length_of_stay` = whole
/// days from `c_jail_in` to `c_jail_out` (floored, as pandas' `.dt.days`); label
/// `two_year_recid`, sensitive `sex`. LibMOON keeps `is_recid`, which leaks the label
/// (correlation 0.943): 20 inputs; the clean preprocessing drops it: 19.
///
/// # Errors
/// As [`load_adult`]; a time stamp of another form.
pub fn load_compas(options: &DatasetOptions) -> Result<Dataset> {
    let (text, name) = read_text(options, COMPAS, "compas/compas.csv")?;
    let csv = Csv::parse(&text, &name)?;
    let days = csv.column("days_b_screening_arrest")?;
    let is_recid = csv.column("is_recid")?;
    let degree = csv.column("c_charge_degree")?;
    let score = csv.column("score_text")?;
    let keep: Vec<usize> = (0..csv.rows())
        .filter(|&r| {
            days[r]
                .parse::<f64>()
                .is_ok_and(|d| (-30.0..=30.0).contains(&d))
                && is_recid[r].parse::<f64>().is_ok_and(|v| v != -1.0)
                && degree[r] != "O"
                && score[r] != "N/A"
                && !score[r].is_empty()
        })
        .collect();
    let numeric = |column: &str| -> Result<Vec<f64>> {
        let fields = csv.column(column)?;
        keep.iter()
            .map(|&r| csv.number(column, r, &fields[r]))
            .collect()
    };
    let categorical = |column: &str| -> Result<Vec<String>> {
        let fields = csv.column(column)?;
        Ok(keep.iter().map(|&r| fields[r].to_string()).collect())
    };
    let stamps = |column: &str| -> Result<Vec<i64>> {
        let fields = csv.column(column)?;
        keep.iter()
            .map(|&r| {
                timestamp(&fields[r]).ok_or_else(|| DataError::Malformed {
                    path: csv.path.clone(),
                    problem: format!(
                        "line {}: column '{column}' holds '{}', not a time YYYY-MM-DD HH:MM:SS",
                        csv.lines[r], fields[r]
                    ),
                })
            })
            .collect()
    };
    let jail_in = stamps("c_jail_in")?;
    let jail_out = stamps("c_jail_out")?;
    let length_of_stay = jail_in
        .iter()
        .zip(&jail_out)
        .map(|(&a, &b)| (b - a).div_euclid(86_400) as f64)
        .collect();
    let mut columns = vec![("age".to_string(), Column::Numeric(numeric("age")?))];
    for column in ["c_charge_degree", "race", "age_cat", "score_text"] {
        columns.push((column.into(), Column::Categorical(categorical(column)?)));
    }
    for column in ["priors_count", "days_b_screening_arrest", "decile_score"] {
        columns.push((column.into(), Column::Numeric(numeric(column)?)));
    }
    if options.preprocess == Preprocess::Libmoon {
        columns.push(("is_recid".into(), Column::Numeric(numeric("is_recid")?)));
    }
    columns.push(("length_of_stay".into(), Column::Numeric(length_of_stay)));
    let all_labels = binary(&csv, "two_year_recid", &["0"], &["1"])?;
    let all_sensitive = binary(&csv, "sex", &["Male"], &["Female"])?;
    assemble(
        Prepared {
            dataset: "compas",
            label_name: "two_year_recid",
            columns,
            labels: keep.iter().map(|&r| all_labels[r]).collect(),
            sensitive: keep.iter().map(|&r| all_sensitive[r]).collect(),
        },
        options,
    )
}

/// Loads the Taiwanese credit-card default data (Yeh & Lien 2009; the embedded file or one with
/// its columns): label `default.payment.next.month`, sensitive `SEX` (1 male → 0, 2 female → 1);
/// EDUCATION, MARRIAGE and PAY_0, PAY_2 … PAY_6 one-hot encoded (categories ordered by value).
/// LibMOON keeps the row number `ID` as a feature: 90 inputs; the clean preprocessing drops it: 89.
///
/// # Errors
/// As [`load_adult`].
pub fn load_credit(options: &DatasetOptions) -> Result<Dataset> {
    let (text, name) = read_text(options, CREDIT, "credit/credit.csv")?;
    let csv = Csv::parse(&text, &name)?;
    let categorical = [
        "EDUCATION",
        "MARRIAGE",
        "PAY_0",
        "PAY_2",
        "PAY_3",
        "PAY_4",
        "PAY_5",
        "PAY_6",
    ];
    let mut columns = Vec::new();
    let mut names = vec!["ID", "LIMIT_BAL"];
    names.extend(categorical.iter().take(2));
    names.push("AGE");
    names.extend(categorical.iter().skip(2));
    let amounts: Vec<String> = (1..=6)
        .map(|i| format!("BILL_AMT{i}"))
        .chain((1..=6).map(|i| format!("PAY_AMT{i}")))
        .collect();
    names.extend(amounts.iter().map(String::as_str));
    for column in names {
        if column == "ID" && options.preprocess == Preprocess::Clean {
            continue;
        }
        let values = if categorical.contains(&column) {
            // The categories must be numbers (pandas' `astype('category')` of an integer column).
            csv.numeric(column)?;
            Column::Categorical(strings(csv.column(column)?))
        } else {
            Column::Numeric(csv.numeric(column)?)
        };
        columns.push((column.to_string(), values));
    }
    let labels = binary(&csv, "default.payment.next.month", &["0"], &["1"])?;
    let sensitive = binary(&csv, "SEX", &["1"], &["2"])?;
    assemble(
        Prepared {
            dataset: "credit",
            label_name: "default.payment.next.month",
            columns,
            labels,
            sensitive,
        },
        options,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_count_seconds_from_1970() {
        assert_eq!(timestamp("1970-01-01 00:00:00"), Some(0));
        // 2000-03-01 is day 11,017 (30 years with 7 leap days = 10,957 days to 2000-01-01, then
        // 31 + 29 days).
        assert_eq!(timestamp("2000-03-01 00:00:01"), Some(11_017 * 86_400 + 1));
        assert_eq!(timestamp("2013-08-13"), None);
        assert_eq!(timestamp("2013-13-01 00:00:00"), None);
    }
}
