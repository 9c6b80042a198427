//! What Open Badges 3.0 and Comprehensive Learner Record 2.0 require of a credential beyond the
//! VC data model, checked as 1EdTech's validator checks it: the `@context` order, the class's JSON
//! Schema ([`crate::schema`]), and the typed objects a schema cannot pin down (the issuer is a
//! `Profile`, the subject an `AchievementSubject` or a `ClrSubject` with an id or an identifier,
//! each result a `Result`, each piece of evidence `Evidence`, …).
//!
//! Each function returns the checks it made, for the verification report; the verdict is the
//! report's.

use serde_json::{Map, Value};

use crate::contexts::{CREDENTIALS_V1, CREDENTIALS_V2};
use crate::schema::{CredentialShape, violations};
use crate::verify::CheckResult;

/// The credential classes these rules know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `AchievementCredential` / `OpenBadgeCredential`.
    Achievement,
    /// `ClrCredential`.
    Clr,
    /// `EndorsementCredential`.
    Endorsement,
}

impl Profile {
    /// The class a credential's `type` names, if one of these (the first that matches, in the
    /// validator's order).
    pub fn of(types: &[String]) -> Option<Profile> {
        types.iter().find_map(|t| match t.as_str() {
            "AchievementCredential" | "OpenBadgeCredential" => Some(Profile::Achievement),
            "ClrCredential" => Some(Profile::Clr),
            "EndorsementCredential" => Some(Profile::Endorsement),
            _ => None,
        })
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Achievement => "Open Badges 3.0 AchievementCredential",
            Profile::Clr => "CLR 2.0 ClrCredential",
            Profile::Endorsement => "Open Badges 3.0 EndorsementCredential",
        }
    }
}

/// One check: its name, result and reason.
pub type Finding = (&'static str, CheckResult, String);

/// The strings of a value that is a string or a list (other values give nothing).
pub fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The values of a value that is one object or a list of them.
fn nodes(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    strings(v.get("type")).contains(&t)
}

const OB_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const CLR_2_0_1: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/// Whether `got` may stand where `wanted` is required: the same URL, a listed alias, or another
/// release of the same context (`…/context-3.0.1.json` for `…/context-3.0.3.json`).
fn context_fits(wanted: &str, got: &str) -> bool {
    let versioned = |prefix: &str| {
        got.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".json"))
            .is_some_and(|v| {
                v.is_empty()
                    || v.strip_prefix('-').is_some_and(|n| {
                        let parts: Vec<&str> = n.split('.').collect();
                        parts.len() == 3
                            && parts
                                .iter()
                                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    })
            })
    };
    got == wanted
        || match wanted {
            CREDENTIALS_V2 => got == CREDENTIALS_V1,
            OB_3_0_3 => {
                got == "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"
                    || versioned("https://purl.imsglobal.org/spec/ob/v3p0/context")
            }
            CLR_2_0_1 => versioned("https://purl.imsglobal.org/spec/clr/v2p0/context"),
            _ => false,
        }
}

/// The `@context` must begin with the class's contexts, in order: the VC context, then (for a
/// CLR) the CLR 2.0 context, then the Open Badges 3.0 context; any release of each is accepted.
pub fn check_context(doc: &Map<String, Value>, profile: Profile) -> Finding {
    let wanted: &[&str] = match profile {
        Profile::Clr => &[CREDENTIALS_V2, CLR_2_0_1, OB_3_0_3],
        Profile::Achievement | Profile::Endorsement => &[CREDENTIALS_V2, OB_3_0_3],
    };
    let got = strings(doc.get("@context"));
    for (i, w) in wanted.iter().enumerate() {
        if !got.get(i).is_some_and(|g| context_fits(w, g)) {
            return (
                "context",
                CheckResult::Failed,
                format!(
                    "an {} needs the @context {w} (or another release of it) at position {}",
                    profile.name(),
                    i + 1
                ),
            );
        }
    }
    (
        "context",
        CheckResult::Passed,
        format!("the {} contexts are in order", profile.name()),
    )
}

/// The class's JSON Schema: each violation is one failed check naming its path.
pub fn check_schema(doc: &Map<String, Value>, profile: Profile, vc2: bool) -> Vec<Finding> {
    let shape = match profile {
        Profile::Achievement => CredentialShape::AchievementCredential,
        Profile::Clr => CredentialShape::ClrCredential,
        // No EndorsementCredential schema is bundled: its shape is checked by the rules below.
        Profile::Endorsement => return Vec::new(),
    };
    match violations(doc, shape, vc2) {
        Ok(found) if found.is_empty() => vec![(
            "schema",
            CheckResult::Passed,
            format!(
                "conforms to the {} JSON Schema ({})",
                profile.name(),
                if vc2 { "VC 2.0" } else { "VC 1.1" }
            ),
        )],
        Ok(found) => found
            .into_iter()
            .map(|v| ("schema", CheckResult::Failed, v.to_string()))
            .collect(),
        Err(e) => vec![("schema", CheckResult::NotChecked, e.to_string())],
    }
}

/// The issuer is a `Profile`, with typed identifiers and parent organisation.
pub fn check_issuer(doc: &Map<String, Value>) -> Finding {
    let failed = |why: &str| ("issuer profile", CheckResult::Failed, why.to_owned());
    let Some(issuer) = doc.get("issuer") else {
        return failed("/issuer: no issuer");
    };
    if !has_type(issuer, "Profile") {
        return failed("/issuer: the issuer must be an object whose type includes Profile");
    }
    if nodes(issuer.get("otherIdentifier"))
        .iter()
        .any(|o| !has_type(o, "IdentifierEntry"))
    {
        return failed("/issuer/otherIdentifier: each must be of type IdentifierEntry");
    }
    if let Some(parent) = issuer.get("parentOrg").filter(|p| !p.is_null())
        && !has_type(parent, "Profile")
    {
        return failed("/issuer/parentOrg: the parent organisation must be of type Profile");
    }
    (
        "issuer profile",
        CheckResult::Passed,
        "the issuer is a Profile".to_owned(),
    )
}

