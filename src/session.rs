//! The daily study session as a pure state machine: which items come today
//! and in what order, and what comes back after a poor answer. No files, no
//! clock, no terminal: the day, the progress and a seeded rng come in.

use std::collections::{BTreeSet, VecDeque};

use crate::model::{CardId, Deck, ItemId, Quality};
use crate::progress::Progress;
use crate::sched::{Day, Sm2State};

/// One question of the session: an item of one of the session's decks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index of the deck in the session's deck list.
    pub deck: usize,
    pub item: ItemId,
    /// Never reviewed before this session.
    pub new: bool,
}

/// How many due and new items a plan holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanCounts {
    pub due: usize,
    pub new: usize,
}

/// What a session follows for one deck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeckRules {
    /// New items a day (the ones introduced earlier today count).
    pub new_limit: u32,
    /// An exam day: until it, every item learned is due again by its eve.
    pub exam: Option<Day>,
}

/// The day an item is due, an exam considered: before the exam, an item not
/// yet reviewed today is due by the exam's eve at the latest. (One reviewed
/// today has had its interval cut already; capping it again would bring it
/// back the same evening.)
pub fn effective_due(state: &Sm2State, today: Day, exam: Option<Day>) -> Day {
    match exam {
        Some(exam) if today < exam && state.last_review < today => state.due.min(exam.plus(-1)),
        _ => state.due,
    }
}

/// New items a day that start `not_started` items (the ones never seen and
/// the ones introduced today) before `exam`: at least `base`.
pub fn exam_new_limit(not_started: usize, today: Day, exam: Day, base: u32) -> u32 {
    let days_left = exam.since(today);
    if days_left <= 0 {
        return base;
    }
    let needed = not_started.div_ceil(days_left as usize);
    base.max(u32::try_from(needed).unwrap_or(u32::MAX))
}

/// New items a day that introduce every item of `deck` before `exam`
/// (at least `base`): the items not yet introduced, spread over the days left.
pub fn new_limit_for_exam(
    deck: &Deck,
    progress: &Progress,
    today: Day,
    exam: Day,
    base: u32,
) -> u32 {
    let records = progress.deck(&deck.id);
    let unseen = deck
        .items()
        .filter(|i| records.is_none_or(|r| !r.contains_key(&i.id())))
        .count();
    let introduced_today = records.map_or(0, |r| {
        r.values().filter(|r| r.first_review == today).count()
    });
    exam_new_limit(unseen + introduced_today, today, exam, base)
}

/// Today's queue: due items (most overdue first, items to repeat today
/// included), then up to each deck's new limit of new items (less the ones
/// already introduced today), spread among the reviews. Two items of one card
/// (a cloze's `c1` and `c2`, a card and its reverse) are never both
/// introduced on the same day. `rules` goes with `decks`, one each.
pub fn plan(
    decks: &[Deck],
    rules: &[DeckRules],
    progress: &Progress,
    today: Day,
) -> (Vec<Entry>, PlanCounts) {
    let mut due: Vec<(Day, usize, usize, ItemId)> = Vec::new();
    let mut new_per_deck: Vec<Vec<ItemId>> = Vec::new();
    for (d, deck) in decks.iter().enumerate() {
        let rule = rules.get(d).copied().unwrap_or(DeckRules {
            new_limit: 0,
            exam: None,
        });
        let records = progress.deck(&deck.id);
        // Cards with an item introduced today: their siblings wait.
        let mut busy_cards: BTreeSet<CardId> = BTreeSet::new();
        let mut introduced_today = 0u32;
        for item in deck.items() {
            let id = item.id();
            if let Some(r) = records.and_then(|r| r.get(&id))
                && r.first_review == today
            {
                introduced_today += 1;
                busy_cards.insert(id.card().clone());
            }
        }
        let mut fresh = Vec::new();
        let mut left = rule.new_limit.saturating_sub(introduced_today);
        for (position, item) in deck.items().enumerate() {
            let id = item.id();
            match records.and_then(|r| r.get(&id)) {
                Some(r) if r.repeats_today(today) => {
                    due.push((today.min(r.state.due), d, position, id))
                }
                Some(r) if effective_due(&r.state, today, rule.exam) <= today => {
                    due.push((effective_due(&r.state, today, rule.exam), d, position, id));
                }
                Some(_) => {}
                None if left > 0 && !busy_cards.contains(id.card()) => {
                    busy_cards.insert(id.card().clone());
                    fresh.push(id);
                    left -= 1;
                }
                None => {}
            }
        }
        new_per_deck.push(fresh);
    }
    due.sort();
    let reviews: Vec<Entry> = due
        .into_iter()
        .map(|(_, deck, _, item)| Entry {
            deck,
            item,
            new: false,
        })
        .collect();

    // New items from each deck in turn.
    let mut fresh = Vec::new();
    let longest = new_per_deck.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for (deck, items) in new_per_deck.iter().enumerate() {
            if let Some(item) = items.get(i) {
                fresh.push(Entry {
                    deck,
                    item: item.clone(),
                    new: true,
                });
            }
        }
    }
    let counts = PlanCounts {
        due: reviews.len(),
        new: fresh.len(),
    };
    (interleave(reviews, fresh), counts)
}

