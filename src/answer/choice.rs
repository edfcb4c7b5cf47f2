//! Multiple-choice options: plausible wrong answers around the right one.

use std::collections::HashSet;

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::model::{CardKind, Deck, Expected, ItemPart, StudyItem};

use super::normalize::normalize;

/// How many options a question shows when the deck has enough answers.
pub const OPTIONS: usize = 4;

/// Shifts tried for the wrong years of a year or range card.
const YEAR_SHIFTS: [i32; 12] = [-10, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 10];
/// Shifts tried for the wrong decades of a decade card.
const DECADE_SHIFTS: [i32; 6] = [-30, -20, -10, 10, 20, 30];

/// A multiple-choice question: four (or, for tiny decks, as many as exist)
/// distinct options, one right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceQuestion {
    /// The options in the order shown.
    pub options: Vec<String>,
    /// The index of the right option in `options`.
    pub correct: usize,
}

/// Builds the options for `item` of `deck`, deterministically from `rng`.
///
/// The right option is `item.expected().display()`, at a random position.
/// Wrong options are distinct from it and from each other after
/// [`normalize`], never one of the item's `accept` alternatives, and drawn
/// in this order of preference, each group shuffled:
///
/// 1. the card's own `distractors` (choice cards);
/// 2. for dates, nearby dates of the same shape (a year ±1–5 or ±10, a
///    range shifted as a whole, a decade ±10/20/30), never before year 1;
/// 3. answers of other cards of the same kind and direction, those sharing
///    a tag first, then those of the same section, then the rest;
/// 4. any other answer of the deck (text before dates).
///
/// Dates always get [`OPTIONS`] options. A text item in a deck without
/// enough other answers gets fewer, down to the right answer alone when
/// there is nothing else; callers should then ask for a typed answer.
pub fn choice_options(
    item: &StudyItem<'_>,
    deck: &Deck,
    rng: &mut impl rand::Rng,
) -> ChoiceQuestion {
    let expected = item.expected();
    let right = expected.display();

    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(key(&right));
    if let Expected::Text { accept, .. } = &expected {
        seen.extend(accept.iter().map(|a| key(a)));
    }
    let mut wrong: Vec<String> = Vec::with_capacity(OPTIONS - 1);
    let mut take = |mut group: Vec<String>| {
        group.shuffle(rng);
        for option in group {
            if wrong.len() == OPTIONS - 1 {
                break;
            }
            if !option.trim().is_empty() && seen.insert(key(&option)) {
                wrong.push(option);
            }
        }
    };

    if let CardKind::Choice { distractors, .. } = &item.card.kind {
        take(distractors.clone());
    }
    if let Expected::Year {
        year,
        end_year,
        approximate,
    } = expected
    {
        take(nearby_dates(year, end_year, approximate));
    }
    let (tagged, sectioned, same_kind, others) = deck_answers(item, deck);
    take(tagged);
    take(sectioned);
    take(same_kind);
    take(others);

    let correct = rng.random_range(0..=wrong.len());
    let mut options = wrong;
    options.insert(correct, right);
    ChoiceQuestion { options, correct }
}

/// What makes two options the same: their folded text, or the text itself
/// when it folds to nothing.
fn key(option: &str) -> String {
    let folded = normalize(option);
    if folded.is_empty() {
        option.trim().to_lowercase()
    } else {
        folded
    }
}

/// Dates near the right one, of the same shape, displayed as the right one is.
fn nearby_dates(year: u16, end_year: Option<u16>, approximate: bool) -> Vec<String> {
    let shifts: &[i32] = if approximate {
        &DECADE_SHIFTS
    } else {
        &YEAR_SHIFTS
    };
    shifts
        .iter()
        .filter_map(|shift| {
            let shifted = |y: u16| u16::try_from(i32::from(y) + shift).ok().filter(|y| *y >= 1);
            let year = shifted(year)?;
            let end_year = match end_year {
                Some(end) => Some(shifted(end)?),
                None => None,
            };
            Some(
                Expected::Year {
                    year,
                    end_year,
                    approximate,
                }
                .display(),
            )
        })
        .collect()
}

