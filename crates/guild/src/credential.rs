//! `guild credential`: verify any W3C Verifiable Credential / Open Badges 3.0 credential with
//! Data Integrity EdDSA proofs and print every check; manage issuer keys; issue, list and
//! revoke what Guild issues.

use guild_ids::WorkerId;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use guild_credentials::badge::BadgeEvidence;
use guild_credentials::contexts::ContextSet;
use guild_credentials::issuer::Publication;
use guild_credentials::issuing::SkillAward;
use guild_credentials::proof::Cryptosuite;
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::resolve::WebResolver;
use guild_credentials::verify::{CheckResult, KeyResolver, KnownKeys, KnownThen, Outcome, verify};
use guild_platform::Platform;
use guild_store::{IssuedCredential, Store};

/// What to do with credentials.
#[derive(Subcommand, Debug)]
pub enum CredentialCommand {
    /// Verify a credential (JSON or a VC-JWT `.jwt` file, or - for standard input). Exit status 0
    /// valid, 1 invalid, 2 could not check (a key that cannot be resolved, a status list that cannot be read).
    Verify(VerifyArgs),
    /// Signing keys: `new` makes a key and retires the current one (it keeps verifying what
    /// it signed); `list` shows them.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Issue a skill certification (Open Badges 3.0) to a worker, signed by the platform or
    /// an organisation.
    Issue(IssueArgs),
    /// Issue a worker's reputation summary (from the reviews of its contracts), signed by the
    /// platform.
    Reputation(ReputationArgs),
    /// List the credentials issued to a worker, or by an issuer.
    List(ListArgs),
    /// Revoke a credential Guild issued: its status list shows it at once.
    Revoke(RevokeArgs),
}

/// Whose keys.
#[derive(Args, Debug)]
pub struct KeyOwner {
    /// An organisation's keys instead of the platform's.
    #[arg(long)]
    org: Option<String>,
}

/// `guild credential keys …`.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make a new key; the previous one is retired (still verifies).
    New(KeyOwner),
    /// List the keys, newest last.
    List(KeyOwner),
    /// Show the key-encryption key in use (its id and where it comes from) and which one the
    /// stored issuer keys are encrypted with.
    Status,
    /// Write a fresh key-encryption key to FILE (which must not exist), readable by its owner
    /// only: the next one to rotate to, or the one to give a PostgreSQL store.
    NewKek {
        /// The file to write.
        file: PathBuf,
    },
    /// Encrypt every issuer key again under the key-encryption key in --new-key-file, in one
    /// transaction (if one key fails, nothing changes). Then the old key opens nothing: start
    /// Guild with the new one (the file beside a SQLite database is replaced by it).
    RotateKek {
        /// The file holding the new key-encryption key (`guild credential keys new-kek FILE`).
        #[arg(long)]
        new_key_file: PathBuf,
    },
}

