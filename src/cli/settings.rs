//! The resolved settings: flags and environment turned, once, into what the
//! commands use. Commands never see raw flags.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, anyhow};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use recall::clock::{self, Clock};
use recall::model::UserName;
use recall::sched::{Day, DayCutoff, Sm2, civil_day};
use recall::store::{Library, Paths, UserSettings};

use super::args::GlobalArgs;

/// How long a second writer waits for a profile before giving up.
pub const LOCK_WAIT: Duration = Duration::from_millis(1500);

/// Everything a command needs to know about where and when it runs.
#[derive(Debug)]
pub struct Settings {
    pub paths: Paths,
    pub user: UserName,
    pub clock: Clock,
    pub tz: TimeZone,
    pub cutoff: DayCutoff,
    pub user_settings: UserSettings,
}

impl Settings {
    /// Resolves the flags (then the environment, then the defaults). The user
    /// name is validated before any file is touched.
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Settings> {
        let user_text = args.user.clone().unwrap_or_else(|| "default".to_owned());
        let user = UserName::new(&user_text).map_err(|e| {
            anyhow!(
                "user name {user_text:?} is not allowed: it {e}. A name is 1 to 64 letters, digits, \
                 '_', '.' or '-', and starts with a letter or digit"
            )
        })?;
        let root = match &args.data_dir {
            Some(dir) if dir.as_os_str().is_empty() => {
                return Err(anyhow!("--data-dir is empty; give a directory"));
            }
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        let tz = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        let clock = match &args.now {
            Some(text) => Clock::Fixed(clock::parse_now(text, &tz)?),
            None => Clock::System,
        };
        let paths = Paths::new(root);
        let user_settings = UserSettings::load(&paths.settings(&user))?;
        let cutoff = match user_settings.day_starts_at {
            Some(h) => DayCutoff::new(h).unwrap_or_default(),
            None => DayCutoff::default(),
        };
        Ok(Settings {
            paths,
            user,
            clock,
            tz,
            cutoff,
            user_settings,
        })
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The learner's study day now.
    pub fn today(&self) -> Day {
        civil_day(self.now(), &self.tz, self.cutoff)
    }

    /// The installed decks.
    pub fn library(&self) -> Library {
        Library::new(self.paths.library())
    }

    /// The scheduler with the learner's settings.
    pub fn scheduler(&self) -> Sm2 {
        Sm2 {
            max_interval: self.user_settings.max_interval,
            exam: None,
        }
    }

    /// The exam day saved for a deck (`recall study --exam`), if any.
    pub fn exam_for(&self, deck: &recall::model::DeckId) -> Option<Day> {
        self.user_settings.exams.get(deck.as_str()).copied()
    }

    /// The scheduler for answers on `deck`: the learner's settings and the
    /// deck's exam day.
    pub fn scheduler_for(&self, deck: &recall::model::DeckId) -> Sm2 {
        Sm2 {
            exam: self.exam_for(deck),
            ..self.scheduler()
        }
    }

    /// New items per deck per day.
    pub fn new_per_day(&self) -> u32 {
        self.user_settings.new_per_day.unwrap_or(20)
    }
}

fn default_data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("", "", "recall")
        .map(|d| d.data_dir().to_owned())
        .context("cannot find the platform data directory (is HOME set?); give one with --data-dir or RECALL_DATA_DIR")
}
