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
                  With no command it opens today's study session (`recall study`). Decks are\n\
                  single JSON files; `recall deck schema` prints their format.",
    after_help = "Examples:\n  recall                                  today's session\n  recall study japan-russia-dates --mode typed\n  recall quiz japan-russia-dates japan-russia-facts --count 20\n  recall due\n  recall stats\n  recall deck check my-deck.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Where decks and progress are kept [default: the platform data directory,
    /// e.g. ~/.local/share/recall]
    #[arg(long, global = true, env = "RECALL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Whose progress to use [default: default]
    #[arg(long, global = true, env = "RECALL_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Pretend it is this time: an RFC 3339 timestamp (2026-03-01T09:30:00+01:00) or a
    /// date (2026-03-01, meaning noon local time); for tests, scripts and simulations
    #[arg(long, global = true, env = "RECALL_NOW", value_name = "TIME")]
    pub now: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Study today's items (the default command)
    #[command(
        long_about = "Today's session: the items due (most overdue first), then up to --new new items per\n\
                      deck, spread among them; an item answered below 4 comes back later in the session\n\
                      until you get it. Every answer is saved the moment you give it: stop any time with q,\n\
                      Ctrl-D or Ctrl-C. With no DECK, studies every deck you have started (a first session\n\
                      starts the bundled decks). `recall` alone is `recall study`.",
        after_help = "Examples:\n  recall\n  recall study japan-russia-dates --mode typed\n  recall study ./my-deck.json --new 10 --mode choice --seed 7\n  recall study japan-russia-facts --exam 2026-03-12"
    )]
    Study(StudyArgs),
    /// A mock exam: a score, the time, and the mistakes with their answers
    #[command(
        long_about = "A mock exam outside the schedule: the answers are logged (kind `quiz`) but change no\n\
                      item's schedule unless --record. Questions come from the decks named, narrowed by\n\
                      --tag and --section; --weak takes the items you find hardest first. Without --seed a\n\
                      seed is chosen and printed, so the same exam can be sat again. --print writes a paper\n\
                      exam in Markdown instead (with --answers, an answer key at the end).",
        after_help = "Examples:\n  recall quiz japan-russia-dates japan-russia-facts\n  recall quiz japan-russia-dates --mode timeline --count 5\n  recall quiz japan-russia-facts --tag 1860-1914 --weak --mode typed --time-limit 10\n  recall quiz japan-russia-facts --print --answers -o exam.md --seed 7"
    )]
    Quiz(QuizArgs),
    /// Check, inspect and manage decks
    #[command(
        subcommand,
        after_help = "Examples:\n  recall deck check decks/*.json\n  recall deck install my-deck.json\n  recall deck list"
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
    /// Record one answer without a session (for scripts and other front ends)
    #[command(
        long_about = "Records one answer, graded 0–5 as SM-2 defines it (5 perfect, 4 correct after\n\
                      hesitation, 3 correct with difficulty, 2 wrong but easy once seen, 1 wrong,\n\
                      0 blackout), and prints the item's new schedule. ITEM is DECK/ITEM, or ITEM\n\
                      alone when only one deck has it, or ITEM with --deck.",
        after_help = "Examples:\n  recall review japan-russia-dates/laxman-hokkaido --grade 4\n  recall review portsmouth-cloze#c2 --deck ./my-deck.json --grade 5 --json"
    )]
    Review(ReviewArgs),
    /// Show every item's schedule: repetitions, easiness, interval, due date
    #[command(
        after_help = "Examples:\n  recall progress\n  recall progress japan-russia-dates --json"
    )]
    Progress(DecksArgs),
    /// Show what is due today and in the next 7 days
    #[command(after_help = "Examples:\n  recall due\n  recall due japan-russia-facts --json")]
    Due(DecksArgs),
    /// Charts of your reviews, retention, streak and forecast
    #[command(
        long_about = "Reviews per day, a 12-week calendar, retention (the share of reviews graded 3 or more,\n\
                      for young items — interval under 21 days — and mature ones), streaks, item counts by\n\
                      state, the due forecast, the hardest items and the time spent. --json gives the numbers.",
        after_help = "Examples:\n  recall stats\n  recall stats japan-russia-dates --days 60\n  recall stats --json"
    )]
    Stats(StatsArgs),
    /// List the learner profiles in the data directory
    #[command(after_help = "Examples:\n  recall users\n  recall --user alice due")]
    Users(JsonArgs),
    /// Print the paths and the day recall is using
    #[command(after_help = "Examples:\n  recall where\n  recall --data-dir /tmp/try where --json")]
    Where(JsonArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  recall completions bash > ~/.local/share/bash-completion/completions/recall\n  recall completions zsh > \"${fpath[1]}/_recall\"\n  recall completions fish > ~/.config/fish/completions/recall.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check the review log and snapshot, and repair them
    #[command(
        long_about = "Reads the whole review log and the state snapshot and reports every problem: damaged\n\
                      lines, a line cut off by a crash, a stale snapshot, a profile locked by another process.\n\
                      With --repair, backs the log up, moves damaged lines to a side file, and rebuilds the\n\
                      snapshot.",
        after_help = "Examples:\n  recall doctor\n  recall --user alice doctor --repair"
    )]
    Doctor(DoctorArgs),
}

