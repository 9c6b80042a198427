//! Skill tests in the browser: the tests organisations set, taking one (a random draw of
//! questions, a time limit), and the result; a pass issues the organisation's credential into
//! the worker's wallet and adds assessed evidence to the profile.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guild_ids::{AccountId, AttemptId, SkillTestId};
use guild_market::assessment::{Answer, AttemptStatus};
use guild_store::{AttemptView, SkillTestView};

use super::{NoFields, Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::{AppState, blocking};

/// A test in the list.
struct TestRow {
    id: SkillTestId,
    title: String,
    skill: String,
    level: i64,
    organisation: String,
    questions: i64,
    minutes: i64,
    pass: i64,
    yours: bool,
}

#[derive(Template)]
#[template(path = "tests.html")]
struct TestsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    tests: Vec<TestRow>,
    has_profile: bool,
}

pub(super) async fn list(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let lang = v.t.tag();
    let loaded = state
        .on_store(move |store| {
            let tests: Vec<SkillTestView> = store.credentials().skill_tests(None)?;
            let worker = store.work().worker_of(account.id)?;
            let ids: Vec<String> = tests.iter().map(|t| t.skill.clone()).collect();
            let labels = store.taxonomy().skill_labels_in(&ids, lang)?;
            Ok((tests, worker, labels))
        })
        .await;
    let (tests, worker, labels) = loaded.map_err(|e| failed(&v, &e))?;
    let mine: Vec<String> = worker
        .as_ref()
        .map(|w| {
            w.worker
                .skills
                .iter()
                .map(|s| s.skill.to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut rows: Vec<TestRow> = tests
        .into_iter()
        .zip(labels)
        .map(|(t, label)| TestRow {
            yours: mine.contains(&t.skill),
            id: t.id,
            title: t.title,
            skill: label,
            level: t.level,
            organisation: t.organisation,
            questions: t.questions_per_attempt,
            minutes: t.time_limit_minutes,
            pass: t.pass_percent,
        })
        .collect();
    // Tests of the worker's own skills first.
    rows.sort_by_key(|r| !r.yours);
    Ok(render(&TestsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        tests: rows,
        has_profile: worker.is_some(),
    }))
}

/// Starts an attempt at a test for the viewer's worker profile.
pub(super) async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(test): Path<SkillTestId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let started = state
        .on_platform(move |platform| {
            let store = platform.store();
            let Some(w) = store.work().worker_of(account.id)? else {
                return Err(guild_store::StoreError::Conflict(
                    "make your profile first: tell Guild about your work".to_owned(),
                ));
            };
            platform.start_attempt(test, account.id, w.worker.id)
        })
        .await;
    match started {
        Ok(a) => go(&format!("/attempts/{}", a.id)),
        Err(e) => Err(failed(&v, &e)),
    }
}

/// A question of an attempt, for the page.
struct QuestionRow {
    number: usize,
    kind: &'static str,
    prompt: String,
    options: Vec<(usize, String)>,
    mark: String,
}

#[derive(Template)]
#[template(path = "attempt.html")]
struct AttemptPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    id: AttemptId,
    status: AttemptStatus,
    in_progress: bool,
    deadline: String,
    questions: Vec<QuestionRow>,
    detail: String,
    credential: bool,
}

async fn own_attempt(
    state: &AppState,
    v: &Viewer,
    account: AccountId,
    id: AttemptId,
) -> Result<AttemptView, Response> {
    match state
        .on_store(move |store| store.credentials().attempt(id))
        .await
    {
        Ok(a) if a.account == account => Ok(a),
        Ok(_) => Err(problem_page(
            v,
            StatusCode::NOT_FOUND,
            v.t.s("nothing_here"),
        )),
        Err(e) => Err(failed(v, &e)),
    }
}

pub(super) async fn attempt(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<AttemptId>,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let a = own_attempt(&state, &v, account.id, id).await?;
    Ok(render(&AttemptPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        id: a.id,
        in_progress: a.status.answerable(),
        deadline: a.deadline.get(11..16).unwrap_or(&a.deadline).to_owned(),
        questions: a
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| QuestionRow {
                number: q.number,
                kind: q.kind,
                prompt: q.prompt.clone(),
                options: q.options.iter().cloned().enumerate().collect(),
                mark: a
                    .marks
                    .get(i)
                    .map(|m| format!("{m:?}").to_lowercase())
                    .unwrap_or_default(),
            })
            .collect(),
        detail: a.detail.clone().unwrap_or_default(),
        credential: a.credential.is_some(),
        status: a.status,
    }))
}

/// Hands in the answers: each question's field is `q{number}` (choices may repeat).
pub(super) async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<AttemptId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let a = own_attempt(&state, &v, account.id, id).await?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&raw).into_owned().collect();
    let answers: Vec<Option<Answer>> = a
        .questions
        .iter()
        .map(|q| {
            let key = format!("q{}", q.number);
            let given: Vec<&String> = pairs
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v)
                .collect();
            if q.kind == "choice" {
                let picked: Vec<usize> = given.iter().filter_map(|g| g.parse().ok()).collect();
                (!picked.is_empty()).then_some(Answer::Choice(picked))
            } else {
                given
                    .first()
                    .map(|g| g.trim().to_owned())
                    .filter(|g| !g.is_empty())
                    .map(Answer::Text)
            }
        })
        .collect();
    let (store, platform, publication) = (
        state.store.clone(),
        state.platform.clone(),
        state.publication.clone(),
    );
    match blocking(move || {
        platform.submit_attempt(&publication, id, account.id, &answers, store.now())
    })
    .await
    {
        Ok(_) => go(&format!("/attempts/{id}")),
        Err(e) => Err(failed(&v, &e)),
    }
}
