//! Web pages for people: server-rendered HTML from templates compiled into the binary
//! (`templates/`), in English and Dutch, with a little plain JavaScript (`assets/guild.js`)
//! and no front-end build. Pages sign in with the same browser sessions as the API; every form
//! that changes something carries the session's CSRF token.
//!
//! The worker's way in: sign up → tell about your work → confirm the skills Guild found →
//! the dashboard, with the work that matches now and why. Anyone can check a credential.

// Page helpers answer a finished page as their error: it is made once per request and
// returned straight away, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod fairness;
mod hourly;
mod i18n;
mod inbox;
mod money;
mod organisations;
mod rankings;
mod reskill;
mod task_editor;
mod tests;
mod wallet;
mod work;

use askama::Template;
use axum::Router;
use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use guild_extraction::analyzer::{AnalyzerScratch, ProfileDraft};
use guild_ids::{ContractId, TaskId};
use guild_matching::{Evidence, Proficiency, WorkMode, Worker, WorkerSkill};
use guild_store::Account;
use guild_taxonomy::SkillId;
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, cookie, csrf_of, token_hash};
use crate::error::ApiError;
use crate::{AppState, blocking};
pub use i18n::{LANG_COOKIE, Lang, Words};

/// The routes of the pages and their assets.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/assets/guild.css", get(css))
        .route("/assets/guild.js", get(js))
        .route("/assets/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/lang/{tag}", get(choose_language))
        .route("/signup", get(signup_page).post(signup))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route("/welcome", get(welcome_page).post(welcome))
        .route(
            "/welcome/cv",
            post(welcome_cv).layer(axum::extract::DefaultBodyLimit::max(
                crate::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/profile", post(save_profile))
        .route("/dashboard", get(dashboard))
        .route("/teach", post(teach))
        .route("/teach/withdraw", post(stop_teaching))
        .route("/verify", get(verify_page).post(verify))
        .route("/projects", get(work::projects).post(work::create_project))
        .route("/projects/{id}", get(work::project))
        .route("/projects/{id}/publish", post(work::publish))
        .route("/projects/{id}/team", get(work::team))
        .route(
            "/projects/{id}/tasks/{task}",
            get(work::task_workers).post(task_editor::save),
        )
        .route(
            "/projects/{id}/tasks/{task}/edit",
            get(task_editor::edit_page),
        )
        .route("/offers", post(work::offer))
        .route("/proposals", post(work::apply))
        .route("/proposals/{id}", post(work::decide))
        .route("/projects/{id}/tasks/{task}/invite", post(work::invite))
        .route("/transitions", get(reskill::transitions))
        .route("/credentials", get(wallet::wallet))
        .route("/credentials/import", post(wallet::import))
        .route("/credentials/share", post(wallet::share))
        .route("/people/{id}", get(wallet::person))
        .route("/tests", get(tests::list))
        .route("/tests/{id}/start", post(tests::start))
        .route("/attempts/{id}", get(tests::attempt).post(tests::answer))
        .route("/transitions/path", get(reskill::path))
        .route("/training/book", post(reskill::book_trainer))
        .route("/transitions/occupations", post(reskill::add_occupation))
        .route(
            "/transitions/occupations/remove",
            post(reskill::remove_occupation),
        )
        .route(
            "/organisations",
            get(organisations::list).post(organisations::create),
        )
        .route("/organisations/{slug}", get(organisations::show))
        .route(
            "/organisations/{slug}/members",
            post(organisations::set_member),
        )
        .route(
            "/organisations/{slug}/keys",
            post(organisations::rotate_key),
        )
        .route(
            "/organisations/{slug}/tests",
            post(organisations::create_test),
        )
        .route("/attempts/{id}/assess", post(organisations::assess))
        .route("/inbox", get(inbox::page))
        .route("/inbox/read", post(inbox::mark_read))
        .route("/rankings", get(rankings::page))
        .route("/notice", get(rankings::notice))
        .route("/rankings/contest", post(rankings::contest))
        .route("/rankings/contest-skill", post(rankings::contest_skill))
        .route("/declaration", get(fairness::page).post(fairness::save))
        .route("/declaration/withdraw", post(fairness::withdraw))
        .route("/admin/contests", get(fairness::queue))
        .route("/admin/contests/decide", post(fairness::decide))
        .route(
            "/organisations/{slug}/contests",
            get(fairness::organisation_queue),
        )
        .route(
            "/organisations/{slug}/contests/decide",
            post(fairness::organisation_decide),
        )
        .route("/money", get(money::page))
        .route("/money/deposit", post(money::deposit))
        .route("/money/withdraw", post(money::withdraw))
        .route("/admin/payments", get(money::admin_payments))
        .route("/admin/payments/reconcile", post(money::reconcile))
        .route("/admin/payments/payouts.csv", get(money::payout_file))
        .route("/contracts/{id}", get(work::contract))
        .route("/contracts/{id}/act", post(work::act))
        .route("/contracts/{id}/weeks", post(hourly::open_week))
        .route(
            "/contracts/{id}/weeks/{n}/timesheet",
            post(hourly::log_time),
        )
        .route("/contracts/{id}/messages", post(work::message))
        .route("/contracts/{id}/review", post(work::review))
}

/// Who is looking, in which language; the CSRF token for their forms when signed in.
pub struct Viewer {
    /// The words of their language.
    pub t: Words,
    /// The signed-in account.
    pub account: Option<Account>,
    /// The session's CSRF token (signed in only).
    pub csrf: String,
}

/// What a page handler answers: the page, or (through `?`) the page that says what went wrong.
type Page = Result<Response, Response>;

impl Viewer {
    /// The viewer of a request; a failure to look them up is answered as a page.
    async fn load(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
        Viewer::of(state, headers)
            .await
            .map_err(|e| failed(Words(Lang::of(headers)), &e))
    }

    async fn of(state: &AppState, headers: &HeaderMap) -> Result<Viewer, ApiError> {
        let t = Words(Lang::of(headers));
        let Some(session) = cookie(headers, SESSION_COOKIE) else {
            return Ok(Viewer {
                t,
                account: None,
                csrf: String::new(),
            });
        };
        let store = state.store.clone();
        let hash = token_hash(&session);
        let now = store.now().to_string();
        let found = blocking(move || store.accounts().account_for_session(&hash, &now)).await?;
        Ok(Viewer {
            t,
            account: found.map(|(a, _)| a),
            csrf: csrf_of(&session),
        })
    }

    /// The signed-in account, or a redirect to sign in.
    fn require(&self) -> Result<&Account, Response> {
        self.account
            .as_ref()
            .ok_or_else(|| Redirect::to("/signin").into_response())
    }

    /// Refuses a form whose CSRF token is not this session's.
    fn check_csrf(&self, given: &str) -> Result<(), Response> {
        if self.account.is_some()
            && !given.is_empty()
            && token_hash(given) == token_hash(&self.csrf)
        {
            Ok(())
        } else {
            Err(problem_page(
                self.t,
                StatusCode::FORBIDDEN,
                self.t.s("form_expired"),
            ))
        }
    }
}

/// One field of a submitted form, as sent.
fn form_field(raw: &[u8], key: &str) -> Option<String> {
    url::form_urlencoded::parse(raw)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A form sent by a signed-in viewer, taken only with their session's CSRF token (its `csrf`
/// field): the viewer, their account and the form's fields.
async fn submission<T: serde::de::DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    raw: &[u8],
) -> Result<(Viewer, Account, T), Response> {
    let v = Viewer::load(state, headers).await?;
    let account = v.require()?.clone();
    v.check_csrf(&form_field(raw, "csrf").unwrap_or_default())?;
    let f = form(headers, raw)?;
    Ok((v, account, f))
}

/// The signed-in account's own worker profile, for the pages that act for it.
fn own_profile(
    store: &guild_store::Store,
    account: guild_ids::AccountId,
) -> Result<guild_ids::WorkerId, guild_store::StoreError> {
    store
        .work()
        .worker_of(account)?
        .map(|w| w.worker.id)
        .ok_or_else(|| guild_store::StoreError::NotFound {
            what: "worker profile",
            id: account.to_string(),
        })
}

/// Sends the browser on to `to`.
fn go(to: &str) -> Page {
    Ok(Redirect::to(to).into_response())
}

/// Refuses a form posted from another site's page (login CSRF: a page elsewhere signing the
/// visitor into the attacker's account). Browsers send `Origin` with every form post (our
/// pages' referrer policy keeps it for same-origin posts); it must name this server, by the
/// `Host` it was asked for or its public URL. A post with neither `Origin` nor `Referer` comes
/// from a program, not a browser, and cannot be forged this way.
fn same_origin(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("null").to_owned())
        .or_else(|| {
            let referer = headers.get(header::REFERER)?.to_str().ok()?;
            let url = url::Url::parse(referer).ok()?;
            Some(url.origin().ascii_serialization())
        });
    let Some(origin) = origin else {
        return Ok(());
    };
    let authority = url::Url::parse(&origin)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .and_then(|u| {
            let host = u.host_str()?.to_owned();
            Some(match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            })
        });
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let public = url::Url::parse(&state.publication.base_url)
        .ok()
        .map(|u| u.origin().ascii_serialization());
    let ours = authority.is_some_and(|a| Some(a.as_str()) == host)
        || public.as_deref() == Some(origin.as_str());
    if ours {
        Ok(())
    } else {
        let t = Words(Lang::of(headers));
        Err(problem_page(
            t,
            StatusCode::FORBIDDEN,
            t.s("form_from_other_site"),
        ))
    }
}

