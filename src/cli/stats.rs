//! `recall stats`: reviews per day, retention, streaks, item counts, the
//! forecast and the hardest items, as charts or as one JSON document.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use serde::Serialize;

use recall::model::DeckId;
use recall::stats::{Collector, DeckSize, Stats, View, render};
use recall::store::Profile;

use super::args::StatsArgs;
use super::decks::{self, DeckSummary};
use super::settings::Settings;

/// The width of a pipe, or of a terminal whose size cannot be read.
const PIPE_WIDTH: usize = 80;

#[derive(Serialize)]
struct StatsJson<'a> {
    user: String,
    #[serde(flatten)]
    stats: &'a Stats,
}

/// Prints the learner's statistics.
pub fn run(
    args: &StatsArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let today = settings.today();
    // Named decks are resolved first, so that a wrong name fails before the
    // log is read and only their answers are gathered.
    let named = if args.decks.is_empty() {
        None
    } else {
        Some(decks::summaries(&args.decks, settings, &[])?)
    };
    let scope: Option<Vec<DeckId>> = named
        .as_ref()
        .map(|s| s.iter().map(|d| d.id.clone()).collect());
    let mut collector = Collector::new(today, scope.as_deref());
    // Streamed: the log can hold a million answers.
    let warnings = Profile::history(&settings.paths, &settings.user, |event| {
        collector.add(&event)
    })?;
    super::warn_all(warnings);
    let summaries: Vec<DeckSummary> = match named {
        Some(s) => s,
        None => decks::summaries(&[], settings, &collector.decks())?,
    };
    let sizes: Vec<DeckSize> = summaries
        .iter()
        .map(|s| DeckSize {
            id: s.id.clone(),
            items: s.items,
            exam: settings.exam_for(&s.id),
        })
        .collect();
    let stats = collector.finish(args.days, &sizes, |deck, item| {
        summaries
            .iter()
            .find(|s| &s.id == deck)
            .is_none_or(|s| s.members.contains(item))
    });
    if args.json {
        let json = StatsJson {
            user: settings.user.to_string(),
            stats: &stats,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (width, color) = terminal();
    let view = View {
        user: settings.user.as_str(),
        width,
        color,
    };
    out.write_all(render(&stats, &view).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The width to draw in and whether colour is allowed: the terminal's width
/// and colour unless NO_COLOR is set (the rule of the study console, for
/// stdout alone: stats reads no input); 80 plain columns in a pipe.
fn terminal() -> (usize, bool) {
    if !std::io::stdout().is_terminal() {
        return (PIPE_WIDTH, false);
    }
    let width = crossterm::terminal::size().map_or(PIPE_WIDTH, |(w, _)| usize::from(w));
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    (width, color)
}
