//! Learning statistics: the numbers `recall stats` computes from the review
//! log, and the charts it draws from them. Pure: the events, the day, the
//! decks' sizes and the terminal's width come in as arguments; nothing here
//! reads a file or a clock.
//!
//! The numbers are gathered in one pass over the log ([`Collector::add`], one
//! answer at a time, so a history of a million answers is never held in
//! memory), then finished into [`Stats`] once the decks in scope are known.
//!
//! Readings of SPEC §5.0 fixed here:
//! - A *counted review* is an answer of kind `review`; same-day repeats and
//!   quiz answers are not counted, except in the time studied.
//! - Retention classes each counted review by the interval the item had
//!   before it: none (a new item) or under [`MATURE_DAYS`] is young.
//! - Streaks count days up to today; a day after today (a clock set back) is
//!   left out of the streaks and the charts, not out of the item states.
//! - The hardest items are those with at least one lapse or an easiness
//!   below 2.50, lowest easiness first, then most lapses, then by id.
//! - The forecast's first day is today with everything already due
//!   (overdue items and today's same-day repeats included); each later day
//!   counts the items whose due day it is.
//! - Records of items retired from their deck are left out of the counts,
//!   the forecast and the hardest items, but their past answers stay in the
//!   reviews, retention, streaks and time: they were studied.

use std::collections::BTreeMap;

use crossterm::style::{Color, Stylize};
use serde::{Serialize, Serializer};

use crate::model::DeckId;
use crate::progress::{Progress, ReviewEvent};
use crate::sched::{Day, ReviewKind};

/// Items whose interval is at least this many days are mature.
pub const MATURE_DAYS: u32 = 21;
/// The forecast covers today and this many days after it.
pub const FORECAST_DAYS: u16 = 30;
/// At most this many hardest items are listed.
pub const HARDEST_MAX: usize = 10;
/// Items easier than this (in hundredths) only count as hard with a lapse.
pub const HARD_EASINESS: u16 = 250;
/// Weeks shown in the calendar heatmap.
pub const CALENDAR_WEEKS: u16 = 12;

/// A share of correct answers among counted reviews; written in JSON as a
/// number from 0 to 1, or `null` when there are no reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    /// Counted reviews graded 3 or more.
    pub correct: u64,
    /// Counted reviews.
    pub total: u64,
}

impl Share {
    /// The share from 0 to 1, or `None` without reviews.
    pub fn ratio(self) -> Option<f64> {
        (self.total > 0).then(|| self.correct as f64 / self.total as f64)
    }

    /// The share as a whole percentage, rounded to the nearest.
    pub fn percent(self) -> Option<u64> {
        (self.total > 0).then(|| (self.correct * 100 + self.total / 2) / self.total)
    }

    fn add(&mut self, correct: bool) {
        self.total += 1;
        self.correct += u64::from(correct);
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.ratio().serialize(s)
    }
}

/// Retention of young and mature items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// Reviews of items whose interval was under 21 days (new ones included).
    pub young: Share,
    /// Reviews of items whose interval was 21 days or more.
    pub mature: Share,
}

/// Counted reviews on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayReviews {
    /// The study day.
    pub day: Day,
    /// Counted reviews.
    pub reviews: u32,
    /// Those graded 3 or more.
    pub correct: u32,
}

/// Items of the decks in scope, by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Never reviewed (only for decks whose size is known).
    pub new: usize,
    /// Reviewed, fewer than two successful reviews in a row.
    pub learning: usize,
    /// Interval under 21 days.
    pub young: usize,
    /// Interval of 21 days or more.
    pub mature: usize,
}

/// Items due on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayDue {
    /// The day.
    pub day: Day,
    /// Items due that day (on the first day: everything already due).
    pub due: usize,
}

/// One of the hardest items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hard {
    /// The deck id.
    pub deck: String,
    /// The study item id within the deck.
    pub item: String,
    /// The easiness factor, 2 decimals.
    pub easiness: f64,
    /// Counted reviews graded below 3.
    pub lapses: u32,
}

/// Everything `recall stats` shows; serialises to the fields of SPEC §5.0
/// (the user is added by the command).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The study day the numbers are for.
    pub today: Day,
    /// The last `days` days, oldest first, today included, zeros included.
    pub reviews_by_day: Vec<DayReviews>,
    /// Shares of correct counted reviews, young and mature.
    pub retention: Retention,
    /// Days in a row with a counted review, ending today (or yesterday when
    /// today has none yet).
    pub streak: u32,
    /// The longest run of days in a row with a counted review, up to today.
    pub longest_streak: u32,
    /// Items of the decks in scope, by state.
    pub counts: Counts,
    /// Today (everything already due) and each of the next 30 days.
    pub forecast: Vec<DayDue>,
    /// Up to [`HARDEST_MAX`] items, hardest first.
    pub hardest: Vec<Hard>,
    /// Response times of every answer in scope, whole seconds rounded down.
    pub seconds_studied: u64,
    /// Counted reviews from the Monday [`CALENDAR_WEEKS`] weeks back to today.
    #[serde(skip)]
    pub calendar: Vec<DayReviews>,
    /// Answers of every kind in scope: zero for an empty profile.
    #[serde(skip)]
    pub answers: u64,
    /// Answers in scope whose response time is known.
    #[serde(skip)]
    pub timed_answers: u64,
}

/// What the computation needs to know about a deck in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckSize {
    /// The deck's id.
    pub id: DeckId,
    /// Its number of study items, when the deck can be read.
    pub items: Option<usize>,
    /// The learner's exam day for it: items are due by its eve.
    pub exam: Option<Day>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    reviews: u32,
    correct: u32,
}

