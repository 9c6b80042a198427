//! The inbox: what happened for the signed-in person (invitations to apply, proposals on their
//! tasks, contract changes, messages, reviews), newest first, each linked to where to act; an
//! invitation carries its application form. Reading the page does not mark anything read; a
//! button does.

use askama::Template;
use axum::extract::{RawForm, State};
use axum::http::HeaderMap;
use guild_ids::TaskId;
use guild_store::Notification;
use serde::Deserialize;

use super::{Lang, Page, Viewer, Words, failed, go, render, submission};
use crate::AppState;

/// How many notifications the page shows.
const SHOWN: usize = 100;

/// A notification as the page shows it.
pub(super) struct Item {
    pub(super) id: i64,
    pub(super) kind: &'static str,
    pub(super) text: String,
    pub(super) when: String,
    pub(super) unread: bool,
    /// Where to go to act on it (empty: nowhere).
    pub(super) href: String,
    /// For an invitation: the task to apply to.
    pub(super) apply_to: Option<TaskId>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    items: Vec<Item>,
    unread: usize,
    newest: i64,
}

/// The id in a subject such as `contract:3`.
fn subject_id(subject: &str, kind: &str) -> Option<i64> {
    subject.strip_prefix(kind)?.strip_prefix(':')?.parse().ok()
}

/// The quoted title in a notification's text (`… "Title" …`).
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(&text[start..end])
}

/// A contract's change as the market words it ("Contract 3: Submit by Worker; now active"), in
/// plain words of the reader's language; `None` for any other text.
fn contract_change(t: Words, text: &str) -> Option<String> {
    let rest = text.strip_prefix("Contract ")?;
    let (id, rest) = rest.split_once(": ")?;
    let (action, rest) = rest.split_once(" by ")?;
    let (party, now) = rest.split_once("; now ")?;
    let nl = t.0 == Lang::Nl;
    let did = match (action, nl) {
        ("Accept", false) => "accepted",
        ("Accept", true) => "aanvaard",
        ("Decline", false) => "declined",
        ("Decline", true) => "afgewezen",
        ("Fund", false) => "funded",
        ("Fund", true) => "gefinancierd",
        ("Submit", false) => "work submitted",
        ("Submit", true) => "werk ingediend",
        ("Approve", false) => "approved and paid",
        ("Approve", true) => "goedgekeurd en betaald",
        ("RequestChanges", false) => "changes asked for",
        ("RequestChanges", true) => "wijzigingen gevraagd",
        ("AutoApprove", false) => "approved after the review time",
        ("AutoApprove", true) => "goedgekeurd na de beoordelingstermijn",
        ("TestPassed", false) => "the test was passed: paid",
        ("TestPassed", true) => "de toets is gehaald: betaald",
        ("Cancel", false) => "cancelled",
        ("Cancel", true) => "geannuleerd",
        ("Dispute", false) => "disputed",
        ("Dispute", true) => "geschil geopend",
        ("Resolve", false) => "the dispute was decided",
        ("Resolve", true) => "over het geschil is beslist",
        ("End", false) => "ended",
        ("End", true) => "beëindigd",
        _ => return None,
    };
    let who = match (party, nl) {
        ("Client", false) => "the client",
        ("Client", true) => "de opdrachtgever",
        ("Worker", false) => "the worker",
        ("Worker", true) => "de werker",
        ("Admin", false) => "a platform admin",
        ("Admin", true) => "een beheerder",
        (_, false) => "Guild",
        (_, true) => "Guild",
    };
    let (by, state) = if nl { ("door", "nu") } else { ("by", "now") };
    Some(format!(
        "Contract {id}: {did} {by} {who}; {state} {}",
        t.state(now)
    ))
}

/// The notification in the reader's language: the contract changes and the kinds whose text
/// Guild writes from parts it knows, in plain words; otherwise the stored (English) text.
fn words(t: Words, n: &Notification) -> String {
    if n.kind == "contract"
        && let Some(said) = contract_change(t, &n.text)
    {
        return said;
    }
    if t.0 != Lang::Nl {
        return n.text.clone();
    }
    match (n.kind.as_str(), quoted(&n.text)) {
        ("invitation", Some(title)) => format!("U bent uitgenodigd om te reageren op “{title}”"),
        ("contract", Some(title)) if n.text.starts_with("You are offered a contract") => {
            format!("U krijgt een contract aangeboden: “{title}”")
        }
        ("proposal", Some(title)) => {
            let price = n.text.rsplit(": ").next().unwrap_or("");
            format!("Nieuw voorstel op “{title}”: {price}")
        }
        ("contest", _) => {
            let (verdict, answer) = if let Some((_, a)) = n.text.split_once(" was upheld: ") {
                ("is gegrond verklaard", a)
            } else if let Some((_, a)) = n.text.split_once(" was rejected: ") {
                ("is afgewezen", a)
            } else {
                return n.text.clone();
            };
            format!("Uw bezwaar {verdict}: {answer}")
        }
        ("message", _) => match n.subject.split_once(':') {
            Some(("contract", id)) => format!("Nieuw bericht bij contract {id}"),
            Some(("proposal", id)) => format!("Nieuw bericht bij voorstel {id}"),
            _ => n.text.clone(),
        },
        _ => n.text.clone(),
    }
}

