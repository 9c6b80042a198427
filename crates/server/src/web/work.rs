//! The client's pages and the contract both sides share: describe a problem → the tasks Guild
//! made of it (AI exposure, presence, skills), edited → publish → the workers who match each
//! task, with why → offer a contract → fund, submit, approve (the worker is paid) → review.
//! Another account's project or contract is "not found", as in the API.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guild_ids::{AccountId, ContractId, ProjectId, ProposalId, WorkerId};
use guild_market::contract::{Action, MilestoneStatus as M, Party, available};
use guild_market::proposal::{ProposalDecision, ProposalStatus};
use guild_market::{Amount, Currency};
use guild_matching::{Audience, ProjectStatus, TaskId, TaskStatus};
use guild_store::{ContractView, ProjectView};
use serde::Deserialize;

use super::{Lang, Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::contracts::{CONTRACT_ACTIONS, MILESTONE_ACTIONS, named};
use crate::error::ApiError;
use crate::{AppState, blocking};

/// The viewer, signed in, or the page that says what to do instead.
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Viewer, guild_store::Account), Response> {
    let v = Viewer::of(state, headers)
        .await
        .map_err(|e| failed(Words(Lang::of(headers)), &e))?;
    let a = v.require()?.clone();
    Ok((v, a))
}

pub(super) fn not_found(t: Words) -> Response {
    problem_page(t, StatusCode::NOT_FOUND, t.s("nothing_here"))
}

pub(super) async fn own_project(
    state: &AppState,
    v: &Viewer,
    owner: AccountId,
    id: ProjectId,
) -> Result<ProjectView, Response> {
    match state.on_store(move |store| store.work().project(id)).await {
        Ok(p) if p.owner == owner => Ok(p),
        Ok(_) => Err(not_found(v.t)),
        Err(e) => Err(failed(v, &e)),
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    projects: Vec<(ProjectId, String, ProjectStatus, usize)>,
    error: String,
    title: String,
    problem: String,
}

pub(super) async fn projects(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let list = state
        .on_store(move |store| store.work().projects_of(account.id))
        .await
        .map_err(|e| failed(&v, &e))?;
    Ok(render(&ProjectsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        projects: list
            .into_iter()
            .map(|p| (p.id, p.title, p.status, p.tasks.len()))
            .collect(),
        error: String::new(),
        title: String::new(),
        problem: String::new(),
    }))
}

#[derive(Deserialize)]
struct NewProjectForm {
    title: String,
    problem: String,
}

pub(super) async fn create_project(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, NewProjectForm) = submission(&state, &headers, &raw).await?;
    let made = if f.title.trim().is_empty() || f.problem.trim().is_empty() {
        Err(ApiError::bad_body(v.t.s("project_needs_both")))
    } else {
        match (
            guild_matching::ProjectTitle::parse(&f.title),
            guild_matching::ProblemStatement::parse(&f.problem),
        ) {
            // Sent twice (a double press, a reload), the draft made the first time is the answer.
            (Ok(_), Ok(_))
                if let Some(id) = same_draft(&state, account.id, &f.title, &f.problem).await =>
            {
                return go(&format!("/projects/{id}"));
            }
            (Ok(title), Ok(problem)) => {
                let req = crate::projects::NewProject {
                    title,
                    problem,
                    lang: None,
                    hours_per_task: None,
                    languages: Vec::new(),
                };
                crate::projects::make(&state, account.id, req, None, 8.0).await
            }
            (Err(e), _) | (_, Err(e)) => Err(ApiError::bad_body(e.to_string())),
        }
    };
    match made {
        Ok(p) => go(&format!("/projects/{}", p.id)),
        Err(e) => {
            let mut r = render(&ProjectsPage {
                t: v.t,
                signed_in: true,
                csrf: v.csrf.clone(),
                projects: Vec::new(),
                error: e.detail().to_owned(),
                title: f.title,
                problem: f.problem,
            });
            *r.status_mut() = e.status();
            Err(r)
        }
    }
}

