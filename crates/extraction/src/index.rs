//! A lexical index over concepts (skills, occupations, tasks): every label and description in
//! every language, stemmed, with inverted lists, scored by how much of a label a text covers and
//! by BM25 over descriptions. Explainable: each hit knows the label and the words that matched.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::lexicon::Gloss;
use crate::text::{LanguageStemmer, Word, words};

/// Which part of a concept a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// A preferred label or title.
    Preferred,
    /// An alternative (or hidden) label.
    Alternative,
    /// A description or task statement.
    Description,
}

/// One text of a concept.
#[derive(Debug, Clone)]
pub struct ConceptText {
    /// Language tag of the text.
    pub lang: String,
    /// What part of the concept it is.
    pub field: Field,
    /// The text.
    pub text: String,
}

/// A concept to index.
#[derive(Debug, Clone)]
pub struct ConceptDoc {
    /// The concept's id.
    pub id: String,
    /// Its labels and descriptions.
    pub texts: Vec<ConceptText>,
    /// How common the concept is in the taxonomy, 0–1 (e.g. share of occupations that need a
    /// skill, log-scaled). Breaks ties and lifts well-attested concepts slightly.
    pub prior: f32,
}

/// The knobs of the scoring; defaults were chosen once for all concept kinds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ScoringParams {
    /// Weight of an alternative label relative to a preferred one.
    pub alternative_weight: f32,
    /// How strongly partial coverage of a label is discounted: score = matched × coverage^exponent.
    pub coverage_exponent: f32,
    /// Extra factor for a label found whole and in order in the text.
    pub phrase_bonus: f32,
    /// Weight of the description BM25 score relative to the label score.
    pub description_weight: f32,
    /// Weight of the prior.
    pub prior_weight: f32,
    /// BM25 term-frequency saturation.
    pub k1: f32,
    /// BM25 length normalisation.
    pub b: f32,
}

impl ScoringParams {
    /// Sets one knob by name (for experiments from the command line).
    pub fn set(&mut self, name: &str, value: f32) -> Result<(), String> {
        let slot = match name {
            "alternative_weight" => &mut self.alternative_weight,
            "coverage_exponent" => &mut self.coverage_exponent,
            "phrase_bonus" => &mut self.phrase_bonus,
            "description_weight" => &mut self.description_weight,
            "prior_weight" => &mut self.prior_weight,
            "k1" => &mut self.k1,
            "b" => &mut self.b,
            other => return Err(format!("unknown scoring parameter {other:?}")),
        };
        *slot = value;
        Ok(())
    }
}

