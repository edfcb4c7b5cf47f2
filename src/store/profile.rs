//! One learner's profile: the review log and its snapshot, opened to read or,
//! under the profile lock, to write.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::time::Duration;

use super::lock::ProfileLock;
use super::log::{self, Torn};
use super::snapshot::{self, Collect, Coverage, Read, Sink, Snapshot};
use super::{Paths, StoreError, failpoint};
use crate::fsutil;
use crate::model::{DeckId, UserName};
use crate::progress::{ItemRecord, Progress, ReviewEvent, apply_to, first_record};

/// Which records to keep in memory: a deck and an item id in, yes or no out.
pub type Keep<'a> = &'a dyn Fn(&DeckId, &str) -> bool;

/// Answers logged after the snapshot before it is rewritten: start-up reads
/// at most this many lines of log on top of the snapshot.
pub const SNAPSHOT_EVERY: u64 = 1000;

/// An open profile: every item's state, and (when opened to write) the lock
/// and the log to append to.
#[derive(Debug)]
pub struct Profile {
    paths: Paths,
    user: UserName,
    progress: Progress,
    /// The log's length and line count up to its last good line.
    log_bytes: u64,
    log_lines: u64,
    /// Answers in the log that the snapshot on disk does not cover.
    uncovered: u64,
    /// The snapshot on disk is missing, damaged or stale.
    rebuild: bool,
    /// Only some records were read (see [`Profile::open_write_for`]).
    partial: bool,
    /// The snapshot on disk does not match the log: it may hold answers the
    /// log lost, so it is kept aside before being replaced.
    stale_snapshot: bool,
    writer: Option<Writer>,
    warnings: Vec<String>,
}

#[derive(Debug)]
struct Writer {
    _lock: ProfileLock,
    log: File,
}

impl Profile {
    /// Opens a profile to read. Touches no file; a profile that does not exist
    /// yet reads as empty.
    pub fn open_read(paths: &Paths, user: &UserName) -> Result<Profile, StoreError> {
        let mut profile = Profile::empty(paths, user);
        let torn = profile.load(None)?;
        profile
            .warnings
            .extend(damaged_tail(torn.as_ref(), &paths.log(user)));
        Ok(profile)
    }

    /// Opens a profile to write, taking its lock (waiting up to `wait` for
    /// another process). A torn last line is set aside; a missing or stale
    /// snapshot is rewritten.
    pub fn open_write(
        paths: &Paths,
        user: &UserName,
        wait: Duration,
    ) -> Result<Profile, StoreError> {
        Profile::open_write_keeping(paths, user, wait, None)
    }

    /// Opens a profile to write, like [`Profile::open_write`], but keeps in
    /// memory only the records `keep` asks for (a script's one answer on a
    /// 100,000-item profile need not build a map of every item). The rest is
    /// read again, in full, when the snapshot is next rewritten.
    pub fn open_write_for(
        paths: &Paths,
        user: &UserName,
        wait: Duration,
        keep: &dyn Fn(&DeckId, &str) -> bool,
    ) -> Result<Profile, StoreError> {
        Profile::open_write_keeping(paths, user, wait, Some(keep))
    }

    fn open_write_keeping(
        paths: &Paths,
        user: &UserName,
        wait: Duration,
        keep: Option<Keep<'_>>,
    ) -> Result<Profile, StoreError> {
        let dir = paths.user(user);
        failpoint::error(
            "readonly",
            io::ErrorKind::ReadOnlyFilesystem,
            "read-only file system",
        )
        .and_then(|()| fs::create_dir_all(&dir))
        .map_err(StoreError::io("create the profile directory", &dir))?;
        let lock = ProfileLock::acquire(&paths.lock(user), user.as_str(), wait)?;
        let mut profile = Profile::empty(paths, user);
        let torn = profile.load(keep)?;
        let log_path = paths.log(user);
        if let Some(torn) = torn {
            profile.set_aside(&torn)?;
        }
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(StoreError::io("open the review log", &log_path))?;
        if profile.log_bytes == 0 {
            let header = log::header_line();
            log.write_all(&header)
                .and_then(|()| log.sync_all())
                .and_then(|()| fsutil::sync_dir(&dir))
                .map_err(|e| {
                    let _ = log.set_len(0);
                    StoreError::io("write the review log", &log_path)(e)
                })?;
            profile.log_bytes = header.len() as u64;
            profile.log_lines = 1;
        }
        profile.writer = Some(Writer { _lock: lock, log });
        Ok(profile)
    }

