-- Voluntary declarations for the fairness audit (issue 21): sex, race/ethnicity, age band,
-- disability, sealed with the key-encryption key (XChaCha20-Poly1305, bound to the worker), kept
-- apart from the profile, read only by the audit and by the worker. Withdrawing consent erases
-- the sealed data and keeps only when it was withdrawn, so that later audits can say so.
CREATE TABLE declarations (
    worker_id BIGINT PRIMARY KEY REFERENCES workers (id) ON DELETE CASCADE,
    sealed TEXT,
    kek_id TEXT,
    -- The purpose text's version the worker consented to.
    purpose TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    withdrawn_at TEXT
);
