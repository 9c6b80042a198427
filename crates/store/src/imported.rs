//! Credentials workers bring from elsewhere: once verified, each skill they attest becomes
//! `credential` evidence on the worker's profile, and the import records which issuer said so.

use crate::areas::Credentials;
use guild_credentials::badge::AttestedSkill;
use guild_ids::{ImportId, WorkerId};
use guild_matching::Evidence;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::sql::{Record, Tx};

use guild_credentials::issuing::IMPORTED_DEFAULT_LEVEL as DEFAULT_LEVEL;

/// A verified credential to import.
#[derive(Debug, Clone)]
pub struct NewImport {
    /// The worker it goes to.
    pub worker: WorkerId,
    /// The credential's own id, if any.
    pub credential_id: Option<String>,
    /// Its issuer's DID or URL.
    pub issuer: String,
    /// Its issuer's name, if it gives one.
    pub issuer_name: Option<String>,
    /// Its name, if any.
    pub name: Option<String>,
    /// Its types.
    pub types: Vec<String>,
    /// The credential as uploaded.
    pub document: String,
    /// The verification report (JSON).
    pub report: String,
    /// Until when it is valid, if it says.
    pub valid_until: Option<String>,
    /// The skills it attests.
    pub skills: Vec<AttestedSkill>,
}

/// A skill an imported credential attests, as the taxonomy knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedSkill {
    /// The taxonomy id.
    pub skill: String,
    /// Its label.
    pub label: String,
    /// The level, 1–5.
    pub level: i64,
}

/// A credential a worker imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedCredential {
    /// Its number on this Guild.
    pub id: ImportId,
    /// The worker.
    pub worker: WorkerId,
    /// The credential's own id, if any.
    pub credential_id: Option<String>,
    /// Who issued it (DID or URL).
    pub issuer: String,
    /// The issuer's name, if it gives one.
    pub issuer_name: Option<String>,
    /// Its name, if any.
    pub name: Option<String>,
    /// Its types.
    pub types: Vec<String>,
    /// Until when it is valid, if it says.
    pub valid_until: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// The skills it added to the profile.
    pub skills: Vec<ImportedSkill>,
}

const COLUMNS: &str =
    "id, worker_id, credential_id, issuer, issuer_name, name, types, valid_until, imported_at";

fn from_row(r: &Record) -> Result<ImportedCredential, StoreError> {
    Ok(ImportedCredential {
        id: r.id("id")?,
        worker: r.id("worker_id")?,
        credential_id: r.opt_text("credential_id")?,
        issuer: r.text("issuer")?.to_owned(),
        issuer_name: r.opt_text("issuer_name")?,
        name: r.opt_text("name")?,
        types: r
            .text("types")?
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        valid_until: r.opt_text("valid_until")?,
        imported_at: r.text("imported_at")?.to_owned(),
        skills: Vec::new(),
    })
}

fn skills_of(tx: &mut dyn Tx, import: ImportId) -> Result<Vec<ImportedSkill>, StoreError> {
    tx.query(
        "SELECT i.skill, COALESCE(s.label, i.skill) AS label, i.level FROM imported_credential_skills i \
         LEFT JOIN skills s ON s.id = i.skill WHERE i.import_id = $1 ORDER BY i.skill",
        &[import.into()],
    )?
    .iter()
    .map(|r| {
        Ok(ImportedSkill {
            skill: r.text("skill")?.to_owned(),
            label: r.text("label")?.to_owned(),
            level: r.int("level")?,
        })
    })
    .collect()
}

/// The taxonomy skill an attested skill names: by Guild id (`targetCode`) or by URI (ESCO
/// concept URIs are ids; O*NET pages are `source_uri`).
fn taxonomy_skill(tx: &mut dyn Tx, a: &AttestedSkill) -> Result<Option<String>, StoreError> {
    for candidate in [&a.code, &a.url].into_iter().flatten() {
        let rows = tx.query(
            "SELECT id FROM skills WHERE id = $1 UNION SELECT id FROM skills WHERE source_uri = $1",
            &[candidate.as_str().into()],
        )?;
        if let Some(r) = rows.first() {
            return Ok(Some(r.text("id")?.to_owned()));
        }
    }
    Ok(None)
}

