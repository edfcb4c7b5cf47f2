//! The state snapshot: every item's record, and how much of the log it
//! covers. Derived from the log, so a missing or damaged one is rebuilt.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::fsutil;
use crate::model::{DeckId, ItemId};
use crate::progress::{ItemMap, ItemRecord, Progress};
use crate::sched::{Day, Easiness, Sm2State};

/// The snapshot format this build reads and writes.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// One item, as a compact array:
/// `[n, ef, interval, due, last_review, lapses, repeat_pending, reviews, first_review]`,
/// days counted from 1970-01-01.
type Row = (u32, u16, u32, i32, i32, u32, bool, u32, i32);

#[derive(Serialize)]
struct FileOut {
    recall_state: u64,
    /// Bytes of the log this snapshot covers.
    log_bytes: u64,
    /// Lines of the log it covers, the header included.
    log_lines: u64,
    /// FNV-1a of the covered log's last bytes, in hex.
    fingerprint: String,
    decks: Vec<DeckOut>,
}

/// One deck: its id and item count come before the items, so that the
/// reader can size its map once.
#[derive(Serialize)]
struct DeckOut {
    id: String,
    count: usize,
    items: BTreeMap<String, Row>,
}

/// The same file, read straight into a [`Progress`]: start-up time is mostly
/// spent here, so no intermediate maps are built.
#[derive(Deserialize)]
struct FileIn {
    recall_state: u64,
    log_bytes: u64,
    log_lines: u64,
    fingerprint: String,
    decks: Decks,
}

#[derive(Deserialize)]
struct VersionOnly {
    recall_state: u64,
}

/// A snapshot in memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub log_bytes: u64,
    pub log_lines: u64,
    pub fingerprint: u64,
    pub progress: Progress,
}

/// What reading the snapshot found.
pub(crate) enum Loaded {
    Missing,
    Damaged(String),
    Ok(Snapshot),
}

/// Reads the snapshot. A newer format is an error; anything unreadable is
/// `Damaged` (the caller rebuilds from the log).
pub(crate) fn read(path: &Path) -> Result<Loaded, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(StoreError::io("read the state snapshot", path)(e)),
    };
    let file: FileIn = match serde_json::from_slice(&bytes) {
        Ok(f) => f,
        Err(e) => {
            if let Ok(v) = serde_json::from_slice::<VersionOnly>(&bytes)
                && v.recall_state > u64::from(SNAPSHOT_FORMAT)
            {
                return Err(newer(path, v.recall_state));
            }
            return Ok(Loaded::Damaged(e.to_string()));
        }
    };
    if file.recall_state > u64::from(SNAPSHOT_FORMAT) {
        return Err(newer(path, file.recall_state));
    }
    if file.recall_state == 0 {
        return Ok(Loaded::Damaged("format 0".to_owned()));
    }
    let Ok(fingerprint) = u64::from_str_radix(&file.fingerprint, 16) else {
        return Ok(Loaded::Damaged("bad fingerprint".to_owned()));
    };
    Ok(Loaded::Ok(Snapshot {
        log_bytes: file.log_bytes,
        log_lines: file.log_lines,
        fingerprint,
        progress: file.decks.0,
    }))
}

fn newer(path: &Path, found: u64) -> StoreError {
    StoreError::NewerFormat {
        path: path.to_owned(),
        what: "state snapshot",
        found,
        supported: SNAPSHOT_FORMAT,
    }
}

/// `decks`: `[{"id": …, "count": …, "items": { item-id: Row }}]`, validated
/// as it is read.
struct Decks(Progress);

/// An id read without copying when the JSON has no escapes in it.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(v.to_owned().into()))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Decks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Decks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of decks")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Decks, S::Error> {
                let mut progress = Progress::new();
                while seq.next_element_seed(OneDeck(&mut progress))?.is_some() {}
                Ok(Decks(progress))
            }
        }
        d.deserialize_seq(V)
    }
}

/// One deck object, read into the progress; `id` and `count` must come
/// before `items` (as this module writes them).
struct OneDeck<'p>(&'p mut Progress);

impl<'de> DeserializeSeed<'de> for OneDeck<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'p>(&'p mut Progress);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a deck")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
                let mut id = None;
                let mut count = 0usize;
                while let Some(Key(field)) = map.next_key()? {
                    match field.as_ref() {
                        "id" => {
                            let Key(text) = map.next_value()?;
                            id =
                                Some(DeckId::new(&text).map_err(|e| {
                                    de::Error::custom(format!("deck {text:?}: {e}"))
                                })?);
                        }
                        "count" => count = map.next_value()?,
                        "items" => {
                            let deck = id
                                .clone()
                                .ok_or_else(|| de::Error::custom("`items` before `id`"))?;
                            let items = self.0.deck_mut(deck);
                            items.reserve(count);
                            map.next_value_seed(Items(items))?;
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(())
            }
        }
        d.deserialize_map(V(self.0))
    }
}

struct Items<'p>(&'p mut ItemMap);

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'p>(&'p mut ItemMap);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of items")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
                let day = |n: i32| {
                    Day::from_epoch_days(n)
                        .ok_or_else(|| de::Error::custom(format!("day {n} out of range")))
                };
                while let Some(Key(item)) = map.next_key()? {
                    let item = ItemId::parse(&item).map_err(de::Error::custom)?;
                    let (n, ef, interval, due, last, lapses, pending, reviews, first): Row =
                        map.next_value()?;
                    let record = ItemRecord {
                        state: Sm2State {
                            repetitions: n,
                            easiness: Easiness::from_hundredths(ef),
                            interval,
                            due: day(due)?,
                            last_review: day(last)?,
                            lapses,
                            repeat_pending: pending,
                        },
                        reviews,
                        first_review: day(first)?,
                    };
                    self.0.insert(item, record);
                }
                Ok(())
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// Replaces the snapshot atomically (temp file, fsync, rename, fsync dir).
pub(crate) fn write(path: &Path, snapshot: &Snapshot) -> io::Result<()> {
    let mut decks = Vec::new();
    for deck in snapshot.progress.deck_ids() {
        let Some(records) = snapshot.progress.deck(deck) else {
            continue;
        };
        let items: BTreeMap<String, Row> = records
            .iter()
            .map(|(item, r)| {
                let s = &r.state;
                let row = (
                    s.repetitions,
                    s.easiness.hundredths(),
                    s.interval,
                    s.due.epoch_days(),
                    s.last_review.epoch_days(),
                    s.lapses,
                    s.repeat_pending,
                    r.reviews,
                    r.first_review.epoch_days(),
                );
                (item.to_string(), row)
            })
            .collect();
        decks.push(DeckOut {
            id: deck.to_string(),
            count: items.len(),
            items,
        });
    }
    let file = FileOut {
        recall_state: SNAPSHOT_FORMAT.into(),
        log_bytes: snapshot.log_bytes,
        log_lines: snapshot.log_lines,
        fingerprint: format!("{:016x}", snapshot.fingerprint),
        decks,
    };
    let bytes = serde_json::to_vec(&file).map_err(io::Error::other)?;
    super::failpoint::error(
        "snapshot-full",
        io::ErrorKind::StorageFull,
        "no space left on device",
    )?;
    fsutil::write_atomic_with(path, &bytes, || {
        super::failpoint::crash("crash-before-snapshot-rename")
    })
}
