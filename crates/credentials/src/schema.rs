//! The shape of Open Badges 3.0 and Comprehensive Learner Record 2.0 credentials, checked against
//! the JSON Schemas (draft-04) that 1EdTech's official validator uses (`schemas/`, see its
//! `SOURCE.md`). The schemas are compiled in and pinned by SHA-256 like the contexts; nothing is
//! ever loaded from elsewhere (a `$ref` outside the bundled files is a compile error, not a fetch).
//!
//! The bundled schemas describe VC 1.1 credentials (`issuanceDate`); a VC 2.0 credential is checked
//! against a copy adapted in code at first use (`validFrom`, `validUntil`, and the classes VC 2.0
//! extends left open), so that one source of truth serves both.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::CredentialError;

/// Which credential class a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialShape {
    /// An Open Badges 3.0 `AchievementCredential` (or its alias `OpenBadgeCredential`).
    AchievementCredential,
    /// A Comprehensive Learner Record 2.0 `ClrCredential`.
    ClrCredential,
}

/// One bundled schema: where it says it lives, its bytes, and their pinned SHA-256.
struct PinnedSchema {
    id: &'static str,
    content: &'static str,
    sha256: &'static str,
}

const ACHIEVEMENT_CREDENTIAL: PinnedSchema = PinnedSchema {
    id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    content: include_str!("../schemas/ob_v3p0_achievementcredential_schema_draft4.json"),
    sha256: "125a8bd1f4dca186e23dc5142734a27193e867713580a0cdd4eea56752fab2bf",
};

const CLR_CREDENTIAL: PinnedSchema = PinnedSchema {
    id: "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json",
    content: include_str!("../schemas/clr_v2p0_clrcredential_schema_draft4.json"),
    sha256: "afaf415f32d639eb300c1207b99438b7261673e162aa940f497cbb283bd39e40",
};

/// One way a credential breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a JSON pointer into the credential (`/credentialSubject/type`); empty for the root.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// The compiled schemas: AchievementCredential and ClrCredential, each for VC 1.1 and VC 2.0.
struct Compiled {
    schemas: boon::Schemas,
    indices: [boon::SchemaIndex; 4],
}

fn slot(shape: CredentialShape, vc2: bool) -> usize {
    match (shape, vc2) {
        (CredentialShape::AchievementCredential, false) => 0,
        (CredentialShape::AchievementCredential, true) => 1,
        (CredentialShape::ClrCredential, false) => 2,
        (CredentialShape::ClrCredential, true) => 3,
    }
}

/// Refuses every URL: the schemas are self-contained, and a schema must never cause a fetch or a
/// file read.
struct NoLoader;

impl boon::UrlLoader for NoLoader {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!("{url}: schemas are bundled, nothing is loaded").into())
    }
}

/// The VC 2.0 form of a VC 1.1 schema: `validFrom`/`validUntil` stand where `issuanceDate`/
/// `expirationDate` stood (as requirements and as properties), a context may be a local context
/// object, and the classes VC 2.0 credentials extend accept more properties.
fn vc2_variant(schema: &Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Array(required)) = o.get_mut("required") {
                    for r in required.iter_mut() {
                        if r == "issuanceDate" {
                            *r = "validFrom".into();
                        }
                    }
                }
                if let Some(Value::Object(props)) = o.get_mut("properties") {
                    // OB 3.0.3's data model: a context is "a URI with the context definition or
                    // a Map with a local context definition".
                    if let Some(Value::Object(context)) = props.get_mut("@context")
                        && let Some(Value::Object(items)) = context.get_mut("items")
                    {
                        items.insert("type".to_owned(), serde_json::json!(["string", "object"]));
                    }
                    for (old, new) in [
                        ("issuanceDate", "validFrom"),
                        ("expirationDate", "validUntil"),
                    ] {
                        if let Some(p) = props.get(old).cloned() {
                            props.entry(new).or_insert(p);
                        }
                    }
                }
                for child in o.values_mut() {
                    walk(child);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut out = schema.clone();
    walk(&mut out);
    if let Some(Value::Object(defs)) = out.get_mut("$defs") {
        for open in [
            "CredentialStatus",
            "AchievementSubject",
            "EndorsementCredential",
        ] {
            if let Some(Value::Object(def)) = defs.get_mut(open) {
                def.insert("additionalProperties".to_owned(), Value::Bool(true));
            }
        }
    }
    out
}

/// Removes `"required": []`: it requires nothing, but the draft-04 metaschema wants at least one
/// name there (1EdTech's Java validator does not check schemas against their metaschema; boon does).
fn drop_empty_required(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("required")
                .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
            {
                o.remove("required");
            }
            o.values_mut().for_each(drop_empty_required);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_empty_required),
        _ => {}
    }
}