/// Gathers the numbers from the log's answers, one at a time, oldest first.
#[derive(Debug, Clone)]
pub struct Collector {
    today: Day,
    scope: Option<Vec<DeckId>>,
    days: BTreeMap<Day, Tally>,
    retention: Retention,
    millis: u64,
    answers: u64,
    timed_answers: u64,
    progress: Progress,
}

impl Collector {
    /// A collector for the study day `today`, keeping only the answers of
    /// the decks in `scope` (every deck when `None`).
    pub fn new(today: Day, scope: Option<&[DeckId]>) -> Collector {
        Collector {
            today,
            scope: scope.map(<[DeckId]>::to_vec),
            days: BTreeMap::new(),
            retention: Retention::default(),
            millis: 0,
            answers: 0,
            timed_answers: 0,
            progress: Progress::new(),
        }
    }

    /// Adds one logged answer (ignored when its deck is out of scope).
    pub fn add(&mut self, event: &ReviewEvent) {
        if self
            .scope
            .as_ref()
            .is_some_and(|decks| !decks.contains(&event.deck))
        {
            return;
        }
        self.answers += 1;
        if let Some(ms) = event.response_ms {
            self.millis += u64::from(ms);
            self.timed_answers += 1;
        }
        self.progress.apply(event);
        if event.kind != ReviewKind::Review {
            return;
        }
        let correct = event.grade.is_correct();
        let tally = self.days.entry(event.day).or_default();
        tally.reviews += 1;
        tally.correct += u32::from(correct);
        let mature = event
            .before
            .as_ref()
            .is_some_and(|b| b.interval >= MATURE_DAYS);
        if mature {
            self.retention.mature.add(correct);
        } else {
            self.retention.young.add(correct);
        }
    }

    /// The decks with at least one reviewed item in scope, in id order.
    pub fn decks(&self) -> Vec<DeckId> {
        self.progress.deck_ids().cloned().collect()
    }

    /// Answers of every kind added so far.
    pub fn answers(&self) -> u64 {
        self.answers
    }

    /// The numbers, with `days` days of reviews. `decks` gives the size of
    /// each deck in scope (for the count of new items); `member` tells
    /// whether a reviewed item (deck, item id) is still in its deck.
    pub fn finish(
        self,
        days: u32,
        decks: &[DeckSize],
        member: impl Fn(&DeckId, &str) -> bool,
    ) -> Stats {
        let today = self.today;
        let tally_of = |day: Day| {
            let t = self.days.get(&day).copied().unwrap_or_default();
            DayReviews {
                day,
                reviews: t.reviews,
                correct: t.correct,
            }
        };
        let reviews_by_day = (0..i64::from(days))
            .rev()
            .map(|back| tally_of(today.plus(-back)))
            .collect();
        let start = calendar_start(today);
        let calendar = (0..=today.since(start))
            .map(|d| tally_of(start.plus(i64::from(d))))
            .collect();
        let (streak, longest_streak) = streaks(&self.days, today);

        let mut counts = Counts::default();
        let mut forecast: Vec<DayDue> = (0..=i64::from(FORECAST_DAYS))
            .map(|d| DayDue {
                day: today.plus(d),
                due: 0,
            })
            .collect();
        let mut seen: BTreeMap<&DeckId, usize> = BTreeMap::new();
        let mut hard: Vec<(u16, u32, String, String)> = Vec::new();
        for (deck, item, record) in self.progress.iter() {
            let item = item.to_string();
            if !member(deck, &item) {
                continue;
            }
            *seen.entry(deck).or_default() += 1;
            let s = &record.state;
            if s.repetitions < 2 {
                counts.learning += 1;
            } else if s.interval < MATURE_DAYS {
                counts.young += 1;
            } else {
                counts.mature += 1;
            }
            let exam = decks.iter().find(|d| &d.id == deck).and_then(|d| d.exam);
            let due = crate::session::effective_due(s, today, exam);
            let slot = if record.repeats_today(today) || due <= today {
                Some(0)
            } else {
                usize::try_from(due.since(today)).ok()
            };
            if let Some(f) = slot.and_then(|i| forecast.get_mut(i)) {
                f.due += 1;
            }
            if s.lapses > 0 || s.easiness.hundredths() < HARD_EASINESS {
                hard.push((s.easiness.hundredths(), s.lapses, deck.to_string(), item));
            }
        }
        counts.new = decks
            .iter()
            .filter_map(|d| {
                let items = d.items?;
                Some(items.saturating_sub(seen.get(&d.id).copied().unwrap_or(0)))
            })
            .sum();
        hard.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then_with(|| a.2.cmp(&b.2))
                .then_with(|| a.3.cmp(&b.3))
        });
        let hardest = hard
            .into_iter()
            .take(HARDEST_MAX)
            .map(|(ef, lapses, deck, item)| Hard {
                deck,
                item,
                easiness: f64::from(ef) / 100.0,
                lapses,
            })
            .collect();
        Stats {
            today,
            reviews_by_day,
            retention: self.retention,
            streak,
            longest_streak,
            counts,
            forecast,
            hardest,
            seconds_studied: self.millis / 1000,
            calendar,
            answers: self.answers,
            timed_answers: self.timed_answers,
        }
    }
}

/// The Monday that starts the calendar: [`CALENDAR_WEEKS`] weeks ending
/// with the week of `today`.
fn calendar_start(today: Day) -> Day {
    let weekday = today.date().weekday().to_monday_zero_offset();
    today.plus(-i64::from(weekday) - 7 * (i64::from(CALENDAR_WEEKS) - 1))
}

