//! Open Badges 3.0 credentials that Guild issues: a skill certification (`OpenBadgeCredential`,
//! VC Data Model 2.0) whose achievement is aligned to the skill's ESCO or O*NET URI, with the
//! level reached, the evidence (a test result, a finished contract) and the dates.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::CredentialError;

/// The VC 2.0 context, always first.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context Guild issues with.
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The skill certified, as the taxonomy names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertifiedSkill {
    /// Guild's id of the skill (`esco:…`, `onet:…`, `guild:skill/…`, or an ESCO URI).
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// Its public URI (ESCO concept URI, O*NET OnLine page), if any.
    pub uri: Option<String>,
    /// The framework: `ESCO`, `O*NET` or `Guild`.
    pub framework: String,
}

/// What proves the skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeEvidence {
    /// A URL or URN for it, if any.
    pub id: Option<String>,
    /// Its name (e.g. "Skill test: CNC lathe, 2026-11-20").
    pub name: String,
    /// What it shows.
    pub description: String,
    /// `test` or `contract`.
    pub kind: String,
}

/// A skill certification to issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillCertification {
    /// The credential's id (`urn:uuid:…`).
    pub id: String,
    /// The issuer's DID (`did:web:…` or `did:key:…`).
    pub issuer: String,
    /// The issuer's name.
    pub issuer_name: String,
    /// The issuer's web address, if any.
    pub issuer_url: Option<String>,
    /// The holder: a DID, or Guild's URN for the worker.
    pub subject: String,
    /// The holder's name, if it is to be shown.
    pub subject_name: Option<String>,
    /// The skill.
    pub skill: CertifiedSkill,
    /// The level reached, 1 (novice) to 5 (expert).
    pub level: u8,
    /// What proves it.
    pub evidence: Vec<BadgeEvidence>,
    /// From when it holds (RFC 3339, UTC).
    pub valid_from: String,
    /// Until when, if it expires.
    pub valid_until: Option<String>,
    /// Where achievements are described (the issuer's base URL), for the achievement's id.
    pub achievement_base: String,
}

/// The names of the proficiency levels, 1 to 5.
pub const LEVELS: [&str; 5] = [
    "novice",
    "advanced beginner",
    "competent",
    "proficient",
    "expert",
];

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The unsigned `OpenBadgeCredential` for `c`.
pub fn skill_credential(c: &SkillCertification) -> Result<Value, CredentialError> {
    if !(1..=5).contains(&c.level) {
        return Err(CredentialError::Invalid(format!(
            "level must be 1 to 5, not {}",
            c.level
        )));
    }
    for (what, v) in [
        ("issuer", &c.issuer),
        ("subject", &c.subject),
        ("id", &c.id),
    ] {
        if !v.contains(':') {
            return Err(CredentialError::Invalid(format!(
                "{what} must be a URI, not {v:?}"
            )));
        }
    }
    for (what, v) in [
        ("valid_from", Some(&c.valid_from)),
        ("valid_until", c.valid_until.as_ref()),
    ] {
        if let Some(v) = v
            && v.parse::<jiff::Timestamp>().is_err()
        {
            return Err(CredentialError::Invalid(format!(
                "{what} {v:?} is not an RFC 3339 date-time"
            )));
        }
    }
    let level_name = LEVELS[usize::from(c.level - 1)];
    let achievement_id = format!(
        "{}/achievements/{}/level-{}",
        c.achievement_base.trim_end_matches('/'),
        slug(&c.skill.id),
        c.level
    );
    let mut alignment = json!({
        "type": ["Alignment"],
        "targetName": c.skill.label,
        "targetFramework": c.skill.framework,
        "targetCode": c.skill.id,
        "targetType": "ceasn:Competency",
    });
    // Open Badges 3.0 requires an alignment's targetUrl: a skill of no public framework is
    // described by this Guild's own skill endpoint.
    alignment["targetUrl"] = match &c.skill.uri {
        Some(uri) => uri.clone().into(),
        None => skill_page(&c.achievement_base, &c.skill.id).into(),
    };
    if let Some(d) = &c.skill.description {
        alignment["targetDescription"] = d.clone().into();
    }
    let mut issuer = json!({"id": c.issuer, "type": ["Profile"], "name": c.issuer_name});
    if let Some(url) = &c.issuer_url {
        issuer["url"] = url.clone().into();
    }
    let mut subject = json!({
        "id": c.subject,
        "type": ["AchievementSubject"],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "Competency",
            "name": format!("{} ({level_name})", c.skill.label),
            "description": format!(
                "Can {} at level {} of 5 ({level_name}), assessed by {}.",
                c.skill.label, c.level, c.issuer_name
            ),
            "criteria": {"narrative": format!(
                "Awarded when the holder shows the skill at level {} or above in a skill test or in finished, reviewed work.",
                c.level
            )},
            "alignment": [alignment],
        },
        "result": [{"type": ["Result"], "value": c.level.to_string()}],
    });
    if let Some(name) = &c.subject_name {
        subject["name"] = name.clone().into();
    }
    let mut credential = json!({
        "@context": [VC_V2, OB_V3],
        "id": c.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": c.valid_from,
        "name": format!("{}: {level_name}", c.skill.label),
        "credentialSubject": subject,
    });
    if let Some(until) = &c.valid_until {
        credential["validUntil"] = until.clone().into();
    }
    if !c.evidence.is_empty() {
        credential["evidence"] = c
            .evidence
            .iter()
            .map(|e| {
                let mut v = json!({"type": ["Evidence"], "name": e.name, "description": e.description, "genre": e.kind});
                if let Some(id) = &e.id {
                    v["id"] = id.clone().into();
                }
                v
            })
            .collect();
    }
    Ok(credential)
}