    fn empty(paths: &Paths, user: &UserName) -> Profile {
        Profile {
            paths: paths.clone(),
            user: user.clone(),
            progress: Progress::new(),
            log_bytes: 0,
            log_lines: 0,
            uncovered: 0,
            rebuild: false,
            partial: false,
            stale_snapshot: false,
            writer: None,
            warnings: Vec::new(),
        }
    }

    /// Reads the snapshot and the part of the log it does not cover (or the
    /// whole log when the snapshot is missing, damaged or does not match).
    fn load(&mut self, keep: Option<Keep<'_>>) -> Result<Option<Torn>, StoreError> {
        let snap_path = self.paths.snapshot(&self.user);
        let log_path = self.paths.log(&self.user);
        let mut sink = Checked {
            log_path: &log_path,
            collect: Collect::default(),
            keep,
            deck: None,
        };
        let start = match snapshot::read_into(&snap_path, &mut sink)? {
            Read::Ok(coverage) => {
                self.progress = sink.collect.progress;
                self.partial = keep.is_some();
                Some(coverage)
            }
            Read::Refused(_) => {
                self.warnings.push(format!(
                    "the state snapshot does not match the review log (was the log cut short or \
                     replaced?); progress is rebuilt from '{}', and the old snapshot is kept \
                     beside it as state.json.stale when a new one is written",
                    log_path.display()
                ));
                self.rebuild = true;
                self.stale_snapshot = true;
                None
            }
            Read::Damaged(reason) => {
                self.warnings.push(format!(
                    "the state snapshot '{}' was damaged ({reason}); rebuilt it from the review log",
                    snap_path.display()
                ));
                self.rebuild = true;
                None
            }
            Read::Missing => {
                self.rebuild = true;
                None
            }
        };
        let (offset, lines) = start.map_or((0, 0), |c| (c.log_bytes, c.log_lines));
        let progress = &mut self.progress;
        let mut tail = 0;
        let end = log::scan(&log_path, offset, lines, |event| {
            progress.apply(&event);
            tail += 1;
        })?;
        self.log_bytes = end.bytes;
        self.log_lines = end.lines;
        self.uncovered = tail;
        Ok(end.torn)
    }

    /// Folds every item's current record into an accumulator without
    /// holding them all in memory: the snapshot is streamed and the log's
    /// tail laid over it. The fast path of read-only summaries such as
    /// `recall due`. Falls back to a full read (with a fresh accumulator)
    /// when the snapshot cannot be used.
    pub fn fold_records<A>(
        paths: &Paths,
        user: &UserName,
        init: impl Fn() -> A,
        mut f: impl FnMut(&mut A, &DeckId, &str, &ItemRecord),
    ) -> Result<(A, Vec<String>), StoreError> {
        let log_path = paths.log(user);
        let mut sink = Streaming {
            log_path: &log_path,
            tail: BTreeMap::new(),
            deck: None,
            error: None,
            torn: None,
            acc: init(),
            f: &mut f,
        };
        let read = snapshot::read_into(&paths.snapshot(user), &mut sink)?;
        if let Some(e) = sink.error.take() {
            return Err(e);
        }
        if !matches!(read, Read::Ok(_)) {
            let mut profile = Profile::open_read(paths, user)?;
            let mut acc = init();
            for (deck, item, record) in profile.progress.iter() {
                f(&mut acc, deck, &item.to_string(), record);
            }
            return Ok((acc, profile.take_warnings()));
        }
        let Streaming {
            tail,
            mut acc,
            torn,
            ..
        } = sink;
        // Items first seen in the tail.
        for (deck, items) in tail {
            for (item, events) in items {
                let mut record: Option<ItemRecord> = None;
                for event in &events {
                    match &mut record {
                        Some(r) => apply_to(r, event),
                        None => record = first_record(event),
                    }
                }
                if let Some(r) = record {
                    f(&mut acc, &deck, &item, &r);
                }
            }
        }
        let warnings = damaged_tail(torn.as_ref(), &log_path).into_iter().collect();
        Ok((acc, warnings))
    }

