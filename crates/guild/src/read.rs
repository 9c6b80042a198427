//! `guild extract`, `guild title`, `guild deconstruct`, `guild profile extract`.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use guild_extraction::ExtractOptions;
use guild_extraction::analyzer::AnalyzerScratch;
use guild_platform::{Platform, Work};
use guild_taxonomy::OccupationId;

/// The largest text read, as on the HTTP API.
const MAX_TEXT_BYTES: u64 = 1 << 20;

pub(crate) fn read_text(input: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    if input == Path::new("-") {
        std::io::stdin()
            .take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(input)
            .with_context(|| format!("cannot read {}", input.display()))?
            .take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", input.display()))?;
    }
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        bail!(
            "{}: the text is over {MAX_TEXT_BYTES} bytes",
            input.display()
        );
    }
    let text =
        String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8 text", input.display()))?;
    if text.trim().is_empty() {
        bail!("{}: the text is empty", input.display());
    }
    Ok(text)
}

/// A CV or description of past work from a file (or standard input): PDF, DOCX or plain text,
/// read into text by `guild-documents` (nothing in the file runs).
pub(crate) fn read_document(input: &Path) -> Result<String> {
    let limit = guild_documents::MAX_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if input == Path::new("-") {
        std::io::stdin().take(limit).read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(input)
            .with_context(|| format!("cannot read {}", input.display()))?
            .take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", input.display()))?;
    }
    let (_, text) = guild_documents::read_text(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
    Ok(text)
}

fn json(value: &impl serde::Serialize) -> Result<ExitCode> {
    out!("{}", serde_json::to_string_pretty(value)?);
    Ok(ExitCode::SUCCESS)
}

pub fn extract(
    platform: &Platform,
    input: &Path,
    lang: Option<String>,
    limit: usize,
    as_json: bool,
) -> Result<ExitCode> {
    if !(1..=200).contains(&limit) {
        bail!("--limit must be 1 to 200");
    }
    let text = read_text(input)?;
    let analyzer = platform.analyzer()?;
    let options = ExtractOptions {
        lang,
        limit,
        ..ExtractOptions::default()
    };
    let skills = analyzer.extract_skills(&mut AnalyzerScratch::default(), &text, &options);
    if as_json {
        return json(&skills);
    }
    if skills.is_empty() {
        out!("no skills found");
    }
    for m in skills {
        out!("{:6.2}  {:<45} {}", m.score, m.label, m.id);
        out!("        {}", m.reason);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn title(
    platform: &Platform,
    title: &str,
    lang: Option<String>,
    limit: usize,
    as_json: bool,
) -> Result<ExitCode> {
    if title.trim().is_empty() {
        bail!("the title is empty");
    }
    if !(1..=100).contains(&limit) {
        bail!("--limit must be 1 to 100");
    }
    let analyzer = platform.analyzer()?;
    let found = analyzer.normalize_title(
        &mut AnalyzerScratch::default(),
        title,
        lang.as_deref(),
        limit,
    );
    if as_json {
        return json(&found);
    }
    if found.is_empty() {
        out!("no occupations found");
    }
    for m in found {
        out!("{:6.2}  {:<50} {:<6} {}", m.score, m.title, m.source, m.id);
        out!("        {}", m.reason);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn deconstruct(
    platform: &Platform,
    occupation: Option<String>,
    input: Option<std::path::PathBuf>,
    lang: Option<String>,
    as_json: bool,
) -> Result<ExitCode> {
    let work = match (occupation, input) {
        (Some(id), None) => Work::Occupation(OccupationId::parse(&id)?),
        (None, Some(input)) => Work::Text {
            text: read_text(&input)?,
            lang,
        },
        _ => bail!("give an occupation (--occupation ID) or a text file"),
    };
    let breakdown = platform.deconstruct(&work)?;
    if as_json {
        return json(&breakdown);
    }
    if let Some(o) = &breakdown.occupation {
        out!("{} ({})", o.title, o.id);
        if let Some(from) = &o.tasks_from {
            out!("tasks from its crosswalk equivalent {from}");
        }
    }
    for (i, t) in breakdown.deconstruction.tasks.iter().enumerate() {
        let presence = match t.physical {
            Some(true) => "on site",
            Some(false) => "remote",
            None => "presence unknown",
        };
        let exposure = t.ai_exposure.map_or("AI exposure unknown".to_owned(), |e| {
            format!("AI exposure {e:.2}")
        });
        out!("{:>3}. {}", i + 1, t.statement);
        out!("     {presence}; {exposure} ({})", t.ai_exposure_basis);
        let skills: Vec<&str> = t.skills.iter().take(6).map(|s| s.label.as_str()).collect();
        if !skills.is_empty() {
            out!("     skills: {}", skills.join("; "));
        }
    }
    out!("{}", breakdown.deconstruction.summary.text);
    Ok(ExitCode::SUCCESS)
}

pub fn profile(
    platform: &Platform,
    input: &Path,
    lang: Option<String>,
    as_json: bool,
) -> Result<ExitCode> {
    let text = read_document(input)?;
    let analyzer = platform.analyzer()?;
    let started = std::time::Instant::now();
    let draft = analyzer.profile(&mut AnalyzerScratch::default(), &text, lang.as_deref());
    tracing::debug!("read the profile in {:.0?}", started.elapsed());
    if as_json {
        return json(&draft);
    }
    out!("Skills found ({}), to confirm:", draft.lang);
    for m in &draft.skills {
        let evidence: Vec<&str> = m.spans.iter().map(|s| s.text.as_str()).collect();
        let level = m
            .level
            .as_ref()
            .map(|l| format!("  (level {} from {})", l.level, l.because))
            .unwrap_or_default();
        out!("  {:<45} \"{}\"{level}", m.label, evidence.join("\", \""));
    }
    out!("Likely occupations:");
    for o in draft.job_titles.iter().chain(&draft.occupations) {
        out!("  {:<50} {:.2}  {}", o.title, o.score, o.reason);
    }
    Ok(ExitCode::SUCCESS)
}
