//! Skill tests: question banks, random draws, marking. Multiple-choice questions and short
//! answers (exact, ignoring case and spacing, or by a pattern) are marked at once; practical
//! tasks wait for an assessor. A draw is seeded, so an attempt's questions can be drawn again
//! to check it, and different attempts see different questions.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::MarketError;

/// Seconds of grace after an attempt's deadline for its answers to arrive: the candidate's
/// request was sent in time even when the network took a moment.
pub const GRACE_SECS: i64 = 30;

/// The most questions in a bank.
pub const MAX_QUESTIONS: usize = 500;
/// The longest pattern, in characters (patterns are compiled with a size limit too).
pub const MAX_PATTERN: usize = 200;

/// A question, with how it is marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Question {
    /// Pick the right options (all of them, and only them).
    Choice {
        /// The question.
        prompt: String,
        /// The options.
        options: Vec<String>,
        /// Indexes of the right options.
        correct: Vec<usize>,
    },
    /// A short answer that must equal one of these (ignoring case and spacing).
    Exact {
        /// The question.
        prompt: String,
        /// Accepted answers.
        answers: Vec<String>,
    },
    /// A short answer that must match this regular expression in full (ignoring case).
    Pattern {
        /// The question.
        prompt: String,
        /// The pattern.
        pattern: String,
    },
    /// A practical task an assessor marks.
    Practical {
        /// What to do and hand in.
        prompt: String,
    },
}

/// A question as the candidate sees it: no answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AskedQuestion {
    /// Its position in the attempt, from 1.
    pub number: usize,
    /// `choice`, `exact`, `pattern` (both answered in words) or `practical`.
    pub kind: &'static str,
    /// The question.
    pub prompt: String,
    /// The options, for choice questions.
    pub options: Vec<String>,
}

/// A candidate's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    /// Chosen option indexes.
    Choice(Vec<usize>),
    /// Words (or, for a practical task, what was handed in: a link or a description).
    Text(String),
}

/// How one answer was marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Right.
    Right,
    /// Wrong (or not answered).
    Wrong,
    /// Waiting for an assessor.
    Pending,
}

/// Where an attempt at a skill test stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Drawn and under way: the candidate answers before the deadline.
    InProgress,
    /// Answered; practical tasks wait for an assessor's marks.
    AwaitingAssessor,
    /// Enough right: the organisation certifies the skill.
    Passed,
    /// Too few right, or answered late; another attempt waits for the cooldown.
    Failed,
}

impl AttemptStatus {
    /// Every state.
    pub const ALL: [AttemptStatus; 4] = [
        AttemptStatus::InProgress,
        AttemptStatus::AwaitingAssessor,
        AttemptStatus::Passed,
        AttemptStatus::Failed,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::InProgress => "in_progress",
            AttemptStatus::AwaitingAssessor => "awaiting_assessor",
            AttemptStatus::Passed => "passed",
            AttemptStatus::Failed => "failed",
        }
    }

    /// Reads a name written by [`AttemptStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                bad(format!(
                    "attempt status must be one of in_progress, awaiting_assessor, passed, failed, not {s:?}"
                ))
            })
    }

    /// The state of answers just marked: [`outcome`]'s verdict (`None` while an assessor has
    /// still to mark something), or failed outright when they came after the time limit.
    pub fn marked(outcome: Option<bool>, late: bool) -> Self {
        match (late, outcome) {
            (true, _) | (false, Some(false)) => AttemptStatus::Failed,
            (false, None) => AttemptStatus::AwaitingAssessor,
            (false, Some(true)) => AttemptStatus::Passed,
        }
    }

    /// What the state amounts to once the deadline has passed (`past_deadline`): an attempt
    /// still in progress then has failed, since any answers would come too late, though no
    /// one has handed them in to record it.
    pub fn at_deadline(self, past_deadline: bool) -> Self {
        match self {
            AttemptStatus::InProgress if past_deadline => AttemptStatus::Failed,
            other => other,
        }
    }

    /// Whether the candidate may still hand in answers.
    pub fn answerable(self) -> bool {
        self == AttemptStatus::InProgress
    }

    /// Whether an assessor has practical tasks to mark.
    pub fn assessable(self) -> bool {
        self == AttemptStatus::AwaitingAssessor
    }
}

