//! Hourly contracts on the contract page: the terms in words; the client funds a week (the rate
//! times the weekly cap goes into escrow); the worker fills in the week's timesheet day by day
//! and submits it; the client approves it (the hours are paid, the rest refunded) or asks for
//! changes; either ends the contract once no week is in escrow.

use axum::extract::{Path, RawForm, State};
use guild_ids::ContractId;
use guild_market::change::DayWorked;
use guild_market::contract::{MilestoneStatus, Party};
use guild_store::{ContractView, TimesheetEntry};
use jiff::ToSpan;
use serde::Deserialize;

use super::work::MilestoneRow;
use super::{NoFields, Page, Words, failed, go, problem_page, submission};
use crate::AppState;
use axum::http::{HeaderMap, StatusCode};

/// One day of a week's timesheet, as the form shows it.
pub(super) struct DayRow {
    pub(super) date: String,
    pub(super) weekday: &'static str,
    pub(super) hours: String,
    pub(super) note: String,
}

/// A week of an hourly contract.
pub(super) struct WeekRow {
    pub(super) number: i64,
    pub(super) start: String,
    pub(super) logged: String,
    pub(super) billed: String,
    pub(super) status: String,
    pub(super) actions: Vec<(&'static str, &'static str)>,
    pub(super) days: Vec<DayRow>,
    /// Whether the viewer (the worker) may change its timesheet now.
    pub(super) editable: bool,
}

/// The hourly part of the contract page.
pub(super) struct Hourly {
    pub(super) terms: String,
    pub(super) weeks: Vec<WeekRow>,
    /// Whether the viewer may fund a new week, and the Monday offered.
    pub(super) may_fund: bool,
    pub(super) next_monday: String,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn hours_text(minutes: i64) -> String {
    match minutes % 60 {
        0 => format!("{}", minutes / 60),
        m => format!("{}.{:02}", minutes / 60, m * 100 / 60)
            .trim_end_matches('0')
            .to_owned(),
    }
}

impl Hourly {
    /// The weeks of `c` for `party`, with the actions already worked out per milestone.
    pub(super) fn of(
        t: Words,
        c: &ContractView,
        party: Party,
        rows: &[MilestoneRow],
        sheets: Vec<Vec<TimesheetEntry>>,
        now: jiff::Timestamp,
    ) -> Hourly {
        let terms = format!(
            "{} {} {} · {} {} {} · {} {} {}",
            c.hourly_rate.as_deref().unwrap_or("?"),
            c.currency,
            t.s("per_hour"),
            t.s("worker_receives"),
            c.worker_receives_per_hour.as_deref().unwrap_or("?"),
            c.currency,
            t.s("at_most"),
            c.weekly_cap_hours.unwrap_or(0),
            t.s("hours_a_week_short"),
        );
        let weeks = c
            .milestones
            .iter()
            .zip(rows)
            .zip(sheets.into_iter().chain(std::iter::repeat_with(Vec::new)))
            .map(|((m, row), entries)| {
                let start: Option<jiff::civil::Date> =
                    m.week_start.as_deref().and_then(|d| d.parse().ok());
                let days = start
                    .map(|s| {
                        (0..7)
                            .map(|i| {
                                let date = s.checked_add(i.days()).unwrap_or(s).to_string();
                                let e = entries.iter().find(|e| e.date == date);
                                DayRow {
                                    weekday: t.s(WEEKDAYS[i as usize]),
                                    hours: e.map(|e| hours_text(e.minutes)).unwrap_or_default(),
                                    note: e.map(|e| e.note.clone()).unwrap_or_default(),
                                    date,
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                WeekRow {
                    number: m.number,
                    start: m.week_start.clone().unwrap_or_default(),
                    logged: hours_text(m.minutes_logged.unwrap_or(0)),
                    billed: m
                        .billed
                        .as_ref()
                        .map(|b| format!("{b} {}", c.currency))
                        .unwrap_or_default(),
                    status: row.status.clone(),
                    actions: row.actions.clone(),
                    editable: party == Party::Worker
                        && c.status == guild_market::contract::ContractStatus::Active
                        && matches!(
                            m.status,
                            MilestoneStatus::Funded | MilestoneStatus::ChangesRequested
                        ),
                    days,
                }
            })
            .collect();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let ahead = (7 - i64::from(today.weekday().to_monday_zero_offset())) % 7;
        let next_monday = today.checked_add(ahead.days()).unwrap_or(today);
        Hourly {
            terms,
            weeks,
            may_fund: party == Party::Client
                && c.status == guild_market::contract::ContractStatus::Active,
            next_monday: next_monday.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct WeekForm {
    #[serde(default)]
    week_start: String,
}

/// The client funds a week of an hourly contract.
pub(super) async fn open_week(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ContractId>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, WeekForm) = submission(&state, &headers, &raw).await?;
    let week: jiff::civil::Date = f.week_start.trim().parse().map_err(|_| {
        problem_page(
            &v,
            StatusCode::BAD_REQUEST,
            &format!(
                "{}: {:?} is not a date like 2026-11-23",
                v.t.s("week_of"),
                f.week_start
            ),
        )
    })?;
    state
        .on_platform(move |platform| platform.open_week(id, account.id, week))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/contracts/{id}#weeks"))
}

/// The worker saves a week's timesheet: `hours:DATE` and `note:DATE` for each day; an empty
/// day is a day not worked.
pub(super) async fn log_time(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, n)): Path<(ContractId, usize)>,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, NoFields {}) = submission(&state, &headers, &raw).await?;
    let bad = |e: String| problem_page(&v, StatusCode::BAD_REQUEST, &e);
    let week = n
        .checked_sub(1)
        .ok_or_else(|| bad("weeks are numbered from 1".to_owned()))?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&raw).into_owned().collect();
    let mut days = Vec::new();
    for (k, hours) in &pairs {
        let Some(date) = k.strip_prefix("hours:") else {
            continue;
        };
        let hours = hours.trim().replace(',', ".");
        if hours.is_empty() {
            continue;
        }
        let parsed: f64 = hours
            .parse()
            .map_err(|_| bad(format!("{date}: {hours:?} is not a number of hours")))?;
        if !(parsed.is_finite() && parsed > 0.0 && parsed <= 24.0) {
            return Err(bad(format!(
                "{date}: {hours} is not more than 0 and at most 24"
            )));
        }
        let note = pairs
            .iter()
            .find(|(key, _)| key == &format!("note:{date}"))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        days.push(DayWorked {
            date: date
                .parse()
                .map_err(|_| bad(format!("{date:?} is not a date")))?,
            minutes: (parsed * 60.0).round() as i64,
            note,
        });
    }
    state
        .on_platform(move |platform| platform.log_time(id, account.id, week, days))
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/contracts/{id}#week-{n}"))
}

#[cfg(test)]
mod tests {
    use super::hours_text;

    #[test]
    fn minutes_read_as_hours() {
        assert_eq!(hours_text(450), "7.5");
        assert_eq!(hours_text(480), "8");
        assert_eq!(hours_text(15), "0.25");
        assert_eq!(hours_text(0), "0");
    }
}
