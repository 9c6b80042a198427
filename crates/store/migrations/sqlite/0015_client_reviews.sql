-- Reviews the other way: a worker reviews the client after a contract ends.
CREATE TABLE client_reviews (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL UNIQUE REFERENCES contracts (id),
    client_id INTEGER NOT NULL REFERENCES accounts (id),
    reviewer_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    rating INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX client_reviews_client ON client_reviews (client_id);