/// Reads a submitted form; a malformed one is answered with a page saying what was wrong.
fn form<T: serde::de::DeserializeOwned>(headers: &HeaderMap, raw: &[u8]) -> Result<T, Response> {
    if let Some((field, _)) =
        url::form_urlencoded::parse(raw).find(|(_, v)| crate::body::has_control(v))
    {
        let t = Words(Lang::of(headers));
        return Err(problem_page(
            t,
            StatusCode::BAD_REQUEST,
            &format!("{} {field}", t.s("form_control_character")),
        ));
    }
    serde_urlencoded::from_bytes(raw).map_err(|e| {
        problem_page(
            Words(Lang::of(headers)),
            StatusCode::BAD_REQUEST,
            &format!("The form was not complete: {e}"),
        )
    })
}

fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage<'a> {
    t: Words,
    signed_in: bool,
    csrf: String,
    /// What kind of trouble, in the reader's words (by the status).
    lead: &'static str,
    detail: &'a str,
    /// The detail is in English on a Dutch page (the API's words, which are English): it is
    /// said so, under a Dutch lead.
    in_english: bool,
}

/// Who a page that says what went wrong is for: their words, and whether they are signed in
/// (so that the page offers "Sign out", not "Sign in", to someone who is).
pub(super) struct Reader {
    t: Words,
    signed_in: bool,
    csrf: String,
}

impl From<Words> for Reader {
    fn from(t: Words) -> Self {
        Reader {
            t,
            signed_in: false,
            csrf: String::new(),
        }
    }
}

