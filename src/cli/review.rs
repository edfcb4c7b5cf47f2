//! `recall review ITEM --grade Q`

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use recall::model::Quality;
use recall::progress::ReviewEvent;
use recall::sched::{ReviewKind, Scheduler};
use recall::store::Profile;

use super::args::ReviewArgs;
use super::decks::{ItemJson, find_item, in_days};
use super::settings::{LOCK_WAIT, Settings};
use super::warn_all;

#[derive(Serialize)]
struct ReviewJson {
    #[serde(flatten)]
    item: ItemJson,
    kind: ReviewKind,
    days_late: i32,
}

/// Records one answer and prints the new schedule.
pub fn run(
    args: &ReviewArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let grade = Quality::try_from(args.grade)?;
    let (deck, item) = find_item(&args.item, args.deck.as_deref(), settings)?;
    let deck = &deck;
    let wanted = item.to_string();
    let keep = |d: &recall::model::DeckId, i: &str| d == deck && i == wanted;
    let mut profile = Profile::open_write_for(&settings.paths, &settings.user, LOCK_WAIT, &keep)?;
    warn_all(profile.take_warnings());
    let today = settings.today();
    let before = profile.progress().get(deck, &item).map(|r| r.state.clone());
    let outcome = settings
        .scheduler_for(deck)
        .review(before.as_ref(), grade, today);
    let event = ReviewEvent {
        ts: settings.now(),
        day: today,
        deck: deck.clone(),
        item: item.clone(),
        grade,
        mode: args.mode.into(),
        kind: outcome.kind,
        response_ms: None,
        days_late: outcome.days_late,
        before,
        after: Some(outcome.after.clone()),
    };
    profile.record(&event)?;
    if let Some(warning) = profile.checkpoint_if_due() {
        eprintln!("warning: {warning}");
    }
    let record = profile.progress().get(deck, &item);
    if args.json {
        let json = ReviewJson {
            item: ItemJson::new(deck, &item, record),
            kind: outcome.kind,
            days_late: outcome.days_late,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = &outcome.after;
    let next = format!(
        "next review {} ({}); repetitions {}, easiness {}",
        in_days(s.due.since(today)),
        s.due,
        s.repetitions,
        s.easiness
    );
    match outcome.kind {
        ReviewKind::Repeat => writeln!(
            out,
            "{deck}/{item}: grade {grade} recorded as a same-day repeat; the schedule is unchanged: {next}{}",
            if s.repeat_pending {
                " (it comes back today until graded 4 or 5)"
            } else {
                ""
            }
        )?,
        _ => writeln!(out, "{deck}/{item}: grade {grade} recorded; {next}")?,
    }
    Ok(ExitCode::SUCCESS)
}
