-- The decision log (issue 21): every ranking Guild shows, with the inputs' versions and each
-- candidate's score and its parts, and what a person then did. Append-only: nothing updates a
-- row; rows go only when they are older than the retention period. No foreign keys: the log
-- outlives the tasks and profiles it speaks of (an auditor reads it after they are gone).
CREATE TABLE decisions (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    -- 'workers_for_task' (a client's ranking of workers), 'tasks_for_worker', 'team' (a team
    -- proposed; the candidates are its members) or 'assignment' (a batch assigned; the pairs).
    kind TEXT NOT NULL,
    -- The account the ranking was shown to; NULL for the operator's command line.
    shown_to BIGINT,
    -- The subject: the task ranked for, or the worker ranked for.
    task_id BIGINT,
    worker_id BIGINT,
    -- How many were asked for and how many were considered.
    k BIGINT NOT NULL,
    considered BIGINT NOT NULL,
    -- JSON: the taxonomy, the matching index's version and the code's version.
    inputs TEXT NOT NULL
);
CREATE INDEX decisions_at ON decisions (at);
CREATE INDEX decisions_task ON decisions (task_id, id);
CREATE INDEX decisions_worker ON decisions (worker_id, id);

-- Each candidate a ranking showed, at its rank: for a ranking of workers the candidate is the
-- worker (task_id is the subject), for a ranking of tasks the task (worker_id is the subject);
-- a team's members have task_id 0 (a project's needs, not a stored task).
CREATE TABLE decision_candidates (
    decision_id BIGINT NOT NULL,
    rank BIGINT NOT NULL,
    worker_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    -- JSON: the score's parts (the matching breakdown).
    parts TEXT NOT NULL,
    PRIMARY KEY (decision_id, rank)
);
CREATE INDEX decision_candidates_worker ON decision_candidates (worker_id, decision_id);
CREATE INDEX decision_candidates_task ON decision_candidates (task_id, decision_id);

-- What a person did after a ranking: 'invited', 'applied', 'hired', 'declined'.
CREATE TABLE decision_outcomes (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    task_id BIGINT NOT NULL,
    worker_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    -- The account that acted.
    actor BIGINT
);
CREATE INDEX decision_outcomes_task ON decision_outcomes (task_id, worker_id);
CREATE INDEX decision_outcomes_worker ON decision_outcomes (worker_id, id);
CREATE INDEX decision_outcomes_at ON decision_outcomes (at);
