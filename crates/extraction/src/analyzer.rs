//! The whole taxonomy, indexed for reading text: skills, occupations (with the crosswalk between
//! taxonomies) and task statements.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use guild_semantic::SemanticError;
use guild_taxonomy::Source;

use crate::index::{ConceptDoc, ConceptIndex, Field, Hit, ScoringParams, Scratch};
use crate::lexicon::Lexicon;
use crate::meaning::{Semantics, hybrid};
use crate::skills::{ConceptInfo, ExtractOptions, SkillExtractor, SkillMatch, Span, segments};
use guild_semantic::cosine;

/// Concepts of one kind with their display info.
#[derive(Debug, Default)]
pub struct ConceptSet {
    /// Documents to index.
    pub docs: Vec<ConceptDoc>,
    /// Display info, one per document.
    pub info: Vec<ConceptInfo>,
}

/// What the analyzer is built from.
#[derive(Debug, Default)]
pub struct AnalyzerInput {
    /// Skills (info kind: the skill kind).
    pub skills: ConceptSet,
    /// Occupations (info kind: the source).
    pub occupations: ConceptSet,
    /// Task statements (info kind: the occupation id).
    pub tasks: ConceptSet,
    /// Crosswalk links: (ESCO or starter occupation, O*NET occupation, confidence).
    pub crosswalk: Vec<(String, String, f64)>,
    /// Occupation → skill weights: (occupation, skill, weight).
    pub occupation_skills: Vec<(String, String, f64)>,
    /// Concepts of any kind labelled in English and another language (labels only): the
    /// evidence from which each other language's lexicon into English is learned.
    pub parallel: Vec<ConceptDoc>,
}

/// An occupation matched to a title or a set of skills.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationMatch {
    /// The occupation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its source (onet, esco, guild).
    pub source: String,
    /// Score; higher is better, comparable within one answer.
    pub score: f32,
    /// Why, in words.
    pub reason: String,
}

/// A task statement similar to a text.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarTask {
    /// The task's id.
    pub id: String,
    /// Its statement.
    pub statement: String,
    /// Its occupation's id.
    pub occupation: String,
    /// Similarity 0–1 (share of the statement's information found in the text, blended with
    /// the text's coverage by the statement).
    pub similarity: f32,
}

/// Scratch buffers for one analysis at a time.
#[derive(Debug, Default)]
pub struct AnalyzerScratch {
    skills: Scratch,
    occupations: Scratch,
    tasks: Scratch,
}

/// The taxonomy indexed for reading text.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct Analyzer {
    skills: SkillExtractor,
    occupations: ConceptIndex,
    occupation_info: Vec<ConceptInfo>,
    tasks: ConceptIndex,
    task_info: Vec<ConceptInfo>,
    crosswalk: HashMap<String, Vec<(usize, f64)>>,
    /// skill id → (occupation index, weight)
    skill_occupations: HashMap<String, Vec<(u32, f32)>>,
    occupation_norm: Vec<f32>,
    /// occupation index → (skill id, weight as imported: ESCO essential 1, optional ½)
    occupation_skills: Vec<Vec<(String, f32)>>,
    /// Not kept with the rest: the store keeps the embeddings apart, per model.
    #[serde(skip)]
    semantics: Option<Semantics>,
    /// With ESCO imported, proposals read by meaning come from ESCO (multilingual, made for
    /// people's skills), not from O*NET's product names and work activities besides it.
    preferred: Option<Source>,
}

impl Analyzer {
    /// Indexes everything in `input`.
    pub fn new(input: AnalyzerInput) -> Self {
        let params = ScoringParams::default();
        let occupations = ConceptIndex::build(&input.occupations.docs, params);
        let position: HashMap<&str, usize> = input
            .occupations
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut crosswalk: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
        for (a, b, confidence) in &input.crosswalk {
            if let (Some(&ia), Some(&ib)) = (position.get(a.as_str()), position.get(b.as_str())) {
                crosswalk
                    .entry(a.clone())
                    .or_default()
                    .push((ib, *confidence));
                crosswalk
                    .entry(b.clone())
                    .or_default()
                    .push((ia, *confidence));
            }
        }
        // Occupations as tf-idf vectors over skills: a skill that half of all occupations need
        // (a language, teamwork) says little about which occupation a worker is in.
        let mut skill_occupations: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        let mut occupation_skills: Vec<Vec<(String, f32)>> =
            vec![Vec::new(); input.occupations.docs.len()];
        for (occupation, skill, weight) in &input.occupation_skills {
            if let Some(&o) = position.get(occupation.as_str()) {
                occupation_skills[o].push((skill.clone(), *weight as f32));
                skill_occupations
                    .entry(skill.clone())
                    .or_default()
                    .push((o as u32, *weight as f32));
            }
        }
        let n = input.occupations.docs.len().max(1) as f32;
        for list in skill_occupations.values_mut() {
            let idf = (n / list.len() as f32).ln().max(0.0) + 0.1;
            for (_, w) in list.iter_mut() {
                *w *= idf;
            }
        }
        // Summed occupation by occupation, skills in the order imported: the same sum in every
        // process (a hash map's order is not, and float sums depend on their order).
        let occupation_norm: Vec<f32> = occupation_skills
            .iter()
            .map(|skills| {
                skills
                    .iter()
                    .map(|(skill, weight)| {
                        let needing = skill_occupations.get(skill).map_or(1, Vec::len);
                        let w = weight * ((n / needing as f32).ln().max(0.0) + 0.1);
                        w * w
                    })
                    .sum::<f32>()
                    .sqrt()
            })
            .collect();
        // A lexicon into English for every other language the parallel labels have.
        let mut languages: Vec<&str> = input
            .parallel
            .iter()
            .flat_map(|d| d.texts.iter().map(|t| t.lang.as_str()))
            .filter(|l| *l != "en")
            .collect();
        languages.sort_unstable();
        languages.dedup();
        let lexicons = languages
            .into_iter()
            .map(|l| {
                Lexicon::learn(&input.parallel, l, "en").with_target_words(
                    input
                        .skills
                        .docs
                        .iter()
                        .flat_map(|d| &d.texts)
                        .filter(|t| t.lang == "en" && t.field != Field::Description)
                        .map(|t| t.text.as_str()),
                )
            })
            .collect();
        Self {
            skills: SkillExtractor::new(&input.skills.docs, input.skills.info, params)
                .with_lexicons(lexicons),
            occupations,
            occupation_info: input.occupations.info,
            tasks: ConceptIndex::build(&input.tasks.docs, params),
            task_info: input.tasks.info,
            crosswalk,
            skill_occupations,
            occupation_norm,
            occupation_skills,
            semantics: None,
            preferred: None,
        }
    }

    /// The analyzer's indexes (not its semantics) as bytes to keep: building them reads and
    /// stems every label of the taxonomy, which takes seconds; reading them back does not.
    /// [`Self::from_kept`] reads them only in the same build of Guild.
    pub fn to_kept(&self) -> Vec<u8> {
        let mut out = kept_header();
        // Serialising plain data cannot fail; an empty answer is read back as damaged.
        bincode::serde::encode_into_std_write(self, &mut out, bincode::config::standard())
            .map(|_| out)
            .unwrap_or_default()
    }

    /// An analyzer kept by [`Self::to_kept`] in this build of Guild.
    pub fn from_kept(bytes: &[u8]) -> Result<Self, crate::Error> {
        let header = kept_header();
        let body = bytes
            .strip_prefix(header.as_slice())
            .ok_or(crate::Error::KeptByOtherBuild)?;
        let (analyzer, read) =
            bincode::serde::decode_from_slice::<Self, _>(body, bincode::config::standard())
                .map_err(|e| crate::Error::KeptDamaged(e.to_string()))?;
        if read != body.len() {
            return Err(crate::Error::KeptDamaged(format!(
                "{} bytes left over",
                body.len() - read
            )));
        }
        Ok(analyzer)
    }

