//! `recall progress` and `recall due`: read-only views of the schedule.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use std::collections::{BTreeMap, HashSet};

use recall::model::{DeckId, ItemId};
use recall::progress::{ItemRecord, Progress};
use recall::sched::Day;
use recall::session::{effective_due, exam_new_limit};
use recall::store::Profile;

use super::args::DecksArgs;
use super::decks::{self, DeckSummary, DeckView, ItemJson, decks_or_studied};
use super::settings::Settings;
use super::warn_all;

#[derive(Serialize)]
struct ProgressJson {
    user: String,
    today: Day,
    items: Vec<ItemJson>,
}

/// The records of a deck's items: every item of the deck when it is known
/// (new ones with no record), else every record filed under its id.
fn rows<'p>(view: &DeckView, progress: &'p Progress) -> Vec<(ItemId, Option<&'p ItemRecord>)> {
    let records = progress.deck(&view.id);
    match &view.loaded {
        Some(loaded) => loaded
            .deck
            .items()
            .map(|i| {
                let id = i.id();
                let record = records.and_then(|r| r.get(&id));
                (id, record)
            })
            .collect(),
        None => {
            let mut rows: Vec<(ItemId, Option<&ItemRecord>)> = records
                .into_iter()
                .flat_map(|r| r.iter().map(|(id, rec)| (id.clone(), Some(rec))))
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            rows
        }
    }
}

