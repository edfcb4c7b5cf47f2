//! Anki package interchange: import `.apkg`/`.colpkg` into a recall deck
//! (and, on request, the learner's Anki schedule as SM-2 review events), and
//! export a deck (with its SM-2 schedule, on request) as an `.apkg`.
//!
//! Packages are untrusted: the archive and the collection inside it are
//! size-capped, read through `take`, never extracted by their names, and
//! opened with SQLite's hardening for untrusted databases. Every failure is
//! an [`AnkiError`] that says what to do; no input makes this module panic.
//!
//! How notes become cards is described in `convert`; how Anki's
//! scheduling becomes SM-2 state and back, in `schedule` and `export`.

mod archive;
mod collection;
mod convert;
mod db;
mod export;
mod html;
mod protobuf;
mod schedule;

use std::path::{Path, PathBuf};

use crate::model::{Deck, DeckId};
use crate::progress::{ItemMap, ReviewEvent};
use crate::sched::Day;

pub use archive::{MAX_COLLECTION_BYTES, MAX_PACKAGE_BYTES};

/// The newest collection schema this build knows (Anki 2.1.50 and later).
const LATEST_SCHEMA: i64 = 18;

/// What `recall deck import FILE.apkg` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The deck id to use; by default, a slug of the Anki deck's name.
    pub id: Option<DeckId>,
    /// Also bring the Anki schedule and review history as review events.
    pub with_progress: bool,
}

/// A package read into a recall deck.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The deck; it passes `deck check`.
    pub deck: Deck,
    /// What was changed or left out (unknown note types, skipped notes, …).
    pub warnings: Vec<String>,
    /// Media files the notes refer to, which recall does not carry.
    pub media: Vec<String>,
    /// With `with_progress`: review events to append to the learner's log,
    /// oldest first; the last counted review of each item carries its Anki
    /// schedule as SM-2 state.
    pub progress: Vec<ReviewEvent>,
}

/// Why a package could not be imported or exported.
#[derive(Debug, thiserror::Error)]
pub enum AnkiError {
    #[error("cannot read '{}': no such file", .path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read '{}': {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "'{}' is not an Anki package: {detail}; in Anki, use File › Export… and choose \
         \"Anki Deck Package (.apkg)\"", .path.display()
    )]
    NotAPackage { path: PathBuf, detail: String },
    #[error("'{}' is larger than the {limit_mb} MB recall opens as an Anki package", .path.display())]
    PackageTooLarge { path: PathBuf, limit_mb: u64 },
    #[error(
        "the collection inside '{}' unpacks to more than {limit_mb} MB, so recall refused it \
         (a damaged package or a zip bomb); export a smaller deck from Anki", .path.display()
    )]
    CollectionTooLarge { path: PathBuf, limit_mb: u64 },
    #[error(
        "'{}' holds no Anki collection (collection.anki21b, collection.anki21 or \
         collection.anki2); export the deck again from Anki", .path.display()
    )]
    NoCollection { path: PathBuf },
    #[error(
        "'{}' was made by a newer Anki (package version {version}) than recall reads; in Anki, \
         export it again with \"Support older Anki versions\" ticked", .path.display()
    )]
    NewerFormat { path: PathBuf, version: u64 },
    #[error(
        "the collection inside '{}' is damaged or not an Anki collection: {detail}; export the \
         deck again from Anki", .path.display()
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "'{}' has {notes} notes, more than the {max} cards a recall deck holds; export its \
         subdecks from Anki one at a time", .path.display()
    )]
    TooManyNotes {
        path: PathBuf,
        notes: usize,
        max: usize,
    },
    #[error("'{}' has nothing recall can import: {reason}", .path.display())]
    NothingToImport { path: PathBuf, reason: String },
    #[error("cannot write the Anki package: {detail}")]
    Export { detail: String },
}

/// Reads the Anki package at `path` (`.apkg` or `.colpkg`, any Anki version
/// since 2.0, or genanki) into a deck.
pub fn import_package(path: &Path, options: &ImportOptions) -> Result<Imported, AnkiError> {
    let bytes = archive::read_collection(path)?;
    let corrupt = |detail: String| AnkiError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let db = db::open_bytes(&bytes)
        .map_err(|e| corrupt(format!("it is not an SQLite database ({e})")))?;
    drop(bytes);
    let col = collection::read(&db, options.with_progress).map_err(corrupt)?;
    drop(db);

    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let converted = convert::convert(&col, &stem, options.id.clone()).map_err(|e| match e {
        convert::ConvertError::TooManyNotes { notes } => AnkiError::TooManyNotes {
            path: path.to_owned(),
            notes,
            max: crate::deckfile::MAX_CARDS,
        },
        convert::ConvertError::Nothing { reason } => AnkiError::NothingToImport {
            path: path.to_owned(),
            reason,
        },
    })?;
    let mut warnings = converted.warnings.clone();
    if col.schema > LATEST_SCHEMA {
        warnings.push(format!(
            "the collection uses a newer Anki schema ({}) than recall knows ({LATEST_SCHEMA}); \
             check the imported cards",
            col.schema
        ));
    }
    let progress = if options.with_progress {
        schedule::events(&col, &converted, &converted.deck.id, &mut warnings)
    } else {
        Vec::new()
    };
    Ok(Imported {
        deck: converted.deck,
        warnings,
        media: converted.media,
        progress,
    })
}

/// Writes `deck` as an Anki package (the bytes of an `.apkg` file). With
/// `progress` (the learner's records of this deck's items), reviewed items
/// carry their SM-2 schedule as Anki scheduling; `today` is the learner's
/// current study day.
pub fn export_package(
    deck: &Deck,
    progress: Option<&ItemMap>,
    today: Day,
) -> Result<Vec<u8>, AnkiError> {
    export::export(deck, progress, today)
}
