//! Anki notes → recall cards.
//!
//! - Basic, "Basic (type in the answer)", "Basic (and reversed card)" and
//!   "Basic (optional reversed card)" notes become `basic` cards (`reverse`
//!   when the note has its reverse card); Cloze notes become `cloze` cards.
//!   Other note types become `basic` cards from their first two fields, with
//!   a warning naming the type; Image Occlusion notes are skipped.
//! - Fields beyond those (an "Explanation", "Back Extra", …) become the
//!   card's `explanation`.
//! - Card ids come from the note's guid, which Anki keeps across edits and
//!   exports: re-importing a fixed deck keeps every learner's progress. A
//!   note that recall exported carries its recall card id in its guid.
//! - The deck title is the top deck's name; subdecks become the `section`
//!   (`Parent::Child::Leaf` → `Child::Leaf`). Tags keep their text with
//!   Anki's `::` hierarchy written as `-`.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::collection::{Card as AnkiCard, Collection, Note, NoteType, Stock};
use super::html;
use crate::deckfile::{MAX_CARDS, MAX_TEXT_CHARS, slug_of};
use crate::model::{Card, CardId, CardKind, Cloze, Deck, DeckId, ItemPart};

/// The guid prefix of notes that recall exported: `recall:DECK/CARD`.
pub const GUID_PREFIX: &str = "recall:";

/// At most this many notes are named one by one in the warnings.
const MAX_NOTE_WARNINGS: usize = 20;

/// The deck, and how each imported note's Anki cards map to study items.
#[derive(Debug)]
pub struct Converted {
    pub deck: Deck,
    pub warnings: Vec<String>,
    pub media: Vec<String>,
    /// By Anki note id.
    pub notes: HashMap<i64, Mapped>,
}

/// An imported note: its recall card and how Anki card ordinals map to items.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub card: CardId,
    pub shape: Shape,
}

/// How a note's Anki cards (by template ordinal) become study items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Ordinal 0 is the card, 1 its reverse (when it has one).
    Basic { reverse: bool },
    /// Ordinal N is deletion cN+1, when the text has it.
    Cloze { numbers: Vec<u16> },
}

impl Shape {
    /// The study item of the Anki card with template ordinal `ord`.
    pub fn item(&self, ord: i64) -> Option<ItemPart> {
        match self {
            Shape::Basic { .. } if ord == 0 => Some(ItemPart::Main),
            Shape::Basic { reverse: true } if ord == 1 => Some(ItemPart::Reverse),
            Shape::Basic { .. } => None,
            Shape::Cloze { numbers } => {
                let n = u16::try_from(ord.checked_add(1)?).ok()?;
                numbers.contains(&n).then_some(ItemPart::Cloze(n))
            }
        }
    }
}

/// What a note type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Basic,
    Reversed,
    OptionalReversed,
    Cloze,
    ImageOcclusion,
    /// Any other type: basic cards from the first two fields, like Basic.
    Other,
}

fn classify(nt: &NoteType) -> Class {
    let name = normalized_name(&nt.name);
    if nt.original_stock == Some(Stock::ImageOcclusion) || name == "image occlusion" {
        return Class::ImageOcclusion;
    }
    if nt.cloze {
        return Class::Cloze;
    }
    match nt.original_stock {
        Some(Stock::Basic | Stock::BasicTyping) => return Class::Basic,
        Some(Stock::BasicReversed) => return Class::Reversed,
        Some(Stock::BasicOptionalReversed) => return Class::OptionalReversed,
        _ => {}
    }
    match name.as_str() {
        "basic" | "basic (type in the answer)" => Class::Basic,
        "basic (and reversed card)" => Class::Reversed,
        "basic (optional reversed card)" => Class::OptionalReversed,
        _ => Class::Other,
    }
}

/// A basic-like note type with a name recall does not know maps its fields
/// by position, which the learner is told about: a renamed copy of Basic
/// ("Vocab") too, since its first two fields may not be question and answer.
fn known_by_name(nt: &NoteType) -> bool {
    matches!(
        normalized_name(&nt.name).as_str(),
        "basic"
            | "basic (type in the answer)"
            | "basic (and reversed card)"
            | "basic (optional reversed card)"
    )
}

