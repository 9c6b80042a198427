//! Meaning, not words: the semantic layer beside the lexical engine of `guild-extraction`.
//!
//! - [`Encoder`]: a BERT sentence encoder (Guild's model is all-MiniLM-L6-v2 adapted to the
//!   taxonomies, `models/guild-minilm-l6`), run in-process on the CPU;
//! - [`EmbeddingIndex`]: items (a concept id with one or more label texts) embedded once, ranked
//!   by cosine against a query; persisted as bytes that remember which model and which corpus
//!   they were built from;
//! - [`fusion`]: a lexical and a semantic ranking blended into one.
//!
//! No I/O: the caller reads the model's files and the index's bytes and hands them in; with the
//! `embedded` feature, [`embedded`] gives Guild's own model, compiled into the binary.

mod encoder;
pub mod fusion;
mod index;

pub use encoder::{Encoder, Fingerprint};
pub use index::{EmbeddingIndex, IndexItem, cosine};

/// Anything that turns texts into unit-length vectors of one model: what an index is built with.
pub trait Embedder {
    /// Length of the vectors.
    fn dim(&self) -> usize;
    /// Which model this is.
    fn fingerprint(&self) -> Fingerprint;
    /// The unit-length embedding of each text, in order.
    fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError>;
}

impl Embedder for Encoder {
    fn dim(&self) -> usize {
        Encoder::dim(self)
    }
    fn fingerprint(&self) -> Fingerprint {
        Encoder::fingerprint(self)
    }
    fn embed_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, SemanticError> {
        Encoder::embed_batch(self, texts)
    }
}

/// Where Guild's model lives in the repository, and how to make it again: named in every error
/// about the embedded model.
pub const MODEL_DIR: &str = "models/guild-minilm-l6";

/// Guild's own model (`models/guild-minilm-l6`, compiled into the binary: nothing is read or
/// downloaded at run time).
#[cfg(feature = "embedded")]
pub fn embedded() -> Result<Encoder, SemanticError> {
    macro_rules! file {
        ($name:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../models/guild-minilm-l6/",
                $name
            ))
        };
    }
    Encoder::from_bytes(
        file!("model.safetensors"),
        file!("tokenizer.json"),
        file!("config.json"),
    )
    .map_err(|e| SemanticError::Embedded(Box::new(e)))
}

/// What can go wrong loading a model or an index, or querying one.
#[derive(Debug, thiserror::Error)]
pub enum SemanticError {
    /// `model.safetensors` is not a readable safetensors file.
    #[error("model.safetensors is corrupt: {0}")]
    CorruptTensors(String),
    /// A tensor the model needs is not in `model.safetensors`.
    #[error("model.safetensors has no tensor {0:?} (found: {1})")]
    MissingTensor(String, String),
    /// A tensor has a shape the model cannot use.
    #[error("tensor {name:?} has shape {shape:?}, expected {expected}")]
    TensorShape {
        /// The tensor's name.
        name: String,
        /// Its shape in the file.
        shape: Vec<usize>,
        /// What was expected, in words.
        expected: String,
    },
    /// A tensor's element type is not one the model reads.
    #[error("tensor {name:?} has element type {dtype}, expected {expected}")]
    TensorType {
        /// The tensor's name.
        name: String,
        /// Its element type in the file.
        dtype: String,
        /// The element types accepted, in words.
        expected: String,
    },
    /// A tensor holds a value that cannot be right (a token mapped past the matrix, a NaN).
    #[error("tensor {name:?}: {reason}")]
    TensorValue {
        /// The tensor's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// `tokenizer.json` cannot be read as a Hugging Face tokenizer.
    #[error("tokenizer.json is not a usable tokenizer: {0}")]
    BadTokenizer(String),
    /// The tokenizer and the embedding matrix disagree on the vocabulary's size.
    #[error(
        "the tokenizer has {tokens} tokens but the embedding matrix has {rows} rows (and no token mapping)"
    )]
    VocabularyMismatch {
        /// Tokens in the tokenizer's vocabulary (with its added tokens).
        tokens: usize,
        /// Rows of the `embeddings` tensor.
        rows: usize,
    },
    /// `config.json` is not a JSON object or has a setting of the wrong type.
    #[error("config.json: {0}")]
    BadConfig(String),
    /// The tokenizer failed on a text.
    #[error("cannot tokenize text: {0}")]
    Tokenize(String),
    /// The model failed while encoding.
    #[error("the model failed: {0}")]
    Inference(String),
    /// The model compiled into Guild is unusable.
    #[error(
        "the model built into Guild ({MODEL_DIR}) is unusable: {0}; make it again with scripts/model/build.sh export and rebuild Guild"
    )]
    Embedded(Box<SemanticError>),
    /// A vector of the wrong length was given.
    #[error("vector has {found} dimensions, the index has {expected}")]
    Dimension {
        /// The index's dimension.
        expected: usize,
        /// The vector's.
        found: usize,
    },
    /// Index bytes that are truncated, damaged or not an index.
    #[error("embedding index is corrupt: {0}")]
    CorruptIndex(String),
    /// An index built with another model than the one given.
    #[error(
        "embedding index was built with model {built} but the model loaded is {loaded}: rebuild the index"
    )]
    IndexModelMismatch {
        /// Fingerprint of the model the index was built with.
        built: Fingerprint,
        /// Fingerprint of the model given now.
        loaded: Fingerprint,
    },
    /// An index built over another corpus (another taxonomy version) than the one expected.
    #[error(
        "embedding index was built over corpus {built:?} but {expected:?} is expected: rebuild the index"
    )]
    IndexCorpusMismatch {
        /// The corpus key stored in the index.
        built: String,
        /// The corpus key the caller expects.
        expected: String,
    },
}
