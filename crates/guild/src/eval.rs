//! `guild eval`: quality scores on the evaluation protocols of `shared/eval/README.md`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use guild_extraction::eval::{average_precision, recall_at_k, reciprocal_rank, rp_at_k};
use guild_extraction::{ConceptDoc, ConceptIndex, Field, ScoringParams, Scratch};
use guild_platform::Platform;
use guild_semantic::{EmbeddingIndex, Encoder, IndexItem, fusion};
use guild_store::Store;
use guild_taxonomy::Source;

/// How an evaluation reads by meaning: with Guild's model and the taxonomy's embeddings kept in
/// the store (what the product uses), or with another model (`--model DIR`), whose index is
/// built for the run.
pub struct SemanticOptions {
    /// The model.
    pub model: Arc<Encoder>,
    /// Whether the model is another than Guild's (its index is then built here).
    pub other_model: bool,
    /// Semantic share of the hybrid score, 0–1.
    pub weight: f32,
    /// Other shares to score as well (`GUILD_EVAL_SWEEP=0.3,0.4`, for choosing the share).
    pub sweep: Vec<f32>,
}

impl SemanticOptions {
    /// Guild's model, or `model.safetensors`, `tokenizer.json` and `config.json` from `dir`.
    pub fn load(dir: Option<&Path>, weight: f32) -> Result<Option<Self>> {
        if !(0.0..=1.0).contains(&weight) {
            bail!("--semantic-weight {weight}: expected a number from 0 to 1");
        }
        let read = |dir: &Path, name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
        };
        let (model, other_model) = match dir {
            None => match crate::meaning::encoder()? {
                None => return Ok(None),
                Some(m) => (m, false),
            },
            Some(dir) => (
                Arc::new(
                    Encoder::from_bytes(
                        &read(dir, "model.safetensors")?,
                        &read(dir, "tokenizer.json")?,
                        &read(dir, "config.json")?,
                    )
                    .with_context(|| format!("{}: not a usable model", dir.display()))?,
                ),
                true,
            ),
        };
        let sweep = std::env::var("GUILD_EVAL_SWEEP")
            .unwrap_or_default()
            .split(',')
            .filter_map(|w| w.trim().parse().ok())
            .collect();
        Ok(Some(Self {
            model,
            other_model,
            weight,
            sweep,
        }))
    }
}

/// Which of the taxonomy's embeddings an evaluation ranks.
#[derive(Clone, Copy)]
enum Part {
    Skills,
    Occupations,
}

/// The rankers compared by one evaluation: the lexical engine alone, or by meaning too: the
/// model alone and two hybrids. The last is the headline (the command's last line).
struct Rankers<'a> {
    lexical: ConceptIndex,
    semantic: Option<(&'a SemanticOptions, EmbeddingIndex)>,
}

impl<'a> Rankers<'a> {
    fn build(
        store: &Store,
        docs: &[ConceptDoc],
        scoring: ScoringParams,
        semantic: Option<&'a SemanticOptions>,
        part: Part,
    ) -> Result<Self> {
        let semantic = match semantic {
            None => None,
            Some(options) if options.other_model => {
                // The labels Guild embeds: the preferred English label.
                let items: Vec<IndexItem> = docs
                    .iter()
                    .map(|d| IndexItem {
                        id: d.id.clone(),
                        labels: d
                            .texts
                            .iter()
                            .filter(|t| t.lang == "en" && t.field == Field::Preferred)
                            .take(1)
                            .map(|t| t.text.clone())
                            .collect(),
                    })
                    .collect();
                let started = Instant::now();
                let index = EmbeddingIndex::build(options.model.as_ref(), &items, "eval")?;
                eprintln!(
                    "{} labels of {} concepts embedded in {:.2} s",
                    index.rows(),
                    index.len(),
                    started.elapsed().as_secs_f64()
                );
                Some((options, index))
            }
            Some(options) => {
                let semantics = store.taxonomy().semantics(&options.model)?;
                let all = match part {
                    Part::Skills => semantics.skills(),
                    Part::Occupations => semantics.occupations(),
                };
                Some((options, all.select(docs.iter().map(|d| d.id.as_str()))))
            }
        };
        Ok(Self {
            lexical: ConceptIndex::build(docs, scoring),
            semantic,
        })
    }

