//! Workers and tasks as the matcher sees them: checked values, built by constructors (or serde
//! `try_from`) that refuse bad input, so the scorer never meets a negative hour or a NaN.

use std::fmt;

use guild_taxonomy::SkillId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::MatchError;

pub use guild_ids::{TaskId, WorkerId};

/// How well someone does a skill: 1 (novice) to 5 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u8, example = 3))]
#[serde(try_from = "u8", into = "u8")]
pub struct Proficiency(u8);

impl Proficiency {
    /// The lowest level, 1.
    pub const MIN: Proficiency = Proficiency(1);

    /// A level from 1 to 5; anything else is refused.
    pub fn new(level: u8) -> Result<Self, MatchError> {
        if (1..=5).contains(&level) {
            Ok(Proficiency(level))
        } else {
            Err(MatchError::Invalid(format!(
                "proficiency must be 1 to 5, not {level}"
            )))
        }
    }

    /// The level, 1 to 5.
    pub fn level(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Proficiency {
    type Error = MatchError;
    fn try_from(level: u8) -> Result<Self, MatchError> {
        Proficiency::new(level)
    }
}

impl From<Proficiency> for u8 {
    fn from(p: Proficiency) -> u8 {
        p.0
    }
}

/// Where a worker's claim to a skill comes from. Stronger evidence counts for more in the score
/// (see [`Evidence::factor`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The worker says so.
    SelfDeclared,
    /// Found in the worker's CV or description and not yet confirmed.
    Extracted,
    /// Passed a skill test on Guild.
    Assessed,
    /// A verified credential (issued by Guild or imported).
    Credential,
    /// Finished and accepted work that used the skill.
    CompletedWork,
}

impl Evidence {
    /// Every kind, weakest first.
    pub const ALL: [Evidence; 5] = [
        Evidence::Extracted,
        Evidence::SelfDeclared,
        Evidence::Assessed,
        Evidence::Credential,
        Evidence::CompletedWork,
    ];

    /// The share of a skill's credit that this evidence earns: unconfirmed extraction 0.8,
    /// self-declared 0.9, anything verified 1.0. Verified claims should win ties against
    /// unverified ones without making self-declared skills worthless.
    pub fn factor(self) -> f32 {
        match self {
            Evidence::Extracted => 0.8,
            Evidence::SelfDeclared => 0.9,
            Evidence::Assessed | Evidence::Credential | Evidence::CompletedWork => 1.0,
        }
    }

    /// How strong this evidence is: its place in [`Evidence::ALL`], weakest first.
    pub fn strength(self) -> usize {
        Evidence::ALL.iter().position(|e| *e == self).unwrap_or(0)
    }

    /// A worker's claim to a skill, `current`, after new evidence `new` for it (a level and
    /// where it comes from). A profile shows one level and the evidence *for that level*: a
    /// higher level wins with its own evidence; at the same level the stronger evidence is
    /// kept; a lower level changes nothing (a test passed at 3 does not make a claim of 5
    /// "assessed", nor lower it).
    pub fn merge(
        current: (Proficiency, Evidence),
        new: (Proficiency, Evidence),
    ) -> (Proficiency, Evidence) {
        match new.0.cmp(&current.0) {
            std::cmp::Ordering::Greater => new,
            std::cmp::Ordering::Equal if new.1.strength() > current.1.strength() => new,
            _ => current,
        }
    }

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::SelfDeclared => "self_declared",
            Evidence::Extracted => "extracted",
            Evidence::Assessed => "assessed",
            Evidence::Credential => "credential",
            Evidence::CompletedWork => "completed_work",
        }
    }

    /// Reads a name written by [`Evidence::as_str`].
    pub fn parse(name: &str) -> Result<Self, MatchError> {
        Evidence::ALL
            .into_iter()
            .find(|e| e.as_str() == name)
            .ok_or_else(|| {
                MatchError::Invalid(format!(
                    "unknown evidence {name:?}: expected self_declared, extracted, assessed, credential or completed_work"
                ))
            })
    }
}

/// One skill of a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerSkill {
    /// The taxonomy skill.
    pub skill: SkillId,
    /// How well.
    pub proficiency: Proficiency,
    /// The strongest evidence for it.
    #[serde(default = "self_declared")]
    pub evidence: Evidence,
}

fn self_declared() -> Evidence {
    Evidence::SelfDeclared
}

