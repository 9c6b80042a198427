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
use candle_nn::{LayerNorm, Module};
use candle_transformers::models::bert::{BertEncoder, Config};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokenizers::{Tokenizer, TruncationParams};

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
    embeddings: Embeddings,
    layers: BertEncoder,
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
        // Batches are padded by `forward`, after they are cut by length.
        tokenizer.with_padding(None);
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
        let stored = safetensors::SafeTensors::deserialize(safetensors)
            .map_err(|e| SemanticError::CorruptTensors(e.to_string()))?;
        let (q, scale) = (
            format!("{WORD_EMBEDDINGS}.q"),
            format!("{WORD_EMBEDDINGS}.scale"),
        );
        let mut tensors: HashMap<String, Tensor> = HashMap::with_capacity(stored.len());
        for (name, view) in stored.tensors() {
            if name == q || name == scale {
                continue;
            }
            let values = widened(&name, &view)?;
            let t = Tensor::from_vec(values, view.shape(), &device).map_err(inference)?;
            tensors.insert(name, t);
        }
        let words = match (stored.tensor(&q), stored.tensor(&scale)) {
            (Ok(q), Ok(scale)) => quantised(&q, &scale)?,
            _ => match tensors.remove(WORD_EMBEDDINGS) {
                Some(t) => WordTable::Plain {
                    rows: t.dims().first().copied().unwrap_or(0),
                    values: t
                        .flatten_all()
                        .and_then(|t| t.to_vec1())
                        .map_err(inference)?,
                },
                None => {
                    let mut n: Vec<&str> = tensors.keys().map(String::as_str).collect();
                    n.sort_unstable();
                    return Err(SemanticError::MissingTensor(
                        WORD_EMBEDDINGS.into(),
                        n.join(", "),
                    ));
                }
            },
        };
        let dim = config.hidden_size;
        if words.rows() != config.vocab_size || words.dim() != Some(dim) {
            return Err(SemanticError::TensorShape {
                name: WORD_EMBEDDINGS.into(),
                shape: vec![words.rows(), words.dim().unwrap_or(0)],
                expected: format!("{:?}", [config.vocab_size, dim]),
            });
        }
        let table = |name: &str, rows: usize| -> Result<Vec<f32>, SemanticError> {
            let t = tensors.get(name).ok_or_else(|| {
                let mut n: Vec<&str> = tensors.keys().map(String::as_str).collect();
                n.sort_unstable();
                SemanticError::MissingTensor(name.into(), n.join(", "))
            })?;
            if t.dims() != [rows, dim] {
                return Err(SemanticError::TensorShape {
                    name: name.into(),
                    shape: t.dims().to_vec(),
                    expected: format!("{:?}", [rows, dim]),
                });
            }
            t.flatten_all().and_then(|t| t.to_vec1()).map_err(inference)
        };
        let positions = table(
            "embeddings.position_embeddings.weight",
            config.max_position_embeddings,
        )?;
        let mut types = table(
            "embeddings.token_type_embeddings.weight",
            config.type_vocab_size,
        )?;
        // Every text is one segment: only the first token type is read.
        types.truncate(dim);
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let corrupt = |e: candle_core::Error| {
            // candle names the tensor it could not find or whose shape is wrong.
            SemanticError::CorruptTensors(format!("not a BERT encoder of this configuration: {e}"))
        };
        let norm = candle_nn::layer_norm(dim, config.layer_norm_eps, vb.pp("embeddings.LayerNorm"))
            .map_err(corrupt)?;
        let layers = BertEncoder::load(vb.pp("encoder"), &config).map_err(corrupt)?;
        let embeddings = Embeddings {
            words,
            positions,
            types,
            norm,
            dim,
        };

        let mut hash = Sha256::new();
        for part in [safetensors, tokenizer_json, config_json] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        Ok(Self {
            embeddings,
            layers,
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
        let ids = self.tokenize(text)?;
        let mut out = self.forward(&[ids.as_slice()])?;
        out.pop()
            .ok_or_else(|| SemanticError::Inference("no output".into()))
    }

    /// [`Self::embed`] for each text, in order. Texts are encoded in batches of similar length:
    /// a batch is padded to its longest text, so a paragraph in a batch of clauses would make
    /// each clause cost as much as the paragraph.
    pub fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError> {
        let ids: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| self.tokenize(t.as_ref()))
            .collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for batch in batches(&order, |i| ids[i].len()) {
            let rows: Vec<&[u32]> = batch.iter().map(|&i| ids[i].as_slice()).collect();
            for (&i, v) in batch.iter().zip(self.forward(&rows)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// The unit-length embeddings of token sequences, padded to the longest and masked.
    fn forward(&self, rows: &[&[u32]]) -> Result<Vec<Vec<f32>>, SemanticError> {
        let n = rows.len();
        let len = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        if n == 0 || len == 0 {
            return Ok(vec![vec![0.0; self.dim]; n]);
        }
        let mut mask: Vec<f32> = Vec::with_capacity(n * len);
        for r in rows {
            mask.extend(std::iter::repeat_n(1.0, r.len()));
            mask.resize(mask.len() + len - r.len(), 0.0);
        }
        // Attention ignores padding: its scores get the lowest number (as BERT's own masking).
        let ignored: Vec<f32> = mask.iter().map(|m| (1.0 - m) * f32::MIN).collect();
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let device = Device::Cpu;
            let input = self.embeddings.forward(rows, len, &device)?;
            let ignored = Tensor::from_vec(ignored, (n, 1, 1, len), &device)?;
            let hidden = self.layers.forward(&input, &ignored)?;
            let mask = Tensor::from_vec(mask, (n, len), &device)?;
            let m = mask.unsqueeze(2)?;
            let sum = hidden.broadcast_mul(&m)?.sum(1)?;
            let mean = sum.broadcast_div(&m.sum(1)?)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(inference)
    }
}

/// Most of a batch's tokens that may be padding.
const MOST_PADDING: usize = 25;

/// `order` (sorted by `len`, shortest first) cut into batches of at most [`BATCH`] texts, a
/// batch closed before a text that would make more than [`MOST_PADDING`] % of it padding.
fn batches(order: &[usize], len: impl Fn(usize) -> usize) -> Vec<&[usize]> {
    let mut out = Vec::new();
    let (mut start, mut real) = (0, 0);
    for (at, &i) in order.iter().enumerate() {
        let (l, n) = (len(i), at - start);
        // Padded to `l`, the batch with this text would hold (n + 1) · l tokens.
        let padded = (n + 1) * l;
        if n == BATCH || (n > 0 && (padded - real - l) * 100 > padded * MOST_PADDING) {
            out.push(&order[start..at]);
            (start, real) = (at, 0);
        }
        real += l;
    }
    if start < order.len() {
        out.push(&order[start..]);
    }
    out
}

/// A float16 or float32 tensor's values as float32, refusing any that is not a finite number.
/// (One pass over the stored bytes: loading is part of every command's start.)
fn widened(
    name: &str,
    view: &safetensors::tensor::TensorView<'_>,
) -> Result<Vec<f32>, SemanticError> {
    use half::slice::HalfFloatSliceExt;
    use safetensors::Dtype;
    let data = view.data();
    let values: Vec<f32> = match view.dtype() {
        Dtype::F16 => {
            let halves: Vec<half::f16> = data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]))
                .collect();
            let mut out = vec![0.0f32; halves.len()];
            halves.convert_to_f32_slice(&mut out);
            out
        }
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        other => {
            return Err(SemanticError::TensorType {
                name: name.to_owned(),
                dtype: format!("{other:?}"),
                expected: "F16 or F32".into(),
            });
        }
    };
    if !values.iter().all(|x| x.is_finite()) {
        return Err(SemanticError::TensorValue {
            name: name.to_owned(),
            reason: "holds a value that is not a finite number".into(),
        });
    }
    Ok(values)
}