/// The inbox page.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let me = account.id;
    let (notes, tasks) = state
        .on_store(move |store| {
            let notes = store.messaging().notifications(me, false)?;
            // The projects of the tasks named, so a proposal links to its task's page.
            let ids: Vec<TaskId> = notes
                .iter()
                .take(SHOWN)
                .filter(|n| n.kind == "proposal")
                .filter_map(|n| subject_id(&n.subject, "task").map(TaskId))
                .collect();
            let mut tasks = Vec::new();
            for id in ids {
                if let Ok(t) = store.work().task(id) {
                    tasks.push((id, t.project));
                }
            }
            Ok((notes, tasks))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let t = v.t;
    let newest = notes.iter().map(|n| n.id.0).max().unwrap_or(0);
    let unread = notes.iter().filter(|n| n.read_at.is_none()).count();
    let items = notes
        .iter()
        .take(SHOWN)
        .map(|n| {
            let (kind, href, apply_to) = match n.kind.as_str() {
                "invitation" => (
                    "note_invitation",
                    String::new(),
                    subject_id(&n.subject, "task").map(TaskId),
                ),
                "proposal" => {
                    let href = subject_id(&n.subject, "task")
                        .and_then(|id| tasks.iter().find(|(t, _)| t.0 == id))
                        .and_then(|(task, project)| {
                            project.map(|p| format!("/projects/{p}/tasks/{task}"))
                        })
                        .unwrap_or_else(|| "/dashboard#proposals".to_owned());
                    ("note_proposal", href, None)
                }
                "review" => ("note_review", contract_href(&n.subject), None),
                "message" => ("note_message", contract_href(&n.subject), None),
                "contract" => ("note_contract", contract_href(&n.subject), None),
                "account" => ("note_account", "/dashboard".to_owned(), None),
                "contest" => ("note_contest", "/rankings#contests".to_owned(), None),
                _ => ("note_other", String::new(), None),
            };
            Item {
                id: n.id.0,
                kind: t.s(kind),
                text: words(t, n),
                when: n
                    .created_at
                    .get(..16)
                    .unwrap_or(&n.created_at)
                    .replace('T', " "),
                unread: n.read_at.is_none(),
                href,
                apply_to,
            }
        })
        .collect();
    Ok(render(&InboxPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        items,
        unread,
        newest,
    }))
}

fn contract_href(subject: &str) -> String {
    subject_id(subject, "contract").map_or_else(String::new, |id| format!("/contracts/{id}"))
}

#[derive(Deserialize)]
struct ReadForm {
    #[serde(default)]
    up_to: i64,
}

/// Marks everything up to the newest notification shown as read (what arrived after the page
/// was drawn stays unread).
pub(super) async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, ReadForm) = submission(&state, &headers, &raw).await?;
    state
        .on_store(move |store| {
            store
                .messaging()
                .mark_notifications_read(account.id, f.up_to)
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    go("/inbox")
}

/// How many unread notifications `account` has (for the dashboard's line).
pub(super) async fn unread(state: &AppState, account: guild_ids::AccountId) -> usize {
    state
        .on_store(move |store| store.messaging().notifications(account, true))
        .await
        .map(|n| n.len())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_titles_are_read() {
        assert_eq!(subject_id("contract:3", "contract"), Some(3));
        assert_eq!(subject_id("task:12", "contract"), None);
        assert_eq!(
            quoted("You are invited to apply to \"Count stock\""),
            Some("Count stock")
        );
        let n = Notification {
            id: guild_ids::NotificationId(1),
            kind: "invitation".to_owned(),
            subject: "task:4".to_owned(),
            text: "You are invited to apply to \"Orderpicken\"".to_owned(),
            created_at: "2026-12-07T10:00:00Z".to_owned(),
            read_at: None,
        };
        assert_eq!(
            words(Words(Lang::Nl), &n),
            "U bent uitgenodigd om te reageren op “Orderpicken”"
        );
        assert_eq!(words(Words(Lang::En), &n), n.text);
        let d = Notification {
            kind: "contest".to_owned(),
            subject: "contest:2".to_owned(),
            text: "Your contest of ranking 9 was rejected: The task needs level 3".to_owned(),
            ..n.clone()
        };
        assert_eq!(
            words(Words(Lang::Nl), &d),
            "Uw bezwaar is afgewezen: The task needs level 3"
        );
        let c = Notification {
            kind: "contract".to_owned(),
            subject: "contract:3".to_owned(),
            text: "Contract 3: Submit by Worker; now active".to_owned(),
            ..n
        };
        assert_eq!(
            words(Words(Lang::En), &c),
            "Contract 3: work submitted by the worker; now active"
        );
        assert_eq!(
            words(Words(Lang::Nl), &c),
            "Contract 3: werk ingediend door de werker; nu lopend"
        );
    }
}