    /// Moves a torn last line into a side file, then cuts it off the log.
    fn set_aside(&mut self, torn: &Torn) -> Result<(), StoreError> {
        let log_path = self.paths.log(&self.user);
        let side = log_path.with_extension("jsonl.torn");
        let mut record = torn.bytes.clone();
        if record.last() != Some(&b'\n') {
            record.push(b'\n');
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&side)
            .and_then(|mut f| f.write_all(&record).and_then(|()| f.sync_all()))
            .map_err(StoreError::io("save the cut-off line to", &side))?;
        OpenOptions::new()
            .write(true)
            .open(&log_path)
            .and_then(|f| f.set_len(torn.offset).and_then(|()| f.sync_all()))
            .map_err(StoreError::io("repair the review log", &log_path))?;
        self.warnings.push(format!(
            "the last line of '{}' (line {}) was cut off by a crash; it was moved to '{}'",
            log_path.display(),
            torn.line,
            side.display()
        ));
        Ok(())
    }

    /// Every answer in the log, oldest first (the whole history: for
    /// statistics, exports and doctor-like reports, not for start-up).
    /// Returns warnings to show (a damaged last line, left out).
    pub fn history(
        paths: &Paths,
        user: &UserName,
        f: impl FnMut(ReviewEvent),
    ) -> Result<Vec<String>, StoreError> {
        let log_path = paths.log(user);
        let end = log::scan(&log_path, 0, 0, f)?;
        Ok(damaged_tail(end.torn.as_ref(), &log_path)
            .into_iter()
            .collect())
    }

    /// Every item's state.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The profile's name.
    pub fn user(&self) -> &UserName {
        &self.user
    }

    /// Things worth telling the learner that happened while opening
    /// (a snapshot rebuilt, a torn line set aside).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Complete answers in the log.
    pub fn logged_lines(&self) -> u64 {
        self.log_lines.saturating_sub(1)
    }

    /// Appends one answer to the log and flushes it to disk before
    /// returning: once this returns Ok, the answer survives a crash. On
    /// failure the log is left as it was.
    pub fn record(&mut self, event: &ReviewEvent) -> Result<(), StoreError> {
        let log_path = self.paths.log(&self.user);
        let Some(writer) = self.writer.as_mut() else {
            return Err(StoreError::io("record an answer in", &log_path)(
                io::Error::other("the profile was opened read-only"),
            ));
        };
        let mut line = serde_json::to_vec(event)
            .map_err(|e| StoreError::io("record an answer in", &log_path)(e.into()))?;
        line.push(b'\n');
        let written = append(&mut writer.log, &line);
        if let Err(e) = written {
            // Leave no partial line behind: the log must stay exactly as it was.
            let _ = writer
                .log
                .set_len(self.log_bytes)
                .and_then(|()| writer.log.sync_all());
            return Err(StoreError::io("record the answer in", &log_path)(e));
        }
        failpoint::crash("crash-after-append");
        self.log_bytes += line.len() as u64;
        self.log_lines += 1;
        self.uncovered += 1;
        self.progress.apply(event);
        Ok(())
    }

