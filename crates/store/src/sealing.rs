//! Issuer secret keys sealed at rest under a key-encryption key (KEK).
//!
//! A database copied without its KEK cannot sign: each issuer's Ed25519 seed is stored only
//! as XChaCha20-Poly1305 ciphertext under a 256-bit KEK that lives outside the database (a
//! file, or the environment). The nonce is random per sealing (XChaCha's 192-bit nonces make
//! collisions negligible without a counter to keep), and the issuer and the key's public half
//! are bound as associated data, so a sealed seed moved onto another issuer's row, or another
//! key's row, does not open. Each sealed key records the KEK's id (a short hash of it) so that
//! a wrong KEK is named as such instead of surfacing as a failed decryption.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::StoreError;

/// Bytes in a KEK.
const KEK_BYTES: usize = 32;
/// Bytes in an XChaCha20-Poly1305 nonce.
const NONCE_BYTES: usize = 24;
/// The prefix of a sealed key's text: the format's version, so that a later format can be
/// told apart from this one.
const SEALED_PREFIX: &str = "xc20p1:";

/// A 256-bit key-encryption key, and where it came from (for messages). Its bytes are wiped
/// when it is dropped, and never printed: `Debug` shows only its id and source.
pub struct KeyEncryptionKey {
    bytes: Zeroizing<[u8; KEK_BYTES]>,
    id: String,
    source: String,
}

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEncryptionKey")
            .field("id", &self.id)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl KeyEncryptionKey {
    /// A KEK from its 32 bytes; `source` says where it came from (`GUILD_KEY_FILE /etc/…`).
    pub fn from_bytes(bytes: [u8; KEK_BYTES], source: impl Into<String>) -> Self {
        let bytes = Zeroizing::new(bytes);
        // The id is a hash under its own label, never the key: it may be printed and logged.
        let digest = Sha256::new()
            .chain_update(b"guild key-encryption key id\0")
            .chain_update(bytes.as_slice())
            .finalize();
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            bytes,
            id,
            source: source.into(),
        }
    }

    /// A fresh random KEK.
    pub fn generate(source: impl Into<String>) -> Result<Self, StoreError> {
        let mut bytes = Zeroizing::new([0u8; KEK_BYTES]);
        getrandom::fill(bytes.as_mut_slice()).map_err(|e| {
            StoreError::Backend(format!("no randomness for a key-encryption key: {e}"))
        })?;
        Ok(Self::from_bytes(*bytes, source))
    }

    /// Reads a KEK written as 64 hexadecimal digits or as base64 (standard or URL-safe,
    /// padded or not) of 32 bytes; surrounding white space is ignored.
    pub fn parse(text: &str, source: impl Into<String>) -> Result<Self, StoreError> {
        let source = source.into();
        let text = text.trim();
        let decoded: Option<Zeroizing<Vec<u8>>> =
            if text.len() == 2 * KEK_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                (0..KEK_BYTES)
                    .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
                    .collect::<Option<Vec<u8>>>()
                    .map(Zeroizing::new)
            } else {
                let t = text.trim_end_matches('=');
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(t)
                    .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(t))
                    .ok()
                    .map(Zeroizing::new)
            };
        // The message names the source and the expected form, never the text read.
        let bytes: [u8; KEK_BYTES] = decoded
            .as_deref()
            .and_then(|d| d.as_slice().try_into().ok())
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "{source} does not hold a key-encryption key: expected 32 bytes written as \
                     64 hexadecimal digits or as base64 (`guild credential keys new-kek FILE` \
                     writes one)"
                ))
            })?;
        Ok(Self::from_bytes(bytes, source))
    }

    /// Reads a KEK from a file (see [`KeyEncryptionKey::parse`]).
    pub fn read_file(path: &Path, source: impl Into<String>) -> Result<Self, StoreError> {
        let source = source.into();
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            StoreError::Invalid(format!("cannot read the key-encryption key {source}: {e}"))
        })?);
        Self::parse(&text, source)
    }

    /// Writes a fresh KEK to `path`, which must not exist, readable by its owner only, and
    /// returns it. Two processes starting at once cannot both write: the loser reads the
    /// winner's key instead (see [`KeyEncryptionKey::read_or_create`]).
    pub fn create_file(path: &Path, source: impl Into<String>) -> Result<Self, StoreError> {
        let source = source.into();
        let kek = Self::generate(source.clone())?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            // Created 0600: the key is never readable by others, not even for an instant.
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => StoreError::Conflict(format!(
                "{} exists: a key-encryption key is never overwritten",
                path.display()
            )),
            _ => StoreError::Backend(format!("cannot write the key-encryption key {source}: {e}")),
        })?;
        let text = Zeroizing::new(format!("{}\n", kek.to_hex().as_str()));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| {
                StoreError::Backend(format!("cannot write the key-encryption key {source}: {e}"))
            })?;
        Ok(kek)
    }

    /// Writes this KEK over the file at `path` (made 0600 beside it, then renamed over it, so
    /// that the file holds the old key or the new one, never a mixture).
    pub fn replace_file(&self, path: &Path) -> Result<(), StoreError> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".new");
        let next = path.with_file_name(name);
        // A leftover from an interrupted replacement holds no key anyone relies on.
        let _ = std::fs::remove_file(&next);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let failed = |e: std::io::Error| {
            StoreError::Backend(format!(
                "cannot write the key-encryption key to {}: {e}",
                path.display()
            ))
        };
        let mut file = options.open(&next).map_err(failed)?;
        let text = Zeroizing::new(format!("{}\n", self.to_hex().as_str()));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&next, path))
            .map_err(failed)
    }

    /// The KEK in the file at `path`, made there first if there is none.
    pub fn read_or_create(path: &Path, source: impl Into<String>) -> Result<Self, StoreError> {
        let source = source.into();
        if path.exists() {
            return Self::read_file(path, source);
        }
        match Self::create_file(path, source.clone()) {
            // Another process made it between the check and the creation: use that one.
            Err(StoreError::Conflict(_)) => Self::read_file(path, source),
            other => other,
        }
    }

    /// The key as 64 hexadecimal digits (what key files hold).
    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(self.bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Its id: 16 hexadecimal digits of a hash of it, safe to print and to store.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where it came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.bytes.as_slice().into())
    }
}

