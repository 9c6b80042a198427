-- Workers' proposals on open tasks (never a fee to apply), and clients' invitations.
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES work_tasks (id) ON DELETE CASCADE,
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cover TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- 'open', 'accepted', 'declined' or 'withdrawn'.
    status TEXT NOT NULL,
    contract_id BIGINT REFERENCES contracts (id),
    created_at TEXT NOT NULL,
    UNIQUE (task_id, worker_id)
);
CREATE INDEX proposals_account ON proposals (account_id);

CREATE TABLE invitations (
    task_id BIGINT NOT NULL REFERENCES work_tasks (id) ON DELETE CASCADE,
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (task_id, worker_id)
);
