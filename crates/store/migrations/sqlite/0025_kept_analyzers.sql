-- The analyzer's lexical indexes (crates/extraction/src/analyzer.rs), built from the taxonomy once
-- and kept so that every command that reads text starts in a fraction of a second instead of
-- re-reading and stemming every label. `corpus` is the taxonomy version they were built from;
-- the bytes start with the build of the indexing code that wrote them, and are rebuilt when
-- either differs or they cannot be read back.
CREATE TABLE kept_analyzers (
    corpus TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    built_at TEXT NOT NULL
);
