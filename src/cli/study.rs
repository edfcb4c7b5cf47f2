//! `recall study`: today's session, the one a learner opens every morning.

use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, bail};
use rand::SeedableRng;
use rand::rngs::StdRng;

use recall::answer::{self, Verdict};
use recall::bundled;
use recall::catalog;
use recall::clock::Stopwatch;
use recall::model::{Deck, Expected, Quality, StudyItem};
use recall::progress::{Mode, Progress, ReviewEvent};
use recall::sched::{Day, ReviewKind, Scheduler, Sm2};
use recall::session::{self, DeckRules, Entry, Session};
use recall::store::Profile;

use super::args::{StudyArgs, StudyMode};
use super::decks::in_days;
use super::settings::{LOCK_WAIT, Settings};
use super::term::{Console, Input, Role};
use super::warn_all;

/// Answers faster than this, and right, are graded 5 ("perfect").
const FAST: Duration = Duration::from_secs(8);

/// What the summary needs, shared with the Ctrl-C handler.
struct Shared {
    profile: Profile,
    tally: Tally,
}

/// The session's numbers so far.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Counted reviews (first answers of the day).
    reviewed: usize,
    /// Counted reviews graded 3 or more.
    correct: usize,
    /// Items seen for the first time.
    learned: usize,
    /// Same-day repeats.
    repeats: usize,
}

/// Locks the shared state; a poisoned lock (a panic elsewhere) still holds
/// valid data, since every update is one assignment.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// How the session ended.
enum End {
    Finished,
    Quit,
    Eof,
}

