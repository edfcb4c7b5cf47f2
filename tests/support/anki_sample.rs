//! The sample deck and progress that the Anki tests (tests/anki.rs) and the
//! check against the real Anki (examples/anki_check.rs) both export. One
//! copy, included by both with `#[path]`; fixed data, so a failure to build
//! it is a bug in this file, hence the `expect`s.

use recall::deckfile::parse_deck;
use recall::model::{Deck, ItemId};
use recall::progress::{ItemMap, ItemRecord, Progress, ReviewEvent};
use recall::sched::{Day, Easiness, Sm2State};

/// A deck with every kind of card, sections, tags and explanations.
const SAMPLE_DECK: &str = r#"{
  "recall_deck": 1,
  "id": "japan-russia",
  "title": "Japan and Russia",
  "version": "1.2.0",
  "description": "Dates & facts.",
  "language": "en",
  "cards": [
    { "id": "portsmouth-mediator", "kind": "basic", "front": "Who mediated the 1905 peace?",
      "back": "Theodore Roosevelt", "accept": ["Roosevelt"], "tags": ["people", "1905"],
      "section": "War and peace", "explanation": "He won the Nobel Peace Prize for it." },
    { "id": "shimoda", "kind": "basic", "front": "Treaty of Shimoda", "back": "1855 <Japan & Russia>",
      "reverse": true, "section": "Treaties::Early" },
    { "id": "portsmouth-cloze", "kind": "cloze",
      "text": "The {{c1::Treaty of Portsmouth}} gave Japan the {{c2::southern half::how much?}} of Sakhalin.",
      "section": "War and peace", "explanation": "Signed on 5 September 1905." },
    { "id": "war", "kind": "date", "event": "Russo-Japanese War", "year": 1904, "end_year": 1905 },
    { "id": "hokkaido-colonisation", "kind": "date", "event": "Hokkaido colonisation speeds up",
      "year": 1880, "approximate": true },
    { "id": "alliance-partner", "kind": "choice", "question": "With which power did Japan ally in 1902?",
      "answer": "Britain", "distractors": ["France", "Germany"] },
    { "id": "bare-choice", "kind": "choice", "question": "Who was Tsar in 1904?", "answer": "Nicholas II" }
  ]
}"#;

/// The sample deck.
pub fn sample_deck() -> Deck {
    parse_deck(SAMPLE_DECK).expect("the sample deck is valid")
}

fn state(n: u32, ef: u16, interval: u32, last: Day, due: Day, lapses: u32) -> Sm2State {
    Sm2State {
        repetitions: n,
        easiness: Easiness::from_hundredths(ef),
        interval,
        due,
        last_review: last,
        lapses,
        repeat_pending: false,
    }
}

/// Progress on some of the sample deck's items, relative to `today`.
pub fn sample_progress(today: Day) -> ItemMap {
    let id = |s: &str| ItemId::parse(s).expect("sample item ids are valid");
    let record = |state: Sm2State, reviews, first: i64| ItemRecord {
        state,
        reviews,
        first_review: today.plus(first),
    };
    let mut map = ItemMap::default();
    map.insert(
        id("portsmouth-mediator"),
        record(state(3, 236, 15, today.plus(-10), today.plus(5), 1), 6, -60),
    );
    map.insert(
        id("shimoda#reverse"),
        record(state(0, 130, 1, today.plus(-1), today, 4), 9, -40),
    );
    map.insert(
        id("portsmouth-cloze#c2"),
        record(
            state(6, 310, 420, today.plus(-20), today.plus(400), 0),
            6,
            -700,
        ),
    );
    map.insert(
        id("war"),
        record(state(2, 250, 6, today.plus(-9), today.plus(-3), 0), 2, -10),
    );
    // An item of a card the deck no longer has: not exported.
    map.insert(
        id("removed-card"),
        record(state(2, 250, 6, today.plus(-9), today.plus(-3), 0), 2, -900),
    );
    map
}

/// Replays imported events the way the store does.
pub fn replay(events: &[ReviewEvent]) -> Progress {
    let mut progress = Progress::new();
    for e in events {
        progress.apply(e);
    }
    progress
}
