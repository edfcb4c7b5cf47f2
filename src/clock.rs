//! The only place that reads the system clock. Everything else receives
//! `now` (or a [`Stopwatch`]) as an argument, so tests can fix time with
//! `--now` / `RECALL_NOW`.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Where "now" comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant (`--now`): every read gives the same time.
    Fixed(Timestamp),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// A `--now` value that is neither an RFC 3339 timestamp nor a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a time: use an RFC 3339 timestamp such as 2026-03-01T09:30:00+01:00, \
     or a date YYYY-MM-DD (noon local time that day)"
)]
pub struct NowError {
    pub text: String,
}

/// Parses a `--now` value: an RFC 3339 timestamp, or `YYYY-MM-DD`, meaning
/// noon in `tz` that day.
pub fn parse_now(text: &str, tz: &TimeZone) -> Result<Timestamp, NowError> {
    let err = || NowError {
        text: text.to_owned(),
    };
    let text = text.trim();
    if let Ok(day) = text.parse::<crate::sched::Day>() {
        let noon = day.date().at(12, 0, 0, 0);
        return tz
            .to_ambiguous_timestamp(noon)
            .compatible()
            .map_err(|_| err());
    }
    text.parse::<Timestamp>().map_err(|_| err())
}

/// Measures how long an answer took; reads the monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// Starts timing now.
    pub fn start() -> Self {
        Stopwatch(Instant::now())
    }

    /// The time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_means_noon_local() {
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        let t = parse_now("2026-03-01", &tokyo).unwrap();
        assert_eq!(t, "2026-03-01T03:00:00Z".parse::<Timestamp>().unwrap());
        let t = parse_now("2026-03-01", &TimeZone::UTC).unwrap();
        assert_eq!(t.to_string(), "2026-03-01T12:00:00Z");
    }

    #[test]
    fn timestamps_are_rfc_3339() {
        let t = parse_now("2026-03-01T09:30:00+01:00", &TimeZone::UTC).unwrap();
        assert_eq!(t.to_string(), "2026-03-01T08:30:00Z");
        for bad in ["tomorrow", "2026-02-30", "", "2026-03-01T09:30"] {
            assert!(parse_now(bad, &TimeZone::UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_fixed_clock_does_not_move() {
        let t: Timestamp = "2026-03-01T08:30:00Z".parse().unwrap();
        assert_eq!(Clock::Fixed(t).now(), t);
    }
}