/// BERT's input layer: each token's word vector, plus its position's and the first segment's,
/// normalised. The word table stays as stored (int8 rows with a scale each: a quarter of the
/// float32 table's memory); a batch's rows are widened as they are read.
struct Embeddings {
    words: WordTable,
    /// `[max_position, dim]`.
    positions: Vec<f32>,
    /// The first token type's vector.
    types: Vec<f32>,
    norm: LayerNorm,
    dim: usize,
}

/// The word-embedding table.
enum WordTable {
    /// Row `i` is `(q[i·dim + j] − 128) · scales[i]`.
    Quantised { q: Vec<u8>, scales: Vec<f32> },
    /// Row-major float32.
    Plain { rows: usize, values: Vec<f32> },
}

impl WordTable {
    fn rows(&self) -> usize {
        match self {
            Self::Quantised { scales, .. } => scales.len(),
            Self::Plain { rows, .. } => *rows,
        }
    }

    fn dim(&self) -> Option<usize> {
        let (len, rows) = match self {
            Self::Quantised { q, scales } => (q.len(), scales.len()),
            Self::Plain { rows, values } => (values.len(), *rows),
        };
        (rows > 0 && len % rows == 0).then(|| len / rows)
    }

    /// Adds token `id`'s vector to `out` (a row of the table's width).
    fn add_row(&self, id: usize, out: &mut [f32]) {
        let dim = out.len();
        match self {
            Self::Quantised { q, scales } => {
                let s = scales[id];
                for (o, &b) in out.iter_mut().zip(&q[id * dim..(id + 1) * dim]) {
                    *o += (f32::from(b) - 128.0) * s;
                }
            }
            Self::Plain { values, .. } => {
                for (o, v) in out.iter_mut().zip(&values[id * dim..(id + 1) * dim]) {
                    *o += v;
                }
            }
        }
    }
}

