//! `guild bench load`: the HTTP server under a realistic mix of requests from concurrent
//! clients for a bounded time, on SQLite and PostgreSQL: throughput, p50/p99/p999 latency and
//! errors per kind of request.
//!
//! The store is filled first: `guild gen` workers, tasks and contracts with their ledger
//! history, then accounts signed up over HTTP, each with a worker profile, a published task
//! and money. The server runs as its own process (`guild serve`, this binary), as in
//! production; it builds its matching index as it starts, and the wait for it is timed on its own. The mix: matching, skill search,
//! profile and task reads, proposals, payouts (each under its own idempotency key) and profile
//! updates, which every server's matching index follows.
//! A proposal refused because the pair already exists (409) is an answer, not an error.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_market::{Amount, Currency};
use guild_store::{DatabaseUrl, Store};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::bench::percentile;

/// Options of `guild bench load`.
#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Seconds of load per store.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Workers `guild gen` makes first.
    #[arg(long, default_value_t = 10_000)]
    workers: usize,
    /// Tasks `guild gen` makes first.
    #[arg(long, default_value_t = 1_000)]
    tasks: usize,
    /// Accounts that sign up and take part.
    #[arg(long, default_value_t = 32)]
    accounts: usize,
    /// Also measure this PostgreSQL database (empty: the benchmark fills it). SQLite is
    /// measured in a temporary file.
    #[arg(long, env = "GUILD_BENCH_POSTGRES_URL", hide_env_values = true)]
    postgres: Option<String>,
    /// The server's rate limit of every kind (COUNT/UNIT[:BURST], or off). The default is far
    /// above the load: the limiters are in the path and refuse nothing.
    #[arg(long, default_value = BENCH_RATE)]
    rate: guild_server::Rate,
}

/// The kinds of request, with their share of the mix in percent.
const MIX: [(&str, u32); 7] = [
    ("matches for my profile", 25),
    ("skill search", 20),
    ("profile read", 20),
    ("task read", 10),
    ("proposal", 10),
    ("payout", 10),
    ("profile update", 5),
];

const WORDS: [&str; 8] = [
    "weld", "lathe", "data", "stock", "care", "drive", "code", "teach",
];

/// The rate limit of every kind on the server under load.
const BENCH_RATE: &str = "1000000/s:1000000";

/// A `guild serve` process, stopped when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn guild(url: &DatabaseUrl, args: &[&str]) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap_or_else(|_| "guild".into()));
    c.arg("--db").arg(url_text(url)).args(args);
    c
}

fn url_text(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(p) => format!("sqlite:{}", p.display()),
        DatabaseUrl::Postgres(u) => u.clone(),
    }
}

fn serve(url: &DatabaseUrl, rate: guild_server::Rate) -> Result<Served> {
    // The load comes from one address and ~110 requests/s per account, over the default
    // limits: the bench sets its own (`--rate`).
    let rate = rate.to_string();
    let mut child = guild(url, &["serve", "--addr", "127.0.0.1:0"])
        .env("GUILD_LOG", "warn")
        .env("GUILD_RATE_ANONYMOUS", &rate)
        .env("GUILD_RATE_SIGN_IN", &rate)
        .env("GUILD_RATE_ACCOUNT", &rate)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start guild serve")?;
    let mut line = String::new();
    let stdout = child.stdout.take().context("no stdout")?;
    BufReader::new(stdout).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("Guild is listening on ")
        .with_context(|| format!("unexpected first line from guild serve: {line:?}"))?
        .to_owned();
    Ok(Served { child, base })
}

/// One account taking part: its token, worker profile and task.
#[derive(Clone)]
struct Participant {
    token: String,
    worker: i64,
    task: i64,
    skill: String,
}

