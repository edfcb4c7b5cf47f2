//! Scheduling: the pure scheduler behind a trait, and the civil day.
//!
//! Nothing here reads a clock, touches a file or draws a random number: the
//! day and the settings come in as arguments.

mod day;
mod sm2;

pub use day::{Day, DayCutoff, DayParseError, civil_day};
pub use sm2::{Easiness, Sm2, Sm2State};

use crate::model::Quality;

/// Whether an answer counted for the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    /// A counted review: it moves the schedule.
    Review,
    /// A same-day repeat (SM-2 step 7): logged, but changes nothing.
    Repeat,
    /// An exam answer outside the schedule.
    Quiz,
}

/// The result of grading one answer: what kind of answer it was and the
/// item's state afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<S> {
    pub kind: ReviewKind,
    pub after: S,
    /// Days between the due day and the review (negative when early; 0 for a
    /// new item or a repeat).
    pub days_late: i32,
}

/// What every scheduler's item state tells the session.
pub trait ItemSchedule {
    /// The day the item is next due.
    fn due(&self) -> Day;
    /// The day of the last counted review.
    fn last_review(&self) -> Day;
    /// The last answer today was below 4: the item comes back today.
    fn repeat_pending(&self) -> bool;
}

/// A spaced-repetition algorithm as a pure state machine. `None` is an item
/// that was never reviewed.
pub trait Scheduler {
    /// What the scheduler remembers about one item.
    type State: ItemSchedule + Clone;

    /// The state after an answer of quality `q` given on `day`.
    fn review(&self, state: Option<&Self::State>, q: Quality, day: Day) -> Outcome<Self::State>;

    /// The outcome of each grade 0–5, so a front end can show "next in 6 days".
    fn preview(&self, state: Option<&Self::State>, day: Day) -> [Outcome<Self::State>; 6] {
        let mut grades = Quality::all();
        std::array::from_fn(|_| {
            let q = grades.next().unwrap_or(Quality::PERFECT);
            self.review(state, q, day)
        })
    }
}
