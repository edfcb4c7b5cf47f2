//! Reading a deck file and reporting every problem in it at once, each with
//! its line and column where the JSON gives one.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::{Card, CardId, CardKind, Cloze, DECK_FORMAT, Deck, DeckId};

/// A line and column in a deck file (1-based; columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The card a problem belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardRef {
    /// A card, by its id.
    Id(String),
    /// A card without a usable id, by its position in the list (1-based).
    Number(usize),
}

impl fmt::Display for CardRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardRef::Id(id) => write!(f, "card '{id}'"),
            CardRef::Number(n) => write!(f, "card #{n}"),
        }
    }
}

/// One problem in a deck file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the file, when the problem has a place (syntax, types).
    pub at: Option<Position>,
    /// The card concerned; `None` for the deck as a whole.
    pub card: Option<CardRef>,
    pub message: String,
}

impl Diagnostic {
    /// The problem as one line: `FILE:LINE:COL: message` where the file gives a
    /// place, `FILE: card 'ID': message` otherwise.
    pub fn render(&self, file: &str) -> String {
        let card = self
            .card
            .as_ref()
            .map(|c| format!("{c}: "))
            .unwrap_or_default();
        match self.at {
            Some(Position { line, column }) => {
                format!("{file}:{line}:{column}: {card}{}", self.message)
            }
            None => format!("{file}: {card}{}", self.message),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("deck"))
    }
}

/// Whose problem it is: a card, or the deck (`None`).
type Owner = Option<CardRef>;

/// Fields every card may have.
pub const COMMON_FIELDS: &[&str] = &["id", "kind", "tags", "section", "explanation"];
/// Fields of each card kind, besides the common ones.
pub const KIND_FIELDS: &[(&str, &[&str])] = &[
    ("basic", &["front", "back", "accept", "reverse"]),
    ("cloze", &["text"]),
    ("date", &["event", "year", "end_year", "approximate"]),
    ("choice", &["question", "answer", "distractors"]),
];
/// Fields of the deck itself.
pub const DECK_FIELDS: &[&str] = &[
    "$schema",
    "recall_deck",
    "id",
    "title",
    "version",
    "description",
    "author",
    "source",
    "language",
    "cards",
];

/// The longest text a single field may hold, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The most cards one deck may hold.
pub const MAX_CARDS: usize = 100_000;

/// Parses and validates a deck. On failure, every problem found, in document order.
pub fn parse_deck(text: &str) -> Result<Deck, Vec<Diagnostic>> {
    let mut p = Parser {
        text,
        lines: LineIndex::new(text),
        diags: Vec::new(),
    };
    let deck = p.deck();
    match deck {
        Some(deck) if p.diags.is_empty() => Ok(deck),
        _ => Err(p.diags),
    }
}

/// Byte offsets of line starts, to turn an offset into a line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn place(&self, text: &str, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }
}

/// An object's members in document order, values kept as raw text so that
/// each can be located and checked on its own.
struct RawObject<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for RawObject<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawObject<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key, value));
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The JSON type of a raw value, for messages ("found a number").
fn found(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "text",
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b't' | b'f') => "true/false",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// The message of a serde_json error without its " at line L column C" tail.
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_owned(),
        _ => text,
    }
}

/// The closest of `known` to `name`, if close enough to be a likely typo.
pub fn closest<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|&(d, k)| d <= 2.max(k.len() / 3) && d < k.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

fn unknown_field(name: &str, line: usize, known: &[&str]) -> String {
    match closest(name, known.iter().copied()) {
        Some(k) => format!("unknown field `{name}` (line {line}); did you mean `{k}`?"),
        None => format!(
            "unknown field `{name}` (line {line}); the fields here are: {}",
            known.join(", ")
        ),
    }
}

struct Parser<'a> {
    text: &'a str,
    lines: LineIndex,
    diags: Vec<Diagnostic>,
}

/// The members of one object being checked, with which were read.
struct Members<'a> {
    members: Vec<(String, &'a RawValue)>,
}

impl<'a> Members<'a> {
    /// The member's raw value; `null` counts as absent.
    fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.members
            .iter()
            .find(|(k, _)| k == name)
            .map(|&(_, v)| v)
            .filter(|v| v.get() != "null")
    }
}

