//! The issuer's signing keys and the credentials Guild issued.

use crate::areas::Credentials;
use guild_ids::{AccountId, KeyId, WorkerId};
use serde::Serialize;

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use guild_credentials::keys;
use zeroize::Zeroizing;

use crate::sealing::{self, KeyEncryptionKey, KeyLock};
use crate::sql::{Record, Tx};
use crate::{Store, StoreError};

/// An issuer's Ed25519 key. The secret never leaves the store except to sign, and is kept
/// sealed under the key-encryption key (see [`crate::KeyEncryptionKey`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerKey {
    /// Its number.
    pub id: KeyId,
    /// Whose key: `platform` or `org:ID`.
    pub issuer: String,
    /// The public key, Multikey multibase (`z6Mk…`).
    pub public_multibase: String,
    /// When it was made.
    pub created_at: String,
    /// When a newer key took over (it still verifies).
    pub retired_at: Option<String>,
    secret: StoredSecret,
}

impl IssuerKey {
    /// The id of the key-encryption key its secret is sealed under; none while it is still
    /// stored in plain text (made before sealing, and Guild has not started with a KEK since).
    pub fn sealed_with(&self) -> Option<&str> {
        match &self.secret {
            StoredSecret::Sealed { kek_id, .. } => Some(kek_id),
            StoredSecret::Plain(_) => None,
        }
    }
}

/// How a secret key is stored.
#[derive(Clone, PartialEq)]
enum StoredSecret {
    /// Multibase seed, from before keys were sealed (until the first start with a KEK).
    Plain(String),
    /// Sealed under the KEK `kek_id` (see `sealing::seal`).
    Sealed { kek_id: String, sealed: String },
}

/// Even sealed, a secret stays out of logs.
impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoredSecret::Plain(_) => f.write_str("Plain(…)"),
            StoredSecret::Sealed { kek_id, .. } => write!(f, "Sealed {{ kek_id: {kek_id:?}, … }}"),
        }
    }
}

/// A credential Guild issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCredential {
    /// Its id (`urn:uuid:…`).
    pub id: String,
    /// The worker it was issued to, if the profile still exists.
    pub worker: Option<WorkerId>,
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
    pub issued_by: Option<AccountId>,
}

fn key_from_row(r: &Record) -> Result<IssuerKey, StoreError> {
    let secret = match (
        r.opt_text("secret_multibase")?,
        r.opt_text("secret_sealed")?,
        r.opt_text("kek_id")?,
    ) {
        (_, Some(sealed), Some(kek_id)) => StoredSecret::Sealed { kek_id, sealed },
        (Some(plain), None, None) => StoredSecret::Plain(plain),
        // The table's CHECK constraints rule this out; a row edited by hand could still be so.
        _ => {
            return Err(StoreError::SealedKey(format!(
                "issuer key {} has neither a sealed nor a plain secret",
                r.int("id")?
            )));
        }
    };
    Ok(IssuerKey {
        id: r.id("id")?,
        issuer: r.text("issuer")?.to_owned(),
        public_multibase: r.text("public_multibase")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
        retired_at: r.opt_text("retired_at")?,
        secret,
    })
}

const KEY_COLUMNS: &str =
    "id, issuer, public_multibase, secret_multibase, secret_sealed, kek_id, created_at, retired_at";
const CREDENTIAL_COLUMNS: &str = "id, worker_id, kind, skill, document, status_index, issued_at, revoked_at, revocation_reason, issuer, issued_by";