impl std::fmt::Display for AttemptStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn bad(msg: impl Into<String>) -> MarketError {
    MarketError::Invalid(msg.into())
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn compile(pattern: &str) -> Result<regex::Regex, MarketError> {
    if pattern.chars().count() > MAX_PATTERN {
        return Err(bad(format!(
            "a pattern is at most {MAX_PATTERN} characters"
        )));
    }
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .case_insensitive(true)
        .size_limit(1 << 16)
        .build()
        .map_err(|e| bad(format!("pattern {pattern:?}: {e}")))
}

/// Reads a question bank written as plain text, the way an assessor types it on a page: each
/// question starts with `? ` and its prompt; then `* ` marks a right option and `- ` a wrong one
/// (a choice question), `= ` an accepted answer (an exact answer), `~ ` a pattern, or nothing
/// for a practical task; `! ` starts a practical task in one line. Blank lines are ignored; a
/// line in no question, or a question mixing kinds, is refused naming its line. The bank is
/// then checked as any other ([`check_bank`]).
pub fn parse_bank(text: &str) -> Result<Vec<Question>, MarketError> {
    #[derive(Default)]
    struct Draft {
        prompt: String,
        options: Vec<String>,
        correct: Vec<usize>,
        answers: Vec<String>,
        pattern: Option<String>,
        line: usize,
    }
    fn finish(d: Draft) -> Result<Question, MarketError> {
        let kinds = usize::from(!d.options.is_empty())
            + usize::from(!d.answers.is_empty())
            + usize::from(d.pattern.is_some());
        if kinds > 1 {
            return Err(bad(format!(
                "line {}: a question has options, answers or a pattern, not more than one kind",
                d.line
            )));
        }
        Ok(if !d.options.is_empty() {
            Question::Choice {
                prompt: d.prompt,
                options: d.options,
                correct: d.correct,
            }
        } else if !d.answers.is_empty() {
            Question::Exact {
                prompt: d.prompt,
                answers: d.answers,
            }
        } else if let Some(pattern) = d.pattern {
            Question::Pattern {
                prompt: d.prompt,
                pattern,
            }
        } else {
            Question::Practical { prompt: d.prompt }
        })
    }
    let mut bank = Vec::new();
    let mut current: Option<Draft> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (mark, rest) = line.split_at(line.char_indices().nth(1).map_or(line.len(), |(i, _)| i));
        let rest = rest.trim().to_owned();
        match mark {
            "?" | "!" => {
                if let Some(d) = current.take() {
                    bank.push(finish(d)?);
                }
                let d = Draft {
                    prompt: rest,
                    line: n,
                    ..Draft::default()
                };
                if mark == "!" {
                    bank.push(finish(d)?);
                } else {
                    current = Some(d);
                }
            }
            "*" | "-" | "=" | "~" => {
                let d = current.as_mut().ok_or_else(|| {
                    bad(format!(
                        "line {n}: start a question with \"? \" before its {mark} lines"
                    ))
                })?;
                match mark {
                    "*" => {
                        d.correct.push(d.options.len());
                        d.options.push(rest);
                    }
                    "-" => d.options.push(rest),
                    "=" => d.answers.push(rest),
                    _ => {
                        if d.pattern.replace(rest).is_some() {
                            return Err(bad(format!("line {n}: one pattern per question")));
                        }
                    }
                }
            }
            _ => {
                return Err(bad(format!(
                    "line {n}: begin it with ? (a question), * or - (a right or wrong option), = (an answer), ~ (a pattern) or ! (a practical task)"
                )));
            }
        }
    }
    if let Some(d) = current.take() {
        bank.push(finish(d)?);
    }
    check_bank(&bank)?;
    Ok(bank)
}

