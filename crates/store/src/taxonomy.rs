//! Writing and reading the taxonomy, written once for both backends.

use crate::areas::Taxonomy;
use std::collections::{BTreeMap, HashMap};

use guild_taxonomy::{
    AiExposure, CrosswalkLink, LabelRole, Occupation, OccupationId, Skill, SkillId, SkillKind,
    Source, TaskCategory, TaxonomyBatch, normalize,
};
use serde::Serialize;

use crate::StoreError;
use crate::search::{self, Candidate};
use crate::sql::{ColumnType, Dialect, Record, Tx, Value, placeholders};

/// The largest page a listing returns.
pub const MAX_PAGE_SIZE: usize = 200;

/// How many label matches a search ranks at most; beyond this the query is too vague to rank well.
const MAX_CANDIDATES: usize = 20_000;

/// What an import wrote.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// The source or dataset imported, e.g. `onet`, `esco`, `crosswalk:nesta`, `ai-exposure:gpts-are-gpts`.
    pub name: String,
    /// Rows written per table.
    pub counts: BTreeMap<String, u64>,
    /// What the importer noticed: skipped tables, merged duplicates.
    pub notices: Vec<String>,
}

/// One page of a listing; pass `next_offset` back to continue.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The offset of the next page, if there is one.
    #[serde(skip)]
    pub next_offset: Option<usize>,
}

/// A search or listing of skills.
#[derive(Debug, Clone, Default)]
pub struct SkillQuery {
    /// Words to look for in labels (any language unless `lang` is set); all must match.
    pub q: Option<String>,
    /// Search labels in this language and answer with labels in it where they exist.
    pub lang: Option<String>,
    /// Only skills of this kind.
    pub kind: Option<SkillKind>,
    /// Only skills from this source.
    pub source: Option<Source>,
    /// Page size, 1 to [`MAX_PAGE_SIZE`].
    pub limit: usize,
    /// Items to skip.
    pub offset: usize,
}

/// A search or listing of occupations.
#[derive(Debug, Clone, Default)]
pub struct OccupationQuery {
    /// Words to look for in titles and alternative titles; all must match.
    pub q: Option<String>,
    /// Search titles in this language and answer with titles in it where they exist.
    pub lang: Option<String>,
    /// Only occupations from this source.
    pub source: Option<Source>,
    /// Page size, 1 to [`MAX_PAGE_SIZE`].
    pub limit: usize,
    /// Items to skip.
    pub offset: usize,
}

/// A skill in a listing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillSummary {
    /// The skill's id.
    pub id: String,
    /// Its kind.
    pub kind: SkillKind,
    /// Its source.
    pub source: Source,
    /// Preferred label in the language asked for, else English.
    pub label: String,
    /// The language of `label`.
    pub lang: String,
    /// The label that matched the query, when searching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

/// An occupation in a listing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationSummary {
    /// The occupation's id.
    pub id: String,
    /// Its source.
    pub source: Source,
    /// The source's code.
    pub code: Option<String>,
    /// Title in the language asked for, else English.
    pub title: String,
    /// The language of `title`.
    pub lang: String,
    /// The title that matched the query, when searching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

/// A label of a concept.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Label {
    /// Language tag.
    pub lang: String,
    /// Preferred, alternative, hidden or description.
    pub role: LabelRole,
    /// The text.
    pub text: String,
}

/// A reference to a skill with its label.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillRef {
    /// The skill's id.
    pub id: String,
    /// Its kind.
    pub kind: SkillKind,
    /// Its English preferred label.
    pub label: String,
}

/// A skill related to another.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedSkill {
    /// `essential_for`/`optional_for` (this skill needs that one) or `needed_by_essential`/`needed_by_optional`.
    pub relation: String,
    /// The related skill.
    pub skill: SkillRef,
}

/// An occupation's need for a skill, seen from the skill.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationNeed {
    /// The occupation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Essential, optional or rated.
    pub relevance: String,
    /// Comparable weight 0–1.
    pub weight: f64,
}

/// Everything known about one skill.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillDetail {
    /// The skill itself.
    #[serde(flatten)]
    pub skill: Skill,
    /// Labels in every language.
    pub labels: Vec<Label>,
    /// Broader concepts.
    pub broader: Vec<SkillRef>,
    /// Narrower concepts.
    pub narrower: Vec<SkillRef>,
    /// Skill–skill relations, both ways.
    pub related: Vec<RelatedSkill>,
    /// How many occupations need it.
    pub occupation_count: u64,
    /// The occupations that need it most (up to 50, by weight).
    pub occupations: Vec<OccupationNeed>,
}

/// An AI-exposure score attached to something.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExposureScore {
    /// Dataset.
    pub dataset: String,
    /// Measure within the dataset.
    pub measure: String,
    /// What the score is about when not the thing itself (e.g. `soc:15-1252`).
    pub subject: String,
    /// The score.
    pub value: f64,
}

/// A task of an occupation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskDetail {
    /// The task's id.
    pub id: String,
    /// The statement (English).
    pub statement: String,
    /// Core or supplemental, where rated.
    pub category: Option<TaskCategory>,
    /// Whether it needs physical presence, where known.
    pub physical: Option<bool>,
    /// Work activities and skills the task exercises.
    pub skills: Vec<SkillRef>,
    /// AI-exposure scores of the task.
    pub ai_exposure: Vec<ExposureScore>,
}

