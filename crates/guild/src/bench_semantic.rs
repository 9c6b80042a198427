//! `guild bench semantic`: Guild's sentence encoder beside sentence-transformers (PyTorch) running
//! the same model on the same sentences and paragraphs in the same run, both on one thread.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::bench::{memory_mib, percentile};

/// Arguments of `guild bench semantic`.
#[derive(Args)]
pub struct SemanticArgs {
    /// Sentences, one per line. Paragraphs are made of five consecutive ones.
    #[arg(long)]
    sentences: PathBuf,
    /// The baseline script (benches/st_baseline.py); without it only Guild is measured.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// The same model as a sentence-transformers directory, for the baseline (the fine-tuned
    /// model before export: ~/.cache/guild/model-work/minilm-esco-onet).
    #[arg(long)]
    baseline_model: Option<PathBuf>,
    /// Python to run the baseline with (one with torch and sentence-transformers).
    #[arg(long, default_value = "python3")]
    python: String,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs the benchmark and returns its report.
pub fn run(args: &SemanticArgs) -> Result<String> {
    let sentences: Vec<String> = std::fs::read_to_string(&args.sentences)
        .with_context(|| format!("cannot read {}", args.sentences.display()))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if sentences.len() < 10 {
        bail!("{}: fewer than 10 sentences", args.sentences.display());
    }
    let paragraphs: Vec<Vec<String>> = sentences.chunks(5).map(<[String]>::to_vec).collect();
    let before = memory_mib();
    let started = Instant::now();
    let encoder = guild_semantic::embedded()?;
    let load = started.elapsed();
    let after_load = memory_mib();
    for s in sentences.iter().take(5) {
        encoder.embed(s)?;
    }
    let cpu0 = cpu_time::ThreadTime::now();
    let mut latencies = Vec::with_capacity(sentences.len());
    for s in &sentences {
        let t = Instant::now();
        encoder.embed(s)?;
        latencies.push(t.elapsed());
    }
    let cpu = cpu0.elapsed();
    let mut paragraph_latencies = Vec::with_capacity(paragraphs.len());
    for p in &paragraphs {
        let t = Instant::now();
        encoder.embed_batch(p)?;
        paragraph_latencies.push(t.elapsed());
    }
    latencies.sort();
    paragraph_latencies.sort();
    let rate = sentences.len() as f64 / cpu.as_secs_f64();
    let mut out = format!(
        "Guild (candle, one thread): {} sentences: {rate:.1} sentences/s of CPU time, p50 {:.2} ms, p99 {:.2} ms; {} paragraphs of 5: p50 {:.1} ms, p99 {:.1} ms; model loaded in {:.2} s; resident {}",
        sentences.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        paragraphs.len(),
        ms(percentile(&paragraph_latencies, 0.5)),
        ms(percentile(&paragraph_latencies, 0.99)),
        load.as_secs_f64(),
        match (before, after_load, memory_mib()) {
            (Some(b), Some(l), Some((peak, _))) => format!(
                "{:.0} MiB before, {:.0} MiB with the model, peak {peak:.0} MiB",
                b.1, l.1
            ),
            _ => "unknown".to_owned(),
        }
    );
    let (Some(script), Some(model)) = (&args.baseline, &args.baseline_model) else {
        return Ok(out);
    };
    let dir = tempfile::tempdir()?;
    let sentences_file = dir.path().join("sentences.txt");
    let paragraphs_file = dir.path().join("paragraphs.jsonl");
    std::fs::write(&sentences_file, sentences.join("\n"))?;
    let mut f = std::fs::File::create(&paragraphs_file)?;
    for p in &paragraphs {
        writeln!(f, "{}", serde_json::to_string(p)?)?;
    }
    drop(f);
    let output = Command::new(&args.python)
        .arg(script)
        .arg(model)
        .arg(&sentences_file)
        .arg(&paragraphs_file)
        .output()
        .with_context(|| format!("cannot run {} {}", args.python, script.display()))?;
    if !output.status.success() {
        bail!(
            "the baseline failed (does {} have torch and sentence-transformers? scripts/model/build.sh venv makes one): {}",
            args.python,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let b: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("the baseline printed no JSON")?;
    let base_rate = b["sentences_per_cpu_s"].as_f64().unwrap_or(f64::NAN);
    out.push_str(&format!(
        "\nsentence-transformers (PyTorch {}, one thread): {base_rate:.1} sentences/s of CPU time, p50 {:.2} ms, p99 {:.2} ms; paragraphs p50 {:.1} ms, p99 {:.1} ms; model loaded in {:.2} s; peak resident {:.0} MiB\nratio (Guild / sentence-transformers, sentences per CPU second): {:.2}x; paragraph p50 {:.2}x faster",
        b["torch"].as_str().unwrap_or("?"),
        b["p50_ms"].as_f64().unwrap_or(f64::NAN),
        b["p99_ms"].as_f64().unwrap_or(f64::NAN),
        b["paragraph_p50_ms"].as_f64().unwrap_or(f64::NAN),
        b["paragraph_p99_ms"].as_f64().unwrap_or(f64::NAN),
        b["load_s"].as_f64().unwrap_or(f64::NAN),
        b["peak_rss_mib"].as_f64().unwrap_or(f64::NAN),
        rate / base_rate,
        b["paragraph_p50_ms"].as_f64().unwrap_or(f64::NAN) / ms(percentile(&paragraph_latencies, 0.5)),
    ));
    Ok(out)
}
