-- Issuer secret keys sealed at rest under a key-encryption key (KEK) kept outside the
-- database (see crates/store/src/sealing.rs). The plain seed column becomes nullable: keys made
-- before this migration keep their plain seed until Guild first starts with a KEK, which seals
-- them all in one transaction and clears it. SQLite cannot drop a NOT NULL constraint, so the
-- table is rebuilt (nothing references it).
CREATE TABLE issuer_keys_sealed (
    id INTEGER PRIMARY KEY,
    issuer TEXT NOT NULL,
    public_multibase TEXT NOT NULL UNIQUE,
    -- The Ed25519 seed as multibase, only for a key not sealed yet.
    secret_multibase TEXT,
    -- The seed sealed under the KEK named by kek_id, bound to issuer and public key (sealing.rs).
    secret_sealed TEXT,
    -- A short hash of that KEK: a wrong KEK is reported as such, not as a failed decryption.
    kek_id TEXT,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    CHECK ((secret_multibase IS NULL) <> (secret_sealed IS NULL)),
    CHECK ((secret_sealed IS NULL) = (kek_id IS NULL))
);
INSERT INTO issuer_keys_sealed (id, issuer, public_multibase, secret_multibase, created_at, retired_at)
    SELECT id, issuer, public_multibase, secret_multibase, created_at, retired_at FROM issuer_keys;
DROP TABLE issuer_keys;
ALTER TABLE issuer_keys_sealed RENAME TO issuer_keys;
CREATE INDEX issuer_keys_issuer ON issuer_keys (issuer);
