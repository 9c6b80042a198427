//! Every type the OpenAPI document describes has its own schema name. utoipa keys schemas by
//! name and keeps the last one it meets: two types both called `Outcome` in different crates
//! left the document describing one of them with the other's fields (schemathesis caught it
//! once; this catches it before). A type that needs another name says `schema(as = Name)`.

// A test reports what it found by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
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

/// The name after `as = ` in an attribute line, if any.
fn renamed(line: &str) -> Option<String> {
    let rest = line.split("as = ").nth(1)?;
    Some(
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

/// The item's name on a `pub struct Name` / `enum Name` line. A generic item (`Page<T>`) is
/// named by utoipa with its arguments (`Page_TaskView`), and an item a macro declares
/// (`$name`) is one per use: neither is a single name, and both are left out (`None`).
fn item_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "struct" || *w == "enum")?;
    let word = words.get(at + 1)?;
    if word.starts_with('$') || word.contains('<') {
        return None;
    }
    Some(
        word.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

#[test]
fn no_two_schemas_share_a_name() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = rust_files(&crates);
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        if f.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("a source file");
        let lines: Vec<&str> = text.lines().collect();
        let at = f.strip_prefix(&crates).unwrap().display().to_string();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("impl utoipa::ToSchema for ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.entry(name).or_default().push(at.clone());
                continue;
            }
            if !(t.starts_with("#[") && t.contains("ToSchema")) {
                continue;
            }
            // The attributes down to the item: a rename may sit in any of them.
            let mut name = renamed(t);
            for next in &lines[i + 1..] {
                let n = next.trim_start();
                if n.starts_with("#[") || n.starts_with("///") || n.starts_with("//") {
                    name = name.or_else(|| renamed(n));
                    continue;
                }
                name = name.or_else(|| item_name(n));
                break;
            }
            let Some(name) = name else { continue };
            names
                .entry(name)
                .or_default()
                .push(format!("{at}:{}", i + 1));
        }
    }
    assert!(
        names.len() > 100 && names.contains_key("DecisionOutcome"),
        "the scan found the schemas: {}",
        names.len()
    );
    let twice: Vec<_> = names.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "schema names used by more than one type (give one `schema(as = …)`): {twice:#?}"
    );
}