    /// Reads text by meaning too, with `semantics` built over the same taxonomy.
    pub fn with_semantics(mut self, semantics: Semantics) -> Result<Self, SemanticError> {
        let same = |index: &guild_semantic::EmbeddingIndex, ids: &dyn Fn(usize) -> String, n| {
            index.len() == n && (0..n).all(|i| index.id(i) == ids(i))
        };
        let aligned = same(
            &semantics.skills,
            &|i| self.skills.index().id(i).to_owned(),
            self.skills.index().len(),
        ) && same(
            &semantics.occupations,
            &|i| self.occupations.id(i).to_owned(),
            self.occupations.len(),
        ) && same(
            &semantics.tasks,
            &|i| self.tasks.id(i).to_owned(),
            self.tasks.len(),
        );
        if !aligned {
            return Err(SemanticError::IndexCorpusMismatch {
                built: "another set of concepts".into(),
                expected: "the analyzer's concepts".into(),
            });
        }
        self.semantics = Some(semantics);
        let esco = |index: &ConceptIndex| {
            (0..index.len()).any(|i| Source::of_id(index.id(i)) == Some(Source::Esco))
        };
        if esco(self.skills.index()) && esco(&self.occupations) {
            self.preferred = Some(Source::Esco);
        }
        Ok(self)
    }

    /// Whether a concept may be proposed by the semantic reading (see `preferred`).
    fn proposable(&self, id: &str) -> bool {
        self.preferred
            .is_none_or(|p| Source::of_id(id).is_none_or(|s| s == p || s == Source::Guild))
    }

    /// The semantic side, when the analyzer has one.
    pub fn semantics(&self) -> Option<&Semantics> {
        self.semantics.as_ref()
    }

