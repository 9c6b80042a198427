//! Guild's built-in starter taxonomy: about 40 occupations for the people Guild serves and the
//! work they can move to, their tasks and about 400 skills, in English and Dutch. Written by the
//! Guild authors and compiled into the binary, so that Guild runs with no download.

use std::collections::{BTreeMap, BTreeSet};

use crate::TaxonomyError;
use crate::model::*;
use crate::onet::non_empty;
use crate::table::{Delimiter, MemorySource, Table, TableSource};

/// The dataset name of the starter set's own AI-exposure estimates.
pub const EXPOSURE_DATASET: &str = "guild";

/// The starter taxonomy's files, compiled in.
pub fn source() -> MemorySource {
    MemorySource::new()
        .with("skills.tsv", include_str!("../starter/skills.tsv"))
        .with(
            "occupations.tsv",
            include_str!("../starter/occupations.tsv"),
        )
        .with("tasks.tsv", include_str!("../starter/tasks.tsv"))
        .with(
            "occupation_skills.tsv",
            include_str!("../starter/occupation_skills.tsv"),
        )
}

/// The built-in starter taxonomy as a batch.
pub fn batch() -> Result<TaxonomyBatch, TaxonomyError> {
    parse(&source())
}

/// Parses files in the starter layout (see `crates/taxonomy/starter/README.md`).
pub fn parse(source: &dyn TableSource) -> Result<TaxonomyBatch, TaxonomyError> {
    let mut batch = TaxonomyBatch::default();
    let mut labels = BTreeSet::new();
    let mut add_labels =
        |concept: &str, lang: &str, preferred: &str, alts: &str, description: &str| {
            for (role, text) in [
                (LabelRole::Preferred, preferred),
                (LabelRole::Description, description),
            ] {
                if !text.is_empty() {
                    labels.insert((concept.to_owned(), lang.to_owned(), role, text.to_owned()));
                }
            }
            for alt in alts.split('|').map(str::trim).filter(|a| !a.is_empty()) {
                labels.insert((
                    concept.to_owned(),
                    lang.to_owned(),
                    LabelRole::Alternative,
                    alt.to_owned(),
                ));
            }
        };

    let mut skills = BTreeMap::new();
    let mut broader = Vec::new();
    let mut t = Table::open_required(source, "skills.tsv", Delimiter::Tab)?;
    let c = [
        "id",
        "kind",
        "label_en",
        "label_nl",
        "alt_en",
        "alt_nl",
        "description_en",
        "broader",
    ]
    .map(|name| t.column(name));
    let [
        id,
        kind,
        label_en,
        label_nl,
        alt_en,
        alt_nl,
        description_en,
        broader_col,
    ] = unwrap_columns(c)?;
    while t.next_row()? {
        let skill_id = SkillId::parse(t.required(id)?).map_err(|e| t.error(e.to_string()))?;
        let skill = Skill {
            id: skill_id.clone(),
            kind: SkillKind::parse(t.required(kind)?).map_err(|e| t.error(e.to_string()))?,
            source: Source::Guild,
            source_uri: None,
            label: t.required(label_en)?.to_owned(),
            description: non_empty(t.get(description_en)),
        };
        add_labels(
            skill_id.as_str(),
            "en",
            t.get(label_en),
            t.get(alt_en),
            t.get(description_en),
        );
        add_labels(skill_id.as_str(), "nl", t.get(label_nl), t.get(alt_nl), "");
        if !t.get(broader_col).is_empty() {
            broader.push((skill_id.clone(), t.get(broader_col).to_owned(), t.error("")));
        }
        if skills.insert(skill_id.as_str().to_owned(), skill).is_some() {
            return Err(t.error(format!("skill {skill_id} is listed twice")));
        }
    }
    for (from, to, at) in broader {
        if !skills.contains_key(&to) {
            return Err(relocate(
                at,
                format!("broader skill {to} is not in skills.tsv"),
            ));
        }
        batch.skill_relations.push(SkillRelation {
            from,
            to: SkillId::parse(&to)?,
            kind: SkillRelationKind::Broader,
        });
    }

    let mut occupations = BTreeMap::new();
    let mut t = Table::open_required(source, "occupations.tsv", Delimiter::Tab)?;
    let c = [
        "id",
        "onet",
        "isco",
        "job_zone",
        "title_en",
        "title_nl",
        "alt_en",
        "alt_nl",
        "description_en",
        "description_nl",
    ]
    .map(|name| t.column(name));
    let [
        id,
        onet,
        isco,
        job_zone,
        title_en,
        title_nl,
        alt_en,
        alt_nl,
        description_en,
        description_nl,
    ] = unwrap_columns(c)?;
    while t.next_row()? {
        let occupation_id =
            OccupationId::parse(t.required(id)?).map_err(|e| t.error(e.to_string()))?;
        let zone = match t.get(job_zone) {
            "" => None,
            z => match z.parse::<u8>() {
                Ok(z @ 1..=5) => Some(z),
                _ => return Err(t.error(format!("job_zone {z:?} is not 1–5"))),
            },
        };
        if !t.get(onet).is_empty() {
            batch.crosswalk.push(CrosswalkLink {
                occupation: occupation_id.clone(),
                onet: crate::onet::occupation_id(t.get(onet))
                    .map_err(|e| t.error(e.to_string()))?,
                confidence: None,
                similarity: None,
            });
        }
        add_labels(
            occupation_id.as_str(),
            "en",
            t.get(title_en),
            t.get(alt_en),
            t.get(description_en),
        );
        add_labels(
            occupation_id.as_str(),
            "nl",
            t.get(title_nl),
            t.get(alt_nl),
            t.get(description_nl),
        );
        let occupation = Occupation {
            id: occupation_id.clone(),
            source: Source::Guild,
            code: None,
            title: t.required(title_en)?.to_owned(),
            description: non_empty(t.get(description_en)),
            group: non_empty(t.get(isco)),
            job_zone: zone,
            source_uri: None,
        };
        if occupations
            .insert(occupation_id.as_str().to_owned(), occupation)
            .is_some()
        {
            return Err(t.error(format!("occupation {occupation_id} is listed twice")));
        }
    }

    let skill_of = |t: &Table<'_>, raw: &str| -> Result<SkillId, TaxonomyError> {
        if skills.contains_key(raw) {
            SkillId::parse(raw)
        } else {
            Err(t.error(format!("skill {raw} is not in skills.tsv")))
        }
    };
    let occupation_of = |t: &Table<'_>, raw: &str| -> Result<OccupationId, TaxonomyError> {
        if occupations.contains_key(raw) {
            OccupationId::parse(raw)
        } else {
            Err(t.error(format!("occupation {raw} is not in occupations.tsv")))
        }
    };

    let mut t = Table::open_required(source, "tasks.tsv", Delimiter::Tab)?;
    let c = [
        "occupation",
        "category",
        "physical",
        "ai_exposure",
        "statement_en",
        "statement_nl",
        "skills",
    ]
    .map(|name| t.column(name));
    let [
        occupation,
        category,
        physical,
        ai_exposure,
        statement_en,
        statement_nl,
        task_skills,
    ] = unwrap_columns(c)?;
    let mut per_occupation: BTreeMap<String, usize> = BTreeMap::new();
    while t.next_row()? {
        let occupation_id = occupation_of(&t, t.required(occupation)?)?;
        let n = per_occupation
            .entry(occupation_id.as_str().to_owned())
            .or_default();
        *n += 1;
        let slug = occupation_id
            .as_str()
            .trim_start_matches("guild:occupation/");
        let task_id = TaskId::parse(&format!("guild:task/{slug}/{n}"))?;
        let physical = match t.required(physical)? {
            "yes" => true,
            "no" => false,
            other => return Err(t.error(format!("physical {other:?} (expected yes or no)"))),
        };
        let exposure = t.number(ai_exposure)?.filter(|v| (0.0..=1.0).contains(v));
        let Some(exposure) = exposure else {
            return Err(t.error("ai_exposure must be a number from 0 to 1"));
        };
        batch.exposures.push(AiExposure {
            subject: task_id.as_str().to_owned(),
            subject_kind: ExposureSubject::Task,
            dataset: EXPOSURE_DATASET.to_owned(),
            measure: "estimate".to_owned(),
            value: exposure,
        });
        let mut linked = BTreeSet::new();
        for raw in t.required(task_skills)?.split('|').map(str::trim) {
            if linked.insert(raw) {
                batch.task_skills.push(TaskSkill {
                    task: task_id.clone(),
                    skill: skill_of(&t, raw)?,
                });
            }
        }
        add_labels(task_id.as_str(), "en", t.get(statement_en), "", "");
        add_labels(task_id.as_str(), "nl", t.get(statement_nl), "", "");
        batch.tasks.push(TaskStatement {
            id: task_id,
            occupation: occupation_id,
            statement: t.required(statement_en)?.to_owned(),
            category: Some(
                TaskCategory::parse(t.required(category)?).map_err(|e| t.error(e.to_string()))?,
            ),
            physical: Some(physical),
        });
    }

    let mut t = Table::open_required(source, "occupation_skills.tsv", Delimiter::Tab)?;
    let c = ["occupation", "skill", "relation"].map(|name| t.column(name));
    let [occupation, skill, relation] = unwrap_columns(c)?;
    let mut seen = BTreeSet::new();
    while t.next_row()? {
        let occupation_id = occupation_of(&t, t.required(occupation)?)?;
        let skill_id = skill_of(&t, t.required(skill)?)?;
        let relevance = match t.required(relation)? {
            "essential" => SkillRelevance::Essential,
            "optional" => SkillRelevance::Optional,
            other => {
                return Err(t.error(format!(
                    "relation {other:?} (expected essential or optional)"
                )));
            }
        };
        if !seen.insert((occupation_id.clone(), skill_id.clone())) {
            return Err(t.error(format!("{occupation_id} – {skill_id} is listed twice")));
        }
        batch.occupation_skills.push(OccupationSkill {
            occupation: occupation_id,
            skill: skill_id,
            relevance,
            importance: None,
            level: None,
            weight: if relevance == SkillRelevance::Essential {
                1.0
            } else {
                0.5
            },
        });
    }

    batch.labels = labels
        .into_iter()
        .map(|(concept, lang, role, text)| ConceptLabel {
            concept,
            lang,
            role,
            text,
        })
        .collect();
    batch.skills = skills.into_values().collect();
    batch.occupations = occupations.into_values().collect();
    Ok(batch)
}

