//! `guild resources`, `guild trainers` and `guild teach`: the catalogue of learning resources and
//! workers' offers to teach, from the command line, as the operator (resources imported here
//! belong to no account and cannot be changed over the API).

use guild_ids::ResourceId;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use guild_matching::{Currency, Money, Proficiency, WorkerId};
use guild_reskilling::catalogue::{LearningResource, ResourceKind, parse_csv, parse_json};
use guild_reskilling::trainers::{Learner, rank};
use guild_store::{ResourceFilter, Store, TeachingOffer};
use guild_taxonomy::SkillId;

/// A catalogue file's format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogueFormat {
    /// Comma-separated, with a header (see the README for the columns).
    Csv,
    /// A JSON array of resources.
    Json,
}

#[derive(Subcommand)]
pub enum ResourcesCommand {
    /// Import a catalogue of learning resources and skill tests (CSV or JSON; all or nothing).
    Import {
        /// The catalogue file, or - for standard input.
        file: PathBuf,
        /// The file's format (default: from the extension, .csv or .json).
        #[arg(long, value_enum)]
        format: Option<CatalogueFormat>,
    },
    /// List the catalogue.
    List {
        /// Only resources that teach this skill.
        #[arg(long)]
        skill: Option<String>,
        /// Only resources in this language (e.g. en).
        #[arg(long)]
        language: Option<String>,
        /// Only resources of this kind (course, test, practice, mentoring).
        #[arg(long)]
        kind: Option<String>,
        /// Start after this id.
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// At most this many (1–200).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a resource.
    Delete {
        /// Resource id.
        id: ResourceId,
    },
}

#[derive(Args)]
pub struct TrainersArgs {
    /// The skill to learn.
    #[arg(long)]
    skill: String,
    /// The learner's worker profile (languages and time zone are read from it).
    #[arg(long, conflicts_with_all = ["languages", "utc_offset_minutes"])]
    learner: Option<WorkerId>,
    /// Level wanted, 1–5 (default: one above the learner's, else 3).
    #[arg(long)]
    level: Option<u8>,
    /// Without --learner: languages spoken, preferred first (e.g. nl,en).
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    /// Without --learner: the learner's time zone, minutes east of UTC.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    utc_offset_minutes: i32,
    /// How many trainers.
    #[arg(short, long, default_value_t = 10)]
    k: usize,
    /// Print JSON with every explanation.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct TeachArgs {
    /// The worker who offers to teach.
    #[arg(long)]
    worker: WorkerId,
    /// The skill (the worker's profile must hold it at proficiency 4 or more).
    #[arg(long)]
    skill: String,
    /// Teaches remotely (otherwise in person only).
    #[arg(long)]
    remote: bool,
    /// Hourly rate, e.g. 30EUR or 42.50 USD.
    #[arg(long)]
    rate: Option<String>,
    /// A few words about the offer.
    #[arg(long, default_value = "")]
    note: String,
    /// Withdraw the offer instead.
    #[arg(long, conflicts_with_all = ["remote", "rate", "note"])]
    withdraw: bool,
}

/// The largest catalogue file read.
const MAX_CATALOGUE_BYTES: u64 = 256 << 20;

fn read_catalogue(file: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .take(MAX_CATALOGUE_BYTES + 1)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(file)
            .with_context(|| format!("cannot read {}", file.display()))?
            .take(MAX_CATALOGUE_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", file.display()))?;
    }
    if bytes.len() as u64 > MAX_CATALOGUE_BYTES {
        bail!(
            "{}: the file is over {MAX_CATALOGUE_BYTES} bytes",
            file.display()
        );
    }
    Ok(bytes)
}

/// The format given, else from the extension, else (standard input) from the first character.
fn format_of(file: &Path, given: Option<CatalogueFormat>, bytes: &[u8]) -> Result<CatalogueFormat> {
    if let Some(f) = given {
        return Ok(f);
    }
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(CatalogueFormat::Csv),
        Some("json") => Ok(CatalogueFormat::Json),
        _ if file == Path::new("-") => {
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            Ok(if first == Some(&b'[') {
                CatalogueFormat::Json
            } else {
                CatalogueFormat::Csv
            })
        }
        _ => bail!(
            "{}: cannot tell the format from the extension: name it .csv or .json, or pass --format csv|json",
            file.display()
        ),
    }
}

fn skill(raw: &str) -> Result<SkillId> {
    SkillId::parse(raw).map_err(|e| anyhow::anyhow!("--skill: {e}"))
}