    fn names(&self) -> Vec<String> {
        let mut names = vec!["lexical".to_owned()];
        if let Some((options, _)) = &self.semantic {
            names.push("semantic".into());
            for w in &options.sweep {
                names.push(format!("hybrid w={w}"));
            }
            names.push("hybrid (reciprocal rank)".into());
            names.push("hybrid".into());
        }
        names
    }

    /// Every concept ranked by each ranker, in the order of [`Self::names`].
    fn rank(&self, scratch: &mut Scratch, text: &str) -> Result<Vec<Vec<usize>>> {
        let query = self.lexical.query(text, Some("en"));
        let lexical = self.lexical.rank_all(scratch, &query);
        let Some((options, index)) = &self.semantic else {
            return Ok(vec![lexical]);
        };
        let mut lexical_scores = vec![0.0f32; index.len()];
        for hit in self.lexical.search(scratch, &query) {
            lexical_scores[hit.concept] = hit.score;
        }
        let cosine = index.scores(&options.model.embed(text)?)?;
        let semantic = fusion::order(&cosine, &lexical);
        let mut out = vec![lexical.clone(), semantic.clone()];
        for &w in &options.sweep {
            out.push(fusion::order(
                &fusion::weighted_sum(&lexical_scores, &cosine, w),
                &lexical,
            ));
        }
        let rrf = fusion::order(
            &fusion::reciprocal_rank(&lexical, &semantic, options.weight, index.len()),
            &lexical,
        );
        let sum = fusion::order(
            &fusion::weighted_sum(&lexical_scores, &cosine, options.weight),
            &lexical,
        );
        out.push(rrf);
        out.push(sum);
        Ok(out)
    }
}

/// One line per ranker, the headline last and bare (its format is what scripts read).
fn report(names: &[String], sums: &[[f64; 4]], n: usize, metrics: [&str; 4]) -> String {
    let nf = n as f64;
    let last = sums.len().saturating_sub(1);
    sums.iter()
        .zip(names)
        .enumerate()
        .map(|(i, (s, name))| {
            let scores: Vec<String> = metrics
                .iter()
                .zip(s)
                .map(|(m, v)| format!("{m}={:.3}", v / nf))
                .collect();
            let line = format!("queries={n} {}", scores.join(" "));
            if i == last {
                line
            } else {
                format!("{name}: {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `defaults` with `NAME=VALUE` overrides.
pub fn params(overrides: &[String], mut defaults: ScoringParams) -> Result<ScoringParams> {
    for o in overrides {
        let Some((name, value)) = o.split_once('=') else {
            bail!("--param {o:?}: expected NAME=VALUE");
        };
        let value: f32 = value
            .parse()
            .with_context(|| format!("--param {o:?}: not a number"))?;
        defaults.set(name, value).map_err(anyhow::Error::msg)?;
    }
    Ok(defaults)
}

fn reader(file: &Path) -> Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))
}

/// A tab-separated file with a header row; `quoting`: whether `"` quotes fields.
fn tsv_reader(file: &Path, quoting: bool) -> Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(quoting)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))
}

fn column(headers: &csv::StringRecord, name: &str, file: &Path) -> Result<usize> {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .with_context(|| format!("{}: no column {name:?}", file.display()))
}

