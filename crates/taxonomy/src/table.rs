//! Reading delimited tables by header name, with file and line in every error.

use std::collections::HashMap;
use std::io::Read;

use crate::TaxonomyError;

/// Where a parser gets its tables from: a directory of files, an archive, or memory in tests.
pub trait TableSource {
    /// Opens the named table, or `Ok(None)` when the source does not have it.
    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, TaxonomyError>;
}

/// Tables held in memory, keyed by file name. Used for the built-in starter set and in tests.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    files: HashMap<String, Vec<u8>>,
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn with(mut self, name: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(name.to_owned(), content.into());
        self
    }
}

impl TableSource for MemorySource {
    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, TaxonomyError> {
        Ok(self
            .files
            .get(name)
            .map(|bytes| Box::new(bytes.as_slice()) as Box<dyn Read + '_>))
    }
}

/// The field separator of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// Tab-separated (O*NET text release), no quoting.
    Tab,
    /// Comma-separated with RFC 4180 quoting (ESCO export); quoted fields may hold newlines.
    Comma,
    /// Tab-separated with RFC 4180 quoting (tables written by pandas).
    TabQuoted,
}

/// A table being read row by row, with columns looked up by header name.
pub struct Table<'a> {
    file: String,
    reader: csv::Reader<Box<dyn Read + 'a>>,
    headers: Vec<String>,
    record: csv::StringRecord,
    line: u64,
}

impl<'a> Table<'a> {
    /// Starts reading `reader` as the table `file`. A UTF-8 byte-order mark is skipped.
    pub fn new(
        file: &str,
        reader: Box<dyn Read + 'a>,
        delimiter: Delimiter,
    ) -> Result<Self, TaxonomyError> {
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(true).flexible(false);
        match delimiter {
            Delimiter::Tab => {
                // O*NET text files are not quoted: a `"` inside a task statement is a literal.
                builder.delimiter(b'\t').quoting(false);
            }
            Delimiter::Comma => {
                builder.delimiter(b',');
            }
            Delimiter::TabQuoted => {
                builder.delimiter(b'\t');
            }
        }
        let mut reader = builder.from_reader(reader);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                h.trim().to_owned()
            })
            .collect::<Vec<_>>();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(TaxonomyError::BadRow {
                file: file.to_owned(),
                line: 1,
                message: "the file is empty or has no header row".to_owned(),
            });
        }
        Ok(Self {
            file: file.to_owned(),
            reader,
            headers,
            record: csv::StringRecord::new(),
            line: 1,
        })
    }

    /// Opens `name` from `source`; a missing file is an error naming it.
    pub fn open_required(
        source: &'a dyn TableSource,
        name: &str,
        delimiter: Delimiter,
    ) -> Result<Self, TaxonomyError> {
        match source.open(name)? {
            Some(reader) => Self::new(name, reader, delimiter),
            None => Err(TaxonomyError::MissingFile {
                file: name.to_owned(),
            }),
        }
    }

    /// Opens `name` from `source` if it is there.
    pub fn open_optional(
        source: &'a dyn TableSource,
        name: &str,
        delimiter: Delimiter,
    ) -> Result<Option<Self>, TaxonomyError> {
        source
            .open(name)?
            .map(|reader| Self::new(name, reader, delimiter))
            .transpose()
    }

    /// The file name, for messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The index of a required column.
    pub fn column(&self, name: &str) -> Result<usize, TaxonomyError> {
        self.optional_column(name)
            .ok_or_else(|| TaxonomyError::MissingColumn {
                file: self.file.clone(),
                column: name.to_owned(),
                found: self.headers.join(", "),
            })
    }

    /// The index of a column that may be absent.
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Advances to the next row; `Ok(false)` at the end.
    pub fn next_row(&mut self) -> Result<bool, TaxonomyError> {
        match self.reader.read_record(&mut self.record) {
            Ok(more) => {
                if let Some(pos) = self.record.position() {
                    self.line = pos.line();
                }
                Ok(more)
            }
            Err(e) => Err(csv_error(&self.file, &e)),
        }
    }

    /// The current row's field at `column`, trimmed.
    pub fn get(&self, column: usize) -> &str {
        self.record.get(column).unwrap_or("").trim()
    }

    /// The current row's field at `column`, which must not be empty.
    pub fn required(&self, column: usize) -> Result<&str, TaxonomyError> {
        let value = self.get(column);
        if value.is_empty() {
            let name = self.headers.get(column).map_or("?", String::as_str);
            return Err(self.error(format!("empty value in column {name:?}")));
        }
        Ok(value)
    }

    /// The current row's field at `column` as a number, if not empty.
    pub fn number(&self, column: usize) -> Result<Option<f64>, TaxonomyError> {
        let value = self.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        match value.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => {
                let name = self.headers.get(column).map_or("?", String::as_str);
                Err(self.error(format!("column {name:?}: {value:?} is not a number")))
            }
        }
    }

    /// An error about the current row.
    pub fn error(&self, message: impl Into<String>) -> TaxonomyError {
        TaxonomyError::BadRow {
            file: self.file.clone(),
            line: self.line,
            message: message.into(),
        }
    }
}

