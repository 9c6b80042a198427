//! The taxonomy's domain types: skills, occupations, tasks and the relations between them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::TaxonomyError;

macro_rules! concept_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks that `raw` can be an id: non-empty, at most 512 bytes, no whitespace or control
            /// characters (ids travel in URLs and as database keys).
            pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
                if raw.is_empty()
                    || raw.len() > 512
                    || raw.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(TaxonomyError::InvalidId(raw.chars().take(80).collect()));
                }
                Ok(Self(raw.to_owned()))
            }

            /// The id as text, e.g. `onet:15-1252.00` or an ESCO URI.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The source that minted this id, read from its prefix.
            pub fn source(&self) -> Option<Source> {
                Source::of_id(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

concept_id!(
    /// A skill, knowledge item, ability, technology, work activity, language or skill group.
    /// Ids keep their source: `onet:2.A.1.a`, `http://data.europa.eu/esco/skill/…`, `guild:skill/…`.
    SkillId
);
concept_id!(
    /// An occupation: `onet:15-1252.00`, `http://data.europa.eu/esco/occupation/…`, `guild:occupation/…`.
    OccupationId
);
concept_id!(
    /// A task statement: `onet:task:8823`, `guild:task/…`.
    TaskId
);

/// Where a concept comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The O*NET database (US Department of Labor).
    Onet,
    /// ESCO, the European classification of skills, competences and occupations.
    Esco,
    /// Guild's own built-in starter taxonomy.
    Guild,
}

impl Source {
    /// Every source, in a stable order.
    pub const ALL: [Source; 3] = [Source::Onet, Source::Esco, Source::Guild];

    /// The short name used in ids, the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Onet => "onet",
            Source::Esco => "esco",
            Source::Guild => "guild",
        }
    }

    /// The name people know it by ("O*NET", "ESCO", "Guild").
    pub fn name(self) -> &'static str {
        match self {
            Source::Onet => "O*NET",
            Source::Esco => "ESCO",
            Source::Guild => "Guild",
        }
    }

    /// Parses the short name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw {
            "onet" => Ok(Source::Onet),
            "esco" => Ok(Source::Esco),
            "guild" => Ok(Source::Guild),
            other => Err(TaxonomyError::InvalidValue {
                what: "source",
                value: other.to_owned(),
                expected: "onet, esco or guild",
            }),
        }
    }

    /// The source that minted an id, from its prefix.
    pub fn of_id(id: &str) -> Option<Source> {
        if id.starts_with("onet:") {
            Some(Source::Onet)
        } else if id.starts_with("http://data.europa.eu/esco/") {
            Some(Source::Esco)
        } else if id.starts_with("guild:") {
            Some(Source::Guild)
        } else {
            None
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What sort of thing a skill concept is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    /// Something a person can do ("operate a lathe").
    Skill,
    /// Something a person knows ("mechanics").
    Knowledge,
    /// An enduring capacity ("manual dexterity").
    Ability,
    /// A tool, software or technology ("Microsoft Excel").
    Technology,
    /// A work activity (O*NET generalised, intermediate or detailed work activity).
    WorkActivity,
    /// A language skill ("speak Dutch").
    Language,
    /// A node of the hierarchy that groups other concepts; not itself a skill to hold.
    Group,
}

impl SkillKind {
    /// Every kind, in a stable order.
    pub const ALL: [SkillKind; 7] = [
        SkillKind::Skill,
        SkillKind::Knowledge,
        SkillKind::Ability,
        SkillKind::Technology,
        SkillKind::WorkActivity,
        SkillKind::Language,
        SkillKind::Group,
    ];

    /// The snake_case name used in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillKind::Skill => "skill",
            SkillKind::Knowledge => "knowledge",
            SkillKind::Ability => "ability",
            SkillKind::Technology => "technology",
            SkillKind::WorkActivity => "work_activity",
            SkillKind::Language => "language",
            SkillKind::Group => "group",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        SkillKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| TaxonomyError::InvalidValue {
                what: "skill kind",
                value: raw.to_owned(),
                expected: "skill, knowledge, ability, technology, work_activity, language or group",
            })
    }
}

impl fmt::Display for SkillKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A skill concept with its labels in the source language (English). Other languages and
/// alternative labels live in [`ConceptLabel`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skill {
    /// Stable id that keeps its source.
    pub id: SkillId,
    /// What sort of concept this is.
    pub kind: SkillKind,
    /// Which taxonomy it comes from.
    pub source: Source,
    /// The concept's URI at its source, where it has one.
    pub source_uri: Option<String>,
    /// Preferred English label.
    pub label: String,
    /// English description.
    pub description: Option<String>,
}