fn credential_from_row(r: &Record) -> Result<IssuedCredential, StoreError> {
    Ok(IssuedCredential {
        id: r.text("id")?.to_owned(),
        worker: r.opt_id("worker_id")?,
        kind: r.text("kind")?.to_owned(),
        skill: r.opt_text("skill")?,
        document: r.text("document")?.to_owned(),
        status_index: r.int("status_index")?,
        issued_at: r.text("issued_at")?.to_owned(),
        revoked_at: r.opt_text("revoked_at")?,
        revocation_reason: r.opt_text("revocation_reason")?,
        issuer: r.text("issuer")?.to_owned(),
        issued_by: r.opt_id("issued_by")?,
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

/// The ids of the key-encryption keys the stored issuer keys are sealed under.
fn sealed_with(tx: &mut dyn Tx) -> Result<Vec<String>, StoreError> {
    tx.query(
        "SELECT DISTINCT kek_id FROM issuer_keys WHERE kek_id IS NOT NULL ORDER BY kek_id",
        &[],
    )?
    .iter()
    .map(|r| r.text("kek_id").map(str::to_owned))
    .collect()
}

/// Refuses (as locked) when a stored key is sealed under another KEK than `kek`.
fn check_sealed_with(tx: &mut dyn Tx, kek: &KeyEncryptionKey) -> Result<(), StoreError> {
    let others: Vec<String> = sealed_with(tx)?
        .into_iter()
        .filter(|id| id != kek.id())
        .collect();
    if others.is_empty() {
        Ok(())
    } else {
        Err(StoreError::IssuerKeysLocked(KeyLock::Wrong {
            sealed_with: others.join(", "),
            configured: kek.id().to_owned(),
            source: kek.source().to_owned(),
        }))
    }
}

/// The seed of `key`: opened under `kek`, or read from the plain column; either way it must
/// be the secret half of the key's public key (a seed swapped between rows is refused).
fn seed_of(key: &IssuerKey, kek: &KeyEncryptionKey) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let seed = match &key.secret {
        StoredSecret::Sealed { kek_id, sealed } => {
            if kek_id != kek.id() {
                return Err(StoreError::IssuerKeysLocked(KeyLock::Wrong {
                    sealed_with: kek_id.clone(),
                    configured: kek.id().to_owned(),
                    source: kek.source().to_owned(),
                }));
            }
            sealing::open(kek, &key.issuer, &key.public_multibase, sealed)?
        }
        StoredSecret::Plain(multibase) => Zeroizing::new(
            keys::secret_key_from_multibase(multibase)
                .map_err(|e| {
                    StoreError::SealedKey(format!(
                        "the plain secret of issuer key {} is unreadable: {e}",
                        key.id
                    ))
                })?
                .to_bytes(),
        ),
    };
    let public = keys::public_key_multibase(&SigningKey::from_bytes(&seed).verifying_key());
    if public != key.public_multibase {
        return Err(StoreError::SealedKey(format!(
            "the secret of issuer key {} is not the secret half of its public key {}",
            key.id, key.public_multibase
        )));
    }
    Ok(seed)
}

impl Store {
    /// Stores a new key for `issuer`, sealed under the key-encryption key, and retires the one
    /// it replaces, in one transaction (rotation: the old key keeps verifying what it signed).
    pub(crate) fn add_issuer_key(
        &self,
        issuer: &str,
        key: &SigningKey,
    ) -> Result<IssuerKey, StoreError> {
        let kek = match self.kek() {
            Ok(kek) => kek,
            Err(_) => return Err(self.locked_without_kek()),
        };
        let public_multibase = keys::public_key_multibase(&key.verifying_key());
        let seed = Zeroizing::new(key.to_bytes());
        let sealed = sealing::seal(&kek, issuer, &public_multibase, &seed)?;
        self.write(|tx| {
            // Keys sealed under two KEKs could never all be opened: refuse to start a second.
            check_sealed_with(tx, &kek)?;
            let at = tx.now().to_string();
            crate::audit::audit(tx, None, "issuer_key.rotated", &format!("issuer:{issuer}"), &public_multibase)?;
            tx.execute(
                "UPDATE issuer_keys SET retired_at = $1 WHERE issuer = $2 AND retired_at IS NULL",
                &[at.clone().into(), issuer.into()],
            )?;
            let rows = tx.query(
                &format!(
                    "INSERT INTO issuer_keys (issuer, public_multibase, secret_sealed, kek_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING {KEY_COLUMNS}"
                ),
                &[
                    issuer.into(),
                    public_multibase.as_str().into(),
                    sealed.as_str().into(),
                    kek.id().into(),
                    at.into(),
                ],
            )?;
            rows.first()
                .map(key_from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?
        })
    }

    /// The key-encryption key in use, or why there is none.
    pub(crate) fn kek(&self) -> Result<Arc<KeyEncryptionKey>, StoreError> {
        self.kek
            .read()
            .map_err(|_| StoreError::Backend("the key-encryption key lock is poisoned".to_owned()))?
            .clone()
            .ok_or(StoreError::IssuerKeysLocked(KeyLock::Missing {
                sealed_with: None,
            }))
    }

    /// Why nothing can be sealed or opened without a key-encryption key, naming the one the
    /// stored keys are sealed under.
    fn locked_without_kek(&self) -> StoreError {
        match self.read(sealed_with) {
            Ok(ids) => StoreError::IssuerKeysLocked(KeyLock::Missing {
                sealed_with: (!ids.is_empty()).then(|| ids.join(", ")),
            }),
            Err(e) => e,
        }
    }
}

impl Credentials<'_> {
    /// The ids of the key-encryption keys the stored issuer keys are sealed under (one, or
    /// none while no key is sealed).
    pub fn issuer_keys_sealed_with(&self) -> Result<Vec<String>, StoreError> {
        self.store.read(sealed_with)
    }

    /// How many issuer keys are still stored in plain text (from before keys were sealed).
    pub fn plain_issuer_keys(&self) -> Result<i64, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT COUNT(*) AS n FROM issuer_keys WHERE secret_multibase IS NOT NULL",
                &[],
            )?
            .first()
            .map_or(Ok(0), |r| r.int("n"))
        })
    }

    /// The id of the key-encryption key this process holds, if it holds one.
    pub fn key_encryption_key_id(&self) -> Option<String> {
        self.store
            .kek
            .read()
            .ok()
            .and_then(|k| k.as_ref().map(|k| k.id().to_owned()))
    }
}