fn unwrap_columns<const N: usize>(
    columns: [Result<usize, TaxonomyError>; N],
) -> Result<[usize; N], TaxonomyError> {
    let mut out = [0; N];
    for (slot, column) in out.iter_mut().zip(columns) {
        *slot = column?;
    }
    Ok(out)
}

/// Re-words an error captured at a row (to keep its file and line) with a new message.
fn relocate(at: TaxonomyError, message: String) -> TaxonomyError {
    match at {
        TaxonomyError::BadRow { file, line, .. } => TaxonomyError::BadRow {
            file,
            line,
            message,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_starter_taxonomy_parses_and_is_complete() {
        let batch = batch().unwrap();
        let occupations = batch.occupations.len();
        let skills = batch
            .skills
            .iter()
            .filter(|s| s.kind != SkillKind::Group)
            .count();
        assert!(
            (38..=45).contains(&occupations),
            "{occupations} occupations"
        );
        assert!((340..=440).contains(&skills), "{skills} skills");
        for o in &batch.occupations {
            assert!(
                batch.tasks.iter().filter(|t| t.occupation == o.id).count() >= 5,
                "{} has few tasks",
                o.id
            );
            assert!(
                batch.labels.iter().any(|l| l.concept == o.id.as_str()
                    && l.lang == "nl"
                    && l.role == LabelRole::Preferred),
                "{} has no Dutch title",
                o.id
            );
        }
        let used: BTreeSet<_> = batch.occupation_skills.iter().map(|r| &r.skill).collect();
        for s in batch.skills.iter().filter(|s| s.kind != SkillKind::Group) {
            assert!(used.contains(&s.id), "{} is used by no occupation", s.id);
        }
    }
}
