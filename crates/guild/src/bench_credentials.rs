//! `guild bench credentials`: verifications per second, on one thread, of Open Badges 3.0 skill
//! credentials with `eddsa-rdfc-2022` and `eddsa-jcs-2022` proofs (and of the W3C EdDSA test
//! vectors, when they are at hand), beside Digital Bazaar's JavaScript Data Integrity libraries
//! (`benches/credentials_js/verify.mjs`) verifying the same files in the same run.
//!
//! Guild's side is the whole of [`verify`]: JSON parsing within bounds, the shape and date
//! checks, JSON-LD to RDF with the bundled contexts and RDFC-1.0 (or JCS), hashing and the
//! Ed25519 signature. The JavaScript side is `JSON.parse` then `jsigs.verify` with an
//! assertion proof purpose, its document loader serving the same bundled contexts and `did:key`
//! documents only. Every verification on both sides must succeed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Args;
use ed25519_dalek::SigningKey;
use guild_credentials::badge::{
    BadgeEvidence, CertifiedSkill, SkillCertification, skill_credential,
};
use guild_credentials::contexts::ContextSet;
use guild_credentials::keys::{did_key, did_key_verification_method};
use guild_credentials::proof::{Cryptosuite, ProofOptions, RdfCanonicalizer, add_proof};
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{DidKeyResolver, Outcome, verify};
use serde::Deserialize;
use serde_json::Value;

