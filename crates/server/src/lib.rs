//! Guild's HTTP server: the JSON API under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json`, and the web pages. The only crate that knows HTTP status codes.

mod analysis;
mod assessments;
mod auth;
mod body;
mod conn;
mod contracts;
mod credentials;
mod error;
pub mod fetch;
mod learning;
mod limits;
mod matching;
mod messages;
mod microwork;
mod money;
mod params;
mod projects;
mod proposals;
mod reskilling;
mod scopes;
mod taxonomy;
pub mod web;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use guild_credentials::issuer::Publication;
use guild_platform::Platform;
use guild_store::{Store, StoreError};
use serde::Serialize;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

pub use error::{ApiError, Problem};
pub use limits::{Rate, RateLimiters, RateLimits};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The largest upload: a CV of up to [`guild_documents::MAX_BYTES`], with room for the form
/// around it. Only [`UPLOAD_PATHS`] take bodies this large.
pub const MAX_UPLOAD_BYTES: usize = guild_documents::MAX_BYTES + (64 << 10);

/// The routes that take an upload larger than [`MAX_BODY_BYTES`].
const UPLOAD_PATHS: [&str; 1] = ["/welcome/cv"];
/// The longest path and query accepted (hyper's own limit, answered by conn.rs, is 64 KiB).
pub const MAX_URI_BYTES: usize = 8 << 10;
/// The most header bytes accepted (hyper's own limit on a whole head is far larger).
pub const MAX_HEADER_BYTES: usize = 32 << 10;

/// How long a request may take before it is answered with 408, unless the
/// `GUILD_REQUEST_TIMEOUT_SECS` environment variable says otherwise (the test suite, whose
/// unoptimised builds index the full taxonomies on a first request, gives itself longer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn request_timeout() -> Duration {
    std::env::var("GUILD_REQUEST_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(REQUEST_TIMEOUT, Duration::from_secs)
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// The use cases, and the caches they share (the analyzer, the transition models).
    pub platform: Arc<Platform>,
    /// Workers and tasks indexed for matching.
    /// Where this Guild publishes its DID documents and status lists.
    pub publication: Arc<Publication>,
    /// Fetches did:web documents, key documents and status lists of other issuers.
    pub fetcher: Arc<fetch::HttpFetcher>,
    /// The bank account clients' deposits go to, if the operator named one.
    pub bank: Option<Arc<BankAccount>>,
    /// Days the decision log keeps a ranking (the notice page says so).
    pub decision_retention_days: u32,
}

/// The operator's bank account: where clients send the money they add, quoting their
/// reference. Named at `guild serve` (`--bank-iban`, `--bank-holder`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// The IBAN, checked and normalised (`NL91ABNA0417164300`).
    pub iban: String,
    /// The account holder's name, as the bank knows it.
    pub holder: String,
}

impl BankAccount {
    /// The account, its IBAN checked (mod-97) and normalised.
    pub fn new(iban: &str, holder: &str) -> Result<Self, String> {
        let iban = guild_market::bank::check_iban(iban).map_err(|e| format!("bank IBAN: {e}"))?;
        let holder = holder.trim();
        if holder.is_empty() {
            return Err("bank account holder: give the name the bank knows".to_owned());
        }
        Ok(BankAccount {
            iban,
            holder: holder.to_owned(),
        })
    }

    /// The IBAN in groups of four, as people read and type it.
    pub fn iban_grouped(&self) -> String {
        self.iban
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How the server presents itself to the outside.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// The public base URL (`https://guild.example`): issuers become `did:web` DIDs under it.
    /// Without one, the listening address is the base and issuers are `did:key` DIDs.
    pub public_url: Option<String>,
    /// Request rate limits.
    pub limits: RateLimits,
    /// The sentence encoder that reads text by meaning; `None` reads by words only.
    pub encoder: Option<Arc<guild_semantic::Encoder>>,
    /// Where clients' deposits go; without one, deposit instructions say to ask the operator.
    pub bank: Option<BankAccount>,
    /// Days the decision log keeps a ranking (`None`: [`DEFAULT_RETENTION_DAYS`]; never under
    /// 184, [`guild_platform::MIN_RETENTION`]).
    pub decision_retention_days: Option<u32>,
}

/// Runs store work on the blocking pool: the store's drivers are synchronous.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(join) => Err(ApiError::internal(&join)),
    }
}

