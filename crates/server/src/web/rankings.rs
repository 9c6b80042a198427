//! "Your rankings": every ranking the signed-in worker appeared in (the decision log), each with
//! their place, their score in parts, what would move them up most, and a form to contest it; and
//! their contests with the decisions a person made, in English or Dutch.

use askama::Template;
use axum::extract::{RawForm, State};
use axum::http::HeaderMap;
use guild_ids::{DecisionId, TaskId};
use guild_matching::{Part, ScoreParts};
use guild_store::{Contest, ContestOutcome, ContestSubject, Decision, DecisionKind};
use serde::Deserialize;

use super::{Lang, Page, Viewer, Words, failed, go, render, submission};
use crate::AppState;

/// How many rankings the page shows (the API and the export give them all).
const SHOWN: usize = 50;

/// A ranking as the page shows it.
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) when: String,
    /// What was ranked, in words ("Workers for “Count the stock”").
    pub(super) what: String,
    /// "Place 2 of 14 considered", or empty for a team or a batch.
    pub(super) place: String,
    pub(super) score: String,
    /// The parts in words, each with the points it earned of its share.
    pub(super) parts: Vec<String>,
    /// What would move the worker up most, in words.
    pub(super) up: Vec<String>,
    /// Whether a contest of it is waiting.
    pub(super) contested: bool,
    /// How many times in a row the same ranking was shown (a page loaded again), this one the
    /// newest; and when the first of them was.
    pub(super) times: usize,
    pub(super) first: String,
}

/// A contest as the page shows it.
pub(super) struct ContestRow {
    pub(super) what: String,
    pub(super) reason: String,
    pub(super) when: String,
    pub(super) due: String,
    /// "Upheld: …", "Rejected: …", or empty while it waits.
    pub(super) decision: String,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    has_profile: bool,
    rows: Vec<Row>,
    contests: Vec<ContestRow>,
    /// The profile's skills, to contest how Guild read one: (id, label).
    skills: Vec<(String, String)>,
}

fn day(stamp: &str) -> String {
    stamp.get(..16).unwrap_or(stamp).replace('T', " ")
}

/// A part's name in the language.
fn part_name(lang: Lang, p: Part) -> &'static str {
    match (p, lang) {
        (Part::Required, Lang::En) => "skills the task needs",
        (Part::Required, Lang::Nl) => "vaardigheden die de taak vraagt",
        (Part::Optional, Lang::En) => "skills it would like",
        (Part::Optional, Lang::Nl) => "gewenste vaardigheden",
        (Part::Availability, Lang::En) => "availability",
        (Part::Availability, Lang::Nl) => "beschikbaarheid",
        (Part::TimeZone, Lang::En) => "working hours in common",
        (Part::TimeZone, Lang::Nl) => "gemeenschappelijke werkuren",
        (Part::Location, Lang::En) => "place",
        (Part::Location, Lang::Nl) => "plaats",
        (Part::Budget, Lang::En) => "rate against the budget",
        (Part::Budget, Lang::Nl) => "tarief tegenover het budget",
        (Part::Reputation, Lang::En) => "reputation",
        (Part::Reputation, Lang::Nl) => "reputatie",
    }
}

