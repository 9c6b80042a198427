-- Issuer secret keys sealed at rest under a key-encryption key (KEK) kept outside the
-- database (see crates/store/src/sealing.rs). Keys made before this migration keep their plain
-- seed until Guild first starts with a KEK, which seals them all in one transaction and clears
-- the plain column.
ALTER TABLE issuer_keys ALTER COLUMN secret_multibase DROP NOT NULL;
-- The seed sealed under the KEK named by kek_id, bound to issuer and public key (sealing.rs).
ALTER TABLE issuer_keys ADD COLUMN secret_sealed TEXT;
-- A short hash of that KEK: a wrong KEK is reported as such, not as a failed decryption.
ALTER TABLE issuer_keys ADD COLUMN kek_id TEXT;
ALTER TABLE issuer_keys ADD CONSTRAINT issuer_keys_one_secret
    CHECK ((secret_multibase IS NULL) <> (secret_sealed IS NULL));
ALTER TABLE issuer_keys ADD CONSTRAINT issuer_keys_sealed_kek
    CHECK ((secret_sealed IS NULL) = (kek_id IS NULL));
