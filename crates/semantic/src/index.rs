//! Items embedded once and ranked by cosine: a contiguous matrix of unit-length label vectors,
//! scanned by brute force (14k–100k rows take milliseconds, and the ranking is exact).
//!
//! The vectors are kept as float16: half the memory and half the bytes to read at every start,
//! for cosines that move by less than 0.001 (a model's own noise is larger).

use std::collections::HashMap;

use half::f16;
use half::slice::HalfFloatSliceExt;
use sha2::{Digest, Sha256};

use crate::{Embedder, Fingerprint, SemanticError};

/// First bytes of a persisted index, with the format's version: float16 vectors and a CRC-32
/// at the end.
const MAGIC: &[u8; 8] = b"GSEMIX03";

/// The format before: float32 vectors and a SHA-256 at the end (still read).
const MAGIC_F32: &[u8; 8] = b"GSEMIX02";

/// One thing to find: an id and the texts that name it (a preferred label, alternative labels…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexItem {
    /// The item's id (a concept URI, say).
    pub id: String,
    /// Its labels; an item scores as its best label. An item without labels is never found.
    pub labels: Vec<String>,
}

/// Unit-length label embeddings of a set of items, for nearest-neighbour search by cosine.
#[derive(Debug, Clone)]
pub struct EmbeddingIndex {
    model: Fingerprint,
    corpus: String,
    dim: usize,
    ids: Vec<String>,
    /// Item `i`'s labels are rows `starts[i]..starts[i + 1]`.
    starts: Vec<usize>,
    /// Row-major `[rows, dim]`, unit-length rows (or zeros for a label of unknown words).
    matrix: Vec<f16>,
    /// Per row: a hash of the label's text, so that a later build can reuse the vector.
    keys: Vec<u64>,
    /// Labels the encoder embedded when this index was built (not reused, not read back).
    embedded: usize,
}

/// Two indexes are equal when they hold the same vectors for the same items of the same model
/// and corpus, however they were built.
impl PartialEq for EmbeddingIndex {
    fn eq(&self, other: &Self) -> bool {
        self.model == other.model
            && self.corpus == other.corpus
            && self.dim == other.dim
            && self.ids == other.ids
            && self.starts == other.starts
            && self.matrix == other.matrix
            && self.keys == other.keys
    }
}

