//! The commands: `serve`, `import`, `taxonomy`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use guild_extraction::ScoringParams;
use guild_platform::Platform;
use guild_server::{Rate, RateLimits};
use guild_store::{
    DatabaseUrl, ImportSummary, NoProgress, OccupationQuery, Progress, SkillQuery, Store,
    StoreError,
};
use guild_taxonomy::exposure::ExposureDataset;
use guild_taxonomy::{OccupationId, SkillId, SkillKind, Source};

use crate::keys::Db;
use crate::progress::Bar;
use crate::settings::{Settings, SettingsFile};

/// Guild: an open work platform where the skill is the unit of work.
#[derive(Parser)]
#[command(name = "guild", version, about)]
struct Cli {
    /// Database: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB.
    /// Default: a SQLite file guild.db in the data directory.
    #[arg(
        long,
        global = true,
        env = "GUILD_DATABASE_URL",
        hide_env_values = true
    )]
    db: Option<String>,

    /// Data directory for the default SQLite store.
    /// Default: $XDG_DATA_HOME/guild, else ~/.local/share/guild.
    #[arg(long, global = true, env = "GUILD_DATA_DIR")]
    data_dir: Option<PathBuf>,

    /// Settings file (TOML: database_url, data_dir, addr); flags and environment win over it.
    #[arg(long, global = true, env = "GUILD_CONFIG")]
    config: Option<PathBuf>,

    /// The public base URL of this Guild (https://guild.example): its issuers are then did:web
    /// DIDs whose documents and status lists it serves there. Default: none (did:key issuers;
    /// status lists under the listening address).
    #[arg(long, global = true, env = "GUILD_PUBLIC_URL")]
    public_url: Option<String>,

    /// A file holding the key-encryption key that encrypts the issuer signing keys in the
    /// store (64 hex digits or base64 of 32 bytes; `guild credential keys new-kek FILE` makes
    /// one). GUILD_KEY may hold the key itself instead. Default for SQLite: the file beside
    /// the database (guild.db.kek), made on first start; PostgreSQL has no default.
    #[arg(long, global = true, env = "GUILD_KEY_FILE")]
    key_file: Option<PathBuf>,

    /// Read text by words only, without Guild's sentence encoder: faster, and blind to meaning
    /// (an "explainer video" is then only its words).
    #[arg(
        long,
        global = true,
        env = "GUILD_LEXICAL",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    lexical: bool,

    /// A directory where imports keep the taxonomy's embeddings for other stores to reuse (a
    /// new store over the same taxonomy then embeds nothing again; minutes saved per store).
    /// Vectors are reused only for the same model and the same text. Default: none.
    #[arg(long, global = true, env = "GUILD_EMBEDDING_CACHE")]
    embedding_cache: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (JSON API under /api/v1, OpenAPI at /api/openapi.json).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080); port 0 picks a free port.
        #[arg(long, env = "GUILD_ADDR")]
        addr: Option<String>,
        /// A hot-standby streaming replica of the PostgreSQL database (postgres://…): searches,
        /// the taxonomy, transitions and other people's profiles and tasks are read there while
        /// it answers, everything else from the primary. Default: none.
        #[arg(long, env = "GUILD_DATABASE_REPLICA_URL", hide_env_values = true)]
        replica_url: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
        /// The IBAN of the operator's bank account, which clients send deposits to (quoting
        /// their reference). Without it, the money page tells clients to ask the operator.
        #[arg(long, env = "GUILD_BANK_IBAN")]
        bank_iban: Option<String>,
        /// The holder of that account, as the bank knows it.
        #[arg(long, env = "GUILD_BANK_HOLDER", default_value = "Guild")]
        bank_holder: String,
        /// Days the decision log keeps each ranking shown and what was done after it (at least
        /// 184, six months; older entries are removed once a day).
        #[arg(long, env = "GUILD_DECISION_RETENTION_DAYS", default_value_t = 366,
              value_parser = clap::value_parser!(u32).range(184..=36_600))]
        decision_retention_days: u32,
    },
    /// Import a taxonomy or dataset into the store (all or nothing; running it twice changes nothing).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Look into the taxonomy.
    #[command(subcommand)]
    Taxonomy(TaxonomyCommand),
    /// Find the taxonomy's skills in a text (a file, or - for standard input).
    Extract {
        /// File with the text, or - for standard input.
        input: PathBuf,
        /// Language of the text; guessed when not given.
        #[arg(long)]
        lang: Option<String>,
        /// How many skills.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Normalise a raw job title to ranked occupations (ESCO, O*NET and Guild's, through the crosswalk).
    Title {
        /// The title, e.g. "Sr. CNC Machinist - 2nd shift".
        title: String,
        /// Language of the title; guessed when not given.
        #[arg(long)]
        lang: Option<String>,
        /// How many occupations.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Break an occupation, a job post or a project description into tasks with skills, AI exposure and presence.
    Deconstruct {
        /// An occupation id (e.g. onet:51-4041.00).
        #[arg(long, conflicts_with = "input", required_unless_present = "input")]
        occupation: Option<String>,
        /// File with a job post or project description, or - for standard input.
        input: Option<PathBuf>,
        /// Language of the text; guessed when not given.
        #[arg(long)]
        lang: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Worker profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Score quality on an evaluation set (see shared/eval/README.md).
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Measure speed against a baseline (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Audit the matching for fairness (see docs/MODEL_CARD.md).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Worker profiles for matching: add, update, delete, show, list.
    #[command(subcommand)]
    Worker(crate::work::WorkerCommand),
    /// Tasks for matching: add, update, delete, show, list.
    #[command(subcommand)]
    Task(crate::work::TaskCommand),
    /// Rank workers for a task, or open tasks for a worker, with why.
    Match {
        #[command(flatten)]
        target: crate::work::MatchArgs,
        #[command(flatten)]
        options: crate::work::MatchOptions,
    },
    /// Portable credentials: verify any VC 2.0 / Open Badges 3.0 credential (exit 0 valid,
    /// 1 invalid, 2 could not check), manage the platform's signing keys, issue skill
    /// certifications.
    #[command(subcommand)]
    Credential(crate::credential::CredentialCommand),
    /// Reskilling: the nearest occupations from an occupation or a worker, with what each takes;
    /// with --to, the gap to a target and the cheapest learning path, bridge work and the tasks
    /// already within reach.
    Reskill(crate::reskill::ReskillArgs),
    /// Generate realistic workers and tasks from the loaded taxonomy (seeded, deterministic).
    Gen(crate::work::GenArgs),
    /// Propose the cheapest team of the store's workers for a project (JSON: needs with skill,
    /// hours and min_proficiency; currency; budget, utc_offset_minutes, min_overlap_hours,
    /// weeks, member_overhead_hours, max_members).
    Team {
        /// JSON file, or - for standard input.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Optimal assignment of a dense cost matrix (CSV: rows = tasks, columns = workers): prints
    /// each row's column (0-based, - for none) and total=<least sum>.
    Assign(crate::assign::AssignArgs),
    /// The catalogue of learning resources and skill tests: import (CSV or JSON), list, delete.
    #[command(subcommand)]
    Resources(crate::learning::ResourcesCommand),
    /// Rank the workers who offer to teach a skill for a learner, by skill, language and time zone.
    Trainers(crate::learning::TrainersArgs),
    /// Offer (or withdraw, --withdraw) a worker's teaching of a skill they hold at 4 or more.
    Teach(crate::learning::TeachArgs),
    /// The bank-transfer rail: read the bank's statement, write the payout file, set rates.
    #[command(subcommand)]
    Payments(crate::operate::PaymentsCommand),
    /// The ledger: audit its invariants, show balances.
    #[command(subcommand)]
    Ledger(crate::operate::LedgerCommand),
    /// Contracts: decide disputes, approve overdue milestones.
    #[command(subcommand)]
    Contracts(crate::operate::ContractsCommand),
    /// Webhooks: deliver what is due.
    #[command(subcommand)]
    Webhooks(crate::operate::WebhooksCommand),
    /// Accounts: roles.
    #[command(subcommand)]
    Accounts(crate::operate::AccountsCommand),
    /// Write a consistent copy of the whole store to a file (SQLite: while Guild runs;
    /// PostgreSQL: with pg_dump).
    Backup(crate::backup::BackupArgs),
    /// Restore a backup into an empty store (a new SQLite file, or an empty PostgreSQL
    /// database), then open and check it.
    Restore(crate::backup::RestoreArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Impact ratios of the rankings shown in a period, per declared category and intersection
    /// (NYC Local Law 144's method): who was shown, scored above the median, invited and hired.
    /// Last line: `groups=N min_impact_ratio=x decisions=N`.
    Fairness {
        /// Start of the period (a date, 2026-01-31, or an RFC 3339 instant). Default: a year
        /// before --to.
        #[arg(long)]
        from: Option<String>,
        /// End of the period, excluded. Default: now.
        #[arg(long)]
        to: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also write a publishable HTML report with charts to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Generated workers renamed (and their declared attributes, which the model has no place
    /// for): every ranking and score must stay identical; time zone, languages and place changed
    /// one at a time show how much each moves. Last line: `workers=N rankings=N changed=N`;
    /// exits non-zero when a name moved a ranking.
    Counterfactual {
        /// Workers to generate (from the store's taxonomy, ESCO when imported).
        #[arg(long, default_value_t = 2000)]
        workers: usize,
        /// Tasks to rank workers for.
        #[arg(long, default_value_t = 200)]
        tasks: usize,
        /// How many per ranking.
        #[arg(short, long, default_value_t = 20)]
        k: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Rehearse an audit on a generated market (`guild gen --declarations 0.9`): rank workers
    /// for its open tasks as the server ranks them for clients, filling the decision log for
    /// `guild audit fairness`. Last line: `rankings=N demoted=N`.
    Rehearse {
        /// Open tasks to rank workers for (the first, by id).
        #[arg(long, default_value_t = 500)]
        tasks: usize,
        /// How many per ranking.
        #[arg(short, long, default_value_t = 10)]
        k: usize,
        /// Rank with a deliberately biased test scorer instead, which halves the scores of those
        /// who declared this category (like sex=female): the audit must flag it. Its rankings
        /// are marked so in the log.
        #[arg(long, value_name = "DIMENSION=CATEGORY")]
        demote: Option<String>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Dense assignment beside SciPy's linear_sum_assignment on the same matrices, and sparse
    /// assignment with capacities, certified optimal. Needs no store.
    Assignment(crate::bench_assign::AssignmentArgs),
    /// Learning paths: exact and greedy plans for generated skill gaps over a generated
    /// catalogue, their times and greedy's cost above the optimum. Needs no store.
    LearningPath(crate::bench_path::LearningPathArgs),
    /// Credential verification: Open Badges 3.0 credentials with eddsa-rdfc-2022 and
    /// eddsa-jcs-2022 proofs verified per second on one thread, beside Digital Bazaar's
    /// JavaScript Data Integrity libraries on the same files. Needs no store.
    Credentials(crate::bench_credentials::CredentialsArgs),
    /// Ledger: money operations per second with concurrent clients on SQLite (a temporary
    /// file) and PostgreSQL (--postgres URL, an empty database), invariants checked after.
    Ledger(crate::bench_ledger::LedgerArgs),
    /// Load: the HTTP server (its own process) under a mix of matching, search, reads,
    /// proposals and payouts from concurrent clients for a bounded time, on SQLite and
    /// PostgreSQL (--postgres URL, an empty database): throughput, p50/p99/p999, errors.
    Load(crate::bench_load::LoadArgs),
    /// Transitions: every occupation ranked from each occupation of a taxonomy on one thread
    /// (and with gaps), all pairs, beside the cosine baseline. Needs the taxonomy imported.
    Transitions {
        /// The taxonomy (onet, esco or guild).
        #[arg(long, default_value = "onet")]
        taxonomy: String,
    },
    /// Skill extraction over all ESCO skills, sentence by sentence on one thread, beside the
    /// scikit-learn TF-IDF baseline on the same sentences. Needs ESCO imported.
    Extraction {
        /// Sentences, one per line.
        #[arg(long)]
        sentences: PathBuf,
        /// The baseline script (benches/tfidf_baseline.py); without it only Guild is measured.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Python to run the baseline with.
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// Sentence encoder: Guild's model on one thread, sentence by sentence and paragraph by
    /// paragraph, beside sentence-transformers (PyTorch) running the same model. Needs no store.
    Semantic(crate::bench_semantic::SemanticArgs),
    /// Team formation: 5–15-skill projects over generated workers, exact (within a node limit)
    /// and approximate, with gaps.
    Teams {
        /// Workers to generate.
        #[arg(long, default_value_t = 100_000)]
        workers: usize,
        /// Projects.
        #[arg(long, default_value_t = 200)]
        projects: usize,
        /// Weeks each project runs (a worker gives hours a week × weeks).
        #[arg(long, default_value_t = 4.0)]
        weeks: f64,
        /// Branch-and-bound nodes per project before settling.
        #[arg(long, default_value_t = 200_000)]
        node_limit: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Following changes: a worker's change applied to the live matching index, with more and
    /// more changes pending, beside rebuilding the index; ranking with changes pending.
    Follow {
        /// Workers to generate.
        #[arg(long, default_value_t = 1_000_000)]
        workers: usize,
        /// Tasks to rank workers for.
        #[arg(long, default_value_t = 200)]
        tasks: usize,
        /// How many workers per task.
        #[arg(short, long, default_value_t = 20)]
        k: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The decision log's cost: the store's open tasks ranked through the platform with the
    /// log and without it, alternating, on the same data (fill the store with `guild gen` first).
    DecisionLog {
        /// Open tasks to rank (the first ones by id).
        #[arg(long, default_value_t = 200)]
        tasks: usize,
        /// How many workers per task.
        #[arg(short, long, default_value_t = 20)]
        k: usize,
        /// Times each task is ranked each way.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// Ranking: top-k workers for generated tasks from the index, beside a brute-force scan of
    /// every worker, on the same generated workers (ESCO occupations when imported).
    Matching {
        /// Workers to generate.
        #[arg(long, default_value_t = 1_000_000)]
        workers: usize,
        /// Tasks to rank workers for with the index.
        #[arg(long, default_value_t = 500)]
        tasks: usize,
        /// Of those, how many the brute-force scan also ranks.
        #[arg(long, default_value_t = 30)]
        brute_tasks: usize,
        /// Required skills per task.
        #[arg(long, default_value_t = 10)]
        required: usize,
        /// How many workers per task.
        #[arg(short, long, default_value_t = 20)]
        k: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Propose skills (with evidence) and likely occupations from a CV or a description of past work.
    Extract {
        /// The CV (PDF, DOCX or plain text, up to 5 MB), or - for standard input.
        input: PathBuf,
        /// Language of the text; guessed when not given.
        #[arg(long)]
        lang: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Skill extraction: CSV with columns sentence, label (ESCO preferred labels). Needs ESCO imported.
    Extraction {
        /// The annotations file.
        file: PathBuf,
        /// Override a scoring parameter, NAME=VALUE (for experiments).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        #[command(flatten)]
        semantic: SemanticArgs,
    },
    /// Occupation transitions: TSV of O*NET related occupations (shared/eval/transitions). Needs
    /// O*NET imported. Prints the cosine baseline, then Guild's model as the last line.
    Transitions {
        /// The related-occupations file.
        file: PathBuf,
        /// Override a weight of the model, NAME=VALUE (for experiments).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
    },
    /// People's own words: JSON lines of texts with the skills, key skills, occupations, task
    /// count and presence an expert accepts (eval/people). Needs ESCO (and O*NET) imported. Reads
    /// each text as `guild profile extract` and `guild deconstruct` do, and scores them.
    People {
        /// The set (e.g. eval/people/dev.jsonl).
        file: PathBuf,
        /// Print each text's scores and proposals.
        #[arg(long)]
        verbose: bool,
    },
    /// Remote work: CSV with columns onetsoccode, title, teleworkable (shared/eval/remote). Needs
    /// O*NET imported. Prints `occupations=N judged=N accuracy=x AUC=x` as its last line.
    Remote {
        /// The occupations file.
        file: PathBuf,
    },
    /// AI exposure of tasks no label was imported for: hides the human labels of GPTs-are-GPTs'
    /// `full_labelset.tsv` fold by fold (over occupations) and estimates them from similar tasks
    /// as deconstruction does. Needs O*NET imported. Prints `tasks=N estimated=N spearman=x
    /// accuracy=x` as its last line.
    Exposure {
        /// GPTs-are-GPTs' full_labelset.tsv.
        file: PathBuf,
        /// How many folds.
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Job-title normalisation: CSV with columns vacancyTitle, conceptUri. Needs ESCO imported.
    Titles {
        /// The titles file.
        file: PathBuf,
        /// Override a scoring parameter, NAME=VALUE (for experiments).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        #[command(flatten)]
        semantic: SemanticArgs,
    },
}

/// How the evaluation reads by meaning (`--lexical`, global, turns it off).
#[derive(Args)]
struct SemanticArgs {
    /// Another sentence-encoder model to rank with instead of Guild's (a directory with
    /// model.safetensors, tokenizer.json and config.json, as scripts/model/export.py writes).
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// The semantic share of the hybrid, 0–1.
    #[arg(long, default_value_t = guild_extraction::meaning::SEMANTIC_WEIGHT)]
    semantic_weight: f32,
}

impl SemanticArgs {
    fn load(&self) -> Result<Option<crate::eval::SemanticOptions>> {
        crate::eval::SemanticOptions::load(self.model.as_deref(), self.semantic_weight)
    }
}

#[derive(Subcommand)]
enum ImportCommand {
    /// The O*NET database, text release layout (tab-separated, one file per table).
    Onet {
        /// Directory holding "Occupation Data.txt", "Task Statements.txt", ...
        dir: PathBuf,
    },
    /// The ESCO CSV export (skills_en.csv, occupations_en.csv, occupationSkillRelations_en.csv, ...).
    Esco {
        /// Directory holding the export.
        dir: PathBuf,
        /// Label languages to load, comma-separated; English is always read.
        #[arg(long, value_delimiter = ',', default_value = "en")]
        lang: Vec<String>,
    },
    /// An ESCO→O*NET occupation crosswalk (columns concept_uri, onet_code, confidence).
    Crosswalk {
        /// The CSV file.
        file: PathBuf,
        /// Name of the crosswalk dataset.
        #[arg(long, default_value = "nesta")]
        dataset: String,
    },
    /// AI-exposure scores: gpts-are-gpts (tasks), ms-working-with-ai (occupations, work activities) or felten-aioe.
    AiExposure {
        /// Directory holding the dataset's files.
        dir: PathBuf,
        /// Which dataset; detected from the files when not given.
        #[arg(long)]
        dataset: Option<String>,
    },
    /// Guild's built-in starter taxonomy (loaded by itself into an empty store).
    Starter,
}

#[derive(Subcommand)]
enum TaxonomyCommand {
    /// Counts per source, kind and language.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Search skills (or occupations) by label.
    Search(SearchArgs),
    /// Show one skill or occupation by id.
    Show {
        /// Id, e.g. onet:15-1252.00 or an ESCO URI.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SearchArgs {
    /// Words to look for.
    query: String,
    /// Search labels in this language (e.g. en, nl).
    #[arg(long)]
    lang: Option<String>,
    /// Only skills of this kind (skill, knowledge, ability, technology, work_activity, language, group).
    #[arg(long)]
    kind: Option<String>,
    /// Only this source (onet, esco, guild).
    #[arg(long)]
    source: Option<String>,
    /// Search occupations instead of skills.
    #[arg(long)]
    occupations: bool,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Request rate limits of `guild serve`. A rate is COUNT/UNIT[:BURST] (units s, min, h; the
/// burst is how many may come at once after a quiet spell) or `off`. Over a limit, requests are
/// answered 429 with Retry-After.
#[derive(Args)]
struct LimitArgs {
    /// Requests without credentials, per client address (IPv6: per /64).
    #[arg(long, env = "GUILD_RATE_ANONYMOUS", default_value_t = RateLimits::default().anonymous)]
    rate_anonymous: Rate,
    /// Sign-up and sign-in (the routes taking a password), per client address.
    #[arg(long, env = "GUILD_RATE_SIGN_IN", default_value_t = RateLimits::default().sign_in)]
    rate_sign_in: Rate,
    /// Requests with an API token or a session, per token or session.
    #[arg(long, env = "GUILD_RATE_ACCOUNT", default_value_t = RateLimits::default().account)]
    rate_account: Rate,
    /// Reverse proxies (comma-separated IP addresses) whose X-Forwarded-For names the client.
    /// From any other peer the header is ignored. Default: none.
    #[arg(long, env = "GUILD_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
}

impl From<LimitArgs> for RateLimits {
    fn from(a: LimitArgs) -> Self {
        RateLimits {
            anonymous: a.rate_anonymous,
            sign_in: a.rate_sign_in,
            account: a.rate_account,
            trusted_proxies: a.trusted_proxies,
        }
    }
}

pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let file = match &cli.config {
        Some(path) => SettingsFile::read(path)?,
        None => SettingsFile::default(),
    };
    let addr = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let settings = Settings::resolve(
        cli.db.as_deref(),
        cli.data_dir.as_deref(),
        addr.as_deref(),
        file,
    )?;
    let mut settings = settings;
    if cli.public_url.is_some() {
        settings.public_url = cli.public_url.clone();
    }
    if let Command::Serve {
        replica_url: Some(raw),
        ..
    } = &cli.command
    {
        settings.replica = Some(DatabaseUrl::parse(raw)?);
    }
    if cli.key_file.is_some() {
        settings.key_file = cli.key_file.clone();
    }
    crate::meaning::set_lexical(cli.lexical);
    // Other commands log only when asked (GUILD_LOG=debug shows where a command's time goes);
    // the server sets up its own logging.
    if !matches!(cli.command, Command::Serve { .. }) && std::env::var_os("GUILD_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(log_filter())
            .with_writer(std::io::stderr)
            .try_init();
    }
    crate::meaning::set_embedding_cache(cli.embedding_cache.clone());
    let url = settings.database.clone();
    let db = Db {
        url: url.clone(),
        key_file: settings.key_file.clone(),
    };
    match cli.command {
        Command::Serve {
            limits,
            bank_iban,
            bank_holder,
            decision_retention_days,
            ..
        } => {
            let bank = bank_iban
                .map(|iban| guild_server::BankAccount::new(&iban, &bank_holder))
                .transpose()
                .map_err(|e| anyhow::anyhow!(e))?;
            serve(&db, &settings, limits.into(), bank, decision_retention_days)
        }
        Command::Import(command) => import(&db, command),
        Command::Taxonomy(command) => taxonomy(&db, command),
        Command::Extract {
            input,
            lang,
            limit,
            json,
        } => crate::read::extract(
            &crate::meaning::platform(open_with_taxonomy(&db)?),
            &input,
            lang,
            limit,
            json,
        ),
        Command::Title {
            title,
            lang,
            limit,
            json,
        } => crate::read::title(
            &crate::meaning::platform(open_with_taxonomy(&db)?),
            &title,
            lang,
            limit,
            json,
        ),
        Command::Deconstruct {
            occupation,
            input,
            lang,
            json,
        } => crate::read::deconstruct(
            &crate::meaning::platform(open_with_taxonomy(&db)?),
            occupation,
            input,
            lang,
            json,
        ),
        Command::Profile(ProfileCommand::Extract { input, lang, json }) => crate::read::profile(
            &crate::meaning::platform(open_with_taxonomy(&db)?),
            &input,
            lang,
            json,
        ),
        Command::Assign(args) => crate::assign::run(&args),
        Command::Bench(BenchCommand::Assignment(args)) => crate::bench_assign::run(&args),
        Command::Bench(BenchCommand::LearningPath(args)) => crate::bench_path::run(&args),
        Command::Bench(BenchCommand::Credentials(args)) => crate::bench_credentials::run(&args),
        Command::Bench(BenchCommand::Ledger(args)) => {
            out!("{}", crate::bench_ledger::run(&args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Load(args)) => {
            out!("{}", crate::bench_load::run(&args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Transitions { taxonomy }) => {
            let taxonomy =
                Source::parse(&taxonomy).map_err(|e| anyhow::anyhow!("--taxonomy: {e}"))?;
            let report = crate::bench_transitions::run(&open_with_taxonomy(&db)?, taxonomy)?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Extraction {
            sentences,
            baseline,
            python,
        }) => {
            let report =
                crate::bench::extraction(&open(&db)?, &sentences, baseline.as_deref(), &python)?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Semantic(args)) => {
            // One thread for candle's kernels, as for the baseline: set before its pool starts.
            // SAFETY: nothing else runs yet in this process.
            unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
            out!("{}", crate::bench_semantic::run(&args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Teams {
            workers,
            projects,
            weeks,
            node_limit,
            seed,
        }) => {
            let report = crate::bench_match::teams(
                &open(&db)?,
                &crate::bench_match::TeamsBench {
                    workers,
                    projects,
                    weeks,
                    node_limit,
                    seed,
                },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Follow {
            workers,
            tasks,
            k,
            seed,
        }) => {
            let report = crate::bench_match::follow(
                &open(&db)?,
                &crate::bench_match::FollowBench {
                    workers,
                    tasks,
                    k,
                    seed,
                },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Fairness {
            from,
            to,
            json,
            html,
        }) => {
            let report = crate::audit::fairness(
                &open(&db)?,
                &crate::audit::FairnessAudit {
                    from,
                    to,
                    json,
                    html,
                },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Counterfactual {
            workers,
            tasks,
            k,
            seed,
        }) => {
            let report = crate::audit::counterfactual(
                &open_with_taxonomy(&db)?,
                &crate::audit::Counterfactual {
                    workers,
                    tasks,
                    k,
                    seed,
                },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Rehearse { tasks, k, demote }) => {
            let platform = crate::meaning::platform(open_with_taxonomy(&db)?);
            let report =
                crate::audit::rehearse(&platform, &crate::audit::Rehearsal { tasks, k, demote })?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::DecisionLog { tasks, k, rounds }) => {
            let platform = crate::meaning::platform(open_with_taxonomy(&db)?);
            let report = crate::bench_decisions::decision_log(
                &platform,
                &crate::bench_decisions::DecisionLogBench { tasks, k, rounds },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Matching {
            workers,
            tasks,
            brute_tasks,
            required,
            k,
            seed,
        }) => {
            let report = crate::bench_match::matching(
                &open(&db)?,
                &crate::bench_match::MatchingBench {
                    workers,
                    tasks,
                    brute_tasks,
                    required,
                    k,
                    seed,
                },
            )?;
            out!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker(command) => crate::work::worker(&open_with_taxonomy(&db)?, command),
        Command::Task(command) => crate::work::task(&open_with_taxonomy(&db)?, command),
        Command::Match { target, options } => {
            crate::work::matches(open_with_taxonomy(&db)?, target, options)
        }
        Command::Credential(command) => {
            let publication = settings.publication()?;
            crate::credential::run(
                command,
                &publication,
                &db,
                || open_with_taxonomy(&db),
                // Verification makes no key file: it signs nothing.
                || {
                    url.exists()
                        .then(|| db.open_keys(false).ok().map(|o| o.store))
                        .flatten()
                },
            )
        }
        Command::Reskill(args) => crate::reskill::run(
            &Platform::new(Arc::new(open_with_taxonomy(&db)?), None),
            args,
        ),
        Command::Gen(args) => crate::work::generate(&open_with_taxonomy(&db)?, args),
        Command::Team { file, json } => crate::work::team(&open_with_taxonomy(&db)?, &file, json),
        Command::Resources(command) => {
            crate::learning::resources(&open_with_taxonomy(&db)?, command)
        }
        Command::Trainers(args) => crate::learning::trainers(&open_with_taxonomy(&db)?, args),
        Command::Teach(args) => crate::learning::teach(
            &Platform::new(Arc::new(open_with_taxonomy(&db)?), None),
            args,
        ),
        Command::Payments(command) => {
            crate::operate::payments(&Platform::new(Arc::new(open(&db)?), None), command)
        }
        Command::Ledger(command) => crate::operate::ledger(&open(&db)?, command),
        Command::Contracts(command) => {
            crate::operate::contracts(&Platform::new(Arc::new(open(&db)?), None), command)
        }
        Command::Webhooks(command) => crate::operate::webhooks(&open(&db)?, command),
        Command::Accounts(command) => crate::operate::accounts(&open(&db)?, command),
        Command::Backup(args) => crate::backup::backup(&db, &args),
        Command::Restore(args) => crate::backup::restore(&db, &args),
        Command::Eval(command) => {
            let store = open(&db)?;
            let line = match command {
                EvalCommand::Extraction {
                    file,
                    params,
                    semantic,
                } => crate::eval::extraction(
                    &store,
                    &file,
                    crate::eval::params(&params, ScoringParams::default())?,
                    semantic.load()?.as_ref(),
                )?,
                EvalCommand::Transitions { file, params } => {
                    crate::eval::transitions(&store, &file, &params)?
                }
                EvalCommand::Remote { file } => crate::eval::remote(&store, &file)?,
                EvalCommand::Exposure { file, folds } => {
                    crate::eval::exposure(&crate::meaning::platform(store), &file, folds)?
                }
                EvalCommand::People { file, verbose } => {
                    crate::eval::people(&crate::meaning::platform(store), &file, verbose)?
                }
                EvalCommand::Titles {
                    file,
                    params,
                    semantic,
                } => crate::eval::titles(
                    &store,
                    &file,
                    crate::eval::params(&params, ScoringParams::default())?,
                    semantic.load()?.as_ref(),
                )?,
            };
            out!("{line}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn open(db: &Db) -> Result<Store> {
    db.open()
}

/// Opens the store and loads the starter taxonomy if it holds none.
fn open_with_taxonomy(db: &Db) -> Result<Store> {
    let store = open(db)?;
    if let Some(summary) = guild_store::load_starter_if_empty(&store)? {
        eprintln!(
            "The store was empty: loaded Guild's starter taxonomy ({} skills, {} occupations).",
            summary.counts.get("skills").unwrap_or(&0),
            summary.counts.get("occupations").unwrap_or(&0)
        );
    }
    Ok(store)
}

/// What GUILD_LOG asks to log (info by default).
fn log_filter() -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("GUILD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The PostgreSQL driver logs every query's parameters at debug (sealed issuer keys, webhook
    // secrets, token hashes): it is capped at info whatever GUILD_LOG asks for. The directive
    // is a constant, so it always parses.
    if let Ok(directive) = "tokio_postgres::query=info".parse() {
        filter = filter.add_directive(directive);
    }
    filter
}

fn serve(
    db: &Db,
    settings: &Settings,
    limits: guild_server::RateLimits,
    bank: Option<guild_server::BankAccount>,
    decision_retention_days: u32,
) -> Result<ExitCode> {
    let addr = settings.addr.as_str();
    let config = guild_server::ServerConfig {
        public_url: settings.public_url.clone(),
        limits,
        encoder: crate::meaning::encoder()?,
        bank,
        decision_retention_days: Some(decision_retention_days),
    };
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let url = &db.url;
    let store = match &settings.replica {
        None => Store::open(url).with_context(|| format!("cannot open the store {url:?}"))?,
        Some(replica) => Store::open_with_replica(url, replica)
            .with_context(|| format!("cannot open the store {url:?} with replica {replica:?}"))?,
    };
    let opened = db.unlock(store, true)?;
    // Only the key's id and origin are logged, never the key.
    match (
        &opened.origin,
        opened.store.credentials().key_encryption_key_id(),
    ) {
        (Some(origin), Some(id)) => tracing::info!(
            kek = %id,
            from = %crate::keys::describe(origin),
            sealed_now = opened.sealed_now,
            "issuer keys: key-encryption key loaded"
        ),
        _ => tracing::info!("issuer keys: no key-encryption key configured"),
    }
    if let Some(why) = &opened.locked {
        tracing::warn!("issuer keys are locked; issuing answers 503 until this is fixed: {why}");
    }
    let store = opened.store;
    if let Some(summary) = guild_store::load_starter_if_empty(&store)?
        && settings.replica.is_none()
    {
        eprintln!(
            "The store was empty: loaded Guild's starter taxonomy ({} skills, {} occupations).",
            summary.counts.get("skills").unwrap_or(&0),
            summary.counts.get("occupations").unwrap_or(&0)
        );
    }
    let store = Arc::new(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port when started with port 0.
        out!("Guild is listening on http://{local}");
        guild_server::serve(listener, store, config, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn import(db: &Db, command: ImportCommand) -> Result<ExitCode> {
    let store = open(db)?;
    let bar = Bar::new();
    let started = std::time::Instant::now();
    let summary = match command {
        ImportCommand::Onet { dir } => guild_store::import_onet(&store, &dir, &bar),
        ImportCommand::Esco { dir, lang } => {
            let mut langs: Vec<String> =
                lang.iter().map(|l| l.trim().to_ascii_lowercase()).collect();
            if !langs.iter().any(|l| l == "en") {
                langs.insert(0, "en".to_owned());
            }
            guild_store::import_esco(&store, &dir, &langs, &bar)
        }
        ImportCommand::Crosswalk { file, dataset } => {
            check_dataset_name(&dataset)?;
            guild_store::import_crosswalk(&store, &file, &dataset, &bar)
        }
        ImportCommand::AiExposure { dir, dataset } => {
            let dataset = dataset.as_deref().map(ExposureDataset::parse).transpose()?;
            guild_store::import_ai_exposure(&store, &dir, dataset, &bar)
        }
        ImportCommand::Starter => guild_taxonomy::starter::batch()
            .map_err(StoreError::from)
            .and_then(|batch| {
                store
                    .taxonomy()
                    .replace_taxonomy(Source::Guild, &batch, &NoProgress)
            }),
    };
    bar.finish();
    let summary = summary.map_err(|e| match e {
        StoreError::Taxonomy(e) => {
            anyhow::anyhow!("{e}\nNothing was imported; the store keeps what it had.")
        }
        other => anyhow::anyhow!("{other}\nNothing was imported; the store keeps what it had."),
    })?;
    print_summary(&summary, started.elapsed())?;
    // The taxonomy's embeddings are made now, so that the first text read is not slow.
    let mut semantics = None;
    if let Some(encoder) = crate::meaning::encoder()? {
        let started = std::time::Instant::now();
        let cached = crate::meaning::cached_embeddings(&encoder);
        let embedded = store
            .taxonomy()
            .semantics_reusing(&encoder, &cached)
            .context("embedding the taxonomy (the import itself is kept)")?;
        crate::meaning::keep_embeddings(&encoder, &embedded);
        let n = embedded.embedded();
        if n > 0 {
            out!(
                "Embedded the taxonomy for reading by meaning: {n} new labels in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
        }
        semantics = Some(embedded);
    }
    // Which occupations need presence on site: judged once per import, read by every answer.
    let started = std::time::Instant::now();
    let n = store
        .taxonomy()
        .judge_presence(semantics.as_ref())
        .context("judging which work needs presence on site (the import itself is kept)")?;
    if n > 0 {
        out!(
            "Judged {n} occupations for presence on site in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    // The lexical indexes are built once and kept, so that every command reading text starts fast.
    let started = std::time::Instant::now();
    if store
        .taxonomy()
        .prepare_analyzer()
        .context("indexing the taxonomy for reading text (the import itself is kept)")?
    {
        out!(
            "Indexed the taxonomy for reading text in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check_dataset_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!("dataset name {name:?}: use letters, digits, - and _ (at most 64)");
    }
    if Source::parse(name).is_ok() {
        bail!("dataset name {name:?} is reserved for a taxonomy source");
    }
    Ok(())
}

fn print_summary(summary: &ImportSummary, elapsed: std::time::Duration) -> Result<()> {
    for notice in &summary.notices {
        out!("notice: {notice}");
    }
    out!(
        "Imported {} in {:.1} s:",
        summary.name,
        elapsed.as_secs_f64()
    );
    for (table, n) in &summary.counts {
        out!("  {table:<20} {n:>9}");
    }
    Ok(())
}

fn taxonomy(db: &Db, command: TaxonomyCommand) -> Result<ExitCode> {
    let store = open_with_taxonomy(db)?;
    match command {
        TaxonomyCommand::Stats { json } => {
            let stats = store.taxonomy().stats()?;
            if json {
                out!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                for (source, s) in &stats.sources {
                    out!(
                        "{source}: {} skills, {} occupations, {} tasks, {} occupation–skill links, {} skill relations",
                        s.skills,
                        s.occupations,
                        s.tasks,
                        s.occupation_skills,
                        s.skill_relations
                    );
                    let kinds = s
                        .skills_by_kind
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out!("  kinds: {kinds}");
                    let langs = s
                        .labels_by_lang
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out!("  labels: {langs}");
                }
                for (dataset, n) in &stats.crosswalk {
                    out!("crosswalk {dataset}: {n} links");
                }
                for (dataset, n) in &stats.ai_exposure {
                    out!("AI exposure {dataset}: {n} scores");
                }
            }
        }
        TaxonomyCommand::Search(args) => search(&store, args)?,
        TaxonomyCommand::Show { id, json } => show(&store, &id, json)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn search(store: &Store, args: SearchArgs) -> Result<()> {
    if !(1..=guild_store::MAX_PAGE_SIZE).contains(&args.limit) {
        bail!("--limit must be 1 to {}", guild_store::MAX_PAGE_SIZE);
    }
    let source = args.source.as_deref().map(Source::parse).transpose()?;
    if args.occupations {
        if args.kind.is_some() {
            bail!("--kind applies to skills, not occupations");
        }
        let page = store.taxonomy().search_occupations(&OccupationQuery {
            q: Some(args.query),
            lang: args.lang,
            source,
            limit: args.limit,
            offset: 0,
        })?;
        if args.json {
            out!("{}", serde_json::to_string_pretty(&page.items)?);
        } else if page.items.is_empty() {
            out!("no occupations found");
        } else {
            for o in page.items {
                out!("{:<60} {}", o.id, o.title);
            }
        }
    } else {
        let kind = args.kind.as_deref().map(SkillKind::parse).transpose()?;
        let page = store.taxonomy().search_skills(&SkillQuery {
            q: Some(args.query),
            lang: args.lang,
            kind,
            source,
            limit: args.limit,
            offset: 0,
        })?;
        if args.json {
            out!("{}", serde_json::to_string_pretty(&page.items)?);
        } else if page.items.is_empty() {
            out!("no skills found");
        } else {
            for s in page.items {
                out!("{:<60} {:<13} {}", s.id, s.kind.as_str(), s.label);
            }
        }
    }
    Ok(())
}

fn show(store: &Store, id: &str, json: bool) -> Result<()> {
    match store.taxonomy().skill(&SkillId::parse(id)?) {
        Ok(skill) => {
            if json {
                out!("{}", serde_json::to_string_pretty(&skill)?);
            } else {
                out!(
                    "{} ({}, {})",
                    skill.skill.label,
                    skill.skill.kind,
                    skill.skill.source
                );
                out!("id: {}", skill.skill.id);
                if let Some(d) = &skill.skill.description {
                    out!("{d}");
                }
                for b in &skill.broader {
                    out!("broader: {} ({})", b.label, b.id);
                }
                out!("needed by {} occupations", skill.occupation_count);
                for o in skill.occupations.iter().take(10) {
                    out!("  {:<50} {} {:.2}", o.title, o.relevance, o.weight);
                }
            }
            return Ok(());
        }
        Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    match store.taxonomy().occupation(&OccupationId::parse(id)?) {
        Ok(o) => {
            if json {
                out!("{}", serde_json::to_string_pretty(&o)?);
            } else {
                out!("{} ({})", o.occupation.title, o.occupation.source);
                out!("id: {}", o.occupation.id);
                if let Some(d) = &o.occupation.description {
                    out!("{d}");
                }
                if let Some(z) = o.occupation.job_zone {
                    out!("job zone: {z}");
                }
                out!("tasks ({}):", o.tasks.len());
                for t in o.tasks.iter().take(15) {
                    out!("  - {}", t.statement);
                }
                out!("skills ({}), strongest first:", o.skills.len());
                for s in o.skills.iter().take(15) {
                    out!(
                        "  {:<50} {:<10} {:.2}",
                        s.skill.label,
                        s.relevance,
                        s.weight
                    );
                }
                for e in &o.ai_exposure {
                    out!(
                        "AI exposure {} {} ({}): {:.3}",
                        e.dataset,
                        e.measure,
                        e.subject,
                        e.value
                    );
                }
            }
            Ok(())
        }
        Err(StoreError::NotFound { .. }) => bail!("no skill or occupation has the id {id}"),
        Err(e) => Err(e.into()),
    }
}
