//! The command line as clap parses it. Commands never see these raw flags:
//! [`super::run`] resolves them first.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// recall: spaced-repetition study and mock exams in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "recall",
    version,
    about = "Spaced-repetition study and mock exams in the terminal",
    long_about = "recall schedules flashcard decks with SM-2 and quizzes you in the terminal.\n\
                  Decks are single JSON files; see `recall deck check --help` for the format.",
    after_help = "Examples:\n  recall deck check my-deck.json\n  recall deck schema > recall-deck.schema.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check, inspect and manage decks
    #[command(
        subcommand,
        after_help = "Examples:\n  recall deck check decks/*.json\n  recall deck schema"
    )]
    Deck(DeckCommand),
}

/// `recall deck …`
#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// Check deck files and report every problem at once
    #[command(
        long_about = "Checks deck files (JSON, format 1) and reports every problem in every file at once:\n\
                      syntax and type errors as FILE:LINE:COL: message, other problems as\n\
                      FILE: card 'ID': message. Exits with status 1 if any file has a problem.",
        after_help = "Examples:\n  recall deck check my-deck.json\n  recall deck check decks/*.json --json"
    )]
    Check(CheckArgs),
    /// Print the JSON Schema of the deck format, for editors
    #[command(
        long_about = "Prints the JSON Schema (draft 2020-12) of deck format 1. Point your editor at it, or\n\
                      add \"$schema\": \"./recall-deck.schema.json\" to a deck, to get completion and checks\n\
                      while you write.",
        after_help = "Example:\n  recall deck schema > recall-deck.schema.json"
    )]
    Schema,
}

/// `recall deck check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Deck files to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the result as one JSON document
    #[arg(long)]
    pub json: bool,
}
