-- Training gigs: a milestone can be "the learner passes this skill test"; the pass approves it.
ALTER TABLE milestones ADD COLUMN test_id BIGINT REFERENCES skill_tests (id);
