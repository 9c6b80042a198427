//! Money: integer minor units of ISO 4217 currencies. No floating point anywhere: amounts are
//! read from and written as decimal text with exactly the currency's number of decimals.

use serde::{Deserialize, Serialize};

use crate::MarketError;

/// The largest amount accepted in one operation, in minor units: 10^15 (ten trillion dollars
/// in cents). Sums of many such amounts still fit comfortably in 64 bits.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// An ISO 4217 currency that has minor units (so not gold, SDRs or test codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Reads an ISO 4217 alphabetic code (`EUR`, `JPY`); unknown codes and codes without minor
    /// units (`XAU`, `XDR`, `XXX`) are refused.
    pub fn parse(code: &str) -> Result<Self, MarketError> {
        let c = iso_currency::Currency::from_code(code.trim()).ok_or_else(|| {
            MarketError::Invalid(format!(
                "unknown currency {code:?}: expected an ISO 4217 code such as EUR or USD"
            ))
        })?;
        if c.exponent().is_none() {
            return Err(MarketError::Invalid(format!(
                "{code} has no minor unit (precious metals, SDRs and test codes are not money here)"
            )));
        }
        Ok(Currency(c))
    }

    /// The code (`EUR`).
    pub fn code(self) -> &'static str {
        // `iso_currency` gives the code as a String-producing method; the static table is
        // reached through the enum's `code` accessor.
        self.0.code()
    }

    /// Decimals of its minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// Minor units per major unit (100 for EUR).
    pub fn scale(self) -> i64 {
        10i64.pow(self.exponent())
    }

    /// The ISO 4217 number (978 for EUR): two bytes, for indexes that keep millions.
    pub fn numeric(self) -> u16 {
        self.0.numeric()
    }

    /// The currency of an ISO 4217 number that came out of [`Currency::numeric`].
    pub fn from_numeric(numeric: u16) -> Option<Self> {
        iso_currency::Currency::from_numeric(numeric).map(Currency)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Z]{3}$"))
            .description(Some("An ISO 4217 currency code with a minor unit"))
            .examples([serde_json::json!("EUR")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Currency {}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of money: zero or more minor units (cents) of a currency. What a worker asks per
/// hour, what a task may cost, what a course costs. Money that moves in the ledger is an
/// [`Amount`]: the same, but never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawMoney")]
pub struct Money {
    /// Minor units, 0 ..= [`MAX_MINOR`].
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

#[derive(Deserialize)]
struct RawMoney {
    minor: i64,
    currency: Currency,
}

impl TryFrom<RawMoney> for Money {
    type Error = MarketError;
    fn try_from(raw: RawMoney) -> Result<Self, MarketError> {
        Money::new(raw.minor, raw.currency)
    }
}

impl Money {
    /// An amount of zero or more minor units; negative and absurdly large amounts are refused.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, MarketError> {
        if minor < 0 {
            return Err(MarketError::Invalid(format!(
                "an amount cannot be negative ({minor} {currency})"
            )));
        }
        if minor > MAX_MINOR {
            return Err(MarketError::Invalid(format!(
                "{minor} minor units of {currency} is more than the {MAX_MINOR} accepted"
            )));
        }
        Ok(Money { minor, currency })
    }
}

impl From<Amount> for Money {
    fn from(a: Amount) -> Self {
        Money {
            minor: a.minor,
            currency: a.currency,
        }
    }
}

/// A positive amount of one currency, in minor units: money that moves (a deposit, escrow, a
/// payout). A [`Money`] that is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Amount {
    /// Minor units (cents); always 1 ..= [`MAX_MINOR`].
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Amount {
    /// An amount of `minor` units; zero, negative and absurdly large amounts are refused.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, MarketError> {
        if minor <= 0 {
            return Err(MarketError::Invalid(format!(
                "an amount must be positive, not {minor} minor units of {currency}"
            )));
        }
        if minor > MAX_MINOR {
            return Err(MarketError::Invalid(format!(
                "{minor} minor units of {currency} is more than the {MAX_MINOR} accepted in one operation"
            )));
        }
        Ok(Amount { minor, currency })
    }

    /// Reads decimal text in major units (`"12.50"` EUR → 1250 minor units). More decimals than
    /// the currency has (`"0.001"` EUR), signs, exponents and separators are refused.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MarketError> {
        let bad = |why: &str| {
            MarketError::Invalid(format!(
                "amount {text:?} {currency}: {why} (write it like 12.50, with at most {} decimals)",
                currency.exponent()
            ))
        };
        let minor = parse_fixed(text, currency.exponent()).map_err(|e| {
            bad(match e {
                FixedError::NotPlain => "not a plain positive number",
                FixedError::TooManyDecimals => "more decimals than the currency's minor unit",
                FixedError::TooLarge => "too large",
            })
        })?;
        Amount::new(minor, currency)
    }

    /// Writes it in major units with the currency's decimals (`12.50`).
    pub fn to_decimal(self) -> String {
        decimal(self.minor, self.currency)
    }
}

