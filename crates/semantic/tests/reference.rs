//! Guild's model, run by [`Encoder`], against the embeddings sentence-transformers (PyTorch) gives
//! for the same sentences (`models/guild-minilm-l6/check-vectors.json`, written by
//! `scripts/model/export.py`): from the exported weights (`dequantised`, the same numbers Guild
//! reads) and from the original float32 model (`original`, before the int8 word table).

use guild_semantic::{Encoder, SemanticError};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/guild-minilm-l6");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{DIR}/{name}: {e}"))
}

fn model() -> Encoder {
    Encoder::from_bytes(
        &read("model.safetensors"),
        &read("tokenizer.json"),
        &read("config.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn vector(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN) as f32)
        .collect()
}

#[test]
fn the_encoder_gives_what_sentence_transformers_gives() {
    let checks: Value = serde_json::from_slice(&read("check-vectors.json")).unwrap_or(Value::Null);
    let sentences = checks["sentences"].as_array().cloned().unwrap_or_default();
    assert!(sentences.len() >= 6, "no reference sentences");
    let model = model();
    let texts: Vec<String> = sentences
        .iter()
        .map(|s| s["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    let batched = model.embed_batch(&texts).unwrap_or_else(|e| panic!("{e}"));
    for (s, batched) in sentences.iter().zip(&batched) {
        let text = s["text"].as_str().unwrap_or_default();
        let ids: Vec<u32> = s["ids"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|x| x.as_u64().unwrap_or(u64::MAX) as u32)
            .collect();
        assert_eq!(model.tokenize(text).unwrap(), ids, "{text:?}");
        let single = model.embed(text).unwrap();
        let reference = vector(&s["dequantised"]);
        assert_eq!(single.len(), 384);
        let worst = single
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-4, "{text:?}: off by {worst}");
        // Padding in a batch must not change a text's vector.
        assert!(cosine(batched, &single) > 0.99999, "{text:?} batched");
        assert!(
            cosine(&single, &vector(&s["original"])) > 0.9995,
            "{text:?} original"
        );
    }
}

#[test]
fn meaning_is_closer_than_words() {
    let model = model();
    let e = |t: &str| model.embed(t).unwrap();
    let bolting = e("install roof bolts to support the mine roof");
    let roof_support = e("roof bolting in an underground coal mine");
    let tiles = e("lay interlocking roof tiles");
    assert!(cosine(&bolting, &roof_support) > cosine(&roof_support, &tiles));
    let video = e("Produce a 3-minute animated explainer video for our product");
    assert!(
        cosine(&video, &e("create animations")) > cosine(&video, &e("process animal by-products"))
    );
}

#[test]
fn a_damaged_model_is_refused_with_what_is_wrong() {
    let weights = read("model.safetensors");
    let (tok, cfg) = (read("tokenizer.json"), read("config.json"));
    let e = Encoder::from_bytes(&weights[..weights.len() / 2], &tok, &cfg).unwrap_err();
    assert!(matches!(e, SemanticError::CorruptTensors(_)), "{e}");
    let e = Encoder::from_bytes(&weights, b"{}", &cfg).unwrap_err();
    assert!(matches!(e, SemanticError::BadTokenizer(_)), "{e}");
    let e = Encoder::from_bytes(&weights, &tok, b"[1]").unwrap_err();
    assert!(matches!(e, SemanticError::BadConfig(_)), "{e}");
    let bigger =
        String::from_utf8_lossy(&cfg).replace("\"hidden_size\": 384", "\"hidden_size\": 512");
    let e = Encoder::from_bytes(&weights, &tok, bigger.as_bytes()).unwrap_err();
    assert!(matches!(e, SemanticError::TensorShape { .. }), "{e}");
}
