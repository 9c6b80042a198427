//! Exchange rates as exact ratios of minor units, and conversion. A conversion leaves one
//! currency for the world and enters another from it (two balanced halves), so it never
//! creates money inside the ledger; the rate used is recorded with the transfer.

use serde::Serialize;

use crate::MarketError;
use crate::money::{Amount, Currency, decimal};

/// A rate: `quote_per_base` units of `quote` per unit of `base`, as decimal text with up to 9
/// decimals, kept as an exact ratio (no floating point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rate {
    /// The currency converted from.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub base: Currency,
    /// The currency converted to.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub quote: Currency,
    /// Units of quote per unit of base, times 10^9.
    pub nanos: i64,
}

/// Decimals a rate may have.
pub const RATE_DECIMALS: u32 = 9;

impl Rate {
    /// Reads a rate like `0.9234` (EUR per USD).
    pub fn parse(base: Currency, quote: Currency, text: &str) -> Result<Self, MarketError> {
        let nanos = crate::money::parse_fixed(text, RATE_DECIMALS)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                MarketError::Invalid(format!(
                    "rate {text:?}: a positive decimal number with at most {RATE_DECIMALS} decimals"
                ))
            })?;
        if base == quote {
            return Err(MarketError::Invalid(format!(
                "a rate converts between two currencies, not {base} to itself"
            )));
        }
        Ok(Rate { base, quote, nanos })
    }

    /// Converts `amount` of the base currency: the quote amount, rounded down to its minor unit
    /// (the platform never pays out more than the rate gives).
    pub fn convert(self, amount: Amount) -> Result<Amount, MarketError> {
        if amount.currency != self.base {
            return Err(MarketError::Invalid(format!(
                "this rate converts {}, not {}",
                self.base, amount.currency
            )));
        }
        // quote_minor = base_minor / 10^e_base * rate * 10^e_quote, in integers.
        let num =
            i128::from(amount.minor) * i128::from(self.nanos) * i128::from(self.quote.scale());
        let den = i128::from(self.base.scale()) * 1_000_000_000;
        let minor = i64::try_from(num / den)
            .map_err(|_| MarketError::Overflow(format!("{amount} at {}", self.text())))?;
        Amount::new(minor, self.quote).map_err(|_| {
            MarketError::Invalid(format!(
                "{amount} converts to less than one minor unit of {}",
                self.quote
            ))
        })
    }

    /// The rate as decimal text.
    pub fn text(self) -> String {
        let s = format!(
            "{}.{:09}",
            self.nanos / 1_000_000_000,
            self.nanos % 1_000_000_000
        );
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }

    /// A sentence for the statement.
    pub fn describe(self, from: Amount, to: Amount) -> String {
        format!(
            "{} {} → {} {} at {} {}/{}",
            from.to_decimal(),
            from.currency,
            decimal(to.minor, to.currency),
            to.currency,
            self.text(),
            self.quote,
            self.base
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_exact_and_rounds_down() {
        let (eur, jpy, usd) = (
            Currency::parse("EUR").unwrap(),
            Currency::parse("JPY").unwrap(),
            Currency::parse("USD").unwrap(),
        );
        let r = Rate::parse(eur, usd, "1.0825").unwrap();
        assert_eq!(
            r.convert(Amount::new(10_000, eur).unwrap()).unwrap().minor,
            10_825
        );
        assert_eq!(r.text(), "1.0825");
        let r = Rate::parse(eur, jpy, "161.5").unwrap();
        // 0.99 EUR = 159.885 JPY → 159 (down).
        assert_eq!(r.convert(Amount::new(99, eur).unwrap()).unwrap().minor, 159);
        assert!(r.convert(Amount::new(99, usd).unwrap()).is_err());
        for bad in ["0", "-1", "1e3", "1.0000000001", "", "x"] {
            assert!(Rate::parse(eur, usd, bad).is_err(), "{bad}");
        }
        assert!(Rate::parse(eur, eur, "1").is_err());
        let tiny = Rate::parse(jpy, eur, "0.006").unwrap();
        assert!(tiny.convert(Amount::new(1, jpy).unwrap()).is_err());
    }
}
