//! A word lexicon from one language into another, learned from the taxonomy's own parallel
//! labels: the same concept named in Dutch and in English ("magazijnmedewerker" / "warehouse
//! worker") says which Dutch word stands for which English one. With it a Dutch text can be read
//! against labels that exist only in English.
//!
//! Learning is IBM Model 1 (a few rounds of expectation–maximisation over word co-occurrence in
//! label pairs) in both directions; a translation is kept when each word is a likely translation
//! of the other. Compounds, which Dutch writes as one word, are split into known parts
//! (Koehn and Knight's frequency method), and words the source labels do not know — English
//! loanwords such as "scanner" or "CNC" — pass through as they are.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::index::{ConceptDoc, Field};
use crate::text::{LanguageStemmer, Word, words};

/// One reading of a source word: a target word it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Gloss {
    /// The source word (byte offsets into the text read).
    pub start: usize,
    /// Byte offset just past the source word.
    pub end: usize,
    /// The target word, folded, as labels write it ("picking").
    pub word: String,
    /// Its stem in the target language, as the index keys it.
    pub stem: String,
}

/// A target word a source stem translates to.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Translation {
    stem: String,
    word: String,
}

/// Rounds of expectation–maximisation: Model 1 converges within a handful.
const ITERATIONS: usize = 5;

/// A translation is kept when both directions give it at least this probability: a word that
/// spreads its probability over many others is not translated by any of them.
const MIN_PROBABILITY: f32 = 0.2;

/// Most translations kept per source word. One: the index reads the glosses of a text as words
/// it contains, all at once, so two readings of one word ("probleem" as "problem" and as
/// "solving") would cover a two-word label by themselves.
const MAX_TRANSLATIONS: usize = 1;

/// Shortest part a compound is split into (in characters).
const MIN_PART: usize = 3;

/// Most parts a compound is split into.
const MAX_PARTS: usize = 3;

/// Most labels of a concept per language paired with each other (the cross product grows fast).
const MAX_LABELS: usize = 12;

/// The empty word, which target words no source word explains are aligned to.
const NULL: u32 = u32::MAX;

/// A lexicon from `source` into `target`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Lexicon {
    source: String,
    target: String,
    source_stemmer: LanguageStemmer,
    target_stemmer: LanguageStemmer,
    /// Folded word → how often labels of either language use it (for splitting compounds).
    frequency: HashMap<String, u32>,
    /// Stems of the source labels' words: a word known here is not a loanword.
    source_stems: std::collections::HashSet<String>,
    /// Folded words of the target labels: an unknown source word passes through only as one of
    /// these, or written in capitals (an acronym: "CNC", "WMS").
    target_words: std::collections::HashSet<String>,
    translations: HashMap<String, Vec<Translation>>,
}

/// The stem of `folded`, from `cache` when it was stemmed before.
fn cached(cache: &mut HashMap<String, String>, stemmer: &LanguageStemmer, folded: &str) -> String {
    if let Some(stem) = cache.get(folded) {
        return stem.clone();
    }
    let stem = stemmer.stem(folded).into_owned();
    cache.insert(folded.to_owned(), stem.clone());
    stem
}

/// The content words of a label, folded.
fn content_words(stemmer: &LanguageStemmer, text: &str) -> Vec<Word> {
    words(text)
        .into_iter()
        .filter(|w| stemmer.is_content(w, text))
        .collect()
}