/// A note type's name, lowercase, without the marks of a copy: a trailing
/// `+`, the `-abcde` suffix Anki adds when an import clashes with an
/// existing type, or the ` (genanki)` and ` (recall)` of generated types.
fn normalized_name(name: &str) -> String {
    let mut name = name.trim().trim_end_matches('+').trim().to_lowercase();
    for tool in ["(genanki)", "(recall)"] {
        if let Some(base) = name.strip_suffix(tool) {
            name = base.trim().to_owned();
        }
    }
    if let Some((base, suffix)) = name.rsplit_once('-')
        && suffix.len() == 5
        && suffix.chars().all(|c| c.is_ascii_alphanumeric())
    {
        name = base.trim().to_owned();
    }
    name
}

/// Why a note was left out.
struct Skipped {
    note: i64,
    label: String,
    reason: String,
}

/// Builds the deck from the collection's notes.
pub fn convert(
    col: &Collection,
    file_stem: &str,
    id: Option<DeckId>,
) -> Result<Converted, ConvertError> {
    if col.notes.len() > MAX_CARDS {
        return Err(ConvertError::TooManyNotes {
            notes: col.notes.len(),
        });
    }
    let mut cards_of: HashMap<i64, Vec<&AnkiCard>> = HashMap::new();
    for card in &col.cards {
        cards_of.entry(card.note).or_default().push(card);
    }

    let mut warnings = Vec::new();
    let mut media: BTreeSet<String> = BTreeSet::new();
    let mut skipped: Vec<Skipped> = Vec::new();
    // Note types recall does not know: name → (notes, field names used).
    let mut other_types: Vec<(String, usize, String)> = Vec::new();
    let mut drafts: Vec<(Card, Vec<String>, Shape, i64)> = Vec::new();
    let mut used_ids: HashSet<CardId> = HashSet::new();

    for note in &col.notes {
        let cards = cards_of.get(&note.id).map(Vec::as_slice).unwrap_or(&[]);
        let fields: Vec<html::Field> = note.fields.iter().map(|f| html::to_text(f)).collect();
        media.extend(fields.iter().flat_map(|f| f.media.iter().cloned()));
        let label = note_label(&fields);
        let skip = |reason: String| Skipped {
            note: note.id,
            label: label.clone(),
            reason,
        };
        let Some(nt) = col.notetypes.get(&note.notetype) else {
            skipped.push(skip("its note type is missing from the package".into()));
            continue;
        };
        let class = classify(nt);
        let field_name = |i: usize| {
            nt.fields
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("field {}", i + 1))
        };
        let (kind, shape, main_fields) = match class {
            Class::ImageOcclusion => {
                skipped.push(skip(format!(
                    "'{}' notes are pictures with hidden areas, which recall cannot show",
                    nt.name
                )));
                continue;
            }
            Class::Cloze => {
                let text = match usable(&fields, 0, &field_name(0)) {
                    Ok(t) => t,
                    Err(reason) => {
                        skipped.push(skip(reason));
                        continue;
                    }
                };
                match Cloze::parse(&text) {
                    Ok(cloze) => {
                        let numbers = cloze.numbers();
                        (CardKind::Cloze(cloze), Shape::Cloze { numbers }, 1)
                    }
                    Err(e) => {
                        skipped.push(skip(format!("its cloze text {e}")));
                        continue;
                    }
                }
            }
            Class::Basic | Class::Reversed | Class::OptionalReversed | Class::Other => {
                let front = usable(&fields, 0, &field_name(0));
                let back = usable(&fields, 1, &field_name(1));
                let (front, back) = match (front, back) {
                    (Ok(f), Ok(b)) => (f, b),
                    (Err(reason), _) | (_, Err(reason)) => {
                        skipped.push(skip(reason));
                        continue;
                    }
                };
                let reverse = match class {
                    Class::Reversed => true,
                    Class::OptionalReversed => {
                        cards.iter().any(|c| c.ord == 1)
                            || (cards.is_empty() && fields.get(2).is_some_and(|f| f.has_text))
                    }
                    _ => false,
                };
                if !known_by_name(nt) {
                    match other_types.iter_mut().find(|(n, _, _)| *n == nt.name) {
                        Some(entry) => entry.1 += 1,
                        None => other_types.push((
                            nt.name.clone(),
                            1,
                            format!("'{}' → '{}'", field_name(0), field_name(1)),
                        )),
                    }
                }
                let main = if class == Class::OptionalReversed {
                    3
                } else {
                    2
                };
                (
                    CardKind::Basic {
                        front,
                        back,
                        accept: Vec::new(),
                        reverse,
                    },
                    Shape::Basic { reverse },
                    main,
                )
            }
        };
        let explanation = explanation(&fields, main_fields, &field_name);
        if let Some(e) = &explanation
            && e.chars().count() > MAX_TEXT_CHARS
        {
            skipped.push(skip(format!(
                "its extra fields are longer than {MAX_TEXT_CHARS} characters"
            )));
            continue;
        }
        let card_id = card_id(note, &mut used_ids);
        let deck_id = cards.first().map(|c| {
            if c.original_deck != 0 {
                c.original_deck
            } else {
                c.deck
            }
        });
        let path = deck_id
            .and_then(|d| col.decks.get(&d))
            .map(|d| d.path.clone())
            .unwrap_or_default();
        drafts.push((
            Card {
                id: card_id,
                kind,
                tags: tags(&note.tags),
                section: None,
                explanation,
            },
            path,
            shape,
            note.id,
        ));
    }

    for (name, count, fields) in &other_types {
        warnings.push(format!(
            "note type '{name}' is not one recall knows by name (Basic, Basic (and reversed \
             card), Cloze): its {count} note{} became basic cards from the first two fields \
             ({fields}); other fields became the explanation",
            if *count == 1 { "" } else { "s" }
        ));
    }
    for s in skipped.iter().take(MAX_NOTE_WARNINGS) {
        warnings.push(format!(
            "skipped note {} ({}): {}",
            s.note, s.label, s.reason
        ));
    }
    if skipped.len() > MAX_NOTE_WARNINGS {
        warnings.push(format!(
            "skipped {} more notes for the same kinds of reasons",
            skipped.len() - MAX_NOTE_WARNINGS
        ));
    }
    if drafts.is_empty() {
        return Err(ConvertError::Nothing {
            reason: if col.notes.is_empty() {
                "the package has no notes".into()
            } else {
                format!(
                    "all {} notes were skipped ({})",
                    col.notes.len(),
                    skipped
                        .first()
                        .map_or("no usable fields".to_owned(), |s| s.reason.clone())
                )
            },
        });
    }

    // The title is the one top deck (unless it is Anki's "Default"); its
    // subdecks are sections. Otherwise the file names the deck, and whole
    // deck paths are the sections.
    let roots: HashSet<&str> = drafts
        .iter()
        .filter_map(|(_, path, _, _)| path.first().map(String::as_str))
        .collect();
    let single_root = match (roots.len(), roots.iter().next()) {
        (1, Some(&root))
            if root != "Default" && drafts.iter().all(|(_, p, _, _)| !p.is_empty()) =>
        {
            Some(root.to_owned())
        }
        _ => None,
    };
    let title = single_root.clone().unwrap_or_else(|| {
        let stem = file_stem.trim();
        if stem.is_empty() {
            "Anki deck".to_owned()
        } else {
            stem.to_owned()
        }
    });
    let description = single_root.as_ref().and_then(|root| {
        col.decks
            .values()
            .find(|d| d.path.len() == 1 && &d.path[0] == root)
            .and_then(|d| d.description.as_deref())
            .map(|d| truncate(&html::to_text(d).text))
            .filter(|d| !d.is_empty())
    });

    let mut cards = Vec::with_capacity(drafts.len());
    let mut notes = HashMap::with_capacity(drafts.len());
    for (mut card, path, shape, note_id) in drafts {
        let below: &[String] = match &single_root {
            Some(_) => path.get(1..).unwrap_or(&[]),
            None if path.len() == 1 && path[0] == "Default" => &[],
            None => &path,
        };
        card.section = (!below.is_empty()).then(|| truncate(&below.join("::")));
        notes.insert(
            note_id,
            Mapped {
                card: card.id.clone(),
                shape,
            },
        );
        cards.push(card);
    }

    let deck_id = match id.or_else(|| exported_deck(col)) {
        Some(id) => id,
        None => DeckId::new(&slug_of(&title))
            .or_else(|_| DeckId::new(&slug_of(file_stem)))
            .or_else(|_| DeckId::new("anki-deck"))
            .map_err(|_| ConvertError::Nothing {
                reason: "no deck id could be made; give one with --id".into(),
            })?,
    };
    Ok(Converted {
        deck: Deck {
            id: deck_id,
            title: truncate(&title),
            version: None,
            description,
            author: None,
            source: Some(truncate(format!("Anki package {file_stem}").trim())),
            language: None,
            cards,
        },
        warnings,
        media: media.into_iter().collect(),
        notes,
    })
}