/// Why text is not a plain fixed-point number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FixedError {
    /// Not digits with an optional `.` and digits after it (signs, exponents, separators).
    NotPlain,
    /// More decimals than allowed.
    TooManyDecimals,
    /// Larger than 64 bits hold.
    TooLarge,
}

/// Reads plain decimal text (`"12.5"`) as a whole number of 10^-`decimals` units (1250 for
/// 2 decimals): the one parser of amounts and rates, so neither ever touches floating point.
pub(crate) fn parse_fixed(text: &str, decimals: u32) -> Result<i64, FixedError> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return Err(FixedError::NotPlain);
    }
    let places = decimals as usize;
    if frac.len() > places {
        return Err(FixedError::TooManyDecimals);
    }
    let whole: i64 = whole.parse().map_err(|_| FixedError::TooLarge)?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<places$}")
            .parse()
            .map_err(|_| FixedError::TooLarge)?
    };
    whole
        .checked_mul(10i64.pow(decimals))
        .and_then(|w| w.checked_add(frac))
        .ok_or(FixedError::TooLarge)
}

/// `minor` units of `currency` as decimal text in major units (negative amounts get a `-`).
pub fn decimal(minor: i64, currency: Currency) -> String {
    let exp = currency.exponent() as usize;
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(exp as u32);
    format!("{sign}{}.{:0exp$}", abs / scale, abs % scale)
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.to_decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn currencies_are_iso_4217_with_minor_units() {
        assert_eq!(c("EUR").exponent(), 2);
        assert_eq!(c("JPY").exponent(), 0);
        assert_eq!(c("KWD").exponent(), 3);
        for bad in ["eur", "EURO", "ABC", "XAU", "XXX", ""] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_are_read_and_written_exactly() {
        assert_eq!(Amount::parse("12.5", c("EUR")).unwrap().minor, 1250);
        assert_eq!(
            Amount::parse("12.50", c("EUR")).unwrap().to_decimal(),
            "12.50"
        );
        assert_eq!(Amount::parse("1500", c("JPY")).unwrap().minor, 1500);
        assert_eq!(
            Amount::parse("0.001", c("KWD")).unwrap().to_decimal(),
            "0.001"
        );
        assert_eq!(decimal(-5, c("EUR")), "-0.05");
        for bad in [
            "0.001",
            "-1",
            "1e3",
            "1,000",
            "",
            ".5",
            "5.",
            "0",
            "0.00",
            "abc",
            "99999999999999999999",
        ] {
            assert!(Amount::parse(bad, c("EUR")).is_err(), "{bad}");
        }
        assert!(Amount::parse("1.5", c("JPY")).is_err());
        assert!(Amount::new(MAX_MINOR + 1, c("EUR")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn decimal_text_round_trips(minor in 1i64..MAX_MINOR, code in proptest::sample::select(vec!["EUR", "JPY", "KWD", "USD"])) {
            let cur = c(code);
            let a = Amount::new(minor, cur).unwrap();
            proptest::prop_assert_eq!(Amount::parse(&a.to_decimal(), cur).unwrap(), a);
        }
    }
}
