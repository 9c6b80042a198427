//! Credentials over HTTP: what verifiers fetch (DID documents, status lists), verification of
//! any VC 2.0 / Open Badges 3.0 credential, issuing organisations and their keys, issuing,
//! listing, downloading and revoking, reputation and endorsement credentials, and imports of
//! credentials issued elsewhere.

use crate::params::Path;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guild_credentials::badge::{AttestedSkill, BadgeEvidence, attested_skills};
use guild_credentials::contexts::ContextSet;
use guild_credentials::issuer::{Issuer, Organisation, Publication};
use guild_credentials::issuing::SkillAward;
use guild_credentials::proof::Cryptosuite;
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::resolve::WebResolver;
use guild_credentials::verify::{CheckResult, Outcome, VerificationReport};
use guild_ids::{AccountId, ImportId, KeyId, ReviewId, WorkerId};
use guild_platform::Platform;
use guild_store::{ImportedCredential, IssuedCredential, NewImport, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching::own_worker;
use crate::{AppState, blocking};

/// Verifies `bytes` as this Guild does: its own DIDs and status lists from the store, the rest
/// (did:web, URL keys, others' status lists) over HTTPS through the shared fetcher.
fn verify_here(
    store: &Store,
    platform: &Platform,
    publication: &Publication,
    fetcher: &crate::fetch::HttpFetcher,
    bytes: &[u8],
) -> Result<VerificationReport, StoreError> {
    // Built once: checking the bundled contexts' hashes is not per-request work. The W3C
    // examples context is trusted too, so that the specifications' examples verify.
    static RDF: std::sync::OnceLock<Result<JsonLdCanonicalizer, String>> =
        std::sync::OnceLock::new();
    let rdf = RDF
        .get_or_init(|| {
            ContextSet::with_examples()
                .map(JsonLdCanonicalizer::new)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| StoreError::Backend(e.clone()))?;
    let web = WebResolver::new(fetcher);
    Ok(platform.verify(publication, bytes, store.now(), &web, rdf))
}

/// Verifies a credential (the request body: JSON, or a VC-JWT): every check, passed or failed,
/// and why.
/// Open to anyone: verifying needs no account. Contexts come only from the bundled, pinned set
/// (never fetched); keys from `did:key`, `did:web` and `https:` verification methods (fetched
/// over HTTPS with a timeout and a cache); revocation from Bitstring Status Lists.
#[utoipa::path(post, path = "/api/v1/credentials/verify", tag = "credentials",
    request_body(content = String, content_type = "application/json", description = "The credential: JSON with embedded proofs, or a VC-JWT (compact JWS text)"),
    responses((status = 200, description = "The verification report: outcome valid, invalid or unverifiable, and each check")))]
pub async fn verify_credential(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<VerificationReport>, ApiError> {
    let (store, platform, publication, fetcher) = (
        state.store.clone(),
        state.platform.clone(),
        state.publication.clone(),
        state.fetcher.clone(),
    );
    let report =
        blocking(move || verify_here(&store, &platform, &publication, &fetcher, &body)).await?;
    Ok(Json(report))
}

/// Verifies a credential's bytes against Guild's own issuers first, then the web.
pub(crate) async fn verify_bytes(
    state: &AppState,
    bytes: Vec<u8>,
) -> Result<VerificationReport, ApiError> {
    let (store, platform, publication, fetcher) = (
        state.store.clone(),
        state.platform.clone(),
        state.publication.clone(),
        state.fetcher.clone(),
    );
    blocking(move || verify_here(&store, &platform, &publication, &fetcher, &bytes)).await
}

fn document(media_type: &'static str, v: &Value) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        serde_json::to_vec_pretty(v).unwrap_or_default(),
    )
        .into_response()
}

async fn organisation_issuer(state: &AppState, slug: String) -> Result<Issuer, ApiError> {
    state
        .on_platform(move |platform| platform.issuer(Some(&slug)))
        .await
}

/// The platform's DID document (`did:web`), listing every key that ever signed.
pub async fn platform_did(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let doc = blocking(move || platform.did_document(&publication, &Issuer::Platform)).await?;
    Ok(document("application/did+json", &doc))
}

