-- The taxonomy: skills, occupations, tasks, labels in every language, and their relations.
-- Every row carries the source (or dataset) that wrote it, so an import replaces exactly its own rows.
CREATE TABLE skills (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT,
    source_uri TEXT
);
CREATE INDEX skills_source_kind ON skills (source, kind);

CREATE TABLE occupations (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    code TEXT,
    title TEXT NOT NULL,
    description TEXT,
    grp TEXT,
    job_zone INTEGER,
    source_uri TEXT
);
CREATE INDEX occupations_source ON occupations (source);
CREATE INDEX occupations_grp ON occupations (grp);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    occupation TEXT NOT NULL,
    statement TEXT NOT NULL,
    category TEXT,
    physical INTEGER,
    ord INTEGER NOT NULL
);
CREATE INDEX tasks_occupation ON tasks (occupation, ord);
CREATE INDEX tasks_source ON tasks (source);

CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    concept TEXT NOT NULL,
    lang TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Folded text (lowercase, no diacritics, alphanumeric tokens) for search; NULL for descriptions.
    search TEXT
);
CREATE INDEX labels_concept ON labels (concept, lang);
CREATE INDEX labels_source ON labels (source);
CREATE VIRTUAL TABLE labels_fts USING fts5 (search, content = 'labels', content_rowid = 'id');

CREATE TABLE skill_relations (
    source TEXT NOT NULL,
    from_skill TEXT NOT NULL,
    to_skill TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (from_skill, to_skill, kind)
);
CREATE INDEX skill_relations_to ON skill_relations (to_skill);
CREATE INDEX skill_relations_source ON skill_relations (source);

CREATE TABLE occupation_skills (
    source TEXT NOT NULL,
    occupation TEXT NOT NULL,
    skill TEXT NOT NULL,
    relevance TEXT NOT NULL,
    importance REAL,
    level REAL,
    weight REAL NOT NULL,
    PRIMARY KEY (occupation, skill)
);
CREATE INDEX occupation_skills_skill ON occupation_skills (skill);
CREATE INDEX occupation_skills_source ON occupation_skills (source);

CREATE TABLE task_skills (
    source TEXT NOT NULL,
    task TEXT NOT NULL,
    skill TEXT NOT NULL,
    PRIMARY KEY (task, skill)
);
CREATE INDEX task_skills_skill ON task_skills (skill);
CREATE INDEX task_skills_source ON task_skills (source);

CREATE TABLE crosswalk (
    dataset TEXT NOT NULL,
    occupation TEXT NOT NULL,
    onet TEXT NOT NULL,
    confidence REAL,
    similarity REAL,
    PRIMARY KEY (dataset, occupation, onet)
);
CREATE INDEX crosswalk_occupation ON crosswalk (occupation);
CREATE INDEX crosswalk_onet ON crosswalk (onet);

CREATE TABLE ai_exposure (
    dataset TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    measure TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (dataset, subject, measure)
);
CREATE INDEX ai_exposure_subject ON ai_exposure (subject);

CREATE TABLE imports (
    name TEXT PRIMARY KEY,
    imported_at TEXT NOT NULL,
    summary TEXT NOT NULL
);
