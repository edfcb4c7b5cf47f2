//! Anki interchange, library level: sample packages made by genanki and by
//! Anki itself (tests/fixtures/anki, written by `scripts/anki-check.py
//! fixtures`), export → import round trips, and hostile packages.
//!
//! `RECALL_ANKI_FIXTURES=DIR` points the fixture tests at freshly made
//! packages instead (`scripts/anki-check.sh` does, before it checks
//! recall's exports in the real Anki with `examples/anki_check.rs`).
//! The sample deck and progress are shared with that example, in
//! tests/support/anki_sample.rs.

#[path = "support/anki_sample.rs"]
mod anki_sample;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use recall::anki::{AnkiError, ImportOptions, Imported, export_package, import_package};
use recall::deckfile::{parse_deck, to_json};
use recall::model::{Card, CardKind, Deck, DeckId, ItemId, ItemPart, Quality};
use recall::progress::ReviewEvent;
use recall::sched::{Day, ReviewKind};
use serde::Deserialize;
use tempfile::TempDir;

use anki_sample::{replay, sample_deck, sample_progress};

fn fixtures() -> PathBuf {
    match std::env::var_os("RECALL_ANKI_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anki"),
    }
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

/// What Anki itself says about a fixture (written by the script).
#[derive(Debug, Deserialize)]
struct Expected {
    notes: usize,
    anki_cards: usize,
    scheduled: Vec<Scheduled>,
}

#[derive(Debug, Deserialize)]
struct Scheduled {
    front: String,
    ord: u16,
    #[serde(rename = "type")]
    ctype: i64,
    ivl: u32,
    factor: u16,
    lapses: u32,
    due: String,
    last_review: String,
    answers: usize,
}

fn expected(name: &str) -> Expected {
    let path = fixtures().join(format!("{name}.expected.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn import(file: &str, with_progress: bool) -> Imported {
    let options = ImportOptions {
        id: None,
        with_progress,
    };
    import_package(&fixtures().join(file), &options).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The deck is a valid deck file, unchanged by writing and reading it.
fn assert_valid(deck: &Deck) {
    let text = to_json(deck);
    let parsed = parse_deck(&text).unwrap_or_else(|d| panic!("invalid deck: {d:#?}\n{text}"));
    assert_eq!(&parsed, deck);
}

fn card<'d>(deck: &'d Deck, front: &str) -> &'d Card {
    deck.cards
        .iter()
        .find(|c| match &c.kind {
            CardKind::Basic { front: f, .. } => f == front,
            CardKind::Cloze(cloze) => cloze.to_string() == front,
            _ => false,
        })
        .unwrap_or_else(|| panic!("no card {front:?} in {:#?}", deck.cards))
}

fn basic(card: &Card) -> (&str, &str, bool) {
    match &card.kind {
        CardKind::Basic {
            front,
            back,
            reverse,
            ..
        } => (front, back, *reverse),
        other => panic!("not basic: {other:?}"),
    }
}

#[test]
fn a_genanki_package_imports_every_usable_note() {
    let imported = import("genanki.apkg", true);
    let expected = expected("genanki");
    let deck = &imported.deck;
    assert_valid(deck);
    assert_eq!(deck.id.as_str(), "geography");
    assert_eq!(deck.title, "Geography");
    // One note has an empty answer: skipped, with a warning.
    assert_eq!(deck.cards.len(), expected.notes - 1);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.contains("A question without an answer")
                && w.contains("'Back' field is empty")),
        "{:#?}",
        imported.warnings
    );
    // Every Anki card of the imported notes is a study item.
    assert_eq!(deck.items().count(), expected.anki_cards - 1);

    let france = card(deck, "Capital of France?");
    assert_eq!(
        basic(france),
        ("Capital of France?", "Paris & nowhere else", false)
    );
    assert_eq!(france.tags, ["geo-europe", "capitals"]);
    assert_eq!(france.section.as_deref(), Some("Europe"));

    assert!(basic(card(deck, "Berlin")).2, "Basic (and reversed card)");
    assert!(basic(card(deck, "Madrid")).2, "optional reverse, asked for");
    assert!(
        !basic(card(deck, "Lisbon")).2,
        "optional reverse, not asked for"
    );
    assert_eq!(basic(card(deck, "Longest river in Africa")).1, "Nile");
    assert_eq!(card(deck, "Longest river in Africa").section, None);

    let rome = card(
        deck,
        "{{c1::Rome}} is the capital of {{c2::Italy::country}}",
    );
    assert_eq!(rome.explanation.as_deref(), Some("Since 1871"));
    assert_eq!(rome.items().len(), 2);

    let flag = card(deck, "Which flag? [image: flag_fr.png]");
    assert_eq!(basic(flag).1, "France");
    assert_eq!(imported.media, ["flag_fr.png", "marseillaise.mp3"]);

    let lines = card(deck, "Line one\nLine two\nLine three");
    assert_eq!(basic(lines).1, "1 < 2 — ✓");

    let fluss = card(deck, "Fluss");
    assert_eq!(basic(fluss).1, "river");
    assert_eq!(
        fluss.explanation.as_deref(),
        Some("Der Rhein ist ein Fluss.")
    );
    assert!(
        imported.warnings.iter().any(|w| w.contains("'Vocab'")),
        "{:#?}",
        imported.warnings
    );
    // Nothing was ever reviewed.
    assert!(imported.progress.is_empty());
}

