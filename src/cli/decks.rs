//! Shared by the commands that take decks and items.

use std::collections::HashSet;

use anyhow::{anyhow, bail};
use serde::Serialize;

use recall::catalog::{self, LoadedDeck};
use recall::model::{DeckId, ItemId};
use recall::progress::{ItemRecord, Progress, Status};
use recall::sched::Day;
use recall::store::Library;

use super::settings::Settings;

/// A deck the learner asked about: loaded when it can be found, else known
/// only by the id its progress is filed under.
pub struct DeckView {
    pub id: DeckId,
    pub loaded: Option<LoadedDeck>,
}

/// The decks named on the command line, or every deck with progress.
pub fn decks_or_studied(
    names: &[String],
    settings: &Settings,
    progress: &Progress,
) -> anyhow::Result<Vec<DeckView>> {
    let library = settings.library();
    if !names.is_empty() {
        let mut views = Vec::new();
        for name in names {
            let loaded = catalog::load(name, &library)?;
            if views.iter().any(|v: &DeckView| v.id == loaded.deck.id) {
                continue;
            }
            views.push(DeckView {
                id: loaded.deck.id.clone(),
                loaded: Some(loaded),
            });
        }
        return Ok(views);
    }
    progress
        .deck_ids()
        .map(|id| {
            Ok(DeckView {
                id: id.clone(),
                loaded: catalog::load_id(id, &library)?,
            })
        })
        .collect()
}

/// The item ids of the deck called `name`: an installed deck's from its
/// kept list, others by reading the deck.
fn deck_items(name: &str, library: &Library) -> anyhow::Result<(DeckId, Vec<String>)> {
    if !catalog::is_path(name)
        && let Ok(id) = DeckId::new(name)
        && library.contains(&id)
    {
        let items = library.item_ids(&id)?;
        return Ok((id, items));
    }
    let loaded = catalog::load(name, library)?;
    let mut items: Vec<String> = loaded.deck.items().map(|i| i.id().to_string()).collect();
    items.sort();
    Ok((loaded.deck.id, items))
}

/// Finds the deck and item an `ITEM` argument names: `DECK/ITEM`, `ITEM`
/// with `--deck`, or `ITEM` alone when exactly one known deck has it.
pub fn find_item(
    arg: &str,
    deck: Option<&str>,
    settings: &Settings,
) -> anyhow::Result<(DeckId, ItemId)> {
    let library = settings.library();
    let (deck_name, item_text) = match (deck, arg.rsplit_once('/')) {
        (Some(d), _) => (Some(d.to_owned()), arg),
        (None, Some((d, i))) => (Some(d.to_owned()), i),
        (None, None) => (None, arg),
    };
    let item = ItemId::parse(item_text).map_err(|e| anyhow!("{e}"))?;
    let wanted = item.to_string();
    let decks: Vec<(DeckId, Vec<String>)> = match deck_name {
        Some(name) => vec![deck_items(&name, &library)?],
        None => catalog::known_ids(&library)?
            .iter()
            .map(|id| deck_items(id.as_str(), &library))
            .collect::<anyhow::Result<_>>()?,
    };
    let holders: Vec<&DeckId> = decks
        .iter()
        .filter(|(_, items)| items.binary_search(&wanted).is_ok())
        .map(|(id, _)| id)
        .collect();
    match holders.as_slice() {
        [one] => Ok(((*one).clone(), item)),
        [] => bail!("{}", missing_item(&wanted, &decks)),
        many => {
            let names: Vec<String> = many.iter().map(|d| format!("{d}/{item}")).collect();
            bail!(
                "item '{item}' is in several decks; name one: {}",
                names.join(", ")
            )
        }
    }
}