impl Default for ScoringParams {
    fn default() -> Self {
        Self {
            alternative_weight: 0.7,
            coverage_exponent: 1.0,
            phrase_bonus: 0.25,
            description_weight: 0.15,
            prior_weight: 0.3,
            k1: 1.2,
            b: 0.75,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Label {
    concept: u32,
    field: Field,
    text: String,
    /// Token ids in order, for phrase checks.
    sequence: Box<[u32]>,
    /// Distinct token ids.
    distinct: Box<[u32]>,
    /// Sum of the label idf of the distinct tokens.
    idf_total: f32,
}

/// The index. Build once from the taxonomy; search with a [`Scratch`] per thread.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConceptIndex {
    ids: Vec<String>,
    priors: Vec<f32>,
    vocab: HashMap<String, u32>,
    label_idf: Vec<f32>,
    description_idf: Vec<f32>,
    labels: Vec<Label>,
    /// Per token, the labels to start from: every label holding it when the token is rare; only
    /// the labels made of common tokens alone when it is common. A label is then scored on all its
    /// tokens at once, so common words cost no long walks and every score is the same as walking
    /// every posting.
    candidate_postings: Vec<Vec<Candidate>>,
    /// Label data read in the hot loop, kept compact: concept, 1 / idf total, alternative?
    label_concept: Vec<u32>,
    label_inverse_total: Vec<f32>,
    /// Each label's most specific token (highest label idf).
    label_key: Vec<u32>,
    label_alternative: Vec<bool>,
    label_token_start: Vec<u32>,
    label_tokens: Vec<u32>,
    /// Per token: (concept, BM25 term weight without the idf), computed once at build.
    description_postings: Vec<Vec<(u32, f32)>>,
    /// Languages with labels, and the token ids their labels use (for guessing a text's language).
    languages: Vec<(String, LanguageStemmer, std::collections::HashSet<u32>)>,
    /// Per language, the token ids its labels and descriptions use: a text read in a language
    /// matches that language's words only, so that a Dutch "doe" (do) is not the English "DOE".
    written: HashMap<String, std::collections::HashSet<u32>>,
    /// Every concept by descending prior, for ranking the ones a text does not touch.
    by_prior: Vec<u32>,
    params: ScoringParams,
}

/// Reusable buffers for one search at a time; make one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    label_matched: Vec<f32>,
    touched_labels: Vec<u32>,
    in_query: Vec<bool>,
    distinct: Vec<u32>,
    scored: Vec<(f32, u32)>,
    concept_label: Vec<f32>,
    concept_best: Vec<u32>,
    concept_description: Vec<f32>,
    /// Whether a concept is in `touched_concepts` (a small array that stays in cache).
    concept_seen: Vec<bool>,
    touched_concepts: Vec<u32>,
}

/// A concept a text matched, with why.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index of the concept (see [`ConceptIndex::id`]).
    pub concept: usize,
    /// The total score.
    pub score: f32,
    /// The label part of the score.
    pub label_score: f32,
    /// The description part of the score.
    pub description_score: f32,
    /// The best-matching label (an index into the index's labels), if any label matched.
    pub label: Option<u32>,
    /// Share of that label's information found in the text, 0–1.
    pub coverage: f32,
    /// Whether the label's most specific word (highest idf) is in the text: "continuous
    /// training" does not name *continuous dance training* without "dance".
    pub key_word: bool,
}

/// The label behind a hit.
#[derive(Debug, Clone)]
pub struct MatchedLabel<'i> {
    /// The label's text.
    pub text: &'i str,
    /// Preferred or alternative.
    pub field: Field,
    /// Share of the label's information (idf-weighted words) found in the text, 0–1.
    pub coverage: f32,
    /// Whether the whole label stands in the text, in order.
    pub phrase: bool,
    /// Indices (into [`Query::words`]) of the text's words that matched the label.
    pub words: Vec<usize>,
}

/// A text prepared for searching: its words, their token ids, its language.
#[derive(Debug, Clone)]
pub struct Query {
    /// The words of the text with their spans.
    pub words: Vec<Word>,
    /// The token id of each word, where the index knows it.
    pub tokens: Vec<Option<u32>>,
    /// The language used for stemming.
    pub lang: String,
    /// When the text was read through a lexicon: the language it is written in. Each word then
    /// holds the span of the word it reads and, as its folded form, the reading.
    pub read_from: Option<String>,
}

/// A label in a candidate list, with its first tokens inline so that scoring it reads the list
/// in order instead of jumping to the label.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Candidate {
    label: u32,
    /// The label's distinct tokens; `NO_TOKEN` pads; a label with more than fit is read whole.
    tokens: [u32; INLINE_TOKENS],
}

const INLINE_TOKENS: usize = 4;
const NO_TOKEN: u32 = u32::MAX;
const MORE_TOKENS: u32 = u32::MAX - 1;

/// A token in more labels than this is common: labels are reached through their rarer tokens.
const COMMON_TOKEN_LABELS: usize = 300;

/// How many labels a common token still reaches by itself: those where it weighs most.
const COMMON_KEEP: usize = 100;

fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl ConceptIndex {
    /// Indexes `docs`.
    pub fn build(docs: &[ConceptDoc], params: ScoringParams) -> Self {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut stemmers: HashMap<String, LanguageStemmer> = HashMap::new();
        let mut stemmed: HashMap<String, HashMap<String, u32>> = HashMap::new();
        let mut languages: Vec<(String, LanguageStemmer, std::collections::HashSet<u32>)> =
            Vec::new();
        let mut written: HashMap<String, std::collections::HashSet<u32>> = HashMap::new();
        let mut labels = Vec::new();
        let mut description_terms: Vec<HashMap<u32, u16>> = Vec::with_capacity(docs.len());
        let mut description_len = Vec::with_capacity(docs.len());
        let mut label_df_sets: Vec<Vec<u32>> = Vec::with_capacity(docs.len());

        for (ci, doc) in docs.iter().enumerate() {
            let mut terms: HashMap<u32, u16> = HashMap::new();
            let mut length = 0usize;
            let mut label_tokens: Vec<u32> = Vec::new();
            for t in &doc.texts {
                let stemmer = stemmers
                    .entry(t.lang.clone())
                    .or_insert_with(|| LanguageStemmer::for_lang(&t.lang));
                // Labels repeat their words: each word is stemmed once per language.
                let known = stemmed.entry(t.lang.clone()).or_default();
                let mut sequence = Vec::new();
                for w in words(&t.text) {
                    if !stemmer.is_content(&w, &t.text) {
                        continue;
                    }
                    let id = match known.get(w.folded.as_str()) {
                        Some(&id) => id,
                        None => {
                            let stem = stemmer.stem(&w.folded).into_owned();
                            let next = vocab.len() as u32;
                            let id = *vocab.entry(stem).or_insert(next);
                            known.insert(w.folded.clone(), id);
                            id
                        }
                    };
                    sequence.push(id);
                }
                if sequence.is_empty() {
                    continue;
                }
                written
                    .entry(t.lang.clone())
                    .or_default()
                    .extend(sequence.iter().copied());
                match t.field {
                    Field::Description => {
                        length += sequence.len();
                        for id in sequence {
                            let tf = terms.entry(id).or_default();
                            *tf = tf.saturating_add(1);
                        }
                    }
                    field => {
                        let lang_slot = match languages.iter().position(|(l, ..)| *l == t.lang) {
                            Some(i) => i,
                            None => {
                                languages.push((
                                    t.lang.clone(),
                                    LanguageStemmer::for_lang(&t.lang),
                                    Default::default(),
                                ));
                                languages.len() - 1
                            }
                        };
                        languages[lang_slot].2.extend(sequence.iter().copied());
                        // A concept's labels, taken together, describe it too: synonyms spread
                        // over several alternative labels add up in the BM25 part.
                        length += sequence.len();
                        for &id in &sequence {
                            let tf = terms.entry(id).or_default();
                            *tf = tf.saturating_add(1);
                        }
                        let mut distinct = sequence.clone();
                        distinct.sort_unstable();
                        distinct.dedup();
                        label_tokens.extend(distinct.iter().copied());
                        labels.push(Label {
                            concept: ci as u32,
                            field,
                            text: t.text.clone(),
                            sequence: sequence.into_boxed_slice(),
                            distinct: distinct.into_boxed_slice(),
                            idf_total: 0.0,
                        });
                    }
                }
            }
            label_tokens.sort_unstable();
            label_tokens.dedup();
            label_df_sets.push(label_tokens);
            description_terms.push(terms);
            description_len.push(length as f32);
        }

        let n = docs.len();
        let v = vocab.len();
        let mut label_df = vec![0usize; v];
        for set in &label_df_sets {
            for &t in set {
                label_df[t as usize] += 1;
            }
        }
        let mut description_df = vec![0usize; v];
        for terms in &description_terms {
            for &t in terms.keys() {
                description_df[t as usize] += 1;
            }
        }
        let label_idf: Vec<f32> = label_df.iter().map(|&df| idf(n, df)).collect();
        let description_idf: Vec<f32> = description_df.iter().map(|&df| idf(n, df)).collect();

        let mut label_df_count = vec![0usize; v];
        for label in labels.iter_mut() {
            label.idf_total = label.distinct.iter().map(|&t| label_idf[t as usize]).sum();
            for &t in label.distinct.iter() {
                label_df_count[t as usize] += 1;
            }
        }
        let common: Vec<bool> = label_df_count
            .iter()
            .map(|&n| n > COMMON_TOKEN_LABELS)
            .collect();
        let mut candidate_postings: Vec<Vec<Candidate>> = vec![Vec::new(); v];
        let mut common_rest: Vec<Vec<u32>> = vec![Vec::new(); v];
        let candidate = |li: usize| {
            let distinct = &labels[li].distinct;
            let mut tokens = [NO_TOKEN; INLINE_TOKENS];
            if distinct.len() <= INLINE_TOKENS {
                tokens[..distinct.len()].copy_from_slice(distinct);
            } else {
                tokens[0] = MORE_TOKENS;
            }
            Candidate {
                label: li as u32,
                tokens,
            }
        };
        let mut label_token_start = Vec::with_capacity(labels.len() + 1);
        let mut label_tokens = Vec::new();
        for (li, label) in labels.iter().enumerate() {
            let all_common = label.distinct.iter().all(|&t| common[t as usize]);
            for &t in label.distinct.iter() {
                if !common[t as usize] || all_common {
                    candidate_postings[t as usize].push(candidate(li));
                } else {
                    common_rest[t as usize].push(li as u32);
                }
            }
            label_token_start.push(label_tokens.len() as u32);
            label_tokens.extend(label.distinct.iter().copied());
        }
        label_token_start.push(label_tokens.len() as u32);
        // Labels that hold a common token beside rarer ones are reached through the rarer ones;
        // for texts that name only the common token, the labels where it weighs most (the
        // shortest, in information) are reached through it too.
        for (t, rest) in common_rest.iter_mut().enumerate() {
            rest.sort_by(|&a, &b| {
                labels[a as usize]
                    .idf_total
                    .total_cmp(&labels[b as usize].idf_total)
                    .then(a.cmp(&b))
            });
            rest.truncate(COMMON_KEEP);
            candidate_postings[t].extend(rest.iter().map(|&li| candidate(li as usize)));
        }
        let label_concept = labels.iter().map(|l| l.concept).collect();
        // Among equally specific words the later one is the key: a label's head noun comes last
        // ("operate continuous *miner*").
        let label_key = labels
            .iter()
            .map(|l| {
                l.sequence.iter().fold(NO_TOKEN, |key, &t| {
                    if key == NO_TOKEN || label_idf[t as usize] >= label_idf[key as usize] {
                        t
                    } else {
                        key
                    }
                })
            })
            .collect();
        let label_inverse_total = labels
            .iter()
            .map(|l| 1.0 / l.idf_total.max(f32::EPSILON))
            .collect();
        let label_alternative = labels.iter().map(|l| l.field != Field::Preferred).collect();
        let with_description = description_len.iter().filter(|l| **l > 0.0).count().max(1);
        let average_description_len =
            (description_len.iter().sum::<f32>() / with_description as f32).max(1.0);
        let mut description_postings = vec![Vec::new(); v];
        for (ci, terms) in description_terms.iter().enumerate() {
            let norm = params.k1
                * (1.0 - params.b + params.b * description_len[ci] / average_description_len);
            let mut terms: Vec<_> = terms.iter().collect();
            terms.sort_unstable();
            for (&t, &tf) in terms {
                let tf = f32::from(tf);
                description_postings[t as usize]
                    .push((ci as u32, tf * (params.k1 + 1.0) / (tf + norm)));
            }
        }
        // English first, so that it wins ties when guessing a text's language.
        languages.sort_by_key(|(l, ..)| (l != "en", l.clone()));
        let priors: Vec<f32> = docs.iter().map(|d| d.prior.clamp(0.0, 1.0)).collect();
        let mut by_prior: Vec<u32> = (0..docs.len() as u32).collect();
        by_prior.sort_by(|&a, &b| {
            priors[b as usize]
                .total_cmp(&priors[a as usize])
                .then(a.cmp(&b))
        });
        Self {
            by_prior,
            ids: docs.iter().map(|d| d.id.clone()).collect(),
            priors,
            vocab,
            label_idf,
            description_idf,
            labels,
            candidate_postings,
            label_concept,
            label_inverse_total,
            label_key,
            label_alternative,
            label_token_start,
            label_tokens,
            description_postings,
            languages,
            written,
            params,
        }
    }

    /// How many concepts are indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of concept `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[i]
    }

    /// The index of the concept with `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    /// The languages that have labels.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().map(|(l, ..)| l.as_str())
    }

    /// The label language whose vocabulary knows most of the words of `text` (English on ties).
    pub fn guess_language(&self, text: &str) -> String {
        self.query(text, None).lang
    }

    /// Per label language, how many words of `text` speak for it: words its labels use, and
    /// its stop words. Stop words count because a short text in a language with few labels
    /// (Dutch beside all of ESCO's English) still says "ik", "de", "en" and "het".
    pub fn language_evidence(&self, text: &str) -> Vec<(String, usize)> {
        let words = words(text);
        self.languages
            .iter()
            .map(|(l, stemmer, known)| {
                let tokens = self.tokens(text, &words, stemmer);
                let n = words
                    .iter()
                    .zip(&tokens)
                    .filter(|(w, t)| speaks_for(w, **t, known, stemmer))
                    .count();
                (l.clone(), n)
            })
            .collect()
    }

    /// Prepares a text read through a lexicon: each gloss becomes a word with the span of the
    /// source word it reads, stemmed as the lexicon stemmed it in `lang` (the target language).
    pub fn query_glossed(&self, glosses: &[Gloss], lang: &str, read_from: &str) -> Query {
        Query {
            words: glosses
                .iter()
                .map(|g| Word {
                    start: g.start,
                    end: g.end,
                    folded: g.word.clone(),
                })
                .collect(),
            tokens: glosses
                .iter()
                .map(|g| self.vocab.get(&g.stem).copied())
                .collect(),
            lang: lang.to_owned(),
            read_from: Some(read_from.to_owned()),
        }
    }

    /// Prepares `text`: splits it into words and stems them in `lang`, or, when `lang` is `None`,
    /// in the label language whose vocabulary and stop words know most of the words.
    pub fn query(&self, text: &str, lang: Option<&str>) -> Query {
        let words = words(text);
        let (lang, tokens) = match lang {
            Some(lang) => match self.languages.iter().find(|(l, ..)| l == lang) {
                Some((_, stemmer, _)) => (lang.to_owned(), self.tokens(text, &words, stemmer)),
                None => (
                    lang.to_owned(),
                    self.tokens(text, &words, &LanguageStemmer::for_lang(lang)),
                ),
            },
            None => {
                let mut best: Option<(usize, String, Vec<Option<u32>>)> = None;
                for (l, stemmer, known) in &self.languages {
                    let tokens = self.tokens(text, &words, stemmer);
                    let hits = words
                        .iter()
                        .zip(&tokens)
                        .filter(|(w, t)| speaks_for(w, **t, known, stemmer))
                        .count();
                    if best.as_ref().is_none_or(|(h, ..)| hits > *h) {
                        best = Some((hits, l.clone(), tokens));
                    }
                }
                match best {
                    Some((_, l, tokens)) => (l, tokens),
                    None => ("en".to_owned(), vec![None; words.len()]),
                }
            }
        };
        let mut tokens = tokens;
        let written = self.written.get(&lang);
        for t in &mut tokens {
            if t.is_some_and(|t| written.is_none_or(|w| !w.contains(&t))) {
                *t = None;
            }
        }
        Query {
            words,
            tokens,
            lang,
            read_from: None,
        }
    }

    fn tokens(&self, text: &str, words: &[Word], stemmer: &LanguageStemmer) -> Vec<Option<u32>> {
        words
            .iter()
            .map(|w| {
                if stemmer.is_content(w, text) {
                    self.vocab.get(stemmer.stem(&w.folded).as_ref()).copied()
                } else {
                    None
                }
            })
            .collect()
    }

    /// Every concept the query touches, best first, with the label and words behind each score.
    pub fn search(&self, scratch: &mut Scratch, query: &Query) -> Vec<Hit> {
        self.search_top(scratch, query, usize::MAX)
    }

    /// The `k` best concepts the query touches, best first.
    pub fn search_top(&self, scratch: &mut Scratch, query: &Query, k: usize) -> Vec<Hit> {
        let p = &self.params;
        scratch.prepare(self.labels.len(), self.ids.len());
        let mut distinct = std::mem::take(&mut scratch.distinct);
        distinct.clear();
        distinct.extend(query.tokens.iter().flatten().copied());
        distinct.sort_unstable();
        distinct.dedup();

        if scratch.in_query.len() != self.label_idf.len() {
            scratch.in_query = vec![false; self.label_idf.len()];
        }
        for &t in &distinct {
            scratch.in_query[t as usize] = true;
        }
        for &t in &distinct {
            for cand in &self.candidate_postings[t as usize] {
                let li = cand.label;
                let slot = li as usize;
                if scratch.label_matched[slot] != 0.0 {
                    continue;
                }
                let add = |u: &u32| {
                    if scratch.in_query[*u as usize] {
                        self.label_idf[*u as usize]
                    } else {
                        0.0
                    }
                };
                let matched: f32 = if cand.tokens[0] == MORE_TOKENS {
                    let range = self.label_token_start[slot] as usize
                        ..self.label_token_start[slot + 1] as usize;
                    self.label_tokens[range].iter().map(add).sum()
                } else {
                    cand.tokens
                        .iter()
                        .take_while(|&&u| u != NO_TOKEN)
                        .map(add)
                        .sum()
                };
                scratch.label_matched[slot] = matched.max(f32::MIN_POSITIVE);
                scratch.touched_labels.push(li);
            }
        }
        for &t in &distinct {
            scratch.in_query[t as usize] = false;
        }
        for &li in &scratch.touched_labels {
            let slot = li as usize;
            let matched = scratch.label_matched[slot];
            let coverage = (matched * self.label_inverse_total[slot]).min(1.0);
            let mut score = if p.coverage_exponent == 1.0 {
                matched * coverage
            } else {
                matched * coverage.powf(p.coverage_exponent)
            };
            if self.label_alternative[slot] {
                score *= p.alternative_weight;
            }
            if coverage >= 0.999 && contains_sequence(&query.tokens, &self.labels[slot].sequence) {
                score *= 1.0 + p.phrase_bonus;
            }
            let c = self.label_concept[slot] as usize;
            if !scratch.concept_seen[c] {
                scratch.concept_seen[c] = true;
                scratch.touched_concepts.push(c as u32);
            }
            if score > scratch.concept_label[c] {
                scratch.concept_label[c] = score;
                scratch.concept_best[c] = li;
            }
        }
        for &t in &distinct {
            let w = self.description_idf[t as usize];
            // Words in more than one in a hundred descriptions say little about any one concept
            // and would cost a long walk: their BM25 share is left out.
            if self.description_postings[t as usize].len() > self.ids.len() / 100 {
                continue;
            }
            for &(c, weight) in &self.description_postings[t as usize] {
                let c = c as usize;
                if !scratch.concept_seen[c] {
                    scratch.concept_seen[c] = true;
                    scratch.touched_concepts.push(c as u32);
                }
                scratch.concept_description[c] += w * weight;
            }
        }

        scratch.distinct = distinct;
        let p = &self.params;
        let mut scored = std::mem::take(&mut scratch.scored);
        scored.clear();
        scored.extend(scratch.touched_concepts.iter().map(|&c| {
            let base = scratch.concept_label[c as usize]
                + p.description_weight * scratch.concept_description[c as usize];
            (base * (1.0 + p.prior_weight * self.priors[c as usize]), c)
        }));
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if k < scored.len() {
            scored.select_nth_unstable_by(k, order);
            scored.truncate(k);
        }
        scored.sort_unstable_by(order);
        let hits = scored
            .iter()
            .map(|&(score, c)| {
                let c = c as usize;
                let label_score = scratch.concept_label[c];
                let label = (label_score > 0.0).then_some(scratch.concept_best[c]);
                let coverage = label.map_or(0.0, |li| {
                    (scratch.label_matched[li as usize] * self.label_inverse_total[li as usize])
                        .min(1.0)
                });
                let key_word = label.is_some_and(|li| {
                    scratch
                        .distinct
                        .binary_search(&self.label_key[li as usize])
                        .is_ok()
                });
                Hit {
                    concept: c,
                    score,
                    label_score,
                    description_score: p.description_weight * scratch.concept_description[c],
                    label,
                    coverage,
                    key_word,
                }
            })
            .collect();
        scratch.scored = scored;
        hits
    }

    /// The label behind `hit` and the words of `query` that matched it.
    pub fn explain(&self, query: &Query, hit: &Hit) -> Option<MatchedLabel<'_>> {
        let label = &self.labels[hit.label? as usize];
        let words = query
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some_and(|t| label.distinct.binary_search(&t).is_ok()))
            .map(|(i, _)| i)
            .collect();
        Some(MatchedLabel {
            text: &label.text,
            field: label.field,
            coverage: hit.coverage,
            phrase: hit.coverage >= 0.999 && contains_sequence(&query.tokens, &label.sequence),
            words,
        })
    }

    /// Every concept, best first: the hits of [`search`](Self::search), then the rest by prior.
    pub fn rank_all(&self, scratch: &mut Scratch, query: &Query) -> Vec<usize> {
        let hits = self.search(scratch, query);
        let mut seen = vec![false; self.ids.len()];
        let mut order: Vec<usize> = hits.iter().map(|h| h.concept).collect();
        for &c in &order {
            seen[c] = true;
        }
        order.extend(
            self.by_prior
                .iter()
                .map(|&c| c as usize)
                .filter(|&c| !seen[c]),
        );
        order
    }
}

