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
use crate::progress::{ItemRecord, Progress};
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
    /// Counted reviews per study day: `[[day, reviews], …]`.
    days: Vec<(i32, u32)>,
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

#[derive(Deserialize)]
struct VersionOnly {
    recall_state: u64,
}

/// How much of the log a snapshot covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Bytes of the log covered.
    pub log_bytes: u64,
    /// Lines covered, the header included.
    pub log_lines: u64,
    /// FNV-1a of the covered log's last bytes.
    pub fingerprint: u64,
}

/// Receives a snapshot as it is read, so that callers can build a map or
/// just count, without an intermediate copy.
pub(crate) trait Sink {
    /// The coverage, given before any item. An `Err` (a reason) stops the
    /// reading: the snapshot is not used.
    fn coverage(&mut self, coverage: &Coverage) -> Result<(), String>;
    /// The items that follow belong to `deck`; `count` of them.
    fn deck(&mut self, deck: DeckId, count: usize);
    /// One item's record.
    fn item(&mut self, item: &str, record: ItemRecord) -> Result<(), String>;
    /// Counted reviews on one day.
    fn day(&mut self, _day: Day, _reviews: u32) {}
}

/// What reading the snapshot found.
pub(crate) enum Read {
    Missing,
    Damaged(String),
    /// The sink turned it down (it does not match the log).
    Refused(String),
    Ok(Coverage),
}

/// Why the streaming stopped, beyond what serde can say.
enum Stop {
    Newer(u64),
    Refused(String),
}

/// Reads the snapshot into `sink`. A newer format is an error; anything
/// unreadable is `Damaged` (the caller rebuilds from the log). After
/// `Damaged` or `Refused`, the sink may have seen part of the items.
pub(crate) fn read_into(path: &Path, sink: &mut impl Sink) -> Result<Read, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(StoreError::io("read the state snapshot", path)(e)),
    };
    let mut stop = None;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let result = Top {
        sink,
        stop: &mut stop,
    }
    .deserialize(&mut de)
    .and_then(|coverage| de.end().map(|()| coverage));
    match (result, stop) {
        (_, Some(Stop::Newer(found))) => Err(newer(path, found)),
        (_, Some(Stop::Refused(reason))) => Ok(Read::Refused(reason)),
        (Ok(coverage), None) => Ok(Read::Ok(coverage)),
        (Err(e), None) => {
            if let Ok(v) = serde_json::from_slice::<VersionOnly>(&bytes)
                && v.recall_state > u64::from(SNAPSHOT_FORMAT)
            {
                return Err(newer(path, v.recall_state));
            }
            Ok(Read::Damaged(e.to_string()))
        }
    }
}

/// A snapshot read whole into memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub coverage: Coverage,
    pub progress: Progress,
}

/// Builds a [`Progress`] from the snapshot.
#[derive(Default)]
pub(crate) struct Collect {
    pub progress: Progress,
    deck: Option<DeckId>,
}

impl Sink for Collect {
    fn coverage(&mut self, _: &Coverage) -> Result<(), String> {
        Ok(())
    }
    fn deck(&mut self, deck: DeckId, count: usize) {
        self.progress.deck_mut(deck.clone()).reserve(count);
        self.deck = Some(deck);
    }
    fn item(&mut self, item: &str, record: ItemRecord) -> Result<(), String> {
        let deck = self.deck.clone().ok_or("an item outside a deck")?;
        let item = ItemId::parse(item)?;
        self.progress.deck_mut(deck).insert(item, record);
        Ok(())
    }
    fn day(&mut self, day: Day, reviews: u32) {
        self.progress.set_day(day, reviews);
    }
}

/// Reads the whole snapshot into memory.
pub(crate) fn read(path: &Path) -> Result<Loaded, StoreError> {
    let mut collect = Collect::default();
    Ok(match read_into(path, &mut collect)? {
        Read::Missing => Loaded::Missing,
        Read::Damaged(reason) | Read::Refused(reason) => Loaded::Damaged(reason),
        Read::Ok(coverage) => Loaded::Ok(Snapshot {
            coverage,
            progress: collect.progress,
        }),
    })
}

/// What reading the whole snapshot found.
pub(crate) enum Loaded {
    Missing,
    Damaged(String),
    Ok(Snapshot),
}

