//! `recall stats` (being written).

use std::io::Write;
use std::process::ExitCode;

use super::args::StatsArgs;
use super::settings::Settings;

/// Prints the learner's statistics.
pub fn run(
    _args: &StatsArgs,
    _settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    writeln!(out, "recall stats is not written yet")?;
    Ok(ExitCode::FAILURE)
}
