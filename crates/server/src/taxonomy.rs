//! `/api/v1/skills` and `/api/v1/occupations`.

use crate::params::Path;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use guild_store::{
    MAX_PAGE_SIZE, OccupationDetail, OccupationQuery, OccupationSummary, SkillDetail, SkillQuery,
    SkillSummary, TaxonomyStats,
};
use guild_taxonomy::{OccupationId, SkillId, SkillKind, Source};
use serde::Serialize;

use crate::error::ApiError;
use crate::params::{Params, cursor};
use crate::{AppState, blocking};

/// Default page size.
const DEFAULT_LIMIT: usize = 20;

/// A page of results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListPage<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Search or list skills.
#[utoipa::path(
    get,
    path = "/api/v1/skills",
    params(
        ("q" = Option<String>, Query, description = "Words to find in skill labels (all must match, as prefixes)"),
        ("lang" = Option<String>, Query, description = "Search labels in this language and answer in it (e.g. en, nl)"),
        ("kind" = Option<String>, Query, description = "skill, knowledge, ability, technology, work_activity, language or group"),
        ("source" = Option<String>, Query, description = "onet, esco or guild"),
        ("limit" = Option<usize>, Query, description = "Page size, 1–200 (default 20)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, body = ListPage<SkillSummary>),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    tag = "taxonomy"
)]
pub async fn list_skills(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<SkillSummary>>, ApiError> {
    let p = Params::parse(
        raw.as_deref(),
        &["q", "lang", "kind", "source", "limit", "cursor"],
    )?;
    let query = SkillQuery {
        q: p.text("q").map(str::to_owned),
        lang: p.lang()?,
        kind: p
            .text("kind")
            .map(SkillKind::parse)
            .transpose()
            .map_err(|e| ApiError::bad_parameter("kind", e.to_string()))?,
        source: source(&p)?,
        limit: p.int_in("limit", 1..=MAX_PAGE_SIZE, DEFAULT_LIMIT)?,
        offset: p.cursor()?,
    };
    let page = blocking(move || state.store.replica().taxonomy().search_skills(&query)).await?;
    Ok(Json(ListPage {
        items: page.items,
        next_cursor: page.next_offset.map(cursor),
    }))
}

/// One skill: labels in every language, broader and narrower concepts, related skills, and the
/// occupations that need it.
#[utoipa::path(
    get,
    path = "/api/v1/skills/{id}",
    params(("id" = String, Path, description = "Skill id, e.g. onet:2.A.1.a or an ESCO URI (percent-encoded or not)")),
    responses(
        (status = 200, body = SkillDetail),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    tag = "taxonomy"
)]
pub async fn get_skill(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SkillDetail>, ApiError> {
    let id = SkillId::parse(&id).map_err(|e| ApiError::bad_parameter("id", e.to_string()))?;
    Ok(Json(
        blocking(move || state.store.replica().taxonomy().skill(&id)).await?,
    ))
}

/// Search or list occupations.
#[utoipa::path(
    get,
    path = "/api/v1/occupations",
    params(
        ("q" = Option<String>, Query, description = "Words to find in titles and alternative titles"),
        ("lang" = Option<String>, Query, description = "Search titles in this language and answer in it"),
        ("source" = Option<String>, Query, description = "onet, esco or guild"),
        ("limit" = Option<usize>, Query, description = "Page size, 1–200 (default 20)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, body = ListPage<OccupationSummary>),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    tag = "taxonomy"
)]
pub async fn list_occupations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<OccupationSummary>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["q", "lang", "source", "limit", "cursor"])?;
    let query = OccupationQuery {
        q: p.text("q").map(str::to_owned),
        lang: p.lang()?,
        source: source(&p)?,
        limit: p.int_in("limit", 1..=MAX_PAGE_SIZE, DEFAULT_LIMIT)?,
        offset: p.cursor()?,
    };
    let page =
        blocking(move || state.store.replica().taxonomy().search_occupations(&query)).await?;
    Ok(Json(ListPage {
        items: page.items,
        next_cursor: page.next_offset.map(cursor),
    }))
}

/// One occupation with its tasks (and their work activities and AI exposure), weighted skills,
/// AI exposure and crosswalk links.
#[utoipa::path(
    get,
    path = "/api/v1/occupations/{id}",
    params(("id" = String, Path, description = "Occupation id, e.g. onet:15-1252.00 or an ESCO URI")),
    responses(
        (status = 200, body = OccupationDetail),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    tag = "taxonomy"
)]
pub async fn get_occupation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    // Occupation ids contain slashes (ESCO URIs, the starter set), so the transitions of an
    // occupation share this wildcard route.
    if let Some(occupation) = id.strip_suffix("/transitions") {
        return crate::reskilling::occupation_transitions(state, occupation.to_owned(), raw)
            .await
            .map(IntoResponse::into_response);
    }
    if raw.is_some_and(|q| !q.is_empty()) {
        return Err(ApiError::bad_parameter(
            "query",
            "an occupation takes no query parameters",
        ));
    }
    let id = OccupationId::parse(&id).map_err(|e| ApiError::bad_parameter("id", e.to_string()))?;
    Ok(
        Json(blocking(move || state.store.replica().taxonomy().occupation(&id)).await?)
            .into_response(),
    )
}

/// Counts of the taxonomy per source, kind and language.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomy/stats",
    responses((status = 200, body = TaxonomyStats)),
    tag = "taxonomy"
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<TaxonomyStats>, ApiError> {
    Ok(Json(
        blocking(move || state.store.replica().taxonomy().stats()).await?,
    ))
}

fn source(p: &Params) -> Result<Option<Source>, ApiError> {
    p.text("source")
        .map(Source::parse)
        .transpose()
        .map_err(|e| ApiError::bad_parameter("source", e.to_string()))
}
