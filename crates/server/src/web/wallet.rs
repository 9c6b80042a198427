//! The credential wallet and the public profile. A worker sees the credentials Guild issued
//! them (download, check) and the ones they imported, imports more (checked first: only a
//! valid credential becomes evidence), and may share their profile at a public page, where
//! anyone can check each credential. Profiles are private until shared.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use guild_matching::WorkerId;
use guild_store::{ImportedCredential, IssuedCredential, StoredWorker};
use serde::Deserialize;

use super::{Lang, Page, Viewer, Words, failed, form, form_field, go, problem_page, render};
use crate::AppState;

/// A credential Guild issued, for a page.
struct HeldCredential {
    title: String,
    issuer: String,
    issued: String,
    revoked: bool,
    download: String,
    document: String,
}

/// A credential imported from elsewhere, for a page.
struct ForeignCredential {
    name: String,
    issuer: String,
    valid_until: String,
    skills: Vec<String>,
}

fn held(
    c: &IssuedCredential,
    labels: &std::collections::HashMap<String, String>,
) -> HeldCredential {
    let skill = c
        .skill
        .as_ref()
        .map(|s| labels.get(s).cloned().unwrap_or_else(|| s.clone()));
    HeldCredential {
        title: match skill {
            Some(s) => format!("{}: {s}", c.kind),
            None => c.kind.clone(),
        },
        issuer: c.issuer.clone(),
        issued: c.issued_at.get(..10).unwrap_or(&c.issued_at).to_owned(),
        revoked: c.revoked_at.is_some(),
        download: format!(
            "/api/v1/credentials/{}",
            url::form_urlencoded::byte_serialize(c.id.as_bytes()).collect::<String>()
        ),
        document: c.document.clone(),
    }
}

fn foreign(c: &ImportedCredential) -> ForeignCredential {
    ForeignCredential {
        name: c
            .name
            .clone()
            .unwrap_or_else(|| c.types.last().cloned().unwrap_or_default()),
        issuer: c.issuer_name.clone().unwrap_or_else(|| c.issuer.clone()),
        valid_until: c.valid_until.clone().unwrap_or_default(),
        skills: c.skills.iter().map(|s| s.label.clone()).collect(),
    }
}

/// What a wallet or profile shows, loaded in one go.
struct Holdings {
    worker: StoredWorker,
    public: bool,
    issued: Vec<HeldCredential>,
    imported: Vec<ForeignCredential>,
    skills: Vec<(String, u8, String)>,
}

async fn holdings(state: &AppState, t: Words, worker: WorkerId) -> Result<Holdings, Response> {
    let lang = t.tag();
    let loaded = state
        .on_store(move |store| {
            let w = store.work().worker(worker)?;
            let public = store.accounts().profile_is_public(worker)?;
            let issued = store.credentials().credentials_of(worker)?;
            let imported = store.credentials().imported_credentials(worker)?;
            let ids: Vec<String> = w
                .worker
                .skills
                .iter()
                .map(|s| s.skill.to_string())
                .chain(issued.iter().filter_map(|c| c.skill.clone()))
                .collect();
            let labels = store.taxonomy().skill_labels_in(&ids, lang)?;
            let labels: std::collections::HashMap<String, String> =
                ids.into_iter().zip(labels).collect();
            Ok((w, public, issued, imported, labels))
        })
        .await;
    let (w, public, issued, imported, labels) = loaded.map_err(|e| failed(t, &e))?;
    Ok(Holdings {
        skills: w
            .worker
            .skills
            .iter()
            .map(|s| {
                (
                    labels
                        .get(s.skill.as_str())
                        .cloned()
                        .unwrap_or_else(|| s.skill.to_string()),
                    s.proficiency.level(),
                    s.evidence.as_str().to_owned(),
                )
            })
            .collect(),
        issued: issued.iter().map(|c| held(c, &labels)).collect(),
        imported: imported.iter().map(foreign).collect(),
        worker: w,
        public,
    })
}

#[derive(Template)]
#[template(path = "wallet.html")]
struct WalletPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    h: Holdings,
    public_link: String,
    error: String,
    pasted: String,
}

async fn own(state: &AppState, headers: &HeaderMap) -> Result<(Viewer, StoredWorker), Response> {
    let v = Viewer::of(state, headers)
        .await
        .map_err(|e| failed(Words(Lang::of(headers)), &e))?;
    let account = v.require()?.clone();
    match state
        .on_store(move |store| store.work().worker_of(account.id))
        .await
    {
        Ok(Some(w)) => Ok((v, w)),
        Ok(None) => Err(Redirect::to("/welcome").into_response()),
        Err(e) => Err(failed(&v, &e)),
    }
}

async fn wallet_page(
    state: &AppState,
    v: &Viewer,
    worker: WorkerId,
    error: String,
    pasted: String,
) -> Page {
    let h = holdings(state, v.t, worker).await?;
    let failed_import = !error.is_empty();
    let mut r = render(&WalletPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        public_link: format!(
            "{}/people/{}",
            state.publication.base_url.trim_end_matches('/'),
            worker.0
        ),
        h,
        error,
        pasted,
    });
    if failed_import {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn wallet(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let (v, w) = own(&state, &headers).await?;
    wallet_page(&state, &v, w.worker.id, String::new(), String::new()).await
}

#[derive(Deserialize)]
struct ImportForm {
    credential: String,
}

pub(super) async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, w) = own(&state, &headers).await?;
    let f: ImportForm = form(&headers, &raw)?;
    v.check_csrf(&form_field(&raw, "csrf").unwrap_or_default())?;
    let id = w.worker.id;
    match crate::credentials::import_bytes(&state, id, f.credential.clone().into_bytes()).await {
        Ok(_) => go("/credentials"),
        Err(e) => wallet_page(&state, &v, id, e.detail().to_owned(), f.credential).await,
    }
}

#[derive(Deserialize)]
struct ShareForm {
    public: String,
}

pub(super) async fn share(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, w) = own(&state, &headers).await?;
    let f: ShareForm = form(&headers, &raw)?;
    v.check_csrf(&form_field(&raw, "csrf").unwrap_or_default())?;
    let id = w.worker.id;
    let public = f.public == "1";
    match state
        .on_store(move |store| store.accounts().set_profile_public(id, public))
        .await
    {
        Ok(()) => go("/credentials"),
        Err(e) => Err(failed(&v, &e)),
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    h: Holdings,
}

/// A worker's public profile: only when they share it; otherwise, as for anyone unknown, 404.
pub(super) async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<WorkerId>,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let missing = || problem_page(&v, StatusCode::NOT_FOUND, v.t.s("no_public_profile"));
    let h = match holdings(&state, v.t, id).await {
        Ok(h) if h.public => h,
        _ => return Err(missing()),
    };
    Ok(render(&PersonPage {
        t: v.t,
        signed_in: v.account.is_some(),
        csrf: v.csrf.clone(),
        h,
    }))
}
