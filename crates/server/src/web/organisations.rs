//! Organisations on the pages: the ones a person belongs to and a form to start one; for an
//! organisation's admins and assessors, its members (admins add people and set roles), its
//! signing keys (admins rotate them), its skill tests (set one with a question bank typed as
//! plain text) and the attempts whose practical work waits to be marked.
//!
//! Who may do what is decided by the organisation in the route and the reader's membership,
//! as in the API: a stranger gets "not a member", never another organisation's data.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guild_credentials::issuer::Organisation;
use guild_ids::AttemptId;
use guild_market::assessment::{NewSkillTest, parse_bank};
use guild_store::SkillQuery;
use serde::Deserialize;

use super::{NoFields, Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::AppState;

/// An organisation the reader belongs to.
pub(super) struct OrgRow {
    pub(super) slug: String,
    pub(super) name: String,
    /// The role, in words.
    pub(super) role: String,
    /// Whether the reader manages it (admin, assessor): its page is theirs.
    pub(super) manages: bool,
    /// Whether the reader decides its contests (reviewer, admin).
    pub(super) reviews: bool,
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    mine: Vec<OrgRow>,
    error: String,
    slug: String,
    name: String,
    url: String,
}

async fn list_page(
    state: &AppState,
    v: &Viewer,
    typed: (String, String, String),
    error: String,
) -> Result<OrganisationsPage, Response> {
    let me = v.require()?.id;
    let mine = state
        .on_store(move |store| store.accounts().organisations_of(me))
        .await
        .map_err(|e| failed(v, &e))?;
    let t = v.t;
    Ok(OrganisationsPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        mine: mine
            .into_iter()
            .map(|(o, role)| OrgRow {
                slug: o.slug,
                name: o.name,
                role: t.s(&format!("role_{role}")).to_owned(),
                manages: role == "admin" || role == "assessor",
                reviews: role == "admin" || role == "reviewer",
            })
            .collect(),
        error,
        slug: typed.0,
        name: typed.1,
        url: typed.2,
    })
}

/// The reader's organisations, and the form to start one.
pub(super) async fn list(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    v.require()?;
    let page = list_page(&state, &v, Default::default(), String::new()).await?;
    Ok(render(&page))
}

#[derive(Deserialize)]
struct NewOrgForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
}

/// Starts an organisation; the reader becomes its admin.
pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, NewOrgForm) = submission(&state, &headers, &raw).await?;
    let (slug, name, url) = (
        f.slug.trim().to_owned(),
        f.name.trim().to_owned(),
        f.url.trim().to_owned(),
    );
    let made = {
        let (slug, name, url) = (slug.clone(), name.clone(), url.clone());
        state
            .on_store(move |store| {
                store.accounts().create_organisation(
                    &slug,
                    &name,
                    Some(url.as_str()).filter(|u| !u.is_empty()),
                    account.id,
                )
            })
            .await
    };
    match made {
        Ok(o) => go(&format!("/organisations/{}", o.slug)),
        Err(e) => {
            let mut page =
                render(&list_page(&state, &v, (slug, name, url), e.detail().to_owned()).await?);
            *page.status_mut() = e.status();
            Err(page)
        }
    }
}

/// A member as the page lists them.
pub(super) struct MemberRow {
    pub(super) name: String,
    pub(super) email: String,
    pub(super) role: String,
}

/// A practical answer to mark.
pub(super) struct PracticalRow {
    pub(super) number: usize,
    pub(super) prompt: String,
    pub(super) answer: String,
}

/// An attempt waiting for an assessor.
pub(super) struct AwaitingRow {
    pub(super) id: AttemptId,
    pub(super) test: String,
    pub(super) started: String,
    pub(super) practical: Vec<PracticalRow>,
    /// The reader's own attempt, which they may not mark.
    pub(super) own: bool,
}