/// `guild bench credentials` arguments.
#[derive(Args)]
pub struct CredentialsArgs {
    /// Seconds each credential is verified for, after its warm-up.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Seconds of warm-up per credential (at least one verification).
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Measure Guild only, without the JavaScript baseline.
    #[arg(long)]
    pub no_baseline: bool,
    /// Node.js to run the baseline with.
    #[arg(long, default_value = "node")]
    pub node: String,
    /// The baseline script (its node_modules installed with `npm ci` in its folder).
    #[arg(long, default_value = "benches/credentials_js/verify.mjs")]
    pub script: PathBuf,
    /// The W3C vc-di-eddsa test vectors; their signed credentials are measured too, when found.
    #[arg(long, default_value = "../shared/vectors/vc-di-eddsa/TestVectors")]
    pub vectors: PathBuf,
    /// Seed of the issuer's key.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the benchmark and prints its report.
pub fn run(args: &CredentialsArgs) -> Result<ExitCode> {
    let report = credentials(args)?;
    out!("{}", report.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// One credential file to verify.
struct Case {
    name: String,
    suite: Cryptosuite,
    path: PathBuf,
}

/// How fast one side verified one file.
#[derive(Debug, Clone, Copy)]
struct Rate {
    verifications: u64,
    wall: f64,
    cpu: f64,
}

impl Rate {
    fn per_second(self) -> f64 {
        self.verifications as f64 / self.wall
    }

    fn per_cpu_second(self) -> f64 {
        self.verifications as f64 / self.cpu
    }
}

/// A 32-byte Ed25519 seed from a number (SplitMix64), so that runs sign with the same key.
fn seeded_key(seed: u64) -> SigningKey {
    let mut state = seed;
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    SigningKey::from_bytes(&bytes)
}

/// A skill certification as Guild issues one: an ESCO skill at level 4, with a skill test and
/// a finished contract as evidence, issued by the `did:key` of `key`.
fn certification(key: &SigningKey) -> SkillCertification {
    let skill = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    SkillCertification {
        id: "urn:uuid:5f0c2a4e-8a1b-4f3e-9d6c-2b7a9e4d1c37".to_owned(),
        issuer: did_key(&key.verifying_key()),
        issuer_name: "Guild".to_owned(),
        issuer_url: Some("https://guild.example".to_owned()),
        subject: "urn:guild:worker:4711".to_owned(),
        subject_name: Some("Amaia Etxeberria".to_owned()),
        skill: CertifiedSkill {
            id: skill.to_owned(),
            label: "use CAD software".to_owned(),
            description: Some(
                "Use computer-aided design (CAD) systems to assist in the creation, \
                 modification, analysis, or optimisation of a design."
                    .to_owned(),
            ),
            uri: Some(skill.to_owned()),
            framework: "ESCO".to_owned(),
        },
        level: 4,
        evidence: vec![
            BadgeEvidence {
                id: Some("https://guild.example/tests/attempts/90321".to_owned()),
                name: "Skill test: use CAD software".to_owned(),
                description: "Passed with 27 of 30 (level 4 pass mark: 24)".to_owned(),
                kind: "test".to_owned(),
            },
            BadgeEvidence {
                id: Some("https://guild.example/contracts/18844".to_owned()),
                name: "Contract: bracket redesign for injection moulding".to_owned(),
                description: "Finished and accepted; rated 5 of 5 by the client".to_owned(),
                kind: "contract".to_owned(),
            },
        ],
        valid_from: "2026-01-15T09:30:00Z".to_owned(),
        valid_until: Some("2029-01-15T09:30:00Z".to_owned()),
        achievement_base: "https://guild.example".to_owned(),
    }
}

/// The credential signed with one suite by `key`, as the bytes of its file.
fn signed(
    credential: &Value,
    suite: Cryptosuite,
    key: &SigningKey,
    rdf: &dyn RdfCanonicalizer,
) -> Result<Vec<u8>> {
    let options = ProofOptions {
        cryptosuite: suite,
        verification_method: did_key_verification_method(&key.verifying_key()),
        proof_purpose: "assertionMethod".to_owned(),
        created: Some("2026-01-15T09:30:00Z".to_owned()),
        id: None,
        previous_proof: Vec::new(),
    };
    let secured = add_proof(credential, &options, key, rdf)?;
    Ok(serde_json::to_vec_pretty(&secured)?)
}

/// Verifies `bytes` with Guild until the warm-up, then the budget, is spent; every
/// verification must be valid.
fn measure_guild(
    case: &Case,
    bytes: &[u8],
    now: jiff::Timestamp,
    rdf: &dyn RdfCanonicalizer,
    warmup: Duration,
    budget: Duration,
) -> Result<Rate> {
    let check = || -> Result<()> {
        let report = verify(bytes, now, &DidKeyResolver, rdf);
        if report.outcome != Outcome::Valid {
            bail!(
                "Guild did not find {} valid: {}",
                case.name,
                serde_json::to_string_pretty(&report)?
            );
        }
        Ok(())
    };
    let started = Instant::now();
    loop {
        check()?;
        if started.elapsed() >= warmup {
            break;
        }
    }
    // Process CPU time: the RDF canonicalisation runs on a short-lived thread of its own.
    let cpu = cpu_time::ProcessTime::now();
    let started = Instant::now();
    let mut verifications = 0u64;
    let wall = loop {
        check()?;
        verifications += 1;
        let elapsed = started.elapsed();
        if elapsed >= budget {
            break elapsed;
        }
    };
    Ok(Rate {
        verifications,
        wall: wall.as_secs_f64(),
        cpu: cpu.elapsed().as_secs_f64(),
    })
}

/// What `verify.mjs` prints.
#[derive(Deserialize)]
struct JsReport {
    runtime: String,
    packages: std::collections::BTreeMap<String, Option<String>>,
    results: Vec<JsResult>,
}

#[derive(Deserialize)]
struct JsResult {
    cryptosuite: String,
    verifications: u64,
    seconds: f64,
    cpu_seconds: f64,
}

fn run_baseline(args: &CredentialsArgs, cases: &[Case]) -> Result<(JsReport, Vec<Rate>)> {
    let script = &args.script;
    ensure!(
        script.is_file(),
        "no baseline script at {} (run from the workspace root, pass --script, or --no-baseline)",
        script.display()
    );
    let folder = script.parent().unwrap_or(Path::new("."));
    ensure!(
        folder.join("node_modules").is_dir(),
        "the baseline's packages are not installed: run `npm ci` in {}",
        folder.display()
    );
    let output = Command::new(&args.node)
        .arg(script)
        .arg("--seconds")
        .arg(args.seconds.to_string())
        .arg("--warmup")
        .arg(args.warmup.to_string())
        .args(cases.iter().map(|c| &c.path))
        .output()
        .with_context(|| format!("cannot run {} {}", args.node, script.display()))?;
    if !output.status.success() {
        bail!(
            "the JavaScript baseline failed: {}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    let report: JsReport = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "the baseline printed no report: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    ensure!(
        report.results.len() == cases.len(),
        "the baseline reported {} credentials, not {}",
        report.results.len(),
        cases.len()
    );
    let mut rates = Vec::with_capacity(cases.len());
    for (case, r) in cases.iter().zip(&report.results) {
        ensure!(
            r.cryptosuite == case.suite.as_str() && r.verifications > 0,
            "the baseline's result for {} is for {} with {} verifications",
            case.name,
            r.cryptosuite,
            r.verifications
        );
        rates.push(Rate {
            verifications: r.verifications,
            wall: r.seconds,
            cpu: r.cpu_seconds,
        });
    }
    Ok((report, rates))
}

fn duration(what: &str, seconds: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(seconds)
        .with_context(|| format!("--{what} {seconds} is not a duration"))
}

/// The whole benchmark, as a report.
fn credentials(args: &CredentialsArgs) -> Result<String> {
    ensure!(args.seconds > 0.0, "--seconds must be above 0");
    let (warmup, budget) = (
        duration("warmup", args.warmup)?,
        duration("seconds", args.seconds)?,
    );
    let rdf = JsonLdCanonicalizer::new(ContextSet::with_examples()?);
    let key = seeded_key(args.seed);
    let credential = skill_credential(&certification(&key))?;
    // Inside the credential's validity.
    let now: jiff::Timestamp = "2027-06-01T12:00:00Z".parse()?;

    let dir = tempfile::tempdir()?;
    let mut cases = Vec::new();
    for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
        let path = dir
            .path()
            .join(format!("ob3-skill-{}.json", suite.as_str()));
        std::fs::write(&path, signed(&credential, suite, &key, &rdf)?)?;
        cases.push(Case {
            name: "OB 3.0 skill credential".to_owned(),
            suite,
            path,
        });
    }
    for (suite, file) in [
        (
            Cryptosuite::EddsaRdfc2022,
            "eddsa-rdfc-2022/signedDataInt.json",
        ),
        (Cryptosuite::EddsaJcs2022, "eddsa-jcs-2022/signedJCS.json"),
    ] {
        let path = args.vectors.join(file);
        if path.is_file() {
            cases.push(Case {
                name: "W3C vector".to_owned(),
                suite,
                path,
            });
        }
    }

    let mut guild = Vec::with_capacity(cases.len());
    let mut sizes = Vec::with_capacity(cases.len());
    for case in &cases {
        let bytes = std::fs::read(&case.path)
            .with_context(|| format!("cannot read {}", case.path.display()))?;
        sizes.push(bytes.len());
        guild.push(measure_guild(case, &bytes, now, &rdf, warmup, budget)?);
    }
    let baseline = if args.no_baseline {
        None
    } else {
        Some(run_baseline(args, &cases)?)
    };

    let mut report = String::new();
    writeln!(
        report,
        "Credential verification on one thread: each file verified from its bytes over and over for {} s after {} s of warm-up; every verification succeeded on both sides.",
        args.seconds, args.warmup
    )?;
    writeln!(
        report,
        "Guild: guild_credentials::verify::verify (JSON, shape and dates, JSON-LD → RDFC-1.0 or JCS, SHA-256, Ed25519), did:key, bundled contexts."
    )?;
    if let Some((js, _)) = &baseline {
        let versions: Vec<String> = js
            .packages
            .iter()
            .map(|(name, v)| format!("{name} {}", v.as_deref().unwrap_or("?")))
            .collect();
        writeln!(
            report,
            "JavaScript: JSON.parse + jsigs.verify (AssertionProofPurpose) on {}, offline loader (same contexts, did:key); {}.",
            js.runtime,
            versions.join(", ")
        )?;
    }
    writeln!(report)?;
    writeln!(
        report,
        "{:<24} {:<16} {:>6} {:>9} {:>9} {:>7}   {:>11} {:>11} {:>9}",
        "credential",
        "suite",
        "bytes",
        "Guild /s",
        "JS /s",
        "ratio",
        "Guild /CPU s",
        "JS /CPU s",
        "CPU ratio"
    )?;
    for (i, case) in cases.iter().enumerate() {
        let g = guild[i];
        let js = baseline.as_ref().map(|(_, rates)| rates[i]);
        let cell = |f: &dyn Fn(Rate) -> String| js.map_or_else(|| "-".to_owned(), f);
        writeln!(
            report,
            "{:<24} {:<16} {:>6} {:>9.0} {:>9} {:>7}   {:>11.0} {:>11} {:>9}",
            case.name,
            case.suite.as_str(),
            sizes[i],
            g.per_second(),
            cell(&|j| format!("{:.0}", j.per_second())),
            cell(&|j| format!("{:.1}×", g.per_second() / j.per_second())),
            g.per_cpu_second(),
            cell(&|j| format!("{:.0}", j.per_cpu_second())),
            cell(&|j| format!("{:.1}×", g.per_cpu_second() / j.per_cpu_second())),
        )?;
    }
    writeln!(report)?;
    writeln!(
        report,
        "/s: verifications per wall-clock second, one at a time on one thread. /CPU s: per second of the process's CPU time (less sensitive to a busy machine; Guild's RDF canonicalisation runs on a short-lived thread of its own, one at a time; JS's includes V8's garbage-collection and compiler threads). ratio: Guild ÷ JS."
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_credentials_verify_with_both_suites() {
        let rdf = JsonLdCanonicalizer::new(ContextSet::with_examples().unwrap());
        let key = seeded_key(1);
        assert_eq!(key.to_bytes(), seeded_key(1).to_bytes());
        assert_ne!(key.to_bytes(), seeded_key(2).to_bytes());
        let credential = skill_credential(&certification(&key)).unwrap();
        let now: jiff::Timestamp = "2027-06-01T12:00:00Z".parse().unwrap();
        for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
            let bytes = signed(&credential, suite, &key, &rdf).unwrap();
            let report = verify(&bytes, now, &DidKeyResolver, &rdf);
            assert_eq!(report.outcome, Outcome::Valid, "{suite:?}: {report:?}");
        }
    }
}
