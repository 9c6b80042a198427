//! The official ESCO CSV export: `skills_en.csv`, `occupations_en.csv`,
//! `occupationSkillRelations_en.csv`, the hierarchy and relation files, and the same concept files
//! in other languages, which add labels to the same concepts.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::TaxonomyError;
use crate::model::*;
use crate::onet::non_empty;
use crate::table::{Delimiter, Table, TableSource};

/// Files that must be present for an ESCO import.
pub const REQUIRED_FILES: [&str; 3] = [
    "skills_en.csv",
    "occupations_en.csv",
    "occupationSkillRelations_en.csv",
];

/// Reads an ESCO export. English is always read (it defines the concepts); `languages` adds the
/// labels of other languages where their files are present. `on_table` is told each table as it
/// starts.
pub fn parse(
    source: &dyn TableSource,
    languages: &[String],
    on_table: &mut dyn FnMut(&str),
) -> Result<TaxonomyBatch, TaxonomyError> {
    for file in REQUIRED_FILES {
        if source.open(file)?.is_none() {
            return Err(TaxonomyError::MissingFile {
                file: file.to_owned(),
            });
        }
    }
    let mut p = Parser::default();
    on_table("languageSkillsCollection_en.csv");
    p.language_skills(source)?;
    on_table("skills_en.csv");
    p.concepts(source, "skills_en.csv", "en", Concept::Skill)?;
    on_table("skillGroups_en.csv");
    p.concepts(source, "skillGroups_en.csv", "en", Concept::Group)?;
    on_table("occupations_en.csv");
    p.concepts(source, "occupations_en.csv", "en", Concept::Occupation)?;
    for lang in languages.iter().filter(|l| l.as_str() != "en") {
        for (stem, concept) in [
            ("skills", Concept::Skill),
            ("skillGroups", Concept::Group),
            ("occupations", Concept::Occupation),
        ] {
            let file = format!("{stem}_{lang}.csv");
            on_table(&file);
            if source.open(&file)?.is_some() {
                p.concepts(source, &file, lang, concept)?;
            } else {
                p.notices.push(format!(
                    "{file} is not in this export: no {lang} labels for {stem}"
                ));
            }
        }
    }
    on_table("occupationSkillRelations_en.csv");
    p.occupation_skills(source)?;
    on_table("broaderRelationsSkillPillar_en.csv");
    p.broader(source)?;
    on_table("skillSkillRelations_en.csv");
    p.skill_relations(source)?;
    Ok(p.finish())
}

#[derive(Clone, Copy, PartialEq)]
enum Concept {
    Skill,
    Group,
    Occupation,
}

#[derive(Default)]
struct Parser {
    language_skills: HashSet<String>,
    skills: BTreeMap<String, Skill>,
    occupations: BTreeMap<String, Occupation>,
    labels: BTreeSet<(String, String, LabelRole, String)>,
    occupation_skills: BTreeMap<(String, String), SkillRelevance>,
    relations: BTreeSet<(String, String, SkillRelationKind)>,
    notices: Vec<String>,
}

