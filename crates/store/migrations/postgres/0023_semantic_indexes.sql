-- The taxonomy embedded by Guild's sentence encoder (crates/extraction/src/meaning.rs): one row per
-- part (skills, occupations, tasks). `corpus` is the taxonomy version the vectors were computed
-- from and `model` the encoder's fingerprint; both are also inside the bytes, which are checked
-- when read (an index from another model or another import is rebuilt, never used).
CREATE TABLE semantic_indexes (
    part TEXT PRIMARY KEY,
    corpus TEXT NOT NULL,
    model TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    built_at TEXT NOT NULL
);
