-- A worker chooses to share their profile and credentials at a public link; private by default.
ALTER TABLE workers ADD COLUMN public_profile INTEGER NOT NULL DEFAULT 0;
