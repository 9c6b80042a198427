//! Accounts and API tokens: sign up, get a token with e-mail and password, send it as
//! `Authorization: Bearer …`.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults, RFC 9106's second
//! recommended parameter set); tokens are 32 random bytes shown once and stored only as their
//! SHA-256, so a leaked database gives no usable token.

use crate::params::Path;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use guild_ids::{AccountId, TokenId};
use guild_store::Account;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::body::Body;
use crate::error::ApiError;
use crate::{AppState, blocking};

/// Failed sign-ins on one account from one client address that cost nothing, within
/// [`LOGIN_WINDOW_SECS`]; each failure after these doubles the wait before the next try from
/// that address (1 s, 2 s, 4 s, … up to [`MAX_LOGIN_DELAY_SECS`]).
pub const FREE_FAILED_LOGINS: i64 = 3;
/// The longest wait between tries from one address.
pub const MAX_LOGIN_DELAY_SECS: i64 = 15 * 60;
/// Failed sign-ins on one account from all addresses together within the window after which
/// every try on that account is spaced by [`SPACED_LOGIN_SECS`]: slowed, never locked, so that
/// nobody can lock another person out by guessing wrong on purpose.
pub const CEILING_FAILED_LOGINS: i64 = 30;
/// The spacing between tries on an account past the ceiling.
pub const SPACED_LOGIN_SECS: i64 = 2;
/// The sign-in throttling window.
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;

/// The client's address, as the rate limiter found it (the peer, or the nearest untrusted
/// address behind trusted proxies); unspecified when the server runs without the limiter.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(std::net::IpAddr::V4(
                std::net::Ipv4Addr::UNSPECIFIED,
            ))))
    }
}

/// How long a sign-in from `client` must still wait, given the failures counted on the
/// account, at `now`: `None` when it may go ahead.
fn sign_in_wait(counts: &guild_store::EventCounts, now: jiff::Timestamp) -> Option<i64> {
    let since = |last: &Option<String>| -> i64 {
        last.as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map_or(i64::MAX, |t| now.duration_since(t).as_secs())
    };
    let mut wait = 0;
    if counts.with_detail >= FREE_FAILED_LOGINS {
        let exponent = u32::try_from(counts.with_detail - FREE_FAILED_LOGINS).unwrap_or(u32::MAX);
        let delay = 1i64
            .checked_shl(exponent.min(62))
            .unwrap_or(i64::MAX)
            .min(MAX_LOGIN_DELAY_SECS);
        wait = wait.max(delay - since(&counts.last_with_detail));
    }
    if counts.all >= CEILING_FAILED_LOGINS {
        wait = wait.max(SPACED_LOGIN_SECS - since(&counts.last));
    }
    (wait > 0).then_some(wait)
}

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::internal(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(&e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(&e))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The SHA-256 of a token, hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String, ApiError> {
    Ok(format!("gld_{}", random_hex::<32>()?))
}

/// `N` random bytes from the operating system, as lowercase hex.
pub(crate) fn random_hex<const N: usize>() -> Result<String, ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The token of an `Authorization: Bearer <token>` value; the scheme name is
/// case-insensitive (RFC 7235 section 2.1), the token is not.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The signed-in account of a request; answers 401 when there is none.
///
/// Two ways in: an API token (`Authorization: Bearer …`), or a browser session cookie
/// (`guild_session`, HttpOnly, SameSite=Strict) — with which every request that changes
/// something must also carry the session's CSRF token in `X-CSRF-Token`. A suspended account
/// reaches only its own account, its data export and its appeal.
pub struct Caller(pub Account);

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guild_session";
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

pub(crate) fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// What a suspended account may still do.
fn allowed_while_suspended(parts: &Parts) -> bool {
    let path = parts.uri.path();
    matches!(
        (parts.method.as_str(), path),
        ("GET", "/api/v1/me")
            | ("GET", "/api/v1/me/export")
            | ("POST", "/api/v1/me/appeal")
            | ("DELETE", "/api/v1/sessions/current")
            | ("GET", "/api/v1/notifications")
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let account = if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(bearer_token)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::unauthorized("the Authorization header must be Bearer <token>")
                })?;
            let hash = token_hash(token);
            let (account, scopes) = state
                .on_store(move |store| store.accounts().account_for_token(&hash))
                .await?
                .ok_or_else(|| ApiError::unauthorized("the token is unknown or revoked"))?;
            if let Some(scopes) = scopes {
                // The area comes from the route the router matched, never from the path's
                // own segments, which the caller chooses.
                let route = parts
                    .extensions
                    .get::<axum::extract::MatchedPath>()
                    .map(axum::extract::MatchedPath::as_str);
                crate::scopes::check(&scopes, parts.method.as_str(), route, parts.uri.path())
                    .map_err(ApiError::forbidden)?;
            }
            account
        } else if let Some(session) = cookie(&parts.headers, SESSION_COOKIE) {
            let hash = token_hash(&session);
            let store = state.store.clone();
            let now = store.now().to_string();
            let (account, csrf_hash) =
                blocking(move || store.accounts().account_for_session(&hash, &now))
                    .await?
                    .ok_or_else(|| {
                        ApiError::unauthorized("the session has ended: sign in again")
                    })?;
            let safe = matches!(parts.method.as_str(), "GET" | "HEAD" | "OPTIONS");
            if !safe {
                let given = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .map(token_hash);
                if given.as_deref() != Some(csrf_hash.as_str()) {
                    return Err(ApiError::forbidden(
                        "a request that changes something needs the session's CSRF token in the X-CSRF-Token header",
                    ));
                }
            }
            account
        } else {
            return Err(ApiError::unauthorized(
                "sign in: send Authorization: Bearer <token> (POST /api/v1/tokens gives one), or use a session (POST /api/v1/sessions)",
            ));
        };
        if let Some(reason) = &account.suspended
            && !allowed_while_suspended(parts)
        {
            return Err(ApiError::forbidden(format!(
                "the account is suspended: {reason}. Your data export (GET /api/v1/me/export) still works, and you can appeal (POST /api/v1/me/appeal)"
            )));
        }
        Ok(Caller(account))
    }
}