/// An occupation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occupation {
    /// Stable id that keeps its source.
    pub id: OccupationId,
    /// Which taxonomy it comes from.
    pub source: Source,
    /// The source's own code: O*NET-SOC code or ESCO code (e.g. `2654.1.7`).
    pub code: Option<String>,
    /// Preferred English title.
    pub title: String,
    /// English description.
    pub description: Option<String>,
    /// The classification group: ISCO-08 unit group for ESCO, SOC detailed occupation for O*NET.
    pub group: Option<String>,
    /// O*NET job zone (1 little preparation … 5 extensive), where known.
    pub job_zone: Option<u8>,
    /// The concept's URI at its source.
    pub source_uri: Option<String>,
}

/// Whether a task is central to an occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TaskCategory {
    /// Critical to the occupation.
    Core,
    /// Performed by some, or less important.
    Supplemental,
}

impl TaskCategory {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskCategory::Core => "core",
            TaskCategory::Supplemental => "supplemental",
        }
    }

    /// Parses `core`/`supplemental` in any case.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "core" => Ok(TaskCategory::Core),
            "supplemental" => Ok(TaskCategory::Supplemental),
            other => Err(TaxonomyError::InvalidValue {
                what: "task category",
                value: other.to_owned(),
                expected: "core or supplemental",
            }),
        }
    }
}

/// A task statement: one piece of the work of an occupation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskStatement {
    /// Stable id that keeps its source.
    pub id: TaskId,
    /// The occupation the task belongs to.
    pub occupation: OccupationId,
    /// The English statement.
    pub statement: String,
    /// Core or supplemental, where the source rates it.
    pub category: Option<TaskCategory>,
    /// Whether the task needs physical presence at a place, where the source says.
    pub physical: Option<bool>,
}

/// Which role a label plays for its concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LabelRole {
    /// The preferred label in that language.
    Preferred,
    /// An alternative label (synonym, alternate job title).
    Alternative,
    /// A label kept for search only (misspellings, outdated terms).
    Hidden,
    /// A description in that language.
    Description,
}

impl LabelRole {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelRole::Preferred => "preferred",
            LabelRole::Alternative => "alternative",
            LabelRole::Hidden => "hidden",
            LabelRole::Description => "description",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw {
            "preferred" => Ok(LabelRole::Preferred),
            "alternative" => Ok(LabelRole::Alternative),
            "hidden" => Ok(LabelRole::Hidden),
            "description" => Ok(LabelRole::Description),
            other => Err(TaxonomyError::InvalidValue {
                what: "label role",
                value: other.to_owned(),
                expected: "preferred, alternative, hidden or description",
            }),
        }
    }
}

/// A label of a skill, occupation or task in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConceptLabel {
    /// The id of the skill, occupation or task labelled.
    pub concept: String,
    /// BCP 47 language tag, e.g. `en`, `nl`.
    pub lang: String,
    /// Preferred, alternative, hidden or description.
    pub role: LabelRole,
    /// The label itself.
    pub text: String,
}

/// How two skill concepts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkillRelationKind {
    /// `from` is narrower than `to` (`to` is its broader concept).
    Broader,
    /// Knowing `to` is essential for `from` (ESCO skill–skill relation).
    EssentialFor,
    /// Knowing `to` helps with `from` (ESCO skill–skill relation).
    OptionalFor,
}

impl SkillRelationKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillRelationKind::Broader => "broader",
            SkillRelationKind::EssentialFor => "essential_for",
            SkillRelationKind::OptionalFor => "optional_for",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw {
            "broader" => Ok(SkillRelationKind::Broader),
            "essential_for" => Ok(SkillRelationKind::EssentialFor),
            "optional_for" => Ok(SkillRelationKind::OptionalFor),
            other => Err(TaxonomyError::InvalidValue {
                what: "skill relation",
                value: other.to_owned(),
                expected: "broader, essential_for or optional_for",
            }),
        }
    }
}

/// A directed relation between two skill concepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillRelation {
    /// The narrower or dependent concept.
    pub from: SkillId,
    /// The broader or related concept.
    pub to: SkillId,
    /// How they relate.
    pub kind: SkillRelationKind,
}

/// How a skill is tied to an occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SkillRelevance {
    /// Needed by every holder of the occupation (ESCO essential).
    Essential,
    /// Useful, needed by some (ESCO optional).
    Optional,
    /// Rated on importance and level (O*NET).
    Rated,
}

impl SkillRelevance {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillRelevance::Essential => "essential",
            SkillRelevance::Optional => "optional",
            SkillRelevance::Rated => "rated",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw {
            "essential" => Ok(SkillRelevance::Essential),
            "optional" => Ok(SkillRelevance::Optional),
            "rated" => Ok(SkillRelevance::Rated),
            other => Err(TaxonomyError::InvalidValue {
                what: "skill relevance",
                value: other.to_owned(),
                expected: "essential, optional or rated",
            }),
        }
    }
}

