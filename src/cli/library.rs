//! `recall deck install/list/show/remove/export/import`: the deck library.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use serde::Serialize;

use recall::anki;
use recall::bundled;
use recall::catalog::{self, Origin};
use recall::deckfile::{self, CardFile, SheetOptions};
use recall::model::{Deck, DeckId};
use recall::sched::ReviewKind;
use recall::store::{self, Profile};

use super::args::{
    ExportArgs, ExportFormat, ImportArgs, InstallArgs, JsonArgs, RemoveArgs, ShowArgs,
};
use super::decks::{self, DeckSummary};
use super::progress::{new_available, tally_decks};
use super::settings::{LOCK_WAIT, Settings};
use super::write_output;

/// How an update changes a deck, card by card.
#[derive(Debug, Default)]
struct Changes {
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<String>,
}

fn changes(old: &Deck, new: &Deck) -> Changes {
    let as_file = |d: &Deck| -> BTreeMap<String, String> {
        d.cards
            .iter()
            .map(|c| {
                (
                    c.id.to_string(),
                    serde_json::to_string(&CardFile::from(c)).unwrap_or_default(),
                )
            })
            .collect()
    };
    let (old, new) = (as_file(old), as_file(new));
    let mut c = Changes::default();
    for (id, card) in &new {
        match old.get(id) {
            None => c.added.push(id.clone()),
            Some(before) if before != card => c.changed.push(id.clone()),
            Some(_) => {}
        }
    }
    c.removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .cloned()
        .collect();
    c
}

fn version_of(deck: &Deck) -> semver::Version {
    deck.version
        .clone()
        .unwrap_or(semver::Version::new(0, 0, 0))
}

fn list_of(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}

