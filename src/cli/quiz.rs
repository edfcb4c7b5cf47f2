//! `recall quiz`: mock exams, and paper ones with `--print`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::bail;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;

use recall::answer;
use recall::catalog;
use recall::clock::Stopwatch;
use recall::model::{Deck, Quality};
use recall::progress::{Mode, ReviewEvent};
use recall::quiz::{self, Question, QuizMode, Selection};
use recall::sched::{ReviewKind, Scheduler};
use recall::store::Profile;

use super::args::{QuizArgs, QuizModeArg};
use super::settings::{LOCK_WAIT, Settings};
use super::{warn_all, write_output};

/// What the learner sent: a line, the end of input, Ctrl-C, or nothing
/// before the time limit.
enum Heard {
    Line(String),
    Eof,
    Interrupt,
    TimeUp,
}

/// Lines from stdin on a thread, so that a time limit can end the exam while
/// a question waits; Ctrl-C arrives on the same channel.
struct Listener {
    rx: mpsc::Receiver<Heard>,
    deadline: Option<Instant>,
}

impl Listener {
    fn start(deadline: Option<Instant>) -> Listener {
        let (tx, rx) = mpsc::channel();
        let lines = tx.clone();
        std::thread::spawn(move || {
            for line in io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if lines.send(Heard::Line(line)).is_err() {
                    return;
                }
            }
            let _ = lines.send(Heard::Eof);
        });
        let _ = ctrlc::set_handler(move || {
            let _ = tx.send(Heard::Interrupt);
        });
        Listener { rx, deadline }
    }

    fn next(&self) -> Heard {
        match self.deadline {
            None => self.rx.recv().unwrap_or(Heard::Eof),
            Some(d) => match self
                .rx
                .recv_timeout(d.saturating_duration_since(Instant::now()))
            {
                Ok(heard) => heard,
                Err(mpsc::RecvTimeoutError::Timeout) => Heard::TimeUp,
                Err(mpsc::RecvTimeoutError::Disconnected) => Heard::Eof,
            },
        }
    }
}

/// Where the exam talks: stdout, or stderr when stdout carries the JSON.
struct Talk {
    json: bool,
}

impl Talk {
    fn line(&self, text: &str) {
        if self.json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }
    fn prompt(&self, text: &str) {
        if self.json {
            eprint!("{text}");
            let _ = io::stderr().flush();
        } else {
            print!("{text}");
            let _ = io::stdout().flush();
        }
    }
    /// Echoes piped input so a transcript reads like the exam.
    fn echo(&self, text: &str) {
        if !io::stdin().is_terminal() {
            self.line(text);
        }
    }
}

#[derive(Serialize)]
struct QuizJson {
    seed: u64,
    score: usize,
    total: usize,
    percent: f64,
    seconds: u64,
    questions: Vec<QuestionJson>,
}

#[derive(Serialize, Clone)]
struct QuestionJson {
    item: String,
    mode: &'static str,
    prompt: String,
    options: Vec<String>,
    answer: String,
    given: Option<String>,
    correct: bool,
    grade: Option<u8>,
}

/// How asking one question went.
enum Asked {
    Answered { given: String, grade: Quality },
    Stop(Stop),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Quit,
    Eof,
    Interrupt,
    TimeUp,
}

