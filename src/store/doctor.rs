//! `recall doctor`: read everything, report every problem, repair on request.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::lock::ProfileLock;
use super::log::{self, LogHealth, check_log};
use super::snapshot::{self, Loaded};
use super::{Paths, Profile, StoreError};
use crate::fsutil;
use crate::model::UserName;

/// The snapshot's condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotStatus {
    /// No snapshot yet (it is built from the log).
    Missing,
    /// Readable, and the log still holds what it covers; `behind` answers
    /// were logged since.
    Current { behind: u64 },
    /// Readable, but the log no longer matches it.
    Stale,
    /// Unreadable.
    Damaged(String),
    /// Written by a newer recall.
    Newer(String),
}

/// What `recall doctor` found.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub log_path: PathBuf,
    pub snapshot_path: PathBuf,
    pub log: LogHealth,
    pub snapshot: SnapshotStatus,
    /// Another process holds the profile's lock right now.
    pub locked: bool,
}

impl Inspection {
    /// True when nothing needs repairing.
    pub fn healthy(&self) -> bool {
        self.log.bad.is_empty()
            && self.log.newer.is_none()
            && matches!(
                self.snapshot,
                SnapshotStatus::Missing | SnapshotStatus::Current { .. }
            )
    }
}

/// Reads the whole log and the snapshot of a profile, changing nothing.
pub fn inspect(paths: &Paths, user: &UserName) -> Result<Inspection, StoreError> {
    let log_path = paths.log(user);
    let snapshot_path = paths.snapshot(user);
    let health =
        check_log(&log_path, false).map_err(StoreError::io("read the review log", &log_path))?;
    let snapshot = match snapshot::read(&snapshot_path) {
        Err(e @ StoreError::NewerFormat { .. }) => SnapshotStatus::Newer(e.to_string()),
        Err(e) => return Err(e),
        Ok(Loaded::Missing) => SnapshotStatus::Missing,
        Ok(Loaded::Damaged(reason)) => SnapshotStatus::Damaged(reason),
        Ok(Loaded::Ok(s)) => {
            if super::profile::covers(&log_path, &s.coverage) {
                let covered_events = s.coverage.log_lines.saturating_sub(1);
                SnapshotStatus::Current {
                    behind: health.events.saturating_sub(covered_events),
                }
            } else {
                SnapshotStatus::Stale
            }
        }
    };
    let locked = ProfileLock::is_held(&paths.lock(user)).unwrap_or(false);
    Ok(Inspection {
        log_path,
        snapshot_path,
        log: health,
        snapshot,
        locked,
    })
}

/// What a repair did.
#[derive(Debug, Clone, Default)]
pub struct Repair {
    /// Where the log was copied before it was rewritten.
    pub backup: Option<PathBuf>,
    /// Where the damaged lines were moved.
    pub rejected: Option<PathBuf>,
    /// How many lines were taken out of the log.
    pub removed: usize,
    /// The snapshot was rebuilt.
    pub rebuilt_snapshot: bool,
    /// Where the snapshot before the repair was kept.
    pub old_snapshot: Option<PathBuf>,
}