#[test]
fn ids_are_stable_across_imports_and_can_be_chosen() {
    let a = import("genanki.apkg", false);
    let b = import("genanki.apkg", false);
    let ids = |i: &Imported| {
        i.deck
            .cards
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    let chosen = import_package(
        &fixtures().join("genanki.apkg"),
        &ImportOptions {
            id: Some(DeckId::new("my-geo").unwrap()),
            with_progress: false,
        },
    )
    .unwrap();
    assert_eq!(chosen.deck.id.as_str(), "my-geo");
    assert_eq!(ids(&chosen), ids(&a));
}

fn check_anki_package(file: &str, name: &str) {
    let imported = import(file, true);
    let expected = expected(name);
    let deck = &imported.deck;
    assert_valid(deck);
    assert_eq!(deck.title, "Japan", "{file}");
    assert_eq!(deck.id.as_str(), "japan");
    assert_eq!(
        deck.cards.len(),
        expected.notes,
        "{file}: every note is a card"
    );
    assert_eq!(
        deck.items().count(),
        expected.anki_cards,
        "{file}: every Anki card is an item"
    );
    assert!(
        imported.warnings.iter().any(|w| w.contains("'Vocab'")),
        "{file}: {:#?}",
        imported.warnings
    );

    let mediator = card(deck, "Who mediated the 1905 peace?");
    assert_eq!(basic(mediator).1, "Theodore Roosevelt");
    assert_eq!(mediator.section.as_deref(), Some("History"));
    assert_eq!(mediator.tags, ["japan-treaties", "people"]);
    assert!(basic(card(deck, "Treaty of Shimoda")).2);
    assert!(basic(card(deck, "Hokkaido")).2);
    assert_eq!(card(deck, "Hokkaido").section.as_deref(), Some("Geography"));
    let portsmouth = card(
        deck,
        "The {{c1::Treaty of Portsmouth}} gave Japan {{c2::southern Sakhalin}}.",
    );
    assert_eq!(
        portsmouth.explanation.as_deref(),
        Some("Signed on 5 September 1905.")
    );

    // Every event is well formed and chained per item.
    let mut last: BTreeMap<ItemId, &ReviewEvent> = BTreeMap::new();
    for e in &imported.progress {
        assert_eq!(e.deck, deck.id);
        assert!(
            deck.item(&e.item).is_some(),
            "{file}: event for unknown item {}",
            e.item
        );
        assert_eq!(
            e.before.as_ref(),
            last.get(&e.item).and_then(|p| p.after.as_ref())
        );
        last.insert(e.item.clone(), e);
    }

    let progress = replay(&imported.progress);
    assert_eq!(
        progress.len(),
        expected.scheduled.len(),
        "{file}: one record per reviewed card"
    );
    for want in &expected.scheduled {
        let c = card(deck, &want.front);
        let part = match &c.kind {
            CardKind::Cloze(_) => ItemPart::Cloze(want.ord + 1),
            _ if want.ord == 1 => ItemPart::Reverse,
            _ => ItemPart::Main,
        };
        let item = ItemId::new(c.id.clone(), part);
        let record = progress
            .get(&deck.id, &item)
            .unwrap_or_else(|| panic!("{file}: no progress for {item}"));
        let s = &record.state;
        let what = format!("{file}: {item} ({want:?})");
        assert_eq!(s.interval, want.ivl.max(1), "{what}");
        assert_eq!(
            s.easiness.hundredths(),
            (want.factor / 10).max(130),
            "{what}"
        );
        assert_eq!(s.lapses, want.lapses, "{what}");
        assert_eq!(s.last_review, day(&want.last_review), "{what}");
        assert_eq!(s.due, day(&want.due).max(s.last_review.plus(1)), "{what}");
        if want.ctype == 2 {
            assert!(
                s.repetitions >= 2,
                "{what}: review cards continue from their interval"
            );
        } else {
            assert_eq!(s.repetitions, 0, "{what}");
        }
        let answers = imported.progress.iter().filter(|e| e.item == item).count();
        assert_eq!(answers, want.answers, "{what}: one event per Anki answer");
        let counted = imported
            .progress
            .iter()
            .filter(|e| e.item == item && e.kind == ReviewKind::Review)
            .count();
        assert_eq!(record.reviews as usize, counted);
        assert!(counted >= 1);
    }
}

#[test]
fn a_current_anki_package_imports_with_its_schedule() {
    check_anki_package("anki-current.apkg", "anki-current");
}

#[test]
fn a_legacy_anki_package_imports_with_its_schedule() {
    check_anki_package("anki-legacy.apkg", "anki-legacy");
}

#[test]
fn an_anki_collection_package_imports_with_its_schedule() {
    check_anki_package("anki-collection.colpkg", "anki-collection");
}

#[test]
fn without_progress_no_events_are_made() {
    assert!(import("anki-current.apkg", false).progress.is_empty());
}

// ------------------------------------------------------------------ export

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn an_exported_deck_imports_back_with_its_cards_and_schedule() {
    let today = day("2026-11-25");
    let deck = sample_deck();
    let progress = sample_progress(today);
    let bytes = export_package(&deck, Some(&progress), today).unwrap();
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "japan-russia.apkg", &bytes);
    let imported = import_package(
        &path,
        &ImportOptions {
            id: None,
            with_progress: true,
        },
    )
    .unwrap();
    let back = &imported.deck;
    assert_valid(back);
    assert!(imported.warnings.is_empty(), "{:#?}", imported.warnings);
    assert!(imported.media.is_empty());
    assert_eq!(back.title, "Japan and Russia");
    // The deck id and the card ids come back through the notes' guids.
    assert_eq!(back.id, deck.id);
    assert_eq!(back.description.as_deref(), Some("Dates & facts."));
    let ids = |d: &Deck| d.cards.iter().map(|c| c.id.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(back), ids(&deck));
    for (original, read) in deck.cards.iter().zip(&back.cards) {
        assert_eq!(read.tags, original.tags, "{}", original.id);
        assert_eq!(read.section, original.section, "{}", original.id);
        match (&original.kind, &read.kind) {
            (CardKind::Cloze(a), CardKind::Cloze(b)) => assert_eq!(a, b),
            (
                CardKind::Basic {
                    front,
                    back,
                    reverse,
                    accept,
                },
                CardKind::Basic {
                    front: f2,
                    back: b2,
                    reverse: r2,
                    ..
                },
            ) => {
                assert_eq!((front, back, reverse), (f2, b2, r2));
                if !accept.is_empty() {
                    let e = read.explanation.as_deref().unwrap_or("");
                    assert!(e.contains("Also accepted: Roosevelt"), "{e}");
                }
            }
            (CardKind::Date { .. }, CardKind::Basic { front, back, .. }) => {
                let item = &original.items()[0];
                assert_eq!(front, &item.prompt());
                assert_eq!(back, &item.expected().display());
            }
            (
                CardKind::Choice {
                    question,
                    answer,
                    distractors,
                },
                CardKind::Basic { front, back, .. },
            ) => {
                assert!(front.starts_with(question.as_str()));
                for option in distractors {
                    assert!(front.contains(&format!("• {option}")), "{front}");
                }
                assert_eq!(back, answer);
            }
            (a, b) => panic!("{a:?} came back as {b:?}"),
        }
        if original.explanation.is_some() {
            let e = read.explanation.as_deref().unwrap_or("");
            assert!(
                e.starts_with(original.explanation.as_deref().unwrap()),
                "{e}"
            );
        }
    }
    let war = back.cards.iter().find(|c| c.id.as_str() == "war").unwrap();
    assert_eq!(basic(war), ("When? Russo-Japanese War", "1904–1905", false));
    let decade = back
        .cards
        .iter()
        .find(|c| c.id.as_str() == "hokkaido-colonisation")
        .unwrap();
    assert_eq!(basic(decade).1, "the 1880s");

    // The schedule comes back exactly, but for the repetitions.
    let replayed = replay(&imported.progress);
    for item in deck.items() {
        let id = item.id();
        let original = progress.get(&id);
        let read = replayed.get(&back.id, &id);
        match (original, read) {
            (None, None) => {}
            (Some(o), Some(r)) => {
                let (o, r) = (&o.state, &r.state);
                assert_eq!(r.interval, o.interval, "{id}");
                assert_eq!(r.easiness, o.easiness, "{id}");
                assert_eq!(r.due, o.due.max(r.last_review.plus(1)), "{id}");
                assert_eq!(r.last_review, o.last_review, "{id}");
                assert_eq!(r.lapses, o.lapses, "{id}");
                // Anki keeps no repetition count; one review-log entry
                // gives the estimate for review cards, 2.
                assert_eq!(r.repetitions, 2, "{id}");
            }
            (o, r) => panic!("{id}: exported {o:?}, imported {r:?}"),
        }
    }
    assert_eq!(
        imported.progress.len(),
        4,
        "one review-log entry per reviewed item"
    );
    assert!(
        imported
            .progress
            .iter()
            .all(|e| e.kind == ReviewKind::Review)
    );
}

