//! `guild credential`: verify any W3C Verifiable Credential / Open Badges 3.0 credential with
//! Data Integrity EdDSA proofs, offline, and print every check.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ed25519_dalek::SigningKey;
use guild_credentials::badge::{
    BadgeEvidence, CertifiedSkill, SkillCertification, skill_credential,
};
use guild_credentials::contexts::ContextSet;
use guild_credentials::keys;
use guild_credentials::proof::{Cryptosuite, ProofOptions, add_proof};
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{CheckResult, KnownKeys, Outcome, verify};
use guild_store::Store;

/// What to do with credentials.
#[derive(Subcommand, Debug)]
pub enum CredentialCommand {
    /// Verify a credential (a file, or - for standard input). Exit status 0 valid, 1 invalid,
    /// 2 could not check (a key that cannot be resolved, a status list that cannot be read).
    Verify(VerifyArgs),
    /// The platform's signing keys: `new` makes a key and retires the current one (it keeps
    /// verifying what it signed); `list` shows them.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Issue a skill certification (Open Badges 3.0) to a worker, signed with the platform key.
    Issue(IssueArgs),
}

/// `guild credential keys …`.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make a new platform key; the previous one is retired (still verifies).
    New,
    /// List the platform keys, newest last.
    List,
}

/// Options of `guild credential issue`.
#[derive(Args, Debug)]
pub struct IssueArgs {
    /// The worker the credential is for.
    #[arg(long)]
    worker: i64,
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
    /// Write the credential here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Options of `guild credential verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The credential (JSON), or - for standard input.
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
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// The issuer whose keys the command line manages.
const PLATFORM: &str = "platform";

/// Runs `guild credential …`; `store` opens the store for the commands that need one.
pub fn run(command: CredentialCommand, store: impl FnOnce() -> Result<Store>) -> Result<ExitCode> {
    match command {
        CredentialCommand::Verify(args) => verify_command(&args),
        CredentialCommand::Keys(KeysCommand::New) => {
            let store = store()?;
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed)
                .map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
            let key = SigningKey::from_bytes(&seed);
            let stored = store.rotate_issuer_key(
                PLATFORM,
                &keys::public_key_multibase(&key.verifying_key()),
                &keys::secret_key_multibase(&key),
            )?;
            out!(
                "new platform key {}: {}",
                stored.id,
                keys::did_key(&key.verifying_key())
            );
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Keys(KeysCommand::List) => {
            for k in store()?.issuer_keys(PLATFORM)? {
                out!(
                    "{}  did:key:{}  created {}{}",
                    k.id,
                    k.public_multibase,
                    k.created_at,
                    k.retired_at
                        .map(|r| format!("  retired {r}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CredentialCommand::Issue(args) => issue(&store()?, &args),
    }
}

fn issue(store: &Store, args: &IssueArgs) -> Result<ExitCode> {
    let suites: Vec<Cryptosuite> = match args.suite.as_str() {
        "rdfc" => vec![Cryptosuite::EddsaRdfc2022],
        "jcs" => vec![Cryptosuite::EddsaJcs2022],
        "both" => vec![Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022],
        other => anyhow::bail!("--suite {other:?}: expected rdfc, jcs or both"),
    };
    let key = store
        .active_issuer_key(PLATFORM)?
        .context("the platform has no signing key yet: run `guild credential keys new` first")?;
    let signing = keys::secret_key_from_multibase(&key.secret_multibase)?;
    let worker = store.worker(guild_matching::WorkerId(args.worker))?.worker;
    let skill_id =
        guild_taxonomy::SkillId::parse(&args.skill).map_err(|e| anyhow::anyhow!("--skill: {e}"))?;
    let skill = store.skill(&skill_id)?;
    let framework = match skill.skill.source {
        guild_taxonomy::Source::Esco => "ESCO",
        guild_taxonomy::Source::Onet => "O*NET",
        guild_taxonomy::Source::Guild => "Guild",
    };
    let did = keys::did_key(&signing.verifying_key());
    let now = jiff::Timestamp::now();
    let valid_until = (args.years > 0)
        .then(|| {
            now.checked_add(jiff::SignedDuration::from_hours(
                24 * 365 * i64::from(args.years),
            ))
        })
        .transpose()?;
    let id = format!("urn:uuid:{}", uuid_v4()?);
    let certification = SkillCertification {
        id: id.clone(),
        issuer: did.clone(),
        issuer_name: "Guild".to_owned(),
        issuer_url: None,
        subject: format!("urn:guild:worker:{}", args.worker),
        subject_name: Some(worker.name.clone()),
        skill: CertifiedSkill {
            id: skill_id.as_str().to_owned(),
            label: skill.skill.label.clone(),
            description: skill.skill.description.clone(),
            uri: skill.skill.source_uri.clone(),
            framework: framework.to_owned(),
        },
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
        valid_from: now.to_string(),
        valid_until: valid_until.map(|t| t.to_string()),
        achievement_base: "urn:guild".to_owned(),
    };
    let unsigned = skill_credential(&certification)?;
    let rdf = JsonLdCanonicalizer::new(ContextSet::production()?);
    let issued = store.issue_credential(
        &id,
        Some(args.worker),
        "skill",
        Some(skill_id.as_str()),
        |_index| {
            let mut doc = unsigned.clone();
            for suite in &suites {
                let options = ProofOptions {
                    cryptosuite: *suite,
                    verification_method: keys::did_key_verification_method(
                        &signing.verifying_key(),
                    ),
                    proof_purpose: "assertionMethod".to_owned(),
                    created: Some(now.to_string()),
                    id: None,
                    previous_proof: Vec::new(),
                };
                doc = add_proof(&doc, &options, &signing, &rdf)
                    .map_err(|e| guild_store::StoreError::Invalid(e.to_string()))?;
            }
            serde_json::to_string_pretty(&doc)
                .map_err(|e| guild_store::StoreError::Backend(e.to_string()))
        },
    )?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &issued.document)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "issued {} to worker {} ({})",
                issued.id,
                args.worker,
                path.display()
            );
        }
        None => out!("{}", issued.document),
    }
    Ok(ExitCode::SUCCESS)
}

/// A random (version 4) UUID.
fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    ))
}

fn verify_command(args: &VerifyArgs) -> Result<ExitCode> {
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
    let report = verify(&bytes, now, &known, &rdf);
    if args.json {
        out!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for c in &report.checks {
            let mark = match c.result {
                CheckResult::Passed => "ok  ",
                CheckResult::Failed => "FAIL",
                CheckResult::NotChecked => "??  ",
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