/// An organisation's DID document (`did:web:HOST:orgs:SLUG`).
pub async fn organisation_did(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let issuer = organisation_issuer(&state, slug).await?;
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let doc = blocking(move || platform.did_document(&publication, &issuer)).await?;
    Ok(document("application/did+json", &doc))
}

/// A signed Bitstring Status List credential of the platform.
pub async fn platform_status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
) -> Result<Response, ApiError> {
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let v = blocking(move || platform.status_list(&publication, &Issuer::Platform, &list)).await?;
    Ok(document("application/vc", &v))
}

/// A signed Bitstring Status List credential of an organisation.
pub async fn organisation_status_list(
    State(state): State<AppState>,
    Path((slug, list)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let issuer = organisation_issuer(&state, slug).await?;
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let v = blocking(move || platform.status_list(&publication, &issuer, &list)).await?;
    Ok(document("application/vc", &v))
}

/// How reputation summaries are computed (the credential's criteria link here).
pub async fn reputation_methodology() -> Response {
    (
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        include_str!("../../../docs/reputation.md"),
    )
        .into_response()
}

/// A new issuing organisation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    /// Its name in URLs and its DID: 2–40 lowercase letters, digits and dashes.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its web site.
    pub url: Option<String>,
}

/// An organisation as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganisationView {
    /// The organisation.
    #[serde(flatten)]
    pub organisation: Organisation,
    /// Its DID, when Guild publishes did:web (a public URL is set).
    pub did: Option<String>,
    /// Its public keys (Multikey), oldest first; the last one not retired signs.
    pub keys: Vec<PublicKeyView>,
    /// The caller's role in it, if the caller is a member.
    pub role: Option<String>,
}

/// A public key of an issuer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicKeyView {
    /// Its number.
    pub id: KeyId,
    /// Multikey multibase (`z6Mk…`).
    pub public_multibase: String,
    /// The verification method that names it.
    pub verification_method: String,
    /// When it was made.
    pub created_at: String,
    /// When a newer key took over, if one did (it still verifies).
    pub retired_at: Option<String>,
}

fn organisation_view(
    store: &Store,
    publication: &Publication,
    organisation: Organisation,
    role: Option<String>,
) -> Result<OrganisationView, StoreError> {
    let issuer = Issuer::Organisation(organisation.clone());
    let did = if publication.did_web {
        Some(
            issuer
                .did_web(publication)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
        )
    } else {
        None
    };
    let keys = store
        .credentials()
        .issuer_keys(&issuer.key_name())?
        .into_iter()
        .map(|k| {
            let verification_method = match &did {
                Some(d) => guild_credentials::resolve::verification_method(d, &k.public_multibase),
                None => format!("did:key:{0}#{0}", k.public_multibase),
            };
            PublicKeyView {
                id: k.id,
                public_multibase: k.public_multibase,
                verification_method,
                created_at: k.created_at,
                retired_at: k.retired_at,
            }
        })
        .collect();
    Ok(OrganisationView {
        organisation,
        did,
        keys,
        role,
    })
}

