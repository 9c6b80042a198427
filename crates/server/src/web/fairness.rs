//! The fairness pages: a worker's voluntary declaration for the bias audit (the purpose shown,
//! consent asked, each dimension optional, withdrawal at any time), and the platform admins'
//! queue of contests, oldest deadline first, where a person decides and says why.

use askama::Template;
use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use guild_ids::ContestId;
use guild_store::{Contest, ContestOutcome, DecisionKind};
use serde::Deserialize;

use super::{Lang, NoFields, Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::AppState;

/// A category's name in the language; `None` for one Guild does not ask about.
fn category(lang: Lang, dimension: &str, category: &str) -> Option<&'static str> {
    let (en, nl) = match (dimension, category) {
        ("sex", "female") => ("Female", "Vrouw"),
        ("sex", "male") => ("Male", "Man"),
        ("sex", "non_binary") => ("Non-binary", "Non-binair"),
        ("sex", "other") => ("Another", "Anders"),
        ("race_ethnicity", "hispanic_or_latino") => ("Hispanic or Latino", "Hispanic of Latino"),
        ("race_ethnicity", "white") => ("White", "Wit"),
        ("race_ethnicity", "black_or_african_american") => {
            ("Black or African American", "Zwart of Afro-Amerikaans")
        }
        ("race_ethnicity", "asian") => ("Asian", "Aziatisch"),
        ("race_ethnicity", "american_indian_or_alaska_native") => (
            "American Indian or Alaska Native",
            "Inheems Amerikaans of Alaska Native",
        ),
        ("race_ethnicity", "native_hawaiian_or_pacific_islander") => (
            "Native Hawaiian or Pacific Islander",
            "Inheems Hawaïaans of van de eilanden in de Stille Oceaan",
        ),
        ("race_ethnicity", "two_or_more") => ("Two or more", "Twee of meer"),
        ("race_ethnicity", "other") => ("Another", "Anders"),
        ("age_band", "under_25") => ("Under 25", "Jonger dan 25"),
        ("age_band", "25_39") => ("25 to 39", "25 tot en met 39"),
        ("age_band", "40_54") => ("40 to 54", "40 tot en met 54"),
        ("age_band", "55_plus") => ("55 or over", "55 of ouder"),
        ("disability", "yes") => ("Yes", "Ja"),
        ("disability", "no") => ("No", "Nee"),
        _ => return None,
    };
    Some(match lang {
        Lang::En => en,
        Lang::Nl => nl,
    })
}

/// A dimension's question in the language.
fn question(lang: Lang, dimension: &str) -> &'static str {
    match (dimension, lang) {
        ("sex", Lang::En) => "Sex",
        ("sex", Lang::Nl) => "Geslacht",
        ("race_ethnicity", Lang::En) => "Race or ethnicity",
        ("race_ethnicity", Lang::Nl) => "Afkomst",
        ("age_band", Lang::En) => "Age",
        ("age_band", Lang::Nl) => "Leeftijd",
        ("disability", Lang::En) => "A disability",
        ("disability", Lang::Nl) => "Een beperking",
        (_, _) => "",
    }
}

/// One question of the form.
struct Question {
    name: &'static str,
    label: &'static str,
    /// (value, label, chosen)
    options: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template)]
#[template(path = "declaration.html")]
struct DeclarationPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    has_profile: bool,
    questions: Vec<Question>,
    /// What is declared now, in words ("Sex: Female"), empty when nothing is.
    declared: Vec<String>,
    /// When consent was given, or withdrawn.
    since: String,
    withdrawn: bool,
}

/// The declaration page: the purpose, the questions (each may be left unanswered), consent.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let found = state
        .on_store(move |store| {
            let Some(w) = store.work().worker_of(account.id)? else {
                return Ok(None);
            };
            Ok(Some(store.decisions().declaration(w.worker.id)?))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let lang = v.t.0;
    let (current, since, withdrawn) = match &found {
        Some(Ok(Some(d))) => (d.categories.clone(), d.consented_at.clone(), false),
        Some(Err(at)) => (Default::default(), at.clone(), true),
        _ => (Default::default(), String::new(), false),
    };
    let questions = guild_platform::DECLARATION_DIMENSIONS
        .iter()
        .map(|(dimension, categories)| Question {
            name: dimension,
            label: question(lang, dimension),
            options: categories
                .iter()
                .map(|c| {
                    (
                        *c,
                        category(lang, dimension, c).unwrap_or(c),
                        current.get(*dimension).is_some_and(|x| x == *c),
                    )
                })
                .collect(),
        })
        .collect();
    let declared = current
        .iter()
        .map(|(d, c)| {
            format!(
                "{}: {}",
                question(lang, d),
                category(lang, d, c).unwrap_or(c.as_str())
            )
        })
        .collect();
    Ok(render(&DeclarationPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        has_profile: found.is_some(),
        questions,
        declared,
        since: since.get(..10).unwrap_or(&since).to_owned(),
        withdrawn,
    }))
}

