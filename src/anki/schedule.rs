//! Anki's scheduling ↔ SM-2 states.
//!
//! Import (`--with-progress`): every Anki answer in the review log becomes a
//! review event, so `recall stats` sees the history. The first answer of a
//! study day is a counted review, later ones that day are same-day repeats
//! (as SM-2 step 7 has it). Each event's state carries Anki's own numbers
//! after that answer (interval, ease → EF, lapses as Anki counts them); the
//! last counted review carries the card's current Anki scheduling, which is
//! what the learner continues from:
//!
//! - interval = `ivl` days (at least 1); EF = `factor` / 10 hundredths,
//!   floored at 1.30 (2.50 for cards that never graduated);
//! - due = Anki's due day (for review cards, days since the collection's
//!   creation day), never before the day after the last review;
//! - lapses = Anki's lapse count;
//! - repetitions = successful counted reviews in a row at the end of the
//!   log, and at least 2 for cards in Anki's review queue, so that the next
//!   SM-2 interval grows from Anki's interval (SM-2 gives 1 and 6 days to
//!   repetitions 0 and 1 whatever the interval was). Cards in (re)learning
//!   start again at 0, as SM-2 does after a failure.
//!
//! Buttons map to SM-2 grades as again 1, hard 3, good 4, easy 5 (for the
//! v1 scheduler's three-button learning steps: again 1, good 4, easy 5).
//! A reviewed card without any log entry gets one event, on the day Anki
//! last changed it.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use super::collection::{Card as AnkiCard, Collection, Revlog};
use super::convert::Converted;
use crate::model::{DeckId, ItemId, Quality};
use crate::progress::{Mode, ReviewEvent};
use crate::sched::{Day, DayCutoff, Easiness, ReviewKind, Sm2State, civil_day};

/// How Anki's times and day numbers become recall days.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: TimeZone,
    cutoff: DayCutoff,
    /// Anki's day 0: the collection's creation day.
    created: Day,
}

fn fixed(minutes_west: i32) -> Option<TimeZone> {
    Offset::from_seconds(minutes_west.checked_mul(-60)?)
        .ok()
        .map(TimeZone::fixed)
}

impl Calendar {
    /// The calendar of a collection: the time zone it was last used in and
    /// its day rollover (04:00 unless set). Anki records the zone
    /// (`localOffset`) whenever it differs from UTC, so a collection without
    /// one was used in UTC; this also makes an import independent of the
    /// machine that does it.
    pub fn of(col: &Collection) -> Calendar {
        let hour = col.rollover.and_then(|h| u8::try_from(h).ok()).unwrap_or(4);
        let cutoff = DayCutoff::new(hour).unwrap_or_default();
        let tz = col.local_offset.and_then(fixed).unwrap_or(TimeZone::UTC);
        let crt = Timestamp::from_second(col.crt).unwrap_or(Timestamp::UNIX_EPOCH);
        // Anki's own rule: with a recorded creation offset, day 0 is the
        // local day (after rollover) of the creation; without one (older
        // collections, genanki), it is the local date of `crt`.
        let created = match col.creation_offset.and_then(fixed) {
            Some(created_tz) => civil_day(crt, &created_tz, cutoff),
            None => Day::from_date(tz.to_datetime(crt).date()),
        };
        Calendar {
            tz,
            cutoff,
            created,
        }
    }

    fn day(&self, ts: Timestamp) -> Day {
        civil_day(ts, &self.tz, self.cutoff)
    }

    /// The day a card is due, from its `due` (or `odue` in a filtered deck).
    fn due(&self, card: &AnkiCard) -> Option<Day> {
        let due = if card.original_deck != 0 && card.original_due != 0 {
            card.original_due
        } else {
            card.due
        };
        // Review cards count days from the creation day; learning cards due
        // within a day hold a timestamp in seconds.
        if card.ctype == 2 || due < 1_000_000_000 {
            Some(self.created.plus(due))
        } else {
            Timestamp::from_second(due).ok().map(|ts| self.day(ts))
        }
    }
}

