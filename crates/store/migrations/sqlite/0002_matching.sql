-- Accounts, and the two sides of matching: worker profiles and tasks, with their skills.
-- Timestamps are RFC 3339 text in UTC, written by the application, the same on both backends.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- API tokens are stored only as SHA-256 hashes; the token itself is shown once.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE workers (
    id INTEGER PRIMARY KEY,
    -- NULL for profiles made by the operator (`guild worker add`, `guild gen`).
    owner_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hours_per_week REAL NOT NULL,
    available_from TEXT,
    available_until TEXT,
    utc_offset_minutes INTEGER NOT NULL,
    work_mode TEXT NOT NULL,
    lat REAL,
    lon REAL,
    travel_radius_km REAL NOT NULL,
    languages TEXT NOT NULL,
    rate_minor INTEGER,
    rate_currency TEXT,
    rating REAL NOT NULL,
    reviews INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One worker profile per account.
CREATE UNIQUE INDEX workers_owner ON workers (owner_id) WHERE owner_id IS NOT NULL;

-- Skills are checked against the taxonomy when written, not by a foreign key: re-importing a
-- taxonomy must not be blocked by the profiles that use it.
CREATE TABLE worker_skills (
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    proficiency INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (worker_id, skill)
);
CREATE INDEX worker_skills_skill ON worker_skills (skill);

CREATE TABLE work_tasks (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL,
    lat REAL,
    lon REAL,
    utc_offset_minutes INTEGER NOT NULL,
    min_overlap_hours REAL NOT NULL,
    hours REAL NOT NULL,
    hours_per_week REAL,
    budget_minor INTEGER,
    budget_currency TEXT,
    languages TEXT NOT NULL,
    starts TEXT,
    ends TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX work_tasks_owner ON work_tasks (owner_id);

CREATE TABLE work_task_skills (
    task_id INTEGER NOT NULL REFERENCES work_tasks (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    required INTEGER NOT NULL,
    weight REAL NOT NULL,
    min_proficiency INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (task_id, skill)
);

-- Bumped by every write to workers or tasks, so that cached match indexes know to rebuild.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('matching', 0);
