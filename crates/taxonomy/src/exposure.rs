//! AI-exposure datasets: per task (GPTs are GPTs, Eloundou et al.), per occupation and work
//! activity (Microsoft "Working with AI", Tomlinson et al.), per occupation (Felten, Raj & Seamans
//! AIOE).
//!
//! Measures keep their publisher's scale:
//! - `gpts-are-gpts`: `gpt4_alpha`/`gpt4_beta`/`gpt4_gamma` and `human_*` in 0–1 (share of the
//!   task, or of an occupation's tasks, that an LLM could speed up by half: E1, E1 + ½E2, E1 + E2);
//!   `gpt4_automation` 0–1 from the T0–T4 rubric.
//! - `ms-working-with-ai`: `ai_applicability` 0–1 per SOC group; per IWA `share_ai`, `share_user`,
//!   `completion_ai`, `impact_scope_ai`.
//! - `felten-aioe`: `aioe`, `lm_aioe`, `ig_aioe` standardised scores (mean 0, sd 1) per SOC 2010 group.

use crate::TaxonomyError;
use crate::model::{AiExposure, ExposureSubject};
use crate::onet::{occupation_id, task_id};
use crate::table::{Delimiter, Table, TableSource};

/// A dataset this parser knows, with the file that identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposureDataset {
    /// Eloundou, Manning, Mishkin & Rock, "GPTs are GPTs" (task and occupation level).
    GptsAreGpts,
    /// Tomlinson et al., "Working with AI" (SOC groups and IWAs).
    WorkingWithAi,
    /// Felten, Raj & Seamans AI Occupational Exposure (SOC groups).
    FeltenAioe,
}

impl ExposureDataset {
    /// Every dataset.
    pub const ALL: [ExposureDataset; 3] = [
        ExposureDataset::GptsAreGpts,
        ExposureDataset::WorkingWithAi,
        ExposureDataset::FeltenAioe,
    ];

    /// The dataset's name, stored with each score.
    pub fn name(self) -> &'static str {
        match self {
            ExposureDataset::GptsAreGpts => "gpts-are-gpts",
            ExposureDataset::WorkingWithAi => "ms-working-with-ai",
            ExposureDataset::FeltenAioe => "felten-aioe",
        }
    }

    /// Parses a dataset name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == raw)
            .ok_or_else(|| TaxonomyError::InvalidValue {
                what: "AI-exposure dataset",
                value: raw.to_owned(),
                expected: "gpts-are-gpts, ms-working-with-ai or felten-aioe",
            })
    }

    /// The file whose presence identifies the dataset in a directory.
    pub fn marker_file(self) -> &'static str {
        match self {
            ExposureDataset::GptsAreGpts => "full_labelset.tsv",
            ExposureDataset::WorkingWithAi => "soc_ai_applicability_scores.csv",
            ExposureDataset::FeltenAioe => "AIOE_DataAppendix__Appendix_A.csv",
        }
    }

    /// Finds which dataset `source` holds.
    pub fn detect(source: &dyn TableSource) -> Result<Self, TaxonomyError> {
        for d in Self::ALL {
            if source.open(d.marker_file())?.is_some() {
                return Ok(d);
            }
        }
        Err(TaxonomyError::MissingFile {
            file: "one of full_labelset.tsv (gpts-are-gpts), soc_ai_applicability_scores.csv (ms-working-with-ai), AIOE_DataAppendix__Appendix_A.csv (felten-aioe)".to_owned(),
        })
    }
}