/// What the test form held.
#[derive(Default)]
pub(super) struct TestTyped {
    pub(super) skill: String,
    pub(super) level: String,
    pub(super) title: String,
    pub(super) per_attempt: String,
    pub(super) pass_percent: String,
    pub(super) minutes: String,
    pub(super) cooldown: String,
    pub(super) bank: String,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    slug: String,
    name: String,
    admin: bool,
    members: Vec<MemberRow>,
    /// (created, multibase, retired).
    keys: Vec<(String, String, String)>,
    /// (title, skill, level, bank size).
    tests: Vec<(String, String, i64, i64)>,
    awaiting: Vec<AwaitingRow>,
    typed: TestTyped,
    error: String,
}

/// The organisation in the route and the reader's role in it, which must be `admin` or
/// `assessor`; otherwise the page that says this is not theirs.
async fn membership(
    state: &AppState,
    v: &Viewer,
    slug: String,
) -> Result<(Organisation, bool), Response> {
    let (o, role) = role_in(state, v, slug, &["admin", "assessor"], "not_a_member").await?;
    Ok((o, role == "admin"))
}

/// The organisation `slug` and the viewer's role in it, when it is one of `allowed`; else the
/// page that says so in the words of `refusal`.
pub(super) async fn role_in(
    state: &AppState,
    v: &Viewer,
    slug: String,
    allowed: &'static [&'static str],
    refusal: &'static str,
) -> Result<(Organisation, String), Response> {
    let me = v.require()?.id;
    let found = state
        .on_store(move |store| {
            let o = store.accounts().organisation(&slug)?;
            let role = store.accounts().member_role(o.id, me)?;
            Ok((o, role))
        })
        .await;
    match found {
        Ok((o, Some(role))) if allowed.contains(&role.as_str()) => Ok((o, role)),
        Ok(_) => Err(problem_page(v, StatusCode::FORBIDDEN, v.t.s(refusal))),
        Err(e) => Err(failed(v, &e)),
    }
}