/// `recall deck install FILE [--force]`
pub fn install(
    args: &InstallArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let deck = deckfile::load(&args.file)?;
    let library = settings.library();
    let id = &deck.id;
    let version = version_of(&deck);
    let old = if library.contains(id) {
        match library.load(id) {
            Ok(old) => Some(old),
            Err(e) if args.force => {
                eprintln!(
                    "warning: the installed copy of '{id}' cannot be read ({e}); replacing it"
                );
                None
            }
            Err(e) => bail!(
                "the installed copy of '{id}' cannot be read ({e}); use --force to replace it"
            ),
        }
    } else {
        None
    };
    if let Some(old) = &old {
        let was = version_of(old);
        let c = changes(old, &deck);
        let same = c.added.is_empty()
            && c.removed.is_empty()
            && c.changed.is_empty()
            && old.title == deck.title;
        if same && was == version {
            writeln!(
                out,
                "'{id}' {version} is already installed, with the same cards"
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        if version < was && !args.force {
            bail!(
                "'{id}' {was} is installed, and this file is the older {version}; \
                 use --force to install the older version anyway"
            );
        }
        if version == was && !same && !args.force {
            bail!(
                "'{id}' {was} is installed with other cards than this file, which has the same version; \
                 raise `version` in the file (to {}), or use --force",
                semver::Version::new(was.major, was.minor, was.patch + 1)
            );
        }
    }
    // A deck replacing a bundled one retires the bundled cards it drops.
    let bundled_copy = if old.is_none() {
        bundled::deck(id.as_str())
    } else {
        None
    };
    library.install(&deck, bundled_copy.as_ref()).map_err(|e| {
        anyhow!(
            "cannot install '{id}' into '{}': {}",
            library_dir(settings),
            store::explain(&e)
        )
    })?;
    match &old {
        None => {
            writeln!(
                out,
                "installed '{id}' {version}: {} — {} cards, {} study items",
                deck.title,
                deck.cards.len(),
                deck.items().count()
            )?;
            if bundled::deck(id.as_str()).is_some() {
                writeln!(
                    out,
                    "it replaces the bundled deck '{id}' for every profile in this data directory"
                )?;
            }
        }
        Some(old) => {
            let c = changes(old, &deck);
            writeln!(
                out,
                "updated '{id}' from {} to {version}: {} cards",
                version_of(old),
                deck.cards.len()
            )?;
            let groups = [
                ("added   ", "", &c.added),
                ("changed ", ", progress kept", &c.changed),
                (
                    "removed ",
                    ", progress kept (hidden) in case they come back",
                    &c.removed,
                ),
            ];
            for (label, note, ids) in groups {
                if !ids.is_empty() {
                    writeln!(
                        out,
                        "  {label} {} card(s){note}: {}",
                        ids.len(),
                        list_of(ids)
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn library_dir(settings: &Settings) -> String {
    settings.paths.library().display().to_string()
}

#[derive(Serialize)]
struct ListJson {
    decks: Vec<ListEntry>,
}

#[derive(Serialize)]
struct ListEntry {
    id: String,
    title: String,
    version: Option<String>,
    origin: &'static str,
    cards: usize,
    items: usize,
    due: usize,
    new_available: u32,
}

/// `recall deck list`
pub fn list(
    args: &JsonArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let known: Vec<String> = catalog::known_ids(&settings.library())?
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut summaries: BTreeMap<DeckId, Option<DeckSummary>> = BTreeMap::new();
    let mut entries = Vec::new();
    for summary in decks::summaries(&known, settings, &[])? {
        let about = summary
            .about
            .as_ref()
            .ok_or_else(|| anyhow!("the deck '{}' cannot be read", summary.id))?;
        entries.push(ListEntry {
            id: summary.id.to_string(),
            title: about.title.clone(),
            version: about.version.clone(),
            origin: about.origin,
            cards: about.cards,
            items: summary.items.unwrap_or(0),
            due: 0,
            new_available: 0,
        });
        summaries.insert(summary.id.clone(), Some(summary));
    }
    let today = settings.today();
    let tallies = tally_decks(settings, today, &mut summaries, true)?;
    for e in &mut entries {
        let Ok(id) = DeckId::new(&e.id) else { continue };
        let tally = tallies.get(&id).cloned().unwrap_or_default();
        e.due = tally.due;
        e.new_available = summaries
            .get(&id)
            .and_then(|s| s.as_ref())
            .and_then(|s| new_available(settings, s, &tally, today))
            .unwrap_or(0);
    }
    if args.json {
        serde_json::to_writer(&mut *out, &ListJson { decks: entries })?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(2).max(2);
    writeln!(
        out,
        "{:width$}  {:9}  {:8}  {:>5}  {:>5}  {:>4}  {:>4}  title",
        "id", "origin", "version", "cards", "items", "due", "new"
    )?;
    for e in &entries {
        writeln!(
            out,
            "{:width$}  {:9}  {:8}  {:>5}  {:>5}  {:>4}  {:>4}  {}",
            e.id,
            e.origin,
            e.version.as_deref().unwrap_or("–"),
            e.cards,
            e.items,
            e.due,
            e.new_available,
            e.title
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ShowJson {
    id: String,
    title: String,
    version: Option<String>,
    description: Option<String>,
    author: Option<String>,
    source: Option<String>,
    language: Option<String>,
    origin: &'static str,
    path: Option<String>,
    cards: usize,
    items: usize,
    tags: BTreeMap<String, usize>,
    sections: Vec<SectionJson>,
    card_list: Vec<CardJson>,
}

#[derive(Serialize)]
struct SectionJson {
    name: String,
    cards: usize,
}

#[derive(Serialize)]
struct CardJson {
    id: String,
    kind: &'static str,
    items: Vec<String>,
    prompt: String,
    answer: String,
    tags: Vec<String>,
    section: Option<String>,
}

/// `recall deck show DECK`
pub fn show(
    args: &ShowArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let library = settings.library();
    let loaded = catalog::load(&args.deck, &library)?;
    let deck = &loaded.deck;
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    let mut sections: Vec<SectionJson> = Vec::new();
    for card in &deck.cards {
        for t in &card.tags {
            *tags.entry(t.clone()).or_default() += 1;
        }
        if let Some(s) = &card.section {
            match sections.iter_mut().find(|x| &x.name == s) {
                Some(x) => x.cards += 1,
                None => sections.push(SectionJson {
                    name: s.clone(),
                    cards: 1,
                }),
            }
        }
    }
    let card_list: Vec<CardJson> = deck
        .cards
        .iter()
        .map(|c| {
            let items = c.items();
            let first = items.first();
            CardJson {
                id: c.id.to_string(),
                kind: c.kind.name(),
                items: items.iter().map(|i| i.id().to_string()).collect(),
                prompt: first.map(|i| i.prompt()).unwrap_or_default(),
                answer: first.map(|i| i.expected().display()).unwrap_or_default(),
                tags: c.tags.clone(),
                section: c.section.clone(),
            }
        })
        .collect();
    let (origin, path) = match &loaded.origin {
        Origin::File(p) => ("file", Some(p.display().to_string())),
        Origin::Installed => (
            "installed",
            Some(library.deck_path(&deck.id).display().to_string()),
        ),
        Origin::Bundled => ("bundled", None),
    };
    let json = ShowJson {
        id: deck.id.to_string(),
        title: deck.title.clone(),
        version: deck.version.as_ref().map(ToString::to_string),
        description: deck.description.clone(),
        author: deck.author.clone(),
        source: deck.source.clone(),
        language: deck.language.clone(),
        origin,
        path,
        cards: deck.cards.len(),
        items: deck.items().count(),
        tags,
        sections,
        card_list,
    };
    if args.json {
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} — {}", json.id, json.title)?;
    writeln!(
        out,
        "  version   {}",
        json.version.as_deref().unwrap_or("–")
    )?;
    writeln!(
        out,
        "  origin    {}{}",
        json.origin,
        json.path
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    )?;
    for (label, value) in [
        ("about", &json.description),
        ("author", &json.author),
        ("source", &json.source),
        ("language", &json.language),
    ] {
        if let Some(v) = value {
            writeln!(out, "  {label:9} {v}")?;
        }
    }
    writeln!(
        out,
        "  cards     {} ({} study items)",
        json.cards, json.items
    )?;
    if !json.tags.is_empty() {
        let tags: Vec<String> = json
            .tags
            .iter()
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        writeln!(out, "  tags      {}", tags.join(", "))?;
    }
    if !json.sections.is_empty() {
        writeln!(out, "  sections")?;
        for s in &json.sections {
            writeln!(out, "    {} ({})", s.name, s.cards)?;
        }
    }
    writeln!(out)?;
    let width = json.card_list.iter().map(|c| c.id.len()).max().unwrap_or(2);
    for c in &json.card_list {
        writeln!(
            out,
            "{:width$}  {:6}  {} → {}",
            c.id, c.kind, c.prompt, c.answer
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `recall deck remove ID [--purge --yes]`
pub fn remove(
    args: &RemoveArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let library = settings.library();
    let id =
        DeckId::new(&args.id).map_err(|e| anyhow!("'{}' is not a deck id: it {e}", args.id))?;
    if !library.contains(&id) {
        if bundled::deck(id.as_str()).is_some() {
            bail!("'{id}' is a bundled deck, part of recall itself; it cannot be removed");
        }
        let installed: Vec<String> = library.ids()?.iter().map(ToString::to_string).collect();
        bail!(
            "no installed deck '{id}'; installed: {}",
            if installed.is_empty() {
                "none".to_owned()
            } else {
                installed.join(", ")
            }
        );
    }
    if args.purge && !args.yes {
        bail!(
            "--purge deletes the progress of user '{}' on deck '{id}' from the review log (a backup is kept); \
             add --yes to confirm",
            settings.user
        );
    }
    if args.purge {
        let stamp = settings.now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let (removed, backup) =
            store::purge_deck(&settings.paths, &settings.user, &id, &stamp, LOCK_WAIT)?;
        let backup = backup.map_or(String::new(), |b| format!(" (backup: {})", b.display()));
        writeln!(
            out,
            "deleted {removed} answer(s) on '{id}' from the review log of '{}'{backup}",
            settings.user
        )?;
    }
    library
        .remove(&id)
        .map_err(|e| anyhow!("cannot remove '{id}': {}", store::explain(&e)))?;
    writeln!(
        out,
        "removed '{id}' from the library{}",
        if args.purge {
            ""
        } else {
            "; progress on it is kept, and comes back if you install it again"
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `recall deck export DECK --format json|csv|tsv [-o FILE]`
pub fn export(
    args: &ExportArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let loaded = catalog::load(&args.deck, &settings.library())?;
    if args.with_progress && args.format != ExportFormat::Apkg {
        bail!("--with-progress goes with --format apkg; the other formats hold cards only");
    }
    let bytes = match args.format {
        ExportFormat::Json => deckfile::to_json(&loaded.deck).into_bytes(),
        ExportFormat::Csv => deckfile::export_sheet(&loaded.deck, b',').into_bytes(),
        ExportFormat::Tsv => deckfile::export_sheet(&loaded.deck, b'\t').into_bytes(),
        ExportFormat::Apkg => {
            if args.to.output.is_none() && std::io::stdout().is_terminal() {
                bail!("an Anki package is a binary file; give it a name with -o FILE.apkg");
            }
            let profile;
            let progress = if args.with_progress {
                profile = Profile::open_read(&settings.paths, &settings.user)?;
                profile.progress().deck(&loaded.deck.id)
            } else {
                None
            };
            anki::export_package(&loaded.deck, progress, settings.today())?
        }
    };
    write_output(args.to.output.as_deref(), args.to.force, &bytes, out)?;
    if let Some(path) = &args.to.output {
        eprintln!(
            "wrote '{}' ({} cards)",
            path.display(),
            loaded.deck.cards.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `recall deck import FILE.csv|FILE.tsv [--id] [--title] [-o FILE]`
pub fn import(
    args: &ImportArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let file = args.file.display().to_string();
    let extension = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let delimiter = match extension.as_deref() {
        Some("csv") => b',',
        Some("tsv" | "tab") => b'\t',
        Some("apkg" | "colpkg") => return import_anki(args, settings, out),
        _ => bail!(
            "'{file}' is not a .csv, .tsv or .apkg file; save a spreadsheet as CSV or TSV (tab-separated), \
             or export an Anki deck as .apkg"
        ),
    };
    if args.with_progress {
        bail!("--with-progress goes with Anki packages; a spreadsheet holds no schedule");
    }
    let stem = stem_of(&args.file);
    let id = match super::deck_naming(args.id.as_deref(), args.title.as_deref())? {
        Some(id) => id,
        None => DeckId::new(&deckfile::slug_of(&stem)).map_err(|_| {
            anyhow!("cannot make a deck id from the file name '{file}'; give one with --id (lowercase letters, digits and '-')")
        })?,
    };
    let title = args.title.clone().unwrap_or(stem);
    let text = deckfile::read_text(&args.file)?;
    let options = SheetOptions {
        id,
        title,
        delimiter,
    };
    let deck = match deckfile::import_sheet(deckfile::strip_bom(&text), &options) {
        Ok(deck) => deck,
        Err(problems) => {
            for p in &problems {
                if p.line > 0 {
                    println!("{file}:{}: {}", p.line, p.message);
                } else {
                    println!("{file}: {}", p.message);
                }
            }
            bail!(
                "{} problem{} in '{file}'; nothing was written",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
        }
    };
    write_output(
        args.to.output.as_deref(),
        args.to.force,
        deckfile::to_json(&deck).as_bytes(),
        out,
    )?;
    let target = super::destination(args.to.output.as_deref());
    eprintln!(
        "imported {} cards from '{file}' into {target}; check it with `recall deck check`",
        deck.cards.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `recall deck import FILE.apkg [--with-progress]`
fn import_anki(
    args: &ImportArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    if args.title.is_some() {
        bail!("--title goes with spreadsheets; an Anki package brings its deck's own title");
    }
    let id = super::deck_naming(args.id.as_deref(), None)?;
    let options = anki::ImportOptions {
        id,
        with_progress: args.with_progress,
    };
    let imported = anki::import_package(&args.file, &options)?;
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    if !imported.media.is_empty() {
        eprintln!(
            "note: {} media file(s) are referenced but not imported (recall shows text only): {}",
            imported.media.len(),
            list_of(&imported.media)
        );
    }
    let deck = &imported.deck;
    // The profile is opened (and locked) before anything is written, so a
    // profile in use refuses the whole import.
    let mut profile = match args.with_progress && !imported.progress.is_empty() {
        true => Some(Profile::open_write(
            &settings.paths,
            &settings.user,
            LOCK_WAIT,
        )?),
        false => None,
    };
    write_output(
        args.to.output.as_deref(),
        args.to.force,
        deckfile::to_json(deck).as_bytes(),
        out,
    )?;
    let target = super::destination(args.to.output.as_deref());
    eprintln!(
        "imported {} cards ('{}') from '{}' into {target}",
        deck.cards.len(),
        deck.id,
        args.file.display()
    );
    if let Some(profile) = profile.as_mut() {
        super::warn_all(profile.take_warnings());
        // The learner's own answers win over an older schedule from Anki.
        let own: std::collections::HashSet<_> = profile
            .progress()
            .deck(&deck.id)
            .map(|items| items.keys().cloned().collect())
            .unwrap_or_default();
        // One answer per item, the last counted one, which carries Anki's
        // state: an item is then imported whole or not at all, even if the
        // process dies in the middle (a re-import fills in the rest).
        let mut last: BTreeMap<&recall::model::ItemId, &recall::progress::ReviewEvent> =
            BTreeMap::new();
        for e in imported
            .progress
            .iter()
            .filter(|e| e.kind == ReviewKind::Review)
        {
            if !own.contains(&e.item) {
                last.insert(&e.item, e);
            }
        }
        let items = last.len();
        profile.record_all(last.into_values())?;
        if let Err(e) = profile.checkpoint() {
            eprintln!("warning: {e}; it will be retried next time");
        }
        eprintln!(
            "brought Anki's schedule for {items} item(s) into the progress of '{}'{}; install the deck to study it: recall deck install {}",
            settings.user,
            if own.is_empty() {
                String::new()
            } else {
                format!(
                    " (kept your own progress on {} item(s) that already had some)",
                    own.len()
                )
            },
            args.to
                .output
                .as_ref()
                .map_or("FILE".to_owned(), |p| p.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
