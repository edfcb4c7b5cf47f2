//! Where progress lives: per-user review logs and snapshots under the data
//! directory, the profile lock, and the library of installed decks.
//!
//! ```text
//! DATA/
//!   library/ID.json          installed decks (shared by every user)
//!   users/NAME/log.jsonl     the review log: the source of truth
//!   users/NAME/state.json    the snapshot, derived from the log
//!   users/NAME/lock          held by the one process writing the profile
//!   users/NAME/settings.json the learner's settings
//! ```

mod doctor;
pub mod failpoint;
mod library;
mod lock;
mod log;
mod profile;
mod settings;
mod snapshot;

pub use doctor::{Inspection, Repair, SnapshotStatus, inspect, purge_deck, repair};
pub use library::{InstalledDeck, Library};
pub use lock::ProfileLock;
pub use log::{LOG_FORMAT, LogHealth, LogLine, check_log};
pub use profile::{Profile, SNAPSHOT_EVERY};
pub use settings::{SettingsError, UserSettings};
pub use snapshot::SNAPSHOT_FORMAT;

use std::io;
use std::path::{Path, PathBuf};

use crate::model::UserName;

/// The files of one data directory.
#[derive(Debug, Clone)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    /// The data directory at `root`.
    pub fn new(root: PathBuf) -> Self {
        Paths { root }
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where installed decks live.
    pub fn library(&self) -> PathBuf {
        self.root.join("library")
    }

    /// The directory holding every profile.
    pub fn users(&self) -> PathBuf {
        self.root.join("users")
    }

    /// One learner's directory.
    pub fn user(&self, user: &UserName) -> PathBuf {
        self.users().join(user.as_str())
    }

    /// The learner's review log.
    pub fn log(&self, user: &UserName) -> PathBuf {
        self.user(user).join("log.jsonl")
    }

    /// The learner's state snapshot.
    pub fn snapshot(&self, user: &UserName) -> PathBuf {
        self.user(user).join("state.json")
    }

    /// The learner's lock file.
    pub fn lock(&self, user: &UserName) -> PathBuf {
        self.user(user).join("lock")
    }

    /// The learner's settings.
    pub fn settings(&self, user: &UserName) -> PathBuf {
        self.user(user).join("settings.json")
    }

    /// The profiles that exist, in name order.
    pub fn list_users(&self) -> io::Result<Vec<UserName>> {
        let mut users = Vec::new();
        match std::fs::read_dir(self.users()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
            Ok(entries) => {
                for entry in entries {
                    let entry = entry?;
                    if !entry.file_type()?.is_dir() {
                        continue;
                    }
                    if let Some(name) = entry
                        .file_name()
                        .to_str()
                        .and_then(|n| UserName::new(n).ok())
                    {
                        users.push(name);
                    }
                }
            }
        }
        users.sort();
        Ok(users)
    }
}

/// Why the store could not do what was asked. Every variant says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "profile '{user}' is in use by another recall process; finish that session (or wait for it) and try again"
    )]
    InUse { user: String },
    #[error(
        "{}:{line}: this line of the review log is damaged ({reason}); nothing was changed. \
         Run `recall doctor` to see the problem and `recall doctor --repair` to fix it",
        .path.display()
    )]
    Damaged {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error(
        "'{}' was written by a newer version of recall ({what} format {found}; this one reads up to {supported}); update recall",
        .path.display()
    )]
    NewerFormat {
        path: PathBuf,
        what: &'static str,
        found: u64,
        supported: u32,
    },
    #[error("cannot {action} '{}': {}", .path.display(), explain(.source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl StoreError {
    /// An I/O failure while doing `action` on `path`.
    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> StoreError {
        let path = path.to_owned();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    }
}

/// An I/O error in words a learner can act on.
pub fn explain(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::StorageFull => {
            format!("the disk is full ({e}); free some space and try again")
        }
        io::ErrorKind::ReadOnlyFilesystem => {
            format!("the data directory is read-only ({e}); choose another with --data-dir")
        }
        io::ErrorKind::PermissionDenied => {
            format!(
                "permission denied ({e}); check the data directory's permissions or choose another with --data-dir"
            )
        }
        _ => e.to_string(),
    }
}

/// 64-bit FNV-1a: a stable fingerprint of the log's last bytes.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
