//! The decks shipped inside the binary, so `recall` works from any folder.

use crate::deckfile::parse_deck;
use crate::model::Deck;

/// Every bundled deck's id and JSON text.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "japan-russia-dates",
        include_str!("../decks/japan-russia-dates.json"),
    ),
    (
        "japan-russia-facts",
        include_str!("../decks/japan-russia-facts.json"),
    ),
];

/// The bundled deck with this id, parsed.
pub fn deck(id: &str) -> Option<Deck> {
    let (_, text) = BUNDLED.iter().find(|(name, _)| *name == id)?;
    // The bundled decks are checked by the test suite, so this only fails
    // for a build that skipped it.
    parse_deck(text).ok()
}

/// Every bundled deck, parsed.
pub fn all() -> Vec<Deck> {
    BUNDLED.iter().filter_map(|(id, _)| deck(id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_deck_is_valid_and_named_by_its_id() {
        for (id, text) in BUNDLED {
            let deck = parse_deck(text).unwrap_or_else(|d| panic!("{id}: {d:#?}"));
            assert_eq!(deck.id.as_str(), *id);
        }
        assert_eq!(all().len(), BUNDLED.len());
    }
}