/// The current and the longest run of days with a counted review, up to
/// today. The current run ends today, or yesterday when today has none yet.
fn streaks(days: &BTreeMap<Day, Tally>, today: Day) -> (u32, u32) {
    let studied = |d: Day| days.get(&d).is_some_and(|t| t.reviews > 0);
    let mut day = if studied(today) {
        today
    } else {
        today.plus(-1)
    };
    let mut current = 0;
    while studied(day) {
        current += 1;
        day = day.plus(-1);
    }
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<Day> = None;
    for (&d, t) in days.range(..=today) {
        if t.reviews == 0 {
            continue;
        }
        run = match previous {
            Some(p) if d.since(p) == 1 => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(d);
    }
    (current, longest)
}

/// How to draw the statistics.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The learner, for the title.
    pub user: &'a str,
    /// Columns available; no line is wider (charts shrink, labels shorten).
    pub width: usize,
    /// ANSI colours (only for a terminal that allows them).
    pub color: bool,
}

/// The narrowest layout drawn (the calendar needs 29 columns); a narrower
/// terminal gets this layout.
const MIN_WIDTH: usize = 30;
/// Rows of the column charts.
const CHART_HEIGHT: usize = 6;
/// Column glyphs by eighths of a cell, bottom up.
const EIGHTHS_UP: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Bar glyphs by eighths of a cell, left to right.
const EIGHTHS_RIGHT: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// Calendar cells: no review, then the four quartiles of the busy days.
const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];
/// 256-colour greens for the calendar's quartiles.
const GREENS: [u8; 4] = [22, 28, 34, 40];

/// The sentence printed for an empty profile.
pub const EMPTY: &str = "No reviews yet — run `recall` to start today's session.";

struct Painter {
    color: bool,
}

impl Painter {
    fn heading(&self, text: &str) -> String {
        if self.color {
            text.bold().to_string()
        } else {
            text.to_owned()
        }
    }

    fn fg(&self, text: &str, color: Color) -> String {
        if self.color && !text.trim().is_empty() {
            text.with(color).to_string()
        } else {
            text.to_owned()
        }
    }
}