fn missing_item(wanted: &str, decks: &[(DeckId, Vec<String>)]) -> String {
    let mut scored: Vec<(f64, String)> = decks
        .iter()
        .flat_map(|(deck, items)| {
            items
                .iter()
                .map(move |id| (strsim::jaro_winkler(wanted, id), format!("{deck}/{id}")))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let near: Vec<String> = scored.into_iter().take(3).map(|(_, id)| id).collect();
    let place = match decks {
        [(one, _)] => format!("in deck '{one}'"),
        _ => "in any deck".to_owned(),
    };
    if near.is_empty() {
        format!("no item '{wanted}' {place}")
    } else {
        format!(
            "no item '{wanted}' {place}; the closest are: {}",
            near.join(", ")
        )
    }
}

/// One item's schedule, as `progress --json` and `review --json` print it.
#[derive(Debug, Serialize)]
pub struct ItemJson {
    pub deck: String,
    pub item: String,
    pub status: Status,
    pub repetitions: Option<u32>,
    pub easiness: Option<f64>,
    pub interval_days: Option<u32>,
    pub due: Option<Day>,
    pub lapses: Option<u32>,
    pub last_review: Option<Day>,
    pub repeat_pending: Option<bool>,
    pub reviews: u32,
}

impl ItemJson {
    /// The JSON view of an item's record (or of a new item).
    pub fn new(deck: &DeckId, item: &ItemId, record: Option<&ItemRecord>) -> ItemJson {
        let s = record.map(|r| &r.state);
        ItemJson {
            deck: deck.to_string(),
            item: item.to_string(),
            status: Status::of(record),
            repetitions: s.map(|s| s.repetitions),
            easiness: s.map(|s| s.easiness.as_f64()),
            interval_days: s.map(|s| s.interval),
            due: s.map(|s| s.due),
            lapses: s.map(|s| s.lapses),
            last_review: s.map(|s| s.last_review),
            repeat_pending: s.map(|s| s.repeat_pending),
            reviews: record.map_or(0, |r| r.reviews),
        }
    }
}

/// "in 6 days", "tomorrow", "today".
pub fn in_days(days: i32) -> String {
    match days {
        i32::MIN..=-1 => format!("{} days ago", -days),
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    }
}

/// Which of the records filed under a deck id belong to the deck as it is now.
pub enum Members {
    /// The deck was read: exactly these items.
    Items(HashSet<String>),
    /// An installed deck known from its summary: every item but the retired ones.
    AllBut(HashSet<String>),
    /// The deck is nowhere to be found: every record counts.
    Unknown,
}

impl Members {
    /// True when the item is in the deck.
    pub fn contains(&self, item: &str) -> bool {
        match self {
            Members::Items(items) => items.contains(item),
            Members::AllBut(retired) => !retired.contains(item),
            Members::Unknown => true,
        }
    }
}

/// What `due` needs about a deck: its size and which records are its
/// items. Installed decks are known from their summary, without reading
/// every card (a deck can hold 100,000).
pub struct DeckSummary {
    pub id: DeckId,
    /// What `deck list` shows of it, when the deck can be found.
    pub about: Option<About>,
    pub items: Option<usize>,
    pub members: Members,
    /// Every item id, kept only for decks where a card has several items
    /// (cloze deletions, reversed cards): two of a card are never introduced
    /// on one day, so new items are counted by card there.
    pub sibling_items: Option<Vec<String>>,
}

/// A deck's title, version, origin and size.
pub struct About {
    pub title: String,
    pub version: Option<String>,
    pub origin: &'static str,
    pub cards: usize,
}

/// Summaries of the decks named, or of every deck in `studied`.
pub fn summaries(
    names: &[String],
    settings: &Settings,
    studied: &[DeckId],
) -> anyhow::Result<Vec<DeckSummary>> {
    let library = settings.library();
    let summarize = |name: &str| -> anyhow::Result<Option<DeckSummary>> {
        if !catalog::is_path(name)
            && let Ok(id) = DeckId::new(name)
            && library.contains(&id)
        {
            let info = library.info(&id)?;
            let sibling_items = if info.items > info.cards {
                Some(library.item_ids(&id)?)
            } else {
                None
            };
            return Ok(Some(DeckSummary {
                id,
                about: Some(About {
                    title: info.title,
                    version: info.version,
                    origin: "installed",
                    cards: info.cards,
                }),
                items: Some(info.items),
                members: Members::AllBut(info.retired.into_iter().collect()),
                sibling_items,
            }));
        }
        let loaded = match catalog::load(name, &library) {
            Ok(l) => l,
            Err(catalog::CatalogError::Unknown { .. }) if names.is_empty() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let items: HashSet<String> = loaded.deck.items().map(|i| i.id().to_string()).collect();
        let sibling_items =
            (items.len() > loaded.deck.cards.len()).then(|| items.iter().cloned().collect());
        Ok(Some(DeckSummary {
            id: loaded.deck.id.clone(),
            about: Some(About {
                title: loaded.deck.title.clone(),
                version: loaded.deck.version.as_ref().map(ToString::to_string),
                origin: loaded.origin.name(),
                cards: loaded.deck.cards.len(),
            }),
            items: Some(items.len()),
            members: Members::Items(items),
            sibling_items,
        }))
    };
    let mut out: Vec<DeckSummary> = Vec::new();
    if names.is_empty() {
        for id in studied {
            let summary = summarize(id.as_str())?.unwrap_or_else(|| DeckSummary {
                id: id.clone(),
                about: None,
                items: None,
                members: Members::Unknown,
                sibling_items: None,
            });
            out.push(summary);
        }
    } else {
        for name in names {
            if let Some(s) = summarize(name)?
                && !out.iter().any(|o| o.id == s.id)
            {
                out.push(s);
            }
        }
    }
    Ok(out)
}