/// A platform admin; 403 for anyone else.
pub struct Admin(pub Account);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Caller(account) = Caller::from_request_parts(parts, state).await?;
        if account.role != "admin" {
            return Err(ApiError::forbidden("this needs a platform admin"));
        }
        Ok(Admin(account))
    }
}

/// A new account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    /// E-mail address to sign in with.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
}

fn check_email(email: &str) -> Result<(), ApiError> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(char::is_whitespace);
    if !ok {
        return Err(ApiError::bad_field(
            "email",
            format!("{e:?} is not an e-mail address"),
        ));
    }
    Ok(())
}

/// Makes an account.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = SignUp,
    responses((status = 201, body = Account), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub async fn sign_up(
    State(state): State<AppState>,
    Body(req): Body<SignUp>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let account = register(&state, &req.email, &req.display_name, req.password).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Makes an account: checks the e-mail address, name and password, hashes the password with
/// argon2id. Shared by the API and the sign-up page.
pub(crate) async fn register(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: String,
) -> Result<Account, ApiError> {
    check_email(email)?;
    let name = display_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_field(
            "display_name",
            "must have 1 to 100 characters",
        ));
    }
    if password.chars().count() < MIN_PASSWORD || password.len() > 1024 {
        return Err(ApiError::bad_field(
            "password",
            format!("must have at least {MIN_PASSWORD} characters (and at most 1024 bytes)"),
        ));
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let email = email.to_owned();
    state
        .on_store(move |store| store.accounts().create_account(&email, &name, &hash))
        .await
}

/// E-mail and password, for a token.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The account's e-mail address.
    pub email: String,
    /// Its password.
    pub password: String,
    /// A name to recognise the token by (default "api").
    pub name: Option<String>,
    /// What the token may reach: areas of the API, each whole (`money`) or read-only
    /// (`money:read`). Areas: profile, work, contracts, money, credentials, tests, webhooks,
    /// account. Absent: all the account may do.
    pub scopes: Option<Vec<String>>,
}

/// A new token: shown once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewToken {
    /// The token's id (to revoke it).
    pub id: i64,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Whose it is.
    pub account: Account,
}

/// Checks an e-mail and password, throttled per account and client address: a few failures
/// are free, then each doubles the wait before the next try from that address; past a ceiling
/// of failures from everywhere, tries on the account are spaced out but never refused for
/// long, so that a stranger cannot lock a person out. Every refusal says when to come back
/// (`Retry-After`). Counted from the audit log, so it holds across restarts and servers sharing
/// the database; failures are recorded with the address, never the password.
pub(crate) async fn check_sign_in(
    state: &AppState,
    client: ClientAddr,
    email: &str,
    password: String,
) -> Result<Account, ApiError> {
    let tried: String = email.trim().to_lowercase().chars().take(200).collect();
    let address = client.0.to_string();
    let store = state.store.clone();
    let subject = format!("email:{tried}");
    let now = store.now();
    let since = (now - jiff::SignedDuration::from_secs(LOGIN_WINDOW_SECS)).to_string();
    let from = address.clone();
    let counts = blocking(move || {
        store
            .accounts()
            .event_counts_since("login.failed", &subject, &from, &since)
    })
    .await?;
    if let Some(wait) = sign_in_wait(&counts, now) {
        return Err(ApiError::too_many_after(
            format!("too many failed sign-ins to this account from here: try again in {wait} s"),
            u64::try_from(wait).unwrap_or(1),
        ));
    }
    let lookup = email.to_owned();
    let found = state
        .on_store(move |store| store.accounts().account_by_email(&lookup))
        .await?;
    // Verify against a fixed hash when the account does not exist, so that timing does not
    // tell which e-mail addresses have accounts.
    let (account, hash) = match found {
        Some((a, h)) => (Some(a), h),
        None => (None, DUMMY_HASH.to_owned()),
    };
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match account.filter(|_| ok) {
        Some(a) => Ok(a),
        None => {
            state
                .on_store(move |store| {
                    store.accounts().audit_event(
                        None,
                        "login.failed",
                        &format!("email:{tried}"),
                        &address,
                    )
                })
                .await?;
            Err(ApiError::unauthorized("wrong e-mail address or password"))
        }
    }
}