impl Store {
    fn set_kek(&self, kek: Option<KeyEncryptionKey>) -> Result<(), StoreError> {
        *self.kek.write().map_err(|_| {
            StoreError::Backend("the key-encryption key lock is poisoned".to_owned())
        })? = kek.map(Arc::new);
        Ok(())
    }
}

impl Credentials<'_> {
    /// Gives the store the key-encryption key that opens its issuer keys (none: signing will
    /// say why it cannot), and seals under it every issuer key still stored in plain text (a
    /// store from before keys were sealed), in one transaction, clearing the plain column.
    /// Returns how many keys it sealed. When the stored keys were sealed under another KEK,
    /// or under one and none is given, the answer is [`StoreError::IssuerKeysLocked`]: the
    /// store still works, except to sign.
    pub fn unlock_issuer_keys(&self, kek: Option<KeyEncryptionKey>) -> Result<usize, StoreError> {
        let given = kek.is_some();
        self.store.set_kek(kek)?;
        if !given {
            let sealed_with = self.store.read(sealed_with)?;
            return if !sealed_with.is_empty() {
                Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                    sealed_with: Some(sealed_with.join(", ")),
                }))
            } else if self.plain_issuer_keys()? > 0 {
                // Plain keys do not sign: they wait for a KEK to seal them.
                Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                    sealed_with: None,
                }))
            } else {
                Ok(0)
            };
        }
        let kek = self.store.kek()?;
        self.store.write(|tx| {
            check_sealed_with(tx, &kek)?;
            let plain = tx
                .query(
                    &format!("SELECT {KEY_COLUMNS} FROM issuer_keys WHERE secret_multibase IS NOT NULL ORDER BY id"),
                    &[],
                )?
                .iter()
                .map(key_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            for key in &plain {
                let seed = seed_of(key, &kek)?;
                let sealed = sealing::seal(&kek, &key.issuer, &key.public_multibase, &seed)?;
                tx.execute(
                    "UPDATE issuer_keys SET secret_sealed = $1, kek_id = $2, secret_multibase = NULL \
                     WHERE id = $3 AND secret_multibase IS NOT NULL",
                    &[sealed.into(), kek.id().into(), key.id.into()],
                )?;
            }
            if !plain.is_empty() {
                crate::audit::audit(
                    tx,
                    None,
                    "issuer_key.sealed",
                    "issuer_keys",
                    &format!("{} plain keys sealed under key-encryption key {}", plain.len(), kek.id()),
                )?;
            }
            Ok(plain.len())
        })
    }

    /// Seals every issuer key again under `new`, in one transaction: if any key does not open
    /// under the key-encryption key in use, nothing changes. From then on this store uses
    /// `new`; the old KEK no longer opens anything. Returns how many keys were sealed again.
    pub fn rotate_key_encryption_key(&self, new: KeyEncryptionKey) -> Result<usize, StoreError> {
        let current = self.store.kek()?;
        if new.id() == current.id() {
            return Err(StoreError::Invalid(format!(
                "{} holds key-encryption key {}, the one in use already: make a new one with \
                 `guild credential keys new-kek FILE`",
                new.source(),
                new.id()
            )));
        }
        let n = self.store.write(|tx| {
            let all = tx
                .query(&format!("SELECT {KEY_COLUMNS} FROM issuer_keys ORDER BY id"), &[])?
                .iter()
                .map(key_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            for key in &all {
                let seed = seed_of(key, &current)?;
                let sealed = sealing::seal(&new, &key.issuer, &key.public_multibase, &seed)?;
                tx.execute(
                    "UPDATE issuer_keys SET secret_sealed = $1, kek_id = $2, secret_multibase = NULL WHERE id = $3",
                    &[sealed.into(), new.id().into(), key.id.into()],
                )?;
            }
            // Workers' declarations are sealed under the same key: sealed again with the keys.
            crate::declarations::reseal(tx, &current, &new)?;
            crate::audit::audit(
                tx,
                None,
                "issuer_key.rekeyed",
                "issuer_keys",
                &format!("{} keys sealed again: key-encryption key {} replaces {}", all.len(), new.id(), current.id()),
            )?;
            Ok(all.len())
        })?;
        self.store.set_kek(Some(new))?;
        Ok(n)
    }

    /// Makes a fresh Ed25519 key for `issuer` (`platform` or `org:ID`) and retires its current
    /// one (which keeps verifying what it signed, and keeps signing its own status lists).
    pub fn new_issuer_key(&self, issuer: &str) -> Result<IssuerKey, StoreError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| StoreError::Backend(format!("no randomness for a key: {e}")))?;
        let key = SigningKey::from_bytes(&seed);
        // The seed on the stack is wiped: only its sealed form outlives this call.
        zeroize::Zeroize::zeroize(&mut seed);
        self.store.add_issuer_key(issuer, &key)
    }

    /// The secret half of `key`, opened with the key-encryption key: for the platform to sign
    /// with at once (it is never written anywhere else, nor logged: `SigningKey` hides its
    /// bytes from `Debug`).
    pub fn signing_key(&self, key: &IssuerKey) -> Result<SigningKey, StoreError> {
        let kek = match (&key.secret, self.store.kek()) {
            (_, Ok(kek)) => kek,
            (StoredSecret::Sealed { kek_id, .. }, Err(_)) => {
                return Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                    sealed_with: Some(kek_id.clone()),
                }));
            }
            (StoredSecret::Plain(_), Err(e)) => return Err(e),
        };
        if let StoredSecret::Plain(_) = key.secret {
            // Plain keys are sealed when the store is unlocked: one left means another
            // process (an older Guild) wrote it since.
            return Err(StoreError::SealedKey(format!(
                "issuer key {} of {} is stored in plain text: restart Guild with its \
                 key-encryption key to seal it",
                key.id, key.issuer
            )));
        }
        let seed = seed_of(key, &kek)?;
        Ok(SigningKey::from_bytes(&seed))
    }

    /// Every key of `issuer`, oldest first.
    pub fn issuer_keys(&self, issuer: &str) -> Result<Vec<IssuerKey>, StoreError> {
        self.store.read(|tx| {
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
    ///
    /// Signing happens inside the transaction because the signed document carries its
    /// status-list position: reserving the position in one transaction and writing the
    /// credential in a second would leave a position reserved for nothing whenever signing
    /// failed in between. Here an error from `sign` rolls the reservation back, and two
    /// issuers racing for one position meet the column's UNIQUE constraint. `sign` is the
    /// caller's (the platform's) work and does no I/O, so the transaction stays short.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_credential(
        &self,
        issuer: &str,
        issued_by: Option<AccountId>,
        id: &str,
        worker: Option<WorkerId>,
        kind: &str,
        skill: Option<&str>,
        sign: impl FnOnce(i64) -> Result<String, StoreError>,
    ) -> Result<IssuedCredential, StoreError> {
        self.store.write(|tx| {
            let next = tx
                .query("SELECT COALESCE(MAX(status_index), -1) + 1 AS next_index FROM issued_credentials", &[])?
                .first()
                .map(|r| r.int("next_index"))
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
                    tx.now().to_string().into(),
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
        self.store.read(|tx| credential_by_id(tx, id))
    }

    /// The credentials issued to `worker`, newest first.
    pub fn credentials_of(&self, worker: WorkerId) -> Result<Vec<IssuedCredential>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE worker_id = $1 ORDER BY status_index DESC"
                ),
                &[worker.into()],
            )?
            .iter()
            .map(credential_from_row)
            .collect()
        })
    }

    /// The credentials `issuer` (`platform` or `org:ID`) issued, newest first.
    pub fn credentials_issued_by(&self, issuer: &str) -> Result<Vec<IssuedCredential>, StoreError> {
        self.store.read(|tx| {
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
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE issued_credentials SET revoked_at = $1, revocation_reason = $2 \
                 WHERE id = $3 AND revoked_at IS NULL",
                &[tx.now().to_string().into(), reason.into(), id.into()],
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
        self.store.read(|tx| {
            let revoked = tx
                .query(
                    "SELECT status_index FROM issued_credentials WHERE revoked_at IS NOT NULL ORDER BY status_index",
                    &[],
                )?
                .iter()
                .map(|r| r.int("status_index"))
                .collect::<Result<Vec<_>, _>>()?;
            let used = tx
                .query("SELECT COUNT(*) AS n FROM issued_credentials", &[])?
                .first()
                .map(|r| r.int("n"))
                .transpose()?
                .unwrap_or(0);
            Ok((revoked, used))
        })
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use crate::{DatabaseUrl, KeyEncryptionKey, KeyLock, Store, StoreError};

    fn kek(byte: u8) -> KeyEncryptionKey {
        KeyEncryptionKey::from_bytes([byte; 32], format!("test key {byte}"))
    }

    fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(&DatabaseUrl::Sqlite(dir.path().join("g.db"))).unwrap()
    }

    #[test]
    fn credentials_take_status_positions_in_order_and_revoke_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        store
            .credentials()
            .unlock_issuer_keys(Some(kek(1)))
            .unwrap();
        let first = store
            .add_issuer_key("platform", &SigningKey::from_bytes(&[1; 32]))
            .unwrap();
        let second = store
            .add_issuer_key("platform", &SigningKey::from_bytes(&[2; 32]))
            .unwrap();
        let keys = store.credentials().issuer_keys("platform").unwrap();
        assert!(keys[0].retired_at.is_some() && keys[1].retired_at.is_none());
        assert_eq!(
            store
                .credentials()
                .active_issuer_key("platform")
                .unwrap()
                .map(|k| k.id),
            Some(second.id)
        );
        assert_ne!(first.id, second.id);
        for (n, id) in ["urn:uuid:1", "urn:uuid:2"].into_iter().enumerate() {
            let issued = store
                .credentials()
                .issue_credential("platform", None, id, None, "skill", None, |index| {
                    Ok(format!("{{\"index\":{index}}}"))
                })
                .unwrap();
            assert_eq!(issued.status_index, n as i64);
            assert_eq!(issued.document, format!("{{\"index\":{n}}}"));
        }
        // A failed signing stores nothing.
        let failed = store.credentials().issue_credential(
            "platform",
            None,
            "urn:uuid:3",
            None,
            "skill",
            None,
            |_| Err(StoreError::Invalid("no key".to_owned())),
        );
        assert!(failed.is_err());
        assert!(matches!(
            store.credentials().issued_credential("urn:uuid:3"),
            Err(StoreError::NotFound { .. })
        ));
        let revoked = store
            .credentials()
            .revoke_credential("urn:uuid:2", "issued in error")
            .unwrap();
        assert_eq!(
            revoked.revocation_reason.as_deref(),
            Some("issued in error")
        );
        assert!(matches!(
            store.credentials().revoke_credential("urn:uuid:2", "again"),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.credentials().revoke_credential("urn:uuid:9", "x"),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(store.credentials().revocation_list().unwrap(), (vec![1], 2));
    }

    /// An issuer key's row as stored: id, plain secret, sealed secret, KEK id.
    type RawSecret = (i64, Option<String>, Option<String>, Option<String>);

    /// The raw secret columns of every issuer key, by id.
    fn raw_secrets(store: &Store) -> Vec<RawSecret> {
        store
            .read(|tx| {
                tx.query(
                    "SELECT id, secret_multibase, secret_sealed, kek_id FROM issuer_keys ORDER BY id",
                    &[],
                )?
                .iter()
                .map(|r| Ok((r.int("id")?, r.opt_text("secret_multibase")?, r.opt_text("secret_sealed")?, r.opt_text("kek_id")?)))
                .collect()
            })
            .unwrap()
    }

    #[test]
    fn issuer_keys_are_sealed_and_open_only_under_their_kek() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        // Without a KEK nothing is sealed, so nothing can be made.
        assert!(matches!(
            store.credentials().new_issuer_key("platform"),
            Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                sealed_with: None
            }))
        ));
        store
            .credentials()
            .unlock_issuer_keys(Some(kek(1)))
            .unwrap();
        let signing = SigningKey::from_bytes(&[9; 32]);
        let key = store.add_issuer_key("platform", &signing).unwrap();
        let plain = guild_credentials::keys::secret_key_multibase(&signing);
        let raw = raw_secrets(&store);
        assert_eq!(raw[0].1, None);
        let sealed = raw[0].2.clone().unwrap();
        assert!(sealed.starts_with("xc20p1:") && !sealed.contains(&plain));
        assert_eq!(raw[0].3.as_deref(), Some(kek(1).id()));
        assert_eq!(
            store.credentials().signing_key(&key).unwrap().to_bytes(),
            signing.to_bytes()
        );

        // Another process without the KEK, or with another one, cannot sign.
        let other = Store::open(&DatabaseUrl::Sqlite(dir.path().join("g.db"))).unwrap();
        let missing = other.credentials().unlock_issuer_keys(None).unwrap_err();
        assert!(
            matches!(&missing, StoreError::IssuerKeysLocked(KeyLock::Missing { sealed_with: Some(id) }) if id == kek(1).id()),
            "{missing}"
        );
        assert!(matches!(
            other.credentials().signing_key(&key),
            Err(StoreError::IssuerKeysLocked(_))
        ));
        let wrong = other
            .credentials()
            .unlock_issuer_keys(Some(kek(2)))
            .unwrap_err();
        let text = wrong.to_string();
        assert!(
            text.contains(kek(1).id()) && text.contains(kek(2).id()) && text.contains("test key 2"),
            "{text}"
        );
        assert!(matches!(
            other.credentials().signing_key(&key),
            Err(StoreError::IssuerKeysLocked(KeyLock::Wrong { .. }))
        ));
        // …nor seal a new key under a second KEK.
        assert!(matches!(
            other.add_issuer_key("org:1", &SigningKey::from_bytes(&[3; 32])),
            Err(StoreError::IssuerKeysLocked(KeyLock::Wrong { .. }))
        ));
        // Public keys are not secret: they are read without any KEK.
        assert_eq!(
            other.credentials().issuer_keys("platform").unwrap()[0].public_multibase,
            key.public_multibase
        );
    }

    #[test]
    fn plain_keys_are_sealed_at_unlock_and_rotation_reseals_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        // Keys from before sealing: plain seeds in the plain column.
        let seeds: Vec<SigningKey> = (1..=3).map(|i| SigningKey::from_bytes(&[i; 32])).collect();
        store
            .write(|tx| {
                for (i, k) in seeds.iter().enumerate() {
                    tx.execute(
                        "INSERT INTO issuer_keys (issuer, public_multibase, secret_multibase, created_at) VALUES ($1, $2, $3, 'then')",
                        &[
                            format!("org:{i}").into(),
                            guild_credentials::keys::public_key_multibase(&k.verifying_key()).into(),
                            guild_credentials::keys::secret_key_multibase(k).into(),
                        ],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        // Without a KEK they stay as they are, and do not sign.
        assert!(matches!(
            store.credentials().unlock_issuer_keys(None),
            Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                sealed_with: None
            }))
        ));
        assert_eq!(raw_secrets(&store)[0].2, None);
        let first = store.credentials().issuer_keys("org:0").unwrap().remove(0);
        assert!(matches!(
            store.credentials().signing_key(&first),
            Err(StoreError::IssuerKeysLocked(KeyLock::Missing {
                sealed_with: None
            }))
        ));
        assert_eq!(
            store
                .credentials()
                .unlock_issuer_keys(Some(kek(1)))
                .unwrap(),
            3
        );
        for (i, (_, plain, sealed, id)) in raw_secrets(&store).into_iter().enumerate() {
            assert_eq!(plain, None);
            assert!(sealed.is_some());
            assert_eq!(id.as_deref(), Some(kek(1).id()));
            let key = store
                .credentials()
                .issuer_keys(&format!("org:{i}"))
                .unwrap()
                .remove(0);
            assert_eq!(
                store.credentials().signing_key(&key).unwrap().to_bytes(),
                seeds[i].to_bytes()
            );
        }
        // Unlocking again seals nothing more.
        assert_eq!(
            store
                .credentials()
                .unlock_issuer_keys(Some(kek(1)))
                .unwrap(),
            0
        );

        // A sealed key moved onto another row does not open there.
        let before = raw_secrets(&store);
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE issuer_keys SET secret_sealed = $1 WHERE id = $2",
                    &[before[0].2.clone().into(), before[2].0.into()],
                )
            })
            .unwrap();
        let third = store.credentials().issuer_keys("org:2").unwrap().remove(0);
        assert!(matches!(
            store.credentials().signing_key(&third),
            Err(StoreError::SealedKey(_))
        ));
        // Rotation meets it after re-sealing the first two, and changes nothing at all.
        let moved = raw_secrets(&store);
        assert!(matches!(
            store.credentials().rotate_key_encryption_key(kek(2)),
            Err(StoreError::SealedKey(_))
        ));
        assert_eq!(raw_secrets(&store), moved);
        assert_eq!(
            store.credentials().key_encryption_key_id().as_deref(),
            Some(kek(1).id())
        );

        // Put right, rotation re-seals every key under the new KEK, and the old one is done.
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE issuer_keys SET secret_sealed = $1 WHERE id = $2",
                    &[before[2].2.clone().into(), before[2].0.into()],
                )
            })
            .unwrap();
        assert!(matches!(
            store.credentials().rotate_key_encryption_key(kek(1)),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            store
                .credentials()
                .rotate_key_encryption_key(kek(2))
                .unwrap(),
            3
        );
        assert_eq!(
            store.credentials().key_encryption_key_id().as_deref(),
            Some(kek(2).id())
        );
        for (i, (_, _, sealed, id)) in raw_secrets(&store).into_iter().enumerate() {
            assert_eq!(id.as_deref(), Some(kek(2).id()));
            assert_ne!(sealed, before[i].2);
            let key = store
                .credentials()
                .issuer_keys(&format!("org:{i}"))
                .unwrap()
                .remove(0);
            assert_eq!(
                store.credentials().signing_key(&key).unwrap().to_bytes(),
                seeds[i].to_bytes()
            );
        }
        let reopened = Store::open(&DatabaseUrl::Sqlite(dir.path().join("g.db"))).unwrap();
        assert!(matches!(
            reopened.credentials().unlock_issuer_keys(Some(kek(1))),
            Err(StoreError::IssuerKeysLocked(KeyLock::Wrong { .. }))
        ));
        assert_eq!(
            reopened
                .credentials()
                .unlock_issuer_keys(Some(kek(2)))
                .unwrap(),
            0
        );
    }
}