/// A draft project of `owner` with this title and problem, if one exists.
async fn same_draft(
    state: &AppState,
    owner: AccountId,
    title: &str,
    problem: &str,
) -> Option<ProjectId> {
    let (title, problem) = (title.trim().to_owned(), problem.trim().to_owned());
    state
        .on_store(move |store| store.work().projects_of(owner))
        .await
        .ok()?
        .into_iter()
        .find(|p| {
            p.status == ProjectStatus::Draft
                && p.title.trim() == title
                && p.problem.trim() == problem
        })
        .map(|p| p.id)
}

/// A task row of the project page.
struct TaskRow {
    id: TaskId,
    title: String,
    status: String,
    hours: String,
    /// The budget with its currency, or empty.
    budget: String,
    /// Start and end dates, or empty.
    dates: String,
    /// Where the client said it is done, when that is a place.
    place: String,
    ai: String,
    presence: &'static str,
    skills: Vec<String>,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    id: ProjectId,
    title: String,
    problem: String,
    status: ProjectStatus,
    /// Whether the publish form shows.
    publishable: bool,
    tasks: Vec<TaskRow>,
}

pub(super) async fn project(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ProjectId>,
) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let p = own_project(&state, &v, account.id, id).await?;
    let ids: Vec<String> = p
        .tasks
        .iter()
        .flat_map(|t| t.task.required.iter().chain(&t.task.optional))
        .map(|r| r.skill.to_string())
        .collect();
    let labels = super::skill_labels(&state, v.t, ids).await;
    let tasks = p
        .tasks
        .iter()
        .map(|t| TaskRow {
            id: t.task.id,
            title: t.task.title.clone(),
            status: t.status.to_string(),
            hours: format!("{}", t.task.hours),
            budget: t.task.budget.map_or_else(String::new, |b| {
                format!(
                    "{} {}",
                    guild_market::money::decimal(b.minor, b.currency),
                    b.currency
                )
            }),
            dates: match (t.task.starts, t.task.ends) {
                (None, None) => String::new(),
                (s, e) => format!(
                    "{} – {}",
                    s.map(|d| d.to_string()).unwrap_or_default(),
                    e.map(|d| d.to_string()).unwrap_or_default()
                ),
            },
            place: match &t.task.place {
                guild_matching::Place::Remote => String::new(),
                guild_matching::Place::OnSite { location } => format!(
                    "{} {:.3}, {:.3}",
                    v.t.s("on_site_at"),
                    location.lat,
                    location.lon
                ),
            },
            ai: t
                .ai_exposure
                .map_or_else(|| "—".to_owned(), |a| format!("{:.0} %", a * 100.0)),
            // The client's own choice of a place wins over deconstruction's judgment.
            presence: match t.physical {
                _ if matches!(t.task.place, guild_matching::Place::OnSite { .. }) => {
                    v.t.s("on_site")
                }
                Some(true) => v.t.s("on_site"),
                Some(false) => v.t.s("remote"),
                None => "—",
            },
            skills: t
                .task
                .required
                .iter()
                .map(|r| {
                    labels
                        .get(r.skill.as_str())
                        .cloned()
                        .unwrap_or_else(|| r.skill.to_string())
                })
                .collect(),
        })
        .collect();
    Ok(render(&ProjectPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        id: p.id,
        title: p.title,
        problem: p.problem,
        status: p.status,
        publishable: p.status.publishable(),
        tasks,
    }))
}

#[derive(Deserialize)]
struct PublishForm {
    audience: Audience,
}

pub(super) async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ProjectId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, PublishForm) = submission(&state, &headers, &raw).await?;
    state
        .on_store(move |store| store.work().publish_project(id, account.id, f.audience))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/projects/{id}"))
}

/// A worker who matches a task.
struct WorkerRow {
    id: WorkerId,
    name: String,
    score: String,
    why: Vec<String>,
}

/// A proposal on a task, for its owner.
struct ProposalRow {
    id: ProposalId,
    worker: String,
    cover: String,
    price: String,
    status: ProposalStatus,
    contract: Option<ContractId>,
}

