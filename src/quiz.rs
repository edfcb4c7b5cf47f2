//! Mock exams: which items an exam asks, as which kinds of question, and the
//! paper version. Pure: the decks, the progress and a seeded rng come in.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::answer::{self, ChoiceQuestion, Timeline};
use crate::model::{CardKind, Deck, ItemId, StudyItem};
use crate::progress::Progress;

/// How an exam asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizMode {
    Typed,
    Choice,
    Timeline,
    Flip,
    /// Typed, choice and timeline questions mixed.
    Mixed,
}

/// Which items an exam draws from.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Items carrying any of these tags (all items when empty).
    pub tags: Vec<String>,
    /// Items of this section (case-insensitive; all when `None`).
    pub section: Option<String>,
    /// The weakest items first: most lapses, lowest easiness, never seen.
    pub weak: bool,
    /// How many questions.
    pub count: usize,
}

/// An item of one of the exam's decks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub deck: usize,
    pub item: ItemId,
}

/// Every item of `decks` that the selection allows.
pub fn pool(decks: &[Deck], selection: &Selection) -> Vec<Pick> {
    let section = selection.section.as_ref().map(|s| s.to_lowercase());
    let mut out = Vec::new();
    for (d, deck) in decks.iter().enumerate() {
        for item in deck.items() {
            let card = item.card;
            if !selection.tags.is_empty() && !card.tags.iter().any(|t| selection.tags.contains(t)) {
                continue;
            }
            if section
                .as_ref()
                .is_some_and(|s| card.section.as_ref().is_none_or(|c| c.to_lowercase() != *s))
            {
                continue;
            }
            out.push(Pick {
                deck: d,
                item: item.id(),
            });
        }
    }
    out
}

/// Picks the exam's items from the pool: the weakest first with
/// `selection.weak`, else at random; then in a shuffled order.
pub fn select(
    decks: &[Deck],
    progress: &Progress,
    selection: &Selection,
    rng: &mut impl rand::Rng,
) -> Vec<Pick> {
    let mut pool = pool(decks, selection);
    pool.shuffle(rng);
    if selection.weak {
        // Sorting a shuffled pool keeps ties in random order.
        pool.sort_by_key(|p| {
            let record = progress.get(&decks[p.deck].id, &p.item);
            let lapses = record.map_or(0, |r| r.state.lapses);
            let easiness = record.map_or(250, |r| r.state.easiness.hundredths());
            (std::cmp::Reverse(lapses), easiness, record.is_some())
        });
    }
    pool.truncate(selection.count);
    pool.shuffle(rng);
    pool
}

/// One question of an exam, ready to ask or print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Type the answer.
    Typed(Pick),
    /// Reveal, then grade yourself.
    Flip(Pick),
    /// Pick one of the options.
    Choice(Pick, ChoiceQuestion),
    /// Put the events of one deck in order.
    Timeline(usize, Timeline),
}

impl Question {
    /// The question's mode name, as `--json` writes it.
    pub fn mode(&self) -> &'static str {
        match self {
            Question::Typed(_) => "typed",
            Question::Flip(_) => "flip",
            Question::Choice(..) => "choice",
            Question::Timeline(..) => "timeline",
        }
    }

    /// The items the question asks about.
    pub fn picks(&self) -> Vec<Pick> {
        match self {
            Question::Typed(p) | Question::Flip(p) | Question::Choice(p, _) => vec![p.clone()],
            Question::Timeline(deck, t) => t
                .events
                .iter()
                .map(|e| Pick {
                    deck: *deck,
                    item: e.item.clone(),
                })
                .collect(),
        }
    }
}

/// Looks an exam item up in its deck.
pub fn item<'d>(decks: &'d [Deck], pick: &Pick) -> Option<StudyItem<'d>> {
    decks.get(pick.deck)?.item(&pick.item)
}

/// How many events a timeline question orders.
pub const TIMELINE_EVENTS: usize = 4;

