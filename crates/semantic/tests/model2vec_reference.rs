//! Rust's embeddings against model2vec's own, on a real model: the directory named by
//! `GUILD_SEMANTIC_MODEL`, else the repository's `models/` when it holds a model. The directory
//! has model2vec's three files and `check-vectors.json` (`sentences`, `embeddings` from
//! `StaticModel.encode`; optionally `embeddings_f32`, the same with the matrix cast to float32,
//! and `tokens`, the ids of `StaticModel.tokenize`). Ignored by default: no model is committed yet.

#![allow(clippy::expect_used)]

use std::path::PathBuf;

use guild_semantic::StaticModel;
use serde_json::Value;

fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GUILD_SEMANTIC_MODEL") {
        return Some(dir.into());
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models");
    repo.join("check-vectors.json").exists().then_some(repo)
}

fn vectors(value: &Value) -> Vec<Vec<f32>> {
    value
        .as_array()
        .expect("a list of vectors")
        .iter()
        .map(|v| {
            v.as_array()
                .expect("a vector")
                .iter()
                .map(|x| x.as_f64().expect("a number") as f32)
                .collect()
        })
        .collect()
}

// No model is in the repository yet (scripts/model/README.md): the suite reports this test as
// ignored rather than passing without a model; run it where one is.
#[test]
#[ignore = "needs a model: GUILD_SEMANTIC_MODEL=DIR cargo test -p guild-semantic -- --ignored"]
fn embeddings_match_model2vec_on_the_reference_sentences() {
    let dir = model_dir().expect(
        "set GUILD_SEMANTIC_MODEL to a model2vec directory with check-vectors.json (scripts/model/build.sh makes one)",
    );
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    let model = StaticModel::from_bytes(
        &read("model.safetensors"),
        &read("tokenizer.json"),
        &read("config.json"),
    )
    .expect("the model loads");
    let check: Value = serde_json::from_slice(&read("check-vectors.json")).expect("JSON");
    let sentences: Vec<&str> = check["sentences"]
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| s.as_str().expect("a sentence"))
        .collect();
    assert!(!sentences.is_empty());
    let config: Value = serde_json::from_slice(&read("config.json")).expect("JSON");
    // model2vec pools a float16 matrix in float16 and rounds its answer to float16: allow half
    // a float16 step on top of the 1e-4.
    let f16 = config["embedding_dtype"] == "float16";
    let rounding = if f16 { 2f32.powi(-10) } else { 0.0 };
    let mut references = vec![(vectors(&check["embeddings"]), rounding)];
    if check.get("embeddings_f32").is_some() {
        references.push((vectors(&check["embeddings_f32"]), 0.0));
    }
    let mut worst = Vec::new();
    for (expected, rounding) in references {
        let mut max_diff = 0f32;
        assert_eq!(expected.len(), sentences.len());
        for (sentence, want) in sentences.iter().zip(&expected) {
            let got = model.encode(sentence).expect("encodes");
            assert_eq!(got.len(), want.len(), "{sentence:?}");
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                max_diff = max_diff.max((g - w).abs());
                assert!(
                    (g - w).abs() <= 1e-4 + rounding * w.abs(),
                    "{sentence:?}[{i}]: Rust {g}, model2vec {w}"
                );
            }
        }
        worst.push(max_diff);
    }
    if let Some(tokens) = check.get("tokens").and_then(Value::as_array) {
        for (sentence, want) in sentences.iter().zip(tokens) {
            let want: Vec<u32> = want
                .as_array()
                .expect("ids")
                .iter()
                .map(|t| t.as_u64().expect("an id") as u32)
                .collect();
            assert_eq!(
                model.tokenize(sentence).expect("tokenizes"),
                want,
                "{sentence:?}"
            );
        }
    }
    println!(
        "{} sentences match model2vec in {} (largest differences: {worst:?})",
        sentences.len(),
        dir.display()
    );
}
