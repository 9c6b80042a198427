//! The client's task editor: everything a task is matched on — its skills (searched in the
//! taxonomy, each with a weight, a minimum level and whether it is required), where it is done,
//! its budget and currency, hours and dates, languages. A mistake re-shows the form with what
//! was typed and says what was wrong; nothing is saved half.

use askama::Template;
use axum::extract::{Path, RawForm, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use guild_ids::{ProjectId, TaskId};
use guild_market::{Amount, Currency, Money};
use guild_matching::{GeoPoint, Place, Proficiency, SkillRequirement, Task};
use guild_store::{ProjectTask, SkillQuery};
use guild_taxonomy::SkillId;

use super::work::{not_found, own_project, signed_in};
use super::{NoFields, Page, Words, failed, go, render, submission};
use crate::AppState;

/// How many skills a search on the editor offers.
const FOUND: usize = 12;

/// The currencies offered first in the budget's list (any ISO 4217 code may be typed).
const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "CHF", "SEK", "PLN", "INR", "JPY"];

/// One skill row of the editor: a skill of the task, or one the search found.
pub(super) struct SkillRow {
    id: String,
    label: String,
    /// Whether it is (kept) on the task; found skills start unticked.
    kept: bool,
    required: bool,
    weight: String,
    level: u8,
}

#[derive(Template)]
#[template(path = "task_edit.html")]
struct TaskEditPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    project: ProjectId,
    task: TaskId,
    error: String,
    draft: Draft,
    currencies: &'static [&'static str],
    find: String,
    find_note: String,
}

/// What the form holds: a task's fields as text, so what was typed comes back as typed.
pub(super) struct Draft {
    title: String,
    description: String,
    hours: String,
    hours_per_week: String,
    on_site: bool,
    lat: String,
    lon: String,
    budget: String,
    currency: String,
    starts: String,
    ends: String,
    languages: String,
    skills: Vec<SkillRow>,
}

