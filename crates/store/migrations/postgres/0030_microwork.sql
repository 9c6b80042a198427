-- Micro-task batches (issue 22): a requester's batch of items under a template, who holds which
-- item now (a lease for the time allowed), the answers workers gave, and each worker's record on
-- the batch (answers, time, gold items right). The money (escrow, payouts, refund) moves in the
-- ledger. Workers' ids carry no foreign key where an answer must outlive the profile (it was
-- paid for and is part of the requester's results). Every table but batches is keyed by
-- batch_id first, so that on Citus a batch lives on one shard (docs/distribution.toml).
CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- JSON: guild_market::microwork::Template.
    template TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    redundancy INTEGER NOT NULL,
    max_extra INTEGER NOT NULL,
    allowance_secs INTEGER NOT NULL,
    -- 'majority' or 'weighted'.
    rule TEXT NOT NULL,
    -- The skill whose qualification a worker needs, if any.
    skill TEXT,
    -- 'draft' (items may be added), 'open' (workers take items), 'closed'.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    opened_at TEXT,
    closed_at TEXT
);
CREATE INDEX batches_owner ON batches (owner_id, id);
CREATE INDEX batches_status ON batches (status, id);

CREATE TABLE batch_items (
    id BIGSERIAL NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    -- JSON object: what the worker is shown.
    data TEXT NOT NULL,
    -- JSON answer known beforehand (a gold item), never shown; NULL for a real item.
    gold TEXT,
    -- Answers received, and answers wanted now (the redundancy, plus extra ones asked; for a
    -- gold item, the most workers who may answer it, which escrow pays for).
    answers INTEGER NOT NULL DEFAULT 0,
    wanted INTEGER NOT NULL,
    -- 'open', 'resolved' (result set), 'unresolved' (the answers disagree: the requester decides).
    state TEXT NOT NULL,
    -- JSON: the agreed answer, when resolved, and the agreeing share of the weight.
    result TEXT,
    agreement DOUBLE PRECISION,
    PRIMARY KEY (batch_id, id)
);
CREATE INDEX batch_items_open ON batch_items (batch_id, state, id);

-- No foreign key to workers: a lease expires on its own (a deleted profile's with it).
CREATE TABLE batch_leases (
    batch_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    worker_id BIGINT NOT NULL,
    leased_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, item_id, worker_id),
    FOREIGN KEY (batch_id, item_id) REFERENCES batch_items (batch_id, id) ON DELETE CASCADE
);
CREATE INDEX batch_leases_worker ON batch_leases (batch_id, worker_id);

CREATE TABLE batch_answers (
    id BIGSERIAL NOT NULL,
    item_id BIGINT NOT NULL,
    batch_id BIGINT NOT NULL,
    worker_id BIGINT NOT NULL,
    -- JSON: the answer as read (guild_market::microwork::Answer).
    answer TEXT NOT NULL,
    -- Seconds from the lease to the answer.
    seconds BIGINT NOT NULL,
    submitted_at TEXT NOT NULL,
    -- For a gold item: 1 when it matched the known answer, else 0; NULL for a real item.
    gold_right INTEGER,
    -- 'submitted', 'approved' or 'rejected' (with a reason, which the worker may contest).
    status TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (batch_id, id),
    UNIQUE (batch_id, item_id, worker_id),
    FOREIGN KEY (batch_id, item_id) REFERENCES batch_items (batch_id, id) ON DELETE CASCADE
);
CREATE INDEX batch_answers_worker ON batch_answers (batch_id, worker_id);

CREATE TABLE batch_workers (
    batch_id BIGINT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    worker_id BIGINT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    seconds BIGINT NOT NULL DEFAULT 0,
    gold_seen INTEGER NOT NULL DEFAULT 0,
    gold_right INTEGER NOT NULL DEFAULT 0,
    -- Minor units paid for the answers, in the batch's currency.
    paid_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, worker_id)
);