/// Spreads `fresh` evenly among `reviews`: before the i-th new item come
/// ⌊R·(i+1)/(N+1)⌋ reviews, so new items do not all wait for the end.
fn interleave(reviews: Vec<Entry>, fresh: Vec<Entry>) -> Vec<Entry> {
    let (r, n) = (reviews.len(), fresh.len());
    let mut out = Vec::with_capacity(r + n);
    let mut reviews = reviews.into_iter();
    let mut taken = 0;
    for (i, entry) in fresh.into_iter().enumerate() {
        let before = r * (i + 1) / (n + 1);
        out.extend(reviews.by_ref().take(before - taken));
        taken = before;
        out.push(entry);
    }
    out.extend(reviews);
    out
}

/// How far back in the queue an item answered below 4 goes: far enough that
/// it is not asked twice in a row, near enough to be seen again soon.
const REPEAT_GAP: usize = 3;

/// A session in progress.
#[derive(Debug, Clone)]
pub struct Session {
    queue: VecDeque<Entry>,
    shown: usize,
}

impl Session {
    /// A session over a planned queue.
    pub fn new(entries: Vec<Entry>) -> Session {
        Session {
            queue: entries.into(),
            shown: 0,
        }
    }

    /// The next question, if any.
    pub fn next_entry(&mut self) -> Option<Entry> {
        let entry = self.queue.pop_front()?;
        self.shown += 1;
        Some(entry)
    }

    /// Records how an entry was answered: below 4, it comes back later
    /// today (SM-2 step 7), never straight after itself while another item
    /// waits.
    pub fn answered(&mut self, entry: Entry, grade: Quality) {
        if grade.value() < 4 {
            let at = REPEAT_GAP.min(self.queue.len());
            self.queue.insert(
                at,
                Entry {
                    new: false,
                    ..entry
                },
            );
        }
    }

    /// The question being shown (1-based) and the questions in all, as the
    /// queue stands now (`12/35`).
    pub fn position(&self) -> (usize, usize) {
        (self.shown, self.shown + self.queue.len())
    }

