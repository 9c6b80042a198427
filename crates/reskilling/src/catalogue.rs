//! Learning resources and skill tests: what each teaches (skills and levels), what it needs first,
//! how long it takes, what it costs, in which language, from whom and where. Read from CSV or JSON
//! (the bytes are given; no I/O here).
//!
//! CSV columns, by header name (order free): `title`, `kind` (`course`, `test`, `practice` or
//! `mentoring`), `teaches` (`SKILL=LEVEL` pairs separated by `|`, levels 1–5), `requires` (same
//! form, may be empty), `hours`, `cost` (decimal in major units, empty or 0 for free), `currency`
//! (ISO 4217, needed when cost is not zero), `language` (BCP 47 primary tag, e.g. `en`),
//! `provider`, `link` (may be empty). JSON: an array of objects with the same fields, where
//! `teaches` and `requires` are arrays of `{ "skill": ..., "level": ... }` and the cost is
//! `{ "minor": ..., "currency": ... }` or absent.

use guild_ids::ResourceId;
use guild_matching::{Money, Proficiency};
use guild_taxonomy::SkillId;
use serde::{Deserialize, Serialize};

use crate::ReskillError;

/// What sort of resource it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A course, book or video series.
    Course,
    /// A skill test: passing it proves the level (and may issue a credential).
    Test,
    /// Supervised practice: an exercise set, a lab, a simulator.
    Practice,
    /// Teaching by a person (a trainer's sessions).
    Mentoring,
}

impl ResourceKind {
    /// Every kind, in a stable order.
    pub const ALL: [ResourceKind; 4] = [
        ResourceKind::Course,
        ResourceKind::Test,
        ResourceKind::Practice,
        ResourceKind::Mentoring,
    ];

    /// Its name as written in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Course => "course",
            ResourceKind::Test => "test",
            ResourceKind::Practice => "practice",
            ResourceKind::Mentoring => "mentoring",
        }
    }

    /// Reads a kind by name.
    pub fn parse(raw: &str) -> Result<Self, ReskillError> {
        ResourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| {
                ReskillError::Invalid(format!(
                    "unknown resource kind {raw:?} (expected course, test, practice or mentoring)"
                ))
            })
    }
}

/// A skill at a level: what a resource teaches, or what it needs before it can be started.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillLevel {
    /// The skill.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// The level, 1 (novice) to 5 (expert).
    pub level: Proficiency,
}

/// One learning resource or skill test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearningResource {
    /// Its id in the store (0 before it is stored).
    #[serde(default)]
    pub id: ResourceId,
    /// Its title.
    pub title: String,
    /// Course, test, practice or mentoring.
    pub kind: ResourceKind,
    /// The skills it teaches (or, for a test, proves) and to which level.
    pub teaches: Vec<SkillLevel>,
    /// What a learner must be able to do before starting it.
    #[serde(default)]
    pub requires: Vec<SkillLevel>,
    /// Hours of the learner's time.
    pub hours: f32,
    /// What it costs; `None` when free.
    #[serde(default)]
    pub cost: Option<Money>,
    /// The language it is taught in (BCP 47 primary tag, lower case).
    pub language: String,
    /// Who offers it.
    pub provider: String,
    /// Where to find it.
    #[serde(default)]
    pub link: Option<String>,
}

impl LearningResource {
    /// Checks the fields a plan relies on: a title, at least one skill taught, finite
    /// non-negative hours, a language, no skill both taught and required.
    pub fn validate(&self) -> Result<(), ReskillError> {
        if self.title.trim().is_empty() {
            return Err(ReskillError::Invalid("a resource needs a title".to_owned()));
        }
        if self.title.chars().count() > 500
            || self.provider.chars().count() > 500
            || self.link.as_ref().is_some_and(|l| l.len() > 2000)
        {
            return Err(ReskillError::Invalid(
                "titles and providers have at most 500 characters, links 2000".to_owned(),
            ));
        }
        if self.teaches.len() + self.requires.len() > 200 {
            return Err(ReskillError::Invalid(
                "at most 200 skills taught and required".to_owned(),
            ));
        }
        if self.teaches.is_empty() {
            return Err(ReskillError::Invalid(format!(
                "resource {:?} teaches no skill",
                self.title
            )));
        }
        if !self.hours.is_finite() || self.hours < 0.0 || self.hours > 100_000.0 {
            return Err(ReskillError::Invalid(format!(
                "resource {:?}: hours must be between 0 and 100000, not {}",
                self.title, self.hours
            )));
        }
        if self.language.trim().is_empty() || self.language.len() > 16 {
            return Err(ReskillError::Invalid(format!(
                "resource {:?}: language must be a language tag such as \"en\"",
                self.title
            )));
        }
        if let Some(cost) = &self.cost
            && cost.minor < 0
        {
            return Err(ReskillError::Invalid(format!(
                "resource {:?}: cost cannot be negative",
                self.title
            )));
        }
        for r in &self.requires {
            if self.teaches.iter().any(|t| t.skill == r.skill) {
                return Err(ReskillError::Invalid(format!(
                    "resource {:?} both teaches and requires {}",
                    self.title, r.skill
                )));
            }
        }
        Ok(())
    }
}

/// Reads a catalogue from JSON: an array of resources.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<LearningResource>, ReskillError> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(bytes).map_err(|e| {
        ReskillError::Invalid(format!(
            "the catalogue is not a JSON array of resources: {e}"
        ))
    })?;
    let mut out = Vec::with_capacity(values.len());
    for (n, value) in values.into_iter().enumerate() {
        let resource: LearningResource =
            serde_json::from_value(value).map_err(|e| ReskillError::Catalogue {
                line: n + 1,
                reason: e.to_string(),
            })?;
        resource.validate().map_err(|e| ReskillError::Catalogue {
            line: n + 1,
            reason: e.to_string(),
        })?;
        out.push(resource);
    }
    Ok(out)
}

