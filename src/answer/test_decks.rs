//! Small decks for the tests of this module.

use crate::deckfile::parse_deck;
use crate::model::{Card, CardId, CardKind, Deck, DeckId, ItemId, StudyItem};

/// A deck with every kind of card, tags and sections, and seven dates with
/// distinct years.
pub const DECK: &str = r#"{
  "recall_deck": 1, "id": "answers", "title": "Answers",
  "cards": [
    { "id": "alliance-partner", "kind": "choice", "tags": ["treaty"],
      "question": "With which power did Japan ally in 1902?",
      "answer": "Britain", "distractors": ["France", "Germany", "United States"] },
    { "id": "shabalin", "kind": "choice", "tags": ["person"],
      "question": "Who led the 1778 trading expedition?",
      "answer": "Dmitry Shabalin", "distractors": ["Vitus Bering"] },
    { "id": "portsmouth-mediator", "kind": "basic", "tags": ["person", "usa"],
      "front": "Who mediated the 1905 peace?", "back": "Theodore Roosevelt",
      "accept": ["Roosevelt", "Teddy Roosevelt"] },
    { "id": "laxman-name", "kind": "basic", "tags": ["person"],
      "front": "Who was the Russian envoy of 1792?", "back": "Adam Laxman" },
    { "id": "rezanov", "kind": "basic", "tags": ["person"],
      "front": "Who was the Russian envoy of 1804?", "back": "Nikolai Rezanov" },
    { "id": "golovnin", "kind": "basic", "tags": ["person", "navy"],
      "front": "Which captain was held in 1811?", "back": "Vasily Golovnin" },
    { "id": "roosevelt-alternative", "kind": "basic", "tags": ["usa"],
      "front": "Surname of the 26th US president?", "back": "Roosevelt" },
    { "id": "dejima", "kind": "basic", "tags": ["place"], "section": "Isolation",
      "front": "Which artificial island held the Dutch?", "back": "Dejima" },
    { "id": "netherlands", "kind": "basic", "tags": ["trade"], "section": "Isolation",
      "front": "Japan's only European trading partner in seclusion?",
      "back": "The Netherlands", "accept": ["Holland"], "reverse": true },
    { "id": "portsmouth-cloze", "kind": "cloze", "tags": ["treaty"],
      "text": "The {{c1::Treaty of Portsmouth}} gave Japan the {{c2::southern half}} of Sakhalin." },
    { "id": "matsumae-cloze", "kind": "cloze",
      "text": "The envoy sailed to {{c1::Hakodate}} and went on to {{c1::Matsumae}}." },
    { "id": "kamchatka-cloze", "kind": "cloze", "tags": ["place"],
      "text": "Fishermen were captured on the {{c1::Kamchatka}} Peninsula." },
    { "id": "laxman-hokkaido", "kind": "date", "tags": ["person"],
      "event": "Adam Laxman lands in Hokkaidō", "year": 1792 },
    { "id": "rezanov-date", "kind": "date", "tags": ["person"],
      "event": "Rezanov reaches Nagasaki", "year": 1804 },
    { "id": "golovnin-date", "kind": "date", "tags": ["navy"],
      "event": "Golovnin is captured", "year": 1811 },
    { "id": "korea-decade", "kind": "date", "tags": ["korea"],
      "event": "Rivalry over Korea sharpens", "year": 1890, "end_year": 1899, "approximate": true },
    { "id": "alliance-date", "kind": "date", "tags": ["treaty"],
      "event": "The Anglo-Japanese Alliance", "year": 1902 },
    { "id": "russo-japanese-war", "kind": "date", "tags": ["war"],
      "event": "The Russo-Japanese War", "year": 1904, "end_year": 1905 },
    { "id": "portsmouth-date", "kind": "date", "tags": ["treaty"],
      "event": "The Treaty of Portsmouth", "year": 1905 }
  ]
}"#;

/// Parses a deck the tests know to be valid.
pub fn deck(json: &str) -> Deck {
    parse_deck(json).unwrap_or_else(|d| panic!("{d:#?}"))
}

/// The item `id` (`card`, `card#reverse`, `card#c1`) of `deck`.
pub fn item<'d>(deck: &'d Deck, id: &str) -> StudyItem<'d> {
    let id = ItemId::parse(id).unwrap();
    deck.item(&id)
        .unwrap_or_else(|| panic!("no item {id} in the deck"))
}

/// A card without tags or section.
pub fn card(id: &str, kind: CardKind) -> Card {
    Card {
        id: CardId::new(id).unwrap(),
        kind,
        tags: vec![],
        section: None,
        explanation: None,
    }
}

/// A deck built in code, skipping the checker.
pub fn deck_of(cards: Vec<Card>) -> Deck {
    Deck {
        id: DeckId::new("built").unwrap(),
        title: "Built".into(),
        version: None,
        description: None,
        author: None,
        source: None,
        language: None,
        cards,
    }
}