/// `recall progress [DECK...]`
pub fn progress(
    args: &DecksArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let mut profile = Profile::open_read(&settings.paths, &settings.user)?;
    warn_all(profile.take_warnings());
    let today = settings.today();
    let views = decks_or_studied(&args.decks, settings, profile.progress())?;
    let mut items = Vec::new();
    for view in &views {
        for (id, record) in rows(view, profile.progress()) {
            items.push(ItemJson::new(&view.id, &id, record));
        }
    }
    if args.json {
        let json = ProgressJson {
            user: settings.user.to_string(),
            today,
            items,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if items.is_empty() {
        writeln!(
            out,
            "Nothing studied yet. Run `recall` to start today's session."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = items
        .iter()
        .map(|i| i.deck.len() + i.item.len() + 1)
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:width$}  {:8}  {:>4}  {:>4}  {:>8}  {:10}  {:>6}  last",
        "item", "status", "n", "EF", "interval", "due", "lapses"
    )?;
    for i in &items {
        let name = format!("{}/{}", i.deck, i.item);
        let status = serde_json::to_value(i.status)?
            .as_str()
            .unwrap_or("")
            .to_owned();
        match (
            i.repetitions,
            i.easiness,
            i.interval_days,
            i.due,
            i.lapses,
            i.last_review,
        ) {
            (Some(n), Some(ef), Some(iv), Some(due), Some(lapses), Some(last)) => writeln!(
                out,
                "{name:width$}  {status:8}  {n:>4}  {ef:>4.2}  {:>8}  {due:10}  {lapses:>6}  {last}",
                format!("{iv}d")
            )?,
            _ => writeln!(out, "{name:width$}  {status}")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct DueJson {
    user: String,
    today: Day,
    decks: Vec<DeckDue>,
    forecast: Vec<DayDue>,
}

#[derive(Serialize)]
struct DeckDue {
    deck: String,
    due: usize,
    overdue: usize,
    new_available: Option<u32>,
}

#[derive(Serialize)]
struct DayDue {
    day: Day,
    due: usize,
}

/// Per-deck counts gathered in one pass over the records.
#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    pub due: usize,
    pub overdue: usize,
    pub seen: usize,
    pub introduced_today: u32,
    /// Due on today and each of the next 7 days.
    forecast: [usize; 8],
    /// For decks with sibling items: the items seen, and the cards with an
    /// item introduced today.
    seen_items: HashSet<String>,
    busy_cards: HashSet<String>,
}

/// The card part of an item id (`card#c2` → `card`).
fn card_of(item: &str) -> &str {
    item.split('#').next().unwrap_or(item)
}

/// Tallies every deck's records in one streaming pass (a profile can hold
/// 100,000 items, and `due` is meant to answer at once). With `only_known`,
/// decks not already in `summaries` are skipped; otherwise each deck met is
/// summarised when first met. A deck's exam day moves its items' due days
/// as in a session.
pub(super) fn tally_decks(
    settings: &Settings,
    today: Day,
    summaries: &mut BTreeMap<DeckId, Option<DeckSummary>>,
    only_known: bool,
) -> anyhow::Result<BTreeMap<DeckId, Tally>> {
    let mut failure = None;
    let (tallies, warnings) = Profile::fold_records(
        &settings.paths,
        &settings.user,
        BTreeMap::<DeckId, Tally>::new,
        |tallies, deck, item, r| {
            if only_known && !summaries.contains_key(deck) {
                return;
            }
            let summary = summaries.entry(deck.clone()).or_insert_with(|| {
                match decks::summaries(&[], settings, std::slice::from_ref(deck)) {
                    Ok(mut s) => s.pop(),
                    Err(e) => {
                        failure.get_or_insert(e);
                        None
                    }
                }
            });
            if summary.as_ref().is_some_and(|s| !s.members.contains(item)) {
                return;
            }
            let siblings = summary.as_ref().is_some_and(|s| s.sibling_items.is_some());
            let t = tallies.entry(deck.clone()).or_default();
            t.seen += 1;
            if siblings {
                t.seen_items.insert(item.to_owned());
            }
            if r.first_review == today {
                t.introduced_today += 1;
                if siblings {
                    t.busy_cards.insert(card_of(item).to_owned());
                }
            }
            let due = effective_due(&r.state, today, settings.exam_for(deck));
            if r.repeats_today(today) || due <= today {
                t.due += 1;
                t.forecast[0] += 1;
                if due < today {
                    t.overdue += 1;
                }
            } else if let Ok(offset) = usize::try_from(due.since(today))
                && offset < t.forecast.len()
            {
                t.forecast[offset] += 1;
            }
        },
    )?;
    if let Some(e) = failure {
        return Err(e);
    }
    warn_all(warnings);
    Ok(tallies)
}

/// New items a deck still offers today, as a session would introduce them:
/// the daily limit (raised before an exam to finish in time) less the items
/// introduced today, and no more than the items never seen — counted by card
/// where a card has several items.
pub(super) fn new_available(
    settings: &Settings,
    summary: &DeckSummary,
    tally: &Tally,
    today: Day,
) -> Option<u32> {
    let items = summary.items?;
    let unseen = items.saturating_sub(tally.seen);
    let base = settings.new_per_day();
    let limit = match settings.exam_for(&summary.id) {
        Some(exam) => exam_new_limit(unseen + tally.introduced_today as usize, today, exam, base),
        None => base,
    };
    let startable = match &summary.sibling_items {
        None => unseen,
        Some(all) => all
            .iter()
            .filter(|i| !tally.seen_items.contains(*i))
            .map(|i| card_of(i))
            .filter(|c| !tally.busy_cards.contains(*c))
            .collect::<HashSet<_>>()
            .len(),
    };
    let left_today = limit.saturating_sub(tally.introduced_today);
    Some(left_today.min(u32::try_from(startable).unwrap_or(u32::MAX)))
}

/// `recall due [DECK...]`
pub fn due(
    args: &DecksArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let today = settings.today();
    let mut summaries: BTreeMap<DeckId, Option<DeckSummary>> = BTreeMap::new();
    let named = !args.decks.is_empty();
    for s in decks::summaries(&args.decks, settings, &[])? {
        summaries.insert(s.id.clone(), Some(s));
    }
    let tallies = tally_decks(settings, today, &mut summaries, named)?;
    let days: Vec<Day> = (0..=7).map(|d| today.plus(d)).collect();
    let mut forecast = [0usize; 8];
    let mut decks = Vec::new();
    let ids: Vec<DeckId> = if named {
        summaries.keys().cloned().collect()
    } else {
        tallies.keys().cloned().collect()
    };
    for id in ids {
        let tally = tallies.get(&id).cloned().unwrap_or_default();
        for (sum, n) in forecast.iter_mut().zip(tally.forecast) {
            *sum += n;
        }
        let new_available = summaries
            .get(&id)
            .and_then(|s| s.as_ref())
            .and_then(|s| new_available(settings, s, &tally, today));
        decks.push(DeckDue {
            deck: id.to_string(),
            due: tally.due,
            overdue: tally.overdue,
            new_available,
        });
    }
    let forecast: Vec<DayDue> = days
        .iter()
        .zip(forecast)
        .map(|(&day, due)| DayDue { day, due })
        .collect();
    if args.json {
        let json = DueJson {
            user: settings.user.to_string(),
            today,
            decks,
            forecast,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if decks.is_empty() {
        writeln!(
            out,
            "Nothing studied yet. Run `recall` to start today's session."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "Due today ({today}) for {}:", settings.user)?;
    let width = decks.iter().map(|d| d.deck.len()).max().unwrap_or(4);
    for d in &decks {
        let overdue = if d.overdue > 0 {
            format!(" ({} overdue)", d.overdue)
        } else {
            String::new()
        };
        let new = match d.new_available {
            Some(n) => format!(", {n} new"),
            None => String::new(),
        };
        writeln!(out, "  {:width$}  {} due{overdue}{new}", d.deck, d.due)?;
    }
    let week: Vec<String> = forecast[1..]
        .iter()
        .map(|f| {
            format!(
                "{} {}: {}",
                f.day.date().strftime("%a"),
                f.day.date().day(),
                f.due
            )
        })
        .collect();
    writeln!(out, "Next 7 days: {}", week.join(", "))?;
    Ok(ExitCode::SUCCESS)
}
