//! Reading text against the taxonomy: building the analyzer from the store (and keeping its
//! indexes there), and what the store holds about tasks' presence on site.

use crate::areas::Taxonomy;
use std::collections::HashMap;
use std::sync::Arc;

use guild_extraction::analyzer::{Analyzer, AnalyzerInput, ConceptSet};
use guild_extraction::meaning::{PARTS, Semantics};
use guild_extraction::presence::{self, OccupationPresence};
use guild_semantic::{EmbeddingIndex, Encoder};

use crate::sql::{Tx, Value};
use crate::{Corpus, Store, StoreError};

fn set(corpus: Corpus) -> ConceptSet {
    ConceptSet {
        docs: corpus.docs,
        info: corpus.info,
    }
}

impl Taxonomy<'_> {
    /// A fingerprint of the taxonomy: changes whenever an import runs.
    pub fn taxonomy_version(&self) -> Result<String, StoreError> {
        self.store.read(taxonomy_version)
    }

    /// Everything the analyzer indexes: all skills (groups left out), occupations, tasks,
    /// crosswalk links and occupation–skill weights; and the labels in English and another
    /// language its lexicons are learned from.
    pub fn analyzer_input(&self) -> Result<AnalyzerInput, StoreError> {
        Ok(AnalyzerInput {
            skills: set(self.skill_corpus(&[])?),
            // The kind slot of an occupation's info carries its source.
            occupations: set(self.occupation_corpus(&[])?),
            tasks: set(self.task_corpus()?),
            crosswalk: self.crosswalk_links()?,
            occupation_skills: self.occupation_skill_weights()?,
            parallel: self.parallel_labels()?,
        })
    }

    /// Builds the analyzer over the whole taxonomy: by words only, or by meaning too with the
    /// encoder that `encoder` makes (see [`Self::semantics`]); the model is loaded while the
    /// lexical indexes are read, which takes as long.
    ///
    /// The lexical indexes are kept in the store, per taxonomy version, the first time they are
    /// built, and read back after (a kept copy from another build of Guild, or one that cannot
    /// be read, is built again). The lexical indexes and the embeddings are read side by side:
    /// both are tens of megabytes, and every command that reads text starts with them.
    pub fn analyzer_with<E>(
        &self,
        encoder: impl FnOnce() -> Result<Option<Arc<Encoder>>, E> + Send,
    ) -> Result<Analyzer, E>
    where
        E: From<StoreError> + Send,
    {
        let (lexical, semantics) = std::thread::scope(|s| {
            let lexical = s.spawn(|| self.lexical_analyzer());
            let semantics = encoder().and_then(|encoder| {
                encoder
                    .map(|encoder| self.semantics(&encoder))
                    .transpose()
                    .map_err(E::from)
            });
            let lexical = lexical.join().unwrap_or_else(|_| {
                Err(StoreError::Backend(
                    "reading the taxonomy's indexes failed".into(),
                ))
            });
            (lexical, semantics)
        });
        let (analyzer, semantics) = (lexical?, semantics?);
        match semantics {
            Some(semantics) => Ok(analyzer
                .with_semantics(semantics)
                .map_err(StoreError::from)?),
            None => Ok(analyzer),
        }
    }

    /// The analyzer's lexical indexes (reading by words only): kept for this taxonomy version,
    /// or built and kept.
    pub fn lexical_analyzer(&self) -> Result<Analyzer, StoreError> {
        let version = self.taxonomy_version()?;
        let started = std::time::Instant::now();
        if let Some(kept) = self.store.kept_analyzer(&version)? {
            tracing::debug!("read the kept analyzer in {:.0?}", started.elapsed());
            return Ok(kept);
        }
        let analyzer = Analyzer::new(self.analyzer_input()?);
        self.store.keep_analyzer(&version, &analyzer)?;
        Ok(analyzer)
    }

    /// Builds the analyzer's lexical indexes and keeps them, unless they are kept already for
    /// this taxonomy version; returns whether it built them. Imports call it, so that the first
    /// command that reads text starts as fast as the next.
    pub fn prepare_analyzer(&self) -> Result<bool, StoreError> {
        let version = self.taxonomy_version()?;
        if self.store.kept_analyzer(&version)?.is_some() {
            return Ok(false);
        }
        self.store
            .keep_analyzer(&version, &Analyzer::new(self.analyzer_input()?))?;
        Ok(true)
    }
}