async fn organisation_page(
    state: &AppState,
    v: &Viewer,
    o: Organisation,
    admin: bool,
    typed: TestTyped,
    error: String,
) -> Result<OrganisationPage, Response> {
    let me = v.require()?.id;
    let (id, slug) = (o.id, o.slug.clone());
    let key_name = guild_credentials::issuer::Issuer::Organisation(o.clone()).key_name();
    let (members, keys, tests, awaiting) = state
        .on_store(move |store| {
            Ok((
                store.accounts().members(id)?,
                store.credentials().issuer_keys(&key_name)?,
                store
                    .credentials()
                    .skill_tests(None)?
                    .into_iter()
                    .filter(|t| t.organisation == slug)
                    .collect::<Vec<_>>(),
                store.credentials().attempts_awaiting(id)?,
            ))
        })
        .await
        .map_err(|e| failed(v, &e))?;
    let t = v.t;
    let titles: Vec<(guild_ids::SkillTestId, String)> =
        tests.iter().map(|x| (x.id, x.title.clone())).collect();
    Ok(OrganisationPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        slug: o.slug,
        name: o.name,
        admin,
        members: members
            .into_iter()
            .map(|(_, name, email, role)| MemberRow {
                name,
                email,
                role: t.s(&format!("role_{role}")).to_owned(),
            })
            .collect(),
        keys: keys
            .into_iter()
            .map(|k| {
                (
                    k.created_at.get(..10).unwrap_or(&k.created_at).to_owned(),
                    k.public_multibase,
                    k.retired_at
                        .map(|r| r.get(..10).unwrap_or(&r).to_owned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        tests: tests
            .into_iter()
            .map(|x| (x.title, x.skill, x.level, x.bank_size))
            .collect(),
        awaiting: awaiting
            .into_iter()
            .map(|a| AwaitingRow {
                id: a.id,
                test: titles
                    .iter()
                    .find(|(id, _)| *id == a.test)
                    .map(|(_, title)| title.clone())
                    .unwrap_or_default(),
                started: a
                    .started_at
                    .get(..16)
                    .unwrap_or(&a.started_at)
                    .replace('T', " "),
                own: a.account == me,
                practical: a
                    .questions
                    .iter()
                    .filter(|q| q.kind == "practical")
                    .map(|q| PracticalRow {
                        number: q.number,
                        prompt: q.prompt.clone(),
                        answer: match a.answers.get(q.number - 1) {
                            Some(Some(guild_market::assessment::Answer::Text(s))) => s.clone(),
                            _ => String::new(),
                        },
                    })
                    .collect(),
            })
            .collect(),
        typed,
        error,
    })
}

fn default_test() -> TestTyped {
    TestTyped {
        level: "3".to_owned(),
        per_attempt: "5".to_owned(),
        pass_percent: "70".to_owned(),
        minutes: "30".to_owned(),
        cooldown: "24".to_owned(),
        ..TestTyped::default()
    }
}

/// The organisation in the route, if the reader is one of its admins; otherwise the page that
/// says only admins may do this.
async fn as_admin(state: &AppState, v: &Viewer, slug: String) -> Result<Organisation, Response> {
    match membership(state, v, slug).await? {
        (o, true) => Ok(o),
        (_, false) => Err(problem_page(v, StatusCode::FORBIDDEN, v.t.s("admins_only"))),
    }
}

/// An organisation's page, for its admins and assessors.
pub(super) async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let (o, admin) = membership(&state, &v, slug).await?;
    Ok(render(
        &organisation_page(&state, &v, o, admin, default_test(), String::new()).await?,
    ))
}

/// The same page with a mistake said at the top (and the test form as typed).
async fn refused(
    state: &AppState,
    v: &Viewer,
    o: Organisation,
    admin: bool,
    typed: TestTyped,
    error: String,
) -> Page {
    let mut page = render(&organisation_page(state, v, o, admin, typed, error).await?);
    *page.status_mut() = StatusCode::BAD_REQUEST;
    Err(page)
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Adds a member or changes their role (admins).
pub(super) async fn set_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, _, f): (_, _, MemberForm) = submission(&state, &headers, &raw).await?;
    let o = as_admin(&state, &v, slug).await?;
    let id = o.id;
    match state
        .on_store(move |store| store.accounts().set_member(id, &f.email, &f.role))
        .await
    {
        Ok(_) => go(&format!("/organisations/{}#members", o.slug)),
        Err(e) => refused(&state, &v, o, true, default_test(), e.detail().to_owned()).await,
    }
}

/// Makes a new signing key; the old one stays in the DID document (admins).
pub(super) async fn rotate_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, _, NoFields {}) = submission(&state, &headers, &raw).await?;
    let o = as_admin(&state, &v, slug).await?;
    let name = guild_credentials::issuer::Issuer::Organisation(o.clone()).key_name();
    state
        .on_store(move |store| store.credentials().new_issuer_key(&name).map(|_| ()))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/organisations/{}#keys", o.slug))
}

#[derive(Deserialize)]
struct TestForm {
    #[serde(default)]
    skill: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    per_attempt: String,
    #[serde(default)]
    pass_percent: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    cooldown: String,
    #[serde(default)]
    bank: String,
}

