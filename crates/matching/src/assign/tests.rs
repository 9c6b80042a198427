//! Optimality against exhaustive search, dense against sparse, and certificates on random
//! problems.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// The least total over every assignment of `min(rows, cols)` pairs, by trying them all.
fn brute_dense(m: &CostMatrix) -> f64 {
    fn go(m: &CostMatrix, row: usize, used: &mut Vec<bool>, left: usize, acc: f64, best: &mut f64) {
        if left == 0 {
            *best = best.min(acc);
            return;
        }
        if m.rows() - row < left {
            return;
        }
        // This row takes no column (only possible when there are more rows than columns).
        if m.rows() - row > left {
            go(m, row + 1, used, left, acc, best);
        }
        for j in 0..m.cols() {
            if !used[j] {
                used[j] = true;
                go(
                    m,
                    row + 1,
                    used,
                    left - 1,
                    acc + m.get(row, j).unwrap(),
                    best,
                );
                used[j] = false;
            }
        }
    }
    let mut best = f64::INFINITY;
    go(
        m,
        0,
        &mut vec![false; m.cols()],
        m.rows().min(m.cols()),
        0.0,
        &mut best,
    );
    best
}

/// The least total over every feasible sparse assignment, by trying them all; `None` when there
/// is none.
fn brute_sparse(p: &SparseProblem) -> Option<f64> {
    fn go(p: &SparseProblem, t: usize, load: &mut Vec<u32>, acc: f64, best: &mut Option<f64>) {
        if t == p.tasks() {
            if best.is_none_or(|b| acc < b) {
                *best = Some(acc);
            }
            return;
        }
        if let Some(open) = p.unassigned_cost() {
            go(p, t + 1, load, acc + open, best);
        }
        let options: Vec<(usize, f64)> = p.candidates(t).collect();
        for (w, c) in options {
            if load[w] < p.capacities()[w] {
                load[w] += 1;
                go(p, t + 1, load, acc + c, best);
                load[w] -= 1;
            }
        }
    }
    let mut best = None;
    go(p, 0, &mut vec![0; p.workers()], 0.0, &mut best);
    best
}

/// The dense problem as a sparse one: every entry a candidate, capacity 1, the longer side as
/// workers (so that every task, i.e. every entry of the shorter side, must be assigned).
fn as_sparse(m: &CostMatrix) -> SparseProblem {
    let transpose = m.rows() > m.cols();
    let (tasks, workers) = if transpose {
        (m.cols(), m.rows())
    } else {
        (m.rows(), m.cols())
    };
    let mut arcs = Vec::new();
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            let cost = m.get(i, j).unwrap();
            let (task, worker) = if transpose { (j, i) } else { (i, j) };
            arcs.push(Candidate { task, worker, cost });
        }
    }
    SparseProblem::new(tasks, vec![1; workers], arcs, None).unwrap()
}

fn random_matrix(
    rng: &mut ChaCha8Rng,
    rows: usize,
    cols: usize,
    range: u32,
    floats: bool,
) -> CostMatrix {
    let costs = (0..rows * cols)
        .map(|_| {
            if floats {
                rng.random::<f64>() * 10.0 - 3.0
            } else {
                f64::from(rng.random_range(0..range)) - 2.0
            }
        })
        .collect();
    CostMatrix::new(rows, cols, costs).unwrap()
}

fn check_dense(m: &CostMatrix) {
    let s = solve_dense(m).unwrap();
    let brute = brute_dense(m);
    assert!(
        (s.total - brute).abs() <= 1e-9 * (1.0 + brute.abs()),
        "{m:?}: solver {} brute force {brute}",
        s.total
    );
    let cert = certify_dense(m, &s).unwrap();
    assert!(cert.gap.abs() <= cert.tolerance);
    // The same problem through the sparse solver.
    let p = as_sparse(m);
    let sp = solve_sparse(&p).unwrap();
    assert!(
        (sp.total - s.total).abs() <= 1e-9 * (1.0 + brute.abs()),
        "{m:?}: sparse {} dense {}",
        sp.total,
        s.total
    );
    verify(&p, &sp).unwrap();
}

#[test]
fn dense_is_optimal_on_many_small_problems() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for case in 0..3000 {
        let rows = rng.random_range(1..=6);
        let cols = rng.random_range(1..=6);
        // Few distinct values (many ties), wide integer ranges and floats.
        let range = [2, 5, 1000][case % 3];
        let m = random_matrix(&mut rng, rows, cols, range, case % 7 == 0);
        check_dense(&m);
    }
}