impl Store {
    /// The analyzer kept for taxonomy `version`, when there is one this build can read.
    fn kept_analyzer(&self, version: &str) -> Result<Option<Analyzer>, StoreError> {
        let mut kept = None;
        self.read(|tx| {
            tx.with_blob(
                "SELECT bytes FROM kept_analyzers WHERE corpus = $1",
                &[version.into()],
                &mut |bytes| {
                    kept = Some(Analyzer::from_kept(bytes));
                    Ok(())
                },
            )
        })?;
        match kept {
            None => Ok(None),
            Some(Ok(analyzer)) => Ok(Some(analyzer)),
            Some(Err(e)) => {
                tracing::info!("building the analyzer again: {e}");
                Ok(None)
            }
        }
    }

    /// Keeps `analyzer` as the one for taxonomy `version`, replacing any other.
    fn keep_analyzer(&self, version: &str, analyzer: &Analyzer) -> Result<(), StoreError> {
        let bytes = analyzer.to_kept();
        let now = self.now().to_string();
        self.write(|tx| {
            tx.execute("DELETE FROM kept_analyzers", &[])?;
            tx.execute(
                "INSERT INTO kept_analyzers (corpus, bytes, built_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (corpus) DO UPDATE SET bytes = excluded.bytes, built_at = excluded.built_at",
                &[version.into(), Value::Bytes(bytes), now.as_str().into()],
            )?;
            Ok(())
        })
    }
}

impl Taxonomy<'_> {
    /// The taxonomy embedded by `encoder`: read from the store when it holds them for this
    /// taxonomy version and model; otherwise computed (minutes for all of O*NET and ESCO; labels
    /// an earlier version embedded are reused) and kept. Imports call it, so that the first
    /// text read is not slow; [`Semantics::embedded`] says how many labels it embedded.
    pub fn semantics(&self, encoder: &Arc<Encoder>) -> Result<Semantics, StoreError> {
        self.store.semantics_over(encoder, &[])
    }

    /// [`Self::semantics`], reusing the vectors of `also` (indexes kept outside the store, say
    /// of another store over the same taxonomy) as well as the store's own.
    pub fn semantics_reusing(
        &self,
        encoder: &Arc<Encoder>,
        also: &[EmbeddingIndex],
    ) -> Result<Semantics, StoreError> {
        self.store.semantics_over(encoder, also)
    }
}

impl Store {
    /// [`Self::semantics`], reusing `also`'s vectors when they must be computed.
    fn semantics_over(
        &self,
        encoder: &Arc<Encoder>,
        also: &[EmbeddingIndex],
    ) -> Result<Semantics, StoreError> {
        let version = self.taxonomy().taxonomy_version()?;
        let started = std::time::Instant::now();
        if let Some(kept) = self.stored_semantics(encoder, &version)? {
            tracing::debug!("read the kept embeddings in {:.0?}", started.elapsed());
            return Ok(kept);
        }
        self.compute_semantics(encoder, &self.taxonomy().analyzer_input()?, &version, also)
    }

