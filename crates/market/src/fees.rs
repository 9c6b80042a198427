//! The platform fee on released escrow, and what the worker is paid after it: shown before a
//! worker accepts, taken only when money is released.

use serde::Serialize;

use crate::MarketError;
use crate::money::Amount;

/// The platform fee on released money that a new contract is made with: 10 % (basis points).
pub const PLATFORM_FEE_BPS: u32 = 1000;

/// The most a fee may be: 50 % (in basis points).
pub const MAX_FEE_BPS: u32 = 5_000;

/// How a released amount divides between the worker and the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Split {
    /// What the worker receives, in minor units.
    pub worker_minor: i64,
    /// The platform's fee, in minor units.
    pub fee_minor: i64,
}

/// Splits `gross` at a fee of `fee_bps` basis points (1000 = 10 %). The fee is rounded down,
/// so the rounding always favours the worker, and the two parts always add up to `gross`.
pub fn split(gross: Amount, fee_bps: u32) -> Result<Split, MarketError> {
    if fee_bps > MAX_FEE_BPS {
        return Err(MarketError::Invalid(format!(
            "a fee of {fee_bps} basis points is more than the {MAX_FEE_BPS} allowed"
        )));
    }
    let fee = i128::from(gross.minor) * i128::from(fee_bps) / 10_000;
    let fee = i64::try_from(fee).map_err(|_| MarketError::Overflow(format!("fee on {gross}")))?;
    Ok(Split {
        worker_minor: gross.minor - fee,
        fee_minor: fee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, MAX_MINOR};

    #[test]
    fn fees_round_down_and_parts_add_up() {
        let eur = Currency::parse("EUR").unwrap();
        let s = split(Amount::new(999, eur).unwrap(), 1000).unwrap();
        assert_eq!((s.worker_minor, s.fee_minor), (900, 99));
        let s = split(Amount::new(1, eur).unwrap(), 1000).unwrap();
        assert_eq!((s.worker_minor, s.fee_minor), (1, 0));
        assert!(split(Amount::new(1, eur).unwrap(), 5001).is_err());
    }

    proptest::proptest! {
        #[test]
        fn a_split_never_creates_or_loses_money(minor in 1i64..MAX_MINOR, bps in 0u32..=MAX_FEE_BPS) {
            let eur = Currency::parse("EUR").unwrap();
            let s = split(Amount::new(minor, eur).unwrap(), bps).unwrap();
            proptest::prop_assert_eq!(s.worker_minor + s.fee_minor, minor);
            proptest::prop_assert!(s.fee_minor >= 0 && s.worker_minor > 0);
        }
    }
}