/// Exchanges e-mail and password for an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 401, body = crate::Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    client: ClientAddr,
    Body(req): Body<TokenRequest>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    let account = check_sign_in(&state, client, &req.email, req.password).await?;
    let token = new_token()?;
    let name = req.name.unwrap_or_else(|| "api".to_owned());
    if name.chars().count() > 100 {
        return Err(ApiError::bad_field(
            "name",
            "must have at most 100 characters",
        ));
    }
    let scopes = req
        .scopes
        .as_deref()
        .map(crate::scopes::normalise)
        .transpose()
        .map_err(|e| ApiError::bad_field("scopes", e))?;
    let (hash, account_id) = (token_hash(&token), account.id);
    let id = state
        .on_store(move |store| {
            store
                .accounts()
                .create_token(account_id, &name, &hash, scopes.as_deref())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { id, token, account })))
}

/// The caller's API tokens (never the tokens themselves), newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<guild_store::TokenInfo>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<guild_store::TokenInfo>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.accounts().tokens_of(caller.id))
            .await?,
    ))
}

/// Sign-in for a browser.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// E-mail address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A browser session: the cookie is set; send `csrf_token` as `X-CSRF-Token` with every
/// request that changes something.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewSession {
    /// The CSRF token of this session.
    pub csrf_token: String,
    /// When the session ends.
    pub expires_at: String,
    /// Whose it is.
    pub account: Account,
}

/// Signs in a browser: sets the `guild_session` cookie (HttpOnly, SameSite=Strict, Secure
/// when Guild is served over https). A session presented before is ended, and the new one has
/// a fresh id (no session fixation).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts", request_body = SessionRequest,
    responses((status = 201, body = NewSession), (status = 401, body = crate::Problem), (status = 429, body = crate::Problem)))]
pub async fn create_session(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    client: ClientAddr,
    Body(req): Body<SessionRequest>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let account = check_sign_in(&state, client, &req.email, req.password).await?;
    let started = start_session(&state, &headers, account.id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, started.cookie)],
        Json(NewSession {
            csrf_token: started.csrf,
            expires_at: started.expires_at,
            account,
        }),
    )
        .into_response())
}

/// A browser session just started.
pub(crate) struct StartedSession {
    /// The `Set-Cookie` value.
    pub cookie: String,
    /// Its CSRF token.
    pub csrf: String,
    /// When it ends.
    pub expires_at: String,
}

/// The CSRF token of a session, derived from the session's own token: pages can put it in
/// their forms without storing it, and nobody without the (HttpOnly) cookie can compute it.
pub(crate) fn csrf_of(session: &str) -> String {
    token_hash(&format!("guild-csrf:{session}"))
}

/// Starts a browser session for `account`, ending the one the browser presented (no session
/// fixation).
pub(crate) async fn start_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    account: AccountId,
) -> Result<StartedSession, ApiError> {
    let session = new_token()?;
    let csrf = csrf_of(&session);
    let expires = state.store.now() + jiff::SignedDuration::from_hours(SESSION_HOURS);
    let previous = cookie(headers, SESSION_COOKIE).map(|v| token_hash(&v));
    let (sh, ch, until) = (token_hash(&session), token_hash(&csrf), expires.to_string());
    state
        .on_store(move |store| {
            store
                .accounts()
                .create_session(account, &sh, &ch, &until, previous.as_deref())
        })
        .await?;
    let secure = if state.publication.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    Ok(StartedSession {
        cookie: format!(
            "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            SESSION_HOURS * 3600
        ),
        csrf,
        expires_at: expires.to_string(),
    })
}

/// Signs the browser out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts",
    responses((status = 204), (status = 401, body = crate::Problem), (status = 403, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn end_session(
    State(state): State<AppState>,
    Caller(_): Caller,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let session = cookie(&headers, SESSION_COOKIE).map(|v| token_hash(&v));
    if let Some(hash) = session {
        state
            .on_store(move |store| store.accounts().end_session(&hash))
            .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
    )
        .into_response())
}

/// An appeal against a suspension.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    /// Why the suspension is wrong.
    pub text: String,
}