/// `recall quiz DECK...`
pub fn run(args: &QuizArgs, settings: &Settings, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let library = settings.library();
    let mut decks: Vec<Deck> = Vec::new();
    for name in &args.decks {
        let d = catalog::load(name, &library)?.deck;
        if !decks.iter().any(|x| x.id == d.id) {
            decks.push(d);
        }
    }
    let selection = Selection {
        tags: args.tags.clone(),
        section: args.section.clone(),
        weak: args.weak,
        count: args.count as usize,
    };
    check_selection(&decks, &selection)?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let mode = match args.mode {
        QuizModeArg::Typed => QuizMode::Typed,
        QuizModeArg::Choice => QuizMode::Choice,
        QuizModeArg::Timeline => QuizMode::Timeline,
        QuizModeArg::Flip => QuizMode::Flip,
        QuizModeArg::Mixed => QuizMode::Mixed,
    };

    // The exam is drawn before the profile is opened to write, so that a
    // refused exam leaves no trace; the paper exam is the same draw.
    let picks = {
        let reader = Profile::open_read(&settings.paths, &settings.user)?;
        quiz::select(
            &decks,
            reader.progress(),
            &pick_more(&selection, mode),
            &mut rng,
        )
    };
    let questions = quiz::questions(&decks, &picks, mode, selection.count, &mut rng);
    if questions.is_empty() {
        bail!("{}", nothing_to_ask(mode));
    }

    if args.print {
        let title = decks
            .iter()
            .map(|d| d.title.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        let paper = quiz::paper(&title, seed, &decks, &questions, args.answers);
        write_output(args.output.as_deref(), args.force, paper.as_bytes(), out)?;
        if let Some(path) = &args.output {
            eprintln!(
                "wrote '{}': {} questions{}",
                path.display(),
                questions.len(),
                if args.answers {
                    " and the answer key"
                } else {
                    ""
                }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }

    let mut profile = Profile::open_write(&settings.paths, &settings.user, LOCK_WAIT)?;
    warn_all(profile.take_warnings());
    let talk = Talk { json: args.json };
    let names: Vec<&str> = decks.iter().map(|d| d.id.as_str()).collect();
    talk.line(&format!(
        "Exam: {} questions from {} (seed {seed}{}){}",
        questions.len(),
        names.join(", "),
        args.time_limit
            .map(|m| format!(", {m} minutes"))
            .unwrap_or_default(),
        if args.record {
            "; answers count as reviews"
        } else {
            ""
        }
    ));
    talk.line("Answer each question; q stops.");

    let today = settings.today();
    let clock = Stopwatch::start();
    let deadline = args
        .time_limit
        .map(|m| Instant::now() + Duration::from_secs(u64::from(m) * 60));
    let listener = Listener::start(deadline);
    let mut results: Vec<QuestionJson> = Vec::new();
    let mut sections: Vec<Option<String>> = Vec::new();
    let mut explanations: Vec<Option<String>> = Vec::new();
    let mut stopped = None;
    for (n, question) in questions.iter().enumerate() {
        let picks = question.picks();
        let first = picks.first().and_then(|p| quiz::item(&decks, p));
        let mut record = QuestionJson {
            item: picks
                .iter()
                .map(|p| format!("{}/{}", decks[p.deck].id, p.item))
                .collect::<Vec<_>>()
                .join(","),
            mode: question.mode(),
            prompt: quiz::prompt(&decks, question),
            options: quiz::options(question),
            answer: quiz::right_answer(&decks, question),
            given: None,
            correct: false,
            grade: None,
        };
        sections.push(first.and_then(|i| i.card.section.clone()));
        explanations.push(match question {
            Question::Timeline(_, t) => Some(
                t.events
                    .iter()
                    .map(|e| format!("{} ({})", e.text, e.when))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => first.and_then(|i| i.card.explanation.clone()),
        });
        if stopped.is_none() {
            talk.line("");
            talk.line(&format!("{}/{}. {}", n + 1, questions.len(), record.prompt));
            match ask(&talk, &listener, question, &decks, &record.answer) {
                Asked::Stop(s) => stopped = Some(s),
                Asked::Answered { given, grade } => {
                    record.correct = grade.is_correct();
                    record.grade = Some(grade.value());
                    record.given = Some(given);
                    let mode = match question {
                        Question::Typed(_) => Mode::Typed,
                        Question::Flip(_) => Mode::Flip,
                        Question::Choice(..) => Mode::Choice,
                        Question::Timeline(..) => Mode::Timeline,
                    };
                    for pick in &picks {
                        let deck = &decks[pick.deck].id;
                        let before = profile
                            .progress()
                            .get(deck, &pick.item)
                            .map(|r| r.state.clone());
                        let (kind, after, days_late) = if args.record {
                            let o =
                                settings
                                    .scheduler_for(deck)
                                    .review(before.as_ref(), grade, today);
                            (o.kind, Some(o.after), o.days_late)
                        } else {
                            (ReviewKind::Quiz, before.clone(), 0)
                        };
                        profile.record(&ReviewEvent {
                            ts: settings.now(),
                            day: today,
                            deck: deck.clone(),
                            item: pick.item.clone(),
                            grade,
                            mode,
                            kind,
                            response_ms: None,
                            days_late,
                            before,
                            after,
                        })?;
                    }
                }
            }
        }
        results.push(record);
    }
    if let Some(w) = profile.checkpoint_if_due() {
        eprintln!("warning: {w}");
    }
    let seconds = clock.elapsed().as_secs();
    let score = results.iter().filter(|r| r.correct).count();
    let total = results.len();
    let percent = (score as f64 * 1000.0 / total.max(1) as f64).round() / 10.0;
    match stopped {
        Some(Stop::TimeUp) => {
            talk.line("\nTime is up: the remaining questions count as unanswered.")
        }
        Some(_) => talk.line("\nStopped: the remaining questions count as unanswered."),
        None => {}
    }
    report(
        &talk,
        &results,
        &sections,
        &explanations,
        score,
        percent,
        seconds,
    );
    talk.line(&format!(
        "Sit the same exam again: recall quiz {} --mode {} --count {}{} --seed {seed}",
        args.decks.join(" "),
        mode_name(args.mode),
        args.count,
        args.tags
            .iter()
            .map(|t| format!(" --tag {t}"))
            .collect::<String>()
            + &args
                .section
                .as_ref()
                .map(|s| format!(" --section {s:?}"))
                .unwrap_or_default()
            + if args.weak { " --weak" } else { "" }
    ));
    if args.json {
        let json = QuizJson {
            seed,
            score,
            total,
            percent,
            seconds,
            questions: results,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(if stopped == Some(Stop::Interrupt) {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}

/// How many items to pick for the questions: as many as questions, more
/// when timelines draw several per question.
fn pick_more(selection: &Selection, mode: QuizMode) -> Selection {
    let mut s = selection.clone();
    match mode {
        QuizMode::Timeline => s.count = usize::MAX,
        // A timeline uses up the dated picks it shows.
        QuizMode::Mixed => s.count = s.count.saturating_mul(2),
        _ => {}
    }
    s
}

fn nothing_to_ask(mode: QuizMode) -> String {
    match mode {
        QuizMode::Timeline => "no timeline can be made: the selection needs at least four dated items with different years".to_owned(),
        _ => "no items match the selection; try other --tag or --section values".to_owned(),
    }
}

/// Refuses a selection that matches nothing, naming what exists.
fn check_selection(decks: &[Deck], selection: &Selection) -> anyhow::Result<()> {
    if !quiz::pool(decks, selection).is_empty() {
        return Ok(());
    }
    let all = |f: &dyn Fn(&recall::model::Card) -> Vec<String>| -> Vec<String> {
        let mut v: Vec<String> = decks
            .iter()
            .flat_map(|d| d.cards.iter().flat_map(f))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let tags = all(&|c| c.tags.clone());
    let sections = all(&|c| c.section.iter().cloned().collect());
    let mut message = "no items match the selection".to_owned();
    if !selection.tags.is_empty() {
        message.push_str(&format!("; the tags are: {}", tags.join(", ")));
    }
    if selection.section.is_some() {
        message.push_str(&format!(
            "; the sections are: {}",
            sections
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    bail!(message)
}

fn mode_name(mode: QuizModeArg) -> &'static str {
    match mode {
        QuizModeArg::Typed => "typed",
        QuizModeArg::Choice => "choice",
        QuizModeArg::Timeline => "timeline",
        QuizModeArg::Flip => "flip",
        QuizModeArg::Mixed => "mixed",
    }
}

/// Reads one answer line; `q` stops the exam.
fn hear(talk: &Talk, listener: &Listener, prompt: &str) -> Result<String, Stop> {
    talk.prompt(prompt);
    match listener.next() {
        Heard::Line(l) => {
            talk.echo(&l);
            if l.trim() == "q" {
                Err(Stop::Quit)
            } else {
                Ok(l)
            }
        }
        Heard::Eof => {
            talk.line("");
            Err(Stop::Eof)
        }
        Heard::Interrupt => {
            talk.line("");
            Err(Stop::Interrupt)
        }
        Heard::TimeUp => {
            talk.line("");
            Err(Stop::TimeUp)
        }
    }
}

fn ask(
    talk: &Talk,
    listener: &Listener,
    question: &Question,
    decks: &[Deck],
    right: &str,
) -> Asked {
    let result = (|| -> Result<(String, Quality), Stop> {
        match question {
            Question::Typed(p) => {
                let Some(item) = quiz::item(decks, p) else {
                    return Err(Stop::Quit);
                };
                let asked = Stopwatch::start();
                let given = hear(talk, listener, "answer: ")?;
                let judgement = answer::judge(
                    &item.expected(),
                    &given,
                    asked.elapsed() < Duration::from_secs(8),
                );
                let verdict = match judgement.verdict {
                    answer::Verdict::Correct => "right".to_owned(),
                    answer::Verdict::Typo => format!("right, with a typo ({right})"),
                    _ => format!("wrong — the answer: {right}"),
                };
                talk.line(&verdict);
                Ok((given, judgement.proposed))
            }
            Question::Flip(_) => {
                hear(talk, listener, "(Enter shows the answer) ")?;
                talk.line(&format!("→ {right}"));
                loop {
                    let given = hear(talk, listener, "grade 0–5: ")?;
                    match given
                        .trim()
                        .parse::<u8>()
                        .ok()
                        .and_then(|g| Quality::try_from(g).ok())
                    {
                        Some(q) => return Ok((given, q)),
                        None => talk.line("grade with a number from 0 to 5; q stops"),
                    }
                }
            }
            Question::Choice(_, c) => {
                for (i, option) in c.options.iter().enumerate() {
                    talk.line(&format!("  {}) {option}", i + 1));
                }
                loop {
                    let given = hear(talk, listener, &format!("choice 1–{}: ", c.options.len()))?;
                    match answer::parse_choice(&given, c.options.len()) {
                        Some(i) if i == c.correct => {
                            talk.line("right");
                            return Ok((
                                c.options[i].clone(),
                                Quality::try_from(4u8).unwrap_or(Quality::PERFECT),
                            ));
                        }
                        Some(i) => {
                            talk.line(&format!("wrong — the answer: {right}"));
                            return Ok((
                                c.options[i].clone(),
                                Quality::try_from(1u8).unwrap_or(Quality::BLACKOUT),
                            ));
                        }
                        None => talk.line(&format!(
                            "answer with a number 1–{} or a letter; q stops",
                            c.options.len()
                        )),
                    }
                }
            }
            Question::Timeline(_, t) => {
                for (i, e) in t.events.iter().enumerate() {
                    talk.line(&format!("  {}) {}", i + 1, e.text));
                }
                loop {
                    let given = hear(talk, listener, "order, earliest first (e.g. 3 1 4 2): ")?;
                    match answer::parse_order(&given, t.events.len()) {
                        Some(order) => {
                            let (right_pairs, total) = answer::pairs_in_order(t, &order);
                            let mut sorted: Vec<&answer::TimelineEvent> = t.events.iter().collect();
                            sorted.sort_by_key(|e| e.year);
                            talk.line(&format!(
                                "{right_pairs} of {total} pairs in order; the order: {right}"
                            ));
                            for e in sorted {
                                talk.line(&format!("    {} — {}", e.when, e.text));
                            }
                            return Ok((given, answer::timeline_grade(right_pairs, total)));
                        }
                        None => talk.line(&format!(
                            "give the {} numbers in order, e.g. 3 1 4 2; q stops",
                            t.events.len()
                        )),
                    }
                }
            }
        }
    })();
    match result {
        Ok((given, grade)) => Asked::Answered { given, grade },
        Err(stop) => Asked::Stop(stop),
    }
}

fn report(
    talk: &Talk,
    results: &[QuestionJson],
    sections: &[Option<String>],
    explanations: &[Option<String>],
    score: usize,
    percent: f64,
    seconds: u64,
) {
    talk.line("");
    talk.line(&format!(
        "Score: {score}/{} ({percent}%) in {}m {:02}s",
        results.len(),
        seconds / 60,
        seconds % 60
    ));
    let mut by_section: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (r, s) in results.iter().zip(sections) {
        let entry = by_section
            .entry(s.clone().unwrap_or_else(|| "(no section)".to_owned()))
            .or_default();
        entry.0 += usize::from(r.correct);
        entry.1 += 1;
    }
    if by_section.len() > 1 {
        talk.line("By section:");
        let width = by_section
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        for (section, (right, total)) in &by_section {
            talk.line(&format!("  {section:width$}  {right}/{total}"));
        }
    }
    let mistakes: Vec<(usize, &QuestionJson)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.correct)
        .collect();
    if mistakes.is_empty() {
        talk.line("No mistakes.");
        return;
    }
    talk.line("Mistakes:");
    for (i, r) in mistakes {
        let given = r
            .given
            .as_deref()
            .map_or("(unanswered)".to_owned(), |g| format!("you said {g:?}"));
        talk.line(&format!(
            "  {}. {} — {given}; the answer: {}",
            i + 1,
            r.prompt,
            r.answer
        ));
        if let Some(Some(e)) = explanations.get(i) {
            talk.line(&format!("     {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_ends_a_question_that_waits() {
        let (tx, rx) = mpsc::channel();
        let listener = Listener {
            rx,
            deadline: Some(Instant::now()),
        };
        assert!(matches!(listener.next(), Heard::TimeUp));
        tx.send(Heard::Line("1792".to_owned())).unwrap();
        assert!(matches!(listener.next(), Heard::Line(l) if l == "1792"));
        let open = Listener {
            rx: mpsc::channel().1,
            deadline: None,
        };
        assert!(
            matches!(open.next(), Heard::Eof),
            "a closed channel is the end of input"
        );
    }
}
