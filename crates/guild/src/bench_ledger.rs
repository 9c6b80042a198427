//! `guild bench ledger`: money operations per second with concurrent clients, on SQLite and
//! PostgreSQL, with every ledger invariant checked after each run.
//!
//! Each client thread sends a seeded mix of deposits, escrow funding, releases (with the
//! platform fee) and refunds over shared accounts, each under its own idempotency key, as the
//! API would. Refusals for lack of funds are counted (they are answers, not failures).

use guild_ids::{AccountId, ContractId};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_market::{Amount, Currency};
use guild_store::{DatabaseUrl, Store, StoreError};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::bench::percentile;

/// Options of `guild bench ledger`.
#[derive(Args, Debug)]
pub struct LedgerArgs {
    /// Concurrent clients to measure, comma-separated.
    #[arg(long, default_value = "1,4,16", value_delimiter = ',')]
    clients: Vec<usize>,
    /// Operations per client in each run.
    #[arg(long, default_value_t = 500)]
    ops: usize,
    /// Also measure this PostgreSQL database (it must hold no ledger yet: the benchmark writes
    /// to it). SQLite is measured in a temporary file.
    #[arg(long, env = "GUILD_BENCH_POSTGRES_URL", hide_env_values = true)]
    postgres: Option<String>,
    /// Seed of the operation mix.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Accounts the operations spread over: enough to run in parallel, few enough to collide.
const PARTIES: i64 = 50;

struct RunResult {
    ops: usize,
    refused: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn run_clients(
    store: &Arc<Store>,
    clients: usize,
    ops: usize,
    seed: u64,
    run: usize,
) -> Result<RunResult> {
    let eur = Currency::parse("EUR")?;
    let started = Instant::now();
    let results: Vec<Result<(usize, Vec<Duration>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let store = store.clone();
                scope.spawn(move || -> Result<(usize, Vec<Duration>)> {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ ((run as u64) << 32) ^ c as u64);
                    let mut refused = 0;
                    let mut latencies = Vec::with_capacity(ops);
                    for i in 0..ops {
                        let key = format!("bench-{run}-{c}-{i}");
                        let amount = Amount::new(rng.random_range(100..50_000i64), eur)?;
                        // Two numbers from one small range, so that operations contend: each operation
                        // reads one as an account and the other as a contract, in its own order.
                        let (a, b) = (rng.random_range(1..=PARTIES), rng.random_range(1..=PARTIES));
                        let (account, contract) = (AccountId(a), ContractId(b));
                        let t = Instant::now();
                        let r = match rng.random_range(0..100u32) {
                            // Deposits are larger than payments, as money arrives in lumps.
                            0..30 => store
                                .ledger()
                                .deposit(
                                    &key,
                                    account,
                                    Amount::new(amount.minor * 10, eur)?,
                                    "bench deposit",
                                )
                                .map(drop),
                            30..60 => store
                                .ledger()
                                .fund_escrow(&key, account, contract, amount, "bench fund")
                                .map(drop),
                            60..85 => store
                                .ledger()
                                .release_escrow(
                                    &key,
                                    ContractId(a),
                                    AccountId(b),
                                    amount,
                                    1000,
                                    "bench release",
                                )
                                .map(drop),
                            _ => store
                                .ledger()
                                .refund_escrow(
                                    &key,
                                    ContractId(a),
                                    AccountId(b),
                                    amount,
                                    "bench refund",
                                )
                                .map(drop),
                        };
                        latencies.push(t.elapsed());
                        match r {
                            Ok(()) => {}
                            Err(StoreError::InsufficientFunds { .. }) => refused += 1,
                            Err(e) => return Err(e.into()),
                        }
                    }
                    Ok((refused, latencies))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a client thread panicked")))
            })
            .collect()
    });
    let elapsed = started.elapsed();
    let mut refused = 0;
    let mut latencies = Vec::new();
    for r in results {
        let (n, l) = r?;
        refused += n;
        latencies.extend(l);
    }
    latencies.sort();
    Ok(RunResult {
        ops: clients * ops,
        refused,
        elapsed,
        latencies,
    })
}

fn measure(name: &str, store: Store, args: &LedgerArgs, out: &mut String) -> Result<()> {
    if store.ledger().audit_ledger()?.transfers > 0 {
        bail!("the {name} database already holds a ledger: benchmark on an empty database");
    }
    let store = Arc::new(store);
    for (run, &clients) in args.clients.iter().enumerate() {
        if clients == 0 {
            bail!("--clients: at least one client");
        }
        let r = run_clients(&store, clients, args.ops, args.seed, run)?;
        let audit = store.ledger().audit_ledger()?;
        if !audit.ok() {
            bail!("{name}: the ledger's invariants broke: {audit:?}");
        }
        out.push_str(&format!(
            "| {name} | {clients} | {} | {:.0} | {:.2} | {:.2} | {} | {} transfers, every currency sums to 0, none negative, balances = postings |\n",
            r.ops,
            r.ops as f64 / r.elapsed.as_secs_f64(),
            percentile(&r.latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&r.latencies, 0.99).as_secs_f64() * 1e3,
            r.refused,
            audit.transfers,
        ));
    }
    Ok(())
}

/// Runs the benchmark and returns a Markdown table.
pub fn run(args: &LedgerArgs) -> Result<String> {
    let mut out = String::from(
        "| store | clients | operations | operations/s | p50 ms | p99 ms | refused (no funds) | invariants after the run |\n|---|---|---|---|---|---|---|---|\n",
    );
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    let sqlite = Store::open(&DatabaseUrl::Sqlite(dir.path().join("bench.db")))?;
    measure("SQLite", sqlite, args, &mut out)?;
    if let Some(url) = &args.postgres {
        let pg = Store::open(&DatabaseUrl::parse(url)?)?;
        measure("PostgreSQL", pg, args, &mut out)?;
    }
    Ok(out)
}
