//! `guild assign --costs FILE.csv`: the optimal assignment of a dense cost matrix. Needs no store,
//! so these run once, not per backend.

use crate::harness::{Backend, TestStore};

fn assign(csv: &str) -> (bool, String, String) {
    let store = TestStore::new(&Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("costs.csv");
    std::fs::write(&file, csv).unwrap();
    let out = store.guild(&["assign", "--costs", file.to_str().unwrap()]);
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn assign_prints_each_rows_column_and_the_least_total() {
    let (ok, stdout, stderr) = assign("4,1,3\n2,0,5\n3,2,2\n");
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "1\n0\n2\ntotal=5\n");
}

#[test]
fn assign_handles_rectangular_matrices_both_ways() {
    // More tasks than workers: one row gets none.
    let (ok, stdout, stderr) = assign("5,9\n1,8\n7,2.5\n");
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "-\n0\n1\ntotal=3.5\n");
    // More workers than tasks.
    let (ok, stdout, _) = assign("9,1,8,7\n1,0,9,9\n");
    assert!(ok);
    assert_eq!(stdout, "1\n0\ntotal=2\n");
}

#[test]
fn assign_reads_standard_input() {
    let store = TestStore::new(&Backend::Sqlite);
    let out = store.guild_with_input(&["assign", "--costs", "-"], "0,-1\n-3,0\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "1\n0\ntotal=-4\n");
}

#[test]
fn assign_names_the_line_and_column_of_bad_input() {
    for (csv, expected) in [
        ("", "no rows"),
        ("1,2\n3\n", "line 2 has 1 columns, but line 1 has 2"),
        (
            "1,2\n3,four\n",
            "line 2, column 2: \"four\" is not a number",
        ),
        ("1,NaN\n", "line 1, column 2: NaN is not a finite number"),
        (
            "1,2\ninf,3\n",
            "line 2, column 1: inf is not a finite number",
        ),
        ("-1e308,1e308\n", "too wide a range"),
    ] {
        let (ok, stdout, stderr) = assign(csv);
        assert!(!ok, "{csv:?} was accepted: {stdout}");
        assert!(stderr.contains(expected), "{csv:?}: {stderr}");
        assert!(stdout.is_empty(), "{csv:?}: {stdout}");
    }
}
