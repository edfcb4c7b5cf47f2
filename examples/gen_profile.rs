//! Writes a realistic profile for benchmarks, through recall's own store code:
//! a generated deck of N items installed in the data directory, and M reviews
//! spread over a year whose SM-2 states follow from the answers.
//!
//! cargo run --release --example gen_profile -- --data-dir DIR --user U --items 100000 --reviews 1000000

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use recall::model::{Card, CardId, CardKind, Deck, DeckId, ItemId, ItemPart, Quality, UserName};
use recall::progress::{Mode, ReviewEvent};
use recall::sched::{Day, Scheduler, Sm2, Sm2State};
use recall::store::{Library, Paths, Profile};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    data_dir: PathBuf,
    #[arg(long, default_value = "bench")]
    user: String,
    #[arg(long, default_value_t = 100_000)]
    items: u32,
    #[arg(long, default_value_t = 1_000_000)]
    reviews: u64,
    /// The first day of the simulated year
    #[arg(long, default_value = "2025-11-25")]
    start: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also time single recorded answers (each with its fsync) on the result
    #[arg(long, default_value_t = 200)]
    time_records: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let paths = Paths::new(args.data_dir.clone());
    let user = UserName::new(&args.user).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
    let deck_id = DeckId::new("bench")?;

    let cards: Vec<Card> = (0..args.items)
        .map(|i| Card {
            id: CardId::new(&format!("c{i:06}")).expect("generated ids are valid"),
            kind: CardKind::Basic {
                front: format!("Question number {i}?"),
                back: format!("Answer {i}"),
                accept: Vec::new(),
                reverse: false,
            },
            tags: vec![format!("t{}", i % 50)],
            section: Some(format!("Section {}", i % 20)),
            explanation: None,
        })
        .collect();
    let deck = Deck {
        id: deck_id.clone(),
        title: "Generated benchmark deck".to_owned(),
        version: Some(semver::Version::new(1, 0, 0)),
        description: None,
        author: None,
        source: None,
        language: None,
        cards,
    };
    Library::new(paths.library()).install(&deck, None)?;

    let events = simulate(&args, &deck_id)?;
    let mut profile = Profile::open_write(&paths, &user, Duration::from_secs(5))?;
    for chunk in events.chunks(100_000) {
        profile.record_all(chunk)?;
    }
    profile.checkpoint()?;
    println!(
        "wrote {} items, {} reviews for user '{}' in {:.1}s",
        args.items,
        events.len(),
        args.user,
        started.elapsed().as_secs_f64()
    );

    if args.time_records > 0 {
        time_records(&mut profile, &deck_id, &events, args.time_records)?;
    }
    Ok(())
}

/// A year of daily study: new items introduced at a steady rate, every due
/// item reviewed on its day, about one answer in six forgotten.
fn simulate(args: &Args, deck: &DeckId) -> anyhow::Result<Vec<ReviewEvent>> {
    let sm2 = Sm2::default();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let start: Day = args.start.parse()?;
    let n = args.items as usize;
    let mut states: Vec<Option<Sm2State>> = vec![None; n];
    let mut by_day: Vec<Vec<u32>> = vec![Vec::new(); 366];
    let new_per_day = n.div_ceil(200).max(1);
    let mut introduced = 0usize;
    let mut events = Vec::with_capacity(args.reviews as usize);
    'days: for d in 0..366usize {
        let day = start.plus(d as i64);
        let mut today: Vec<u32> = std::mem::take(&mut by_day[d]);
        let new_end = (introduced + new_per_day).min(n);
        today.extend(introduced as u32..new_end as u32);
        introduced = new_end;
        for (k, &i) in today.iter().enumerate() {
            if events.len() as u64 >= args.reviews {
                break 'days;
            }
            let grade: u8 = match rng.random_range(0..100) {
                0..=15 => rng.random_range(0..3),
                16..=35 => 3,
                36..=80 => 4,
                _ => 5,
            };
            let q = Quality::try_from(grade)?;
            let before = states[i as usize].clone();
            let out = sm2.review(before.as_ref(), q, day);
            let seconds = 8 * 3600 + (k as i64 * 7) % (14 * 3600);
            let ts = day
                .date()
                .at(0, 0, 0, 0)
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)?
                .timestamp()
                + jiff::SignedDuration::from_secs(seconds);
            let due_index = out.after.due.since(start) as usize;
            if due_index < by_day.len() {
                by_day[due_index].push(i);
            }
            events.push(ReviewEvent {
                ts,
                day,
                deck: deck.clone(),
                item: ItemId::new(CardId::new(&format!("c{i:06}"))?, ItemPart::Main),
                grade: q,
                mode: Mode::Flip,
                kind: out.kind,
                response_ms: Some(rng.random_range(1500..9000)),
                days_late: out.days_late,
                before,
                after: Some(out.after.clone()),
            });
            states[i as usize] = Some(out.after);
        }
    }
    Ok(events)
}

/// Times `count` single answers, each appended and fsynced, and reports the
/// wall and CPU time per answer (CPU from /proc/self/stat, Linux only).
fn time_records(
    profile: &mut Profile,
    deck: &DeckId,
    events: &[ReviewEvent],
    count: u32,
) -> anyhow::Result<()> {
    let last = events
        .last()
        .map_or_else(|| "2026-11-25".parse().expect("a valid day"), |e| e.day);
    let day = last.plus(1);
    let sm2 = Sm2::default();
    let cpu_before = cpu_seconds();
    let wall = Instant::now();
    for i in 0..count {
        let item = ItemId::new(CardId::new(&format!("c{i:06}"))?, ItemPart::Main);
        let before = profile.progress().get(deck, &item).map(|r| r.state.clone());
        let out = sm2.review(before.as_ref(), Quality::try_from(4u8)?, day);
        profile.record(&ReviewEvent {
            ts: day
                .date()
                .at(12, 0, 0, 0)
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)?
                .timestamp(),
            day,
            deck: deck.clone(),
            item,
            grade: Quality::try_from(4u8)?,
            mode: Mode::Script,
            kind: out.kind,
            response_ms: None,
            days_late: out.days_late,
            before,
            after: Some(out.after),
        })?;
    }
    let wall = wall.elapsed().as_secs_f64() / f64::from(count);
    match (cpu_before, cpu_seconds()) {
        (Some(a), Some(b)) => println!(
            "recording one answer: {:.3} ms wall (with its fsync), {:.3} ms CPU",
            wall * 1e3,
            (b - a) / f64::from(count) * 1e3
        ),
        _ => println!(
            "recording one answer: {:.3} ms wall (with its fsync)",
            wall * 1e3
        ),
    }
    Ok(())
}

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(") ").next()?.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