impl AppState {
    /// Runs `f` with the store on the blocking pool (the store's drivers are synchronous): a
    /// plain read, or a write that applies no rule.
    pub(crate) async fn on_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = self.store.clone();
        blocking(move || f(&store)).await
    }

    /// Runs use case `f` with the platform on the blocking pool, once per request.
    pub(crate) async fn on_platform<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Platform) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let platform = self.platform.clone();
        blocking(move || f(&platform)).await
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guild API",
        description = "Guild: an open work platform where the skill is the unit of work. Errors are RFC 9457 application/problem+json.",
        license(name = "Apache-2.0")
    ),
    paths(
        health,
        taxonomy::list_skills,
        taxonomy::get_skill,
        taxonomy::list_occupations,
        taxonomy::get_occupation,
        taxonomy::stats,
        analysis::extract,
        analysis::normalize_title,
        analysis::deconstruct,
        analysis::extract_profile,
        auth::sign_up,
        auth::create_token,
        auth::list_tokens,
        auth::revoke_token,
        auth::me,
        auth::export,
        auth::delete_me,
        auth::create_session,
        auth::end_session,
        auth::appeal,
        auth::suspend,
        auth::reinstate,
        auth::appeals,
        contracts::resolve,
        matching::create_worker,
        matching::list_workers,
        matching::get_worker,
        matching::update_worker,
        matching::delete_worker,
        matching::create_task,
        matching::list_tasks,
        matching::get_task,
        matching::update_task,
        matching::delete_task,
        matching::task_matches,
        matching::worker_matches,
        matching::task_decisions,
        matching::worker_decisions,
        matching::contest,
        matching::contests,
        matching::declare,
        matching::declaration,
        matching::withdraw_declaration,
        matching::open_contests,
        microwork::create,
        microwork::get,
        microwork::add_items,
        microwork::open,
        microwork::next,
        microwork::answer,
        microwork::record,
        microwork::results,
        microwork::close,
        microwork::floors,
        matching::organisation_contests,
        matching::decide_organisation_contest,
        matching::decide_contest,
        matching::explain_match,
        matching::assign,
        matching::team,
        learning::list_resources,
        learning::get_resource,
        learning::create_resources,
        learning::update_resource,
        learning::delete_resource,
        learning::list_teaching,
        learning::set_teaching,
        learning::delete_teaching,
        learning::trainers,
        reskilling::occupation_transitions,
        reskilling::worker_transitions,
        reskilling::worker_occupations,
        reskilling::add_worker_occupation,
        reskilling::remove_worker_occupation,
        reskilling::worker_where_next,
        reskilling::learning_path,
        credentials::verify_credential,
        credentials::create_organisation,
        credentials::my_organisations,
        credentials::get_organisation,
        credentials::set_member,
        credentials::rotate_organisation_key,
        credentials::issue_skill_credential,
        credentials::organisation_credentials,
        credentials::download_credential,
        credentials::revoke_credential,
        credentials::worker_credentials,
        credentials::issue_reputation,
        credentials::issue_endorsement,
        credentials::import_credential,
        credentials::get_imported,
        credentials::delete_imported,
        money::wallet,
        money::deposit,
        money::payout,
        contracts::propose,
        contracts::list,
        contracts::get,
        contracts::contract_action,
        contracts::milestone_action,
        contracts::open_week,
        contracts::log_time,
        contracts::timesheet,
        contracts::review,
        contracts::review_client,
        contracts::client_reputation,
        messages::send,
        messages::list,
        messages::download,
        messages::notifications,
        messages::mark_read,
        assessments::create,
        assessments::list,
        assessments::start,
        assessments::get,
        assessments::answer,
        assessments::assess,
        projects::create,
        projects::mine,
        projects::get,
        projects::update,
        projects::add_task,
        projects::publish,
        projects::close,
        proposals::propose,
        proposals::on_task,
        proposals::mine,
        proposals::decide,
        proposals::invite,
        proposals::send_message,
        proposals::messages,
        webhooks::create,
        webhooks::list,
        webhooks::delete,
        webhooks::deliveries,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "taxonomy", description = "Skills, occupations and tasks from O*NET, ESCO and Guild's starter set"),
        (name = "extraction", description = "From words to skills: extraction, job titles, deconstruction, profiles"),
        (name = "accounts", description = "Sign up, sessions, API tokens (scoped to areas: profile, work, contracts, money, credentials, tests, webhooks, account; each also AREA:read for GET only), export, deletion, suspensions and appeals"),
        (name = "matching", description = "Worker profiles, tasks, explainable matches both ways, assignment and teams"),
        (name = "credentials", description = "Portable credentials: W3C VC 2.0 / Open Badges 3.0 with Data Integrity EdDSA proofs; issuing organisations and keys (did:web, did:key); issue, list, download, revoke (Bitstring Status List); reputation and endorsement credentials; verification; import of credentials issued elsewhere. DID documents are at /.well-known/did.json and /orgs/{slug}/did.json, status lists at /credentials/status/{list} and /orgs/{slug}/credentials/status/{list}"),
        (name = "projects", description = "A client's problem deconstructed into draft tasks (skills, AI exposure, presence), edited, then published openly or to invited workers"),
        (name = "contracts", description = "Contracts, fixed-price with milestones or hourly with a weekly cap and timesheets: proposals, escrow funding, submission, approval (less the platform fee), changes, cancellation, disputes"),
        (name = "skill tests", description = "Skill tests set by organisations: question banks, random draws, time limits, cooldowns, marking and assessors; a pass earns a credential"),
        (name = "admin", description = "Platform admins: suspensions and appeals, dispute decisions"),
        (name = "money", description = "The caller's wallet: balances, statement, deposit instructions (bank transfer with an ISO 11649 reference) and payouts; money calls take an Idempotency-Key header"),
        (name = "reskilling", description = "Transitions, skill gaps and learning paths; the catalogue of learning resources and skill tests, offers to teach, trainers")
    )
)]
struct ApiDoc;

