//! `guild bench decision-log`: what logging a ranking costs. The same tasks of the store are
//! ranked through the platform with the decision log and without it, alternating task by task so
//! that both see the same machine phase; the log's writer runs as it does in the server.

use crate::bench::percentile;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use guild_platform::Platform;

/// Options of the decision-log benchmark.
pub struct DecisionLogBench {
    pub tasks: usize,
    pub k: usize,
    pub rounds: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn decision_log(platform: &Platform, o: &DecisionLogBench) -> Result<String> {
    if o.tasks == 0 || o.k == 0 || o.rounds == 0 {
        bail!("--tasks, -k and --rounds must be above 0");
    }
    let store = platform.store();
    let ids = store.work().first_open_tasks(o.tasks)?;
    if ids.is_empty() {
        bail!("no open tasks in the store: run `guild gen` first");
    }
    let workers = platform.match_index()?.worker_count();
    // Warm both paths (the index, the writer thread, the store's caches).
    platform.rank_workers(&ids[0], o.k, None)?;
    platform.rank_workers_unlogged(&ids[0], o.k)?;
    platform.flush_decisions();
    let mut logged = Vec::new();
    let mut unlogged = Vec::new();
    for round in 0..o.rounds {
        for (i, t) in ids.iter().enumerate() {
            // Alternate which goes first, so neither always finds the caches warmed by the other.
            let first_logged = (round + i) % 2 == 0;
            for logged_now in [first_logged, !first_logged] {
                let started = Instant::now();
                if logged_now {
                    platform.rank_workers(t, o.k, None)?;
                    logged.push(started.elapsed());
                } else {
                    platform.rank_workers_unlogged(t, o.k)?;
                    unlogged.push(started.elapsed());
                }
            }
        }
    }
    let started = Instant::now();
    platform.flush_decisions();
    let drain = started.elapsed();
    if platform.decisions_lost() > 0 {
        bail!("{} rankings were not logged", platform.decisions_lost());
    }
    logged.sort();
    unlogged.sort();
    let (l50, l99) = (percentile(&logged, 0.5), percentile(&logged, 0.99));
    let (u50, u99) = (percentile(&unlogged, 0.5), percentile(&unlogged, 0.99));
    Ok(format!(
        "store   : {workers} workers indexed, {} open tasks ranked {} times each, top {}\n\
         logged  : p50 {:.3} ms  p99 {:.3} ms\n\
         unlogged: p50 {:.3} ms  p99 {:.3} ms\n\
         writer  : {:.1} ms to drain what was left after the last ranking\n\
         logged_p50={:.3}ms unlogged_p50={:.3}ms ratio={:.3}",
        ids.len(),
        o.rounds,
        o.k,
        ms(l50),
        ms(l99),
        ms(u50),
        ms(u99),
        ms(drain),
        ms(l50),
        ms(u50),
        l50.as_secs_f64() / u50.as_secs_f64().max(1e-12),
    ))
}