impl From<&Viewer> for Reader {
    fn from(v: &Viewer) -> Self {
        Reader {
            t: v.t,
            signed_in: v.account.is_some(),
            csrf: v.csrf.clone(),
        }
    }
}

fn problem_page(reader: impl Into<Reader>, status: StatusCode, detail: &str) -> Response {
    let Reader { t, signed_in, csrf } = reader.into();
    let lead = t.s(match status.as_u16() {
        400 | 422 => "problem_400",
        401 | 403 => "problem_403",
        404 => "problem_404",
        409 => "problem_409",
        413 => "problem_413",
        429 => "problem_429",
        500..=599 => "problem_500",
        _ => "problem_other",
    });
    let mut r = render(&ProblemPage {
        t,
        signed_in,
        csrf,
        lead,
        detail,
        in_english: t.0 == Lang::Nl && !t.is_own(detail),
    });
    *r.status_mut() = status;
    r
}

/// A page's failure as a page: what was wrong, in words.
fn failed(reader: impl Into<Reader>, e: &ApiError) -> Response {
    problem_page(reader, e.status(), e.detail())
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/guild.css"),
    )
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../assets/favicon.svg"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/guild.js"),
    )
}

/// Keeps the chosen language in a cookie and goes back home.
async fn choose_language(axum::extract::Path(tag): axum::extract::Path<String>) -> Response {
    let lang = Lang::parse(&tag).unwrap_or(Lang::En);
    (
        [(
            header::SET_COOKIE,
            format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                lang.tag()
            ),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Words,
    signed_in: bool,
    csrf: String,
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    Ok(render(&HomePage {
        t: v.t,
        signed_in: v.account.is_some(),
        csrf: v.csrf,
    }))
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    t: Words,
    signed_in: bool,
    error: String,
    email: String,
    name: String,
}

async fn signup_page(headers: HeaderMap) -> Page {
    Ok(render(&SignupPage {
        t: Words(Lang::of(&headers)),
        signed_in: false,
        error: String::new(),
        email: String::new(),
        name: String::new(),
    }))
}

#[derive(Deserialize)]
struct SignupForm {
    email: String,
    display_name: String,
    password: String,
}

fn with_cookie(cookie: String, to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, to.to_owned()),
        ],
    )
        .into_response()
}

async fn signup(State(state): State<AppState>, headers: HeaderMap, RawForm(raw): RawForm) -> Page {
    same_origin(&state, &headers)?;
    let f: SignupForm = form(&headers, &raw)?;
    let t = Words(Lang::of(&headers));
    let made = async {
        let account = crate::auth::register(&state, &f.email, &f.display_name, f.password).await?;
        crate::auth::start_session(&state, &headers, account.id).await
    }
    .await;
    match made {
        Ok(s) => Ok(with_cookie(s.cookie, "/welcome")),
        Err(e) => {
            let mut r = render(&SignupPage {
                t,
                signed_in: false,
                error: e.detail().to_owned(),
                email: f.email,
                name: f.display_name,
            });
            *r.status_mut() = e.status();
            Err(r)
        }
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    t: Words,
    signed_in: bool,
    error: String,
    email: String,
}

async fn signin_page(headers: HeaderMap) -> Page {
    Ok(render(&SigninPage {
        t: Words(Lang::of(&headers)),
        signed_in: false,
        error: String::new(),
        email: String::new(),
    }))
}

#[derive(Deserialize)]
struct SigninForm {
    email: String,
    password: String,
}

async fn signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: crate::auth::ClientAddr,
    RawForm(raw): RawForm,
) -> Page {
    same_origin(&state, &headers)?;
    let f: SigninForm = form(&headers, &raw)?;
    let t = Words(Lang::of(&headers));
    let started = async {
        let account = crate::auth::check_sign_in(&state, client, &f.email, f.password).await?;
        crate::auth::start_session(&state, &headers, account.id).await
    }
    .await;
    match started {
        Ok(s) => Ok(with_cookie(s.cookie, "/dashboard")),
        Err(e) => {
            let mut r = render(&SigninPage {
                t,
                signed_in: false,
                error: e.detail().to_owned(),
                email: f.email,
            });
            *r.status_mut() = e.status();
            Err(r)
        }
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
struct NoFields {}

async fn signout(State(state): State<AppState>, headers: HeaderMap, RawForm(raw): RawForm) -> Page {
    let (v, _, NoFields {}) = submission(&state, &headers, &raw).await?;
    if let Some(session) = cookie(&headers, SESSION_COOKIE) {
        let hash = token_hash(&session);
        if let Err(e) = state
            .on_store(move |store| store.accounts().end_session(&hash))
            .await
        {
            return Err(failed(&v, &e));
        }
    }
    Ok(with_cookie(
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        "/",
    ))
}

#[derive(Template)]
#[template(path = "welcome.html")]
struct WelcomePage {
    t: Words,
    signed_in: bool,
    csrf: String,
    text: String,
    error: String,
}

async fn welcome_page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    v.require()?;
    Ok(render(&WelcomePage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf,
        text: String::new(),
        error: String::new(),
    }))
}

/// A skill found in the text, to confirm.
struct FoundSkill {
    id: String,
    label: String,
    quote: String,
    /// The level offered: the one the text tells, else 3.
    level: u8,
    /// The words the level was read from, if the text told it.
    level_from: String,
    /// Offered ticked: the text names it in its own words (not only something close in meaning).
    named: bool,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct SkillsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    skills: Vec<FoundSkill>,
    /// (id, title) of the occupations the text reads like.
    occupations: Vec<(String, String)>,
    languages: String,
}