fn setup(url: &DatabaseUrl, args: &LoadArgs, served: &Served) -> Result<(Vec<Participant>, i64)> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let call = |method: &str, path: &str, token: Option<&str>, body: &Value| -> Result<Value> {
        let mut r = agent.request(method, &format!("{}{path}", served.base));
        if let Some(t) = token {
            r = r.set("authorization", &format!("Bearer {t}"));
        }
        let v: Value = r
            .send_json(body.clone())
            .with_context(|| format!("{method} {path}"))?
            .into_json()?;
        Ok(v)
    };
    let store = Store::open(url)?;
    let eur = Currency::parse("EUR")?;
    let skills: Vec<String> = [
        "g-code",
        "operate-cnc-lathe",
        "cycle-counting",
        "inventory-control",
    ]
    .iter()
    .map(|s| format!("guild:skill/{s}"))
    .collect();
    let mut people = Vec::new();
    for i in 0..args.accounts {
        let email = format!("load{i}@example.org");
        let password = "a long enough password";
        call(
            "POST",
            "/api/v1/accounts",
            None,
            &json!({"email": email, "display_name": format!("Load {i}"), "password": password}),
        )?;
        let token = call(
            "POST",
            "/api/v1/tokens",
            None,
            &json!({"email": email, "password": password}),
        )?["token"]
            .as_str()
            .context("no token")?
            .to_owned();
        let skill = &skills[i % skills.len()];
        let worker = call(
            "POST",
            "/api/v1/workers",
            Some(&token),
            &json!({"name": format!("Load {i}"), "skills": [{"skill": skill, "proficiency": 4}],
                "hours_per_week": 30, "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]}),
        )?["id"]
            .as_i64()
            .context("no worker")?;
        let task = call(
            "POST",
            "/api/v1/tasks",
            Some(&token),
            &json!({"title": format!("Load task {i}"), "required": [{"skill": skills[(i + 1) % skills.len()]}], "hours": 8}),
        )?["id"]
            .as_i64()
            .context("no task")?;
        let (account, _) = store
            .accounts()
            .account_by_email(&email)?
            .context("the account just made is not in the store")?;
        let account = account.id;
        store.ledger().deposit(
            &format!("load-deposit-{i}"),
            account,
            Amount::parse("100000", eur)?,
            "load deposit",
        )?;
        people.push(Participant {
            token,
            worker,
            task,
            skill: skill.to_string(),
        });
    }
    // Counted, not loaded: at a million workers, loading them all here would cost gigabytes.
    // Ids run from 1 in a fresh store.
    let max_worker = store
        .table_counts()?
        .into_iter()
        .find(|(table, _)| table == "workers")
        .map_or(1, |(_, n)| n.max(1));
    Ok((people, max_worker))
}

struct Sample {
    kind: usize,
    latency: Duration,
    error: bool,
}

fn load(base: &str, people: &[Participant], max_worker: i64, args: &LoadArgs) -> Vec<Sample> {
    let stop = Instant::now() + Duration::from_secs(args.seconds);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..args.clients)
            .map(|c| {
                scope.spawn(move || {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(30))
                        .build();
                    let mut rng = ChaCha8Rng::seed_from_u64(c as u64 + 1);
                    let mut samples = Vec::new();
                    let mut n = 0u64;
                    while Instant::now() < stop {
                        n += 1;
                        let me = &people[rng.random_range(0..people.len())];
                        let other = &people[rng.random_range(0..people.len())];
                        let mut roll = rng.random_range(0..100u32);
                        let kind = MIX
                            .iter()
                            .position(|(_, share)| {
                                if roll < *share {
                                    true
                                } else {
                                    roll -= share;
                                    false
                                }
                            })
                            .unwrap_or(0);
                        let auth = format!("Bearer {}", me.token);
                        let t = Instant::now();
                        let result = match kind {
                            0 => agent
                                .get(&format!("{base}/api/v1/workers/{}/matches?k=10", me.worker))
                                .set("authorization", &auth)
                                .call(),
                            1 => agent
                                .get(&format!(
                                    "{base}/api/v1/skills?q={}&limit=10",
                                    WORDS[rng.random_range(0..WORDS.len())]
                                ))
                                .call(),
                            2 => agent
                                .get(&format!(
                                    "{base}/api/v1/workers/{}",
                                    rng.random_range(1..=max_worker)
                                ))
                                .set("authorization", &auth)
                                .call(),
                            3 => agent
                                .get(&format!("{base}/api/v1/tasks/{}", other.task))
                                .set("authorization", &auth)
                                .call(),
                            4 => agent
                                .post(&format!("{base}/api/v1/tasks/{}/proposals", other.task))
                                .set("authorization", &auth)
                                .send_json(json!({"worker": me.worker, "cover": "I can do this.",
                                    "amount": "100.00", "currency": "EUR"})),
                            6 => agent
                                .put(&format!("{base}/api/v1/workers/{}", me.worker))
                                .set("authorization", &auth)
                                .send_json(json!({"name": "Load", "skills": [{"skill": me.skill,
                                    "proficiency": rng.random_range(2..=5u8)}],
                                    "hours_per_week": rng.random_range(10..=40u32),
                                    "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})),
                            _ => agent
                                .post(&format!("{base}/api/v1/wallet/payouts"))
                                .set("authorization", &auth)
                                .set("idempotency-key", &format!("load-{c}-{n}"))
                                .send_json(json!({"from": "client_funds",
                                    "amount": format!("0.{:02}", rng.random_range(1..100u32)),
                                    "currency": "EUR", "beneficiary": "Load",
                                    "iban": "GB82 WEST 1234 5698 7654 32"})),
                        };
                        let latency = t.elapsed();
                        let error = match result {
                            Ok(_) => false,
                            // Applying twice, or to one's own task, is refused: an answer.
                            Err(ureq::Error::Status(409, _)) if kind == 4 => false,
                            Err(_) => true,
                        };
                        samples.push(Sample {
                            kind,
                            latency,
                            error,
                        });
                    }
                    samples
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn measure(label: &str, url: DatabaseUrl, args: &LoadArgs, out: &mut String) -> Result<()> {
    let started = Instant::now();
    let generated = guild(
        &url,
        &[
            "gen",
            "--workers",
            &args.workers.to_string(),
            "--tasks",
            &args.tasks.to_string(),
        ],
    )
    .stderr(Stdio::inherit())
    .output()?;
    if !generated.status.success() {
        bail!("guild gen failed");
    }
    eprint!("{label}: {}", String::from_utf8_lossy(&generated.stdout));
    let generated_in = started.elapsed();
    let served = serve(&url, args.rate)?;
    let (people, max_worker) = setup(&url, args, &served)?;
    eprintln!(
        "{label}: filled in {:.1} s (guild gen {:.1} s); {} s of load with {} clients",
        started.elapsed().as_secs_f64(),
        generated_in.as_secs_f64(),
        args.seconds,
        args.clients
    );
    // The server builds its matching index as it starts (the store has workers); the first
    // match request waits for it, or is answered 408 after the request timeout while the build
    // goes on, and is sent again. Timed on its own, so that the load measures a warm server.
    let first = Instant::now();
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build();
    loop {
        let answer = agent
            .get(&format!(
                "{}/api/v1/workers/{}/matches?k=10",
                served.base, people[0].worker
            ))
            .set("authorization", &format!("Bearer {}", people[0].token))
            .call();
        match answer {
            Ok(_) => break,
            Err(ureq::Error::Status(408, _)) if first.elapsed() < Duration::from_secs(3600) => {}
            Err(e) => return Err(e).context("the first match request"),
        }
    }
    eprintln!(
        "{label}: the matching index was ready {:.1} s after the accounts were made",
        first.elapsed().as_secs_f64()
    );
    let samples = load(&served.base, &people, max_worker, args);
    let total = samples.len();
    let errors = samples.iter().filter(|s| s.error).count();
    let row = |name: &str, picked: Vec<&Sample>| -> String {
        let mut lat: Vec<Duration> = picked.iter().map(|s| s.latency).collect();
        lat.sort();
        let ms = |p: f64| {
            if lat.is_empty() {
                "—".to_owned()
            } else {
                format!("{:.1}", percentile(&lat, p).as_secs_f64() * 1000.0)
            }
        };
        format!(
            "| {label} | {name} | {} | {:.0} | {} | {} | {} | {} |\n",
            lat.len(),
            lat.len() as f64 / args.seconds as f64,
            ms(0.5),
            ms(0.99),
            ms(0.999),
            picked.iter().filter(|s| s.error).count()
        )
    };
    for (k, (name, _)) in MIX.iter().enumerate() {
        out.push_str(&row(name, samples.iter().filter(|s| s.kind == k).collect()));
    }
    out.push_str(&row("**all**", samples.iter().collect()));
    let store = Store::open(&url)?;
    let audit = store.ledger().audit_ledger()?;
    if !audit.ok() {
        bail!("{label}: the ledger fails its audit after the load: {audit:?}");
    }
    eprintln!("{label}: {total} requests, {errors} errors, ledger ok");
    Ok(())
}

/// Runs `guild bench load`.
pub fn run(args: &LoadArgs) -> Result<String> {
    if args.accounts == 0 {
        bail!("--accounts: at least one account takes part");
    }
    let mut out = String::from(
        "| store | request | count | per s | p50 ms | p99 ms | p999 ms | errors |\n|---|---|---|---|---|---|---|---|\n",
    );
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    measure(
        "SQLite",
        DatabaseUrl::Sqlite(dir.path().join("load.db")),
        args,
        &mut out,
    )?;
    if let Some(url) = &args.postgres {
        measure("PostgreSQL", DatabaseUrl::parse(url)?, args, &mut out)?;
    }
    Ok(out)
}
