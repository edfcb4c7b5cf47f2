//! The domain: decks, cards, the study items they expand into, and answer quality.

mod cloze;
mod ids;

pub use cloze::{Cloze, ClozeError, Segment};
pub use ids::{CardId, DeckId, IdError, ItemId, ItemPart, UserName};

use std::fmt;

/// The deck file format this build reads and writes.
pub const DECK_FORMAT: u32 = 1;

/// The quality of an answer, 0–5 as SM-2 defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quality(u8);

impl Quality {
    /// Complete blackout.
    pub const BLACKOUT: Quality = Quality(0);
    /// Perfect response.
    pub const PERFECT: Quality = Quality(5);

    /// Every quality, 0 to 5.
    pub fn all() -> impl Iterator<Item = Quality> {
        (0..=5).map(Quality)
    }

    /// The grade as a number 0–5.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Grades of 3 and above are correct answers.
    pub fn is_correct(self) -> bool {
        self.0 >= 3
    }
}

/// A grade outside 0–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a grade must be a whole number from 0 to 5, not {0}")]
pub struct QualityError(pub i64);

impl TryFrom<u8> for Quality {
    type Error = QualityError;
    fn try_from(q: u8) -> Result<Self, QualityError> {
        if q <= 5 {
            Ok(Quality(q))
        } else {
            Err(QualityError(q.into()))
        }
    }
}

impl TryFrom<i64> for Quality {
    type Error = QualityError;
    fn try_from(q: i64) -> Result<Self, QualityError> {
        u8::try_from(q)
            .ok()
            .and_then(|q| Quality::try_from(q).ok())
            .ok_or(QualityError(q))
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl serde::Serialize for Quality {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Quality {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = u8::deserialize(d)?;
        Quality::try_from(q).map_err(serde::de::Error::custom)
    }
}

/// A validated deck.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    pub id: DeckId,
    pub title: String,
    pub version: Option<semver::Version>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
    pub cards: Vec<Card>,
}

/// One card of a deck, with the fields every kind shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: CardId,
    pub kind: CardKind,
    pub tags: Vec<String>,
    pub section: Option<String>,
    pub explanation: Option<String>,
}

/// What a card asks.
#[derive(Debug, Clone, PartialEq)]
pub enum CardKind {
    /// A question and its answer; `reverse` adds the back→front question.
    Basic {
        front: String,
        back: String,
        accept: Vec<String>,
        reverse: bool,
    },
    /// A text with deletions, one study item per deletion number.
    Cloze(Cloze),
    /// When an event happened: a year, a range of years, or a decade.
    Date {
        event: String,
        year: u16,
        end_year: Option<u16>,
        approximate: bool,
    },
    /// A question with one right option among plausible wrong ones.
    Choice {
        question: String,
        answer: String,
        distractors: Vec<String>,
    },
}

impl CardKind {
    /// The name of the kind as deck files write it.
    pub fn name(&self) -> &'static str {
        match self {
            CardKind::Basic { .. } => "basic",
            CardKind::Cloze(_) => "cloze",
            CardKind::Date { .. } => "date",
            CardKind::Choice { .. } => "choice",
        }
    }
}

/// What the learner must produce for one study item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Text, with alternatives that also count as right.
    Text { answer: String, accept: Vec<String> },
    /// A year, or a range of years; `approximate` marks a decade.
    Year {
        year: u16,
        end_year: Option<u16>,
        approximate: bool,
    },
}

impl Expected {
    /// The right answer as it is shown to the learner.
    pub fn display(&self) -> String {
        match self {
            Expected::Text { answer, .. } => answer.clone(),
            Expected::Year {
                year,
                approximate: true,
                ..
            } => format!("the {year}s"),
            Expected::Year {
                year,
                end_year: Some(end),
                ..
            } => format!("{year}–{end}"),
            Expected::Year { year, .. } => year.to_string(),
        }
    }
}

/// One schedulable question: a card, or one part of it.
#[derive(Debug, Clone, Copy)]
pub struct StudyItem<'d> {
    pub card: &'d Card,
    pub part: ItemPart,
}

impl<'d> StudyItem<'d> {
    /// The item's id (`card`, `card#reverse`, `card#c2`).
    pub fn id(&self) -> ItemId {
        ItemId::new(self.card.id.clone(), self.part)
    }