#[derive(Template)]
#[template(path = "task_workers.html")]
struct TaskWorkersPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    project: ProjectId,
    task: TaskId,
    published: bool,
    title: String,
    workers: Vec<WorkerRow>,
    proposals: Vec<ProposalRow>,
}

pub(super) async fn task_workers(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, task)): Path<(ProjectId, TaskId)>,
) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let p = own_project(&state, &v, account.id, id).await?;
    let Some(t) = p.tasks.iter().find(|t| t.task.id == task).cloned() else {
        return Err(not_found(v.t));
    };
    let proposals = state
        .on_store(move |store| {
            let proposals = store.contracts().proposals_on(task)?;
            // The applicants' names in one read, not one per proposal.
            let ids: Vec<guild_matching::WorkerId> = proposals.iter().map(|p| p.worker).collect();
            let workers = store.work().workers(&ids)?;
            Ok(proposals
                .into_iter()
                .zip(workers)
                .map(|(p, w)| ProposalRow {
                    id: p.id,
                    worker: w.worker.name,
                    cover: p.cover,
                    price: format!("{} {}", p.amount, p.currency),
                    status: p.status,
                    contract: p.contract,
                })
                .collect::<Vec<_>>())
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let found = crate::matching::top_workers_for(&state, t.task.clone(), 10, account.id)
        .await
        .map_err(|e| failed(&v, &e))?;
    let names = super::skill_names(&state, v.t, found.matches.iter().map(|m| &m.breakdown)).await;
    Ok(render(&TaskWorkersPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        project: id,
        task,
        published: t.status.published(),
        proposals,
        title: t.task.title,
        workers: found
            .matches
            .into_iter()
            .map(|m| WorkerRow {
                id: m.worker,
                why: super::why_lines(v.t.0, super::Audience::Client, &m.breakdown, &names),
                name: m.name,
                score: format!("{:.0}", m.score),
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
struct OfferForm {
    worker: WorkerId,
    title: String,
    #[serde(default)]
    milestone: String,
    /// The price of the one milestone, or (hourly) the rate per hour.
    amount: String,
    currency: String,
    /// `hourly` for an hourly contract; anything else is fixed-price.
    #[serde(default)]
    kind: String,
    /// For an hourly contract: the most hours a week.
    #[serde(default)]
    weekly_cap_hours: String,
}

/// The client offers a matched worker a contract: fixed-price with one milestone, or hourly
/// (a rate and a weekly cap; the client then funds it week by week).
pub(super) async fn offer(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, OfferForm) = submission(&state, &headers, &raw).await?;
    let money =
        Currency::parse(&f.currency).and_then(|c| Amount::parse(&f.amount, c).map(|a| (c, a)));
    let (currency, amount) = match money {
        Ok(m) => m,
        Err(e) => return Err(problem_page(&v, StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let hourly = if f.kind == "hourly" {
        let cap: i64 = f.weekly_cap_hours.trim().parse().map_err(|_| {
            problem_page(
                &v,
                StatusCode::BAD_REQUEST,
                &format!(
                    "{}: {:?} is not a whole number of hours",
                    v.t.s("weekly_cap"),
                    f.weekly_cap_hours
                ),
            )
        })?;
        Some(guild_market::change::HourlyTerms {
            rate: amount,
            weekly_cap_hours: cap,
        })
    } else {
        None
    };
    let platform = state.platform.clone();
    let offer = guild_platform::ContractOffer {
        title: f.title,
        currency,
        milestones: if hourly.is_some() {
            Vec::new()
        } else {
            vec![(f.milestone, amount)]
        },
        review_days: 7,
        tests: Vec::new(),
        hourly,
    };
    if let Some(id) = same_offer_waiting(&state, account.id, f.worker, &offer).await {
        return go(&format!("/contracts/{id}"));
    }
    let made = blocking(move || platform.propose_contract(account.id, f.worker, offer)).await;
    match made {
        Ok(c) => go(&format!("/contracts/{}", c.id)),
        Err(e) => Err(failed(&v, &e)),
    }
}

/// A contract `client` already proposed to `worker` on the same terms, still unanswered: a form
/// sent twice (a double press, a reload) finds it instead of making a second offer.
pub(super) async fn same_offer_waiting(
    state: &AppState,
    client: AccountId,
    worker: WorkerId,
    offer: &guild_platform::ContractOffer,
) -> Option<ContractId> {
    let title = offer.title.clone();
    let currency = offer.currency.code();
    let milestones: Vec<(String, String)> = offer
        .milestones
        .iter()
        .map(|(t, a)| (t.clone(), a.to_decimal()))
        .collect();
    let rate = offer.hourly.as_ref().map(|h| h.rate.to_decimal());
    let cap = offer.hourly.as_ref().map(|h| h.weekly_cap_hours);
    state
        .on_store(move |store| {
            let Some(owner) = store.work().worker(worker)?.owner else {
                return Ok(None);
            };
            Ok(store
                .contracts()
                .contracts_of(client)?
                .into_iter()
                .find(|c| {
                    c.status == guild_market::contract::ContractStatus::Proposed
                        && c.client == client
                        && c.worker == owner
                        && c.title == title
                        && c.currency == currency
                        && c.hourly_rate == rate
                        && c.weekly_cap_hours == cap
                        && c.milestones.len() == milestones.len()
                        && c.milestones
                            .iter()
                            .zip(&milestones)
                            .all(|(m, (t, a))| m.title == *t && m.amount == *a)
                })
                .map(|c| c.id))
        })
        .await
        .ok()
        .flatten()
}

/// A milestone row, with the actions the viewer may take on it.
pub(super) struct MilestoneRow {
    number: i64,
    title: String,
    amount: String,
    worker_receives: String,
    pub(super) status: String,
    pub(super) actions: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "contract.html")]
struct ContractPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    c: ContractView,
    role: &'static str,
    contract_actions: Vec<(&'static str, &'static str)>,
    milestones: Vec<MilestoneRow>,
    messages: Vec<(String, String)>,
    can_review: bool,
    /// For an hourly contract: its terms in words, the weeks, and whether the viewer may
    /// fund one (the client of an active contract), from which Monday by default.
    hourly: Option<super::hourly::Hourly>,
}

async fn party_to(
    state: &AppState,
    v: &Viewer,
    account: AccountId,
    id: ContractId,
) -> Result<(ContractView, Party), Response> {
    match state
        .on_platform(move |platform| platform.contract_for(id, account))
        .await
    {
        Ok(found) => Ok(found),
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(not_found(v.t)),
        Err(e) => Err(failed(v, &e)),
    }
}

/// The words on an action's button, by its name in URLs and forms.
fn label(action: &str) -> &'static str {
    match action {
        "accept" => "act_accept",
        "decline" => "act_decline",
        "cancel" => "act_cancel",
        "dispute" => "act_dispute",
        "fund" => "act_fund",
        "submit" => "act_submit",
        "approve" => "act_approve",
        "end" => "act_end",
        _ => "act_changes",
    }
}

pub(super) async fn contract(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ContractId>,
) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let (c, party) = party_to(&state, &v, account.id, id).await?;
    let weeks = if c.kind == guild_market::contract::ContractKind::Hourly {
        c.milestones.len()
    } else {
        0
    };
    let (messages, reviewed, sheets, now) = state
        .on_store(move |store| {
            Ok((
                store.messaging().messages(id, account.id)?,
                store.contracts().contract_reviewed(id)?,
                (0..weeks)
                    .map(|w| store.contracts().timesheet(id, w))
                    .collect::<Result<Vec<_>, _>>()?,
                store.now(),
            ))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let t = v.t;
    // The page offers exactly what the contract's state machine would accept from this party.
    let states: Vec<M> = c.milestones.iter().map(|m| m.status).collect();
    let offered = |milestone, table: &[(&'static str, Action)]| {
        let candidates: Vec<Action> = table.iter().map(|(_, a)| *a).collect();
        available(c.kind, c.status, &states, party, milestone, &candidates)
            .into_iter()
            .filter_map(|a| {
                let (name, _) = table.iter().find(|(_, x)| *x == a)?;
                Some((*name, t.s(label(name))))
            })
            .collect::<Vec<_>>()
    };
    let milestones: Vec<MilestoneRow> = c
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| MilestoneRow {
            number: m.number,
            title: m.title.clone(),
            amount: m.amount.clone(),
            worker_receives: m.worker_receives.clone(),
            status: m.status.to_string(),
            actions: offered(Some((i, m.test.is_some())), &MILESTONE_ACTIONS),
        })
        .collect();
    let contract_actions = offered(None, &CONTRACT_ACTIONS);
    let hourly = (c.kind == guild_market::contract::ContractKind::Hourly)
        .then(|| super::hourly::Hourly::of(t, &c, party, &milestones, sheets, now));
    let can_review = guild_platform::Platform::may_review(&c, party, reviewed);
    Ok(render(&ContractPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        role: if party == Party::Client {
            t.s("you_are_client")
        } else {
            t.s("you_are_worker")
        },
        contract_actions,
        milestones,
        messages: messages
            .into_iter()
            .map(|m| {
                let who = if m.sender == account.id {
                    t.s("you")
                } else if party == Party::Client {
                    t.s("the_worker")
                } else {
                    t.s("the_client")
                };
                (who.to_owned(), m.body)
            })
            .collect(),
        can_review,
        hourly,
        c,
    }))
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    #[serde(default)]
    milestone: Option<usize>,
}

pub(super) async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ContractId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, ActForm) = submission(&state, &headers, &raw).await?;
    let (_, party) = party_to(&state, &v, account.id, id).await?;
    let action = match f.milestone {
        Some(_) => named(&MILESTONE_ACTIONS, &f.action),
        None => named(&CONTRACT_ACTIONS, &f.action),
    }
    .ok_or_else(|| {
        problem_page(
            &v,
            StatusCode::BAD_REQUEST,
            &format!("no such action: {:?}", f.action),
        )
    })?;
    let milestone = f.milestone.and_then(|n| n.checked_sub(1));
    match state
        .on_platform(move |platform| platform.act_on_contract(id, party, action, milestone, None))
        .await
    {
        Ok(_) => go(&format!("/contracts/{id}")),
        Err(e) => Err(failed(&v, &e)),
    }
}

#[derive(Deserialize)]
struct MessageForm {
    body: String,
}

pub(super) async fn message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ContractId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, MessageForm) = submission(&state, &headers, &raw).await?;
    party_to(&state, &v, account.id, id).await?;
    state
        .on_store(move |store| store.messaging().post_message(id, account.id, &f.body, &[]))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/contracts/{id}#messages"))
}

#[derive(Deserialize)]
struct ReviewForm {
    rating: i64,
    body: String,
}

pub(super) async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ContractId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, ReviewForm) = submission(&state, &headers, &raw).await?;
    match state
        .on_platform(move |platform| {
            platform.review_worker(
                id,
                account.id,
                &account.display_name,
                f.rating,
                &f.body,
                &[],
            )
        })
        .await
    {
        Ok(_) => go(&format!("/contracts/{id}")),
        Err(e) => Err(failed(&v, &e)),
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    decision: String,
}

