-- What changed for matching, in commit order, so that matching indexes (in this process or in
-- other servers on the same database) follow the store without rebuilding. Each write that
-- changes workers or tasks raises change_counters 'matching' (its row lock orders the writers,
-- so versions become visible in order) and records the ids it changed under the new version;
-- 'all' means everything may have changed (a bulk load).
CREATE TABLE matching_changes (
    version BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('worker', 'task', 'all')),
    entity_id BIGINT
);
CREATE INDEX matching_changes_by_version ON matching_changes (version);
-- Changes up to the floor are not (or no longer) recorded: an index built before it reads
-- everything again. Nothing before this migration was recorded.
INSERT INTO change_counters (name, value)
    SELECT 'matching_floor', value FROM change_counters WHERE name = 'matching';
