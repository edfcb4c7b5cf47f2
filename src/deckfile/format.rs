//! The deck file format as serde types: what `deck export` and `derive`
//! write, and the source of the JSON Schema (`recall deck schema`).
//!
//! Reading goes through [`super::parse`], which reports every problem with its
//! place; a test keeps the two in step.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Card, CardKind, DECK_FORMAT, Deck};

/// A recall deck (format 1): one self-contained UTF-8 JSON file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "recall deck, format 1")]
pub struct DeckFile {
    /// A JSON Schema for editors; ignored by recall.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The deck format number; this version of recall reads format 1.
    #[schemars(range(min = 1, max = 1))]
    pub recall_deck: u32,
    /// The deck's id. Progress is keyed by `deck-id/card-id`, so keep it stable.
    #[schemars(pattern(r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub id: String,
    /// The title shown to learners.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The deck's version, `MAJOR.MINOR.PATCH`; installing a higher one updates the deck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What the deck covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where its facts come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The language of the cards, e.g. `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The cards.
    pub cards: Vec<CardFile>,
}

/// One card. `id` must be unique in the deck and stable across versions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum CardFile {
    /// A question and its answer.
    Basic {
        /// Unique in the deck and stable: progress is keyed by it.
        #[schemars(pattern(r"^[a-z0-9][a-z0-9-]{0,63}$"))]
        id: String,
        /// The question.
        #[schemars(length(min = 1))]
        front: String,
        /// The answer.
        #[schemars(length(min = 1))]
        back: String,
        /// Other answers that count as right.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<String>,
        /// Also ask back → front (study item `ID#reverse`).
        #[serde(default, skip_serializing_if = "is_false")]
        reverse: bool,
        /// Tags for selecting cards (`recall quiz --tag`); no spaces.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        /// The part of the source the card comes from (`recall quiz --section`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
        /// Shown after the learner answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<String>,
    },
    /// A text with deletions `{{c1::answer}}` or `{{c1::answer::hint}}`; one study item per `cN`.
    Cloze {
        /// Unique in the deck and stable: progress is keyed by it.
        #[schemars(pattern(r"^[a-z0-9][a-z0-9-]{0,63}$"))]
        id: String,
        /// The text with at least one deletion.
        #[schemars(pattern(r"\{\{c[1-9][0-9]*::"))]
        text: String,
        /// Tags for selecting cards (`recall quiz --tag`); no spaces.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        /// The part of the source the card comes from (`recall quiz --section`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
        /// Shown after the learner answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<String>,
    },
    /// When an event happened.
    Date {
        /// Unique in the deck and stable: progress is keyed by it.
        #[schemars(pattern(r"^[a-z0-9][a-z0-9-]{0,63}$"))]
        id: String,
        /// The event, without its year.
        #[schemars(length(min = 1))]
        event: String,
        #[schemars(range(min = 1, max = 9999))]
        year: u16,
        /// The last year of a range (after `year`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 9999))]
        end_year: Option<u16>,
        /// A decade or an approximate date, such as "the 1890s".
        #[serde(default, skip_serializing_if = "is_false")]
        approximate: bool,
        /// Tags for selecting cards (`recall quiz --tag`); no spaces.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        /// The part of the source the card comes from (`recall quiz --section`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
        /// Shown after the learner answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<String>,
    },
    /// A question with one right option; wrong options are generated when
    /// `distractors` has fewer than three.
    Choice {
        /// Unique in the deck and stable: progress is keyed by it.
        #[schemars(pattern(r"^[a-z0-9][a-z0-9-]{0,63}$"))]
        id: String,
        #[schemars(length(min = 1))]
        question: String,
        #[schemars(length(min = 1))]
        answer: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        distractors: Vec<String>,
        /// Tags for selecting cards (`recall quiz --tag`); no spaces.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        /// The part of the source the card comes from (`recall quiz --section`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
        /// Shown after the learner answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<String>,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl From<&Deck> for DeckFile {
    fn from(deck: &Deck) -> Self {
        DeckFile {
            schema: None,
            recall_deck: DECK_FORMAT,
            id: deck.id.to_string(),
            title: deck.title.clone(),
            version: deck.version.as_ref().map(ToString::to_string),
            description: deck.description.clone(),
            author: deck.author.clone(),
            source: deck.source.clone(),
            language: deck.language.clone(),
            cards: deck.cards.iter().map(CardFile::from).collect(),
        }
    }
}