    /// Appends many answers at once (an import, a generated history) with one
    /// flush at the end instead of one per answer. All or nothing: on failure
    /// the log is cut back to where it was.
    pub fn record_all<'e>(
        &mut self,
        events: impl IntoIterator<Item = &'e ReviewEvent>,
    ) -> Result<u64, StoreError> {
        let log_path = self.paths.log(&self.user);
        let Some(writer) = self.writer.as_mut() else {
            return Err(StoreError::io("record answers in", &log_path)(
                io::Error::other("the profile was opened read-only"),
            ));
        };
        let start = self.log_bytes;
        let mut buf = io::BufWriter::with_capacity(1 << 20, &writer.log);
        let mut bytes = 0u64;
        let mut lines = 0u64;
        let mut applied = Vec::new();
        let result = (|| -> io::Result<()> {
            for event in events {
                let mut line = serde_json::to_vec(event).map_err(io::Error::other)?;
                line.push(b'\n');
                buf.write_all(&line)?;
                bytes += line.len() as u64;
                lines += 1;
                applied.push(event);
            }
            buf.flush()
        })();
        drop(buf);
        if let Err(e) = result.and_then(|()| writer.log.sync_data()) {
            let _ = writer
                .log
                .set_len(start)
                .and_then(|()| writer.log.sync_all());
            return Err(StoreError::io("record answers in", &log_path)(e));
        }
        for event in applied {
            self.progress.apply(event);
        }
        self.log_bytes += bytes;
        self.log_lines += lines;
        self.uncovered += lines;
        Ok(lines)
    }

    /// Rewrites the snapshot to cover the whole log. A failure leaves the old
    /// snapshot (which the log still completes) in place.
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        if self.partial {
            // The snapshot covers every item: read them all first.
            let mut full = Profile::empty(&self.paths, &self.user);
            full.load(None)?;
            self.progress = full.progress;
            self.partial = false;
        }
        let log_path = self.paths.log(&self.user);
        let snap_path = self.paths.snapshot(&self.user);
        let fingerprint = File::open(&log_path)
            .and_then(|mut f| log::fingerprint(&mut f, self.log_bytes))
            .map_err(StoreError::io("read the review log", &log_path))?;
        let snapshot = Snapshot {
            coverage: Coverage {
                log_bytes: self.log_bytes,
                log_lines: self.log_lines,
                fingerprint,
            },
            progress: self.progress.clone(),
        };
        if self.stale_snapshot && snap_path.exists() {
            let base = snap_path.with_extension("json.stale");
            fsutil::copy_to_new(&snap_path, &base)
                .map_err(StoreError::io("keep the old snapshot as", &base))?;
            self.stale_snapshot = false;
        }
        snapshot::write(&snap_path, &snapshot)
            .map_err(StoreError::io("write the state snapshot", &snap_path))?;
        self.uncovered = 0;
        self.rebuild = false;
        Ok(())
    }

    /// Rewrites the snapshot when it is missing or stale, or once enough
    /// answers are uncovered by it, so start-up stays short however long the
    /// history grows. Commands call this after their work succeeded, so a
    /// failed command changes nothing. A failure is only a warning: the log
    /// holds every answer and the next run catches up.
    pub fn checkpoint_if_due(&mut self) -> Option<String> {
        let stale = self.rebuild && self.log_lines > 1;
        if self.writer.is_none() || !(stale || self.uncovered >= SNAPSHOT_EVERY) {
            return None;
        }
        self.checkpoint()
            .err()
            .map(|e| format!("{e}; it will be retried next time"))
    }
}

/// Writes one whole line and flushes it to the disk.
fn append(log: &mut File, line: &[u8]) -> io::Result<()> {
    if failpoint::on("append-full") || failpoint::on("crash-mid-append") {
        log.write_all(&line[..line.len() / 2])?;
        log.sync_data()?;
        failpoint::crash("crash-mid-append");
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "no space left on device (simulated by RECALL_FAILPOINTS=append-full)",
        ));
    }
    log.write_all(line)?;
    log.sync_data()
}