/// Why no deck could be made.
#[derive(Debug)]
pub enum ConvertError {
    TooManyNotes { notes: usize },
    Nothing { reason: String },
}

/// The text of field `i`, or why it cannot be used.
/// The deck id a package exported by recall came from: every note's guid
/// names the same deck (`recall:DECK/CARD`), so progress on it lines up
/// again after a round trip through Anki.
fn exported_deck(col: &Collection) -> Option<DeckId> {
    let mut decks = col.notes.iter().map(|n| {
        n.guid
            .strip_prefix(GUID_PREFIX)
            .and_then(|rest| rest.split_once('/'))
            .map(|(deck, _)| deck)
    });
    let first = decks.next()??;
    if decks.all(|d| d == Some(first)) {
        DeckId::new(first).ok()
    } else {
        None
    }
}

fn usable(fields: &[html::Field], i: usize, name: &str) -> Result<String, String> {
    let Some(f) = fields.get(i) else {
        return Err(format!("it has no '{name}' field"));
    };
    if !f.has_text {
        return Err(if f.media.is_empty() {
            format!("its '{name}' field is empty")
        } else {
            format!(
                "its '{name}' field holds only media ({}), and recall cards are text",
                f.media.join(", ")
            )
        });
    }
    if f.text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "its '{name}' field is longer than {MAX_TEXT_CHARS} characters"
        ));
    }
    Ok(f.text.clone())
}

