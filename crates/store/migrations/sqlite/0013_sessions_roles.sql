-- Browser sessions (api_tokens rows with a CSRF token and an expiry), roles, suspensions and
-- appeals.
ALTER TABLE api_tokens ADD COLUMN csrf_hash TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
-- 'user' or 'admin' (a platform admin: decides disputes, suspends accounts).
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'user';
ALTER TABLE accounts ADD COLUMN suspended_at TEXT;
ALTER TABLE accounts ADD COLUMN suspension_reason TEXT;

CREATE TABLE appeals (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    -- 'lifted' or 'upheld', with the admin's words.
    decision TEXT
);
CREATE INDEX appeals_open ON appeals (decided_at, id);
