//! What a request does to a contract: the rules above the state machine (who funds a week,
//! what a timesheet may hold, that a training milestone is approved by a pass), decided on the
//! contract's facts as the store loaded them, with the change the store then writes in the same
//! transaction — the new states, the review deadlines, the ledger movements, a new week, a
//! timesheet, and what the other party is told.
//!
//! Nothing here reads or writes: [`decide`] is a pure function, so the store applies rules it
//! does not know, and the rules can be tested without a database.

use guild_ids::{AccountId, ContractId, SkillTestId};

use crate::MarketError;
use crate::contract::{
    Action, ContractKind, ContractStatus, Effect, MAX_MILESTONES, MilestoneStatus, Party,
    decide_for,
};
use crate::money::{Amount, Currency};
use crate::settlement::{ContractMoney, MilestoneFunds, Movement, movements};
use crate::timesheet::{DayEntry, check_week, week_funding};

/// The most weeks an hourly contract runs (ten years).
pub const MAX_WEEKS: usize = 520;

/// The longest note on a day of a timesheet.
pub const MAX_TIMESHEET_NOTE: usize = 2000;

/// The longest title of a contract or of a milestone.
pub const MAX_TITLE_CHARS: usize = 200;

/// The days a client may be given to review submitted work.
pub const REVIEW_DAYS: std::ops::RangeInclusive<i64> = 1..=60;

/// Why a request on a contract is refused: each its own kind, so that the API can answer
/// 400 for what the request got wrong and 409 for what the contract's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractRefusal {
    /// The state machine refuses the action in the contract's state (its words say why).
    #[error("{0}")]
    State(MarketError),
    /// A training milestone is approved by the learner's pass, not by hand.
    #[error(
        "milestone {milestone} is a training milestone: it is approved when the learner passes skill test {test}"
    )]
    Training {
        /// The milestone, from 1.
        milestone: usize,
        /// The skill test.
        test: SkillTestId,
    },
    /// Only one party may do this.
    #[error("only {0}")]
    NotYourPart(&'static str),
    /// A fixed-price contract has no weeks or timesheets.
    #[error("contract {0} is fixed-price: {1}")]
    FixedPrice(ContractId, &'static str),
    /// Weeks are funded while the contract is active.
    #[error("the contract is {0}; weeks are funded while it is active")]
    NotActive(ContractStatus),
    /// The week was opened before.
    #[error("the week of {0} is already open")]
    WeekOpen(jiff::civil::Date),
    /// The contract has as many weeks as it may.
    #[error("a contract has at most {MAX_WEEKS} weeks")]
    TooManyWeeks,
    /// A week starts on a Monday.
    #[error("a week starts on a Monday; {0} is a {1:?}")]
    NotMonday(jiff::civil::Date, jiff::civil::Weekday),
    /// The week is not open for time (not funded, or submitted already).
    #[error(
        "week {week} is {status} (contract {contract}): time is logged on a funded week before it is submitted"
    )]
    WeekClosed {
        /// The week, from 1.
        week: usize,
        /// Its state.
        status: MilestoneStatus,
        /// The contract's state.
        contract: ContractStatus,
    },
    /// The contract has no such week.
    #[error("the contract has no week {0}")]
    NoWeek(usize),
    /// A day outside the week.
    #[error("{date} is not in the week of {start} (Monday to Sunday)")]
    OutsideWeek {
        /// The day given.
        date: jiff::civil::Date,
        /// The week's Monday.
        start: jiff::civil::Date,
    },
    /// A note longer than [`MAX_TIMESHEET_NOTE`].
    #[error("a note has at most {MAX_TIMESHEET_NOTE} characters")]
    NoteTooLong,
    /// The new contract's terms are not what they must be (its words say which).
    #[error("{0}")]
    Terms(String),
    /// A timesheet, a rate or a cap the rules refuse (its words say why).
    #[error("{0}")]
    Invalid(MarketError),
}

impl ContractRefusal {
    /// Whether the request itself is wrong (rather than the contract's state refusing it).
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            Self::NotMonday(..)
                | Self::OutsideWeek { .. }
                | Self::NoteTooLong
                | Self::Terms(_)
                | Self::Invalid(_)
        )
    }
}

/// An hourly contract's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourlyTerms {
    /// The rate per hour, in the contract's currency.
    pub rate: Amount,
    /// The most hours a week, whole hours.
    pub weekly_cap_hours: i64,
}

