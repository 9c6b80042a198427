//! Micro-work, as rules with no I/O: a batch's template (the fields a worker fills in), reading
//! and comparing answers, the pay floor a batch must clear, agreement between the workers who
//! answered an item (by majority or weighted by each worker's accuracy on gold items), and the
//! qualification practice earns. The store keeps batches, items, leases and answers; the
//! platform moves the money; this module decides.
//!
//! Two answers *agree* when every field does: the same choice; the same text once case and
//! spacing are set aside; numbers within the field's tolerance; boxes that overlap by at least
//! [`BOX_AGREEMENT`] (intersection over union). Gold items are graded by the same rule.

use std::collections::BTreeMap;

use guild_ids::WorkerId;
use serde::{Deserialize, Serialize};

use crate::money::{Amount, Currency};

/// The most fields in a template.
pub const MAX_FIELDS: usize = 20;
/// The most options of a choice.
pub const MAX_OPTIONS: usize = 50;
/// The longest text answer, in characters.
pub const MAX_TEXT: usize = 2_000;
/// The most items in one batch.
pub const MAX_ITEMS: usize = 200_000;
/// The most answers asked per item before extra ones (redundancy).
pub const MAX_REDUNDANCY: u8 = 9;
/// The most extra answers asked for an item whose answers disagree.
pub const MAX_EXTRA: u8 = 4;
/// The shortest and longest time allowance per item, in seconds.
pub const ALLOWANCE_SECS: std::ops::RangeInclusive<u32> = 10..=3_600;
/// Two boxes agree when their intersection over union is at least this (PASCAL VOC's rule).
pub const BOX_AGREEMENT: f64 = 0.5;

/// Why a batch, a template or an answer is refused. The API answers 400 for each.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MicroworkRefusal {
    /// The template is not one a worker could fill in.
    #[error("template: {0}")]
    Template(String),
    /// An answer does not fit the template.
    #[error("answer: {0}")]
    Answer(String),
    /// The batch's settings are out of range.
    #[error("batch: {0}")]
    Batch(String),
    /// The price per item, at the time allowed for it, pays less an hour than the floor.
    #[error(
        "{price} {currency} an item with {allowance_secs} s allowed for it pays {hourly} {currency} an hour, under the pay floor of {floor} {currency} an hour: raise the price to at least {least} {currency} or shorten the allowance"
    )]
    UnderFloor {
        /// The price per item, decimal.
        price: String,
        /// The currency.
        currency: String,
        /// The time allowed per item.
        allowance_secs: u32,
        /// What that pays an hour, decimal.
        hourly: String,
        /// The floor, decimal.
        floor: String,
        /// The least price per item that clears the floor, decimal.
        least: String,
    },
    /// No pay floor is configured for the batch's currency, so no batch may be paid in it.
    #[error(
        "no pay floor is set for {0}, so Guild does not run batches paid in it (the operator sets floors per currency)"
    )]
    NoFloor(String),
}

/// A field a worker fills in for each item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Field {
    /// One of the options.
    Choice {
        /// The field's name in answers.
        name: String,
        /// What the worker is asked.
        label: String,
        /// The options (two or more).
        options: Vec<String>,
    },
    /// Free text.
    Text {
        /// The field's name in answers.
        name: String,
        /// What the worker is asked.
        label: String,
    },
    /// A number, optionally within bounds; answers within `tolerance` agree.
    Number {
        /// The field's name in answers.
        name: String,
        /// What the worker is asked.
        label: String,
        /// The least allowed.
        #[serde(default)]
        min: Option<f64>,
        /// The most allowed.
        #[serde(default)]
        max: Option<f64>,
        /// How far apart two answers may be and still agree.
        #[serde(default)]
        tolerance: f64,
    },
    /// A box on the item's image, as numbers: left, top, width, height.
    BoundingBox {
        /// The field's name in answers.
        name: String,
        /// What the worker is asked.
        label: String,
    },
}

impl Field {
    /// Its name in answers.
    pub fn name(&self) -> &str {
        match self {
            Field::Choice { name, .. }
            | Field::Text { name, .. }
            | Field::Number { name, .. }
            | Field::BoundingBox { name, .. } => name,
        }
    }
}

