//! The bank-transfer rail, which works without any outside service. Guild tells a client how
//! to pay: an ISO 11649 structured creditor reference ([`creditor_reference`]) to quote with
//! the transfer. Later the operator feeds in the bank's statement as CSV ([`parse_statement`]);
//! the store turns lines that quote a known reference into deposits. Payouts leave as a CSV
//! file of payment instructions for the operator's bank ([`payout_file`]) and come back,
//! confirmed or returned, in a later statement, quoting the payout's reference.
//!
//! Everything here is pure: references are generated and checked, statements parsed and payout
//! files written; the bookkeeping is the store's.
//!
//! A statement is CSV with a header row naming these columns, in any order, in any case:
//!
//! | column         | required | content                                                    |
//! |----------------|----------|------------------------------------------------------------|
//! | `bank_id`      | yes      | the bank's id of the line, unique within the file          |
//! | `date`         | yes      | `YYYY-MM-DD`                                               |
//! | `amount`       | yes      | major units (`12.50`); `-12.50` for money sent or returned |
//! | `currency`     | yes      | ISO 4217 code (`EUR`)                                      |
//! | `reference`    | no       | the creditor reference the payer quoted                    |
//! | `counterparty` | no       | who paid or was paid                                       |
//! | `note`         | no       | the bank's free text                                       |

use guild_ids::{AccountId, PaymentId};
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::MarketError;
use crate::fx::Rate;
use crate::ledger::{Account, AccountKind, Posting, Transfer, TransferKind};
use crate::money::{Amount, Currency, decimal};

/// The most transactions one statement may hold (the header not counted): a larger file is
/// more likely a mistake than a statement, and the operator can split it.
pub const MAX_STATEMENT_LINES: usize = 100_000;

/// The most characters of a statement's `bank_id`.
pub const MAX_BANK_ID_CHARS: usize = 100;

/// The most characters of a payout's beneficiary name and of its note: what SWIFT and SEPA
/// credit transfers carry (4 × 35 characters, and 140 characters of remittance information).
pub const MAX_PAYOUT_TEXT_CHARS: usize = 140;

/// The most payload characters of an ISO 11649 reference (after `RF` and the check digits).
const MAX_REFERENCE_PAYLOAD: usize = 21;

/// The most characters of an IBAN after the country code and check digits (ISO 13616).
const MAX_BBAN: usize = 30;

/// The digits of base 36, as ISO 11649 and ISO 13616 read them: `0`–`9`, then `A`–`Z`.
const BASE36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The first payload character of references Guild makes, so that they are told apart from
/// any other creditor reference a payer might type.
const GUILD_PREFIX: char = 'G';

// ---------------------------------------------------------------------------------------------
// Payment instructions: which way the money goes, and where an instruction stands.

/// Which way a payment instruction's money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentDirection {
    /// A deposit a client makes, quoting the instruction's reference.
    In,
    /// A payout Guild sends, listed in the payout file.
    Out,
}

impl PaymentDirection {
    /// Both directions.
    pub const ALL: [PaymentDirection; 2] = [PaymentDirection::In, PaymentDirection::Out];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentDirection::In => "in",
            PaymentDirection::Out => "out",
        }
    }

    /// Reads a name written by [`PaymentDirection::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| MarketError::Invalid(format!("direction must be in or out, not {s:?}")))
    }
}

impl std::fmt::Display for PaymentDirection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a payment instruction stands. A deposit instruction stays open: clients may quote
/// its reference again and again. A payout is open until a statement confirms or returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Waiting: for deposits, always; for a payout, for the bank's statement.
    Open,
    /// The bank's statement confirmed the payout left.
    Settled,
    /// The bank sent the payout back; its money went back where it came from.
    Returned,
}

impl PaymentStatus {
    /// Every state.
    pub const ALL: [PaymentStatus; 3] = [
        PaymentStatus::Open,
        PaymentStatus::Settled,
        PaymentStatus::Returned,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Open => "open",
            PaymentStatus::Settled => "settled",
            PaymentStatus::Returned => "returned",
        }
    }

    /// Reads a name written by [`PaymentStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                MarketError::Invalid(format!(
                    "payment status must be one of open, settled, returned, not {s:?}"
                ))
            })
    }

    /// Whether a payout in this state still waits for the bank: its money sits in
    /// `payouts_pending`, so the bank's confirmation settles it and a return takes the money
    /// from there. Once settled, the money has left for the outside world, and a return
    /// brings it back from there; a confirmation is not read twice.
    pub fn awaits_bank(self) -> bool {
        self == PaymentStatus::Open
    }

    /// Whether the bank may still send a payout in this state back: an open or settled one
    /// can come back (a bank may return a payout after confirming it), a returned one came
    /// back already, so a second return line is left for a person to look at.
    pub fn returnable(self) -> bool {
        self != PaymentStatus::Returned
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// References and IBANs: ISO 7064 MOD 97-10.

/// The remainder modulo 97 of `text` read as a number, letters standing for 10 (`A`) to 35
/// (`Z`). `text` must be ASCII uppercase letters and digits (checked by the callers). Computed
/// a character at a time, since the number has up to 70 digits.
fn mod97(text: &str) -> u32 {
    text.bytes().fold(0u32, |rem, b| match b {
        b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
        _ => (rem * 100 + u32::from(b - b'A') + 10) % 97,
    })
}

/// The two check digits of `body` (a reference's payload, or an IBAN's BBAN) under the prefix
/// `prefix` (`RF`, or the IBAN's country): per ISO 7064, the prefix and `00` move to the end,
/// and the check is 98 minus the remainder modulo 97 — always 02 to 98.
fn check_digits(prefix: &str, body: &str) -> u32 {
    98 - mod97(&format!("{body}{prefix}00"))
}

/// Removes whitespace (payers and banks group references and IBANs in fours, and some use
/// non-breaking spaces) and uppercases.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Splits normalised text into its two-character prefix, its two check digits and its body,
/// checking the shape: `prefix_ok` for the prefix, two digits, and `max_body` at most ASCII
/// letters and digits (at least one). `what` names the thing in errors.
fn split_checked<'a>(
    text: &'a str,
    original: &str,
    what: &str,
    prefix_ok: impl Fn(&str) -> bool,
    prefix_rule: &str,
    max_body: usize,
) -> Result<(&'a str, u32, &'a str), MarketError> {
    let bad = |why: String| MarketError::Invalid(format!("{what} {original:?}: {why}"));
    if !text.is_ascii() {
        return Err(bad("only letters A-Z and digits are allowed".to_owned()));
    }
    if text.len() < 5 {
        return Err(bad("too short".to_owned()));
    }
    let (prefix, rest) = text.split_at(2);
    let (digits, body) = rest.split_at(2);
    if !prefix_ok(prefix) {
        return Err(bad(prefix_rule.to_owned()));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "{prefix} must be followed by two check digits"
        )));
    }
    if body.len() > max_body {
        return Err(bad(format!(
            "{} characters after the check digits, more than the {max_body} allowed",
            body.len()
        )));
    }
    if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad("only letters A-Z and digits are allowed".to_owned()));
    }
    // Two digits always parse; the fallback only keeps this free of unwrap.
    let given: u32 = digits.parse().unwrap_or(0);
    // Check digits 00, 01 and 99 also pass the modulo test, but no correct implementation makes
    // them: refusing them keeps one spelling per reference.
    if !(2..=98).contains(&given) || given != check_digits(prefix, body) {
        return Err(bad(
            "the check digits do not match: a character is mistyped or missing".to_owned(),
        ));
    }
    Ok((prefix, given, body))
}

