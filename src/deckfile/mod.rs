//! Deck files: reading them safely (they arrive by e-mail), checking them with
//! precise messages, and writing them.

mod derive;
mod format;
mod parse;
mod sheet;
mod slug;

pub use derive::{DeriveOptions, YearMention, derive, find_years, sentences};
pub use format::{CardFile, DeckFile, schema_json, to_json};
pub use parse::{
    COMMON_FIELDS, CardRef, DECK_FIELDS, Diagnostic, KIND_FIELDS, MAX_CARDS, MAX_TEXT_CHARS,
    Position, closest, parse_deck,
};
pub use sheet::{COLUMNS, SheetOptions, SheetProblem, export_sheet, import_sheet};

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::Deck;

/// The largest deck file recall reads.
pub const MAX_DECK_BYTES: u64 = 20 * 1024 * 1024;

/// Why a deck file could not be read or used.
#[derive(Debug, thiserror::Error)]
pub enum DeckFileError {
    #[error("cannot read '{}': no such file", .path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read '{}': it is a directory, not a deck file", .path.display())]
    IsDirectory { path: PathBuf },
    #[error("'{}' is larger than the {} MB limit", .path.display(), MAX_DECK_BYTES / 1024 / 1024)]
    TooLarge { path: PathBuf },
    #[error("'{}' is not UTF-8 text (invalid byte at line {line}); save it as UTF-8", .path.display())]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("cannot read '{}': {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", render_all(.path, .diagnostics))]
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
}

fn render_all(path: &Path, diagnostics: &[Diagnostic]) -> String {
    let file = path.display().to_string();
    let lines: Vec<String> = diagnostics.iter().map(|d| d.render(&file)).collect();
    format!(
        "'{file}' is not a valid deck ({} problem{}; run `recall deck check {file}`):\n  {}",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        lines.join("\n  ")
    )
}

/// Reads a deck file's (or a document's) text, refusing directories, files over the size limit
/// and text that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, DeckFileError> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => DeckFileError::NotFound {
            path: path.to_owned(),
        },
        _ => DeckFileError::Io {
            path: path.to_owned(),
            source,
        },
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(DeckFileError::IsDirectory {
            path: path.to_owned(),
        });
    }
    // Read at most one byte past the limit, so that a device or a growing
    // file cannot make us read without end.
    let mut bytes = Vec::new();
    file.take(MAX_DECK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| match e.raw_os_error() {
            // EISDIR: some systems only say so on read.
            Some(21) => DeckFileError::IsDirectory {
                path: path.to_owned(),
            },
            _ => io(e),
        })?;
    if bytes.len() as u64 > MAX_DECK_BYTES {
        return Err(DeckFileError::TooLarge {
            path: path.to_owned(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        DeckFileError::NotUtf8 {
            path: path.to_owned(),
            line,
        }
    })
}

/// Reads and validates a deck file.
pub fn load(path: &Path) -> Result<Deck, DeckFileError> {
    let text = read_text(path)?;
    parse_deck(strip_bom(&text)).map_err(|diagnostics| DeckFileError::Invalid {
        path: path.to_owned(),
        diagnostics,
    })
}

/// A deck id made from a name (a file name, a title): lowercase words joined
/// by '-'. Empty when nothing usable is left.
pub fn slug_of(text: &str) -> String {
    slug::slug(text, 8)
}

/// Text without a leading UTF-8 byte-order mark, which some editors add.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}