fn csv_error(file: &str, error: &csv::Error) -> TaxonomyError {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len} (truncated or malformed row)"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_owned(),
        csv::ErrorKind::Io(e) => format!("read error: {e}"),
        _ => error.to_string(),
    };
    if line == 0 {
        TaxonomyError::Unreadable {
            file: file.to_owned(),
            message,
        }
    } else {
        TaxonomyError::BadRow {
            file: file.to_owned(),
            line,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(content: &str, delimiter: Delimiter) -> Table<'static> {
        let bytes: &'static [u8] = Box::leak(content.as_bytes().to_vec().into_boxed_slice());
        Table::new("t.csv", Box::new(bytes), delimiter).unwrap()
    }

    #[test]
    fn columns_are_found_by_name_after_a_bom() {
        let mut t = table("\u{feff}a,b\n1,2\n", Delimiter::Comma);
        let b = t.column("b").unwrap();
        let a = t.column("a").unwrap();
        assert!(t.next_row().unwrap());
        assert_eq!((t.get(a), t.get(b)), ("1", "2"));
        assert!(!t.next_row().unwrap());
    }

    #[test]
    fn quoted_newlines_stay_in_one_field_and_lines_are_counted() {
        let mut t = table("a,b\n\"x\ny\",2\n3,\"4\"\n5\n", Delimiter::Comma);
        assert!(t.next_row().unwrap());
        assert_eq!(t.get(0), "x\ny");
        assert!(t.next_row().unwrap());
        let err = t.next_row().unwrap_err().to_string();
        assert!(err.contains("t.csv: line 5"), "{err}");
    }

    #[test]
    fn a_missing_column_names_the_file_and_the_columns_found() {
        let t = table("x\ty\n", Delimiter::Tab);
        let err = t.column("Task ID").unwrap_err().to_string();
        assert!(
            err.contains("t.csv") && err.contains("Task ID") && err.contains("x, y"),
            "{err}"
        );
    }

    #[test]
    fn tab_tables_take_quotes_literally() {
        let mut t = table("a\tb\n\"quoted\" text\t2\n", Delimiter::Tab);
        assert!(t.next_row().unwrap());
        assert_eq!(t.get(0), "\"quoted\" text");
    }

    #[test]
    fn a_bad_number_names_the_line() {
        let mut t = table("a\n1\nx\n", Delimiter::Comma);
        t.next_row().unwrap();
        assert_eq!(t.number(0).unwrap(), Some(1.0));
        t.next_row().unwrap();
        let err = t.number(0).unwrap_err().to_string();
        assert!(
            err.contains("line 3") && err.contains("not a number"),
            "{err}"
        );
    }
}