/// An occupation's need for a skill, seen from the occupation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeightedSkill {
    /// The skill.
    #[serde(flatten)]
    pub skill: SkillRef,
    /// Essential, optional or rated.
    pub relevance: String,
    /// O*NET importance 1–5.
    pub importance: Option<f64>,
    /// O*NET level 0–7.
    pub level: Option<f64>,
    /// Comparable weight 0–1.
    pub weight: f64,
}

/// An occupation linked through a crosswalk.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosswalkMatch {
    /// The linked occupation's id.
    pub id: String,
    /// Its title, if it is in the store.
    pub title: Option<String>,
    /// The crosswalk dataset.
    pub dataset: String,
    /// The publisher's confidence, where given.
    pub confidence: Option<f64>,
}

/// Everything known about one occupation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationDetail {
    /// The occupation itself.
    #[serde(flatten)]
    pub occupation: Occupation,
    /// Titles and descriptions in every language.
    pub labels: Vec<Label>,
    /// Its tasks with their work activities and AI exposure.
    pub tasks: Vec<TaskDetail>,
    /// The skills it needs, strongest first.
    pub skills: Vec<WeightedSkill>,
    /// AI-exposure scores of the occupation (and of its SOC group).
    pub ai_exposure: Vec<ExposureScore>,
    /// Equivalent occupations in other taxonomies.
    pub crosswalk: Vec<CrosswalkMatch>,
}

/// Counts for one source.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceStats {
    /// Skill concepts other than groups.
    pub skills: u64,
    /// Skill concepts per kind, groups included.
    pub skills_by_kind: BTreeMap<String, u64>,
    /// Occupations.
    pub occupations: u64,
    /// Task statements.
    pub tasks: u64,
    /// Distinct occupation–skill pairs.
    pub occupation_skills: u64,
    /// Skill hierarchy and skill–skill relations.
    pub skill_relations: u64,
    /// Task–work activity links.
    pub task_skills: u64,
    /// Labels per language (descriptions included).
    pub labels_by_lang: BTreeMap<String, u64>,
}

/// Counts of everything in the taxonomy.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaxonomyStats {
    /// Per source (`onet`, `esco`, `guild`).
    pub sources: BTreeMap<String, SourceStats>,
    /// Crosswalk links per dataset.
    pub crosswalk: BTreeMap<String, u64>,
    /// AI-exposure scores per dataset.
    pub ai_exposure: BTreeMap<String, u64>,
    /// When each source or dataset was last imported (seconds since the Unix epoch).
    pub imports: BTreeMap<String, i64>,
}

const SKILL_COLUMNS: [(&str, ColumnType); 6] = [
    ("id", ColumnType::Text),
    ("source", ColumnType::Text),
    ("kind", ColumnType::Text),
    ("label", ColumnType::Text),
    ("description", ColumnType::Text),
    ("source_uri", ColumnType::Text),
];

/// Tables a source's rows live in, deleted before that source is written again.
const SOURCE_TABLES: [&str; 8] = [
    "skills",
    "occupations",
    "tasks",
    "labels",
    "skill_relations",
    "occupation_skills",
    "task_skills",
    "occupation_interests",
];

fn record_import(tx: &mut dyn Tx, summary: &ImportSummary) -> Result<(), StoreError> {
    let json = serde_json::to_string(summary).map_err(|e| StoreError::Backend(e.to_string()))?;
    tx.execute(
        "DELETE FROM imports WHERE name = $1",
        &[summary.name.as_str().into()],
    )?;
    tx.execute(
        "INSERT INTO imports (name, imported_at, summary) VALUES ($1, $2, $3)",
        &[
            summary.name.as_str().into(),
            tx.now().as_second().to_string().into(),
            json.into(),
        ],
    )?;
    Ok(())
}

fn rebuild_search_index(tx: &mut dyn Tx) -> Result<(), StoreError> {
    if tx.dialect() == Dialect::Sqlite {
        // The FTS5 index mirrors `labels` (external content); rebuilding after a bulk replace is
        // faster than keeping it in step row by row, and cannot drift.
        tx.execute(
            "INSERT INTO labels_fts (labels_fts) VALUES ('rebuild')",
            &[],
        )?;
    }
    Ok(())
}