/// What the worker could do about a part that cost them points.
fn advice(lang: Lang, p: Part, lost: f32, missing: &[String]) -> String {
    let what = match (p, lang) {
        (Part::Required, Lang::En) if !missing.is_empty() => format!(
            "learn, or show at the level asked, the skills it needs: {}",
            missing.join(", ")
        ),
        (Part::Required, Lang::Nl) if !missing.is_empty() => format!(
            "leer, of toon op het gevraagde niveau, de vaardigheden die nodig zijn: {}",
            missing.join(", ")
        ),
        (Part::Required, Lang::En) => {
            "raise the level of the skills it needs (a skill test or a credential shows it)"
                .to_owned()
        }
        (Part::Required, Lang::Nl) => {
            "verhoog het niveau van de vaardigheden die nodig zijn (een toets of een credential toont het)"
                .to_owned()
        }
        (Part::Optional, Lang::En) => "add the skills it would like".to_owned(),
        (Part::Optional, Lang::Nl) => "voeg de gewenste vaardigheden toe".to_owned(),
        (Part::Availability, Lang::En) => {
            "more hours a week, or dates that cover the task's".to_owned()
        }
        (Part::Availability, Lang::Nl) => {
            "meer uren per week, of data die die van de taak dekken".to_owned()
        }
        (Part::TimeZone, Lang::En) => "more working hours in the client's time zone".to_owned(),
        (Part::TimeZone, Lang::Nl) => "meer werkuren in de tijdzone van de opdrachtgever".to_owned(),
        (Part::Location, Lang::En) => "work remotely, or travel further".to_owned(),
        (Part::Location, Lang::Nl) => "werk op afstand, of reis verder".to_owned(),
        (Part::Budget, Lang::En) => "a rate within the task's budget".to_owned(),
        (Part::Budget, Lang::Nl) => "een tarief binnen het budget van de taak".to_owned(),
        (Part::Reputation, Lang::En) => "reviews of finished work".to_owned(),
        (Part::Reputation, Lang::Nl) => "beoordelingen van afgerond werk".to_owned(),
    };
    match lang {
        Lang::En => format!("{what} (up to {lost:.1} points)"),
        Lang::Nl => format!("{what} (tot {lost:.1} punten)"),
    }
}

/// The required skills a match lacks or only half meets, from its logged parts: those with no
/// credit at all, and those met by a related skill or below the level asked (they are what
/// would raise the skills part). A skill held at the level asked whose credit is only what its
/// evidence earns (the worker's word counts 90 %) is not among them: there is nothing to learn.
fn weak_skills(parts: &serde_json::Value) -> Vec<String> {
    let missing = parts["missing"].as_array().into_iter().flatten();
    let partial = parts["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            let evidence =
                serde_json::from_value::<guild_matching::Evidence>(c["evidence"].clone())
                    .map_or(1.0, |e| f64::from(e.factor()));
            c["credit"].as_f64().is_some_and(|x| x < 0.99 * evidence)
        });
    let mut out: Vec<String> = missing
        .filter_map(|s| s.as_str().map(str::to_owned))
        .chain(partial.filter_map(|c| c["skill"].as_str().map(str::to_owned)))
        .collect();
    out.dedup();
    out
}