impl Lexicon {
    /// Learns a lexicon from the concepts in `docs` that have labels in both `source` and
    /// `target` (descriptions are not used: they are not translations of each other word for
    /// word).
    pub fn learn(docs: &[ConceptDoc], source: &str, target: &str) -> Self {
        let source_stemmer = LanguageStemmer::for_lang(source);
        let target_stemmer = LanguageStemmer::for_lang(target);
        // Each concept's labels per side, preferred first.
        let mut concepts: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
        for doc in docs {
            let side = |lang: &str| -> Vec<&str> {
                let mut labels: Vec<(bool, &str)> = doc
                    .texts
                    .iter()
                    .filter(|t| t.lang == lang && t.field != Field::Description)
                    .map(|t| (t.field != Field::Preferred, t.text.as_str()))
                    .collect();
                labels.sort_by_key(|(alternative, _)| *alternative);
                labels.dedup_by_key(|(_, text)| *text);
                labels
                    .into_iter()
                    .map(|(_, t)| t)
                    .take(MAX_LABELS)
                    .collect()
            };
            let (s, t) = (side(source), side(target));
            if !s.is_empty() && !t.is_empty() {
                concepts.push((s, t));
            }
        }
        let mut frequency: HashMap<String, u32> = HashMap::new();
        for (s, t) in &concepts {
            for (labels, stemmer) in [(s, &source_stemmer), (t, &target_stemmer)] {
                for label in labels {
                    for w in content_words(stemmer, label) {
                        *frequency.entry(w.folded).or_default() += 1;
                    }
                }
            }
        }
        let mut lexicon = Self {
            source: source.to_owned(),
            target: target.to_owned(),
            source_stemmer,
            target_stemmer,
            frequency,
            source_stems: Default::default(),
            target_words: Default::default(),
            translations: HashMap::new(),
        };

        // Words as ids; the target's most frequent spelling of each stem is kept for showing.
        let mut source_ids: HashMap<String, u32> = HashMap::new();
        let mut target_ids: HashMap<String, u32> = HashMap::new();
        let mut spellings: HashMap<u32, HashMap<String, u32>> = HashMap::new();
        let mut pairs: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
        let mut splits: HashMap<String, Vec<String>> = HashMap::new();
        // Labels repeat their words: each is stemmed once.
        let mut source_cache: HashMap<String, String> = HashMap::new();
        let mut target_cache: HashMap<String, String> = HashMap::new();
        for (s, t) in &concepts {
            // A source word the target labels also use (stemmed alike) is a loanword or a
            // cognate ("micrometer", "website"): kept whole, not split into look-alike parts.
            let target_stems: std::collections::HashSet<String> = t
                .iter()
                .flat_map(|label| content_words(&lexicon.target_stemmer, label))
                .map(|w| cached(&mut target_cache, &lexicon.target_stemmer, &w.folded))
                .collect();
            let s: Vec<Vec<u32>> = s
                .iter()
                .map(|label| {
                    let mut ids = Vec::new();
                    for w in content_words(&lexicon.source_stemmer, label) {
                        let cognate = target_stems.contains(&cached(
                            &mut target_cache,
                            &lexicon.target_stemmer,
                            &w.folded,
                        ));
                        let parts = if cognate {
                            vec![w.folded.clone()]
                        } else {
                            splits
                                .entry(w.folded.clone())
                                .or_insert_with(|| lexicon.split(&w.folded))
                                .clone()
                        };
                        for part in parts {
                            let stem = cached(&mut source_cache, &lexicon.source_stemmer, &part);
                            let next = source_ids.len() as u32;
                            ids.push(*source_ids.entry(stem).or_insert(next));
                        }
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                })
                .collect();
            let t: Vec<Vec<u32>> = t
                .iter()
                .map(|label| {
                    let mut ids = Vec::new();
                    for w in content_words(&lexicon.target_stemmer, label) {
                        let stem = cached(&mut target_cache, &lexicon.target_stemmer, &w.folded);
                        let next = target_ids.len() as u32;
                        let id = *target_ids.entry(stem).or_insert(next);
                        lexicon.target_words.insert(w.folded.clone());
                        *spellings
                            .entry(id)
                            .or_default()
                            .entry(w.folded)
                            .or_default() += 1;
                        ids.push(id);
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                })
                .collect();
            // Every label of one side is paired with the preferred label of the other: an
            // alternative label is a translation of the other side's preferred label, not of
            // each of its alternatives.
            for (i, sl) in s.iter().enumerate() {
                for (j, tl) in t.iter().enumerate() {
                    if (i == 0 || j == 0) && !sl.is_empty() && !tl.is_empty() {
                        pairs.push((sl.clone(), tl.clone()));
                    }
                }
            }
        }
        let forward = model1(&pairs, ITERATIONS);
        let swapped: Vec<(Vec<u32>, Vec<u32>)> = pairs.into_iter().map(|(s, t)| (t, s)).collect();
        let backward = model1(&swapped, ITERATIONS);

        let source_words: Vec<&String> = {
            let mut v: Vec<(&String, u32)> = source_ids.iter().map(|(k, &i)| (k, i)).collect();
            v.sort_by_key(|(_, i)| *i);
            v.into_iter().map(|(k, _)| k).collect()
        };
        let target_words: Vec<&String> = {
            let mut v: Vec<(&String, u32)> = target_ids.iter().map(|(k, &i)| (k, i)).collect();
            v.sort_by_key(|(_, i)| *i);
            v.into_iter().map(|(k, _)| k).collect()
        };
        let mut candidates: HashMap<u32, Vec<(f32, u32)>> = HashMap::new();
        for (&(f, e), &p) in &forward {
            if f == NULL || p < MIN_PROBABILITY {
                continue;
            }
            let back = backward.get(&(e, f)).copied().unwrap_or(0.0);
            if back < MIN_PROBABILITY {
                continue;
            }
            candidates
                .entry(f)
                .or_default()
                .push(((p * back).sqrt(), e));
        }
        for (f, mut list) in candidates {
            list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            list.truncate(MAX_TRANSLATIONS);
            let translations = list
                .into_iter()
                .map(|(_, e)| {
                    let stem = target_words[e as usize].clone();
                    let word = spellings
                        .get(&e)
                        .and_then(|s| {
                            s.iter()
                                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                                .map(|(w, _)| w.clone())
                        })
                        .unwrap_or_else(|| stem.clone());
                    Translation { stem, word }
                })
                .collect();
            lexicon
                .translations
                .insert(source_words[f as usize].clone(), translations);
        }
        lexicon.source_stems = source_ids.into_keys().collect();
        lexicon
    }

    /// Adds words the target language's labels use beyond the parallel ones (e.g. every English
    /// skill label): a source word the source labels do not know but the target labels do is
    /// read as itself, a loanword ("micrometer", "scanner"), before any split into parts.
    pub fn with_target_words<'t>(mut self, texts: impl IntoIterator<Item = &'t str>) -> Self {
        for text in texts {
            for w in content_words(&self.target_stemmer, text) {
                self.target_words.insert(w.folded);
            }
        }
        self
    }

    /// The language read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The language read into.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// How many source stems have a translation.
    pub fn len(&self) -> usize {
        self.translations.len()
    }

    /// Whether nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.translations.is_empty()
    }

