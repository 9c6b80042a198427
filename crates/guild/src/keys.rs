//! Where the key-encryption key (KEK) of the issuer keys comes from, and the commands that
//! manage it.
//!
//! In order: `GUILD_KEY` (the key itself, 64 hex digits or base64: for secret stores that
//! inject environment variables), `--key-file`/`GUILD_KEY_FILE`/`key_file` in the settings
//! file (a file holding it), and for a SQLite store the file beside the database
//! (`guild.db.kek`), made on first start (mode 0600) while the store has no sealed key yet. A
//! PostgreSQL store has no default: several servers share it, and each must be given the same
//! KEK. The key is never printed or logged; only its id (a short hash) is.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use guild_store::{DatabaseUrl, KeyEncryptionKey, Store, StoreError, key_file_beside};
use zeroize::Zeroizing;

/// The environment variable that holds the KEK itself.
pub const KEY_ENV: &str = "GUILD_KEY";

/// Where the KEK in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `GUILD_KEY`.
    Environment,
    /// A configured file (`GUILD_KEY_FILE`, `--key-file`, `key_file`).
    File(PathBuf),
    /// The file beside the SQLite database, made by Guild.
    Beside(PathBuf),
}

/// How a store is opened: its URL and where its KEK is configured.
#[derive(Debug, Clone)]
pub struct Db {
    /// The database.
    pub url: DatabaseUrl,
    /// The configured key file, if any.
    pub key_file: Option<PathBuf>,
}

/// What opening found about the issuer keys.
pub struct Opened {
    /// The store.
    pub store: Store,
    /// Where its KEK came from, if it has one.
    pub origin: Option<Origin>,
    /// Why it cannot sign, if it cannot (the store still works otherwise).
    pub locked: Option<StoreError>,
    /// How many plain keys were sealed at this start.
    pub sealed_now: usize,
}

impl Db {
    /// Opens (creating and migrating) the store and unlocks its issuer keys, making the KEK
    /// file beside a SQLite database if it needs one. A store that cannot sign still opens.
    pub fn open(&self) -> Result<Store> {
        Ok(self.open_keys(true)?.store)
    }

    /// As [`Db::open`], with what was found about the keys.
    pub fn open_keys(&self, make_key_file: bool) -> Result<Opened> {
        let store = Store::open(&self.url)
            .with_context(|| format!("cannot open the store {:?}", self.url))?;
        self.unlock(store, make_key_file)
    }

    /// Unlocks the issuer keys of an open store.
    pub fn unlock(&self, store: Store, make_key_file: bool) -> Result<Opened> {
        let found = self.find_kek(&store, make_key_file)?;
        let (kek, origin) = match found {
            Some((kek, origin)) => (Some(kek), Some(origin)),
            None => (None, None),
        };
        let (sealed_now, locked) = match store.credentials().unlock_issuer_keys(kek) {
            Ok(n) => (n, None),
            Err(e @ StoreError::IssuerKeysLocked(_)) => (0, Some(e)),
            Err(e) => return Err(e).context("cannot unlock the issuer keys"),
        };
        Ok(Opened {
            store,
            origin,
            locked,
            sealed_now,
        })
    }

