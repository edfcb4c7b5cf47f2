//! Timeline questions: put a few dated events in order.

use std::collections::HashSet;

use rand::seq::SliceRandom;

use crate::model::{CardKind, Deck, ItemId, Quality};

/// Dated events to put in order, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The events in the order shown (never already earliest first).
    pub events: Vec<TimelineEvent>,
}

/// One event of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// The date item the event comes from.
    pub item: ItemId,
    /// The event, without its year.
    pub text: String,
    /// The start year, which orders the events.
    pub year: u16,
    /// The date as displayed ("1792", "1904–1905", "the 1890s").
    pub when: String,
}

/// Picks `count` date items of `deck` (optionally restricted to `pool`, a
/// list of item ids) with distinct start years, in a shuffled order that is
/// not already sorted; `None` if fewer than `count` exist, or if `count` is
/// below 2 (one event has no order to ask about).
pub fn timeline(
    deck: &Deck,
    pool: Option<&[ItemId]>,
    count: usize,
    rng: &mut impl rand::Rng,
) -> Option<Timeline> {
    if count < 2 {
        return None;
    }
    let allowed: Option<HashSet<&ItemId>> = pool.map(|p| p.iter().collect());
    let mut candidates: Vec<TimelineEvent> = deck
        .items()
        .filter_map(|item| {
            let CardKind::Date { event, year, .. } = &item.card.kind else {
                return None;
            };
            let id = item.id();
            if allowed.as_ref().is_some_and(|a| !a.contains(&id)) {
                return None;
            }
            Some(TimelineEvent {
                item: id,
                text: event.clone(),
                year: *year,
                when: item.expected().display(),
            })
        })
        .collect();
    candidates.shuffle(rng);

    let mut years = HashSet::new();
    let mut events: Vec<TimelineEvent> = candidates
        .into_iter()
        .filter(|e| years.insert(e.year))
        .take(count)
        .collect();
    if events.len() < count {
        return None;
    }
    // The shuffle left them in random order; a sorted one would give the
    // answer away, and with distinct years a rotation is never sorted.
    if events.is_sorted_by_key(|e| e.year) {
        events.rotate_left(1);
    }
    Some(Timeline { events })
}

/// Parses an order like "3 1 4 2", "3142" or "3,1,4,2": a permutation of
/// 1..=n (positions in the shown list, earliest event first), returned as
/// 0-based indices. `None` if it is not a permutation. Digits without
/// separators are read one per position, so only when n ≤ 9.
pub fn parse_order(input: &str, n: usize) -> Option<Vec<usize>> {
    let tokens: Vec<&str> = input
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '-' | '>' | '/' | '.'))
        .filter(|t| !t.is_empty())
        .collect();
    let numbers: Vec<usize> = match tokens.as_slice() {
        [run] if n > 1 && n <= 9 && run.len() == n => run
            .chars()
            .map(|c| c.to_digit(10).and_then(|d| usize::try_from(d).ok()))
            .collect::<Option<_>>()?,
        _ => tokens
            .iter()
            .map(|t| {
                if t.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse().ok()
                } else {
                    None
                }
            })
            .collect::<Option<_>>()?,
    };
    if numbers.len() != n {
        return None;
    }
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for number in numbers {
        let index = number.checked_sub(1).filter(|i| *i < n)?;
        if std::mem::replace(&mut seen[index], true) {
            return None;
        }
        order.push(index);
    }
    Some(order)
}

/// How many of the n·(n−1)/2 pairs the given order (0-based indices into
/// the shown events, earliest first) puts right, and the total. An order
/// that is not a permutation of the events gets no pair right.
pub fn pairs_in_order(timeline: &Timeline, order: &[usize]) -> (usize, usize) {
    let n = timeline.events.len();
    let total = n * n.saturating_sub(1) / 2;
    let mut seen = vec![false; n];
    let is_permutation = order.len() == n
        && order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
    if !is_permutation {
        return (0, total);
    }
    let years: Vec<u16> = order.iter().map(|&i| timeline.events[i].year).collect();
    let right = years
        .iter()
        .enumerate()
        .map(|(i, a)| years[i + 1..].iter().filter(|b| a < *b).count())
        .sum();
    (right, total)
}

