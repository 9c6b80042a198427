//! A ranking a person sees goes to the decision log: the one way round it,
//! `Platform::rank_workers_unlogged`, is for the decision log's own benchmark (which times a
//! ranking with and without the log) and for the audit's rehearsal (which logs the rankings of
//! its biased test scorer itself, marked so). Were the server, the pages or another command to
//! call it, their rankings would be missing from the log; this fails first.

// A test reports what it found by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// Every Rust source file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("a source folder entry"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn only_the_benchmark_and_the_rehearsal_rank_without_the_log() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = rust_files(&crates);
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
