//! The worker's way forward, drawn: the nearest transitions as a map (SVG made on the server:
//! closer is nearer, bigger has more open work, the colour is AI exposure), and for one target
//! the skill gap as a chart, the cheapest learning path, bridge work and the tasks of the
//! target the worker can already do. Every picture has the same facts as text beside it.

use askama::Template;
use axum::extract::{RawForm, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use guild_platform::{GapItemView, Move, Origin, PathRequest, PathTarget};
use serde::Deserialize;

use super::{Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::AppState;

/// A node of the transition map.
struct MapNode {
    x: f32,
    y: f32,
    r: f32,
    class: &'static str,
    label: String,
    label_y: f32,
    href: String,
    title: String,
    stroke: f32,
}

/// A transition in the list beside the map.
struct TransitionRow {
    title: String,
    /// The start it leads from, when the worker has several.
    from: String,
    href: String,
    score: String,
    gap: String,
    ai: String,
    remote: String,
    open_tasks: usize,
    missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "transitions.html")]
struct TransitionsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    from: String,
    starts: Vec<StartRow>,
    nodes: Vec<MapNode>,
    rows: Vec<TransitionRow>,
    has_profile: bool,
    /// The occupation search: what was typed, whether it was sent, and what it found.
    find: String,
    searched: bool,
    found: Vec<FoundRow>,
    /// Why the search found nothing or could not run, in words.
    find_note: String,
}

/// A starting point of the moves.
struct StartRow {
    id: String,
    title: String,
    stated: bool,
}

/// An occupation the search found.
struct FoundRow {
    id: String,
    title: String,
    source: &'static str,
    href: String,
    /// Whether the worker named it already.
    mine: bool,
}

/// How many occupations the search on the page shows.
const FOUND_LIMIT: usize = 12;

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

