//! Settings: command-line flags and `GUILD_*` environment variables over a settings file
//! (`--config FILE` or `GUILD_CONFIG`) over defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use guild_store::DatabaseUrl;
use serde::Deserialize;

/// What a settings file may hold; every key is optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// `sqlite:PATH` or `postgres://…`.
    pub database_url: Option<String>,
    /// A hot-standby streaming replica of a PostgreSQL `database_url` (`postgres://…`), for
    /// reads that may be a little stale.
    pub database_replica_url: Option<String>,
    /// Data directory for the default SQLite store.
    pub data_dir: Option<PathBuf>,
    /// Address `guild serve` listens on.
    pub addr: Option<String>,
    /// The public base URL (did:web issuers under it).
    pub public_url: Option<String>,
    /// A file holding the key-encryption key of the issuer keys (see `crate::keys`).
    pub key_file: Option<PathBuf>,
}

impl SettingsFile {
    /// Reads and checks a settings file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the settings file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("settings file {}", path.display()))
    }
}

/// The settings in force.
pub struct Settings {
    /// The store.
    pub database: DatabaseUrl,
    /// Its read replica, if any (PostgreSQL only).
    pub replica: Option<DatabaseUrl>,
    /// Where `guild serve` listens.
    pub addr: String,
    /// The public base URL, if this Guild has one.
    pub public_url: Option<String>,
    /// The file holding the key-encryption key of the issuer keys, if one is configured.
    pub key_file: Option<PathBuf>,
}

/// The database URL's password never reaches a log or a message.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database)
            .field("replica", &self.replica)
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("key_file", &self.key_file)
            .finish()
    }
}

/// The default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

impl Settings {
    /// Flags and environment (`db`, `data_dir`, `addr`) win over the file, which wins over defaults.
    pub fn resolve(
        db: Option<&str>,
        data_dir: Option<&Path>,
        addr: Option<&str>,
        file: SettingsFile,
    ) -> Result<Self> {
        let database = match db.map(str::to_owned).or(file.database_url) {
            Some(raw) => DatabaseUrl::parse(&raw)?,
            None => {
                let dir = match data_dir.map(Path::to_path_buf).or(file.data_dir) {
                    Some(dir) => dir,
                    None => default_data_dir()?,
                };
                DatabaseUrl::Sqlite(dir.join("guild.db"))
            }
        };
        let replica = file
            .database_replica_url
            .as_deref()
            .map(DatabaseUrl::parse)
            .transpose()?;
        let addr = addr
            .map(str::to_owned)
            .or(file.addr)
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        Ok(Self {
            database,
            replica,
            addr,
            public_url: file.public_url,
            key_file: file.key_file,
        })
    }

    /// Where credentials are published: the public URL (did:web issuers), else the listening
    /// address (did:key issuers) — the same as `guild serve` uses.
    pub fn publication(&self) -> Result<guild_credentials::issuer::Publication> {
        let config = guild_server::ServerConfig {
            public_url: self.public_url.clone(),
            ..Default::default()
        };
        Ok(guild_server::publication(&config, self.addr.parse().ok())?)
    }
}

fn default_data_dir() -> Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("guild"));
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/guild")),
        None => bail!("no data directory: set --data-dir, GUILD_DATA_DIR or --db"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let file: SettingsFile = toml::from_str(
            "database_url = \"postgres://u:secret@h/db\"\naddr = \"0.0.0.0:9000\"\n\
             database_replica_url = \"postgres://u:secret2@r/db\"",
        )
        .unwrap();
        let s = Settings::resolve(None, None, None, file).unwrap();
        assert_eq!(s.addr, "0.0.0.0:9000");
        assert!(matches!(s.database, DatabaseUrl::Postgres(_)));
        assert!(matches!(s.replica, Some(DatabaseUrl::Postgres(_))));
        assert!(!format!("{s:?}").contains("secret"));
        let file: SettingsFile = toml::from_str("data_dir = \"/srv/guild\"").unwrap();
        let s =
            Settings::resolve(Some("sqlite:/tmp/x.db"), None, Some("127.0.0.1:1"), file).unwrap();
        assert_eq!(s.database, DatabaseUrl::Sqlite("/tmp/x.db".into()));
        assert_eq!(s.addr, "127.0.0.1:1");
        let s = Settings::resolve(
            None,
            None,
            None,
            toml::from_str("data_dir = \"/srv/guild\"").unwrap(),
        )
        .unwrap();
        assert_eq!(
            s.database,
            DatabaseUrl::Sqlite("/srv/guild/guild.db".into())
        );
        assert_eq!(s.addr, DEFAULT_ADDR);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(toml::from_str::<SettingsFile>("databse_url = \"x\"").is_err());
        let file: SettingsFile = toml::from_str("database_url = \"mysql://x\"").unwrap();
        assert!(Settings::resolve(None, None, None, file).is_err());
    }
}
