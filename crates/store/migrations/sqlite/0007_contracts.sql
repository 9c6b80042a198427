-- Fixed-price contracts between a client and a worker, with milestones. Money for them moves
-- only through the ledger (escrow accounts are owned by the contract's id).
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES accounts (id),
    worker_id INTEGER NOT NULL REFERENCES accounts (id),
    title TEXT NOT NULL,
    currency TEXT NOT NULL,
    -- The platform fee on released money, fixed when the contract is made.
    fee_bps INTEGER NOT NULL,
    -- Days the client has to review submitted work before it is approved automatically.
    review_days INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE INDEX contracts_worker ON contracts (worker_id);

CREATE TABLE milestones (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    title TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT,
    review_due TEXT,
    PRIMARY KEY (contract_id, ord)
);
CREATE INDEX milestones_review_due ON milestones (status, review_due);