#[test]
fn dense_handles_all_equal_and_structured_matrices() {
    for (rows, cols) in [(1, 5), (5, 1), (4, 4), (3, 6), (6, 3)] {
        check_dense(&CostMatrix::new(rows, cols, vec![3.0; rows * cols]).unwrap());
        let costs = (0..rows * cols)
            .map(|k| ((k / cols) * (k % cols)) as f64)
            .collect();
        check_dense(&CostMatrix::new(rows, cols, costs).unwrap());
        let costs = (0..rows * cols)
            .map(|k| -((k / cols + k % cols) as f64))
            .collect();
        check_dense(&CostMatrix::new(rows, cols, costs).unwrap());
    }
}

#[test]
fn dense_certifies_on_larger_problems() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for (rows, cols) in [(60, 60), (40, 90), (90, 40), (100, 100), (1, 200), (200, 1)] {
        for floats in [false, true] {
            let m = random_matrix(&mut rng, rows, cols, 50, floats);
            let s = solve_dense(&m).unwrap();
            certify_dense(&m, &s).unwrap();
            let p = as_sparse(&m);
            let sp = solve_sparse(&p).unwrap();
            verify(&p, &sp).unwrap();
            assert!((sp.total - s.total).abs() <= 1e-9 * (1.0 + s.total.abs()));
        }
    }
    let m = random_dense(300, 300, 1).unwrap();
    certify_dense(&m, &solve_dense(&m).unwrap()).unwrap();
    // Structured matrices that make JV's reductions work hard (row 0 is every column's minimum
    // of i·j; near-ties of 1 + tiny noise), square and rectangular.
    for (rows, cols) in [(120, 120), (80, 150), (150, 80)] {
        let product = (0..rows * cols).map(|k| ((k / cols) * (k % cols)) as f64);
        let m = CostMatrix::new(rows, cols, product.collect()).unwrap();
        certify_dense(&m, &solve_dense(&m).unwrap()).unwrap();
        let noise = (0..rows * cols).map(|_| 1.0 + rng.random::<f64>() * 1e-12);
        let m = CostMatrix::new(rows, cols, noise.collect()).unwrap();
        certify_dense(&m, &solve_dense(&m).unwrap()).unwrap();
    }
}

#[test]
fn sparse_certifies_float_costs_with_open_tasks() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for open in [None, Some(0.0), Some(2.5)] {
        let (tasks, workers) = (400, 150);
        let capacities = (0..workers).map(|_| rng.random_range(0..=4)).collect();
        let mut arcs = Vec::new();
        for task in 0..tasks {
            for worker in 0..workers {
                if rng.random_bool(0.05) {
                    let cost = rng.random::<f64>() * 6.0 - 3.0;
                    arcs.push(Candidate { task, worker, cost });
                }
            }
        }
        let p = SparseProblem::new(tasks, capacities, arcs, open).unwrap();
        match solve_sparse(&p) {
            Ok(s) => {
                verify(&p, &s).unwrap();
            }
            Err(MatchError::Infeasible { reason }) => assert!(open.is_none(), "{reason}"),
            Err(e) => panic!("{e}"),
        }
    }
}

/// A random small sparse problem: some tasks with few or no candidates, capacities 0–3.
fn random_problem(rng: &mut ChaCha8Rng, open: Option<f64>) -> SparseProblem {
    let tasks = rng.random_range(1..=6);
    let workers = rng.random_range(1..=4);
    let capacities = (0..workers).map(|_| rng.random_range(0..=3)).collect();
    let mut arcs = Vec::new();
    for task in 0..tasks {
        for worker in 0..workers {
            if rng.random_bool(0.6) {
                arcs.push(Candidate {
                    task,
                    worker,
                    cost: f64::from(rng.random_range(0..20u32)) - 8.0,
                });
            }
        }
    }
    SparseProblem::new(tasks, capacities, arcs, open).unwrap()
}

