-- The double-entry ledger: accounts with their balances, transfers (each with a unique
-- idempotency key and the fingerprint of the request that made it), and the postings of each
-- transfer, which sum to zero per currency. Amounts are integer minor units.
CREATE TABLE ledger_accounts (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The user account (client funds, worker balance, pending payouts) or contract (escrow);
    -- 0 for the world and the platform's fees.
    owner BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- Kept equal to the sum of the account's postings, in the same transaction.
    balance BIGINT NOT NULL DEFAULT 0,
    UNIQUE (kind, owner, currency)
);

CREATE TABLE ledger_transfers (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    memo TEXT NOT NULL,
    -- The exchange rate used, for conversions ("1.0825 USD/EUR").
    rate TEXT,
    -- The user account that asked for it; NULL for the operator and the system.
    actor BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE ledger_postings (
    transfer_id BIGINT NOT NULL REFERENCES ledger_transfers (id),
    account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    amount BIGINT NOT NULL,
    PRIMARY KEY (transfer_id, account_id)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, transfer_id);

-- Bank transfers expected in (deposits quoting a reference) and sent out (payouts).
CREATE TABLE payment_instructions (
    id BIGSERIAL PRIMARY KEY,
    -- 'in' or 'out'.
    direction TEXT NOT NULL,
    -- ISO 11649 creditor reference the payer quotes (in) or Guild quotes (out).
    reference TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    -- For 'out', the exact amount sent; for 'in', what the client said it would send, if it did.
    amount BIGINT,
    -- 'open', 'settled' or 'returned'.
    status TEXT NOT NULL,
    -- For 'out': the payout transfer, and the ledger account the money came from.
    transfer_id BIGINT REFERENCES ledger_transfers (id),
    source_kind TEXT,
    beneficiary TEXT,
    iban TEXT,
    created_at TEXT NOT NULL,
    settled_at TEXT
);
CREATE INDEX payment_instructions_account ON payment_instructions (account_id, id);

-- Every statement line ever read, so that a statement read twice changes nothing.
CREATE TABLE bank_lines (
    bank_id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT,
    -- 'deposit', 'payout_settled', 'payout_returned' or 'unmatched'.
    outcome TEXT NOT NULL,
    transfer_id BIGINT REFERENCES ledger_transfers (id),
    note TEXT,
    read_at TEXT NOT NULL
);

-- Exchange rates the operator sets, used for payouts in another currency.
CREATE TABLE exchange_rates (
    base TEXT NOT NULL,
    quote TEXT NOT NULL,
    nanos BIGINT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (base, quote)
);
