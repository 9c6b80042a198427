-- The occupations a worker says they have done: several over a career, in the order they were
-- added. Each is a starting point of "Where next". Checked against the taxonomy when written,
-- not by a foreign key (re-importing a taxonomy must not be blocked by the profiles that use it).
CREATE TABLE worker_occupations (
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    occupation TEXT NOT NULL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (worker_id, occupation)
);
INSERT INTO worker_occupations (worker_id, occupation, ord)
    SELECT id, occupation, 0 FROM workers WHERE occupation IS NOT NULL;
ALTER TABLE workers DROP COLUMN occupation;
