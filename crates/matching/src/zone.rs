//! Time zones as UTC offsets, and how many hours of two working days overlap.

/// Length of the working day assumed for everyone, in minutes (09:00–17:00 local).
pub const WORKDAY_MINUTES: i32 = 8 * 60;
/// Start of the working day in local time, in minutes after midnight.
pub const WORKDAY_START_MINUTES: i32 = 9 * 60;

/// Hours by which two 09:00–17:00 working days overlap, for people at UTC offsets `a` and `b`
/// (minutes east of UTC). The days are compared on a 24-hour circle, so UTC+12 and UTC−12 are
/// the same wall-clock day shifted by a date, which is what matters for live collaboration.
pub fn workday_overlap_hours(a_offset_minutes: i32, b_offset_minutes: i32) -> f64 {
    let diff = (a_offset_minutes - b_offset_minutes).rem_euclid(24 * 60);
    let shift = diff.min(24 * 60 - diff);
    f64::from((WORKDAY_MINUTES - shift).max(0)) / 60.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_symmetric_and_circular() {
        assert_eq!(workday_overlap_hours(0, 0), 8.0);
        assert_eq!(workday_overlap_hours(60, -60), 6.0);
        assert_eq!(workday_overlap_hours(-60, 60), 6.0);
        assert_eq!(workday_overlap_hours(330, 0), 2.5);
        assert_eq!(workday_overlap_hours(-8 * 60, 9 * 60), 1.0);
        assert_eq!(workday_overlap_hours(-5 * 60, 5 * 60), 0.0);
        assert_eq!(workday_overlap_hours(12 * 60, -12 * 60), 8.0);
        assert_eq!(workday_overlap_hours(13 * 60, -11 * 60), 8.0);
    }
}