/// A new contract's terms, as a client proposes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractTerms {
    /// The client (who pays).
    pub client: AccountId,
    /// The worker's account.
    pub worker: AccountId,
    /// What it is for.
    pub title: String,
    /// The currency.
    pub currency: Currency,
    /// The milestones: titles and prices.
    pub milestones: Vec<(String, Amount)>,
    /// Days for reviewing submitted work (see [`REVIEW_DAYS`]).
    pub review_days: i64,
    /// Per milestone, a skill test that makes it a training milestone (empty: none).
    pub tests: Vec<Option<SkillTestId>>,
    /// For an hourly contract (then `milestones` is empty: weeks are added as it runs).
    pub hourly: Option<HourlyTerms>,
    /// The platform's fee on released money, basis points, fixed for the contract's life
    /// (new contracts: [`crate::fees::PLATFORM_FEE_BPS`]).
    pub fee_bps: u32,
}

impl ContractTerms {
    /// Checks the terms: two parties, a title, 1 to [`MAX_MILESTONES`] milestones in the
    /// contract's currency (none for an hourly contract, whose rate and cap must fund a week),
    /// a review period in [`REVIEW_DAYS`], and a test entry per milestone when any.
    pub fn check(&self) -> Result<(), ContractRefusal> {
        let terms = |s: String| Err(ContractRefusal::Terms(s));
        if self.client == self.worker {
            return terms("a contract needs two different accounts".to_owned());
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            return terms(format!("title: 1 to {MAX_TITLE_CHARS} characters"));
        }
        match &self.hourly {
            None if self.milestones.is_empty() || self.milestones.len() > MAX_MILESTONES => {
                return terms(format!("1 to {MAX_MILESTONES} milestones"));
            }
            Some(_) if !self.milestones.is_empty() => {
                return terms(
                    "an hourly contract has no milestones: the client funds it a week at a time"
                        .to_owned(),
                );
            }
            Some(h) => {
                if h.rate.currency != self.currency {
                    return terms(format!(
                        "the rate is in {}, the contract in {}",
                        h.rate.currency, self.currency
                    ));
                }
                week_funding(h.rate.minor, h.weekly_cap_hours).map_err(ContractRefusal::Invalid)?;
            }
            None => {}
        }
        if !REVIEW_DAYS.contains(&self.review_days) {
            return terms(format!(
                "review_days: {} to {}",
                REVIEW_DAYS.start(),
                REVIEW_DAYS.end()
            ));
        }
        for (t, a) in &self.milestones {
            if t.trim().is_empty() || t.chars().count() > MAX_TITLE_CHARS {
                return terms(format!(
                    "a milestone's title: 1 to {MAX_TITLE_CHARS} characters"
                ));
            }
            if a.currency != self.currency {
                return terms(format!(
                    "milestone {t:?} is in {}, the contract in {}",
                    a.currency, self.currency
                ));
            }
        }
        if !self.tests.is_empty() && self.tests.len() != self.milestones.len() {
            return terms("tests: one entry (or null) per milestone".to_owned());
        }
        if self.fee_bps > 10_000 {
            return terms(format!(
                "a fee of {} basis points is more than the whole",
                self.fee_bps
            ));
        }
        Ok(())
    }
}

/// A milestone (or a week) as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFacts {
    /// Its state.
    pub status: MilestoneStatus,
    /// Its amount in minor units (a week: its funding).
    pub amount: i64,
    /// For a training milestone: the skill test whose pass approves it.
    pub test: Option<SkillTestId>,
    /// For a week: its Monday.
    pub week_start: Option<jiff::civil::Date>,
    /// For a week: the minutes on its timesheet.
    pub minutes: i64,
}

/// A contract as the store holds it: what the rules decide on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    /// Its number, parties, currency and fee.
    pub money: ContractMoney,
    /// Fixed-price or hourly.
    pub kind: ContractKind,
    /// Its state.
    pub status: ContractStatus,
    /// Days the client has to review submitted work.
    pub review_days: i64,
    /// For an hourly contract: the rate per hour (minor units) and the weekly cap in hours.
    pub hourly: Option<(i64, i64)>,
    /// Its milestones (weeks), in order.
    pub milestones: Vec<MilestoneFacts>,
}

impl ContractFacts {
    /// Who `account` is in the contract.
    pub fn party_of(&self, account: AccountId) -> Option<Party> {
        if account == self.money.client {
            Some(Party::Client)
        } else if account == self.money.worker {
            Some(Party::Worker)
        } else {
            None
        }
    }
}

