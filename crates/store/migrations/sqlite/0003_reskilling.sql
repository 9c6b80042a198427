-- Reskilling: occupational interests (a descriptor of occupations used for transitions), the
-- catalogue of learning resources and skill tests, and workers' offers to teach.
CREATE TABLE occupation_interests (
    source TEXT NOT NULL,
    occupation TEXT NOT NULL,
    -- The O*NET interest element (RIASEC), e.g. 1.B.1.a (Realistic).
    interest TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (occupation, interest)
);
CREATE INDEX occupation_interests_source ON occupation_interests (source);

CREATE TABLE learning_resources (
    id INTEGER PRIMARY KEY,
    -- NULL for resources added by the operator (`guild resources import`).
    owner_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    hours REAL NOT NULL,
    cost_minor INTEGER,
    cost_currency TEXT,
    language TEXT NOT NULL,
    provider TEXT NOT NULL,
    link TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX learning_resources_owner ON learning_resources (owner_id);

-- role: 'teaches' or 'requires'.
CREATE TABLE learning_resource_skills (
    resource_id INTEGER NOT NULL REFERENCES learning_resources (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    skill TEXT NOT NULL,
    level INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (resource_id, role, skill)
);
CREATE INDEX learning_resource_skills_skill ON learning_resource_skills (skill);

CREATE TABLE trainer_offers (
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    rate_minor INTEGER,
    rate_currency TEXT,
    remote INTEGER NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (worker_id, skill)
);
CREATE INDEX trainer_offers_skill ON trainer_offers (skill);