/// One skill a task asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawRequirement")]
pub struct SkillRequirement {
    /// The taxonomy skill.
    pub skill: SkillId,
    /// Importance relative to the task's other skills (> 0; default 1).
    pub weight: f32,
    /// The level the task needs (default 1).
    pub min_proficiency: Proficiency,
}

#[derive(Deserialize)]
struct RawRequirement {
    skill: SkillId,
    #[serde(default = "one")]
    weight: f32,
    #[serde(default = "min_level")]
    min_proficiency: Proficiency,
}

fn one() -> f32 {
    1.0
}

fn min_level() -> Proficiency {
    Proficiency::MIN
}

impl TryFrom<RawRequirement> for SkillRequirement {
    type Error = MatchError;
    fn try_from(raw: RawRequirement) -> Result<Self, MatchError> {
        SkillRequirement::new(raw.skill, raw.weight, raw.min_proficiency)
    }
}

impl SkillRequirement {
    /// A requirement; the weight must be a finite number above 0 and at most 100.
    pub fn new(
        skill: SkillId,
        weight: f32,
        min_proficiency: Proficiency,
    ) -> Result<Self, MatchError> {
        if !weight.is_finite() || weight <= 0.0 || weight > 100.0 {
            return Err(MatchError::Invalid(format!(
                "weight of {skill} must be above 0 and at most 100, not {weight}"
            )));
        }
        Ok(SkillRequirement {
            skill,
            weight,
            min_proficiency,
        })
    }
}

/// A point on Earth, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawPoint")]
pub struct GeoPoint {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lon: f64,
}

#[derive(Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = MatchError;
    fn try_from(raw: RawPoint) -> Result<Self, MatchError> {
        GeoPoint::new(raw.lat, raw.lon)
    }
}

impl GeoPoint {
    /// A point; latitude and longitude must be finite and in range.
    pub fn new(lat: f64, lon: f64) -> Result<Self, MatchError> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(MatchError::Invalid(format!(
                "latitude must be between -90 and 90, not {lat}"
            )));
        }
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(MatchError::Invalid(format!(
                "longitude must be between -180 and 180, not {lon}"
            )));
        }
        Ok(GeoPoint { lat, lon })
    }

    /// The point as others may see it: to a tenth of a degree (about 10 km), so that a
    /// worker's place is shown, not their address.
    pub fn coarse(self) -> GeoPoint {
        // Rounding a valid coordinate to one decimal stays in range.
        GeoPoint {
            lat: (self.lat * 10.0).round() / 10.0,
            lon: (self.lon * 10.0).round() / 10.0,
        }
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (la1, la2) = (self.lat.to_radians(), other.lat.to_radians());
        let dla = la2 - la1;
        let dlo = (other.lon - self.lon).to_radians();
        let a = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * 6371.0 * a.sqrt().min(1.0).asin()
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Its owner edits it; nobody else sees it.
    Draft,
    /// Published to everyone, and matched.
    Open,
    /// Published to the workers its owner invited.
    Invited,
    /// Done or withdrawn; only its owner sees it.
    Closed,
}

impl TaskStatus {
    /// Every state.
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::Draft,
        TaskStatus::Open,
        TaskStatus::Invited,
        TaskStatus::Closed,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Draft => "draft",
            TaskStatus::Open => "open",
            TaskStatus::Invited => "invited",
            TaskStatus::Closed => "closed",
        }
    }

    /// Reads a name written by [`TaskStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, MatchError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                MatchError::Invalid(format!(
                    "status must be one of draft, open, invited, closed, not {s:?}"
                ))
            })
    }

    /// Whether someone may see a task in this state: anyone when it is open, an invited
    /// worker's owner when it went to invited workers, its owner always.
    pub fn visible(self, owner: bool, invited: bool) -> bool {
        owner || self == TaskStatus::Open || (self == TaskStatus::Invited && invited)
    }

    /// Whether it is published (open to everyone or to invited workers).
    pub fn published(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::Invited)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a project stands. Its tasks have states of their own: publishing a
/// project publishes its draft tasks, closing it closes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Its owner edits its draft tasks; nobody else sees them.
    Draft,
    /// Its tasks went out, to everyone or to invited workers ([`Audience`]).
    Published,
    /// Its tasks take no more proposals and leave matching; contracts made go on.
    Closed,
}