    /// `text` as the encoder should read it: English as written; a language a lexicon reads,
    /// as the English words the lexicon reads it as (the model is English only).
    fn english_reading(&self, text: &str, lang: &str) -> String {
        match (lang, self.skills.lexicon(lang)) {
            ("en", _) | (_, None) => text.to_owned(),
            (_, Some(lexicon)) => {
                let glosses = lexicon.read(text);
                if glosses.is_empty() {
                    text.to_owned()
                } else {
                    glosses
                        .iter()
                        .map(|g| g.word.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            }
        }
    }

    /// What each of `texts` means, as unit vectors (read in English), when this analyzer reads
    /// by meaning; `None` when it reads by words only.
    pub fn meanings(&self, texts: &[&str], lang: &str) -> Option<Vec<Vec<f32>>> {
        let semantics = self.semantics.as_ref()?;
        let readings: Vec<String> = texts
            .iter()
            .map(|t| self.english_reading(t, lang))
            .collect();
        Some(semantics.embed(&readings))
    }

    /// The language of `text`: the label language of skills or occupations that most of its
    /// words (label words and stop words) speak for, English on ties. Occupations count too: a
    /// taxonomy may name occupations in a language whose skills it has no labels for.
    pub fn guess_language(&self, text: &str) -> String {
        let mut evidence: Vec<(String, usize)> = Vec::new();
        for (lang, n) in self
            .skills
            .index()
            .language_evidence(text)
            .into_iter()
            .chain(self.occupations.language_evidence(text))
        {
            match evidence.iter_mut().find(|(l, _)| *l == lang) {
                Some(e) => e.1 = e.1.max(n),
                None => evidence.push((lang, n)),
            }
        }
        let mut best = ("en".to_owned(), 0);
        for (lang, n) in evidence {
            if n > best.1 || (n == best.1 && lang == "en") {
                best = (lang, n);
            }
        }
        best.0
    }

    /// The skill extractor.
    pub fn skills(&self) -> &SkillExtractor {
        &self.skills
    }

    /// Skills in `text`.
    pub fn extract_skills(
        &self,
        scratch: &mut AnalyzerScratch,
        text: &str,
        options: &ExtractOptions,
    ) -> Vec<SkillMatch> {
        let Some(semantics) = &self.semantics else {
            return self.skills.extract(&mut scratch.skills, text, options);
        };
        let lang = options
            .lang
            .clone()
            .unwrap_or_else(|| self.guess_language(text));
        let reading = Reading::new(self, semantics, text, &lang, false);
        self.skills_by_meaning(semantics, scratch, text, options, &lang, &reading)
    }

    /// [`Self::extract_skills`] by meaning, on the sentences `reading` embedded.
    fn skills_by_meaning(
        &self,
        semantics: &Semantics,
        scratch: &mut AnalyzerScratch,
        text: &str,
        options: &ExtractOptions,
        lang: &str,
        reading: &Reading<'_>,
    ) -> Vec<SkillMatch> {
        let lang = lang.to_owned();
        let lexical = self.skills.extract(
            &mut scratch.skills,
            text,
            &ExtractOptions {
                lang: Some(lang.clone()),
                limit: options.limit.saturating_mul(2).max(20),
                min_coverage: options.min_coverage,
            },
        );
        let index = &semantics.skills;
        let best_lexical = lexical.iter().map(|m| m.score).fold(0.0f32, f32::max);
        // Support: each label's meaning against the sentences its words were found in (all of
        // them for a match on the description).
        let supported: Vec<(SkillMatch, f32)> = lexical
            .into_iter()
            .filter(|m| self.proposable(&m.id) || named_product(m))
            .filter_map(|m| {
                let i = self.skills.index().position(&m.id)?;
                let v = index.vector(i)?;
                let support = reading
                    .units()
                    .filter(|((start, seg), _)| {
                        m.spans.is_empty()
                            || m.spans
                                .iter()
                                .any(|sp| sp.start >= *start && sp.end <= start + seg.len())
                    })
                    .map(|(_, q)| cosine(&v, q))
                    .fold(-1.0f32, f32::max);
                Some((m, support))
            })
            .collect();
        let owned = Owned::from_matches(&supported);
        let unsaid = negated(text);
        let is_unsaid = |sp: &Span| unsaid.iter().any(|&(a, b)| a <= sp.start && sp.end <= b);
        let mut out: Vec<SkillMatch> = Vec::new();
        for (mut m, support) in supported {
            if support < MIN_SUPPORT
                || owned.all_owned(&m.spans, support)
                || (!m.spans.is_empty() && m.spans.iter().all(is_unsaid))
            {
                continue;
            }
            m.score = hybrid(m.score, best_lexical, support);
            m.reason.push_str(&format!(
                "; its meaning is close to the text's ({support:.2})"
            ));
            out.push(m);
        }
        // What the words miss: skills whose meaning is closest to a sentence, proposed when a
        // word of theirs is in the sentence too (the lexical evidence that reranks them), or
        // when the meaning alone is very close. Product names (O*NET's technology examples)
        // mean nothing to the encoder: only their own name proposes them.
        let lexicon = self.skills.lexicon(&lang);
        for ((start, segment), q) in reading.units() {
            let Ok(nearest) = index.nearest(q, SEMANTIC_CANDIDATES) else {
                continue;
            };
            let mut queries = vec![self.skills.index().query(segment, Some(&lang))];
            if let Some(lexicon) = lexicon {
                let glosses = lexicon.read(segment);
                if !glosses.is_empty() {
                    queries.push(self.skills.index().query_glossed(
                        &glosses,
                        lexicon.target(),
                        &lang,
                    ));
                }
            }
            let mut shared: HashMap<usize, Vec<Span>> = HashMap::new();
            for query in &queries {
                for hit in self.skills.index().search(&mut scratch.skills, query) {
                    let Some(label) = self.skills.index().explain(query, &hit) else {
                        continue;
                    };
                    let spans = shared.entry(hit.concept).or_default();
                    // Evidence is a word of three letters or more ("I" is no evidence).
                    for &w in &label.words {
                        let w = &query.words[w];
                        if w.end - w.start < 3 {
                            continue;
                        }
                        let span = Span {
                            start: start + w.start,
                            end: start + w.end,
                            text: segment[w.start..w.end].to_owned(),
                        };
                        if !spans.contains(&span) {
                            spans.push(span);
                        }
                    }
                }
            }
            for (i, c) in nearest {
                if c < MIN_MEANING {
                    break;
                }
                let info = self.skills.info(i);
                if !self.proposable(self.skills.index().id(i)) {
                    continue;
                }
                // A word inside a phrase that a better-fitting label owns is no evidence.
                let words: Option<Vec<Span>> = shared
                    .get(&i)
                    .map(|w| {
                        w.iter()
                            .filter(|s| !owned.owns(s, c) && !is_unsaid(s))
                            .cloned()
                            .collect()
                    })
                    .filter(|w: &Vec<Span>| !w.is_empty());
                if info.kind == "technology" || (c < MIN_MEANING_ALONE && words.is_none()) {
                    continue;
                }
                let score = hybrid(0.0, 1.0, c);
                let id = self.skills.index().id(i);
                if let Some(m) = out.iter_mut().find(|m| m.id == id) {
                    m.score = m.score.max(score);
                    continue;
                }
                let named = words.is_some();
                let (spans, evidence) = match words {
                    Some(mut w) => {
                        w.sort_by_key(|s| s.start);
                        let quoted: Vec<&str> = w.iter().map(|s| s.text.as_str()).collect();
                        let evidence = format!(", and shares \"{}\"", quoted.join("\", \""));
                        (w, evidence)
                    }
                    None => (
                        vec![Span {
                            start: *start,
                            end: start + segment.len(),
                            text: (*segment).to_owned(),
                        }],
                        String::new(),
                    ),
                };
                out.push(SkillMatch {
                    id: id.to_owned(),
                    label: info.label.clone(),
                    kind: info.kind.clone(),
                    score,
                    coverage: 0.0,
                    spans,
                    reason: format!(
                        "the meaning of \"{}\" is close to \"{}\" ({c:.2}){evidence}",
                        shorten(segment),
                        info.label
                    ),
                    level: None,
                    named,
                });
            }
        }
        out.retain(|m| m.score >= MIN_SCORE);
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out.truncate(options.limit);
        out
    }

    /// Occupations a raw job title names, best first, across taxonomies: a match in one taxonomy
    /// brings its crosswalk equivalents along.
    pub fn normalize_title(
        &self,
        scratch: &mut AnalyzerScratch,
        title: &str,
        lang: Option<&str>,
        limit: usize,
    ) -> Vec<OccupationMatch> {
        let query = self.occupations.query(title, lang);
        let mut hits = self.occupations.search(&mut scratch.occupations, &query);
        // By meaning too: the title's cosine with every occupation blended with the lexical
        // score (divided by the best), as extraction blends them; the titles closest in meaning
        // join the lexical candidates.
        let meaning = self.semantics.as_ref().and_then(|semantics| {
            let q = semantics.embed(&[self.english_reading(title, lang.unwrap_or("en"))]);
            let scores = semantics.occupations.scores(q.first()?).ok()?;
            let near = semantics.occupations.nearest(q.first()?, 30).ok()?;
            Some((scores, near))
        });
        if let Some((scores, near)) = &meaning {
            let best_lexical = hits.first().map_or(0.0, |h| h.score);
            for (o, _) in near {
                if !hits.iter().any(|h| h.concept == *o) {
                    hits.push(Hit {
                        concept: *o,
                        score: 0.0,
                        label_score: 0.0,
                        description_score: 0.0,
                        label: None,
                        coverage: 0.0,
                        key_word: false,
                    });
                }
            }
            for h in &mut hits {
                h.score = hybrid(h.score, best_lexical, scores[h.concept]);
            }
            hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        }
        let mut best: HashMap<usize, OccupationMatch> = HashMap::new();
        for hit in hits.iter().take(limit.saturating_mul(3).max(10)) {
            let reason = match self.occupations.explain(&query, hit) {
                Some(l) if l.phrase => format!("the title \"{}\" appears in it", l.text),
                Some(l) => format!(
                    "{:.0}% of the title \"{}\" matches",
                    l.coverage * 100.0,
                    l.text
                ),
                None if hit.label_score > 0.0 || hit.description_score > 0.0 => {
                    "words of its description match".to_owned()
                }
                None => "its title is close in meaning".to_owned(),
            };
            let reason = match &meaning {
                Some((scores, _)) => format!("{reason} (meaning {:.2})", scores[hit.concept]),
                None => reason,
            };
            self.offer(&mut best, hit.concept, hit.score, reason);
            let id = self.occupations.id(hit.concept);
            for &(other, confidence) in self.crosswalk.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                let reason = format!(
                    "equivalent of {} \"{}\" in the crosswalk",
                    id, self.occupation_info[hit.concept].label
                );
                // A crosswalk equivalent stands a step behind the occupation the title names.
                self.offer(
                    &mut best,
                    other,
                    hit.score * 0.75 * (confidence as f32).clamp(0.0, 1.0),
                    reason,
                );
            }
        }
        let mut out: Vec<OccupationMatch> = best.into_values().collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        out
    }

    fn offer(
        &self,
        best: &mut HashMap<usize, OccupationMatch>,
        o: usize,
        score: f32,
        reason: String,
    ) {
        if best.get(&o).is_some_and(|m| m.score >= score) {
            return;
        }
        best.insert(o, self.occupation_match(o, score, reason));
    }

    fn occupation_match(&self, o: usize, score: f32, reason: String) -> OccupationMatch {
        OccupationMatch {
            id: self.occupations.id(o).to_owned(),
            title: self.occupation_info[o].label.clone(),
            source: self.occupation_info[o].kind.clone(),
            score,
            reason,
        }
    }

    /// Occupations whose skill profile is closest (cosine) to the skills found, best first.
    pub fn occupations_for_skills(
        &self,
        found: &[SkillMatch],
        limit: usize,
    ) -> Vec<OccupationMatch> {
        let mut dot: HashMap<u32, (f32, Vec<&str>)> = HashMap::new();
        let mut norm = 0.0f32;
        for m in found {
            let x = m.score;
            norm += x * x;
            for &(o, w) in self
                .skill_occupations
                .get(&m.id)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let entry = dot.entry(o).or_default();
                entry.0 += w * x;
                entry.1.push(m.label.as_str());
            }
        }
        let norm = norm.sqrt();
        let mut out: Vec<OccupationMatch> = dot
            .into_iter()
            .filter(|(o, _)| self.occupation_norm[*o as usize] > 0.0)
            .map(|(o, (d, labels))| {
                let o = o as usize;
                let shown: Vec<&str> = labels.iter().take(5).copied().collect();
                self.occupation_match(
                    o,
                    d / (norm * self.occupation_norm[o]).max(f32::EPSILON),
                    format!(
                        "needs {} of the skills found: {}",
                        labels.len(),
                        shown.join(", ")
                    ),
                )
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        out
    }

    /// Task statements of the taxonomy most similar to `text`.
    pub fn similar_tasks(
        &self,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: Option<&str>,
        limit: usize,
    ) -> Vec<SimilarTask> {
        self.similar_tasks_meaning(scratch, text, lang, limit, None)
    }

    /// [`Self::similar_tasks`], with the text's meaning (from [`Self::meanings`]) when the
    /// caller has it already: it is not embedded again.
    pub fn similar_tasks_meaning(
        &self,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: Option<&str>,
        limit: usize,
        meaning: Option<&[f32]>,
    ) -> Vec<SimilarTask> {
        // Task statements are English: a text in a language a lexicon reads is read through it.
        let query = match lang.and_then(|l| self.skills.lexicon(l)) {
            Some(lexicon) => {
                self.tasks
                    .query_glossed(&lexicon.read(text), lexicon.target(), lexicon.source())
            }
            None => self.tasks.query(text, lang),
        };
        let hits = self.tasks.search(&mut scratch.tasks, &query);
        let top = hits.first().map_or(0.0, |h| h.score);
        let lexical: Vec<SimilarTask> = hits
            .iter()
            .take(limit.saturating_mul(3))
            .map(|hit| SimilarTask {
                id: self.tasks.id(hit.concept).to_owned(),
                statement: self.task_info[hit.concept].label.clone(),
                occupation: self.task_info[hit.concept].kind.clone(),
                similarity: similarity(hit, top),
            })
            .collect();
        let Some(semantics) = &self.semantics else {
            return lexical.into_iter().take(limit).collect();
        };
        // By meaning: the statements closest to the text, blended with the lexical similarity.
        let lang = lang.unwrap_or("en");
        let q = match meaning {
            Some(v) => vec![v.to_vec()],
            None => semantics.embed(&[self.english_reading(text, lang)]),
        };
        let Some(Ok(scores)) = q.first().map(|q| semantics.tasks.scores(q)) else {
            return lexical.into_iter().take(limit).collect();
        };
        let mut candidates: Vec<usize> = lexical
            .iter()
            .filter_map(|t| self.tasks.position(&t.id))
            .collect();
        if let Some(q) = q.first()
            && let Ok(near) = semantics.tasks.nearest(q, limit.saturating_mul(3))
        {
            candidates.extend(near.into_iter().map(|(i, _)| i));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut out: Vec<SimilarTask> = candidates
            .into_iter()
            .map(|i| {
                let id = self.tasks.id(i);
                let words = lexical
                    .iter()
                    .find(|t| t.id == id)
                    .map_or(0.0, |t| t.similarity);
                SimilarTask {
                    id: id.to_owned(),
                    statement: self.task_info[i].label.clone(),
                    occupation: self.task_info[i].kind.clone(),
                    // The lexical similarity is 0–1 already.
                    similarity: hybrid(words, 1.0, scores[i]).clamp(0.0, 1.0),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.id.cmp(&b.id))
        });
        out.truncate(limit);
        out
    }
}

/// The phrases of a text that a label matched whole: several adjacent words read as one thing
/// ("roof bolter"), with how close that label's meaning is to the sentence. A word inside such a
/// phrase belongs to it, and is no evidence for a label that matches the word alone and fits the
/// sentence no better ("roof" does not make a miner a roofer).
struct Owned(Vec<(usize, usize, f32)>);

impl Owned {
    fn from_matches(matches: &[(SkillMatch, f32)]) -> Self {
        Self(
            matches
                .iter()
                .flat_map(|(m, support)| m.spans.iter().map(move |s| (s, *support)))
                .filter(|(s, _)| s.text.split_whitespace().nth(1).is_some())
                .map(|(s, support)| (s.start, s.end, support))
                .collect(),
        )
    }

    /// Whether `span` lies inside a longer phrase whose label is at least `meaning` close to the
    /// sentence.
    fn owns(&self, span: &Span, meaning: f32) -> bool {
        self.0.iter().any(|&(a, b, support)| {
            a <= span.start && span.end <= b && b - a > span.end - span.start && support >= meaning
        })
    }

    /// Whether every one of `spans` is owned (and there is one).
    fn all_owned(&self, spans: &[Span], meaning: f32) -> bool {
        !spans.is_empty() && spans.iter().all(|s| self.owns(s, meaning))
    }
}

/// What a kept analyzer starts with: what it is and which build of the indexing code wrote it.
fn kept_header() -> Vec<u8> {
    format!("guild-analyzer {}\n", env!("GUILD_ANALYZER_FORMAT")).into_bytes()
}

/// A 0–1 similarity of a task to a text: how much of the statement the text covers, tempered by
/// how the hit compares with the best one.
fn similarity(hit: &Hit, top: f32) -> f32 {
    let relative = if top > 0.0 { hit.score / top } else { 0.0 };
    (0.5 * hit.coverage + 0.5 * relative).clamp(0.0, 1.0)
}

/// Most sentences of one text read by the encoder (a CV is rarely longer; the rest is read by
/// words only).
const MAX_SEGMENTS: usize = 120;

/// A lexical match whose label is further than this (cosine) from every sentence it was found in
/// has no semantic support and is dropped: the words match, the meaning does not.
const MIN_SUPPORT: f32 = 0.3;

/// Skills proposed by meaning must be at least this close (cosine) to a sentence and share a
/// word with it…
const MIN_MEANING: f32 = 0.47;

/// … or be this close.
const MIN_MEANING_ALONE: f32 = 0.6;

/// Skills looked at by meaning, per sentence.
const SEMANTIC_CANDIDATES: usize = 10;

/// A title the text names counts only when the occupation is at least this close in meaning to
/// the text.
const MIN_TITLE_MEANING: f32 = 0.35;

/// What a named (and fitting) title adds to an occupation's score.
const NAMED_BONUS: f32 = 0.2;

/// Proposals scoring below this (the blended score, 0–1) are not shown.
const MIN_SCORE: f32 = 0.3;

/// How much a likely occupation's need of a skill adds to the skill's score in a profile
/// (chosen by 5-fold cross-validation on the people's words development set: 0.3 or 0.5 in
/// every fold, held-out P@10 0.198 against 0.202 on the whole set).
const COHERENCE: f32 = 0.3;

/// How many of the likeliest occupations speak for a profile's skills.
const COHERENT_OCCUPATIONS: usize = 3;

/// How much a skill's closeness in meaning to the whole text adds to its score in a profile
/// (unit weight; 0.3–1.0 all raise key-skill recall on the development set by 0.02–0.04 with
/// precision unchanged, 2.0 lowers precision).
const CONTEXT: f32 = 1.0;

/// A skill no word of the text names is proposed for a likely occupation's sake when its
/// meaning is at least this close to a sentence.
const MIN_COHERENT_MEANING: f32 = 0.4;

/// A text's sentences (the first [`MAX_SEGMENTS`]) and their clauses, embedded as the encoder
/// reads them, and, for a profile, the whole text after them.
struct Reading<'t> {
    /// Sentences, then the clauses of those that have several, each with its byte offset.
    units: Vec<(usize, &'t str)>,
    /// How many of `units` are sentences.
    sentences: usize,
    /// One per unit, then the whole text's when asked for.
    vectors: Vec<Vec<f32>>,
    /// Per unit, whether anything of it is left once what it negates is set aside.
    said: Vec<bool>,
}

impl<'t> Reading<'t> {
    fn new(
        analyzer: &Analyzer,
        semantics: &Semantics,
        text: &'t str,
        lang: &str,
        whole: bool,
    ) -> Self {
        let mut units: Vec<(usize, &str)> = segments(text).into_iter().take(MAX_SEGMENTS).collect();
        let sentences = units.len();
        for i in 0..sentences {
            let (start, sentence) = units[i];
            let parts = clauses(sentence);
            if parts.len() > 1 {
                units.extend(parts.into_iter().map(|(o, c)| (start + o, c)));
            }
        }
        // What is negated is not said: "Ploegendienst is geen probleem" is about shifts, not
        // about solving problems.
        let said: Vec<String> = units.iter().map(|(_, s)| unsaid_removed(s)).collect();
        let mut readings: Vec<String> = said
            .iter()
            .map(|s| analyzer.english_reading(s, lang))
            .collect();
        if whole {
            readings.push(analyzer.english_reading(&unsaid_removed(text), lang));
        }
        let vectors = semantics.embed(&readings);
        let said = said
            .iter()
            .map(|s| s.chars().any(char::is_alphabetic))
            .collect();
        Self {
            units,
            sentences,
            vectors,
            said,
        }
    }

    /// The sentences and their clauses, with their vectors.
    fn units(&self) -> impl Iterator<Item = (&(usize, &'t str), &Vec<f32>)> {
        self.units
            .iter()
            .zip(&self.vectors)
            .zip(&self.said)
            .filter(|(_, said)| **said)
            .map(|(unit, _)| unit)
    }

    /// The whole text's vector, when it was read.
    fn whole(&self) -> Option<&Vec<f32>> {
        (self.vectors.len() > self.units.len()).then(|| &self.vectors[self.vectors.len() - 1])
    }

    /// The sentences' vectors and, last, the whole text's when it was read.
    fn sentence_vectors(&self) -> Vec<&Vec<f32>> {
        let mut out: Vec<&Vec<f32>> = self.vectors[..self.sentences.min(self.vectors.len())]
            .iter()
            .zip(&self.said)
            .filter(|(_, said)| **said)
            .map(|(v, _)| v)
            .collect();
        if self.vectors.len() > self.units.len() {
            out.extend(self.vectors.last());
        }
        out
    }
}

/// A product the text names in full (O*NET's technology examples: "G-code", "AutoCAD"): kept
/// beside ESCO's skills, which name no products, when the encoder finds the sentence close to it.
fn named_product(m: &SkillMatch) -> bool {
    m.kind == "technology" && m.coverage >= 1.0
}

/// Words that negate what follows them to the end of its clause ("no experience with
/// forklifts", "geen probleem"). Verbs' negations ("not", "niet") are left alone: "not really
/// write one" still says something was done.
const NEGATORS: &[&str] = &["no", "without", "geen", "zonder"];

/// Words that end a negation's reach before the clause does.
const NEGATION_ENDS: &[&str] = &["but", "though", "maar", "alleen"];

/// The byte ranges of `text` that a negator negates: from it to the end of its clause.
fn negated(text: &str) -> Vec<(usize, usize)> {
    // The words with their byte ranges, and where clauses end.
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut word_start: Option<usize> = None;
    let boundary = |c: char| {
        matches!(
            c,
            ',' | ';' | ':' | '.' | '!' | '?' | '\n' | '(' | ')' | '–' | '—'
        )
    };
    let ends = text
        .char_indices()
        .map(|(i, c)| (i, Some(c)))
        .chain([(text.len(), None)]);
    for (i, c) in ends {
        if c.is_some_and(|c| c.is_alphanumeric() || c == '\'') {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            let word = text[start..i].to_lowercase();
            match open {
                None if NEGATORS.contains(&word.as_str()) => open = Some(start),
                Some(from) if NEGATION_ENDS.contains(&word.as_str()) => {
                    out.push((from, start));
                    open = None;
                }
                _ => {}
            }
        }
        if c.is_none_or(boundary)
            && let Some(from) = open.take()
        {
            out.push((from, i));
        }
    }
    out
}

/// `text` without what it negates.
fn unsaid_removed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in negated(text) {
        out.push_str(&text[at..from]);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}

/// A sentence's clauses: the runs between commas, semicolons, colons, brackets and dashes, of
/// two words or more, with their byte offsets in the sentence. A long sentence lists several
/// things; read whole, its meaning is the blur of them all ("set up jobs, touched off tools,
/// ran first articles").
fn clauses(sentence: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = sentence.as_bytes();
    for (i, c) in sentence.char_indices() {
        let dash = matches!(c, '-' | '–' | '—')
            && i > 0
            && bytes[i - 1] == b' '
            && bytes.get(i + c.len_utf8()) == Some(&b' ');
        if matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']') || dash {
            push_clause(&mut out, sentence, start, i);
            start = i + c.len_utf8();
        }
    }
    push_clause(&mut out, sentence, start, sentence.len());
    out
}

fn push_clause<'t>(out: &mut Vec<(usize, &'t str)>, sentence: &'t str, start: usize, end: usize) {
    let (at, trimmed) = crate::skills::trimmed_run(sentence, start, end);
    if trimmed.split_whitespace().nth(1).is_some() {
        out.push((at, trimmed));
    }
}

/// A sentence cut for a reason: its first words.
fn shorten(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 12 {
        words.join(" ")
    } else {
        format!("{} …", words[..12].join(" "))
    }
}

/// Skills and likely occupations read from a CV or a plain description of past work, for the
/// worker to confirm.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileDraft {
    /// The language the text was read in.
    pub lang: String,
    /// Proposed skills with the spans that evidence them.
    pub skills: Vec<SkillMatch>,
    /// Occupations whose skills are closest to the ones found.
    pub occupations: Vec<OccupationMatch>,
    /// Job titles named in the text (short lines that match an occupation's title).
    pub job_titles: Vec<OccupationMatch>,
}

