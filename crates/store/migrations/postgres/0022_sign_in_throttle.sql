-- Failed sign-ins are counted per account (and per client address) over a window: find them
-- by subject and time rather than scanning every failure ever recorded.
CREATE INDEX audit_events_subject ON audit_events (kind, subject, at);
