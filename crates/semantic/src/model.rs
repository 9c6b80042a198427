//! A static embedding model in the model2vec format, pooled exactly as model2vec's
//! `StaticModel.encode` pools (model2vec 0.10, `model2vec/model.py`):
//!
//! 1. the text is cut to `max_length × median token length` characters, a cheap bound that keeps
//!    a huge text from being tokenised whole;
//! 2. it is tokenised without special tokens and the tokens past `max_length` are dropped;
//! 3. the unknown token is dropped (so a text of unknown words embeds as zeros, not as `[UNK]`);
//! 4. each token's row of the matrix (through the token mapping of a vocabulary-quantised model),
//!    times the token's weight when the model has weights, is averaged;
//! 5. the mean is divided by its L2 norm (plus 1e-32) when `config.json` says `normalize`.

use std::fmt;

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::SemanticError;

/// model2vec's default `max_length` when `config.json` has none.
const DEFAULT_MAX_LENGTH: usize = 512;

/// SHA-256 of a model's three files: which model an index was built with.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl fmt::Display for Fingerprint {
    /// The first 16 hex digits: enough to tell models apart in a message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0[..8] {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// A static sentence-embedding model: one vector per token, a text is the mean of its tokens.
pub struct StaticModel {
    tokenizer: Tokenizer,
    /// Row-major `[rows, dim]`.
    vectors: Vec<f32>,
    dim: usize,
    /// Per token id: a factor on its vector (vocabulary-quantised models only).
    weights: Option<Vec<f32>>,
    /// Per token id: its row in `vectors` (vocabulary-quantised models only).
    mapping: Option<Vec<usize>>,
    unk_id: Option<u32>,
    normalize: bool,
    max_length: Option<usize>,
    /// `max_length × median token length`, in characters.
    max_chars: Option<usize>,
    fingerprint: Fingerprint,
}