/// `recall study [DECK...]`, and `recall` alone.
pub fn run(args: &StudyArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut console = Console::new();
    let mode = match args.mode {
        Some(m) => m,
        None => match settings.user_settings.mode.as_deref() {
            None | Some("flip") => StudyMode::Flip,
            Some("typed") => StudyMode::Typed,
            Some("choice") => StudyMode::Choice,
            Some(other) => bail!(
                "the setting `mode` is {other:?} in '{}'; use flip, typed or choice",
                settings.paths.settings(&settings.user).display()
            ),
        },
    };
    // Everything that can be refused is checked before the profile is
    // opened, so that a failed command leaves no trace.
    let named = named_decks(&args.decks, settings)?;
    let exam = match args.exam.as_deref().map(str::trim) {
        None => None,
        Some("none") => Some(None),
        Some(text) => Some(Some(text.parse::<Day>().map_err(|e| {
            anyhow::anyhow!("--exam: {e}; or `none` to forget the exam day")
        })?)),
    };
    let mut profile = Profile::open_write(&settings.paths, &settings.user, LOCK_WAIT)?;
    warn_all(profile.take_warnings());
    let decks = match named {
        Some(decks) => decks,
        None => started_decks(settings, profile.progress(), &console)?,
    };
    let today = settings.today();
    let exams = exam_days(exam, settings, &decks)?;
    let base_limit = args.new.unwrap_or_else(|| settings.new_per_day());
    let rules: Vec<DeckRules> = decks
        .iter()
        .zip(&exams)
        .map(|(deck, &exam)| {
            let new_limit = match exam {
                Some(e) if today < e => {
                    session::new_limit_for_exam(deck, profile.progress(), today, e, base_limit)
                }
                _ => base_limit,
            };
            DeckRules { new_limit, exam }
        })
        .collect();
    for ((deck, rule), exam) in decks.iter().zip(&rules).zip(&exams) {
        if let Some(e) = exam.filter(|e| today < *e) {
            let eve = e.plus(-1).date();
            console.line(&format!(
                "{}: exam on {e}: {} new a day to finish by {} {}",
                deck.id,
                rule.new_limit,
                eve.day(),
                eve.strftime("%B")
            ));
        }
    }
    let (entries, counts) = session::plan(&decks, &rules, profile.progress(), today);
    let names: Vec<String> = decks.iter().map(|d| d.id.to_string()).collect();

    if entries.is_empty() {
        console.line(&format!(
            "Nothing left to study today in {}.",
            names.join(", ")
        ));
        console.line(&forecast_line(profile.progress(), &decks, today));
        return Ok(ExitCode::SUCCESS);
    }
    console.line(&format!(
        "{} — {} due, {} new ({} mode; q to stop)",
        console.paint(&format!("Today, {today}"), Role::Strong),
        counts.due,
        counts.new,
        mode.name(),
    ));
    console.line(&console.paint(&format!("decks: {}", names.join(", ")), Role::Dim));

    let seed = args.seed.unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let clock = Stopwatch::start();
    let shared = Arc::new(Mutex::new(Shared {
        profile,
        tally: Tally::default(),
    }));
    install_interrupt(&shared, &decks, today, clock);

    let base_scheduler = settings.scheduler();
    let mut session = Session::new(entries);
    let end = loop {
        let Some(entry) = session.next_entry() else {
            break End::Finished;
        };
        let deck = &decks[entry.deck];
        let Some(item) = deck.item(&entry.item) else {
            continue;
        };
        let (at, total) = session.position();
        console.line("");
        let where_ = item
            .card
            .section
            .as_deref()
            .map(|s| format!(" · {s}"))
            .unwrap_or_default();
        console.line(&console.paint(
            &format!(
                "[{at}/{total}] {}{where_}{}",
                deck.id,
                if entry.new { " · new" } else { "" }
            ),
            Role::Dim,
        ));
        let scheduler = Sm2 {
            exam: rules[entry.deck].exam,
            ..base_scheduler
        };
        let asked = Stopwatch::start();
        let answer = match mode {
            StudyMode::Flip => ask_flip(
                &mut console,
                &item,
                &scheduler,
                &shared,
                &entry,
                deck,
                today,
            )?,
            StudyMode::Typed => ask_typed(&mut console, &item, asked)?,
            StudyMode::Choice => ask_choice(&mut console, &item, deck, &mut rng)?,
        };
        let (grade, mode_used) = match answer {
            Asked::Graded(q, m) => (q, m),
            Asked::Quit => break End::Quit,
            Asked::Eof => break End::Eof,
        };
        let response_ms = u32::try_from(asked.elapsed().as_millis()).ok();
        let mut guard = lock(&shared);
        let before = guard
            .profile
            .progress()
            .get(&deck.id, &entry.item)
            .map(|r| r.state.clone());
        let outcome = scheduler.review(before.as_ref(), grade, today);
        let event = ReviewEvent {
            ts: settings.now(),
            day: today,
            deck: deck.id.clone(),
            item: entry.item.clone(),
            grade,
            mode: mode_used,
            kind: outcome.kind,
            response_ms,
            days_late: outcome.days_late,
            before,
            after: Some(outcome.after.clone()),
        };
        guard
            .profile
            .record(&event)
            .context("the answer could not be saved; the session stops here")?;
        let tally = &mut guard.tally;
        match outcome.kind {
            ReviewKind::Review => {
                tally.reviewed += 1;
                tally.correct += usize::from(grade.is_correct());
                tally.learned += usize::from(event.before.is_none());
            }
            _ => tally.repeats += 1,
        }
        drop(guard);
        let next = if grade.value() < 4 {
            "again later today".to_owned()
        } else {
            let due = outcome.after.due;
            format!("next {} ({due})", in_days(due.since(today)))
        };
        console.line(&format!("grade {grade} → {next}"));
        session.answered(entry, grade);
    };

    let mut guard = lock(&shared);
    if let Some(w) = guard.profile.checkpoint_if_due() {
        eprintln!("warning: {w}");
    }
    // A question left unanswered when the session stopped is still to do.
    let left = session.remaining() + usize::from(!matches!(end, End::Finished));
    console.line("");
    match end {
        End::Finished => console.line(&console.paint("Done for today.", Role::Good)),
        End::Quit | End::Eof => console.line(&format!(
            "Stopped with {left} question{} left for today; everything answered is saved.",
            if left == 1 { "" } else { "s" }
        )),
    }
    print_summary(&console, &guard, &decks, today, clock);
    Ok(ExitCode::SUCCESS)
}