    /// Questions still waiting.
    pub fn remaining(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deckfile::parse_deck;
    use crate::model::DeckId;
    use crate::progress::{Mode, ReviewEvent};
    use crate::sched::{ReviewKind, Scheduler, Sm2};

    fn deck() -> Deck {
        parse_deck(
            r#"{"recall_deck": 1, "id": "d", "title": "D", "cards": [
            {"id": "a", "kind": "basic", "front": "A?", "back": "a", "reverse": true},
            {"id": "b", "kind": "cloze", "text": "{{c1::x}} {{c2::y}}"},
            {"id": "c", "kind": "date", "event": "C", "year": 1900},
            {"id": "e", "kind": "date", "event": "E", "year": 1901},
            {"id": "f", "kind": "date", "event": "F", "year": 1902}
        ]}"#,
        )
        .unwrap()
    }

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn answer(progress: &mut Progress, item: &str, grade: u8, on: &str) {
        let deck = DeckId::new("d").unwrap();
        let item = ItemId::parse(item).unwrap();
        let before = progress.get(&deck, &item).map(|r| r.state.clone());
        let q = Quality::try_from(grade).unwrap();
        let out = Sm2::default().review(before.as_ref(), q, day(on));
        progress.apply(&ReviewEvent {
            ts: "2026-01-01T12:00:00Z".parse().unwrap(),
            day: day(on),
            deck,
            item,
            grade: q,
            mode: Mode::Flip,
            kind: out.kind,
            response_ms: None,
            days_late: out.days_late,
            before,
            after: Some(out.after),
        });
        let _ = ReviewKind::Review;
    }

    fn rules(new_limit: u32) -> [DeckRules; 1] {
        [DeckRules {
            new_limit,
            exam: None,
        }]
    }

    fn ids(entries: &[Entry]) -> Vec<String> {
        entries.iter().map(|e| e.item.to_string()).collect()
    }

    #[test]
    fn new_items_respect_the_limit_and_keep_siblings_apart() {
        let decks = [deck()];
        let (entries, counts) = plan(&decks, &rules(20), &Progress::new(), day("2026-01-01"));
        // a#reverse and b#c2 wait: their siblings are introduced today.
        assert_eq!(ids(&entries), ["a", "b#c1", "c", "e", "f"]);
        assert_eq!(counts, PlanCounts { due: 0, new: 5 });
        let (entries, _) = plan(&decks, &rules(2), &Progress::new(), day("2026-01-01"));
        assert_eq!(ids(&entries), ["a", "b#c1"]);
    }

    #[test]
    fn items_introduced_today_count_against_the_limit() {
        let decks = [deck()];
        let mut p = Progress::new();
        answer(&mut p, "a", 5, "2026-01-01");
        answer(&mut p, "b#c1", 5, "2026-01-01");
        let (entries, _) = plan(&decks, &rules(3), &p, day("2026-01-01"));
        assert_eq!(ids(&entries), ["c"]);
        // The next day the siblings are free, and yesterday's items are due.
        let (entries, counts) = plan(&decks, &rules(3), &p, day("2026-01-02"));
        assert_eq!(counts, PlanCounts { due: 2, new: 3 });
        assert!(ids(&entries).contains(&"a#reverse".to_owned()));
        assert!(ids(&entries).contains(&"b#c2".to_owned()));
    }

    #[test]
    fn most_overdue_first_and_new_items_spread_among_reviews() {
        let decks = [deck()];
        let mut p = Progress::new();
        answer(&mut p, "c", 4, "2026-01-01"); // due 01-02
        answer(&mut p, "e", 4, "2026-01-03"); // due 01-04
        answer(&mut p, "f", 4, "2026-01-02"); // due 01-03
        let (entries, counts) = plan(&decks, &rules(1), &p, day("2026-01-05"));
        assert_eq!(counts, PlanCounts { due: 3, new: 1 });
        assert_eq!(ids(&entries), ["c", "a", "f", "e"]);
    }

    #[test]
    fn items_failed_today_come_back_in_a_later_session_today() {
        let decks = [deck()];
        let mut p = Progress::new();
        answer(&mut p, "c", 2, "2026-01-01");
        let (entries, counts) = plan(&decks, &rules(0), &p, day("2026-01-01"));
        assert_eq!(ids(&entries), ["c"]);
        assert_eq!(counts.due, 1);
        answer(&mut p, "c", 4, "2026-01-01");
        let (entries, _) = plan(&decks, &rules(0), &p, day("2026-01-01"));
        assert!(entries.is_empty());
    }

    #[test]
    fn before_an_exam_everything_learned_is_due_by_its_eve() {
        let decks = [deck()];
        let mut p = Progress::new();
        answer(&mut p, "c", 5, "2026-01-01");
        answer(&mut p, "c", 5, "2026-01-02"); // due 01-08
        let exam = |e: &str| {
            [DeckRules {
                new_limit: 0,
                exam: Some(day(e)),
            }]
        };
        let (entries, _) = plan(&decks, &exam("2026-01-06"), &p, day("2026-01-04"));
        assert!(entries.is_empty(), "the eve is 01-05");
        let (entries, _) = plan(&decks, &exam("2026-01-06"), &p, day("2026-01-05"));
        assert_eq!(ids(&entries), ["c"]);
        // Reviewed on the eve, it is not asked again that evening.
        answer(&mut p, "c", 5, "2026-01-05");
        let (entries, _) = plan(&decks, &exam("2026-01-06"), &p, day("2026-01-05"));
        assert!(entries.is_empty(), "{:?}", ids(&entries));
        // Past the exam, the schedule is SM-2's own again.
        let (entries, _) = plan(&decks, &exam("2026-01-06"), &p, day("2026-01-07"));
        assert!(entries.is_empty());
    }

    #[test]
    fn an_exam_raises_the_new_limit_to_finish_in_time() {
        let deck = deck();
        let p = Progress::new();
        // 7 items, 3 days left: 3 a day (more than the base of 2).
        let limit =
            |today: &str, base| new_limit_for_exam(&deck, &p, day(today), day("2026-01-04"), base);
        assert_eq!(limit("2026-01-01", 2), 3);
        assert_eq!(limit("2026-01-01", 5), 5);
        assert_eq!(limit("2026-01-05", 2), 2);
    }

    #[test]
    fn a_poor_answer_comes_back_but_not_twice_in_a_row() {
        let e = |i: &str| Entry {
            deck: 0,
            item: ItemId::parse(i).unwrap(),
            new: false,
        };
        let mut s = Session::new(vec![e("a"), e("c")]);
        let first = s.next_entry().unwrap();
        s.answered(first, Quality::try_from(1u8).unwrap());
        assert_eq!(s.position(), (1, 3));
        assert_eq!(s.next_entry().unwrap().item.to_string(), "c");
        let again = s.next_entry().unwrap();
        assert_eq!(again.item.to_string(), "a");
        // Alone in the queue, it comes straight back until it scores 4.
        s.answered(again, Quality::try_from(3u8).unwrap());
        let last = s.next_entry().unwrap();
        s.answered(last, Quality::try_from(4u8).unwrap());
        assert!(s.next_entry().is_none());
        assert_eq!(s.remaining(), 0);
    }
}
