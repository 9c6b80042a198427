-- The occupation a worker says they have done (any taxonomy's id): where their transitions start.
ALTER TABLE workers ADD COLUMN occupation TEXT;