impl Credentials<'_> {
    /// Imports a verified credential: records it and raises the worker's skills it attests to
    /// `credential` evidence (at least its level), in one transaction. Returns the import and
    /// the attested skills the taxonomy does not know. The same document twice is a conflict.
    pub fn import_credential(
        &self,
        new: &NewImport,
    ) -> Result<(ImportedCredential, Vec<AttestedSkill>), StoreError> {
        let digest: String = format!("{:x}", Sha256::digest(new.document.as_bytes()));
        self.store.write(|tx| {
            let exists = tx.query("SELECT 1 FROM workers WHERE id = $1", &[new.worker.into()])?;
            if exists.is_empty() {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: new.worker.to_string(),
                });
            }
            let dup = tx.query(
                "SELECT id FROM imported_credentials WHERE worker_id = $1 AND digest = $2",
                &[new.worker.into(), digest.as_str().into()],
            )?;
            if let Some(r) = dup.first() {
                return Err(StoreError::Conflict(format!(
                    "this credential is already imported (import {})",
                    r.int("id")?
                )));
            }
            let at = tx.now().to_string();
            let mut import = tx
                .query(
                    &format!(
                        "INSERT INTO imported_credentials (worker_id, credential_id, issuer, issuer_name, name, types, document, digest, report, valid_until, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {COLUMNS}"
                    ),
                    &[
                        new.worker.into(),
                        new.credential_id.as_deref().into(),
                        new.issuer.as_str().into(),
                        new.issuer_name.as_deref().into(),
                        new.name.as_deref().into(),
                        new.types.join(" ").into(),
                        new.document.as_str().into(),
                        digest.as_str().into(),
                        new.report.as_str().into(),
                        new.valid_until.as_deref().into(),
                        at.into(),
                    ],
                )?
                .first()
                .map(from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))??;
            let mut unknown = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for a in &new.skills {
                let Some(skill) = taxonomy_skill(tx, a)? else {
                    unknown.push(a.clone());
                    continue;
                };
                if !seen.insert(skill.clone()) {
                    continue;
                }
                let level = a.level.map_or(DEFAULT_LEVEL, i64::from);
                tx.execute(
                    "INSERT INTO imported_credential_skills (import_id, skill, level) VALUES ($1, $2, $3)",
                    &[import.id.into(), skill.as_str().into(), level.into()],
                )?;
                crate::matching::raise_skill(tx, new.worker, &skill, level, Evidence::Credential)?;
            }
            tx.execute(
                "UPDATE workers SET updated_at = $1 WHERE id = $2",
                &[tx.now().to_string().into(), new.worker.into()],
            )?;
            crate::matching::record(tx, crate::matching::Changed::Workers(&[new.worker]))?;
            import.skills = skills_of(tx, import.id)?;
            Ok((import, unknown))
        })
    }

    /// The credentials `worker` imported, newest first.
    pub fn imported_credentials(
        &self,
        worker: WorkerId,
    ) -> Result<Vec<ImportedCredential>, StoreError> {
        self.store.read(|tx| {
            let mut all = tx
                .query(
                    &format!("SELECT {COLUMNS} FROM imported_credentials WHERE worker_id = $1 ORDER BY id DESC"),
                    &[worker.into()],
                )?
                .iter()
                .map(from_row)
                .collect::<Result<Vec<_>, _>>()?;
            for i in &mut all {
                i.skills = skills_of(tx, i.id)?;
            }
            Ok(all)
        })
    }

    /// One imported credential of `worker`, with the document as uploaded.
    pub fn imported_credential(
        &self,
        worker: WorkerId,
        id: ImportId,
    ) -> Result<(ImportedCredential, String), StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!("SELECT {COLUMNS}, document FROM imported_credentials WHERE worker_id = $1 AND id = $2"),
                &[worker.into(), id.into()],
            )?;
            let r = rows.first().ok_or_else(|| StoreError::NotFound {
                what: "imported credential",
                id: id.to_string(),
            })?;
            let mut import = from_row(r)?;
            import.skills = skills_of(tx, id)?;
            Ok((import, r.text("document")?.to_owned()))
        })
    }

    /// Removes an imported credential. A skill it alone vouched for falls back from
    /// `credential` to `self_declared` evidence (the worker still claims it; nobody vouches).
    pub fn delete_imported_credential(
        &self,
        worker: WorkerId,
        id: ImportId,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let skills = skills_of(tx, id)?;
            let n = tx.execute(
                "DELETE FROM imported_credentials WHERE worker_id = $1 AND id = $2",
                &[worker.into(), id.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "imported credential",
                    id: id.to_string(),
                });
            }
            for s in skills {
                let others = tx.query(
                    "SELECT 1 FROM imported_credential_skills k JOIN imported_credentials i ON i.id = k.import_id \
                     WHERE i.worker_id = $1 AND k.skill = $2",
                    &[worker.into(), s.skill.as_str().into()],
                )?;
                if others.is_empty() {
                    tx.execute(
                        "UPDATE worker_skills SET evidence = $1 WHERE worker_id = $2 AND skill = $3 AND evidence = $4",
                        &[
                            Evidence::SelfDeclared.as_str().into(),
                            worker.into(),
                            s.skill.as_str().into(),
                            Evidence::Credential.as_str().into(),
                        ],
                    )?;
                }
            }
            crate::matching::record(tx, crate::matching::Changed::Workers(&[worker]))?;
            Ok(())
        })
    }
}
