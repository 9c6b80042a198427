//! Loading the taxonomy as documents for the extraction engine.

use crate::areas::Taxonomy;
use std::collections::HashMap;

use guild_extraction::deconstruct::{LinkedSkill, TaskFacts};
use guild_extraction::skills::ConceptInfo;
use guild_extraction::{ConceptDoc, ConceptText, Field};
use guild_taxonomy::Source;

use crate::StoreError;
use crate::sql::{Record, Tx, Value, placeholders};

/// Concepts ready to index, with what to show for each.
#[derive(Debug, Default)]
pub struct Corpus {
    /// One document per concept: labels and descriptions in every language.
    pub docs: Vec<ConceptDoc>,
    /// Display label and kind of each document's concept.
    pub info: Vec<ConceptInfo>,
}

fn field(role: &str) -> Field {
    match role {
        "preferred" => Field::Preferred,
        "description" => Field::Description,
        _ => Field::Alternative,
    }
}

impl Taxonomy<'_> {
    /// The skills of `sources` (every source when empty), groups left out, each with the share of
    /// occupations that need it (log-scaled) as its prior.
    pub fn skill_corpus(&self, sources: &[Source]) -> Result<Corpus, StoreError> {
        self.store.read(|tx| {
            let (filter, params) = source_filter("s.source", sources);
            let sql = format!("SELECT s.id, s.label, s.kind FROM skills s WHERE s.kind <> 'group' {filter} ORDER BY s.id");
            let rows = tx.query(&sql, &params)?;
            let sql = format!(
                "SELECT r.skill, SUM(r.weight) AS demand FROM occupation_skills r JOIN skills s ON s.id = r.skill WHERE s.kind <> 'group' {filter} GROUP BY r.skill"
            );
            let mut demand: HashMap<String, f64> = HashMap::new();
            for row in tx.query(&sql, &params)? {
                demand.insert(row.text("skill")?.to_owned(), row.opt_real("demand")?.unwrap_or(0.0));
            }
            let max = demand.values().copied().fold(0.0f64, f64::max);
            let priors = |id: &str| -> f32 {
                let d = demand.get(id).copied().unwrap_or(0.0);
                if max > 0.0 { ((1.0 + d).ln() / (1.0 + max).ln()) as f32 } else { 0.0 }
            };
            build(tx, rows, "skills s", "s.kind <> 'group'", &filter, &params, priors)
        })
    }

    /// The occupations of `sources` (every source when empty).
    pub fn occupation_corpus(&self, sources: &[Source]) -> Result<Corpus, StoreError> {
        self.store.read(|tx| {
            let (filter, params) = source_filter("s.source", sources);
            let sql = format!("SELECT s.id, s.title AS label, s.source AS kind FROM occupations s WHERE 1 = 1 {filter} ORDER BY s.id");
            let rows = tx.query(&sql, &params)?;
            build(tx, rows, "occupations s", "1 = 1", &filter, &params, |_| 0.0)
        })
    }
}

fn source_filter(column: &str, sources: &[Source]) -> (String, Vec<Value>) {
    if sources.is_empty() {
        return (String::new(), Vec::new());
    }
    let params: Vec<Value> = sources.iter().map(|s| s.as_str().into()).collect();
    (
        format!("AND {column} IN ({})", placeholders(1, params.len())),
        params,
    )
}

/// Documents for `rows` (columns `id`, `label`, `kind`) with all their labels.
fn build(
    tx: &mut dyn Tx,
    rows: Vec<Record>,
    table: &str,
    condition: &str,
    filter: &str,
    params: &[Value],
    prior: impl Fn(&str) -> f32,
) -> Result<Corpus, StoreError> {
    let mut position: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut corpus = Corpus::default();
    for row in &rows {
        let id = row.text("id")?.to_owned();
        position.insert(id.clone(), corpus.docs.len());
        corpus.info.push(ConceptInfo {
            label: row.text("label")?.to_owned(),
            kind: row.text("kind")?.to_owned(),
        });
        corpus.docs.push(ConceptDoc {
            prior: prior(&id),
            id,
            texts: Vec::new(),
        });
    }
    let sql = format!(
        "SELECT l.concept, l.lang, l.role, l.text FROM labels l JOIN {table} ON s.id = l.concept WHERE {condition} {filter} ORDER BY l.concept, l.lang, l.role, l.text"
    );
    for row in tx.query(&sql, params)? {
        let Some(&i) = position.get(row.text("concept")?) else {
            continue;
        };
        corpus.docs[i].texts.push(ConceptText {
            lang: row.text("lang")?.to_owned(),
            field: field(row.text("role")?),
            text: row.text("text")?.to_owned(),
        });
    }
    Ok(corpus)
}