/// One day on a timesheet as the worker gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayWorked {
    /// The day.
    pub date: jiff::civil::Date,
    /// Minutes worked.
    pub minutes: i64,
    /// What was done.
    pub note: String,
}

/// What a party asks of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// An action of the state machine: `milestone` counted from 0; `worker_percent` is an
    /// admin's decision of a dispute.
    Act {
        /// Who acts.
        party: Party,
        /// What they do.
        action: Action,
        /// The milestone acted on.
        milestone: Option<usize>,
        /// For `Resolve`: the worker's share of each disputed milestone's escrow.
        worker_percent: Option<u8>,
    },
    /// The client opens the week starting on Monday `week` of an hourly contract and funds it.
    OpenWeek {
        /// Who asks.
        party: Party,
        /// The week's Monday.
        week: jiff::civil::Date,
    },
    /// The worker's timesheet for week `week` (from 0), replacing what was there.
    LogTime {
        /// Who asks.
        party: Party,
        /// The week, from 0.
        week: usize,
        /// Each day worked, once.
        days: Vec<DayWorked>,
    },
}

/// A new week the store adds (before it applies the rest of the change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWeek {
    /// Its index among the milestones.
    pub index: usize,
    /// Its title.
    pub title: String,
    /// What funds it (the rate times the cap), minor units.
    pub amount: i64,
    /// Its Monday.
    pub start: jiff::civil::Date,
}

/// A milestone's new state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneChange {
    /// Its index.
    pub index: usize,
    /// Its new state.
    pub status: MilestoneStatus,
    /// When the work is submitted by this change: the client's review deadline.
    pub review_due: Option<jiff::Timestamp>,
}

/// What the other party hears, and what the audit log keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The account that acted (`None`: the platform), who is not told.
    pub actor: Option<AccountId>,
    /// The notification's text.
    pub text: String,
    /// The audit event's action (`contract.fund`…).
    pub event: String,
    /// The audit event's detail.
    pub detail: String,
}

/// What a request changes, for the store to write in the transaction it decided in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    /// A week to add first.
    pub new_week: Option<NewWeek>,
    /// The contract's new state (`None`: unchanged).
    pub status: Option<ContractStatus>,
    /// Milestones whose state changes.
    pub milestones: Vec<MilestoneChange>,
    /// The ledger movements, in order.
    pub movements: Vec<Movement>,
    /// A week's timesheet to put in place of the one there: the week and its days.
    pub timesheet: Option<(usize, Vec<DayWorked>)>,
    /// Who is told and what is audited.
    pub notice: Option<Notice>,
}

/// Decides `request` on `contract` at `now`: the change to write, or why not.
pub fn decide(
    contract: &ContractFacts,
    request: &Request,
    now: jiff::Timestamp,
) -> Result<Change, ContractRefusal> {
    match request {
        Request::Act {
            party,
            action,
            milestone,
            worker_percent,
        } => act(contract, *party, *action, *milestone, *worker_percent, now),
        Request::OpenWeek { party, week } => open_week(contract, *party, *week, now),
        Request::LogTime { party, week, days } => log_time(contract, *party, *week, days),
    }
}

fn act(
    c: &ContractFacts,
    party: Party,
    action: Action,
    milestone: Option<usize>,
    worker_percent: Option<u8>,
    now: jiff::Timestamp,
) -> Result<Change, ContractRefusal> {
    // A training milestone is approved by the learner's pass, not by hand.
    if let Some(i) = milestone
        && let Some(test) = c.milestones.get(i).and_then(|m| m.test)
        && matches!(
            action,
            Action::Submit | Action::Approve | Action::RequestChanges | Action::AutoApprove
        )
    {
        return Err(ContractRefusal::Training {
            milestone: i + 1,
            test,
        });
    }
    let states: Vec<MilestoneStatus> = c.milestones.iter().map(|m| m.status).collect();
    let effect = decide_for(c.kind, c.status, &states, action, party, milestone)
        .map_err(ContractRefusal::State)?;
    let moves = movements(&c.money, &effect, action, worker_percent, |i| {
        let m = c.milestones.get(i);
        MilestoneFunds {
            amount: m.map_or(0, |m| m.amount),
            hourly: c
                .hourly
                .zip(m.filter(|m| m.week_start.is_some()))
                .map(|((rate, _), m)| (rate, m.minutes)),
        }
    })
    .map_err(ContractRefusal::Invalid)?;
    let review = jiff::SignedDuration::from_hours(24 * c.review_days);
    let milestones = effect
        .milestones
        .iter()
        .map(|m| {
            let review_due =
                if m.status == MilestoneStatus::Submitted {
                    Some(now.checked_add(review).map_err(|e| {
                        ContractRefusal::Invalid(MarketError::Invalid(e.to_string()))
                    })?)
                } else {
                    None
                };
            Ok(MilestoneChange {
                index: m.index,
                status: m.status,
                review_due,
            })
        })
        .collect::<Result<Vec<_>, ContractRefusal>>()?;
    Ok(Change {
        new_week: None,
        status: Some(effect.contract),
        milestones,
        movements: moves,
        timesheet: None,
        notice: Some(notice(c, party, action, milestone, worker_percent, &effect)),
    })
}