fn newer(path: &Path, found: u64) -> StoreError {
    StoreError::NewerFormat {
        path: path.to_owned(),
        what: "state snapshot",
        found,
        supported: SNAPSHOT_FORMAT,
    }
}

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

/// The top-level object. The header fields come before `decks` (as
/// [`write`] puts them), so the sink learns the coverage before any item.
struct Top<'a, S> {
    sink: &'a mut S,
    stop: &'a mut Option<Stop>,
}

impl<'de, S: Sink> DeserializeSeed<'de> for Top<'_, S> {
    type Value = Coverage;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Coverage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Top<'_, S> {
    type Value = Coverage;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a recall state snapshot")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Coverage, M::Error> {
        let (mut format, mut bytes, mut lines, mut fingerprint) = (None, None, None, None);
        let mut coverage = None;
        while let Some(Key(field)) = map.next_key()? {
            match field.as_ref() {
                "recall_state" => {
                    let f: u64 = map.next_value()?;
                    if f > u64::from(SNAPSHOT_FORMAT) {
                        *self.stop = Some(Stop::Newer(f));
                        return Err(de::Error::custom("newer format"));
                    }
                    if f == 0 {
                        return Err(de::Error::custom("format 0"));
                    }
                    format = Some(f);
                }
                "log_bytes" => bytes = Some(map.next_value::<u64>()?),
                "log_lines" => lines = Some(map.next_value::<u64>()?),
                "fingerprint" => {
                    let Key(hex) = map.next_value()?;
                    fingerprint = Some(
                        u64::from_str_radix(&hex, 16)
                            .map_err(|_| de::Error::custom("bad fingerprint"))?,
                    );
                }
                "days" => {
                    for (day, reviews) in map.next_value::<Vec<(i32, u32)>>()? {
                        let day = Day::from_epoch_days(day)
                            .ok_or_else(|| de::Error::custom("day out of range"))?;
                        self.sink.day(day, reviews);
                    }
                }
                "decks" => {
                    let (Some(_), Some(log_bytes), Some(log_lines), Some(fingerprint)) =
                        (format, bytes, lines, fingerprint)
                    else {
                        return Err(de::Error::custom("`decks` before the header fields"));
                    };
                    let c = Coverage {
                        log_bytes,
                        log_lines,
                        fingerprint,
                    };
                    if let Err(reason) = self.sink.coverage(&c) {
                        *self.stop = Some(Stop::Refused(reason));
                        return Err(de::Error::custom("refused"));
                    }
                    map.next_value_seed(Decks(&mut *self.sink))?;
                    coverage = Some(c);
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        coverage.ok_or_else(|| de::Error::custom("no `decks`"))
    }
}

/// `decks`: `[{"id": …, "count": …, "items": { item-id: Row }}]`.
struct Decks<'a, S>(&'a mut S);

impl<'de, S: Sink> DeserializeSeed<'de> for Decks<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Decks<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of decks")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(OneDeck(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One deck object; `id` and `count` come before `items`.
struct OneDeck<'a, S>(&'a mut S);

impl<'de, S: Sink> DeserializeSeed<'de> for OneDeck<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for OneDeck<'_, S> {
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
                    id = Some(
                        DeckId::new(&text)
                            .map_err(|e| de::Error::custom(format!("deck {text:?}: {e}")))?,
                    );
                }
                "count" => count = map.next_value()?,
                "items" => {
                    let deck = id
                        .clone()
                        .ok_or_else(|| de::Error::custom("`items` before `id`"))?;
                    self.0.deck(deck, count);
                    map.next_value_seed(Items(&mut *self.0))?;
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Items<'a, S>(&'a mut S);

impl<'de, S: Sink> DeserializeSeed<'de> for Items<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Items<'_, S> {
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
            self.0.item(&item, record).map_err(de::Error::custom)?;
        }
        Ok(())
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
        log_bytes: snapshot.coverage.log_bytes,
        log_lines: snapshot.coverage.log_lines,
        fingerprint: format!("{:016x}", snapshot.coverage.fingerprint),
        days: snapshot
            .progress
            .days()
            .iter()
            .map(|(d, n)| (d.epoch_days(), *n))
            .collect(),
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