/// Checks a question bank: 1 to [`MAX_QUESTIONS`] questions, each well formed.
pub fn check_bank(questions: &[Question]) -> Result<(), MarketError> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(bad(format!("a bank has 1 to {MAX_QUESTIONS} questions")));
    }
    for (i, q) in questions.iter().enumerate() {
        let n = i + 1;
        let prompt = match q {
            Question::Choice {
                prompt,
                options,
                correct,
            } => {
                if !(2..=10).contains(&options.len()) {
                    return Err(bad(format!("question {n}: 2 to 10 options")));
                }
                if correct.is_empty() || correct.iter().any(|c| *c >= options.len()) {
                    return Err(bad(format!(
                        "question {n}: the right options must be among the options"
                    )));
                }
                prompt
            }
            Question::Exact { prompt, answers } => {
                if answers.is_empty() || answers.iter().any(|a| a.trim().is_empty()) {
                    return Err(bad(format!("question {n}: at least one non-empty answer")));
                }
                prompt
            }
            Question::Pattern { prompt, pattern } => {
                compile(pattern).map_err(|e| bad(format!("question {n}: {e}")))?;
                prompt
            }
            Question::Practical { prompt } => prompt,
        };
        if prompt.trim().is_empty() || prompt.chars().count() > 2000 {
            return Err(bad(format!(
                "question {n}: a prompt of 1 to 2000 characters"
            )));
        }
    }
    Ok(())
}

