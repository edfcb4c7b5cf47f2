//! The bundled decks: valid, and covering every year of the source document.

use std::collections::BTreeSet;

use assert_cmd::Command;
use recall::bundled;
use recall::model::CardKind;

#[test]
fn the_bundled_deck_files_pass_deck_check() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/decks");
    Command::cargo_bin("recall")
        .unwrap()
        .args(["deck", "check"])
        .arg(format!("{dir}/japan-russia-dates.json"))
        .arg(format!("{dir}/japan-russia-facts.json"))
        .assert()
        .success()
        .stdout(predicates::str::starts_with("ok: 2 decks"));
}

/// Every year, range and decade the article mentions, read off it by hand.
const SINGLE_YEARS: &[u16] = &[
    1639, 1778, 1779, 1792, 1804, 1811, 1839, 1842, 1852, 1855, 1860, 1861, 1875, 1895, 1898, 1899,
    1900, 1902, 1904, 1905, 1914, 1917, 1922,
];
const RANGES: &[(u16, u16)] = &[
    (1778, 1860),
    (1855, 1858),
    (1860, 1914),
    (1899, 1901),
    (1902, 1923),
    (1904, 1905),
    (1905, 1917),
    (1914, 1917),
    (1917, 1991),
];
const DECADES: &[u16] = &[1890];

#[test]
fn every_year_of_the_source_has_a_date_card() {
    let deck = bundled::deck("japan-russia-dates").unwrap();
    let mut singles = BTreeSet::new();
    let mut ranges = BTreeSet::new();
    let mut decades = BTreeSet::new();
    for card in &deck.cards {
        let CardKind::Date {
            year,
            end_year,
            approximate,
            ..
        } = card.kind
        else {
            panic!("{}: the dates deck holds only date cards", card.id);
        };
        singles.insert(year);
        if let Some(end) = end_year {
            singles.insert(end);
            ranges.insert((year, end));
        }
        if approximate {
            decades.insert(year);
        }
    }
    for y in SINGLE_YEARS {
        assert!(singles.contains(y), "no date card for {y}");
    }
    for r in RANGES {
        assert!(ranges.contains(r), "no date card for {}–{}", r.0, r.1);
    }
    for d in DECADES {
        assert!(decades.contains(d), "no card for the {d}s");
    }
    assert!(deck.cards.len() >= 30);
}

#[test]
fn the_facts_deck_is_large_and_every_card_is_placed() {
    let decks = bundled::all();
    let facts = decks
        .iter()
        .find(|d| d.id.as_str() == "japan-russia-facts")
        .unwrap();
    assert!(facts.cards.len() >= 60);
    let periods = ["1778-1860", "1860-1914", "1914-1917"];
    for deck in &decks {
        for card in &deck.cards {
            assert!(card.section.is_some(), "{}: no section", card.id);
            assert!(
                card.tags.iter().any(|t| periods.contains(&t.as_str())),
                "{}: no period tag",
                card.id
            );
        }
    }
}

#[test]
fn date_cards_never_give_their_year_away() {
    let deck = bundled::deck("japan-russia-dates").unwrap();
    for card in &deck.cards {
        if let CardKind::Date {
            event,
            year,
            end_year,
            ..
        } = &card.kind
        {
            assert!(!event.contains(&year.to_string()), "{}", card.id);
            if let Some(end) = end_year {
                assert!(!event.contains(&end.to_string()), "{}", card.id);
            }
        }
    }
}