impl Taxonomy<'_> {
    /// Replaces everything from `batch`'s source with `batch`, in one transaction: on any error
    /// the previous taxonomy stays as it was. Running it twice with the same batch changes nothing.
    pub fn replace_taxonomy(
        &self,
        source: Source,
        batch: &TaxonomyBatch,
        progress: &dyn crate::Progress,
    ) -> Result<ImportSummary, StoreError> {
        let s = source.as_str();
        let total = (batch.skills.len()
            + batch.occupations.len()
            + batch.tasks.len()
            + batch.labels.len()
            + batch.skill_relations.len()
            + batch.occupation_skills.len()
            + batch.task_skills.len()
            + batch.occupation_interests.len()) as u64;
        progress.stage(&format!("writing {s} to the store"), Some(total));
        let summary = self.store.write(|tx| {
            for table in SOURCE_TABLES {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE source = $1"),
                    &[s.into()],
                )?;
            }
            tx.execute("DELETE FROM crosswalk WHERE dataset = $1", &[s.into()])?;
            tx.execute("DELETE FROM ai_exposure WHERE dataset = $1", &[s.into()])?;
            let mut counts = BTreeMap::new();
            let tick = |n: usize| progress.advance(n as u64);

            let n = tx.bulk_insert(
                "skills",
                &SKILL_COLUMNS,
                &mut batch.skills.iter().map(|k| {
                    vec![
                        k.id.as_str().into(),
                        s.into(),
                        k.kind.as_str().into(),
                        k.label.as_str().into(),
                        k.description.as_deref().into(),
                        k.source_uri.as_deref().into(),
                    ]
                }),
            )?;
            tick(batch.skills.len());
            counts.insert("skills".to_owned(), n);

            let n = tx.bulk_insert(
                "occupations",
                &[
                    ("id", ColumnType::Text),
                    ("source", ColumnType::Text),
                    ("code", ColumnType::Text),
                    ("title", ColumnType::Text),
                    ("description", ColumnType::Text),
                    ("grp", ColumnType::Text),
                    ("job_zone", ColumnType::Int),
                    ("source_uri", ColumnType::Text),
                ],
                &mut batch.occupations.iter().map(|o| {
                    vec![
                        o.id.as_str().into(),
                        s.into(),
                        o.code.as_deref().into(),
                        o.title.as_str().into(),
                        o.description.as_deref().into(),
                        o.group.as_deref().into(),
                        o.job_zone.map(i64::from).into(),
                        o.source_uri.as_deref().into(),
                    ]
                }),
            )?;
            tick(batch.occupations.len());
            counts.insert("occupations".to_owned(), n);

            let n = tx.bulk_insert(
                "tasks",
                &[
                    ("id", ColumnType::Text),
                    ("source", ColumnType::Text),
                    ("occupation", ColumnType::Text),
                    ("statement", ColumnType::Text),
                    ("category", ColumnType::Text),
                    ("physical", ColumnType::Int),
                    ("ord", ColumnType::Int),
                ],
                &mut batch.tasks.iter().enumerate().map(|(i, t)| {
                    vec![
                        t.id.as_str().into(),
                        s.into(),
                        t.occupation.as_str().into(),
                        t.statement.as_str().into(),
                        t.category.map(TaskCategory::as_str).into(),
                        t.physical.map(i64::from).into(),
                        (i as i64).into(),
                    ]
                }),
            )?;
            tick(batch.tasks.len());
            counts.insert("tasks".to_owned(), n);

            let n = tx.bulk_insert(
                "labels",
                &[
                    ("source", ColumnType::Text),
                    ("concept", ColumnType::Text),
                    ("lang", ColumnType::Text),
                    ("role", ColumnType::Text),
                    ("text", ColumnType::Text),
                    ("search", ColumnType::Text),
                ],
                &mut batch.labels.iter().map(|l| {
                    let search =
                        (l.role != LabelRole::Description).then(|| normalize::fold(&l.text));
                    vec![
                        s.into(),
                        l.concept.as_str().into(),
                        l.lang.as_str().into(),
                        l.role.as_str().into(),
                        l.text.as_str().into(),
                        search.into(),
                    ]
                }),
            )?;
            tick(batch.labels.len());
            counts.insert("labels".to_owned(), n);

            let n = tx.bulk_insert(
                "skill_relations",
                &[
                    ("source", ColumnType::Text),
                    ("from_skill", ColumnType::Text),
                    ("to_skill", ColumnType::Text),
                    ("kind", ColumnType::Text),
                ],
                &mut batch.skill_relations.iter().map(|r| {
                    vec![
                        s.into(),
                        r.from.as_str().into(),
                        r.to.as_str().into(),
                        r.kind.as_str().into(),
                    ]
                }),
            )?;
            tick(batch.skill_relations.len());
            counts.insert("skill_relations".to_owned(), n);

            let n = tx.bulk_insert(
                "occupation_skills",
                &[
                    ("source", ColumnType::Text),
                    ("occupation", ColumnType::Text),
                    ("skill", ColumnType::Text),
                    ("relevance", ColumnType::Text),
                    ("importance", ColumnType::Real),
                    ("level", ColumnType::Real),
                    ("weight", ColumnType::Real),
                ],
                &mut batch.occupation_skills.iter().map(|r| {
                    vec![
                        s.into(),
                        r.occupation.as_str().into(),
                        r.skill.as_str().into(),
                        r.relevance.as_str().into(),
                        r.importance.into(),
                        r.level.into(),
                        r.weight.into(),
                    ]
                }),
            )?;
            tick(batch.occupation_skills.len());
            counts.insert("occupation_skills".to_owned(), n);

            let n = tx.bulk_insert(
                "task_skills",
                &[
                    ("source", ColumnType::Text),
                    ("task", ColumnType::Text),
                    ("skill", ColumnType::Text),
                ],
                &mut batch
                    .task_skills
                    .iter()
                    .map(|r| vec![s.into(), r.task.as_str().into(), r.skill.as_str().into()]),
            )?;
            tick(batch.task_skills.len());
            counts.insert("task_skills".to_owned(), n);

            if !batch.occupation_interests.is_empty() {
                let n = tx.bulk_insert(
                    "occupation_interests",
                    &[
                        ("source", ColumnType::Text),
                        ("occupation", ColumnType::Text),
                        ("interest", ColumnType::Text),
                        ("value", ColumnType::Real),
                    ],
                    &mut batch.occupation_interests.iter().map(|r| {
                        vec![
                            s.into(),
                            r.occupation.as_str().into(),
                            r.interest.as_str().into(),
                            r.value.into(),
                        ]
                    }),
                )?;
                tick(batch.occupation_interests.len());
                counts.insert("occupation_interests".to_owned(), n);
            }

            if !batch.crosswalk.is_empty() {
                counts.insert(
                    "crosswalk".to_owned(),
                    insert_crosswalk(tx, s, &batch.crosswalk)?,
                );
            }
            if !batch.exposures.is_empty() {
                counts.insert(
                    "ai_exposure".to_owned(),
                    insert_exposures(tx, s, &batch.exposures)?,
                );
            }
            rebuild_search_index(tx)?;
            let summary = ImportSummary {
                name: s.to_owned(),
                counts,
                notices: batch.notices.clone(),
            };
            record_import(tx, &summary)?;
            Ok(summary)
        })?;
        progress.finish();
        Ok(summary)
    }

    /// Replaces the crosswalk `dataset` with `links`, in one transaction.
    pub fn replace_crosswalk(
        &self,
        dataset: &str,
        links: &[CrosswalkLink],
    ) -> Result<ImportSummary, StoreError> {
        self.store.write(|tx| {
            tx.execute(
                "DELETE FROM crosswalk WHERE dataset = $1",
                &[dataset.into()],
            )?;
            let n = insert_crosswalk(tx, dataset, links)?;
            let summary = ImportSummary {
                name: format!("crosswalk:{dataset}"),
                counts: BTreeMap::from([("crosswalk".to_owned(), n)]),
                notices: Vec::new(),
            };
            record_import(tx, &summary)?;
            Ok(summary)
        })
    }

    /// Replaces the AI-exposure `dataset` with `rows`, in one transaction.
    pub fn replace_exposures(
        &self,
        dataset: &str,
        rows: &[AiExposure],
    ) -> Result<ImportSummary, StoreError> {
        self.store.write(|tx| {
            tx.execute(
                "DELETE FROM ai_exposure WHERE dataset = $1",
                &[dataset.into()],
            )?;
            let n = insert_exposures(tx, dataset, rows)?;
            let summary = ImportSummary {
                name: format!("ai-exposure:{dataset}"),
                counts: BTreeMap::from([("ai_exposure".to_owned(), n)]),
                notices: Vec::new(),
            };
            record_import(tx, &summary)?;
            Ok(summary)
        })
    }

    /// Whether any taxonomy is loaded.
    pub fn has_taxonomy(&self) -> Result<bool, StoreError> {
        self.store
            .read(|tx| Ok(!tx.query("SELECT id FROM skills LIMIT 1", &[])?.is_empty()))
    }

    /// Counts per source, kind and language.
    pub fn stats(&self) -> Result<TaxonomyStats, StoreError> {
        self.store.read(|tx| {
            let mut stats = TaxonomyStats::default();
            for row in tx.query(
                "SELECT source, kind, COUNT(*) AS n FROM skills GROUP BY source, kind",
                &[],
            )? {
                let entry = stats
                    .sources
                    .entry(row.text("source")?.to_owned())
                    .or_default();
                let kind = row.text("kind")?.to_owned();
                let n = row.int("n")? as u64;
                if kind != SkillKind::Group.as_str() {
                    entry.skills += n;
                }
                entry.skills_by_kind.insert(kind, n);
            }
            for (table, field) in [
                ("occupations", 0),
                ("tasks", 1),
                ("occupation_skills", 2),
                ("skill_relations", 3),
                ("task_skills", 4),
            ] {
                for row in tx.query(
                    &format!("SELECT source, COUNT(*) AS n FROM {table} GROUP BY source"),
                    &[],
                )? {
                    let entry = stats
                        .sources
                        .entry(row.text("source")?.to_owned())
                        .or_default();
                    let n = row.int("n")? as u64;
                    *match field {
                        0 => &mut entry.occupations,
                        1 => &mut entry.tasks,
                        2 => &mut entry.occupation_skills,
                        3 => &mut entry.skill_relations,
                        _ => &mut entry.task_skills,
                    } = n;
                }
            }
            for row in tx.query(
                "SELECT source, lang, COUNT(*) AS n FROM labels GROUP BY source, lang",
                &[],
            )? {
                let entry = stats
                    .sources
                    .entry(row.text("source")?.to_owned())
                    .or_default();
                entry
                    .labels_by_lang
                    .insert(row.text("lang")?.to_owned(), row.int("n")? as u64);
            }
            for row in tx.query(
                "SELECT dataset, COUNT(*) AS n FROM crosswalk GROUP BY dataset",
                &[],
            )? {
                stats
                    .crosswalk
                    .insert(row.text("dataset")?.to_owned(), row.int("n")? as u64);
            }
            for row in tx.query(
                "SELECT dataset, COUNT(*) AS n FROM ai_exposure GROUP BY dataset",
                &[],
            )? {
                stats
                    .ai_exposure
                    .insert(row.text("dataset")?.to_owned(), row.int("n")? as u64);
            }
            for row in tx.query("SELECT name, imported_at FROM imports", &[])? {
                let at = row.text("imported_at")?.parse().unwrap_or(0);
                stats.imports.insert(row.text("name")?.to_owned(), at);
            }
            Ok(stats)
        })
    }

    /// Searches or lists skills.
    pub fn search_skills(&self, query: &SkillQuery) -> Result<Page<SkillSummary>, StoreError> {
        let mut filters = Vec::new();
        if let Some(kind) = query.kind {
            filters.push(("kind", kind.as_str()));
        }
        if let Some(source) = query.source {
            filters.push(("source", source.as_str()));
        }
        let search = ConceptSearch {
            table: "skills",
            select: "SELECT id, label, kind, source FROM skills",
            q: query.q.as_deref(),
            lang: query.lang.as_deref(),
            filters,
            limit: query.limit,
            offset: query.offset,
        };
        self.store.read(|tx| {
            search.run(tx, |id, row, (label, lang), matched| {
                Ok(SkillSummary {
                    id,
                    kind: SkillKind::parse(row.text("kind")?)?,
                    source: Source::parse(row.text("source")?)?,
                    label,
                    lang,
                    matched,
                })
            })
        })
    }

    /// Searches or lists occupations.
    pub fn search_occupations(
        &self,
        query: &OccupationQuery,
    ) -> Result<Page<OccupationSummary>, StoreError> {
        let mut filters = Vec::new();
        if let Some(source) = query.source {
            filters.push(("source", source.as_str()));
        }
        let search = ConceptSearch {
            table: "occupations",
            select: "SELECT id, title AS label, source, code FROM occupations",
            q: query.q.as_deref(),
            lang: query.lang.as_deref(),
            filters,
            limit: query.limit,
            offset: query.offset,
        };
        self.store.read(|tx| {
            search.run(tx, |id, row, (title, lang), matched| {
                Ok(OccupationSummary {
                    id,
                    source: Source::parse(row.text("source")?)?,
                    code: row.opt_text("code")?,
                    title,
                    lang,
                    matched,
                })
            })
        })
    }

    /// One skill with its labels, hierarchy, relations and the occupations that need it.
    pub fn skill(&self, id: &SkillId) -> Result<SkillDetail, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT id, kind, source, label, description, source_uri FROM skills WHERE id = $1",
                &[id.as_str().into()],
            )?;
            let Some(row) = rows.first() else {
                return Err(StoreError::NotFound { what: "skill", id: id.to_string() });
            };
            let skill = Skill {
                id: id.clone(),
                kind: SkillKind::parse(row.text("kind")?)?,
                source: Source::parse(row.text("source")?)?,
                label: row.text("label")?.to_owned(),
                description: row.opt_text("description")?,
                source_uri: row.opt_text("source_uri")?,
            };
            let key = [id.as_str().into()];
            let refs = |tx: &mut dyn Tx, sql: &str| -> Result<Vec<SkillRef>, StoreError> {
                tx.query(sql, &key)?.iter().map(skill_ref).collect()
            };
            let broader = refs(tx, &format!("SELECT {SKILL_REF_COLUMNS} FROM skill_relations r JOIN skills s ON s.id = r.to_skill WHERE r.from_skill = $1 AND r.kind = 'broader' ORDER BY s.label"))?;
            let narrower = refs(tx, &format!("SELECT {SKILL_REF_COLUMNS} FROM skill_relations r JOIN skills s ON s.id = r.from_skill WHERE r.to_skill = $1 AND r.kind = 'broader' ORDER BY s.label"))?;
            let mut related = Vec::new();
            for row in tx.query(&format!("SELECT {SKILL_REF_COLUMNS}, r.kind AS relation FROM skill_relations r JOIN skills s ON s.id = r.to_skill WHERE r.from_skill = $1 AND r.kind <> 'broader' ORDER BY s.label"), &key)? {
                related.push(RelatedSkill { relation: row.text("relation")?.to_owned(), skill: skill_ref(&row)? });
            }
            for row in tx.query(&format!("SELECT {SKILL_REF_COLUMNS}, r.kind AS relation FROM skill_relations r JOIN skills s ON s.id = r.from_skill WHERE r.to_skill = $1 AND r.kind <> 'broader' ORDER BY s.label"), &key)? {
                let relation = if row.text("relation")? == "essential_for" { "needed_by_essential" } else { "needed_by_optional" };
                related.push(RelatedSkill { relation: relation.to_owned(), skill: skill_ref(&row)? });
            }
            let occupation_count = tx
                .query("SELECT COUNT(*) AS n FROM occupation_skills WHERE skill = $1", &key)?
                .first()
                .map_or(Ok(0), |r| r.int("n"))? as u64;
            let occupations = tx
                .query("SELECT o.id, o.title, r.relevance, r.weight FROM occupation_skills r JOIN occupations o ON o.id = r.occupation WHERE r.skill = $1 ORDER BY r.weight DESC, o.title LIMIT 50", &key)?
                .iter()
                .map(|r| {
                    Ok(OccupationNeed {
                        id: r.text("id")?.to_owned(),
                        title: r.text("title")?.to_owned(),
                        relevance: r.text("relevance")?.to_owned(),
                        weight: r.opt_real("weight")?.unwrap_or(0.0),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(SkillDetail {
                labels: labels_of(tx, id.as_str())?,
                skill,
                broader,
                narrower,
                related,
                occupation_count,
                occupations,
            })
        })
    }

    /// One occupation with its labels, tasks, weighted skills, AI exposure and crosswalk links.
    pub fn occupation(&self, id: &OccupationId) -> Result<OccupationDetail, StoreError> {
        self.store.read(|tx| {
            let key = [id.as_str().into()];
            let rows = tx.query(
                "SELECT id, source, code, title, description, grp, job_zone, source_uri FROM occupations WHERE id = $1",
                &key,
            )?;
            let Some(row) = rows.first() else {
                return Err(StoreError::NotFound { what: "occupation", id: id.to_string() });
            };
            let occupation = Occupation {
                id: id.clone(),
                source: Source::parse(row.text("source")?)?,
                code: row.opt_text("code")?,
                title: row.text("title")?.to_owned(),
                description: row.opt_text("description")?,
                group: row.opt_text("grp")?,
                job_zone: row.opt_int("job_zone")?.and_then(|z| u8::try_from(z).ok()),
                source_uri: row.opt_text("source_uri")?,
            };
            let mut task_skills: HashMap<String, Vec<SkillRef>> = HashMap::new();
            for row in tx.query(&format!("SELECT ts.task, {SKILL_REF_COLUMNS} FROM tasks t JOIN task_skills ts ON ts.task = t.id JOIN skills s ON s.id = ts.skill WHERE t.occupation = $1 ORDER BY s.label"), &key)? {
                task_skills.entry(row.text("task")?.to_owned()).or_default().push(skill_ref(&row)?);
            }
            let mut task_exposure: HashMap<String, Vec<ExposureScore>> = HashMap::new();
            for row in tx.query("SELECT e.subject, e.dataset, e.measure, e.value FROM tasks t JOIN ai_exposure e ON e.subject = t.id WHERE t.occupation = $1 ORDER BY e.dataset, e.measure", &key)? {
                task_exposure.entry(row.text("subject")?.to_owned()).or_default().push(exposure(&row)?);
            }
            let mut tasks = Vec::new();
            for row in tx.query("SELECT id, statement, category, physical FROM tasks WHERE occupation = $1 ORDER BY ord", &key)? {
                let task_id = row.text("id")?.to_owned();
                tasks.push(TaskDetail {
                    statement: row.text("statement")?.to_owned(),
                    category: row.opt_text("category")?.map(|c| TaskCategory::parse(&c)).transpose()?,
                    physical: row.opt_int("physical")?.map(|p| p != 0),
                    skills: task_skills.remove(&task_id).unwrap_or_default(),
                    ai_exposure: task_exposure.remove(&task_id).unwrap_or_default(),
                    id: task_id,
                });
            }
            let skills = tx
                .query(&format!("SELECT {SKILL_REF_COLUMNS}, r.relevance, r.importance, r.level, r.weight FROM occupation_skills r JOIN skills s ON s.id = r.skill WHERE r.occupation = $1 ORDER BY r.weight DESC, s.label"), &key)?
                .iter()
                .map(|r| {
                    Ok(WeightedSkill {
                        skill: skill_ref(r)?,
                        relevance: r.text("relevance")?.to_owned(),
                        importance: r.opt_real("importance")?,
                        level: r.opt_real("level")?,
                        weight: r.opt_real("weight")?.unwrap_or(0.0),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let mut subjects: Vec<Value> = vec![id.as_str().into()];
            if occupation.source == Source::Onet
                && let Some(group) = &occupation.group
            {
                subjects.push(format!("soc:{group}").into());
            }
            let sql = format!(
                "SELECT subject, dataset, measure, value FROM ai_exposure WHERE subject IN ({}) ORDER BY dataset, measure",
                placeholders(1, subjects.len())
            );
            let ai_exposure = tx.query(&sql, &subjects)?.iter().map(exposure).collect::<Result<Vec<_>, _>>()?;
            let mut crosswalk = Vec::new();
            for row in tx.query(
                "SELECT c.onet AS linked, o.title, c.dataset, c.confidence FROM crosswalk c LEFT JOIN occupations o ON o.id = c.onet WHERE c.occupation = $1
                 UNION ALL
                 SELECT c.occupation AS linked, o.title, c.dataset, c.confidence FROM crosswalk c LEFT JOIN occupations o ON o.id = c.occupation WHERE c.onet = $1",
                &key,
            )? {
                crosswalk.push(CrosswalkMatch {
                    id: row.text("linked")?.to_owned(),
                    title: row.opt_text("title")?,
                    dataset: row.text("dataset")?.to_owned(),
                    confidence: row.opt_real("confidence")?,
                });
            }
            crosswalk.sort_by(|a, b| a.id.cmp(&b.id).then(a.dataset.cmp(&b.dataset)));
            Ok(OccupationDetail {
                labels: labels_of(tx, id.as_str())?,
                occupation,
                tasks,
                skills,
                ai_exposure,
                crosswalk,
            })
        })
    }
}

fn insert_crosswalk(
    tx: &mut dyn Tx,
    dataset: &str,
    links: &[CrosswalkLink],
) -> Result<u64, StoreError> {
    tx.bulk_insert(
        "crosswalk",
        &[
            ("dataset", ColumnType::Text),
            ("occupation", ColumnType::Text),
            ("onet", ColumnType::Text),
            ("confidence", ColumnType::Real),
            ("similarity", ColumnType::Real),
        ],
        &mut links.iter().map(|l| {
            vec![
                dataset.into(),
                l.occupation.as_str().into(),
                l.onet.as_str().into(),
                l.confidence.into(),
                l.similarity.into(),
            ]
        }),
    )
}

fn insert_exposures(
    tx: &mut dyn Tx,
    dataset: &str,
    rows: &[AiExposure],
) -> Result<u64, StoreError> {
    tx.bulk_insert(
        "ai_exposure",
        &[
            ("dataset", ColumnType::Text),
            ("subject", ColumnType::Text),
            ("subject_kind", ColumnType::Text),
            ("measure", ColumnType::Text),
            ("value", ColumnType::Real),
        ],
        &mut rows.iter().map(|e| {
            vec![
                dataset.into(),
                e.subject.as_str().into(),
                e.subject_kind.as_str().into(),
                e.measure.as_str().into(),
                e.value.into(),
            ]
        }),
    )
}

fn check_limit(limit: usize) -> Result<usize, StoreError> {
    if (1..=MAX_PAGE_SIZE).contains(&limit) {
        Ok(limit)
    } else {
        Err(StoreError::Invalid(format!(
            "limit must be 1 to {MAX_PAGE_SIZE}, got {limit}"
        )))
    }
}

/// The columns [`skill_ref`] reads, of `skills s`.
const SKILL_REF_COLUMNS: &str = "s.id, s.kind, s.label";

fn skill_ref(row: &Record) -> Result<SkillRef, StoreError> {
    Ok(SkillRef {
        id: row.text("id")?.to_owned(),
        kind: SkillKind::parse(row.text("kind")?)?,
        label: row.text("label")?.to_owned(),
    })
}

/// Reads the columns `subject, dataset, measure, value` of `ai_exposure`.
fn exposure(row: &Record) -> Result<ExposureScore, StoreError> {
    Ok(ExposureScore {
        subject: row.text("subject")?.to_owned(),
        dataset: row.text("dataset")?.to_owned(),
        measure: row.text("measure")?.to_owned(),
        value: row.opt_real("value")?.unwrap_or(0.0),
    })
}

fn labels_of(tx: &mut dyn Tx, concept: &str) -> Result<Vec<Label>, StoreError> {
    tx.query(
        "SELECT lang, role, text FROM labels WHERE concept = $1 ORDER BY lang, role, text",
        &[concept.into()],
    )?
    .iter()
    .map(|r| {
        Ok(Label {
            lang: r.text("lang")?.to_owned(),
            role: LabelRole::parse(r.text("role")?)?,
            text: r.text("text")?.to_owned(),
        })
    })
    .collect()
}

/// A search (with `q`) or listing (without) of the concepts in `table`, paged.
struct ConceptSearch<'a> {
    /// `skills` or `occupations`.
    table: &'static str,
    /// Selects the columns the summary needs, among them `id` and the English `label`.
    select: &'static str,
    q: Option<&'a str>,
    lang: Option<&'a str>,
    /// Column = value filters on `table`.
    filters: Vec<(&'static str, &'a str)>,
    limit: usize,
    offset: usize,
}

impl ConceptSearch<'_> {
    /// Finds the page's ids, then builds each item from its row, its label (in the language
    /// asked for where there is one) and the label it matched on.
    fn run<T>(
        &self,
        tx: &mut dyn Tx,
        item: impl Fn(String, &Record, (String, String), Option<String>) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let limit = check_limit(self.limit)?;
        let mut params: Vec<Value> = Vec::new();
        let mut conditions = Vec::new();
        for (column, value) in &self.filters {
            params.push((*value).into());
            conditions.push(format!("s.{column} = ${}", params.len()));
        }
        // One more than the page, to tell whether another page follows.
        let (mut ids, matched) = match self.q.and_then(search::tokens) {
            Some(tokens) => {
                let ranked = label_search(tx, self.table, &tokens, self.lang, conditions, params)?;
                let mut matched = HashMap::new();
                let ids = ranked
                    .into_iter()
                    .skip(self.offset)
                    .take(limit + 1)
                    .map(|r| {
                        matched.insert(r.concept.clone(), r.matched);
                        r.concept
                    })
                    .collect::<Vec<_>>();
                (ids, matched)
            }
            None => {
                let filter = if conditions.is_empty() {
                    String::new()
                } else {
                    format!("WHERE {}", conditions.join(" AND "))
                };
                params.push((limit as i64 + 1).into());
                params.push((self.offset as i64).into());
                let sql = format!(
                    "SELECT s.id FROM {} s {filter} ORDER BY s.id LIMIT ${} OFFSET ${}",
                    self.table,
                    params.len() - 1,
                    params.len()
                );
                let ids = tx
                    .query(&sql, &params)?
                    .iter()
                    .map(|r| r.text("id").map(str::to_owned))
                    .collect::<Result<Vec<_>, _>>()?;
                (ids, HashMap::new())
            }
        };
        let next_offset = (ids.len() > limit).then_some(self.offset + limit);
        ids.truncate(limit);
        let labels = preferred_labels(tx, &ids, self.lang)?;
        let rows = fetch_by_ids(tx, self.select, &ids)?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(row) = rows.get(&id) else { continue };
            let label = match labels.get(&id) {
                Some(label) => label.clone(),
                None => (row.text("label")?.to_owned(), "en".to_owned()),
            };
            let matched = matched.get(&id).cloned();
            items.push(item(id, row, label, matched)?);
        }
        Ok(Page { items, next_offset })
    }
}

/// Label matches of every query token (as prefixes) among concepts of `table`.
fn label_search(
    tx: &mut dyn Tx,
    table: &str,
    tokens: &[String],
    lang: Option<&str>,
    mut conditions: Vec<String>,
    mut params: Vec<Value>,
) -> Result<Vec<search::Ranked>, StoreError> {
    let from = match tx.dialect() {
        Dialect::Sqlite => {
            params.push(
                tokens
                    .iter()
                    .map(|t| format!("\"{t}\"*"))
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            );
            conditions.push(format!("labels_fts MATCH ${}", params.len()));
            "labels_fts JOIN labels l ON l.id = labels_fts.rowid".to_owned()
        }
        Dialect::Postgres => {
            params.push(
                tokens
                    .iter()
                    .map(|t| format!("{t}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ")
                    .into(),
            );
            conditions.push(format!(
                "l.search IS NOT NULL AND to_tsvector('simple', l.search) @@ to_tsquery('simple', ${})",
                params.len()
            ));
            "labels l".to_owned()
        }
    };
    if let Some(lang) = lang {
        params.push(lang.into());
        conditions.push(format!("l.lang = ${}", params.len()));
    }
    let sql = format!(
        "SELECT l.concept, l.lang, l.role, l.text FROM {from} JOIN {table} s ON s.id = l.concept WHERE {} LIMIT {MAX_CANDIDATES}",
        conditions.join(" AND ")
    );
    let candidates = tx
        .query(&sql, &params)?
        .into_iter()
        .map(|r| {
            Ok(Candidate {
                concept: r.text("concept")?.to_owned(),
                lang: r.text("lang")?.to_owned(),
                role: r.text("role")?.to_owned(),
                text: r.text("text")?.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(search::rank(tokens, candidates))
}

impl Taxonomy<'_> {
    /// Each skill's label in `lang` where the taxonomy has one, else its own label (its id
    /// when unknown), in the order given.
    pub fn skill_labels_in(&self, ids: &[String], lang: &str) -> Result<Vec<String>, StoreError> {
        let own = self.skill_labels(ids)?;
        let local = self
            .store
            .read(|tx| preferred_labels(tx, ids, Some(lang)))?;
        Ok(ids
            .iter()
            .map(|id| {
                local
                    .get(id)
                    .map(|(text, _)| text.clone())
                    .or_else(|| own.get(id).map(|(label, _)| label.clone()))
                    .unwrap_or_else(|| id.clone())
            })
            .collect())
    }
}

/// Preferred labels of `ids` in `lang` (when asked for and present).
fn preferred_labels(
    tx: &mut dyn Tx,
    ids: &[String],
    lang: Option<&str>,
) -> Result<HashMap<String, (String, String)>, StoreError> {
    let Some(lang) = lang.filter(|l| *l != "en") else {
        return Ok(HashMap::new());
    };
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut params: Vec<Value> = vec![lang.into()];
    params.extend(ids.iter().map(Value::from));
    let sql = format!(
        "SELECT concept, text FROM labels WHERE role = 'preferred' AND lang = $1 AND concept IN ({})",
        placeholders(2, ids.len())
    );
    let mut out = HashMap::new();
    for row in tx.query(&sql, &params)? {
        out.insert(
            row.text("concept")?.to_owned(),
            (row.text("text")?.to_owned(), lang.to_owned()),
        );
    }
    Ok(out)
}

fn fetch_by_ids(
    tx: &mut dyn Tx,
    select: &str,
    ids: &[String],
) -> Result<HashMap<String, Record>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let params: Vec<Value> = ids.iter().map(Value::from).collect();
    let sql = format!("{select} WHERE id IN ({})", placeholders(1, ids.len()));
    let mut out = HashMap::new();
    for row in tx.query(&sql, &params)? {
        out.insert(row.text("id")?.to_owned(), row);
    }
    Ok(out)
}