#[test]
fn export_is_deterministic() {
    let today = day("2026-11-25");
    let deck = sample_deck();
    let progress = sample_progress(today);
    let a = export_package(&deck, Some(&progress), today).unwrap();
    let b = export_package(&deck, Some(&progress), today).unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with(b"PK\x03\x04"));
    let without = export_package(&deck, None, today).unwrap();
    let dir = TempDir::new().unwrap();
    let imported = import_package(
        &write(&dir, "x.apkg", &without),
        &ImportOptions {
            id: None,
            with_progress: true,
        },
    )
    .unwrap();
    assert!(imported.progress.is_empty());
}

#[test]
fn the_bundled_decks_survive_a_trip_through_anki_format() {
    let dir = TempDir::new().unwrap();
    for deck in recall::bundled::all() {
        let bytes = export_package(&deck, None, day("2026-11-25")).unwrap();
        let path = write(&dir, &format!("{}.apkg", deck.id), &bytes);
        let imported = import_package(
            &path,
            &ImportOptions {
                id: Some(deck.id.clone()),
                with_progress: false,
            },
        )
        .unwrap();
        assert_valid(&imported.deck);
        assert_eq!(imported.deck.cards.len(), deck.cards.len(), "{}", deck.id);
        assert_eq!(
            imported.deck.items().count(),
            deck.items().count(),
            "{}",
            deck.id
        );
        for (a, b) in deck.cards.iter().zip(&imported.deck.cards) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.section, b.section);
            assert_eq!(a.tags, b.tags);
        }
    }
}