/// Minor units as decimal text in their currency.
pub(super) fn money_text(minor: i64, code: &str) -> String {
    match guild_market::Currency::parse(code) {
        Ok(c) => format!("{} {code}", guild_market::money::decimal(minor, c)),
        Err(_) => format!("{minor} {code}"),
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{:.0} %", v * 100.0))
}

/// The map's geometry: the worker's occupation in the middle, each transition around it at
/// a distance that grows as its score falls.
fn layout(scores: &[(f32, usize, Option<f64>)]) -> Vec<(f32, f32, f32, &'static str, f32)> {
    let (cx, cy) = (340.0_f32, 230.0_f32);
    let n = scores.len().max(1) as f32;
    let max = scores.iter().map(|s| s.0).fold(f32::MIN, f32::max);
    let min = scores.iter().map(|s| s.0).fold(f32::MAX, f32::min);
    let spread = (max - min).max(1e-6);
    scores
        .iter()
        .enumerate()
        .map(|(i, &(score, open, ai))| {
            let angle = std::f32::consts::TAU * i as f32 / n - std::f32::consts::FRAC_PI_2;
            let far = (max - score) / spread;
            let d = 95.0 + 100.0 * far;
            let r = (7.0 + 3.0 * (open as f32).sqrt()).min(20.0);
            let class = match ai {
                Some(a) if a >= 0.5 => "ai-high",
                Some(a) if a >= 0.25 => "ai-mid",
                Some(_) => "ai-low",
                None => "ai-unknown",
            };
            (
                cx + d * angle.cos(),
                cy + d * angle.sin(),
                r,
                class,
                1.0 + 4.0 * (1.0 - far),
            )
        })
        .collect()
}

pub(super) async fn transitions(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let find = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "find")
        .map(|(_, v)| v.trim().to_owned());
    let worker = state
        .on_store(move |store| store.work().worker_of(account.id))
        .await
        .map_err(|e| failed(&v, &e))?;
    let mut page = TransitionsPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        from: String::new(),
        starts: Vec::new(),
        nodes: Vec::new(),
        rows: Vec::new(),
        has_profile: worker.is_some(),
        searched: find.is_some(),
        find: find.clone().unwrap_or_default(),
        found: Vec::new(),
        find_note: String::new(),
    };
    let Some(worker) = worker else {
        return Ok(render(&page));
    };
    let id = worker.worker.id;
    let next = state
        .on_platform(move |platform| platform.where_next(id, 8, 6))
        .await
        .map_err(|e| failed(&v, &e))?;
    // Titles and skills in the reader's language where the taxonomy has them.
    let local = local_labels(
        &state,
        v.t,
        next.starts
            .iter()
            .map(|s| s.occupation.id.clone())
            .chain(next.transitions.iter().flat_map(|m| {
                std::iter::once(m.transition.occupation.clone())
                    .chain(m.transition.gap.missing.iter().map(|g| g.skill.clone()))
            }))
            .collect(),
    )
    .await;
    let say =
        |id: &str, english: &str| local.get(id).cloned().unwrap_or_else(|| english.to_owned());
    page.starts = next
        .starts
        .iter()
        .map(|s| StartRow {
            id: s.occupation.id.clone(),
            title: say(&s.occupation.id, &s.occupation.title),
            stated: s.stated,
        })
        .collect();
    page.from = match next.starts.as_slice() {
        [one] => say(&one.occupation.id, &one.occupation.title),
        _ => String::new(),
    };
    if let Some(q) = find {
        page.find_note = match q.chars().count() {
            0 => v.t.s("find_empty").to_owned(),
            1 => v.t.s("find_short").to_owned(),
            _ => String::new(),
        };
        if page.find_note.is_empty() {
            let lang = v.t.0.tag().to_owned();
            let request = guild_store::OccupationQuery {
                q: Some(q.clone()),
                lang: Some(lang),
                source: None,
                limit: FOUND_LIMIT,
                offset: 0,
            };
            let found = state
                .on_store(move |store| store.replica().taxonomy().search_occupations(&request))
                .await
                .map_err(|e| failed(&v, &e))?;
            let named: Vec<&str> = page
                .starts
                .iter()
                .filter(|s| s.stated)
                .map(|s| s.id.as_str())
                .collect();
            page.found = found
                .items
                .into_iter()
                .map(|o| FoundRow {
                    href: format!("/transitions/path?to={}", encode(&o.id)),
                    mine: named.contains(&o.id.as_str()),
                    source: o.source.name(),
                    id: o.id,
                    title: o.title,
                })
                .collect();
            if page.found.is_empty() {
                page.find_note = format!("{} “{q}”.", v.t.s("find_none"));
            }
        }
    }
    let geometry = layout(
        &next
            .transitions
            .iter()
            .map(|m| {
                (
                    m.transition.score,
                    m.transition.open_tasks,
                    m.transition.ai_exposure,
                )
            })
            .collect::<Vec<_>>(),
    );
    page.nodes = next
        .transitions
        .iter()
        .zip(&geometry)
        .map(
            |(
                Move {
                    from,
                    transition: t,
                },
                &(x, y, r, class, stroke),
            )| MapNode {
                x,
                y,
                r,
                class,
                label: short(&say(&t.occupation, &t.title), 26),
                // Labels above the upper nodes and below the lower ones keep neighbours apart.
                label_y: if y < 230.0 { y - r - 6.0 } else { y + r + 14.0 },
                href: path_href(&t.occupation, next.starts.get(*from)),
                title: say(&t.occupation, &t.title),
                stroke,
            },
        )
        .collect();
    let several = next.starts.len() > 1;
    page.rows = next
        .transitions
        .iter()
        .map(
            |Move {
                 from,
                 transition: t,
             }| TransitionRow {
                title: say(&t.occupation, &t.title),
                from: if several {
                    next.starts
                        .get(*from)
                        .map(|s| say(&s.occupation.id, &s.occupation.title))
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                href: path_href(&t.occupation, next.starts.get(*from)),
                // Closeness is shown from 0 (far) up: a score below zero says only "far".
                score: format!("{:.2}", t.score.max(0.0)),
                gap: format!("{:.0} %", t.gap.gap_share * 100.0),
                ai: percent(t.ai_exposure),
                remote: percent(t.remote_share),
                open_tasks: t.open_tasks,
                missing: t
                    .gap
                    .missing
                    .iter()
                    .map(|m| say(&m.skill, &m.label))
                    .collect(),
            },
        )
        .collect();
    Ok(render(&page))
}

/// Labels of taxonomy concepts (skills, occupations) in the reader's language, where the
/// taxonomy has one; none for English, which the reports are written in.
async fn local_labels(
    state: &AppState,
    t: Words,
    ids: Vec<String>,
) -> std::collections::HashMap<String, String> {
    if t.0 == super::Lang::En {
        return std::collections::HashMap::new();
    }
    super::skill_labels(state, t, ids)
        .await
        .into_iter()
        .filter(|(id, label)| id != label)
        .collect()
}

