//! The catalogue of learning resources and skill tests, and workers' offers to teach: the stored
//! side of reskilling's learning paths and trainers.
//!
//! Every write runs in one transaction; skills are checked against the taxonomy when written.
//! A bulk import is all or nothing.

use crate::areas::Learning;
use guild_ids::ResourceId;
use std::collections::{BTreeSet, HashMap};

use guild_matching::{Currency, Money, Proficiency, WorkerId};
use guild_reskilling::catalogue::{LearningResource, ResourceKind, SkillLevel};
use guild_reskilling::trainers::TrainerOffer;
use guild_taxonomy::SkillId;

use crate::StoreError;
use crate::matching::Owner;
use crate::sql::{ColumnType, Record, Tx, Value, placeholders};

/// A stored learning resource and its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResource {
    /// The resource (its `id` is the store's).
    pub resource: LearningResource,
    /// The account that added it, or `None` for the operator (`guild resources import`).
    pub owner: Owner,
}

/// Which resources to list: filters and a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceFilter {
    /// Only resources that teach this skill.
    pub skill: Option<SkillId>,
    /// Only resources in this language.
    pub language: Option<String>,
    /// Only resources of this kind.
    pub kind: Option<ResourceKind>,
    /// Ids after this one.
    pub after: i64,
    /// At most this many, 1 to [`crate::MAX_PAGE_SIZE`].
    pub limit: usize,
}

/// A worker's offer to teach one skill.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeachingOffer {
    /// The worker who teaches.
    pub worker: WorkerId,
    /// The skill taught.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// Hourly rate asked for teaching (`None`: not stated).
    #[serde(default)]
    pub rate: Option<Money>,
    /// Whether the worker teaches remotely (otherwise in person only).
    #[serde(default)]
    pub remote: bool,
    /// The worker's own words about the offer (at most 2,000 characters).
    #[serde(default)]
    pub note: String,
    /// When it was first made (RFC 3339).
    #[serde(default)]
    pub created_at: String,
}

/// Skills per query when checking or loading by skill (well under both backends' limits).
const SKILLS_PER_QUERY: usize = 500;

fn stored_skill(raw: &str) -> Result<SkillId, StoreError> {
    SkillId::parse(raw).map_err(|e| StoreError::Backend(format!("stored skill id: {e}")))
}

fn stored_level(v: &Value) -> Result<Proficiency, StoreError> {
    let level = v.int()?;
    u8::try_from(level)
        .ok()
        .and_then(|l| Proficiency::new(l).ok())
        .ok_or_else(|| StoreError::Backend(format!("stored level {level} is not 1 to 5")))
}

fn stored_money(minor: &Value, currency: &Value) -> Result<Option<Money>, StoreError> {
    match (minor.opt_int()?, currency.opt_text()?) {
        (Some(m), Some(c)) => {
            let currency =
                Currency::parse(&c).map_err(|e| StoreError::Backend(format!("stored {e}")))?;
            Money::new(m, currency)
                .map(Some)
                .map_err(|e| StoreError::Backend(format!("stored {e}")))
        }
        _ => Ok(None),
    }
}

/// The skills of `wanted` the taxonomy does not have, in order.
fn unknown_skills(
    tx: &mut dyn Tx,
    wanted: &BTreeSet<&SkillId>,
) -> Result<BTreeSet<SkillId>, StoreError> {
    let all: Vec<&SkillId> = wanted.iter().copied().collect();
    let mut known = BTreeSet::new();
    for chunk in all.chunks(SKILLS_PER_QUERY) {
        let params: Vec<Value> = chunk.iter().map(|s| s.as_str().into()).collect();
        for r in tx.query(
            &format!(
                "SELECT id FROM skills WHERE id IN ({})",
                placeholders(1, chunk.len())
            ),
            &params,
        )? {
            known.insert(r.text("id")?.to_owned());
        }
    }
    Ok(all
        .into_iter()
        .filter(|s| !known.contains(s.as_str()))
        .cloned()
        .collect())
}