fn compile() -> Result<Compiled, CredentialError> {
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V4);
    compiler.use_loader(Box::new(NoLoader));
    let mut schemas = boon::Schemas::new();
    let mut indices = Vec::with_capacity(4);
    for pinned in [&ACHIEVEMENT_CREDENTIAL, &CLR_CREDENTIAL] {
        let actual = crate::contexts::sha256_hex(pinned.content.as_bytes());
        if actual != pinned.sha256 {
            return Err(CredentialError::Schema(format!(
                "bundled schema {} does not match its pinned SHA-256 (content hashes to {actual}): refused",
                pinned.id
            )));
        }
        let mut v1: Value = serde_json::from_str(pinned.content)
            .map_err(|e| CredentialError::Schema(format!("{}: {e}", pinned.id)))?;
        drop_empty_required(&mut v1);
        let v2 = vc2_variant(&v1);
        // Each variant is its own resource (the VC 2.0 one under a derived name), so that their
        // `$ref`s resolve within themselves.
        for (url, schema) in [
            (pinned.id.to_owned(), v1),
            (pinned.id.replace(".json", "-vc2.json"), v2),
        ] {
            compiler
                .add_resource(&url, schema)
                .map_err(|e| CredentialError::Schema(format!("{url}: {e}")))?;
            let index = compiler
                .compile(&url, &mut schemas)
                .map_err(|e| CredentialError::Schema(format!("{url}: {e:#}")))?;
            indices.push(index);
        }
    }
    let indices: [boon::SchemaIndex; 4] = indices
        .try_into()
        .map_err(|_| CredentialError::Schema("expected four compiled schemas".to_owned()))?;
    Ok(Compiled { schemas, indices })
}

fn compiled() -> Result<&'static Compiled, CredentialError> {
    static COMPILED: OnceLock<Result<Compiled, CredentialError>> = OnceLock::new();
    COMPILED.get_or_init(compile).as_ref().map_err(Clone::clone)
}

/// The most violations reported for one credential (a wrong document breaks many rules at once;
/// the first few say what is wrong).
pub const MAX_VIOLATIONS: usize = 12;

/// Every way `doc` breaks the schema of `shape` (VC 2.0 form when `vc2`), at most
/// [`MAX_VIOLATIONS`]; empty when it conforms. An error only when the bundled schemas cannot be used.
pub fn violations(
    doc: &Map<String, Value>,
    shape: CredentialShape,
    vc2: bool,
) -> Result<Vec<Violation>, CredentialError> {
    let compiled = compiled()?;
    let instance = Value::Object(doc.clone());
    let Err(error) = compiled
        .schemas
        .validate(&instance, compiled.indices[slot(shape, vc2)])
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    leaves(&error, &mut out);
    out.dedup();
    out.truncate(MAX_VIOLATIONS);
    Ok(out)
}

/// The innermost errors of a validation error tree: they name the value that is wrong.
fn leaves(error: &boon::ValidationError<'_, '_>, out: &mut Vec<Violation>) {
    if error.causes.is_empty() {
        let v = Violation {
            path: error.instance_location.to_string(),
            message: error.kind.to_string(),
        };
        if !out.contains(&v) {
            out.push(v);
        }
    } else {
        for cause in &error.causes {
            leaves(cause, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn badge() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Teamwork",
            "issuer": {"id": "https://example.edu/issuers/1", "type": ["Profile"], "name": "Example"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:learner",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.edu/achievements/1",
                    "type": ["Achievement"],
                    "name": "Teamwork",
                    "description": "Works well in a team.",
                    "criteria": {"narrative": "Nominated by peers."}
                }
            }
        })
    }

    fn check(v: &Value, vc2: bool) -> Vec<Violation> {
        violations(
            v.as_object().unwrap(),
            CredentialShape::AchievementCredential,
            vc2,
        )
        .unwrap()
    }

    #[test]
    fn a_well_formed_badge_conforms_in_both_forms() {
        assert_eq!(check(&badge(), true), vec![]);
        let mut v1 = badge();
        v1["@context"][0] = "https://www.w3.org/2018/credentials/v1".into();
        let from = v1.as_object_mut().unwrap().remove("validFrom").unwrap();
        v1["issuanceDate"] = from;
        assert_eq!(check(&v1, false), vec![]);
        // The VC 1.1 schema wants issuanceDate; the VC 2.0 form wants validFrom.
        let missing = check(&badge(), false);
        assert!(
            missing.iter().any(|v| v.message.contains("issuanceDate")),
            "{missing:?}"
        );
    }

    #[test]
    fn violations_name_the_path() {
        let mut wrong = badge();
        wrong["issuer"] = "https://example.edu/issuers/1".into();
        let found = check(&wrong, true);
        assert!(found.iter().any(|v| v.path == "/issuer"), "{found:?}");
        let mut wrong = badge();
        wrong["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("criteria");
        let found = check(&wrong, true);
        assert!(
            found
                .iter()
                .any(|v| v.path == "/credentialSubject/achievement"
                    && v.message.contains("criteria")),
            "{found:?}"
        );
        let mut wrong = badge();
        wrong["validFrom"] = "yesterday".into();
        let found = check(&wrong, true);
        assert!(found.iter().any(|v| v.path == "/validFrom"), "{found:?}");
        // The VC 1.1 status entry is closed; the VC 2.0 one is open.
        let mut status = badge();
        status["credentialStatus"] = json!({"id": "https://example.edu/status/1#3", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "3", "statusListCredential": "https://example.edu/status/1"});
        assert_eq!(check(&status, true), vec![]);
        let mut v1 = status.clone();
        v1["issuanceDate"] = v1["validFrom"].clone();
        assert!(
            check(&v1, false)
                .iter()
                .any(|v| v.path == "/credentialStatus")
        );
    }

    #[test]
    fn a_clr_needs_its_credentials() {
        let clr = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:2",
            "type": ["VerifiableCredential", "ClrCredential"],
            "name": "Transcript",
            "issuer": {"id": "https://example.edu/issuers/1", "type": ["Profile"]},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": []}
        });
        let found = violations(
            clr.as_object().unwrap(),
            CredentialShape::ClrCredential,
            true,
        )
        .unwrap();
        assert!(
            found
                .iter()
                .any(|v| v.path == "/credentialSubject/verifiableCredential"),
            "{found:?}"
        );
    }
}