/// The ISO 11649 structured creditor reference for Guild's sequence number `n`, in its
/// electronic form (no spaces): `RF`, two check digits, then the payload `G` followed by `n`
/// in base 36 (`RF…G1A`). The payload is at most 14 characters, within the 21 allowed.
pub fn creditor_reference(n: u64) -> String {
    let mut digits = Vec::new();
    let mut rest = n;
    loop {
        // `rest % 36` is below 36, so the index is in range.
        digits.push(char::from(BASE36[(rest % 36) as usize]));
        rest /= 36;
        if rest == 0 {
            break;
        }
    }
    let payload: String = std::iter::once(GUILD_PREFIX)
        .chain(digits.into_iter().rev())
        .collect();
    format!("RF{:02}{payload}", check_digits("RF", &payload))
}

/// Checks an ISO 11649 creditor reference as a person or a bank wrote it: whitespace is
/// removed and letters uppercased, then it must be `RF`, two check digits that verify, and 1 to
/// 21 letters and digits. Returns the normalised reference (`"rf18 5390 0754 7034"` →
/// `"RF18539007547034"`).
pub fn check_reference(text: &str) -> Result<String, MarketError> {
    let normalised = normalise(text);
    split_checked(
        &normalised,
        text,
        "creditor reference",
        |p| p == "RF",
        "a creditor reference starts with RF",
        MAX_REFERENCE_PAYLOAD,
    )?;
    Ok(normalised)
}

/// The sequence number of a reference made by [`creditor_reference`], or `None` for any
/// other text: invalid references, other creditors' references, and spellings Guild never
/// makes (leading zeros), so that each number has exactly one reference. Whitespace and case
/// are ignored, as in [`check_reference`].
pub fn reference_number(reference: &str) -> Option<u64> {
    let normalised = check_reference(reference).ok()?;
    let digits = normalised.get(4..)?.strip_prefix(GUILD_PREFIX)?;
    let n = u64::from_str_radix(digits, 36).ok()?;
    // `from_str_radix` accepts a sign and leading zeros: only the canonical spelling counts.
    (creditor_reference(n) == normalised).then_some(n)
}

/// Checks an IBAN (ISO 13616) as a person wrote it: whitespace is removed and letters
/// uppercased, then it must be a two-letter country code, two check digits, and 1 to 30
/// letters and digits, the whole verifying modulo 97. Returns the normalised IBAN
/// (`"GB82 WEST 1234 5698 7654 32"` → `"GB82WEST12345698765432"`). Each country's own length
/// and format are not checked: the bank refuses those.
pub fn check_iban(text: &str) -> Result<String, MarketError> {
    let normalised = normalise(text);
    split_checked(
        &normalised,
        text,
        "IBAN",
        |p| p.bytes().all(|b| b.is_ascii_uppercase()),
        "an IBAN starts with a two-letter country code",
        MAX_BBAN,
    )?;
    Ok(normalised)
}

// ---------------------------------------------------------------------------------------------
// Statements.

/// One transaction of a bank statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// Where it is in the file: the line it starts on, counting the header as line 1.
    pub line: usize,
    /// The bank's id of the transaction, unique within the file (1 to 100 characters).
    pub bank_id: String,
    /// The booking date, `YYYY-MM-DD`.
    pub date: String,
    /// Minor units: positive for money received, negative for money sent or returned; never 0.
    pub amount_minor: i64,
    /// The currency.
    pub currency: Currency,
    /// The creditor reference quoted, normalised by [`check_reference`]; `None` when none was
    /// given or it was not a valid reference (its text is then at the start of `note`).
    pub reference: Option<String>,
    /// Who paid or was paid, when the bank says.
    pub counterparty: Option<String>,
    /// The bank's free text, when any.
    pub note: Option<String>,
}

/// A payment instruction as a statement line is matched to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The reference quoted.
    pub reference: String,
    /// The user account.
    pub account: AccountId,
    /// A deposit to make or a payout sent.
    pub direction: PaymentDirection,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Its currency's code.
    pub currency: String,
    /// Its amount, if fixed (a payout's always is).
    pub amount_minor: Option<i64>,
    /// For a payout: the ledger account the money came from.
    pub source: Option<AccountKind>,
}

