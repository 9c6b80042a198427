//! The issuer's signing keys and the credentials Guild issued.

use serde::Serialize;

use crate::sql::{Row, Value};
use crate::{Store, StoreError};

/// An issuer's Ed25519 key. The secret never leaves the store except to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerKey {
    /// Its number.
    pub id: i64,
    /// Whose key: `platform`.
    pub issuer: String,
    /// The public key, Multikey multibase (`z6Mk…`).
    pub public_multibase: String,
    /// The secret seed, multibase (`z3u2…`).
    pub secret_multibase: String,
    /// When it was made.
    pub created_at: String,
    /// When a newer key took over (it still verifies).
    pub retired_at: Option<String>,
}

/// A credential Guild issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCredential {
    /// Its id (`urn:uuid:…`).
    pub id: String,
    /// The worker it was issued to, if the profile still exists.
    pub worker: Option<i64>,
    /// `skill`, `reputation` or `endorsement`.
    pub kind: String,
    /// The skill it certifies, for skill credentials.
    pub skill: Option<String>,
    /// The signed credential (JSON text).
    pub document: String,
    /// Its position in the revocation status list.
    pub status_index: i64,
    /// When it was issued.
    pub issued_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// Who issued it: `platform` or `org:ID`.
    pub issuer: String,
    /// The account that asked for it, if one did.
    pub issued_by: Option<i64>,
}

fn key_from_row(r: &Row) -> Result<IssuerKey, StoreError> {
    Ok(IssuerKey {
        id: r[0].int()?,
        issuer: r[1].text()?.to_owned(),
        public_multibase: r[2].text()?.to_owned(),
        secret_multibase: r[3].text()?.to_owned(),
        created_at: r[4].text()?.to_owned(),
        retired_at: r[5].opt_text()?,
    })
}

const KEY_COLUMNS: &str = "id, issuer, public_multibase, secret_multibase, created_at, retired_at";
const CREDENTIAL_COLUMNS: &str = "id, worker_id, kind, skill, document, status_index, issued_at, revoked_at, revocation_reason, issuer, issued_by";

fn credential_from_row(r: &Row) -> Result<IssuedCredential, StoreError> {
    Ok(IssuedCredential {
        id: r[0].text()?.to_owned(),
        worker: r[1].opt_int()?,
        kind: r[2].text()?.to_owned(),
        skill: r[3].opt_text()?,
        document: r[4].text()?.to_owned(),
        status_index: r[5].int()?,
        issued_at: r[6].text()?.to_owned(),
        revoked_at: r[7].opt_text()?,
        revocation_reason: r[8].opt_text()?,
        issuer: r[9].text()?.to_owned(),
        issued_by: r[10].opt_int()?,
    })
}