impl Analyzer {
    /// Reads a CV or a description of past work.
    pub fn profile(
        &self,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: Option<&str>,
    ) -> ProfileDraft {
        let lang = lang.map_or_else(|| self.guess_language(text), str::to_owned);
        let options = ExtractOptions {
            lang: Some(lang.clone()),
            limit: 40,
            min_coverage: 0.6,
        };
        let (skills, occupations) = match &self.semantics {
            Some(semantics) => {
                // The sentences and the whole text are embedded once, for both.
                let reading = Reading::new(self, semantics, text, &lang, true);
                let skills =
                    self.skills_by_meaning(semantics, scratch, text, &options, &lang, &reading);
                let likely =
                    self.occupations_by_meaning(semantics, scratch, text, &lang, &skills, &reading);
                let skills = self.coherent(semantics, skills, &likely, &reading, options.limit);
                (skills, likely.ranked)
            }
            None => {
                let skills = self.extract_skills(scratch, text, &options);
                // An occupation the text names ("ik werk als orderpicker") is stronger evidence
                // than the skills found: it comes first, then those whose skills are closest.
                let mut occupations = self.occupations_named(scratch, text, &lang);
                for m in self.occupations_for_skills(&skills, 10) {
                    if !occupations.iter().any(|o| o.id == m.id) {
                        occupations.push(m);
                    }
                }
                occupations.truncate(10);
                (skills, occupations)
            }
        };
        // Each skill's level, where the text tells it.
        let mut skills = skills;
        let levels = crate::level::LevelReader::new(text);
        for m in &mut skills {
            m.level = levels.level(&m.spans);
        }
        let mut job_titles: Vec<OccupationMatch> = Vec::new();
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| (1..=8).contains(&l.split_whitespace().count()))
        {
            let query = self.occupations.query(line, Some(&lang));
            let hits = self.occupations.search(&mut scratch.occupations, &query);
            if let Some(hit) = hits.first().filter(|h| h.coverage >= 0.99)
                && let Some(label) = self.occupations.explain(&query, hit).filter(|l| l.phrase)
                && !job_titles
                    .iter()
                    .any(|m| m.id == self.occupations.id(hit.concept))
            {
                job_titles.push(self.occupation_match(
                    hit.concept,
                    hit.score,
                    format!("the line \"{line}\" names the title \"{}\"", label.text),
                ));
            }
        }
        ProfileDraft {
            lang,
            skills,
            occupations,
            job_titles,
        }
    }
}

