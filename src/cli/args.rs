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
    /// Draft a deck from a plain-text document
    #[command(
        long_about = "Turns a plain-text document into a draft deck: sections from its headings, a date card\n\
                      for every sentence that carries a year (ranges and decades too), and cloze cards for\n\
                      the named things in those sentences. The same document always gives the same deck.\n\
                      Edit the draft, then check it with `recall deck check`.",
        after_help = "Examples:\n  recall derive article.txt -o my-deck.json\n  recall derive article.txt --id history --title \"Modern history\" | less"
    )]
    Derive(DeriveArgs),
}

/// `recall derive`
#[derive(Debug, Args)]
pub struct DeriveArgs {
    /// The document, as UTF-8 plain text
    pub document: PathBuf,
    /// The deck id (lowercase letters, digits and '-'); from the title if absent
    #[arg(long)]
    pub id: Option<String>,
    /// The deck title; the document's first heading if absent
    #[arg(long)]
    pub title: Option<String>,
    /// Write the deck to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
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