/// Skill extraction: for each sentence, rank every ESCO skill; score against the annotated labels.
/// With a semantic model, the lexical, semantic and hybrid rankings are scored in turn.
pub fn extraction(
    store: &Store,
    file: &Path,
    scoring: ScoringParams,
    semantic: Option<&SemanticOptions>,
) -> Result<String> {
    let mut rdr = reader(file)?;
    let headers = rdr.headers()?.clone();
    let (sentence_col, label_col) = (
        column(&headers, "sentence", file)?,
        column(&headers, "label", file)?,
    );
    let mut sentences: Vec<String> = Vec::new();
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();
    for (i, record) in rdr.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", file.display(), i + 2))?;
        let sentence = record.get(sentence_col).unwrap_or("").to_owned();
        let label = record.get(label_col).unwrap_or("").trim().to_owned();
        if !labels.contains_key(&sentence) {
            sentences.push(sentence.clone());
        }
        labels.entry(sentence).or_default().push(label);
    }

    let corpus = store.taxonomy().skill_corpus(&[Source::Esco])?;
    if corpus.docs.is_empty() {
        bail!("the store holds no ESCO skills: run `guild import esco DIR` first");
    }
    let started = Instant::now();
    let rankers = Rankers::build(store, &corpus.docs, scoring, semantic, Part::Skills)?;
    let build_time = started.elapsed();
    let names = rankers.names();
    let by_label: HashMap<String, usize> = corpus
        .info
        .iter()
        .enumerate()
        .map(|(i, info)| (info.label.to_lowercase(), i))
        .collect();

    let mut scratch = Scratch::default();
    let mut n = 0usize;
    // Per ranker: RP@5, RP@10, MRR, MAP.
    let mut sums = vec![[0.0f64; 4]; names.len()];
    let mut unknown = 0usize;
    let started = Instant::now();
    for sentence in &sentences {
        let mut gold = HashSet::new();
        for label in &labels[sentence] {
            if label == "LABEL NOT PRESENT" || label == "UNDERSPECIFIED" || label.is_empty() {
                continue;
            }
            match by_label.get(&label.to_lowercase()) {
                Some(&i) => {
                    gold.insert(i);
                }
                None => unknown += 1,
            }
        }
        if gold.is_empty() {
            continue;
        }
        n += 1;
        for (sum, ranked) in sums.iter_mut().zip(rankers.rank(&mut scratch, sentence)?) {
            sum[0] += rp_at_k(&ranked, &gold, 5);
            sum[1] += rp_at_k(&ranked, &gold, 10);
            sum[2] += reciprocal_rank(&ranked, &gold);
            sum[3] += average_precision(&ranked, &gold);
        }
    }
    if n == 0 {
        bail!(
            "{}: no sentence has a gold label among the store's ESCO skills",
            file.display()
        );
    }
    eprintln!(
        "{} sentences, {} of them with gold skills in the store ({unknown} gold labels not in the taxonomy); {} skills indexed in {:.2} s; ranked in {:.3} s",
        sentences.len(),
        n,
        corpus.docs.len(),
        build_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(report(&names, &sums, n, ["RP@5", "RP@10", "MRR", "MAP"]))
}

/// Job titles: for each raw title, rank every ESCO occupation; score the gold occupation's rank.
/// With a semantic model, the lexical, semantic and hybrid rankings are scored in turn.
pub fn titles(
    store: &Store,
    file: &Path,
    scoring: ScoringParams,
    semantic: Option<&SemanticOptions>,
) -> Result<String> {
    let mut rdr = reader(file)?;
    let headers = rdr.headers()?.clone();
    let (title_col, uri_col) = (
        column(&headers, "vacancyTitle", file)?,
        column(&headers, "conceptUri", file)?,
    );
    let corpus = store.taxonomy().occupation_corpus(&[Source::Esco])?;
    if corpus.docs.is_empty() {
        bail!("the store holds no ESCO occupations: run `guild import esco DIR` first");
    }
    let rankers = Rankers::build(store, &corpus.docs, scoring, semantic, Part::Occupations)?;
    let names = rankers.names();
    let position: HashMap<&str, usize> = corpus
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut scratch = Scratch::default();
    let (mut n, mut missing) = (0usize, 0usize);
    // Per ranker: MRR, R@1, R@5, R@10.
    let mut sums = vec![[0.0f64; 4]; names.len()];
    let started = Instant::now();
    for (i, record) in rdr.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", file.display(), i + 2))?;
        let title = record.get(title_col).unwrap_or("");
        let uri = record.get(uri_col).unwrap_or("").trim();
        n += 1;
        // A gold occupation missing from the store counts as a miss.
        let Some(&gold) = position.get(uri) else {
            missing += 1;
            continue;
        };
        let gold = HashSet::from([gold]);
        for (sum, ranked) in sums.iter_mut().zip(rankers.rank(&mut scratch, title)?) {
            sum[0] += reciprocal_rank(&ranked, &gold);
            sum[1] += recall_at_k(&ranked, &gold, 1);
            sum[2] += recall_at_k(&ranked, &gold, 5);
            sum[3] += recall_at_k(&ranked, &gold, 10);
        }
    }
    if n == 0 {
        bail!("{}: no titles", file.display());
    }
    eprintln!(
        "{n} titles; {missing} gold occupations not in the store (scored as misses); ranked in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(report(&names, &sums, n, ["MRR", "R@1", "R@5", "R@10"]))
}