/// Sets a skill test (admins and assessors): the skill by id or by its exact name, the bank
/// as plain text ([`parse_bank`]).
pub(super) async fn create_test(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, _, f): (_, _, TestForm) = submission(&state, &headers, &raw).await?;
    let (o, admin) = membership(&state, &v, slug).await?;
    let typed = TestTyped {
        skill: f.skill.trim().to_owned(),
        level: f.level.trim().to_owned(),
        title: f.title.trim().to_owned(),
        per_attempt: f.per_attempt.trim().to_owned(),
        pass_percent: f.pass_percent.trim().to_owned(),
        minutes: f.minutes.trim().to_owned(),
        cooldown: f.cooldown.trim().to_owned(),
        bank: f.bank.clone(),
    };
    // The skill: an id as typed, else the skill whose name is exactly what was typed.
    let wanted = typed.skill.clone();
    let lang = v.t.tag().to_owned();
    let skill = state
        .on_store(move |store| {
            if let Ok(id) = guild_taxonomy::SkillId::parse(&wanted)
                && store.taxonomy().skill(&id).is_ok()
            {
                return Ok(Some(wanted));
            }
            let found = store.taxonomy().search_skills(&SkillQuery {
                q: Some(wanted.clone()),
                lang: Some(lang),
                limit: 20,
                ..SkillQuery::default()
            })?;
            Ok(found
                .items
                .into_iter()
                .find(|s| s.label.eq_ignore_ascii_case(wanted.trim()))
                .map(|s| s.id))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let Some(skill) = skill else {
        let why = format!("{}: “{}”", v.t.s("no_such_skill"), typed.skill);
        return refused(&state, &v, o, admin, typed, why).await;
    };
    let number = |what: &str, text: &str| -> Result<i64, String> {
        text.parse::<i64>()
            .map_err(|_| format!("{what}: {text:?} is not a whole number"))
    };
    let test = (|| -> Result<NewSkillTest, String> {
        let questions = parse_bank(&typed.bank).map_err(|e| e.to_string())?;
        let t = NewSkillTest {
            skill: skill.clone(),
            level: u8::try_from(number(v.t.s("level"), &typed.level)?).unwrap_or(0),
            title: typed.title.clone(),
            questions_per_attempt: usize::try_from(number(
                v.t.s("per_attempt"),
                &typed.per_attempt,
            )?)
            .unwrap_or(0),
            pass_percent: u8::try_from(number(v.t.s("pass_percent"), &typed.pass_percent)?)
                .unwrap_or(0),
            time_limit_minutes: number(v.t.s("time_limit"), &typed.minutes)?,
            cooldown_hours: number(v.t.s("cooldown"), &typed.cooldown)?,
            questions,
        };
        t.check().map_err(|e| e.to_string())?;
        Ok(t)
    })();
    let test = match test {
        Ok(t) => t,
        Err(why) => return refused(&state, &v, o, admin, typed, why).await,
    };
    let id = o.id;
    match state
        .on_platform(move |platform| platform.create_skill_test(id, &test))
        .await
    {
        Ok(_) => go(&format!("/organisations/{}#tests", o.slug)),
        Err(e) => refused(&state, &v, o, admin, typed, e.detail().to_owned()).await,
    }
}

/// Marks an attempt's practical work (the test's organisation's admins and assessors, never
/// their own attempt): `mark:N=right|wrong` for each practical question.
pub(super) async fn assess(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<AttemptId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let me = account.id;
    let found = state
        .on_store(move |store| {
            let org = store.credentials().attempt_organisation(id)?;
            let role = store.accounts().member_role(org, me)?;
            let slug = store
                .accounts()
                .organisations_of(me)?
                .into_iter()
                .find(|(o, _)| o.id == org)
                .map(|(o, _)| o.slug);
            Ok((store.credentials().attempt(id)?, role, slug))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let (attempt, role, slug) = found;
    let Some(slug) = slug.filter(|_| role.is_some()) else {
        return Err(problem_page(
            &v,
            StatusCode::NOT_FOUND,
            v.t.s("nothing_here"),
        ));
    };
    if attempt.account == me {
        return Err(problem_page(
            &v,
            StatusCode::FORBIDDEN,
            v.t.s("not_own_attempt"),
        ));
    }
    let mut marks = Vec::new();
    for (k, value) in url::form_urlencoded::parse(&raw) {
        let Some(n) = k.strip_prefix("mark:") else {
            continue;
        };
        let n: usize = n.parse().map_err(|_| {
            problem_page(
                &v,
                StatusCode::BAD_REQUEST,
                &format!("{k}: no such question"),
            )
        })?;
        marks.push((n, value == "right"));
    }
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    crate::blocking(move || platform.assess_attempt(&publication, id, &marks))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/organisations/{slug}#awaiting"))
}