impl Embeddings {
    /// `[rows, len, dim]`: the input of the first layer (padding reads as token 0).
    fn forward(&self, rows: &[&[u32]], len: usize, device: &Device) -> candle_core::Result<Tensor> {
        let dim = self.dim;
        let vocabulary = self.words.rows();
        let mut x = vec![0.0f32; rows.len() * len * dim];
        for (r, ids) in rows.iter().enumerate() {
            for p in 0..len {
                let out = &mut x[(r * len + p) * dim..(r * len + p + 1) * dim];
                let id = ids.get(p).map_or(0, |&id| id as usize);
                if id >= vocabulary {
                    candle_core::bail!("token {id} is outside the vocabulary of {vocabulary}");
                }
                // In BERT's order: word, plus token type, plus position.
                self.words.add_row(id, out);
                let position = &self.positions[p * dim..(p + 1) * dim];
                for ((o, t), q) in out.iter_mut().zip(&self.types).zip(position) {
                    *o = (*o + t) + q;
                }
            }
        }
        let x = Tensor::from_vec(x, (rows.len(), len, dim), device)?;
        self.norm.forward(&x)
    }
}

/// The int8 word table (stored as value + 128) and its per-row scales.
fn quantised(
    q: &safetensors::tensor::TensorView<'_>,
    scale: &safetensors::tensor::TensorView<'_>,
) -> Result<WordTable, SemanticError> {
    use safetensors::Dtype;
    if q.dtype() != Dtype::U8 || scale.dtype() != Dtype::F32 {
        return Err(SemanticError::TensorType {
            name: WORD_EMBEDDINGS.into(),
            dtype: format!("{:?} with {:?} scales", q.dtype(), scale.dtype()),
            expected: "U8 with F32 scales".into(),
        });
    }
    let (rows, dim) = match q.shape() {
        &[rows, dim] if scale.shape() == [rows] && rows > 0 => (rows, dim),
        shape => {
            return Err(SemanticError::TensorShape {
                name: WORD_EMBEDDINGS.into(),
                shape: shape.to_vec(),
                expected: format!("[rows, dim] with {:?} scales", scale.shape()),
            });
        }
    };
    let scales = widened(&format!("{WORD_EMBEDDINGS}.scale"), scale)?;
    let q = q.data();
    if q.len() != rows * dim {
        return Err(SemanticError::CorruptTensors(format!(
            "{WORD_EMBEDDINGS}.q holds {} bytes for {rows} × {dim}",
            q.len()
        )));
    }
    Ok(WordTable::Quantised {
        q: q.to_vec(),
        scales,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_not_padded_into_a_batch_of_short_ones() {
        // Eight clauses of 10–12 tokens and a paragraph of 120.
        let lens = [10, 10, 11, 11, 11, 12, 12, 12, 120];
        let order: Vec<usize> = (0..lens.len()).collect();
        let got = batches(&order, |i| lens[i]);
        assert_eq!(got, vec![&order[..8], &order[8..]]);
        // Similar lengths share one batch up to its size.
        let same: Vec<usize> = (0..70).collect();
        let got = batches(&same, |_| 20);
        assert_eq!(
            got.iter().map(|b| b.len()).collect::<Vec<_>>(),
            vec![BATCH, BATCH, 70 - 2 * BATCH]
        );
        assert!(batches(&[], |_| 1).is_empty());
    }
}