/// The fields after the first `from` as one explanation: a lone field as it
/// is, several as "Name: text" lines.
fn explanation(
    fields: &[html::Field],
    from: usize,
    name: &dyn Fn(usize) -> String,
) -> Option<String> {
    let extra: Vec<(usize, &html::Field)> = fields
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(_, f)| f.has_text)
        .collect();
    match extra.as_slice() {
        [] => None,
        [(_, f)] => Some(f.text.clone()),
        many => Some(
            many.iter()
                .map(|(i, f)| format!("{}: {}", name(*i), f.text))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// A short description of a note for warnings: its first words.
fn note_label(fields: &[html::Field]) -> String {
    let text = fields
        .iter()
        .find(|f| !f.text.is_empty())
        .map_or("", |f| f.text.as_str());
    let first_line = text.lines().next().unwrap_or("");
    let mut label: String = first_line.chars().take(40).collect();
    if first_line.chars().count() > 40 {
        label.push('…');
    }
    if label.is_empty() {
        "empty".to_owned()
    } else {
        format!("\"{label}\"")
    }
}

/// Anki tags as recall tags: `::` (Anki's hierarchy) becomes `-`;
/// duplicates go.
fn tags(anki: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(anki.len());
    for t in anki {
        let t = truncate(&t.replace("::", "-"));
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The card id of a note: the recall id it was exported with, or `n` and
/// eight base-36 digits of a hash of its guid. Unique within the deck.
fn card_id(note: &Note, used: &mut HashSet<CardId>) -> CardId {
    let from_recall = note
        .guid
        .strip_prefix(GUID_PREFIX)
        .and_then(|rest| rest.rsplit_once('/'))
        .and_then(|(_, card)| CardId::new(card).ok());
    let base = from_recall.map_or_else(
        || {
            let key = if note.guid.is_empty() {
                note.id.to_string()
            } else {
                note.guid.clone()
            };
            format!("n{}", base36(fnv1a(key.as_bytes()) % 36u64.pow(8), 8))
        },
        |id| id.as_str().to_owned(),
    );
    let mut n = 1u32;
    loop {
        let text = if n == 1 {
            base.clone()
        } else {
            let suffix = format!("-{n}");
            let keep = base.len().min(64 - suffix.len());
            format!("{}{suffix}", &base[..keep])
        };
        if let Ok(id) = CardId::new(&text)
            && used.insert(id.clone())
        {
            return id;
        }
        n += 1;
    }
}

/// FNV-1a, 64 bits: a stable hash (std's hashers may change between releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn base36(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` cut to the longest text a deck file accepts.
fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => text[..cut].trim_end().to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nt(name: &str, cloze: bool, stock: Option<Stock>) -> NoteType {
        NoteType {
            name: name.into(),
            cloze,
            original_stock: stock,
            fields: vec![],
        }
    }

    #[test]
    fn note_types_are_recognised_by_kind_stock_and_name() {
        assert_eq!(classify(&nt("Basic", false, None)), Class::Basic);
        assert_eq!(classify(&nt("Basic-a1b2c", false, None)), Class::Basic);
        assert_eq!(classify(&nt("Basic+", false, None)), Class::Basic);
        assert_eq!(classify(&nt("Basic (genanki)", false, None)), Class::Basic);
        assert_eq!(classify(&nt("Basic (recall)", false, None)), Class::Basic);
        assert_eq!(
            classify(&nt("Basic (and reversed card) (genanki)", false, None)),
            Class::Reversed
        );
        assert_eq!(
            classify(&nt("Basic (and reversed card)", false, None)),
            Class::Reversed
        );
        assert_eq!(
            classify(&nt("Basic (optional reversed card)", false, None)),
            Class::OptionalReversed
        );
        assert_eq!(
            classify(&nt(
                "Einfach (beide Richtungen)",
                false,
                Some(Stock::BasicReversed)
            )),
            Class::Reversed
        );
        assert_eq!(
            classify(&nt("Lückentext", true, Some(Stock::Cloze))),
            Class::Cloze
        );
        assert_eq!(classify(&nt("My cloze", true, None)), Class::Cloze);
        assert_eq!(
            classify(&nt("Image Occlusion", true, Some(Stock::ImageOcclusion))),
            Class::ImageOcclusion
        );
        assert_eq!(classify(&nt("Vocabulary", false, None)), Class::Other);
        assert_eq!(classify(&nt("Basic-with-extra", false, None)), Class::Other);
    }

    #[test]
    fn tags_lose_spaces_and_hierarchy_marks() {
        let anki = vec![
            "geo::europe".to_owned(),
            "x".to_owned(),
            "geo::europe".to_owned(),
            "a::b::c".to_owned(),
        ];
        assert_eq!(tags(&anki), vec!["geo-europe", "x", "a-b-c"]);
    }

    #[test]
    fn card_ids_are_stable_unique_and_valid() {
        let note = |guid: &str| Note {
            id: 7,
            guid: guid.into(),
            notetype: 1,
            tags: vec![],
            fields: vec![],
        };
        let mut used = HashSet::new();
        let a = card_id(&note("Ot0!xNY5$j"), &mut used);
        assert_eq!(a.as_str().len(), 9);
        assert!(a.as_str().starts_with('n'));
        let mut fresh = HashSet::new();
        assert_eq!(card_id(&note("Ot0!xNY5$j"), &mut fresh), a);
        let again = card_id(&note("Ot0!xNY5$j"), &mut used);
        assert_eq!(again.as_str(), format!("{a}-2"));
        assert_eq!(
            card_id(&note("recall:japan/laxman-hokkaido"), &mut used).as_str(),
            "laxman-hokkaido"
        );
        // A guid that only looks like ours falls back to the hash.
        assert!(
            card_id(&note("recall:x/Bad Id"), &mut used)
                .as_str()
                .starts_with('n')
        );
        assert!(card_id(&note(""), &mut used).as_str().starts_with('n'));
        let long = "a".repeat(64);
        let mut used = HashSet::new();
        card_id(&note(&format!("recall:d/{long}")), &mut used);
        let second = card_id(&note(&format!("recall:d/{long}")), &mut used);
        assert_eq!(second.as_str().len(), 64);
        assert!(second.as_str().ends_with("-2"));
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug_of("Japan & Russia: Hokkaidō!"),
            "japan-russia-hokkaido"
        );
        assert_eq!(slug_of("日本"), "");
        assert!(slug_of(&"word ".repeat(40)).len() <= 64);
        assert!(DeckId::new(&slug_of(&"word ".repeat(40))).is_ok());
    }

    #[test]
    fn ordinals_map_to_items() {
        let basic = Shape::Basic { reverse: false };
        assert_eq!(basic.item(0), Some(ItemPart::Main));
        assert_eq!(basic.item(1), None);
        assert_eq!(
            Shape::Basic { reverse: true }.item(1),
            Some(ItemPart::Reverse)
        );
        let cloze = Shape::Cloze {
            numbers: vec![1, 3],
        };
        assert_eq!(cloze.item(0), Some(ItemPart::Cloze(1)));
        assert_eq!(cloze.item(1), None);
        assert_eq!(cloze.item(2), Some(ItemPart::Cloze(3)));
        assert_eq!(cloze.item(-1), None);
        assert_eq!(cloze.item(i64::MAX), None);
    }
}
