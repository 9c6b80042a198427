//! The semantic side of the analyzer: the taxonomy's skills, occupations and task statements
//! embedded once by a sentence encoder, so that a text is also read by what it means, not only by
//! the words it shares with a label.
//!
//! The lexical engine stays: it gives the spans and the reasons. The encoder gives each lexical
//! match its *support* (how close the label's meaning is to the sentence it was found in), drops
//! the matches with none (a miner's "roof bolting" is not "lay interlocking roof tiles"), and
//! proposes what no word of the text shares with a label ("explainer video" → "create
//! animations").

use std::sync::Arc;

use guild_semantic::{EmbeddingIndex, Encoder, IndexItem, SemanticError};

use crate::analyzer::AnalyzerInput;
use crate::index::{ConceptDoc, Field};

/// Share of the cosine in a blended score; the rest is the lexical score divided by the text's
/// best. One global knob, chosen by 5-fold cross-validation on the extraction validation splits
/// (BENCHMARKS.md).
pub const SEMANTIC_WEIGHT: f32 = 0.8;

/// What the three persisted indexes are called in the store.
pub const PARTS: [&str; 3] = ["skills", "occupations", "tasks"];

/// The taxonomy embedded by one encoder.
#[derive(Debug, Clone)]
pub struct Semantics {
    encoder: Arc<Encoder>,
    pub(crate) skills: EmbeddingIndex,
    pub(crate) occupations: EmbeddingIndex,
    pub(crate) tasks: EmbeddingIndex,
}

/// The texts a concept is embedded as: its preferred English label (a task: its statement), or
/// its first preferred label in any language when it has none in English. Alternative labels
/// are left to the lexical engine: embedding them all multiplies the build time by seven and
/// did not rank skills better (scripts/model/README.md).
fn items(docs: &[ConceptDoc]) -> Vec<IndexItem> {
    docs.iter()
        .map(|d| {
            let preferred = |lang: Option<&str>| {
                d.texts
                    .iter()
                    .find(|t| t.field == Field::Preferred && lang.is_none_or(|l| t.lang == l))
            };
            IndexItem {
                id: d.id.clone(),
                labels: preferred(Some("en"))
                    .or_else(|| preferred(None))
                    .map(|t| vec![t.text.clone()])
                    .unwrap_or_default(),
            }
        })
        .collect()
}

impl Semantics {
    /// Embeds the skills, occupations and tasks of `input`; `corpus` names the taxonomy version
    /// (persisted indexes are refused for another). Labels that one of `previous` (indexes of an
    /// earlier version) holds are not embedded again.
    pub fn build(
        encoder: Arc<Encoder>,
        input: &AnalyzerInput,
        corpus: &str,
        previous: &[EmbeddingIndex],
    ) -> Result<Self, SemanticError> {
        let previous: Vec<&EmbeddingIndex> = previous.iter().collect();
        let build = |docs: &[ConceptDoc], part: &str| {
            EmbeddingIndex::build_reusing(
                encoder.as_ref(),
                &items(docs),
                &format!("{corpus} {part}"),
                &previous,
            )
        };
        Ok(Self {
            skills: build(&input.skills.docs, PARTS[0])?,
            occupations: build(&input.occupations.docs, PARTS[1])?,
            tasks: build(&input.tasks.docs, PARTS[2])?,
            encoder,
        })
    }

    /// One of the indexes (`part`, one of [`PARTS`]) from its persisted bytes, refused when
    /// built with another model or over another taxonomy version: a caller that reads the parts
    /// one at a time holds only one part's bytes at once.
    pub fn part_from_bytes(
        encoder: &Encoder,
        bytes: &[u8],
        corpus: &str,
        part: &str,
    ) -> Result<EmbeddingIndex, SemanticError> {
        EmbeddingIndex::from_bytes(bytes, encoder, &format!("{corpus} {part}"))
    }

    /// The indexes of [`PARTS`], in that order, read by [`Self::part_from_bytes`].
    pub fn from_parts(encoder: Arc<Encoder>, parts: [EmbeddingIndex; 3]) -> Self {
        let [skills, occupations, tasks] = parts;
        Self {
            skills,
            occupations,
            tasks,
            encoder,
        }
    }

    /// The indexes' bytes, in the order of [`PARTS`].
    pub fn to_bytes(&self) -> [Vec<u8>; 3] {
        [
            self.skills.to_bytes(),
            self.occupations.to_bytes(),
            self.tasks.to_bytes(),
        ]
    }

    /// The skills' index.
    pub fn skills(&self) -> &EmbeddingIndex {
        &self.skills
    }

    /// The occupations' index.
    pub fn occupations(&self) -> &EmbeddingIndex {
        &self.occupations
    }

    /// The tasks' index.
    pub fn tasks(&self) -> &EmbeddingIndex {
        &self.tasks
    }

    /// The encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Labels the encoder embedded to build these indexes (the rest were reused).
    pub fn embedded(&self) -> usize {
        self.skills.embedded() + self.occupations.embedded() + self.tasks.embedded()
    }

    /// Labels embedded, all indexes together.
    pub fn rows(&self) -> usize {
        self.skills.rows() + self.occupations.rows() + self.tasks.rows()
    }

    /// Unit vectors of `texts`; a text the encoder fails on (it should not) reads as nothing.
    pub(crate) fn embed(&self, texts: &[String]) -> Vec<Vec<f32>> {
        self.encoder
            .embed_batch(texts)
            .unwrap_or_else(|_| vec![vec![0.0; self.encoder.dim()]; texts.len()])
    }
}

/// The product's hybrid of a lexical score (`best`: the query's best) and a cosine, with the one
/// global knob [`SEMANTIC_WEIGHT`].
pub(crate) fn hybrid(lexical: f32, best: f32, cosine: f32) -> f32 {
    guild_semantic::fusion::blend(lexical, best, cosine, SEMANTIC_WEIGHT)
}
