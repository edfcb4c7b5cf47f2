//! SuperMemo 2 (P. Wozniak, 1990), with the readings fixed in SPEC §3.
//!
//! EF and intervals are integers (EF in hundredths) so that long runs do not
//! drift the way floating point does.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Day, ItemSchedule, Outcome, ReviewKind, Scheduler};
use crate::model::Quality;

/// The easiness factor in hundredths: 250 is 2.50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Easiness(u16);

impl Easiness {
    /// The easiness of a new item, 2.50.
    pub const INITIAL: Easiness = Easiness(250);
    /// The floor, 1.30.
    pub const MIN: Easiness = Easiness(130);

    /// An easiness of `hundredths` / 100, raised to the floor if below it.
    pub fn from_hundredths(hundredths: u16) -> Easiness {
        Easiness(hundredths.max(Self::MIN.0))
    }

    /// The value in hundredths.
    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// The value as a number (2 decimals), for display and JSON.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// `EF' = EF + (0.1 - (5-q) * (0.08 + (5-q) * 0.02))`, in hundredths,
    /// floored at 1.30 and without an upper bound.
    pub fn updated(self, q: Quality) -> Easiness {
        let delta: i32 = match q.value() {
            5 => 10,
            4 => 0,
            3 => -14,
            2 => -32,
            1 => -54,
            _ => -80,
        };
        let ef = (i32::from(self.0) + delta).clamp(i32::from(Self::MIN.0), i32::from(u16::MAX));
        Easiness(ef as u16)
    }
}

impl fmt::Display for Easiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// What SM-2 knows about an item that has been reviewed at least once.
/// The short field names are the review log's, where this appears twice a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sm2State {
    /// Successful reviews in a row (`n`).
    #[serde(rename = "n")]
    pub repetitions: u32,
    /// The easiness factor (EF), in hundredths.
    #[serde(rename = "ef")]
    pub easiness: Easiness,
    /// The interval last scheduled, in days.
    #[serde(rename = "iv")]
    pub interval: u32,
    /// The day the item is due.
    pub due: Day,
    /// The day of the last counted review.
    #[serde(rename = "last")]
    pub last_review: Day,
    /// Counted reviews graded below 3.
    pub lapses: u32,
    /// The last answer on the last review day was below 4 (SM-2 step 7).
    #[serde(rename = "pending")]
    pub repeat_pending: bool,
}

impl ItemSchedule for Sm2State {
    fn due(&self) -> Day {
        self.due
    }
    fn last_review(&self) -> Day {
        self.last_review
    }
    fn repeat_pending(&self) -> bool {
        self.repeat_pending
    }
}

/// The SM-2 scheduler, with its extensions: an optional maximum interval,
/// and an optional exam day before which every interval ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sm2 {
    /// Intervals are capped at this many days when set.
    pub max_interval: Option<u32>,
    /// Until this day, intervals are cut so that the item comes back before
    /// it (on the eve at the latest); from it on, SM-2 runs free again.
    pub exam: Option<Day>,
}

impl Scheduler for Sm2 {
    type State = Sm2State;