/// Why issuer keys cannot be used in this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLock {
    /// No KEK is configured here.
    Missing {
        /// The id of the KEK the stored keys are sealed with (none if no key is sealed yet).
        sealed_with: Option<String>,
    },
    /// The KEK configured here is not the one the stored keys are sealed with.
    Wrong {
        /// The id of the KEK the stored keys are sealed with.
        sealed_with: String,
        /// The id of the KEK configured here.
        configured: String,
        /// Where the configured KEK came from.
        source: String,
    },
}

const HOW: &str = "set GUILD_KEY_FILE to a file holding the key-encryption key (or GUILD_KEY to \
                   the key itself); nothing can be signed until then, and credentials already \
                   issued still verify";

impl KeyLock {
    /// The same, without where the configured key came from (a path on the server): what an
    /// API client is told.
    pub fn public_detail(&self) -> String {
        match self {
            KeyLock::Missing { sealed_with } => format!(
                "issuing is unavailable: this server has no key-encryption key for its issuer \
                 keys{}; an operator must {HOW}",
                sealed_with
                    .as_ref()
                    .map(|id| format!(" (they were encrypted with key {id})"))
                    .unwrap_or_default()
            ),
            KeyLock::Wrong {
                sealed_with,
                configured,
                ..
            } => format!(
                "issuing is unavailable: this store's issuer keys were encrypted with key \
                 {sealed_with}, but this server's key-encryption key is {configured}; an \
                 operator must {HOW}"
            ),
        }
    }
}

impl std::fmt::Display for KeyLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyLock::Missing {
                sealed_with: Some(id),
            } => write!(
                f,
                "this store's issuer keys were encrypted with key-encryption key {id}, and no \
                 key-encryption key is configured here: {HOW}"
            ),
            KeyLock::Missing { sealed_with: None } => write!(
                f,
                "issuer keys are kept encrypted, and no key-encryption key is configured here: \
                 {HOW} (the embedded SQLite store makes one beside its database)"
            ),
            KeyLock::Wrong {
                sealed_with,
                configured,
                source,
            } => write!(
                f,
                "this store's issuer keys were encrypted with key-encryption key {sealed_with}; \
                 {source} holds key {configured}: {HOW}"
            ),
        }
    }
}

