//! The command-line front end: one module per command, each "load, compute,
//! print".

pub mod args;
mod deck;
mod decks;
mod derive;
mod library;
mod profile;
mod progress;
mod quiz;
mod review;
mod settings;
mod stats;
mod study;
mod term;

use std::io::Write;
use std::process::ExitCode;

use args::{Cli, Command, DeckCommand};
use settings::Settings;

/// Runs one invocation and returns the exit code; errors are printed by `main`.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Interactive sessions print through their console (and a Ctrl-C handler
    // must be able to print too), so stdout is locked per command, not here.
    let out = || std::io::stdout().lock();
    match cli.command {
        None => study::run(
            &args::StudyArgs::default(),
            &Settings::resolve(&cli.global)?,
        ),
        Some(Command::Study(a)) => study::run(&a, &Settings::resolve(&cli.global)?),
        Some(Command::Deck(DeckCommand::Check(a))) => deck::check(&a, &mut out()),
        Some(Command::Quiz(a)) => quiz::run(&a, &Settings::resolve(&cli.global)?, &mut out()),
        Some(Command::Derive(a)) => derive::run(&a, &mut out()),
        Some(Command::Review(a)) => review::run(&a, &Settings::resolve(&cli.global)?, &mut out()),
        Some(Command::Progress(a)) => {
            progress::progress(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Due(a)) => progress::due(&a, &Settings::resolve(&cli.global)?, &mut out()),
        Some(Command::Stats(a)) => stats::run(&a, &Settings::resolve(&cli.global)?, &mut out()),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "recall", &mut out());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Users(a)) => profile::users(&a, &Settings::resolve(&cli.global)?, &mut out()),
        Some(Command::Where(a)) => {
            profile::where_(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Doctor(a)) => {
            profile::doctor(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Install(a))) => {
            library::install(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::List(a))) => {
            library::list(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Show(a))) => {
            library::show(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Remove(a))) => {
            library::remove(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Export(a))) => {
            library::export(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Import(a))) => {
            library::import(&a, &Settings::resolve(&cli.global)?, &mut out())
        }
        Some(Command::Deck(DeckCommand::Schema)) => {
            out().write_all(recall::deckfile::schema_json().as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The `--id` and `--title` a command was given for a new deck, checked.
pub fn deck_naming(
    id: Option<&str>,
    title: Option<&str>,
) -> anyhow::Result<Option<recall::model::DeckId>> {
    if title.is_some_and(|t| t.trim().is_empty()) {
        anyhow::bail!("--title is empty; give the deck a title or leave --title out");
    }
    id.map(|id| {
        recall::model::DeckId::new(id).map_err(|e| {
            anyhow::anyhow!(
                "--id {id:?} is not a valid deck id: it {e} (use lowercase letters, digits and '-')"
            )
        })
    })
    .transpose()
}

/// Where `write_output` puts its bytes, for messages.
pub fn destination(path: Option<&std::path::Path>) -> String {
    path.map_or("standard output".to_owned(), |p| {
        format!("'{}'", p.display())
    })
}

/// Writes a command's output to FILE (never replacing one without `force`;
/// replacing atomically with it) or to standard output.
pub fn write_output(
    path: Option<&std::path::Path>,
    force: bool,
    bytes: &[u8],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let Some(path) = path else {
        out.write_all(bytes)?;
        return Ok(());
    };
    let written = if force {
        recall::fsutil::write_atomic(path, bytes)
    } else {
        recall::fsutil::write_new(path, bytes)
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "'{}' already exists; choose another file or add --force to replace it",
            path.display()
        ),
        r => r.with_context(|| format!("cannot write '{}'", path.display())),
    }
}

/// Prints warnings from the library, one `warning:` line each.
pub fn warn_all(warnings: Vec<String>) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// True when the error is only that stdout was closed (`recall … | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        // serde_json wraps the write error of `to_writer` in its own.
        let json = c
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line.
pub fn describe(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}