#[derive(Deserialize)]
struct WelcomeForm {
    text: String,
}

/// Most skills offered for confirmation.
const MAX_FOUND: usize = 25;

async fn welcome(State(state): State<AppState>, headers: HeaderMap, RawForm(raw): RawForm) -> Page {
    let (v, _, f): (_, _, WelcomeForm) = submission(&state, &headers, &raw).await?;
    read_profile(&state, &v, f.text.trim().to_owned()).await
}

/// The page for an upload over the limit, refused before its body is read (so without the
/// session: the words only, in the browser's language).
pub(crate) fn upload_too_large(headers: &HeaderMap) -> Response {
    let t = Words(Lang::of(headers));
    problem_page(t, StatusCode::PAYLOAD_TOO_LARGE, t.s("cv_too_large"))
}

/// Why a CV could not be read, in the reader's language.
fn document_error(t: Words, e: &guild_documents::DocumentError) -> String {
    use guild_documents::DocumentError as D;
    if t.0 == Lang::En {
        return e.to_string();
    }
    match e {
        D::TooLarge { .. } => t.s("cv_too_large").to_owned(),
        D::Empty => t.s("cv_empty").to_owned(),
        D::Unsupported(_) => t.s("cv_unsupported").to_owned(),
        D::Encrypted => t.s("cv_encrypted").to_owned(),
        D::Malformed { kind, .. } => format!("{} ({kind})", t.s("cv_malformed")),
        D::NoText(_) => t.s("cv_no_text").to_owned(),
    }
}

/// A CV uploaded as PDF, DOCX or text (`multipart/form-data`: `csrf`, `cv`): read into text
/// (nothing in it runs), then the same as text typed in.
async fn welcome_cv(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    v.require()?;
    let refuse = |error: String| {
        let mut r = render(&WelcomePage {
            t: v.t,
            signed_in: true,
            csrf: v.csrf.clone(),
            text: String::new(),
            error,
        });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let mut multipart = multipart.map_err(|e| refuse(e.body_text()))?;
    let (mut csrf, mut file) = (String::new(), None);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("cv") => match field.bytes().await {
                    Ok(b) => file = Some(b),
                    Err(e) => {
                        let too_large = guild_documents::DocumentError::TooLarge {
                            size: guild_documents::MAX_BYTES + 1,
                            limit: guild_documents::MAX_BYTES,
                        };
                        let why = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            document_error(v.t, &too_large)
                        } else {
                            e.body_text()
                        };
                        return Err(refuse(why));
                    }
                },
                _ => {}
            },
            Ok(None) => break,
            Err(e) => return Err(refuse(e.body_text())),
        }
    }
    v.check_csrf(&csrf)?;
    let Some(bytes) = file else {
        return Err(refuse(v.t.s("cv_empty").to_owned()));
    };
    let read = blocking(move || Ok(guild_documents::read_text(&bytes)))
        .await
        .map_err(|e| failed(&v, &e))?;
    match read {
        Ok((_, text)) => read_profile(&state, &v, text).await,
        Err(e) => Err(refuse(document_error(v.t, &e))),
    }
}

/// Reads `text` (typed, or from a CV) into skills to confirm, or says why it found none.
async fn read_profile(state: &AppState, v: &Viewer, text: String) -> Page {
    let state = state.clone();
    let again = |error: &str| {
        let mut r = render(&WelcomePage {
            t: v.t,
            signed_in: true,
            csrf: v.csrf.clone(),
            text: text.clone(),
            error: error.to_owned(),
        });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    if text.is_empty() || text.len() > 100_000 {
        return Err(again(v.t.s("no_skills_found")));
    }
    let analyzer = crate::analysis::analyzer(&state)
        .await
        .map_err(|e| failed(v, &e))?;
    let for_analysis = text.clone();
    let draft: ProfileDraft = blocking(move || {
        Ok(analyzer.profile(&mut AnalyzerScratch::default(), &for_analysis, None))
    })
    .await
    .map_err(|e| failed(v, &e))?;
    if draft.skills.is_empty() {
        return Err(again(v.t.s("no_skills_found")));
    }
    let skills = draft
        .skills
        .iter()
        .take(MAX_FOUND)
        .map(|s| FoundSkill {
            id: s.id.clone(),
            label: s.label.clone(),
            quote: s
                .spans
                .first()
                .and_then(|sp| text.get(sp.start..sp.end))
                .unwrap_or_default()
                .to_owned(),
            level: s.level.as_ref().map_or(3, |l| l.level),
            level_from: s
                .level
                .as_ref()
                .map(|l| l.because.clone())
                .unwrap_or_default(),
            named: s.named,
        })
        .collect();
    Ok(render(&SkillsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        skills,
        occupations: draft
            .occupations
            .iter()
            .take(4)
            .map(|o| (o.id.clone(), o.title.clone()))
            .collect(),
        languages: draft.lang,
    }))
}

/// An hourly rate typed in euros ("30", "30.50"), or none when the field is empty.
fn hourly_rate(text: &str, currency: &str) -> Result<Option<guild_matching::Money>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let code = match currency.trim() {
        "" => "EUR",
        code => code,
    };
    let currency = guild_market::Currency::parse(&code.to_ascii_uppercase())
        .map_err(|e| format!("currency of the rate: {e}"))?;
    let amount = guild_market::Amount::parse(&text.replace(',', "."), currency)
        .map_err(|e| format!("hourly rate: {e}"))?;
    guild_matching::Money::new(amount.minor, currency)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Reads the confirmed-skills form: `skill=ID` for each kept skill with `level:ID=1..5`, and