#[test]
fn sparse_is_optimal_on_many_small_problems() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (mut solved, mut infeasible) = (0, 0);
    for case in 0..4000 {
        let open = match case % 3 {
            0 => None,
            1 => Some(0.0),
            _ => Some(f64::from(rng.random_range(0..10u32))),
        };
        let p = random_problem(&mut rng, open);
        match (solve_sparse(&p), brute_sparse(&p)) {
            (Ok(s), Some(best)) => {
                assert!(
                    (s.total - best).abs() < 1e-9,
                    "{p:?}: {} vs {best}",
                    s.total
                );
                let c = verify(&p, &s).unwrap();
                assert!(c.gap.abs() <= c.tolerance);
                solved += 1;
            }
            (Err(MatchError::Infeasible { .. }), None) => infeasible += 1,
            (got, best) => panic!("{p:?}: solver {got:?}, brute force {best:?}"),
        }
    }
    assert!(solved > 2000 && infeasible > 100, "{solved} {infeasible}");
}

#[test]
fn sparse_with_capacities_equals_dense_on_the_expanded_matrix() {
    // Each worker of capacity k becomes k columns; a task that is not a candidate of a worker
    // gets a cost so high that no optimum uses it (every task has a candidate with room here).
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..50 {
        let tasks = rng.random_range(5..40);
        let workers = rng.random_range(5..40);
        let capacities: Vec<u32> = (0..workers).map(|_| rng.random_range(1..=3)).collect();
        let mut arcs = Vec::new();
        for task in 0..tasks {
            arcs.push(Candidate {
                task,
                worker: task % workers,
                cost: 500.0,
            });
            for worker in 0..workers {
                if worker != task % workers && rng.random_bool(0.3) {
                    arcs.push(Candidate {
                        task,
                        worker,
                        cost: f64::from(rng.random_range(0..100u32)),
                    });
                }
            }
        }
        let p = SparseProblem::new(tasks, capacities.clone(), arcs, None).unwrap();
        let slots: Vec<usize> = capacities
            .iter()
            .enumerate()
            .flat_map(|(w, &k)| std::iter::repeat_n(w, k as usize))
            .collect();
        if slots.len() < tasks {
            continue;
        }
        let mut costs = Vec::new();
        for t in 0..tasks {
            for &w in &slots {
                costs.push(p.cost(t, w).unwrap_or(1e6));
            }
        }
        let dense = solve_dense(&CostMatrix::new(tasks, slots.len(), costs).unwrap()).unwrap();
        match solve_sparse(&p) {
            Ok(s) => {
                assert!(dense.total < 1e6);
                assert_eq!(s.total, dense.total);
                verify(&p, &s).unwrap();
            }
            Err(e) => {
                assert!(matches!(e, MatchError::Infeasible { .. }));
                assert!(dense.total >= 1e6);
            }
        }
    }
}

#[test]
fn a_generated_marketplace_is_solved_and_certified() {
    let p = random_sparse(2000, 5000, 20, 1).unwrap();
    let s = solve_sparse(&p).unwrap();
    assert!(s.task_to_worker.iter().all(Option::is_some));
    let c = verify(&p, &s).unwrap();
    assert_eq!(c.gap, 0.0);
    assert_eq!(random_sparse(2000, 5000, 20, 1).unwrap(), p);
}

proptest! {
    #[test]
    fn dense_matches_brute_force(
        rows in 1usize..=5,
        cols in 1usize..=5,
        seed in any::<u64>(),
        range in prop::sample::select(vec![2u32, 10, 1000]),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let m = random_matrix(&mut rng, rows, cols, range, false);
        check_dense(&m);
    }

    #[test]
    fn sparse_matches_brute_force(seed in any::<u64>(), open in prop::option::of(-3i32..6)) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let p = random_problem(&mut rng, open.map(f64::from));
        match (solve_sparse(&p), brute_sparse(&p)) {
            (Ok(s), Some(best)) => {
                prop_assert!((s.total - best).abs() < 1e-9);
                verify(&p, &s).unwrap();
            }
            (Err(MatchError::Infeasible { .. }), None) => {}
            (got, best) => prop_assert!(false, "{:?}: {:?} vs {:?}", p, got, best),
        }
    }

    #[test]
    fn dense_never_panics_on_extreme_values(
        rows in 1usize..=4,
        cols in 1usize..=4,
        values in prop::collection::vec(
            prop_oneof![Just(0.0), Just(-0.0), Just(1e-300), Just(-1e150), Just(1e150),
                        Just(f64::MIN_POSITIVE), -1e6f64..1e6], 16),
    ) {
        let m = CostMatrix::new(rows, cols, values[..rows * cols].to_vec()).unwrap();
        let s = solve_dense(&m).unwrap();
        prop_assert_eq!(s.row_to_col.iter().flatten().count(), rows.min(cols));
        certify_dense(&m, &s).unwrap();
    }
}