impl ProjectStatus {
    /// Every state.
    pub const ALL: [ProjectStatus; 3] = [
        ProjectStatus::Draft,
        ProjectStatus::Published,
        ProjectStatus::Closed,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Draft => "draft",
            ProjectStatus::Published => "published",
            ProjectStatus::Closed => "closed",
        }
    }

    /// Reads a name written by [`ProjectStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, MatchError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                MatchError::Invalid(format!(
                    "project status must be one of draft, published, closed, not {s:?}"
                ))
            })
    }

    /// Whether it may be published: only a draft is (a published project's tasks went to
    /// their audience already, and a closed project's tasks stay closed).
    pub fn publishable(self) -> bool {
        self == ProjectStatus::Draft
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// To whom a project's tasks are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every worker sees the tasks and is matched to them.
    Open,
    /// Only the workers the owner invites see the tasks and may apply.
    Invited,
}

impl Audience {
    /// Every audience.
    pub const ALL: [Audience; 2] = [Audience::Open, Audience::Invited];

    /// The name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Open => "open",
            Audience::Invited => "invited",
        }
    }

    /// Reads a name written by [`Audience::as_str`].
    pub fn parse(s: &str) -> Result<Self, MatchError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| MatchError::Invalid(format!("must be open or invited, not {s:?}")))
    }

    /// The state a task published to this audience takes.
    pub fn task_status(self) -> TaskStatus {
        match self {
            Audience::Open => TaskStatus::Open,
            Audience::Invited => TaskStatus::Invited,
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a worker takes remote work, work on site, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WorkMode {
    /// Remote only.
    Remote,
    /// On site only.
    OnSite,
    /// Either.
    #[default]
    Either,
}

impl WorkMode {
    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkMode::Remote => "remote",
            WorkMode::OnSite => "on_site",
            WorkMode::Either => "either",
        }
    }

    /// Reads a name written by [`WorkMode::as_str`].
    pub fn parse(name: &str) -> Result<Self, MatchError> {
        match name {
            "remote" => Ok(WorkMode::Remote),
            "on_site" => Ok(WorkMode::OnSite),
            "either" => Ok(WorkMode::Either),
            _ => Err(MatchError::Invalid(format!(
                "unknown work mode {name:?}: expected remote, on_site or either"
            ))),
        }
    }
}

// Money is the market's: one type for a rate, a budget and a course's cost alike.
pub use guild_market::{Currency, Money};

/// The longest review a client or a worker writes of the other.
pub const MAX_REVIEW_CHARS: usize = 5000;

/// What others said of a worker's finished work: mean rating (1–5) over `reviews` reviews.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reputation {
    /// Mean rating, 1 to 5 (ignored when there are no reviews).
    pub rating: f32,
    /// How many reviews.
    pub reviews: u32,
}

impl Reputation {
    /// Reviews a prior is worth: with few reviews the score stays near the prior.
    pub const PRIOR_WEIGHT: f32 = 5.0;
    /// The rating assumed before any review.
    pub const PRIOR_RATING: f32 = 3.5;

    /// A checked reputation.
    pub fn new(rating: f32, reviews: u32) -> Result<Self, MatchError> {
        if reviews > 0 && !(rating.is_finite() && (1.0..=5.0).contains(&rating)) {
            return Err(MatchError::Invalid(format!(
                "a rating must be between 1 and 5, not {rating}"
            )));
        }
        Ok(Reputation { rating, reviews })
    }

    /// The Bayesian mean rating: the prior counts as [`Self::PRIOR_WEIGHT`] reviews of
    /// [`Self::PRIOR_RATING`], so one 5-star review does not beat forty 4.8s.
    pub fn bayesian(self) -> f32 {
        let n = self.reviews as f32;
        let rating = if self.reviews == 0 { 0.0 } else { self.rating };
        (Self::PRIOR_WEIGHT * Self::PRIOR_RATING + n * rating) / (Self::PRIOR_WEIGHT + n)
    }
}

fn check_hours(what: &str, hours: f32, max: f32) -> Result<(), MatchError> {
    if !hours.is_finite() || hours < 0.0 || hours > max {
        return Err(MatchError::Invalid(format!(
            "{what} must be between 0 and {max}, not {hours}"
        )));
    }
    Ok(())
}