/// One ranking in words, for its worker.
fn row(
    lang: Lang,
    d: &Decision,
    titles: &std::collections::HashMap<TaskId, String>,
    labels: &std::collections::HashMap<String, String>,
    open: &[DecisionId],
) -> Option<Row> {
    let mine = d.candidates.first()?;
    let title = |t: TaskId| titles.get(&t).cloned().unwrap_or_else(|| format!("#{t}"));
    // A one-skill search of the pages (the nearest holders of a skill a client's team lacks)
    // ranks for no stored task.
    let for_a_team = mine.task.get() == 0;
    let what = match (d.kind, lang) {
        (DecisionKind::WorkersForTask, Lang::En) if for_a_team => {
            "Workers who hold a skill a client's team lacks".to_owned()
        }
        (DecisionKind::WorkersForTask, Lang::Nl) if for_a_team => {
            "Werkers met een vaardigheid die het team van een opdrachtgever mist".to_owned()
        }
        (DecisionKind::WorkersForTask, Lang::En) => format!("Workers for “{}”", title(mine.task)),
        (DecisionKind::WorkersForTask, Lang::Nl) => format!("Werkers voor “{}”", title(mine.task)),
        (DecisionKind::TasksForWorker, Lang::En) => {
            format!("Tasks for you: “{}”", title(mine.task))
        }
        (DecisionKind::TasksForWorker, Lang::Nl) => format!("Taken voor u: “{}”", title(mine.task)),
        (DecisionKind::Team, Lang::En) => "A team proposed to a client".to_owned(),
        (DecisionKind::Team, Lang::Nl) => "Een team voorgesteld aan een opdrachtgever".to_owned(),
        (DecisionKind::Assignment, Lang::En) => format!("Work assigned: “{}”", title(mine.task)),
        (DecisionKind::Assignment, Lang::Nl) => format!("Werk toegewezen: “{}”", title(mine.task)),
    };
    let place = match (d.kind, lang) {
        (DecisionKind::WorkersForTask, Lang::En) => {
            format!("Place {} of {} considered", mine.rank, d.considered)
        }
        (DecisionKind::WorkersForTask, Lang::Nl) => {
            format!("Plaats {} van {} bekeken", mine.rank, d.considered)
        }
        (DecisionKind::TasksForWorker, Lang::En) => format!("Number {} for you", mine.rank),
        (DecisionKind::TasksForWorker, Lang::Nl) => format!("Nummer {} voor u", mine.rank),
        _ => String::new(),
    };
    let parts: Option<ScoreParts> = serde_json::from_value(mine.parts["parts"].clone()).ok();
    let missing: Vec<String> = weak_skills(&mine.parts)
        .into_iter()
        .map(|s| labels.get(&s).cloned().unwrap_or(s))
        .collect();
    let (parts_words, up) = match parts {
        Some(p) => {
            let shares = [
                (Part::Required, p.required),
                (Part::Optional, p.optional),
                (Part::Availability, p.availability),
                (Part::TimeZone, p.time_zone),
                (Part::Location, p.location),
                (Part::Budget, p.budget),
                (Part::Reputation, p.reputation),
            ];
            let words = shares
                .iter()
                .map(|(part, v)| format!("{}: {:.0} %", part_name(lang, *part), v * 100.0))
                .collect();
            let up = p
                .shortfalls()
                .into_iter()
                .take(2)
                .map(|(part, lost)| advice(lang, part, lost, &missing))
                .collect();
            (words, up)
        }
        None => (Vec::new(), Vec::new()),
    };
    Some(Row {
        id: d.id.get(),
        when: day(&d.at),
        what,
        place,
        score: if d.kind == DecisionKind::Team {
            String::new()
        } else {
            format!("{:.1}", mine.score)
        },
        parts: parts_words,
        up,
        contested: open.contains(&d.id),
        times: 1,
        first: String::new(),
    })
}

fn contest_row(
    lang: Lang,
    c: &Contest,
    labels: &std::collections::HashMap<String, String>,
) -> ContestRow {
    let what = match (&c.decision, &c.skill, lang) {
        (Some(d), _, Lang::En) => format!("Ranking {d}"),
        (Some(d), _, Lang::Nl) => format!("Rangschikking {d}"),
        (_, Some(s), Lang::En) => format!("Skill “{}”", labels.get(s).unwrap_or(s)),
        (_, Some(s), Lang::Nl) => format!("Vaardigheid “{}”", labels.get(s).unwrap_or(s)),
        _ => String::new(),
    };
    let decision = match (c.outcome, lang) {
        (Some(ContestOutcome::Upheld), Lang::En) => "Upheld",
        (Some(ContestOutcome::Upheld), Lang::Nl) => "Gegrond",
        (Some(ContestOutcome::Rejected), Lang::En) => "Rejected",
        (Some(ContestOutcome::Rejected), Lang::Nl) => "Afgewezen",
        (None, _) => "",
    };
    ContestRow {
        what,
        reason: c.reason.clone(),
        when: day(&c.created_at),
        due: day(&c.due_at),
        decision: if decision.is_empty() {
            String::new()
        } else {
            format!("{decision}: {}", c.answer.clone().unwrap_or_default())
        },
    }
}