impl Parser {
    fn language_skills(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) =
            Table::open_optional(source, "languageSkillsCollection_en.csv", Delimiter::Comma)?
        else {
            self.notices.push(
                "languageSkillsCollection_en.csv is not in this export: language skills keep their ESCO skill type"
                    .to_owned(),
            );
            return Ok(());
        };
        let uri = t.column("conceptUri")?;
        while t.next_row()? {
            self.language_skills.insert(t.required(uri)?.to_owned());
        }
        Ok(())
    }

    fn concepts(
        &mut self,
        source: &dyn TableSource,
        file: &str,
        lang: &str,
        concept: Concept,
    ) -> Result<(), TaxonomyError> {
        let Some(mut t) = Table::open_optional(source, file, Delimiter::Comma)? else {
            self.notices
                .push(format!("{file} is not in this export: skipped"));
            return Ok(());
        };
        let uri = t.column("conceptUri")?;
        let preferred = t.column("preferredLabel")?;
        let alt = t.column("altLabels")?;
        let hidden = t.optional_column("hiddenLabels");
        let description = t.optional_column("description");
        let skill_type = t.optional_column("skillType");
        let isco = t.optional_column("iscoGroup");
        let code = t.optional_column("code");
        let status = t.optional_column("status");
        let english = lang == "en";
        while t.next_row()? {
            if status.is_some_and(|s| t.get(s) != "released" && !t.get(s).is_empty()) {
                continue;
            }
            let id = t.required(uri)?.to_owned();
            if !id.starts_with("http://data.europa.eu/esco/") {
                return Err(t.error(format!("{id:?} is not an ESCO URI")));
            }
            let known = match concept {
                Concept::Occupation => self.occupations.contains_key(&id),
                _ => self.skills.contains_key(&id),
            };
            if !english && !known {
                // A translation of a concept the English export lacks: nothing to attach it to.
                continue;
            }
            let label = t.get(preferred);
            let desc = description.map(|d| t.get(d)).unwrap_or("");
            if english {
                if label.is_empty() {
                    return Err(t.error("empty value in column \"preferredLabel\""));
                }
                match concept {
                    Concept::Occupation => {
                        let occupation = Occupation {
                            id: OccupationId::parse(&id).map_err(|e| t.error(e.to_string()))?,
                            source: Source::Esco,
                            code: code.and_then(|c| non_empty(t.get(c))),
                            title: label.to_owned(),
                            description: non_empty(desc),
                            group: isco.and_then(|c| non_empty(t.get(c))),
                            job_zone: None,
                            source_uri: Some(id.clone()),
                        };
                        if self.occupations.insert(id.clone(), occupation).is_some() {
                            return Err(t.error(format!("{id} is listed twice")));
                        }
                    }
                    Concept::Skill | Concept::Group => {
                        let kind = if concept == Concept::Group {
                            SkillKind::Group
                        } else if self.language_skills.contains(&id) {
                            SkillKind::Language
                        } else {
                            match skill_type.map(|c| t.get(c)).unwrap_or("") {
                                "knowledge" => SkillKind::Knowledge,
                                "skill/competence" | "" => SkillKind::Skill,
                                other => {
                                    return Err(t.error(format!(
                                        "unknown skillType {other:?} (expected knowledge or skill/competence)"
                                    )));
                                }
                            }
                        };
                        let skill = Skill {
                            id: SkillId::parse(&id).map_err(|e| t.error(e.to_string()))?,
                            kind,
                            source: Source::Esco,
                            source_uri: Some(id.clone()),
                            label: label.to_owned(),
                            description: non_empty(desc),
                        };
                        if self.skills.insert(id.clone(), skill).is_some() {
                            return Err(t.error(format!("{id} is listed twice")));
                        }
                    }
                }
            }
            let mut add = |role: LabelRole, text: &str| {
                let text = text.trim();
                if !text.is_empty() {
                    self.labels
                        .insert((id.clone(), lang.to_owned(), role, text.to_owned()));
                }
            };
            add(LabelRole::Preferred, label);
            add(LabelRole::Description, desc);
            for a in t.get(alt).lines() {
                add(LabelRole::Alternative, a);
            }
            if let Some(h) = hidden {
                for a in t.get(h).lines() {
                    add(LabelRole::Hidden, a);
                }
            }
        }
        Ok(())
    }

    fn occupation_skills(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let mut t =
            Table::open_required(source, "occupationSkillRelations_en.csv", Delimiter::Comma)?;
        let (occupation, relation, skill) = (
            t.column("occupationUri")?,
            t.column("relationType")?,
            t.column("skillUri")?,
        );
        let mut duplicates = 0usize;
        let mut upgraded = 0usize;
        let mut rows = 0usize;
        while t.next_row()? {
            rows += 1;
            let o = t.required(occupation)?;
            let s = t.required(skill)?;
            if !self.occupations.contains_key(o) {
                return Err(t.error(format!("occupation {o} is not in occupations_en.csv")));
            }
            if !self.skills.contains_key(s) {
                return Err(t.error(format!("skill {s} is not in skills_en.csv")));
            }
            let relevance = match t.required(relation)? {
                "essential" => SkillRelevance::Essential,
                "optional" => SkillRelevance::Optional,
                other => {
                    return Err(t.error(format!(
                        "relationType {other:?} (expected essential or optional)"
                    )));
                }
            };
            match self.occupation_skills.entry((o.to_owned(), s.to_owned())) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(relevance);
                }
                std::collections::btree_map::Entry::Occupied(mut e) => {
                    duplicates += 1;
                    // Essential sorts before optional: keep the stronger claim.
                    if relevance < *e.get() {
                        e.insert(relevance);
                        upgraded += 1;
                    } else if relevance != *e.get() {
                        upgraded += 1;
                    }
                }
            }
        }
        if duplicates > 0 {
            self.notices.push(format!(
                "occupationSkillRelations_en.csv: {rows} rows, {} distinct occupation–skill pairs; {duplicates} pairs listed twice ({upgraded} as both essential and optional: kept essential)",
                self.occupation_skills.len()
            ));
        }
        Ok(())
    }

    fn broader(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = Table::open_optional(
            source,
            "broaderRelationsSkillPillar_en.csv",
            Delimiter::Comma,
        )?
        else {
            self.notices.push(
                "broaderRelationsSkillPillar_en.csv is not in this export: no skill hierarchy"
                    .to_owned(),
            );
            return Ok(());
        };
        let (narrower, broader) = (t.column("conceptUri")?, t.column("broaderUri")?);
        let mut unknown = 0usize;
        while t.next_row()? {
            let (n, b) = (t.required(narrower)?, t.required(broader)?);
            if self.skills.contains_key(n) && self.skills.contains_key(b) {
                self.relations
                    .insert((n.to_owned(), b.to_owned(), SkillRelationKind::Broader));
            } else {
                unknown += 1;
            }
        }
        if unknown > 0 {
            self.notices.push(format!(
                "broaderRelationsSkillPillar_en.csv: {unknown} relations name concepts not in this export: skipped"
            ));
        }
        Ok(())
    }

    fn skill_relations(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) =
            Table::open_optional(source, "skillSkillRelations_en.csv", Delimiter::Comma)?
        else {
            self.notices.push(
                "skillSkillRelations_en.csv is not in this export: no skill–skill relations"
                    .to_owned(),
            );
            return Ok(());
        };
        let (from, relation, to) = (
            t.column("originalSkillUri")?,
            t.column("relationType")?,
            t.column("relatedSkillUri")?,
        );
        let mut unknown = 0usize;
        while t.next_row()? {
            let (f, r) = (t.required(from)?, t.required(to)?);
            let kind = match t.required(relation)? {
                "essential" => SkillRelationKind::EssentialFor,
                "optional" => SkillRelationKind::OptionalFor,
                other => {
                    return Err(t.error(format!(
                        "relationType {other:?} (expected essential or optional)"
                    )));
                }
            };
            if self.skills.contains_key(f) && self.skills.contains_key(r) {
                self.relations.insert((f.to_owned(), r.to_owned(), kind));
            } else {
                unknown += 1;
            }
        }
        if unknown > 0 {
            self.notices.push(format!(
                "skillSkillRelations_en.csv: {unknown} relations name skills not in this export: skipped"
            ));
        }
        Ok(())
    }

    fn finish(self) -> TaxonomyBatch {
        let labels = self
            .labels
            .into_iter()
            .map(|(concept, lang, role, text)| ConceptLabel {
                concept,
                lang,
                role,
                text,
            })
            .collect();
        let skill_relations = self
            .relations
            .into_iter()
            .filter_map(|(from, to, kind)| {
                Some(SkillRelation {
                    from: SkillId::parse(&from).ok()?,
                    to: SkillId::parse(&to).ok()?,
                    kind,
                })
            })
            .collect();
        let occupation_skills = self
            .occupation_skills
            .into_iter()
            .filter_map(|((occupation, skill), relevance)| {
                Some(OccupationSkill {
                    occupation: OccupationId::parse(&occupation).ok()?,
                    skill: SkillId::parse(&skill).ok()?,
                    relevance,
                    importance: None,
                    level: None,
                    weight: if relevance == SkillRelevance::Essential {
                        1.0
                    } else {
                        0.5
                    },
                })
            })
            .collect();
        TaxonomyBatch {
            skills: self.skills.into_values().collect(),
            occupations: self.occupations.into_values().collect(),
            labels,
            skill_relations,
            occupation_skills,
            notices: self.notices,
            ..TaxonomyBatch::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::MemorySource;

    const SKILL: &str = "http://data.europa.eu/esco/skill/s1";
    const OCC: &str = "http://data.europa.eu/esco/occupation/o1";

    fn export() -> MemorySource {
        MemorySource::new()
            .with(
                "skills_en.csv",
                format!("\u{feff}conceptType,conceptUri,skillType,preferredLabel,altLabels,description\nKnowledgeSkillCompetence,{SKILL},skill/competence,weld metal,\"join metal\nfuse metal\",\"Join\nparts.\"\n"),
            )
            .with(
                "occupations_en.csv",
                format!("conceptUri,iscoGroup,preferredLabel,altLabels,code\n{OCC},7212,welder,,7212.1\n"),
            )
            .with(
                "occupations_nl.csv",
                format!("conceptUri,iscoGroup,preferredLabel,altLabels,code\n{OCC},7212,lasser,lasser metaal,7212.1\n"),
            )
            .with(
                "occupationSkillRelations_en.csv",
                format!("occupationUri,relationType,skillUri\n{OCC},optional,{SKILL}\n{OCC},essential,{SKILL}\n"),
            )
    }

    #[test]
    fn duplicate_relations_keep_the_stronger_and_say_so() {
        let batch = parse(&export(), &["en".into()], &mut |_| {}).unwrap();
        assert_eq!(batch.occupation_skills.len(), 1);
        assert_eq!(
            batch.occupation_skills[0].relevance,
            SkillRelevance::Essential
        );
        assert!(
            batch.notices.iter().any(|n| n.contains("kept essential")),
            "{:?}",
            batch.notices
        );
    }

    #[test]
    fn alternative_labels_split_on_newlines_and_extra_languages_add_labels() {
        let batch = parse(&export(), &["en".into(), "nl".into()], &mut |_| {}).unwrap();
        let alts: Vec<_> = batch
            .labels
            .iter()
            .filter(|l| l.concept == SKILL && l.role == LabelRole::Alternative)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(alts, ["fuse metal", "join metal"]);
        assert!(
            batch
                .labels
                .iter()
                .any(|l| l.lang == "nl" && l.text == "lasser")
        );
        assert_eq!(batch.skills[0].description.as_deref(), Some("Join\nparts."));
        assert!(batch.notices.iter().any(|n| n.contains("skills_nl.csv")));
    }

    #[test]
    fn a_relation_to_an_unknown_skill_names_the_line() {
        let source = export().with(
            "occupationSkillRelations_en.csv",
            format!("occupationUri,relationType,skillUri\n{OCC},essential,{SKILL}\n{OCC},essential,http://data.europa.eu/esco/skill/nope\n"),
        );
        let err = parse(&source, &["en".into()], &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("occupationSkillRelations_en.csv: line 3: skill"),
            "{err}"
        );
    }

    #[test]
    fn an_unterminated_quote_is_an_error_not_a_panic() {
        let source = export().with(
            "skills_en.csv",
            format!("conceptUri,skillType,preferredLabel,altLabels\n{SKILL},knowledge,\"weld,\n"),
        );
        assert!(parse(&source, &["en".into()], &mut |_| {}).is_err());
    }
}