fn check_offset(minutes: i32) -> Result<(), MatchError> {
    if !(-12 * 60..=14 * 60).contains(&minutes) {
        return Err(MatchError::Invalid(format!(
            "a UTC offset must be between -12:00 and +14:00, not {minutes} minutes"
        )));
    }
    Ok(())
}

fn check_dates(from: Option<Date>, until: Option<Date>) -> Result<(), MatchError> {
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        return Err(MatchError::Invalid(format!(
            "the end date {u} comes before the start date {f}"
        )));
    }
    Ok(())
}

fn check_languages(languages: &[String]) -> Result<(), MatchError> {
    for l in languages {
        let ok = (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase());
        if !ok {
            return Err(MatchError::Invalid(format!(
                "a language is a lower-case ISO 639 code such as \"en\" or \"nl\", not {l:?}"
            )));
        }
    }
    Ok(())
}

fn check_text(what: &str, text: &str, max: usize) -> Result<(), MatchError> {
    if text.trim().is_empty() || text.chars().count() > max {
        return Err(MatchError::Invalid(format!(
            "{what} must have 1 to {max} characters"
        )));
    }
    Ok(())
}

/// A worker as the matcher sees them: skills and the facts that decide fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Worker {
    /// Store id (0 before it is stored).
    #[serde(default)]
    pub id: WorkerId,
    /// Display name.
    pub name: String,
    /// Skills with proficiency and evidence.
    pub skills: Vec<WorkerSkill>,
    /// Hours a week the worker can give.
    pub hours_per_week: f32,
    /// First day available.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub available_from: Option<Date>,
    /// Last day available.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub available_until: Option<Date>,
    /// Minutes east of UTC.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// Remote, on site or either.
    #[serde(default)]
    pub work_mode: WorkMode,
    /// Where the worker lives (needed for on-site work).
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// How far the worker travels for on-site work, km.
    #[serde(default)]
    pub travel_radius_km: f32,
    /// Languages spoken, ISO 639 codes.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Hourly rate asked.
    #[serde(default)]
    pub rate: Option<Money>,
    /// Reviews so far.
    #[serde(default)]
    pub reputation: Reputation,
}