/// Gains of the relatedness tiers in nDCG (shared/eval/README.md).
fn tier_gain(tier: &str) -> Option<f64> {
    match tier {
        "Primary-Short" => Some(3.0),
        "Primary-Long" => Some(2.0),
        "Supplemental" => Some(1.0),
        _ => None,
    }
}

/// P@10, R@20, nDCG@20 and MAP of one ranking against graded gold.
fn transition_metrics(ranked: &[String], gold: &HashMap<String, f64>) -> [f64; 4] {
    let hit = |o: &String| gold.contains_key(o);
    let p10 = ranked.iter().take(10).filter(|o| hit(o)).count() as f64 / 10.0;
    let r20 = ranked.iter().take(20).filter(|o| hit(o)).count() as f64 / gold.len() as f64;
    let dcg: f64 = ranked
        .iter()
        .take(20)
        .enumerate()
        .map(|(n, o)| gold.get(o).copied().unwrap_or(0.0) / (n as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<f64> = gold.values().copied().collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(20)
        .enumerate()
        .map(|(n, g)| g / (n as f64 + 2.0).log2())
        .sum();
    let (mut hits, mut ap) = (0usize, 0.0);
    for (n, o) in ranked.iter().enumerate() {
        if hit(o) {
            hits += 1;
            ap += hits as f64 / (n + 1) as f64;
        }
    }
    [p10, r20, dcg / idcg, ap / gold.len() as f64]
}

/// Occupation transitions: for each source occupation of the file, rank every other O*NET
/// occupation and score against its related occupations (shared/eval/README.md). The cosine
/// baseline is computed in the same run on the same store and printed first; the last line is
/// Guild's model.
pub fn transitions(store: &Store, file: &Path, overrides: &[String]) -> Result<String> {
    use guild_reskilling::{TransitionModel, TransitionWeights};
    // O*NET's files quote nothing: a quote is part of the text.
    let mut rdr = tsv_reader(file, false)?;
    let headers = rdr.headers()?.clone();
    let (source_col, related_col, tier_col) = (
        column(&headers, "O*NET-SOC Code", file)?,
        column(&headers, "Related O*NET-SOC Code", file)?,
        column(&headers, "Relatedness Tier", file)?,
    );
    let descriptors = store.taxonomy().transition_descriptors(Source::Onet)?;
    if descriptors.is_empty() {
        bail!("the store holds no O*NET occupations: run `guild import onet DIR` first");
    }
    // The baseline ranks the occupations that have Skills and Knowledge ratings, by the cosine
    // of their mean-centred importance vectors; gold occupations without ratings cannot be
    // ranked by it and are left out of the gold for both models (the published protocol).
    let rated: HashSet<String> = descriptors
        .iter()
        .filter(|d| !d.ratings.is_empty())
        .map(|d| d.id.clone())
        .collect();
    if rated.is_empty() {
        bail!("the O*NET occupations in the store have no Skills or Knowledge ratings");
    }
    let mut gold: std::collections::BTreeMap<String, HashMap<String, f64>> = Default::default();
    for (i, record) in rdr.records().enumerate() {
        let record = record.with_context(|| format!("{}: line {}", file.display(), i + 2))?;
        let id = |col: usize| format!("onet:{}", record.get(col).unwrap_or("").trim());
        let tier = record.get(tier_col).unwrap_or("").trim();
        let gain = tier_gain(tier).with_context(|| {
            format!(
                "{}: line {}: unknown relatedness tier {tier:?}",
                file.display(),
                i + 2
            )
        })?;
        let (source, related) = (id(source_col), id(related_col));
        if rated.contains(&related) {
            gold.entry(source).or_default().insert(related, gain);
        }
    }
    gold.retain(|source, listed| rated.contains(source) && !listed.is_empty());
    if gold.is_empty() {
        bail!(
            "{}: no source occupation with ratings in the store",
            file.display()
        );
    }
    let baseline_input = descriptors
        .iter()
        .filter(|d| !d.ratings.is_empty())
        .map(|d| guild_reskilling::OccupationDescriptors {
            id: d.id.clone(),
            ratings: d.ratings.clone(),
            ..Default::default()
        })
        .collect();
    let baseline =
        TransitionModel::new(baseline_input)?.with_weights(TransitionWeights::rated_cosine_only());
    let started = Instant::now();
    let mut weights = TransitionWeights::default();
    for o in overrides {
        let (name, value) = o
            .split_once('=')
            .with_context(|| format!("--param {o:?}: expected NAME=VALUE"))?;
        let value: f32 = value
            .parse()
            .with_context(|| format!("--param {o:?}: not a number"))?;
        *match name {
            "rated" => &mut weights.rated,
            "activities" => &mut weights.activities,
            "tools" => &mut weights.tools,
            "gap" => &mut weights.gap,
            "job_zone_up" => &mut weights.job_zone_up,
            _ => bail!("--param {name}: expected rated, activities, tools, gap or job_zone_up"),
        } = value;
    }
    let model = TransitionModel::new(descriptors)?.with_weights(weights);
    let built = started.elapsed();
    let mut lines = Vec::new();
    for (name, model) in [("baseline (rated cosine)", &baseline), ("guild", &model)] {
        let started = Instant::now();
        let mut sums = [0.0f64; 4];
        for (source, listed) in &gold {
            let ranked: Vec<String> = model
                .rank_from(source, model.len())?
                .into_iter()
                .map(|t| t.occupation)
                .collect();
            for (s, m) in sums.iter_mut().zip(transition_metrics(&ranked, listed)) {
                *s += m;
            }
        }
        let q = gold.len() as f64;
        eprintln!(
            "{name}: {} occupations ranked for each of {} sources in {:.1} ms",
            model.len(),
            gold.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
        lines.push(format!(
            "queries={} P@10={:.3} R@20={:.3} nDCG@20={:.3} MAP={:.3}",
            gold.len(),
            sums[0] / q,
            sums[1] / q,
            sums[2] / q,
            sums[3] / q
        ));
    }
    eprintln!("model built in {:.1} ms", built.as_secs_f64() * 1e3);
    Ok(format!("baseline: {}\n{}", lines[0], lines[1]))
}

/// The area under the ROC curve of `scores` for the `positive` labels (ties count half).
fn roc_auc(scores: &[f64], positive: &[bool]) -> f64 {
    let mut ranked: Vec<(f64, bool)> = scores
        .iter()
        .copied()
        .zip(positive.iter().copied())
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann-Whitney: the sum of the positives' ranks, ties given their average rank.
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < ranked.len() {
        let mut j = i;
        while j < ranked.len() && ranked[j].0 == ranked[i].0 {
            j += 1;
        }
        let average = (i + j + 1) as f64 / 2.0;
        rank_sum += average * ranked[i..j].iter().filter(|r| r.1).count() as f64;
        i = j;
    }
    let pos = positive.iter().filter(|p| **p).count() as f64;
    let neg = positive.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Remote work: for each listed O*NET occupation, how surely Guild judges that the whole of it
/// can be done remotely (guild_extraction::presence, as kept by the last import; judged now when
/// the store has no judgement yet); an occupation not in the store (an older O*NET-SOC code) is
/// judged as the occupation its title reads as. Scored against `teleworkable`
/// (shared/eval/remote/README.md).
pub fn remote(store: &Store, file: &Path) -> Result<String> {
    let mut rdr = reader(file)?;
    let headers = rdr.headers()?.clone();
    let (code_col, title_col, label_col) = (
        column(&headers, "onetsoccode", file)?,
        column(&headers, "title", file)?,
        column(&headers, "teleworkable", file)?,
    );
    let corpus = store.taxonomy().occupation_corpus(&[Source::Onet])?;
    if corpus.docs.is_empty() {
        bail!("the store holds no O*NET occupations: run `guild import onet DIR` first");
    }
    let mut presence = store.taxonomy().occupation_presence(None)?;
    if presence.is_empty() {
        let semantics = crate::meaning::encoder()?
            .map(|encoder| store.taxonomy().semantics(&encoder))
            .transpose()?;
        store.taxonomy().judge_presence(semantics.as_ref())?;
        presence = store.taxonomy().occupation_presence(None)?;
    }
    let judged: HashMap<String, f64> = presence.into_iter().map(|(id, p)| (id, p.remote)).collect();
    let index = ConceptIndex::build(&corpus.docs, ScoringParams::default());
    let mut scratch = Scratch::default();
    let (mut n, mut correct, mut by_title, mut unjudged) = (0usize, 0usize, 0usize, 0usize);
    let (mut scores, mut labels) = (Vec::new(), Vec::new());
    // The occupations judged as themselves, and those judged through their titles.
    let (mut own_part, mut title_part) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    for (i, record) in rdr.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", file.display(), i + 2))?;
        let code = record.get(code_col).unwrap_or("").trim();
        let title = record.get(title_col).unwrap_or("");
        let teleworkable = match record.get(label_col).unwrap_or("").trim() {
            "1" => true,
            "0" => false,
            other => bail!(
                "{}: row {}: teleworkable {other:?} (expected 0 or 1)",
                file.display(),
                i + 2
            ),
        };
        n += 1;
        let own = judged.get(&format!("onet:{code}")).copied();
        let share = own.or_else(|| {
            // The nearest occupation by its title that Guild can judge.
            let query = index.query(title, Some("en"));
            let found = index
                .search_top(&mut scratch, &query, 10)
                .into_iter()
                .find_map(|hit| judged.get(&corpus.docs[hit.concept].id).copied());
            by_title += usize::from(found.is_some());
            found
        });
        let Some(share) = share else {
            // Not judged: wrong for accuracy, and the least informative score for the AUC.
            unjudged += 1;
            scores.push(0.5);
            labels.push(teleworkable);
            continue;
        };
        correct += usize::from((share >= 0.5) == teleworkable);
        scores.push(share);
        labels.push(teleworkable);
        let part = if own.is_some() {
            &mut own_part
        } else {
            &mut title_part
        };
        part.0.push(share);
        part.1.push(teleworkable);
    }
    if n == 0 {
        bail!("{}: no occupations", file.display());
    }
    let describe = |(scores, labels): &(Vec<f64>, Vec<bool>)| {
        let right = scores
            .iter()
            .zip(labels)
            .filter(|(s, l)| (**s >= 0.5) == **l)
            .count();
        format!(
            "accuracy {:.3} AUC {:.3}",
            right as f64 / scores.len().max(1) as f64,
            roc_auc(scores, labels)
        )
    };
    eprintln!(
        "{n} occupations: {} judged as themselves ({}), {by_title} as the occupation their title reads as ({}), {unjudged} not judged",
        n - by_title - unjudged,
        describe(&own_part),
        describe(&title_part),
    );
    Ok(format!(
        "occupations={n} judged={} accuracy={:.3} AUC={:.3}",
        n - unjudged,
        correct as f64 / n as f64,
        roc_auc(&scores, &labels)
    ))
}

/// AI exposure where no label was imported: the human exposure labels of "GPTs are GPTs"
/// (`full_labelset.tsv`: E0 none, E1 direct, E2 with tools; scored as its beta: 0, 1, ½) are
/// hidden fold by fold — `folds`-fold over occupations, so that no task's siblings leak — and
/// each hidden task is estimated as deconstruction estimates a client's task: its most similar
/// tasks (the statement read as text, similarity ≥ the product's floor, the 3 best) outside the
/// hidden occupations, their labels averaged by similarity. Prints Spearman's correlation of the
/// estimates with the hidden labels and the accuracy of the exposure class nearest to each
/// estimate (E0 below ¼, E1 from ¾, E2 between); a task with no similar task counts as wrong.
pub fn exposure(platform: &Platform, file: &Path, folds: usize) -> Result<String> {
    use guild_extraction::analyzer::AnalyzerScratch;
    use guild_extraction::deconstruct::{MIN_SIMILARITY, SIMILAR_SHOWN};
    if folds < 2 {
        bail!("--folds {folds}: at least 2");
    }
    let mut rdr = tsv_reader(file, true)?;
    let headers = rdr.headers()?.clone();
    let (code_col, id_col, task_col, label_col) = (
        column(&headers, "O*NET-SOC Code", file)?,
        column(&headers, "Task ID", file)?,
        column(&headers, "Task", file)?,
        column(&headers, "human_exposure_agg", file)?,
    );
    // (occupation, task id, statement, label)
    let mut tasks: Vec<(String, String, String, f64)> = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", file.display(), i + 2))?;
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        let label = match get(label_col) {
            "E0" => 0.0,
            "E1" => 1.0,
            "E2" => 0.5,
            other => bail!(
                "{}: row {}: human_exposure_agg {other:?} (expected E0, E1 or E2)",
                file.display(),
                i + 2
            ),
        };
        // Task ids are written as floats ("8823.0").
        let id = get(id_col).trim_end_matches(".0");
        if id.is_empty() || get(task_col).is_empty() {
            continue;
        }
        tasks.push((
            format!("onet:{}", get(code_col)),
            format!("onet:task:{id}"),
            get(task_col).to_owned(),
            label,
        ));
    }
    if tasks.is_empty() {
        bail!("{}: no labelled tasks", file.display());
    }
    let mut occupations: Vec<&str> = tasks.iter().map(|t| t.0.as_str()).collect();
    occupations.sort_unstable();
    occupations.dedup();
    let fold: HashMap<&str, usize> = occupations
        .iter()
        .enumerate()
        .map(|(i, o)| (*o, i % folds))
        .collect();
    let label: HashMap<&str, f64> = tasks.iter().map(|t| (t.1.as_str(), t.3)).collect();
    let analyzer = platform.analyzer()?;
    let mut scratch = AnalyzerScratch::default();
    let class = |v: f64| {
        if v < 0.25 {
            0
        } else if v >= 0.75 {
            1
        } else {
            2
        }
    };
    let (mut estimates, mut truths) = (Vec::new(), Vec::new());
    let mut right = 0usize;
    for (occupation, _, statement, truth) in &tasks {
        let hidden = fold[occupation.as_str()];
        let known: Vec<(f64, f64)> = analyzer
            .similar_tasks(&mut scratch, statement, Some("en"), 60)
            .into_iter()
            .filter(|s| s.similarity >= MIN_SIMILARITY)
            .filter(|s| {
                fold.get(s.occupation.as_str())
                    .is_some_and(|f| *f != hidden)
            })
            .filter_map(|s| {
                label
                    .get(s.id.as_str())
                    .map(|l| (*l, f64::from(s.similarity)))
            })
            .take(SIMILAR_SHOWN)
            .collect();
        let weight: f64 = known.iter().map(|(_, w)| w).sum();
        if known.is_empty() || weight <= 0.0 {
            continue;
        }
        let estimate = known.iter().map(|(l, w)| l * w).sum::<f64>() / weight;
        right += usize::from(class(estimate) == class(*truth));
        estimates.push(estimate);
        truths.push(*truth);
    }
    Ok(format!(
        "tasks={} estimated={} spearman={:.3} accuracy={:.3}",
        tasks.len(),
        estimates.len(),
        spearman(&estimates, &truths),
        right as f64 / tasks.len() as f64
    ))
}

/// Average ranks (1-based; ties share their mean rank).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            out[*k] = mean;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson's over average ranks); NaN when either side is constant.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// One text of the people's-words set (eval/people/README.md).
#[derive(serde::Deserialize)]
struct PersonText {
    id: String,
    lang: String,
    text: String,
    skills: Vec<String>,
    key_skills: Vec<String>,
    occupations: Vec<String>,
    tasks: usize,
    place_based: bool,
}

/// The scores of one text: precision of the top 10 skills, key-skill recall at 20, occupation
/// hit at 3, task count within one, presence right.
#[derive(Default, Clone, Copy)]
struct PersonScores {
    precision10: f64,
    key_recall20: f64,
    occupation3: f64,
    tasks: f64,
    presence: f64,
}

impl std::ops::AddAssign for PersonScores {
    fn add_assign(&mut self, o: Self) {
        self.precision10 += o.precision10;
        self.key_recall20 += o.key_recall20;
        self.occupation3 += o.occupation3;
        self.tasks += o.tasks;
        self.presence += o.presence;
    }
}

fn person_line(label: &str, n: usize, s: PersonScores) -> String {
    let nf = n.max(1) as f64;
    format!(
        "{label}texts={n} P@10={:.3} keyR@20={:.3} occ@3={:.3} tasks±1={:.3} presence={:.3}",
        s.precision10 / nf,
        s.key_recall20 / nf,
        s.occupation3 / nf,
        s.tasks / nf,
        s.presence / nf
    )
}

/// People's own words: each text is read as `guild profile extract --json` reads it (ranked
/// skills and occupations) and as `guild deconstruct --json` does (tasks, and how many are
/// remote or on site), with the language guessed as those commands guess it. Prints a line per
/// language, then all texts as the last line.
pub fn people(platform: &Platform, file: &Path, verbose: bool) -> Result<String> {
    use guild_extraction::analyzer::AnalyzerScratch;
    let raw =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let texts: Vec<PersonText> = raw
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{}: line {}", file.display(), i + 1))
        })
        .collect::<Result<_>>()?;
    if texts.is_empty() {
        bail!("{}: no texts", file.display());
    }
    let analyzer = platform.analyzer()?;
    let mut scratch = AnalyzerScratch::default();
    let mut by_lang: std::collections::BTreeMap<String, (usize, PersonScores)> =
        std::collections::BTreeMap::new();
    let mut all = (0usize, PersonScores::default());
    for t in &texts {
        let draft = analyzer.profile(&mut scratch, &t.text, None);
        let breakdown = platform.deconstruct(&guild_platform::Work::Text {
            text: t.text.clone(),
            lang: None,
        })?;
        let gold: HashSet<&str> = t.skills.iter().map(String::as_str).collect();
        let top10: Vec<&str> = draft
            .skills
            .iter()
            .take(10)
            .map(|s| s.id.as_str())
            .collect();
        let top20: HashSet<&str> = draft
            .skills
            .iter()
            .take(20)
            .map(|s| s.id.as_str())
            .collect();
        let hits10 = top10.iter().filter(|s| gold.contains(*s)).count();
        let summary = &breakdown.deconstruction.summary;
        let place_based =
            summary.on_site_tasks > 0 && summary.on_site_tasks >= summary.remote_tasks;
        let scores = PersonScores {
            precision10: if top10.is_empty() {
                0.0
            } else {
                hits10 as f64 / top10.len() as f64
            },
            key_recall20: t
                .key_skills
                .iter()
                .filter(|k| top20.contains(k.as_str()))
                .count() as f64
                / t.key_skills.len().max(1) as f64,
            occupation3: f64::from(u8::from(
                draft
                    .occupations
                    .iter()
                    .take(3)
                    .any(|o| t.occupations.contains(&o.id)),
            )),
            tasks: f64::from(u8::from(summary.tasks.abs_diff(t.tasks) <= 1)),
            presence: f64::from(u8::from(place_based == t.place_based)),
        };
        if verbose {
            eprintln!(
                "{} ({} read as {}): P@10 {:.2} keyR@20 {:.2} occ@3 {} tasks {} (expected {}) {} (expected {})",
                t.id,
                t.lang,
                draft.lang,
                scores.precision10,
                scores.key_recall20,
                scores.occupation3,
                summary.tasks,
                t.tasks,
                if place_based { "on site" } else { "remote" },
                if t.place_based { "on site" } else { "remote" },
            );
            for s in draft.skills.iter().take(10) {
                let mark = if gold.contains(s.id.as_str()) {
                    "+"
                } else {
                    " "
                };
                eprintln!("   {mark} {}", s.label);
            }
            for o in draft.occupations.iter().take(3) {
                eprintln!("   occupation: {}", o.title);
            }
        }
        let entry = by_lang.entry(t.lang.clone()).or_default();
        entry.0 += 1;
        entry.1 += scores;
        all.0 += 1;
        all.1 += scores;
    }
    for (lang, (n, s)) in &by_lang {
        println!("{}", person_line(&format!("{lang}: "), *n, *s));
    }
    Ok(person_line("", all.0, all.1))
}

#[cfg(test)]
mod tests {
    use super::{roc_auc, spearman};

    #[test]
    fn spearman_reads_ranks_with_ties() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Ties share their mean rank: ranks (1.5, 1.5, 3) against (1, 2, 3).
        let r = spearman(&[0.0, 0.0, 1.0], &[1.0, 2.0, 3.0]);
        assert!((r - 0.866_025_403_784_438_6).abs() < 1e-9, "{r}");
        assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }

    #[test]
    fn auc_counts_ordered_pairs_and_half_ties() {
        assert_eq!(roc_auc(&[0.1, 0.9], &[false, true]), 1.0);
        assert_eq!(roc_auc(&[0.9, 0.1], &[false, true]), 0.0);
        assert_eq!(roc_auc(&[0.5, 0.5], &[false, true]), 0.5);
        // Three positives, two negatives: 5 of the 6 pairs ordered right.
        let auc = roc_auc(
            &[0.2, 0.4, 0.3, 0.9, 0.8],
            &[false, false, true, true, true],
        );
        assert!((auc - 5.0 / 6.0).abs() < 1e-12, "{auc}");
    }
}