fn notice(
    c: &ContractFacts,
    party: Party,
    action: Action,
    milestone: Option<usize>,
    worker_percent: Option<u8>,
    effect: &Effect,
) -> Notice {
    let id = c.money.contract;
    let now = effect.contract.as_str();
    Notice {
        actor: match party {
            Party::Client => Some(c.money.client),
            Party::Worker => Some(c.money.worker),
            Party::Admin | Party::System => None,
        },
        text: format!("Contract {id}: {action:?} by {party:?}; now {now}"),
        event: format!("contract.{action:?}").to_lowercase(),
        detail: format!(
            "by {party:?}{}; now {now}{}",
            milestone
                .map(|m| format!(", milestone {}", m + 1))
                .unwrap_or_default(),
            worker_percent
                .map(|p| format!(", {p} % to the worker"))
                .unwrap_or_default()
        ),
    }
}

fn open_week(
    c: &ContractFacts,
    party: Party,
    week: jiff::civil::Date,
    now: jiff::Timestamp,
) -> Result<Change, ContractRefusal> {
    if week.weekday() != jiff::civil::Weekday::Monday {
        return Err(ContractRefusal::NotMonday(week, week.weekday()));
    }
    if party != Party::Client {
        return Err(ContractRefusal::NotYourPart("the client funds weeks"));
    }
    let Some((rate, cap)) = c.hourly else {
        return Err(ContractRefusal::FixedPrice(
            c.money.contract,
            "fund its milestones",
        ));
    };
    if c.status != ContractStatus::Active {
        return Err(ContractRefusal::NotActive(c.status));
    }
    if c.milestones.iter().any(|m| m.week_start == Some(week)) {
        return Err(ContractRefusal::WeekOpen(week));
    }
    if c.milestones.len() >= MAX_WEEKS {
        return Err(ContractRefusal::TooManyWeeks);
    }
    let amount = week_funding(rate, cap).map_err(ContractRefusal::Invalid)?;
    let index = c.milestones.len();
    // The week joins the contract unfunded, and the client's funding moves it into escrow.
    let mut with_week = c.clone();
    with_week.milestones.push(MilestoneFacts {
        status: MilestoneStatus::Unfunded,
        amount,
        test: None,
        week_start: Some(week),
        minutes: 0,
    });
    let funded = act(&with_week, party, Action::Fund, Some(index), None, now)?;
    Ok(Change {
        new_week: Some(NewWeek {
            index,
            title: format!("Week of {week}"),
            amount,
            start: week,
        }),
        ..funded
    })
}