/// What a batch asks of each item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// What to do, shown with every item.
    pub instructions: String,
    /// The fields to fill in.
    pub fields: Vec<Field>,
}

/// One field's answer, read and normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A choice or a text (text: trimmed, spacing collapsed).
    Text(String),
    /// A number.
    Number(f64),
    /// A box: left, top, width, height.
    Box([f64; 4]),
}

/// An answer to an item: field name → value.
pub type Answer = BTreeMap<String, Value>;

fn template_error(why: impl Into<String>) -> MicroworkRefusal {
    MicroworkRefusal::Template(why.into())
}

fn answer_error(why: impl Into<String>) -> MicroworkRefusal {
    MicroworkRefusal::Answer(why.into())
}

/// Trims and collapses spacing.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Template {
    /// Checks that a worker could fill it in: instructions, one to [`MAX_FIELDS`] fields with
    /// distinct names, choices of two to [`MAX_OPTIONS`] distinct options, sane bounds.
    pub fn check(&self) -> Result<(), MicroworkRefusal> {
        if tidy(&self.instructions).is_empty() {
            return Err(template_error("say what to do (instructions are empty)"));
        }
        if self.fields.is_empty() {
            return Err(template_error(
                "it has no fields: give at least one (choice, text, number or bounding_box)",
            ));
        }
        if self.fields.len() > MAX_FIELDS {
            return Err(template_error(format!(
                "{} fields, at most {MAX_FIELDS}",
                self.fields.len()
            )));
        }
        let mut names = std::collections::BTreeSet::new();
        for f in &self.fields {
            let name = f.name();
            if name.is_empty()
                || name.len() > 40
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(template_error(format!(
                    "field name {name:?}: use 1-40 letters, digits, _ or -"
                )));
            }
            if !names.insert(name) {
                return Err(template_error(format!("two fields are named {name:?}")));
            }
            match f {
                Field::Choice { options, .. } => {
                    let distinct: std::collections::BTreeSet<String> =
                        options.iter().map(|o| tidy(o).to_lowercase()).collect();
                    if options.len() < 2
                        || options.len() > MAX_OPTIONS
                        || distinct.len() != options.len()
                        || distinct.contains("")
                    {
                        return Err(template_error(format!(
                            "choice {name:?}: give 2-{MAX_OPTIONS} distinct, non-empty options"
                        )));
                    }
                }
                Field::Number {
                    min,
                    max,
                    tolerance,
                    ..
                } => {
                    let finite = [*min, *max]
                        .iter()
                        .flatten()
                        .chain([tolerance])
                        .all(|x| x.is_finite());
                    if !finite
                        || *tolerance < 0.0
                        || matches!((min, max), (Some(a), Some(b)) if a > b)
                    {
                        return Err(template_error(format!(
                            "number {name:?}: bounds and tolerance must be finite, min at most max, tolerance not negative"
                        )));
                    }
                }
                Field::Text { .. } | Field::BoundingBox { .. } => {}
            }
        }
        Ok(())
    }

    /// Reads a worker's answer (a JSON object with a value for every field, nothing else).
    pub fn read_answer(&self, raw: &serde_json::Value) -> Result<Answer, MicroworkRefusal> {
        let Some(object) = raw.as_object() else {
            return Err(answer_error(
                "send an object with a value for each field of the template",
            ));
        };
        if let Some(extra) = object
            .keys()
            .find(|k| !self.fields.iter().any(|f| f.name() == k.as_str()))
        {
            return Err(answer_error(format!("the template has no field {extra:?}")));
        }
        let mut answer = Answer::new();
        for f in &self.fields {
            let name = f.name();
            let Some(v) = object.get(name) else {
                return Err(answer_error(format!("no value for {name:?}")));
            };
            let value = match f {
                Field::Choice { options, .. } => {
                    let given = v.as_str().map(tidy).unwrap_or_default();
                    let Some(option) = options
                        .iter()
                        .find(|o| tidy(o).to_lowercase() == given.to_lowercase())
                    else {
                        return Err(answer_error(format!(
                            "{name:?}: {v} is not one of the options ({})",
                            options.join(", ")
                        )));
                    };
                    Value::Text(tidy(option))
                }
                Field::Text { .. } => {
                    let Some(text) = v.as_str().map(tidy).filter(|t| !t.is_empty()) else {
                        return Err(answer_error(format!("{name:?}: give some text")));
                    };
                    if text.chars().count() > MAX_TEXT {
                        return Err(answer_error(format!(
                            "{name:?}: at most {MAX_TEXT} characters"
                        )));
                    }
                    Value::Text(text)
                }
                Field::Number { min, max, .. } => {
                    let Some(x) = v.as_f64().filter(|x| x.is_finite()) else {
                        return Err(answer_error(format!("{name:?}: {v} is not a number")));
                    };
                    if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                        return Err(answer_error(format!(
                            "{name:?}: {x} is outside {}..{}",
                            min.map_or("".to_owned(), |m| m.to_string()),
                            max.map_or("".to_owned(), |m| m.to_string())
                        )));
                    }
                    Value::Number(x)
                }
                Field::BoundingBox { .. } => {
                    let numbers: Option<Vec<f64>> = v.as_array().and_then(|a| {
                        a.iter()
                            .map(|x| x.as_f64().filter(|x| x.is_finite()))
                            .collect()
                    });
                    match numbers.as_deref() {
                        Some(&[x, y, w, h]) if w > 0.0 && h > 0.0 => Value::Box([x, y, w, h]),
                        _ => {
                            return Err(answer_error(format!(
                                "{name:?}: give [left, top, width, height], width and height above 0"
                            )));
                        }
                    }
                }
            };
            answer.insert(name.to_owned(), value);
        }
        Ok(answer)
    }

    /// Whether two answers agree, field by field (see the module's documentation).
    pub fn agree(&self, a: &Answer, b: &Answer) -> bool {
        self.fields.iter().all(|f| {
            let (Some(x), Some(y)) = (a.get(f.name()), b.get(f.name())) else {
                return false;
            };
            match (f, x, y) {
                (Field::Number { tolerance, .. }, Value::Number(x), Value::Number(y)) => {
                    (x - y).abs() <= *tolerance
                }
                (_, Value::Text(x), Value::Text(y)) => x.to_lowercase() == y.to_lowercase(),
                (_, Value::Box(x), Value::Box(y)) => iou(x, y) >= BOX_AGREEMENT,
                _ => false,
            }
        })
    }
}