    /// The question shown to the learner.
    pub fn prompt(&self) -> String {
        match (&self.card.kind, self.part) {
            (CardKind::Basic { back, .. }, ItemPart::Reverse) => back.clone(),
            (CardKind::Basic { front, .. }, _) => front.clone(),
            (CardKind::Cloze(c), ItemPart::Cloze(n)) => c.prompt(n),
            (CardKind::Cloze(c), _) => c.plain(),
            (CardKind::Date { event, .. }, _) => format!("When? {event}"),
            (CardKind::Choice { question, .. }, _) => question.clone(),
        }
    }

    /// The answer expected for this item.
    pub fn expected(&self) -> Expected {
        match (&self.card.kind, self.part) {
            (CardKind::Basic { front, .. }, ItemPart::Reverse) => Expected::Text {
                answer: front.clone(),
                accept: Vec::new(),
            },
            (CardKind::Basic { back, accept, .. }, _) => Expected::Text {
                answer: back.clone(),
                accept: accept.clone(),
            },
            (CardKind::Cloze(c), ItemPart::Cloze(n)) => Expected::Text {
                answer: c.answers(n).join(", "),
                accept: Vec::new(),
            },
            (CardKind::Cloze(c), _) => Expected::Text {
                answer: c.plain(),
                accept: Vec::new(),
            },
            (
                CardKind::Date {
                    year,
                    end_year,
                    approximate,
                    ..
                },
                _,
            ) => Expected::Year {
                year: *year,
                end_year: *end_year,
                approximate: *approximate,
            },
            (CardKind::Choice { answer, .. }, _) => Expected::Text {
                answer: answer.clone(),
                accept: Vec::new(),
            },
        }
    }
}

impl Card {
    /// The study items this card expands into, in a stable order.
    pub fn items(&self) -> Vec<StudyItem<'_>> {
        let parts = match &self.kind {
            CardKind::Basic { reverse: true, .. } => vec![ItemPart::Main, ItemPart::Reverse],
            CardKind::Cloze(c) => c.numbers().into_iter().map(ItemPart::Cloze).collect(),
            _ => vec![ItemPart::Main],
        };
        parts
            .into_iter()
            .map(|part| StudyItem { card: self, part })
            .collect()
    }
}

impl Deck {
    /// Every study item of the deck, card by card.
    pub fn items(&self) -> impl Iterator<Item = StudyItem<'_>> {
        self.cards.iter().flat_map(Card::items)
    }

    /// The study item with this id, if the deck has it.
    pub fn item(&self, id: &ItemId) -> Option<StudyItem<'_>> {
        let card = self.cards.iter().find(|c| &c.id == id.card())?;
        card.items().into_iter().find(|i| i.part == id.part())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, kind: CardKind) -> Card {
        Card {
            id: CardId::new(id).unwrap(),
            kind,
            tags: vec![],
            section: None,
            explanation: None,
        }
    }

    #[test]
    fn quality_accepts_zero_to_five_only() {
        for q in 0..=5u8 {
            assert_eq!(Quality::try_from(q).unwrap().value(), q);
        }
        assert!(Quality::try_from(6u8).is_err());
        assert!(Quality::try_from(-1i64).is_err());
        assert!(Quality::try_from(300i64).is_err());
        assert!(!Quality::try_from(2u8).unwrap().is_correct());
        assert!(Quality::try_from(3u8).unwrap().is_correct());
    }

    #[test]
    fn cards_expand_into_items_with_stable_ids() {
        let reversed = card(
            "alliance",
            CardKind::Basic {
                front: "Japan's 1902 ally?".into(),
                back: "Britain".into(),
                accept: vec![],
                reverse: true,
            },
        );
        let ids: Vec<String> = reversed
            .items()
            .iter()
            .map(|i| i.id().to_string())
            .collect();
        assert_eq!(ids, ["alliance", "alliance#reverse"]);
        assert_eq!(reversed.items()[1].prompt(), "Britain");

        let cloze = card(
            "portsmouth-cloze",
            CardKind::Cloze(Cloze::parse("{{c2::a}} {{c1::b}} {{c2::c}}").unwrap()),
        );
        let ids: Vec<String> = cloze.items().iter().map(|i| i.id().to_string()).collect();
        assert_eq!(ids, ["portsmouth-cloze#c1", "portsmouth-cloze#c2"]);

        let date = card(
            "war",
            CardKind::Date {
                event: "Russo-Japanese War".into(),
                year: 1904,
                end_year: Some(1905),
                approximate: false,
            },
        );
        assert_eq!(date.items().len(), 1);
        assert_eq!(date.items()[0].expected().display(), "1904–1905");
    }
}