/// An occupation's need for a skill, with a weight in `0.0..=1.0` comparable across sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationSkill {
    /// The occupation.
    pub occupation: OccupationId,
    /// The skill it needs.
    pub skill: SkillId,
    /// Essential, optional or rated.
    pub relevance: SkillRelevance,
    /// O*NET importance (1–5), where rated.
    pub importance: Option<f64>,
    /// O*NET level (0–7), where rated.
    pub level: Option<f64>,
    /// Comparable weight: essential 1.0, optional 0.5; for O*NET `(importance − 1) / 4`.
    pub weight: f64,
}

/// A link from a task to a work activity or skill it exercises.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSkill {
    /// The task.
    pub task: TaskId,
    /// The work activity (O*NET DWA) or skill the task exercises.
    pub skill: SkillId,
}

/// How strongly an occupation suits one occupational interest (O*NET's RIASEC scale, 1–7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationInterest {
    /// The occupation.
    pub occupation: OccupationId,
    /// The interest's content-model element, e.g. `1.B.1.a` (Realistic).
    pub interest: String,
    /// The rating, 1 (not at all) to 7 (extremely).
    pub value: f64,
}

/// A link from an ESCO (or Guild starter) occupation to an O*NET occupation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosswalkLink {
    /// The ESCO or Guild occupation.
    pub occupation: OccupationId,
    /// The O*NET occupation.
    pub onet: OccupationId,
    /// The publisher's confidence in the link (0–1), where given.
    pub confidence: Option<f64>,
    /// Semantic similarity of the two occupations' texts (0–1), where given.
    pub similarity: Option<f64>,
}

/// What an AI-exposure score is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExposureSubject {
    /// A task statement (`onet:task:…`).
    Task,
    /// An occupation (`onet:…`, an ESCO URI).
    Occupation,
    /// A 6-digit SOC group (`soc:15-1252`), covering every O*NET occupation in it.
    SocGroup,
    /// A work activity (`onet:4.A.…`).
    WorkActivity,
}

impl ExposureSubject {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExposureSubject::Task => "task",
            ExposureSubject::Occupation => "occupation",
            ExposureSubject::SocGroup => "soc_group",
            ExposureSubject::WorkActivity => "work_activity",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(raw: &str) -> Result<Self, TaxonomyError> {
        match raw {
            "task" => Ok(ExposureSubject::Task),
            "occupation" => Ok(ExposureSubject::Occupation),
            "soc_group" => Ok(ExposureSubject::SocGroup),
            "work_activity" => Ok(ExposureSubject::WorkActivity),
            other => Err(TaxonomyError::InvalidValue {
                what: "exposure subject",
                value: other.to_owned(),
                expected: "task, occupation, soc_group or work_activity",
            }),
        }
    }
}

/// One AI-exposure score from one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AiExposure {
    /// The id of what is scored (task, occupation, `soc:` group or work activity).
    pub subject: String,
    /// What sort of thing the subject is.
    pub subject_kind: ExposureSubject,
    /// The dataset, e.g. `gpts-are-gpts`.
    pub dataset: String,
    /// The measure within the dataset, e.g. `gpt4_beta`.
    pub measure: String,
    /// The score; its scale is the measure's (see [`crate::exposure`]).
    pub value: f64,
}

/// Everything one source contributes to the taxonomy, ready to replace that source in a store in
/// one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaxonomyBatch {
    /// The skill concepts, including group nodes.
    pub skills: Vec<Skill>,
    /// The occupations.
    pub occupations: Vec<Occupation>,
    /// The task statements.
    pub tasks: Vec<TaskStatement>,
    /// Labels in every language loaded (preferred, alternative, hidden, descriptions).
    pub labels: Vec<ConceptLabel>,
    /// Hierarchy and skill–skill relations.
    pub skill_relations: Vec<SkillRelation>,
    /// Occupation → skill needs.
    pub occupation_skills: Vec<OccupationSkill>,
    /// Task → work activity or skill links.
    pub task_skills: Vec<TaskSkill>,
    /// Occupational interests (O*NET's RIASEC profile), a descriptor of occupations, not a skill.
    pub occupation_interests: Vec<OccupationInterest>,
    /// Crosswalk links that come with the source (the starter set's O*NET codes).
    pub crosswalk: Vec<CrosswalkLink>,
    /// AI-exposure scores that come with the source (the starter set's estimates).
    pub exposures: Vec<AiExposure>,
    /// What the parser noticed and the user should hear: skipped tables, merged duplicates.
    pub notices: Vec<String>,
}