/// Intersection over union of two boxes (left, top, width, height).
pub fn iou(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    let w = (a[0] + a[2]).min(b[0] + b[2]) - a[0].max(b[0]);
    let h = (a[1] + a[3]).min(b[1] + b[3]) - a[1].max(b[1]);
    if w <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    let inter = w * h;
    inter / (a[2] * a[3] + b[2] * b[3] - inter)
}

/// The hourly pay floors, per currency, in minor units an hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayFloors(BTreeMap<&'static str, i64>);

/// The floors Guild starts with, per hour: near the statutory minimum wages of the
/// Netherlands and Germany (EUR), the United Kingdom (GBP) and the highest US state minimums
/// (USD) in 2026. The operator may raise or add them (`guild serve --pay-floor EUR=15.00`).
pub const DEFAULT_FLOORS: &[(&str, &str)] = &[("EUR", "14.00"), ("GBP", "12.50"), ("USD", "15.00")];

impl Default for PayFloors {
    fn default() -> Self {
        let mut floors = PayFloors(BTreeMap::new());
        for (code, per_hour) in DEFAULT_FLOORS {
            // The defaults are Guild's own constants: they parse.
            if let Ok(c) = Currency::parse(code)
                && let Ok(a) = Amount::parse(per_hour, c)
            {
                floors.0.insert(c.code(), a.minor);
            }
        }
        floors
    }
}

impl PayFloors {
    /// Sets the floor of `per_hour`'s currency (replacing the default).
    pub fn set(&mut self, per_hour: Amount) {
        self.0.insert(per_hour.currency.code(), per_hour.minor);
    }

    /// The floor for `currency`, in minor units an hour.
    pub fn of(&self, currency: Currency) -> Option<i64> {
        self.0.get(currency.code()).copied()
    }