/// Which group of deck answers an item belongs to: the same card kind, and
/// for basic cards the same direction (a reversed card's answer is a front,
/// which would stand out among backs).
fn kind_of(item: &StudyItem<'_>) -> (&'static str, bool) {
    (
        item.card.kind.name(),
        matches!(item.part, ItemPart::Reverse),
    )
}

/// The answers of the deck's other cards, grouped by preference: same kind
/// sharing a tag, same kind in the same section, same kind, everything else
/// (text before dates).
fn deck_answers(
    item: &StudyItem<'_>,
    deck: &Deck,
) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let kind = kind_of(item);
    let card = item.card;
    let (mut tagged, mut sectioned, mut same_kind, mut text, mut dates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Other parts of the same card are left out: a cloze's other deletions
    // show in its prompt, and a reversed card's answer is the question.
    for other in deck.items().filter(|o| o.card.id != card.id) {
        let expected = other.expected();
        let answer = expected.display();
        if kind_of(&other) != kind {
            match expected {
                Expected::Text { .. } => text.push(answer),
                Expected::Year { .. } => dates.push(answer),
            }
        } else if other.card.tags.iter().any(|t| card.tags.contains(t)) {
            tagged.push(answer);
        } else if card.section.is_some() && other.card.section == card.section {
            sectioned.push(answer);
        } else {
            same_kind.push(answer);
        }
    }
    text.extend(dates);
    (tagged, sectioned, same_kind, text)
}

