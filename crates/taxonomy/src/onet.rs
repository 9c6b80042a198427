//! The O*NET database in its text-release layout: tab-separated, one file per table, columns read
//! by header name so that both the official text release and the Excel-converted copy (with extra
//! `Title` columns) parse.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::*;
use crate::table::{Delimiter, Table, TableSource};
use crate::{TaxonomyError, normalize};

/// Files that must be present for an O*NET import.
pub const REQUIRED_FILES: [&str; 2] = ["Occupation Data.txt", "Task Statements.txt"];

/// Rating tables: file name and the kind of the elements they rate.
const RATING_TABLES: [(&str, SkillKind); 4] = [
    ("Skills.txt", SkillKind::Skill),
    ("Knowledge.txt", SkillKind::Knowledge),
    ("Abilities.txt", SkillKind::Ability),
    ("Work Activities.txt", SkillKind::WorkActivity),
];

/// Content-model domains imported as skill concepts, with the kind of their leaves.
const DOMAINS: [(&str, SkillKind); 5] = [
    ("1.A", SkillKind::Ability),
    ("2.A", SkillKind::Skill),
    ("2.B", SkillKind::Skill),
    ("2.C", SkillKind::Knowledge),
    ("4.A", SkillKind::WorkActivity),
];

/// The id of an O*NET occupation, from its O*NET-SOC code.
pub fn occupation_id(code: &str) -> Result<OccupationId, TaxonomyError> {
    OccupationId::parse(&format!("onet:{code}"))
}

/// The id of an O*NET content-model element, IWA or DWA.
pub fn element_id(element: &str) -> Result<SkillId, TaxonomyError> {
    SkillId::parse(&format!("onet:{element}"))
}

/// The id of an O*NET task statement.
pub fn task_id(task: &str) -> Result<TaskId, TaxonomyError> {
    // The GPTs-are-GPTs files write task ids as floats ("8823.0").
    let task = task.strip_suffix(".0").unwrap_or(task);
    TaskId::parse(&format!("onet:task:{task}"))
}

/// Reads an O*NET release into a batch. `on_table` is told each table as it starts (for progress).
pub fn parse(
    source: &dyn TableSource,
    on_table: &mut dyn FnMut(&str),
) -> Result<TaxonomyBatch, TaxonomyError> {
    let mut parser = Parser::default();
    for file in REQUIRED_FILES {
        if source.open(file)?.is_none() {
            return Err(TaxonomyError::MissingFile {
                file: file.to_owned(),
            });
        }
    }
    on_table("Occupation Data.txt");
    parser.occupations(source)?;
    on_table("Job Zones.txt");
    parser.job_zones(source)?;
    on_table("Alternate Titles.txt");
    parser.titles(
        source,
        "Alternate Titles.txt",
        &["Alternate Title", "Short Title"],
    )?;
    on_table("Sample of Reported Titles.txt");
    parser.titles(
        source,
        "Sample of Reported Titles.txt",
        &["Reported Job Title"],
    )?;
    on_table("Content Model Reference.txt");
    parser.content_model(source)?;
    on_table("IWA Reference.txt");
    parser.iwas(source)?;
    on_table("DWA Reference.txt");
    parser.dwas(source)?;
    for (file, kind) in RATING_TABLES {
        on_table(file);
        parser.ratings(source, file, kind)?;
    }
    on_table("Interests.txt");
    parser.interests(source)?;
    on_table("Technology Skills.txt");
    parser.technology(source)?;
    on_table("Task Statements.txt");
    parser.tasks(source)?;
    on_table("Tasks to DWAs.txt");
    parser.task_dwas(source)?;
    for absent in ["Work Context.txt", "Task Ratings.txt"] {
        if source.open(absent)?.is_none() {
            parser.skipped(absent);
        }
    }
    Ok(parser.finish())
}

