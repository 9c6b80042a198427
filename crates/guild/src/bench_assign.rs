//! `guild bench assignment`: the dense solver beside SciPy's `linear_sum_assignment` on the same
//! seeded matrices in the same run, and the sparse solver with capacities on a marketplace-sized
//! problem, its optimality proven by the dual certificate and checked against a second solver.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_matching::assign::{
    CostMatrix, DenseAssignment, SparseProblem, certify_dense, random_dense, random_sparse,
    solve_dense, solve_sparse, verify,
};

/// `guild bench assignment` arguments.
#[derive(Args)]
pub struct AssignmentArgs {
    /// Sizes n of the dense n × n matrices (random integer costs 0–999).
    #[arg(long, value_delimiter = ',', default_value = "1000,2000,4000")]
    pub sizes: Vec<usize>,
    /// The SciPy baseline script (benches/lsa_baseline.py); without it only Guild is measured.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Python to run the baseline with.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Runs per solver and problem; the fastest is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Seed of the generated problems.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Tasks of the sparse problem (0 skips it).
    #[arg(long, default_value_t = 20_000)]
    pub sparse_tasks: usize,
    /// Workers of the sparse problem (capacities 1–3).
    #[arg(long, default_value_t = 100_000)]
    pub sparse_workers: usize,
    /// Candidate workers per task in the sparse problem.
    #[arg(long, default_value_t = 50)]
    pub candidates: usize,
}

/// Runs the benchmark and prints its report.
pub fn run(args: &AssignmentArgs) -> Result<ExitCode> {
    let report = assignment(args)?;
    out!("{}", report.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// CPU time of this thread: on a shared machine it is what the solver itself cost.
fn cpu<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let wall = Instant::now();
    let started = cpu_time::ThreadTime::now();
    let value = f();
    (
        value,
        started.elapsed().as_secs_f64(),
        wall.elapsed().as_secs_f64(),
    )
}

/// Best CPU time (and the wall time of that run) over `runs` runs.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(T, f64, f64)> {
    let mut best: Option<(T, f64, f64)> = None;
    for _ in 0..runs.max(1) {
        let (value, cpu_s, wall_s) = cpu(&mut f);
        let value = value?;
        if best.as_ref().is_none_or(|b| cpu_s < b.1) {
            best = Some((value, cpu_s, wall_s));
        }
    }
    best.context("no run")
}

/// A matrix for the baseline: raw little-endian f64, row-major.
struct MatrixFile {
    name: String,
    rows: usize,
    cols: usize,
    path: PathBuf,
}

fn write_matrix(dir: &Path, name: &str, m: &CostMatrix) -> Result<MatrixFile> {
    let path = dir.join(format!("{name}.f64"));
    let mut bytes = Vec::with_capacity(m.as_slice().len() * 8);
    for c in m.as_slice() {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&bytes))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(MatrixFile {
        name: name.to_owned(),
        rows: m.rows(),
        cols: m.cols(),
        path,
    })
}

/// What the baseline measured on one matrix.
struct Baseline {
    total: f64,
    cpu: f64,
    wall: f64,
}