impl<'a> Parser<'a> {
    fn offset(&self, raw: &RawValue) -> usize {
        (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    fn at(&self, raw: &RawValue) -> Position {
        self.lines.place(self.text, self.offset(raw))
    }

    /// The line alone: cheap even on a file written as one long line.
    fn line_of(&self, raw: &RawValue) -> usize {
        let offset = self.offset(raw);
        self.lines.starts.partition_point(|&s| s <= offset)
    }

    fn push(&mut self, owner: &Owner, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            at: None,
            card: owner.clone(),
            message: message.into(),
        });
    }

    fn push_at(&mut self, at: Position, owner: &Owner, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            at: Some(at),
            card: owner.clone(),
            message: message.into(),
        });
    }

    /// A type problem, reported at the value's line and column. `label` names
    /// the value (`` `front` ``, `` `tags` item 2 ``).
    fn type_error(&mut self, owner: &Owner, label: &str, raw: &RawValue, expected: &str) {
        let at = self.at(raw);
        self.push_at(
            at,
            owner,
            format!("{label} must be {expected}, but it is {}", found(raw)),
        );
    }

    fn deck(&mut self) -> Option<Deck> {
        let top: RawObject = match serde_json::from_str(self.text) {
            Ok(top) => top,
            Err(e) => {
                self.syntax_error(&e);
                return None;
            }
        };
        // The format number first: a newer deck may have fields this build
        // does not know, and they are not typos.
        let format_raw = top
            .0
            .iter()
            .find(|(k, _)| k == "recall_deck")
            .map(|&(_, v)| v);
        let format = match format_raw {
            None => {
                self.push(
                    &None,
                    "missing `recall_deck`: is this a recall deck? Add \"recall_deck\": 1 at the top",
                );
                None
            }
            Some(raw) => self.integer(&None, "recall_deck", raw),
        };
        match format {
            Some(n) if n > i64::from(DECK_FORMAT) => {
                self.push(
                    &None,
                    format!(
                        "this deck is in format {n}, which is newer than this recall understands \
                         (format {DECK_FORMAT}); update recall to read it"
                    ),
                );
                return None;
            }
            Some(n) if n < 1 => {
                let message = format!("`recall_deck` is {n}; the first format is 1");
                match format_raw {
                    Some(r) => self.push_at(self.at(r), &None, message),
                    None => self.push(&None, message),
                }
            }
            _ => {}
        }
        let top = self.members(top, &None, DECK_FIELDS, "deck");

        let id = self.required_text(&top, &None, "id").and_then(|id| {
            DeckId::new(&id)
                .map_err(|e| {
                    self.push(
                        &None,
                        format!("deck id {id:?} is not valid: it {e} (use lowercase letters, digits and '-')"),
                    )
                })
                .ok()
        });
        let title = self.required_text(&top, &None, "title");
        let version = self.optional_text(&top, &None, "version").and_then(|v| {
            semver::Version::parse(&v)
                .map_err(|e| {
                    self.push(
                        &None,
                        format!("version {v:?} is not a version number like \"1.0.0\": {e}"),
                    )
                })
                .ok()
        });
        let description = self.optional_text(&top, &None, "description");
        let author = self.optional_text(&top, &None, "author");
        let source = self.optional_text(&top, &None, "source");
        let language = self.optional_text(&top, &None, "language");
        if let Some(raw) = top.get("$schema") {
            self.text_value(&None, "`$schema`", raw);
        }

        let cards = match top.get("cards") {
            None => {
                self.push(&None, "missing `cards`: a deck needs a list of cards");
                Vec::new()
            }
            Some(raw) => self.cards(raw),
        };

        Some(Deck {
            id: id?,
            title: title?,
            version,
            description,
            author,
            source,
            language,
            cards,
        })
    }

    /// Reports a JSON syntax error where it is, naming the usual culprits.
    fn syntax_error(&mut self, e: &serde_json::Error) {
        if e.line() == 0 {
            self.push(&None, bare_message(e));
            return;
        }
        if self.text.trim().is_empty() {
            self.push(
                &None,
                "the file is empty; a deck is a JSON object { \"recall_deck\": 1, … }",
            );
            return;
        }
        if e.classify() == serde_json::error::Category::Eof {
            let place = self.lines.place(self.text, self.text.trim_end().len());
            self.push_at(
                place,
                &None,
                "the file ends before the JSON is complete; a closing '}' or ']' is probably missing",
            );
            return;
        }
        if e.classify() == serde_json::error::Category::Data {
            self.push_at(
                Position { line: 1, column: 1 },
                &None,
                "a deck file must be one JSON object { \"recall_deck\": 1, … }",
            );
            return;
        }
        // serde_json counts columns in bytes; find the byte it stopped at.
        let line_start = self.lines.starts.get(e.line() - 1).copied().unwrap_or(0);
        let offset = (line_start + e.column().saturating_sub(1)).min(self.text.len());
        let here = self.text.get(offset..).and_then(|t| t.chars().next());
        let before = self.text.get(..offset).map(|t| t.trim_end());
        if let (Some(close @ (']' | '}')), Some(before)) = (here, before)
            && before.ends_with(',')
        {
            let comma = before.len() - 1;
            let place = self.lines.place(self.text, comma);
            self.push_at(
                place,
                &None,
                format!("trailing comma before '{close}': JSON allows no comma after the last item; remove it"),
            );
            return;
        }
        let place = self.lines.place(self.text, offset);
        // Failing on the very first character: not JSON at all.
        let message = if before.is_some_and(str::is_empty) {
            "this is not JSON: a deck file starts with { \"recall_deck\": 1, … }".to_owned()
        } else {
            bare_message(e)
        };
        self.push_at(place, &None, message);
    }

    /// Reads an object's members, reporting duplicates and unknown names.
    fn members(
        &mut self,
        object: RawObject<'a>,
        owner: &Owner,
        known: &[&str],
        what: &str,
    ) -> Members<'a> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (name, raw) in &object.0 {
            let line = self.line_of(raw);
            if let Some(first) = seen.insert(name, line) {
                self.push(
                    owner,
                    format!("`{name}` is given twice in the {what} (lines {first} and {line})"),
                );
            }
            if !known.contains(&name.as_str()) {
                let message = unknown_field(name, line, known);
                self.push(owner, message);
            }
        }
        Members { members: object.0 }
    }

    fn cards(&mut self, raw: &'a RawValue) -> Vec<Card> {
        let list: Vec<&'a RawValue> = match serde_json::from_str(raw.get()) {
            Ok(list) => list,
            Err(_) => {
                self.type_error(&None, "`cards`", raw, "a list of cards [ … ]");
                return Vec::new();
            }
        };
        if list.len() > MAX_CARDS {
            self.push(
                &None,
                format!(
                    "the deck has {} cards; the limit is {MAX_CARDS}: split it into several decks",
                    list.len()
                ),
            );
            return Vec::new();
        }
        let mut first_line: HashMap<CardId, usize> = HashMap::new();
        let mut cards = Vec::with_capacity(list.len());
        for (i, raw) in list.into_iter().enumerate() {
            if let Some(card) = self.card(i + 1, raw, &mut first_line) {
                cards.push(card);
            }
        }
        cards
    }

    fn card(
        &mut self,
        number: usize,
        raw: &'a RawValue,
        first_line: &mut HashMap<CardId, usize>,
    ) -> Option<Card> {
        let object: RawObject = match serde_json::from_str(raw.get()) {
            Ok(o) => o,
            Err(_) => {
                let place = self.at(raw);
                self.push_at(
                    place,
                    &None,
                    format!("card #{number} must be an object {{ \"id\": …, \"kind\": … }}, but it is {}", found(raw)),
                );
                return None;
            }
        };
        let line = self.line_of(raw);

        // The id first, so that every later message can name the card.
        let mut owner = Some(CardRef::Number(number));
        let id_raw = object.0.iter().find(|(k, _)| k == "id").map(|&(_, v)| v);
        let id = match id_raw {
            None => {
                self.push(&owner, format!("has no `id` (line {line})"));
                None
            }
            Some(r) => {
                self.text_value(&owner, "`id`", r)
                    .and_then(|text| match CardId::new(&text) {
                        Ok(id) => {
                            owner = Some(CardRef::Id(text));
                            Some(id)
                        }
                        Err(e) => {
                            self.push(
                                &owner,
                                format!("id {text:?} (line {line}) is not valid: it {e}"),
                            );
                            None
                        }
                    })
            }
        };
        if let Some(id) = &id {
            if let Some(first) = first_line.get(id) {
                self.push(
                    &owner,
                    format!("duplicate id: another card already uses it (line {first}); card ids must be unique"),
                );
            } else {
                first_line.insert(id.clone(), line);
            }
        }

        let kind_raw = object.0.iter().find(|(k, _)| k == "kind").map(|&(_, v)| v);
        let kind_name = match kind_raw {
            None => {
                self.push(
                    &owner,
                    "has no `kind`; use one of: basic, cloze, date, choice",
                );
                None
            }
            Some(r) => self.text_value(&owner, "`kind`", r).and_then(|k| {
                if KIND_FIELDS.iter().any(|(name, _)| *name == k) {
                    Some(k)
                } else {
                    let hint = closest(&k, KIND_FIELDS.iter().map(|(n, _)| *n))
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    self.push(
                        &owner,
                        format!(
                            "unknown kind {k:?}; {hint}the kinds are: basic, cloze, date, choice"
                        ),
                    );
                    None
                }
            }),
        };

        let known: Vec<&str> = match &kind_name {
            Some(k) => COMMON_FIELDS
                .iter()
                .chain(
                    KIND_FIELDS
                        .iter()
                        .filter(|(n, _)| n == k)
                        .flat_map(|(_, f)| *f),
                )
                .copied()
                .collect(),
            None => COMMON_FIELDS
                .iter()
                .chain(KIND_FIELDS.iter().flat_map(|(_, f)| *f))
                .copied()
                .collect(),
        };
        let what = match &kind_name {
            Some(k) => format!("{k} card"),
            None => "card".to_owned(),
        };
        let fields = self.members(object, &owner, &known, &what);

        let tags = self.tags(&fields, &owner);
        let section = self.optional_text(&fields, &owner, "section");
        let explanation = self.optional_text(&fields, &owner, "explanation");
        let kind = match kind_name.as_deref() {
            Some("basic") => self.basic(&fields, &owner),
            Some("cloze") => self.cloze(&fields, &owner),
            Some("date") => self.date(&fields, &owner),
            Some("choice") => self.choice(&fields, &owner),
            _ => None,
        };
        Some(Card {
            id: id?,
            kind: kind?,
            tags: tags?,
            section,
            explanation,
        })
    }

    fn basic(&mut self, f: &Members<'a>, owner: &Owner) -> Option<CardKind> {
        let front = self.required_text(f, owner, "front");
        let back = self.required_text(f, owner, "back");
        let accept = self.text_list(f, owner, "accept");
        let reverse = self.boolean(f, owner, "reverse");
        if let (Some(back), Some(accept)) = (&back, &accept)
            && let Some(dup) = accept
                .iter()
                .find(|a| a.to_lowercase() == back.to_lowercase())
        {
            self.push(
                owner,
                format!("`accept` repeats the answer {dup:?}; list only other spellings"),
            );
        }
        Some(CardKind::Basic {
            front: front?,
            back: back?,
            accept: accept?,
            reverse: reverse?,
        })
    }

    fn cloze(&mut self, f: &Members<'a>, owner: &Owner) -> Option<CardKind> {
        let text = self.required_text(f, owner, "text")?;
        match Cloze::parse(&text) {
            Ok(cloze) => Some(CardKind::Cloze(cloze)),
            Err(e) => {
                self.push(owner, format!("the cloze text {e}"));
                None
            }
        }
    }

    fn date(&mut self, f: &Members<'a>, owner: &Owner) -> Option<CardKind> {
        let event = self.required_text(f, owner, "event");
        let year = match f.get("year") {
            None => {
                self.push(owner, "missing `year`");
                None
            }
            Some(raw) => self.year(owner, "year", raw),
        };
        let end_year = match f.get("end_year") {
            None => Some(None),
            Some(raw) => self.year(owner, "end_year", raw).map(Some),
        };
        let approximate = self.boolean(f, owner, "approximate");
        if let (Some(y), Some(Some(end))) = (year, end_year)
            && end <= y
        {
            self.push(
                owner,
                format!("`end_year` {end} must come after `year` {y}"),
            );
            return None;
        }
        Some(CardKind::Date {
            event: event?,
            year: year?,
            end_year: end_year?,
            approximate: approximate?,
        })
    }

    fn choice(&mut self, f: &Members<'a>, owner: &Owner) -> Option<CardKind> {
        let question = self.required_text(f, owner, "question");
        let answer = self.required_text(f, owner, "answer");
        let distractors = self.text_list(f, owner, "distractors");
        if let (Some(answer), Some(distractors)) = (&answer, &distractors) {
            let key = |s: &str| s.trim().to_lowercase();
            if distractors.iter().any(|d| key(d) == key(answer)) {
                self.push(
                    owner,
                    format!("`distractors` contain the answer {answer:?}; a wrong option cannot be the right one"),
                );
            }
            let mut seen = Vec::new();
            for d in distractors {
                if seen.contains(&key(d)) {
                    self.push(
                        owner,
                        format!("`distractors` list {d:?} twice; each option must be different"),
                    );
                }
                seen.push(key(d));
            }
        }
        Some(CardKind::Choice {
            question: question?,
            answer: answer?,
            distractors: distractors?,
        })
    }

    fn tags(&mut self, f: &Members<'a>, owner: &Owner) -> Option<Vec<String>> {
        let tags = self.text_list(f, owner, "tags")?;
        let mut ok = true;
        for (i, t) in tags.iter().enumerate() {
            if t.chars().any(char::is_whitespace) {
                self.push(
                    owner,
                    format!("tag {t:?} contains a space; use '-' or '_' inside tags"),
                );
                ok = false;
            }
            if tags[..i].contains(t) {
                self.push(owner, format!("tag {t:?} is listed twice"));
                ok = false;
            }
        }
        ok.then_some(tags)
    }

    // Typed access to one member. Each reports its own problem and returns
    // None, so that one bad field never hides the others.

    fn required_text(&mut self, f: &Members<'a>, owner: &Owner, name: &str) -> Option<String> {
        match f.get(name) {
            None => {
                self.push(owner, format!("missing `{name}`"));
                None
            }
            Some(raw) => self.text_value(owner, &format!("`{name}`"), raw),
        }
    }

    fn optional_text(&mut self, f: &Members<'a>, owner: &Owner, name: &str) -> Option<String> {
        self.text_value(owner, &format!("`{name}`"), f.get(name)?)
    }

    /// A non-empty text; `label` names it in messages.
    fn text_value(&mut self, owner: &Owner, label: &str, raw: &RawValue) -> Option<String> {
        let Ok(text) = serde_json::from_str::<String>(raw.get()) else {
            self.type_error(owner, label, raw, "text in double quotes");
            return None;
        };
        if text.trim().is_empty() {
            self.push(owner, format!("{label} is empty"));
            return None;
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            self.push(
                owner,
                format!("{label} is longer than {MAX_TEXT_CHARS} characters"),
            );
            return None;
        }
        Some(text.trim().to_owned())
    }

    /// An optional list of texts; absent is an empty list.
    fn text_list(&mut self, f: &Members<'a>, owner: &Owner, name: &str) -> Option<Vec<String>> {
        let Some(raw) = f.get(name) else {
            return Some(Vec::new());
        };
        let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
            self.type_error(
                owner,
                &format!("`{name}`"),
                raw,
                "a list of texts [\"…\", \"…\"]",
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.into_iter().enumerate() {
            match self.text_value(owner, &format!("`{name}` item {}", i + 1), item) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An optional boolean; absent is false.
    fn boolean(&mut self, f: &Members<'a>, owner: &Owner, name: &str) -> Option<bool> {
        let Some(raw) = f.get(name) else {
            return Some(false);
        };
        match serde_json::from_str::<bool>(raw.get()) {
            Ok(b) => Some(b),
            Err(_) => {
                self.type_error(owner, &format!("`{name}`"), raw, "true or false");
                None
            }
        }
    }

    fn integer(&mut self, owner: &Owner, name: &str, raw: &RawValue) -> Option<i64> {
        match serde_json::from_str::<i64>(raw.get()) {
            Ok(n) => Some(n),
            Err(_) => {
                match serde_json::from_str::<f64>(raw.get()) {
                    Ok(x) if x.fract() == 0.0 => {
                        let at = self.at(raw);
                        self.push_at(
                            at,
                            owner,
                            format!("`{name}` {} is far too large", raw.get()),
                        );
                    }
                    Ok(_) => {
                        let at = self.at(raw);
                        self.push_at(
                            at,
                            owner,
                            format!("`{name}` must be a whole number, not {}", raw.get()),
                        );
                    }
                    Err(_) => self.type_error(owner, &format!("`{name}`"), raw, "a whole number"),
                }
                None
            }
        }
    }

    fn year(&mut self, owner: &Owner, name: &str, raw: &RawValue) -> Option<u16> {
        let n = self.integer(owner, name, raw)?;
        match u16::try_from(n) {
            Ok(y) if (1..=9999).contains(&y) => Some(y),
            _ => {
                self.push(owner, format!("`{name}` {n} is outside the years 1–9999"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck_with(cards: &str) -> String {
        format!(
            "{{\n  \"recall_deck\": 1,\n  \"id\": \"test\",\n  \"title\": \"Test\",\n  \"cards\": [\n{cards}\n  ]\n}}\n"
        )
    }

    fn problems(text: &str) -> Vec<String> {
        match parse_deck(text) {
            Ok(_) => Vec::new(),
            Err(d) => d.iter().map(|d| d.render("f.json")).collect(),
        }
    }

    fn assert_has(problems: &[String], needle: &str) {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "no problem contains {needle:?} in {problems:#?}"
        );
    }

    #[test]
    fn a_clean_deck_parses_into_cards() {
        let text = deck_with(
            r#"    { "id": "a", "kind": "basic", "front": "Q", "back": "A", "accept": ["B"], "reverse": true, "tags": ["t"], "section": "S", "explanation": "E" },
    { "id": "b", "kind": "cloze", "text": "{{c1::x}} and {{c2::y::hint}}" },
    { "id": "c", "kind": "date", "event": "E", "year": 1890, "end_year": 1899, "approximate": true },
    { "id": "d", "kind": "choice", "question": "Q", "answer": "A", "distractors": ["B", "C"] }"#,
        );
        let deck = parse_deck(&text).unwrap();
        assert_eq!(deck.cards.len(), 4);
        let ids: Vec<String> = deck.items().map(|i| i.id().to_string()).collect();
        assert_eq!(ids, ["a", "a#reverse", "b#c1", "b#c2", "c", "d"]);
        assert_eq!(deck.cards[0].tags, ["t"]);
        assert_eq!(deck.cards[0].section.as_deref(), Some("S"));
    }

    #[test]
    fn one_bad_card_does_not_hide_the_others() {
        let text = deck_with(
            r#"    { "id": "a", "kind": "basic", "fornt": "Q", "back": "A" },
    { "id": "a", "kind": "basic", "front": "Q", "back": "A" },
    { "id": "c", "kind": "cloze", "text": "The {{c1::Portsmouth} treaty" }"#,
        );
        let p = problems(&text);
        assert_has(
            &p,
            "f.json: card 'a': unknown field `fornt` (line 6); did you mean `front`?",
        );
        assert_has(&p, "f.json: card 'a': duplicate id");
        assert_has(
            &p,
            "f.json: card 'c': the cloze text has a deletion that is not closed",
        );
    }

    #[test]
    fn type_errors_have_a_line_and_column() {
        let text = deck_with(r#"    { "id": "a", "kind": "date", "event": "E", "year": "1792" }"#);
        assert_eq!(
            problems(&text),
            ["f.json:6:56: card 'a': `year` must be a whole number, but it is text"]
        );
        let text = deck_with(
            r#"    { "id": "a", "kind": "basic", "front": "Q", "back": 7, "reverse": "yes" }"#,
        );
        let p = problems(&text);
        assert_has(
            &p,
            "f.json:6:57: card 'a': `back` must be text in double quotes, but it is a number",
        );
        assert_has(
            &p,
            "card 'a': `reverse` must be true or false, but it is text",
        );
    }

    #[test]
    fn syntax_errors_have_a_line_and_column() {
        let text = "{\n  \"recall_deck\": 1,\n  \"cards\": [1, 2,],\n}";
        assert_eq!(
            problems(text),
            [
                "f.json:3:17: trailing comma before ']': JSON allows no comma after the last item; remove it"
            ]
        );
        assert_has(
            &problems("{\"recall_deck\": 1"),
            "f.json:1:18: the file ends before",
        );
        assert_has(&problems(""), "the file is empty");
        assert_has(
            &problems("[]"),
            "f.json:1:1: a deck file must be one JSON object",
        );
        assert_has(&problems("{\"a\": tru}"), "f.json:1:");
        assert_has(&problems("root:x:0:0:root"), "f.json:1:1: this is not JSON");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text =
            deck_with(r#"    { "id": "a", "kind": "date", "event": "Hokkaidō", "year": true }"#);
        assert_eq!(
            problems(&text),
            ["f.json:6:63: card 'a': `year` must be a whole number, but it is true/false"]
        );
    }

    #[test]
    fn semantic_problems_are_each_reported() {
        let text = deck_with(
            r#"    { "id": "Bad", "kind": "basic", "front": " ", "back": "x" },
    { "id": "y1", "kind": "date", "event": "E", "year": 0 },
    { "id": "y2", "kind": "date", "event": "E", "year": 1905, "end_year": 1904 },
    { "id": "y3", "kind": "date", "event": "", "year": 10000 },
    { "id": "q", "kind": "choice", "question": "Q", "answer": "Britain", "distractors": ["britain", "France", "France"] },
    { "id": "k", "kind": "quizz", "front": "a" },
    { "id": "n" },
    { "id": "z", "kind": "cloze", "text": "no deletion" },
    { "id": "t", "kind": "basic", "front": "a", "back": "b", "tags": ["a b", "x", "x"] }"#,
        );
        let p = problems(&text);
        assert_has(&p, "card #1: id \"Bad\" (line 6) is not valid");
        assert_has(&p, "card #1: `front` is empty");
        assert_has(&p, "card 'y1': `year` 0 is outside the years 1–9999");
        assert_has(&p, "card 'y2': `end_year` 1904 must come after `year` 1905");
        assert_has(&p, "card 'y3': `event` is empty");
        assert_has(&p, "card 'y3': `year` 10000 is outside");
        let huge = deck_with(
            r#"    { "id": "big", "kind": "date", "event": "E", "year": 99999999999999999999 },
    { "id": "half", "kind": "date", "event": "E", "year": 1792.5 }"#,
        );
        let numbers = problems(&huge);
        assert_has(
            &numbers,
            "card 'big': `year` 99999999999999999999 is far too large",
        );
        assert_has(
            &numbers,
            "card 'half': `year` must be a whole number, not 1792.5",
        );
        assert_has(&p, "card 'q': `distractors` contain the answer");
        assert_has(&p, "card 'q': `distractors` list \"France\" twice");
        assert_has(
            &p,
            "card 'k': unknown kind \"quizz\"; the kinds are: basic, cloze, date, choice",
        );
        assert_has(&p, "card 'n': has no `kind`");
        assert_has(&p, "card 'z': the cloze text has no deletion");
        assert_has(&p, "card 't': tag \"a b\" contains a space");
        assert_has(&p, "card 't': tag \"x\" is listed twice");
    }

    #[test]
    fn deck_level_problems_are_reported() {
        let p = problems(r#"{"recall_deck": 1, "id": "Deck!", "titel": "x", "cards": {}}"#);
        assert_has(&p, "f.json: deck id \"Deck!\" is not valid");
        assert_has(
            &p,
            "f.json: unknown field `titel` (line 1); did you mean `title`?",
        );
        assert_has(&p, "f.json: missing `title`");
        assert_has(&p, "f.json:1:58: `cards` must be a list of cards");
        let p = problems(r#"{"id": "d", "title": "x", "cards": []}"#);
        assert_has(&p, "missing `recall_deck`");
        let p = problems(
            r#"{"recall_deck": 1, "id": "d", "title": "x", "version": "one", "cards": []}"#,
        );
        assert_has(&p, "version \"one\" is not a version number");
        let p = problems(r#"{"recall_deck": 1, "id": "d", "id": "e", "title": "x", "cards": []}"#);
        assert_has(&p, "`id` is given twice in the deck");
    }

    #[test]
    fn a_newer_format_is_refused_with_a_reason() {
        let p =
            problems(r#"{"recall_deck": 2, "id": "d", "title": "x", "cards": [], "future": 1}"#);
        assert_eq!(
            p,
            [
                "f.json: this deck is in format 2, which is newer than this recall understands (format 1); update recall to read it"
            ]
        );
    }

    #[test]
    fn typos_get_the_closest_field() {
        assert_eq!(closest("fornt", ["front", "back"]), Some("front"));
        assert_eq!(
            closest("explantion", ["explanation", "event"]),
            Some("explanation")
        );
        assert_eq!(closest("zzz", ["front", "back"]), None);
        assert_eq!(closest("quizz", ["basic", "cloze", "date", "choice"]), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".{0,200}") {
            let _ = parse_deck(&text);
        }

        #[test]
        fn never_panics_on_json_shaped_text(
            text in r#"\{"recall_deck": ?[0-9], "id": "[a-z]{0,3}", "title": ".{0,3}", "cards": \[(\{("[a-z_]{1,8}": ?("[^"\\]{0,6}"|[0-9]{1,5}|true|\[\]|\{\}), ?){0,5}\},?){0,4}\]\}"#
        ) {
            let _ = parse_deck(&text);
        }
    }
}