impl Scratch {
    fn prepare(&mut self, labels: usize, concepts: usize) {
        if self.label_matched.len() != labels {
            self.label_matched = vec![0.0; labels];
        } else {
            for &li in &self.touched_labels {
                self.label_matched[li as usize] = 0.0;
            }
        }
        if self.concept_label.len() != concepts {
            self.concept_label = vec![0.0; concepts];
            self.concept_best = vec![0; concepts];
            self.concept_description = vec![0.0; concepts];
            self.concept_seen = vec![false; concepts];
        } else {
            for &c in &self.touched_concepts {
                self.concept_label[c as usize] = 0.0;
                self.concept_description[c as usize] = 0.0;
                self.concept_seen[c as usize] = false;
            }
        }
        self.touched_labels.clear();
        self.touched_concepts.clear();
    }
}

/// Whether a word of a text speaks for a language: its labels use it, or it is one of the
/// language's stop words. Numbers and lone letters ("'s", "10") speak for none.
fn speaks_for(
    word: &Word,
    token: Option<u32>,
    known: &std::collections::HashSet<u32>,
    stemmer: &LanguageStemmer,
) -> bool {
    if word.folded.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return false;
    }
    token.is_some_and(|t| known.contains(&t)) || stemmer.is_stop_word(&word.folded)
}