/// A worker's likely occupations, as [`Analyzer::profile`] weighs their skills by them.
struct LikelyOccupations {
    /// The ten likeliest, best first.
    ranked: Vec<OccupationMatch>,
    /// The ids of those the words evidence: a skill found that they need, or their title named.
    evidenced: HashSet<String>,
    /// Those whose title the text names (or an equivalent's) in a clause it fits, wherever
    /// they rank.
    named: Vec<OccupationMatch>,
}

impl Analyzer {
    /// A worker's likely occupations, read from the whole text: how close each occupation's
    /// title is in meaning to the text's sentences, blended with how close its skills are to
    /// the skills found; a title the text names counts when its meaning fits the sentence it
    /// stands in (a "junior engineer" in software is not a ship's engineer). With them, the ids
    /// of those the words evidence: a skill found that they need, or their title named.
    fn occupations_by_meaning(
        &self,
        semantics: &Semantics,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: &str,
        skills: &[SkillMatch],
        reading: &Reading<'_>,
    ) -> LikelyOccupations {
        // The sentences' vectors and the whole text's, last.
        let vectors = reading.sentence_vectors();
        let index = &semantics.occupations;
        // Per occupation: its best cosine with a sentence or the whole text.
        let mut meaning = vec![-1.0f32; index.len()];
        for &q in &vectors {
            if let Ok(scores) = index.scores(q) {
                for (m, s) in meaning.iter_mut().zip(scores) {
                    *m = m.max(s);
                }
            }
        }
        let by_skills = self.occupations_for_skills(skills, 50);
        let best_skills = by_skills.first().map_or(0.0, |m| m.score);
        // Per candidate: its skill score (the lexical side) and why.
        let mut candidates: HashMap<usize, (f32, String)> = HashMap::new();
        for m in &by_skills {
            if let Some(o) = self.occupations.position(&m.id) {
                candidates.insert(o, (m.score, m.reason.clone()));
            }
        }
        if let Ok(near) = index.nearest(vectors[vectors.len() - 1], 30) {
            for (o, _) in near {
                candidates.entry(o).or_insert((0.0, String::new()));
            }
        }
        for &q in &vectors {
            if let Ok(near) = index.nearest(q, 10) {
                for (o, _) in near {
                    candidates.entry(o).or_insert((0.0, String::new()));
                }
            }
        }
        let named = self.occupations_named(scratch, text, lang);
        // A named title's meaning is judged against the clause it stands in as well: "was a
        // barista at a coffee bar" fits *barista* though the whole sentence is about tutoring.
        let mut fits: HashMap<usize, f32> = HashMap::new();
        for n in &named {
            let Some(o) = self.occupations.position(&n.id) else {
                continue;
            };
            let Some(v) = index.vector(o) else { continue };
            let best = reading
                .units()
                .map(|(_, q)| cosine(&v, q))
                .fold(meaning[o], f32::max);
            fits.insert(o, best);
            candidates.entry(o).or_insert((0.0, String::new()));
        }
        let mut out: Vec<OccupationMatch> = Vec::new();
        let mut evidenced: HashSet<String> = HashSet::new();
        for (o, (skill_score, skill_reason)) in candidates {
            let id = self.occupations.id(o);
            if !self.proposable(id) {
                continue;
            }
            let cos = meaning[o];
            if skill_score > 0.0 {
                evidenced.insert(id.to_owned());
            }
            let mut score = hybrid(skill_score, best_skills, cos);
            let mut reasons = vec![format!(
                "its title is close in meaning to the text ({cos:.2})"
            )];
            if let Some(n) = named.iter().find(|n| n.id == id)
                && fits.get(&o).is_some_and(|&c| c >= MIN_TITLE_MEANING)
            {
                score += NAMED_BONUS;
                reasons.insert(0, n.reason.clone());
                evidenced.insert(id.to_owned());
            }
            if !skill_reason.is_empty() {
                reasons.push(skill_reason);
            }
            out.push(self.occupation_match(o, score, reasons.join("; ")));
        }
        // A named title in another taxonomy brings its crosswalk equivalents along.
        let mut said: HashSet<String> = HashSet::new();
        for n in &named {
            let Some(o) = self.occupations.position(&n.id) else {
                continue;
            };
            if fits.get(&o).is_none_or(|&c| c < MIN_TITLE_MEANING) {
                continue;
            }
            if self.proposable(&n.id) {
                said.insert(n.id.clone());
                continue;
            }
            for &(other, _) in self.crosswalk.get(&n.id).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(m) = out.iter_mut().find(|m| m.id == self.occupations.id(other)) {
                    said.insert(m.id.clone());
                    evidenced.insert(m.id.clone());
                    m.score += NAMED_BONUS * 0.75;
                    m.reason = format!(
                        "equivalent of \"{}\", which {}; {}",
                        n.title,
                        n.reason.trim_start_matches("the "),
                        m.reason
                    );
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        if out.len() > 1 {
            // The likeliest by meaning stays first; after it, the occupations the words evidence
            // come before those that only read close.
            let rest = out.split_off(1);
            let (mut with, without): (Vec<_>, Vec<_>) =
                rest.into_iter().partition(|m| evidenced.contains(&m.id));
            out.append(&mut with);
            out.extend(without);
        }
        let named = out
            .iter()
            .filter(|m| said.contains(&m.id))
            .cloned()
            .collect();
        out.truncate(10);
        LikelyOccupations {
            ranked: out,
            evidenced,
            named,
        }
    }

    /// A worker's skills read together with their likely occupations: a skill that one of the
    /// [`COHERENT_OCCUPATIONS`] likeliest occupations needs gains [`COHERENCE`] (times how likely
    /// the occupation is and how much it needs the skill), and such a skill is proposed when its
    /// meaning is close to a sentence of the text though no word of it is there ("ran the roof
    /// bolter" → *operate roof bolter* for an underground miner). A CNC machinist's "against the
    /// print" does not make *printing media* one of their ten first skills: no occupation the
    /// text speaks for needs it.
    fn coherent(
        &self,
        semantics: &Semantics,
        mut skills: Vec<SkillMatch>,
        occupations: &LikelyOccupations,
        reading: &Reading<'_>,
        limit: usize,
    ) -> Vec<SkillMatch> {
        let top = occupations.ranked.first().map_or(0.0, |o| o.score);
        if top <= 0.0 {
            return skills;
        }
        // Per skill: its bonus and the occupation that gives it.
        let mut needed: HashMap<&str, (f32, &str)> = HashMap::new();
        let likeliest = occupations.ranked.iter().take(COHERENT_OCCUPATIONS);
        // Titles the text names speak wherever they rank: a graduate's "was a barista" is a job
        // held, however much of the text is about tutoring.
        let named = occupations.named.iter().filter(|n| {
            !occupations
                .ranked
                .iter()
                .take(COHERENT_OCCUPATIONS)
                .any(|o| o.id == n.id)
        });
        for (rank, o) in likeliest.chain(named).enumerate() {
            let Some(i) = self.occupations.position(&o.id) else {
                continue;
            };
            // Only the likeliest occupation speaks for skills on its title's meaning alone; the
            // others must be evidenced by the words (a skill found that they need, or their title
            // named): "ran the roof bolter" reads close to *roofer*, but nothing a roofer does
            // is in a miner's words.
            if rank > 0 && !occupations.evidenced.contains(&o.id) {
                continue;
            }
            let likely = (o.score / top).clamp(0.0, 1.0);
            for (skill, weight) in &self.occupation_skills[i] {
                let bonus = likely * weight.clamp(0.0, 1.0);
                let entry = needed.entry(skill.as_str()).or_insert((0.0, &o.title));
                if bonus > entry.0 {
                    *entry = (bonus, &o.title);
                }
            }
        }
        for m in &mut skills {
            if let Some(&(bonus, title)) = needed.get(m.id.as_str())
                && bonus > 0.0
            {
                m.score += COHERENCE * bonus;
                m.reason.push_str(&format!("; a {title} needs it"));
            }
        }
        let index = &semantics.skills;
        for (&id, &(bonus, title)) in &needed {
            if bonus <= 0.0 || skills.iter().any(|m| m.id == id) || !self.proposable(id) {
                continue;
            }
            let Some(i) = self.skills.index().position(id) else {
                continue;
            };
            let info = self.skills.info(i);
            if info.kind == "technology" {
                continue;
            }
            let Some(v) = index.vector(i) else { continue };
            let Some((&(start, segment), c)) = reading
                .units()
                .map(|(unit, q)| (unit, cosine(&v, q)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                continue;
            };
            if c < MIN_COHERENT_MEANING {
                continue;
            }
            skills.push(SkillMatch {
                id: id.to_owned(),
                label: info.label.clone(),
                kind: info.kind.clone(),
                score: hybrid(0.0, 1.0, c) + COHERENCE * bonus,
                coverage: 0.0,
                spans: vec![Span {
                    start,
                    end: start + segment.len(),
                    text: segment.to_owned(),
                }],
                reason: format!(
                    "a {title} needs it, and the meaning of \"{}\" is close to \"{}\" ({c:.2})",
                    shorten(segment),
                    info.label
                ),
                level: None,
                named: false,
            });
        }
        // The text as a whole is each skill's context: a word read out of its story ("against
        // the print" in a machinist's) weighs less than one that fits it.
        if let Some(whole) = reading.whole() {
            for m in &mut skills {
                if let Some(v) = self
                    .skills
                    .index()
                    .position(&m.id)
                    .and_then(|i| index.vector(i))
                {
                    m.score += CONTEXT * cosine(&v, whole);
                }
            }
        }
        skills.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        skills.truncate(limit);
        skills
    }

    /// Occupations whose whole title (any label, in the text's language) stands in a sentence of
    /// `text`, best first.
    fn occupations_named(
        &self,
        scratch: &mut AnalyzerScratch,
        text: &str,
        lang: &str,
    ) -> Vec<OccupationMatch> {
        let mut named: Vec<OccupationMatch> = Vec::new();
        for (_, segment) in crate::skills::segments(text) {
            let query = self.occupations.query(segment, Some(lang));
            let hits = self
                .occupations
                .search_top(&mut scratch.occupations, &query, 5);
            for hit in hits.iter().filter(|h| h.coverage >= 0.99 && h.key_word) {
                let Some(label) = self.occupations.explain(&query, hit).filter(|l| l.phrase) else {
                    continue;
                };
                let id = self.occupations.id(hit.concept);
                if let Some(m) = named.iter_mut().find(|m| m.id == id) {
                    m.score = m.score.max(hit.score);
                    continue;
                }
                named.push(self.occupation_match(
                    hit.concept,
                    hit.score,
                    format!("the text names the title \"{}\"", label.text),
                ));
            }
        }
        named.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        named
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deconstruct::{Draft, LinkedSkill, TaskFacts};
    use crate::index::{ConceptText, Field};

    fn set(items: &[(&str, &str, &str, &[&str])]) -> ConceptSet {
        let mut out = ConceptSet::default();
        for (id, label, kind, alternatives) in items {
            let mut texts = vec![ConceptText {
                lang: "en".into(),
                field: Field::Preferred,
                text: (*label).into(),
            }];
            texts.extend(alternatives.iter().map(|a| ConceptText {
                lang: "en".into(),
                field: Field::Alternative,
                text: (*a).into(),
            }));
            out.docs.push(ConceptDoc {
                id: (*id).into(),
                texts,
                prior: 0.0,
            });
            out.info.push(ConceptInfo {
                label: (*label).into(),
                kind: (*kind).into(),
            });
        }
        out
    }

    fn analyzer() -> Analyzer {
        Analyzer::new(AnalyzerInput {
            skills: set(&[
                ("s:lathe", "operate lathe", "skill", &["lathe work"]),
                (
                    "s:drawings",
                    "read engineering drawings",
                    "skill",
                    &["read blueprints"],
                ),
                ("s:sql", "SQL", "knowledge", &[]),
                (
                    "s:dashboards",
                    "build dashboards",
                    "skill",
                    &["create dashboard"],
                ),
            ]),
            occupations: set(&[
                ("esco:machinist", "machinist", "esco", &["CNC machinist"]),
                ("onet:machinists", "Machinists", "onet", &[]),
                ("esco:analyst", "data analyst", "esco", &[]),
            ]),
            tasks: set(&[
                (
                    "t:1",
                    "Build dashboards that show stock levels for managers",
                    "onet:analysts",
                    &[],
                ),
                (
                    "t:2",
                    "Operate a lathe to turn metal parts",
                    "onet:machinists",
                    &[],
                ),
            ]),
            crosswalk: vec![("esco:machinist".into(), "onet:machinists".into(), 1.0)],
            occupation_skills: vec![
                ("esco:machinist".into(), "s:lathe".into(), 1.0),
                ("esco:machinist".into(), "s:drawings".into(), 1.0),
                ("esco:analyst".into(), "s:sql".into(), 1.0),
                ("esco:analyst".into(), "s:dashboards".into(), 0.5),
            ],
            parallel: Vec::new(),
        })
    }

    #[test]
    fn dutch_text_finds_english_only_skills_through_the_learned_lexicon() {
        let mut input = AnalyzerInput {
            skills: set(&[
                ("s:forklift", "operate forklift", "skill", &["forklift"]),
                ("s:stock", "count stock", "skill", &[]),
            ]),
            ..AnalyzerInput::default()
        };
        // Occupations named in both languages: the parallel labels, and Dutch occupations.
        let pair = |id: &str, en: &str, nl: &str| ConceptDoc {
            id: id.into(),
            texts: [("en", en), ("nl", nl)]
                .into_iter()
                .map(|(lang, text)| ConceptText {
                    lang: lang.into(),
                    field: Field::Preferred,
                    text: text.into(),
                })
                .collect(),
            prior: 0.0,
        };
        let occupations = vec![
            pair("o:1", "forklift driver", "heftruckchauffeur"),
            pair("o:2", "truck driver", "vrachtwagenchauffeur"),
            pair("o:3", "forklift operator", "heftruckbestuurder"),
            pair("o:4", "stock clerk", "voorraadbeheerder"),
            pair("o:5", "stock controller", "voorraadcontroleur"),
            pair("o:6", "forklift instructor", "instructeur heftruck"),
            pair("o:7", "driving instructor", "rijinstructeur"),
            pair("o:8", "driver", "chauffeur"),
            pair("o:9", "instructor", "instructeur"),
        ];
        input.parallel = occupations.clone();
        for doc in occupations {
            input.occupations.info.push(ConceptInfo {
                label: doc.texts[0].text.clone(),
                kind: "esco".into(),
            });
            input.occupations.docs.push(doc);
        }
        let a = Analyzer::new(input);
        let text = "Ik heb vijf jaar op de heftruck gereden en de voorraad geteld.";
        assert_eq!(a.guess_language(text), "nl");
        let profile = a.profile(&mut AnalyzerScratch::default(), text, None);
        let forklift = profile
            .skills
            .iter()
            .find(|m| m.id == "s:forklift")
            .unwrap_or_else(|| panic!("{:?}", profile.skills));
        assert_eq!(forklift.spans[0].text, "heftruck");
        assert!(
            forklift.reason.contains("read as \u{201c}forklift\u{201d}"),
            "{}",
            forklift.reason
        );
        assert_eq!(a.guess_language("I drove a forklift"), "en");

        // Kept and read back (lexicons, stemmers and all), it reads the same.
        let kept = a.to_kept();
        let b = Analyzer::from_kept(&kept).unwrap();
        let again = b.profile(&mut AnalyzerScratch::default(), text, None);
        assert_eq!(
            serde_json::to_string(&again).unwrap(),
            serde_json::to_string(&profile).unwrap()
        );
        assert_eq!(b.guess_language("I drove a forklift"), "en");
        // Another build's or a damaged copy is refused, never half read.
        let mut other = kept.clone();
        other[16] ^= 1;
        assert!(matches!(
            Analyzer::from_kept(&other),
            Err(crate::Error::KeptByOtherBuild)
        ));
        let header = kept.iter().position(|&b| b == b'\n').unwrap() + 1;
        for cut in [header, header + 10, kept.len() - 1] {
            assert!(matches!(
                Analyzer::from_kept(&kept[..cut]),
                Err(crate::Error::KeptDamaged(_))
            ));
        }
        let mut longer = kept;
        longer.push(0);
        assert!(matches!(
            Analyzer::from_kept(&longer),
            Err(crate::Error::KeptDamaged(_))
        ));
    }

    #[test]
    fn a_title_brings_its_crosswalk_equivalent_a_step_behind() {
        let a = analyzer();
        let found = a.normalize_title(
            &mut AnalyzerScratch::default(),
            "Sr. CNC Machinist - 2nd shift",
            Some("en"),
            5,
        );
        assert_eq!(found[0].id, "esco:machinist");
        let onet = found.iter().find(|m| m.id == "onet:machinists").unwrap();
        assert!(onet.score <= found[0].score);
        assert!(found.iter().all(|m| m.id != "esco:analyst"));
    }

    #[test]
    fn a_long_sentence_is_also_read_clause_by_clause() {
        let s = "I set up jobs, touched off tools, ran first articles (Haas mostly) - all day";
        let parts: Vec<&str> = clauses(s).into_iter().map(|(_, c)| c).collect();
        assert_eq!(
            parts,
            [
                "I set up jobs",
                "touched off tools",
                "ran first articles",
                "Haas mostly",
                "all day"
            ]
        );
        for (o, c) in clauses(s) {
            assert_eq!(&s[o..o + c.len()], c);
        }
        // A hyphen inside a word is no clause break; one-word runs are no clauses.
        assert!(clauses("G-code, fine").is_empty());
        assert!(clauses("").is_empty());
    }

    #[test]
    fn what_is_negated_is_not_said() {
        assert_eq!(
            unsaid_removed("Ploegendienst is geen probleem."),
            "Ploegendienst is ."
        );
        assert_eq!(
            unsaid_removed("No experience with forklifts, but good at picking"),
            ", but good at picking"
        );
        assert_eq!(
            unsaid_removed("Geen heftruck maar wel reachtruck"),
            "maar wel reachtruck"
        );
        // "not" negates a verb, and a word containing "no" is no negator.
        assert_eq!(
            unsaid_removed("not really write one"),
            "not really write one"
        );
        assert_eq!(
            unsaid_removed("Nobody knows nothing"),
            "Nobody knows nothing"
        );
        assert_eq!(negated("no"), [(0, 2)]);
        assert!(negated("").is_empty());
    }

    #[test]
    fn a_word_inside_a_better_fitting_phrase_belongs_to_it() {
        let span = |start: usize, text: &str| Span {
            start,
            end: start + text.len(),
            text: text.to_owned(),
        };
        let matched = |spans: Vec<Span>| SkillMatch {
            id: String::new(),
            label: String::new(),
            kind: String::new(),
            score: 1.0,
            coverage: 1.0,
            spans,
            reason: String::new(),
            level: None,
            named: true,
        };
        // "Ran the roof bolter": "roof bolter" (at 8) is one phrase, read at 0.62.
        let owned = Owned::from_matches(&[(matched(vec![span(8, "roof bolter")]), 0.62)]);
        assert!(owned.all_owned(&[span(8, "roof")], 0.50));
        // A label that fits the sentence better keeps the word.
        assert!(!owned.all_owned(&[span(8, "roof")], 0.70));
        // The phrase does not own itself, nor words outside it.
        assert!(!owned.all_owned(&[span(8, "roof bolter")], 0.5));
        assert!(!owned.all_owned(&[span(0, "Ran")], 0.5));
        assert!(!owned.all_owned(&[], 0.5));
    }

    #[test]
    fn skills_point_to_the_occupations_that_need_them() {
        let a = analyzer();
        let mut scratch = AnalyzerScratch::default();
        let profile = a.profile(
            &mut scratch,
            "Machinist\nI read blueprints and did lathe work.",
            Some("en"),
        );
        let skills: Vec<&str> = profile.skills.iter().map(|m| m.id.as_str()).collect();
        assert!(
            skills.contains(&"s:lathe") && skills.contains(&"s:drawings"),
            "{skills:?}"
        );
        assert_eq!(profile.occupations[0].id, "esco:machinist");
        assert_eq!(profile.job_titles[0].id, "esco:machinist");
    }

    #[test]
    fn a_text_is_split_into_tasks_estimated_from_similar_ones() {
        let a = analyzer();
        let mut scratch = AnalyzerScratch::default();
        let draft = Draft::new(
            &a,
            &mut scratch,
            "- Build dashboards of the stock levels\n- Turn metal parts on a lathe\nOK",
            Some("en"),
            10,
        );
        assert_eq!(draft.task_ids(), ["t:1", "t:2"]);
        let fact = |id: &str, exposure: f64, physical: bool| TaskFacts {
            id: id.into(),
            occupation: "o".into(),
            statement: String::new(),
            skills: vec![LinkedSkill {
                id: format!("dwa:{id}"),
                kind: "work_activity".into(),
                label: format!("activity {id}"),
            }],
            ai_exposure: Some(exposure),
            ai_exposure_source: Some("test:beta".into()),
            physical: Some(physical),
            physical_basis: None,
            onsite: None,
        };
        let done = draft.finish(&[fact("t:1", 1.0, false), fact("t:2", 0.0, true)]);
        assert_eq!(done.tasks.len(), 2, "the fragment \"OK\" is no task");
        assert_eq!(done.tasks[0].ai_exposure, Some(1.0));
        assert_eq!(done.tasks[0].physical, Some(false));
        assert!(
            done.tasks[0]
                .ai_exposure_basis
                .starts_with("estimated from 1 similar")
        );
        assert!(
            done.tasks[0]
                .skills
                .iter()
                .any(|s| s.id == "s:dashboards" && s.from == "text")
        );
        assert!(
            done.tasks[0]
                .skills
                .iter()
                .any(|s| s.id == "dwa:t:1" && s.from == "taxonomy")
        );
        assert_eq!(done.tasks[1].physical, Some(true));
        let summary = &done.summary;
        assert_eq!(
            (
                summary.remote_tasks,
                summary.on_site_tasks,
                summary.ai_tasks
            ),
            (1, 1, 1)
        );
        assert!(summary.human_skills.iter().any(|s| s.id == "dwa:t:2"));
        assert!(
            summary.human_skills.iter().all(|s| s.id != "s:dashboards"),
            "dashboards are AI-exposed work"
        );
        assert!(done.team_skills.iter().any(|s| s.id == "s:dashboards"));
    }
}