/// Why a statement line matched no instruction: kept for a person to look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unmatched {
    /// The line quotes no reference.
    #[error("no reference")]
    NoReference,
    /// No instruction has the reference quoted.
    #[error("no payment instruction has reference {0}")]
    UnknownReference(String),
    /// The line's currency is not the instruction's.
    #[error("reference {reference} is for {instruction}, the line is in {line}")]
    Currency {
        /// The reference.
        reference: String,
        /// The instruction's currency.
        instruction: String,
        /// The line's.
        line: Currency,
    },
    /// A payout's amount is not the line's.
    #[error("payout {reference} is {payout} {currency}, the line is {line}")]
    Amount {
        /// The reference.
        reference: String,
        /// The payout's amount, decimal text.
        payout: String,
        /// Its currency.
        currency: String,
        /// The line's amount, decimal text.
        line: String,
    },
    /// The line does not fit what the instruction is or where it stands.
    #[error(
        "reference {reference} ({direction} payout/deposit, {status}) does not fit a line of {line}"
    )]
    DoesNotFit {
        /// The reference.
        reference: String,
        /// The instruction's direction.
        direction: PaymentDirection,
        /// Its state.
        status: PaymentStatus,
        /// The line's amount, decimal text.
        line: String,
    },
}

/// What a statement line does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// A client's deposit arrived: into their funds.
    Deposit,
    /// A payout left the bank: it is settled.
    PayoutSettled,
    /// A payout came back: to where it came from.
    PayoutReturned,
    /// Nothing: kept for a person to look at, with why.
    Unmatched(Unmatched),
}

impl LineOutcome {
    /// The outcome's name as the bank lines keep it (`unmatched` for any mismatch).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::PayoutSettled => "payout_settled",
            Self::PayoutReturned => "payout_returned",
            Self::Unmatched(_) => "unmatched",
        }
    }
}

/// What reading a statement line changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDecision {
    /// What the line is.
    pub outcome: LineOutcome,
    /// The ledger transfer it makes, if any.
    pub transfer: Option<Transfer>,
    /// The instruction's new state, when it changes (a deposit's stays open: more may come).
    pub status: Option<PaymentStatus>,
}

/// What statement line `line` does, given the instruction its reference names (`None`: no
/// reference, or no instruction has it): a deposit credits the client's funds; a payout's
/// line of its exact amount settles it; a payout coming back returns the money to where it
/// came from; anything else is left for a person, with why.
pub fn read_line(
    line: &StatementLine,
    instruction: Option<&Instruction>,
) -> Result<LineDecision, MarketError> {
    let cur = line.currency;
    let unmatched = |why| LineDecision {
        outcome: LineOutcome::Unmatched(why),
        transfer: None,
        status: None,
    };
    let Some(p) = instruction else {
        return Ok(unmatched(match &line.reference {
            Some(r) => Unmatched::UnknownReference(r.clone()),
            None => Unmatched::NoReference,
        }));
    };
    if p.currency != cur.code() {
        return Ok(unmatched(Unmatched::Currency {
            reference: p.reference.clone(),
            instruction: p.currency.clone(),
            line: cur,
        }));
    }
    let decided = |outcome, transfer, status| LineDecision {
        outcome,
        transfer: Some(transfer),
        status,
    };
    let out = p.direction == PaymentDirection::Out;
    if !out && line.amount_minor > 0 {
        let t = Transfer::between(
            TransferKind::Deposit,
            Account::world(cur),
            Account::of(AccountKind::ClientFunds, p.account, cur)?,
            line.amount_minor,
            &format!("bank transfer {} ({})", line.bank_id, p.reference),
        )?;
        return Ok(decided(LineOutcome::Deposit, t, None));
    }
    if out && p.status.awaits_bank() && line.amount_minor < 0 {
        if Some(-line.amount_minor) != p.amount_minor {
            return Ok(unmatched(Unmatched::Amount {
                reference: p.reference.clone(),
                payout: p.amount_minor.map(|a| decimal(a, cur)).unwrap_or_default(),
                currency: p.currency.clone(),
                line: decimal(line.amount_minor, cur),
            }));
        }
        let t = Transfer::between(
            TransferKind::PayoutSettled,
            Account::of(AccountKind::PayoutsPending, p.account, cur)?,
            Account::world(cur),
            -line.amount_minor,
            &format!("payout {} sent ({})", p.reference, line.bank_id),
        )?;
        return Ok(decided(
            LineOutcome::PayoutSettled,
            t,
            Some(PaymentStatus::Settled),
        ));
    }
    if out
        && p.status.returnable()
        && line.amount_minor > 0
        && Some(line.amount_minor) == p.amount_minor
    {
        // The bank sent it back: to where it came from, in the payout's currency (a
        // converted payout comes back as the converted amount; the operator converts it back
        // by hand if the worker asks).
        let source = p.source.unwrap_or(AccountKind::WorkerBalance);
        let from = if p.status.awaits_bank() {
            Account::of(AccountKind::PayoutsPending, p.account, cur)?
        } else {
            Account::world(cur)
        };
        let t = Transfer::between(
            TransferKind::PayoutReturned,
            from,
            Account::of(source, p.account, cur)?,
            line.amount_minor,
            &format!("payout {} returned ({})", p.reference, line.bank_id),
        )?;
        return Ok(decided(
            LineOutcome::PayoutReturned,
            t,
            Some(PaymentStatus::Returned),
        ));
    }
    Ok(unmatched(Unmatched::DoesNotFit {
        reference: p.reference.clone(),
        direction: p.direction,
        status: p.status,
        line: decimal(line.amount_minor, cur),
    }))
}