/// A label's key: the first eight bytes of its SHA-256.
fn label_key(text: &str) -> u64 {
    let d = Sha256::digest(text.as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

impl EmbeddingIndex {
    /// Embeds every label of `items` with `model`. `corpus` names what was indexed (say
    /// "esco-1.2 skills"): loading the index later for another corpus is refused.
    pub fn build(
        model: &impl Embedder,
        items: &[IndexItem],
        corpus: &str,
    ) -> Result<Self, SemanticError> {
        Self::build_reusing(model, items, corpus, &[])
    }

    /// [`Self::build`], taking the vector of a label that one of `previous` (built with the same
    /// model) already holds instead of embedding it again: a new import re-embeds only what it
    /// changed.
    pub fn build_reusing(
        model: &impl Embedder,
        items: &[IndexItem],
        corpus: &str,
        previous: &[&EmbeddingIndex],
    ) -> Result<Self, SemanticError> {
        let dim = model.dim();
        let mut known: HashMap<u64, &[f16]> = HashMap::new();
        for p in previous
            .iter()
            .filter(|p| p.model == model.fingerprint() && p.dim == dim)
        {
            for (key, row) in p.keys.iter().zip(p.matrix.chunks_exact(dim)) {
                known.insert(*key, row);
            }
        }
        let labels: Vec<&str> = items
            .iter()
            .flat_map(|i| i.labels.iter().map(String::as_str))
            .collect();
        let keys: Vec<u64> = labels.iter().map(|l| label_key(l)).collect();
        // Each text once: O*NET states 1,260 of its task statements for several occupations.
        let mut seen = std::collections::HashSet::new();
        let missing: Vec<&str> = labels
            .iter()
            .zip(&keys)
            .filter(|(_, k)| !known.contains_key(k) && seen.insert(**k))
            .map(|(l, _)| *l)
            .collect();
        let fresh = model.embed_batch(&missing)?;
        let mut fresh = missing.iter().zip(fresh);
        let mut computed: HashMap<u64, Vec<f16>> = HashMap::new();
        for (label, v) in fresh.by_ref() {
            if v.len() != dim {
                return Err(SemanticError::Dimension {
                    expected: dim,
                    found: v.len(),
                });
            }
            computed.insert(
                label_key(label),
                v.iter().map(|x| f16::from_f32(*x)).collect(),
            );
        }
        let mut matrix = Vec::with_capacity(labels.len() * dim);
        for key in &keys {
            match known.get(key) {
                Some(row) => matrix.extend_from_slice(row),
                None => matrix.extend_from_slice(computed.get(key).map_or(&[][..], Vec::as_slice)),
            }
        }
        let mut starts = Vec::with_capacity(items.len() + 1);
        starts.push(0);
        for item in items {
            starts.push(starts[starts.len() - 1] + item.labels.len());
        }
        Ok(Self {
            model: model.fingerprint(),
            corpus: corpus.to_owned(),
            dim,
            ids: items.iter().map(|i| i.id.clone()).collect(),
            starts,
            matrix,
            keys,
            embedded: missing.len(),
        })
    }

    /// The items with these ids, in this order (an id the index lacks becomes an item without
    /// labels, never found).
    pub fn select<'s>(&self, ids: impl IntoIterator<Item = &'s str>) -> Self {
        let position: HashMap<&str, usize> = self
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut out = Self {
            model: self.model,
            corpus: self.corpus.clone(),
            dim: self.dim,
            ids: Vec::new(),
            starts: vec![0],
            matrix: Vec::new(),
            keys: Vec::new(),
            embedded: 0,
        };
        for id in ids {
            if let Some(&i) = position.get(id) {
                let (a, b) = (self.starts[i], self.starts[i + 1]);
                out.matrix
                    .extend_from_slice(&self.matrix[a * self.dim..b * self.dim]);
                out.keys.extend_from_slice(&self.keys[a..b]);
            }
            out.ids.push(id.to_owned());
            out.starts.push(out.keys.len());
        }
        out
    }

    /// Labels the encoder embedded to build this index (the others were reused; 0 for an index
    /// read from bytes).
    pub fn embedded(&self) -> usize {
        self.embedded
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index has no items.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of label vectors.
    pub fn rows(&self) -> usize {
        self.matrix.len() / self.dim.max(1)
    }

    /// Length of the vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Item `i`'s id.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[i]
    }

    /// Item `i`'s first label's unit vector (`None` for an item without labels).
    pub fn vector(&self, i: usize) -> Option<Vec<f32>> {
        self.row(i).map(|row| row.to_f32_vec())
    }

    /// Item `i`'s first label's row.
    fn row(&self, i: usize) -> Option<&[f16]> {
        let (start, end) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        (end > start).then(|| &self.matrix[start * self.dim..(start + 1) * self.dim])
    }

    /// The model the index was built with.
    pub fn model(&self) -> Fingerprint {
        self.model
    }

    /// What the index was built over.
    pub fn corpus(&self) -> &str {
        &self.corpus
    }

    /// Each item's cosine with `query` (a unit-length vector from [`Embedder::embed_batch`]): its
    /// best label's. An item without labels scores -1.
    pub fn scores(&self, query: &[f32]) -> Result<Vec<f32>, SemanticError> {
        if query.len() != self.dim {
            return Err(SemanticError::Dimension {
                expected: self.dim,
                found: query.len(),
            });
        }
        let mut wide = vec![0.0f32; self.dim];
        let row_scores: Vec<f32> = self
            .matrix
            .chunks_exact(self.dim)
            .map(|row| {
                row.convert_to_f32_slice(&mut wide);
                cosine(&wide, query)
            })
            .collect();
        Ok(self
            .starts
            .windows(2)
            .map(|w| {
                row_scores[w[0]..w[1]]
                    .iter()
                    .copied()
                    .fold(-1.0f32, f32::max)
            })
            .collect())
    }

    /// The `k` items nearest to `query` (a unit-length vector), best first, as (item index,
    /// cosine); ties go to the lower index.
    pub fn nearest(&self, query: &[f32], k: usize) -> Result<Vec<(usize, f32)>, SemanticError> {
        let scores = self.scores(query)?;
        let mut ranked: Vec<(usize, f32)> = scores.into_iter().enumerate().collect();
        let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let k = k.min(ranked.len());
        if k == 0 {
            return Ok(Vec::new());
        }
        if k < ranked.len() {
            ranked.select_nth_unstable_by(k - 1, order);
            ranked.truncate(k);
        }
        ranked.sort_by(order);
        Ok(ranked)
    }

    /// For every item, the `k` items nearest to it among those `among` marks (by first label,
    /// best first, as (item index, cosine); ties to the lower index). An item is its own
    /// neighbour when it is among them; an item without labels has none. All pairs are scored
    /// exactly, as a matrix product in blocks (18k × 18k tasks take seconds, not minutes).
    pub fn neighbours(
        &self,
        among: &[bool],
        k: usize,
    ) -> Result<Vec<Vec<(usize, f32)>>, SemanticError> {
        use candle_core::{Device, Tensor};
        let n = self.len();
        let first = |i: usize| self.row(i);
        let candidates: Vec<usize> = (0..n)
            .filter(|&i| among.get(i).copied().unwrap_or(false) && first(i).is_some())
            .collect();
        let mut out = vec![Vec::new(); n];
        if candidates.is_empty() || k == 0 || self.dim == 0 {
            return Ok(out);
        }
        let with_vectors: Vec<usize> = (0..n).filter(|&i| first(i).is_some()).collect();
        let gather = |rows: &[usize]| -> Vec<f32> {
            rows.iter()
                .flat_map(|&i| first(i).unwrap_or_default().iter().map(|x| x.to_f32()))
                .collect()
        };
        let device = Device::Cpu;
        let failed = |e: candle_core::Error| SemanticError::Inference(e.to_string());
        let right = Tensor::from_vec(gather(&candidates), (candidates.len(), self.dim), &device)
            .and_then(|t| t.t())
            .map_err(failed)?;
        const BLOCK: usize = 256;
        let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let k = k.min(candidates.len());
        // One buffer for every row's ranking: allocating 18k pairs per row costs more than the
        // products.
        let mut ranked: Vec<(usize, f32)> = Vec::with_capacity(candidates.len());
        for block in with_vectors.chunks(BLOCK) {
            let scores: Vec<f32> =
                Tensor::from_vec(gather(block), (block.len(), self.dim), &device)
                    .and_then(|left| left.matmul(&right))
                    .and_then(|s| s.flatten_all())
                    .and_then(|s| s.to_vec1::<f32>())
                    .map_err(failed)?;
            for (&item, row) in block.iter().zip(scores.chunks_exact(candidates.len())) {
                ranked.clear();
                ranked.extend(candidates.iter().copied().zip(row.iter().copied()));
                if k < ranked.len() {
                    ranked.select_nth_unstable_by(k - 1, order);
                }
                let mut best = ranked[..k].to_vec();
                best.sort_by(order);
                out[item] = best;
            }
        }
        Ok(out)
    }

    /// The index as bytes, to keep and load with [`Self::from_bytes`]: little-endian, with the
    /// model's fingerprint, the corpus name and a CRC-32 of the whole at the end (it finds
    /// damage; what the bytes belong to is checked by the fingerprint and corpus).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.matrix.len() * 2 + self.keys.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.model.0);
        put_str(&mut out, &self.corpus);
        put_u64(&mut out, self.dim as u64);
        put_u64(&mut out, self.ids.len() as u64);
        for (id, w) in self.ids.iter().zip(self.starts.windows(2)) {
            put_str(&mut out, id);
            put_u64(&mut out, (w[1] - w[0]) as u64);
        }
        for key in &self.keys {
            put_u64(&mut out, *key);
        }
        put_u64(&mut out, self.matrix.len() as u64);
        for x in &self.matrix {
            out.extend_from_slice(&x.to_le_bytes());
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Whether `bytes` are in the format [`Self::to_bytes`] writes now (bytes of the format
    /// before are read too, and are worth writing again).
    pub fn current_format(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Reads bytes from [`Self::to_bytes`] over any corpus, as vectors for
    /// [`Self::build_reusing`] to take from; `None` when they are not an intact index of `model`.
    pub fn reusable(bytes: &[u8], model: &impl Embedder) -> Option<Self> {
        let corpus = Self::corpus_of(bytes)?;
        Self::from_bytes(bytes, model, &corpus).ok()
    }

    /// The corpus name inside index bytes (unchecked).
    fn corpus_of(bytes: &[u8]) -> Option<String> {
        let mut r = Reader {
            bytes: bytes.get(MAGIC.len() + 32..)?,
        };
        r.string().ok()
    }

    /// Reads bytes from [`Self::to_bytes`], refusing an index built with another model than
    /// `model` or over another corpus than `corpus`.
    pub fn from_bytes(
        bytes: &[u8],
        model: &impl Embedder,
        corpus: &str,
    ) -> Result<Self, SemanticError> {
        let corrupt = |why: &str| SemanticError::CorruptIndex(why.to_owned());
        let magic = bytes.get(..MAGIC.len());
        let wide = magic == Some(MAGIC_F32);
        if magic != Some(MAGIC) && !wide {
            return Err(corrupt(
                "not a Guild embedding index (or another format version)",
            ));
        }
        let Some(body_len) = bytes.len().checked_sub(if wide { 32 } else { 4 }) else {
            return Err(corrupt("truncated"));
        };
        let (body, digest) = bytes.split_at(body_len);
        let intact = if wide {
            Sha256::digest(body).as_slice() == digest
        } else {
            crc32fast::hash(body).to_le_bytes() == digest
        };
        if !intact {
            return Err(corrupt("checksum mismatch (truncated or damaged)"));
        }
        let mut r = Reader {
            bytes: &body[MAGIC.len()..],
        };
        let mut fingerprint = [0u8; 32];
        fingerprint.copy_from_slice(r.take(32)?);
        let built = Fingerprint(fingerprint);
        if built != model.fingerprint() {
            return Err(SemanticError::IndexModelMismatch {
                built,
                loaded: model.fingerprint(),
            });
        }
        let built_corpus = r.string()?;
        if built_corpus != corpus {
            return Err(SemanticError::IndexCorpusMismatch {
                built: built_corpus,
                expected: corpus.to_owned(),
            });
        }
        let dim = r.count()?;
        if dim != model.dim() {
            return Err(corrupt("vector length differs from the model's"));
        }
        let n = r.count()?;
        let mut ids = Vec::new();
        let mut starts = vec![0usize];
        for _ in 0..n {
            ids.push(r.string()?);
            let labels = r.count()?;
            let end = starts
                .last()
                .and_then(|s| s.checked_add(labels))
                .ok_or_else(|| corrupt("label count overflows"))?;
            starts.push(end);
        }
        let rows = starts.last().copied().unwrap_or(0);
        let mut keys = Vec::new();
        for _ in 0..rows {
            let b = r.take(8)?;
            keys.push(u64::from_le_bytes([
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
            ]));
        }
        let len = r.count()?;
        if Some(len) != rows.checked_mul(dim) {
            return Err(corrupt("matrix size differs from the label count"));
        }
        let width = if wide { 4 } else { 2 };
        let data = r.take(
            len.checked_mul(width)
                .ok_or_else(|| corrupt("matrix too large"))?,
        )?;
        let matrix = if wide {
            data.chunks_exact(4)
                .map(|b| f16::from_f32(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect()
        } else {
            data.chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]))
                .collect()
        };
        if !r.bytes.is_empty() {
            return Err(corrupt("trailing bytes"));
        }
        Ok(Self {
            model: built,
            corpus: built_corpus,
            dim,
            ids,
            starts,
            matrix,
            keys,
            embedded: 0,
        })
    }
}

/// Cosine of two unit-length vectors (their dot product), in eight independent lanes so that
/// the compiler vectorises it.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((l, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *l += x * y;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Reads the fields of an index body, failing on truncation rather than panicking.
struct Reader<'b> {
    bytes: &'b [u8],
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], SemanticError> {
        if n > self.bytes.len() {
            return Err(SemanticError::CorruptIndex("truncated".into()));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn count(&mut self) -> Result<usize, SemanticError> {
        let b = self.take(8)?;
        let n = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        usize::try_from(n).map_err(|_| SemanticError::CorruptIndex("count too large".into()))
    }

    fn string(&mut self) -> Result<String, SemanticError> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| SemanticError::CorruptIndex("a string is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-dimensional embedder for index tests: each known word has a fixed direction and a
    /// text is the normalised sum of its words' (zeros when none is known). `salt` changes the
    /// fingerprint only.
    struct Tiny {
        salt: u8,
    }

    impl Embedder for Tiny {
        fn dim(&self) -> usize {
            2
        }
        fn fingerprint(&self) -> Fingerprint {
            Fingerprint([self.salt; 32])
        }
        fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError> {
            Ok(texts.iter().map(|t| self.embed(t.as_ref())).collect())
        }
    }

    impl Tiny {
        fn embed(&self, text: &str) -> Vec<f32> {
            let mut v = [0.0f32; 2];
            for w in text.split_whitespace() {
                let d = match w {
                    "data" => [1.0, 0.0],
                    "database" => [1.0, 1.0],
                    "admin" => [3.0, 1.0],
                    "cook" => [0.0, 1.0],
                    _ => [0.0, 0.0],
                };
                v[0] += d[0];
                v[1] += d[1];
            }
            let n = (v[0] * v[0] + v[1] * v[1]).sqrt();
            if n > 0.0 {
                v.iter().map(|x| x / n).collect()
            } else {
                v.to_vec()
            }
        }
    }

    fn tiny_model(config: &str) -> Tiny {
        Tiny {
            salt: config.len() as u8,
        }
    }

    fn item(id: &str, labels: &[&str]) -> IndexItem {
        IndexItem {
            id: id.into(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    fn items() -> Vec<IndexItem> {
        vec![
            item("db", &["database", "data"]),
            item("admin", &["admin"]),
            item("chef", &["cook"]),
            item("none", &[]),
        ]
    }

    #[test]
    fn a_text_stated_twice_is_embedded_once() {
        let model = tiny_model("{}");
        let twice = vec![
            item("a", &["admin", "cook"]),
            item("b", &["cook"]),
            item("c", &["admin"]),
        ];
        let index = EmbeddingIndex::build(&model, &twice, "test").unwrap();
        assert_eq!((index.rows(), index.embedded()), (4, 2));
        assert_eq!(index.vector(1), Some(model.embed("cook")));
        let admin = index.vector(2).unwrap_or_default();
        assert!(cosine(&admin, &model.embed("admin")) > 0.9999, "{admin:?}");
    }

    #[test]
    fn nearest_ranks_items_by_their_best_label() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let index = EmbeddingIndex::build(&model, &items(), "test").unwrap();
        assert_eq!((index.len(), index.rows(), index.dim()), (4, 4, 2));
        // [1, 0]: "data" is exact, "database" is at 45°; admin is [3, 1]/√10.
        let q = model.embed("data");
        let hits = index.nearest(&q, 3).unwrap();
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert!((hits[0].1 - 1.0).abs() < 1e-6);
        // float16 vectors: cosines within a thousandth.
        assert!((hits[1].1 - 3.0 / 10f32.sqrt()).abs() < 1e-3);
        let scores = index.scores(&q).unwrap();
        assert_eq!(scores[3], -1.0, "an item without labels is never near");
        assert_eq!(index.nearest(&q, 0).unwrap(), vec![]);
        assert_eq!(index.nearest(&q, 99).unwrap().len(), 4);
        assert_eq!(index.id(2), "chef");
        assert!(matches!(
            index.nearest(&[1.0], 1),
            Err(SemanticError::Dimension {
                expected: 2,
                found: 1
            })
        ));
    }

    #[test]
    fn neighbours_are_the_nearest_among_the_marked_items() {
        let model = tiny_model("{}");
        let index = EmbeddingIndex::build(&model, &items(), "test").unwrap();
        // Among db and chef only: admin ([3, 1]) is nearer db ([1, 1] first label) than chef.
        let among = [true, false, true, false];
        let found = index.neighbours(&among, 1).unwrap();
        assert_eq!(found.len(), 4);
        assert_eq!(found[0][0].0, 0, "an item among them is its own nearest");
        assert_eq!(found[1][0].0, 0);
        assert_eq!(found[2][0].0, 2);
        assert!(found[3].is_empty(), "no labels, no neighbours");
        // The same as `nearest` item by item, for every k.
        for k in 1..=3 {
            let all = index.neighbours(&[true; 4], k).unwrap();
            for (i, row) in all.iter().enumerate().take(3) {
                let q = index.vector(i).unwrap().to_vec();
                let want: Vec<usize> = index
                    .nearest(&q, k)
                    .unwrap()
                    .into_iter()
                    .filter(|(j, _)| index.vector(*j).is_some())
                    .map(|(j, _)| j)
                    .collect();
                let got: Vec<usize> = row.iter().map(|(j, _)| *j).collect();
                assert_eq!(got, want[..got.len()], "item {i}, k {k}");
            }
        }
        assert!(
            index
                .neighbours(&[false; 4], 2)
                .unwrap()
                .iter()
                .all(Vec::is_empty)
        );
    }

    #[test]
    fn nearest_agrees_with_sorting_every_score() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let many: Vec<IndexItem> = (0..50)
            .map(|i| {
                let words = ["data", "database", "admin", "cook", "cook admin", "data ."];
                item(&i.to_string(), &[words[i % 6], words[(i * 7) % 6]])
            })
            .collect();
        let index = EmbeddingIndex::build(&model, &many, "test").unwrap();
        let q = model.embed("cook data");
        let scores = index.scores(&q).unwrap();
        let mut all: Vec<(usize, f32)> = scores.into_iter().enumerate().collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for k in [1, 5, 17, 50] {
            assert_eq!(index.nearest(&q, k).unwrap(), all[..k].to_vec());
        }
    }

    #[test]
    fn index_bytes_round_trip() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let index = EmbeddingIndex::build(&model, &items(), "esco-1.2 skills").unwrap();
        let bytes = index.to_bytes();
        let back = EmbeddingIndex::from_bytes(&bytes, &model, "esco-1.2 skills").unwrap();
        assert_eq!(back, index);
        let q = model.embed("admin");
        assert_eq!(back.nearest(&q, 4).unwrap(), index.nearest(&q, 4).unwrap());
    }

    /// The bytes the format before wrote: float32 vectors and a SHA-256 at the end.
    fn float32_bytes(index: &EmbeddingIndex) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC_F32);
        out.extend_from_slice(&index.model.0);
        put_str(&mut out, &index.corpus);
        put_u64(&mut out, index.dim as u64);
        put_u64(&mut out, index.ids.len() as u64);
        for (id, w) in index.ids.iter().zip(index.starts.windows(2)) {
            put_str(&mut out, id);
            put_u64(&mut out, (w[1] - w[0]) as u64);
        }
        for key in &index.keys {
            put_u64(&mut out, *key);
        }
        put_u64(&mut out, index.matrix.len() as u64);
        for x in &index.matrix {
            out.extend_from_slice(&x.to_f32().to_le_bytes());
        }
        let digest: [u8; 32] = Sha256::digest(&out).into();
        out.extend_from_slice(&digest);
        out
    }

    #[test]
    fn an_index_kept_in_the_format_before_is_read() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let index = EmbeddingIndex::build(&model, &items(), "c").unwrap();
        let old = float32_bytes(&index);
        assert!(!EmbeddingIndex::current_format(&old));
        assert!(EmbeddingIndex::current_format(&index.to_bytes()));
        assert_eq!(
            EmbeddingIndex::from_bytes(&old, &model, "c").unwrap(),
            index
        );
        assert!(index.to_bytes().len() < old.len());
        let mut flipped = old.clone();
        flipped[60] ^= 1;
        let e = EmbeddingIndex::from_bytes(&flipped, &model, "c").unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
    }

    #[test]
    fn an_index_from_another_model_or_corpus_is_refused() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let other = tiny_model(r#"{"normalize": false}"#);
        let bytes = EmbeddingIndex::build(&model, &items(), "esco-1.2 skills")
            .unwrap()
            .to_bytes();
        let e = EmbeddingIndex::from_bytes(&bytes, &other, "esco-1.2 skills").unwrap_err();
        assert!(
            matches!(e, SemanticError::IndexModelMismatch { built, loaded }
                if built == model.fingerprint() && loaded == other.fingerprint()),
            "{e}"
        );
        assert!(e.to_string().contains("rebuild the index"));
        let e = EmbeddingIndex::from_bytes(&bytes, &model, "esco-1.3 skills").unwrap_err();
        assert!(
            matches!(&e, SemanticError::IndexCorpusMismatch { built, .. } if built == "esco-1.2 skills"),
            "{e}"
        );
    }

    #[test]
    fn damaged_index_bytes_are_refused() {
        let model = tiny_model(r#"{"normalize": true}"#);
        let bytes = EmbeddingIndex::build(&model, &items(), "c")
            .unwrap()
            .to_bytes();
        let bad: [&[u8]; 5] = [
            &bytes[..bytes.len() - 1],
            &bytes[..40],
            &bytes[..4],
            b"GSEMIX01",
            b"",
        ];
        for bad in bad {
            let e = EmbeddingIndex::from_bytes(bad, &model, "c").unwrap_err();
            assert!(matches!(e, SemanticError::CorruptIndex(_)), "{e}");
        }
        let mut flipped = bytes.clone();
        flipped[60] ^= 1;
        let e = EmbeddingIndex::from_bytes(&flipped, &model, "c").unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
    }
}