fn money(m: &Money) -> String {
    format!("{}.{:02} {}", m.minor / 100, m.minor % 100, m.currency)
}

/// `30EUR`, `30 EUR`, `42.50USD`: an amount in major units and an ISO 4217 code.
fn parse_rate(raw: &str) -> Result<Money> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| c.is_ascii_alphabetic())
        .with_context(|| format!("--rate {raw:?}: write an amount and a currency, e.g. 30EUR"))?;
    let (amount, code) = raw.split_at(split);
    let amount: f64 = amount
        .trim()
        .parse()
        .ok()
        .filter(|a: &f64| a.is_finite() && *a >= 0.0 && *a < 1e12)
        .with_context(|| format!("--rate {raw:?}: {:?} is not an amount", amount.trim()))?;
    let currency = Currency::parse(code.trim()).map_err(|e| anyhow::anyhow!("--rate: {e}"))?;
    Ok(Money::new((amount * 100.0).round() as i64, currency)?)
}

pub fn resources(store: &Store, command: ResourcesCommand) -> Result<ExitCode> {
    match command {
        ResourcesCommand::Import { file, format } => {
            let bytes = read_catalogue(&file)?;
            let (resources, first_line) = match format_of(&file, format, &bytes)? {
                CatalogueFormat::Csv => (parse_csv(&bytes), 2),
                CatalogueFormat::Json => (parse_json(&bytes), 1),
            };
            let resources = resources
                .map_err(|e| anyhow::anyhow!("{}: {e}\nNothing was imported.", file.display()))?;
            if resources.is_empty() {
                bail!("{}: the catalogue holds no resources", file.display());
            }
            let ids = store
                .learning()
                .import_resources(None, &resources, first_line)
                .map_err(|e| anyhow::anyhow!("{}: {e}\nNothing was imported.", file.display()))?;
            out!(
                "imported {} resources (ids {}–{})",
                ids.len(),
                ids.first().map_or(0, |i| i.get()),
                ids.last().map_or(0, |i| i.get())
            );
        }
        ResourcesCommand::List {
            skill: wanted,
            language,
            kind,
            after,
            limit,
            json,
        } => {
            if !(1..=guild_store::MAX_PAGE_SIZE).contains(&limit) {
                bail!("--limit must be 1 to {}", guild_store::MAX_PAGE_SIZE);
            }
            let filter = ResourceFilter {
                skill: wanted.as_deref().map(skill).transpose()?,
                language: language.map(|l| l.trim().to_ascii_lowercase()),
                kind: kind
                    .as_deref()
                    .map(ResourceKind::parse)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--kind: {e}"))?,
                after,
                limit,
            };
            let found = store.learning().list_resources(&filter)?;
            if json {
                let list: Vec<&LearningResource> = found.iter().map(|r| &r.resource).collect();
                out!("{}", serde_json::to_string_pretty(&list)?);
            } else if found.is_empty() {
                out!("no resources found");
            } else {
                for r in &found {
                    let r = &r.resource;
                    let teaches: Vec<String> = r
                        .teaches
                        .iter()
                        .map(|t| format!("{}={}", t.skill, t.level.level()))
                        .collect();
                    out!(
                        "{:>8}  {:<9}  {:<40}  {:>6} h  {:>12}  {:<3}  {}",
                        r.id,
                        r.kind.as_str(),
                        r.title,
                        r.hours,
                        r.cost.as_ref().map_or("free".to_owned(), money),
                        r.language,
                        teaches.join(" ")
                    );
                }
            }
        }
        ResourcesCommand::Delete { id } => {
            store.learning().delete_resource(id)?;
            out!("resource {id} deleted");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn trainers(store: &Store, args: TrainersArgs) -> Result<ExitCode> {
    if !(1..=100).contains(&args.k) {
        bail!("-k must be from 1 to 100");
    }
    let wanted = skill(&args.skill)?;
    if !store
        .learning()
        .unknown_skills(std::slice::from_ref(&wanted))?
        .is_empty()
    {
        bail!("--skill: unknown skill {wanted}: see guild taxonomy search");
    }
    let level = args
        .level
        .map(Proficiency::new)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--level: {e}"))?;
    let learner = match args.learner {
        Some(id) => {
            let w = store.work().worker(id)?.worker;
            let held = w
                .skills
                .iter()
                .find(|s| s.skill == wanted)
                .map(|s| s.proficiency.level());
            Learner {
                worker: Some(w.id),
                skill: wanted.clone(),
                level: match level {
                    Some(l) => l,
                    None => Proficiency::new(held.map_or(3, |h| (h + 1).min(5)))?,
                },
                languages: w.languages,
                utc_offset_minutes: w.utc_offset_minutes,
            }
        }
        None => {
            if args.languages.is_empty() {
                bail!(
                    "give --learner WORKER_ID, or --languages (e.g. nl,en) and --utc-offset-minutes"
                );
            }
            Learner {
                worker: None,
                skill: wanted.clone(),
                level: match level {
                    Some(l) => l,
                    None => Proficiency::new(3)?,
                },
                languages: args
                    .languages
                    .iter()
                    .map(|l| l.trim().to_ascii_lowercase())
                    .filter(|l| !l.is_empty())
                    .collect(),
                utc_offset_minutes: args.utc_offset_minutes,
            }
        }
    };
    learner.validate()?;
    let offers = store.learning().trainer_candidates(&wanted)?;
    let ranking = rank(&learner, &offers, args.k);
    if args.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "learner": learner,
                "matches": ranking.matches,
                "excluded": ranking.excluded,
                "considered": offers.len(),
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if ranking.matches.is_empty() {
        out!(
            "no trainers for {wanted} at level {} ({} offers considered)",
            learner.level.level(),
            offers.len()
        );
    }
    for (i, m) in ranking.matches.iter().enumerate() {
        out!(
            "{:>3}. {:>6.2}  worker {:>8}  {:<30}  level {}, speaks {}, {:.1} h shared, {}, {}",
            i + 1,
            m.score,
            m.worker,
            m.name,
            m.proficiency,
            m.shared_languages.join("/"),
            m.overlap_hours,
            m.rate
                .as_ref()
                .map_or("no rate".to_owned(), |r| format!("{}/h", money(r))),
            if m.remote { "remote" } else { "in person" }
        );
    }
    for e in &ranking.excluded {
        out!("excluded: worker {} {}: {}", e.worker, e.name, e.detail);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn teach(platform: &guild_platform::Platform, args: TeachArgs) -> Result<ExitCode> {
    let store = platform.store();
    let wanted = skill(&args.skill)?;
    let worker = args.worker;
    if args.withdraw {
        store.learning().delete_teaching_offer(worker, &wanted)?;
        out!("worker {worker} no longer offers to teach {wanted}");
        return Ok(ExitCode::SUCCESS);
    }
    let offer = TeachingOffer {
        worker,
        skill: wanted.clone(),
        rate: args.rate.as_deref().map(parse_rate).transpose()?,
        remote: args.remote,
        note: args.note,
        created_at: String::new(),
    };
    let (stored, new) = platform.offer_to_teach(&offer)?;
    out!(
        "worker {worker} {} to teach {wanted} ({}{})",
        if new { "offers" } else { "changed the offer" },
        if stored.remote { "remote" } else { "in person" },
        stored
            .rate
            .as_ref()
            .map_or(String::new(), |r| format!(", {}/h", money(r)))
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_amount_and_currency() {
        let r = parse_rate("30EUR").unwrap();
        assert_eq!((r.minor, r.currency.code()), (3000, "EUR"));
        let r = parse_rate("42.50 USD").unwrap();
        assert_eq!((r.minor, r.currency.code()), (4250, "USD"));
        assert!(parse_rate("EUR").is_err());
        assert!(parse_rate("30").is_err());
        assert!(parse_rate("-3EUR").is_err());
        assert!(parse_rate("30eur").is_err());
    }

    #[test]
    fn formats_come_from_the_flag_the_extension_or_the_content() {
        let f = |name: &str, given, bytes: &[u8]| format_of(Path::new(name), given, bytes);
        assert!(matches!(f("a.CSV", None, b""), Ok(CatalogueFormat::Csv)));
        assert!(matches!(f("a.json", None, b""), Ok(CatalogueFormat::Json)));
        assert!(matches!(
            f("a.txt", Some(CatalogueFormat::Json), b""),
            Ok(CatalogueFormat::Json)
        ));
        assert!(f("a.txt", None, b"").is_err());
        assert!(matches!(f("-", None, b"  [{}]"), Ok(CatalogueFormat::Json)));
        assert!(matches!(
            f("-", None, b"title,kind"),
            Ok(CatalogueFormat::Csv)
        ));
    }
}
