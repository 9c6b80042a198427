//! Assigning a client's open tasks to workers at once: the matching scores as candidate arcs,
//! each worker's capacity from their weekly hours, and the optimal assignment with its proof.

use std::collections::HashMap;

use serde::Serialize;

use super::{Candidate, Certificate, SparseProblem, solve_sparse, verify};
use crate::{MatchError, Task, TaskId, Worker, WorkerId};

/// One task given to one worker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assigned {
    /// The task.
    pub task: TaskId,
    /// The worker.
    pub worker: WorkerId,
    /// The match score (0–100).
    pub score: f32,
}

/// The assignment with the highest total score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssignmentAnswer))]
pub struct BatchAssignment {
    /// Who takes what.
    pub assignments: Vec<Assigned>,
    /// Tasks no candidate could take (or none was left with room).
    pub unassigned: Vec<TaskId>,
    /// Sum of the scores of the assignments: no other assignment within the capacities has a
    /// higher sum.
    pub total_score: f64,
    /// Worker pairs considered.
    pub candidates: usize,
    /// Proof of optimality: the dual bound meets the total.
    pub certificate: Certificate,
}

/// How many of the batch's tasks `worker` can take at once: their weekly hours over the tasks'
/// mean weekly hours, rounded down, at least one.
pub fn capacity(worker: &Worker, tasks: &[Task]) -> u32 {
    if tasks.is_empty() {
        return 1;
    }
    let mean_weekly = tasks.iter().map(Task::weekly_hours).sum::<f32>() / tasks.len() as f32;
    if mean_weekly > 0.0 {
        ((worker.hours_per_week / mean_weekly).floor() as u32).max(1)
    } else {
        1
    }
}

/// Assigns `tasks` to `workers`, maximising the total score, each task to at most one worker
/// and each worker to at most their capacity (`capacities` where given, else [`capacity`]).
/// `arcs` are the candidates: (index into `tasks`, worker, score); a task with no arc, or only
/// arcs of negative score, is left unassigned.
pub fn assign_batch(
    tasks: &[Task],
    workers: &[Worker],
    arcs: &[(usize, WorkerId, f32)],
    capacities: &HashMap<WorkerId, u32>,
) -> Result<BatchAssignment, MatchError> {
    let column: HashMap<WorkerId, usize> =
        workers.iter().enumerate().map(|(c, w)| (w.id, c)).collect();
    if let Some(unknown) = capacities.keys().find(|w| !column.contains_key(w)) {
        return Err(MatchError::Invalid(format!(
            "a capacity is given for worker {}, who is not one of the workers considered",
            unknown.0
        )));
    }
    let mut candidates = Vec::with_capacity(arcs.len());
    for &(task, worker, score) in arcs {
        let Some(&c) = column.get(&worker) else {
            return Err(MatchError::Invalid(format!(
                "a candidate names worker {}, who is not one of the workers considered",
                worker.0
            )));
        };
        candidates.push(Candidate {
            task,
            worker: c,
            cost: -f64::from(score),
        });
    }
    let problem = SparseProblem::new(
        tasks.len(),
        workers
            .iter()
            .map(|w| {
                capacities
                    .get(&w.id)
                    .copied()
                    .unwrap_or_else(|| capacity(w, tasks))
            })
            .collect(),
        candidates,
        // Leaving a task open costs nothing: no one takes it at a negative score.
        Some(0.0),
    )?;
    let solution = solve_sparse(&problem)?;
    let certificate = verify(&problem, &solution)?;
    let score_of: HashMap<(usize, WorkerId), f32> =
        arcs.iter().map(|&(t, w, s)| ((t, w), s)).collect();
    let mut assignments = Vec::new();
    let mut unassigned = Vec::new();
    for (t, w) in solution.task_to_worker.iter().enumerate() {
        match w {
            Some(c) => {
                let worker = workers[*c].id;
                assignments.push(Assigned {
                    task: tasks[t].id,
                    worker,
                    score: score_of.get(&(t, worker)).copied().unwrap_or(0.0),
                });
            }
            None => unassigned.push(tasks[t].id),
        }
    }
    Ok(BatchAssignment {
        total_score: -solution.total,
        assignments,
        unassigned,
        candidates: arcs.len(),
        certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Place, Reputation, WorkMode};

    fn worker(id: i64, hours_per_week: f32) -> Worker {
        Worker {
            id: WorkerId(id),
            name: format!("W{id}"),
            skills: Vec::new(),
            hours_per_week,
            available_from: None,
            available_until: None,
            utc_offset_minutes: 0,
            work_mode: WorkMode::Remote,
            location: None,
            travel_radius_km: 0.0,
            languages: Vec::new(),
            rate: None,
            reputation: Reputation::default(),
        }
    }

    fn task(id: i64, hours_per_week: f32) -> Task {
        Task {
            id: TaskId(id),
            title: format!("T{id}"),
            description: String::new(),
            required: Vec::new(),
            optional: Vec::new(),
            place: Place::Remote,
            utc_offset_minutes: 0,
            min_overlap_hours: 0.0,
            hours: hours_per_week,
            hours_per_week: Some(hours_per_week),
            budget: None,
            languages: Vec::new(),
            starts: None,
            ends: None,
        }
    }

    #[test]
    fn a_worker_takes_as_many_tasks_as_their_weekly_hours_allow() {
        let tasks = [task(1, 10.0), task(2, 10.0), task(3, 10.0)];
        let full_time = worker(7, 40.0);
        let few_hours = worker(8, 5.0);
        assert_eq!(capacity(&full_time, &tasks), 4);
        assert_eq!(capacity(&few_hours, &tasks), 1, "at least one");
        // The full-timer is best at everything, the other second best at task 3.
        let arcs = [
            (0, WorkerId(7), 0.9),
            (1, WorkerId(7), 0.8),
            (2, WorkerId(7), 0.7),
            (2, WorkerId(8), 0.6),
        ];
        let best = assign_batch(
            &tasks,
            &[full_time.clone(), few_hours.clone()],
            &arcs,
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(best.assignments.len(), 3);
        assert!(best.assignments.iter().all(|a| a.worker == WorkerId(7)));
        assert!((best.total_score - 2.4).abs() < 1e-6);
        // Held to two tasks, the full-timer leaves task 3 to the other.
        let held = HashMap::from([(WorkerId(7), 2)]);
        let best = assign_batch(&tasks, &[full_time, few_hours], &arcs, &held).unwrap();
        let third = best
            .assignments
            .iter()
            .find(|a| a.task == TaskId(3))
            .unwrap();
        assert_eq!(third.worker, WorkerId(8));
        assert!((best.total_score - 2.3).abs() < 1e-6);
        assert!(best.unassigned.is_empty());
    }

    #[test]
    fn capacities_and_candidates_must_name_workers_considered() {
        let tasks = [task(1, 10.0)];
        let workers = [worker(7, 40.0)];
        let stranger = HashMap::from([(WorkerId(9), 1)]);
        assert!(assign_batch(&tasks, &workers, &[(0, WorkerId(7), 0.5)], &stranger).is_err());
        assert!(assign_batch(&tasks, &workers, &[(0, WorkerId(9), 0.5)], &HashMap::new()).is_err());
        let none = assign_batch(&tasks, &workers, &[], &HashMap::new()).unwrap();
        assert_eq!(none.unassigned, vec![TaskId(1)]);
    }
}