/// The SM-2 grade of an Anki answer, or `None` for entries that are not
/// answers (manual rescheduling).
fn grade(entry: &Revlog, sched_ver: i64) -> Option<Quality> {
    if entry.kind >= 4 {
        return None;
    }
    let three_buttons = sched_ver == 1 && matches!(entry.kind, 0 | 2);
    let q: u8 = match (entry.ease, three_buttons) {
        (1, _) => 1,
        (2, true) => 4,
        (3, true) => 5,
        (2, false) => 3,
        (3, false) => 4,
        (4, _) => 5,
        _ => return None,
    };
    Quality::try_from(q).ok()
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn easiness(factor: i64) -> Option<Easiness> {
    (factor > 0).then(|| Easiness::from_hundredths(u16::try_from(factor / 10).unwrap_or(u16::MAX)))
}

/// The review events that carry the collection's scheduling into `deck`'s
/// items, oldest first, with warnings about what could not be carried.
pub fn events(
    col: &Collection,
    converted: &Converted,
    deck: &DeckId,
    warnings: &mut Vec<String>,
) -> Vec<ReviewEvent> {
    let calendar = Calendar::of(col);
    let mut log: HashMap<i64, Vec<&Revlog>> = HashMap::new();
    for entry in &col.revlog {
        log.entry(entry.card).or_default().push(entry);
    }
    let mut events = Vec::new();
    let (mut suspended, mut unmapped, mut no_history, mut undated) = (0, 0, 0, 0);
    for card in &col.cards {
        if card.ctype == 0 {
            continue; // new in Anki: nothing to carry.
        }
        let Some(mapped) = converted.notes.get(&card.note) else {
            continue; // its note was not imported (and a warning says why).
        };
        let Some(part) = mapped.shape.item(card.ord) else {
            unmapped += 1;
            continue;
        };
        let item = ItemId::new(mapped.card.clone(), part);
        if card.queue < 0 {
            suspended += 1;
        }
        let entries = log.get(&card.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut card_events = history(entries, col.sched_ver, &calendar, deck, &item);
        if card_events.is_empty() {
            let Some(ts) = Timestamp::from_second(card.modified)
                .ok()
                .filter(|_| card.modified > 0)
            else {
                undated += 1;
                continue;
            };
            no_history += 1;
            let grade: u8 = if card.ctype == 2 { 4 } else { 1 };
            card_events.push(ReviewEvent {
                ts,
                day: calendar.day(ts),
                deck: deck.clone(),
                item: item.clone(),
                grade: Quality::try_from(grade).unwrap_or(Quality::BLACKOUT),
                mode: Mode::Script,
                kind: ReviewKind::Review,
                response_ms: None,
                days_late: 0,
                before: None,
                after: None,
            });
        }
        settle(&mut card_events, card, &calendar);
        events.extend(card_events);
    }
    if suspended > 0 {
        warnings.push(format!(
            "{suspended} card{} suspended or buried in Anki; recall schedules {} like any other",
            if suspended == 1 { " was" } else { "s were" },
            if suspended == 1 { "it" } else { "them" },
        ));
    }
    if unmapped > 0 {
        warnings.push(format!(
            "{unmapped} reviewed Anki card{} no matching study item (a template or cloze number \
             the note no longer uses); {} progress was left out",
            if unmapped == 1 { " has" } else { "s have" },
            if unmapped == 1 { "its" } else { "their" },
        ));
    }
    if no_history > 0 {
        warnings.push(format!(
            "{no_history} reviewed card{} no review history in the package; recall records one \
             review for each, on the day Anki last changed it",
            if no_history == 1 { " has" } else { "s have" },
        ));
    }
    if undated > 0 {
        warnings.push(format!(
            "{undated} reviewed card{} neither a review history nor a modification time; \
             {} start as new",
            if undated == 1 { " has" } else { "s have" },
            if undated == 1 { "it will" } else { "they will" },
        ));
    }
    events.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.item.cmp(&b.item)));
    events
}