#[derive(Deserialize)]
pub(super) struct DeclarationForm {
    #[serde(default)]
    sex: String,
    #[serde(default)]
    race_ethnicity: String,
    #[serde(default)]
    age_band: String,
    #[serde(default)]
    disability: String,
    /// The consent box: present when ticked.
    #[serde(default)]
    consent: String,
}

/// Keeps the worker's declaration: only the questions answered, only with consent.
pub(super) async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, DeclarationForm) = submission(&state, &headers, &raw).await?;
    if f.consent.is_empty() {
        return Err(problem_page(
            &v,
            StatusCode::BAD_REQUEST,
            v.t.s("declare_needs_consent"),
        ));
    }
    let categories: std::collections::BTreeMap<String, String> = [
        ("sex", f.sex),
        ("race_ethnicity", f.race_ethnicity),
        ("age_band", f.age_band),
        ("disability", f.disability),
    ]
    .into_iter()
    .filter(|(_, c)| !c.trim().is_empty())
    .map(|(d, c)| (d.to_owned(), c.trim().to_owned()))
    .collect();
    let platform = state.platform.clone();
    crate::blocking(move || {
        let worker = super::own_profile(platform.store(), account.id)?;
        platform.declare(worker, &categories, true)
    })
    .await
    .map_err(|e| failed(&v, &e))?;
    go("/declaration")
}

/// Withdraws consent: the declaration is erased at once.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, _): (_, _, NoFields) = submission(&state, &headers, &raw).await?;
    state
        .on_store(move |store| {
            let worker = super::own_profile(store, account.id)?;
            store.decisions().withdraw_declaration(worker)
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    go("/declaration")
}

/// A contest in the admins' queue.
struct QueueRow {
    id: ContestId,
    worker: String,
    /// What is contested, in words, with what the log says of it.
    what: String,
    reason: String,
    filed: String,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "admin_contests.html")]
struct ContestsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    /// Whose queue: empty for the platform's, else the organisation's name.
    organisation: String,
    /// Where a decision is posted.
    action: String,
    open: Vec<QueueRow>,
}

fn day(stamp: &str) -> String {
    stamp.get(..16).unwrap_or(stamp).replace('T', " ")
}

/// What a contest is about, in words, with the ranking's facts from the log.
fn subject(
    lang: Lang,
    c: &Contest,
    facts: Option<&(DecisionKind, i64, i64, f64, String)>,
) -> String {
    match (&c.decision, &c.skill) {
        (Some(d), _) => match (facts, lang) {
            (Some((_, rank, considered, score, title)), Lang::En) => {
                format!("Ranking {d}: place {rank} of {considered} for “{title}”, score {score:.1}")
            }
            (Some((_, rank, considered, score, title)), Lang::Nl) => format!(
                "Rangschikking {d}: plaats {rank} van {considered} voor “{title}”, score {score:.1}"
            ),
            (None, Lang::En) => format!("Ranking {d} (no longer in the log)"),
            (None, Lang::Nl) => format!("Rangschikking {d} (niet meer in het logboek)"),
        },
        (_, Some(s)) => match lang {
            Lang::En => format!("How Guild read the skill “{s}”"),
            Lang::Nl => format!("Hoe Guild de vaardigheid “{s}” las"),
        },
        _ => String::new(),
    }
}

/// The queue's rows: each open contest with the worker's name and, for a ranking, its facts
/// from the log.
fn queue_rows(
    store: &guild_store::Store,
    lang: Lang,
    open: Vec<Contest>,
) -> Result<Vec<QueueRow>, guild_store::StoreError> {
    let mut rows = Vec::with_capacity(open.len());
    let now = store.now().to_string();
    for c in open {
        let name = store
            .work()
            .worker(c.worker)
            .map(|w| w.worker.name)
            .unwrap_or_default();
        let facts = match c.decision {
            Some(d) => {
                let ranking = store.decisions().ranking_of(d, c.worker)?;
                ranking.and_then(|r| {
                    let mine = r.candidates.first()?.clone();
                    let title = store
                        .work()
                        .task_titles(&[mine.task])
                        .ok()
                        .and_then(|t| t.get(&mine.task).cloned())
                        .unwrap_or_else(|| format!("#{}", mine.task));
                    Some((r.kind, mine.rank, r.considered, mine.score, title))
                })
            }
            None => None,
        };
        let skill = c.skill.as_ref().map(|s| {
            store
                .taxonomy()
                .skill_labels_in(std::slice::from_ref(s), lang.tag())
                .ok()
                .and_then(|l| l.into_iter().next())
                .unwrap_or_else(|| s.clone())
        });
        let mut shown = c.clone();
        shown.skill = skill;
        rows.push(QueueRow {
            id: c.id,
            worker: name,
            what: subject(lang, &shown, facts.as_ref()),
            reason: c.reason.clone(),
            filed: day(&c.created_at),
            due: day(&c.due_at),
            overdue: c.due_at.as_str() < now.as_str(),
        });
    }
    Ok(rows)
}

