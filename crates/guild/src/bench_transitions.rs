//! `guild bench transitions`: ranking every occupation of a taxonomy from one occupation (with
//! the gaps of the top ten), one source at a time on one thread after a warm start, and all
//! pairs; beside the cosine baseline model on the same occupations in the same run.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::Result;
use guild_reskilling::{OccupationDescriptors, TransitionModel, TransitionWeights};
use guild_store::Store;
use guild_taxonomy::Source;

use crate::bench::percentile;

fn per_source(model: &TransitionModel, gaps: bool) -> Result<(Vec<Duration>, Duration)> {
    let ids = model.occupations().to_vec();
    // Warm start: one pass before timing.
    for id in ids.iter().take(20) {
        black_box(model.rank_from(id, model.len())?);
    }
    let mut times = Vec::with_capacity(ids.len());
    let all = Instant::now();
    for id in &ids {
        let started = Instant::now();
        let source = model.source_of_occupation(id)?;
        let ranked = model.rank(&source, model.len());
        if gaps {
            for t in ranked.iter().take(10) {
                black_box(model.gap(&source, &t.occupation, 20)?);
            }
        }
        black_box(ranked);
        times.push(started.elapsed());
    }
    let total = all.elapsed();
    times.sort();
    Ok((times, total))
}

/// Runs the benchmark on the store's occupations of `taxonomy`.
pub fn run(store: &Store, taxonomy: Source) -> Result<String> {
    let started = Instant::now();
    let descriptors = store.taxonomy().transition_descriptors(taxonomy)?;
    let loaded = started.elapsed();
    anyhow::ensure!(
        !descriptors.is_empty(),
        "the store holds no {} occupations: import them first",
        taxonomy.as_str()
    );
    let baseline_input: Vec<OccupationDescriptors> = descriptors
        .iter()
        .filter(|d| !d.ratings.is_empty())
        .map(|d| OccupationDescriptors {
            id: d.id.clone(),
            ratings: d.ratings.clone(),
            ..Default::default()
        })
        .collect();
    let started = Instant::now();
    let model = TransitionModel::new(descriptors)?;
    let built = started.elapsed();
    let mut out = String::new();
    writeln!(
        out,
        "{} occupations of {}: descriptors loaded in {:.0} ms, model built in {:.1} ms",
        model.len(),
        taxonomy.as_str(),
        loaded.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3
    )?;
    writeln!(
        out,
        "{:<44} {:>9} {:>9} {:>9} {:>12}",
        "one source against all targets (1 thread)", "p50", "p99", "max", "all pairs"
    )?;
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
    let mut row = |name: &str, times: &[Duration], total: Duration| -> Result<()> {
        writeln!(
            out,
            "{name:<44} {:>9} {:>9} {:>9} {:>10.3} s",
            ms(percentile(times, 0.5)),
            ms(percentile(times, 0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            total.as_secs_f64()
        )?;
        Ok(())
    };
    let (times, total) = per_source(&model, false)?;
    row("guild: rank all", &times, total)?;
    let (times, total) = per_source(&model, true)?;
    row("guild: rank all + gaps of the top 10", &times, total)?;
    if !baseline_input.is_empty() {
        let baseline = TransitionModel::new(baseline_input)?
            .with_weights(TransitionWeights::rated_cosine_only());
        let (times, total) = per_source(&baseline, false)?;
        row(
            &format!("baseline cosine ({} rated occupations)", baseline.len()),
            &times,
            total,
        )?;
    }
    Ok(out)
}
