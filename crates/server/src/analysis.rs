//! Reading text: skill extraction, job-title normalisation, deconstruction, profiles from text.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use guild_extraction::ExtractOptions;
use guild_extraction::SkillMatch;
use guild_extraction::analyzer::{Analyzer, AnalyzerScratch, OccupationMatch, ProfileDraft};
use guild_platform::{Work, WorkBreakdown};
use guild_taxonomy::OccupationId;
use guild_taxonomy::normalize::language_tag;
use serde::{Deserialize, Serialize};

use crate::body::TextBody;
use crate::error::ApiError;
use crate::{AppState, blocking};

/// The analyzer over the store's current taxonomy (rebuilt by the platform when an import
/// changed it).
pub(crate) async fn analyzer(state: &AppState) -> Result<Arc<Analyzer>, ApiError> {
    state.on_platform(move |platform| platform.analyzer()).await
}

fn text_field(text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::bad_field("text", "is empty"));
    }
    Ok(())
}

pub(crate) fn lang_field(lang: &Option<String>) -> Result<Option<String>, ApiError> {
    match lang.as_deref() {
        None | Some("") => Ok(None),
        Some(l) => language_tag(l).map(Some).ok_or_else(|| {
            ApiError::bad_field("lang", format!("{l:?} is not a language tag like en or nl"))
        }),
    }
}

/// Text to read for skills.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractRequest {
    /// The text: a sentence, a job post, a CV.
    pub text: String,
    /// Its language (e.g. en, nl); guessed from the taxonomy's labels when absent.
    pub lang: Option<String>,
    /// At most this many skills (1–200, default 20).
    pub limit: Option<usize>,
    /// Least share of a skill's label the text must cover, 0–1 (default 0.6).
    pub min_coverage: Option<f32>,
}

/// Skills found in a text.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExtractResponse {
    /// The language the text was read in.
    pub lang: String,
    /// Skills, best first, with spans and reasons.
    pub skills: Vec<SkillMatch>,
}

/// Find the taxonomy's skills in a text, with the spans that matched and why.
#[utoipa::path(post, path = "/api/v1/skills/extract", request_body = ExtractRequest,
    responses((status = 200, body = ExtractResponse), (status = 400, body = crate::Problem), (status = 413, body = crate::Problem)),
    tag = "extraction")]
pub async fn extract(
    State(state): State<AppState>,
    TextBody(req): TextBody<ExtractRequest>,
) -> Result<Json<ExtractResponse>, ApiError> {
    text_field(&req.text)?;
    let lang = lang_field(&req.lang)?;
    let limit = req.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_field(
            "limit",
            format!("{limit} is not from 1 to 200"),
        ));
    }
    let min_coverage = req.min_coverage.unwrap_or(0.6);
    if !(0.0..=1.0).contains(&min_coverage) {
        return Err(ApiError::bad_field(
            "min_coverage",
            format!("{min_coverage} is not from 0 to 1"),
        ));
    }
    let analyzer = analyzer(&state).await?;
    let response = blocking(move || {
        let lang = lang.unwrap_or_else(|| analyzer.guess_language(&req.text));
        let options = ExtractOptions {
            lang: Some(lang.clone()),
            limit,
            min_coverage,
        };
        let skills = analyzer.extract_skills(&mut AnalyzerScratch::default(), &req.text, &options);
        Ok(ExtractResponse { lang, skills })
    })
    .await?;
    Ok(Json(response))
}

/// A raw job title.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleRequest {
    /// The title, e.g. "Sr. CNC Machinist - 2nd shift".
    pub title: String,
    /// Its language; guessed when absent.
    pub lang: Option<String>,
    /// At most this many occupations (1–100, default 10).
    pub limit: Option<usize>,
}

/// Occupations a title names.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TitleResponse {
    /// Occupations of every taxonomy, best first, joined through the crosswalk.
    pub occupations: Vec<OccupationMatch>,
}

/// Normalise a raw job title to ranked occupations (ESCO, O*NET and Guild's, joined through the crosswalk).
#[utoipa::path(post, path = "/api/v1/titles/normalize", request_body = TitleRequest,
    responses((status = 200, body = TitleResponse), (status = 400, body = crate::Problem)), tag = "extraction")]
pub async fn normalize_title(
    State(state): State<AppState>,
    TextBody(req): TextBody<TitleRequest>,
) -> Result<Json<TitleResponse>, ApiError> {
    if req.title.trim().is_empty() {
        return Err(ApiError::bad_field("title", "is empty"));
    }
    let lang = lang_field(&req.lang)?;
    let limit = req.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_field(
            "limit",
            format!("{limit} is not from 1 to 100"),
        ));
    }
    let analyzer = analyzer(&state).await?;
    let occupations = blocking(move || {
        Ok(analyzer.normalize_title(
            &mut AnalyzerScratch::default(),
            &req.title,
            lang.as_deref(),
            limit,
        ))
    })
    .await?;
    Ok(Json(TitleResponse { occupations }))
}

/// Work to break into tasks: exactly one of `occupation` and `text`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeconstructRequest {
    /// An occupation id (e.g. onet:51-4041.00, an ESCO URI, guild:occupation/welder).
    pub occupation: Option<String>,
    /// A job post or project description.
    pub text: Option<String>,
    /// The text's language; guessed when absent.
    pub lang: Option<String>,
}

/// Break an occupation, a job post or a project description into tasks, each with its skills,
/// AI exposure and physical presence, and a summary of what could be done remotely, what AI
/// could do and which skills the human work needs.
#[utoipa::path(post, path = "/api/v1/deconstruct", request_body = DeconstructRequest,
    responses((status = 200, body = WorkBreakdown), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 413, body = crate::Problem)),
    tag = "extraction")]
pub async fn deconstruct(
    State(state): State<AppState>,
    TextBody(req): TextBody<DeconstructRequest>,
) -> Result<Json<WorkBreakdown>, ApiError> {
    let lang = lang_field(&req.lang)?;
    let work = match (req.occupation, req.text) {
        (Some(id), None) => Work::Occupation(
            OccupationId::parse(&id)
                .map_err(|e| ApiError::bad_field("occupation", e.to_string()))?,
        ),
        (None, Some(text)) => {
            text_field(&text)?;
            Work::Text { text, lang }
        }
        _ => {
            return Err(ApiError::bad_body(
                "give exactly one of \"occupation\" and \"text\"",
            ));
        }
    };
    Ok(Json(
        state
            .on_platform(move |platform| platform.deconstruct(&work))
            .await?,
    ))
}

/// A CV or a plain description of past work.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// The text.
    pub text: String,
    /// Its language; guessed when absent.
    pub lang: Option<String>,
}

/// Propose skills (with the spans that evidence them) and likely occupations from a CV or a
/// description of past work, for the worker to confirm.
#[utoipa::path(post, path = "/api/v1/profiles/extract", request_body = ProfileRequest,
    responses((status = 200, body = ProfileDraft), (status = 400, body = crate::Problem), (status = 413, body = crate::Problem)),
    tag = "extraction")]
pub async fn extract_profile(
    State(state): State<AppState>,
    TextBody(req): TextBody<ProfileRequest>,
) -> Result<Json<ProfileDraft>, ApiError> {
    text_field(&req.text)?;
    let lang = lang_field(&req.lang)?;
    let analyzer = analyzer(&state).await?;
    Ok(Json(
        blocking(move || {
            Ok(analyzer.profile(&mut AnalyzerScratch::default(), &req.text, lang.as_deref()))
        })
        .await?,
    ))
}
