//! `recall deck …`

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use recall::deckfile::{self, CardRef, DeckFileError, Diagnostic};

use super::args::CheckArgs;

#[derive(Serialize)]
struct CheckReport {
    ok: bool,
    decks: usize,
    cards: usize,
    items: usize,
    files: Vec<FileReport>,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    deck: Option<String>,
    cards: Option<usize>,
    items: Option<usize>,
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct Problem {
    line: Option<usize>,
    column: Option<usize>,
    card: Option<String>,
    message: String,
    text: String,
}

impl Problem {
    fn new(file: &str, d: &Diagnostic) -> Self {
        let card = d.card.as_ref().map(|c| match c {
            CardRef::Id(id) => id.clone(),
            CardRef::Number(n) => format!("#{n}"),
        });
        Problem {
            line: d.at.map(|a| a.line),
            column: d.at.map(|a| a.column),
            card,
            message: d.message.clone(),
            text: d.render(file),
        }
    }
}

/// `deck check FILE...`: every problem in every file, then a summary.
pub fn check(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let mut report = FileReport {
            file: file.clone(),
            ok: false,
            deck: None,
            cards: None,
            items: None,
            problems: Vec::new(),
        };
        match deckfile::load(path) {
            Ok(deck) => {
                report.ok = true;
                report.deck = Some(deck.id.to_string());
                report.cards = Some(deck.cards.len());
                report.items = Some(deck.items().count());
            }
            Err(DeckFileError::Invalid { diagnostics, .. }) => {
                report.problems = diagnostics.iter().map(|d| Problem::new(&file, d)).collect();
                if !args.json {
                    for p in &report.problems {
                        writeln!(out, "{}", p.text)?;
                    }
                }
            }
            Err(e) => {
                let message = e.to_string();
                if !args.json {
                    eprintln!("error: {message}");
                }
                report.problems.push(Problem {
                    line: None,
                    column: None,
                    card: None,
                    text: format!("{file}: {message}"),
                    message,
                });
            }
        }
        files.push(report);
    }

    let good: Vec<&FileReport> = files.iter().filter(|f| f.ok).collect();
    let report = CheckReport {
        ok: good.len() == files.len(),
        decks: good.len(),
        cards: good.iter().filter_map(|f| f.cards).sum(),
        items: good.iter().filter_map(|f| f.items).sum(),
        files,
    };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else if report.ok {
        writeln!(
            out,
            "ok: {} deck{}, {} card{}, {} study item{}",
            report.decks,
            plural(report.decks),
            report.cards,
            plural(report.cards),
            report.items,
            plural(report.items)
        )?;
    } else {
        let problems: usize = report.files.iter().map(|f| f.problems.len()).sum();
        let bad = report.files.len() - report.decks;
        eprintln!(
            "error: {problems} problem{} in {bad} of {} file{}; fix {} and run `recall deck check` again",
            plural(problems),
            report.files.len(),
            plural(report.files.len()),
            if problems == 1 { "it" } else { "them" }
        );
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