/// The admins' queue: open contests, the nearest deadline first.
pub(super) async fn queue(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = super::money::admin(&state, &headers).await?;
    let lang = v.t.0;
    let rows = state
        .on_store(move |store| queue_rows(store, lang, store.decisions().open_contests()?))
        .await
        .map_err(|e| failed(&v, &e))?;
    Ok(render(&ContestsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        organisation: String::new(),
        action: "/admin/contests/decide".to_owned(),
        open: rows,
    }))
}

/// The organisation, when the viewer reviews for it (a reviewer or an admin of it).
async fn reviewing(
    state: &AppState,
    v: &Viewer,
    slug: String,
) -> Result<guild_credentials::issuer::Organisation, axum::response::Response> {
    let (o, _) =
        super::organisations::role_in(state, v, slug, &["admin", "reviewer"], "not_a_reviewer")
            .await?;
    Ok(o)
}

/// An organisation's reviewers' queue: contests of rankings for tasks its members posted.
pub(super) async fn organisation_queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let o = reviewing(&state, &v, slug).await?;
    let lang = v.t.0;
    let platform = state.platform.clone();
    let org = o.id;
    let rows = crate::blocking(move || {
        queue_rows(platform.store(), lang, platform.organisation_contests(org)?)
    })
    .await
    .map_err(|e| failed(&v, &e))?;
    Ok(render(&ContestsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        organisation: o.name.clone(),
        action: format!("/organisations/{}/contests/decide", o.slug),
        open: rows,
    }))
}

#[derive(Deserialize)]
pub(super) struct DecideForm {
    contest: ContestId,
    /// `upheld` or `rejected`; absent when neither was chosen.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
}

/// The outcome a decision form chose, or the page that asks for one.
fn outcome_of(v: &Viewer, f: &DecideForm) -> Result<ContestOutcome, axum::response::Response> {
    match f.outcome.as_str() {
        "upheld" => Ok(ContestOutcome::Upheld),
        "rejected" => Ok(ContestOutcome::Rejected),
        _ => Err(problem_page(
            v,
            StatusCode::BAD_REQUEST,
            v.t.s("contest_pick_outcome"),
        )),
    }
}

/// A reviewer of the organisation decides a contest of its queue, saying why.
pub(super) async fn organisation_decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(slug): axum::extract::Path<String>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, DecideForm) = submission(&state, &headers, &raw).await?;
    let o = reviewing(&state, &v, slug).await?;
    let outcome = outcome_of(&v, &f)?;
    let platform = state.platform.clone();
    let org = o.id;
    crate::blocking(move || {
        platform.decide_organisation_contest(org, f.contest, account.id, outcome, &f.answer)
    })
    .await
    .map_err(|e| failed(&v, &e))?;
    go(&format!("/organisations/{}/contests", o.slug))
}

/// An admin decides a contest, saying why; the worker is told.
pub(super) async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, DecideForm) = submission(&state, &headers, &raw).await?;
    if account.role != "admin" {
        return Err(problem_page(&v, StatusCode::FORBIDDEN, v.t.s("admin_only")));
    }
    let outcome = outcome_of(&v, &f)?;
    let platform = state.platform.clone();
    crate::blocking(move || platform.decide_contest(f.contest, account.id, outcome, &f.answer))
        .await
        .map_err(|e| failed(&v, &e))?;
    go("/admin/contests")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_words_and_the_purpose_is_the_one_consented_to() {
        for (dimension, categories) in guild_platform::DECLARATION_DIMENSIONS {
            assert!(!question(Lang::Nl, dimension).is_empty(), "{dimension}");
            for c in *categories {
                for lang in [Lang::En, Lang::Nl] {
                    assert!(category(lang, dimension, c).is_some(), "{dimension} {c}");
                }
            }
        }
        // The page shows, in English, the very text whose version the declaration records.
        assert_eq!(
            Words(Lang::En).s("declare_purpose"),
            guild_platform::DECLARATION_PURPOSE
        );
    }
}
