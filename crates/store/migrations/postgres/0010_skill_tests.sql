-- Skill tests an organisation sets (a question bank per test), and candidates' attempts.
CREATE TABLE skill_tests (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    level INTEGER NOT NULL,
    title TEXT NOT NULL,
    questions_per_attempt INTEGER NOT NULL,
    pass_percent INTEGER NOT NULL,
    time_limit_secs INTEGER NOT NULL,
    cooldown_hours INTEGER NOT NULL,
    -- The question bank with its answers (JSON); never shown to candidates.
    bank TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX skill_tests_skill ON skill_tests (skill);

CREATE TABLE test_attempts (
    id BIGSERIAL PRIMARY KEY,
    test_id BIGINT NOT NULL REFERENCES skill_tests (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    -- The questions drawn (JSON list of bank indexes).
    drawn TEXT NOT NULL,
    started_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    submitted_at TEXT,
    answers TEXT,
    marks TEXT,
    -- 'in_progress', 'awaiting_assessor', 'passed' or 'failed'.
    status TEXT NOT NULL,
    detail TEXT,
    credential_id TEXT
);
CREATE INDEX test_attempts_candidate ON test_attempts (test_id, account_id, id);