/// Reads `dataset` from `source`.
pub fn parse(
    source: &dyn TableSource,
    dataset: ExposureDataset,
) -> Result<Vec<AiExposure>, TaxonomyError> {
    let mut out = Vec::new();
    let name = dataset.name();
    match dataset {
        ExposureDataset::GptsAreGpts => {
            let mut t = Table::open_required(source, "full_labelset.tsv", Delimiter::TabQuoted)?;
            let task = t.column("Task ID")?;
            let numeric = [
                ("alpha", "gpt4_alpha"),
                ("beta", "gpt4_beta"),
                ("gamma", "gpt4_gamma"),
                ("automation", "gpt4_automation"),
            ]
            .map(|(c, m)| t.column(c).map(|c| (c, m)));
            let numeric = numeric.into_iter().collect::<Result<Vec<_>, _>>()?;
            let human = t.column("human_exposure_agg")?;
            while t.next_row()? {
                let subject = task_id(t.required(task)?)
                    .map_err(|e| t.error(e.to_string()))?
                    .as_str()
                    .to_owned();
                for &(column, measure) in &numeric {
                    if let Some(value) = t.number(column)? {
                        out.push(score(&subject, ExposureSubject::Task, name, measure, value));
                    }
                }
                let value = match t.get(human) {
                    "E0" => Some(0.0),
                    "E1" => Some(1.0),
                    "E2" => Some(0.5),
                    "" => None,
                    other => {
                        return Err(t.error(format!(
                            "human_exposure_agg {other:?} (expected E0, E1 or E2)"
                        )));
                    }
                };
                if let Some(value) = value {
                    out.push(score(
                        &subject,
                        ExposureSubject::Task,
                        name,
                        "human_beta",
                        value,
                    ));
                }
            }
            if let Some(mut t) = Table::open_optional(source, "occ_level.csv", Delimiter::Comma)? {
                let code = t.column("O*NET-SOC Code")?;
                let columns = [
                    ("dv_rating_alpha", "gpt4_alpha"),
                    ("dv_rating_beta", "gpt4_beta"),
                    ("dv_rating_gamma", "gpt4_gamma"),
                    ("human_rating_alpha", "human_alpha"),
                    ("human_rating_beta", "human_beta"),
                    ("human_rating_gamma", "human_gamma"),
                ]
                .map(|(c, m)| t.column(c).map(|c| (c, m)))
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
                while t.next_row()? {
                    let subject =
                        occupation_id(t.required(code)?).map_err(|e| t.error(e.to_string()))?;
                    for &(column, measure) in &columns {
                        if let Some(value) = t.number(column)? {
                            out.push(score(
                                subject.as_str(),
                                ExposureSubject::Occupation,
                                name,
                                measure,
                                value,
                            ));
                        }
                    }
                }
            }
        }
        ExposureDataset::WorkingWithAi => {
            let mut t =
                Table::open_required(source, "soc_ai_applicability_scores.csv", Delimiter::Comma)?;
            let (code, value) = (t.column("SOC Code")?, t.column("ai_applicability_score")?);
            while t.next_row()? {
                let subject = soc_group(&t, code)?;
                if let Some(v) = t.number(value)? {
                    out.push(score(
                        &subject,
                        ExposureSubject::SocGroup,
                        name,
                        "ai_applicability",
                        v,
                    ));
                }
            }
            if let Some(mut t) = Table::open_optional(source, "iwa_metrics.csv", Delimiter::Comma)?
            {
                let iwa = t.column("IWA")?;
                let columns = ["share_ai", "share_user", "completion_ai", "impact_scope_ai"]
                    .map(|c| t.column(c).map(|i| (i, c)))
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()?;
                while t.next_row()? {
                    let subject = format!("onet:{}", t.required(iwa)?);
                    for &(column, measure) in &columns {
                        if let Some(v) = t.number(column)? {
                            out.push(score(
                                &subject,
                                ExposureSubject::WorkActivity,
                                name,
                                measure,
                                v,
                            ));
                        }
                    }
                }
            }
        }
        ExposureDataset::FeltenAioe => {
            for (file, column, measure, required) in [
                ("AIOE_DataAppendix__Appendix_A.csv", "AIOE", "aioe", true),
                (
                    "LanguageModeling_AIOE__LM_AIOE.csv",
                    "Language Modeling AIOE",
                    "lm_aioe",
                    false,
                ),
                (
                    "ImageGeneration_AIOE__IG_AIOE.csv",
                    "Image Generation AIOE",
                    "ig_aioe",
                    false,
                ),
            ] {
                let table = if required {
                    Some(Table::open_required(source, file, Delimiter::Comma)?)
                } else {
                    Table::open_optional(source, file, Delimiter::Comma)?
                };
                let Some(mut t) = table else { continue };
                let (code, value) = (t.column("SOC Code")?, t.column(column)?);
                while t.next_row()? {
                    let subject = soc_group(&t, code)?;
                    if let Some(v) = t.number(value)? {
                        out.push(score(&subject, ExposureSubject::SocGroup, name, measure, v));
                    }
                }
            }
        }
    }
    Ok(out)
}

fn score(
    subject: &str,
    kind: ExposureSubject,
    dataset: &str,
    measure: &str,
    value: f64,
) -> AiExposure {
    AiExposure {
        subject: subject.to_owned(),
        subject_kind: kind,
        dataset: dataset.to_owned(),
        measure: measure.to_owned(),
        value,
    }
}

/// `soc:15-1252` from a 6-digit SOC code (`15-1252`).
fn soc_group(t: &Table<'_>, column: usize) -> Result<String, TaxonomyError> {
    let code = t.required(column)?;
    let b = code.as_bytes();
    if b.len() == 7
        && b[2] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
    {
        Ok(format!("soc:{code}"))
    } else {
        Err(t.error(format!("{code:?} is not a 6-digit SOC code like 15-1252")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::MemorySource;

    #[test]
    fn gpts_are_gpts_tasks_and_occupations_are_read() {
        let source = MemorySource::new()
            .with(
                "full_labelset.tsv",
                "\tO*NET-SOC Code\tTask ID\tTask\thuman_exposure_agg\talpha\tbeta\tgamma\tautomation\n0\t11-1011.00\t8823.0\t\"Do \"\"x\"\".\"\tE2\t0.0\t0.5\t1.0\t0.5\n",
            )
            .with("occ_level.csv", "O*NET-SOC Code,Title,dv_rating_alpha,dv_rating_beta,dv_rating_gamma,human_rating_alpha,human_rating_beta,human_rating_gamma\n11-1011.00,CEO,0.1,0.4,0.8,0.1,0.3,0.5\n");
        assert_eq!(
            ExposureDataset::detect(&source).unwrap(),
            ExposureDataset::GptsAreGpts
        );
        let rows = parse(&source, ExposureDataset::GptsAreGpts).unwrap();
        let beta = rows
            .iter()
            .find(|r| r.subject == "onet:task:8823" && r.measure == "gpt4_beta")
            .unwrap();
        assert_eq!(beta.value, 0.5);
        assert!(rows.iter().any(|r| r.subject == "onet:11-1011.00"
            && r.measure == "human_gamma"
            && r.value == 0.5));
        assert!(
            rows.iter()
                .any(|r| r.measure == "human_beta" && r.value == 0.5)
        );
    }

    #[test]
    fn a_bad_soc_code_names_the_line() {
        let source = MemorySource::new().with(
            "soc_ai_applicability_scores.csv",
            "SOC Code,title,ai_applicability_score\n11-1011,A,0.1\n111011,B,0.2\n",
        );
        let err = parse(&source, ExposureDataset::WorkingWithAi)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("soc_ai_applicability_scores.csv: line 3:"),
            "{err}"
        );
    }
}