    fn review(&self, state: Option<&Sm2State>, q: Quality, day: Day) -> Outcome<Sm2State> {
        // An answer on (or, with a clock set back, before) the day of the last
        // counted review is a same-day repeat: logged, but it moves nothing.
        if let Some(s) = state.filter(|s| day <= s.last_review) {
            return Outcome {
                kind: ReviewKind::Repeat,
                after: Sm2State {
                    repeat_pending: q.value() < 4,
                    ..s.clone()
                },
                days_late: 0,
            };
        }
        let days_late = state.map_or(0, |s| day.since(s.due));
        let (n, ef, previous_interval, lapses) = match state {
            Some(s) => (s.repetitions, s.easiness, s.interval, s.lapses),
            None => (0, Easiness::INITIAL, 0, 0),
        };
        let (repetitions, easiness, interval, lapses) = if q.is_correct() {
            let interval = match n {
                0 => 1,
                1 => 6,
                // The EF as it was before this review, rounded up.
                _ => {
                    let product = u64::from(previous_interval) * u64::from(ef.hundredths());
                    u32::try_from(product.div_ceil(100)).unwrap_or(u32::MAX)
                }
            };
            (n + 1, ef.updated(q), interval, lapses)
        } else {
            // "Start repetitions from the beginning without changing the E-Factor."
            (0, ef, 1, lapses + 1)
        };
        let interval = match self.max_interval {
            Some(max) => interval.min(max.max(1)),
            None => interval,
        };
        let interval = match self.exam {
            Some(exam) if day < exam => {
                let to_eve = u32::try_from(exam.since(day) - 1).unwrap_or(0);
                interval.min(to_eve.max(1))
            }
            _ => interval,
        };
        Outcome {
            kind: ReviewKind::Review,
            after: Sm2State {
                repetitions,
                easiness,
                interval,
                due: day.plus(i64::from(interval)),
                last_review: day,
                lapses,
                repeat_pending: q.value() < 4,
            },
            days_late,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(v: u8) -> Quality {
        Quality::try_from(v).unwrap()
    }

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    /// One row of a golden table: the answer, the day it is given, and the
    /// state that must follow.
    struct Step {
        grade: u8,
        on: &'static str,
        kind: ReviewKind,
        n: u32,
        ef: u16,
        interval: u32,
        due: &'static str,
        lapses: u32,
    }

    const R: ReviewKind = ReviewKind::Review;
    const P: ReviewKind = ReviewKind::Repeat;

    #[allow(clippy::too_many_arguments)]
    const fn step(
        grade: u8,
        on: &'static str,
        kind: ReviewKind,
        n: u32,
        ef: u16,
        interval: u32,
        due: &'static str,
        lapses: u32,
    ) -> Step {
        Step {
            grade,
            on,
            kind,
            n,
            ef,
            interval,
            due,
            lapses,
        }
    }

    fn run(table: &[Step]) {
        let sm2 = Sm2::default();
        let mut state: Option<Sm2State> = None;
        for (i, s) in table.iter().enumerate() {
            let out = sm2.review(state.as_ref(), q(s.grade), day(s.on));
            let a = &out.after;
            let got = (
                out.kind,
                a.repetitions,
                a.easiness.hundredths(),
                a.interval,
                a.due,
                a.lapses,
            );
            let want = (s.kind, s.n, s.ef, s.interval, day(s.due), s.lapses);
            assert_eq!(got, want, "step {} (q={} on {})", i + 1, s.grade, s.on);
            assert_eq!(a.repeat_pending, s.grade < 4, "step {}", i + 1);
            state = Some(out.after);
        }
    }

    // The tables below were computed by hand from the rules of SPEC §3 (and
    // cross-checked with an exact-fraction reference), not by this code.

    #[test]
    fn ten_fives_in_a_row() {
        run(&[
            step(5, "2026-01-01", R, 1, 260, 1, "2026-01-02", 0),
            step(5, "2026-01-02", R, 2, 270, 6, "2026-01-08", 0),
            step(5, "2026-01-08", R, 3, 280, 17, "2026-01-25", 0),
            step(5, "2026-01-25", R, 4, 290, 48, "2026-03-14", 0),
            step(5, "2026-03-14", R, 5, 300, 140, "2026-08-01", 0),
            step(5, "2026-08-01", R, 6, 310, 420, "2027-09-25", 0),
            step(5, "2027-09-25", R, 7, 320, 1302, "2031-04-19", 0),
            step(5, "2031-04-19", R, 8, 330, 4167, "2042-09-15", 0),
            step(5, "2042-09-15", R, 9, 340, 13752, "2080-05-10", 0),
            step(5, "2080-05-10", R, 10, 350, 46757, "2208-05-17", 0),
        ]);
    }

    #[test]
    fn eight_fours_keep_the_easiness() {
        run(&[
            step(4, "2026-01-01", R, 1, 250, 1, "2026-01-02", 0),
            step(4, "2026-01-02", R, 2, 250, 6, "2026-01-08", 0),
            step(4, "2026-01-08", R, 3, 250, 15, "2026-01-23", 0),
            step(4, "2026-01-23", R, 4, 250, 38, "2026-03-02", 0),
            step(4, "2026-03-02", R, 5, 250, 95, "2026-06-05", 0),
            step(4, "2026-06-05", R, 6, 250, 238, "2027-01-29", 0),
            step(4, "2027-01-29", R, 7, 250, 595, "2028-09-15", 0),
            step(4, "2028-09-15", R, 8, 250, 1488, "2032-10-12", 0),
        ]);
    }

    #[test]
    fn twelve_threes_reach_the_easiness_floor() {
        run(&[
            step(3, "2026-01-01", R, 1, 236, 1, "2026-01-02", 0),
            step(3, "2026-01-02", R, 2, 222, 6, "2026-01-08", 0),
            step(3, "2026-01-08", R, 3, 208, 14, "2026-01-22", 0),
            step(3, "2026-01-22", R, 4, 194, 30, "2026-02-21", 0),
            step(3, "2026-02-21", R, 5, 180, 59, "2026-04-21", 0),
            step(3, "2026-04-21", R, 6, 166, 107, "2026-08-06", 0),
            step(3, "2026-08-06", R, 7, 152, 178, "2027-01-31", 0),
            step(3, "2027-01-31", R, 8, 138, 271, "2027-10-29", 0),
            step(3, "2027-10-29", R, 9, 130, 374, "2028-11-06", 0),
            step(3, "2028-11-06", R, 10, 130, 487, "2030-03-08", 0),
            step(3, "2030-03-08", R, 11, 130, 634, "2031-12-02", 0),
            step(3, "2031-12-02", R, 12, 130, 825, "2034-03-06", 0),
        ]);
    }

    #[test]
    fn a_lapse_after_four_successes_relearns_one_one_six() {
        run(&[
            step(5, "2026-01-01", R, 1, 260, 1, "2026-01-02", 0),
            step(4, "2026-01-02", R, 2, 260, 6, "2026-01-08", 0),
            step(4, "2026-01-08", R, 3, 260, 16, "2026-01-24", 0),
            step(5, "2026-01-24", R, 4, 270, 42, "2026-03-07", 0),
            // The lapse: n back to 0, interval 1, EF untouched.
            step(1, "2026-03-07", R, 0, 270, 1, "2026-03-08", 1),
            step(4, "2026-03-08", R, 1, 270, 1, "2026-03-09", 1),
            step(4, "2026-03-09", R, 2, 270, 6, "2026-03-15", 1),
            step(4, "2026-03-15", R, 3, 270, 17, "2026-04-01", 1),
        ]);
    }

    #[test]
    fn five_blackouts_in_a_row() {
        run(&[
            step(0, "2026-01-01", R, 0, 250, 1, "2026-01-02", 1),
            step(0, "2026-01-02", R, 0, 250, 1, "2026-01-03", 2),
            step(0, "2026-01-03", R, 0, 250, 1, "2026-01-04", 3),
            step(0, "2026-01-04", R, 0, 250, 1, "2026-01-05", 4),
            step(0, "2026-01-05", R, 0, 250, 1, "2026-01-06", 5),
        ]);
    }

    #[test]
    fn two_is_a_lapse_and_three_is_a_pass() {
        run(&[
            step(4, "2026-01-01", R, 1, 250, 1, "2026-01-02", 0),
            step(4, "2026-01-02", R, 2, 250, 6, "2026-01-08", 0),
            step(2, "2026-01-08", R, 0, 250, 1, "2026-01-09", 1),
        ]);
        run(&[
            step(4, "2026-01-01", R, 1, 250, 1, "2026-01-02", 0),
            step(4, "2026-01-02", R, 2, 250, 6, "2026-01-08", 0),
            step(3, "2026-01-08", R, 3, 236, 15, "2026-01-23", 0),
        ]);
    }

    #[test]
    fn lateness_and_earliness_do_not_change_the_interval() {
        let sm2 = Sm2::default();
        run(&[
            step(5, "2026-01-01", R, 1, 260, 1, "2026-01-02", 0),
            step(5, "2026-01-02", R, 2, 270, 6, "2026-01-08", 0),
            // 20 days late: still 6 × 2.70 → 17 days, counted from the review.
            step(5, "2026-01-28", R, 3, 280, 17, "2026-02-14", 0),
            // 10 days early: 17 × 2.80 → 48 days from the early review.
            step(5, "2026-02-04", R, 4, 290, 48, "2026-03-24", 0),
        ]);
        let s2 = Sm2State {
            repetitions: 2,
            easiness: Easiness(270),
            interval: 6,
            due: day("2026-01-08"),
            last_review: day("2026-01-02"),
            lapses: 0,
            repeat_pending: false,
        };
        assert_eq!(sm2.review(Some(&s2), q(5), day("2026-01-28")).days_late, 20);
        let s3 = sm2.review(Some(&s2), q(5), day("2026-01-28")).after;
        assert_eq!(
            sm2.review(Some(&s3), q(5), day("2026-02-04")).days_late,
            -10
        );
    }

    #[test]
    fn same_day_repeats_change_nothing_including_a_failing_one() {
        run(&[
            step(5, "2026-01-01", R, 1, 260, 1, "2026-01-02", 0),
            step(3, "2026-01-02", R, 2, 246, 6, "2026-01-08", 0),
            // Scored below 4: it comes back the same day, and the repeats
            // (a fail among them) touch neither n, EF, interval, due nor lapses.
            step(1, "2026-01-02", P, 2, 246, 6, "2026-01-08", 0),
            step(3, "2026-01-02", P, 2, 246, 6, "2026-01-08", 0),
            step(4, "2026-01-02", P, 2, 246, 6, "2026-01-08", 0),
            step(5, "2026-01-08", R, 3, 256, 15, "2026-01-23", 0),
        ]);
    }

    #[test]
    fn a_new_item_failed_on_its_first_day_repeats_that_day() {
        run(&[
            step(1, "2026-01-01", R, 0, 250, 1, "2026-01-02", 1),
            step(2, "2026-01-01", P, 0, 250, 1, "2026-01-02", 1),
            step(4, "2026-01-01", P, 0, 250, 1, "2026-01-02", 1),
            step(4, "2026-01-02", R, 1, 250, 1, "2026-01-03", 1),
        ]);
    }

    #[test]
    fn the_maximum_interval_caps_when_set() {
        let sm2 = Sm2 {
            max_interval: Some(30),
            exam: None,
        };
        let mut state = None;
        let mut d = day("2026-01-01");
        let mut intervals = vec![];
        for _ in 0..6 {
            let out = sm2.review(state.as_ref(), q(5), d);
            intervals.push(out.after.interval);
            d = out.after.due;
            state = Some(out.after);
        }
        assert_eq!(intervals, [1, 6, 17, 30, 30, 30]);
    }

    #[test]
    fn an_exam_cuts_intervals_until_it_has_passed() {
        let exam = day("2026-01-20");
        let sm2 = Sm2 {
            max_interval: None,
            exam: Some(exam),
        };
        let mut state = None;
        let mut d = day("2026-01-01");
        let mut dues = vec![];
        for _ in 0..6 {
            let out = sm2.review(state.as_ref(), q(5), d);
            dues.push(out.after.due.to_string());
            d = out.after.due;
            state = Some(out.after);
        }
        // 1, 6, then 17 would pass the exam: cut to 11, the eve (01-19); then
        // a single day, to the exam day; from there SM-2 grows the (now
        // short) interval again: 1 × 2.9 → 3, 3 × 3.0 → 9.
        assert_eq!(
            dues,
            [
                "2026-01-02",
                "2026-01-08",
                "2026-01-19",
                "2026-01-20",
                "2026-01-23",
                "2026-02-01"
            ]
        );
    }

    #[test]
    fn preview_gives_every_grade() {
        let sm2 = Sm2::default();
        let first = sm2.review(None, q(4), day("2026-01-01")).after;
        let p = sm2.preview(Some(&first), day("2026-01-02"));
        let intervals: Vec<u32> = p.iter().map(|o| o.after.interval).collect();
        assert_eq!(intervals, [1, 1, 1, 6, 6, 6]);
        assert!(p.iter().all(|o| o.kind == ReviewKind::Review));
    }

    #[test]
    fn easiness_formula_matches_the_table() {
        let deltas: Vec<i32> = Quality::all()
            .map(|g| i32::from(Easiness(250).updated(g).0) - 250)
            .collect();
        assert_eq!(deltas, [-80, -54, -32, -14, 0, 10]);
        assert_eq!(Easiness(135).updated(q(3)), Easiness::MIN);
        assert_eq!(Easiness(250).to_string(), "2.50");
        assert_eq!(Easiness(130).to_string(), "1.30");
    }

    fn grade() -> impl Strategy<Value = u8> {
        0u8..=5
    }

    fn state() -> impl Strategy<Value = Sm2State> {
        (
            0u32..30,
            130u16..400,
            1u32..5000,
            0u32..50,
            any::<bool>(),
            0i32..4000,
        )
            .prop_map(|(n, ef, interval, lapses, pending, last)| {
                let last_review = day("2020-01-01").plus(last.into());
                Sm2State {
                    repetitions: n,
                    easiness: Easiness(ef),
                    interval,
                    due: last_review.plus(interval.into()),
                    last_review,
                    lapses,
                    repeat_pending: pending,
                }
            })
    }

    proptest! {
        #[test]
        fn invariants_hold_for_any_grade_sequence(
            grades in proptest::collection::vec((grade(), 0i64..60), 1..60)
        ) {
            let sm2 = Sm2::default();
            let mut state: Option<Sm2State> = None;
            let mut d = day("2026-01-01");
            for (g, gap) in grades {
                d = d.plus(gap);
                let out = sm2.review(state.as_ref(), q(g), d);
                let a = &out.after;
                prop_assert!(a.easiness >= Easiness::MIN);
                prop_assert!(a.interval >= 1);
                prop_assert!(a.due > d);
                prop_assert!(a.due > a.last_review);
                if out.kind == ReviewKind::Repeat {
                    let before = state.as_ref().unwrap();
                    prop_assert_eq!(
                        (a.repetitions, a.easiness, a.interval, a.due, a.lapses),
                        (before.repetitions, before.easiness, before.interval, before.due, before.lapses)
                    );
                }
                state = Some(out.after);
            }
        }

        #[test]
        fn a_higher_grade_never_gives_a_shorter_interval_or_lower_easiness(
            s in state(), gap in 1i64..400, lo in grade(), hi in grade()
        ) {
            prop_assume!(lo <= hi);
            let sm2 = Sm2::default();
            let d = s.last_review.plus(gap);
            let a = sm2.review(Some(&s), q(lo), d).after;
            let b = sm2.review(Some(&s), q(hi), d).after;
            prop_assert!(b.interval >= a.interval, "{} < {}", b.interval, a.interval);
            // SM-2 leaves EF alone on a lapse (q < 3) but lowers it for q = 3,
            // so EF is monotonic within the passing grades and within the failing ones.
            if (lo >= 3) == (hi >= 3) {
                prop_assert!(b.easiness >= a.easiness);
            }
            prop_assert!(b.due >= a.due);
        }

        #[test]
        fn new_items_follow_the_same_rules(g in grade()) {
            let out = Sm2::default().review(None, q(g), day("2026-01-01"));
            prop_assert_eq!(out.kind, ReviewKind::Review);
            prop_assert_eq!(out.after.interval, 1);
            prop_assert_eq!(out.after.due, day("2026-01-02"));
            prop_assert_eq!(out.after.lapses, u32::from(g < 3));
        }
    }
}