/// The link to the way from `start` (when the worker named it) to `target`.
fn path_href(target: &str, start: Option<&guild_platform::Start>) -> String {
    match start.filter(|s| s.stated) {
        Some(s) => format!(
            "/transitions/path?to={}&from={}",
            encode(target),
            encode(&s.occupation.id)
        ),
        None => format!("/transitions/path?to={}", encode(target)),
    }
}

/// The occupation a form names, from a worker's own profile.
#[derive(serde::Deserialize)]
pub(super) struct OccupationForm {
    occupation: String,
}

/// Adds an occupation the worker has done to their starting points.
pub(super) async fn add_occupation(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, OccupationForm) = submission(&state, &headers, &raw).await?;
    let worker = own_worker(&state, &v, account.id).await?;
    state
        .on_platform(move |platform| platform.add_occupation(worker, &f.occupation))
        .await
        .map_err(|e| failed(&v, &e))?;
    Ok(Redirect::to("/transitions").into_response())
}

/// Removes an occupation from the worker's starting points.
pub(super) async fn remove_occupation(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, OccupationForm) = submission(&state, &headers, &raw).await?;
    let worker = own_worker(&state, &v, account.id).await?;
    state
        .on_store(move |store| store.work().remove_worker_occupation(worker, &f.occupation))
        .await
        .map_err(|e| failed(&v, &e))?;
    Ok(Redirect::to("/transitions").into_response())
}

/// The signed-in account's own worker profile (a page that says "make one" when there is none).
async fn own_worker(
    state: &AppState,
    v: &super::Viewer,
    account: guild_ids::AccountId,
) -> Result<guild_matching::WorkerId, axum::response::Response> {
    match state
        .on_store(move |store| store.work().worker_of(account))
        .await
    {
        Ok(Some(w)) => Ok(w.worker.id),
        Ok(None) => Err(super::problem_page(
            v,
            axum::http::StatusCode::CONFLICT,
            v.t.s("no_profile"),
        )),
        Err(e) => Err(failed(v, &e)),
    }
}

/// A bar of the gap chart.
struct GapBar {
    label: String,
    y: f32,
    text_y: f32,
    have_w: f32,
    need_w: f32,
    have: String,
    need: u8,
}

/// A step of the learning path.
struct StepRow {
    title: String,
    provider: String,
    hours: String,
    price: String,
    link: String,
    closes: Vec<String>,
}

#[derive(Template)]
#[template(path = "path.html")]
struct PathPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    target: String,
    bars: Vec<GapBar>,
    chart_height: f32,
    carried: Vec<String>,
    steps: Vec<StepRow>,
    total_hours: String,
    uncovered: Vec<String>,
    bridge: Vec<(String, String)>,
    doable: Vec<String>,
    target_tasks: usize,
    /// People on Guild who teach the path's skills: (skill, trainers).
    trainers: Vec<(String, Vec<TrainerRow>)>,
    /// Technologies the target uses that the gap counts but does not list.
    more_tools: usize,
    /// The occupation whose rated skills stand in for the target's, when it has none.
    rated_from: String,
}

/// A worker who teaches a skill of the path.
struct TrainerRow {
    name: String,
    level: u8,
    rate: String,
    remote: bool,
    languages: String,
    /// For the booking form: the trainer's profile and the skill.
    worker: guild_ids::WorkerId,
    skill: String,
}

/// Pixels per proficiency level in the gap chart.
const LEVEL_PX: f32 = 52.0;

fn bars(missing: &[GapItemView]) -> Vec<GapBar> {
    // The same label can come from two kinds (a skill and an activity): draw it once.
    let mut seen = std::collections::HashSet::new();
    missing
        .iter()
        .filter(|m| seen.insert(m.label.to_lowercase()))
        .take(14)
        .enumerate()
        .map(|(i, m)| {
            let y = 30.0 + i as f32 * 30.0;
            GapBar {
                label: short(&m.label, 38),
                y,
                text_y: y + 15.0,
                have_w: f32::from(m.have.unwrap_or(0)) * LEVEL_PX,
                need_w: f32::from(m.need) * LEVEL_PX,
                have: m.have.map_or_else(|| "0".to_owned(), |h| h.to_string()),
                need: m.need,
            }
        })
        .collect()
}

