//! Finding decks by name: the installed library first, then the bundled
//! decks, or a deck file given by path.

use std::path::PathBuf;

use crate::bundled;
use crate::deckfile::{self, DeckFileError, closest};
use crate::model::{Deck, DeckId};
use crate::store::Library;

/// Where a deck came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Shipped inside the binary.
    Bundled,
    /// Installed into the data directory's library.
    Installed,
    /// A deck file named on the command line.
    File(PathBuf),
}

impl Origin {
    /// `bundled`, `installed` or `file`.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::Bundled => "bundled",
            Origin::Installed => "installed",
            Origin::File(_) => "file",
        }
    }
}

/// A deck and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedDeck {
    pub deck: Deck,
    pub origin: Origin,
}

/// Why a deck could not be found or read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no deck '{name}'{}; the decks here are: {}. A path to a deck file works too", hint(.suggestion), .known.join(", "))]
    Unknown {
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error(transparent)]
    File(#[from] DeckFileError),
    #[error("cannot read the deck library: {0}")]
    Library(#[from] std::io::Error),
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default()
}

/// True when a command-line deck name is a path rather than an id.
pub fn is_path(name: &str) -> bool {
    name.contains('/') || name.contains(std::path::MAIN_SEPARATOR) || name.ends_with(".json")
}

/// The ids of every deck known here: installed ones and bundled ones.
pub fn known_ids(library: &Library) -> std::io::Result<Vec<DeckId>> {
    let mut ids = library.ids()?;
    for (id, _) in bundled::BUNDLED {
        if let Ok(id) = DeckId::new(id)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids.sort();
    Ok(ids)
}

/// Loads the deck named `name`: a path to a deck file, an installed deck id
/// or a bundled deck id, in that order.
pub fn load(name: &str, library: &Library) -> Result<LoadedDeck, CatalogError> {
    if is_path(name) {
        let path = PathBuf::from(name);
        let deck = deckfile::load(&path)?;
        return Ok(LoadedDeck {
            deck,
            origin: Origin::File(path),
        });
    }
    if let Ok(id) = DeckId::new(name) {
        if library.contains(&id) {
            return Ok(LoadedDeck {
                deck: library.load(&id)?,
                origin: Origin::Installed,
            });
        }
        if let Some(deck) = bundled::deck(id.as_str()) {
            return Ok(LoadedDeck {
                deck,
                origin: Origin::Bundled,
            });
        }
    }
    let known: Vec<String> = known_ids(library)?
        .iter()
        .map(ToString::to_string)
        .collect();
    Err(CatalogError::Unknown {
        name: name.to_owned(),
        suggestion: closest(name, known.iter().map(String::as_str)).map(str::to_owned),
        known,
    })
}

/// Loads the deck with this id if it is installed or bundled.
pub fn load_id(id: &DeckId, library: &Library) -> Result<Option<LoadedDeck>, CatalogError> {
    match load(id.as_str(), library) {
        Ok(d) => Ok(Some(d)),
        Err(CatalogError::Unknown { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