fn weight_text(w: f32) -> String {
    let s = format!("{w:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl Draft {
    fn of(task: &Task, labels: &std::collections::HashMap<String, String>) -> Draft {
        let (on_site, lat, lon) = match &task.place {
            Place::Remote => (false, String::new(), String::new()),
            Place::OnSite { location } => {
                (true, location.lat.to_string(), location.lon.to_string())
            }
        };
        let row = |r: &SkillRequirement, required: bool| SkillRow {
            id: r.skill.to_string(),
            label: labels
                .get(r.skill.as_str())
                .cloned()
                .unwrap_or_else(|| r.skill.to_string()),
            kept: true,
            required,
            weight: weight_text(r.weight),
            level: r.min_proficiency.level(),
        };
        Draft {
            title: task.title.clone(),
            description: task.description.clone(),
            hours: weight_text(task.hours),
            hours_per_week: task.hours_per_week.map(weight_text).unwrap_or_default(),
            on_site,
            lat,
            lon,
            budget: task
                .budget
                .map(|b| guild_market::money::decimal(b.minor, b.currency))
                .unwrap_or_default(),
            currency: task
                .budget
                .map_or_else(|| "EUR".to_owned(), |b| b.currency.code().to_owned()),
            starts: task.starts.map(|d| d.to_string()).unwrap_or_default(),
            ends: task.ends.map(|d| d.to_string()).unwrap_or_default(),
            languages: task.languages.join(", "),
            skills: task
                .required
                .iter()
                .map(|r| row(r, true))
                .chain(task.optional.iter().map(|r| row(r, false)))
                .collect(),
        }
    }

    /// The form as posted: every field, and a row for every skill it listed (`row=ID`), kept
    /// when ticked (`skill=ID`).
    fn posted(raw: &[u8], labels: &std::collections::HashMap<String, String>) -> Draft {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw).into_owned().collect();
        let field = |k: &str| {
            super::form_field(raw, k)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let ticked: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "skill")
            .map(|(_, v)| v.as_str())
            .collect();
        let mut skills: Vec<SkillRow> = Vec::new();
        for (k, id) in &pairs {
            if k != "row" || skills.iter().any(|s| &s.id == id) {
                continue;
            }
            skills.push(SkillRow {
                label: labels.get(id).cloned().unwrap_or_else(|| id.clone()),
                kept: ticked.contains(&id.as_str()),
                required: field(&format!("need:{id}")) != "optional",
                weight: field(&format!("weight:{id}")),
                level: field(&format!("level:{id}")).parse().unwrap_or(1),
                id: id.clone(),
            });
        }
        Draft {
            title: field("title"),
            description: field("description"),
            hours: field("hours"),
            hours_per_week: field("hours_per_week"),
            on_site: field("presence") == "on_site",
            lat: field("lat"),
            lon: field("lon"),
            budget: field("budget"),
            currency: field("currency").to_ascii_uppercase(),
            starts: field("starts"),
            ends: field("ends"),
            languages: field("languages"),
            skills,
        }
    }

    /// The task this draft describes, on top of `current` (what the form does not show — its
    /// time zone and overlap — stays); or what is wrong, in words.
    fn task(&self, current: &Task) -> Result<Task, String> {
        let number = |what: &str, text: &str| -> Result<f32, String> {
            text.replace(',', ".")
                .parse::<f32>()
                .map_err(|_| format!("{what}: {text:?} is not a number"))
        };
        let date = |what: &str, text: &str| -> Result<Option<jiff::civil::Date>, String> {
            if text.is_empty() {
                return Ok(None);
            }
            text.parse()
                .map(Some)
                .map_err(|_| format!("{what}: {text:?} is not a date (YYYY-MM-DD)"))
        };
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for s in self.skills.iter().filter(|s| s.kept) {
            let skill = SkillId::parse(&s.id).map_err(|e| format!("{:?}: {e}", s.id))?;
            let weight = if s.weight.is_empty() {
                1.0
            } else {
                number(&format!("weight of {}", s.label), &s.weight)?
            };
            let level = Proficiency::new(s.level).map_err(|e| e.to_string())?;
            let r = SkillRequirement::new(skill, weight, level)
                .map_err(|e| format!("{}: {e}", s.label))?;
            if s.required {
                required.push(r);
            } else {
                optional.push(r);
            }
        }
        if required.is_empty() {
            return Err("keep at least one required skill".to_owned());
        }
        let place = if self.on_site {
            if self.lat.is_empty() || self.lon.is_empty() {
                return Err(
                    "on site: give the place's latitude and longitude (for Rotterdam, 51.92 and 4.48)"
                        .to_owned(),
                );
            }
            // Coordinates in full precision: a point read as f32 moves by metres.
            let coordinate = |what: &str, text: &str| -> Result<f64, String> {
                text.replace(',', ".")
                    .parse::<f64>()
                    .map_err(|_| format!("{what}: {text:?} is not a number"))
            };
            let lat = coordinate("latitude", &self.lat)?;
            let lon = coordinate("longitude", &self.lon)?;
            Place::OnSite {
                location: GeoPoint::new(lat, lon).map_err(|e| e.to_string())?,
            }
        } else {
            Place::Remote
        };
        let budget = if self.budget.is_empty() {
            None
        } else {
            let currency = Currency::parse(&self.currency).map_err(|e| format!("currency: {e}"))?;
            let amount = Amount::parse(&self.budget.replace(',', "."), currency)
                .map_err(|e| format!("budget: {e}"))?;
            Some(Money::from(amount))
        };
        let task = Task {
            id: current.id,
            title: self.title.clone(),
            description: self.description.clone(),
            required,
            optional,
            place,
            utc_offset_minutes: current.utc_offset_minutes,
            min_overlap_hours: current.min_overlap_hours,
            hours: number("hours", &self.hours)?,
            hours_per_week: if self.hours_per_week.is_empty() {
                None
            } else {
                Some(number("hours a week", &self.hours_per_week)?)
            },
            budget,
            languages: self
                .languages
                .split(',')
                .map(|l| l.trim().to_ascii_lowercase())
                .filter(|l| !l.is_empty())
                .collect(),
            starts: date("start", &self.starts)?,
            ends: date("end", &self.ends)?,
        };
        task.validate().map_err(|e| e.to_string())?;
        Ok(task)
    }
}