    /// The target words a folded source word stands for (empty when none is known).
    pub fn translate(&self, folded: &str) -> Vec<String> {
        self.glosses_of(folded, 0, folded.len(), false)
            .into_iter()
            .map(|g| g.word)
            .collect()
    }

    /// Splits a folded word into known parts when the parts are, taken together, at least as
    /// common in the labels as the word itself (Koehn and Knight 2003: the split with the highest
    /// geometric mean of its parts' frequencies wins, the whole word counting as a split in one
    /// part; on a tie the parts win, since they are what the other language names). A non-final part may end in a linking "s" or "e" ("verkoop·s·medewerker").
    pub fn split(&self, folded: &str) -> Vec<String> {
        let chars: Vec<usize> = folded.char_indices().map(|(i, _)| i).collect();
        let n = chars.len();
        if n < 2 * MIN_PART {
            return vec![folded.to_owned()];
        }
        let byte = |i: usize| chars.get(i).copied().unwrap_or(folded.len());
        // The frequency of folded[start..end] as a part, and its length without a linking letter.
        let part = |start: usize, end: usize| -> Option<(u32, usize)> {
            let text = &folded[byte(start)..byte(end)];
            if let Some(&f) = self.frequency.get(text) {
                return Some((f, text.len()));
            }
            if end == n {
                return None;
            }
            ["s", "e"].iter().find_map(|linker| {
                let stripped = text.strip_suffix(linker)?;
                (stripped.chars().count() >= MIN_PART)
                    .then(|| self.frequency.get(stripped))
                    .flatten()
                    .map(|&f| (f, stripped.len()))
            })
        };
        // Each substring looked up once: the search below reads every part up to three times.
        let mut parts_at: Vec<Option<(u32, usize)>> = vec![None; (n + 1) * (n + 1)];
        for start in 0..n {
            for end in start + MIN_PART..=n {
                parts_at[start * (n + 1) + end] = part(start, end);
            }
        }
        let part = |start: usize, end: usize| parts_at[start * (n + 1) + end];
        // best[k][i]: the highest sum of ln frequency of the first i characters in k + 1 parts,
        // with where its last part starts.
        let mut best = vec![vec![None::<(f64, usize)>; n + 1]; MAX_PARTS];
        for k in 0..MAX_PARTS {
            for end in MIN_PART..=n {
                let starts = if k == 0 {
                    0..1
                } else {
                    MIN_PART..end + 1 - MIN_PART
                };
                for start in starts {
                    let before = if k == 0 {
                        0.0
                    } else if let Some((s, _)) = best[k - 1][start] {
                        s
                    } else {
                        continue;
                    };
                    let Some((f, _)) = part(start, end) else {
                        continue;
                    };
                    let score = before + f64::from(f).ln();
                    if best[k][end].is_none_or(|(s, _)| score > s) {
                        best[k][end] = Some((score, start));
                    }
                }
            }
        }
        let whole = f64::from(self.frequency.get(folded).copied().unwrap_or(0)).ln();
        // The split with the highest geometric mean; fewer parts on ties.
        let mut chosen: Option<(f64, usize)> = None;
        for (k, row) in best.iter().enumerate().skip(1) {
            if let Some((s, _)) = row[n] {
                let mean = s / (k + 1) as f64;
                if mean >= whole && chosen.is_none_or(|(m, _)| mean > m) {
                    chosen = Some((mean, k));
                }
            }
        }
        let Some((_, mut k)) = chosen else {
            return vec![folded.to_owned()];
        };
        let mut parts = Vec::with_capacity(k + 1);
        let mut end = n;
        while let Some((_, start)) = best[k][end] {
            let length = part(start, end).map_or(0, |(_, l)| l);
            let from = byte(start);
            // A linking letter is no part of the word.
            parts.push(folded[from..from + length].to_owned());
            if k == 0 {
                break;
            }
            end = start;
            k -= 1;
        }
        parts.reverse();
        parts
    }

