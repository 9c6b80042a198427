//! `guild assign`: the optimal assignment of a dense cost matrix read from a CSV file.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_matching::assign::{CostMatrix, DenseAssignment, solve_dense};

/// `guild assign` arguments.
#[derive(Args)]
pub struct AssignArgs {
    /// Cost matrix as CSV without a header: one row per task, one column per worker, numbers
    /// only; rectangular allowed; blank lines are skipped. `-` reads standard input.
    #[arg(long, value_name = "FILE.csv")]
    pub costs: PathBuf,
}

/// Solves the matrix and prints each row's column (0-based, `-` for none) and `total=`.
pub fn run(args: &AssignArgs) -> Result<ExitCode> {
    let text = read_text(&args.costs)?;
    let name = args.costs.display().to_string();
    let matrix = parse_matrix(&text).with_context(|| format!("{name}: not a cost matrix"))?;
    let solution = solve_dense(&matrix).with_context(|| format!("{name}: cannot assign"))?;
    out!("{}", render(&matrix, &solution).trim_end());
    Ok(ExitCode::SUCCESS)
}

fn read_text(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// Parses CSV text into a matrix; every error names the 1-based line and column.
pub fn parse_matrix(text: &str) -> Result<CostMatrix> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut costs = Vec::new();
    let mut rows = 0usize;
    let mut width: Option<(usize, usize)> = None; // (columns, line of the first row)
    for (k, line) in text.lines().enumerate() {
        let line_no = k + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = 0usize;
        for (c, field) in line.split(',').enumerate() {
            let col = c + 1;
            let field = field.trim();
            let field = field
                .strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .unwrap_or(field)
                .trim();
            if field.is_empty() {
                bail!("line {line_no}, column {col} is empty");
            }
            let value: f64 = field.parse().map_err(|_| {
                anyhow::anyhow!("line {line_no}, column {col}: {field:?} is not a number")
            })?;
            if !value.is_finite() {
                bail!("line {line_no}, column {col}: {field} is not a finite number");
            }
            costs.push(value);
            fields += 1;
        }
        match width {
            None => width = Some((fields, line_no)),
            Some((expected, first)) if expected != fields => {
                bail!("line {line_no} has {fields} columns, but line {first} has {expected}");
            }
            Some(_) => {}
        }
        rows += 1;
    }
    let Some((cols, _)) = width else {
        bail!("no rows (the file is empty)");
    };
    Ok(CostMatrix::new(rows, cols, costs)?)
}

/// One line per row, then `total=`; whole-number costs give a total without a decimal point.
pub fn render(matrix: &CostMatrix, solution: &DenseAssignment) -> String {
    let mut text = String::with_capacity(solution.row_to_col.len() * 6 + 32);
    for col in &solution.row_to_col {
        match col {
            Some(j) => {
                let _ = writeln!(text, "{j}");
            }
            None => text.push_str("-\n"),
        }
    }
    let _ = writeln!(
        text,
        "total={}",
        format_total(solution.total, matrix.all_integers())
    );
    text
}

fn format_total(total: f64, integers: bool) -> String {
    // `+ 0.0` turns -0 into 0.
    if integers && total.abs() < 9.007_199_254_740_992e15 {
        format!("{:.0}", total + 0.0)
    } else {
        format!("{total}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn error(text: &str) -> String {
        format!("{:#}", parse_matrix(text).unwrap_err())
    }

    #[test]
    fn errors_name_the_line_and_column() {
        assert_eq!(error(""), "no rows (the file is empty)");
        assert_eq!(error("\n \n"), "no rows (the file is empty)");
        assert_eq!(
            error("1,2\n3,x\n"),
            "line 2, column 2: \"x\" is not a number"
        );
        assert_eq!(
            error("1,2\n\n3\n"),
            "line 3 has 1 columns, but line 1 has 2"
        );
        assert_eq!(
            error("1,NaN\n"),
            "line 1, column 2: NaN is not a finite number"
        );
        assert_eq!(
            error("1,2\n-inf,2\n"),
            "line 2, column 1: -inf is not a finite number"
        );
        assert_eq!(error("1,,2\n"), "line 1, column 2 is empty");
    }

    #[test]
    fn totals_print_as_integers_when_costs_are() {
        let m = parse_matrix("\u{feff}4, 1,3\r\n2,0,5\n3,2,\"2\"\n").unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(render(&m, &s), "1\n0\n2\ntotal=5\n");
        let m = parse_matrix("0.5,1\n1,0.25\n2,2\n").unwrap();
        let s = solve_dense(&m).unwrap();
        assert_eq!(render(&m, &s), "0\n1\n-\ntotal=0.75\n");
        assert_eq!(format_total(-0.0, true), "0");
    }
}