/// Reads a catalogue from CSV (see the module documentation for the columns).
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<LearningResource>, ReskillError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ReskillError::Catalogue {
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    let column = |name: &str| -> Result<usize, ReskillError> {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| ReskillError::Catalogue {
                line: 1,
                reason: format!("the header has no {name:?} column"),
            })
    };
    let optional = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (title, kind, teaches, hours, language, provider) = (
        column("title")?,
        column("kind")?,
        column("teaches")?,
        column("hours")?,
        column("language")?,
        column("provider")?,
    );
    let (requires, cost, currency, link) = (
        optional("requires"),
        optional("cost"),
        optional("currency"),
        optional("link"),
    );
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let bad = |reason: String| ReskillError::Catalogue { line, reason };
        let record = record.map_err(|e| bad(e.to_string()))?;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let hours_raw = get(Some(hours));
        let resource = LearningResource {
            id: ResourceId::default(),
            title: get(Some(title)).to_owned(),
            kind: ResourceKind::parse(get(Some(kind))).map_err(|e| bad(e.to_string()))?,
            teaches: parse_levels(get(Some(teaches))).map_err(|e| bad(e.to_string()))?,
            requires: parse_levels(get(requires)).map_err(|e| bad(e.to_string()))?,
            hours: hours_raw
                .parse()
                .map_err(|_| bad(format!("hours {hours_raw:?} is not a number")))?,
            cost: parse_cost(get(cost), get(currency)).map_err(|e| bad(e.to_string()))?,
            language: get(Some(language)).to_ascii_lowercase(),
            provider: get(Some(provider)).to_owned(),
            link: Some(get(link).to_owned()).filter(|l| !l.is_empty()),
        };
        resource.validate().map_err(|e| bad(e.to_string()))?;
        out.push(resource);
    }
    Ok(out)
}

/// `skill=level|skill=level`; empty text is no skills.
fn parse_levels(raw: &str) -> Result<Vec<SkillLevel>, ReskillError> {
    let mut out: Vec<SkillLevel> = Vec::new();
    for part in raw.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let (skill, level) = part.rsplit_once('=').ok_or_else(|| {
            ReskillError::Invalid(format!(
                "{part:?} is not SKILL=LEVEL (for example onet:2.A.1.a=3)"
            ))
        })?;
        let skill = SkillId::parse(skill.trim())
            .map_err(|e| ReskillError::Invalid(format!("skill {skill:?}: {e}")))?;
        let level: u8 = level
            .trim()
            .parse()
            .map_err(|_| ReskillError::Invalid(format!("level {level:?} is not 1 to 5")))?;
        let level =
            Proficiency::new(level).map_err(|e| ReskillError::Invalid(format!("{skill}: {e}")))?;
        if out.iter().any(|s| s.skill == skill) {
            return Err(ReskillError::Invalid(format!("{skill} is listed twice")));
        }
        out.push(SkillLevel { skill, level });
    }
    Ok(out)
}

/// A decimal amount in major units and a currency; empty or zero is free.
fn parse_cost(amount: &str, currency: &str) -> Result<Option<Money>, ReskillError> {
    if amount.is_empty() {
        return Ok(None);
    }
    let value: f64 = amount
        .parse()
        .map_err(|_| ReskillError::Invalid(format!("cost {amount:?} is not a number")))?;
    if !value.is_finite() || value < 0.0 {
        return Err(ReskillError::Invalid(format!(
            "cost {amount:?} must be zero or more"
        )));
    }
    if value == 0.0 {
        return Ok(None);
    }
    let currency = guild_matching::Currency::parse(currency)
        .map_err(|e| ReskillError::Invalid(format!("currency for cost {amount}: {e}")))?;
    // Minor units: every currency a catalogue is likely to use has two decimals; the few with
    // zero or three (JPY, KWD) are rare in training catalogues and are written in minor units
    // through JSON instead.
    let minor = (value * 100.0).round() as i64;
    Money::new(minor, currency)
        .map(Some)
        .map_err(|e| ReskillError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "title,kind,teaches,requires,hours,cost,currency,language,provider,link\n\
        Mine safety basics,course,onet:2.C.8.a=2,,24,0,,en,MSHA,https://www.msha.gov\n\
        Blueprint reading,course,onet:2.C.3.a=3|onet:2.A.2.a=2,onet:2.A.1.a=2,12,49.50,USD,en,NIMS,\n";

    #[test]
    fn reads_csv() {
        let got = parse_csv(CSV.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].cost, None);
        assert_eq!(got[1].teaches.len(), 2);
        assert_eq!(got[1].requires[0].level.level(), 2);
        assert_eq!(got[1].cost.as_ref().map(|c| c.minor), Some(4950));
        assert_eq!(got[1].link, None);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let bad = CSV.replace("=3|", "=9|");
        let err = parse_csv(bad.as_bytes()).unwrap_err().to_string();
        assert!(err.starts_with("catalogue line 3:"), "{err}");
        let err = parse_csv(b"title,kind\nx,course\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"teaches\""), "{err}");
    }

    #[test]
    fn json_round_trip() {
        let got = parse_csv(CSV.as_bytes()).unwrap();
        let json = serde_json::to_vec(&got).unwrap();
        assert_eq!(parse_json(&json).unwrap(), got);
        let err = parse_json(b"{}").unwrap_err().to_string();
        assert!(err.contains("JSON array"), "{err}");
        let err = parse_json(br#"[{"title":"x","kind":"course","teaches":[],"hours":1,"language":"en","provider":"p"}]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("teaches no skill"), "{err}");
    }
}