    /// Every floor, as (currency, decimal per hour).
    pub fn all(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(code, minor)| {
                let c = Currency::parse(code).ok()?;
                Some(((*code).to_owned(), crate::money::decimal(*minor, c)))
            })
            .collect()
    }

    /// Refuses a price per item that, at `allowance_secs` per item, pays under the floor.
    pub fn check(&self, price: Amount, allowance_secs: u32) -> Result<(), MicroworkRefusal> {
        let c = price.currency;
        let floor = self
            .of(c)
            .ok_or_else(|| MicroworkRefusal::NoFloor(c.code().to_owned()))?;
        let secs = i64::from(allowance_secs.max(1));
        let hourly = hourly_minor(price.minor, secs);
        if hourly >= floor {
            return Ok(());
        }
        // The least whole minor unit whose hourly rate reaches the floor.
        let least = (floor * secs + 3_599) / 3_600;
        Err(MicroworkRefusal::UnderFloor {
            price: price.to_decimal(),
            currency: c.code().to_owned(),
            allowance_secs,
            hourly: crate::money::decimal(hourly, c),
            floor: crate::money::decimal(floor, c),
            least: crate::money::decimal(least, c),
        })
    }
}

/// Minor units an hour for `minor` earned in `secs` seconds, rounded down (`None` for no time).
pub fn effective_hourly(minor: i64, secs: i64) -> Option<i64> {
    (secs > 0).then(|| hourly_minor(minor, secs))
}

fn hourly_minor(minor: i64, secs: i64) -> i64 {
    i64::try_from(i128::from(minor) * 3_600 / i128::from(secs.max(1))).unwrap_or(i64::MAX)
}

/// How a batch runs: answers per item, extra answers for an item they disagree on, the time
/// allowed per item, the price per answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Terms {
    /// Workers who answer each item (1 to [`MAX_REDUNDANCY`]).
    pub redundancy: u8,
    /// Extra answers asked when they disagree (0 to [`MAX_EXTRA`]).
    pub max_extra: u8,
    /// Seconds allowed per item.
    pub allowance_secs: u32,
}

impl Terms {
    /// Checks the settings and the pay: items within [`MAX_ITEMS`], the price over the floor.
    pub fn check(
        &self,
        items: usize,
        price: Amount,
        floors: &PayFloors,
    ) -> Result<(), MicroworkRefusal> {
        if !(1..=MAX_REDUNDANCY).contains(&self.redundancy) {
            return Err(MicroworkRefusal::Batch(format!(
                "redundancy {}: ask 1 to {MAX_REDUNDANCY} workers per item",
                self.redundancy
            )));
        }
        if self.max_extra > MAX_EXTRA {
            return Err(MicroworkRefusal::Batch(format!(
                "max_extra {}: at most {MAX_EXTRA} extra answers per item",
                self.max_extra
            )));
        }
        if !ALLOWANCE_SECS.contains(&self.allowance_secs) {
            return Err(MicroworkRefusal::Batch(format!(
                "allowance {} s: allow {} to {} seconds per item",
                self.allowance_secs,
                ALLOWANCE_SECS.start(),
                ALLOWANCE_SECS.end()
            )));
        }
        if items == 0 || items > MAX_ITEMS {
            return Err(MicroworkRefusal::Batch(format!(
                "{items} items: a batch has 1 to {MAX_ITEMS}"
            )));
        }
        floors.check(price, self.allowance_secs)
    }

    /// What escrow holds for `items` items at `price` an answer: every answer the batch could
    /// ask, extra ones included; what is not paid out is refunded when the batch closes.
    pub fn escrow(&self, items: usize, price: Amount) -> Result<Amount, crate::MarketError> {
        let answers = items as i64 * i64::from(self.redundancy + self.max_extra);
        let minor = price
            .minor
            .checked_mul(answers)
            .ok_or_else(|| crate::MarketError::Overflow(format!("{answers} answers at {price}")))?;
        Amount::new(minor, price.currency)
    }
}

/// A worker's record on gold items (items whose answer the requester knows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accuracy {
    /// Gold items answered right.
    pub correct: u32,
    /// Gold items answered.
    pub seen: u32,
}

impl Accuracy {
    /// One more gold item, right or not.
    pub fn add(&mut self, right: bool) {
        self.seen += 1;
        if right {
            self.correct += 1;
        }
    }

    /// The share right, with one right and one wrong assumed before any (Laplace's rule), so
    /// that one lucky or unlucky item does not decide.
    pub fn estimate(&self) -> f64 {
        (f64::from(self.correct) + 1.0) / (f64::from(self.seen) + 2.0)
    }