/// Where the embedded store keeps its KEK when none is configured: beside the database file,
/// `guild.db` → `guild.db.kek`.
pub fn key_file_beside(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".kek");
    database.with_file_name(name)
}

/// The associated data a sealed issuer key is bound to: the issuer and the key's public half.
fn associated_data(issuer: &str, public_multibase: &str) -> Vec<u8> {
    // Length-prefixed, so that no two (issuer, key) pairs give the same bytes.
    let mut aad = b"guild issuer key v1".to_vec();
    for part in [issuer, public_multibase] {
        aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

/// Seals an issuer's 32-byte secret seed under `kek`: `xc20p1:` and base64 of nonce ‖
/// ciphertext ‖ tag.
pub(crate) fn seal(
    kek: &KeyEncryptionKey,
    issuer: &str,
    public_multibase: &str,
    seed: &[u8; 32],
) -> Result<String, StoreError> {
    seal_bytes(kek, &associated_data(issuer, public_multibase), seed)
        .map_err(|why| StoreError::Backend(format!("sealing an issuer key failed: {why}")))
}

/// `xc20p1:` and base64 of a fresh nonce ‖ the ciphertext of `msg` bound to `aad` ‖ its tag.
fn seal_bytes(kek: &KeyEncryptionKey, aad: &[u8], msg: &[u8]) -> Result<String, String> {
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).map_err(|e| format!("no randomness: {e}"))?;
    let sealed = kek
        .cipher()
        .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad })
        .map_err(|_| "the cipher refused".to_owned())?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    Ok(format!(
        "{SEALED_PREFIX}{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
    ))
}

/// Why sealed bytes did not open.
enum Refused {
    /// Not `xc20p1:` and base64 of more than a nonce.
    Format,
    /// Another KEK, other associated data, or a changed byte.
    Open,
}

/// What [`seal_bytes`] sealed with `aad` under `kek`.
fn open_bytes(
    kek: &KeyEncryptionKey,
    aad: &[u8],
    sealed: &str,
) -> Result<Zeroizing<Vec<u8>>, Refused> {
    let bytes = sealed
        .strip_prefix(SEALED_PREFIX)
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(b)
                .ok()
        })
        .filter(|b| b.len() > NONCE_BYTES)
        .ok_or(Refused::Format)?;
    let (nonce, msg) = bytes.split_at(NONCE_BYTES);
    kek.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg, aad })
        .map(Zeroizing::new)
        .map_err(|_| Refused::Open)
}

/// Opens what [`seal`] wrote for the same issuer and public key under the same KEK; anything
/// else (another KEK, another issuer or key, a changed byte) is refused.
pub(crate) fn open(
    kek: &KeyEncryptionKey,
    issuer: &str,
    public_multibase: &str,
    sealed: &str,
) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let refused = |why: &str| {
        StoreError::SealedKey(format!(
            "the sealed secret key {public_multibase} of issuer {issuer} {why}"
        ))
    };
    let seed = open_bytes(kek, &associated_data(issuer, public_multibase), sealed).map_err(
        |e| match e {
            Refused::Format => refused("is not in the sealed format"),
            Refused::Open => refused(
                "does not open: it was changed, or belongs to another issuer or key, or was \
                 sealed under another key-encryption key",
            ),
        },
    )?;
    let seed: [u8; 32] = seed
        .as_slice()
        .try_into()
        .map_err(|_| refused("does not hold a 32-byte seed"))?;
    Ok(Zeroizing::new(seed))
}

/// Seals personal data (a worker's declarations) under `kek`, bound to `context` (which record
/// it belongs to): the same format as issuer keys, other associated data, so that neither can be
/// opened as the other.
pub(crate) fn seal_data(
    kek: &KeyEncryptionKey,
    context: &str,
    plain: &[u8],
) -> Result<String, StoreError> {
    seal_bytes(kek, &data_associated(context), plain)
        .map_err(|why| StoreError::Backend(format!("sealing data failed: {why}")))
}

/// Opens what [`seal_data`] sealed for the same `context` under the same KEK.
pub(crate) fn open_data(
    kek: &KeyEncryptionKey,
    context: &str,
    sealed: &str,
) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    open_bytes(kek, &data_associated(context), sealed).map_err(|_| {
        StoreError::SealedKey(format!(
            "the sealed data of {context} does not open: it was changed, or sealed under another \
             key-encryption key"
        ))
    })
}

