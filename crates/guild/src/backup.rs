//! `guild backup FILE` and `guild restore FILE`: a consistent copy of the whole store, and its
//! return into an empty one. SQLite copies itself (`VACUUM INTO`, while Guild runs);
//! PostgreSQL uses its own tools, `pg_dump` and `pg_restore` (custom format), found on the
//! PATH or in /usr/lib/postgresql/*/bin. Either way a restore only goes into a store that
//! holds nothing, and the restored store is opened (and migrated) before it is reported done.
//!
//! Issuer secret keys are in a backup only as they are stored: encrypted under the
//! key-encryption key, which is never in it. Both commands say which KEK the backup needs, and
//! a restore opens the keys with the KEK configured for the target (or the file beside it).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_store::{DatabaseUrl, Store};

use crate::keys::Db;

/// `guild backup`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The file to write (it must not exist).
    pub file: PathBuf,
}

/// `guild restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A file written by `guild backup` for the same kind of store.
    pub file: PathBuf,
}

/// A PostgreSQL client tool: on the PATH, or the newest under /usr/lib/postgresql.
fn pg_tool(name: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    // Version directories sort as numbers ("15" after "9").
    found.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| PathBuf::from(name))
}

fn run(mut command: Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {what}: is PostgreSQL's client installed?"))?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Runs `guild backup`.
pub fn backup(db: &Db, args: &BackupArgs) -> Result<ExitCode> {
    let url = &db.url;
    if args.file.exists() {
        bail!(
            "{} exists: a backup never overwrites a file",
            args.file.display()
        );
    }
    match url {
        DatabaseUrl::Sqlite(_) => {
            let store = Store::open(url)?;
            store.snapshot_sqlite(&args.file)?;
        }
        DatabaseUrl::Postgres(pg) => {
            let mut c = Command::new(pg_tool("pg_dump"));
            c.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&args.file)
                .arg(pg);
            run(c, "pg_dump")?;
        }
    }
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    out!(
        "backed up {url:?} to {} ({size} bytes)",
        args.file.display()
    );
    // The backup holds the issuer keys sealed: say which key-encryption key opens them.
    let sealed = Store::open(url)?.credentials().issuer_keys_sealed_with()?;
    if !sealed.is_empty() {
        out!(
            "its issuer keys are encrypted with key-encryption key {}, which is not in the \
             backup: keep that key apart from it (without it a restored store cannot sign)",
            sealed.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `guild restore`.
pub fn restore(db: &Db, args: &RestoreArgs) -> Result<ExitCode> {
    let url = &db.url;
    if !args.file.is_file() {
        bail!("{} is not a file", args.file.display());
    }
    if !url.is_blank()? {
        bail!(
            "{url:?} is not empty: restore into a new SQLite file or an empty PostgreSQL database"
        );
    }
    match url {
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            copy_new(&args.file, path)?;
        }
        DatabaseUrl::Postgres(pg) => {
            let mut c = Command::new(pg_tool("pg_restore"));
            c.args([
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
            ])
            .arg(pg)
            .arg(&args.file);
            run(c, "pg_restore")?;
        }
    }
    // Open it: a backup from an older Guild is migrated now, and a bad file fails here.
    let checked = (|| -> Result<(i64, Store)> {
        let store = Store::open(url)?;
        let audit = store.ledger().audit_ledger()?;
        if !audit.ok() {
            bail!("the restored ledger fails its audit: {audit:?}");
        }
        Ok((store.table_counts()?.iter().map(|(_, n)| n).sum(), store))
    })();
    let (rows, store) = match checked {
        Ok(rows) => rows,
        Err(e) => {
            // A SQLite file that is no store must not stay behind, or the next try would
            // find the store "not empty".
            if let DatabaseUrl::Sqlite(path) = url {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            return Err(e.context(format!(
                "{} is not a usable Guild backup",
                args.file.display()
            )));
        }
    };
    out!(
        "restored {} into {url:?}: {rows} rows, ledger ok",
        args.file.display()
    );
    // Keys from an older Guild are sealed now, if a KEK is at hand; sealed keys that the KEK
    // here does not open leave a store that works but cannot sign: say so. (The restore itself
    // is done either way: a key-encryption key problem is no reason to undo it.)
    let opened = db
        .unlock(store, true)
        .context("restored, but its issuer keys could not be unlocked")?;
    if let Some(why) = opened.locked {
        eprintln!("warning: the restored store cannot sign yet: {why}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Copies `from` to `to`, which must not exist (no clobbering between the check and the copy).
fn copy_new(from: &Path, to: &Path) -> Result<()> {
    let mut source = std::fs::File::open(from)?;
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .with_context(|| format!("cannot create {}", to.display()))?;
    std::io::copy(&mut source, &mut target)?;
    target.sync_all()?;
    Ok(())
}
