-- Messages between a task's owner and an applicant, on the applicant's proposal.
CREATE TABLE proposal_messages (
    id BIGSERIAL PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    sender_id BIGINT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX proposal_messages_proposal ON proposal_messages (proposal_id, id);