/// Options of `guild credential issue`.
#[derive(Args, Debug)]
pub struct IssueArgs {
    /// The worker the credential is for.
    #[arg(long)]
    worker: WorkerId,
    /// The skill certified (taxonomy id).
    #[arg(long)]
    skill: String,
    /// The level reached, 1–5.
    #[arg(long)]
    level: u8,
    /// What proves it, in words (e.g. "Skill test passed 18/20").
    #[arg(long)]
    evidence: Option<String>,
    /// Years until it expires (0: never).
    #[arg(long, default_value_t = 3)]
    years: u8,
    /// Proof suites: rdfc (eddsa-rdfc-2022, what Open Badges 3.0 conformance accepts), jcs, or
    /// both (a proof set).
    #[arg(long, default_value = "rdfc")]
    suite: String,
    /// Issue in this organisation's name instead of the platform's.
    #[arg(long)]
    org: Option<String>,
    /// Write the credential here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Options of `guild credential reputation`.
#[derive(Args, Debug)]
pub struct ReputationArgs {
    /// The worker.
    #[arg(long)]
    worker: WorkerId,
    /// Days back from now.
    #[arg(long, default_value_t = 365)]
    days: i64,
    /// Write the credential here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Options of `guild credential list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Credentials issued to this worker.
    #[arg(long, conflicts_with = "org")]
    worker: Option<WorkerId>,
    /// Credentials this organisation issued (default: the platform's).
    #[arg(long)]
    org: Option<String>,
}

/// Options of `guild credential revoke`.
#[derive(Args, Debug)]
pub struct RevokeArgs {
    /// The credential's id (urn:uuid:…).
    id: String,
    /// Why (kept with the record; the status list carries one bit).
    #[arg(long)]
    reason: String,
}

/// Options of `guild credential verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The credential: JSON with embedded proofs, or a VC-JWT (a `.jwt` file holding a compact
    /// JWS), or - for standard input.
    file: PathBuf,
    /// A key the verifier already trusts for a verification method, VM=MULTIBASE (repeatable);
    /// did:key methods need none.
    #[arg(long = "key", value_name = "VM=MULTIBASE")]
    keys: Vec<String>,
    /// A JSON-LD context to trust besides the bundled ones, URL=FILE (repeatable); contexts are
    /// never fetched.
    #[arg(long = "context", value_name = "URL=FILE")]
    contexts: Vec<String>,
    /// Check validity dates at this time (RFC 3339) instead of now.
    #[arg(long)]
    at: Option<String>,
    /// Fetch nothing: did:web keys, URL keys and status lists are then not checked.
    #[arg(long)]
    offline: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `guild credential …`. `store` opens the store for the commands that need one;
/// `existing_store` opens it only if it already exists (verification reads this Guild's own
/// keys and status lists from it, and must not create a database as a side effect).
pub fn run(
    command: CredentialCommand,
    publication: &Publication,
    db: &crate::keys::Db,
    store: impl FnOnce() -> Result<Store>,
    existing_store: impl FnOnce() -> Option<Store>,
) -> Result<ExitCode> {
    match command {
        CredentialCommand::Verify(args) => verify_command(&args, publication, existing_store()),
        CredentialCommand::Keys(KeysCommand::New(owner)) => {
            let (store, platform) = open(store)?;
            let issuer = platform.issuer(owner.org.as_deref())?;
            let stored = store.credentials().new_issuer_key(&issuer.key_name())?;
            let signer = platform.signer(publication, &issuer)?;
            out!(
                "new key {} of {}: {}",
                stored.id,
                issuer.name(),
                signer.verification_method
            );
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Keys(KeysCommand::List(owner)) => {
            let (store, platform) = open(store)?;
            let issuer = platform.issuer(owner.org.as_deref())?;
            for k in store.credentials().issuer_keys(&issuer.key_name())? {
                out!(
                    "{}  {}  created {}{}  {}",
                    k.id,
                    k.public_multibase,
                    k.created_at,
                    k.retired_at
                        .as_ref()
                        .map(|r| format!("  retired {r}"))
                        .unwrap_or_default(),
                    k.sealed_with().map_or_else(
                        || "plain (sealed at the next start with a key-encryption key)".to_owned(),
                        |id| format!("encrypted with key-encryption key {id}")
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Keys(KeysCommand::Status) => {
            crate::keys::status(db)?;
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Keys(KeysCommand::NewKek { file }) => {
            crate::keys::new_kek(&file)?;
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Keys(KeysCommand::RotateKek { new_key_file }) => {
            crate::keys::rotate_kek(db, &new_key_file)?;
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Issue(args) => issue(&open(store)?.1, publication, &args),
        CredentialCommand::Reputation(args) => {
            let (_, platform) = open(store)?;
            let issued = platform.issue_reputation(publication, args.worker, args.days, None)?;
            write_out(&issued, args.out.as_ref())
        }
        CredentialCommand::List(args) => {
            let (store, platform) = open(store)?;
            let all = match args.worker {
                Some(w) => store.credentials().credentials_of(w)?,
                None => store
                    .credentials()
                    .credentials_issued_by(&platform.issuer(args.org.as_deref())?.key_name())?,
            };
            for c in all {
                out!(
                    "{}  {:<11} {:<10} worker {}  issued {}{}",
                    c.id,
                    c.kind,
                    c.issuer,
                    c.worker.map_or_else(|| "-".to_owned(), |w| w.to_string()),
                    c.issued_at,
                    c.revoked_at
                        .map(|r| format!("  REVOKED {r}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Revoke(args) => {
            let reason = args.reason.trim();
            anyhow::ensure!(!reason.is_empty(), "--reason must say why");
            let c = store()?.credentials().revoke_credential(&args.id, reason)?;
            out!("revoked {} (status list position {})", c.id, c.status_index);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The store, and the platform over it for the use cases (issuing, signing, verifying). It
/// reads no text, so it needs no sentence encoder.
fn open(store: impl FnOnce() -> Result<Store>) -> Result<(Arc<Store>, Platform)> {
    let store = Arc::new(store()?);
    let platform = Platform::new(store.clone(), None);
    Ok((store, platform))
}

fn write_out(issued: &IssuedCredential, out: Option<&PathBuf>) -> Result<ExitCode> {
    match out {
        Some(path) => {
            std::fs::write(path, &issued.document)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "issued {} to worker {} ({})",
                issued.id,
                issued.worker.unwrap_or_default(),
                path.display()
            );
        }
        None => out!("{}", issued.document),
    }
    Ok(ExitCode::SUCCESS)
}

fn issue(platform: &Platform, publication: &Publication, args: &IssueArgs) -> Result<ExitCode> {
    let suites: Vec<Cryptosuite> = match args.suite.as_str() {
        "rdfc" => vec![Cryptosuite::EddsaRdfc2022],
        "jcs" => vec![Cryptosuite::EddsaJcs2022],
        "both" => vec![Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022],
        other => anyhow::bail!("--suite {other:?}: expected rdfc, jcs or both"),
    };
    let issuer = platform.issuer(args.org.as_deref())?;
    let award = SkillAward {
        worker: args.worker,
        skill: args.skill.clone(),
        level: args.level,
        evidence: args
            .evidence
            .iter()
            .map(|e| BadgeEvidence {
                id: None,
                name: "Assessment".to_owned(),
                description: e.clone(),
                kind: "test".to_owned(),
            })
            .collect(),
        years: args.years,
        suites,
    };
    let issued = platform.issue_skill(publication, &issuer, None, &award)?;
    write_out(&issued, args.out.as_ref())
}

fn verify_command(
    args: &VerifyArgs,
    publication: &Publication,
    store: Option<Store>,
) -> Result<ExitCode> {
    let mut bytes = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin()
            .take(guild_credentials::verify::MAX_CREDENTIAL_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    let mut known = KnownKeys::default();
    for k in &args.keys {
        let (vm, key) = k
            .rsplit_once('=')
            .with_context(|| format!("--key {k:?}: expected VM=MULTIBASE"))?;
        known
            .add(vm, key)
            .map_err(|e| anyhow::anyhow!("--key {k:?}: {e}"))?;
    }
    let now = match &args.at {
        Some(at) => at
            .parse::<jiff::Timestamp>()
            .map_err(|e| anyhow::anyhow!("--at {at:?}: {e}"))?,
        None => jiff::Timestamp::now(),
    };
    // The W3C examples context is bundled (and pinned) too, so that the specifications'
    // example credentials verify.
    let mut extra = Vec::new();
    for c in &args.contexts {
        let (url, file) = c
            .split_once('=')
            .with_context(|| format!("--context {c:?}: expected URL=FILE"))?;
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("--context: cannot read {file}"))?;
        extra.push((url.to_owned(), text));
    }
    let rdf = JsonLdCanonicalizer::new(ContextSet::with_examples()?.and(extra)?);
    let fetcher = guild_server::fetch::HttpFetcher::from_env();
    let web = WebResolver::new(&fetcher);
    let then: &dyn KeyResolver = if args.offline { &known } else { &web };
    let given = KnownThen {
        known: &known,
        then,
    };
    let report = match store {
        Some(store) => {
            Platform::new(Arc::new(store), None).verify(publication, &bytes, now, &given, &rdf)
        }
        None => verify(&bytes, now, &given, &rdf),
    };
    if args.json {
        out!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for c in &report.checks {
            let mark = match c.result {
                CheckResult::Passed => "ok  ",
                CheckResult::Failed => "FAIL",
                CheckResult::NotChecked => "??  ",
                CheckResult::Warning => "warn",
            };
            out!("{mark} {:<18} {}", c.check, c.detail);
        }
        out!(
            "{}",
            match report.outcome {
                Outcome::Valid => "valid",
                Outcome::Invalid => "invalid",
                Outcome::Unverifiable => "could not be checked",
            }
        );
    }
    Ok(ExitCode::from(match report.outcome {
        Outcome::Valid => 0,
        Outcome::Invalid => 1,
        Outcome::Unverifiable => 2,
    }))
}