/// The exam day of each deck: `--exam` (`exam`, saved in the settings for
/// next time, or forgotten with `none`), else the one saved before.
fn exam_days(
    exam: Option<Option<Day>>,
    settings: &Settings,
    decks: &[Deck],
) -> anyhow::Result<Vec<Option<Day>>> {
    let mut saved = settings.user_settings.clone();
    if let Some(exam) = exam {
        for deck in decks {
            match exam {
                Some(day) => saved.exams.insert(deck.id.to_string(), day),
                None => saved.exams.remove(deck.id.as_str()),
            };
        }
        let path = settings.paths.settings(&settings.user);
        saved
            .save(&path)
            .with_context(|| format!("cannot save the exam day in '{}'", path.display()))?;
    }
    Ok(decks
        .iter()
        .map(|d| saved.exams.get(d.id.as_str()).copied())
        .collect())
}

/// The decks named on the command line, loaded; `None` when none is named.
fn named_decks(names: &[String], settings: &Settings) -> anyhow::Result<Option<Vec<Deck>>> {
    if names.is_empty() {
        return Ok(None);
    }
    let library = settings.library();
    let mut decks: Vec<Deck> = Vec::new();
    for name in names {
        let d = catalog::load(name, &library)?.deck;
        if !decks.iter().any(|x| x.id == d.id) {
            decks.push(d);
        }
    }
    Ok(Some(decks))
}

/// Every deck with progress that can be found, else (a first session) the
/// bundled ones.
fn started_decks(
    settings: &Settings,
    progress: &Progress,
    console: &Console,
) -> anyhow::Result<Vec<Deck>> {
    let library = settings.library();
    let mut decks = Vec::new();
    for id in progress.deck_ids() {
        match catalog::load_id(id, &library)? {
            Some(d) => decks.push(d.deck),
            None => eprintln!(
                "note: deck '{id}' has progress but is not installed; study it with `recall study PATH-TO-DECK.json`"
            ),
        }
    }
    if decks.is_empty() {
        let all = bundled::all();
        let ids: Vec<String> = all.iter().map(|d| d.id.to_string()).collect();
        console.line(&format!(
            "Welcome! Starting the bundled decks {}. To study one only: `recall study {}`.",
            ids.join(" and "),
            ids.first().map_or("DECK", String::as_str)
        ));
        return Ok(all);
    }
    Ok(decks)
}

/// How one question went.
enum Asked {
    Graded(Quality, Mode),
    Quit,
    Eof,
}

const GRADE_HINT: &str = "grade 0–5, or a (again) h (hard) g (good) e (easy); q stops";

/// A grade typed as 0–5 or a/h/g/e.
fn parse_grade(text: &str) -> Option<Quality> {
    let text = text.trim().to_lowercase();
    let value = match text.as_str() {
        "a" => 1,
        "h" => 3,
        "g" => 4,
        "e" => 5,
        t => t.parse::<u8>().ok()?,
    };
    Quality::try_from(value).ok()
}

