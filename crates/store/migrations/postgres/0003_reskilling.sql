-- Reskilling: occupational interests (a descriptor of occupations used for transitions), the
-- catalogue of learning resources and skill tests, and workers' offers to teach.
CREATE TABLE occupation_interests (
    source TEXT NOT NULL,
    occupation TEXT NOT NULL,
    -- The O*NET interest element (RIASEC), e.g. 1.B.1.a (Realistic).
    interest TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (occupation, interest)
);
CREATE INDEX occupation_interests_source ON occupation_interests (source);

CREATE TABLE learning_resources (
    id BIGSERIAL PRIMARY KEY,
    -- NULL for resources added by the operator (`guild resources import`).
    owner_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    hours DOUBLE PRECISION NOT NULL,
    cost_minor BIGINT,
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
    resource_id BIGINT NOT NULL REFERENCES learning_resources (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    skill TEXT NOT NULL,
    level BIGINT NOT NULL,
    ord BIGINT NOT NULL,
    PRIMARY KEY (resource_id, role, skill)
);
CREATE INDEX learning_resource_skills_skill ON learning_resource_skills (skill);

CREATE TABLE trainer_offers (
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    rate_minor BIGINT,
    rate_currency TEXT,
    remote BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (worker_id, skill)
);
CREATE INDEX trainer_offers_skill ON trainer_offers (skill);