/// True when the log still holds, unchanged, the bytes a snapshot covers.
pub(crate) fn covers(log_path: &std::path::Path, c: &Coverage) -> bool {
    let Ok(mut file) = File::open(log_path) else {
        return c.log_bytes == 0;
    };
    let long_enough = file.metadata().is_ok_and(|m| m.len() >= c.log_bytes);
    long_enough && log::fingerprint(&mut file, c.log_bytes).is_ok_and(|f| f == c.fingerprint)
}

/// Collects a snapshot, but only one that matches the log, and only the
/// records `keep` wants (all without it).
struct Checked<'a> {
    log_path: &'a std::path::Path,
    collect: Collect,
    keep: Option<Keep<'a>>,
    deck: Option<DeckId>,
}

impl Sink for Checked<'_> {
    fn coverage(&mut self, coverage: &Coverage) -> Result<(), String> {
        if covers(self.log_path, coverage) {
            Ok(())
        } else {
            Err("it does not match the review log".to_owned())
        }
    }
    fn deck(&mut self, deck: DeckId, count: usize) {
        let count = if self.keep.is_some() { 0 } else { count };
        self.deck = Some(deck.clone());
        self.collect.deck(deck, count);
    }
    fn item(&mut self, item: &str, record: ItemRecord) -> Result<(), String> {
        if let (Some(keep), Some(deck)) = (self.keep, &self.deck)
            && !keep(deck, item)
        {
            return Ok(());
        }
        self.collect.item(item, record)
    }
    fn day(&mut self, day: crate::sched::Day, reviews: u32) {
        self.collect.day(day, reviews);
    }
}

/// Streams a snapshot into a fold, with the log's tail laid over it.
struct Streaming<'a, A, F> {
    log_path: &'a std::path::Path,
    /// The tail's answers by deck and item, in log order; an item's entry is
    /// taken out when the snapshot reaches it, so what is left at the end are
    /// items the snapshot does not know.
    tail: BTreeMap<DeckId, HashMap<String, Vec<ReviewEvent>>>,
    deck: Option<DeckId>,
    error: Option<StoreError>,
    torn: Option<Torn>,
    acc: A,
    f: &'a mut F,
}

impl<A, F: FnMut(&mut A, &DeckId, &str, &ItemRecord)> Sink for Streaming<'_, A, F> {
    fn coverage(&mut self, coverage: &Coverage) -> Result<(), String> {
        if !covers(self.log_path, coverage) {
            return Err("it does not match the review log".to_owned());
        }
        let tail = &mut self.tail;
        let scanned = log::scan(
            self.log_path,
            coverage.log_bytes,
            coverage.log_lines,
            |event| {
                tail.entry(event.deck.clone())
                    .or_default()
                    .entry(event.item.to_string())
                    .or_default()
                    .push(event);
            },
        );
        match scanned {
            Ok(end) => {
                self.torn = end.torn;
                Ok(())
            }
            Err(e) => {
                self.error = Some(e);
                Err("the review log could not be read".to_owned())
            }
        }
    }
    fn deck(&mut self, deck: DeckId, _: usize) {
        self.deck = Some(deck);
    }
    fn item(&mut self, item: &str, mut record: ItemRecord) -> Result<(), String> {
        let deck = self.deck.as_ref().ok_or("an item outside a deck")?;
        if let Some(events) = self.tail.get_mut(deck).and_then(|items| items.remove(item)) {
            for event in &events {
                apply_to(&mut record, event);
            }
        }
        (self.f)(&mut self.acc, deck, item, &record);
        Ok(())
    }
}

/// The warning for readers about a damaged last line (a complete line that
/// is not an answer). An unfinished one says nothing: it may be an answer
/// another process is writing right now.
fn damaged_tail(torn: Option<&Torn>, log_path: &std::path::Path) -> Option<String> {
    let torn = torn.filter(|t| t.bytes.last() == Some(&b'\n'))?;
    Some(format!(
        "line {} of '{}' is damaged; it is left out (run `recall doctor` to repair)",
        torn.line,
        log_path.display()
    ))
}