/// The task's owner accepts a proposal (an active contract at its price) or declines it; the
/// applicant may withdraw it.
pub(super) async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ProposalId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, DecisionForm) = submission(&state, &headers, &raw).await?;
    let decision = match ProposalDecision::parse(&f.decision) {
        Ok(d) => d,
        Err(e) => return Err(problem_page(&v, StatusCode::BAD_REQUEST, &e.to_string())),
    };
    match state
        .on_platform(move |platform| platform.decide_proposal(id, account.id, decision))
        .await
    {
        Ok(p) => match p.contract {
            Some(c) => go(&format!("/contracts/{c}")),
            None => go("/dashboard"),
        },
        Err(e) => Err(failed(&v, &e)),
    }
}

#[derive(Deserialize)]
struct InviteForm {
    worker: WorkerId,
}

/// The client invites a matched worker to apply to a published task.
pub(super) async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, task)): Path<(ProjectId, TaskId)>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, InviteForm) = submission(&state, &headers, &raw).await?;
    match state
        .on_platform(move |platform| platform.invite(task, account.id, f.worker))
        .await
    {
        // A second press of "Invite" (or a second tab) finds the worker invited: that is what
        // was asked, not an error.
        Ok(()) => go(&format!("/projects/{id}/tasks/{task}")),
        Err(e) if e.code() == "already-invited" => go(&format!("/projects/{id}/tasks/{task}")),
        Err(e) => Err(failed(&v, &e)),
    }
}

