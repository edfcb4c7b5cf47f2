//! The learner's civil day: what "today" means for scheduling.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, stored as days since 1970-01-01 so that comparisons and
/// differences are plain integer arithmetic. Written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

const EPOCH: Date = jiff::civil::date(1970, 1, 1);

impl Day {
    /// The last day dates can express (9999-12-31); later due days saturate here.
    pub const MAX: Day = Day(2_932_896);
    /// The first day dates can express (0001-01-01).
    pub const MIN: Day = Day(-719_162);

    /// The day of a calendar date.
    pub fn from_date(date: Date) -> Day {
        // Civil days are always 24 hours long, so this division is exact.
        let days = date.duration_since(EPOCH).as_secs() / 86_400;
        Day(days as i32)
    }

    /// The calendar date of this day.
    pub fn date(self) -> Date {
        // Days are clamped to the calendar's range when made, so this never saturates.
        EPOCH.saturating_add(i64::from(self.0).days())
    }

    /// This day plus `days`, clamped to the calendar's range.
    pub fn plus(self, days: i64) -> Day {
        let n = i64::from(self.0).saturating_add(days);
        Day(n.clamp(i64::from(Day::MIN.0), i64::from(Day::MAX.0)) as i32)
    }

    /// The day `n` days after 1970-01-01, if within the calendar's range.
    pub fn from_epoch_days(n: i32) -> Option<Day> {
        (Day::MIN.0..=Day::MAX.0).contains(&n).then_some(Day(n))
    }

    /// Days since 1970-01-01: the compact form snapshots store.
    pub fn epoch_days(self) -> i32 {
        self.0
    }

    /// How many days `self` is after `earlier` (negative when before).
    pub fn since(self, earlier: Day) -> i32 {
        self.0 - earlier.0
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date();
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

/// Text that is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date of the form YYYY-MM-DD")]
pub struct DayParseError {
    pub text: String,
}

impl FromStr for Day {
    type Err = DayParseError;
    fn from_str(s: &str) -> Result<Day, DayParseError> {
        let err = || DayParseError { text: s.to_owned() };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let date: Date = s.parse().map_err(|_| err())?;
        if date.year() < 1 {
            return Err(err());
        }
        Ok(Day::from_date(date))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The local hour at which a new study day begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCutoff(u8);

impl DayCutoff {
    /// A cut-off at `hour` (0–23) local time.
    pub fn new(hour: u8) -> Option<DayCutoff> {
        (hour < 24).then_some(DayCutoff(hour))
    }

    /// The hour, 0–23.
    pub fn hour(self) -> u8 {
        self.0
    }
}

impl Default for DayCutoff {
    /// 04:00: a late-night session still counts as the day before.
    fn default() -> Self {
        DayCutoff(4)
    }
}

/// The study day that `now` falls in for a learner in `tz`. The cut-off is
/// compared with the local wall clock, not subtracted as a duration, so that
/// daylight-saving changes never move it.
pub fn civil_day(now: Timestamp, tz: &TimeZone, cutoff: DayCutoff) -> Day {
    let local = tz.to_datetime(now);
    let date = local.date();
    if local.hour() < cutoff.0 as i8 {
        Day::from_date(date).plus(-1)
    } else {
        Day::from_date(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn at(ts: &str, tz: &TimeZone) -> Day {
        civil_day(ts.parse().unwrap(), tz, DayCutoff::default())
    }

    #[test]
    fn days_are_integers_that_print_as_dates() {
        assert_eq!(day("1970-01-01"), Day(0));
        assert_eq!(day("1970-01-02"), Day(1));
        assert_eq!(day("1969-12-31"), Day(-1));
        assert_eq!(day("2026-03-01").since(day("2026-02-28")), 1);
        assert_eq!(day("2024-03-01").since(day("2024-02-28")), 2);
        assert_eq!(day("2026-11-25").plus(6).to_string(), "2026-12-01");
        assert_eq!(Day::MAX.to_string(), "9999-12-31");
        assert_eq!(Day::MIN.to_string(), "0001-01-01");
        assert_eq!(Day::MAX.plus(1), Day::MAX);
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "26-01-01",
            "2026/01/01",
            "",
            "0000-01-01",
        ] {
            assert!(bad.parse::<Day>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_day_turns_at_four_in_the_morning() {
        let utc = TimeZone::UTC;
        assert_eq!(at("2026-11-25T03:59:59Z", &utc), day("2026-11-24"));
        assert_eq!(at("2026-11-25T04:00:00Z", &utc), day("2026-11-25"));
        assert_eq!(at("2026-11-25T23:59:59Z", &utc), day("2026-11-25"));
        // Past midnight but before the cut-off is still yesterday.
        assert_eq!(at("2026-11-26T00:30:00Z", &utc), day("2026-11-25"));
    }

    #[test]
    fn the_day_follows_the_local_clock() {
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        // 20:00 UTC is 05:00 the next morning in Tokyo.
        assert_eq!(at("2026-11-25T20:00:00Z", &tokyo), day("2026-11-26"));
        // 18:30 UTC is 03:30 in Tokyo: still the 25th there.
        assert_eq!(at("2026-11-25T18:30:00Z", &tokyo), day("2026-11-25"));
    }

    #[test]
    fn daylight_saving_changes_do_not_move_the_cut_off() {
        // Central European rules, without depending on the machine's tz database.
        let cet = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // Spring forward on 2026-03-29: 02:00 CET jumps to 03:00 CEST.
        assert_eq!(at("2026-03-29T01:30:00Z", &cet), day("2026-03-28")); // 03:30 CEST
        assert_eq!(at("2026-03-29T02:00:00Z", &cet), day("2026-03-29")); // 04:00 CEST
        // Fall back on 2026-10-25: 03:00 CEST goes back to 02:00 CET.
        assert_eq!(at("2026-10-25T02:59:00Z", &cet), day("2026-10-24")); // 03:59 CET
        assert_eq!(at("2026-10-25T03:00:00Z", &cet), day("2026-10-25")); // 04:00 CET
        // The hour repeated by the change (02:xx twice) stays on the previous day.
        assert_eq!(at("2026-10-25T00:30:00Z", &cet), day("2026-10-24")); // 02:30 CEST
        assert_eq!(at("2026-10-25T01:30:00Z", &cet), day("2026-10-24")); // 02:30 CET
    }

    #[test]
    fn a_custom_cut_off_applies() {
        let utc = TimeZone::UTC;
        let midnight = DayCutoff::new(0).unwrap();
        assert_eq!(
            civil_day("2026-11-25T00:10:00Z".parse().unwrap(), &utc, midnight),
            day("2026-11-25")
        );
        assert!(DayCutoff::new(24).is_none());
    }
}
