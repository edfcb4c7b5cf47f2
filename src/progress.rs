//! A learner's progress: the review events of the log, and the per-item
//! state they add up to. Pure: the store reads and writes it.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{DeckId, ItemId, Quality};
use crate::sched::{Day, ReviewKind, Sm2State};

/// How an answer was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Reveal, then grade yourself.
    Flip,
    /// Type the answer.
    Typed,
    /// Pick one of four options.
    Choice,
    /// Put events in order.
    Timeline,
    /// A grade given directly (`recall review`, other front ends).
    Script,
}

impl Mode {
    /// The mode's name as written in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Flip => "flip",
            Mode::Typed => "typed",
            Mode::Choice => "choice",
            Mode::Timeline => "timeline",
            Mode::Script => "script",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One answer, as the review log records it: enough to replay the history
/// into this or another scheduler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvent {
    /// When the answer was given.
    pub ts: Timestamp,
    /// The learner's study day at that moment.
    pub day: Day,
    pub deck: DeckId,
    pub item: ItemId,
    pub grade: Quality,
    pub mode: Mode,
    pub kind: ReviewKind,
    /// How long the learner took, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_ms: Option<u32>,
    /// Days after the due day (negative when early).
    pub days_late: i32,
    /// The item's state before the answer; `None` for a new item.
    pub before: Option<Sm2State>,
    /// The state after; equal to `before` for repeats' counters and quizzes.
    pub after: Option<Sm2State>,
}

/// The map of one deck's items. foldhash rather than SipHash: the keys are
/// our own ids, and start-up spends much of its time hashing them.
pub type ItemMap = std::collections::HashMap<ItemId, ItemRecord, foldhash::fast::RandomState>;

/// What is known about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    pub state: Sm2State,
    /// Counted reviews (kind `review`).
    pub reviews: u32,
    /// The day of the first counted review: when the item was introduced.
    pub first_review: Day,
}

/// Every item's record, by deck. Items of cards since removed from a deck
/// stay here (hidden by the front ends) in case the card comes back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    decks: BTreeMap<DeckId, ItemMap>,
    /// Counted reviews per study day, for streaks and summaries.
    days: BTreeMap<Day, u32>,
}

impl Progress {
    /// An empty progress: nothing reviewed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one logged answer. Quiz answers do not change the schedule.
    pub fn apply(&mut self, event: &ReviewEvent) {
        if !changes_schedule(event) {
            return;
        }
        if event.kind == ReviewKind::Review {
            *self.days.entry(event.day).or_default() += 1;
        }
        let items = self.decks.entry(event.deck.clone()).or_default();
        match items.get_mut(&event.item) {
            Some(record) => apply_to(record, event),
            None => {
                if let Some(record) = first_record(event) {
                    items.insert(event.item.clone(), record);
                }
            }
        }
    }

    /// Counted reviews per study day.
    pub fn days(&self) -> &BTreeMap<Day, u32> {
        &self.days
    }

    /// Sets the counted reviews of a day (when loading a snapshot).
    pub fn set_day(&mut self, day: Day, reviews: u32) {
        self.days.insert(day, reviews);
    }

    /// Days in a row with a counted review, ending today once today has
    /// one, else ending yesterday.
    pub fn streak(&self, today: Day) -> u32 {
        let mut day = if self.days.contains_key(&today) {
            today
        } else {
            today.plus(-1)
        };
        let mut streak = 0;
        while self.days.contains_key(&day) {
            streak += 1;
            day = day.plus(-1);
        }
        streak
    }

    /// One deck's records, to fill directly (when loading a snapshot).
    pub fn deck_mut(&mut self, deck: DeckId) -> &mut ItemMap {
        self.decks.entry(deck).or_default()
    }

    /// The record of one item, if it was ever reviewed.
    pub fn get(&self, deck: &DeckId, item: &ItemId) -> Option<&ItemRecord> {
        self.decks.get(deck)?.get(item)
    }

    /// The records of one deck's items.
    pub fn deck(&self, deck: &DeckId) -> Option<&ItemMap> {
        self.decks.get(deck)
    }

    /// The decks with at least one reviewed item, in id order.
    pub fn deck_ids(&self) -> impl Iterator<Item = &DeckId> {
        self.decks.keys()
    }

    /// Every record, deck by deck.
    pub fn iter(&self) -> impl Iterator<Item = (&DeckId, &ItemId, &ItemRecord)> {
        self.decks
            .iter()
            .flat_map(|(d, items)| items.iter().map(move |(i, r)| (d, i, r)))
    }

    /// How many items have a record.
    pub fn len(&self) -> usize {
        self.decks.values().map(ItemMap::len).sum()
    }

    /// True when nothing was ever reviewed.
    pub fn is_empty(&self) -> bool {
        self.decks.values().all(ItemMap::is_empty)
    }
}

/// True for the answers that move an item's schedule (not quiz answers).
pub fn changes_schedule(event: &ReviewEvent) -> bool {
    event.after.is_some() && event.kind != ReviewKind::Quiz
}

/// Updates an item's record with one of its logged answers.
pub fn apply_to(record: &mut ItemRecord, event: &ReviewEvent) {
    if let Some(after) = &event.after
        && event.kind != ReviewKind::Quiz
    {
        record.state = after.clone();
        if event.kind == ReviewKind::Review {
            record.reviews += 1;
        }
    }
}

/// The record an item gets from its first logged answer.
pub fn first_record(event: &ReviewEvent) -> Option<ItemRecord> {
    let after = event
        .after
        .as_ref()
        .filter(|_| event.kind != ReviewKind::Quiz)?;
    Some(ItemRecord {
        state: after.clone(),
        reviews: u32::from(event.kind == ReviewKind::Review),
        first_review: event.day,
    })
}

impl ItemRecord {
    /// Scored below 4 today (SM-2 step 7): it comes back in today's session.
    pub fn repeats_today(&self, today: Day) -> bool {
        self.state.repeat_pending && self.state.last_review == today
    }
}

/// The status names of `progress --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Never reviewed.
    New,
    /// Fewer than two successful reviews in a row.
    Learning,
    /// Past the first two steps.
    Review,
}

impl Status {
    /// The status of an item with this record (or none).
    pub fn of(record: Option<&ItemRecord>) -> Status {
        match record {
            None => Status::New,
            Some(r) if r.state.repetitions < 2 => Status::Learning,
            Some(_) => Status::Review,
        }
    }
}