/// Parses a choice answer: "1"–"4" or "a"–"d" (case-insensitive, surrounding
/// spaces and a trailing "." or ")" ok) into an option index, given the
/// number of options.
pub fn parse_choice(input: &str, options: usize) -> Option<usize> {
    let trimmed = input.trim();
    let trimmed = trimmed
        .strip_suffix(['.', ')'])
        .unwrap_or(trimmed)
        .trim()
        .to_ascii_lowercase();
    let index = match trimmed.as_bytes() {
        [letter @ b'a'..=b'z'] => usize::from(letter - b'a'),
        digits if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            trimmed.parse::<usize>().ok()?.checked_sub(1)?
        }
        _ => return None,
    };
    (index < options).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::test_decks::{DECK, card, deck, deck_of, item};
    use crate::deckfile::parse_deck;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn ask(id: &str, seed: u64) -> ChoiceQuestion {
        let deck = deck(DECK);
        let item = item(&deck, id);
        choice_options(&item, &deck, &mut StdRng::seed_from_u64(seed))
    }

    fn assert_well_formed(q: &ChoiceQuestion, right: &str) {
        assert_eq!(q.options[q.correct], right);
        assert_eq!(q.options.iter().filter(|o| *o == right).count(), 1);
        let keys: HashSet<String> = q.options.iter().map(|o| key(o)).collect();
        assert_eq!(keys.len(), q.options.len(), "distinct: {:?}", q.options);
    }

    #[test]
    fn four_distinct_options_with_the_right_one_once() {
        for id in [
            "alliance-partner",
            "portsmouth-mediator",
            "portsmouth-cloze#c1",
            "laxman-hokkaido",
            "russo-japanese-war",
            "korea-decade",
            "dejima",
        ] {
            for seed in 0..20 {
                let q = ask(id, seed);
                let deck = deck(DECK);
                let right = item(&deck, id).expected().display();
                assert_eq!(q.options.len(), OPTIONS, "{id}: {:?}", q.options);
                assert_well_formed(&q, &right);
            }
        }
    }

    #[test]
    fn own_distractors_come_first() {
        for seed in 0..20 {
            let q = ask("alliance-partner", seed);
            let mut wrong: Vec<&str> = q
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != q.correct)
                .map(|(_, o)| o.as_str())
                .collect();
            wrong.sort_unstable();
            assert_eq!(wrong, ["France", "Germany", "United States"]);
        }
        // With fewer than three distractors the rest come from other choice
        // cards' answers before anything else.
        let q = ask("shabalin", 3);
        assert!(q.options.contains(&"Vitus Bering".to_string()));
        assert!(
            q.options.contains(&"Britain".to_string()),
            "{:?}",
            q.options
        );
    }

    #[test]
    fn date_options_are_nearby_dates_of_the_same_shape() {
        for seed in 0..30 {
            let q = ask("laxman-hokkaido", seed);
            assert_well_formed(&q, "1792");
            for o in &q.options {
                let y: u16 = o.parse().unwrap();
                assert!(y.abs_diff(1792) <= 10, "{o}");
            }
            let q = ask("russo-japanese-war", seed);
            assert_well_formed(&q, "1904–1905");
            for o in &q.options {
                let (a, b) = o.split_once('–').unwrap();
                let (a, b): (u16, u16) = (a.parse().unwrap(), b.parse().unwrap());
                assert_eq!(b - a, 1, "shifted as a whole: {o}");
                assert!(a.abs_diff(1904) <= 10, "{o}");
            }
            let q = ask("korea-decade", seed);
            assert_well_formed(&q, "the 1890s");
            for o in &q.options {
                let d: u16 = o
                    .strip_prefix("the ")
                    .and_then(|o| o.strip_suffix('s'))
                    .unwrap()
                    .parse()
                    .unwrap();
                assert_eq!(d % 10, 0);
                assert!(d.abs_diff(1890) <= 30, "{o}");
            }
        }
    }

    #[test]
    fn dates_near_year_one_never_go_before_it() {
        let deck = parse_deck(
            r#"{"recall_deck": 1, "id": "early", "title": "Early", "cards": [
                {"id": "one", "kind": "date", "event": "Year one", "year": 2},
                {"id": "decade", "kind": "date", "event": "Tens", "year": 10, "end_year": 19, "approximate": true}
            ]}"#,
        )
        .unwrap();
        for id in ["one", "decade"] {
            let item = item(&deck, id);
            for seed in 0..20 {
                let q = choice_options(&item, &deck, &mut StdRng::seed_from_u64(seed));
                assert_eq!(q.options.len(), OPTIONS, "{:?}", q.options);
                for o in &q.options {
                    let digits: String = o.chars().filter(char::is_ascii_digit).collect();
                    assert!(digits.parse::<u16>().unwrap() >= 1, "{o}");
                }
            }
        }
    }

    #[test]
    fn basic_answers_prefer_cards_sharing_a_tag_and_skip_alternatives() {
        for seed in 0..20 {
            let q = ask("portsmouth-mediator", seed);
            assert_well_formed(&q, "Theodore Roosevelt");
            // The basic backs sharing a tag fill the question; "Roosevelt"
            // shares one too but is an accepted alternative, so never wrong.
            let mut wrong: Vec<&str> = q
                .options
                .iter()
                .filter(|o| *o != "Theodore Roosevelt")
                .map(String::as_str)
                .collect();
            wrong.sort_unstable();
            assert_eq!(wrong, ["Adam Laxman", "Nikolai Rezanov", "Vasily Golovnin"]);
        }
    }

    #[test]
    fn same_seed_same_question_and_seeds_differ() {
        for id in ["alliance-partner", "laxman-hokkaido", "portsmouth-cloze#c1"] {
            assert_eq!(ask(id, 7), ask(id, 7));
            let distinct: HashSet<Vec<String>> = (0..20).map(|s| ask(id, s).options).collect();
            assert!(distinct.len() > 1, "{id}: every seed gave the same options");
            let positions: HashSet<usize> = (0..40).map(|s| ask(id, s).correct).collect();
            assert_eq!(positions.len(), OPTIONS, "{id}: the right option moves");
        }
    }

    #[test]
    fn tiny_decks_do_not_panic() {
        let single_date = parse_deck(
            r#"{"recall_deck": 1, "id": "tiny", "title": "Tiny", "cards": [
                {"id": "only", "kind": "date", "event": "Laxman", "year": 1792}
            ]}"#,
        )
        .unwrap();
        let q = choice_options(
            &item(&single_date, "only"),
            &single_date,
            &mut StdRng::seed_from_u64(1),
        );
        assert_eq!(q.options.len(), OPTIONS);
        assert_well_formed(&q, "1792");

        let single_text = parse_deck(
            r#"{"recall_deck": 1, "id": "tiny", "title": "Tiny", "cards": [
                {"id": "only", "kind": "basic", "front": "Island?", "back": "Dejima", "reverse": true}
            ]}"#,
        )
        .unwrap();
        let q = choice_options(
            &item(&single_text, "only"),
            &single_text,
            &mut StdRng::seed_from_u64(1),
        );
        assert_eq!(q.options, ["Dejima"], "nothing else to offer");
        assert_eq!(q.correct, 0);

        let two = parse_deck(
            r#"{"recall_deck": 1, "id": "tiny", "title": "Tiny", "cards": [
                {"id": "a", "kind": "basic", "front": "Island?", "back": "Dejima"},
                {"id": "b", "kind": "cloze", "text": "{{c1::Hakodate}} port"}
            ]}"#,
        )
        .unwrap();
        let q = choice_options(&item(&two, "a"), &two, &mut StdRng::seed_from_u64(1));
        assert_eq!(q.options.len(), 2);
        assert_well_formed(&q, "Dejima");

        // Decks built in code skip the checker: a distractor equal to the
        // answer must still not be offered.
        let choice = deck_of(vec![card(
            "c",
            CardKind::Choice {
                question: "Ally?".into(),
                answer: "Britain".into(),
                distractors: vec!["France".into(), "britain!".into(), " ".into()],
            },
        )]);
        let q = choice_options(&item(&choice, "c"), &choice, &mut StdRng::seed_from_u64(1));
        assert_eq!(
            q.options.len(),
            2,
            "a distractor equal to the answer is dropped"
        );
        assert_well_formed(&q, "Britain");
    }

    #[test]
    fn every_bundled_item_gets_four_well_formed_options() {
        for deck in crate::bundled::all() {
            for item in deck.items() {
                for seed in 0..5 {
                    let q = choice_options(&item, &deck, &mut StdRng::seed_from_u64(seed));
                    assert_eq!(q.options.len(), OPTIONS, "{}: {:?}", item.id(), q.options);
                    assert_well_formed(&q, &item.expected().display());
                }
            }
        }
    }

    #[test]
    fn parse_choice_reads_numbers_and_letters() {
        assert_eq!(parse_choice("1", 4), Some(0));
        assert_eq!(parse_choice(" 4 ", 4), Some(3));
        assert_eq!(parse_choice("b", 4), Some(1));
        assert_eq!(parse_choice("D", 4), Some(3));
        assert_eq!(parse_choice("c)", 4), Some(2));
        assert_eq!(parse_choice("2.", 4), Some(1));
        assert_eq!(parse_choice("5", 4), None);
        assert_eq!(parse_choice("e", 4), None);
        assert_eq!(parse_choice("0", 4), None);
        assert_eq!(parse_choice("3", 2), None);
        assert_eq!(parse_choice("", 4), None);
        assert_eq!(parse_choice("ab", 4), None);
        assert_eq!(parse_choice("-1", 4), None);
        assert_eq!(parse_choice("99999999999999999999999", 4), None);
        assert_eq!(parse_choice("é", 4), None);
    }

    proptest! {
        #[test]
        fn options_hold_the_right_answer_once_and_are_distinct(seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
            let deck = deck(DECK);
            let items: Vec<_> = deck.items().collect();
            let item = items[pick.index(items.len())];
            let q = choice_options(&item, &deck, &mut StdRng::seed_from_u64(seed));
            let right = item.expected().display();
            prop_assert_eq!(&q.options[q.correct], &right);
            prop_assert_eq!(q.options.iter().filter(|o| **o == right).count(), 1);
            let keys: HashSet<String> = q.options.iter().map(|o| key(o)).collect();
            prop_assert_eq!(keys.len(), q.options.len());
            prop_assert!(q.options.len() >= 2 && q.options.len() <= OPTIONS);
        }

        #[test]
        fn any_date_gets_four_distinct_options(year in any::<u16>(), len in proptest::option::of(0u16..100), approx in any::<bool>(), seed in any::<u64>()) {
            let end = len.and_then(|l| year.checked_add(l));
            // Built in code, so years the checker refuses (0, past 9999) are
            // tried too.
            let deck = deck_of(vec![card("x", CardKind::Date { event: "E".into(), year, end_year: end, approximate: approx })]);
            {
                let item = item(&deck, "x");
                let q = choice_options(&item, &deck, &mut StdRng::seed_from_u64(seed));
                let right = item.expected().display();
                prop_assert_eq!(&q.options[q.correct], &right);
                let keys: HashSet<String> = q.options.iter().map(|o| key(o)).collect();
                prop_assert_eq!(keys.len(), q.options.len());
                prop_assert_eq!(q.options.len(), OPTIONS);
            }
        }
    }
}