#[derive(Default)]
struct Parser {
    occupations: BTreeMap<String, Occupation>,
    skills: BTreeMap<String, Skill>,
    labels: BTreeSet<(String, LabelRole, String)>,
    relations: BTreeSet<(String, String)>,
    ratings: BTreeMap<(String, String), (Option<f64>, Option<f64>)>,
    technology: BTreeSet<(String, String)>,
    interests: BTreeMap<(String, String), f64>,
    tasks: Vec<TaskStatement>,
    task_ids: HashMap<String, String>,
    task_dwas: BTreeSet<(String, String)>,
    notices: Vec<String>,
}

impl Parser {
    fn skipped(&mut self, file: &str) {
        self.notices
            .push(format!("{file} is not in this release: skipped"));
    }

    fn optional<'a>(
        &mut self,
        source: &'a dyn TableSource,
        file: &str,
    ) -> Result<Option<Table<'a>>, TaxonomyError> {
        let table = Table::open_optional(source, file, Delimiter::Tab)?;
        if table.is_none() {
            self.skipped(file);
        }
        Ok(table)
    }

    fn occupation_of<'t>(
        &self,
        table: &'t Table<'_>,
        column: usize,
    ) -> Result<&'t str, TaxonomyError> {
        let code = table.required(column)?;
        if !self.occupations.contains_key(code) {
            return Err(table.error(format!("occupation {code} is not in Occupation Data.txt")));
        }
        Ok(code)
    }

    fn occupations(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let mut t = Table::open_required(source, "Occupation Data.txt", Delimiter::Tab)?;
        let (code, title, description) = (
            t.column("O*NET-SOC Code")?,
            t.column("Title")?,
            t.column("Description")?,
        );
        while t.next_row()? {
            let c = t.required(code)?;
            if !is_onet_code(c) {
                return Err(t.error(format!("{c:?} is not an O*NET-SOC code like 15-1252.00")));
            }
            let occupation = Occupation {
                id: occupation_id(c)?,
                source: Source::Onet,
                code: Some(c.to_owned()),
                title: t.required(title)?.to_owned(),
                description: non_empty(t.get(description)),
                group: Some(c[..7].to_owned()),
                job_zone: None,
                source_uri: Some(format!("https://www.onetonline.org/link/summary/{c}")),
            };
            if self.occupations.insert(c.to_owned(), occupation).is_some() {
                return Err(t.error(format!("occupation {c} is listed twice")));
            }
        }
        Ok(())
    }

    fn job_zones(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "Job Zones.txt")? else {
            return Ok(());
        };
        let (code, zone) = (t.column("O*NET-SOC Code")?, t.column("Job Zone")?);
        while t.next_row()? {
            let c = self.occupation_of(&t, code)?.to_owned();
            let z = match t.required(zone)?.parse::<u8>() {
                Ok(z @ 1..=5) => z,
                _ => return Err(t.error(format!("job zone {:?} is not 1–5", t.get(zone)))),
            };
            if let Some(o) = self.occupations.get_mut(&c) {
                o.job_zone = Some(z);
            }
        }
        Ok(())
    }

    fn titles(
        &mut self,
        source: &dyn TableSource,
        file: &str,
        columns: &[&str],
    ) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, file)? else {
            return Ok(());
        };
        let code = t.column("O*NET-SOC Code")?;
        let columns = columns
            .iter()
            .filter_map(|c| t.optional_column(c))
            .collect::<Vec<_>>();
        if columns.is_empty() {
            return Err(t
                .column("Alternate Title")
                .err()
                .unwrap_or_else(|| t.error("no title column")));
        }
        while t.next_row()? {
            let c = self.occupation_of(&t, code)?.to_owned();
            let id = format!("onet:{c}");
            for &column in &columns {
                let title = t.get(column);
                if !title.is_empty() {
                    self.labels
                        .insert((id.clone(), LabelRole::Alternative, title.to_owned()));
                }
            }
        }
        Ok(())
    }

    fn content_model(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "Content Model Reference.txt")? else {
            return Ok(());
        };
        let (element, name, description) = (
            t.column("Element ID")?,
            t.column("Element Name")?,
            t.column("Description")?,
        );
        let mut elements = Vec::new();
        while t.next_row()? {
            let e = t.required(element)?;
            if let Some((_, kind)) = DOMAINS
                .iter()
                .find(|(d, _)| e == *d || e.starts_with(&format!("{d}.")))
            {
                elements.push((
                    e.to_owned(),
                    *kind,
                    t.required(name)?.to_owned(),
                    non_empty(t.get(description)),
                ));
            }
        }
        let ids: BTreeSet<&str> = elements.iter().map(|(e, ..)| e.as_str()).collect();
        let has_children: BTreeSet<&str> = elements
            .iter()
            .filter_map(|(e, ..)| e.rsplit_once('.').map(|(parent, _)| parent))
            .filter(|p| ids.contains(p))
            .collect();
        let mut skills = Vec::new();
        let mut relations = Vec::new();
        for (e, kind, label, description) in &elements {
            let kind = if has_children.contains(e.as_str()) {
                SkillKind::Group
            } else {
                *kind
            };
            skills.push(onet_skill(element_id(e)?, kind, label, description.clone()));
            if let Some((parent, _)) = e.rsplit_once('.')
                && ids.contains(parent)
            {
                relations.push((format!("onet:{e}"), format!("onet:{parent}")));
            }
        }
        for skill in skills {
            self.skills.insert(skill.id.as_str().to_owned(), skill);
        }
        self.relations.extend(relations);
        Ok(())
    }

    fn iwas(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "IWA Reference.txt")? else {
            return Ok(());
        };
        let (element, iwa, title) = (
            t.column("Element ID")?,
            t.column("IWA ID")?,
            t.column("IWA Title")?,
        );
        while t.next_row()? {
            let id = element_id(t.required(iwa)?)?;
            let parent = format!("onet:{}", t.required(element)?);
            self.relations.insert((id.as_str().to_owned(), parent));
            let skill = onet_skill(id, SkillKind::WorkActivity, t.required(title)?, None);
            self.skills.insert(skill.id.as_str().to_owned(), skill);
        }
        Ok(())
    }

    fn dwas(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "DWA Reference.txt")? else {
            return Ok(());
        };
        let (iwa, dwa, title) = (
            t.column("IWA ID")?,
            t.column("DWA ID")?,
            t.column("DWA Title")?,
        );
        while t.next_row()? {
            let id = element_id(t.required(dwa)?)?;
            let parent = format!("onet:{}", t.required(iwa)?);
            self.relations
                .insert((id.as_str().to_owned(), parent.clone()));
            // An IWA that has DWAs is a grouping of them for matching purposes, but it is still a
            // work activity a person does, so it keeps its kind.
            let skill = onet_skill(id, SkillKind::WorkActivity, t.required(title)?, None);
            self.skills.insert(skill.id.as_str().to_owned(), skill);
        }
        Ok(())
    }

    fn ratings(
        &mut self,
        source: &dyn TableSource,
        file: &str,
        kind: SkillKind,
    ) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, file)? else {
            return Ok(());
        };
        let (code, element, name, scale, value) = (
            t.column("O*NET-SOC Code")?,
            t.column("Element ID")?,
            t.column("Element Name")?,
            t.column("Scale ID")?,
            t.column("Data Value")?,
        );
        while t.next_row()? {
            let c = self.occupation_of(&t, code)?.to_owned();
            let e = t.required(element)?.to_owned();
            let id = format!("onet:{e}");
            if !self.skills.contains_key(&id) {
                // Without the content model the rating file still names its elements.
                let skill = onet_skill(element_id(&e)?, kind, t.required(name)?, None);
                self.skills.insert(id.clone(), skill);
            }
            let v = t.number(value)?;
            let entry = self.ratings.entry((c, id)).or_default();
            match t.required(scale)? {
                "IM" => entry.0 = v,
                "LV" => entry.1 = v,
                other => {
                    return Err(t.error(format!("unknown scale {other:?} (expected IM or LV)")));
                }
            }
        }
        Ok(())
    }

    /// Occupational interests (RIASEC, scale OI). The high-point codes (scale IH) summarise the
    /// same ratings and are left out.
    fn interests(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "Interests.txt")? else {
            return Ok(());
        };
        let (code, element, scale, value) = (
            t.column("O*NET-SOC Code")?,
            t.column("Element ID")?,
            t.column("Scale ID")?,
            t.column("Data Value")?,
        );
        while t.next_row()? {
            if t.required(scale)? != "OI" {
                continue;
            }
            let c = self.occupation_of(&t, code)?.to_owned();
            let e = t.required(element)?.to_owned();
            if !e.starts_with("1.B.1.") {
                return Err(t.error(format!("{e} is not an occupational interest (1.B.1.x)")));
            }
            let Some(v) = t.number(value)? else { continue };
            if !(0.0..=7.0).contains(&v) {
                return Err(t.error(format!("interest rating {v} is outside 1 to 7")));
            }
            self.interests.insert((c, e), v);
        }
        Ok(())
    }

    fn technology(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "Technology Skills.txt")? else {
            return Ok(());
        };
        let (code, example, commodity, commodity_title) = (
            t.column("O*NET-SOC Code")?,
            t.column("Example")?,
            t.column("Commodity Code")?,
            t.column("Commodity Title")?,
        );
        while t.next_row()? {
            let c = self.occupation_of(&t, code)?.to_owned();
            let name = t.required(example)?;
            let slug = normalize::tokens(name).collect::<Vec<_>>().join("-");
            if slug.is_empty() {
                return Err(t.error(format!("technology {name:?} has no letters or digits")));
            }
            let id = format!("onet:tech:{slug}");
            let group = format!("onet:unspsc:{}", t.required(commodity)?);
            if !self.skills.contains_key(&group) {
                let skill = onet_skill(
                    SkillId::parse(&group)?,
                    SkillKind::Group,
                    t.required(commodity_title)?,
                    None,
                );
                self.skills.insert(group.clone(), skill);
            }
            if !self.skills.contains_key(&id) {
                let skill = onet_skill(SkillId::parse(&id)?, SkillKind::Technology, name, None);
                self.skills.insert(id.clone(), skill);
            }
            self.relations.insert((id.clone(), group));
            self.technology.insert((c, id));
        }
        Ok(())
    }

    fn tasks(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let mut t = Table::open_required(source, "Task Statements.txt", Delimiter::Tab)?;
        let (code, id, statement, kind) = (
            t.column("O*NET-SOC Code")?,
            t.column("Task ID")?,
            t.column("Task")?,
            t.column("Task Type")?,
        );
        while t.next_row()? {
            let c = self.occupation_of(&t, code)?.to_owned();
            let raw_id = t.required(id)?;
            if !raw_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(t.error(format!("task id {raw_id:?} is not a number")));
            }
            let task_id = task_id(raw_id)?;
            let category = match t.get(kind) {
                "" => None,
                k => Some(TaskCategory::parse(k).map_err(|e| t.error(e.to_string()))?),
            };
            if self.task_ids.insert(raw_id.to_owned(), c.clone()).is_some() {
                return Err(t.error(format!("task {raw_id} is listed twice")));
            }
            self.tasks.push(TaskStatement {
                id: task_id,
                occupation: occupation_id(&c)?,
                statement: t.required(statement)?.to_owned(),
                category,
                physical: None,
            });
        }
        Ok(())
    }

    fn task_dwas(&mut self, source: &dyn TableSource) -> Result<(), TaxonomyError> {
        let Some(mut t) = self.optional(source, "Tasks to DWAs.txt")? else {
            return Ok(());
        };
        let (task, dwa) = (t.column("Task ID")?, t.column("DWA ID")?);
        while t.next_row()? {
            let task_raw = t.required(task)?;
            if !self.task_ids.contains_key(task_raw) {
                return Err(t.error(format!("task {task_raw} is not in Task Statements.txt")));
            }
            let dwa_id = format!("onet:{}", t.required(dwa)?);
            if !self.skills.contains_key(&dwa_id) {
                return Err(t.error(format!(
                    "work activity {} is not in DWA Reference.txt",
                    t.get(dwa)
                )));
            }
            self.task_dwas
                .insert((format!("onet:task:{task_raw}"), dwa_id));
        }
        Ok(())
    }

    fn finish(self) -> TaxonomyBatch {
        let mut batch = TaxonomyBatch {
            notices: self.notices,
            ..TaxonomyBatch::default()
        };
        for (concept, role, text) in self.labels {
            batch.labels.push(ConceptLabel {
                concept,
                lang: "en".to_owned(),
                role,
                text,
            });
        }
        for skill in self.skills.values() {
            push_own_labels(
                &mut batch.labels,
                skill.id.as_str(),
                &skill.label,
                skill.description.as_deref(),
            );
        }
        for occupation in self.occupations.values() {
            push_own_labels(
                &mut batch.labels,
                occupation.id.as_str(),
                &occupation.title,
                occupation.description.as_deref(),
            );
        }
        for task in &self.tasks {
            push_own_labels(&mut batch.labels, task.id.as_str(), &task.statement, None);
        }
        batch.skill_relations = self
            .relations
            .into_iter()
            .filter(|(_, to)| self.skills.contains_key(to))
            .filter_map(|(from, to)| {
                Some(SkillRelation {
                    from: SkillId::parse(&from).ok()?,
                    to: SkillId::parse(&to).ok()?,
                    kind: SkillRelationKind::Broader,
                })
            })
            .collect();
        for ((occupation, skill), (importance, level)) in self.ratings {
            let Some(importance) = importance else {
                continue;
            };
            let (Ok(occupation), Ok(skill)) = (
                OccupationId::parse(&format!("onet:{occupation}")),
                SkillId::parse(&skill),
            ) else {
                continue;
            };
            batch.occupation_skills.push(OccupationSkill {
                occupation,
                skill,
                relevance: SkillRelevance::Rated,
                importance: Some(importance),
                level,
                weight: ((importance - 1.0) / 4.0).clamp(0.0, 1.0),
            });
        }
        for (occupation, skill) in self.technology {
            let (Ok(occupation), Ok(skill)) = (
                OccupationId::parse(&format!("onet:{occupation}")),
                SkillId::parse(&skill),
            ) else {
                continue;
            };
            batch.occupation_skills.push(OccupationSkill {
                occupation,
                skill,
                relevance: SkillRelevance::Optional,
                importance: None,
                level: None,
                weight: 0.5,
            });
        }
        batch.occupation_interests = self
            .interests
            .into_iter()
            .filter_map(|((occupation, interest), value)| {
                Some(OccupationInterest {
                    occupation: occupation_id(&occupation).ok()?,
                    interest,
                    value,
                })
            })
            .collect();
        batch.task_skills = self
            .task_dwas
            .into_iter()
            .filter_map(|(task, skill)| {
                Some(TaskSkill {
                    task: TaskId::parse(&task).ok()?,
                    skill: SkillId::parse(&skill).ok()?,
                })
            })
            .collect();
        batch.skills = self.skills.into_values().collect();
        batch.occupations = self.occupations.into_values().collect();
        batch.tasks = self.tasks;
        batch
    }
}