fn log_time(
    c: &ContractFacts,
    party: Party,
    week: usize,
    days: &[DayWorked],
) -> Result<Change, ContractRefusal> {
    if party != Party::Worker {
        return Err(ContractRefusal::NotYourPart("the worker logs time"));
    }
    let Some((_, cap)) = c.hourly else {
        return Err(ContractRefusal::FixedPrice(
            c.money.contract,
            "it has no timesheets",
        ));
    };
    let w = c
        .milestones
        .get(week)
        .ok_or(ContractRefusal::NoWeek(week + 1))?;
    if c.status != ContractStatus::Active
        || !matches!(
            w.status,
            MilestoneStatus::Funded | MilestoneStatus::ChangesRequested
        )
    {
        return Err(ContractRefusal::WeekClosed {
            week: week + 1,
            status: w.status,
            contract: c.status,
        });
    }
    let start = w.week_start.ok_or(ContractRefusal::NoWeek(week + 1))?;
    let mut entries = Vec::with_capacity(days.len());
    for d in days {
        if d.note.chars().count() > MAX_TIMESHEET_NOTE {
            return Err(ContractRefusal::NoteTooLong);
        }
        let day = (d.date - start).get_days();
        if !(0..7).contains(&day) {
            return Err(ContractRefusal::OutsideWeek {
                date: d.date,
                start,
            });
        }
        entries.push(DayEntry {
            day: i64::from(day),
            minutes: d.minutes,
        });
    }
    check_week(&entries, cap).map_err(ContractRefusal::Invalid)?;
    Ok(Change {
        timesheet: Some((
            week,
            days.iter()
                .map(|d| DayWorked {
                    note: d.note.trim().to_owned(),
                    ..d.clone()
                })
                .collect(),
        )),
        ..Change::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hourly(status: ContractStatus, weeks: &[MilestoneStatus]) -> ContractFacts {
        let eur = Currency::parse("EUR").unwrap();
        let monday: jiff::civil::Date = "2026-11-23".parse().unwrap();
        ContractFacts {
            money: ContractMoney {
                contract: ContractId(7),
                client: AccountId(1),
                worker: AccountId(2),
                currency: eur,
                fee_bps: 1000,
            },
            kind: ContractKind::Hourly,
            status,
            review_days: 7,
            hourly: Some((2500, 10)),
            milestones: weeks
                .iter()
                .enumerate()
                .map(|(i, s)| MilestoneFacts {
                    status: *s,
                    amount: 25_000,
                    test: None,
                    week_start: Some(monday + jiff::ToSpan::weeks(i as i64)),
                    minutes: 0,
                })
                .collect(),
        }
    }

    fn tuesday_morning() -> jiff::Timestamp {
        "2026-11-24T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_week_is_opened_by_the_client_on_a_monday_and_funded() {
        let c = hourly(ContractStatus::Active, &[]);
        let monday = "2026-11-23".parse().unwrap();
        let open = |party| Request::OpenWeek {
            party,
            week: monday,
        };
        let change = decide(&c, &open(Party::Client), tuesday_morning()).unwrap();
        let week = change.new_week.unwrap();
        assert_eq!((week.index, week.amount), (0, 25_000));
        assert_eq!(change.milestones[0].status, MilestoneStatus::Funded);
        assert_eq!(change.movements.len(), 1);
        assert_eq!(change.movements[0].key, "contract:7:milestone:1:fund");
        assert_eq!(
            decide(&c, &open(Party::Worker), tuesday_morning()),
            Err(ContractRefusal::NotYourPart("the client funds weeks"))
        );
        let tuesday = "2026-11-24".parse().unwrap();
        let refused = decide(
            &c,
            &Request::OpenWeek {
                party: Party::Client,
                week: tuesday,
            },
            tuesday_morning(),
        );
        assert!(refused.unwrap_err().is_bad_request());
        let twice = hourly(ContractStatus::Active, &[MilestoneStatus::Funded]);
        assert_eq!(
            decide(&twice, &open(Party::Client), tuesday_morning()),
            Err(ContractRefusal::WeekOpen(monday))
        );
        let proposed = hourly(ContractStatus::Proposed, &[]);
        assert_eq!(
            decide(&proposed, &open(Party::Client), tuesday_morning()),
            Err(ContractRefusal::NotActive(ContractStatus::Proposed))
        );
    }

    #[test]
    fn a_timesheet_stays_in_its_week_and_under_the_cap() {
        let c = hourly(ContractStatus::Active, &[MilestoneStatus::Funded]);
        let day = |date: &str, hours: i64| DayWorked {
            date: date.parse().unwrap(),
            minutes: hours * 60,
            note: " fixed the pump ".to_owned(),
        };
        let log = |days| Request::LogTime {
            party: Party::Worker,
            week: 0,
            days,
        };
        let ok = decide(
            &c,
            &log(vec![day("2026-11-23", 4), day("2026-11-25", 6)]),
            tuesday_morning(),
        )
        .unwrap();
        let (week, days) = ok.timesheet.unwrap();
        assert_eq!(
            (week, days.len(), days[0].note.as_str()),
            (0, 2, "fixed the pump")
        );
        assert!(ok.movements.is_empty() && ok.status.is_none());
        // Eleven hours against a cap of ten.
        let over = decide(
            &c,
            &log(vec![day("2026-11-23", 6), day("2026-11-24", 5)]),
            tuesday_morning(),
        );
        assert!(matches!(over, Err(ContractRefusal::Invalid(_))));
        let outside = decide(&c, &log(vec![day("2026-11-30", 1)]), tuesday_morning());
        assert!(matches!(outside, Err(ContractRefusal::OutsideWeek { .. })));
        let by_client = Request::LogTime {
            party: Party::Client,
            week: 0,
            days: vec![],
        };
        assert!(matches!(
            decide(&c, &by_client, tuesday_morning()),
            Err(ContractRefusal::NotYourPart(_))
        ));
        let submitted = hourly(ContractStatus::Active, &[MilestoneStatus::Submitted]);
        assert!(matches!(
            decide(
                &submitted,
                &log(vec![day("2026-11-23", 1)]),
                tuesday_morning()
            ),
            Err(ContractRefusal::WeekClosed { week: 1, .. })
        ));
        let no_week = Request::LogTime {
            party: Party::Worker,
            week: 3,
            days: vec![],
        };
        assert_eq!(
            decide(&c, &no_week, tuesday_morning()),
            Err(ContractRefusal::NoWeek(4))
        );
    }

    #[test]
    fn submitting_sets_the_review_deadline_and_approval_pays_the_hours() {
        let mut c = hourly(ContractStatus::Active, &[MilestoneStatus::Funded]);
        c.milestones[0].minutes = 90;
        let act = |party, action| Request::Act {
            party,
            action,
            milestone: Some(0),
            worker_percent: None,
        };
        let submitted = decide(&c, &act(Party::Worker, Action::Submit), tuesday_morning()).unwrap();
        let due = submitted.milestones[0].review_due.unwrap();
        assert_eq!(
            due,
            tuesday_morning()
                .checked_add(jiff::SignedDuration::from_hours(24 * 7))
                .unwrap()
        );
        let notice = submitted.notice.unwrap();
        assert_eq!(notice.actor, Some(AccountId(2)));
        assert_eq!(notice.event, "contract.submit");
        c.milestones[0].status = MilestoneStatus::Submitted;
        let approved = decide(&c, &act(Party::Client, Action::Approve), tuesday_morning()).unwrap();
        // 1 h 30 min at 25.00 an hour: 37.50 billed, the rest of the 250.00 refunded.
        let to_worker: i64 = approved
            .movements
            .iter()
            .flat_map(|m| &m.transfer.postings)
            .filter(|p| p.account.owner == 2)
            .map(|p| p.amount)
            .sum();
        assert_eq!(to_worker, 3375, "37.50 less the 10 % fee");
    }

    #[test]
    fn a_training_milestone_is_not_approved_by_hand() {
        let mut c = hourly(ContractStatus::Active, &[MilestoneStatus::Submitted]);
        c.kind = ContractKind::Fixed;
        c.hourly = None;
        c.milestones[0].week_start = None;
        c.milestones[0].test = Some(SkillTestId(5));
        let approve = Request::Act {
            party: Party::Client,
            action: Action::Approve,
            milestone: Some(0),
            worker_percent: None,
        };
        assert_eq!(
            decide(&c, &approve, tuesday_morning()),
            Err(ContractRefusal::Training {
                milestone: 1,
                test: SkillTestId(5)
            })
        );
        let passed = Request::Act {
            party: Party::System,
            action: Action::TestPassed,
            milestone: Some(0),
            worker_percent: None,
        };
        let change = decide(&c, &passed, tuesday_morning()).unwrap();
        assert_eq!(change.status, Some(ContractStatus::Completed));
    }

    #[test]
    fn terms_are_checked_before_anything_is_written() {
        let eur = Currency::parse("EUR").unwrap();
        let terms = ContractTerms {
            client: AccountId(1),
            worker: AccountId(2),
            title: "Fix the pump".to_owned(),
            currency: eur,
            milestones: vec![("Pump".to_owned(), Amount::new(10_000, eur).unwrap())],
            review_days: 7,
            tests: Vec::new(),
            hourly: None,
            fee_bps: crate::fees::PLATFORM_FEE_BPS,
        };
        assert_eq!(terms.check(), Ok(()));
        let same = ContractTerms {
            worker: AccountId(1),
            ..terms.clone()
        };
        assert!(same.check().unwrap_err().is_bad_request());
        let long = ContractTerms {
            review_days: 61,
            ..terms.clone()
        };
        assert!(long.check().is_err());
        let tests = ContractTerms {
            tests: vec![None, None],
            ..terms
        };
        assert!(tests.check().is_err());
    }
}