fn data_associated(context: &str) -> Vec<u8> {
    let mut aad = b"guild sealed data v1".to_vec();
    aad.extend_from_slice(&(context.len() as u64).to_be_bytes());
    aad.extend_from_slice(context.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kek(byte: u8) -> KeyEncryptionKey {
        KeyEncryptionKey::from_bytes([byte; 32], "test")
    }

    #[test]
    fn sealed_data_opens_only_for_its_record_under_its_kek() {
        let k = kek(1);
        let sealed = seal_data(&k, "declaration:worker:3", b"{\"sex\":\"female\"}").unwrap();
        assert!(!sealed.contains("female"));
        assert_eq!(
            &*open_data(&k, "declaration:worker:3", &sealed).unwrap(),
            b"{\"sex\":\"female\"}"
        );
        assert!(open_data(&k, "declaration:worker:4", &sealed).is_err());
        assert!(open_data(&kek(2), "declaration:worker:3", &sealed).is_err());
        assert!(open(&k, "declaration:worker:3", "z", &sealed).is_err());
    }

    #[test]
    fn sealed_keys_open_only_with_their_kek_issuer_and_public_key() {
        let seed = [7u8; 32];
        let k = kek(1);
        let sealed = seal(&k, "platform", "z6MkA", &seed).unwrap();
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert_eq!(*open(&k, "platform", "z6MkA", &sealed).unwrap(), seed);
        // A fresh nonce each time: the same seed never seals to the same text.
        assert_ne!(seal(&k, "platform", "z6MkA", &seed).unwrap(), sealed);

        // Bound to its issuer and key: moved onto another row, it does not open.
        for (issuer, public) in [("org:1", "z6MkA"), ("platform", "z6MkB")] {
            assert!(matches!(
                open(&k, issuer, public, &sealed),
                Err(StoreError::SealedKey(_))
            ));
        }
        // Another KEK does not open it.
        assert!(matches!(
            open(&kek(2), "platform", "z6MkA", &sealed),
            Err(StoreError::SealedKey(_))
        ));
        // Any changed byte (nonce, ciphertext or tag) is refused.
        let raw = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed.strip_prefix(SEALED_PREFIX).unwrap())
            .unwrap();
        for i in [0, NONCE_BYTES, raw.len() - 1] {
            let mut tampered = raw.clone();
            tampered[i] ^= 1;
            let text = format!(
                "{SEALED_PREFIX}{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(&tampered)
            );
            assert!(open(&k, "platform", "z6MkA", &text).is_err(), "byte {i}");
        }
        // Truncated, or not sealed at all.
        assert!(open(&k, "platform", "z6MkA", &sealed[..20]).is_err());
        assert!(open(&k, "platform", "z6MkA", "z3u2plain").is_err());
    }

    #[test]
    fn keks_parse_from_hex_and_base64_and_never_print() {
        let hex = "0f".repeat(32);
        let a = KeyEncryptionKey::parse(&format!("{hex}\n"), "GUILD_KEY").unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode([0x0f; 32]);
        let b = KeyEncryptionKey::parse(&b64, "GUILD_KEY").unwrap();
        assert_eq!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
        assert_ne!(a.id(), kek(1).id());
        assert!(!format!("{a:?}").contains(&hex) && !format!("{a:?}").contains("0f0f"));
        for bad in ["", "abc", &"0f".repeat(31), &"zz".repeat(32)] {
            let err = KeyEncryptionKey::parse(bad, "GUILD_KEY")
                .unwrap_err()
                .to_string();
            assert!(err.contains("GUILD_KEY does not hold"), "{err}");
        }
    }

    #[test]
    fn key_files_are_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("guild.db");
        let path = key_file_beside(&db);
        assert_eq!(path, dir.path().join("guild.db.kek"));
        let made = KeyEncryptionKey::read_or_create(&path, "beside").unwrap();
        let again = KeyEncryptionKey::read_or_create(&path, "beside").unwrap();
        assert_eq!(made.id(), again.id());
        assert!(matches!(
            KeyEncryptionKey::create_file(&path, "beside"),
            Err(StoreError::Conflict(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
