//! Everything the store holds about one account, as JSON: what a user takes with them. Secrets
//! (password and token hashes, issuer secret keys) are never part of it.

use serde_json::{Map, Value as Json};

use crate::sql::{Tx, Value};
use crate::{Store, StoreError};

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => Json::from(*i),
        Value::Real(r) => Json::from(*r),
        Value::Text(t) => Json::from(t.as_str()),
    }
}

/// Rows of `SELECT columns FROM rest` as JSON objects.
fn rows(
    tx: &mut dyn Tx,
    columns: &[&str],
    rest: &str,
    params: &[Value],
) -> Result<Json, StoreError> {
    let sql = format!("SELECT {} {rest}", columns.join(", "));
    let out = tx
        .query(&sql, params)?
        .iter()
        .map(|r| {
            let mut o = Map::new();
            for (c, v) in columns.iter().zip(r.iter()) {
                // "t.name" is written "name", "t.kind AS transfer_kind" "transfer_kind".
                let key = match c.split_once(" AS ") {
                    Some((_, alias)) => alias,
                    None => c.rsplit('.').next().unwrap_or(c),
                };
                o.insert(key.to_owned(), to_json(v));
            }
            Json::Object(o)
        })
        .collect();
    Ok(Json::Array(out))
}

impl Store {
    /// All of an account's data: account, tokens (names and dates), worker profiles with
    /// skills, tasks, credentials issued to its workers and imported by them, organisations,
    /// contracts with milestones, ledger accounts and transfers, payment instructions, reviews
    /// of its workers, and its audit events.
    pub fn export_account(&self, account: i64) -> Result<Json, StoreError> {
        self.read(|tx| {
            let a = [Value::from(account)];
            let mut out = Map::new();
            out.insert("format".into(), "guild-export/1".into());
            out.insert("exported_at".into(), jiff::Timestamp::now().to_string().into());
            let sections: [(&str, &[&str], &str); 16] = [
                ("account", &["id", "email", "display_name", "created_at"], "FROM accounts WHERE id = $1"),
                ("tokens", &["id", "name", "created_at", "revoked_at"], "FROM api_tokens WHERE account_id = $1 ORDER BY id"),
                ("workers", &["id", "name", "hours_per_week", "available_from", "available_until", "utc_offset_minutes", "work_mode", "lat", "lon", "travel_radius_km", "languages", "rate_minor", "rate_currency", "rating", "reviews", "created_at", "updated_at"], "FROM workers WHERE owner_id = $1 ORDER BY id"),
                ("worker_skills", &["s.worker_id", "s.skill", "s.proficiency", "s.evidence"], "FROM worker_skills s JOIN workers w ON w.id = s.worker_id WHERE w.owner_id = $1 ORDER BY s.worker_id, s.skill"),
                ("tasks", &["id", "title", "description", "place", "hours", "budget_minor", "budget_currency", "languages", "status", "created_at", "updated_at"], "FROM work_tasks WHERE owner_id = $1 ORDER BY id"),
                ("teaching", &["t.worker_id", "t.skill", "t.note"], "FROM trainer_offers t JOIN workers w ON w.id = t.worker_id WHERE w.owner_id = $1"),
                ("credentials_received", &["c.id", "c.kind", "c.skill", "c.issuer", "c.issued_at", "c.revoked_at", "c.document"], "FROM issued_credentials c JOIN workers w ON w.id = c.worker_id WHERE w.owner_id = $1 ORDER BY c.status_index"),
                ("credentials_imported", &["i.id", "i.credential_id", "i.issuer", "i.issuer_name", "i.name", "i.imported_at", "i.document"], "FROM imported_credentials i JOIN workers w ON w.id = i.worker_id WHERE w.owner_id = $1 ORDER BY i.id"),
                ("organisations", &["o.id", "o.slug", "o.name", "m.role", "m.added_at"], "FROM organisations o JOIN organisation_members m ON m.organisation_id = o.id WHERE m.account_id = $1"),
                ("contracts", &["id", "client_id", "worker_id", "title", "currency", "fee_bps", "review_days", "status", "created_at", "updated_at"], "FROM contracts WHERE client_id = $1 OR worker_id = $1 ORDER BY id"),
                ("milestones", &["m.contract_id", "m.ord", "m.title", "m.amount", "m.status", "m.submitted_at", "m.review_due"], "FROM milestones m JOIN contracts c ON c.id = m.contract_id WHERE c.client_id = $1 OR c.worker_id = $1 ORDER BY m.contract_id, m.ord"),
                ("ledger_accounts", &["kind", "currency", "balance"], "FROM ledger_accounts WHERE owner = $1 AND kind IN ('client_funds', 'worker_balance', 'payouts_pending') ORDER BY kind, currency"),
                ("ledger_postings", &["t.id", "t.kind AS transfer_kind", "t.memo", "t.rate", "t.created_at", "a.kind AS account_kind", "a.currency", "p.amount"], "FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id JOIN ledger_transfers t ON t.id = p.transfer_id WHERE a.owner = $1 AND a.kind IN ('client_funds', 'worker_balance', 'payouts_pending') ORDER BY t.id"),
                ("payment_instructions", &["id", "direction", "reference", "currency", "amount", "status", "beneficiary", "iban", "created_at", "settled_at"], "FROM payment_instructions WHERE account_id = $1 ORDER BY id"),
                ("reviews_received", &["r.id", "r.contract_ref", "r.reviewer_name", "r.rating", "r.body", "r.outcome", "r.created_at"], "FROM reviews r JOIN workers w ON w.id = r.worker_id WHERE w.owner_id = $1 ORDER BY r.id"),
                ("audit_events", &["id", "at", "kind", "subject", "detail"], "FROM audit_events WHERE actor = $1 ORDER BY id"),
            ];
            for (name, columns, rest) in sections {
                let v = rows(tx, columns, rest, &a)?;
                out.insert(name.to_owned(), v);
            }
            if out["account"].as_array().is_some_and(Vec::is_empty) {
                return Err(StoreError::NotFound {
                    what: "account",
                    id: account.to_string(),
                });
            }
            Ok(Json::Object(out))
        })
    }
}
