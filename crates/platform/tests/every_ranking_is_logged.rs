//! A ranking a person sees goes to the decision log: the one way round it,
//! `Platform::rank_workers_unlogged`, is for the decision log's own benchmark (which times a
//! ranking with and without the log) and for the audit's rehearsal (which logs the rankings of
//! its biased test scorer itself, marked so). Were the server, the pages or another command to
//! call it, their rankings would be missing from the log; this fails first.

// A test reports what it found by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_benchmark_and_the_rehearsal_rank_without_the_log() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&crates, &mut files);
    let allowed = [
        "platform/src/matching.rs",
        "platform/tests/every_ranking_is_logged.rs",
        "guild/src/bench_decisions.rs",
        "guild/src/audit.rs",
    ];
    let mut callers = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a source file");
        if text.contains("rank_workers_unlogged") {
            let rel = f
                .strip_prefix(&crates)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            callers.push(rel);
        }
    }
    assert!(
        callers.iter().any(|c| c == "guild/src/bench_decisions.rs"),
        "the search found the benchmark: {callers:?}"
    );
    let stray: Vec<_> = callers
        .iter()
        .filter(|c| !allowed.contains(&c.as_str()))
        .collect();
    assert!(
        stray.is_empty(),
        "these rank without the decision log: {stray:?}"
    );
}