// ---------------------------------------------------------- hostile input

fn zip_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn import_bytes(bytes: &[u8]) -> Result<Imported, AnkiError> {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "hostile.apkg", bytes);
    let result = import_package(
        &path,
        &ImportOptions {
            id: None,
            with_progress: true,
        },
    );
    // Nothing from the package was written beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
    result
}

/// The collection inside the genanki fixture, uncompressed.
fn genanki_collection() -> Vec<u8> {
    let file = std::fs::File::open(fixtures().join("genanki.apkg")).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive.by_name("collection.anki2").unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    bytes
}

#[test]
fn what_is_not_a_package_is_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let missing = import_package(&dir.path().join("nope.apkg"), &ImportOptions::default());
    assert!(matches!(missing, Err(AnkiError::NotFound { .. })));
    let is_dir = import_package(dir.path(), &ImportOptions::default());
    assert!(matches!(
        is_dir,
        Err(AnkiError::NotAPackage { .. }) | Err(AnkiError::Io { .. })
    ));

    let e = import_bytes(b"just some text").unwrap_err();
    assert!(matches!(e, AnkiError::NotAPackage { .. }), "{e}");
    assert!(e.to_string().contains("File › Export"), "{e}");

    let e = import_bytes(&zip_with(
        &[("media", b"{}")],
        zip::CompressionMethod::Stored,
    ))
    .unwrap_err();
    assert!(matches!(e, AnkiError::NoCollection { .. }), "{e}");

    let e = import_bytes(&zip_with(
        &[("collection.anki2", b"SQLite format 3\0 but not really")],
        zip::CompressionMethod::Deflated,
    ))
    .unwrap_err();
    assert!(matches!(e, AnkiError::Corrupt { .. }), "{e}");

    // A valid SQLite database that is not an Anki collection.
    let other = {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("x.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(conn);
        std::fs::read(path).unwrap()
    };
    let e = import_bytes(&zip_with(
        &[("collection.anki2", &other)],
        zip::CompressionMethod::Stored,
    ))
    .unwrap_err();
    assert!(matches!(e, AnkiError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("no `col` table"), "{e}");

    let e = import_bytes(&zip_with(
        &[("meta", &[0x08, 0x04]), ("collection.anki21b", b"")],
        zip::CompressionMethod::Stored,
    ))
    .unwrap_err();
    assert!(
        matches!(e, AnkiError::NewerFormat { version: 4, .. }),
        "{e}"
    );

    let e = import_bytes(&zip_with(
        &[("meta", &[0x08, 0x03]), ("collection.anki21b", b"not zstd")],
        zip::CompressionMethod::Stored,
    ))
    .unwrap_err();
    assert!(matches!(e, AnkiError::Corrupt { .. }), "{e}");
}

#[test]
fn zip_bombs_are_refused() {
    let zeros = vec![0u8; 40 * 1024 * 1024];
    let deflated = zip_with(
        &[("collection.anki2", &zeros)],
        zip::CompressionMethod::Deflated,
    );
    assert!(deflated.len() < 1024 * 1024);
    let e = import_bytes(&deflated).unwrap_err();
    assert!(matches!(e, AnkiError::CollectionTooLarge { .. }), "{e}");

    let zstd = zstd::encode_all(&zeros[..], 19).unwrap();
    let packed = zip_with(
        &[("meta", &[0x08, 0x03]), ("collection.anki21b", &zstd)],
        zip::CompressionMethod::Stored,
    );
    let e = import_bytes(&packed).unwrap_err();
    assert!(matches!(e, AnkiError::CollectionTooLarge { .. }), "{e}");
    assert!(e.to_string().contains("zip bomb"), "{e}");
}

#[test]
fn names_in_the_archive_are_never_used_as_paths() {
    let collection = genanki_collection();
    let bytes = zip_with(
        &[
            ("../../escaped.txt", b"evil"),
            ("/tmp/absolute.txt", b"evil"),
            ("collection.anki2", &collection),
        ],
        zip::CompressionMethod::Deflated,
    );
    // `import_bytes` checks that nothing appeared beside the package.
    let imported = import_bytes(&bytes).unwrap();
    assert!(!imported.deck.cards.is_empty());
}

#[test]
fn an_empty_collection_has_nothing_to_import() {
    let dir = TempDir::new().unwrap();
    let empty = Deck {
        cards: vec![],
        ..sample_deck()
    };
    let bytes = export_package(&empty, None, day("2026-11-25")).unwrap();
    let e = import_package(
        &write(&dir, "empty.apkg", &bytes),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, AnkiError::NothingToImport { .. }), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Damaged packages give errors or decks, never a panic; any deck
    /// they give is valid.
    #[test]
    fn damaged_packages_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
    ) {
        let file = ["genanki.apkg", "anki-current.apkg", "anki-legacy.apkg"][which];
        let mut bytes = std::fs::read(fixtures().join(file)).unwrap();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Ok(imported) = import_bytes(&bytes) {
            assert_valid(&imported.deck);
        }
    }

    /// A damaged collection inside an intact archive: SQLite's checks and
    /// ours turn it into an error or a valid deck.
    #[test]
    fn damaged_collections_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
    ) {
        let mut collection = genanki_collection();
        for (at, value) in flips {
            let i = at.index(collection.len());
            collection[i] = value;
        }
        let bytes = zip_with(&[("collection.anki2", &collection)], zip::CompressionMethod::Stored);
        if let Ok(imported) = import_bytes(&bytes) {
            assert_valid(&imported.deck);
        }
    }
}

#[test]
fn quality_type_is_used() {
    // Grades in imported events are SM-2 qualities 0–5.
    let imported = import("anki-current.apkg", true);
    assert!(
        imported
            .progress
            .iter()
            .all(|e| e.grade <= Quality::PERFECT)
    );
    assert!(
        imported.progress.iter().any(|e| e.grade.value() == 1),
        "an Again answer"
    );
}