/// Validates resources and refuses unknown skills, naming the line (`first_line` is the line
/// or entry number of `resources[0]`) and the title.
fn check_resources(
    tx: &mut dyn Tx,
    resources: &[LearningResource],
    first_line: Option<usize>,
) -> Result<(), StoreError> {
    let at = |i: usize, r: &LearningResource| match first_line {
        Some(first) => format!("catalogue line {}: ", first + i),
        None => format!("resource {:?}: ", r.title),
    };
    for (i, r) in resources.iter().enumerate() {
        r.validate()
            .map_err(|e| StoreError::Invalid(format!("{}{e}", at(i, r))))?;
    }
    let wanted: BTreeSet<&SkillId> = resources
        .iter()
        .flat_map(|r| r.teaches.iter().chain(&r.requires).map(|s| &s.skill))
        .collect();
    let unknown = unknown_skills(tx, &wanted)?;
    if unknown.is_empty() {
        return Ok(());
    }
    for (i, r) in resources.iter().enumerate() {
        if let Some(s) = r
            .teaches
            .iter()
            .chain(&r.requires)
            .find(|s| unknown.contains(&s.skill))
        {
            return Err(StoreError::Invalid(format!(
                "{}unknown skill {}: use an id from /api/v1/skills",
                at(i, r),
                s.skill
            )));
        }
    }
    Ok(())
}

fn resource_params(r: &LearningResource, stamp: &str) -> Vec<Value> {
    vec![
        r.title.trim().into(),
        r.kind.as_str().into(),
        f64::from(r.hours).into(),
        r.cost.map(|c| c.minor).into(),
        r.cost.map(|c| c.currency.code().to_owned()).into(),
        r.language.trim().to_ascii_lowercase().into(),
        r.provider.trim().into(),
        r.link.as_deref().map(str::trim).into(),
        stamp.into(),
    ]
}

/// Rows of `learning_resource_skills` for a resource.
fn skill_rows(id: ResourceId, r: &LearningResource) -> impl Iterator<Item = Vec<Value>> + '_ {
    let teaches = r.teaches.iter().enumerate().map(|(o, s)| (o, "teaches", s));
    let requires = r
        .requires
        .iter()
        .enumerate()
        .map(|(o, s)| (o, "requires", s));
    teaches.chain(requires).map(move |(ord, role, s)| {
        vec![
            id.into(),
            role.into(),
            s.skill.as_str().into(),
            i64::from(s.level.level()).into(),
            (ord as i64).into(),
        ]
    })
}

const SKILL_COLUMNS: [(&str, ColumnType); 5] = [
    ("resource_id", ColumnType::Int),
    ("role", ColumnType::Text),
    ("skill", ColumnType::Text),
    ("level", ColumnType::Int),
    ("ord", ColumnType::Int),
];

fn insert_resource(
    tx: &mut dyn Tx,
    owner: Owner,
    r: &LearningResource,
    stamp: &str,
) -> Result<ResourceId, StoreError> {
    let mut params = vec![Value::from(owner)];
    params.extend(resource_params(r, stamp));
    params.push(stamp.into());
    let rows = tx.query(
        "INSERT INTO learning_resources (owner_id, title, kind, hours, cost_minor, cost_currency, \
         language, provider, link, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &params,
    )?;
    rows.first()
        .ok_or_else(|| StoreError::Backend("INSERT … RETURNING gave no row".to_owned()))?
        .id("id")
}

const RESOURCE_COLUMNS: &str =
    "id, owner_id, title, kind, hours, cost_minor, cost_currency, language, provider, link";

fn resource_from_row(r: &Record) -> Result<StoredResource, StoreError> {
    Ok(StoredResource {
        owner: r.opt_id("owner_id")?,
        resource: LearningResource {
            id: r.id("id")?,
            title: r.text("title")?.to_owned(),
            kind: ResourceKind::parse(r.text("kind")?)
                .map_err(|e| StoreError::Backend(format!("stored {e}")))?,
            teaches: Vec::new(),
            requires: Vec::new(),
            hours: r
                .opt_real("hours")?
                .ok_or_else(|| StoreError::Backend("stored hours are NULL".to_owned()))?
                as f32,
            cost: stored_money(r.get("cost_minor")?, r.get("cost_currency")?)?,
            language: r.text("language")?.to_owned(),
            provider: r.text("provider")?.to_owned(),
            link: r.opt_text("link")?,
        },
    })
}

