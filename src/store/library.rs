//! The library: decks installed into the data directory, shared by every
//! profile there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::deckfile::{self, DeckFileError};
use crate::fsutil;
use crate::model::{Deck, DeckId};

/// What the library remembers about an installed deck without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledDeck {
    pub id: DeckId,
    pub title: String,
    pub version: Option<String>,
    pub cards: usize,
    pub items: usize,
    /// Items of earlier versions that this version no longer has: their
    /// progress is kept (hidden) in case they come back.
    #[serde(default)]
    pub retired: Vec<String>,
    /// Fingerprint of the deck file this describes, to notice a stale entry.
    pub fingerprint: String,
}

/// The installed decks of one data directory.
#[derive(Debug, Clone)]
pub struct Library {
    dir: PathBuf,
}

impl Library {
    /// The library in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Library { dir }
    }

    /// Where the deck `id` is (or would be) installed.
    pub fn deck_path(&self, id: &DeckId) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn meta_path(&self, id: &DeckId) -> PathBuf {
        self.dir.join(format!("{id}.meta.json"))
    }

    fn items_path(&self, id: &DeckId) -> PathBuf {
        self.dir.join(format!("{id}.items"))
    }

    /// The ids of the installed decks, in order.
    pub fn ids(&self) -> io::Result<Vec<DeckId>> {
        let mut ids = Vec::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ids),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let name = entry?.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if let Ok(id) = DeckId::new(stem) {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// True when a deck with this id is installed.
    pub fn contains(&self, id: &DeckId) -> bool {
        self.deck_path(id).is_file()
    }

    /// The installed deck `id`, fully read and checked.
    pub fn load(&self, id: &DeckId) -> Result<Deck, DeckFileError> {
        deckfile::load(&self.deck_path(id))
    }

    /// What is known about an installed deck, from its summary when that is
    /// current, else by reading the deck.
    pub fn info(&self, id: &DeckId) -> Result<InstalledDeck, DeckFileError> {
        let path = self.deck_path(id);
        let fingerprint = file_fingerprint(&path).map_err(|source| DeckFileError::Io {
            path: path.clone(),
            source,
        })?;
        let stored = fs::read(self.meta_path(id))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<InstalledDeck>(&bytes).ok())
            .filter(|meta| &meta.id == id);
        if let Some(meta) = &stored
            && meta.fingerprint == fingerprint
        {
            return Ok(meta.clone());
        }
        // A summary from before the deck was last replaced (a crash between
        // the two writes): recount, keeping the retired items it knew of.
        let deck = self.load(id)?;
        let current: std::collections::HashSet<String> =
            deck.items().map(|i| i.id().to_string()).collect();
        let retired = stored
            .map(|m| {
                m.retired
                    .into_iter()
                    .filter(|r| !current.contains(r))
                    .collect()
            })
            .unwrap_or_default();
        Ok(summary(&deck, retired, fingerprint))
    }

    /// The study item ids of an installed deck, sorted: from the list kept
    /// beside the deck when it is current (cheap even for 100,000 items),
    /// else by reading the deck.
    pub fn item_ids(&self, id: &DeckId) -> Result<Vec<String>, DeckFileError> {
        let path = self.deck_path(id);
        let fingerprint = file_fingerprint(&path).map_err(|source| DeckFileError::Io {
            path: path.clone(),
            source,
        })?;
        if let Ok(text) = fs::read_to_string(self.items_path(id))
            && let Some((first, rest)) = text.split_once('\n')
            && first == fingerprint
        {
            return Ok(rest.lines().map(str::to_owned).collect());
        }
        let mut items: Vec<String> = self.load(id)?.items().map(|i| i.id().to_string()).collect();
        items.sort();
        Ok(items)
    }

    /// Installs `deck`, replacing any deck with its id. The deck file is
    /// replaced atomically, so a crash leaves the old deck or the new one.
    /// `previous` is the deck this one replaces when it is not an installed
    /// one (a bundled deck of the same id): its items that `deck` drops are
    /// retired too.
    pub fn install(&self, deck: &Deck, previous: Option<&Deck>) -> io::Result<InstalledDeck> {
        fs::create_dir_all(&self.dir)?;
        let mut retired = self.retired_after(deck);
        if let Some(previous) = previous {
            let kept: std::collections::HashSet<String> =
                deck.items().map(|i| i.id().to_string()).collect();
            retired.extend(
                previous
                    .items()
                    .map(|i| i.id().to_string())
                    .filter(|i| !kept.contains(i)),
            );
            retired.sort();
            retired.dedup();
        }
        let text = deckfile::to_json(deck);
        let path = self.deck_path(&deck.id);
        fsutil::write_atomic(&path, text.as_bytes())?;
        let meta = summary(deck, retired, file_fingerprint(&path)?);
        let meta_json = serde_json::to_vec_pretty(&meta).map_err(io::Error::other)?;
        // The summary and the item list are only caches: if they are lost or
        // stale, `info` and `item_ids` read the deck itself.
        let _ = fsutil::write_atomic(&self.meta_path(&deck.id), &meta_json);
        let mut items: Vec<String> = deck.items().map(|i| i.id().to_string()).collect();
        items.sort();
        let list = format!("{}\n{}\n", meta.fingerprint, items.join("\n"));
        let _ = fsutil::write_atomic(&self.items_path(&deck.id), list.as_bytes());
        Ok(meta)
    }

    /// The items earlier versions had and `deck` does not.
    fn retired_after(&self, deck: &Deck) -> Vec<String> {
        if !self.contains(&deck.id) {
            return Vec::new();
        }
        let mut gone: std::collections::BTreeSet<String> = self
            .info(&deck.id)
            .map(|m| m.retired.into_iter().collect())
            .unwrap_or_default();
        if let Ok(old) = self.load(&deck.id) {
            gone.extend(old.items().map(|i| i.id().to_string()));
        }
        for item in deck.items() {
            gone.remove(&item.id().to_string());
        }
        gone.into_iter().collect()
    }

    /// Removes an installed deck. Progress is not touched.
    pub fn remove(&self, id: &DeckId) -> io::Result<()> {
        fs::remove_file(self.deck_path(id))?;
        for cache in [self.meta_path(id), self.items_path(id)] {
            match fs::remove_file(cache) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        fsutil::sync_dir(&self.dir)
    }
}

fn summary(deck: &Deck, retired: Vec<String>, fingerprint: String) -> InstalledDeck {
    InstalledDeck {
        id: deck.id.clone(),
        title: deck.title.clone(),
        version: deck.version.as_ref().map(ToString::to_string),
        cards: deck.cards.len(),
        items: deck.items().count(),
        retired,
        fingerprint,
    }
}

/// Size and modification time: every install replaces the file (a new
/// inode, a new time), so a summary written for another file never matches.
fn file_fingerprint(path: &Path) -> io::Result<String> {
    let meta = fs::metadata(path)?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{}-{modified}", meta.len()))
}