    /// The KEK configured for this store, or the one beside its SQLite database.
    fn find_kek(
        &self,
        store: &Store,
        make_key_file: bool,
    ) -> Result<Option<(KeyEncryptionKey, Origin)>> {
        let from_env = std::env::var(KEY_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(Zeroizing::new);
        match (from_env, &self.key_file) {
            (Some(_), Some(_)) => bail!(
                "both {KEY_ENV} and a key file (GUILD_KEY_FILE) are set: set one, so that it is \
                 clear which key encrypts the issuer keys"
            ),
            (Some(text), None) => {
                return Ok(Some((
                    KeyEncryptionKey::parse(&text, KEY_ENV)?,
                    Origin::Environment,
                )));
            }
            (None, Some(path)) => {
                let kek = KeyEncryptionKey::read_file(path, file_source(path))?;
                return Ok(Some((kek, Origin::File(path.clone()))));
            }
            (None, None) => {}
        }
        let DatabaseUrl::Sqlite(db) = &self.url else {
            return Ok(None);
        };
        let path = key_file_beside(db);
        let source = format!("the key file beside the database, {}", path.display());
        if path.exists() {
            return Ok(Some((
                KeyEncryptionKey::read_file(&path, source)?,
                Origin::Beside(path),
            )));
        }
        // A store whose keys are sealed already was copied without its KEK: a new KEK would
        // open none of them, and keys sealed under two KEKs could never all be opened.
        if !make_key_file || !store.credentials().issuer_keys_sealed_with()?.is_empty() {
            return Ok(None);
        }
        let kek = KeyEncryptionKey::read_or_create(&path, source)?;
        Ok(Some((kek, Origin::Beside(path))))
    }
}

fn file_source(path: &Path) -> String {
    format!("GUILD_KEY_FILE {}", path.display())
}

/// `guild credential keys new-kek FILE`: writes a fresh KEK to a new file (mode 0600).
pub fn new_kek(path: &Path) -> Result<()> {
    let kek = KeyEncryptionKey::create_file(path, path.display().to_string())?;
    out_line(&format!(
        "wrote key-encryption key {} to {} (readable by its owner only); keep a copy apart \
         from the database's backups",
        kek.id(),
        path.display()
    ))
}

/// `guild credential keys status`: the KEK in use and how the issuer keys are kept.
pub fn status(db: &Db) -> Result<()> {
    let opened = db.open_keys(false)?;
    let store = &opened.store;
    match (&opened.origin, store.credentials().key_encryption_key_id()) {
        (Some(origin), Some(id)) => out_line(&format!(
            "key-encryption key {id}, from {}",
            describe(origin)
        ))?,
        _ => out_line("no key-encryption key is configured")?,
    }
    let sealed = store.credentials().issuer_keys_sealed_with()?;
    let plain = store.credentials().plain_issuer_keys()?;
    if sealed.is_empty() && plain == 0 {
        out_line("issuer keys: none yet")?;
    } else {
        out_line(&format!(
            "issuer keys: encrypted with key-encryption key {}{}",
            if sealed.is_empty() {
                "(none)".to_owned()
            } else {
                sealed.join(", ")
            },
            if plain > 0 {
                format!("; {plain} still in plain text (sealed at the next start with a key)")
            } else {
                String::new()
            }
        ))?;
    }
    if let Some(why) = opened.locked {
        out_line(&format!("signing is unavailable: {why}"))?;
    }
    Ok(())
}

/// `guild credential keys rotate-kek --new-key-file FILE`: seals every issuer key again under
/// the KEK in FILE, in one transaction. The KEK file beside a SQLite database is then
/// replaced with the new key; a configured one is left for the operator to switch.
pub fn rotate_kek(db: &Db, new_key_file: &Path) -> Result<()> {
    let opened = db.open_keys(true)?;
    if let Some(why) = opened.locked {
        return Err(why).context("the current key-encryption key must open the issuer keys first");
    }
    let origin = opened
        .origin
        .context("no key-encryption key is configured: there is nothing to rotate")?;
    let new = KeyEncryptionKey::read_file(new_key_file, new_key_file.display().to_string())?;
    let new_id = new.id().to_owned();
    let old_id = opened
        .store
        .credentials()
        .key_encryption_key_id()
        .unwrap_or_default();
    let n = opened
        .store
        .credentials()
        .rotate_key_encryption_key(new)
        .context("nothing was changed")?;
    out_line(&format!(
        "{n} issuer keys are now encrypted with key-encryption key {new_id} (was {old_id})"
    ))?;
    match origin {
        Origin::Beside(path) => {
            // The store now needs the new key: put it where the next start looks for it.
            let kek =
                KeyEncryptionKey::read_file(new_key_file, new_key_file.display().to_string())?;
            kek.replace_file(&path).with_context(|| {
                format!(
                    "the issuer keys are encrypted with the key in {}, but {} still holds the \
                     old one: copy {} over it",
                    new_key_file.display(),
                    path.display(),
                    new_key_file.display()
                )
            })?;
            out_line(&format!(
                "{} now holds the new key; the old key opens nothing any more",
                path.display()
            ))
        }
        Origin::File(_) | Origin::Environment => out_line(&format!(
            "from now on, start Guild with GUILD_KEY_FILE={} (or GUILD_KEY set to the key it \
             holds): the old key opens nothing any more",
            new_key_file.display()
        )),
    }
}

/// Where a KEK came from, in words.
pub fn describe(origin: &Origin) -> String {
    match origin {
        Origin::Environment => KEY_ENV.to_owned(),
        Origin::File(path) => file_source(path),
        Origin::Beside(path) => format!("{} (beside the database)", path.display()),
    }
}

fn out_line(line: &str) -> Result<()> {
    out!("{line}");
    Ok(())
}
