//! A BERT sentence encoder (all-MiniLM-L6-v2 and its fine-tuned copies) run in-process on the
//! CPU with candle, pooled as sentence-transformers pools it: the mean of the last layer over the
//! real tokens (`[CLS]` and `[SEP]` included), divided by its L2 norm.
//!
//! The model directory is the one `scripts/model/export.py` writes: `model.safetensors` (float16
//! tensors, the word-embedding table as int8 with a float32 scale per row), `tokenizer.json` and
//! `config.json`. Everything is widened to float32 when loaded: candle's float16 kernels are slower
//! on CPUs than its float32 ones, and attention in float16 overflows.

use std::collections::HashMap;
use std::fmt;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::SemanticError;

/// Name of the int8 word-embedding table and of its per-row scales in `model.safetensors`.
const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

/// Texts encoded in one forward pass: enough to fill the matrix kernels, few enough that a batch
/// of similar lengths wastes little on padding.
const BATCH: usize = 32;

/// SHA-256 of a model's three files: which model an index was built with.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl fmt::Display for Fingerprint {
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

/// A sentence encoder: text in, a unit-length vector out; the dot product of two is their cosine.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    dim: usize,
    fingerprint: Fingerprint,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("dim", &self.dim)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

fn inference(e: candle_core::Error) -> SemanticError {
    SemanticError::Inference(e.to_string())
}

impl Encoder {
    /// Reads a model from the bytes of its three files.
    pub fn from_bytes(
        safetensors: &[u8],
        tokenizer_json: &[u8],
        config_json: &[u8],
    ) -> Result<Self, SemanticError> {
        let raw: Value = serde_json::from_slice(config_json)
            .map_err(|e| SemanticError::BadConfig(format!("not JSON: {e}")))?;
        let config: Config = serde_json::from_value(raw.clone())
            .map_err(|e| SemanticError::BadConfig(format!("not a BERT configuration: {e}")))?;
        let max_tokens = raw
            .pointer("/guild/max_tokens")
            .and_then(Value::as_u64)
            .map_or(256, |n| n as usize)
            .clamp(8, config.max_position_embeddings);

        let mut tokenizer = Tokenizer::from_bytes(tokenizer_json)
            .map_err(|e| SemanticError::BadTokenizer(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| SemanticError::BadTokenizer(e.to_string()))?;
        let tokens = tokenizer.get_vocab_size(true);
        if tokens > config.vocab_size {
            return Err(SemanticError::VocabularyMismatch {
                tokens,
                rows: config.vocab_size,
            });
        }

        let device = Device::Cpu;
        let stored = candle_core::safetensors::load_buffer(safetensors, &device)
            .map_err(|e| SemanticError::CorruptTensors(e.to_string()))?;
        let mut tensors: HashMap<String, Tensor> = HashMap::with_capacity(stored.len());
        let (q, scale) = (
            format!("{WORD_EMBEDDINGS}.q"),
            format!("{WORD_EMBEDDINGS}.scale"),
        );
        for (name, t) in &stored {
            if *name == q || *name == scale {
                continue;
            }
            let t = t.to_dtype(DType::F32).map_err(inference)?;
            if !t
                .flatten_all()
                .and_then(|f| f.to_vec1::<f32>())
                .is_ok_and(|v| v.iter().all(|x| x.is_finite()))
            {
                return Err(SemanticError::TensorValue {
                    name: name.clone(),
                    reason: "holds a value that is not a finite number".into(),
                });
            }
            tensors.insert(name.clone(), t);
        }
        if let (Some(q), Some(scale)) = (stored.get(&q), stored.get(&scale)) {
            tensors.insert(WORD_EMBEDDINGS.into(), dequantise(q, scale)?);
        }
        let names = {
            let mut n: Vec<&str> = tensors.keys().map(String::as_str).collect();
            n.sort_unstable();
            n.join(", ")
        };
        for (name, shape) in [
            (WORD_EMBEDDINGS, vec![config.vocab_size, config.hidden_size]),
            (
                "embeddings.position_embeddings.weight",
                vec![config.max_position_embeddings, config.hidden_size],
            ),
        ] {
            match tensors.get(name) {
                None => return Err(SemanticError::MissingTensor(name.into(), names)),
                Some(t) if t.dims() != shape.as_slice() => {
                    return Err(SemanticError::TensorShape {
                        name: name.into(),
                        shape: t.dims().to_vec(),
                        expected: format!("{shape:?}"),
                    });
                }
                Some(_) => {}
            }
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let model = BertModel::load(vb, &config).map_err(|e| {
            let e = e.to_string();
            // candle names the tensor it could not find or whose shape is wrong.
            SemanticError::CorruptTensors(format!("not a BERT encoder of this configuration: {e}"))
        })?;

        let mut hash = Sha256::new();
        for part in [safetensors, tokenizer_json, config_json] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        Ok(Self {
            model,
            tokenizer,
            dim: config.hidden_size,
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

    /// The token ids the model reads for `text` (`[CLS]` … `[SEP]`, cut at the model's length).
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>, SemanticError> {
        let encoding = self
            .tokenizer
            .encode_fast(text, true)
            .map_err(|e| SemanticError::Tokenize(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, SemanticError> {
        let mut out = self.forward(&[text])?;
        out.pop()
            .ok_or_else(|| SemanticError::Inference("no output".into()))
    }

    /// [`Self::embed`] for each text, in order. Texts are encoded in batches of similar length.
    pub fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError> {
        // Sort by length (characters stand in for tokens) so a batch pads little.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].as_ref().len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_ref()).collect();
            for (&i, v) in chunk.iter().zip(self.forward(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    fn forward(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, SemanticError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch_fast(texts.to_vec(), true)
            .map_err(|e| SemanticError::Tokenize(e.to_string()))?;
        let n = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let ids: Vec<u32> = encodings
            .iter()
            .flat_map(|e| e.get_ids().to_vec())
            .collect();
        let mask: Vec<u32> = encodings
            .iter()
            .flat_map(|e| e.get_attention_mask().to_vec())
            .collect();
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let device = Device::Cpu;
            let ids = Tensor::from_vec(ids, (n, len), &device)?;
            let mask = Tensor::from_vec(mask, (n, len), &device)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let sum = hidden.broadcast_mul(&m)?.sum(1)?;
            let mean = sum.broadcast_div(&m.sum(1)?)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(inference)
    }
}

/// The float32 table from its int8 rows (stored as value + 128) and their scales.
fn dequantise(q: &Tensor, scale: &Tensor) -> Result<Tensor, SemanticError> {
    if q.dtype() != DType::U8 || scale.dtype() != DType::F32 {
        return Err(SemanticError::TensorType {
            name: WORD_EMBEDDINGS.into(),
            dtype: format!("{:?} with {:?} scales", q.dtype(), scale.dtype()),
            expected: "U8 with F32 scales".into(),
        });
    }
    if q.rank() != 2 || scale.dims() != [q.dims()[0]] {
        return Err(SemanticError::TensorShape {
            name: WORD_EMBEDDINGS.into(),
            shape: q.dims().to_vec(),
            expected: format!("[rows, dim] with {:?} scales", scale.dims()),
        });
    }
    let run = || -> candle_core::Result<Tensor> {
        let centred = (q.to_dtype(DType::F32)? - 128.0)?;
        centred.broadcast_mul(&scale.unsqueeze(1)?)
    };
    run().map_err(inference)
}