/// `recall study`
#[derive(Debug, Args, Default)]
pub struct StudyArgs {
    /// Deck ids or deck files [default: every deck you have started]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// New items per deck today (items already introduced today count) [default: 20, or
    /// `new_per_day` in your settings]
    #[arg(long, value_name = "N")]
    pub new: Option<u32>,
    /// How to answer [default: flip, or `mode` in your settings]
    #[arg(long, value_enum)]
    pub mode: Option<StudyMode>,
    /// Seed for the multiple-choice options, to get the same ones again
    #[arg(long)]
    pub seed: Option<u64>,
    /// An exam day (YYYY-MM-DD) for the decks studied, saved for next time: until
    /// then every item comes back before it, and new items come fast enough to
    /// finish in time; `--exam none` forgets it
    #[arg(long, value_name = "DATE")]
    pub exam: Option<String>,
}

/// How a study session asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StudyMode {
    /// See the prompt, reveal the answer, grade yourself 0–5
    Flip,
    /// Type the answer; recall proposes a grade you can change
    Typed,
    /// Pick one of four options
    Choice,
}

/// How a quiz asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuizModeArg {
    /// Type the answers
    Typed,
    /// Pick one of four options
    Choice,
    /// Put four dated events in order
    Timeline,
    /// Reveal and grade yourself
    Flip,
    /// Typed, choice and timeline questions mixed
    Mixed,
}

/// `recall quiz`
#[derive(Debug, Args)]
pub struct QuizArgs {
    /// Deck ids or deck files
    #[arg(value_name = "DECK", required = true)]
    pub decks: Vec<String>,
    /// How to ask
    #[arg(long, value_enum, default_value = "mixed")]
    pub mode: QuizModeArg,
    /// How many questions
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: u32,
    /// Only items with this tag (repeat for several: any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only items of this section
    #[arg(long)]
    pub section: Option<String>,
    /// The items you find hardest first: most lapses, lowest easiness, never seen
    #[arg(long)]
    pub weak: bool,
    /// Seed, to sit the same exam again
    #[arg(long)]
    pub seed: Option<u64>,
    /// End the exam after this many minutes (the rest counts as unanswered)
    #[arg(long, value_name = "MIN", value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub time_limit: Option<u32>,
    /// Count the answers as reviews in your schedule
    #[arg(long, conflicts_with = "print")]
    pub record: bool,
    /// Print the result as JSON on stdout (questions and feedback go to stderr)
    #[arg(long, conflicts_with = "print")]
    pub json: bool,
    /// Write a paper exam in Markdown instead of asking
    #[arg(long)]
    pub print: bool,
    /// With --print: add an answer key
    #[arg(long, requires = "print")]
    pub answers: bool,
    /// With --print: write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE", requires = "print")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// An answer mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    Flip,
    Typed,
    Choice,
    Timeline,
    Script,
}

impl From<ModeArg> for recall::progress::Mode {
    fn from(m: ModeArg) -> Self {
        use recall::progress::Mode;
        match m {
            ModeArg::Flip => Mode::Flip,
            ModeArg::Typed => Mode::Typed,
            ModeArg::Choice => Mode::Choice,
            ModeArg::Timeline => Mode::Timeline,
            ModeArg::Script => Mode::Script,
        }
    }
}

/// `recall review`
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The study item: DECK/ITEM, or ITEM (e.g. laxman-hokkaido, portsmouth-cloze#c2)
    pub item: String,
    /// The grade, 0–5
    #[arg(long, short, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub grade: u8,
    /// The deck (id or path to a deck file) holding ITEM
    #[arg(long)]
    pub deck: Option<String>,
    /// How the answer was given
    #[arg(long, value_enum, default_value = "script")]
    pub mode: ModeArg,
    /// Print the item's new state as JSON
    #[arg(long)]
    pub json: bool,
}

/// Commands that take decks and `--json`.
#[derive(Debug, Args)]
pub struct DecksArgs {
    /// Deck ids or deck files [default: every deck you have studied]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// Print one JSON document
    #[arg(long)]
    pub json: bool,
}