fn ask_flip(
    console: &mut Console,
    item: &StudyItem<'_>,
    scheduler: &Sm2,
    shared: &Mutex<Shared>,
    entry: &Entry,
    deck: &Deck,
    today: Day,
) -> anyhow::Result<Asked> {
    console.line(&console.paint(&item.prompt(), Role::Strong));
    let reveal = if console.is_tty() {
        "(space to show the answer) "
    } else {
        ""
    };
    match console.read_key(reveal)? {
        Input::Quit => return Ok(Asked::Quit),
        Input::Eof => return Ok(Asked::Eof),
        Input::Text(_) => {}
    }
    console.line(&format!(
        "→ {}",
        console.paint(&item.expected().display(), Role::Answer)
    ));
    explain(console, item);
    // What each grade would do, so the choice is informed.
    let before = lock(shared)
        .profile
        .progress()
        .get(&deck.id, &entry.item)
        .map(|r| r.state.clone());
    let preview = scheduler.preview(before.as_ref(), today);
    let choices: Vec<String> = [(1, "a"), (3, "h"), (4, "g"), (5, "e")]
        .iter()
        .map(|&(q, key)| {
            let o = &preview[q];
            let when = if o.kind == ReviewKind::Repeat || q < 4 {
                "today".to_owned()
            } else {
                in_days(o.after.due.since(today))
            };
            format!("{key}/{q} {when}")
        })
        .collect();
    console.line(&console.paint(&choices.join("   "), Role::Dim));
    loop {
        match console.read_key("grade: ")? {
            Input::Quit => return Ok(Asked::Quit),
            Input::Eof => return Ok(Asked::Eof),
            Input::Text(t) => match parse_grade(&t) {
                Some(q) => return Ok(Asked::Graded(q, Mode::Flip)),
                None => console.line(&console.paint(GRADE_HINT, Role::Warn)),
            },
        }
    }
}

fn ask_typed(
    console: &mut Console,
    item: &StudyItem<'_>,
    asked: Stopwatch,
) -> anyhow::Result<Asked> {
    let expected = item.expected();
    let hint = match expected {
        Expected::Year { .. } => " (a year)",
        Expected::Text { .. } => "",
    };
    console.line(&console.paint(&item.prompt(), Role::Strong));
    let given = match console.read_line(&format!("answer{hint}: "))? {
        Input::Quit => return Ok(Asked::Quit),
        Input::Eof => return Ok(Asked::Eof),
        Input::Text(t) => t,
    };
    let fast = asked.elapsed() < FAST;
    let judgement = answer::judge(&expected, &given, fast);
    let (word, role) = match judgement.verdict {
        Verdict::Correct => ("right", Role::Good),
        Verdict::Typo => ("right, with a typo", Role::Good),
        Verdict::Close => ("close", Role::Warn),
        Verdict::Wrong => ("not quite", Role::Bad),
        Verdict::Blank => ("no answer", Role::Bad),
    };
    console.line(&format!(
        "{} — the answer: {}",
        console.paint(word, role),
        console.paint(&expected.display(), Role::Answer)
    ));
    explain(console, item);
    let proposed = judgement.proposed;
    loop {
        let prompt = format!("grade {proposed} (Enter to keep, 0–5 to change): ");
        match console.read_key(&prompt)? {
            Input::Quit => return Ok(Asked::Quit),
            Input::Eof => return Ok(Asked::Eof),
            Input::Text(t) if t.trim().is_empty() => {
                return Ok(Asked::Graded(proposed, Mode::Typed));
            }
            Input::Text(t) => match parse_grade(&t) {
                Some(q) => return Ok(Asked::Graded(q, Mode::Typed)),
                None => console.line(&console.paint(GRADE_HINT, Role::Warn)),
            },
        }
    }
}