/// Words a label may be split by and still count as found in order ("operated *a* continuous miner").
const PHRASE_SLACK: usize = 2;

/// Whether `needle` stands in `haystack` in order, within `needle.len() + PHRASE_SLACK` words.
fn contains_sequence(haystack: &[Option<u32>], needle: &[u32]) -> bool {
    let Some(&first) = needle.first() else {
        return false;
    };
    let window = needle.len() + PHRASE_SLACK;
    haystack.iter().enumerate().any(|(start, h)| {
        if *h != Some(first) {
            return false;
        }
        let mut rest = needle[1..].iter().peekable();
        for h in haystack.iter().skip(start + 1).take(window - 1) {
            match rest.peek() {
                Some(&&n) if *h == Some(n) => {
                    rest.next();
                }
                Some(_) => {}
                None => break,
            }
        }
        rest.peek().is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, preferred: &str, alternatives: &[&str], description: &str) -> ConceptDoc {
        let mut texts = vec![ConceptText {
            lang: "en".into(),
            field: Field::Preferred,
            text: preferred.into(),
        }];
        for a in alternatives {
            texts.push(ConceptText {
                lang: "en".into(),
                field: Field::Alternative,
                text: (*a).into(),
            });
        }
        texts.push(ConceptText {
            lang: "en".into(),
            field: Field::Description,
            text: description.into(),
        });
        ConceptDoc {
            id: id.into(),
            texts,
            prior: 0.0,
        }
    }

    fn index() -> ConceptIndex {
        ConceptIndex::build(
            &[
                doc(
                    "weld",
                    "weld metal parts",
                    &["welding"],
                    "Join metal parts by melting them.",
                ),
                doc(
                    "miner",
                    "operate continuous miner",
                    &["run a continuous mining machine"],
                    "Operate the machine that cuts coal.",
                ),
                doc(
                    "train",
                    "train employees",
                    &["train new crews", "coach staff"],
                    "Teach colleagues the skills for their work.",
                ),
                doc(
                    "people",
                    "personnel management",
                    &["people management"],
                    "Manage the staff of an organisation.",
                ),
                doc(
                    "metal",
                    "metal properties",
                    &[],
                    "Knowledge of how metals behave.",
                ),
            ],
            ScoringParams::default(),
        )
    }

    #[test]
    fn whole_labels_in_the_text_rank_first_with_their_words() {
        let idx = index();
        let mut scratch = Scratch::default();
        let q = idx.query(
            "Operated a continuous miner for twelve years and trained the new crews",
            Some("en"),
        );
        let hits = idx.search(&mut scratch, &q);
        let top: Vec<_> = hits.iter().take(2).map(|h| idx.id(h.concept)).collect();
        assert!(top.contains(&"miner") && top.contains(&"train"), "{top:?}");
        let miner = hits.iter().find(|h| idx.id(h.concept) == "miner").unwrap();
        let label = idx.explain(&q, miner).unwrap();
        assert!(label.phrase);
        let span: Vec<_> = label
            .words
            .iter()
            .map(|&i| q.words[i].folded.as_str())
            .collect();
        assert_eq!(span, ["operated", "continuous", "miner"]);
        assert!(contains_sequence(&[Some(1), None, Some(2)], &[1, 2]));
        assert!(!contains_sequence(&[Some(2), Some(1)], &[1, 2]));
        assert!(!contains_sequence(
            &[Some(1), None, None, None, Some(2)],
            &[1, 2]
        ));
    }

    #[test]
    fn search_is_stable_and_scratch_is_reusable() {
        let idx = index();
        let mut scratch = Scratch::default();
        let a = idx.query("people management and welding", None);
        let first: Vec<_> = idx
            .search(&mut scratch, &a)
            .iter()
            .map(|h| (h.concept, h.score))
            .collect();
        let b = idx.query("coal", None);
        idx.search(&mut scratch, &b);
        let again: Vec<_> = idx
            .search(&mut scratch, &a)
            .iter()
            .map(|h| (h.concept, h.score))
            .collect();
        assert_eq!(first, again);
        assert_eq!(idx.id(first[0].0), "people");
        assert_eq!(idx.rank_all(&mut scratch, &a).len(), idx.len());
    }

    #[test]
    fn texts_without_known_words_match_nothing() {
        let idx = index();
        let mut scratch = Scratch::default();
        for text in ["", "   ", "\u{0}\u{1}", "zzqx ywwq", "日本語"] {
            assert!(
                idx.search(&mut scratch, &idx.query(text, None)).is_empty(),
                "{text:?}"
            );
        }
    }
}