    /// The weight of the worker's vote: the log-odds of being right, never below 0 (a worker no
    /// better than a coin does not outvote anyone).
    pub fn weight(&self) -> f64 {
        let p = self.estimate().clamp(0.01, 0.99);
        (p / (1.0 - p)).ln().max(0.0)
    }
}

/// How an item's answers become its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Every answer counts one.
    Majority,
    /// Each answer counts its worker's [`Accuracy::weight`] on the batch's gold items.
    Weighted,
}

/// What an item's answers give.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verdict {
    /// More than half the weight agrees: the answer of the agreeing group.
    Resolved {
        /// The answer (the group's first).
        answer: Answer,
        /// The agreeing share of the weight, 0.5 to 1.
        agreement: f64,
        /// The workers who gave it.
        agreed: Vec<WorkerId>,
    },
    /// Not enough answers yet, or they disagree and an extra answer may settle it.
    NeedsMore,
    /// They disagree and no extra answer is left to ask: the requester decides (every answer is
    /// still paid; none is silently dropped).
    Unresolved,
}

/// The verdict on one item's `answers` under `terms` and `rule` (`accuracy` gives each worker's
/// gold record, for the weighted rule).
pub fn verdict(
    template: &Template,
    terms: &Terms,
    rule: Rule,
    answers: &[(WorkerId, Answer)],
    accuracy: &dyn Fn(WorkerId) -> Accuracy,
) -> Verdict {
    if answers.len() < usize::from(terms.redundancy) {
        return Verdict::NeedsMore;
    }
    let weight = |w: WorkerId| match rule {
        Rule::Majority => 1.0,
        Rule::Weighted => accuracy(w).weight(),
    };
    // Nobody is better than chance on gold yet: every answer counts one.
    let weighed = answers.iter().map(|(w, _)| weight(*w)).sum::<f64>() > 0.0;
    let weight = |w: WorkerId| if weighed { weight(w) } else { 1.0 };
    let total: f64 = answers.iter().map(|(w, _)| weight(*w)).sum();
    // Groups of agreeing answers, each answer in the first group it agrees with.
    let mut groups: Vec<(usize, f64, Vec<WorkerId>)> = Vec::new();
    for (i, (w, a)) in answers.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(first, ..)| template.agree(&answers[*first].1, a))
        {
            Some(g) => {
                g.1 += weight(*w);
                g.2.push(*w);
            }
            None => groups.push((i, weight(*w), vec![*w])),
        }
    }
    let best = groups
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    match best {
        Some((first, w, agreed)) if w / total > 0.5 => Verdict::Resolved {
            answer: answers[first].1.clone(),
            agreement: w / total,
            agreed,
        },
        _ if answers.len() < usize::from(terms.redundancy + terms.max_extra) => Verdict::NeedsMore,
        _ => Verdict::Unresolved,
    }
}

/// What practice must show before a worker takes paid items needing a qualification.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Qualification {
    /// Practice items answered, at least.
    pub min_items: u32,
    /// The share right, at least (of the items answered, not smoothed).
    pub min_accuracy: f64,
}

impl Default for Qualification {
    fn default() -> Self {
        Qualification {
            min_items: 20,
            min_accuracy: 0.8,
        }
    }
}

impl Qualification {
    /// Whether `record` on practice items earns it.
    pub fn earned(&self, record: &Accuracy) -> bool {
        // A hair of slack: 0.8 × 30 is 24.000000000000004 in floating point.
        record.seen >= self.min_items
            && f64::from(record.correct) + 1e-9 >= self.min_accuracy * f64::from(record.seen)
    }

    /// Practice items still needed at best (all answered right from now on).
    pub fn items_to_go(&self, record: &Accuracy) -> u32 {
        let mut r = *record;
        let mut n = 0;
        while !self.earned(&r) && n < 10_000 {
            r.add(true);
            n += 1;
        }
        n
    }
}

/// The client's funds committed to batch `batch`'s escrow.
pub fn fund(
    client: guild_ids::AccountId,
    batch: guild_ids::BatchId,
    amount: Amount,
    memo: &str,
) -> Result<crate::ledger::Transfer, crate::MarketError> {
    use crate::ledger::{Account, AccountKind, Transfer, TransferKind};
    let cur = amount.currency;
    Transfer::between(
        TransferKind::FundEscrow,
        Account::of(AccountKind::ClientFunds, client, cur)?,
        Account::batch_escrow(batch, cur)?,
        amount.minor,
        memo,
    )
}

