//! Hourly work: a week's timesheet under the weekly cap, what a week is funded with, and what
//! it bills. Time is counted in whole minutes; money in minor units, rounded up to the worker's
//! favour and never beyond what the week was funded with.

use crate::MarketError;

/// The most hours a weekly cap may be (a week has 168).
pub const MAX_WEEKLY_CAP_HOURS: i64 = 80;

/// One day's time on a timesheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayEntry {
    /// Days after the week's first day: 0 to 6.
    pub day: i64,
    /// Minutes worked that day: 1 to 1440.
    pub minutes: i64,
}

fn refuse(msg: impl Into<String>) -> MarketError {
    MarketError::Invalid(msg.into())
}

/// What a week is funded with: the rate times the cap.
pub fn week_funding(rate_minor: i64, cap_hours: i64) -> Result<i64, MarketError> {
    if rate_minor <= 0 {
        return Err(refuse("the hourly rate must be more than zero"));
    }
    if !(1..=MAX_WEEKLY_CAP_HOURS).contains(&cap_hours) {
        return Err(refuse(format!(
            "the weekly cap must be 1 to {MAX_WEEKLY_CAP_HOURS} hours, not {cap_hours}"
        )));
    }
    rate_minor
        .checked_mul(cap_hours)
        .ok_or_else(|| MarketError::Overflow("a week's funding".to_owned()))
}

/// Checks a week's entries (each day once, within the week, 1 to 1440 minutes) against the
/// cap; returns the week's total minutes.
pub fn check_week(entries: &[DayEntry], cap_hours: i64) -> Result<i64, MarketError> {
    let mut seen = [false; 7];
    let mut total = 0;
    for e in entries {
        let Some(slot) = usize::try_from(e.day).ok().and_then(|d| seen.get_mut(d)) else {
            return Err(refuse(format!(
                "day {} is outside the week (days 0 to 6 after its Monday)",
                e.day
            )));
        };
        if *slot {
            return Err(refuse(format!(
                "day {} is on the timesheet twice: give one entry per day",
                e.day
            )));
        }
        *slot = true;
        if !(1..=1440).contains(&e.minutes) {
            return Err(refuse(format!(
                "a day's time must be more than zero and at most 24 hours, not {} minutes",
                e.minutes
            )));
        }
        total += e.minutes;
    }
    if total > cap_hours * 60 {
        return Err(refuse(format!(
            "the timesheet has {} h {:02} min; the contract's weekly cap is {cap_hours} h",
            total / 60,
            total % 60
        )));
    }
    Ok(total)
}

/// What `minutes` bill at `rate_minor` an hour: rounded up to a whole minor unit, in the
/// worker's favour. Within a cap of whole hours this never exceeds the week's funding.
pub fn bill(rate_minor: i64, minutes: i64) -> Result<i64, MarketError> {
    if rate_minor < 0 || minutes < 0 {
        return Err(refuse("rates and times are not negative"));
    }
    let cents = i128::from(rate_minor) * i128::from(minutes);
    i64::try_from((cents + 59) / 60).map_err(|_| MarketError::Overflow("a week's bill".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_is_checked_against_the_cap() {
        let day = |day, minutes| DayEntry { day, minutes };
        assert_eq!(check_week(&[day(0, 480), day(4, 90)], 10).unwrap(), 570);
        assert_eq!(check_week(&[], 10).unwrap(), 0);
        let over = check_week(&[day(0, 480), day(1, 121)], 10).unwrap_err();
        assert!(over.to_string().contains("10 h 01 min"), "{over}");
        assert!(check_week(&[day(7, 60)], 10).is_err());
        assert!(check_week(&[day(-1, 60)], 10).is_err());
        assert!(check_week(&[day(2, 60), day(2, 30)], 10).is_err());
        assert!(check_week(&[day(2, 0)], 10).is_err());
        assert!(check_week(&[day(2, 1441)], 40).is_err());
    }

    #[test]
    fn bills_round_up_and_stay_within_the_funding() {
        // 25.00 an hour for 7 h 20 min is 183.33…, billed 183.34.
        assert_eq!(bill(2500, 440).unwrap(), 18334);
        assert_eq!(bill(2500, 0).unwrap(), 0);
        assert_eq!(bill(1, 1).unwrap(), 1);
        for rate in [1, 7, 2500, 99_999] {
            for cap in [1, 13, 40] {
                assert_eq!(
                    bill(rate, cap * 60).unwrap(),
                    week_funding(rate, cap).unwrap()
                );
            }
        }
        assert!(week_funding(0, 10).is_err());
        assert!(week_funding(100, 0).is_err());
        assert!(week_funding(100, 81).is_err());
        assert!(week_funding(i64::MAX, 2).is_err());
        assert!(bill(-1, 10).is_err());
    }
}