/// Declares the `bearer` security scheme that authenticated paths name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document, generated from the handlers and types, then completed with what
/// every operation shares (see [`complete`]).
pub fn openapi() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    complete(&mut doc);
    doc
}

/// The answers that the server's layers and extractors give for any operation, whatever its
/// handler says: documented once here rather than on each handler.
fn shared_answers(
    secured: bool,
    has_body: bool,
    has_path: bool,
    has_query: bool,
) -> Vec<(&'static str, &'static str)> {
    let mut answers = vec![
        (
            "408",
            "The request took longer than the server allows; nothing was changed.",
        ),
        ("414", "The path and query are over 8 KiB."),
        ("431", "The headers are over 32 KiB."),
        (
            "429",
            "Too many requests from this address or with these credentials; Retry-After says when to come back.",
        ),
        (
            "503",
            "The database cannot be reached or is busy; nothing was changed, try again shortly.",
        ),
    ];
    if secured {
        answers.push(("401", "No valid token or session."));
        answers.push((
            "403",
            "Signed in, but this is not the caller's, the token's scopes do not cover it, or the account is suspended.",
        ));
    }
    if has_body {
        answers.push((
            "400",
            "The body is not what the operation takes: the detail names the field.",
        ));
        answers.push(("413", "The body is over 1 MiB."));
        answers.push(("415", "The body is not sent as JSON."));
    }
    if has_path || has_query {
        answers.push(("400", "A parameter is invalid: the detail names it."));
    }
    if has_path {
        answers.push(("404", "Nothing at this address."));
    }
    answers
}

/// Completes the generated document so that it tells the truth about every operation:
/// errors are `application/problem+json` (utoipa writes `application/json` for every body),
/// and the statuses that layers and extractors answer are documented on each operation.
/// (Operation ids are utoipa's function names, made unique where they repeat across modules
/// with `operation_id` on the handler; a test keeps them so.)
fn complete(doc: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let problem_ref = "#/components/schemas/Problem";
    let problem = json!({"application/problem+json": {"schema": {"$ref": problem_ref}}});
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let secured = op
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty());
            let has_body = op.contains_key("requestBody");
            let params = op.get("parameters").and_then(Value::as_array);
            let has_in = |place: &str| params.is_some_and(|ps| ps.iter().any(|p| p["in"] == place));
            let has_path = path.contains('{') || has_in("path");
            let has_query = has_in("query") || has_in("header");
            let responses = op
                .entry("responses")
                .or_insert_with(|| json!({}))
                .as_object_mut();
            let Some(responses) = responses else {
                continue;
            };
            // Error bodies are problem documents, whatever content type was generated.
            for (status, response) in responses.iter_mut() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                else {
                    response
                        .as_object_mut()
                        .map(|r| r.insert("content".into(), problem.clone()));
                    continue;
                };
                if let Some(json_body) = content.remove("application/json") {
                    content.insert("application/problem+json".into(), json_body);
                }
            }
            for (status, description) in shared_answers(secured, has_body, has_path, has_query) {
                responses.entry(status).or_insert_with(
                    || json!({"description": description, "content": problem.clone()}),
                );
            }
            if let Some(too_many) = responses.get_mut("429").and_then(Value::as_object_mut) {
                too_many.insert(
                    "headers".into(),
                    json!({"Retry-After": {
                        "description": "Whole seconds to wait before trying again",
                        "schema": {"type": "integer", "minimum": 1}
                    }}),
                );
            }
        }
    }
}

