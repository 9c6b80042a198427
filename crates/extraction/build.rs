//! Fingerprints the code that builds and reads the analyzer's indexes, so that an analyzer kept
//! by one build of Guild is never read by another (its layout or its meaning may differ).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // The index's words come from the taxonomy crate's folding and splitting.
    let normalize = here.join("../taxonomy/src/normalize.rs");
    let mut paths = Vec::new();
    files(&here.join("src"), &mut paths);
    paths.push(normalize.clone());
    paths.push(here.join("Cargo.toml"));
    paths.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in &paths {
        path.strip_prefix(&here).unwrap_or(path).hash(&mut hasher);
        std::fs::read(path).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=GUILD_ANALYZER_FORMAT={:016x}",
        hasher.finish()
    );
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed={}", normalize.display());
}