/// The grade of a timeline answer: all pairs 5; at least 5/6 of pairs 3; at
/// least half 2; else 1. A timeline without pairs counts as all right.
pub fn timeline_grade(right: usize, total: usize) -> Quality {
    let grade: u8 = if right >= total {
        5
    } else if right * 6 >= total * 5 {
        3
    } else if right * 2 >= total {
        2
    } else {
        1
    };
    // Every grade above is 1–5, so the fallback is never taken.
    Quality::try_from(grade).unwrap_or(Quality::BLACKOUT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::test_decks::{DECK, deck};
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pick(seed: u64) -> Timeline {
        timeline(&deck(DECK), None, 4, &mut StdRng::seed_from_u64(seed)).unwrap()
    }

    fn shown(years: &[u16]) -> Timeline {
        Timeline {
            events: years
                .iter()
                .map(|&year| TimelineEvent {
                    item: ItemId::parse("e").unwrap(),
                    text: format!("event of {year}"),
                    year,
                    when: year.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn four_events_with_distinct_years_not_already_sorted() {
        let deck = deck(DECK);
        let mut orders = HashSet::new();
        for seed in 0..50 {
            let t = pick(seed);
            assert_eq!(t.events.len(), 4);
            let years: HashSet<u16> = t.events.iter().map(|e| e.year).collect();
            assert_eq!(years.len(), 4, "{t:?}");
            assert!(!t.events.is_sorted_by_key(|e| e.year), "{t:?}");
            for e in &t.events {
                let item = deck.item(&e.item).unwrap();
                assert_eq!(e.when, item.expected().display());
                assert!(!e.text.contains(&e.year.to_string()), "{}", e.text);
            }
            orders.insert(t.events.iter().map(|e| e.item.clone()).collect::<Vec<_>>());
        }
        assert!(orders.len() > 10, "seeds pick different events");
        assert_eq!(pick(9), pick(9));
    }

    #[test]
    fn the_war_and_the_decade_show_their_full_dates() {
        let events: Vec<TimelineEvent> = (0..50).flat_map(|s| pick(s).events).collect();
        let war = events
            .iter()
            .find(|e| e.item.to_string() == "russo-japanese-war")
            .unwrap();
        assert_eq!((war.year, war.when.as_str()), (1904, "1904–1905"));
        let korea = events
            .iter()
            .find(|e| e.item.to_string() == "korea-decade")
            .unwrap();
        assert_eq!(korea.when, "the 1890s");
    }

    #[test]
    fn a_pool_restricts_the_events_and_too_few_give_none() {
        let deck = deck(DECK);
        let pool: Vec<ItemId> = [
            "laxman-hokkaido",
            "rezanov-date",
            "golovnin-date",
            "alliance-date",
            "dejima",
        ]
        .iter()
        .map(|id| ItemId::parse(id).unwrap())
        .collect();
        for seed in 0..20 {
            let t = timeline(&deck, Some(&pool), 4, &mut StdRng::seed_from_u64(seed)).unwrap();
            let mut ids: Vec<String> = t.events.iter().map(|e| e.item.to_string()).collect();
            ids.sort();
            assert_eq!(
                ids,
                [
                    "alliance-date",
                    "golovnin-date",
                    "laxman-hokkaido",
                    "rezanov-date"
                ]
            );
        }
        // 1905 twice: the war starts in 1904, but the two 1905 cards count once.
        let same_year: Vec<ItemId> = ["portsmouth-date", "laxman-hokkaido", "rezanov-date"]
            .iter()
            .map(|id| ItemId::parse(id).unwrap())
            .collect();
        let mut rng = StdRng::seed_from_u64(1);
        assert!(timeline(&deck, Some(&same_year), 4, &mut rng).is_none());
        assert!(timeline(&deck, Some(&same_year), 3, &mut rng).is_some());
        assert!(
            timeline(&deck, None, 8, &mut rng).is_none(),
            "seven distinct years"
        );
        assert!(timeline(&deck, None, 7, &mut rng).is_some());
        assert!(timeline(&deck, None, 1, &mut rng).is_none());
        assert!(timeline(&deck, Some(&[]), 2, &mut rng).is_none());
    }

    #[test]
    fn events_sharing_a_year_count_once() {
        let deck = crate::answer::test_decks::deck(
            r#"{"recall_deck": 1, "id": "same", "title": "Same", "cards": [
                {"id": "a", "kind": "date", "event": "A", "year": 1905},
                {"id": "b", "kind": "date", "event": "B", "year": 1905, "end_year": 1906},
                {"id": "c", "kind": "date", "event": "C", "year": 1902},
                {"id": "d", "kind": "date", "event": "D", "year": 1904}
            ]}"#,
        );
        let mut rng = StdRng::seed_from_u64(3);
        assert!(timeline(&deck, None, 4, &mut rng).is_none());
        let t = timeline(&deck, None, 3, &mut rng).unwrap();
        let mut years: Vec<u16> = t.events.iter().map(|e| e.year).collect();
        years.sort_unstable();
        assert_eq!(years, [1902, 1904, 1905]);
    }

    #[test]
    fn parse_order_reads_common_forms() {
        let expected = Some(vec![2, 0, 3, 1]);
        for input in [
            "3 1 4 2",
            "3142",
            "3,1,4,2",
            " 3, 1, 4, 2 ",
            "3-1-4-2",
            "3;1;4;2",
        ] {
            assert_eq!(parse_order(input, 4), expected, "{input:?}");
        }
        assert_eq!(parse_order("1 2", 2), Some(vec![0, 1]));
        let ten = "10 9 8 7 6 5 4 3 2 1";
        assert_eq!(parse_order(ten, 10), Some((0..10).rev().collect()));
    }

    #[test]
    fn parse_order_rejects_what_is_not_a_permutation() {
        for input in [
            "3 1 4 4", // duplicate
            "3 1 5 2", // out of range
            "0 1 2 3", // positions start at 1
            "3 1 4",   // too few
            "3 1 4 2 5",
            "314",
            "31420",
            "",
            "a b c d",
            "3 1 4 x",
            "-3 1 4 2 x",
            "99999999999999999999999 1 2 3",
        ] {
            assert_eq!(parse_order(input, 4), None, "{input:?}");
        }
        // Without separators the digits are single positions.
        assert_eq!(parse_order("12345678910", 10), None);
    }

    #[test]
    fn pairs_are_counted_on_a_known_example() {
        // Shown: 1905, 1792, 1904, 1811. Right order: 2 4 3 1.
        let t = shown(&[1905, 1792, 1904, 1811]);
        assert_eq!(pairs_in_order(&t, &[1, 3, 2, 0]), (6, 6));
        // 1792, 1904, 1811, 1905: only 1904/1811 is swapped.
        assert_eq!(pairs_in_order(&t, &[1, 2, 3, 0]), (5, 6));
        // Exactly backwards.
        assert_eq!(pairs_in_order(&t, &[0, 2, 3, 1]), (0, 6));
        // As shown: 1905 before all (0 right), 1792<1904, 1792<1811, 1904>1811.
        assert_eq!(pairs_in_order(&t, &[0, 1, 2, 3]), (2, 6));
        // Not a permutation: nothing right, and no panic.
        assert_eq!(pairs_in_order(&t, &[1, 1, 2, 0]), (0, 6));
        assert_eq!(pairs_in_order(&t, &[1, 3, 2, 9]), (0, 6));
        assert_eq!(pairs_in_order(&t, &[1, 3, 2]), (0, 6));
    }

    #[test]
    fn grades_follow_the_share_of_pairs() {
        let grade = |right, total| timeline_grade(right, total).value();
        assert_eq!(grade(6, 6), 5);
        assert_eq!(grade(5, 6), 3);
        assert_eq!(grade(4, 6), 2);
        assert_eq!(grade(3, 6), 2);
        assert_eq!(grade(2, 6), 1);
        assert_eq!(grade(0, 6), 1);
        assert_eq!(grade(10, 10), 5);
        assert_eq!(grade(9, 10), 3);
        assert_eq!(grade(8, 10), 2, "8/10 is below 5/6");
        assert_eq!(grade(0, 0), 5);
    }

    proptest! {
        #[test]
        fn parse_order_never_panics_and_returns_permutations(input in "\\PC{0,20}", n in 0usize..12) {
            if let Some(order) = parse_order(&input, n) {
                let mut sorted = order.clone();
                sorted.sort_unstable();
                prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
            }
        }

        #[test]
        fn the_sorted_order_gets_every_pair(seed in any::<u64>(), count in 2usize..=7) {
            let t = timeline(&deck(DECK), None, count, &mut StdRng::seed_from_u64(seed)).unwrap();
            let mut order: Vec<usize> = (0..count).collect();
            order.sort_by_key(|&i| t.events[i].year);
            let (right, total) = pairs_in_order(&t, &order);
            prop_assert_eq!(right, total);
            prop_assert_eq!(timeline_grade(right, total).value(), 5);
            prop_assert!(!t.events.is_sorted_by_key(|e| e.year));
        }
    }
}