    /// The kept embeddings, when all parts are there for this version and model and read back
    /// intact; `None` otherwise (they are then computed again).
    fn stored_semantics(
        &self,
        encoder: &Arc<Encoder>,
        version: &str,
    ) -> Result<Option<Semantics>, StoreError> {
        let model = encoder.fingerprint().to_string();
        // One part at a time: only one part's bytes are held besides the vectors.
        let mut parts = Vec::with_capacity(PARTS.len());
        for part in PARTS {
            let mut read = None;
            self.read(|tx| {
                tx.with_blob(
                    "SELECT bytes FROM semantic_indexes WHERE corpus = $1 AND model = $2 AND part = $3",
                    &[version.into(), model.as_str().into(), part.into()],
                    &mut |bytes| {
                        read = Some(
                            Semantics::part_from_bytes(encoder, bytes, version, part)
                                .map(|index| (index, EmbeddingIndex::current_format(bytes))),
                        );
                        Ok(())
                    },
                )
            })?;
            // Damaged or foreign bytes are not an error to the reader: they are computed again.
            match read {
                None => return Ok(None),
                Some(Err(e)) => {
                    tracing::info!("embedding the taxonomy again: {e}");
                    return Ok(None);
                }
                Some(Ok((index, current))) => {
                    if !current {
                        self.rewrite_semantics(&index, version, &model, part);
                    }
                    parts.push(index);
                }
            }
        }
        let Ok(parts) = <[EmbeddingIndex; 3]>::try_from(parts) else {
            return Ok(None);
        };
        Ok(Some(Semantics::from_parts(encoder.clone(), parts)))
    }

    /// Writes an index read in an older format in the current one (smaller and faster to read);
    /// a store that cannot be written now is left as it is, and read the slower way again.
    fn rewrite_semantics(&self, index: &EmbeddingIndex, version: &str, model: &str, part: &str) {
        let bytes = index.to_bytes();
        let written = self.write(|tx| {
            tx.execute(
                "UPDATE semantic_indexes SET bytes = $1 WHERE corpus = $2 AND model = $3 AND part = $4",
                &[Value::Bytes(bytes), version.into(), model.into(), part.into()],
            )?;
            Ok(())
        });
        if let Err(e) = written {
            tracing::info!("the {part} embeddings stay in the older format: {e}");
        }
    }

    fn compute_semantics(
        &self,
        encoder: &Arc<Encoder>,
        input: &AnalyzerInput,
        version: &str,
        also: &[EmbeddingIndex],
    ) -> Result<Semantics, StoreError> {
        // What an earlier import embedded is reused, label by label.
        let mut previous: Vec<EmbeddingIndex> = self
            .read(|tx| {
                tx.query(
                    "SELECT bytes FROM semantic_indexes WHERE model = $1",
                    &[encoder.fingerprint().to_string().into()],
                )
            })?
            .iter()
            .filter_map(|r| EmbeddingIndex::reusable(r.bytes("bytes").ok()?, encoder.as_ref()))
            .collect();
        previous.extend_from_slice(also);
        let semantics = Semantics::build(encoder.clone(), input, version, &previous)?;
        let model = encoder.fingerprint().to_string();
        let bytes = semantics.to_bytes();
        let now = self.now().to_string();
        self.write(|tx| {
            tx.execute("DELETE FROM semantic_indexes", &[])?;
            for (part, bytes) in PARTS.iter().zip(bytes) {
                tx.execute(
                    "INSERT INTO semantic_indexes (part, corpus, model, bytes, built_at) VALUES ($1, $2, $3, $4, $5)",
                    &[
                        (*part).into(),
                        version.into(),
                        model.as_str().into(),
                        Value::Bytes(bytes),
                        now.as_str().into(),
                    ],
                )?;
            }
            Ok(())
        })?;
        Ok(semantics)
    }
}