/// Resources chosen by `selection` (a `WHERE …`/`ORDER BY …`/`LIMIT …` tail over
/// `learning_resources`, with `params`), with their skills: two queries, whatever the number.
fn load_resources(
    tx: &mut dyn Tx,
    selection: &str,
    params: &[Value],
) -> Result<Vec<StoredResource>, StoreError> {
    let mut found = tx
        .query(
            &format!("SELECT {RESOURCE_COLUMNS} FROM learning_resources {selection}"),
            params,
        )?
        .iter()
        .map(resource_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if found.is_empty() {
        return Ok(found);
    }
    let at: HashMap<ResourceId, usize> = found
        .iter()
        .enumerate()
        .map(|(i, r)| (r.resource.id, i))
        .collect();
    let rows = tx.query(
        &format!(
            "SELECT resource_id, role, skill, level FROM learning_resource_skills \
             WHERE resource_id IN (SELECT id FROM learning_resources {selection}) \
             ORDER BY resource_id, role, ord"
        ),
        params,
    )?;
    for r in rows {
        if let Some(&i) = at.get(&r.id::<ResourceId>("resource_id")?) {
            let level = SkillLevel {
                skill: stored_skill(r.text("skill")?)?,
                level: stored_level(r.get("level")?)?,
            };
            let resource = &mut found[i].resource;
            if r.text("role")? == "requires" {
                resource.requires.push(level);
            } else {
                resource.teaches.push(level);
            }
        }
    }
    Ok(found)
}

fn not_found(what: &'static str, id: impl ToString) -> StoreError {
    StoreError::NotFound {
        what,
        id: id.to_string(),
    }
}

fn offer_from_row(r: &Record) -> Result<TeachingOffer, StoreError> {
    Ok(TeachingOffer {
        worker: r.id("worker_id")?,
        skill: stored_skill(r.text("skill")?)?,
        rate: stored_money(r.get("rate_minor")?, r.get("rate_currency")?)?,
        remote: r.int("remote")? != 0,
        note: r.text("note")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
    })
}

impl Learning<'_> {
    /// Stores one new learning resource (validated, skills checked against the taxonomy).
    pub fn add_resource(
        &self,
        owner: Owner,
        resource: &LearningResource,
    ) -> Result<ResourceId, StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_resources(tx, std::slice::from_ref(resource), None)?;
            let id = insert_resource(tx, owner, resource, &stamp)?;
            tx.bulk_insert(
                "learning_resource_skills",
                &SKILL_COLUMNS,
                &mut skill_rows(id, resource),
            )?;
            Ok(id)
        })
    }

    /// Stores many resources in one transaction: all of them, or none when any is invalid or
    /// names a skill the taxonomy lacks. Errors name the line: `first_line` is the line (CSV:
    /// 2, after the header) or entry (JSON: 1) of `resources[0]`. Returns the new ids in order.
    pub fn import_resources(
        &self,
        owner: Owner,
        resources: &[LearningResource],
        first_line: usize,
    ) -> Result<Vec<ResourceId>, StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_resources(tx, resources, Some(first_line))?;
            let mut ids = Vec::with_capacity(resources.len());
            for r in resources {
                ids.push(insert_resource(tx, owner, r, &stamp)?);
            }
            let mut rows = ids
                .iter()
                .zip(resources)
                .flat_map(|(&id, r)| skill_rows(id, r));
            tx.bulk_insert("learning_resource_skills", &SKILL_COLUMNS, &mut rows)?;
            Ok(ids)
        })
    }

    /// Replaces a resource's fields and skills (its owner stays).
    pub fn replace_resource(
        &self,
        id: ResourceId,
        resource: &LearningResource,
    ) -> Result<(), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_resources(tx, std::slice::from_ref(resource), None)?;
            let mut params = resource_params(resource, &stamp);
            params.push(id.into());
            let n = tx.execute(
                "UPDATE learning_resources SET title = $1, kind = $2, hours = $3, cost_minor = $4, \
                 cost_currency = $5, language = $6, provider = $7, link = $8, updated_at = $9 \
                 WHERE id = $10",
                &params,
            )?;
            if n == 0 {
                return Err(not_found("learning resource", id));
            }
            tx.execute(
                "DELETE FROM learning_resource_skills WHERE resource_id = $1",
                &[id.into()],
            )?;
            tx.bulk_insert(
                "learning_resource_skills",
                &SKILL_COLUMNS,
                &mut skill_rows(id, resource),
            )?;
            Ok(())
        })
    }

    /// Deletes a resource.
    pub fn delete_resource(&self, id: ResourceId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            if tx.execute("DELETE FROM learning_resources WHERE id = $1", &[id.into()])? == 0 {
                return Err(not_found("learning resource", id));
            }
            Ok(())
        })
    }

    /// One resource.
    pub fn resource(&self, id: ResourceId) -> Result<StoredResource, StoreError> {
        self.store
            .read(|tx| load_resources(tx, "WHERE id = $1", &[id.into()]))?
            .pop()
            .ok_or_else(|| not_found("learning resource", id))
    }

    /// Resources in id order after `filter.after`, filtered by skill taught, language and kind.
    pub fn list_resources(
        &self,
        filter: &ResourceFilter,
    ) -> Result<Vec<StoredResource>, StoreError> {
        if !(1..=crate::MAX_PAGE_SIZE).contains(&filter.limit) {
            return Err(StoreError::Invalid(format!(
                "limit must be 1 to {}, got {}",
                crate::MAX_PAGE_SIZE,
                filter.limit
            )));
        }
        let params: Vec<Value> = vec![
            filter.after.into(),
            filter.language.as_deref().unwrap_or("").into(),
            filter.kind.map_or("", ResourceKind::as_str).into(),
            filter.skill.as_ref().map_or("", SkillId::as_str).into(),
            (filter.limit as i64).into(),
        ];
        self.store.read(|tx| {
            load_resources(
                tx,
                "WHERE id > $1 AND ($2 = '' OR language = $2) AND ($3 = '' OR kind = $3) \
                 AND ($4 = '' OR id IN (SELECT resource_id FROM learning_resource_skills \
                 WHERE role = 'teaches' AND skill = $4)) ORDER BY id LIMIT $5",
                &params,
            )
        })
    }

    /// The whole catalogue, for the planner: two queries, whatever its size.
    pub fn learning_catalogue(&self) -> Result<Vec<LearningResource>, StoreError> {
        let found = self
            .store
            .read(|tx| load_resources(tx, "ORDER BY id", &[]))?;
        Ok(found.into_iter().map(|r| r.resource).collect())
    }

    /// The resources that teach any of `skills`, in id order (each once).
    pub fn resources_teaching(
        &self,
        skills: &[SkillId],
    ) -> Result<Vec<LearningResource>, StoreError> {
        let distinct: Vec<&SkillId> = skills.iter().collect::<BTreeSet<_>>().into_iter().collect();
        let mut by_id = std::collections::BTreeMap::new();
        self.store.read(|tx| {
            for chunk in distinct.chunks(SKILLS_PER_QUERY) {
                let selection = format!(
                    "WHERE id IN (SELECT resource_id FROM learning_resource_skills \
                     WHERE role = 'teaches' AND skill IN ({})) ORDER BY id",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Value> = chunk.iter().map(|s| s.as_str().into()).collect();
                for r in load_resources(tx, &selection, &params)? {
                    by_id.insert(r.resource.id, r.resource);
                }
            }
            Ok(())
        })?;
        Ok(by_id.into_values().collect())
    }

    /// The skills among `skills` that the taxonomy does not have.
    pub fn unknown_skills(&self, skills: &[SkillId]) -> Result<Vec<SkillId>, StoreError> {
        let wanted: BTreeSet<&SkillId> = skills.iter().collect();
        Ok(self
            .store
            .read(|tx| unknown_skills(tx, &wanted))?
            .into_iter()
            .collect())
    }

    /// Adds or replaces a worker's offer to teach a skill in the taxonomy, if `check` allows
    /// it on the worker's proficiency in the skill (`None`: not on the profile). Returns the
    /// stored offer and whether it is new (a replaced offer keeps its creation time).
    pub fn set_teaching_offer(
        &self,
        offer: &TeachingOffer,
        check: &dyn Fn(Option<i64>) -> Result<(), StoreError>,
    ) -> Result<(TeachingOffer, bool), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            let wanted = BTreeSet::from([&offer.skill]);
            if let Some(s) = unknown_skills(tx, &wanted)?.into_iter().next() {
                return Err(StoreError::Matching(guild_matching::MatchError::UnknownSkill(s)));
            }
            let id = offer.worker.0;
            if tx
                .query("SELECT 1 FROM workers WHERE id = $1", &[id.into()])?
                .is_empty()
            {
                return Err(not_found("worker", id));
            }
            let held = tx.query(
                "SELECT proficiency FROM worker_skills WHERE worker_id = $1 AND skill = $2",
                &[id.into(), offer.skill.as_str().into()],
            )?;
            check(held.first().map(|r| r.int("proficiency")).transpose()?)?;
            let existing = tx.query(
                "SELECT created_at FROM trainer_offers WHERE worker_id = $1 AND skill = $2",
                &[id.into(), offer.skill.as_str().into()],
            )?;
            let created_at = match existing.first() {
                Some(r) => r.text("created_at")?.to_owned(),
                None => stamp.clone(),
            };
            tx.execute(
                "INSERT INTO trainer_offers (worker_id, skill, rate_minor, rate_currency, remote, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (worker_id, skill) DO UPDATE SET rate_minor = excluded.rate_minor, \
                 rate_currency = excluded.rate_currency, remote = excluded.remote, note = excluded.note",
                &[
                    id.into(),
                    offer.skill.as_str().into(),
                    offer.rate.map(|r| r.minor).into(),
                    offer.rate.map(|r| r.currency.code().to_owned()).into(),
                    i64::from(offer.remote).into(),
                    offer.note.trim().into(),
                    created_at.as_str().into(),
                ],
            )?;
            Ok((
                TeachingOffer {
                    note: offer.note.trim().to_owned(),
                    created_at,
                    ..offer.clone()
                },
                existing.is_empty(),
            ))
        })
    }

    /// Withdraws a worker's offer to teach a skill.
    pub fn delete_teaching_offer(
        &self,
        worker: WorkerId,
        skill: &SkillId,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let n = tx.execute(
                "DELETE FROM trainer_offers WHERE worker_id = $1 AND skill = $2",
                &[worker.0.into(), skill.as_str().into()],
            )?;
            if n == 0 {
                return Err(not_found(
                    "teaching offer",
                    format!("of worker {worker} for {skill}"),
                ));
            }
            Ok(())
        })
    }

    /// A worker's offers to teach, by skill.
    pub fn teaching_offers(&self, worker: WorkerId) -> Result<Vec<TeachingOffer>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT worker_id, skill, rate_minor, rate_currency, remote, note, created_at \
                 FROM trainer_offers WHERE worker_id = $1 ORDER BY skill",
                &[worker.0.into()],
            )?
            .iter()
            .map(offer_from_row)
            .collect()
        })
    }

    /// Every offer to teach `skill`, with the facts about each trainer that decide a match:
    /// name, languages, time zone and proficiency in the skill (`None` when their profile no
    /// longer lists it). One query.
    pub fn trainer_candidates(&self, skill: &SkillId) -> Result<Vec<TrainerOffer>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT o.worker_id, w.name, w.languages, w.utc_offset_minutes, ws.proficiency, \
                 o.rate_minor, o.rate_currency, o.remote, o.note \
                 FROM trainer_offers o JOIN workers w ON w.id = o.worker_id \
                 LEFT JOIN worker_skills ws ON ws.worker_id = o.worker_id AND ws.skill = o.skill \
                 WHERE o.skill = $1 ORDER BY o.worker_id",
                &[skill.as_str().into()],
            )?
            .iter()
            .map(|r| {
                Ok(TrainerOffer {
                    worker: r.id("worker_id")?,
                    name: r.text("name")?.to_owned(),
                    skill: skill.clone(),
                    languages: r
                        .text("languages")?
                        .split(',')
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    utc_offset_minutes: i32::try_from(r.int("utc_offset_minutes")?).map_err(
                        |_| StoreError::Backend("stored UTC offset out of range".to_owned()),
                    )?,
                    proficiency: match r.get("proficiency")? {
                        Value::Null => None,
                        v => Some(stored_level(v)?),
                    },
                    rate: stored_money(r.get("rate_minor")?, r.get("rate_currency")?)?,
                    remote: r.int("remote")? != 0,
                    note: r.text("note")?.to_owned(),
                })
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DatabaseUrl, Store};
    use guild_ids::AccountId;

    fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("guild.db"))).unwrap();
        crate::load_starter_if_empty(&store).unwrap();
        (store, dir)
    }

    fn level(skill: &str, level: u8) -> SkillLevel {
        SkillLevel {
            skill: SkillId::parse(skill).unwrap(),
            level: Proficiency::new(level).unwrap(),
        }
    }

    fn course(title: &str, teaches: &[(&str, u8)], requires: &[(&str, u8)]) -> LearningResource {
        LearningResource {
            id: ResourceId::default(),
            title: title.to_owned(),
            kind: ResourceKind::Course,
            teaches: teaches.iter().map(|(s, l)| level(s, *l)).collect(),
            requires: requires.iter().map(|(s, l)| level(s, *l)).collect(),
            hours: 10.5,
            cost: Some(Money::new(4950, Currency::parse("EUR").unwrap()).unwrap()),
            language: "en".to_owned(),
            provider: "Acme".to_owned(),
            link: None,
        }
    }

    const LATHE: &str = "guild:skill/operate-cnc-lathe";
    const GCODE: &str = "guild:skill/g-code";
    const MILL: &str = "guild:skill/operate-cnc-milling-machine";

    #[test]
    fn the_catalogue_loads_whole_and_by_skill_taught() {
        let (store, _dir) = store();
        let ids = store
            .learning()
            .import_resources(
                None,
                &[
                    course("Lathe", &[(LATHE, 3), (GCODE, 2)], &[(MILL, 1)]),
                    course("Mill", &[(MILL, 3)], &[]),
                    course("G-code", &[(GCODE, 4)], &[(LATHE, 2)]),
                ],
                2,
            )
            .unwrap();
        assert_eq!(ids.len(), 3);
        let all = store.learning().learning_catalogue().unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, ids[0]);
        // Skills come back in the order written, levels and costs intact.
        assert_eq!(all[0].teaches, vec![level(LATHE, 3), level(GCODE, 2)]);
        assert_eq!(all[0].requires, vec![level(MILL, 1)]);
        assert_eq!(all[0].cost.map(|c| c.minor), Some(4950));
        assert_eq!(all[0].hours, 10.5);
        let wanted = [
            SkillId::parse(GCODE).unwrap(),
            SkillId::parse(GCODE).unwrap(),
        ];
        let teaching: Vec<String> = store
            .learning()
            .resources_teaching(&wanted)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect();
        assert_eq!(teaching, vec!["Lathe", "G-code"]);
        // Required is not taught.
        let mill = store
            .learning()
            .resources_teaching(&[SkillId::parse(MILL).unwrap()])
            .unwrap();
        assert_eq!(mill.len(), 1);
        assert!(store.learning().resources_teaching(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_bad_resource_stops_the_whole_import() {
        let (store, _dir) = store();
        let err = store
            .learning()
            .import_resources(
                None,
                &[
                    course("Good", &[(LATHE, 3)], &[]),
                    course("Ghost", &[("guild:skill/ghost", 3)], &[]),
                ],
                2,
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("catalogue line 3: unknown skill guild:skill/ghost"),
            "{err}"
        );
        let mut untitled = course("", &[(LATHE, 3)], &[]);
        untitled.title = " ".to_owned();
        let err = store
            .learning()
            .import_resources(None, &[course("Good", &[(LATHE, 3)], &[]), untitled], 1)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("catalogue line 2:"), "{err}");
        assert!(store.learning().learning_catalogue().unwrap().is_empty());
        assert!(
            store
                .learning()
                .add_resource(
                    Some(AccountId(1)),
                    &course("x", &[("guild:skill/ghost", 1)], &[])
                )
                .is_err()
        );
    }
}