/// The health of the server and its store.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub store: &'static str,
    /// The server's version.
    pub version: &'static str,
    /// The matching index, once built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matching: Option<guild_platform::IndexStatus>,
    /// The PostgreSQL read replica, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica: Option<ReplicaHealth>,
}

/// How the read replica is doing. While it is unreachable, its reads go to the primary.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReplicaHealth {
    /// `ok`, or `unreachable` (reads are served by the primary meanwhile).
    pub status: &'static str,
    /// Bytes of the primary's write-ahead log not yet replayed on the replica.
    pub lag_bytes: Option<i64>,
    /// Seconds since the last replayed transaction committed on the primary (0 when caught up).
    pub lag_seconds: Option<f64>,
    /// Whether replay is paused on the replica.
    pub replay_paused: Option<bool>,
}

/// Whether the server and its store answer.
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health), (status = 500, body = Problem)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let replica = state
        .on_store(move |store| {
            store.ping()?;
            Ok(store.replica_status())
        })
        .await?;
    Ok(Json(Health {
        status: "ok",
        store: state.store.backend_name(),
        version: env!("CARGO_PKG_VERSION"),
        matching: state.platform.match_index_status(),
        replica: replica.map(|r| ReplicaHealth {
            status: if r.reachable { "ok" } else { "unreachable" },
            lag_bytes: r.lag_bytes,
            lag_seconds: r.lag_seconds,
            replay_paused: r.replay_paused,
        }),
    }))
}

async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(openapi).clone())
}

async fn not_found() -> ApiError {
    ApiError::not_found("nothing here: see /api/openapi.json for the API")
}