impl Taxonomy<'_> {
    /// Judges how much of every task's and occupation's work needs presence on site (see
    /// [`guild_extraction::presence`]) and keeps it, replacing the last judgement: by meaning
    /// with the taxonomy's `semantics`, by the tasks' own work activities without. Returns how
    /// many occupations were judged. Imports call it.
    pub fn judge_presence(&self, semantics: Option<&Semantics>) -> Result<usize, StoreError> {
        let ids: Vec<String> = self.store.read(|tx| {
            tx.query("SELECT id FROM tasks ORDER BY id", &[])?
                .iter()
                .map(|r| Ok(r.text("id")?.to_owned()))
                .collect::<Result<_, StoreError>>()
        })?;
        let facts = self.task_facts(&ids)?;
        let physical: HashMap<String, bool> = facts
            .iter()
            .filter_map(|f| f.physical.map(|p| (f.id.clone(), p)))
            .collect();
        let onsite = presence::tasks_onsite(semantics.map(Semantics::tasks), &physical)?;
        let mut tasks: HashMap<String, Vec<f64>> = HashMap::new();
        for f in &facts {
            if let Some(v) = onsite.get(&f.id) {
                tasks.entry(f.occupation.clone()).or_default().push(*v);
            }
        }
        let mut profiles: HashMap<String, Vec<(String, f64)>> = HashMap::new();
        self.store.read(|tx| {
            for r in tx.query(
                "SELECT os.occupation, os.skill, os.weight FROM occupation_skills os \
                 JOIN skills s ON s.id = os.skill WHERE s.kind IN ('skill', 'knowledge')",
                &[],
            )? {
                profiles
                    .entry(r.text("occupation")?.to_owned())
                    .or_default()
                    .push((
                        r.text("skill")?.to_owned(),
                        r.opt_real("weight")?.unwrap_or(0.0),
                    ));
            }
            Ok(())
        })?;
        let judged = presence::judge_occupations(&tasks, &profiles, &self.crosswalk_links()?);
        self.store.write(|tx| {
            tx.execute("DELETE FROM task_presence", &[])?;
            let mut tasks: Vec<(&String, &f64)> = onsite.iter().collect();
            tasks.sort_by(|a, b| a.0.cmp(b.0));
            for (task, share) in tasks {
                tx.execute(
                    "INSERT INTO task_presence (task, onsite) VALUES ($1, $2)",
                    &[task.as_str().into(), Value::Real(*share)],
                )?;
            }
            tx.execute("DELETE FROM occupation_presence", &[])?;
            for p in &judged {
                tx.execute(
                    "INSERT INTO occupation_presence (occupation, onsite, remote, basis) VALUES ($1, $2, $3, $4)",
                    &[
                        p.occupation.as_str().into(),
                        Value::Real(p.onsite),
                        Value::Real(p.remote),
                        p.basis.as_str().into(),
                    ],
                )?;
            }
            Ok(())
        })?;
        Ok(judged.len())
    }

    /// The kept presence judgements ([`Self::judge_presence`]) of `ids`, or of every occupation
    /// when `ids` is `None`.
    pub fn occupation_presence(
        &self,
        ids: Option<&[String]>,
    ) -> Result<HashMap<String, OccupationPresence>, StoreError> {
        self.store.read(|tx| {
            let rows = match ids {
                None => tx.query("SELECT occupation, onsite, remote, basis FROM occupation_presence", &[])?,
                Some([]) => Vec::new(),
                Some(ids) => {
                    let params: Vec<Value> = ids.iter().map(Value::from).collect();
                    tx.query(
                        &format!(
                            "SELECT occupation, onsite, remote, basis FROM occupation_presence WHERE occupation IN ({})",
                            crate::sql::placeholders(1, ids.len())
                        ),
                        &params,
                    )?
                }
            };
            rows.iter()
                .map(|r| {
                    let p = OccupationPresence {
                        occupation: r.text("occupation")?.to_owned(),
                        onsite: r.opt_real("onsite")?.unwrap_or(0.0),
                        remote: r.opt_real("remote")?.unwrap_or(0.0),
                        basis: r.text("basis")?.to_owned(),
                    };
                    Ok((p.occupation.clone(), p))
                })
                .collect()
        })
    }
}

/// The taxonomy's version in `tx`: which imports made it, and when.
pub(crate) fn taxonomy_version(tx: &mut dyn Tx) -> Result<String, StoreError> {
    let rows = tx.query("SELECT name, imported_at FROM imports ORDER BY name", &[])?;
    let mut v = String::new();
    for r in rows {
        v.push_str(r.text("name")?);
        v.push('@');
        v.push_str(r.text("imported_at")?);
        v.push(';');
    }
    Ok(v)
}