/// O*NET generalised work activities whose detailed activities need a person on site: physical
/// and manual work (4.A.3.a), repairing mechanical and electronic equipment (4.A.3.b.4, .5),
/// inspecting equipment, structures or materials (4.A.1.b.2), caring for others (4.A.4.a.5) and
/// working directly with the public (4.A.4.a.8): the activities Dingel and Neiman read as on site
/// (guild_extraction::presence). DWA ids start with their GWA's element id.
const PHYSICAL_ACTIVITIES: [(&str, &str); 6] = [
    ("onet:4.A.3.a.", "physical and manual work"),
    ("onet:4.A.3.b.4.", "repairing mechanical equipment"),
    ("onet:4.A.3.b.5.", "repairing electronic equipment"),
    (
        "onet:4.A.1.b.2.",
        "inspecting equipment, structures or materials",
    ),
    ("onet:4.A.4.a.5.", "assisting and caring for others"),
    ("onet:4.A.4.a.8.", "working directly with the public"),
];

/// Exposure measures used as a task's headline AI exposure, most trusted first.
const TASK_EXPOSURE: [(&str, &str); 2] = [("guild", "estimate"), ("gpts-are-gpts", "gpt4_beta")];

impl Taxonomy<'_> {
    /// Every task statement (all languages), for finding tasks similar to a text.
    pub fn task_corpus(&self) -> Result<Corpus, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT s.id, s.statement AS label, s.occupation AS kind FROM tasks s ORDER BY s.id",
                &[],
            )?;
            let mut corpus = build(tx, rows, "tasks s", "1 = 1", "", &[], |_| 0.0)?;
            // Statements are stored as preferred labels: index them as descriptions too, so that
            // long statements are also scored by BM25 and not only by label coverage.
            for doc in &mut corpus.docs {
                let extra: Vec<ConceptText> = doc
                    .texts
                    .iter()
                    .filter(|t| t.field == Field::Preferred)
                    .map(|t| ConceptText {
                        field: Field::Description,
                        ..t.clone()
                    })
                    .collect();
                doc.texts.extend(extra);
            }
            Ok(corpus)
        })
    }

    /// Every concept (skill, skill group, occupation, of any source) with a preferred label in a
    /// language other than English, with its preferred and alternative labels in every
    /// language: the parallel labels a lexicon into English is learned from. Hidden labels are
    /// left out (misspellings and outdated terms), and so are descriptions.
    pub fn parallel_labels(&self) -> Result<Vec<ConceptDoc>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT l.concept, l.lang, l.role, l.text FROM labels l \
                 WHERE l.role IN ('preferred', 'alternative') \
                 AND l.concept IN (SELECT concept FROM labels WHERE lang <> 'en' AND role = 'preferred') \
                 ORDER BY l.concept, l.lang, l.role, l.text",
                &[],
            )?;
            let mut docs: Vec<ConceptDoc> = Vec::new();
            for row in rows {
                let concept = row.text("concept")?;
                if docs.last().is_none_or(|d| d.id != concept) {
                    docs.push(ConceptDoc {
                        id: concept.to_owned(),
                        texts: Vec::new(),
                        prior: 0.0,
                    });
                }
                if let Some(doc) = docs.last_mut() {
                    doc.texts.push(ConceptText {
                        lang: row.text("lang")?.to_owned(),
                        field: field(row.text("role")?),
                        text: row.text("text")?.to_owned(),
                    });
                }
            }
            Ok(docs)
        })
    }

    /// ESCO (and starter) → O*NET occupation links of every crosswalk dataset, with confidence.
    pub fn crosswalk_links(&self) -> Result<Vec<(String, String, f64)>, StoreError> {
        self.store.read(|tx| {
            tx.query("SELECT occupation, onet, confidence FROM crosswalk", &[])?
                .iter()
                .map(|r| {
                    Ok((
                        r.text("occupation")?.to_owned(),
                        r.text("onet")?.to_owned(),
                        r.opt_real("confidence")?.unwrap_or(1.0),
                    ))
                })
                .collect()
        })
    }

    /// Every occupation–skill weight (for inferring occupations from skills).
    pub fn occupation_skill_weights(&self) -> Result<Vec<(String, String, f64)>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT occupation, skill, weight FROM occupation_skills",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.text("occupation")?.to_owned(),
                    r.text("skill")?.to_owned(),
                    r.opt_real("weight")?.unwrap_or(0.0),
                ))
            })
            .collect()
        })
    }

    /// Facts about the tasks `ids` (unknown ids are left out), in the order given.
    pub fn task_facts(&self, ids: &[String]) -> Result<Vec<TaskFacts>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.store.read(|tx| {
            let params: Vec<Value> = ids.iter().map(Value::from).collect();
            let list = placeholders(1, ids.len());
            let mut facts: HashMap<String, TaskFacts> = HashMap::new();
            for r in tx.query(&format!("SELECT id, occupation, statement, physical FROM tasks WHERE id IN ({list})"), &params)? {
                let physical = r.opt_int("physical")?.map(|p| p != 0);
                facts.insert(
                    r.text("id")?.to_owned(),
                    TaskFacts {
                        id: r.text("id")?.to_owned(),
                        occupation: r.text("occupation")?.to_owned(),
                        statement: r.text("statement")?.to_owned(),
                        skills: Vec::new(),
                        ai_exposure: None,
                        ai_exposure_source: None,
                        physical,
                        physical_basis: physical.map(|_| "stated by the taxonomy".to_owned()),
                        onsite: None,
                    },
                );
            }
            for r in tx.query(
                &format!("SELECT ts.task, s.id, s.kind, s.label FROM task_skills ts JOIN skills s ON s.id = ts.skill WHERE ts.task IN ({list}) ORDER BY s.label"),
                &params,
            )? {
                let Some(f) = facts.get_mut(r.text("task")?) else { continue };
                let skill = LinkedSkill {
                    id: r.text("id")?.to_owned(),
                    kind: r.text("kind")?.to_owned(),
                    label: r.text("label")?.to_owned(),
                };
                if f.physical_basis.as_deref() != Some("stated by the taxonomy")
                    && let Some((_, why)) = PHYSICAL_ACTIVITIES.iter().find(|(p, _)| skill.id.starts_with(p))
                {
                    f.physical = Some(true);
                    f.physical_basis = Some(format!("work activity \"{}\" is {why}", skill.label));
                }
                f.skills.push(skill);
            }
            for f in facts.values_mut() {
                if f.physical.is_none() && f.skills.iter().any(|s| s.id.starts_with("onet:4.A.")) {
                    f.physical = Some(false);
                    f.physical_basis = Some("none of its work activities needs presence on site".to_owned());
                }
            }
            for r in tx.query(&format!("SELECT task, onsite FROM task_presence WHERE task IN ({list})"), &params)? {
                if let Some(f) = facts.get_mut(r.text("task")?) {
                    f.onsite = r.opt_real("onsite")?;
                }
            }
            for r in tx.query(
                &format!("SELECT subject, dataset, measure, value FROM ai_exposure WHERE subject IN ({list})"),
                &params,
            )? {
                let Some(f) = facts.get_mut(r.text("subject")?) else { continue };
                let (dataset, measure) = (r.text("dataset")?, r.text("measure")?);
                let Some(rank) = TASK_EXPOSURE.iter().position(|(d, m)| *d == dataset && *m == measure) else { continue };
                let current = f.ai_exposure_source.as_deref().and_then(|s| {
                    TASK_EXPOSURE.iter().position(|(d, m)| s == format!("{d}:{m}"))
                });
                if current.is_none_or(|c| rank < c) {
                    f.ai_exposure = r.opt_real("value")?;
                    f.ai_exposure_source = Some(format!("{dataset}:{measure}"));
                }
            }
            Ok(ids.iter().filter_map(|id| facts.remove(id)).collect())
        })
    }
}
