//! Everything the store holds about one account, as JSON: what a user takes with them. Secrets
//! (password and token hashes, issuer secret keys) are never part of it.

use crate::areas::Accounts;
use guild_ids::{AccountId, TaskId, WorkerId};
use serde_json::{Map, Value as Json};

use crate::StoreError;
use crate::sql::{Tx, Value};

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => Json::from(*i),
        Value::Real(r) => Json::from(*r),
        Value::Text(t) => Json::from(t.as_str()),
        // No account table holds bytes; were one to, its hex digits are portable.
        Value::Bytes(b) => Json::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
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
            for (c, v) in columns.iter().zip(r.values()) {
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

impl Accounts<'_> {
    /// All of an account's data: account, tokens (names, scopes and dates), worker profiles
    /// with skills, projects, tasks, proposals and their messages, credentials issued to its
    /// workers and imported by them, organisations, contracts with milestones and timesheets,
    /// messages sent, notifications, ledger accounts and transfers, payment instructions,
    /// reviews both ways, skill-test attempts, webhooks (without their secrets), its audit
    /// events, and the decision log's rankings shown to it and those its workers appeared in
    /// (their own rows), with what was done after. Secrets (password and token hashes, webhook secrets) are never in it.
    pub fn export_account(&self, account: AccountId) -> Result<Json, StoreError> {
        self.store.read(|tx| {
            let a = [Value::from(account)];
            let mut out = Map::new();
            out.insert("format".into(), "guild-export/1".into());
            out.insert("exported_at".into(), tx.now().to_string().into());
            let sections: [(&str, &[&str], &str); 36] = [
                ("account", &["id", "email", "display_name", "created_at"], "FROM accounts WHERE id = $1"),
                ("tokens", &["id", "name", "scopes", "created_at", "revoked_at"], "FROM api_tokens WHERE account_id = $1 ORDER BY id"),
                ("workers", &["id", "name", "hours_per_week", "available_from", "available_until", "utc_offset_minutes", "work_mode", "lat", "lon", "travel_radius_km", "languages", "rate_minor", "rate_currency", "rating", "reviews", "created_at", "updated_at"], "FROM workers WHERE owner_id = $1 ORDER BY id"),
                ("worker_skills", &["s.worker_id", "s.skill", "s.proficiency", "s.evidence"], "FROM worker_skills s JOIN workers w ON w.id = s.worker_id WHERE w.owner_id = $1 ORDER BY s.worker_id, s.skill"),
                ("worker_occupations", &["o.worker_id", "o.occupation", "o.ord"], "FROM worker_occupations o JOIN workers w ON w.id = o.worker_id WHERE w.owner_id = $1 ORDER BY o.worker_id, o.ord"),
                ("projects", &["id", "title", "problem", "status", "created_at", "updated_at"], "FROM projects WHERE owner_id = $1 ORDER BY id"),
                ("tasks", &["id", "project_id", "title", "description", "place", "hours", "budget_minor", "budget_currency", "languages", "status", "ai_exposure", "physical", "created_at", "updated_at"], "FROM work_tasks WHERE owner_id = $1 ORDER BY id"),
                ("task_skills", &["s.task_id", "s.skill", "s.required", "s.weight", "s.min_proficiency"], "FROM work_task_skills s JOIN work_tasks t ON t.id = s.task_id WHERE t.owner_id = $1 ORDER BY s.task_id, s.ord"),
                ("proposals", &["id", "task_id", "worker_id", "cover", "amount", "currency", "status", "contract_id", "created_at"], "FROM proposals WHERE account_id = $1 ORDER BY id"),
                ("proposal_messages", &["id", "proposal_id", "body", "created_at"], "FROM proposal_messages WHERE sender_id = $1 ORDER BY id"),
                ("teaching", &["t.worker_id", "t.skill", "t.note"], "FROM trainer_offers t JOIN workers w ON w.id = t.worker_id WHERE w.owner_id = $1"),
                ("credentials_received", &["c.id", "c.kind", "c.skill", "c.issuer", "c.issued_at", "c.revoked_at", "c.document"], "FROM issued_credentials c JOIN workers w ON w.id = c.worker_id WHERE w.owner_id = $1 ORDER BY c.status_index"),
                ("credentials_imported", &["i.id", "i.credential_id", "i.issuer", "i.issuer_name", "i.name", "i.imported_at", "i.document"], "FROM imported_credentials i JOIN workers w ON w.id = i.worker_id WHERE w.owner_id = $1 ORDER BY i.id"),
                ("organisations", &["o.id", "o.slug", "o.name", "m.role", "m.added_at"], "FROM organisations o JOIN organisation_members m ON m.organisation_id = o.id WHERE m.account_id = $1"),
                ("contracts", &["id", "client_id", "worker_id", "title", "currency", "fee_bps", "review_days", "kind", "hourly_rate", "weekly_cap_hours", "status", "created_at", "updated_at"], "FROM contracts WHERE client_id = $1 OR worker_id = $1 ORDER BY id"),
                ("milestones", &["m.contract_id", "m.ord", "m.title", "m.amount", "m.status", "m.submitted_at", "m.review_due", "m.week_start"], "FROM milestones m JOIN contracts c ON c.id = m.contract_id WHERE c.client_id = $1 OR c.worker_id = $1 ORDER BY m.contract_id, m.ord"),
                ("timesheets", &["e.contract_id", "e.ord", "e.day", "e.minutes", "e.note"], "FROM timesheet_entries e JOIN contracts c ON c.id = e.contract_id WHERE c.client_id = $1 OR c.worker_id = $1 ORDER BY e.contract_id, e.ord, e.day"),
                ("messages_sent", &["id", "contract_id", "body", "created_at"], "FROM messages WHERE sender_id = $1 ORDER BY id"),
                ("notifications", &["id", "kind", "subject", "text", "created_at", "read_at"], "FROM notifications WHERE account_id = $1 ORDER BY id"),
                ("ledger_accounts", &["kind", "currency", "balance"], "FROM ledger_accounts WHERE owner = $1 AND kind IN ('client_funds', 'worker_balance', 'payouts_pending') ORDER BY kind, currency"),
                ("ledger_postings", &["t.id", "t.kind AS transfer_kind", "t.memo", "t.rate", "t.created_at", "a.kind AS account_kind", "a.currency", "p.amount"], "FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id JOIN ledger_transfers t ON t.id = p.transfer_id WHERE a.owner = $1 AND a.kind IN ('client_funds', 'worker_balance', 'payouts_pending') ORDER BY t.id"),
                ("payment_instructions", &["id", "direction", "reference", "currency", "amount", "status", "beneficiary", "iban", "created_at", "settled_at"], "FROM payment_instructions WHERE account_id = $1 ORDER BY id"),
                ("reviews_received", &["r.id", "r.contract_ref", "r.reviewer_name", "r.rating", "r.body", "r.outcome", "r.created_at"], "FROM reviews r JOIN workers w ON w.id = r.worker_id WHERE w.owner_id = $1 ORDER BY r.id"),
                ("client_reviews_given", &["id", "contract_id", "rating", "body", "created_at"], "FROM client_reviews WHERE reviewer_id = $1 ORDER BY id"),
                ("client_reviews_received", &["id", "contract_id", "rating", "body", "created_at"], "FROM client_reviews WHERE client_id = $1 ORDER BY id"),
                ("test_attempts", &["id", "test_id", "worker_id", "started_at", "deadline", "submitted_at", "status", "detail", "credential_id"], "FROM test_attempts WHERE account_id = $1 ORDER BY id"),
                ("webhooks", &["id", "url", "created_at"], "FROM webhooks WHERE account_id = $1 ORDER BY id"),
                ("audit_events", &["id", "at", "kind", "subject", "detail"], "FROM audit_events WHERE actor = $1 ORDER BY id"),
                ("rankings_shown", &["id", "at", "kind", "task_id", "worker_id", "k", "considered", "inputs"], "FROM decisions WHERE shown_to = $1 ORDER BY id"),
                ("rankings_appeared_in", &["c.decision_id", "d.at", "d.kind", "c.rank", "c.worker_id", "c.task_id", "c.score", "c.parts"], "FROM decision_candidates c JOIN decisions d ON d.id = c.decision_id JOIN workers w ON w.id = c.worker_id WHERE w.owner_id = $1 ORDER BY c.decision_id, c.rank"),
                ("declarations", &["d.worker_id", "d.purpose", "d.consented_at", "d.withdrawn_at"], "FROM declarations d JOIN workers w ON w.id = d.worker_id WHERE w.owner_id = $1"),
                ("contests", &["id", "worker_id", "kind", "decision_id", "skill", "reason", "created_at", "due_at", "decided_at", "outcome", "answer"], "FROM contests WHERE account_id = $1 ORDER BY id"),
                ("decision_outcomes", &["o.at", "o.task_id", "o.worker_id", "o.action"], "FROM decision_outcomes o JOIN workers w ON w.id = o.worker_id WHERE w.owner_id = $1 ORDER BY o.id"),
                ("batches", &["id", "title", "status", "price_minor", "currency", "redundancy", "allowance_secs", "created_at", "opened_at", "closed_at"], "FROM batches WHERE owner_id = $1 ORDER BY id"),
                ("batch_answers", &["a.batch_id", "a.item_id", "a.worker_id", "a.answer", "a.seconds", "a.submitted_at", "a.status", "a.reason"], "FROM batch_answers a JOIN workers w ON w.id = a.worker_id WHERE w.owner_id = $1 ORDER BY a.id"),
                ("batch_records", &["r.batch_id", "r.worker_id", "r.answered", "r.seconds", "r.gold_seen", "r.gold_right", "r.paid_minor"], "FROM batch_workers r JOIN workers w ON w.id = r.worker_id WHERE w.owner_id = $1 ORDER BY r.batch_id"),
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

impl Accounts<'_> {
    /// Deletes an account: its profiles, tasks, tokens, memberships and personal details go;
    /// what others rely on stays without them (contracts and the money they moved keep the
    /// account's number, under the name "deleted account"). Refused while the account has a
    /// live contract or money in the ledger, and for an organisation's last admin.
    pub fn delete_account(&self, account: AccountId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let a = [Value::from(account)];
            let live = tx.query(
                "SELECT id, status FROM contracts WHERE (client_id = $1 OR worker_id = $1) \
                 AND status IN ('proposed', 'active', 'disputed') ORDER BY id LIMIT 1",
                &a,
            )?;
            if let Some(r) = live.first() {
                return Err(StoreError::Conflict(format!(
                    "contract {} is {}: finish, cancel or decline it before deleting the account",
                    r.int("id")?,
                    r.text("status")?
                )));
            }
            let batch = tx.query(
                "SELECT id FROM batches WHERE owner_id = $1 AND status = 'open' ORDER BY id LIMIT 1",
                &a,
            )?;
            if let Some(r) = batch.first() {
                return Err(StoreError::Conflict(format!(
                    "batch {} is open, with money in its escrow: close it before deleting the account",
                    r.int("id")?
                )));
            }
            let money = tx.query(
                "SELECT kind, currency, balance FROM ledger_accounts WHERE owner = $1 \
                 AND kind IN ('client_funds', 'worker_balance', 'payouts_pending') AND balance <> 0 LIMIT 1",
                &a,
            )?;
            if let Some(r) = money.first() {
                return Err(StoreError::Conflict(format!(
                    "{} holds {} minor units of {}: pay it out (and let pending payouts settle) before deleting the account",
                    r.text("kind")?,
                    r.int("balance")?,
                    r.text("currency")?
                )));
            }
            let last_admin = tx.query(
                "SELECT o.slug FROM organisations o JOIN organisation_members m ON m.organisation_id = o.id \
                 WHERE m.account_id = $1 AND m.role = 'admin' AND NOT EXISTS (SELECT 1 FROM organisation_members x \
                 WHERE x.organisation_id = o.id AND x.role = 'admin' AND x.account_id <> $1) LIMIT 1",
                &a,
            )?;
            if let Some(r) = last_admin.first() {
                return Err(StoreError::Conflict(format!(
                    "you are the last admin of organisation {}: make another member admin first",
                    r.text("slug")?
                )));
            }
            let n = tx.execute(
                "UPDATE accounts SET email = $1, display_name = 'deleted account', password_hash = '!' WHERE id = $2",
                &[format!("deleted-{account}@deleted.invalid").into(), account.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "account",
                    id: account.to_string(),
                });
            }
            // What matching indexes must forget, read before it goes.
            let workers: Vec<WorkerId> = tx
                .query("SELECT id FROM workers WHERE owner_id = $1", &[account.into()])?
                .iter()
                .map(|r| r.id("id"))
                .collect::<Result<_, _>>()?;
            let tasks: Vec<TaskId> = tx
                .query("SELECT id FROM work_tasks WHERE owner_id = $1", &[account.into()])?
                .iter()
                .map(|r| r.id("id"))
                .collect::<Result<_, _>>()?;
            for sql in [
                "DELETE FROM api_tokens WHERE account_id = $1",
                "DELETE FROM workers WHERE owner_id = $1",
                "DELETE FROM work_tasks WHERE owner_id = $1",
                "DELETE FROM projects WHERE owner_id = $1",
                "DELETE FROM webhooks WHERE account_id = $1",
                "DELETE FROM notifications WHERE account_id = $1",
                "DELETE FROM learning_resources WHERE owner_id = $1",
                "DELETE FROM organisation_members WHERE account_id = $1",
                "DELETE FROM payment_instructions WHERE account_id = $1 AND status = 'open' AND direction = 'in'",
                "UPDATE payment_instructions SET beneficiary = NULL, iban = NULL WHERE account_id = $1",
                "UPDATE reviews SET reviewer_name = 'deleted account' WHERE reviewer_id = $1",
            ] {
                tx.execute(sql, &a)?;
            }
            crate::matching::record(tx, crate::matching::Changed::Workers(&workers))?;
            crate::matching::record(tx, crate::matching::Changed::Tasks(&tasks))?;
            crate::audit::audit(tx, None, "account.deleted", &format!("account:{account}"), "")
        })
    }
}
