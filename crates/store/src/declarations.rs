//! Workers' voluntary declarations for the fairness audit, sealed with the key-encryption key and
//! kept apart from the profile. The store seals and opens them; what a category may be is the
//! platform's to check (`guild_fairness`). Nothing here is read by matching.

use std::collections::BTreeMap;

use guild_ids::WorkerId;
use serde::Serialize;

use crate::StoreError;
use crate::areas::Decisions;
use crate::sealing;

/// A worker's declaration, opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Declaration {
    /// Dimension → category, for the dimensions declared.
    pub categories: BTreeMap<String, String>,
    /// The version of the purpose text consented to.
    pub purpose: String,
    /// When consent was given.
    pub consented_at: String,
}

/// What the audit reads: every declaration opened, and how many were withdrawn.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// By worker.
    pub declared: BTreeMap<WorkerId, BTreeMap<String, String>>,
    /// Declarations withdrawn (their data erased).
    pub withdrawn: usize,
}

fn context(worker: WorkerId) -> String {
    format!("declaration:worker:{worker}")
}

fn no_kek(e: StoreError) -> StoreError {
    match e {
        StoreError::IssuerKeysLocked(_) => StoreError::Conflict(
            "declarations are kept sealed with the key-encryption key, and this server holds \
             none: the operator starts it with --key-file or GUILD_KEY"
                .to_owned(),
        ),
        other => other,
    }
}