pub(super) async fn path(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let to = param("to");
    let from = param("from");
    let Some(to) = to.filter(|t| !t.is_empty()) else {
        return Ok(Redirect::to("/transitions").into_response());
    };
    let worker = match state
        .on_store(move |store| store.work().worker_of(account.id))
        .await
    {
        Ok(Some(w)) => w,
        Ok(None) => return Ok(Redirect::to("/welcome").into_response()),
        Err(e) => return Err(failed(&v, &e)),
    };
    let id = worker.worker.id;
    // The path starts from the occupation the move was listed from, when it is one the worker
    // named; else from the first they named (none: their skills say).
    let named = state
        .on_store(move |store| store.work().worker_occupations(id))
        .await
        .map_err(|e| failed(&v, &e))?;
    let occupation = match from {
        Some(f) if named.contains(&f) => Some(f),
        _ => named.into_iter().next(),
    };
    let request = PathRequest {
        origin: Origin::Worker { id, occupation },
        target: PathTarget::Occupation(to),
        languages: Vec::new(),
        hour_value: None,
        max_needs: 20,
    };
    let report = match state
        .on_platform(move |platform| platform.learning_path(&request))
        .await
    {
        Ok(r) => r,
        Err(e) => return Err(failed(&v, &e)),
    };
    let local = local_labels(
        &state,
        v.t,
        std::iter::once(report.target.id.clone())
            .chain(report.gap.missing.iter().map(|g| g.skill.clone()))
            .chain(report.gap.carried_over.iter().map(|c| c.id.clone()))
            .chain(report.gap.rated_from.iter().map(|o| o.id.clone()))
            .chain(report.labels.keys().cloned())
            .collect(),
    )
    .await;
    let label = |id: &str| {
        local
            .get(id)
            .or_else(|| report.labels.get(id))
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    };
    let say =
        |id: &str, english: &str| local.get(id).cloned().unwrap_or_else(|| english.to_owned());
    let missing: Vec<GapItemView> = report
        .gap
        .missing
        .iter()
        .map(|m| GapItemView {
            label: say(&m.skill, &m.label),
            ..m.clone()
        })
        .collect();
    let bars = bars(&missing);
    let (steps, total_hours, uncovered) = match &report.plan {
        Some(plan) => (
            plan.steps
                .iter()
                .map(|s| StepRow {
                    title: s.resource.title.clone(),
                    provider: s.resource.provider.clone(),
                    hours: format!("{}", s.resource.hours),
                    price: s
                        .resource
                        .cost
                        .map(|c| money_text(c.minor, &c.currency.to_string()))
                        .unwrap_or_default(),
                    link: s.resource.link.clone().unwrap_or_default(),
                    closes: s
                        .closes
                        .iter()
                        .map(|c| format!("{} ({})", label(c.skill.as_str()), c.level.level()))
                        .collect(),
                })
                .collect(),
            format!("{}", plan.total_hours),
            plan.uncovered
                .iter()
                .map(|n| label(n.skill.as_str()))
                .collect(),
        ),
        None => (Vec::new(), String::new(), Vec::new()),
    };
    Ok(render(&PathPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        target: say(&report.target.id, &report.target.label),
        chart_height: 40.0 + bars.len() as f32 * 30.0,
        bars,
        carried: report
            .gap
            .carried_over
            .iter()
            .map(|c| say(&c.id, &c.label))
            .collect(),
        steps,
        total_hours,
        uncovered,
        bridge: report
            .bridge_work
            .iter()
            .map(|b| {
                (
                    b.title.clone(),
                    b.exercises
                        .iter()
                        .map(|e| e.label.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect(),
        doable: report
            .tasks_you_can_do
            .iter()
            .map(|d| d.statement.clone())
            .collect(),
        target_tasks: report.target_tasks,
        trainers: report
            .trainers
            .iter()
            .filter(|s| !s.trainers.is_empty())
            .map(|s| {
                (
                    say(&s.skill.id, &s.skill.label),
                    s.trainers
                        .iter()
                        .map(|m| TrainerRow {
                            name: m.name.clone(),
                            level: m.proficiency,
                            rate: m
                                .rate
                                .map(|r| money_text(r.minor, r.currency.code()))
                                .unwrap_or_default(),
                            remote: m.remote,
                            languages: m.shared_languages.join(", "),
                            worker: m.worker,
                            skill: m.skill.to_string(),
                        })
                        .collect(),
                )
            })
            .collect(),
        more_tools: report.gap.tools_missing.saturating_sub(
            report
                .gap
                .missing
                .iter()
                .filter(|m| m.kind == guild_reskilling::gap::GapKind::Tool)
                .count(),
        ),
        rated_from: report
            .gap
            .rated_from
            .as_ref()
            .map(|o| say(&o.id, &o.label))
            .unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearer_transitions_sit_closer_to_the_middle() {
        let g = layout(&[(0.9, 0, Some(0.1)), (0.5, 16, Some(0.6)), (0.1, 4, None)]);
        let d = |(x, y, ..): (f32, f32, f32, &str, f32)| {
            ((x - 340.0).powi(2) + (y - 230.0).powi(2)).sqrt()
        };
        assert!(d(g[0]) < d(g[1]) && d(g[1]) < d(g[2]));
        assert_eq!(g[0].3, "ai-low");
        assert_eq!(g[1].3, "ai-high");
        assert_eq!(g[2].3, "ai-unknown");
        assert!(g[1].2 > g[0].2, "more open work, a bigger node");
    }
}

#[derive(Deserialize)]
struct BookForm {
    worker: guild_ids::WorkerId,
    skill: String,
    #[serde(default)]
    hours: String,
    /// The price, when the trainer states no rate.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
}

/// Books a trainer from a path step: a contract with one milestone, the hours at the trainer's
/// rate (or the price agreed when they state none), which the trainer accepts and the learner
/// funds like any other. Only a real offer to teach that skill can be booked, never one's own.
pub(super) async fn book_trainer(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, BookForm) = submission(&state, &headers, &raw).await?;
    let t = v.t;
    let bad = |e: String| problem_page(&v, StatusCode::BAD_REQUEST, &e);
    let skill = guild_taxonomy::SkillId::parse(&f.skill).map_err(|e| bad(format!("skill: {e}")))?;
    let hours: i64 = f
        .hours
        .trim()
        .parse()
        .ok()
        .filter(|h| (1..=200).contains(h))
        .ok_or_else(|| bad(format!("{}: {:?}", t.s("book_hours_bad"), f.hours)))?;
    let (worker, wanted) = (f.worker, skill.clone());
    let found = state
        .on_store(move |store| {
            let offer = store
                .learning()
                .teaching_offers(worker)?
                .into_iter()
                .find(|o| o.skill == wanted);
            let owner = store.work().worker(worker).ok().and_then(|w| w.owner);
            Ok((offer, owner))
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    let (Some(offer), Some(owner)) = found else {
        return Err(problem_page(
            &v,
            StatusCode::NOT_FOUND,
            t.s("book_no_offer"),
        ));
    };
    if owner == account.id {
        return Err(bad(t.s("book_yourself").to_owned()));
    }
    let label = super::skill_labels(&state, t, vec![skill.to_string()])
        .await
        .remove(skill.as_str())
        .unwrap_or_else(|| skill.to_string());
    let (currency, amount) = match offer.rate {
        Some(rate) => {
            let total = rate
                .minor
                .checked_mul(hours)
                .ok_or_else(|| bad("the amount is too large".to_owned()))?;
            let amount =
                guild_market::Amount::new(total, rate.currency).map_err(|e| bad(e.to_string()))?;
            (rate.currency, amount)
        }
        None => {
            let currency = guild_market::Currency::parse(match f.currency.trim() {
                "" => "EUR",
                c => c,
            })
            .map_err(|e| bad(format!("{}: {e}", t.s("currency"))))?;
            let amount = guild_market::Amount::parse(&f.amount.trim().replace(',', "."), currency)
                .map_err(|e| bad(format!("{}: {e}", t.s("amount"))))?;
            (currency, amount)
        }
    };
    let offer = guild_platform::ContractOffer {
        title: format!("{}: {label}", t.s("training_in")),
        currency,
        milestones: vec![(format!("{hours} h {}: {label}", t.s("of_training")), amount)],
        review_days: 7,
        tests: vec![None],
        hourly: None,
    };
    if let Some(id) = super::work::same_offer_waiting(&state, account.id, worker, &offer).await {
        return go(&format!("/contracts/{id}"));
    }
    let made = state
        .on_platform(move |platform| platform.propose_contract(account.id, worker, offer))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/contracts/{}", made.id))
}