impl fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticModel")
            .field("rows", &(self.vectors.len() / self.dim.max(1)))
            .field("dim", &self.dim)
            .field("normalize", &self.normalize)
            .field("max_length", &self.max_length)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl StaticModel {
    /// Reads a model from the bytes of the three files that model2vec's `save_pretrained`
    /// writes: `model.safetensors` (tensor `embeddings` `[vocab, dim]`, f32, f16, bf16, f64 or
    /// i8; optional `weights` `[vocab]` and `mapping` `[vocab]`), `tokenizer.json` and
    /// `config.json`.
    pub fn from_bytes(
        safetensors: &[u8],
        tokenizer_json: &[u8],
        config_json: &[u8],
    ) -> Result<Self, SemanticError> {
        let config: Value = serde_json::from_slice(config_json)
            .map_err(|e| SemanticError::BadConfig(format!("not JSON: {e}")))?;
        let Value::Object(config) = config else {
            return Err(SemanticError::BadConfig("not a JSON object".into()));
        };
        let normalize = match config.get("normalize") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(SemanticError::BadConfig(format!(
                    "\"normalize\" is {other}, expected true or false"
                )));
            }
        };
        // Absent means model2vec's default; null means no truncation at all.
        let max_length = match config.get("max_length") {
            None => Some(DEFAULT_MAX_LENGTH),
            Some(Value::Null) => None,
            Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) if n > 0 => Some(n),
                _ => {
                    return Err(SemanticError::BadConfig(format!(
                        "\"max_length\" is {v}, expected a positive integer or null"
                    )));
                }
            },
        };

        let mut tokenizer = Tokenizer::from_bytes(tokenizer_json)
            .map_err(|e| SemanticError::BadTokenizer(e.to_string()))?;
        // model2vec turns padding off and sets its own truncation; truncation is done here by
        // hand, on the ids, so the file's settings must not apply.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| SemanticError::BadTokenizer(e.to_string()))?;
        let unk_id = unknown_token_id(&tokenizer, tokenizer_json)?;
        let vocab = tokenizer.get_vocab(true);
        let max_id = vocab.values().copied().max().map_or(0, |m| m as usize);

        let tensors = SafeTensors::deserialize(safetensors)
            .map_err(|e| SemanticError::CorruptTensors(e.to_string()))?;
        let names = || {
            let mut n = tensors.names();
            n.sort();
            if n.is_empty() {
                "none".to_owned()
            } else {
                n.join(", ")
            }
        };
        let embeddings = tensors
            .tensor("embeddings")
            .map_err(|_| SemanticError::MissingTensor("embeddings".into(), names()))?;
        let &[rows, dim] = embeddings.shape() else {
            return Err(SemanticError::TensorShape {
                name: "embeddings".into(),
                shape: embeddings.shape().to_vec(),
                expected: "two dimensions [vocabulary, dim]".into(),
            });
        };
        if rows == 0 || dim == 0 {
            return Err(SemanticError::TensorShape {
                name: "embeddings".into(),
                shape: vec![rows, dim],
                expected: "at least one row and one column".into(),
            });
        }
        let vectors = floats("embeddings", &embeddings, true)?;
        if vectors.iter().any(|x| !x.is_finite()) {
            return Err(SemanticError::TensorValue {
                name: "embeddings".into(),
                reason: "holds NaN or infinite values".into(),
            });
        }

        let per_token = |name: &str| -> Result<Option<TensorView<'_>>, SemanticError> {
            let Ok(view) = tensors.tensor(name) else {
                return Ok(None);
            };
            if view.shape().len() != 1 || view.shape()[0] <= max_id {
                return Err(SemanticError::TensorShape {
                    name: name.into(),
                    shape: view.shape().to_vec(),
                    expected: format!("[n] with n > {max_id}, the tokenizer's largest token id"),
                });
            }
            Ok(Some(view))
        };
        let weights = per_token("weights")?
            .map(|v| floats("weights", &v, false))
            .transpose()?;
        let mapping = per_token("mapping")?
            .map(|v| indices("mapping", &v, rows))
            .transpose()?;
        if mapping.is_none() {
            // model2vec's own check, and the guarantee that every token id has a row.
            if vocab.len() != rows || max_id >= rows {
                return Err(SemanticError::VocabularyMismatch {
                    tokens: vocab.len(),
                    rows,
                });
            }
        }

        // model2vec takes the median over the vocabulary ordered by id, in characters, and
        // truncates it to an integer (numpy's median of an even count is the mean of the two
        // middle values).
        let mut lengths: Vec<usize> = vocab.keys().map(|t| t.chars().count()).collect();
        lengths.sort_unstable();
        let n = lengths.len();
        let median = if n == 0 {
            0
        } else if n % 2 == 1 {
            lengths[n / 2]
        } else {
            (lengths[n / 2 - 1] + lengths[n / 2]) / 2
        };

        let mut hash = Sha256::new();
        hash.update(b"guild-semantic static model\0");
        for part in [safetensors, tokenizer_json, config_json] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }

        Ok(Self {
            tokenizer,
            vectors,
            dim,
            weights,
            mapping,
            unk_id,
            normalize,
            max_length,
            max_chars: max_length.map(|m| m.saturating_mul(median)),
            fingerprint: Fingerprint(hash.finalize().into()),
        })
    }

    /// Length of the embeddings.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Which model this is: SHA-256 of its three files.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Whether `config.json` asks for unit-length embeddings (what [`Self::encode`] follows).
    pub fn normalizes(&self) -> bool {
        self.normalize
    }

    /// The token ids of `text` that the model pools: no special tokens, at most `max_length`,
    /// without the unknown token.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>, SemanticError> {
        let text = match self.max_chars {
            Some(m) => text
                .char_indices()
                .nth(m)
                .map_or(text, |(at, _)| &text[..at]),
            None => text,
        };
        let encoding = self
            .tokenizer
            .encode_fast(text, false)
            .map_err(|e| SemanticError::Tokenize(e.to_string()))?;
        let mut ids = encoding.get_ids().to_vec();
        if let Some(m) = self.max_length {
            ids.truncate(m);
        }
        if let Some(unk) = self.unk_id {
            ids.retain(|&id| id != unk);
        }
        Ok(ids)
    }

    /// The embedding of `text` exactly as model2vec's `encode` gives it: the mean of its tokens'
    /// vectors, L2-normalised when the model's config says so; zeros when no token is known.
    pub fn encode(&self, text: &str) -> Result<Vec<f32>, SemanticError> {
        let mut v = self.mean(&self.tokenize(text)?);
        if self.normalize {
            normalize(&mut v);
        }
        Ok(v)
    }

    /// The unit-length embedding of `text`, whatever the config says (zeros when no token is
    /// known): the dot product of two of them is their cosine.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, SemanticError> {
        let mut v = self.mean(&self.tokenize(text)?);
        normalize(&mut v);
        Ok(v)
    }

    /// [`Self::embed`] for each text.
    pub fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError> {
        texts.iter().map(|t| self.embed(t.as_ref())).collect()
    }

    fn mean(&self, ids: &[u32]) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.dim];
        let mut n = 0usize;
        for &id in ids {
            let id = id as usize;
            let row = match &self.mapping {
                Some(m) => m.get(id).copied(),
                None => Some(id),
            };
            // Every id the tokenizer can produce has a row (checked when loading).
            let Some(vector) = row.and_then(|r| self.vectors.get(r * self.dim..(r + 1) * self.dim))
            else {
                continue;
            };
            let weight = self
                .weights
                .as_ref()
                .map_or(1.0, |w| w.get(id).copied().unwrap_or(1.0));
            for (s, x) in sum.iter_mut().zip(vector) {
                *s += weight * x;
            }
            n += 1;
        }
        if n > 0 {
            let n = n as f32;
            for s in &mut sum {
                *s /= n;
            }
        }
        sum
    }
}

