//! recall's side of `scripts/anki-check.sh`, which checks recall's Anki
//! packages in the real Anki (the `anki` package from PyPI):
//!
//!     cargo run --quiet --example anki_check -- write-exports DIR TODAY
//!         writes DIR/recall-*.apkg (the sample deck with progress, and each
//!         bundled deck without) and DIR/recall-*.expected.json, what Anki
//!         must find in each, for `scripts/anki-check.py export`
//!     cargo run --quiet --example anki_check -- read-roundtrips DIR TODAY
//!         reads back DIR/roundtrip-*.apkg, which Anki exported after
//!         importing recall's packages, and checks the cards, ids and
//!         schedule against what was exported
//!
//! TODAY (YYYY-MM-DD) is Anki's current study day. Exits non-zero, saying
//! what differs, on any mismatch.
//!
//! The sample deck and progress are shared with tests/anki.rs, in
//! tests/support/anki_sample.rs.

#[path = "../tests/support/anki_sample.rs"]
mod anki_sample;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use clap::{Parser, Subcommand};
use serde_json::json;

use recall::anki::{ImportOptions, export_package, import_package};
use recall::deckfile::{parse_deck, to_json};
use recall::model::{CardKind, Deck, ItemPart};
use recall::progress::ItemMap;
use recall::sched::Day;

use anki_sample::{replay, sample_deck, sample_progress};

#[derive(Parser)]
#[command(about = "recall's side of scripts/anki-check.sh")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write DIR/recall-*.apkg and what Anki must find in each
    WriteExports {
        dir: PathBuf,
        /// Anki's current study day, YYYY-MM-DD
        today: String,
    },
    /// Read back DIR/roundtrip-*.apkg (exported by Anki) and compare
    ReadRoundtrips {
        dir: PathBuf,
        /// Anki's current study day, YYYY-MM-DD
        today: String,
    },
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (dir, today) = match &args.command {
        Command::WriteExports { dir, today } | Command::ReadRoundtrips { dir, today } => {
            (dir, today)
        }
    };
    let today: Day = today
        .parse()
        .with_context(|| format!("TODAY must be a date, YYYY-MM-DD, not {today:?}"))?;
    ensure!(dir.is_dir(), "{}: no such directory", dir.display());
    let decks = check_decks(today)?;
    match args.command {
        Command::WriteExports { .. } => write_exports(dir, today, &decks),
        Command::ReadRoundtrips { .. } => read_roundtrips(dir, &decks),
    }
}

/// A deck the check exports, under the name of its files.
struct CheckDeck {
    name: String,
    deck: Deck,
    progress: Option<ItemMap>,
}

/// The decks the check exports: the sample deck with progress, and each
/// bundled deck without.
fn check_decks(today: Day) -> anyhow::Result<Vec<CheckDeck>> {
    let mut decks = vec![CheckDeck {
        name: "recall-progress".to_owned(),
        deck: sample_deck(),
        progress: Some(sample_progress(today)),
    }];
    for deck in recall::bundled::all() {
        decks.push(CheckDeck {
            name: format!("recall-{}", deck.id),
            deck,
            progress: None,
        });
    }
    Ok(decks)
}

fn html_safe(text: &str) -> bool {
    !text.contains(['&', '<', '>', '"', '\n'])
}