/// One answer's pay, from the batch's escrow to the worker's balance. Micro-work carries no
/// platform fee: the pay floor is what the worker receives.
pub fn pay(
    batch: guild_ids::BatchId,
    worker: guild_ids::AccountId,
    amount: Amount,
    memo: &str,
) -> Result<crate::ledger::Transfer, crate::MarketError> {
    use crate::ledger::{Account, AccountKind, Transfer, TransferKind};
    let cur = amount.currency;
    Transfer::between(
        TransferKind::Release,
        Account::batch_escrow(batch, cur)?,
        Account::of(AccountKind::WorkerBalance, worker, cur)?,
        amount.minor,
        memo,
    )
}

/// What is left in the batch's escrow, back to the client's funds when it closes.
pub fn refund(
    batch: guild_ids::BatchId,
    client: guild_ids::AccountId,
    amount: Amount,
    memo: &str,
) -> Result<crate::ledger::Transfer, crate::MarketError> {
    use crate::ledger::{Account, AccountKind, Transfer, TransferKind};
    let cur = amount.currency;
    Transfer::between(
        TransferKind::Refund,
        Account::batch_escrow(batch, cur)?,
        Account::of(AccountKind::ClientFunds, client, cur)?,
        amount.minor,
        memo,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Template {
        serde_json::from_value(json!({
            "instructions": "Is there a pallet in the photo? Draw a box around it and count the boxes on it.",
            "fields": [
                {"kind": "choice", "name": "pallet", "label": "A pallet?", "options": ["yes", "no"]},
                {"kind": "number", "name": "cartons", "label": "Cartons", "min": 0, "max": 500, "tolerance": 1},
                {"kind": "bounding_box", "name": "where", "label": "Where"},
                {"kind": "text", "name": "note", "label": "Anything odd"}
            ]
        }))
        .unwrap()
    }

    fn answer(pallet: &str, cartons: f64, left: f64, note: &str) -> Answer {
        template()
            .read_answer(&json!({"pallet": pallet, "cartons": cartons,
                "where": [left, 10.0, 100.0, 50.0], "note": note}))
            .unwrap()
    }

    #[test]
    fn templates_are_checked() {
        template().check().unwrap();
        let bad = |t: serde_json::Value| {
            serde_json::from_value::<Template>(t)
                .map_err(|e| e.to_string())
                .and_then(|t| t.check().map_err(|e| e.to_string()))
                .unwrap_err()
        };
        assert!(bad(json!({"instructions": "Tag", "fields": []})).contains("no fields"));
        assert!(bad(json!({"instructions": " ", "fields": [{"kind": "text", "name": "a", "label": "A"}]}))
            .contains("instructions"));
        assert!(bad(json!({"instructions": "x", "fields": [
            {"kind": "text", "name": "a", "label": "A"}, {"kind": "text", "name": "a", "label": "B"}]}))
        .contains("two fields"));
        assert!(
            bad(json!({"instructions": "x", "fields": [
            {"kind": "choice", "name": "c", "label": "C", "options": ["Yes", "yes "]}]}))
            .contains("distinct")
        );
        assert!(
            bad(json!({"instructions": "x", "fields": [
            {"kind": "number", "name": "n", "label": "N", "min": 5, "max": 1}]}))
            .contains("min at most max")
        );
        assert!(bad(json!({"instructions": "x", "fields": [{"kind": "slider", "name": "s", "label": "S"}]}))
            .contains("unknown variant"));
    }

    #[test]
    fn answers_are_read_strictly_and_normalised() {
        let t = template();
        let a = answer(" YES ", 12.0, 0.0, "  torn   wrap ");
        assert_eq!(a["pallet"], Value::Text("yes".to_owned()));
        assert_eq!(a["note"], Value::Text("torn wrap".to_owned()));
        for (raw, why) in [
            (json!("yes"), "object"),
            (
                json!({"pallet": "maybe", "cartons": 1, "where": [0, 0, 1, 1], "note": "x"}),
                "not one of the options",
            ),
            (
                json!({"pallet": "no", "cartons": 501, "where": [0, 0, 1, 1], "note": "x"}),
                "outside",
            ),
            (
                json!({"pallet": "no", "cartons": "ten", "where": [0, 0, 1, 1], "note": "x"}),
                "not a number",
            ),
            (
                json!({"pallet": "no", "cartons": 1, "where": [0, 0, 0, 1], "note": "x"}),
                "width and height",
            ),
            (
                json!({"pallet": "no", "cartons": 1, "where": [0, 0, 1, 1], "note": " "}),
                "some text",
            ),
            (
                json!({"pallet": "no", "cartons": 1, "where": [0, 0, 1, 1]}),
                "no value for \"note\"",
            ),
            (
                json!({"pallet": "no", "cartons": 1, "where": [0, 0, 1, 1], "note": "x", "gold": true}),
                "no field \"gold\"",
            ),
        ] {
            let e = t.read_answer(&raw).unwrap_err().to_string();
            assert!(e.contains(why), "{raw}: {e}");
        }
    }

    #[test]
    fn agreement_is_field_by_field() {
        let t = template();
        let a = answer("yes", 12.0, 0.0, "torn wrap");
        assert!(t.agree(&a, &answer("Yes", 13.0, 20.0, "Torn Wrap")));
        assert!(
            !t.agree(&a, &answer("yes", 14.0, 0.0, "torn wrap")),
            "beyond the tolerance"
        );
        // 100 × 50 boxes 60 apart overlap 40 × 50: IoU 2000 / 8000 = 0.25.
        assert!(!t.agree(&a, &answer("yes", 12.0, 60.0, "torn wrap")));
        assert!(!t.agree(&a, &answer("no", 12.0, 0.0, "torn wrap")));
        assert!(
            (iou(&[0.0, 0.0, 10.0, 10.0], &[5.0, 0.0, 10.0, 10.0]) - 50.0 / 150.0).abs() < 1e-12
        );
        assert_eq!(iou(&[0.0, 0.0, 1.0, 1.0], &[2.0, 2.0, 1.0, 1.0]), 0.0);
    }

    fn eur(text: &str) -> Amount {
        Amount::parse(text, Currency::parse("EUR").unwrap()).unwrap()
    }

    #[test]
    fn the_pay_floor_refuses_what_pays_under_it_and_says_the_least_price() {
        let floors = PayFloors::default();
        // 0.20 EUR for 60 s is 12.00 EUR an hour: under 14.00.
        let e = floors.check(eur("0.20"), 60).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("12.00 EUR an hour") && text.contains("14.00"),
            "{text}"
        );
        assert!(text.contains("at least 0.24 EUR"), "{text}");
        floors.check(eur("0.24"), 60).unwrap();
        // 0.04 EUR for 10 s is 14.40 an hour.
        floors.check(eur("0.04"), 10).unwrap();
        let yen = Amount::new(100, Currency::parse("JPY").unwrap()).unwrap();
        assert!(matches!(floors.check(yen, 60), Err(MicroworkRefusal::NoFloor(c)) if c == "JPY"));
        let mut raised = floors.clone();
        raised.set(eur("20.00"));
        assert!(raised.check(eur("0.24"), 60).is_err());
        assert_eq!(effective_hourly(150, 600), Some(900));
        assert_eq!(effective_hourly(150, 0), None);
        assert_eq!(
            PayFloors::default().all()[0],
            ("EUR".to_owned(), "14.00".to_owned())
        );
    }

    #[test]
    fn terms_are_checked_and_escrow_covers_every_answer_asked() {
        let floors = PayFloors::default();
        let terms = Terms {
            redundancy: 3,
            max_extra: 2,
            allowance_secs: 30,
        };
        terms.check(1000, eur("0.12"), &floors).unwrap();
        assert_eq!(terms.escrow(1000, eur("0.12")).unwrap(), eur("600.00"));
        for (t, items) in [
            (
                Terms {
                    redundancy: 0,
                    ..terms
                },
                10,
            ),
            (
                Terms {
                    max_extra: 9,
                    ..terms
                },
                10,
            ),
            (
                Terms {
                    allowance_secs: 5,
                    ..terms
                },
                10,
            ),
            (terms, 0),
            (terms, MAX_ITEMS + 1),
        ] {
            assert!(matches!(
                t.check(items, eur("0.12"), &floors),
                Err(MicroworkRefusal::Batch(_))
            ));
        }
    }

    #[test]
    fn a_majority_resolves_a_split_asks_for_more_then_goes_to_the_requester() {
        let t = template();
        let terms = Terms {
            redundancy: 3,
            max_extra: 1,
            allowance_secs: 30,
        };
        let none = |_| Accuracy::default();
        let yes = answer("yes", 12.0, 0.0, "ok");
        let no = answer("no", 12.0, 0.0, "ok");
        let other = answer("yes", 40.0, 0.0, "ok");
        let w = WorkerId;
        assert_eq!(
            verdict(&t, &terms, Rule::Majority, &[(w(1), yes.clone())], &none),
            Verdict::NeedsMore
        );
        let two_to_one = [(w(1), yes.clone()), (w(2), no.clone()), (w(3), yes.clone())];
        match verdict(&t, &terms, Rule::Majority, &two_to_one, &none) {
            Verdict::Resolved {
                answer,
                agreement,
                agreed,
            } => {
                assert_eq!(answer, yes);
                assert!((agreement - 2.0 / 3.0).abs() < 1e-12);
                assert_eq!(agreed, [w(1), w(3)]);
            }
            v => panic!("{v:?}"),
        }
        let split = [
            (w(1), yes.clone()),
            (w(2), no.clone()),
            (w(3), other.clone()),
        ];
        assert_eq!(
            verdict(&t, &terms, Rule::Majority, &split, &none),
            Verdict::NeedsMore
        );
        let mut four = split.to_vec();
        four.push((w(4), other.clone()));
        assert_eq!(
            verdict(&t, &terms, Rule::Majority, &four, &none),
            Verdict::Unresolved,
            "two against two is no majority"
        );
    }

    #[test]
    fn weighted_votes_follow_accuracy_on_gold() {
        let t = template();
        let terms = Terms {
            redundancy: 3,
            max_extra: 0,
            allowance_secs: 30,
        };
        let yes = answer("yes", 12.0, 0.0, "ok");
        let no = answer("no", 12.0, 0.0, "ok");
        let w = WorkerId;
        // The expert (19 of 20 on gold) outweighs two who are no better than a coin.
        let accuracy = |x: WorkerId| {
            if x == w(1) {
                Accuracy {
                    correct: 19,
                    seen: 20,
                }
            } else {
                Accuracy {
                    correct: 5,
                    seen: 10,
                }
            }
        };
        let answers = [(w(1), yes.clone()), (w(2), no.clone()), (w(3), no.clone())];
        match verdict(&t, &terms, Rule::Weighted, &answers, &accuracy) {
            Verdict::Resolved { answer, .. } => assert_eq!(answer, yes),
            v => panic!("{v:?}"),
        }
        match verdict(&t, &terms, Rule::Majority, &answers, &accuracy) {
            Verdict::Resolved { answer, .. } => assert_eq!(answer, no),
            v => panic!("{v:?}"),
        }
        // Nobody better than a coin yet: a plain majority.
        let coin = |_| Accuracy {
            correct: 1,
            seen: 2,
        };
        match verdict(&t, &terms, Rule::Weighted, &answers, &coin) {
            Verdict::Resolved { answer, .. } => assert_eq!(answer, no),
            v => panic!("{v:?}"),
        }
        assert!(
            Accuracy {
                correct: 0,
                seen: 0
            }
            .weight()
                == 0.0
        );
        assert!(
            Accuracy {
                correct: 9,
                seen: 10
            }
            .weight()
                > Accuracy {
                    correct: 7,
                    seen: 10
                }
                .weight()
        );
    }

    #[test]
    fn practice_earns_a_qualification() {
        let q = Qualification::default();
        let mut record = Accuracy::default();
        assert_eq!(q.items_to_go(&record), 20);
        for i in 0..20 {
            record.add(i % 5 != 0);
        }
        // 16 of 20 is 0.8.
        assert!(q.earned(&record));
        let weak = Accuracy {
            correct: 14,
            seen: 20,
        };
        assert!(!q.earned(&weak));
        // 14 of 20, then right every time: 24 of 30 reaches 0.8.
        assert_eq!(q.items_to_go(&weak), 10);
    }
}