/// Divides by the L2 norm (+1e-32, as model2vec does, so zeros stay zeros).
fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt() + 1e-32;
    for x in v {
        *x /= norm;
    }
}

/// The unknown token's id, found as model2vec finds it: the model's `unk_token` looked up in the
/// vocabulary (WordPiece, BPE, WordLevel), or a Unigram model's `unk_id`.
fn unknown_token_id(tokenizer: &Tokenizer, json: &[u8]) -> Result<Option<u32>, SemanticError> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| SemanticError::BadTokenizer(e.to_string()))?;
    let model = &value["model"];
    if let Some(token) = model.get("unk_token") {
        return Ok(token.as_str().and_then(|t| tokenizer.token_to_id(t)));
    }
    Ok(model
        .get("unk_id")
        .and_then(Value::as_u64)
        .and_then(|id| u32::try_from(id).ok()))
}

fn element_type(dtype: Dtype) -> String {
    format!("{dtype:?}").to_lowercase()
}

/// A tensor's elements as f32 (integers allowed for the embedding matrix: model2vec's int8
/// export stores raw values and pools them as floats).
fn floats(name: &str, view: &TensorView<'_>, ints: bool) -> Result<Vec<f32>, SemanticError> {
    let data = view.data();
    let out = match view.dtype() {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect(),
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32)
            .collect(),
        Dtype::I8 if ints => data.iter().map(|&b| f32::from(b as i8)).collect(),
        other => {
            return Err(SemanticError::TensorType {
                name: name.into(),
                dtype: element_type(other),
                expected: if ints {
                    "f32, f16, bf16, f64 or i8".into()
                } else {
                    "f32, f16, bf16 or f64".into()
                },
            });
        }
    };
    Ok(out)
}

