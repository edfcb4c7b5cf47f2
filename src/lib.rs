//! recall: a spaced-repetition quiz engine for the terminal.
//!
//! Data flows one way: deck files are parsed and checked into [`model::Deck`]s,
//! which expand into study items; the pure [`sched`] module computes each
//! item's next state from an answer.

pub mod anki;
pub mod answer;
pub mod bundled;
pub mod catalog;
pub mod clock;
pub mod deckfile;
pub mod fsutil;
pub mod model;
pub mod progress;
pub mod quiz;
pub mod sched;
pub mod session;
pub mod stats;
pub mod store;
