-- Credentials: the issuer's signing keys (rotation keeps old keys for verification) and the
-- credentials Guild issued, each with its position in the revocation status list.
CREATE TABLE issuer_keys (
    id INTEGER PRIMARY KEY,
    -- 'platform' (organisations' own keys come with organisations).
    issuer TEXT NOT NULL,
    public_multibase TEXT NOT NULL UNIQUE,
    -- The Ed25519 seed as multibase; the database is the trust boundary for it.
    secret_multibase TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Set when a newer key takes over: the key no longer signs, but still verifies.
    retired_at TEXT
);
CREATE INDEX issuer_keys_issuer ON issuer_keys (issuer);

CREATE TABLE issued_credentials (
    id TEXT PRIMARY KEY,
    worker_id INTEGER REFERENCES workers (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    skill TEXT,
    document TEXT NOT NULL,
    status_index INTEGER NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revocation_reason TEXT
);
CREATE INDEX issued_credentials_worker ON issued_credentials (worker_id);