fn ask_choice(
    console: &mut Console,
    item: &StudyItem<'_>,
    deck: &Deck,
    rng: &mut StdRng,
) -> anyhow::Result<Asked> {
    let question = answer::choice_options(item, deck, rng);
    if question.options.len() < 2 {
        // Nothing in the deck to choose from: ask for the answer instead.
        return ask_typed(console, item, Stopwatch::start());
    }
    console.line(&console.paint(&item.prompt(), Role::Strong));
    for (i, option) in question.options.iter().enumerate() {
        console.line(&format!("  {}) {option}", i + 1));
    }
    let n = question.options.len();
    loop {
        match console.read_key(&format!("choice 1–{n}: "))? {
            Input::Quit => return Ok(Asked::Quit),
            Input::Eof => return Ok(Asked::Eof),
            Input::Text(t) => match answer::parse_choice(&t, n) {
                Some(i) if i == question.correct => {
                    console.line(&console.paint("right", Role::Good));
                    explain(console, item);
                    return Ok(Asked::Graded(Quality::try_from(4u8)?, Mode::Choice));
                }
                Some(_) => {
                    console.line(&format!(
                        "{} — the answer: {}",
                        console.paint("wrong", Role::Bad),
                        console.paint(&question.options[question.correct], Role::Answer)
                    ));
                    explain(console, item);
                    return Ok(Asked::Graded(Quality::try_from(1u8)?, Mode::Choice));
                }
                None => console.line(&console.paint(
                    &format!(
                        "answer with a number 1–{n} or a letter a–{}; q stops",
                        (b'a' + n as u8 - 1) as char
                    ),
                    Role::Warn,
                )),
            },
        }
    }
}

/// Shows the card's explanation, once the answer is out.
fn explain(console: &Console, item: &StudyItem<'_>) {
    if let Some(explanation) = &item.card.explanation {
        console.line(&console.paint(explanation, Role::Dim));
    }
}

/// On Ctrl-C (SIGINT) while a line is being read: print the summary (every
/// answer is already on disk) and leave with the usual 130.
fn install_interrupt(shared: &Arc<Mutex<Shared>>, decks: &[Deck], today: Day, clock: Stopwatch) {
    let shared = Arc::clone(shared);
    let decks = decks.to_vec();
    let _ = ctrlc::set_handler(move || {
        let _ = crossterm::terminal::disable_raw_mode();
        // Waits for an answer being saved to finish.
        let guard = lock(&shared);
        let console = Console::new();
        console.line("");
        console.line("Stopped; everything answered is saved.");
        print_summary(&console, &guard, &decks, today, clock);
        std::process::exit(130);
    });
}

fn print_summary(console: &Console, shared: &Shared, decks: &[Deck], today: Day, clock: Stopwatch) {
    let t = shared.tally;
    let accuracy = match (t.correct * 100).checked_div(t.reviewed) {
        Some(percent) => format!("{percent}% ({} of {} right)", t.correct, t.reviewed),
        None => "–".to_owned(),
    };
    let secs = clock.elapsed().as_secs();
    let repeats = if t.repeats > 0 {
        format!(", {} repeated", t.repeats)
    } else {
        String::new()
    };
    console.line(&format!(
        "  reviewed  {} ({} new learned{repeats})",
        t.reviewed, t.learned
    ));
    console.line(&format!("  accuracy  {accuracy}"));
    console.line(&format!("  time      {}m {:02}s", secs / 60, secs % 60));
    let streak = shared.profile.progress().streak(today);
    console.line(&format!(
        "  streak    {streak} day{}",
        if streak == 1 { "" } else { "s" }
    ));
    console.line(&format!(
        "  {}",
        forecast_line(shared.profile.progress(), decks, today)
    ));
}

/// "tomorrow 12 due; next 7 days 40 due" over the session's decks.
fn forecast_line(progress: &Progress, decks: &[Deck], today: Day) -> String {
    let tomorrow = today.plus(1);
    let week_end = today.plus(7);
    let (mut first, mut week) = (0, 0);
    for deck in decks {
        let Some(records) = progress.deck(&deck.id) else {
            continue;
        };
        for item in deck.items() {
            let Some(r) = records.get(&item.id()) else {
                continue;
            };
            let due = r.state.due;
            if due <= tomorrow {
                first += 1;
            }
            if due <= week_end {
                week += 1;
            }
        }
    }
    format!("forecast  tomorrow {first} due, next 7 days {week} due")
}

impl StudyMode {
    fn name(self) -> &'static str {
        match self {
            StudyMode::Flip => "flip",
            StudyMode::Typed => "typed",
            StudyMode::Choice => "choice",
        }
    }
}