/// the profile's fields.
fn profile_from_form(raw: &[u8], name: &str) -> Result<(Worker, Option<String>), String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw).into_owned().collect();
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut skills = Vec::new();
    for (k, id) in &pairs {
        if k != "skill" {
            continue;
        }
        let level: u8 = field(&format!("level:{id}")).parse().unwrap_or(3);
        let proficiency = Proficiency::new(level).map_err(|e| e.to_string())?;
        let skill = SkillId::parse(id).map_err(|e| format!("{id:?}: {e}"))?;
        skills.push(WorkerSkill {
            skill,
            proficiency,
            // Read from the worker's own words, then confirmed and levelled by them: their
            // declaration ("extracted" is for what they have not confirmed).
            evidence: Evidence::SelfDeclared,
        });
    }
    if skills.is_empty() {
        return Err("keep at least one skill".to_owned());
    }
    let hours: f32 = field("hours_per_week")
        .parse()
        .map_err(|_| "hours a week: give a number, such as 32".to_owned())?;
    let work_mode = match field("work_mode").as_str() {
        "remote" => WorkMode::Remote,
        "on_site" => WorkMode::OnSite,
        _ => WorkMode::Either,
    };
    let languages = field("languages")
        .split(',')
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect();
    let utc_offset_minutes = field("utc_offset_minutes").parse().unwrap_or(0);
    // An hourly rate is optional; clients' team proposals use it.
    let rate = hourly_rate(&field("rate"), &field("rate_currency"))?;
    let worker = Worker {
        id: guild_matching::WorkerId(0),
        name: name.to_owned(),
        skills,
        hours_per_week: hours,
        available_from: None,
        available_until: None,
        utc_offset_minutes,
        work_mode,
        location: None,
        travel_radius_km: 0.0,
        languages,
        rate,
        reputation: guild_matching::Reputation::default(),
    };
    worker.validate().map_err(|e| e.to_string())?;
    let occupation = Some(field("occupation")).filter(|o| !o.is_empty());
    Ok((worker, occupation))
}

async fn save_profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let (worker, occupation) = profile_from_form(&raw, &account.display_name)
        .map_err(|e| problem_page(&v, StatusCode::BAD_REQUEST, &e))?;
    let saved = state
        .on_platform(move |platform| {
            let store = platform.store();
            let id = match store.work().worker_of(account.id)? {
                // A second pass through the welcome pages replaces the profile's skills.
                Some(existing) => {
                    let mut w = worker;
                    w.id = existing.worker.id;
                    store.work().update_worker(existing.worker.id, &w)?;
                    existing.worker.id
                }
                None => store.work().create_worker(Some(account.id), &worker)?,
            };
            // The occupation chosen on the way in joins those the worker named (choosing
            // none leaves them as they were).
            match occupation {
                Some(o) => platform.add_occupation(id, &o).map(|_| ()),
                None => Ok(()),
            }
        })
        .await;
    match saved {
        Ok(()) => go("/dashboard"),
        Err(e) => Err(failed(&v, &e)),
    }
}

