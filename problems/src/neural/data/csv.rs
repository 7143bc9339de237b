//! A small CSV reader: a header line, comma-separated fields, optional double quotes.
//!
//! Fields are trimmed of surrounding spaces (UCI Adult separates them with `", "`); a field in
//! double quotes may hold commas, and `""` inside it stands for one quote. Blank lines are
//! skipped. A quoted field cannot span lines.

use std::borrow::Cow;

use super::{DataError, Result};

/// A parsed CSV text: its header and its rows, column by column.
pub(crate) struct Csv<'a> {
    /// The file's name, for errors.
    pub path: String,
    /// The column names.
    pub header: Vec<String>,
    /// `columns[c][r]`: the field of column `c` in row `r`.
    columns: Vec<Vec<Cow<'a, str>>>,
    /// The 1-based line number of each row.
    pub lines: Vec<usize>,
}

fn split_fields(line: &str) -> Vec<Cow<'_, str>> {
    if !line.contains('"') {
        return line.split(',').map(|f| Cow::Borrowed(f.trim())).collect();
    }
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        if let Some(inner) = trimmed.strip_prefix('"') {
            // A quoted field: up to the closing quote that is not doubled.
            let mut value = String::new();
            let mut chars = inner.char_indices().peekable();
            let mut end = inner.len();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if matches!(chars.peek(), Some((_, '"'))) {
                        value.push('"');
                        chars.next();
                    } else {
                        end = i + 1;
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            fields.push(Cow::Owned(value));
            let after = &inner[end..];
            match after.find(',') {
                Some(comma) => rest = &after[comma + 1..],
                None => return fields,
            }
        } else {
            match rest.find(',') {
                Some(comma) => {
                    fields.push(Cow::Borrowed(rest[..comma].trim()));
                    rest = &rest[comma + 1..];
                }
                None => {
                    fields.push(Cow::Borrowed(rest.trim()));
                    return fields;
                }
            }
        }
    }
}

impl<'a> Csv<'a> {
    /// Parses `text`; `path` names the file in errors.
    ///
    /// # Errors
    /// [`DataError::Empty`] without a header line; [`DataError::RaggedRow`] for a row whose field
    /// count differs from the header's.
    pub fn parse(text: &'a str, path: &str) -> Result<Self> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header_line) = lines.next().ok_or_else(|| DataError::Empty {
            path: path.to_string(),
        })?;
        let header: Vec<String> = split_fields(header_line.trim_start_matches('\u{feff}'))
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        let mut columns: Vec<Vec<Cow<'a, str>>> = vec![Vec::new(); header.len()];
        let mut numbers = Vec::new();
        for (i, line) in lines {
            let fields = split_fields(line);
            if fields.len() != header.len() {
                return Err(DataError::RaggedRow {
                    path: path.to_string(),
                    line: i + 1,
                    expected: header.len(),
                    found: fields.len(),
                });
            }
            for (column, field) in columns.iter_mut().zip(fields) {
                column.push(field);
            }
            numbers.push(i + 1);
        }
        Ok(Self {
            path: path.to_string(),
            header,
            columns,
            lines: numbers,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// The index of a column.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`] listing the header.
    pub fn index(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| DataError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                available: self.header.join(", "),
            })
    }

    /// The fields of a column.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`].
    pub fn column(&self, name: &str) -> Result<&[Cow<'a, str>]> {
        Ok(&self.columns[self.index(name)?])
    }

    /// The fields of the column at `index`.
    pub fn column_at(&self, index: usize) -> &[Cow<'a, str>] {
        &self.columns[index]
    }

    /// A column parsed as numbers.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`]; [`DataError::NotNumeric`] naming the first field that is not
    /// a finite number.
    pub fn numeric(&self, name: &str) -> Result<Vec<f64>> {
        self.column(name)?
            .iter()
            .enumerate()
            .map(|(r, field)| self.number(name, r, field))
            .collect()
    }

    /// A field parsed as a finite number.
    ///
    /// # Errors
    /// [`DataError::NotNumeric`].
    pub fn number(&self, column: &str, row: usize, field: &str) -> Result<f64> {
        match field.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(DataError::NotNumeric {
                path: self.path.clone(),
                line: self.lines[row],
                column: column.to_string(),
                value: field.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_trimmed_and_quotes_removed() {
        assert_eq!(split_fields(" a, b ,c"), vec!["a", "b", "c"]);
        assert_eq!(
            split_fields(r#""x, y", "say ""hi""",3,"#),
            vec!["x, y", r#"say "hi""#, "3", ""]
        );
    }

    #[test]
    fn rows_keep_their_line_numbers_and_blank_lines_are_skipped() {
        let csv = Csv::parse("a,b\n1,2\n\n3,4\n", "t.csv").unwrap();
        assert_eq!(csv.rows(), 2);
        assert_eq!(csv.lines, vec![2, 4]);
        assert_eq!(csv.numeric("b").unwrap(), vec![2.0, 4.0]);
    }

    #[test]
    fn bad_files_give_one_line_errors_naming_the_file() {
        let ragged = Csv::parse("a,b\n1,2\n3\n", "r.csv").err().unwrap();
        assert_eq!(
            ragged.to_string(),
            "r.csv: line 3: 1 fields, the header has 2"
        );
        let csv = Csv::parse("a,b\n1,x\n", "n.csv").unwrap();
        assert_eq!(
            csv.numeric("b").unwrap_err().to_string(),
            "n.csv: line 2: column 'b' holds 'x', not a number"
        );
        assert_eq!(
            csv.column("c").unwrap_err().to_string(),
            "n.csv: missing column 'c' (columns: a, b)"
        );
        assert!(matches!(
            Csv::parse("\n\n", "e.csv").err().unwrap(),
            DataError::Empty { .. }
        ));
    }
}
