//! `recall derive DOCUMENT`

use std::io::Write;
use std::process::ExitCode;

use recall::deckfile::{self, DeriveOptions};

use super::args::DeriveArgs;

/// Drafts a deck from a document and prints or writes it.
pub fn run(args: &DeriveArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let id = super::deck_naming(args.id.as_deref(), args.title.as_deref())?;
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
    if dates == 0 {
        eprintln!(
            "note: no sentence of '{}' carries a year, so the draft has no cards",
            args.document.display()
        );
    }
    match &args.to.output {
        None => {
            out.write_all(json.as_bytes())?;
            eprintln!("{summary}");
        }
        Some(path) => {
            super::write_output(Some(path), args.to.force, json.as_bytes(), out)?;
            eprintln!(
                "{summary}\nwrote '{}'; edit it, then run `recall deck check {}`",
                path.display(),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