impl From<&Card> for CardFile {
    fn from(card: &Card) -> Self {
        let id = card.id.to_string();
        let tags = card.tags.clone();
        let section = card.section.clone();
        let explanation = card.explanation.clone();
        match &card.kind {
            CardKind::Basic {
                front,
                back,
                accept,
                reverse,
            } => CardFile::Basic {
                id,
                front: front.clone(),
                back: back.clone(),
                accept: accept.clone(),
                reverse: *reverse,
                tags,
                section,
                explanation,
            },
            CardKind::Cloze(cloze) => CardFile::Cloze {
                id,
                text: cloze.to_string(),
                tags,
                section,
                explanation,
            },
            CardKind::Date {
                event,
                year,
                end_year,
                approximate,
            } => CardFile::Date {
                id,
                event: event.clone(),
                year: *year,
                end_year: *end_year,
                approximate: *approximate,
                tags,
                section,
                explanation,
            },
            CardKind::Choice {
                question,
                answer,
                distractors,
            } => CardFile::Choice {
                id,
                question: question.clone(),
                answer: answer.clone(),
                distractors: distractors.clone(),
                tags,
                section,
                explanation,
            },
        }
    }
}

/// The deck as pretty JSON, ending with a newline.
pub fn to_json(deck: &Deck) -> String {
    let mut text = serde_json::to_string_pretty(&DeckFile::from(deck))
        .unwrap_or_else(|e| unreachable!("a deck always serialises: {e}"));
    text.push('\n');
    text
}

/// The JSON Schema of the deck format, pretty-printed.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(DeckFile);
    let mut text = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| unreachable!("a schema always serialises: {e}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::deckfile::{COMMON_FIELDS, DECK_FIELDS, KIND_FIELDS, parse_deck};

    fn schema() -> serde_json::Value {
        serde_json::from_str(&schema_json()).unwrap()
    }

    fn keys(object: &serde_json::Value) -> BTreeSet<String> {
        object.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let committed = include_str!("../../schema/recall-deck-1.schema.json");
        assert!(
            committed == schema_json(),
            "schema/recall-deck-1.schema.json is stale: regenerate it with \
             `cargo run -- deck schema > schema/recall-deck-1.schema.json`"
        );
    }

    #[test]
    fn the_checker_knows_exactly_the_schema_fields() {
        let schema = schema();
        let deck: BTreeSet<String> = DECK_FIELDS.iter().map(|f| f.to_string()).collect();
        assert_eq!(keys(&schema["properties"]), deck);
        let variants = schema["$defs"]["CardFile"]["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), KIND_FIELDS.len());
        for variant in variants {
            let kind = variant["properties"]["kind"]["const"].as_str().unwrap();
            let (_, fields) = KIND_FIELDS.iter().find(|(k, _)| *k == kind).unwrap();
            let expected: BTreeSet<String> = COMMON_FIELDS
                .iter()
                .chain(fields.iter())
                .map(|f| f.to_string())
                .collect();
            assert_eq!(keys(&variant["properties"]), expected, "kind {kind}");
            assert_eq!(variant["additionalProperties"], false);
        }
    }

    #[test]
    fn a_deck_survives_writing_and_reading_back() {
        let text = r#"{"recall_deck": 1, "id": "d", "title": "T", "version": "1.2.0", "language": "en",
            "cards": [
              {"id": "a", "kind": "basic", "front": "Q", "back": "A", "accept": ["B"], "reverse": true, "tags": ["x"]},
              {"id": "b", "kind": "cloze", "text": "{{c1::x}} {{c2::y::hint}}", "section": "S"},
              {"id": "c", "kind": "date", "event": "E", "year": 1890, "end_year": 1899, "approximate": true, "explanation": "Why"},
              {"id": "e", "kind": "choice", "question": "Q", "answer": "A", "distractors": ["B"]}
            ]}"#;
        let deck = parse_deck(text).unwrap();
        let written = to_json(&deck);
        assert_eq!(parse_deck(&written).unwrap(), deck);
        // The serde types read it too, so the schema describes what we write.
        let file: DeckFile = serde_json::from_str(&written).unwrap();
        assert_eq!(file.cards.len(), 4);
    }
}