/// Where this Guild describes a skill (its `GET /api/v1/skills/{id}` endpoint): the alignment
/// URL of a skill that no public framework publishes. Characters a URL path cannot hold are
/// percent-encoded.
pub fn skill_page(base: &str, skill_id: &str) -> String {
    let mut path = String::with_capacity(skill_id.len());
    for b in skill_id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/@!$&'()*+,;=".contains(&b) {
            path.push(char::from(b));
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{}/api/v1/skills/{path}", base.trim_end_matches('/'))
}

/// A skill a credential attests: an alignment of an Open Badges achievement, with the level
/// its result gives when that is a number from 1 to 5 (as in the certifications Guild issues).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttestedSkill {
    /// The framework's code for it (`targetCode`).
    pub code: Option<String>,
    /// Its URI (`targetUrl`, an ESCO concept or an O*NET page).
    pub url: Option<String>,
    /// Its name (`targetName`).
    pub name: Option<String>,
    /// The framework (`targetFramework`).
    pub framework: Option<String>,
    /// The level, 1–5, when the credential states one.
    pub level: Option<u8>,
}

/// The skills an Open Badges credential attests, from each subject's achievement alignments
/// (at most 100: a credential is about a few skills, not a taxonomy).
pub fn attested_skills(credential: &Value) -> Vec<AttestedSkill> {
    const MAX: usize = 100;
    let subjects: Vec<&Value> = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(a)) => a.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for subject in subjects {
        // A result tied to a result description is a score of that description (a count, a
        // percentage), not the level of the achievement.
        let level = list(subject.get("result")).iter().find_map(|r| {
            if r.get("resultDescription").is_some() {
                return None;
            }
            r.get("value")
                .and_then(Value::as_str)
                .and_then(|v| v.trim().parse::<u8>().ok())
                .filter(|l| (1..=5).contains(l))
        });
        for achievement in list(subject.get("achievement")) {
            // A reputation summary names the skills worked in, not skills it vouches for.
            if achievement.get("achievementType").and_then(Value::as_str)
                == Some("ext:ReputationSummary")
            {
                continue;
            }
            for a in list(achievement.get("alignment")) {
                if out.len() == MAX {
                    return out;
                }
                let skill = AttestedSkill {
                    code: text(&a, "targetCode"),
                    url: text(&a, "targetUrl"),
                    name: text(&a, "targetName"),
                    framework: text(&a, "targetFramework"),
                    level,
                };
                if skill.code.is_some() || skill.url.is_some() {
                    out.push(skill);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skills_a_badge_attests_are_read_back() {
        let v = skill_credential(&example()).unwrap();
        let skills = attested_skills(&v);
        assert_eq!(skills.len(), 1);
        assert_eq!(skills[0].url, example().skill.uri);
        assert_eq!(skills[0].code.as_deref(), Some(example().skill.id.as_str()));
        assert_eq!(skills[0].level, Some(3));
        assert!(attested_skills(&json!({"credentialSubject": "x"})).is_empty());
    }

    pub(crate) fn example() -> SkillCertification {
        SkillCertification {
            id: "urn:uuid:0b8e2f5e-3c2e-4a57-9a51-6f0f6b2d9c11".to_owned(),
            issuer: "did:web:guild.example".to_owned(),
            issuer_name: "Guild".to_owned(),
            issuer_url: Some("https://guild.example".to_owned()),
            subject: "urn:guild:worker:12".to_owned(),
            subject_name: Some("Dai".to_owned()),
            skill: CertifiedSkill {
                id: "http://data.europa.eu/esco/skill/3ffb7b36-3d4e-4b6c-9e5b-2b7e0a3b1a0e"
                    .to_owned(),
                label: "operate CNC lathe".to_owned(),
                description: None,
                uri: Some(
                    "http://data.europa.eu/esco/skill/3ffb7b36-3d4e-4b6c-9e5b-2b7e0a3b1a0e"
                        .to_owned(),
                ),
                framework: "ESCO".to_owned(),
            },
            level: 3,
            evidence: vec![BadgeEvidence {
                id: Some("https://guild.example/tests/attempts/77".to_owned()),
                name: "Skill test: operate CNC lathe".to_owned(),
                description: "Passed with 18 of 20 (level 3 pass mark: 14)".to_owned(),
                kind: "test".to_owned(),
            }],
            valid_from: "2026-11-23T00:00:00Z".to_owned(),
            valid_until: Some("2029-11-23T00:00:00Z".to_owned()),
            achievement_base: "https://guild.example".to_owned(),
        }
    }

    #[test]
    fn a_skill_certification_is_an_open_badge_aligned_to_the_skill() {
        let v = skill_credential(&example()).unwrap();
        assert_eq!(v["@context"][1], OB_V3);
        assert_eq!(v["type"][1], "OpenBadgeCredential");
        let a = &v["credentialSubject"]["achievement"];
        assert_eq!(a["alignment"][0]["targetUrl"], example().skill.uri.unwrap());
        assert_eq!(a["alignment"][0]["targetFramework"], "ESCO");
        assert_eq!(v["credentialSubject"]["result"][0]["value"], "3");
        assert_eq!(v["evidence"][0]["genre"], "test");
        assert!(a["id"].as_str().unwrap().ends_with("/level-3"));
    }

    #[test]
    fn bad_fields_are_refused() {
        let mut c = example();
        c.level = 6;
        assert!(skill_credential(&c).is_err());
        let mut c = example();
        c.valid_from = "yesterday".to_owned();
        assert!(
            skill_credential(&c)
                .unwrap_err()
                .to_string()
                .contains("valid_from")
        );
        let mut c = example();
        c.subject = "dai".to_owned();
        assert!(skill_credential(&c).is_err());
    }
}
