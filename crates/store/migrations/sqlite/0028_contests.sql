-- Contests (issue 21): a worker disputes a ranking they appeared in, or how Guild read one of
-- their skills, with a reason; a platform admin decides before the deadline, and the outcome and
-- its reason are kept and told to the worker. A person decides; nothing is decided automatically.
CREATE TABLE contests (
    id INTEGER PRIMARY KEY,
    -- No foreign key: like the decision log, a contest and its decision outlive the profile.
    worker_id INTEGER NOT NULL,
    -- The account that filed it (the worker profile's owner).
    account_id INTEGER NOT NULL,
    -- 'ranking' (decision_id set) or 'skill' (skill set).
    kind TEXT NOT NULL,
    decision_id INTEGER,
    skill TEXT,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER,
    -- 'upheld' (the contest is right: corrected) or 'rejected' (the ranking or reading stands).
    outcome TEXT,
    answer TEXT
);
CREATE INDEX contests_open ON contests (decided_at, due_at);
CREATE INDEX contests_worker ON contests (worker_id, id);