    /// Readings of the source word `folded` (at `start..end` in the text): its translations;
    /// else, for a word the source labels do not know but the target labels use, itself (a
    /// loanword); else its compound parts' readings; else, for an unknown acronym (`capitals`),
    /// itself.
    fn glosses_of(&self, folded: &str, start: usize, end: usize, capitals: bool) -> Vec<Gloss> {
        let gloss = |t: &Translation| Gloss {
            start,
            end,
            word: t.word.clone(),
            stem: t.stem.clone(),
        };
        let stem = self.source_stemmer.stem(folded);
        if let Some(list) = self.translations.get(stem.as_ref()) {
            return list.iter().map(gloss).collect();
        }
        let known = self.source_stems.contains(stem.as_ref());
        if !known && self.target_words.contains(folded) {
            return vec![Gloss {
                start,
                end,
                word: folded.to_owned(),
                stem: self.target_stemmer.stem(folded).into_owned(),
            }];
        }
        let parts = self.split(folded);
        if parts.len() > 1 {
            let mut glosses: Vec<Gloss> = parts
                .iter()
                .flat_map(|p| self.glosses_of(p, start, end, capitals))
                .collect();
            // "hef" and "truck" both read as "forklift": one reading of the word.
            glosses.dedup_by(|a, b| a.stem == b.stem);
            return glosses;
        }
        // A word the source labels know but could not translate, or one that may be a source
        // word the labels never use ("doe", "route"), is not read as a target word.
        if known || !capitals {
            return Vec::new();
        }
        vec![Gloss {
            start,
            end,
            word: folded.to_owned(),
            stem: self.target_stemmer.stem(folded).into_owned(),
        }]
    }