#[derive(Deserialize)]
struct ApplyForm {
    task: TaskId,
    cover: String,
    amount: String,
    currency: String,
}

/// A worker applies to an open task from their matches: never a fee.
pub(super) async fn apply(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, ApplyForm) = submission(&state, &headers, &raw).await?;
    let amount = match Currency::parse(&f.currency).and_then(|c| Amount::parse(&f.amount, c)) {
        Ok(a) => a,
        Err(e) => return Err(problem_page(&v, StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let applied = state
        .on_platform(move |platform| {
            let Some(w) = platform.store().work().worker_of(account.id)? else {
                return Err(guild_store::StoreError::Conflict(
                    "make your profile first: tell Guild about your work".to_owned(),
                ));
            };
            platform.apply(f.task, w.worker.id, account.id, &f.cover, amount)
        })
        .await;
    match applied {
        Ok(_) => go("/dashboard#proposals"),
        Err(e) => Err(failed(&v, &e)),
    }
}

/// A member of a proposed team.
struct MemberRow {
    name: String,
    skills: Vec<String>,
    hours: String,
    cost: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    project: ProjectId,
    title: String,
    members: Vec<MemberRow>,
    total: String,
    exact: bool,
    problem: String,
    /// The project's skills no worker on Guild holds yet (the team covers the rest), each with
    /// the nearest workers and the ways to learn it.
    unheld: Vec<UnheldRow>,
}

/// A skill of the project nobody on Guild holds: who comes nearest, and how it is learned.
struct UnheldRow {
    label: String,
    /// Workers whose skills come closest (by the matching's skill similarity): (name, score).
    near: Vec<(String, String)>,
    /// Courses in the catalogue that teach it: (title, provider, hours).
    courses: Vec<(String, String, String)>,
}

/// How many unheld skills get suggestions, and how many of each kind.
const UNHELD_SUGGESTED: usize = 5;
const SUGGESTIONS: usize = 3;

/// For each skill nobody holds: the workers nearest to it (ranked for a task needing only that
/// skill, so the matching's similarity does the work and gives the same reasons as anywhere),
/// and courses that teach it.
async fn unheld_rows(
    state: &AppState,
    t: Words,
    ids: Vec<String>,
    shown_to: AccountId,
) -> Vec<UnheldRow> {
    let labels = super::skill_labels(state, t, ids.clone()).await;
    let mut rows = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let label = labels.get(id).cloned().unwrap_or_else(|| id.clone());
        let Ok(skill) = guild_taxonomy::SkillId::parse(id) else {
            continue;
        };
        if i >= UNHELD_SUGGESTED {
            rows.push(UnheldRow {
                label,
                near: Vec::new(),
                courses: Vec::new(),
            });
            continue;
        }
        let task = guild_matching::Task {
            id: TaskId(0),
            title: label.clone(),
            description: String::new(),
            required: vec![guild_matching::SkillRequirement {
                skill: skill.clone(),
                weight: 1.0,
                min_proficiency: guild_matching::Proficiency::MIN,
            }],
            optional: Vec::new(),
            place: guild_matching::Place::Remote,
            utc_offset_minutes: 0,
            min_overlap_hours: 0.0,
            hours: 1.0,
            hours_per_week: None,
            budget: None,
            languages: Vec::new(),
            starts: None,
            ends: None,
        };
        let near = crate::matching::top_workers_for(state, task, SUGGESTIONS, shown_to)
            .await
            .map(|m| {
                m.matches
                    .into_iter()
                    .filter(|w| w.score > 0.0)
                    .map(|w| (w.name, format!("{:.0}", w.score)))
                    .collect()
            })
            .unwrap_or_default();
        let wanted = skill.clone();
        // No one offers to teach it: a trainer would hold it. Courses may.
        let courses = state
            .on_store(move |store| {
                store
                    .learning()
                    .resources_teaching(std::slice::from_ref(&wanted))
            })
            .await
            .unwrap_or_default();
        rows.push(UnheldRow {
            label,
            near,
            courses: courses
                .into_iter()
                .take(SUGGESTIONS)
                .map(|c| (c.title, c.provider, format!("{:.0}", c.hours)))
                .collect(),
        });
    }
    rows
}

/// The cheapest team of workers (who state a rate in euros) that covers the project's skills:
/// each task's required skills share its hours.
pub(super) async fn team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ProjectId>,
) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let p = own_project(&state, &v, account.id, id).await?;
    let mut hours: Vec<(String, f64)> = Vec::new();
    for t in p.tasks.iter().filter(|t| t.status != TaskStatus::Closed) {
        let n = t.task.required.len().max(1) as f64;
        for r in &t.task.required {
            let share = f64::from(t.task.hours) / n;
            match hours.iter_mut().find(|(s, _)| s == r.skill.as_str()) {
                Some((_, h)) => *h += share,
                None => hours.push((r.skill.to_string(), share)),
            }
        }
    }
    hours.truncate(guild_matching::team::MAX_NEEDS);
    // A skill no profile on Guild holds would make every team impossible: the team is formed
    // for the rest, and the page names what nobody holds yet.
    let wanted: Vec<guild_taxonomy::SkillId> = hours
        .iter()
        .filter_map(|(s, _)| guild_taxonomy::SkillId::parse(s).ok())
        .collect();
    let held = state
        .on_store(move |store| store.work().held_skills(&wanted))
        .await
        .map_err(|e| failed(&v, &e))?;
    let (covered, nobody): (Vec<_>, Vec<_>) = hours
        .into_iter()
        .partition(|(s, _)| held.iter().any(|h| h.as_str() == s));
    let unheld = if nobody.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<String> = nobody.iter().map(|(s, _)| s.clone()).collect();
        unheld_rows(&state, v.t, ids, account.id).await
    };
    let request = serde_json::json!({
        "needs": covered.iter().map(|(s, h)| serde_json::json!({"skill": s, "hours": h})).collect::<Vec<_>>(),
        "currency": "EUR",
        "weeks": 4,
    });
    let (members, total, exact, problem) = match serde_json::from_value(request) {
        _ if covered.is_empty() => (Vec::new(), String::new(), false, String::new()),
        Err(e) => (Vec::new(), String::new(), false, e.to_string()),
        Ok(project) => match crate::matching::propose_team(&state, project, account.id).await {
            Ok(answer) => {
                let ids: Vec<String> = answer
                    .members
                    .iter()
                    .flat_map(|m| m.skills.iter().map(|s| s.to_string()))
                    .collect();
                let labels = super::skill_labels(&state, v.t, ids).await;
                let eur = |minor: i64| super::reskill::money_text(minor, "EUR");
                (
                    answer
                        .members
                        .iter()
                        .map(|m| MemberRow {
                            name: m.name.clone(),
                            skills: m
                                .skills
                                .iter()
                                .map(|s| {
                                    labels
                                        .get(s.as_str())
                                        .cloned()
                                        .unwrap_or_else(|| s.to_string())
                                })
                                .collect(),
                            hours: format!("{:.0}", m.hours),
                            cost: eur(m.cost),
                        })
                        .collect(),
                    eur(answer.total_cost),
                    answer.exact,
                    String::new(),
                )
            }
            Err(e) => (Vec::new(), String::new(), false, e.detail().to_owned()),
        },
    };
    Ok(render(&TeamPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        project: id,
        title: p.title,
        members,
        total,
        exact,
        problem,
        unheld,
    }))
}