/// Writes `recall-*.apkg` and what Anki must find in each, for
/// `anki-check.py export`.
fn write_exports(dir: &Path, today: Day, decks: &[CheckDeck]) -> anyhow::Result<()> {
    for CheckDeck {
        name,
        deck,
        progress,
    } in decks
    {
        let bytes = export_package(deck, progress.as_ref(), today)
            .with_context(|| format!("{name}: export failed"))?;
        let path = dir.join(format!("{name}.apkg"));
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        let mut cards = Vec::new();
        let mut deck_names = vec![deck.title.clone()];
        let mut note_types = BTreeSet::new();
        for card in &deck.cards {
            let section_deck = match &card.section {
                Some(s) => format!("{}::{s}", deck.title),
                None => deck.title.clone(),
            };
            if !deck_names.contains(&section_deck) {
                deck_names.push(section_deck.clone());
            }
            let note_type = match &card.kind {
                CardKind::Basic { reverse: true, .. } => "Basic (and reversed card) (recall)",
                CardKind::Cloze(_) => "Cloze (recall)",
                _ => "Basic (recall)",
            };
            note_types.insert(note_type);
            for item in card.items() {
                let ord = match item.part {
                    ItemPart::Main => 0,
                    ItemPart::Reverse => 1,
                    ItemPart::Cloze(n) => n - 1,
                };
                // Anki renders the hidden deletion as a `cloze` span; other
                // questions show the prompt (checked when it needs no escaping).
                let question = match &card.kind {
                    CardKind::Cloze(_) => "class=\"cloze\"".to_owned(),
                    _ if html_safe(&item.prompt()) => item.prompt(),
                    _ => String::new(),
                };
                let schedule = progress.as_ref().and_then(|p| p.get(&item.id())).map(|r| {
                    json!({
                        "type": 2, "queue": 2,
                        "ivl": r.state.interval,
                        "factor": u32::from(r.state.easiness.hundredths()) * 10,
                        "due_in_days": r.state.due.since(today),
                        "due": r.state.due.to_string(),
                        "reps": r.reviews,
                        "lapses": r.state.lapses,
                    })
                });
                cards.push(json!({
                    "guid": format!("recall:{}/{}", deck.id, card.id),
                    "ord": ord,
                    "note_type": note_type,
                    "tags": card.tags,
                    "deck": section_deck,
                    "question_contains": question,
                    "schedule": schedule,
                }));
            }
        }
        let expected = json!({
            "today": today.to_string(),
            "notes": deck.cards.len(),
            "cards": deck.items().count(),
            "decks": deck_names,
            "note_types": note_types,
            "cards_detail": cards,
        });
        let path = dir.join(format!("{name}.expected.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&expected)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!(
            "{name}: exported {} cards, {} items, {} scheduled",
            deck.cards.len(),
            deck.items().count(),
            progress.as_ref().map_or(0, |p| deck
                .items()
                .filter(|i| p.get(&i.id()).is_some())
                .count())
        );
    }
    Ok(())
}

/// Reads back what Anki exported after importing recall's packages: the
/// same cards, ids and schedule.
fn read_roundtrips(dir: &Path, decks: &[CheckDeck]) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for CheckDeck {
        name,
        deck,
        progress,
    } in decks
    {
        let mut problem = |text: String| {
            eprintln!("FAIL: {name}: {text}");
            problems.push(text);
        };
        let suffix = name.strip_prefix("recall-").unwrap_or(name);
        let path = dir.join(format!("roundtrip-{suffix}.apkg"));
        let imported = match import_package(
            &path,
            &ImportOptions {
                id: Some(deck.id.clone()),
                with_progress: true,
            },
        ) {
            Ok(imported) => imported,
            Err(e) => {
                problem(format!("cannot import {}: {e}", path.display()));
                continue;
            }
        };
        if let Err(e) = check_valid(&imported.deck) {
            problem(format!("{e:#}"));
        }
        let ids = |d: &Deck| d.cards.iter().map(|c| c.id.to_string()).collect::<Vec<_>>();
        if ids(&imported.deck) != ids(deck) {
            problem(format!(
                "card ids {:?}, exported {:?}",
                ids(&imported.deck),
                ids(deck)
            ));
        }
        if imported.deck.items().count() != deck.items().count() {
            problem(format!(
                "{} items, exported {}",
                imported.deck.items().count(),
                deck.items().count()
            ));
        }
        let replayed = replay(&imported.progress);
        for item in deck.items() {
            let id = item.id();
            let original = progress.as_ref().and_then(|p| p.get(&id));
            let read = replayed.get(&deck.id, &id);
            match (original, read) {
                (None, None) => {}
                (Some(o), Some(r)) => {
                    let (o, r) = (&o.state, &r.state);
                    let want_due = o.due.max(r.last_review.plus(1));
                    let checks = [
                        (
                            "interval",
                            r.interval == o.interval,
                            format!("{} / {}", r.interval, o.interval),
                        ),
                        (
                            "easiness",
                            r.easiness == o.easiness,
                            format!("{:?} / {:?}", r.easiness, o.easiness),
                        ),
                        ("due", r.due == want_due, format!("{} / {want_due}", r.due)),
                        (
                            "lapses",
                            r.lapses == o.lapses,
                            format!("{} / {}", r.lapses, o.lapses),
                        ),
                        (
                            "last review",
                            r.last_review == o.last_review,
                            format!("{} / {}", r.last_review, o.last_review),
                        ),
                    ];
                    for (what, same, values) in checks {
                        if !same {
                            problem(format!(
                                "{id}: {what} differs (read back / expected: {values})"
                            ));
                        }
                    }
                }
                (o, r) => problem(format!("{id}: exported {o:?}, read back {r:?}")),
            }
        }
        println!(
            "{name}: read back {} cards, {} items, {} scheduled, from Anki's own export",
            imported.deck.cards.len(),
            imported.deck.items().count(),
            replayed.len()
        );
    }
    ensure!(
        problems.is_empty(),
        "{} mismatch(es) reading Anki's exports back (each FAIL above)",
        problems.len()
    );
    Ok(())
}

/// The deck is a valid deck file, unchanged by writing and reading it.
fn check_valid(deck: &Deck) -> anyhow::Result<()> {
    let text = to_json(deck);
    match parse_deck(&text) {
        Ok(parsed) if &parsed == deck => Ok(()),
        Ok(parsed) => {
            bail!("the deck changes when written and read: {deck:#?}\nbecomes {parsed:#?}")
        }
        Err(diagnostics) => bail!("invalid deck: {diagnostics:#?}\n{text}"),
    }
}