/// The preferred label and description in English, as labels (for search and translation).
pub(crate) fn push_own_labels(
    labels: &mut Vec<ConceptLabel>,
    concept: &str,
    label: &str,
    description: Option<&str>,
) {
    labels.push(ConceptLabel {
        concept: concept.to_owned(),
        lang: "en".to_owned(),
        role: LabelRole::Preferred,
        text: label.to_owned(),
    });
    if let Some(description) = description {
        labels.push(ConceptLabel {
            concept: concept.to_owned(),
            lang: "en".to_owned(),
            role: LabelRole::Description,
            text: description.to_owned(),
        });
    }
}

fn onet_skill(id: SkillId, kind: SkillKind, label: &str, description: Option<String>) -> Skill {
    let element = id.as_str().trim_start_matches("onet:").to_owned();
    let source_uri = if element.starts_with("tech:") || element.starts_with("unspsc:") {
        None
    } else {
        Some(format!(
            "https://www.onetonline.org/find/descriptor/result/{element}"
        ))
    };
    Skill {
        id,
        kind,
        source: Source::Onet,
        source_uri,
        label: label.to_owned(),
        description,
    }
}

pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// `15-1252.00`: two digits, a dash, four digits, a dot, two digits.
fn is_onet_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 10
        && b[2] == b'-'
        && b[7] == b'.'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::MemorySource;

    fn release() -> MemorySource {
        MemorySource::new()
            .with(
                "Occupation Data.txt",
                "O*NET-SOC Code\tTitle\tDescription\n51-4041.00\tMachinists\tSet up machines.\n15-1252.00\tSoftware Developers\tWrite code.\n",
            )
            .with(
                "Task Statements.txt",
                "O*NET-SOC Code\tTask ID\tTask\tTask Type\tIncumbents Responding\n51-4041.00\t1\tRead \"blueprints\".\tCore\t10\n15-1252.00\t2\tWrite code.\t\t\n",
            )
            .with(
                "Skills.txt",
                "O*NET-SOC Code\tTitle\tElement ID\tElement Name\tScale ID\tData Value\n51-4041.00\tMachinists\t2.A.1.a\tReading Comprehension\tIM\t3.0\n51-4041.00\tMachinists\t2.A.1.a\tReading Comprehension\tLV\t2.5\n",
            )
    }

    #[test]
    fn a_minimal_release_parses_with_notices_for_missing_tables() {
        let batch = parse(&release(), &mut |_| {}).unwrap();
        assert_eq!(batch.occupations.len(), 2);
        assert_eq!(batch.tasks.len(), 2);
        assert_eq!(batch.tasks[0].statement, "Read \"blueprints\".");
        assert_eq!(batch.tasks[1].category, None);
        assert_eq!(batch.occupation_skills.len(), 1);
        let rating = &batch.occupation_skills[0];
        assert_eq!((rating.importance, rating.level), (Some(3.0), Some(2.5)));
        assert!((rating.weight - 0.5).abs() < 1e-9);
        assert!(batch.notices.iter().any(|n| n.contains("Abilities.txt")));
    }

    #[test]
    fn a_task_of_an_unknown_occupation_names_file_and_line() {
        let source = release().with(
            "Task Statements.txt",
            "O*NET-SOC Code\tTask ID\tTask\tTask Type\n51-4041.00\t1\tA.\tCore\n99-9999.00\t2\tB.\tCore\n",
        );
        let err = parse(&source, &mut |_| {}).unwrap_err().to_string();
        assert_eq!(
            err,
            "Task Statements.txt: line 3: occupation 99-9999.00 is not in Occupation Data.txt"
        );
    }

    #[test]
    fn a_missing_required_file_is_named() {
        let source = MemorySource::new().with(
            "Occupation Data.txt",
            "O*NET-SOC Code\tTitle\tDescription\n",
        );
        let err = parse(&source, &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains("Task Statements.txt"), "{err}");
    }

    #[test]
    fn wrong_headers_are_refused() {
        let source = release().with(
            "Occupation Data.txt",
            "Code\tName\n51-4041.00\tMachinists\n",
        );
        let err = parse(&source, &mut |_| {}).unwrap_err().to_string();
        assert!(
            err.contains("Occupation Data.txt") && err.contains("O*NET-SOC Code"),
            "{err}"
        );
    }

    #[test]
    fn a_truncated_row_names_the_line() {
        let source = release().with(
            "Task Statements.txt",
            "O*NET-SOC Code\tTask ID\tTask\tTask Type\n51-4041.00\t1\tA.\tCore\n51-4041.00\t2\n",
        );
        let err = parse(&source, &mut |_| {}).unwrap_err().to_string();
        assert!(err.starts_with("Task Statements.txt: line 3:"), "{err}");
    }
}