/// The transfer that sets `amount` aside from `source` for a payout to `beneficiary` into
/// `pending`: in the same currency, or converted at `rate` (then it passes through the world
/// accounts of both currencies, and `paid` is what arrives).
pub fn payout_transfer(
    source: Account,
    pending: Account,
    amount: Amount,
    conversion: Option<(&Rate, Amount)>,
    beneficiary: &str,
) -> Result<Transfer, MarketError> {
    match conversion {
        None => Transfer::between(
            TransferKind::Payout,
            source,
            pending,
            amount.minor,
            &format!("payout to {beneficiary}"),
        ),
        Some((rate, paid)) => Transfer::new(
            TransferKind::Payout,
            vec![
                Posting {
                    account: source,
                    amount: -amount.minor,
                },
                Posting {
                    account: Account::world(amount.currency),
                    amount: amount.minor,
                },
                Posting {
                    account: Account::world(paid.currency),
                    amount: -paid.minor,
                },
                Posting {
                    account: pending,
                    amount: paid.minor,
                },
            ],
            &format!("payout to {beneficiary}: {}", rate.describe(amount, paid)),
        ),
    }
}

/// The statement's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    BankId,
    Date,
    Amount,
    Currency,
    Reference,
    Counterparty,
    Note,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::BankId,
        Column::Date,
        Column::Amount,
        Column::Currency,
        Column::Reference,
        Column::Counterparty,
        Column::Note,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::BankId => "bank_id",
            Column::Date => "date",
            Column::Amount => "amount",
            Column::Currency => "currency",
            Column::Reference => "reference",
            Column::Counterparty => "counterparty",
            Column::Note => "note",
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::BankId | Column::Date | Column::Amount | Column::Currency
        )
    }
}

/// What the header must be, for error messages.
const HEADER_RULE: &str = "the header names the columns bank_id, date, amount and currency, \
                           and optionally reference, counterparty and note";

/// An error at `line` of a statement, in `field` (a column name, or `header`).
fn statement_error(line: usize, field: &str, why: impl std::fmt::Display) -> MarketError {
    MarketError::Invalid(format!("statement line {line}, {field}: {why}"))
}

/// A CSV reading error (a row with the wrong number of fields, a stray quote), at its line.
fn csv_error(error: &csv::Error, fallback_line: usize) -> MarketError {
    let line = error.position().map_or(fallback_line, |p| {
        usize::try_from(p.line()).unwrap_or(fallback_line)
    });
    let why = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{len} fields where the header has {expected_len} (a missing or extra comma, or an \
             unquoted comma inside a field)"
        ),
        _ => error.to_string(),
    };
    MarketError::Invalid(format!("statement line {line}: {why}"))
}

/// Reads the header into the column of each field, refusing unknown, repeated and missing
/// columns.
fn statement_columns(headers: &csv::StringRecord) -> Result<Vec<Column>, MarketError> {
    let bad = |why: String| statement_error(1, "header", why);
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(bad(format!("the statement is empty: {HEADER_RULE}")));
    }
    let mut columns = Vec::with_capacity(headers.len());
    for (i, raw) in headers.iter().enumerate() {
        // The csv crate keeps a UTF-8 byte-order mark, which spreadsheet programs write.
        let name = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        }
        .trim();
        if name.is_empty() {
            return Err(bad(format!("column {} has no name: {HEADER_RULE}", i + 1)));
        }
        let column = Column::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| bad(format!("unknown column {name:?}: {HEADER_RULE}")))?;
        if columns.contains(&column) {
            return Err(bad(format!("column {:?} appears twice", column.name())));
        }
        columns.push(column);
    }
    if let Some(missing) = Column::ALL
        .into_iter()
        .find(|c| c.required() && !columns.contains(c))
    {
        return Err(bad(format!(
            "missing column {:?}: {HEADER_RULE}",
            missing.name()
        )));
    }
    Ok(columns)
}

/// Checks a `YYYY-MM-DD` date: the shape, a month 01–12 and a day that exists in that month
/// (29 February only in leap years).
fn check_date(text: &str) -> Result<(), String> {
    let bad = || format!("{text:?} is not a date written YYYY-MM-DD, such as 2025-03-31");
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> u32 {
        b[range].iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("{text:?}: there is no month {month:02}")),
    };
    if !(1..=days).contains(&day) {
        return Err(format!(
            "{text:?}: day {day:02} is not in {year:04}-{month:02}"
        ));
    }
    Ok(())
}

/// Reads a signed amount in major units: an optional `-` directly before a number that
/// [`Amount::parse`] accepts for `currency` (so exactly the currency's decimals at most, never
/// zero). Returns minor units.
fn signed_minor(text: &str, currency: Currency) -> Result<i64, MarketError> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if negative && rest.starts_with(char::is_whitespace) {
        return Err(MarketError::Invalid(format!(
            "amount {text:?}: no space may follow the minus sign"
        )));
    }
    let amount = Amount::parse(rest, currency)?;
    // Amounts are at most MAX_MINOR, so negating cannot overflow.
    Ok(if negative {
        -amount.minor
    } else {
        amount.minor
    })
}