impl Worker {
    /// Checks every field (the serde form accepts anything of the right shape).
    pub fn validate(&self) -> Result<(), MatchError> {
        check_text("a worker's name", &self.name, 200)?;
        check_hours("hours per week", self.hours_per_week, 168.0)?;
        check_hours("travel radius (km)", self.travel_radius_km, 20_000.0)?;
        check_offset(self.utc_offset_minutes)?;
        check_dates(self.available_from, self.available_until)?;
        check_languages(&self.languages)?;
        if self.skills.len() > 500 {
            return Err(MatchError::Invalid(format!(
                "a worker can list at most 500 skills, not {}",
                self.skills.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.skills {
            if !seen.insert(&s.skill) {
                return Err(MatchError::Invalid(format!(
                    "skill {} is listed twice",
                    s.skill
                )));
            }
        }
        Reputation::new(self.reputation.rating, self.reputation.reviews)?;
        Ok(())
    }
}

/// Where a task is done.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// From anywhere.
    #[default]
    Remote,
    /// At a place.
    OnSite {
        /// Where.
        location: GeoPoint,
    },
}

/// A piece of work to be matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    /// Store id (0 before it is stored).
    #[serde(default)]
    pub id: TaskId,
    /// Short title.
    pub title: String,
    /// Longer description.
    #[serde(default)]
    pub description: String,
    /// Skills the work needs.
    pub required: Vec<SkillRequirement>,
    /// Skills that help.
    #[serde(default)]
    pub optional: Vec<SkillRequirement>,
    /// Remote or on site.
    #[serde(default)]
    pub place: Place,
    /// The client's time zone, minutes east of UTC (for the overlap below).
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// Hours of the client's 09–17 workday the worker must share (0 = none).
    #[serde(default)]
    pub min_overlap_hours: f32,
    /// Total hours of work.
    pub hours: f32,
    /// Hours a week it needs (default: all of `hours` in one week, or spread evenly between the dates).
    #[serde(default)]
    pub hours_per_week: Option<f32>,
    /// Budget for the whole task.
    #[serde(default)]
    pub budget: Option<Money>,
    /// Languages the worker must speak.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Start date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub starts: Option<Date>,
    /// End date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends: Option<Date>,
}

impl Task {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), MatchError> {
        check_text("a task's title", &self.title, 300)?;
        if self.description.chars().count() > 20_000 {
            return Err(MatchError::Invalid(
                "a task's description can have at most 20,000 characters".to_owned(),
            ));
        }
        if self.required.is_empty() {
            return Err(MatchError::Invalid(
                "a task needs at least one required skill".to_owned(),
            ));
        }
        if self.required.len() + self.optional.len() > 200 {
            return Err(MatchError::Invalid(
                "a task can list at most 200 skills".to_owned(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for r in self.required.iter().chain(&self.optional) {
            SkillRequirement::new(r.skill.clone(), r.weight, r.min_proficiency)?;
            if !seen.insert(&r.skill) {
                return Err(MatchError::Invalid(format!(
                    "skill {} is listed twice",
                    r.skill
                )));
            }
        }
        check_hours("a task's hours", self.hours, 100_000.0)?;
        if self.hours <= 0.0 {
            return Err(MatchError::Invalid(
                "a task's hours must be above 0".to_owned(),
            ));
        }
        if let Some(h) = self.hours_per_week {
            check_hours("hours per week", h, 168.0)?;
        }
        check_hours("overlap hours", self.min_overlap_hours, 8.0)?;
        check_offset(self.utc_offset_minutes)?;
        check_dates(self.starts, self.ends)?;
        check_languages(&self.languages)?;
        Ok(())
    }

    /// Hours a week the task needs: as stated, or its hours spread over its dates, or all in one
    /// week when it has no end date.
    pub fn weekly_hours(&self) -> f32 {
        if let Some(h) = self.hours_per_week {
            return h;
        }
        if let (Some(s), Some(e)) = (self.starts, self.ends) {
            let days = (e - s).get_days().max(0) as f32 + 1.0;
            let weeks = (days / 7.0).max(1.0);
            return self.hours / weeks;
        }
        self.hours.min(168.0)
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn a_profile_shows_a_level_with_the_evidence_for_that_level() {
        use Evidence::*;
        let p = |l| Proficiency::new(l).unwrap();
        // A test passed at 3 neither lowers a claim of 5 nor makes it "assessed".
        assert_eq!(
            Evidence::merge((p(5), SelfDeclared), (p(3), Assessed)),
            (p(5), SelfDeclared)
        );
        // Proof at the claimed level makes the claim proven; a higher level comes with its own.
        assert_eq!(
            Evidence::merge((p(3), Extracted), (p(3), Assessed)),
            (p(3), Assessed)
        );
        assert_eq!(
            Evidence::merge((p(2), CompletedWork), (p(4), Assessed)),
            (p(4), Assessed)
        );
        // Weaker evidence at the same level changes nothing.
        assert_eq!(
            Evidence::merge((p(4), Credential), (p(4), Assessed)),
            (p(4), Credential)
        );
    }

    #[test]
    fn who_sees_a_task_follows_its_state() {
        use TaskStatus::*;
        for s in TaskStatus::ALL {
            assert!(s.visible(true, false), "{s}: its owner always sees it");
            assert_eq!(TaskStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(Open.visible(false, false));
        assert!(Invited.visible(false, true) && !Invited.visible(false, false));
        assert!(!Draft.visible(false, true) && !Closed.visible(false, true));
        assert!(TaskStatus::parse("nope").is_err());
    }

    #[test]
    fn project_states_and_audiences_keep_their_names() {
        for s in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<ProjectStatus>(&json).unwrap(), s);
        }
        let names: Vec<_> = ProjectStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["draft", "published", "closed"],
            "the names the database holds"
        );
        assert!(ProjectStatus::parse("open").is_err());
        assert!(ProjectStatus::Draft.publishable());
        assert!(!ProjectStatus::Published.publishable() && !ProjectStatus::Closed.publishable());

        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()).unwrap(), a);
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
            assert!(
                a.task_status().published(),
                "{a}: a published task is open or invited"
            );
            assert_eq!(a.task_status().as_str(), a.as_str());
        }
        assert!(Audience::parse("friends").is_err());
    }

    #[test]
    fn others_see_a_place_to_about_ten_km() {
        let p = GeoPoint::new(52.37403, 4.88969).unwrap().coarse();
        assert_eq!((p.lat, p.lon), (52.4, 4.9));
    }
}