/// `recall stats`
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Deck ids or deck files [default: every deck you have studied]
    #[arg(value_name = "DECK")]
    pub decks: Vec<String>,
    /// How many days of reviews to chart
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: u32,
    /// Print the numbers as one JSON document
    #[arg(long)]
    pub json: bool,
}

/// Commands that only take `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print one JSON document
    #[arg(long)]
    pub json: bool,
}

/// `recall doctor`
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repair what can be repaired, after a backup
    #[arg(long)]
    pub repair: bool,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// Where a command writes a file it makes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
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
    #[command(flatten)]
    pub to: OutputArgs,
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
    /// Install a deck file into the library (or update an installed deck)
    #[command(
        long_about = "Copies a checked deck into the data directory's library, shared by every profile there.\n\
                      Installing a newer version of an installed deck replaces it and prints what changed;\n\
                      progress stays on every card whose id stays, and the progress of removed cards is kept\n\
                      (hidden) in case they come back. An older version, or the same version with other\n\
                      cards, needs --force.",
        after_help = "Examples:\n  recall deck install history-v2.json\n  recall deck install old-copy.json --force"
    )]
    Install(InstallArgs),
    /// List the bundled and installed decks, with what is due
    #[command(after_help = "Examples:\n  recall deck list\n  recall deck list --json")]
    List(JsonArgs),
    /// Show a deck: its details, tags, sections and cards
    #[command(
        after_help = "Examples:\n  recall deck show japan-russia-facts\n  recall deck show ./my-deck.json --json"
    )]
    Show(ShowArgs),
    /// Remove an installed deck (progress is kept unless --purge --yes)
    #[command(
        after_help = "Examples:\n  recall deck remove history\n  recall deck remove history --purge --yes"
    )]
    Remove(RemoveArgs),
    /// Write a deck as JSON, CSV or TSV (for a spreadsheet), or an Anki package
    #[command(
        long_about = "Writes a deck as JSON, or as a sheet (CSV/TSV) with the columns front, back, tags, id,\n\
                      kind, section, explanation, accept and distractors, which `recall deck import` reads back\n\
                      into the same cards; or as an Anki package (.apkg: note types Basic, Basic and\n\
                      reversed, Cloze), with your schedule if --with-progress.",
        after_help = "Examples:\n  recall deck export japan-russia-facts --format csv -o facts.csv\n  recall deck export history --format json > history.json\n  recall deck export history --format apkg --with-progress -o history.apkg"
    )]
    Export(ExportArgs),
    /// Make a deck file from a spreadsheet (CSV or TSV) or an Anki package
    #[command(
        long_about = "Reads a spreadsheet saved as CSV (.csv) or TSV (.tsv): columns front, back, tags, header\n\
                      row optional (with a header, the columns id, kind, section, explanation, accept and\n\
                      distractors may follow, in any order). A front with {{c1::…}} makes a cloze card. Writes\n\
                      a deck file to check, share and install. An Anki package (.apkg, .colpkg) gives\n\
                      basic, reversed and cloze cards (other note types from their first two fields);\n\
                      --with-progress also brings its schedule into your progress.",
        after_help = "Examples:\n  recall deck import vocab.csv --id vocab --title \"Week 3 vocabulary\" -o vocab.json\n  recall deck import dates.tsv | recall deck check /dev/stdin\n  recall deck import spanish.apkg --with-progress -o spanish.json && recall deck install spanish.json"
    )]
    Import(ImportArgs),
}

/// `recall deck install`
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The deck file
    pub file: PathBuf,
    /// Install even an older version, or the same version with other cards
    #[arg(long)]
    pub force: bool,
}

/// `recall deck show`
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A deck id or a deck file
    pub deck: String,
    /// Print one JSON document
    #[arg(long)]
    pub json: bool,
}

/// `recall deck remove`
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The installed deck's id
    pub id: String,
    /// Also delete your progress on this deck from the review log (a backup is kept)
    #[arg(long)]
    pub purge: bool,
    /// Confirm --purge
    #[arg(long, requires = "purge")]
    pub yes: bool,
}

/// The formats `deck export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Tsv,
    /// An Anki package
    Apkg,
}

/// `recall deck export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A deck id or a deck file
    pub deck: String,
    /// The format to write
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    #[command(flatten)]
    pub to: OutputArgs,
    /// With --format apkg: include your schedule (interval, ease, due day, lapses)
    #[arg(long)]
    pub with_progress: bool,
}

/// `recall deck import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet (.csv or .tsv) or Anki package (.apkg, .colpkg)
    pub file: PathBuf,
    /// The deck id [default: from the file name]
    #[arg(long)]
    pub id: Option<String>,
    /// The deck title [default: the file name]
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub to: OutputArgs,
    /// With an Anki package: bring its schedule into your progress too
    #[arg(long)]
    pub with_progress: bool,
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
