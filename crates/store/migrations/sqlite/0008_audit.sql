-- The audit log of security- and money-relevant events, written in the same transaction as
-- what it records. Never holds a password or a token.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    -- The account that acted; NULL for the operator, the system, or an anonymous caller.
    actor INTEGER,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_kind ON audit_events (kind, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