/// The application: every route, with body-size limit, timeout, rate limits and request tracing.
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()`: the rate limits count
/// by the client's address.
pub fn router(store: Arc<Store>, publication: Publication, limiters: Arc<RateLimiters>) -> Router {
    routes(AppState::new(store, publication, None, None), limiters)
}

impl AppState {
    fn new(
        store: Arc<Store>,
        publication: Publication,
        encoder: Option<Arc<guild_semantic::Encoder>>,
        bank: Option<BankAccount>,
    ) -> Self {
        AppState {
            bank: bank.map(Arc::new),
            platform: Arc::new(Platform::new(store.clone(), encoder)),
            store,
            publication: Arc::new(publication),
            fetcher: Arc::new(fetch::HttpFetcher::from_env()),
            decision_retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

/// Days the decision log keeps a ranking unless `guild serve --decision-retention-days` says
/// otherwise: a year, over the six months the EU AI Act asks of deployers.
pub const DEFAULT_RETENTION_DAYS: u32 = 366;

/// How often the matching index follows the store between requests, unless
/// `GUILD_MATCH_FOLLOW_MS` says otherwise.
fn follow_period() -> Duration {
    std::env::var("GUILD_MATCH_FOLLOW_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

fn routes(state: AppState, limiters: Arc<RateLimiters>) -> Router {
    let https = state.publication.base_url.starts_with("https://");
    Router::new()
        .route("/.well-known/did.json", get(credentials::platform_did))
        .route("/orgs/{slug}/did.json", get(credentials::organisation_did))
        .route(
            "/credentials/status/{list}",
            get(credentials::platform_status_list),
        )
        .route(
            "/orgs/{slug}/credentials/status/{list}",
            get(credentials::organisation_status_list),
        )
        .route(
            "/methodology/reputation",
            get(credentials::reputation_methodology),
        )
        .route("/health", get(health))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/skills", get(taxonomy::list_skills))
        .route("/api/v1/skills/{*id}", get(taxonomy::get_skill))
        .route("/api/v1/occupations", get(taxonomy::list_occupations))
        .route("/api/v1/occupations/{*id}", get(taxonomy::get_occupation))
        .route("/api/v1/taxonomy/stats", get(taxonomy::stats))
        .route("/api/v1/skills/extract", post(analysis::extract))
        .route("/api/v1/titles/normalize", post(analysis::normalize_title))
        .route("/api/v1/deconstruct", post(analysis::deconstruct))
        .route("/api/v1/profiles/extract", post(analysis::extract_profile))
        .route("/api/v1/accounts", post(auth::sign_up))
        .route(
            "/api/v1/tokens",
            post(auth::create_token).get(auth::list_tokens),
        )
        .route("/api/v1/tokens/{id}", delete(auth::revoke_token))
        .route("/api/v1/me", get(auth::me).delete(auth::delete_me))
        .route("/api/v1/me/export", get(auth::export))
        .route("/api/v1/me/appeal", post(auth::appeal))
        .route("/api/v1/sessions", post(auth::create_session))
        .route("/api/v1/sessions/current", delete(auth::end_session))
        .route(
            "/api/v1/admin/accounts/{id}/suspension",
            post(auth::suspend).delete(auth::reinstate),
        )
        .route("/api/v1/admin/appeals", get(auth::appeals))
        .route(
            "/api/v1/admin/contracts/{id}/resolve",
            post(contracts::resolve),
        )
        .route(
            "/api/v1/workers",
            post(matching::create_worker).get(matching::list_workers),
        )
        .route(
            "/api/v1/workers/{id}",
            get(matching::get_worker)
                .put(matching::update_worker)
                .delete(matching::delete_worker),
        )
        .route(
            "/api/v1/workers/{id}/matches",
            get(matching::worker_matches),
        )
        .route(
            "/api/v1/workers/{id}/decisions",
            get(matching::worker_decisions),
        )
        .route(
            "/api/v1/workers/{id}/contests",
            post(matching::contest).get(matching::contests),
        )
        .route(
            "/api/v1/workers/{id}/declaration",
            put(matching::declare)
                .get(matching::declaration)
                .delete(matching::withdraw_declaration),
        )
        .route(
            "/api/v1/organisations/{slug}/contests",
            get(matching::organisation_contests),
        )
        .route(
            "/api/v1/organisations/{slug}/contests/{id}/decision",
            post(matching::decide_organisation_contest),
        )
        .route("/api/v1/batches", post(microwork::create))
        .route("/api/v1/batches/{id}", get(microwork::get))
        .route("/api/v1/batches/{id}/items", post(microwork::add_items))
        .route("/api/v1/batches/{id}/open", post(microwork::open))
        .route("/api/v1/batches/{id}/next", post(microwork::next))
        .route(
            "/api/v1/batches/{id}/items/{item}/answer",
            post(microwork::answer),
        )
        .route("/api/v1/batches/{id}/me", get(microwork::record))
        .route("/api/v1/batches/{id}/results", get(microwork::results))
        .route("/api/v1/batches/{id}/close", post(microwork::close))
        .route("/api/v1/pay-floors", get(microwork::floors))
        .route("/api/v1/admin/contests", get(matching::open_contests))
        .route(
            "/api/v1/admin/contests/{id}/decision",
            post(matching::decide_contest),
        )
        .route(
            "/api/v1/tasks",
            post(matching::create_task).get(matching::list_tasks),
        )
        .route(
            "/api/v1/tasks/{id}",
            get(matching::get_task)
                .put(matching::update_task)
                .delete(matching::delete_task),
        )
        .route("/api/v1/tasks/{id}/matches", get(matching::task_matches))
        .route(
            "/api/v1/tasks/{id}/decisions",
            get(matching::task_decisions),
        )
        .route(
            "/api/v1/tasks/{id}/matches/{worker}",
            get(matching::explain_match),
        )
        .route("/api/v1/assignments", post(matching::assign))
        .route("/api/v1/teams", post(matching::team))
        .route(
            "/api/v1/learning-resources",
            get(learning::list_resources).post(learning::create_resources),
        )
        .route(
            "/api/v1/learning-resources/{id}",
            get(learning::get_resource)
                .put(learning::update_resource)
                .delete(learning::delete_resource),
        )
        .route(
            "/api/v1/workers/{id}/teaching",
            get(learning::list_teaching),
        )
        .route(
            "/api/v1/workers/{id}/teaching/{*skill}",
            put(learning::set_teaching).delete(learning::delete_teaching),
        )
        .route("/api/v1/trainers", get(learning::trainers))
        .route(
            "/api/v1/workers/{id}/transitions",
            get(reskilling::worker_transitions),
        )
        .route(
            "/api/v1/workers/{id}/occupations",
            get(reskilling::worker_occupations),
        )
        .route(
            "/api/v1/workers/{id}/occupations/{*occupation}",
            put(reskilling::add_worker_occupation).delete(reskilling::remove_worker_occupation),
        )
        .route(
            "/api/v1/workers/{id}/where-next",
            get(reskilling::worker_where_next),
        )
        .route("/api/v1/learning-paths", post(reskilling::learning_path))
        .route(
            "/api/v1/credentials/verify",
            post(credentials::verify_credential),
        )
        .route(
            "/api/v1/organisations",
            post(credentials::create_organisation).get(credentials::my_organisations),
        )
        .route(
            "/api/v1/organisations/{slug}",
            get(credentials::get_organisation),
        )
        .route(
            "/api/v1/organisations/{slug}/members",
            put(credentials::set_member),
        )
        .route(
            "/api/v1/organisations/{slug}/keys",
            post(credentials::rotate_organisation_key),
        )
        .route(
            "/api/v1/organisations/{slug}/credentials",
            post(credentials::issue_skill_credential).get(credentials::organisation_credentials),
        )
        .route(
            "/api/v1/credentials/{id}",
            get(credentials::download_credential),
        )
        .route(
            "/api/v1/credentials/{id}/revoke",
            post(credentials::revoke_credential),
        )
        .route(
            "/api/v1/workers/{id}/credentials",
            get(credentials::worker_credentials),
        )
        .route(
            "/api/v1/workers/{id}/credentials/reputation",
            post(credentials::issue_reputation),
        )
        .route(
            "/api/v1/workers/{id}/credentials/import",
            post(credentials::import_credential),
        )
        .route(
            "/api/v1/workers/{id}/credentials/imported/{import}",
            get(credentials::get_imported).delete(credentials::delete_imported),
        )
        .route(
            "/api/v1/contracts",
            post(contracts::propose).get(contracts::list),
        )
        .route("/api/v1/contracts/{id}", get(contracts::get))
        .route("/api/v1/contracts/{id}/review", post(contracts::review))
        .route("/api/v1/contracts/{id}/weeks", post(contracts::open_week))
        .route(
            "/api/v1/contracts/{id}/milestones/{n}/timesheet",
            get(contracts::timesheet).put(contracts::log_time),
        )
        .route(
            "/api/v1/contracts/{id}/client-review",
            post(contracts::review_client),
        )
        .route(
            "/api/v1/accounts/{id}/client-reputation",
            get(contracts::client_reputation),
        )
        .route(
            "/api/v1/contracts/{id}/messages",
            post(messages::send).get(messages::list),
        )
        .route(
            "/api/v1/contracts/{id}/attachments/{attachment}",
            get(messages::download),
        )
        .route("/api/v1/notifications", get(messages::notifications))
        .route(
            "/api/v1/organisations/{slug}/tests",
            post(assessments::create),
        )
        .route("/api/v1/tests", get(assessments::list))
        .route(
            "/api/v1/tasks/{id}/proposals",
            post(proposals::propose).get(proposals::on_task),
        )
        .route("/api/v1/tasks/{id}/invitations", post(proposals::invite))
        .route(
            "/api/v1/projects",
            post(projects::create).get(projects::mine),
        )
        .route(
            "/api/v1/projects/{id}",
            get(projects::get).put(projects::update),
        )
        .route("/api/v1/projects/{id}/tasks", post(projects::add_task))
        .route("/api/v1/projects/{id}/publish", post(projects::publish))
        .route("/api/v1/projects/{id}/close", post(projects::close))
        .route("/api/v1/proposals", get(proposals::mine))
        .route(
            "/api/v1/webhooks",
            post(webhooks::create).get(webhooks::list),
        )
        .route("/api/v1/webhooks/{id}", delete(webhooks::delete))
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::deliveries),
        )
        .route("/api/v1/proposals/{id}/{decision}", post(proposals::decide))
        .route(
            "/api/v1/proposals/{id}/messages",
            post(proposals::send_message).get(proposals::messages),
        )
        .route("/api/v1/tests/{id}/attempts", post(assessments::start))
        .route("/api/v1/attempts/{id}", get(assessments::get))
        .route("/api/v1/attempts/{id}/answers", post(assessments::answer))
        .route(
            "/api/v1/attempts/{id}/assessment",
            post(assessments::assess),
        )
        .route("/api/v1/notifications/read", post(messages::mark_read))
        .route(
            "/api/v1/contracts/{id}/{action}",
            post(contracts::contract_action),
        )
        .route(
            "/api/v1/contracts/{id}/milestones/{n}/{action}",
            post(contracts::milestone_action),
        )
        .route("/api/v1/wallet", get(money::wallet))
        .route("/api/v1/wallet/deposits", post(money::deposit))
        .route("/api/v1/wallet/payouts", post(money::payout))
        .route(
            "/api/v1/reviews/{id}/credential",
            post(credentials::issue_endorsement),
        )
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout(),
        ))
        .layer(axum::middleware::from_fn_with_state(
            limiters,
            limits::limit,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(refuse_oversized))
        .layer(axum::middleware::map_response(
            move |response: axum::response::Response| async move {
                security_headers(as_problem(response).await, https)
            },
        ))
        .with_state(state)
}

/// Refuses at once a request whose path and query are over [`MAX_URI_BYTES`] (414) or whose
/// headers are over [`MAX_HEADER_BYTES`] (431) and one whose declared `Content-Length` is over
/// the body limit, before
/// its body is waited for (a client that declares a huge body and sends none would otherwise
/// hold the connection until the request timeout), and closes the connection rather than
/// reading the rest.
async fn refuse_oversized(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let uri = request.uri().to_string().len();
    if uri > MAX_URI_BYTES {
        return ApiError::other(
            StatusCode::URI_TOO_LONG,
            format!("the request's path and query are {uri} bytes long, over the limit of {MAX_URI_BYTES}"),
        )
        .into_response();
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if headers > MAX_HEADER_BYTES {
        return ApiError::other(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request's headers are {headers} bytes, over the limit of {MAX_HEADER_BYTES}"
            ),
        )
        .into_response();
    }
    let limit = if UPLOAD_PATHS.contains(&request.uri().path()) {
        MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    };
    if declared.is_some_and(|n| n > limit as u64) {
        // An upload comes from a page, and a browser shows the answer only once it has sent
        // the file: a file up to a few times the limit is read and dropped, then answered with
        // a page; anything larger is cut off at once.
        if limit == MAX_UPLOAD_BYTES && declared.is_some_and(|n| n <= 4 * limit as u64) {
            let page = web::upload_too_large(request.headers());
            let mut body = request.into_body();
            while let Some(Ok(_)) = http_body_util::BodyExt::frame(&mut body).await {}
            return page;
        }
        let mut response = if limit == MAX_UPLOAD_BYTES {
            web::upload_too_large(request.headers())
        } else {
            ApiError::payload_too_large(limit).into_response()
        };
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        return response;
    }
    next.run(request).await
}

/// Every error answer of the API is problem+json: the few that the framework's extractors and
/// layers write in plain text (or with no body) are rewritten, their text kept as the
/// `detail`. Web pages answer errors with pages of their own (HTML), which are left alone.
async fn as_problem(response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if status.as_u16() < 400
        || content_type.starts_with("application/problem+json")
        || content_type.starts_with("text/html")
    {
        return response;
    }
    match status {
        StatusCode::REQUEST_TIMEOUT => return ApiError::timeout().into_response(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::payload_too_large(MAX_BODY_BYTES).into_response();
        }
        _ => {}
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_owned()
    } else {
        text
    };
    let mut answer = ApiError::other(status, detail).into_response();
    // Keep what the original answer said beside its body (Allow, Retry-After, …).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

/// Security headers on every answer (`https`: the public URL is HTTPS, so browsers are told to
/// keep to it).
fn security_headers(
    mut response: axum::response::Response,
    https: bool,
) -> axum::response::Response {
    let headers = response.headers_mut();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    headers.insert(
        // Same-origin: our own form posts keep their Origin (sign-in refuses posts from other
        // sites by it; with no-referrer browsers send `Origin: null`), and nothing of our URLs
        // leaves for other sites.
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    // Pages load only their own stylesheet and script: no inline code, no other origins.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    response
}

/// Where a server on `addr` publishes: the configured public URL (`did:web` issuers), or the
/// listening address itself (`did:key` issuers).
pub fn publication(
    config: &ServerConfig,
    addr: Option<SocketAddr>,
) -> Result<Publication, StoreError> {
    match &config.public_url {
        Some(url) => Publication::new(url, true),
        None => {
            let addr = addr.map_or_else(|| "127.0.0.1:8080".to_owned(), |a| a.to_string());
            Publication::new(&format!("http://{addr}"), false)
        }
    }
    .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<Store>,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    let publication = publication(&config, addr).map_err(std::io::Error::other)?;
    tracing::info!(?addr, store = store.backend_name(), base = %publication.base_url, did_web = publication.did_web, limits = ?config.limits, "Guild is listening");
    let limiters = Arc::new(RateLimiters::new(&config.limits));
    // Clients whose allowance is full again are forgotten, once a minute.
    let swept = limiters.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            swept.sweep();
        }
    });
    // Webhook deliveries, every ten seconds.
    let courier = store.clone();
    tokio::spawn(async move {
        let fetcher = Arc::new(fetch::HttpFetcher::from_env());
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            let (s, f) = (courier.clone(), fetcher.clone());
            match tokio::task::spawn_blocking(move || webhooks::deliver_due(&s, &f, s.now(), 200))
                .await
            {
                Ok(Ok((0, 0))) => {}
                Ok(Ok((ok, failed))) => tracing::info!(ok, failed, "webhook deliveries"),
                Ok(Err(e)) => tracing::warn!(error = %e, "webhook delivery failed"),
                Err(e) => tracing::warn!(error = %e, "webhook delivery panicked"),
            }
        }
    });
    // The matching index, once built, follows the store between requests.
    let mut state = AppState::new(
        store,
        publication,
        config.encoder.clone(),
        config.bank.clone(),
    );
    state.decision_retention_days = config
        .decision_retention_days
        .unwrap_or(DEFAULT_RETENTION_DAYS)
        .max(184);
    // Submitted work the client did not review in time is approved, once a minute.
    let sweeper = state.platform.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let s = sweeper.clone();
            match tokio::task::spawn_blocking(move || s.approve_overdue(s.store().now())).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(milestones = n, "approved overdue milestones"),
                Ok(Err(e)) => tracing::warn!(error = %e, "approving overdue milestones failed"),
                Err(e) => tracing::warn!(error = %e, "the overdue-milestone sweep panicked"),
            }
        }
    });
    // The analyzer (and the taxonomy's embeddings, when they are not in the store yet) is made
    // now, not on the first request that reads text.
    let warm = state.clone();
    tokio::spawn(async move {
        if let Err(e) = analysis::analyzer(&warm).await {
            tracing::warn!(error = %e.detail(), "building the analyzer failed");
        }
    });
    // The decision log forgets by age only, once a day.
    let pruner = state.platform.clone();
    let keep = jiff::SignedDuration::from_hours(i64::from(state.decision_retention_days) * 24);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(24 * 3600));
        loop {
            tick.tick().await;
            let p = pruner.clone();
            match tokio::task::spawn_blocking(move || p.prune_decisions(keep)).await {
                Ok(Ok((0, 0))) => {}
                Ok(Ok((rankings, outcomes))) => {
                    tracing::info!(rankings, outcomes, "decision log: aged entries removed")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "pruning the decision log failed"),
                Err(e) => tracing::warn!(error = %e, "pruning the decision log panicked"),
            }
        }
    });
    tokio::spawn(matching::keep_following(state.clone(), follow_period()));
    let platform = state.platform.clone();
    let app = routes(state, limiters);
    // hyper's own answers to requests it cannot parse become problem+json (conn.rs); the
    // tap keeps the peer address available to the rate limiter as `ConnectInfo`.
    let listener = axum::serve::ListenerExt::tap_io(conn::ProblemListener(listener), |_| {});
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Rankings shown before the stop are in the log before the process ends.
    tokio::task::spawn_blocking(move || platform.flush_decisions())
        .await
        .ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_timeout_is_answered_as_problem_json() {
        let empty = (StatusCode::REQUEST_TIMEOUT, ()).into_response();
        let answered = security_headers(as_problem(empty).await, false);
        assert_eq!(answered.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(
            answered.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert_eq!(
            answered.headers()[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff"
        );
    }

    #[test]
    fn the_openapi_document_tells_the_truth() {
        let doc = openapi();
        let mut ids = std::collections::HashSet::new();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let name = format!("{method} {path}");
                let id = op["operationId"].as_str().unwrap();
                assert!(
                    ids.insert(id.to_owned()),
                    "{name}: operationId {id} repeats"
                );
                let responses = op["responses"].as_object().unwrap();
                for (status, response) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let content = response["content"].as_object().unwrap();
                        assert!(
                            content.contains_key("application/problem+json")
                                && !content.contains_key("application/json"),
                            "{name} {status}: {content:?}"
                        );
                    }
                }
                let has = |s: &str| responses.contains_key(s);
                for s in ["408", "429", "503"] {
                    assert!(has(s), "{name} does not document {s}");
                }
                if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                    assert!(has("401") && has("403"), "{name}: 401/403");
                }
                if op.get("requestBody").is_some() {
                    for s in ["400", "413", "415"] {
                        assert!(has(s), "{name} takes a body but does not document {s}");
                    }
                }
                if path.contains('{') {
                    assert!(has("400") && has("404"), "{name}: 400/404");
                }
                assert!(
                    responses["429"]["headers"]["Retry-After"].is_object(),
                    "{name}: Retry-After"
                );
            }
        }
        assert!(operations > 100, "{operations}");
        // One learning resource or many: the body says both.
        let body = &doc["paths"]["/api/v1/learning-resources"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        let schema = &doc["components"]["schemas"]["ResourcesIn"];
        assert!(
            body["$ref"] == "#/components/schemas/ResourcesIn" && schema["oneOf"].is_array(),
            "{body} {schema}"
        );
    }

    #[tokio::test]
    async fn plain_text_errors_become_problem_json_with_their_text() {
        let plain = (
            StatusCode::BAD_REQUEST,
            "Failed to deserialize query string",
        )
            .into_response();
        let answered = as_problem(plain).await;
        assert_eq!(answered.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            answered.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(answered.into_body(), 1 << 16)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["detail"], "Failed to deserialize query string");
        assert_eq!(problem["status"], 400);
        // Pages keep their own error pages.
        let page = (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<p>no</p>",
        )
            .into_response();
        let kept = as_problem(page).await;
        assert_eq!(
            kept.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }
}