/// Draws `count` distinct questions (indexes into the bank) with `seed`.
pub fn draw(bank_len: usize, count: usize, seed: u64) -> Result<Vec<usize>, MarketError> {
    if count == 0 || count > bank_len {
        return Err(bad(format!(
            "cannot draw {count} questions from a bank of {bank_len}"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut all: Vec<usize> = (0..bank_len).collect();
    all.shuffle(&mut rng);
    all.truncate(count);
    Ok(all)
}

/// What the candidate sees of question `q` asked as number `number`.
pub fn ask(q: &Question, number: usize) -> AskedQuestion {
    let (kind, prompt, options) = match q {
        Question::Choice {
            prompt, options, ..
        } => ("choice", prompt, options.clone()),
        Question::Exact { prompt, .. } => ("exact", prompt, Vec::new()),
        Question::Pattern { prompt, .. } => ("pattern", prompt, Vec::new()),
        Question::Practical { prompt } => ("practical", prompt, Vec::new()),
    };
    AskedQuestion {
        number,
        kind,
        prompt: prompt.clone(),
        options,
    }
}

/// Marks one answer.
pub fn mark(q: &Question, answer: Option<&Answer>) -> Mark {
    match (q, answer) {
        (Question::Practical { .. }, Some(Answer::Text(t))) if !t.trim().is_empty() => {
            Mark::Pending
        }
        (Question::Practical { .. }, _) => Mark::Wrong,
        (Question::Choice { correct, .. }, Some(Answer::Choice(chosen))) => {
            let mut a = chosen.clone();
            a.sort_unstable();
            a.dedup();
            let mut c = correct.clone();
            c.sort_unstable();
            c.dedup();
            if a == c { Mark::Right } else { Mark::Wrong }
        }
        (Question::Exact { answers, .. }, Some(Answer::Text(t))) => {
            let t = normalise(t);
            if answers.iter().any(|a| normalise(a) == t) {
                Mark::Right
            } else {
                Mark::Wrong
            }
        }
        (Question::Pattern { pattern, .. }, Some(Answer::Text(t))) => match compile(pattern) {
            Ok(re) if t.chars().count() <= 1000 && re.is_match(t.trim()) => Mark::Right,
            _ => Mark::Wrong,
        },
        _ => Mark::Wrong,
    }
}

/// The result of marked answers: `Some(passed)` when every mark is final, `None` while an
/// assessor has still to mark something. `pass_percent` of the questions must be right.
pub fn outcome(marks: &[Mark], pass_percent: u8) -> Option<bool> {
    if marks.contains(&Mark::Pending) {
        return None;
    }
    let right = marks.iter().filter(|m| **m == Mark::Right).count();
    Some(right * 100 >= usize::from(pass_percent) * marks.len())
}

/// A new skill test, as an organisation sets it (the body of `POST
/// /api/v1/organisations/{slug}/tests`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSkillTest {
    /// The skill (taxonomy id).
    pub skill: String,
    /// The level a pass certifies, 1–5.
    pub level: u8,
    /// Its title.
    pub title: String,
    /// Questions drawn per attempt.
    pub questions_per_attempt: usize,
    /// Percent to get right, 1–100.
    pub pass_percent: u8,
    /// Minutes allowed, 1–600.
    pub time_limit_minutes: i64,
    /// Hours to wait after a failed attempt, up to 90 days.
    pub cooldown_hours: i64,
    /// The bank: `choice` (options, correct), `exact` (answers), `pattern` (pattern) or
    /// `practical` questions.
    pub questions: Vec<Question>,
}

impl NewSkillTest {
    /// Checks the test's settings and its bank (see [`check_bank`]).
    pub fn check(&self) -> Result<(), MarketError> {
        check_bank(&self.questions)?;
        if !(1..=5).contains(&self.level) {
            return Err(bad("level: 1 to 5"));
        }
        if self.questions_per_attempt == 0 || self.questions_per_attempt > self.questions.len() {
            return Err(bad(format!(
                "questions_per_attempt: 1 to the bank's {} questions",
                self.questions.len()
            )));
        }
        if !(1..=100).contains(&self.pass_percent)
            || !(1..=600).contains(&self.time_limit_minutes)
            || !(0..=24 * 90).contains(&self.cooldown_hours)
        {
            return Err(bad(
                "pass_percent 1–100, time_limit_minutes 1–600, cooldown_hours 0–2160",
            ));
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(bad("title: 1 to 200 characters"));
        }
        Ok(())
    }
}

/// Why an attempt cannot start, or cannot be marked as asked: each its own kind, so that the
/// API answers 409 for what the attempt's state refuses and 400 for what the request got
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttemptRefusal {
    /// Another attempt at the test is under way.
    #[error("an attempt at this test is in progress until {0}")]
    InProgress(jiff::Timestamp),
    /// A failed attempt's cooldown has not passed.
    #[error("after a failed attempt, the next can start at {free} (a cooldown of {hours} hours)")]
    Cooldown {
        /// When the next attempt can start.
        free: jiff::Timestamp,
        /// The test's cooldown.
        hours: i64,
    },
    /// The attempt was answered before.
    #[error("the attempt is {0} already")]
    Answered(AttemptStatus),
    /// No practical task of the attempt waits for an assessor.
    #[error("the attempt is {0}: nothing to assess")]
    NotAwaitingAssessor(AttemptStatus),
    /// An assessor's mark for a question that is not a practical task awaiting one.
    #[error("question {0} is not a practical task awaiting marks")]
    NotPending(usize),
    /// Answers that do not match the questions one to one.
    #[error("{given} answers for {asked} questions (send null for a question left out)")]
    AnswerCount {
        /// Answers handed in.
        given: usize,
        /// Questions asked.
        asked: usize,
    },
}

impl AttemptRefusal {
    /// Whether the request itself is wrong (rather than the attempt's state refusing it).
    pub fn is_bad_request(&self) -> bool {
        matches!(self, Self::NotPending(_) | Self::AnswerCount { .. })
    }
}

/// A candidate's latest attempt at a test, as it was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastAttempt {
    /// Its kept state.
    pub status: AttemptStatus,
    /// Its deadline.
    pub deadline: jiff::Timestamp,
    /// When its answers came in, if they did.
    pub submitted_at: Option<jiff::Timestamp>,
}

/// Whether a candidate whose latest attempt at a test is `last` may start another at `now`:
/// not while one is under way, nor within `cooldown_hours` of a failure (counted from the
/// answers, or the deadline of an attempt left unanswered).
pub fn may_start(
    last: Option<LastAttempt>,
    cooldown_hours: i64,
    now: jiff::Timestamp,
) -> Result<(), AttemptRefusal> {
    let Some(last) = last else { return Ok(()) };
    match last.status.at_deadline(last.deadline <= now) {
        AttemptStatus::InProgress => Err(AttemptRefusal::InProgress(last.deadline)),
        AttemptStatus::Failed => {
            let ended = last.submitted_at.unwrap_or(last.deadline);
            let free = ended + jiff::SignedDuration::from_hours(cooldown_hours);
            if free > now {
                Err(AttemptRefusal::Cooldown {
                    free,
                    hours: cooldown_hours,
                })
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// An attempt as it is kept, when it is marked.
#[derive(Debug, Clone, Copy)]
pub struct AttemptFacts<'a> {
    /// Its state.
    pub status: AttemptStatus,
    /// When answers must be in (a grace of [`GRACE_SECS`] follows).
    pub deadline: jiff::Timestamp,
    /// The test's question bank.
    pub bank: &'a [Question],
    /// The questions drawn, as indexes into the bank, in the order asked.
    pub drawn: &'a [usize],
    /// What was handed in before (for an assessor's marks).
    pub answers: &'a [Option<Answer>],
    /// The marks so far.
    pub marks: &'a [Mark],
    /// Percent of questions to get right.
    pub pass_percent: u8,
}

/// What marks an attempt.
#[derive(Debug, Clone, Copy)]
pub enum Marking<'a> {
    /// The candidate's answers, one per question asked (`None`: left out), at a time.
    Answers(&'a [Option<Answer>], jiff::Timestamp),
    /// An assessor's marks for practical tasks: `right` per question number, from 1.
    Assessor(&'a [(usize, bool)]),
}

/// A marked attempt: what to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// The answers.
    pub answers: Vec<Option<Answer>>,
    /// The marks.
    pub marks: Vec<Mark>,
    /// The new state.
    pub status: AttemptStatus,
    /// Why it stands so, in words.
    pub detail: String,
}

/// Marks `attempt` by `marking`: answers are marked at once (all wrong when they came after
/// the deadline and its grace), an assessor's marks settle the practical tasks; the outcome
/// follows [`outcome`].
pub fn mark_attempt(
    attempt: &AttemptFacts<'_>,
    marking: Marking<'_>,
) -> Result<Marked, AttemptRefusal> {
    let (answers, mut marks, late) = match marking {
        Marking::Answers(given, at) => {
            if !attempt.status.answerable() {
                return Err(AttemptRefusal::Answered(attempt.status));
            }
            if given.len() != attempt.drawn.len() {
                return Err(AttemptRefusal::AnswerCount {
                    given: given.len(),
                    asked: attempt.drawn.len(),
                });
            }
            let late = at > attempt.deadline + jiff::SignedDuration::from_secs(GRACE_SECS);
            let marks = attempt
                .drawn
                .iter()
                .zip(given)
                .map(|(q, a)| {
                    attempt
                        .bank
                        .get(*q)
                        .map_or(Mark::Wrong, |q| mark(q, a.as_ref()))
                })
                .collect();
            (given.to_vec(), marks, late)
        }
        Marking::Assessor(given) => {
            if !attempt.status.assessable() {
                return Err(AttemptRefusal::NotAwaitingAssessor(attempt.status));
            }
            let mut marks = attempt.marks.to_vec();
            for (n, right) in given {
                match marks.get_mut(n.wrapping_sub(1)) {
                    Some(m @ Mark::Pending) => *m = if *right { Mark::Right } else { Mark::Wrong },
                    _ => return Err(AttemptRefusal::NotPending(*n)),
                }
            }
            (attempt.answers.to_vec(), marks, false)
        }
    };
    if late {
        marks.fill(Mark::Wrong);
    }
    let verdict = outcome(&marks, attempt.pass_percent);
    let detail = match (late, verdict) {
        (true, _) => "answers arrived after the time limit".to_owned(),
        (false, None) => "practical tasks wait for an assessor".to_owned(),
        (false, Some(_)) => {
            let right = marks.iter().filter(|m| **m == Mark::Right).count();
            format!(
                "{right} of {} right; {} % needed",
                marks.len(),
                attempt.pass_percent
            )
        }
    };
    Ok(Marked {
        answers,
        marks,
        status: AttemptStatus::marked(verdict, late),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Vec<Question> {
        vec![
            Question::Choice {
                prompt: "Which tool measures to 0.01 mm?".into(),
                options: vec!["ruler".into(), "micrometer".into(), "tape".into()],
                correct: vec![1],
            },
            Question::Exact {
                prompt: "G-code for rapid move?".into(),
                answers: vec!["G00".into(), "G0".into()],
            },
            Question::Pattern {
                prompt: "Spindle speed for 20 mm aluminium at 200 m/min, rpm?".into(),
                pattern: r"3[01]\d\d".into(),
            },
            Question::Practical {
                prompt: "Turn the part in the drawing and upload a photo.".into(),
            },
        ]
    }

    #[test]
    fn answers_are_marked() {
        let b = bank();
        check_bank(&b).unwrap();
        assert_eq!(mark(&b[0], Some(&Answer::Choice(vec![1]))), Mark::Right);
        assert_eq!(mark(&b[0], Some(&Answer::Choice(vec![1, 0]))), Mark::Wrong);
        assert_eq!(mark(&b[0], Some(&Answer::Text("1".into()))), Mark::Wrong);
        assert_eq!(
            mark(&b[1], Some(&Answer::Text("  g0 ".into()))),
            Mark::Right
        );
        assert_eq!(mark(&b[1], Some(&Answer::Text("G01".into()))), Mark::Wrong);
        assert_eq!(mark(&b[2], Some(&Answer::Text("3183".into()))), Mark::Right);
        assert_eq!(
            mark(&b[2], Some(&Answer::Text("31830".into()))),
            Mark::Wrong
        );
        assert_eq!(
            mark(
                &b[3],
                Some(&Answer::Text("https://photos.example/1".into()))
            ),
            Mark::Pending
        );
        assert_eq!(mark(&b[3], None), Mark::Wrong);
        assert_eq!(outcome(&[Mark::Right, Mark::Wrong], 50), Some(true));
        assert_eq!(
            outcome(&[Mark::Right, Mark::Wrong, Mark::Wrong], 50),
            Some(false)
        );
        assert_eq!(outcome(&[Mark::Right, Mark::Pending], 50), None);
        assert_eq!(ask(&b[1], 2).options.len(), 0);
    }

    #[test]
    fn attempt_states_keep_their_names_and_rules() {
        use AttemptStatus::*;
        for s in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<AttemptStatus>(&json).unwrap(), s);
            assert_eq!(
                s.at_deadline(false),
                s,
                "{s}: nothing changes before the deadline"
            );
        }
        let names: Vec<_> = AttemptStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["in_progress", "awaiting_assessor", "passed", "failed"],
            "the names the database holds"
        );
        assert!(AttemptStatus::parse("InProgress").is_err());

        assert_eq!(InProgress.at_deadline(true), Failed);
        assert_eq!(AwaitingAssessor.at_deadline(true), AwaitingAssessor);
        assert_eq!(Passed.at_deadline(true), Passed);
        assert!(InProgress.answerable() && !AwaitingAssessor.answerable());
        assert!(AwaitingAssessor.assessable() && !InProgress.assessable());
        assert!(!Passed.answerable() && !Failed.assessable());

        assert_eq!(AttemptStatus::marked(Some(true), false), Passed);
        assert_eq!(AttemptStatus::marked(Some(false), false), Failed);
        assert_eq!(AttemptStatus::marked(None, false), AwaitingAssessor);
        for outcome in [Some(true), Some(false), None] {
            assert_eq!(
                AttemptStatus::marked(outcome, true),
                Failed,
                "late answers fail"
            );
        }
    }

    #[test]
    fn bad_banks_are_refused() {
        assert!(check_bank(&[]).is_err());
        let q = Question::Choice {
            prompt: "x".into(),
            options: vec!["a".into(), "b".into()],
            correct: vec![2],
        };
        assert!(check_bank(&[q]).is_err());
        let q = Question::Pattern {
            prompt: "x".into(),
            pattern: "(".into(),
        };
        assert!(
            check_bank(&[q])
                .unwrap_err()
                .to_string()
                .contains("question 1")
        );
        let q = Question::Pattern {
            prompt: "x".into(),
            pattern: "a{1000}{1000}".into(),
        };
        assert!(
            check_bank(&[q]).is_err(),
            "a pattern too large to compile is refused"
        );
        let q = Question::Exact {
            prompt: " ".into(),
            answers: vec!["a".into()],
        };
        assert!(check_bank(&[q]).is_err());
    }

    #[test]
    fn draws_are_distinct_seeded_and_vary() {
        let a = draw(20, 5, 1).unwrap();
        assert_eq!(a, draw(20, 5, 1).unwrap());
        let mut s = a.clone();
        s.sort_unstable();
        s.dedup();
        assert_eq!(s.len(), 5);
        assert!((2..30).any(|seed| draw(20, 5, seed).unwrap() != a));
        assert!(draw(3, 4, 1).is_err());
        assert!(draw(3, 0, 1).is_err());
    }

    #[test]
    fn an_attempt_waits_for_the_one_under_way_and_for_the_cooldown() {
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        let now = at("2026-12-07T12:00:00Z");
        assert_eq!(may_start(None, 24, now), Ok(()));
        let running = LastAttempt {
            status: AttemptStatus::InProgress,
            deadline: at("2026-12-07T12:30:00Z"),
            submitted_at: None,
        };
        assert!(matches!(
            may_start(Some(running), 24, now),
            Err(AttemptRefusal::InProgress(_))
        ));
        // Left unanswered past its deadline: a failure, counted from the deadline.
        let lapsed = LastAttempt {
            deadline: at("2026-12-07T11:00:00Z"),
            ..running
        };
        assert!(matches!(
            may_start(Some(lapsed), 24, now),
            Err(AttemptRefusal::Cooldown { hours: 24, .. })
        ));
        assert_eq!(may_start(Some(lapsed), 0, now), Ok(()));
        let passed = LastAttempt {
            status: AttemptStatus::Passed,
            ..lapsed
        };
        assert_eq!(may_start(Some(passed), 24, now), Ok(()));
    }

    #[test]
    fn answers_are_marked_at_once_and_late_ones_fail() {
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        let bank = bank();
        let drawn: Vec<usize> = (0..bank.len()).collect();
        let facts = AttemptFacts {
            status: AttemptStatus::InProgress,
            deadline: at("2026-12-07T12:00:00Z"),
            bank: &bank,
            drawn: &drawn,
            answers: &[],
            marks: &[],
            pass_percent: 50,
        };
        let few = [None];
        assert!(
            mark_attempt(&facts, Marking::Answers(&few, at("2026-12-07T11:00:00Z")))
                .unwrap_err()
                .is_bad_request()
        );
        let none: Vec<Option<Answer>> = vec![None; drawn.len()];
        let late =
            mark_attempt(&facts, Marking::Answers(&none, at("2026-12-07T12:01:00Z"))).unwrap();
        assert_eq!(late.status, AttemptStatus::Failed);
        assert_eq!(late.detail, "answers arrived after the time limit");
        let done = AttemptFacts {
            status: AttemptStatus::Failed,
            ..facts
        };
        assert_eq!(
            mark_attempt(&done, Marking::Answers(&none, at("2026-12-07T11:00:00Z"))),
            Err(AttemptRefusal::Answered(AttemptStatus::Failed))
        );
        assert_eq!(
            mark_attempt(&facts, Marking::Assessor(&[(1, true)])),
            Err(AttemptRefusal::NotAwaitingAssessor(
                AttemptStatus::InProgress
            ))
        );
    }

    #[test]
    fn a_bank_is_read_from_plain_text() {
        let bank = parse_bank(
            "? What does G01 do?\n* a straight cut at the feed rate\n- a rapid move\n\n\
             ? The code that stops the spindle\n= M05\n= M5\n\
             ? A part number\n~ [A-Z]{2}-[0-9]{4}\n\
             ! Upload a photo of a part you turned, with its drawing\n",
        )
        .unwrap();
        assert_eq!(bank.len(), 4);
        assert!(
            matches!(&bank[0], Question::Choice { correct, options, .. } if correct == &[0] && options.len() == 2)
        );
        assert!(matches!(&bank[1], Question::Exact { answers, .. } if answers.len() == 2));
        assert!(matches!(&bank[2], Question::Pattern { .. }));
        assert!(matches!(&bank[3], Question::Practical { .. }));
        for (text, says) in [
            ("* orphan", "line 1"),
            ("? q\n* a\n= b", "not more than one kind"),
            ("hello", "line 1: begin it with"),
            ("? only one option\n* a", "2 to 10 options"),
            ("", "1 to"),
        ] {
            let e = parse_bank(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }
}