/// The project's task `task`, or the page that says it is not there.
async fn own_task(
    state: &AppState,
    v: &super::Viewer,
    account: guild_ids::AccountId,
    id: ProjectId,
    task: TaskId,
) -> Result<ProjectTask, axum::response::Response> {
    let p = own_project(state, v, account, id).await?;
    p.tasks
        .into_iter()
        .find(|t| t.task.id == task)
        .ok_or_else(|| not_found(v.t))
}

/// The skills found for `q` in the reader's language, as unticked rows (those already on the
/// task left out); or a note saying why nothing shows.
async fn search(
    state: &AppState,
    t: Words,
    q: &str,
    have: &[SkillRow],
) -> Result<(Vec<SkillRow>, String), crate::error::ApiError> {
    match q.chars().count() {
        0 => return Ok((Vec::new(), t.s("find_skill_empty").to_owned())),
        1 => return Ok((Vec::new(), t.s("find_short").to_owned())),
        _ => {}
    }
    let query = SkillQuery {
        q: Some(q.to_owned()),
        lang: Some(t.tag().to_owned()),
        limit: FOUND,
        ..SkillQuery::default()
    };
    let found = state
        .on_store(move |store| store.replica().taxonomy().search_skills(&query))
        .await?;
    let rows: Vec<SkillRow> = found
        .items
        .into_iter()
        .filter(|s| !have.iter().any(|h| h.id == s.id))
        .map(|s| SkillRow {
            id: s.id,
            label: s.label,
            kept: false,
            required: true,
            weight: "1".to_owned(),
            level: 3,
        })
        .collect();
    let note = if rows.is_empty() {
        format!("{} “{q}”.", t.s("find_skill_none"))
    } else {
        String::new()
    };
    Ok((rows, note))
}

/// The editor, with the skills a search (`?find=`) found below the task's own.
pub(super) async fn edit_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, task)): Path<(ProjectId, TaskId)>,
    RawQuery(query): RawQuery,
) -> Page {
    let (v, account) = signed_in(&state, &headers).await?;
    let current = own_task(&state, &v, account.id, id, task).await?;
    let find = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "find")
        .map(|(_, v)| v.trim().to_owned());
    let ids = current
        .task
        .required
        .iter()
        .chain(&current.task.optional)
        .map(|r| r.skill.to_string())
        .collect();
    let labels = super::skill_labels(&state, v.t, ids).await;
    let mut draft = Draft::of(&current.task, &labels);
    let mut find_note = String::new();
    if let Some(q) = &find {
        let (found, note) = search(&state, v.t, q, &draft.skills)
            .await
            .map_err(|e| failed(&v, &e))?;
        draft.skills.extend(found);
        find_note = note;
    }
    Ok(render(&TaskEditPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        project: id,
        task,
        error: String::new(),
        draft,
        currencies: &CURRENCIES,
        find: find.unwrap_or_default(),
        find_note,
    }))
}

/// Saves the editor's form (the whole task, skills and all, in one write), or removes the task
/// (`remove`). Saving the same form twice leaves the same task.
pub(super) async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, task)): Path<(ProjectId, TaskId)>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let current = own_task(&state, &v, account.id, id, task).await?;
    if super::form_field(&raw, "remove").is_some() {
        state
            .on_store(move |store| store.work().delete_task(task))
            .await
            .map_err(|e| failed(&v, &e))?;
        return go(&format!("/projects/{id}"));
    }
    let ids = url::form_urlencoded::parse(&raw)
        .filter(|(k, _)| k == "row")
        .map(|(_, v)| v.into_owned())
        .collect();
    let labels = super::skill_labels(&state, v.t, ids).await;
    let draft = Draft::posted(&raw, &labels);
    let status = current.status;
    let error = match draft.task(&current.task) {
        Ok(edited) => match state
            .on_store(move |store| store.work().update_task(task, &edited, status))
            .await
        {
            Ok(()) => return go(&format!("/projects/{id}#task-{task}")),
            Err(e) => e.detail().to_owned(),
        },
        Err(why) => why,
    };
    let mut page = render(&TaskEditPage {
        t: v.t,
        signed_in: true,
        csrf: v.csrf.clone(),
        project: id,
        task,
        error,
        draft,
        currencies: &CURRENCIES,
        find: String::new(),
        find_note: String::new(),
    });
    *page.status_mut() = StatusCode::BAD_REQUEST;
    Err(page)
}
