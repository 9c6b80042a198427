//! `guild eval`: quality scores on the evaluation protocols of `shared/eval/README.md`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use guild_extraction::eval::{average_precision, recall_at_k, reciprocal_rank, rp_at_k};
use guild_extraction::{ConceptIndex, ScoringParams, Scratch};
use guild_store::Store;
use guild_taxonomy::Source;

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

fn column(headers: &csv::StringRecord, name: &str, file: &Path) -> Result<usize> {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .with_context(|| format!("{}: no column {name:?}", file.display()))
}

/// Skill extraction: for each sentence, rank every ESCO skill; score against the annotated labels.
pub fn extraction(store: &Store, file: &Path, scoring: ScoringParams) -> Result<String> {
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

    let corpus = store.skill_corpus(&[Source::Esco])?;
    if corpus.docs.is_empty() {
        bail!("the store holds no ESCO skills: run `guild import esco DIR` first");
    }
    let started = Instant::now();
    let index = ConceptIndex::build(&corpus.docs, scoring);
    let build_time = started.elapsed();
    let by_label: HashMap<String, usize> = corpus
        .info
        .iter()
        .enumerate()
        .map(|(i, info)| (info.label.to_lowercase(), i))
        .collect();

    let mut scratch = Scratch::default();
    let (mut n, mut rp5, mut rp10, mut mrr, mut map) = (0usize, 0.0, 0.0, 0.0, 0.0);
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
        let query = index.query(sentence, Some("en"));
        let ranked = index.rank_all(&mut scratch, &query);
        n += 1;
        rp5 += rp_at_k(&ranked, &gold, 5);
        rp10 += rp_at_k(&ranked, &gold, 10);
        mrr += reciprocal_rank(&ranked, &gold);
        map += average_precision(&ranked, &gold);
    }
    if n == 0 {
        bail!(
            "{}: no sentence has a gold label among the store's ESCO skills",
            file.display()
        );
    }
    let nf = n as f64;
    eprintln!(
        "{} sentences, {} of them with gold skills in the store ({unknown} gold labels not in the taxonomy); {} skills indexed in {:.2} s; ranked in {:.3} s",
        sentences.len(),
        n,
        corpus.docs.len(),
        build_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(format!(
        "queries={n} RP@5={:.3} RP@10={:.3} MRR={:.3} MAP={:.3}",
        rp5 / nf,
        rp10 / nf,
        mrr / nf,
        map / nf
    ))
}

/// Job titles: for each raw title, rank every ESCO occupation; score the gold occupation's rank.
pub fn titles(store: &Store, file: &Path, scoring: ScoringParams) -> Result<String> {
    let mut rdr = reader(file)?;
    let headers = rdr.headers()?.clone();
    let (title_col, uri_col) = (
        column(&headers, "vacancyTitle", file)?,
        column(&headers, "conceptUri", file)?,
    );
    let corpus = store.occupation_corpus(&[Source::Esco])?;
    if corpus.docs.is_empty() {
        bail!("the store holds no ESCO occupations: run `guild import esco DIR` first");
    }
    let index = ConceptIndex::build(&corpus.docs, scoring);
    let position: HashMap<&str, usize> = corpus
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut scratch = Scratch::default();
    let (mut n, mut mrr, mut r1, mut r5, mut r10, mut missing) =
        (0usize, 0.0, 0.0, 0.0, 0.0, 0usize);
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
        let ranked = index.rank_all(&mut scratch, &index.query(title, Some("en")));
        mrr += reciprocal_rank(&ranked, &gold);
        r1 += recall_at_k(&ranked, &gold, 1);
        r5 += recall_at_k(&ranked, &gold, 5);
        r10 += recall_at_k(&ranked, &gold, 10);
    }
    if n == 0 {
        bail!("{}: no titles", file.display());
    }
    eprintln!("{n} titles; {missing} gold occupations not in the store (scored as misses)");
    let nf = n as f64;
    Ok(format!(
        "queries={n} MRR={:.3} R@1={:.3} R@5={:.3} R@10={:.3}",
        mrr / nf,
        r1 / nf,
        r5 / nf,
        r10 / nf
    ))
}