/// Turns the picked items into questions. Timeline questions take their
/// events from the date items among the picks (several per question), so a
/// timeline exam of N questions needs dated items to draw from; any picks
/// left over become choice questions.
pub fn questions(
    decks: &[Deck],
    picks: &[Pick],
    mode: QuizMode,
    count: usize,
    rng: &mut impl rand::Rng,
) -> Vec<Question> {
    let is_date =
        |p: &Pick| item(decks, p).is_some_and(|i| matches!(i.card.kind, CardKind::Date { .. }));
    let dated: BTreeMap<usize, Vec<ItemId>> =
        picks
            .iter()
            .filter(|p| is_date(p))
            .fold(BTreeMap::new(), |mut m, p| {
                m.entry(p.deck)
                    .or_insert_with(Vec::new)
                    .push(p.item.clone());
                m
            });
    let make_timeline = |rng: &mut dyn FnMut() -> u64| -> Option<Question> {
        let mut seeded = rand::rngs::StdRng::from_seed_u64(rng());
        let mut decks_with_dates: Vec<(&usize, &Vec<ItemId>)> = dated.iter().collect();
        decks_with_dates.shuffle(&mut seeded);
        decks_with_dates.into_iter().find_map(|(&d, ids)| {
            // Draw from the whole deck's dates when the picks alone are too few.
            answer::timeline(&decks[d], Some(ids), TIMELINE_EVENTS, &mut seeded)
                .or_else(|| answer::timeline(&decks[d], None, TIMELINE_EVENTS, &mut seeded))
                .map(|t| Question::Timeline(d, t))
        })
    };
    let mut out = Vec::new();
    let mut next_u64 = || rng.random::<u64>();
    match mode {
        QuizMode::Timeline => {
            for _ in 0..count {
                match make_timeline(&mut next_u64) {
                    Some(q) => out.push(q),
                    None => break,
                }
            }
        }
        _ => {
            let mut used_in_timelines: HashSet<ItemId> = HashSet::new();
            for (i, pick) in picks.iter().enumerate() {
                if out.len() >= count {
                    break;
                }
                if used_in_timelines.contains(&pick.item) {
                    continue;
                }
                let choose = |seed: u64| {
                    let it = item(decks, pick)?;
                    let mut seeded = rand::rngs::StdRng::from_seed_u64(seed);
                    let q = answer::choice_options(&it, &decks[pick.deck], &mut seeded);
                    (q.options.len() >= 2).then(|| Question::Choice(pick.clone(), q))
                };
                let seed = next_u64();
                let q = match mode {
                    QuizMode::Typed => Some(Question::Typed(pick.clone())),
                    QuizMode::Flip => Some(Question::Flip(pick.clone())),
                    QuizMode::Choice => choose(seed).or(Some(Question::Typed(pick.clone()))),
                    _ => {
                        // Mixed: a quarter timelines (around a dated pick), the rest typed or choice.
                        let roll = seed % 4;
                        let timeline = if roll == 0 && is_date(pick) {
                            make_timeline(&mut || seed ^ (i as u64))
                        } else {
                            None
                        };
                        match timeline {
                            Some(Question::Timeline(d, t)) => {
                                used_in_timelines.extend(t.events.iter().map(|e| e.item.clone()));
                                Some(Question::Timeline(d, t))
                            }
                            _ if roll % 2 == 1 => {
                                choose(seed).or(Some(Question::Typed(pick.clone())))
                            }
                            _ => Some(Question::Typed(pick.clone())),
                        }
                    }
                };
                out.extend(q);
            }
        }
    }
    out
}

/// Seeding a fresh rng from a number, so every question draws from its own
/// stream and one question's options never shift another's.
trait FromSeedU64 {
    fn from_seed_u64(seed: u64) -> Self;
}

impl FromSeedU64 for rand::rngs::StdRng {
    fn from_seed_u64(seed: u64) -> Self {
        <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed)
    }
}

/// The right answer of a question, as shown after it or in an answer key.
pub fn right_answer(decks: &[Deck], question: &Question) -> String {
    match question {
        Question::Typed(p) | Question::Flip(p) => item(decks, p)
            .map(|i| i.expected().display())
            .unwrap_or_default(),
        Question::Choice(_, q) => q.options.get(q.correct).cloned().unwrap_or_default(),
        Question::Timeline(_, t) => {
            let mut order: Vec<usize> = (0..t.events.len()).collect();
            order.sort_by_key(|&i| t.events[i].year);
            order
                .iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

/// The prompt of a question, as one line of text.
pub fn prompt(decks: &[Deck], question: &Question) -> String {
    match question {
        Question::Typed(p) | Question::Flip(p) | Question::Choice(p, _) => {
            item(decks, p).map(|i| i.prompt()).unwrap_or_default()
        }
        Question::Timeline(..) => "Put these events in order, earliest first.".to_owned(),
    }
}

/// The options a question shows (choice options, or timeline events).
pub fn options(question: &Question) -> Vec<String> {
    match question {
        Question::Choice(_, q) => q.options.clone(),
        Question::Timeline(_, t) => t.events.iter().map(|e| e.text.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A paper exam in Markdown: numbered questions, lettered options, timeline
/// events to number, and with `answers` a key at the end.
pub fn paper(
    title: &str,
    seed: u64,
    decks: &[Deck],
    questions: &[Question],
    answers: bool,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {title}\n");
    let _ = writeln!(
        md,
        "{} questions. Name: ____________________  Date: ____________\n",
        questions.len()
    );
    for (n, q) in questions.iter().enumerate() {
        let n = n + 1;
        match q {
            Question::Typed(_) | Question::Flip(_) => {
                let _ = writeln!(
                    md,
                    "{n}. {}\n\n   Answer: ______________________________\n",
                    prompt(decks, q)
                );
            }
            Question::Choice(_, c) => {
                let _ = writeln!(md, "{n}. {}\n", prompt(decks, q));
                for (i, option) in c.options.iter().enumerate() {
                    let _ = writeln!(md, "   {}) {option}", (b'a' + i as u8) as char);
                }
                md.push('\n');
            }
            Question::Timeline(_, t) => {
                let _ = writeln!(
                    md,
                    "{n}. {} Number them 1–{}.\n",
                    prompt(decks, q),
                    t.events.len()
                );
                for e in &t.events {
                    let _ = writeln!(md, "   - [ ] {}", e.text);
                }
                md.push('\n');
            }
        }
    }
    if answers {
        let _ = writeln!(md, "## Answer key\n");
        for (n, q) in questions.iter().enumerate() {
            let n = n + 1;
            let key = match q {
                Question::Choice(_, c) => format!(
                    "{}) {}",
                    (b'a' + c.correct as u8) as char,
                    right_answer(decks, q)
                ),
                Question::Timeline(_, t) => {
                    let mut events: Vec<&answer::TimelineEvent> = t.events.iter().collect();
                    events.sort_by_key(|e| e.year);
                    events
                        .iter()
                        .map(|e| format!("{} ({})", e.text, e.when))
                        .collect::<Vec<_>>()
                        .join("; ")
                }
                _ => right_answer(decks, q),
            };
            let _ = writeln!(md, "{n}. {key}");
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "_Printed by recall; the same exam again: `--seed {seed}`._"
    );
    md
}