/// The statistics as text for a terminal (or a pipe, without colour): one
/// section per heading, every line at most `view.width` characters wide.
pub fn render(stats: &Stats, view: &View) -> String {
    let width = view.width.max(MIN_WIDTH);
    let paint = Painter { color: view.color };
    if stats.answers == 0 {
        let mut out = wrap(EMPTY, view.width.max(1)).join("\n");
        out.push('\n');
        return out;
    }
    let mut lines: Vec<String> = Vec::new();
    let title = fit(
        &format!("Statistics for {} on {}", view.user, stats.today),
        width,
    );
    lines.push(paint.heading(&title));

    // Reviews per day.
    lines.push(String::new());
    let days = stats.reviews_by_day.len();
    lines.push(paint.heading(&fit(&format!("Reviews per day (last {days} days)"), width)));
    let values: Vec<u32> = stats.reviews_by_day.iter().map(|d| d.reviews).collect();
    if values.iter().all(|&v| v == 0) {
        lines.push(fit(&format!("  none in the last {days} days"), width));
    } else {
        let first = stats.reviews_by_day.first().map(|d| d.day);
        let last = stats.reviews_by_day.last().map(|d| d.day);
        let (chart, per_column) = column_chart(
            &values,
            width - 2,
            (
                first.map(short_date).unwrap_or_default(),
                last.map(short_date).unwrap_or_default(),
            ),
            &paint,
        );
        lines.extend(chart.into_iter().map(|l| format!("  {l}")));
        let total: u32 = values.iter().sum();
        let correct: u32 = stats.reviews_by_day.iter().map(|d| d.correct).sum();
        let mut note = format!("  {total} reviews, {correct} correct");
        if per_column > 1 {
            note.push_str(&format!("; {per_column} days a column"));
        }
        lines.push(fit(&note, width));
    }

    // Calendar.
    lines.push(String::new());
    lines.push(paint.heading(&fit(
        &format!("Calendar (last {CALENDAR_WEEKS} weeks)"),
        width,
    )));
    lines.extend(
        heatmap(&stats.calendar, stats.today, &paint)
            .into_iter()
            .map(|l| format!("  {l}")),
    );

    // Retention.
    lines.push(String::new());
    lines.push(paint.heading("Retention"));
    for (name, share) in [
        ("young", stats.retention.young),
        ("mature", stats.retention.mature),
    ] {
        let line = match share.percent() {
            Some(p) => format!(
                "  {name:<7} {p:>3}%  {} of {} correct",
                share.correct, share.total
            ),
            None => format!("  {name:<7}    -  no reviews yet"),
        };
        lines.push(fit(&line, width));
    }

    // Streak.
    lines.push(String::new());
    lines.push(paint.heading("Streak"));
    let studied_today = stats.reviews_by_day.last().is_some_and(|d| d.reviews > 0);
    let keep = if stats.streak > 0 && !studied_today {
        " (review today to keep it)"
    } else {
        ""
    };
    lines.push(fit(
        &format!("  current  {}{keep}", plural(stats.streak, "day")),
        width,
    ));
    lines.push(fit(
        &format!("  longest  {}", plural(stats.longest_streak, "day")),
        width,
    ));

    // Items by state.
    lines.push(String::new());
    lines.push(paint.heading("Items by state"));
    let c = &stats.counts;
    lines.extend(bar_chart(
        &[
            ("new", c.new),
            ("learning", c.learning),
            ("young", c.young),
            ("mature", c.mature),
        ],
        width,
        &paint,
    ));

    // Forecast.
    lines.push(String::new());
    lines.push(paint.heading("Due forecast"));
    let due = |range: std::ops::RangeInclusive<usize>| -> usize {
        stats
            .forecast
            .get(range)
            .map_or(0, |f| f.iter().map(|d| d.due).sum())
    };
    let rows = [
        ("due today", due(0..=0)),
        ("next 7 days", due(1..=7)),
        ("next 30 days", due(1..=usize::from(FORECAST_DAYS))),
    ];
    let nw = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    for (name, n) in rows {
        lines.push(fit(&format!("  {name:<12} {n:>nw$}"), width));
    }
    let values: Vec<u32> = stats
        .forecast
        .iter()
        .map(|d| u32::try_from(d.due).unwrap_or(u32::MAX))
        .collect();
    if values.iter().any(|&v| v > 0) {
        let last = stats.forecast.last().map(|d| short_date(d.day));
        let (chart, _) = column_chart(
            &values,
            width - 2,
            ("today".to_owned(), last.unwrap_or_default()),
            &paint,
        );
        lines.extend(chart.into_iter().map(|l| format!("  {l}")));
    }

    // Hardest items.
    lines.push(String::new());
    lines.push(paint.heading("Hardest items"));
    if stats.hardest.is_empty() {
        lines.push(fit("  none: no lapses, every EF 2.50+", width));
    } else {
        let one_deck = stats
            .hardest
            .iter()
            .all(|h| h.deck == stats.hardest[0].deck);
        let header = if one_deck {
            format!("  EF    lapses  item ({})", stats.hardest[0].deck)
        } else {
            "  EF    lapses  item".to_owned()
        };
        lines.push(fit(&header, width));
        for h in &stats.hardest {
            let name = if one_deck {
                h.item.clone()
            } else {
                format!("{}/{}", h.deck, h.item)
            };
            lines.push(fit(
                &format!("  {:.2}  {:>6}  {name}", h.easiness, h.lapses),
                width,
            ));
        }
    }

    // Time.
    lines.push(String::new());
    lines.push(paint.heading("Time studied"));
    let time = if stats.timed_answers == 0 {
        "  not measured (no timed answers yet)".to_owned()
    } else {
        format!("  {}", duration(stats.seconds_studied))
    };
    lines.push(fit(&time, width));

    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A vertical bar chart of `values` in at most `width` columns, with the
/// first and last labels under it. Values are summed into columns of
/// several days (counted from the last one) when there are more values than
/// columns; returns the lines and the number of values per column.
fn column_chart(
    values: &[u32],
    width: usize,
    labels: (String, String),
    paint: &Painter,
) -> (Vec<String>, usize) {
    let bucket = |k: usize| -> Vec<u64> {
        let mut cols: Vec<u64> = values
            .rchunks(k)
            .map(|c| c.iter().map(|&v| u64::from(v)).sum())
            .collect();
        cols.reverse();
        cols
    };
    let mut per_column = 1;
    let (cols, label_width, avail) = loop {
        let cols = bucket(per_column);
        let max = cols.iter().copied().max().unwrap_or(0);
        let label_width = max.to_string().len();
        let avail = width.saturating_sub(label_width + 2).max(1);
        if cols.len() <= avail {
            break (cols, label_width, avail);
        }
        per_column = values.len().div_ceil(avail).max(per_column + 1);
    };
    let max = cols.iter().copied().max().unwrap_or(0).max(1);
    let slot = (avail / cols.len().max(1)).clamp(1, 3);
    let bar = if slot > 1 { slot - 1 } else { 1 };
    let body = (cols.len() * slot).saturating_sub(slot - bar);
    let height = CHART_HEIGHT as u64;
    let eighths: Vec<u64> = cols
        .iter()
        .map(|&v| {
            if v == 0 {
                0
            } else {
                (v * height * 8).div_ceil(max).max(1)
            }
        })
        .collect();
    let mut lines = Vec::new();
    for row in (0..height).rev() {
        let label = if row == height - 1 {
            max.to_string()
        } else {
            String::new()
        };
        let mut cells = String::new();
        for (i, &e) in eighths.iter().enumerate() {
            let fill = e.saturating_sub(row * 8).min(8) as usize;
            cells.extend(std::iter::repeat_n(EIGHTHS_UP[fill], bar));
            if i + 1 < eighths.len() {
                cells.extend(std::iter::repeat_n(' ', slot - bar));
            }
        }
        let cells = cells.trim_end();
        lines.push(format!(
            "{label:>label_width$} │{}",
            paint.fg(cells, Color::Green)
        ));
    }
    lines.push(format!("{:>label_width$} └{}", 0, "─".repeat(body)));
    let (first, last) = labels;
    let (a, b) = (first.chars().count(), last.chars().count());
    let pad = " ".repeat(label_width + 2);
    if a + b == 0 {
        // No labels asked for.
    } else if body >= a + 1 + b {
        lines.push(format!("{pad}{first}{}{last}", " ".repeat(body - a - b)));
    } else if body >= b {
        lines.push(format!("{pad}{last:>body$}"));
    }
    (lines, per_column)
}

/// Horizontal bars, one per named count, scaled to the largest.
fn bar_chart(rows: &[(&str, usize)], width: usize, paint: &Painter) -> Vec<String> {
    let name_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let count_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let avail = width.saturating_sub(2 + name_width + 1 + count_width + 1);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    rows.iter()
        .map(|&(name, n)| {
            let eighths = if n == 0 {
                0
            } else {
                (n * avail * 8 / max).max(1)
            };
            let mut bar: String = std::iter::repeat_n('█', eighths / 8).collect();
            if eighths % 8 > 0 {
                bar.push(EIGHTHS_RIGHT[eighths % 8]);
            }
            let line = format!("  {name:<name_width$} {n:>count_width$}");
            if bar.is_empty() {
                fit(&line, width)
            } else {
                format!("{} {}", fit(&line, width), paint.fg(&bar, Color::Green))
            }
        })
        .collect()
}

/// The calendar heatmap: one row per weekday (Monday first), one column per
/// week, each day shaded by the quartile of its reviews among the days with
/// reviews. Days after today are blank.
fn heatmap(calendar: &[DayReviews], today: Day, paint: &Painter) -> Vec<String> {
    let Some(start) = calendar.first().map(|d| d.day) else {
        return Vec::new();
    };
    let mut busy: Vec<u32> = calendar
        .iter()
        .map(|d| d.reviews)
        .filter(|&r| r > 0)
        .collect();
    busy.sort_unstable();
    let level = |reviews: u32| -> usize {
        if reviews == 0 || busy.is_empty() {
            return 0;
        }
        let at_most = busy.partition_point(|&b| b <= reviews);
        (4 * at_most).div_ceil(busy.len()).clamp(1, 4)
    };
    let weeks = usize::from(CALENDAR_WEEKS);
    let mut lines = Vec::new();
    // Month names over the first week of each month, where they fit.
    let mut header = String::from("    ");
    let mut previous_month = None;
    for w in 0..weeks {
        let monday = start.plus(7 * w as i64).date();
        let month = monday.month();
        let column = 4 + 2 * w;
        if previous_month != Some(month) && header.chars().count() <= column {
            let pad = column - header.chars().count();
            header.extend(std::iter::repeat_n(' ', pad));
            header.push_str(&monday.strftime("%b").to_string());
        }
        previous_month = Some(month);
    }
    // The row is as wide as the weeks: a name that would stick out goes.
    let row_width = 4 + 2 * weeks - 1;
    let header: String = header.chars().take(row_width).collect();
    lines.push(header.trim_end().to_owned());
    for weekday in 0..7 {
        let day = start.plus(weekday);
        let mut row = day.date().strftime("%a ").to_string();
        for w in 0..weeks {
            let d = day.plus(7 * w as i64);
            if w > 0 {
                row.push(' ');
            }
            if d > today {
                row.push(' ');
                continue;
            }
            let index = usize::try_from(d.since(start)).unwrap_or(usize::MAX);
            let reviews = calendar.get(index).map_or(0, |c| c.reviews);
            let l = level(reviews);
            let glyph = SHADES[l].to_string();
            row.push_str(&if l == 0 {
                paint.fg(&glyph, Color::DarkGrey)
            } else {
                paint.fg(&glyph, Color::AnsiValue(GREENS[l - 1]))
            });
        }
        lines.push(row.trim_end().to_owned());
    }
    let mut legend = String::from("    less ");
    for (l, glyph) in SHADES.iter().enumerate() {
        let g = glyph.to_string();
        legend.push_str(&if l == 0 {
            paint.fg(&g, Color::DarkGrey)
        } else {
            paint.fg(&g, Color::AnsiValue(GREENS[l - 1]))
        });
        legend.push(' ');
    }
    legend.push_str("more");
    lines.push(legend);
    lines
}

/// "Mar 14".
fn short_date(day: Day) -> String {
    let date = day.date();
    format!("{} {}", date.strftime("%b"), date.day())
}

/// "1 day", "5 days".
fn plural(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("{n} {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A duration in whole seconds, as "2h 05m", "12m 30s" or "45s".
pub fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `text` cut to `width` characters, with an ellipsis when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text` broken into lines of at most `width` characters, at spaces
/// where it can be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let (l, w) = (line.chars().count(), word.chars().count());
        if l > 0 && l + 1 + w > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::model::{ItemId, Quality};
    use crate::progress::Mode;
    use crate::sched::{Easiness, Scheduler, Sm2, Sm2State};

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn deck(id: &str) -> DeckId {
        DeckId::new(id).unwrap()
    }

    /// A history written answer by answer through the real scheduler.
    #[derive(Default)]
    struct Script {
        states: HashMap<(String, String), Sm2State>,
        events: Vec<ReviewEvent>,
    }

    impl Script {
        fn answer(&mut self, deck_id: &str, item: &str, grade: u8, on: &str, ms: Option<u32>) {
            let key = (deck_id.to_owned(), item.to_owned());
            let before = self.states.get(&key).cloned();
            let q = Quality::try_from(grade).unwrap();
            let out = Sm2::default().review(before.as_ref(), q, day(on));
            self.states.insert(key, out.after.clone());
            self.events.push(ReviewEvent {
                ts: "2026-01-01T12:00:00Z".parse().unwrap(),
                day: day(on),
                deck: deck(deck_id),
                item: ItemId::parse(item).unwrap(),
                grade: q,
                mode: Mode::Flip,
                kind: out.kind,
                response_ms: ms,
                days_late: out.days_late,
                before,
                after: Some(out.after),
            });
        }

        fn quiz(&mut self, deck_id: &str, item: &str, grade: u8, on: &str, ms: u32) {
            self.events.push(ReviewEvent {
                ts: "2026-01-01T12:00:00Z".parse().unwrap(),
                day: day(on),
                deck: deck(deck_id),
                item: ItemId::parse(item).unwrap(),
                grade: Quality::try_from(grade).unwrap(),
                mode: Mode::Choice,
                kind: ReviewKind::Quiz,
                response_ms: Some(ms),
                days_late: 0,
                before: None,
                after: None,
            });
        }
    }

    /// The scripted history of the tests, with the states SM-2 gives
    /// written beside each answer.
    fn script() -> Script {
        let mut s = Script::default();
        s.answer("d1", "a", 5, "2026-03-01", Some(2000)); // n1 iv1 EF2.60
        s.answer("d1", "b", 3, "2026-03-01", None); // n1 iv1 EF2.36
        s.answer("d1", "a", 5, "2026-03-02", None); // n2 iv6 EF2.70
        s.answer("d1", "b", 1, "2026-03-02", None); // lapse: n0 iv1 EF2.36
        s.answer("d1", "a", 5, "2026-03-03", None); // n3 iv17 EF2.80
        s.answer("d1", "a", 5, "2026-03-04", None); // n4 iv48 EF2.90
        s.answer("d1", "a", 2, "2026-03-05", None); // mature lapse: n0 iv1 EF2.90
        s.answer("d1", "a", 4, "2026-03-05", Some(1500)); // same-day repeat
        s.answer("d1", "a", 4, "2026-03-06", None); // n1 iv1, due 03-07
        s.answer("d1", "b", 4, "2026-03-10", None); // n1 iv1
        s.quiz("d1", "c", 5, "2026-03-11", 4000);
        s.answer("d2", "x", 5, "2026-03-11", Some(100_000)); // another deck
        s.answer("d1", "b", 5, "2026-03-12", Some(3700)); // n2 iv6 EF2.46, due 03-18
        s.answer("d1", "b", 5, "2026-03-12", Some(500)); // same-day repeat
        s
    }

    fn stats_of(s: &Script, scope: Option<&[DeckId]>, today: &str, days: u32) -> Stats {
        let mut c = Collector::new(day(today), scope);
        for e in &s.events {
            c.add(e);
        }
        let sizes = [
            DeckSize {
                id: deck("d1"),
                items: Some(5),
                exam: None,
            },
            DeckSize {
                id: deck("d2"),
                items: None,
                exam: None,
            },
        ];
        c.finish(days, &sizes, |_, _| true)
    }

    fn d1_stats() -> Stats {
        stats_of(&script(), Some(&[deck("d1")]), "2026-03-12", 14)
    }

    #[test]
    fn reviews_by_day_are_zero_filled_oldest_first() {
        let got: Vec<(String, u32, u32)> = d1_stats()
            .reviews_by_day
            .iter()
            .map(|d| (d.day.to_string(), d.reviews, d.correct))
            .collect();
        let want = [
            ("2026-02-27", 0, 0),
            ("2026-02-28", 0, 0),
            ("2026-03-01", 2, 2),
            ("2026-03-02", 2, 1),
            ("2026-03-03", 1, 1),
            ("2026-03-04", 1, 1),
            ("2026-03-05", 1, 0), // the repeat that day is not counted
            ("2026-03-06", 1, 1),
            ("2026-03-07", 0, 0),
            ("2026-03-08", 0, 0),
            ("2026-03-09", 0, 0),
            ("2026-03-10", 1, 1),
            ("2026-03-11", 0, 0), // only a quiz and another deck's review
            ("2026-03-12", 1, 1),
        ];
        let want: Vec<(String, u32, u32)> =
            want.iter().map(|&(d, r, c)| (d.to_owned(), r, c)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_scripted_history_adds_up_to_hand_counted_numbers() {
        let s = d1_stats();
        assert_eq!(s.today, day("2026-03-12"));
        // Young: a ×5 correct (before: none, 1, 6, 17, 1), b 3 correct of 4.
        assert_eq!(
            s.retention.young,
            Share {
                correct: 8,
                total: 9
            }
        );
        // Mature: a's lapse on 03-05, when its interval was 48 days.
        assert_eq!(
            s.retention.mature,
            Share {
                correct: 0,
                total: 1
            }
        );
        assert_eq!(s.streak, 1);
        assert_eq!(s.longest_streak, 6); // 03-01 to 03-06
        // a: n1 → learning; b: n2 iv6 → young; c (quiz only) and two
        // unseen items are new.
        assert_eq!(
            s.counts,
            Counts {
                new: 3,
                learning: 1,
                young: 1,
                mature: 0
            }
        );
        assert_eq!(s.forecast.len(), 31);
        assert_eq!(s.forecast[0].day, day("2026-03-12"));
        assert_eq!(s.forecast[30].day, day("2026-04-11"));
        let due: Vec<(usize, usize)> = s
            .forecast
            .iter()
            .enumerate()
            .filter(|(_, d)| d.due > 0)
            .map(|(i, d)| (i, d.due))
            .collect();
        // a was due 03-07 (overdue, so today); b is due 03-18.
        assert_eq!(due, [(0, 1), (6, 1)]);
        let hardest: Vec<(&str, f64, u32)> = s
            .hardest
            .iter()
            .map(|h| (h.item.as_str(), h.easiness, h.lapses))
            .collect();
        assert_eq!(hardest, [("b", 2.46, 1), ("a", 2.90, 1)]);
        assert!(s.hardest.iter().all(|h| h.deck == "d1"));
        // 2000 + 1500 + 4000 + 3700 + 500 ms: every kind, d2's left out.
        assert_eq!(s.seconds_studied, 11);
        assert_eq!(s.answers, 13);
        assert_eq!(s.timed_answers, 5);
    }

    #[test]
    fn without_a_scope_every_deck_counts() {
        let s = stats_of(&script(), None, "2026-03-12", 14);
        let d11 = s.reviews_by_day.iter().find(|d| d.day == day("2026-03-11"));
        assert_eq!(d11.map(|d| (d.reviews, d.correct)), Some((1, 1)));
        assert_eq!(s.streak, 3); // 03-10, 03-11, 03-12
        assert_eq!(s.seconds_studied, 111);
        // x is learning; d2's size is unknown, so it adds no new items.
        assert_eq!(s.counts.learning, 2);
        assert_eq!(s.counts.new, 3);
    }

    #[test]
    fn json_has_the_contract_fields() {
        let v = serde_json::to_value(d1_stats()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = [
            "today",
            "reviews_by_day",
            "retention",
            "streak",
            "longest_streak",
            "counts",
            "forecast",
            "hardest",
            "seconds_studied",
        ];
        want.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, want);
        assert_eq!(v["retention"]["mature"], 0.0);
        assert_eq!(v["retention"]["young"], 8.0 / 9.0);
        assert_eq!(v["reviews_by_day"][2]["day"], "2026-03-01");
        assert_eq!(
            v["hardest"][0],
            serde_json::json!({"deck": "d1", "item": "b", "easiness": 2.46, "lapses": 1})
        );
        let empty = Collector::new(day("2026-03-12"), None).finish(3, &[], |_, _| true);
        let v = serde_json::to_value(&empty).unwrap();
        assert_eq!(v["retention"]["young"], serde_json::Value::Null);
        assert_eq!(v["reviews_by_day"].as_array().unwrap().len(), 3);
        assert_eq!(v["hardest"], serde_json::json!([]));
        assert_eq!(v["streak"], 0);
    }

    /// A counted review of an item whose interval was `before_iv` days.
    fn review_with_interval(
        item: &str,
        before_iv: Option<u32>,
        grade: u8,
        on: &str,
    ) -> ReviewEvent {
        let state = |iv: u32| Sm2State {
            repetitions: 3,
            easiness: Easiness::INITIAL,
            interval: iv,
            due: day(on),
            last_review: day(on).plus(-i64::from(iv)),
            lapses: 0,
            repeat_pending: false,
        };
        ReviewEvent {
            ts: "2026-01-01T12:00:00Z".parse().unwrap(),
            day: day(on),
            deck: deck("d"),
            item: ItemId::parse(item).unwrap(),
            grade: Quality::try_from(grade).unwrap(),
            mode: Mode::Script,
            kind: ReviewKind::Review,
            response_ms: None,
            days_late: 0,
            before: before_iv.map(state),
            after: Some(state(before_iv.unwrap_or(1))),
        }
    }

    #[test]
    fn retention_classes_each_review_by_the_interval_before_it() {
        let mut c = Collector::new(day("2026-03-12"), None);
        for (before, grade) in [
            (None, 5),      // new: young, correct
            (Some(20), 2),  // young, wrong
            (Some(20), 3),  // young, correct
            (Some(21), 3),  // mature, correct
            (Some(21), 4),  // mature, correct
            (Some(300), 0), // mature, wrong
        ] {
            c.add(&review_with_interval("a", before, grade, "2026-03-12"));
        }
        let s = c.finish(1, &[], |_, _| true);
        assert_eq!(
            s.retention,
            Retention {
                young: Share {
                    correct: 2,
                    total: 3
                },
                mature: Share {
                    correct: 2,
                    total: 3
                }
            }
        );
        assert_eq!(s.retention.young.percent(), Some(67));
        assert_eq!(Share::default().ratio(), None);
        assert_eq!(s.reviews_by_day[0].reviews, 6);
        assert_eq!(s.reviews_by_day[0].correct, 4);
    }

    #[test]
    fn streaks_run_across_gaps() {
        let mut days = BTreeMap::new();
        for d in [1, 2, 3, 4, 5, 7, 8, 10, 11, 30] {
            days.insert(
                day("2026-03-01").plus(d - 1),
                Tally {
                    reviews: 1,
                    correct: 1,
                },
            );
        }
        let on = |n: i64| day("2026-03-01").plus(n - 1);
        // Not studied yet on the 12th: the run ending yesterday still counts.
        assert_eq!(streaks(&days, on(12)), (2, 5));
        assert_eq!(streaks(&days, on(11)), (2, 5));
        assert_eq!(streaks(&days, on(13)), (0, 5));
        assert_eq!(streaks(&days, on(8)), (2, 5));
        assert_eq!(streaks(&days, on(6)), (5, 5));
        assert_eq!(streaks(&days, on(3)), (3, 3)); // later days do not count yet
        assert_eq!(streaks(&BTreeMap::new(), on(3)), (0, 0));
    }

    #[test]
    fn hardest_items_lowest_easiness_first_then_most_lapses() {
        let mut c = Collector::new(day("2026-03-12"), None);
        let items = [
            ("e250-l0", 250, 0), // not hard: left out
            ("e260-l2", 260, 2),
            ("e130-l0", 130, 0),
            ("e130-l3", 130, 3),
            ("e200-l1", 200, 1),
            ("e200-l4", 200, 4),
            ("e249-l0", 249, 0),
            ("e300-l1", 300, 1),
            ("e150-l0", 150, 0),
            ("e170-l2", 170, 2),
            ("e180-l1", 180, 1),
            ("e240-l0", 240, 0),
            ("e140-l9", 140, 9),
        ];
        for (item, ef, lapses) in items {
            let mut e = review_with_interval(item, Some(3), 4, "2026-03-12");
            if let Some(after) = e.after.as_mut() {
                after.easiness = Easiness::from_hundredths(ef);
                after.lapses = lapses;
            }
            c.add(&e);
        }
        let s = c.finish(1, &[], |_, _| true);
        let got: Vec<&str> = s.hardest.iter().map(|h| h.item.as_str()).collect();
        assert_eq!(
            got,
            [
                "e130-l3", "e130-l0", "e140-l9", "e150-l0", "e170-l2", "e180-l1", "e200-l4",
                "e200-l1", "e240-l0", "e249-l0"
            ]
        );
        assert_eq!(s.hardest[0].easiness, 1.3);
        assert_eq!(s.hardest[0].lapses, 3);
    }

    #[test]
    fn retired_items_leave_the_counts_but_not_the_history() {
        let mut c = Collector::new(day("2026-03-12"), None);
        let s = script();
        for e in &s.events {
            c.add(e);
        }
        let sizes = [DeckSize {
            id: deck("d1"),
            items: Some(4),
            exam: None,
        }];
        let stats = c.finish(14, &sizes, |_, item| item != "a");
        assert_eq!(stats.counts.learning, 1); // x only
        assert_eq!(stats.counts.young, 1); // b
        assert_eq!(stats.counts.new, 3); // 4 items, b reviewed
        assert_eq!(stats.forecast[0].due, 1); // x, not a (overdue but retired)
        assert_eq!(stats.hardest.len(), 1);
        assert_eq!(stats.retention.mature.total, 1); // a's answers stay
    }

    fn lines_fit(text: &str, width: usize) {
        for line in text.lines() {
            let plain = strip_escapes(line);
            assert!(
                plain.chars().count() <= width,
                "wider than {width}: {plain:?}"
            );
        }
    }

    fn strip_escapes(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    const HEADINGS: [&str; 8] = [
        "Reviews per day (last 14 days)",
        "Calendar (last 12 weeks)",
        "Retention",
        "Streak",
        "Items by state",
        "Due forecast",
        "Hardest items",
        "Time studied",
    ];

    #[test]
    fn rendering_fits_40_and_120_columns_without_colour_codes() {
        let stats = d1_stats();
        for width in [40, 120] {
            let view = View {
                user: "a-learner-with-a-rather-long-name-indeed",
                width,
                color: false,
            };
            let text = render(&stats, &view);
            lines_fit(&text, width);
            assert!(!text.contains('\x1b'), "{text}");
            for heading in HEADINGS {
                assert!(text.lines().any(|l| l == heading), "{heading}:\n{text}");
            }
            assert!(text.contains("young    89%  8 of 9 correct"), "{text}");
            assert!(text.contains("mature    0%  0 of 1 correct"), "{text}");
            assert!(text.contains("current  1 day\n"), "{text}");
            assert!(text.contains("longest  6 days"), "{text}");
            assert!(text.contains("\n  11s\n"), "{text}");
            assert!(text.contains("  2.46       1  b\n"), "{text}");
        }
        // Colour only changes the codes, never the width.
        for width in [40, 120] {
            let view = View {
                user: "me",
                width,
                color: true,
            };
            let text = render(&stats, &view);
            assert!(text.contains('\x1b'));
            lines_fit(&text, width);
            let plain = render(
                &stats,
                &View {
                    color: false,
                    ..view
                },
            );
            assert_eq!(strip_escapes(&text), plain);
        }
    }

    #[test]
    fn the_calendar_shades_days_by_quartile() {
        let text = render(
            &d1_stats(),
            &View {
                user: "me",
                width: 80,
                color: false,
            },
        );
        // Busy days: six with 1 review (3rd quartile), two with 2 (4th).
        // Columns are the weeks from Monday 2025-12-22; today is Thu 03-12.
        let want = "  \
    Dec Jan     Feb     Mar
  Mon · · · · · · · · · · █ ·
  Tue · · · · · · · · · · ▓ ▓
  Wed · · · · · · · · · · ▓ ·
  Thu · · · · · · · · · · ▓ ▓
  Fri · · · · · · · · · · ▓
  Sat · · · · · · · · · · ·
  Sun · · · · · · · · · █ ·
      less · ░ ▒ ▓ █ more
";
        assert!(text.contains(want), "{text}");
    }

    #[test]
    fn long_ranges_are_summed_into_columns() {
        let values: Vec<u32> = (0..365).map(|i| i % 7).collect();
        let paint = Painter { color: false };
        let (lines, per_column) = column_chart(
            &values,
            38,
            ("Mar 13".to_owned(), "Mar 12".to_owned()),
            &paint,
        );
        assert!(per_column > 1);
        for l in &lines {
            assert!(l.chars().count() <= 38, "{l:?}");
        }
        // 365 values in columns of `per_column`, the last ending today.
        let (first, _) = column_chart(&[1, 2, 3, 4, 5], 11, (String::new(), String::new()), &paint);
        // Label "5" and " │" leave 8 cells: one per value, no gaps.
        // Heights in eighths of a cell: ceil(v × 6 rows × 8 / 5).
        assert_eq!(
            first,
            [
                "5 │    █", // 10, 20, 29, 39, 48 eighths
                "  │   ▇█",
                "  │  ▅██",
                "  │ ▄███",
                "  │▂████",
                "  │█████",
                "0 └─────",
            ]
        );
        assert_eq!(lines.len(), CHART_HEIGHT + 2);
    }

    #[test]
    fn an_empty_profile_gets_one_friendly_sentence() {
        let empty = Collector::new(day("2026-03-12"), None).finish(30, &[], |_, _| true);
        let text = render(
            &empty,
            &View {
                user: "me",
                width: 120,
                color: true,
            },
        );
        assert_eq!(text, format!("{EMPTY}\n"));
        let narrow = render(
            &empty,
            &View {
                user: "me",
                width: 40,
                color: false,
            },
        );
        lines_fit(&narrow, 40);
        assert_eq!(narrow.replace('\n', " ").trim_end(), EMPTY);
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(750), "12m 30s");
        assert_eq!(duration(2 * 3600 + 5 * 60 + 59), "2h 05m");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abcd", 4), "abcd");
    }
}