/// One event per Anki answer of the card, with states from Anki's numbers.
fn history(
    entries: &[&Revlog],
    sched_ver: i64,
    calendar: &Calendar,
    deck: &DeckId,
    item: &ItemId,
) -> Vec<ReviewEvent> {
    let mut events: Vec<ReviewEvent> = Vec::new();
    let mut state: Option<Sm2State> = None;
    let mut run = 0u32;
    let mut lapses = 0u32;
    for entry in entries {
        let Some(q) = grade(entry, sched_ver) else {
            continue;
        };
        let Ok(ts) = Timestamp::from_millisecond(entry.id) else {
            continue;
        };
        let day = calendar.day(ts);
        let (kind, after, days_late) = match &state {
            // Anki's log is in time order; an entry dated before the last
            // counted review (a clock set back) is a repeat, as in SM-2.
            Some(s) if day <= s.last_review => (
                ReviewKind::Repeat,
                Sm2State {
                    repeat_pending: q.value() < 4,
                    ..s.clone()
                },
                0,
            ),
            _ => {
                run = if q.is_correct() {
                    run.saturating_add(1)
                } else {
                    0
                };
                if entry.kind == 1 && entry.ease == 1 {
                    lapses = lapses.saturating_add(1);
                }
                let interval = if entry.ivl > 0 { to_u32(entry.ivl) } else { 1 };
                let easiness = easiness(entry.factor)
                    .or(state.as_ref().map(|s| s.easiness))
                    .unwrap_or(Easiness::INITIAL);
                let after = Sm2State {
                    repetitions: run,
                    easiness,
                    interval,
                    due: day.plus(i64::from(interval)),
                    last_review: day,
                    lapses,
                    repeat_pending: q.value() < 4,
                };
                let late = state.as_ref().map_or(0, |s| day.since(s.due));
                (ReviewKind::Review, after, late)
            }
        };
        events.push(ReviewEvent {
            ts,
            day,
            deck: deck.clone(),
            item: item.clone(),
            grade: q,
            mode: Mode::Script,
            kind,
            response_ms: u32::try_from(entry.time).ok().filter(|&ms| ms > 0),
            days_late,
            before: state.clone(),
            after: Some(after.clone()),
        });
        state = Some(after);
    }
    events
}

/// Puts the card's current Anki scheduling on its last counted review (and
/// carries it through that day's repeats).
fn settle(events: &mut [ReviewEvent], card: &AnkiCard, calendar: &Calendar) {
    let Some(last) = events.iter().rposition(|e| e.kind == ReviewKind::Review) else {
        return;
    };
    let review = &events[last];
    let previous = review.after.as_ref();
    let day = review.day;
    let in_review = card.ctype == 2;
    let repetitions = if in_review {
        previous.map_or(0, |s| s.repetitions).max(2)
    } else {
        0
    };
    let interval = to_u32(card.ivl).max(1);
    let easiness = easiness(card.factor)
        .or(previous.map(|s| s.easiness))
        .unwrap_or(Easiness::INITIAL);
    let due = calendar
        .due(card)
        .unwrap_or(day.plus(i64::from(interval)))
        .max(day.plus(1));
    let settled = Sm2State {
        repetitions,
        easiness,
        interval,
        due,
        last_review: day,
        lapses: to_u32(card.lapses),
        repeat_pending: review.grade.value() < 4,
    };
    events[last].after = Some(settled.clone());
    for i in last + 1..events.len() {
        let before = events[i - 1].after.clone();
        events[i].before = before;
        events[i].after = Some(Sm2State {
            repeat_pending: events[i].grade.value() < 4,
            ..settled.clone()
        });
    }
}

/// Anki's view of a recall item: what the exporter writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiSchedule {
    /// Days from the collection's creation day.
    pub due: i64,
    pub ivl: i64,
    /// EF × 1000 (permille).
    pub factor: i64,
    pub reps: i64,
    pub lapses: i64,
}