impl Decisions<'_> {
    /// Keeps `worker`'s declaration (replacing one before), sealed, with the consent given now.
    pub fn declare(
        &self,
        worker: WorkerId,
        categories: &BTreeMap<String, String>,
        purpose: &str,
    ) -> Result<(), StoreError> {
        let kek = self.store.kek().map_err(no_kek)?;
        let plain = serde_json::to_vec(categories)
            .map_err(|e| StoreError::Backend(format!("declaration: {e}")))?;
        let sealed = sealing::seal_data(&kek, &context(worker), &plain)?;
        self.store.write(|tx| {
            let now = tx.now().to_string();
            tx.execute(
                "DELETE FROM declarations WHERE worker_id = $1",
                &[worker.into()],
            )?;
            tx.execute(
                "INSERT INTO declarations (worker_id, sealed, kek_id, purpose, consented_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    worker.into(),
                    sealed.as_str().into(),
                    kek.id().into(),
                    purpose.into(),
                    now.into(),
                ],
            )?;
            Ok(())
        })
    }

    /// Keeps many workers' declarations at once, in one transaction (a generated market's:
    /// `guild gen --declarations`), each sealed as [`Self::declare`] seals one.
    pub fn declare_many(
        &self,
        declarations: &[(WorkerId, BTreeMap<String, String>)],
        purpose: &str,
    ) -> Result<usize, StoreError> {
        if declarations.is_empty() {
            return Ok(0);
        }
        let kek = self.store.kek().map_err(no_kek)?;
        let mut sealed = Vec::with_capacity(declarations.len());
        for (worker, categories) in declarations {
            let plain = serde_json::to_vec(categories)
                .map_err(|e| StoreError::Backend(format!("declaration: {e}")))?;
            sealed.push((
                *worker,
                sealing::seal_data(&kek, &context(*worker), &plain)?,
            ));
        }
        self.store.write(|tx| {
            let now = tx.now().to_string();
            for (worker, sealed) in &sealed {
                tx.execute(
                    "DELETE FROM declarations WHERE worker_id = $1",
                    &[(*worker).into()],
                )?;
                tx.execute(
                    "INSERT INTO declarations (worker_id, sealed, kek_id, purpose, consented_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        (*worker).into(),
                        sealed.as_str().into(),
                        kek.id().into(),
                        purpose.into(),
                        now.as_str().into(),
                    ],
                )?;
            }
            Ok(sealed.len())
        })
    }

    /// `worker`'s declaration, opened; `Ok(None)` when there is none, and the withdrawal's time
    /// when consent was withdrawn.
    pub fn declaration(
        &self,
        worker: WorkerId,
    ) -> Result<Result<Option<Declaration>, String>, StoreError> {
        let row = self.store.read(|tx| {
            tx
                .query(
                    "SELECT sealed, purpose, consented_at, withdrawn_at FROM declarations WHERE worker_id = $1",
                    &[worker.into()],
                )?
                .first()
                .map(|r| -> Result<_, StoreError> {
                    Ok((
                        r.opt_text("sealed")?,
                        r.text("purpose")?.to_owned(),
                        r.text("consented_at")?.to_owned(),
                        r.opt_text("withdrawn_at")?,
                    ))
                })
                .transpose()
        })?;
        let Some((sealed, purpose, consented_at, withdrawn)) = row else {
            return Ok(Ok(None));
        };
        if let Some(at) = withdrawn {
            return Ok(Err(at));
        }
        let Some(sealed) = sealed else {
            return Ok(Ok(None));
        };
        let kek = self.store.kek().map_err(no_kek)?;
        let plain = sealing::open_data(&kek, &context(worker), &sealed)?;
        let categories = serde_json::from_slice(&plain)
            .map_err(|e| StoreError::Backend(format!("declaration: {e}")))?;
        Ok(Ok(Some(Declaration {
            categories,
            purpose,
            consented_at,
        })))
    }

    /// Withdraws `worker`'s consent: the sealed data is erased at once; only the time of the
    /// withdrawal stays, for later audits to count.
    pub fn withdraw_declaration(&self, worker: WorkerId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE declarations SET sealed = NULL, kek_id = NULL, withdrawn_at = $1 \
                 WHERE worker_id = $2 AND withdrawn_at IS NULL",
                &[tx.now().to_string().into(), worker.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "declaration",
                    id: worker.to_string(),
                });
            }
            Ok(())
        })
    }

    /// Every declaration, opened, for the fairness audit only.
    pub fn declarations_for_audit(&self) -> Result<Declarations, StoreError> {
        let rows = self.store.read(|tx| {
            tx.query("SELECT worker_id, sealed FROM declarations", &[])?
                .iter()
                .map(|r| Ok((r.id::<WorkerId>("worker_id")?, r.opt_text("sealed")?)))
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        let mut out = Declarations::default();
        let kek = if rows.iter().any(|(_, s)| s.is_some()) {
            Some(self.store.kek().map_err(no_kek)?)
        } else {
            None
        };
        for (worker, sealed) in rows {
            match (sealed, &kek) {
                (Some(sealed), Some(kek)) => {
                    let plain = sealing::open_data(kek, &context(worker), &sealed)?;
                    let categories = serde_json::from_slice(&plain)
                        .map_err(|e| StoreError::Backend(format!("declaration: {e}")))?;
                    out.declared.insert(worker, categories);
                }
                _ => out.withdrawn += 1,
            }
        }
        Ok(out)
    }
}

/// Seals every declaration again under `new` inside `tx` (a key-encryption key rotation).
pub(crate) fn reseal(
    tx: &mut dyn crate::sql::Tx,
    current: &sealing::KeyEncryptionKey,
    new: &sealing::KeyEncryptionKey,
) -> Result<usize, StoreError> {
    let rows = tx.query(
        "SELECT worker_id, sealed FROM declarations WHERE sealed IS NOT NULL",
        &[],
    )?;
    let mut n = 0;
    for r in &rows {
        let worker: WorkerId = r.id("worker_id")?;
        let plain = sealing::open_data(current, &context(worker), r.text("sealed")?)?;
        let sealed = sealing::seal_data(new, &context(worker), &plain)?;
        tx.execute(
            "UPDATE declarations SET sealed = $1, kek_id = $2 WHERE worker_id = $3",
            &[sealed.into(), new.id().into(), worker.into()],
        )?;
        n += 1;
    }
    Ok(n)
}