fn run_baseline(
    python: &str,
    script: &Path,
    runs: usize,
    files: &[MatrixFile],
) -> Result<Vec<Baseline>> {
    let mut command = Command::new(python);
    command.arg(script).arg(runs.to_string());
    for f in files {
        command.arg(format!(
            "{}:{}:{}:{}",
            f.name,
            f.rows,
            f.cols,
            f.path.display()
        ));
    }
    let output = command
        .output()
        .with_context(|| format!("cannot run {python} {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "the baseline failed (is SciPy installed? pip install scipy): {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let results: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).context("the baseline printed no JSON list")?;
    files
        .iter()
        .map(|f| {
            let r = results
                .iter()
                .find(|r| r["name"].as_str() == Some(f.name.as_str()))
                .with_context(|| format!("the baseline did not report {}", f.name))?;
            let number = |key: &str| {
                r[key]
                    .as_f64()
                    .with_context(|| format!("the baseline's {key} for {} is missing", f.name))
            };
            Ok(Baseline {
                total: number("total")?,
                cpu: number("cpu_seconds")?,
                wall: number("wall_seconds")?,
            })
        })
        .collect()
}

/// The whole benchmark, as a report.
pub fn assignment(args: &AssignmentArgs) -> Result<String> {
    let mut report = String::new();
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    // Guild's results per dense size: (n, total, cpu, wall).
    let mut guild = Vec::new();
    let _ = writeln!(
        report,
        "dense: n × n, uniform random integer costs 0–999 (seed {}), one thread, CPU time, best of {} runs",
        args.seed, args.runs
    );
    for &n in &args.sizes {
        let matrix = random_dense(n, n, args.seed.wrapping_add(n as u64))?;
        // Timed from a plain vector, as SciPy is from its array: checking the input is part of
        // the work (the copy that the check consumes is made outside the timer).
        let mut best: Option<(DenseAssignment, f64, f64)> = None;
        for _ in 0..args.runs.max(1) {
            let data = matrix.as_slice().to_vec();
            let (s, c, w) = cpu(|| CostMatrix::new(n, n, data).and_then(|m| solve_dense(&m)));
            let s = s?;
            if best.as_ref().is_none_or(|b| c < b.1) {
                best = Some((s, c, w));
            }
        }
        let (solution, cpu_s, wall_s) = best.context("no run")?;
        let (certificate, cert_s, _) = cpu(|| certify_dense(&matrix, &solution));
        let certificate = certificate?;
        let _ = writeln!(
            report,
            "  n={n:<5} guild  {cpu_s:>8.3} s ({wall_s:.3} s wall)  total {}  certified: gap {} in {cert_s:.3} s",
            solution.total, certificate.gap
        );
        if args.baseline.is_some() {
            files.push(write_matrix(dir.path(), &format!("dense{n}"), &matrix)?);
        }
        guild.push((n, solution.total, cpu_s));
    }

    // Sparse with capacities.
    let mut expanded: Option<(f64, MatrixFile)> = None;
    if args.sparse_tasks > 0 {
        let (problem, gen_s, _) = cpu(|| {
            random_sparse(
                args.sparse_tasks,
                args.sparse_workers,
                args.candidates,
                args.seed,
            )
        });
        let problem = problem?;
        let (solution, cpu_s, wall_s) = best_of(args.runs, || Ok(solve_sparse(&problem)?))?;
        let (certificate, cert_s, _) = cpu(|| verify(&problem, &solution));
        let certificate = certificate?;
        let capacity: u64 = problem.capacities().iter().map(|&c| u64::from(c)).sum();
        let _ = writeln!(
            report,
            "sparse: {} tasks × {} workers (capacities 1–3, {capacity} in all), {} candidate arcs, \
             popular workers cheaper (seed {}); generated and indexed in {gen_s:.2} s\n  \
             guild  {cpu_s:>8.3} s ({wall_s:.3} s wall)  total {}  certified by the LP dual: gap {} \
             (tolerance {:.1e}) in {cert_s:.3} s",
            problem.tasks(),
            problem.workers(),
            problem.candidate_count(),
            args.seed,
            solution.total,
            certificate.gap,
            certificate.tolerance,
        );
        // A second solver on a smaller problem: the dense solver on the matrix where each worker
        // of capacity k is k columns and non-candidates cost a prohibitive 1e6.
        let small_tasks = (args.sparse_tasks / 20).max(1);
        let small_workers = (args.sparse_workers / 20).max(args.candidates);
        let small = random_sparse(small_tasks, small_workers, args.candidates, args.seed)?;
        let sparse_small = solve_sparse(&small)?;
        verify(&small, &sparse_small)?;
        let matrix = expand(&small)?;
        let (dense_small, dense_s, _) = cpu(|| solve_dense(&matrix));
        let dense_small = dense_small?;
        if dense_small.total != sparse_small.total {
            bail!(
                "the sparse solver's total {} differs from the dense solver's {} on the expanded matrix",
                sparse_small.total,
                dense_small.total
            );
        }
        let _ = writeln!(
            report,
            "  second solver: {small_tasks} tasks × {small_workers} workers, dense on the expanded \
             {} × {} matrix ({dense_s:.2} s): total {} = sparse {}",
            matrix.rows(),
            matrix.cols(),
            dense_small.total,
            sparse_small.total
        );
        if args.baseline.is_some() {
            expanded = Some((
                sparse_small.total,
                write_matrix(dir.path(), "expanded", &matrix)?,
            ));
        }
    }

    let Some(script) = &args.baseline else {
        return Ok(report);
    };
    let expanded_total = expanded.as_ref().map(|(t, _)| *t);
    if let Some((_, f)) = expanded {
        files.push(f);
    }
    let baseline = run_baseline(&args.python, script, args.runs, &files)?;
    let _ = writeln!(
        report,
        "SciPy linear_sum_assignment on the same matrices (same run, one thread, CPU time, best of {}):",
        args.runs
    );
    let mut ratios = Vec::new();
    for ((n, total, guild_s), b) in guild.iter().zip(&baseline) {
        if *total != b.total {
            bail!(
                "n={n}: Guild's optimal total {total} differs from SciPy's {}",
                b.total
            );
        }
        let ratio = b.cpu / guild_s.max(f64::EPSILON);
        let _ = writeln!(
            report,
            "  n={n:<5} scipy  {:>8.3} s ({:.3} s wall)  total {} (equal)  guild is {ratio:.1}× faster",
            b.cpu, b.wall, b.total
        );
        ratios.push(format!("n{n}={ratio:.1}"));
    }
    if let (Some(total), Some(b)) = (expanded_total, baseline.get(guild.len())) {
        if total != b.total {
            bail!(
                "the sparse solver's total {total} differs from SciPy's {} on the expanded matrix",
                b.total
            );
        }
        let _ = writeln!(
            report,
            "  expanded sparse problem: scipy total {} = sparse {total} ({:.2} s)",
            b.total, b.cpu
        );
    }
    let _ = writeln!(report, "ratio scipy/guild: {}", ratios.join(" "));
    Ok(report)
}

/// The sparse problem as a dense matrix: one column per unit of capacity, 1e6 where a task is
/// not a candidate (so that an optimum below 1e6 per task uses only candidates).
fn expand(problem: &SparseProblem) -> Result<CostMatrix> {
    let slots: Vec<usize> = problem
        .capacities()
        .iter()
        .enumerate()
        .flat_map(|(w, &k)| std::iter::repeat_n(w, k as usize))
        .collect();
    let mut first = vec![0usize; problem.workers() + 1];
    for &w in &slots {
        first[w + 1] += 1;
    }
    for w in 0..problem.workers() {
        first[w + 1] += first[w];
    }
    let cols = slots.len();
    let mut costs = vec![1e6; problem.tasks() * cols];
    for t in 0..problem.tasks() {
        for (w, c) in problem.candidates(t) {
            for slot in first[w]..first[w + 1] {
                costs[t * cols + slot] = c;
            }
        }
    }
    Ok(CostMatrix::new(problem.tasks(), cols, costs)?)
}