/// An achievement's result descriptions are typed, and its criteria have an id or a narrative.
fn check_achievement(achievement: &Value, at: &str) -> Option<String> {
    if nodes(achievement.get("resultDescription"))
        .iter()
        .any(|r| !has_type(r, "ResultDescription"))
    {
        return Some(format!(
            "{at}/resultDescription: each must be of type ResultDescription"
        ));
    }
    let criteria = achievement.get("criteria");
    let named = |k: &str| {
        criteria
            .and_then(|c| c.get(k))
            .is_some_and(|v| !v.is_null())
    };
    if !named("id") && !named("narrative") {
        return Some(format!("{at}/criteria: criteria need an id or a narrative"));
    }
    None
}

/// The subject has the class's subject type, an id or an identifier, typed identifiers, results
/// and source, and an achievement whose criteria say something.
pub fn check_subject(doc: &Map<String, Value>, profile: Profile) -> Finding {
    let (required_type, achievement_required) = match profile {
        Profile::Achievement => ("AchievementSubject", true),
        Profile::Clr => ("ClrSubject", false),
        Profile::Endorsement => ("EndorsementSubject", false),
    };
    let failed = |why: String| ("subject", CheckResult::Failed, why);
    // A list of subjects is checked subject by subject.
    let subjects = nodes(doc.get("credentialSubject"));
    if subjects.is_empty() {
        return failed("/credentialSubject: no credential subject".to_owned());
    }
    for subject in subjects {
        if !has_type(subject, required_type) {
            return failed(format!(
                "/credentialSubject/type: the credential subject must be of type {required_type}"
            ));
        }
        let id = subject
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        let identifiers = nodes(subject.get("identifier"));
        if !id && identifiers.is_empty() {
            return failed(
                "/credentialSubject: the subject needs an id or an identifier".to_owned(),
            );
        }
        if identifiers.iter().any(|i| !has_type(i, "IdentityObject")) {
            return failed(
                "/credentialSubject/identifier: each must be of type IdentityObject".to_owned(),
            );
        }
        if nodes(subject.get("result"))
            .iter()
            .any(|r| !has_type(r, "Result"))
        {
            return failed("/credentialSubject/result: each must be of type Result".to_owned());
        }
        match subject.get("achievement").filter(|a| !a.is_null()) {
            Some(Value::Array(list)) if profile == Profile::Clr => {
                for (i, a) in list.iter().enumerate().filter(|(_, a)| a.is_object()) {
                    if let Some(why) =
                        check_achievement(a, &format!("/credentialSubject/achievement/{i}"))
                    {
                        return failed(why);
                    }
                }
            }
            Some(a) => {
                if let Some(why) = check_achievement(a, "/credentialSubject/achievement") {
                    return failed(why);
                }
            }
            None if achievement_required => {
                return failed(
                    "/credentialSubject/achievement: an AchievementSubject names its achievement"
                        .to_owned(),
                );
            }
            None => {}
        }
        if let Some(source) = subject.get("source").filter(|s| !s.is_null())
            && !has_type(source, "Profile")
        {
            return failed("/credentialSubject/source: the source must be of type Profile".into());
        }
    }
    (
        "subject",
        CheckResult::Passed,
        format!("the credential subject is an {required_type}"),
    )
}

/// Each piece of evidence is of type `Evidence`.
pub fn check_evidence(doc: &Map<String, Value>) -> Option<Finding> {
    let evidence = nodes(doc.get("evidence"));
    if evidence.is_empty() {
        return None;
    }
    Some(if evidence.iter().all(|e| has_type(e, "Evidence")) {
        (
            "evidence",
            CheckResult::Passed,
            format!("{} piece(s) of Evidence", evidence.len()),
        )
    } else {
        (
            "evidence",
            CheckResult::Failed,
            "/evidence: each must be of type Evidence".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contexts_are_matched_with_their_releases_and_aliases() {
        assert!(context_fits(
            OB_3_0_3,
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
        ));
        assert!(context_fits(
            OB_3_0_3,
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
        ));
        assert!(context_fits(CREDENTIALS_V2, CREDENTIALS_V1));
        assert!(!context_fits(
            OB_3_0_3,
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.json"
        ));
        assert!(!context_fits(
            OB_3_0_3,
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
        ));
        let clr = json!({"@context": [CREDENTIALS_V2, OB_3_0_3, CLR_2_0_1]});
        let (_, result, detail) = check_context(clr.as_object().unwrap(), Profile::Clr);
        assert_eq!(result, CheckResult::Failed);
        assert!(detail.contains("position 2"), "{detail}");
    }

    #[test]
    fn typed_objects_are_checked() {
        let doc = json!({
            "issuer": {"id": "did:example:1", "type": "Profile", "parentOrg": {"id": "x", "type": "Organization"}},
            "credentialSubject": {"type": "AchievementSubject", "identifier": [{"type": "IdentityObject"}],
                "achievement": {"criteria": {}}},
            "evidence": [{"type": ["Evidence"]}, {"type": "Document"}]
        });
        let doc = doc.as_object().unwrap();
        assert!(check_issuer(doc).2.contains("parentOrg"));
        let (_, result, detail) = check_subject(doc, Profile::Achievement);
        assert_eq!(result, CheckResult::Failed);
        assert!(
            detail.contains("/credentialSubject/achievement/criteria"),
            "{detail}"
        );
        assert_eq!(check_evidence(doc).unwrap().1, CheckResult::Failed);
    }
}