/// The page.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let platform = state.platform.clone();
    let lang = v.t.tag();
    let found = crate::blocking(move || {
        let Some(w) = platform.store().work().worker_of(account.id)? else {
            return Ok(None);
        };
        let (rankings, _) = platform.decisions_of_worker(w.worker.id, SHOWN)?;
        let contests = platform.store().decisions().contests_of(w.worker.id)?;
        let mut tasks: Vec<TaskId> = rankings
            .iter()
            .take(SHOWN)
            .flat_map(|d| d.candidates.iter().map(|c| c.task))
            .filter(|t| t.get() != 0)
            .collect();
        tasks.sort();
        tasks.dedup();
        let titles = platform.store().work().task_titles(&tasks)?;
        let held: Vec<String> = w
            .worker
            .skills
            .iter()
            .map(|s| s.skill.as_str().to_owned())
            .collect();
        let mut skills: Vec<String> = rankings
            .iter()
            .take(SHOWN)
            .flat_map(|d| d.candidates.iter())
            .flat_map(|c| weak_skills(&c.parts))
            .chain(contests.iter().filter_map(|c| c.skill.clone()))
            .chain(held.iter().cloned())
            .collect();
        skills.sort();
        skills.dedup();
        let names = platform.store().taxonomy().skill_labels_in(&skills, lang)?;
        let labels: std::collections::HashMap<String, String> =
            skills.into_iter().zip(names).collect();
        Ok(Some((rankings, contests, titles, labels, held)))
    })
    .await
    .map_err(|e| failed(&v, &e))?;
    let t = v.t;
    let (rows, contests, skills) = match &found {
        None => (Vec::new(), Vec::new(), Vec::new()),
        Some((rankings, contests, titles, labels, held)) => {
            let open: Vec<DecisionId> = contests
                .iter()
                .filter(|c| c.outcome.is_none())
                .filter_map(|c| c.decision)
                .collect();
            (
                same_in_a_row(
                    rankings
                        .iter()
                        .take(SHOWN)
                        .filter_map(|d| row(t.0, d, titles, labels, &open)),
                ),
                contests
                    .iter()
                    .map(|c| contest_row(t.0, c, labels))
                    .collect(),
                held.iter()
                    .map(|s| {
                        (
                            s.clone(),
                            labels.get(s).cloned().unwrap_or_else(|| s.clone()),
                        )
                    })
                    .collect(),
            )
        }
    };
    Ok(render(&RankingsPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        has_profile: found.is_some(),
        rows,
        contests,
        skills,
    }))
}

/// One row for the same ranking shown several times in a row (the dashboard ranks work for the
/// worker each time it loads): the newest, counted, with when the first was. Any of them can be
/// contested; the row's number is the newest's.
fn same_in_a_row(rows: impl Iterator<Item = Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last)
                if last.what == r.what
                    && last.place == r.place
                    && last.score == r.score
                    && last.parts == r.parts
                    && !r.contested
                    && !last.contested =>
            {
                last.times += 1;
                last.first = r.when;
            }
            _ => out.push(r),
        }
    }
    out
}

#[derive(Deserialize)]
pub(super) struct ContestForm {
    decision: i64,
    reason: String,
}

/// Contests one of the worker's rankings from the page.
pub(super) async fn contest(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, ContestForm) = submission(&state, &headers, &raw).await?;
    let subject = ContestSubject::Ranking(DecisionId(f.decision));
    file_contest(&state, &v, account.id, subject, f.reason).await
}

#[derive(Deserialize)]
pub(super) struct SkillContestForm {
    skill: String,
    reason: String,
}

/// Contests how Guild read one of the worker's skills, from the page.
pub(super) async fn contest_skill(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, SkillContestForm) = submission(&state, &headers, &raw).await?;
    let subject = ContestSubject::Skill(f.skill);
    file_contest(&state, &v, account.id, subject, f.reason).await
}

/// Files the signed-in worker's contest of `subject`, then back to their contests.
async fn file_contest(
    state: &AppState,
    v: &Viewer,
    account: guild_ids::AccountId,
    subject: ContestSubject,
    reason: String,
) -> Page {
    let platform = state.platform.clone();
    crate::blocking(move || {
        let worker = super::own_profile(platform.store(), account)?;
        platform.contest(worker, account, &subject, &reason)
    })
    .await
    .map_err(|e| failed(v, &e))?;
    go("/rankings#contests")
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    t: Words,
    signed_in: bool,
    csrf: String,
    retention_days: u32,
    contest_days: i64,
}

/// The notice to the people Guild ranks: what it ranks, how, on what data, and their rights to
/// an explanation and to contest. Public: a worker reads it before signing up.
pub(super) async fn notice(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    Ok(render(&NoticePage {
        t: v.t,
        signed_in: v.account.is_some(),
        csrf: v.csrf,
        retention_days: state.decision_retention_days,
        contest_days: guild_platform::CONTEST_DAYS,
    }))
}