/// Appeals against the caller's suspension; a platform admin decides.
#[utoipa::path(post, path = "/api/v1/me/appeal", tag = "accounts", request_body = AppealRequest,
    responses((status = 201), (status = 409, body = crate::Problem)), security(("bearer" = [])))]
pub async fn appeal(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(req): Body<AppealRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .on_store(move |store| store.accounts().appeal(caller.id, &req.text))
        .await?;
    Ok(StatusCode::CREATED)
}

/// A suspension to set.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    /// Why: shown to the account, kept in the audit log.
    pub reason: String,
}

/// Suspends an account (platform admins): it keeps its data export and may appeal.
#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/suspension", tag = "admin", request_body = Suspension,
    params(("id" = i64, Path, description = "The account")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)), security(("bearer" = [])))]
pub async fn suspend(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<AccountId>,
    Body(s): Body<Suspension>,
) -> Result<StatusCode, ApiError> {
    let reason = s.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::bad_field(
            "reason",
            "1 to 1000 characters: a suspension always says why",
        ));
    }
    if id == admin.id {
        return Err(ApiError::forbidden("admins do not suspend themselves"));
    }
    state
        .on_store(move |store| store.accounts().set_suspension(id, Some(&reason), admin.id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts an account's suspension (platform admins); its open appeals are decided as lifted.
#[utoipa::path(delete, path = "/api/v1/admin/accounts/{id}/suspension", tag = "admin",
    params(("id" = i64, Path, description = "The account")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)), security(("bearer" = [])))]
pub async fn reinstate(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<AccountId>,
) -> Result<StatusCode, ApiError> {
    state
        .on_store(move |store| store.accounts().set_suspension(id, None, admin.id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An open appeal.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OpenAppeal {
    /// Its number.
    pub id: i64,
    /// The suspended account.
    pub account: i64,
    /// What it says.
    pub text: String,
    /// When.
    pub created_at: String,
}

/// Appeals waiting for a decision (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/appeals", tag = "admin",
    responses((status = 200, body = Vec<OpenAppeal>), (status = 403, body = crate::Problem)), security(("bearer" = [])))]
pub async fn appeals(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<OpenAppeal>>, ApiError> {
    let all = state
        .on_store(move |store| store.accounts().open_appeals())
        .await?;
    Ok(Json(
        all.into_iter()
            .map(|(id, account, text, created_at)| OpenAppeal {
                id,
                account,
                text,
                created_at,
            })
            .collect(),
    ))
}

/// An Argon2id hash of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zq9sI5dv2kaJ3m0jVnRD0YFRXQGZy3iWv4xkXhTtaNU";

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = crate::Problem)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TokenId>,
) -> Result<StatusCode, ApiError> {
    state
        .on_store(move |store| store.accounts().revoke_token(caller.id, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything Guild holds about the caller, as one JSON document to take elsewhere: the
/// account, tokens (names and dates, never hashes), worker profiles and skills, tasks,
/// credentials, organisations, contracts, money, reviews, the caller's audit events, and the
/// rankings shown to the caller or that the caller's profiles appeared in.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts",
    responses((status = 200, description = "The export (JSON)"), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let platform = state.platform.clone();
    Ok(Json(
        crate::blocking(move || {
            // Rankings shown a moment ago are in the export too.
            platform.flush_decisions();
            platform.store().accounts().export_account(caller.id)
        })
        .await?,
    ))
}

/// The password, to confirm deleting the account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccount {
    /// The account's password.
    pub password: String,
}

/// Deletes the caller's account (the password confirms it): profiles, tasks, tokens and
/// personal details go at once; contracts and money records stay, under "deleted account".
/// Refused (409) while a contract is live or money is in the account: export first if you
/// want a copy (`GET /api/v1/me/export`).
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", request_body = DeleteAccount,
    responses((status = 204), (status = 401, body = crate::Problem), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_me(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(req): Body<DeleteAccount>,
) -> Result<StatusCode, ApiError> {
    let email = caller.email.clone();
    let found = state
        .on_store(move |store| store.accounts().account_by_email(&email))
        .await?;
    let hash = found
        .map(|(_, h)| h)
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let ok = tokio::task::spawn_blocking(move || verify_password(&req.password, &hash))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if !ok {
        return Err(ApiError::forbidden(
            "the password is wrong: the account was not deleted",
        ));
    }
    state
        .on_store(move |store| store.accounts().delete_account(caller.id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Account), (status = 401, body = crate::Problem)), security(("bearer" = [])))]
pub async fn me(Caller(caller): Caller) -> Json<Account> {
    Json(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("anything", DUMMY_HASH));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