/// Creates an issuing organisation; the caller becomes its admin. It issues once it has a key
/// (`POST /api/v1/organisations/{slug}/keys`).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "credentials", request_body = NewOrganisation,
    responses((status = 201, body = OrganisationView), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create_organisation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(new): Body<NewOrganisation>,
) -> Result<(StatusCode, Json<OrganisationView>), ApiError> {
    let (store, publication) = (state.store.clone(), state.publication.clone());
    let view = blocking(move || {
        let o = store.accounts().create_organisation(
            &new.slug,
            &new.name,
            new.url.as_deref(),
            caller.id,
        )?;
        organisation_view(&store, &publication, o, Some("admin".to_owned()))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The organisations the caller belongs to.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "credentials",
    responses((status = 200, body = Vec<OrganisationView>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn my_organisations(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<OrganisationView>>, ApiError> {
    let (store, publication) = (state.store.clone(), state.publication.clone());
    let all = blocking(move || {
        store
            .accounts()
            .organisations_of(caller.id)?
            .into_iter()
            .map(|(o, role)| organisation_view(&store, &publication, o, Some(role)))
            .collect()
    })
    .await?;
    Ok(Json(all))
}

/// An organisation: public, so that anyone can see who issues and with which keys.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}", tag = "credentials",
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 200, body = OrganisationView), (status = 404, body = crate::Problem)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<OrganisationView>, ApiError> {
    let (store, publication) = (state.store.clone(), state.publication.clone());
    let view = blocking(move || {
        let o = store.accounts().organisation(&slug)?;
        organisation_view(&store, &publication, o, None)
    })
    .await?;
    Ok(Json(view))
}

/// The caller's role in `slug`, which must be one of `allowed`; 403 otherwise (404 when the
/// organisation does not exist).
pub(crate) async fn member(
    state: &AppState,
    caller: AccountId,
    slug: String,
    allowed: &'static [&'static str],
) -> Result<Organisation, ApiError> {
    let (o, role) = state
        .on_store(move |store| {
            let o = store.accounts().organisation(&slug)?;
            let role = store.accounts().member_role(o.id, caller)?;
            Ok((o, role))
        })
        .await?;
    match role {
        Some(r) if allowed.contains(&r.as_str()) => Ok(o),
        Some(r) => Err(ApiError::forbidden(format!(
            "your role in {} is {r}; this needs {}",
            o.slug,
            allowed.join(" or ")
        ))),
        None => Err(ApiError::forbidden(format!(
            "you are not a member of organisation {}",
            o.slug
        ))),
    }
}

/// A member to add or change.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    /// The member's account e-mail.
    pub email: String,
    /// `admin` or `assessor`.
    pub role: String,
}

/// Adds a member to the organisation or changes their role (admins only).
#[utoipa::path(put, path = "/api/v1/organisations/{slug}/members", tag = "credentials", request_body = MemberChange,
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn set_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
    Body(change): Body<MemberChange>,
) -> Result<StatusCode, ApiError> {
    let o = member(&state, caller.id, slug, &["admin"]).await?;
    state
        .on_store(move |store| {
            store
                .accounts()
                .set_member(o.id, &change.email, &change.role)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a new signing key for the organisation; the previous one is retired but stays in its
/// DID document, so what it signed still verifies (admins only).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/keys", tag = "credentials",
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 201, body = OrganisationView), (status = 403, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn rotate_organisation_key(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<OrganisationView>), ApiError> {
    let o = member(&state, caller.id, slug, &["admin"]).await?;
    let (store, publication) = (state.store.clone(), state.publication.clone());
    let view = blocking(move || {
        store
            .credentials()
            .new_issuer_key(&Issuer::Organisation(o.clone()).key_name())?;
        organisation_view(&store, &publication, o, Some("admin".to_owned()))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A skill certification to issue.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSkillCredential {
    /// The worker profile it goes to.
    pub worker: WorkerId,
    /// The skill (taxonomy id).
    pub skill: String,
    /// The level reached, 1 (novice) to 5 (expert).
    pub level: u8,
    /// What proves it (a test result, a finished contract).
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
    /// Years until it expires; 0 for never (default 3).
    #[serde(default = "three")]
    pub years: u8,
    /// Proof suites: `eddsa-rdfc-2022` (default, what Open Badges 3.0 conformance accepts)
    /// and/or `eddsa-jcs-2022`; two make a proof set.
    #[serde(default)]
    pub suites: Vec<String>,
}

fn three() -> u8 {
    3
}

/// Evidence for a skill certification.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// A URL or URN for it.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// `test` or `contract`.
    pub kind: String,
}

fn suites(names: &[String]) -> Result<Vec<Cryptosuite>, ApiError> {
    if names.is_empty() {
        return Ok(vec![Cryptosuite::EddsaRdfc2022]);
    }
    if names.len() > 2 {
        return Err(ApiError::bad_field("suites", "at most two suites"));
    }
    names
        .iter()
        .map(|n| Cryptosuite::parse(n).map_err(|e| ApiError::bad_field("suites", e.to_string())))
        .collect()
}

/// A credential Guild issued, as listed (the document is downloaded separately).
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssuedView {
    /// Its id (`urn:uuid:…`).
    pub id: String,
    /// `skill`, `reputation` or `endorsement`.
    pub kind: String,
    /// The worker it was issued to.
    pub worker: Option<WorkerId>,
    /// The skill certified, for skill credentials.
    pub skill: Option<String>,
    /// Who issued it: `platform` or `org:ID`.
    pub issuer: String,
    /// When.
    pub issued_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Why.
    pub revocation_reason: Option<String>,
    /// Where to download the signed credential.
    pub download: String,
}

fn issued_view(c: &IssuedCredential) -> IssuedView {
    IssuedView {
        id: c.id.clone(),
        kind: c.kind.clone(),
        worker: c.worker,
        skill: c.skill.clone(),
        issuer: c.issuer.clone(),
        issued_at: c.issued_at.clone(),
        revoked_at: c.revoked_at.clone(),
        revocation_reason: c.revocation_reason.clone(),
        download: format!("/api/v1/credentials/{}", c.id),
    }
}

/// A newly issued credential: its listing and the signed document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Issued {
    /// The listing.
    #[serde(flatten)]
    pub issued: IssuedView,
    /// The signed credential.
    pub credential: Value,
}

fn issued(c: &IssuedCredential) -> Result<Issued, ApiError> {
    Ok(Issued {
        issued: issued_view(c),
        credential: serde_json::from_str(&c.document).map_err(|e| ApiError::internal(&e))?,
    })
}

/// Issues a skill certification in the organisation's name (admins and assessors).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/credentials", tag = "credentials", request_body = NewSkillCredential,
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 201, body = Issued), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn issue_skill_credential(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
    Body(new): Body<NewSkillCredential>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    let o = member(&state, caller.id, slug, &["admin", "assessor"]).await?;
    let award = SkillAward {
        worker: new.worker,
        skill: new.skill,
        level: new.level,
        evidence: new
            .evidence
            .into_iter()
            .map(|e| BadgeEvidence {
                id: e.id,
                name: e.name,
                description: e.description,
                kind: e.kind,
            })
            .collect(),
        years: new.years,
        suites: suites(&new.suites)?,
    };
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let c = blocking(move || {
        platform.issue_skill(
            &publication,
            &Issuer::Organisation(o),
            Some(caller.id),
            &award,
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(issued(&c)?)))
}

/// The credentials the organisation issued, newest first (admins and assessors).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/credentials", tag = "credentials",
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 200, body = Vec<IssuedView>), (status = 403, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn organisation_credentials(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<IssuedView>>, ApiError> {
    let o = member(&state, caller.id, slug, &["admin", "assessor"]).await?;
    let all = state
        .on_store(move |store| {
            store
                .credentials()
                .credentials_issued_by(&Issuer::Organisation(o).key_name())
        })
        .await?;
    Ok(Json(all.iter().map(issued_view).collect()))
}

/// Whether the caller may see an issued credential: the holder (the worker's owner) or a
/// member of the issuing organisation.
async fn may_see(
    state: &AppState,
    caller: AccountId,
    c: &IssuedCredential,
) -> Result<bool, ApiError> {
    let (worker, issuer) = (c.worker, c.issuer.clone());
    state
        .on_store(move |store| {
            if let Some(w) = worker
                && store.work().worker(w)?.owner == Some(caller)
            {
                return Ok(true);
            }
            match Issuer::organisation_in(&issuer) {
                Some(org) => Ok(store.accounts().member_role(org, caller)?.is_some()),
                None => Ok(false),
            }
        })
        .await
}

/// Downloads a signed credential (the holder, or members of the issuing organisation), as
/// `application/vc`, ready to hand to any verifier or wallet.
#[utoipa::path(get, path = "/api/v1/credentials/{id}", tag = "credentials",
    params(("id" = String, Path, description = "The credential's id (urn:uuid:…)")),
    responses((status = 200, description = "The signed credential"), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn download_credential(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let c = state
        .on_store(move |store| store.credentials().issued_credential(&id))
        .await?;
    if !may_see(&state, caller.id, &c).await? {
        // Not found rather than forbidden: ids of others' credentials are not confirmed.
        return Err(ApiError::not_found(format!(
            "credential {} not found",
            c.id
        )));
    }
    let filename = format!(
        "attachment; filename=\"{}.json\"",
        c.id.trim_start_matches("urn:uuid:")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/vc".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        c.document,
    )
        .into_response())
}

/// Why a credential is revoked.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// The reason, kept with the record (not published: the status list carries one bit).
    pub reason: String,
}

/// Revokes a credential the organisation issued (its admins). The organisation's status list
/// shows it at once. Platform credentials are revoked by the operator
/// (`guild credential revoke`).
#[utoipa::path(post, path = "/api/v1/credentials/{id}/revoke", tag = "credentials", request_body = Revocation,
    params(("id" = String, Path, description = "The credential's id")),
    responses((status = 200, body = IssuedView), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn revoke_credential(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    Body(revocation): Body<Revocation>,
) -> Result<Json<IssuedView>, ApiError> {
    let reason = revocation.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::bad_field(
            "reason",
            "a reason of 1 to 500 characters",
        ));
    }
    let lookup = id.clone();
    let c = state
        .on_store(move |store| store.credentials().issued_credential(&lookup))
        .await?;
    let org = Issuer::organisation_in(&c.issuer);
    let role = match org {
        Some(org) => {
            state
                .on_store(move |store| store.accounts().member_role(org, caller.id))
                .await?
        }
        None => None,
    };
    match (org, role.as_deref()) {
        (_, Some("admin")) => {}
        (None, _) if may_see(&state, caller.id, &c).await? => {
            return Err(ApiError::forbidden(
                "the platform issued this credential: its operator revokes it (guild credential revoke)",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::forbidden(
                "only the issuing organisation's admins revoke its credentials",
            ));
        }
        _ => return Err(ApiError::not_found(format!("credential {id} not found"))),
    }
    let c = state
        .on_store(move |store| store.credentials().revoke_credential(&id, &reason))
        .await?;
    Ok(Json(issued_view(&c)))
}

/// A worker's credentials: what Guild and its organisations issued to it, and what it imported.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkerCredentials {
    /// Issued here, newest first.
    pub issued: Vec<IssuedView>,
    /// Imported from elsewhere, newest first.
    pub imported: Vec<ImportedCredential>,
}

/// The worker's credentials (its owner only).
#[utoipa::path(get, path = "/api/v1/workers/{id}/credentials", tag = "credentials",
    params(("id" = i64, Path, description = "The worker")),
    responses((status = 200, body = WorkerCredentials), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_credentials(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<WorkerCredentials>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let (issued, imported) = state
        .on_store(move |store| {
            Ok((
                store.credentials().credentials_of(id)?,
                store.credentials().imported_credentials(id)?,
            ))
        })
        .await?;
    Ok(Json(WorkerCredentials {
        issued: issued.iter().map(issued_view).collect(),
        imported,
    }))
}

/// The period of a reputation summary.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReputationQuery {
    /// Days back from now (default 365).
    pub days: Option<i64>,
}

/// Issues the worker a reputation summary credential, signed by the platform: ratings count,
/// mean (hundredths), distribution, completion rate and skills from the reviews of its
/// contracts in the period. Valid for 30 days (its owner only).
#[utoipa::path(post, path = "/api/v1/workers/{id}/credentials/reputation", tag = "credentials",
    params(("id" = i64, Path, description = "The worker"), ReputationQuery),
    responses((status = 201, body = Issued), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn issue_reputation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    Query(q): Query<ReputationQuery>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    own_worker(&state, caller.id, id).await?;
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let days = q.days.unwrap_or(365);
    let c = blocking(move || platform.issue_reputation(&publication, id, days, Some(caller.id)))
        .await?;
    Ok((StatusCode::CREATED, Json(issued(&c)?)))
}

/// Issues one review of the caller's worker as an endorsement credential (its owner only).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/credential", tag = "credentials",
    params(("id" = i64, Path, description = "The review")),
    responses((status = 201, body = Issued), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn issue_endorsement(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ReviewId>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    let review = state
        .on_store(move |store| store.contracts().review(id))
        .await?;
    if own_worker(&state, caller.id, review.worker).await.is_err() {
        return Err(ApiError::not_found(format!("review {id} not found")));
    }
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let c = blocking(move || platform.issue_endorsement(&publication, id, Some(caller.id))).await?;
    Ok((StatusCode::CREATED, Json(issued(&c)?)))
}

/// What an import did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// The import, with the skills it added to the profile as `credential` evidence.
    pub import: ImportedCredential,
    /// Skills the credential attests that the taxonomy does not know (not added).
    pub unknown_skills: Vec<AttestedSkill>,
    /// The verification report.
    pub report: VerificationReport,
}

/// Imports a credential issued elsewhere (the request body): it must verify as `valid`; the
/// skills it attests become `credential` evidence on the profile, marked with the issuer (its
/// owner only).
#[utoipa::path(post, path = "/api/v1/workers/{id}/credentials/import", tag = "credentials",
    params(("id" = i64, Path, description = "The worker")),
    request_body(content = String, content_type = "application/json", description = "The credential: JSON with embedded proofs, or a VC-JWT (compact JWS text)"),
    responses((status = 201, body = ImportResult), (status = 409, body = crate::Problem), (status = 422, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn import_credential(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    own_worker(&state, caller.id, id).await?;
    let result = import_bytes(&state, id, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// Verifies a credential and, when it is valid, imports it for `worker` (whose owner the
/// caller must have checked); an invalid one is 422 with the checks that failed.
pub(crate) async fn import_bytes(
    state: &AppState,
    id: WorkerId,
    body: Vec<u8>,
) -> Result<ImportResult, ApiError> {
    let (store, platform, publication, fetcher) = (
        state.store.clone(),
        state.platform.clone(),
        state.publication.clone(),
        state.fetcher.clone(),
    );
    let verified = blocking(move || {
        let report = verify_here(&store, &platform, &publication, &fetcher, &body)?;
        if report.outcome != Outcome::Valid {
            return Ok(Err(report));
        }
        let doc: Value = serde_json::from_slice(&body)
            .map_err(|e| StoreError::Invalid(format!("malformed JSON: {e}")))?;
        let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
        let issuer_name = doc
            .get("issuer")
            .and_then(|i| i.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let new = NewImport {
            worker: id,
            credential_id: text("id"),
            issuer: report.issuer.clone().unwrap_or_default(),
            issuer_name,
            name: text("name"),
            types: report.types.clone(),
            document: String::from_utf8_lossy(&body).into_owned(),
            report: serde_json::to_string(&report)
                .map_err(|e| StoreError::Backend(e.to_string()))?,
            valid_until: text("validUntil").or_else(|| text("expirationDate")),
            skills: attested_skills(&doc),
        };
        let (import, unknown_skills) = store.credentials().import_credential(&new)?;
        Ok(Ok(ImportResult {
            import,
            unknown_skills,
            report,
        }))
    })
    .await?;
    match verified {
        Ok(result) => Ok(result),
        Err(report) => {
            let why: Vec<String> = report
                .checks
                .iter()
                .filter(|c| !matches!(c.result, CheckResult::Passed | CheckResult::Warning))
                .map(|c| format!("{}: {}", c.check, c.detail))
                .collect();
            Err(ApiError::unprocessable(
                "credential-not-valid",
                format!(
                    "the credential is {} and was not imported: {}",
                    match report.outcome {
                        Outcome::Invalid => "invalid",
                        _ => "unverifiable",
                    },
                    why.join("; ")
                ),
            ))
        }
    }
}

/// Downloads an imported credential as it was uploaded (its owner only).
#[utoipa::path(get, path = "/api/v1/workers/{id}/credentials/imported/{import}", tag = "credentials",
    params(("id" = i64, Path, description = "The worker"), ("import" = i64, Path, description = "The import")),
    responses((status = 200, description = "The credential"), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get_imported(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, import)): Path<(WorkerId, ImportId)>,
) -> Result<Response, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let (_, document) = state
        .on_store(move |store| store.credentials().imported_credential(id, import))
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/vc")], document).into_response())
}

/// Removes an imported credential; skills only it vouched for fall back to self-declared
/// (its owner only).
#[utoipa::path(delete, path = "/api/v1/workers/{id}/credentials/imported/{import}", tag = "credentials",
    params(("id" = i64, Path, description = "The worker"), ("import" = i64, Path, description = "The import")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_imported(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, import)): Path<(WorkerId, ImportId)>,
) -> Result<StatusCode, ApiError> {
    own_worker(&state, caller.id, id).await?;
    state
        .on_store(move |store| store.credentials().delete_imported_credential(id, import))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