/// The issued credential `id`, read inside `tx`.
fn credential_by_id(tx: &mut dyn crate::sql::Tx, id: &str) -> Result<IssuedCredential, StoreError> {
    tx.query(
        &format!("SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE id = $1"),
        &[id.into()],
    )?
    .first()
    .map(credential_from_row)
    .ok_or_else(|| StoreError::NotFound {
        what: "credential",
        id: id.to_owned(),
    })?
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

impl Store {
    /// Stores a new key for `issuer` and retires the one it replaces, in one transaction
    /// (rotation: the old key keeps verifying what it signed).
    pub fn rotate_issuer_key(
        &self,
        issuer: &str,
        public_multibase: &str,
        secret_multibase: &str,
    ) -> Result<IssuerKey, StoreError> {
        self.write(|tx| {
            let at = now();
            crate::audit::audit(tx, None, "issuer_key.rotated", &format!("issuer:{issuer}"), public_multibase)?;
            tx.execute(
                "UPDATE issuer_keys SET retired_at = $1 WHERE issuer = $2 AND retired_at IS NULL",
                &[at.clone().into(), issuer.into()],
            )?;
            let rows = tx.query(
                &format!(
                    "INSERT INTO issuer_keys (issuer, public_multibase, secret_multibase, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING {KEY_COLUMNS}"
                ),
                &[issuer.into(), public_multibase.into(), secret_multibase.into(), at.into()],
            )?;
            rows.first()
                .map(key_from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?
        })
    }

    /// Every key of `issuer`, oldest first.
    pub fn issuer_keys(&self, issuer: &str) -> Result<Vec<IssuerKey>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {KEY_COLUMNS} FROM issuer_keys WHERE issuer = $1 ORDER BY id"),
                &[issuer.into()],
            )?
            .iter()
            .map(key_from_row)
            .collect()
        })
    }

    /// The key `issuer` signs with now, if it has one.
    pub fn active_issuer_key(&self, issuer: &str) -> Result<Option<IssuerKey>, StoreError> {
        Ok(self
            .issuer_keys(issuer)?
            .into_iter()
            .rev()
            .find(|k| k.retired_at.is_none()))
    }

    /// Issues a credential: reserves the next status-list position, lets `sign` build and sign
    /// the document for it, and stores the result — all in one transaction, so that nothing is
    /// half-issued.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_credential(
        &self,
        issuer: &str,
        issued_by: Option<i64>,
        id: &str,
        worker: Option<i64>,
        kind: &str,
        skill: Option<&str>,
        sign: impl FnOnce(i64) -> Result<String, StoreError>,
    ) -> Result<IssuedCredential, StoreError> {
        self.write(|tx| {
            let next = tx
                .query("SELECT COALESCE(MAX(status_index), -1) + 1 FROM issued_credentials", &[])?
                .first()
                .map(|r| r[0].int())
                .transpose()?
                .unwrap_or(0);
            let document = sign(next)?;
            crate::audit::audit(tx, issued_by, "credential.issued", &format!("credential:{id}"), &format!("{kind} by {issuer}"))?;
            let rows = tx.query(
                &format!(
                    "INSERT INTO issued_credentials (id, worker_id, kind, skill, document, status_index, issued_at, issuer, issued_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {CREDENTIAL_COLUMNS}"
                ),
                &[
                    id.into(),
                    worker.into(),
                    kind.into(),
                    skill.into(),
                    document.into(),
                    next.into(),
                    now().into(),
                    issuer.into(),
                    issued_by.into(),
                ],
            )?;
            rows.first()
                .map(credential_from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?
        })
    }

    /// One issued credential.
    pub fn issued_credential(&self, id: &str) -> Result<IssuedCredential, StoreError> {
        self.read(|tx| credential_by_id(tx, id))
    }

    /// The credentials issued to `worker`, newest first.
    pub fn credentials_of(&self, worker: i64) -> Result<Vec<IssuedCredential>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE worker_id = $1 ORDER BY status_index DESC"
                ),
                &[Value::Int(worker)],
            )?
            .iter()
            .map(credential_from_row)
            .collect()
        })
    }

    /// The credentials `issuer` (`platform` or `org:ID`) issued, newest first.
    pub fn credentials_issued_by(&self, issuer: &str) -> Result<Vec<IssuedCredential>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE issuer = $1 ORDER BY status_index DESC"
                ),
                &[issuer.into()],
            )?
            .iter()
            .map(credential_from_row)
            .collect()
        })
    }

    /// Revokes an issued credential (once; revoking again is a conflict).
    pub fn revoke_credential(
        &self,
        id: &str,
        reason: &str,
    ) -> Result<IssuedCredential, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE issued_credentials SET revoked_at = $1, revocation_reason = $2 \
                 WHERE id = $3 AND revoked_at IS NULL",
                &[now().into(), reason.into(), id.into()],
            )?;
            let row = credential_by_id(tx, id)?;
            crate::audit::audit(
                tx,
                None,
                "credential.revoked",
                &format!("credential:{id}"),
                reason,
            )?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "credential {id} is already revoked"
                )));
            }
            Ok(row)
        })
    }

    /// Status-list positions of every revoked credential, and the number of positions used.
    pub fn revocation_list(&self) -> Result<(Vec<i64>, i64), StoreError> {
        self.read(|tx| {
            let revoked = tx
                .query(
                    "SELECT status_index FROM issued_credentials WHERE revoked_at IS NOT NULL ORDER BY status_index",
                    &[],
                )?
                .iter()
                .map(|r| r[0].int())
                .collect::<Result<Vec<_>, _>>()?;
            let used = tx
                .query("SELECT COUNT(*) FROM issued_credentials", &[])?
                .first()
                .map(|r| r[0].int())
                .transpose()?
                .unwrap_or(0);
            Ok((revoked, used))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{DatabaseUrl, Store, StoreError};

    #[test]
    fn credentials_take_status_positions_in_order_and_revoke_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("g.db"))).unwrap();
        let first = store
            .rotate_issuer_key("platform", "z6Mk-a", "z3u2-a")
            .unwrap();
        let second = store
            .rotate_issuer_key("platform", "z6Mk-b", "z3u2-b")
            .unwrap();
        let keys = store.issuer_keys("platform").unwrap();
        assert!(keys[0].retired_at.is_some() && keys[1].retired_at.is_none());
        assert_eq!(
            store.active_issuer_key("platform").unwrap().map(|k| k.id),
            Some(second.id)
        );
        assert_ne!(first.id, second.id);
        for (n, id) in ["urn:uuid:1", "urn:uuid:2"].into_iter().enumerate() {
            let issued = store
                .issue_credential("platform", None, id, None, "skill", None, |index| {
                    Ok(format!("{{\"index\":{index}}}"))
                })
                .unwrap();
            assert_eq!(issued.status_index, n as i64);
            assert_eq!(issued.document, format!("{{\"index\":{n}}}"));
        }
        // A failed signing stores nothing.
        let failed =
            store.issue_credential("platform", None, "urn:uuid:3", None, "skill", None, |_| {
                Err(StoreError::Invalid("no key".to_owned()))
            });
        assert!(failed.is_err());
        assert!(matches!(
            store.issued_credential("urn:uuid:3"),
            Err(StoreError::NotFound { .. })
        ));
        let revoked = store
            .revoke_credential("urn:uuid:2", "issued in error")
            .unwrap();
        assert_eq!(
            revoked.revocation_reason.as_deref(),
            Some("issued in error")
        );
        assert!(matches!(
            store.revoke_credential("urn:uuid:2", "again"),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.revoke_credential("urn:uuid:9", "x"),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(store.revocation_list().unwrap(), (vec![1], 2));
    }
}