    /// Reads `text` word by word into the target language: each content word gives zero or more
    /// glosses, in text order, each pointing at the source word it reads.
    pub fn read(&self, text: &str) -> Vec<Gloss> {
        content_words(&self.source_stemmer, text)
            .into_iter()
            .flat_map(|w| {
                let written = &text[w.start..w.end];
                let capitals = written.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !written.chars().any(char::is_lowercase);
                self.glosses_of(&w.folded, w.start, w.end, capitals)
            })
            .collect()
    }
}

/// IBM Model 1: t(e | f) for every target word e and source word f (or [`NULL`]) that share a
/// pair, from pairs of word-id sets.
fn model1(pairs: &[(Vec<u32>, Vec<u32>)], iterations: usize) -> HashMap<(u32, u32), f32> {
    // Every (f, e) cell a pair touches, numbered once, so the rounds run over flat arrays.
    let mut cells: HashMap<(u32, u32), u32> = HashMap::new();
    let mut cell_source: Vec<u32> = Vec::new();
    let mut layout: Vec<u32> = Vec::new();
    for (f, e) in pairs {
        for &e in e {
            for &f in std::iter::once(&NULL).chain(f) {
                let next = cells.len() as u32;
                let c = *cells.entry((f, e)).or_insert_with(|| {
                    cell_source.push(f);
                    next
                });
                layout.push(c);
            }
        }
    }
    let mut source_index: HashMap<u32, usize> = HashMap::new();
    let cell_group: Vec<usize> = cell_source
        .iter()
        .map(|f| {
            let next = source_index.len();
            *source_index.entry(*f).or_insert(next)
        })
        .collect();
    let mut t = vec![1.0f32; cells.len()];
    let mut counts = vec![0.0f32; cells.len()];
    let mut totals = vec![0.0f32; source_index.len()];
    for _ in 0..iterations {
        counts.iter_mut().for_each(|c| *c = 0.0);
        totals.iter_mut().for_each(|c| *c = 0.0);
        let mut at = 0;
        for (f, e) in pairs {
            let width = f.len() + 1;
            for _ in e {
                let row = &layout[at..at + width];
                let denominator: f32 = row.iter().map(|&c| t[c as usize]).sum();
                if denominator > 0.0 {
                    for &c in row {
                        counts[c as usize] += t[c as usize] / denominator;
                    }
                }
                at += width;
            }
        }
        for (c, &count) in counts.iter().enumerate() {
            totals[cell_group[c]] += count;
        }
        for (c, p) in t.iter_mut().enumerate() {
            let total = totals[cell_group[c]];
            *p = if total > 0.0 { counts[c] / total } else { 0.0 };
        }
    }
    cells.into_iter().map(|(k, c)| (k, t[c as usize])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ConceptText;

    fn doc(nl: &[&str], en: &[&str]) -> ConceptDoc {
        let text = |lang: &str, i: usize, t: &&str| ConceptText {
            lang: lang.into(),
            field: if i == 0 {
                Field::Preferred
            } else {
                Field::Alternative
            },
            text: (*t).into(),
        };
        let mut texts: Vec<ConceptText> = nl
            .iter()
            .enumerate()
            .map(|(i, t)| text("nl", i, t))
            .collect();
        texts.extend(en.iter().enumerate().map(|(i, t)| text("en", i, t)));
        ConceptDoc {
            id: format!("{nl:?}"),
            texts,
            prior: 0.0,
        }
    }

    fn lexicon() -> Lexicon {
        Lexicon::learn(
            &[
                doc(&["magazijnmedewerker"], &["warehouse worker"]),
                doc(&["magazijnbeheerder"], &["warehouse manager"]),
                doc(&["magazijn"], &["warehouse"]),
                doc(&["productiemedewerker"], &["production worker"]),
                doc(&["productieleider"], &["production manager"]),
                doc(&["bouwvakker", "medewerker bouw"], &["construction worker"]),
                doc(&["heftruckchauffeur"], &["forklift driver"]),
                doc(&["vrachtwagenchauffeur"], &["truck driver", "lorry driver"]),
                doc(&["vrachtwagen"], &["truck"]),
                doc(&["chauffeur"], &["driver"]),
                doc(&["beheerder"], &["manager"]),
                doc(&["leider"], &["manager", "leader"]),
                doc(&["heftruck besturen"], &["operate forklift"]),
                doc(&["productie"], &["production"]),
                doc(&["CNC-operator"], &["CNC operator"]),
                doc(&["operator productie"], &["production operator"]),
                // Only in English: no Dutch labels to learn from.
                doc(&[], &["order picking"]),
            ],
            "nl",
            "en",
        )
    }

    #[test]
    fn compounds_split_into_known_parts_and_known_words_stay_whole() {
        let lx = lexicon();
        assert_eq!(lx.split("magazijnmedewerker"), ["magazijn", "medewerker"]);
        assert_eq!(lx.split("heftruckchauffeur"), ["heftruck", "chauffeur"]);
        // Never seen whole, its parts are known.
        assert_eq!(lx.split("magazijnchauffeur"), ["magazijn", "chauffeur"]);
        // A linking s is no part of the word.
        assert_eq!(lx.split("productiesleider"), ["productie", "leider"]);
        // Known as a whole and more common than its parts would be: kept.
        assert_eq!(lx.split("chauffeur"), ["chauffeur"]);
        assert_eq!(lx.split("onbekendwoord"), ["onbekendwoord"]);
    }

    #[test]
    fn words_translate_by_their_co_occurrence_in_parallel_labels() {
        let lx = lexicon();
        assert_eq!(lx.translate("magazijn"), ["warehouse"]);
        assert_eq!(lx.translate("medewerker"), ["worker"]);
        assert_eq!(lx.translate("chauffeur"), ["driver"]);
        assert_eq!(lx.translate("heftruck"), ["forklift"]);
        assert_eq!(lx.translate("beheerder"), ["manager"]);
        // A compound never seen is read through its parts.
        assert_eq!(lx.translate("magazijnchauffeur"), ["warehouse", "driver"]);
        assert_eq!(lx.translate("cnc"), ["cnc"]);
        // A word no Dutch label has passes through when English labels use it (a loanword)
        // or when it is an acronym; other unknown words are not guessed at.
        assert_eq!(lx.translate("truck"), ["truck"]);
        assert!(lx.translate("doe").is_empty());
        let read: Vec<String> = lx.read("WMS en doe").into_iter().map(|g| g.word).collect();
        assert_eq!(read, ["wms"]);
    }

    #[test]
    fn a_text_is_read_with_each_gloss_pointing_at_its_word() {
        let lx = lexicon();
        let text = "Ik was magazijnmedewerker en werkte met de heftruck";
        let glosses = lx.read(text);
        let read: Vec<(&str, &str)> = glosses
            .iter()
            .map(|g| (&text[g.start..g.end], g.word.as_str()))
            .collect();
        assert!(
            read.contains(&("magazijnmedewerker", "warehouse")),
            "{read:?}"
        );
        assert!(read.contains(&("magazijnmedewerker", "worker")), "{read:?}");
        assert!(read.contains(&("heftruck", "forklift")), "{read:?}");
        let forklift = glosses.iter().find(|g| g.word == "forklift").unwrap();
        assert_eq!(forklift.stem, "forklift");
    }

    #[test]
    fn nothing_to_learn_gives_an_empty_lexicon() {
        let lx = Lexicon::learn(&[], "nl", "en");
        assert!(lx.is_empty());
        assert!(lx.read("").is_empty());
    }
}
