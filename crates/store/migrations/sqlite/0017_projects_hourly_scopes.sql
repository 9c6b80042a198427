-- Projects: a client's problem, deconstructed into tasks that are edited as drafts and then
-- published openly or to invited workers only.
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    -- 'draft', 'published' or 'closed'.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_owner ON projects (owner_id);
-- A task's project, and what deconstruction judged of it (shown to the client while editing).
ALTER TABLE work_tasks ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE work_tasks ADD COLUMN ai_exposure REAL;
ALTER TABLE work_tasks ADD COLUMN physical INTEGER;
CREATE INDEX work_tasks_project ON work_tasks (project_id);

-- Hourly contracts: a rate and a weekly cap of hours. Each week is a milestone, funded with the
-- cap's worth and billed by the worker's timesheet for it.
ALTER TABLE contracts ADD COLUMN kind TEXT NOT NULL DEFAULT 'fixed';
ALTER TABLE contracts ADD COLUMN hourly_rate INTEGER;
ALTER TABLE contracts ADD COLUMN weekly_cap_hours INTEGER;
ALTER TABLE milestones ADD COLUMN week_start TEXT;
CREATE TABLE timesheet_entries (
    contract_id INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    day TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (contract_id, ord, day),
    FOREIGN KEY (contract_id, ord) REFERENCES milestones (contract_id, ord) ON DELETE CASCADE
);

-- API tokens limited to some areas (space-separated scopes); NULL: all the account may do.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT;