/// A match on the dashboard.
struct MatchRow {
    task: TaskId,
    title: String,
    score: String,
    why: Vec<String>,
    missing: usize,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    name: String,
    has_profile: bool,
    skills: Vec<String>,
    matches: Vec<MatchRow>,
    considered: usize,
    /// (id, title, status, the viewer's side).
    contracts: Vec<(ContractId, String, String, &'static str)>,
    /// (what, amount, currency).
    balances: Vec<(&'static str, String, String)>,
    /// (task title, price, status, contract).
    proposals: Vec<(String, String, String, Option<ContractId>)>,
    /// Skills the worker holds well enough to teach: (id, label).
    teachable: Vec<(String, String)>,
    /// Their offers to teach: (skill id, label, remote, rate).
    offers: Vec<(String, String, bool, String)>,
    /// Unread notifications.
    unread: usize,
    /// A platform admin: links to the queues only admins work.
    admin: bool,
}

async fn dashboard(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let me = account.id;
    let loaded = state
        .on_store(move |store| {
            let proposals = store.contracts().proposals_by(me)?;
            // The tasks' titles in one read, not one per proposal.
            let ids: Vec<guild_matching::TaskId> = proposals.iter().map(|p| p.task).collect();
            let tasks = store.work().tasks(&ids)?;
            Ok((
                store.work().worker_of(me)?,
                store.contracts().contracts_of(me)?,
                store.ledger().balances_of(me)?,
                proposals
                    .into_iter()
                    .zip(tasks)
                    .map(|(p, t)| {
                        (
                            t.task.title,
                            format!("{} {}", p.amount, p.currency),
                            p.status.to_string(),
                            p.contract,
                        )
                    })
                    .collect::<Vec<_>>(),
            ))
        })
        .await;
    let (worker, contracts, balances, proposals) = loaded.map_err(|e| failed(&v, &e))?;
    let t = v.t;
    let mut page = DashboardPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        name: account.display_name.clone(),
        has_profile: worker.is_some(),
        skills: Vec::new(),
        matches: Vec::new(),
        considered: 0,
        proposals,
        teachable: Vec::new(),
        offers: Vec::new(),
        unread: inbox::unread(&state, me).await,
        admin: account.role == "admin",
        contracts: contracts
            .into_iter()
            .map(|c| {
                let side = if c.client == me {
                    t.s("as_client")
                } else {
                    t.s("as_worker")
                };
                (c.id, c.title, c.status.to_string(), side)
            })
            .collect(),
        balances: balances
            .into_iter()
            .filter(|b| b.balance_minor != 0)
            .map(|b| {
                let what = match b.kind.as_str() {
                    "worker_balance" => t.s("earnings"),
                    "client_funds" => t.s("client_funds"),
                    _ => t.s("payouts_pending"),
                };
                (what, b.balance, b.currency)
            })
            .collect(),
    };
    if let Some(w) = worker {
        let ids: Vec<String> = w
            .worker
            .skills
            .iter()
            .map(|s| s.skill.to_string())
            .collect();
        let lang = v.t.tag();
        let id = w.worker.id;
        let (labels, offers) = state
            .on_store(move |store| {
                Ok((
                    store.taxonomy().skill_labels_in(&ids, lang)?,
                    store.learning().teaching_offers(id)?,
                ))
            })
            .await
            .map_err(|e| failed(&v, &e))?;
        let label_of = |skill: &str| {
            w.worker
                .skills
                .iter()
                .zip(&labels)
                .find(|(s, _)| s.skill.as_str() == skill)
                .map_or_else(|| skill.to_owned(), |(_, l)| l.clone())
        };
        page.teachable = w
            .worker
            .skills
            .iter()
            .zip(&labels)
            .filter(|(s, _)| s.proficiency.level() >= guild_reskilling::trainers::MIN_TRAINER_LEVEL)
            .filter(|(s, _)| !offers.iter().any(|o| o.skill == s.skill))
            .map(|(s, l)| (s.skill.to_string(), l.clone()))
            .collect();
        page.offers = offers
            .iter()
            .map(|o| {
                (
                    o.skill.to_string(),
                    label_of(o.skill.as_str()),
                    o.remote,
                    o.rate
                        .map(|r| reskill::money_text(r.minor, r.currency.code()))
                        .unwrap_or_default(),
                )
            })
            .collect();
        page.skills = labels;
        let found = crate::matching::top_tasks_for(&state, w.worker, 10, account.id)
            .await
            .map_err(|e| failed(&v, &e))?;
        page.considered = found.considered;
        let names = skill_names(&state, v.t, found.matches.iter().map(|m| &m.breakdown)).await;
        page.matches = found
            .matches
            .into_iter()
            .map(|m| MatchRow {
                task: m.task,
                why: why_lines(v.t.0, Audience::Worker, &m.breakdown, &names),
                missing: m.breakdown.missing.len(),
                title: m.title,
                score: format!("{:.0}", m.score),
            })
            .collect();
    }
    Ok(render(&page))
}

/// The teaching form: a skill held at 4 or more, remote or in person, a rate and its currency.
#[derive(serde::Deserialize)]
struct TeachForm {
    skill: String,
    #[serde(default)]
    remote: Option<String>,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    rate_currency: String,
    #[serde(default)]
    note: String,
}

/// Offers to teach a skill from the dashboard (the reskilling engine's rule decides who may).
async fn teach(State(state): State<AppState>, headers: HeaderMap, RawForm(raw): RawForm) -> Page {
    let (v, account, f): (_, _, TeachForm) = submission(&state, &headers, &raw).await?;
    let bad = |e: String| problem_page(&v, StatusCode::BAD_REQUEST, &e);
    let skill = SkillId::parse(&f.skill).map_err(|e| bad(format!("skill: {e}")))?;
    let rate = hourly_rate(&f.rate, &f.rate_currency).map_err(bad)?;
    let worker = match state
        .on_store(move |store| store.work().worker_of(account.id))
        .await
    {
        Ok(Some(w)) => w.worker.id,
        Ok(None) => return go("/welcome"),
        Err(e) => return Err(failed(&v, &e)),
    };
    let offer = guild_store::TeachingOffer {
        worker,
        skill,
        rate,
        remote: f.remote.is_some(),
        note: f.note.trim().to_owned(),
        created_at: String::new(),
    };
    state
        .on_platform(move |platform| platform.offer_to_teach(&offer))
        .await
        .map_err(|e| failed(&v, &e))?;
    go("/dashboard#teaching")
}

/// Withdraws an offer to teach.
async fn stop_teaching(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, TeachForm) = submission(&state, &headers, &raw).await?;
    let skill = SkillId::parse(&f.skill)
        .map_err(|e| problem_page(&v, StatusCode::BAD_REQUEST, &format!("skill: {e}")))?;
    state
        .on_store(move |store| match store.work().worker_of(account.id)? {
            Some(w) => store.learning().delete_teaching_offer(w.worker.id, &skill),
            None => Ok(()),
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    go("/dashboard#teaching")
}

/// Every skill that explanations name, by id, in the viewer's language.
async fn skill_names<'a>(
    state: &AppState,
    t: Words,
    breakdowns: impl Iterator<Item = &'a guild_matching::Breakdown>,
) -> std::collections::HashMap<String, String> {
    let mut ids: Vec<String> = Vec::new();
    for b in breakdowns {
        for c in b.required.iter().chain(&b.optional) {
            ids.push(c.skill.to_string());
            ids.push(c.held.to_string());
        }
        ids.extend(b.missing.iter().map(|s| s.to_string()));
    }
    ids.sort();
    ids.dedup();
    skill_labels(state, t, ids).await
}

/// The labels of skills `ids` in the viewer's language, by id (none when the store cannot
/// answer: a page shows the ids rather than fail).
async fn skill_labels(
    state: &AppState,
    t: Words,
    ids: Vec<String>,
) -> std::collections::HashMap<String, String> {
    let lang = t.tag();
    state
        .on_store(move |store| {
            let labels = store.taxonomy().skill_labels_in(&ids, lang)?;
            Ok(ids.into_iter().zip(labels).collect())
        })
        .await
        .unwrap_or_default()
}

/// Who reads an explanation of a match: the worker it is about ("you have …"), or the client
/// choosing among candidates ("has …").
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Audience {
    Worker,
    Client,
}

/// A match's score explained in sentences, in the reader's language and person: each required
/// skill and how the worker covers it, levels under the one asked, what is missing, how the
/// other parts count, and the scorer's notes put in words (never its English or skill ids).
fn why_lines(
    lang: Lang,
    reader: Audience,
    b: &guild_matching::Breakdown,
    names: &std::collections::HashMap<String, String>,
) -> Vec<String> {
    let name = |id: &SkillId| {
        names
            .get(id.as_str())
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    let mut lines: Vec<String> = b
        .required
        .iter()
        .map(|c| {
            let (skill, held, level) = (name(&c.skill), name(&c.held), c.proficiency);
            let same = c.skill == c.held;
            let line = match (lang, reader, same) {
                (Lang::En, Audience::Worker, true) => {
                    format!("{skill}: you have it at level {level}")
                }
                (Lang::En, Audience::Worker, false) => {
                    format!("{skill}: you have the related {held} at level {level}")
                }
                (Lang::En, Audience::Client, true) => format!("{skill}: has it at level {level}"),
                (Lang::En, Audience::Client, false) => {
                    format!("{skill}: has the related {held} at level {level}")
                }
                (Lang::Nl, Audience::Worker, true) => {
                    format!("{skill}: u hebt het op niveau {level}")
                }
                (Lang::Nl, Audience::Worker, false) => {
                    format!("{skill}: u hebt het verwante {held} op niveau {level}")
                }
                (Lang::Nl, Audience::Client, true) => {
                    format!("{skill}: heeft het op niveau {level}")
                }
                (Lang::Nl, Audience::Client, false) => {
                    format!("{skill}: heeft het verwante {held} op niveau {level}")
                }
            };
            format!("{line} ({})", evidence_in_words(lang, reader, c.evidence))
        })
        .collect();
    for c in b
        .required
        .iter()
        .filter(|c| c.proficiency < c.min_proficiency)
    {
        let (held, level, asked) = (name(&c.held), c.proficiency, c.min_proficiency);
        lines.push(match (lang, reader) {
            (Lang::En, Audience::Worker) => {
                format!("Your level {level} in {held} is below the {asked} asked: half credit")
            }
            (Lang::En, Audience::Client) => {
                format!("Level {level} in {held}, below the {asked} you asked: half credit")
            }
            (Lang::Nl, Audience::Worker) => {
                format!("Uw niveau {level} in {held} is lager dan de gevraagde {asked}: telt half")
            }
            (Lang::Nl, Audience::Client) => format!(
                "Niveau {level} in {held}, lager dan de door u gevraagde {asked}: telt half"
            ),
        });
    }
    if !b.missing.is_empty() {
        let missing = b.missing.iter().map(name).collect::<Vec<_>>().join(", ");
        lines.push(match (lang, reader) {
            (Lang::En, Audience::Worker) => format!("Still to learn: {missing}"),
            (Lang::En, Audience::Client) => format!("Lacks: {missing}"),
            (Lang::Nl, Audience::Worker) => format!("Nog te leren: {missing}"),
            (Lang::Nl, Audience::Client) => format!("Ontbreekt: {missing}"),
        });
    }
    let p = &b.parts;
    let pct = |x: f32| (x * 100.0).round() as i64;
    lines.push(match lang {
        Lang::En => format!(
            "Required skills {} %, availability {} %, time zone {} %, place {} %, budget {} %",
            pct(p.required),
            pct(p.availability),
            pct(p.time_zone),
            pct(p.location),
            pct(p.budget)
        ),
        Lang::Nl => format!(
            "Vereiste vaardigheden {} %, beschikbaarheid {} %, tijdzone {} %, plaats {} %, budget {} %",
            pct(p.required),
            pct(p.availability),
            pct(p.time_zone),
            pct(p.location),
            pct(p.budget)
        ),
    });
    lines.extend(
        b.notes
            .iter()
            .filter_map(|n| note_in_words(lang, reader, n)),
    );
    lines
}

/// Where a skill's level comes from, and so how much it counts (`Evidence::factor`).
fn evidence_in_words(lang: Lang, reader: Audience, e: guild_matching::Evidence) -> String {
    use guild_matching::Evidence as E;
    let counts = (e.factor() * 100.0).round() as i64;
    match (lang, reader, e) {
        (Lang::En, Audience::Worker, E::SelfDeclared) => {
            format!("your word: counts {counts} %, a skill test makes it count in full")
        }
        (Lang::En, Audience::Client, E::SelfDeclared) => format!("their word: counts {counts} %"),
        (Lang::En, Audience::Worker, E::Extracted) => {
            format!("read from your words, not yet confirmed: counts {counts} %")
        }
        (Lang::En, Audience::Client, E::Extracted) => {
            format!("read from their CV, not yet confirmed: counts {counts} %")
        }
        (Lang::En, _, E::Assessed) => "passed a skill test on Guild".to_owned(),
        (Lang::En, _, E::Credential) => "a verified credential".to_owned(),
        (Lang::En, _, E::CompletedWork) => "shown in finished work".to_owned(),
        (Lang::Nl, Audience::Worker, E::SelfDeclared) => {
            format!("uw eigen woord: telt {counts} %, met een vaardigheidstest telt het volledig")
        }
        (Lang::Nl, Audience::Client, E::SelfDeclared) => format!("eigen opgave: telt {counts} %"),
        (Lang::Nl, Audience::Worker, E::Extracted) => {
            format!("gelezen uit uw tekst, nog niet bevestigd: telt {counts} %")
        }
        (Lang::Nl, Audience::Client, E::Extracted) => {
            format!("gelezen uit het cv, nog niet bevestigd: telt {counts} %")
        }
        (Lang::Nl, _, E::Assessed) => "vaardigheidstest op Guild gehaald".to_owned(),
        (Lang::Nl, _, E::Credential) => "een geverifieerd bewijs".to_owned(),
        (Lang::Nl, _, E::CompletedWork) => "getoond in afgerond werk".to_owned(),
    }
}

/// The scorer's note in the reader's words; `None` for what [`why_lines`] already says (a level
/// under the one asked).
fn note_in_words(lang: Lang, reader: Audience, note: &guild_matching::Note) -> Option<String> {
    use guild_matching::Note;
    match note {
        Note::BelowLevel { .. } => None,
        Note::CurrenciesDiffer { budget, rate } => Some(match lang {
            Lang::En => format!(
                "The budget is in {budget} and the rate in {rate}: not compared, budget counted as half"
            ),
            Lang::Nl => format!(
                "Het budget is in {budget} en het tarief in {rate}: niet vergeleken, budget telt half"
            ),
        }),
        Note::NoRate => Some(
            match (lang, reader) {
                (Lang::En, Audience::Worker) => "You state no rate: budget counted as half",
                (Lang::En, Audience::Client) => "States no rate: budget counted as half",
                (Lang::Nl, Audience::Worker) => "U noemt geen tarief: budget telt half",
                (Lang::Nl, Audience::Client) => "Noemt geen tarief: budget telt half",
            }
            .to_owned(),
        ),
    }
}

/// One check of a verification, for the page.
struct CheckRow {
    name: String,
    passed: bool,
    result: &'static str,
    detail: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    credential: String,
    verdict: String,
    verdict_class: &'static str,
    issuer: String,
    checks: Vec<CheckRow>,
}

async fn verify_page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    Ok(render(&VerifyPage {
        t: v.t,
        signed_in: v.account.is_some(),
        csrf: v.csrf,
        credential: String::new(),
        verdict: String::new(),
        verdict_class: "",
        issuer: String::new(),
        checks: Vec::new(),
    }))
}

#[derive(Deserialize)]
struct VerifyForm {
    credential: String,
}

/// Checks a pasted credential. Public, and it changes nothing, so it needs no CSRF token.
async fn verify(State(state): State<AppState>, headers: HeaderMap, RawForm(raw): RawForm) -> Page {
    let f: VerifyForm = form(&headers, &raw)?;
    use guild_credentials::verify::{CheckResult, Outcome};
    let v = Viewer::load(&state, &headers).await?;
    let bytes = f.credential.clone().into_bytes();
    let report = crate::credentials::verify_bytes(&state, bytes)
        .await
        .map_err(|e| failed(&v, &e))?;
    let (verdict, class) = match report.outcome {
        Outcome::Valid => (v.t.s("verdict_valid"), "good"),
        Outcome::Invalid => (v.t.s("verdict_invalid"), "bad"),
        Outcome::Unverifiable => (v.t.s("verdict_unknown"), "unknown"),
    };
    Ok(render(&VerifyPage {
        t: v.t,
        signed_in: v.account.is_some(),
        csrf: v.csrf.clone(),
        credential: f.credential,
        verdict: verdict.to_owned(),
        verdict_class: class,
        issuer: report.issuer.clone().unwrap_or_default(),
        checks: report
            .checks
            .iter()
            .map(|c| CheckRow {
                name: c.check.clone(),
                passed: c.result == CheckResult::Passed,
                result: match c.result {
                    CheckResult::Passed => v.t.s("passed"),
                    CheckResult::Failed => v.t.s("failed"),
                    CheckResult::NotChecked => "—",
                    // Not translated yet: the word is the report's own.
                    CheckResult::Warning => "warning",
                },
                detail: c.detail.clone(),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod why_tests {
    use super::*;
    use guild_matching::Note;

    /// Each note of the scorer is said in the reader's words, never in the scorer's English;
    /// a level under the one asked is said once, from the credit itself.
    #[test]
    fn the_scorers_notes_are_put_in_the_readers_words() {
        let currencies = Note::CurrenciesDiffer {
            budget: "EUR".to_owned(),
            rate: "USD".to_owned(),
        };
        let below = Note::BelowLevel {
            held: SkillId::parse("esco:skill/x").unwrap(),
            level: 2,
            asked: 3,
        };
        assert_eq!(
            note_in_words(Lang::Nl, Audience::Client, &Note::NoRate).unwrap(),
            "Noemt geen tarief: budget telt half"
        );
        assert_eq!(
            note_in_words(Lang::En, Audience::Worker, &Note::NoRate).unwrap(),
            "You state no rate: budget counted as half"
        );
        assert!(
            note_in_words(Lang::Nl, Audience::Client, &currencies)
                .unwrap()
                .starts_with("Het budget is in EUR en het tarief in USD")
        );
        assert_eq!(note_in_words(Lang::En, Audience::Client, &below), None);
        // The API and the log keep the scorer's sentences.
        assert_eq!(
            serde_json::to_value(&below).unwrap(),
            "esco:skill/x at level 2 is below the 3 asked"
        );
        assert_eq!(
            Note::NoRate.to_string(),
            "the worker states no rate: budget fit counted as one half"
        );
    }
}
