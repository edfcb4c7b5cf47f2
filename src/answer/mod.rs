//! Answer matching, grading, choice options and timelines (SPEC §5.1).
//!
//! Everything here is pure: the caller passes the deck, the answer typed, and
//! a seeded rng, so the same seed gives the same options and timelines.

mod choice;
mod judge;
mod normalize;
#[cfg(test)]
mod test_decks;
mod timeline;

pub use choice::{ChoiceQuestion, OPTIONS, choice_options, parse_choice};
pub use judge::{Judgement, Verdict, judge};
pub use normalize::normalize;
pub use timeline::{
    Timeline, TimelineEvent, pairs_in_order, parse_order, timeline, timeline_grade,
};