/// A tensor of row numbers, each below `rows`.
fn indices(name: &str, view: &TensorView<'_>, rows: usize) -> Result<Vec<usize>, SemanticError> {
    let data = view.data();
    let raw: Vec<i128> = match view.dtype() {
        Dtype::I64 => data
            .chunks_exact(8)
            .map(|b| i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]).into())
            .collect(),
        Dtype::U64 => data
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]).into())
            .collect(),
        Dtype::I32 => data
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]).into())
            .collect(),
        Dtype::U32 => data
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]).into())
            .collect(),
        other => {
            return Err(SemanticError::TensorType {
                name: name.into(),
                dtype: element_type(other),
                expected: "i64, u64, i32 or u32".into(),
            });
        }
    };
    raw.into_iter()
        .map(|r| {
            usize::try_from(r)
                .ok()
                .filter(|&r| r < rows)
                .ok_or_else(|| SemanticError::TensorValue {
                    name: name.into(),
                    reason: format!("row {r} is outside the embedding matrix's {rows} rows"),
                })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A BERT-style WordPiece tokenizer (uncased, accents stripped) over `vocab`.
    pub(crate) fn tokenizer_json(vocab: &[&str]) -> String {
        let vocab: serde_json::Map<String, Value> = vocab
            .iter()
            .enumerate()
            .map(|(i, t)| ((*t).to_owned(), Value::from(i)))
            .collect();
        serde_json::json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": [],
            "normalizer": {
                "type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                "strip_accents": null, "lowercase": true
            },
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": null,
            "decoder": null,
            "model": {
                "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100, "vocab": vocab
            }
        })
        .to_string()
    }

    /// A safetensors file of the named tensors.
    pub(crate) fn safetensors_bytes(tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
        let views: Vec<(String, TensorView<'_>)> = tensors
            .iter()
            .map(|(name, dtype, shape, data)| {
                let view = TensorView::new(*dtype, shape.clone(), data).unwrap();
                ((*name).to_owned(), view)
            })
            .collect();
        safetensors::serialize(views, None).unwrap()
    }

    fn f32_bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    pub(crate) const VOCAB: [&str; 7] = ["[UNK]", "[PAD]", "data", "##base", "admin", "cook", "."];

    /// Token vectors in two dimensions, easy to average by hand.
    pub(crate) const VECTORS: [[f32; 2]; 7] = [
        [100.0, 100.0], // [UNK]: must never be pooled
        [0.0, 0.0],
        [1.0, 0.0],
        [0.0, 1.0],
        [3.0, 1.0],
        [-2.0, 4.0],
        [0.5, 0.5],
    ];

    pub(crate) fn tiny_files(config: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let flat: Vec<f32> = VECTORS.iter().flatten().copied().collect();
        let st = safetensors_bytes(&[("embeddings", Dtype::F32, vec![7, 2], f32_bytes(&flat))]);
        (
            st,
            tokenizer_json(&VOCAB).into_bytes(),
            config.as_bytes().to_vec(),
        )
    }

    pub(crate) fn tiny_model(config: &str) -> StaticModel {
        let (st, tok, cfg) = tiny_files(config);
        StaticModel::from_bytes(&st, &tok, &cfg).unwrap()
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn pooling_is_the_mean_of_known_token_vectors_without_unknown_ones() {
        let model = tiny_model(r#"{"normalize": false}"#);
        assert_eq!(model.dim(), 2);
        // "Database" → data ##base; "admin" → admin; "zebra" → [UNK] (dropped).
        assert_eq!(
            model.tokenize("Database admin zebra").unwrap(),
            vec![2, 3, 4]
        );
        let v = model.encode("Database admin zebra").unwrap();
        assert!(close(&v, &[4.0 / 3.0, 2.0 / 3.0]), "{v:?}");
        // Punctuation is a token of its own; case and accents are folded.
        assert!(close(&model.encode("CÓOK.").unwrap(), &[-0.75, 2.25]));
    }

    #[test]
    fn normalised_models_and_embed_give_unit_vectors() {
        let model = tiny_model(r#"{"normalize": true}"#);
        assert!(model.normalizes());
        let v = model.encode("admin").unwrap();
        let n = 10f32.sqrt();
        assert!(close(&v, &[3.0 / n, 1.0 / n]), "{v:?}");
        let raw = tiny_model("{}");
        assert!(!raw.normalizes(), "model2vec's default is not to normalise");
        assert!(close(&raw.encode("admin").unwrap(), &[3.0, 1.0]));
        assert!(close(&raw.embed("admin").unwrap(), &[3.0 / n, 1.0 / n]));
        let batch = raw.embed_batch(&["admin", "data"]).unwrap();
        assert!(close(&batch[1], &[1.0, 0.0]));
    }

    #[test]
    fn a_text_of_unknown_words_embeds_as_zeros() {
        let model = tiny_model(r#"{"normalize": true}"#);
        assert_eq!(model.embed("zebra giraffe").unwrap(), vec![0.0, 0.0]);
        assert_eq!(model.embed("").unwrap(), vec![0.0, 0.0]);
    }

    #[test]
    fn max_length_keeps_the_first_tokens() {
        // Truncation counts tokens before the unknown ones are dropped, as model2vec does.
        let model = tiny_model(r#"{"normalize": false, "max_length": 2}"#);
        assert_eq!(model.tokenize("admin zebra cook").unwrap(), vec![4]);
        assert!(close(
            &model.encode("cook admin data").unwrap(),
            &[0.5, 2.5]
        ));
        let unlimited = tiny_model(r#"{"max_length": null}"#);
        assert_eq!(
            unlimited.tokenize(&"cook ".repeat(2000)).unwrap().len(),
            2000
        );
        let default = tiny_model("{}");
        assert_eq!(default.tokenize(&"cook ".repeat(2000)).unwrap().len(), 512);
        // Before tokenising, the text is cut at max_length × the median token length in
        // characters (3 × 5 here): "admin" is past the cut.
        let three = tiny_model(r#"{"normalize": false, "max_length": 3}"#);
        let text = format!("cook{}admin", " ".repeat(20));
        assert_eq!(three.tokenize(&text).unwrap(), vec![5]);
    }

    #[test]
    fn f16_matrices_token_weights_and_mappings_are_read() {
        let flat: Vec<u8> = VECTORS
            .iter()
            .flatten()
            .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
            .collect();
        // Vocabulary quantisation: two rows, tokens mapped onto them, with weights.
        let rows = f32_bytes(&[1.0, 0.0, 0.0, 2.0]);
        let mapping: Vec<u8> = [0i64, 0, 0, 1, 1, 0, 1]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let weights = f32_bytes(&[1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 1.0]);
        let tok = tokenizer_json(&VOCAB);
        let cfg = br#"{"normalize": false}"#;
        let st16 = safetensors_bytes(&[("embeddings", Dtype::F16, vec![7, 2], flat)]);
        let m16 = StaticModel::from_bytes(&st16, tok.as_bytes(), cfg).unwrap();
        assert!(close(&m16.encode("database").unwrap(), &[0.5, 0.5]));
        let stq = safetensors_bytes(&[
            ("embeddings", Dtype::F32, vec![2, 2], rows),
            ("mapping", Dtype::I64, vec![7], mapping),
            ("weights", Dtype::F32, vec![7], weights),
        ]);
        let mq = StaticModel::from_bytes(&stq, tok.as_bytes(), cfg).unwrap();
        // data → row 0 × 2, admin → row 1 × 3: mean of [2, 0] and [0, 6].
        assert!(close(&mq.encode("data admin").unwrap(), &[1.0, 3.0]));
    }

    #[test]
    fn the_fingerprint_tells_models_apart() {
        let a = tiny_model("{}");
        let b = tiny_model("{}");
        let c = tiny_model(r#"{"normalize": true}"#);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_eq!(a.fingerprint().to_string().len(), 16);
    }

    fn load_error(st: &[u8], tok: &[u8], cfg: &[u8]) -> SemanticError {
        StaticModel::from_bytes(st, tok, cfg).unwrap_err()
    }

    #[test]
    fn corrupt_or_mismatched_inputs_say_what_is_wrong() {
        let (st, tok, cfg) = tiny_files("{}");
        let e = load_error(&st[..st.len() - 3], &tok, &cfg);
        assert!(matches!(e, SemanticError::CorruptTensors(_)), "{e}");
        assert!(matches!(
            load_error(b"", &tok, &cfg),
            SemanticError::CorruptTensors(_)
        ));

        let other = safetensors_bytes(&[("emb", Dtype::F32, vec![7, 2], vec![0; 56])]);
        let e = load_error(&other, &tok, &cfg);
        assert!(
            matches!(&e, SemanticError::MissingTensor(n, found) if n == "embeddings" && found == "emb"),
            "{e}"
        );

        let flat = safetensors_bytes(&[("embeddings", Dtype::F32, vec![14], vec![0; 56])]);
        let e = load_error(&flat, &tok, &cfg);
        assert!(matches!(e, SemanticError::TensorShape { .. }), "{e}");

        let short = safetensors_bytes(&[("embeddings", Dtype::F32, vec![6, 2], vec![0; 48])]);
        let e = load_error(&short, &tok, &cfg);
        assert!(
            matches!(e, SemanticError::VocabularyMismatch { tokens: 7, rows: 6 }),
            "{e}"
        );

        let ints = safetensors_bytes(&[("embeddings", Dtype::I32, vec![7, 2], vec![0; 56])]);
        let e = load_error(&ints, &tok, &cfg);
        assert!(e.to_string().contains("element type i32"), "{e}");

        let nan = safetensors_bytes(&[(
            "embeddings",
            Dtype::F32,
            vec![7, 2],
            f32_bytes(&[f32::NAN; 14]),
        )]);
        assert!(matches!(
            load_error(&nan, &tok, &cfg),
            SemanticError::TensorValue { .. }
        ));

        let bad_mapping = safetensors_bytes(&[
            ("embeddings", Dtype::F32, vec![2, 2], vec![0; 16]),
            (
                "mapping",
                Dtype::I64,
                vec![7],
                [0i64, 0, 0, 1, 5, 0, 1]
                    .iter()
                    .flat_map(|x| x.to_le_bytes())
                    .collect(),
            ),
        ]);
        let e = load_error(&bad_mapping, &tok, &cfg);
        assert!(e.to_string().contains("row 5 is outside"), "{e}");

        let e = load_error(&st, b"{\"model\": 3}", &cfg);
        assert!(matches!(e, SemanticError::BadTokenizer(_)), "{e}");
        let e = load_error(&st, b"not json", &cfg);
        assert!(matches!(e, SemanticError::BadTokenizer(_)), "{e}");

        let e = load_error(&st, &tok, b"[1]");
        assert!(matches!(e, SemanticError::BadConfig(_)), "{e}");
        let e = load_error(&st, &tok, br#"{"normalize": "yes"}"#);
        assert!(e.to_string().contains("normalize"), "{e}");
        let e = load_error(&st, &tok, br#"{"max_length": -1}"#);
        assert!(e.to_string().contains("max_length"), "{e}");
    }

    #[test]
    fn the_vocabulary_counts_added_tokens() {
        // A tokenizer whose added tokens are outside the model's vocabulary has more tokens than
        // the matrix has rows.
        let mut tok: Value = serde_json::from_str(&tokenizer_json(&VOCAB)).unwrap();
        tok["added_tokens"] = serde_json::json!([{
            "id": 7, "content": "[MASK]", "single_word": false, "lstrip": false,
            "rstrip": false, "normalized": false, "special": true
        }]);
        let (st, _, cfg) = tiny_files("{}");
        let e = load_error(&st, tok.to_string().as_bytes(), &cfg);
        assert!(
            matches!(e, SemanticError::VocabularyMismatch { tokens: 8, rows: 7 }),
            "{e}"
        );
    }
}