/// Reads a bank statement (see the module documentation for its columns). The whole file is
/// refused at its first malformed line, with an error naming the line (the header is line 1)
/// and the field; the one exception is the `reference`: payers type whatever they like there,
/// so text that is not a valid creditor reference only makes the line's `reference` `None`,
/// and is kept at the start of its `note` for the operator to match by hand.
pub fn parse_statement(csv_text: &str) -> Result<Vec<StatementLine>, MarketError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let columns = statement_columns(reader.headers().map_err(|e| csv_error(&e, 1))?)?;
    let mut out: Vec<StatementLine> = Vec::new();
    // Where each bank id was first seen, to name both lines of a duplicate.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| csv_error(&e, out.last().map_or(2, |l| l.line + 1)))?;
        if !more {
            break;
        }
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(out.len() + 2);
        if out.len() == MAX_STATEMENT_LINES {
            return Err(MarketError::Invalid(format!(
                "statement line {line}: a statement holds at most {MAX_STATEMENT_LINES} \
                 transactions; split the file"
            )));
        }
        let field = |c: Column| -> &str {
            columns
                .iter()
                .position(|&k| k == c)
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        let optional = |c: Column| Some(field(c).to_owned()).filter(|t| !t.is_empty());

        let bank_id = field(Column::BankId);
        if bank_id.is_empty() {
            return Err(statement_error(
                line,
                "bank_id",
                "empty: every line needs the bank's id",
            ));
        }
        if bank_id.chars().count() > MAX_BANK_ID_CHARS {
            return Err(statement_error(
                line,
                "bank_id",
                format!("longer than {MAX_BANK_ID_CHARS} characters"),
            ));
        }
        if let Some(first) = seen.get(bank_id) {
            return Err(statement_error(
                line,
                "bank_id",
                format!(
                    "{bank_id:?} already appears on line {first}: each transaction appears once in a statement"
                ),
            ));
        }
        let date = field(Column::Date);
        check_date(date).map_err(|why| statement_error(line, "date", why))?;
        let currency = Currency::parse(field(Column::Currency))
            .map_err(|e| statement_error(line, "currency", e))?;
        let amount_minor = signed_minor(field(Column::Amount), currency)
            .map_err(|e| statement_error(line, "amount", e))?;

        let mut note = optional(Column::Note);
        let reference = match optional(Column::Reference) {
            None => None,
            Some(raw) => match check_reference(&raw) {
                Ok(reference) => Some(reference),
                Err(_) => {
                    note = Some(match note {
                        Some(n) => format!("{raw} / {n}"),
                        None => raw,
                    });
                    None
                }
            },
        };
        seen.insert(bank_id.to_owned(), line);
        out.push(StatementLine {
            line,
            bank_id: bank_id.to_owned(),
            date: date.to_owned(),
            amount_minor,
            currency,
            reference,
            counterparty: optional(Column::Counterparty),
            note,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Payout files.

/// One payment for the operator's bank to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayoutInstruction {
    /// The payout's id in the store (positive).
    pub payout_id: PaymentId,
    /// The creditor reference the payment carries, so that the bank's confirmation or return
    /// can be matched: it must pass [`check_reference`] (statements keep no other kind).
    pub reference: String,
    /// How much.
    pub amount: Amount,
    /// Who is paid: 1 to 140 characters.
    pub beneficiary: String,
    /// Their IBAN, when paid by IBAN; checked by [`check_iban`].
    pub iban: Option<String>,
    /// What the beneficiary reads with the payment: at most 140 characters, may be empty.
    pub note: String,
}

/// The header of a payout file.
const PAYOUT_HEADER: [&str; 7] = [
    "payout_id",
    "reference",
    "amount",
    "currency",
    "beneficiary",
    "iban",
    "note",
];

/// Checks a beneficiary name or note (already trimmed) for a payout file.
fn payout_text(
    text: &str,
    payout_id: PaymentId,
    field: &str,
    required: bool,
) -> Result<(), MarketError> {
    let bad = |why: &str| MarketError::Invalid(format!("payout {payout_id}, {field}: {why}"));
    if required && text.is_empty() {
        return Err(bad("empty"));
    }
    if text.chars().count() > MAX_PAYOUT_TEXT_CHARS {
        return Err(bad(&format!(
            "longer than the {MAX_PAYOUT_TEXT_CHARS} characters a bank transfer carries"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("contains a line break or another control character"));
    }
    // The operator may open the file in a spreadsheet, which would run text starting like this
    // as a formula; the text comes from users, so it is refused rather than trusted.
    if text.starts_with(['=', '+', '-', '@']) {
        return Err(bad(
            "starts with =, +, - or @, which a spreadsheet would run as a formula",
        ));
    }
    Ok(())
}

/// Writes payment instructions as CSV for the operator's bank: the header
/// `payout_id,reference,amount,currency,beneficiary,iban,note`, then one line per payout with
/// the amount in major units (`12.50`), the reference and IBAN normalised, and an empty `iban`
/// when there is none; lines end with CRLF, as RFC 4180 asks. Every instruction is checked
/// first, and the file refused, naming the payout, if any is invalid or if a payout id or
/// reference appears twice (a payment made twice is not undone by a later file). No
/// instructions give a file with only the header.
pub fn payout_file(instructions: &[PayoutInstruction]) -> Result<String, MarketError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write_error = |e: csv::Error| MarketError::Invalid(format!("writing the payout file: {e}"));
    writer.write_record(PAYOUT_HEADER).map_err(write_error)?;
    let mut ids = HashSet::new();
    let mut references = HashSet::new();
    for p in instructions {
        let id = p.payout_id;
        let bad =
            |field: &str, why: String| MarketError::Invalid(format!("payout {id}, {field}: {why}"));
        if id.get() <= 0 {
            return Err(bad("payout_id", "must be positive".to_owned()));
        }
        if !ids.insert(id) {
            return Err(bad("payout_id", "appears twice in one file".to_owned()));
        }
        let reference =
            check_reference(&p.reference).map_err(|e| bad("reference", e.to_string()))?;
        if !references.insert(reference.clone()) {
            return Err(bad(
                "reference",
                format!("{reference} is already used by another payout in this file"),
            ));
        }
        // The fields are public, so the amount may not have been made by `Amount::new`.
        let amount = Amount::new(p.amount.minor, p.amount.currency)
            .map_err(|e| bad("amount", e.to_string()))?;
        // Outer spaces are a typing slip, not part of a name.
        let (beneficiary, note) = (p.beneficiary.trim(), p.note.trim());
        payout_text(beneficiary, id, "beneficiary", true)?;
        payout_text(note, id, "note", false)?;
        let iban = match &p.iban {
            Some(iban) => check_iban(iban).map_err(|e| bad("iban", e.to_string()))?,
            None => String::new(),
        };
        writer
            .write_record([
                id.to_string().as_str(),
                reference.as_str(),
                amount.to_decimal().as_str(),
                amount.currency.code(),
                beneficiary,
                iban.as_str(),
                note,
            ])
            .map_err(write_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| MarketError::Invalid(format!("writing the payout file: {}", e.error())))?;
    // Every field written was a `str`, so the bytes are UTF-8; no panic either way.
    String::from_utf8(bytes)
        .map_err(|e| MarketError::Invalid(format!("writing the payout file: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_states_and_directions_keep_their_names() {
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<PaymentStatus>(&json).unwrap(), s);
        }
        let names: Vec<_> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["open", "settled", "returned"],
            "the names the database holds"
        );
        assert!(PaymentStatus::parse("paid").is_err());
        assert!(PaymentStatus::Open.awaits_bank());
        assert!(!PaymentStatus::Settled.awaits_bank() && !PaymentStatus::Returned.awaits_bank());
        assert!(PaymentStatus::Open.returnable() && PaymentStatus::Settled.returnable());
        assert!(!PaymentStatus::Returned.returnable());

        for d in PaymentDirection::ALL {
            assert_eq!(PaymentDirection::parse(d.as_str()).unwrap(), d);
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{d}\""));
            assert_eq!(serde_json::from_str::<PaymentDirection>(&json).unwrap(), d);
        }
        assert_eq!(PaymentDirection::In.as_str(), "in");
        assert_eq!(PaymentDirection::Out.as_str(), "out");
        assert!(PaymentDirection::parse("OUT").is_err());
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    /// The error text of a statement that must be refused.
    fn refused(csv_text: &str) -> String {
        parse_statement(csv_text).unwrap_err().to_string()
    }

    #[test]
    fn published_creditor_references() {
        // ISO 11649's own example, printed and electronic, and with leading zeros to 21
        // payload characters.
        assert_eq!(
            check_reference("RF18 5390 0754 7034").unwrap(),
            "RF18539007547034"
        );
        assert_eq!(
            check_reference("RF18539007547034").unwrap(),
            "RF18539007547034"
        );
        assert_eq!(
            check_reference("RF18000000000539007547034").unwrap(),
            "RF18000000000539007547034"
        );
        assert_eq!(
            check_reference(" rf18 5390\u{a0}0754 7034 ").unwrap(),
            "RF18539007547034"
        );
        let e = check_reference("RF19 5390 0754 7034")
            .unwrap_err()
            .to_string();
        assert!(e.contains("check digits do not match"), "{e}");
        assert!(e.contains("RF19 5390 0754 7034"), "{e}");
        for bad in [
            "",
            "RF18",
            "RF1",
            "XX18539007547034",
            "RFAB539007547034",
            "RF18-5390-0754-7034",
            "RF180000000000539007547034", // 22 payload characters
            "RF18 5390 0754 703€",
        ] {
            assert!(check_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn check_digits_00_01_and_99_are_refused() {
        // RF02… and RF99… verify modulo 97 alike; only 02 is made.
        let r = (0..)
            .map(creditor_reference)
            .find(|r| r.starts_with("RF02"))
            .unwrap();
        assert!(check_reference(&r).is_ok());
        let alias = format!("RF99{}", &r[4..]);
        assert_eq!(mod97(&format!("{}RF99", &r[4..])), 1);
        assert!(check_reference(&alias).is_err());
    }

    #[test]
    fn guild_references_look_as_documented() {
        assert!(creditor_reference(0).ends_with("G0"));
        assert!(creditor_reference(35).ends_with("GZ"));
        assert!(creditor_reference(36).ends_with("G10"));
        let max = creditor_reference(u64::MAX);
        assert!(max.ends_with("G3W5E11264SGSF"), "{max}");
        assert_eq!(reference_number(&max), Some(u64::MAX));
        // Not Guild's: another creditor's reference, a leading zero, a bad check.
        assert_eq!(reference_number("RF18 5390 0754 7034"), None);
        let one = creditor_reference(1);
        let padded = format!("RF{:02}G01", check_digits("RF", "G01"));
        assert!(check_reference(&padded).is_ok());
        assert_eq!(reference_number(&padded), None);
        assert_eq!(reference_number(&one.to_lowercase()), Some(1));
    }

    proptest::proptest! {
        #[test]
        fn references_round_trip(n: u64) {
            let r = creditor_reference(n);
            proptest::prop_assert!(r.len() <= 4 + MAX_REFERENCE_PAYLOAD);
            proptest::prop_assert_eq!(check_reference(&r).unwrap(), r.clone());
            proptest::prop_assert_eq!(reference_number(&r), Some(n));
            // Printed in groups of four, as on an invoice.
            let printed: Vec<String> =
                r.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            proptest::prop_assert_eq!(reference_number(&printed.join(" ")), Some(n));
        }

        #[test]
        fn a_mistyped_digit_is_caught(n: u64, at in 0usize..32, by in 1u8..10) {
            let r = creditor_reference(n);
            let bytes = r.as_bytes();
            let digits: Vec<usize> =
                (2..bytes.len()).filter(|&i| bytes[i].is_ascii_digit()).collect();
            let i = digits[at % digits.len()];
            let mut typo = bytes.to_vec();
            typo[i] = b'0' + (typo[i] - b'0' + by) % 10;
            let typo = String::from_utf8(typo).unwrap();
            proptest::prop_assert!(check_reference(&typo).is_err(), "{} accepted", typo);
        }
    }

    #[test]
    fn ibans() {
        assert_eq!(
            check_iban("GB82 WEST 1234 5698 7654 32").unwrap(),
            "GB82WEST12345698765432"
        );
        assert_eq!(
            check_iban("de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert!(check_iban("FR14 2004 1010 0505 0001 3M02 606").is_ok());
        let e = check_iban("GB82 WEST 1234 5698 7654 33")
            .unwrap_err()
            .to_string();
        assert!(e.contains("IBAN") && e.contains("check digits"), "{e}");
        for bad in [
            "GB83 WEST 1234 5698 7654 32",
            "",
            "GB82",
            "1282WEST12345698765432",
            "GBXXWEST12345698765432",
            "GB82WEST1234569876543200000000000000", // 32 characters after the check digits
            "GB82-WEST-1234-5698-7654-32",
        ] {
            assert!(check_iban(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_statement_is_read() {
        let r = creditor_reference(42);
        let text = format!(
            "\u{feff}Date,Amount,Currency,Bank_ID,Reference,Counterparty,Note\n\
             2025-03-31,12.50,EUR,TX-1,{r},Ada Lovelace,invoice 7\n\
             2024-02-29,-3,EUR,TX-2,,,\n\
             2025-01-02,1500,JPY,TX-3,not a reference,,\n\
             2025-01-03,0.001,KWD,TX-4,\"RF18 5390 0754 7034\",,\"multi\nline\"\n\
             2025-01-04,7.00,EUR,TX-5,RF19 5390 0754 7034,,typed by hand\n"
        );
        let lines = parse_statement(&text).unwrap();
        assert_eq!(lines.len(), 5);
        assert_eq!(
            lines[0],
            StatementLine {
                line: 2,
                bank_id: "TX-1".into(),
                date: "2025-03-31".into(),
                amount_minor: 1250,
                currency: eur(),
                reference: Some(r.clone()),
                counterparty: Some("Ada Lovelace".into()),
                note: Some("invoice 7".into()),
            }
        );
        assert_eq!(
            reference_number(lines[0].reference.as_deref().unwrap()),
            Some(42)
        );
        assert_eq!(
            (lines[1].amount_minor, lines[1].reference.as_deref()),
            (-300, None)
        );
        assert_eq!(
            (lines[1].counterparty.as_deref(), lines[1].note.as_deref()),
            (None, None)
        );
        // An invalid reference is no error: the line has none, and the text is in the note.
        assert_eq!(lines[2].amount_minor, 1500);
        assert_eq!(lines[2].reference, None);
        assert_eq!(lines[2].note.as_deref(), Some("not a reference"));
        assert_eq!(lines[3].amount_minor, 1);
        assert_eq!(lines[3].reference.as_deref(), Some("RF18539007547034"));
        // Line numbers are the file's: the quoted note above spans two lines.
        assert_eq!(lines[4].line, 7);
        assert_eq!(lines[4].reference, None);
        assert_eq!(
            lines[4].note.as_deref(),
            Some("RF19 5390 0754 7034 / typed by hand")
        );
    }

    #[test]
    fn only_the_required_columns_are_needed() {
        let lines =
            parse_statement("bank_id,date,amount,currency\r\nA,2025-12-31,1.00,USD\r\n").unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (lines[0].reference.as_ref(), lines[0].note.as_ref()),
            (None, None)
        );
        assert!(
            parse_statement("bank_id,date,amount,currency\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let e = refused("bank_id,date,currency\nA,2025-01-01,EUR\n");
        assert!(
            e.contains("line 1") && e.contains("header") && e.contains("\"amount\""),
            "{e}"
        );
        let e = refused("bank_id,date,amount,currency,balance\nA,2025-01-01,1,EUR,5\n");
        assert!(
            e.contains("line 1") && e.contains("unknown column \"balance\""),
            "{e}"
        );
        let e = refused("bank_id,date,amount,currency,Date\n");
        assert!(e.contains("line 1") && e.contains("twice"), "{e}");
        let e = refused("bank_id,date,amount,currency,\n");
        assert!(
            e.contains("line 1") && e.contains("column 5 has no name"),
            "{e}"
        );
        let e = refused("");
        assert!(e.contains("line 1") && e.contains("empty"), "{e}");
    }

    #[test]
    fn malformed_lines_are_refused_naming_line_and_field() {
        let head = "bank_id,date,amount,currency\nOK,2025-01-01,1.00,EUR\n";
        let cases = [
            ("A,2025-01-01,0.001,EUR", "amount", "more decimals"),
            ("A,2025-01-01,1.5,JPY", "amount", "more decimals"),
            ("A,2025-01-01,1.00,EURO", "currency", "unknown currency"),
            ("A,2025-01-01,1.00,eur", "currency", "unknown currency"),
            ("A,2025-01-01,1.00,XAU", "currency", "no minor unit"),
            ("A,2025-01-01,0.00,EUR", "amount", "positive"),
            ("A,2025-01-01,+1.00,EUR", "amount", "plain positive number"),
            ("A,2025-01-01,--1.00,EUR", "amount", "plain positive number"),
            ("A,2025-01-01,- 1.00,EUR", "amount", "minus sign"),
            (
                "A,2025-01-01,\"1,000.00\",EUR",
                "amount",
                "plain positive number",
            ),
            ("A,2025-01-01,,EUR", "amount", "plain positive number"),
            ("A,31.01.2025,1.00,EUR", "date", "YYYY-MM-DD"),
            ("A,2025-1-01,1.00,EUR", "date", "YYYY-MM-DD"),
            ("A,2025-13-01,1.00,EUR", "date", "no month 13"),
            ("A,2025-02-29,1.00,EUR", "date", "day 29"),
            ("A,2025-04-31,1.00,EUR", "date", "day 31"),
            ("A,2025-04-00,1.00,EUR", "date", "day 00"),
            ("A,,1.00,EUR", "date", "YYYY-MM-DD"),
            (",2025-01-01,1.00,EUR", "bank_id", "empty"),
            (
                "OK,2025-01-02,1.00,EUR",
                "bank_id",
                "already appears on line 2",
            ),
        ];
        for (row, field, why) in cases {
            let e = refused(&format!("{head}{row}\n"));
            assert!(
                e.starts_with(&format!("statement line 3, {field}: ")) && e.contains(why),
                "{row}: {e}"
            );
        }
        let long = "x".repeat(MAX_BANK_ID_CHARS + 1);
        let e = refused(&format!("{head}{long},2025-01-01,1.00,EUR\n"));
        assert!(e.starts_with("statement line 3, bank_id: "), "{e}");
        assert!(parse_statement(&format!("{head}{},2000-02-29,1.00,EUR\n", &long[1..])).is_ok());
        let e = refused(&format!("{head}A,2025-01-01,1.00\n"));
        assert!(
            e.contains("statement line 3") && e.contains("3 fields"),
            "{e}"
        );
    }

    #[test]
    fn statements_are_capped() {
        let mut text = String::from("bank_id,date,amount,currency\n");
        for i in 0..=MAX_STATEMENT_LINES {
            text.push_str(&format!("{i},2025-01-01,1,EUR\n"));
        }
        let e = refused(&text);
        assert!(
            e.contains(&format!("line {}", MAX_STATEMENT_LINES + 2)),
            "{e}"
        );
        assert!(e.contains("at most"), "{e}");
    }

    fn instruction(id: i64) -> PayoutInstruction {
        PayoutInstruction {
            payout_id: PaymentId(id),
            reference: creditor_reference(id.unsigned_abs()),
            amount: Amount::parse("1234.5", eur()).unwrap(),
            beneficiary: "Grace Hopper".into(),
            iban: Some("gb82 west 1234 5698 7654 32".into()),
            note: "Guild payout, contract 9".into(),
        }
    }

    #[test]
    fn payout_files_are_written() {
        let mut second = instruction(8);
        second.iban = None;
        second.beneficiary = "Hopper, Grace \"Amazing\"".into();
        second.amount = Amount::parse("1500", Currency::parse("JPY").unwrap()).unwrap();
        second.note = String::new();
        let file = payout_file(&[instruction(7), second]).unwrap();
        let mut lines = file.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("payout_id,reference,amount,currency,beneficiary,iban,note")
        );
        assert_eq!(
            lines.next().unwrap(),
            format!(
                "7,{},1234.50,EUR,Grace Hopper,GB82WEST12345698765432,\"Guild payout, contract 9\"",
                creditor_reference(7)
            )
        );
        // Read back as CSV: quoting keeps commas and quotes inside names.
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[1][2], "1500");
        assert_eq!(&rows[1][3], "JPY");
        assert_eq!(&rows[1][4], "Hopper, Grace \"Amazing\"");
        assert_eq!(&rows[1][5], "");
        assert_eq!(reference_number(&rows[1][1]), Some(8));
        assert_eq!(
            payout_file(&[]).unwrap(),
            "payout_id,reference,amount,currency,beneficiary,iban,note\r\n"
        );
    }

    #[test]
    fn invalid_payouts_are_refused_naming_them() {
        type Spoil = fn(&mut PayoutInstruction);
        let cases: Vec<(Spoil, &str)> = vec![
            (
                |p: &mut PayoutInstruction| p.payout_id = PaymentId(0),
                "payout 0, payout_id",
            ),
            (
                |p: &mut PayoutInstruction| p.reference = "INV-7".into(),
                "payout 7, reference",
            ),
            (
                |p: &mut PayoutInstruction| p.reference = "RF19 5390 0754 7034".into(),
                "payout 7, reference",
            ),
            (
                |p: &mut PayoutInstruction| p.amount.minor = 0,
                "payout 7, amount",
            ),
            (
                |p: &mut PayoutInstruction| p.beneficiary = " ".into(),
                "payout 7, beneficiary",
            ),
            (
                |p: &mut PayoutInstruction| p.beneficiary = "=HYPERLINK(1)".into(),
                "payout 7, beneficiary",
            ),
            (
                |p: &mut PayoutInstruction| p.beneficiary = "x".repeat(141),
                "payout 7, beneficiary",
            ),
            (
                |p: &mut PayoutInstruction| p.note = "two\nlines".into(),
                "payout 7, note",
            ),
            (
                |p: &mut PayoutInstruction| p.iban = Some("GB82 WEST 1234 5698 7654 33".into()),
                "payout 7, iban",
            ),
        ];
        for (spoil, want) in cases {
            let mut p = instruction(7);
            spoil(&mut p);
            let e = payout_file(&[p]).unwrap_err().to_string();
            assert!(e.starts_with(want), "{want}: {e}");
        }
        let e = payout_file(&[instruction(7), instruction(7)])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("payout 7, payout_id") && e.contains("twice"),
            "{e}"
        );
        let mut other = instruction(8);
        other.reference = creditor_reference(7).to_lowercase();
        let e = payout_file(&[instruction(7), other])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("payout 8, reference") && e.contains("already used"),
            "{e}"
        );
    }

    #[test]
    fn a_statement_line_settles_credits_returns_or_waits_for_a_person() {
        let eur = Currency::parse("EUR").unwrap();
        let line = |amount_minor: i64, reference: Option<&str>| StatementLine {
            line: 2,
            bank_id: "B1".to_owned(),
            date: "2026-12-07".to_owned(),
            amount_minor,
            currency: eur,
            reference: reference.map(str::to_owned),
            counterparty: None,
            note: None,
        };
        let payout = Instruction {
            reference: "RF18539007547034".to_owned(),
            account: AccountId(4),
            direction: PaymentDirection::Out,
            status: PaymentStatus::Open,
            currency: "EUR".to_owned(),
            amount_minor: Some(5000),
            source: Some(AccountKind::WorkerBalance),
        };
        let r = Some(payout.reference.as_str());
        let settled = read_line(&line(-5000, r), Some(&payout)).unwrap();
        assert_eq!(settled.outcome, LineOutcome::PayoutSettled);
        assert_eq!(settled.status, Some(PaymentStatus::Settled));
        let short = read_line(&line(-4000, r), Some(&payout)).unwrap();
        assert!(matches!(
            short.outcome,
            LineOutcome::Unmatched(Unmatched::Amount { .. })
        ));
        assert!(short.transfer.is_none());
        let back = read_line(&line(5000, r), Some(&payout)).unwrap();
        assert_eq!(back.outcome, LineOutcome::PayoutReturned);
        let deposit = Instruction {
            direction: PaymentDirection::In,
            amount_minor: None,
            ..payout.clone()
        };
        let credited = read_line(&line(12_000, r), Some(&deposit)).unwrap();
        assert_eq!(
            (credited.outcome, credited.status),
            (LineOutcome::Deposit, None)
        );
        let none = read_line(&line(100, None), None).unwrap();
        assert_eq!(none.outcome, LineOutcome::Unmatched(Unmatched::NoReference));
        assert_eq!(none.outcome.as_str(), "unmatched");
    }
}
