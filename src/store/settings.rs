//! A learner's settings, in `users/NAME/settings.json`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::sched::Day;

/// What a learner can set once instead of passing flags every time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSettings {
    /// The local hour (0–23) at which a new study day begins; 4 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_starts_at: Option<u8>,
    /// New items per deck per day; 20 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_per_day: Option<u32>,
    /// The answer mode of `recall study`: flip, typed or choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The longest interval SM-2 may schedule, in days; none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_interval: Option<u32>,
    /// Exam days per deck id: intervals are capped to review before them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exams: BTreeMap<String, Day>,
}

/// A settings file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the settings in '{}': {reason}; fix or delete the file", .path.display())]
pub struct SettingsError {
    pub path: std::path::PathBuf,
    pub reason: String,
}

impl UserSettings {
    /// Reads the settings at `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<UserSettings, SettingsError> {
        let err = |reason: String| SettingsError {
            path: path.to_owned(),
            reason,
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(UserSettings::default()),
            Err(e) => return Err(err(e.to_string())),
        };
        let settings: UserSettings =
            serde_json::from_slice(&bytes).map_err(|e| err(e.to_string()))?;
        if settings.day_starts_at.is_some_and(|h| h > 23) {
            return Err(err(
                "`day_starts_at` must be an hour from 0 to 23".to_owned()
            ));
        }
        Ok(settings)
    }

    /// Writes the settings atomically.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        bytes.push(b'\n');
        fsutil::write_atomic(path, &bytes)
    }
}