/// Repairs a profile under its lock: copies the log to a backup, moves
/// damaged lines to a side file, rewrites the log with the good ones, and
/// rebuilds the snapshot. `stamp` names the backup files.
pub fn repair(
    paths: &Paths,
    user: &UserName,
    stamp: &str,
    wait: Duration,
) -> Result<Repair, StoreError> {
    let log_path = paths.log(user);
    let snapshot_path = paths.snapshot(user);
    let mut done = Repair::default();
    {
        let _lock = ProfileLock::acquire(&paths.lock(user), user.as_str(), wait)?;
        let health =
            check_log(&log_path, true).map_err(StoreError::io("read the review log", &log_path))?;
        if let Some(found) = health.newer {
            return Err(StoreError::NewerFormat {
                path: log_path,
                what: "review log",
                found,
                supported: log::LOG_FORMAT,
            });
        }
        if !health.bad.is_empty() {
            let base = side_path(&log_path, &format!("bak-{stamp}"));
            let backup = fsutil::copy_to_new(&log_path, &base)
                .map_err(StoreError::io("back up the review log to", &base))?;
            done.backup = Some(backup);

            let rejected = side_path(&log_path, &format!("rejected-{stamp}"));
            let mut text = Vec::new();
            for bad in &health.bad {
                writeln!(text, "{}", bad.text).map_err(StoreError::io("write", &rejected))?;
            }
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&rejected)
                .and_then(|mut f| f.write_all(&text).and_then(|()| f.sync_all()))
                .map_err(StoreError::io("save the damaged lines to", &rejected))?;
            done.rejected = Some(rejected);
            done.removed = health.bad.len();

            let mut good = health.good;
            // A damaged header is replaced by a fresh one.
            if health.bad.first().is_some_and(|b| b.number == 1) {
                good.insert(0, log::header_line());
            }
            let bytes: Vec<u8> = good.concat();
            fsutil::write_atomic(&log_path, &bytes)
                .map_err(StoreError::io("rewrite the review log", &log_path))?;
        }
        // The old snapshot is kept aside, not deleted: if the log lost
        // answers (cut short by hand, say), it is the only trace of them.
        if snapshot_path.exists() {
            let base = snapshot_path.with_extension(format!("json.old-{stamp}"));
            let kept = fsutil::copy_to_new(&snapshot_path, &base)
                .map_err(StoreError::io("keep the old snapshot as", &base))?;
            fs::remove_file(&snapshot_path)
                .map_err(StoreError::io("remove the old snapshot", &snapshot_path))?;
            done.old_snapshot = Some(kept);
        }
    }
    // Opening to write rebuilds the snapshot from the repaired log.
    let mut profile = Profile::open_write(paths, user, wait)?;
    profile.checkpoint()?;
    done.rebuilt_snapshot = true;
    Ok(done)
}

fn side_path(log_path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = log_path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{suffix}"));
    log_path.with_file_name(name)
}

/// Deletes one deck's answers from a profile's log, under its lock, after a
/// timestamped backup; then rebuilds the snapshot. Returns how many answers
/// were removed and where the backup is. Damaged lines stop it (repair them
/// first).
pub fn purge_deck(
    paths: &Paths,
    user: &UserName,
    deck: &crate::model::DeckId,
    stamp: &str,
    wait: Duration,
) -> Result<(usize, Option<PathBuf>), StoreError> {
    let log_path = paths.log(user);
    let snapshot_path = paths.snapshot(user);
    let removed;
    let backup;
    {
        let _lock = ProfileLock::acquire(&paths.lock(user), user.as_str(), wait)?;
        let health =
            check_log(&log_path, true).map_err(StoreError::io("read the review log", &log_path))?;
        if let Some(bad) = health.bad.first() {
            return Err(StoreError::Damaged {
                path: log_path,
                line: bad.number,
                reason: bad.reason.clone(),
            });
        }
        let mut kept = Vec::with_capacity(health.good.len());
        let mut dropped = 0;
        for (i, line) in health.good.into_iter().enumerate() {
            let of_deck = i > 0
                && serde_json::from_slice::<crate::progress::ReviewEvent>(&line)
                    .is_ok_and(|e| &e.deck == deck);
            if of_deck {
                dropped += 1;
            } else {
                kept.push(line);
            }
        }
        removed = dropped;
        if removed == 0 {
            return Ok((0, None));
        }
        let base = side_path(&log_path, &format!("bak-{stamp}"));
        backup = Some(
            fsutil::copy_to_new(&log_path, &base)
                .map_err(StoreError::io("back up the review log to", &base))?,
        );
        fsutil::write_atomic(&log_path, &kept.concat())
            .map_err(StoreError::io("rewrite the review log", &log_path))?;
        match fs::remove_file(&snapshot_path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io("remove the old snapshot", &snapshot_path)(e)),
        }
    }
    let mut profile = Profile::open_write(paths, user, wait)?;
    profile.checkpoint()?;
    Ok((removed, backup))
}
