-- Issuing organisations and their members; who issued each credential and under which issuer;
-- credentials workers brought from elsewhere (verified, with the skills they attest); and
-- reviews, the source of reputation credentials (written by finished contracts).
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    -- The organisation's name in URLs and in its did:web DID (did:web:HOST:orgs:SLUG).
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE organisation_members (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- 'admin' (manages members and keys, issues and revokes) or 'assessor' (issues).
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, account_id)
);
CREATE INDEX organisation_members_account ON organisation_members (account_id);

-- 'platform' or 'org:ID'; the account that asked for it, if one did.
ALTER TABLE issued_credentials ADD COLUMN issuer TEXT NOT NULL DEFAULT 'platform';
ALTER TABLE issued_credentials ADD COLUMN issued_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL;
CREATE INDEX issued_credentials_issuer ON issued_credentials (issuer, status_index);

CREATE INDEX skills_source_uri ON skills (source_uri);

CREATE TABLE imported_credentials (
    id INTEGER PRIMARY KEY,
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    -- The credential's own id, if it has one.
    credential_id TEXT,
    issuer TEXT NOT NULL,
    issuer_name TEXT,
    name TEXT,
    types TEXT NOT NULL,
    document TEXT NOT NULL,
    -- SHA-256 of the document as uploaded: the same credential is imported once per worker.
    digest TEXT NOT NULL,
    -- The verification report at import (JSON).
    report TEXT NOT NULL,
    valid_until TEXT,
    imported_at TEXT NOT NULL,
    UNIQUE (worker_id, digest)
);

CREATE TABLE imported_credential_skills (
    import_id INTEGER NOT NULL REFERENCES imported_credentials (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (import_id, skill)
);
CREATE INDEX imported_credential_skills_skill ON imported_credential_skills (skill);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    -- The contract reviewed (contracts come with the market); a reference while they do not.
    contract_ref TEXT NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    reviewer_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    reviewer_name TEXT NOT NULL,
    -- 1 to 5 stars.
    rating INTEGER NOT NULL,
    body TEXT NOT NULL,
    -- 'finished' or 'ended' (cancelled, or a dispute lost): completion rate is finished / all.
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (contract_ref, worker_id)
);
CREATE INDEX reviews_worker ON reviews (worker_id, created_at);

CREATE TABLE review_skills (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    rating INTEGER NOT NULL,
    PRIMARY KEY (review_id, skill)
);
