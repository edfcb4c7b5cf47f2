//! `recall derive DOCUMENT`

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;

use recall::deckfile::{self, DeriveOptions};
use recall::model::DeckId;

use super::args::DeriveArgs;

/// Drafts a deck from a document and prints or writes it.
pub fn run(args: &DeriveArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let id = match &args.id {
        Some(id) => Some(DeckId::new(id).map_err(|e| {
            anyhow::anyhow!(
                "--id {id:?} is not a valid deck id: it {e} (use lowercase letters, digits and '-')"
            )
        })?),
        None => None,
    };
    if args.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        bail!("--title is empty; give the deck a title or leave --title out");
    }
    let text = deckfile::read_text(&args.document)?;
    let options = DeriveOptions {
        id,
        title: args.title.clone(),
        source: args
            .document
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
    };
    let deck = deckfile::derive(deckfile::strip_bom(&text), &options);
    let json = deckfile::to_json(&deck);
    let dates = deck
        .cards
        .iter()
        .filter(|c| c.kind.name() == "date")
        .count();
    let summary = format!(
        "derived {} cards ({dates} date, {} cloze) from '{}'",
        deck.cards.len(),
        deck.cards.len() - dates,
        args.document.display()
    );
    match &args.output {
        None => {
            out.write_all(json.as_bytes())?;
            eprintln!("{summary}");
        }
        Some(path) => {
            super::write_output(Some(path), args.force, json.as_bytes(), out)?;
            eprintln!(
                "{summary}\nwrote '{}'; edit it, then run `recall deck check {}`",
                path.display(),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