/// The Anki scheduling of an SM-2 state, with `created` as Anki's day 0.
pub fn to_anki(state: &Sm2State, reviews: u32, created: Day) -> AnkiSchedule {
    AnkiSchedule {
        due: i64::from(state.due.since(created)),
        ivl: i64::from(state.interval.max(1)),
        factor: i64::from(state.easiness.hundredths()) * 10,
        reps: i64::from(reviews.max(1)),
        lapses: i64::from(state.lapses),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::collection::Collection;
    use crate::anki::convert::{Mapped, Shape};
    use crate::model::CardId;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    /// A UTC collection created on 2026-01-01 (04:00, Anki's day start).
    fn utc_collection() -> Collection {
        Collection {
            schema: 18,
            crt: 1_767_240_000,
            sched_ver: 2,
            creation_offset: Some(0),
            local_offset: Some(0),
            rollover: Some(4),
            ..Collection::default()
        }
    }

    fn card(ctype: i64, queue: i64, due: i64, ivl: i64, factor: i64) -> AnkiCard {
        AnkiCard {
            id: 100,
            note: 10,
            deck: 1,
            ord: 0,
            modified: 1_767_600_000,
            ctype,
            queue,
            due,
            ivl,
            factor,
            lapses: 1,
            original_due: 0,
            original_deck: 0,
        }
    }

    fn entry(at: &str, ease: i64, ivl: i64, factor: i64, kind: i64) -> Revlog {
        Revlog {
            id: at.parse::<Timestamp>().unwrap().as_millisecond(),
            card: 100,
            ease,
            ivl,
            factor,
            time: 5_000,
            kind,
        }
    }

    fn converted() -> Converted {
        Converted {
            deck: crate::model::Deck {
                id: DeckId::new("d").unwrap(),
                title: "d".into(),
                version: None,
                description: None,
                author: None,
                source: None,
                language: None,
                cards: vec![],
            },
            warnings: vec![],
            media: vec![],
            notes: HashMap::from([(
                10,
                Mapped {
                    card: CardId::new("c").unwrap(),
                    shape: Shape::Basic { reverse: false },
                },
            )]),
        }
    }

    #[test]
    fn the_calendar_follows_the_collection() {
        let col = utc_collection();
        let cal = Calendar::of(&col);
        assert_eq!(cal.created, day("2026-01-01"));
        assert_eq!(cal.due(&card(2, 2, 10, 5, 2500)), Some(day("2026-01-11")));
        // A learning card due within the day holds a timestamp.
        let learning = card(1, 1, 1_767_700_000, 0, 0);
        assert_eq!(cal.due(&learning), Some(day("2026-01-06")));
        // Tokyo (9 hours east: -540 minutes west): 2025-12-31T19:00Z is 04:00 on the 1st.
        let tokyo = Collection {
            crt: 1_767_207_600,
            creation_offset: Some(-540),
            local_offset: Some(-540),
            ..utc_collection()
        };
        assert_eq!(Calendar::of(&tokyo).created, day("2026-01-01"));
        // Without a creation offset, the local date of crt.
        let legacy = Collection {
            creation_offset: None,
            ..utc_collection()
        };
        assert_eq!(Calendar::of(&legacy).created, day("2026-01-01"));
    }

    #[test]
    fn buttons_become_grades() {
        let e = |ease, kind| entry("2026-01-02T10:00:00Z", ease, 1, 2500, kind);
        let g = |r: &Revlog, v| grade(r, v).map(Quality::value);
        assert_eq!(g(&e(1, 1), 2), Some(1));
        assert_eq!(g(&e(2, 1), 2), Some(3));
        assert_eq!(g(&e(3, 1), 2), Some(4));
        assert_eq!(g(&e(4, 1), 2), Some(5));
        assert_eq!(g(&e(2, 0), 1), Some(4));
        assert_eq!(g(&e(3, 0), 1), Some(5));
        assert_eq!(g(&e(2, 1), 1), Some(3));
        assert_eq!(g(&e(0, 4), 2), None);
        assert_eq!(g(&e(3, 5), 2), None);
        assert_eq!(g(&e(9, 1), 2), None);
    }

    #[test]
    fn a_review_card_carries_its_anki_schedule() {
        let mut col = utc_collection();
        // Learnt on 01-02 (again, good, good), reviewed on 01-03 and 01-07.
        col.revlog = vec![
            entry("2026-01-02T10:00:00Z", 1, -60, 0, 0),
            entry("2026-01-02T10:01:00Z", 3, -600, 0, 0),
            entry("2026-01-02T10:11:00Z", 3, 1, 2500, 0),
            entry("2026-01-03T09:00:00Z", 3, 4, 2500, 1),
            entry("2026-01-07T09:00:00Z", 4, 12, 2650, 1),
        ];
        col.cards = vec![card(2, 2, 18, 12, 2650)];
        let mut warnings = vec![];
        let deck = DeckId::new("d").unwrap();
        let events = events(&col, &converted(), &deck, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let kinds: Vec<ReviewKind> = events.iter().map(|e| e.kind).collect();
        use ReviewKind::{Repeat, Review};
        assert_eq!(kinds, [Review, Repeat, Repeat, Review, Review]);
        assert_eq!(events[0].before, None);
        assert_eq!(events[0].grade.value(), 1);
        assert_eq!(events[0].response_ms, Some(5_000));
        for pair in events.windows(2) {
            assert_eq!(pair[1].before, pair[0].after);
        }
        let third = events[3].after.as_ref().unwrap();
        assert_eq!((third.interval, third.repetitions), (4, 1));
        assert_eq!(events[3].days_late, 0);
        let last = events.last().unwrap();
        assert_eq!(last.day, day("2026-01-07"));
        assert_eq!(last.mode, Mode::Script);
        let s = last.after.as_ref().unwrap();
        assert_eq!(s.interval, 12);
        assert_eq!(s.easiness.hundredths(), 265);
        assert_eq!(s.due, day("2026-01-19"));
        assert_eq!(s.last_review, day("2026-01-07"));
        assert_eq!(s.lapses, 1);
        assert_eq!(s.repetitions, 2);
        assert!(!s.repeat_pending);
    }

    #[test]
    fn cards_in_relearning_start_over_and_lapses_come_from_anki() {
        let mut col = utc_collection();
        col.revlog = vec![
            entry("2026-01-03T09:00:00Z", 3, 4, 2500, 1),
            entry("2026-01-07T09:00:00Z", 1, -600, 2300, 1),
        ];
        let mut relearning = card(3, 1, 1_767_780_000, 1, 2300);
        relearning.lapses = 3;
        col.cards = vec![relearning];
        let mut warnings = vec![];
        let events = events(
            &col,
            &converted(),
            &DeckId::new("d").unwrap(),
            &mut warnings,
        );
        let s = events.last().unwrap().after.as_ref().unwrap();
        assert_eq!(s.repetitions, 0);
        assert_eq!(s.lapses, 3);
        assert_eq!(s.easiness.hundredths(), 230);
        assert!(s.repeat_pending);
        // Due later the same day in Anki: the day after, for SM-2.
        assert_eq!(s.due, day("2026-01-08"));
    }

    #[test]
    fn ease_is_floored_and_cards_without_history_get_one_event() {
        let mut col = utc_collection();
        col.cards = vec![card(2, -1, 10, 3, 1000)];
        let mut warnings = vec![];
        let events = events(
            &col,
            &converted(),
            &DeckId::new("d").unwrap(),
            &mut warnings,
        );
        assert_eq!(events.len(), 1);
        let s = events[0].after.as_ref().unwrap();
        assert_eq!(s.easiness, Easiness::MIN);
        assert_eq!(s.repetitions, 2);
        assert_eq!(events[0].kind, ReviewKind::Review);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn states_become_anki_numbers() {
        let state = Sm2State {
            repetitions: 3,
            easiness: Easiness::from_hundredths(236),
            interval: 15,
            due: day("2026-02-10"),
            last_review: day("2026-01-26"),
            lapses: 2,
            repeat_pending: false,
        };
        let a = to_anki(&state, 7, day("2026-01-01"));
        assert_eq!(
            a,
            AnkiSchedule {
                due: 40,
                ivl: 15,
                factor: 2360,
                reps: 7,
                lapses: 2
            }
        );
    }
}
