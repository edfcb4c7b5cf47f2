//! `recall stats` through the real binary: a scripted history recorded with
//! `recall review --now`, and numbers worked out by hand below.

mod common;

use std::fs::OpenOptions;
use std::io::Write;

use common::{Env, write_deck};
use serde::Deserialize;

const DATES: &str = "japan-russia-dates";
const FACTS: &str = "japan-russia-facts";
const L: &str = "japan-russia-dates/laxman-hokkaido";
const R: &str = "japan-russia-dates/rezanov-nagasaki";
const U: &str = "japan-russia-facts/overview-ussr";
const TODAY: &str = "2026-03-12";

#[derive(Debug, Deserialize)]
struct StatsJson {
    user: String,
    today: String,
    reviews_by_day: Vec<DayReviews>,
    retention: Retention,
    streak: u32,
    longest_streak: u32,
    counts: Counts,
    forecast: Vec<DayDue>,
    hardest: Vec<Hard>,
    seconds_studied: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct DayReviews {
    day: String,
    reviews: u32,
    correct: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Retention {
    young: Option<f64>,
    mature: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Counts {
    new: usize,
    learning: usize,
    young: usize,
    mature: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
struct DayDue {
    day: String,
    due: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Hard {
    deck: String,
    item: String,
    easiness: f64,
    lapses: u32,
}

/// Two weeks of study, with the state SM-2 gives after each answer.
fn scripted() -> Env {
    let env = Env::new();
    for (item, grade, now) in [
        (L, 5, "2026-03-01"),           // n1 iv1 EF2.60
        (R, 3, "2026-03-01"),           // n1 iv1 EF2.36
        (L, 5, "2026-03-02"),           // n2 iv6 EF2.70
        (R, 1, "2026-03-02"),           // lapse: n0 iv1
        (L, 5, "2026-03-03"),           // n3 iv17 EF2.80
        (L, 5, "2026-03-04"),           // n4 iv48 EF2.90
        (L, 2, "2026-03-05"),           // lapse of a mature item: n0 iv1
        (L, 4, "2026-03-05T18:00:00Z"), // same-day repeat: not counted
        (L, 4, "2026-03-06"),           // n1 iv1, due 03-07
        (R, 4, "2026-03-10"),           // n1 iv1
        (U, 5, "2026-03-11"),           // the other deck: n1 iv1, due 03-12
        (R, 5, "2026-03-12"),           // n2 iv6 EF2.46, due 03-18
        (R, 5, "2026-03-12T20:00:00Z"), // same-day repeat
    ] {
        env.review(item, grade, now);
    }
    env
}

fn stats_json(env: &Env, args: &[&str]) -> StatsJson {
    let out = env
        .recall()
        .arg("stats")
        .args(args)
        .args(["--json", "--now", TODAY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON document: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The number of study items of a bundled deck, from `progress --json`.
fn items_in(env: &Env, deck: &str) -> usize {
    let v = env.json(&["progress", deck, "--json"]);
    v["items"].as_array().unwrap().len()
}

fn days(rows: &[(&str, u32, u32)]) -> Vec<DayReviews> {
    rows.iter()
        .map(|&(day, reviews, correct)| DayReviews {
            day: day.to_owned(),
            reviews,
            correct,
        })
        .collect()
}

/// The forecast's 31 days from today, with these (offset, due) pairs.
fn forecast(due: &[(usize, usize)]) -> Vec<DayDue> {
    let start: jiff::civil::Date = TODAY.parse().unwrap();
    (0..=30)
        .map(|i| DayDue {
            day: start
                .checked_add(jiff::Span::new().days(i64::from(i)))
                .unwrap()
                .to_string(),
            due: due.iter().find(|d| d.0 == i as usize).map_or(0, |d| d.1),
        })
        .collect()
}

#[test]
fn stats_of_one_deck_match_the_numbers_worked_out_by_hand() {
    let env = scripted();
    let s = stats_json(&env, &[DATES, "--days", "14"]);
    assert_eq!(s.user, "default");
    assert_eq!(s.today, TODAY);
    assert_eq!(
        s.reviews_by_day,
        days(&[
            ("2026-02-27", 0, 0),
            ("2026-02-28", 0, 0),
            ("2026-03-01", 2, 2),
            ("2026-03-02", 2, 1),
            ("2026-03-03", 1, 1),
            ("2026-03-04", 1, 1),
            ("2026-03-05", 1, 0),
            ("2026-03-06", 1, 1),
            ("2026-03-07", 0, 0),
            ("2026-03-08", 0, 0),
            ("2026-03-09", 0, 0),
            ("2026-03-10", 1, 1),
            ("2026-03-11", 0, 0), // only the other deck that day
            ("2026-03-12", 1, 1),
        ])
    );
    // Young (interval before the review under 21 days, new included):
    // L 5, 5, 5, 5 (before: none, 1, 6, 17), L 4 on 03-06 (before: 1),
    // R 3, 1, 4, 5 → 8 correct of 9. Mature: L's 2 on 03-05 (before: 48).
    assert_eq!(
        s.retention,
        Retention {
            young: Some(8.0 / 9.0),
            mature: Some(0.0)
        }
    );
    assert_eq!(s.streak, 1);
    assert_eq!(s.longest_streak, 6);
    assert_eq!(
        s.counts,
        Counts {
            new: items_in(&env, DATES) - 2,
            learning: 1, // L: n = 1
            young: 1,    // R: n = 2, interval 6
            mature: 0,
        }
    );
    // L was due 03-07 (overdue: counted today), R is due 03-18.
    assert_eq!(s.forecast, forecast(&[(0, 1), (6, 1)]));
    assert_eq!(
        s.hardest,
        [
            Hard {
                deck: DATES.into(),
                item: "rezanov-nagasaki".into(),
                easiness: 2.46,
                lapses: 1
            },
            Hard {
                deck: DATES.into(),
                item: "laxman-hokkaido".into(),
                easiness: 2.9,
                lapses: 1
            },
        ]
    );
    // `recall review` does not time answers.
    assert_eq!(s.seconds_studied, 0);
}

#[test]
fn without_a_deck_every_studied_deck_counts() {
    let env = scripted();
    let s = stats_json(&env, &["--days", "3"]);
    assert_eq!(
        s.reviews_by_day,
        days(&[
            ("2026-03-10", 1, 1),
            ("2026-03-11", 1, 1),
            ("2026-03-12", 1, 1)
        ])
    );
    assert_eq!(s.streak, 3);
    assert_eq!(s.longest_streak, 6);
    assert_eq!(
        s.retention,
        Retention {
            young: Some(9.0 / 10.0),
            mature: Some(0.0)
        }
    );
    assert_eq!(
        s.counts,
        Counts {
            new: items_in(&env, DATES) - 2 + items_in(&env, FACTS) - 1,
            learning: 2, // L and U
            young: 1,
            mature: 0,
        }
    );
    // U is due today (03-12) besides L.
    assert_eq!(s.forecast, forecast(&[(0, 2), (6, 1)]));
    assert_eq!(s.hardest.len(), 2);
    // Only the facts deck: its one review.
    let f = stats_json(&env, &[FACTS, "--days", "2"]);
    assert_eq!(
        f.reviews_by_day,
        days(&[("2026-03-11", 1, 1), ("2026-03-12", 0, 0)])
    );
    assert_eq!(f.streak, 1); // yesterday's, not studied yet today
    assert_eq!(f.hardest, []);
}

#[test]
fn time_studied_counts_every_kind_of_answer() {
    let env = scripted();
    // Two timed answers as a study session and a quiz would log them.
    let mut events = env.log_events();
    let mut study = events.pop().unwrap();
    study["response_ms"] = 61_700.into();
    let mut quiz = study.clone();
    quiz["kind"] = "quiz".into();
    quiz["before"] = serde_json::Value::Null;
    quiz["after"] = serde_json::Value::Null;
    quiz["response_ms"] = 63_900.into();
    let mut log = OpenOptions::new().append(true).open(env.log()).unwrap();
    for e in [&study, &quiz] {
        writeln!(log, "{e}").unwrap();
    }
    drop(log);
    // 61.7 s + 63.9 s = 125.6 s, rounded down.
    let s = stats_json(&env, &[DATES]);
    assert_eq!(s.seconds_studied, 125);
    let out = env
        .recall()
        .args(["stats", DATES, "--now", TODAY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Time studied\n  2m 05s\n"), "{text}");
}

#[test]
fn human_output_in_a_pipe_is_plain_text_with_every_section() {
    let env = scripted();
    let out = env
        .recall()
        .env_remove("NO_COLOR")
        .args(["stats", "--now", TODAY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\x1b'), "{text}");
    for heading in [
        "Statistics for default on 2026-03-12",
        "Reviews per day (last 30 days)",
        "Calendar (last 12 weeks)",
        "Retention",
        "Streak",
        "Items by state",
        "Due forecast",
        "Hardest items",
        "Time studied",
    ] {
        assert!(text.lines().any(|l| l == heading), "{heading}:\n{text}");
    }
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    assert!(text.contains("  young    90%  9 of 10 correct"), "{text}");
    assert!(text.contains("  current  3 days"), "{text}");
    assert!(text.contains("  due today    2"), "{text}");
    assert!(text.contains("not measured"), "{text}");
}

#[test]
fn an_empty_profile_gets_a_friendly_sentence_or_an_empty_document() {
    let env = Env::new();
    env.recall()
        .args(["stats", "--now", TODAY])
        .assert()
        .success()
        .stdout("No reviews yet — run `recall` to start today's session.\n");
    let s = stats_json(&env, &[]);
    assert_eq!(s.reviews_by_day.len(), 30);
    assert_eq!(s.reviews_by_day[0].day, "2026-02-11");
    assert!(
        s.reviews_by_day
            .iter()
            .all(|d| d.reviews == 0 && d.correct == 0)
    );
    assert_eq!(
        s.retention,
        Retention {
            young: None,
            mature: None
        }
    );
    assert_eq!((s.streak, s.longest_streak, s.seconds_studied), (0, 0, 0));
    assert_eq!(
        s.counts,
        Counts {
            new: 0,
            learning: 0,
            young: 0,
            mature: 0
        }
    );
    assert_eq!(s.forecast, forecast(&[]));
    assert_eq!(s.hardest, []);
    // A named deck that was never studied: every item is new.
    let d = stats_json(&env, &[DATES]);
    assert_eq!(d.counts.new, items_in(&env, DATES));
    // Nothing was written.
    assert_eq!(env.files(), []);
}

#[test]
fn a_deck_file_is_a_scope_and_unknown_decks_are_errors() {
    let env = Env::new();
    let path = write_deck(
        env.data(),
        "mine.json",
        r#"{"recall_deck": 1, "id": "mine", "title": "Mine", "cards": [
            {"id": "a", "kind": "basic", "front": "A?", "back": "a"},
            {"id": "b", "kind": "basic", "front": "B?", "back": "b"},
            {"id": "c", "kind": "cloze", "text": "{{c1::x}} and {{c2::y}}"}
        ]}"#,
    );
    let path = path.to_str().unwrap();
    env.recall()
        .args([
            "review",
            "c#c2",
            "--deck",
            path,
            "--grade",
            "1",
            "--now",
            "2026-03-11",
        ])
        .assert()
        .success();
    env.review(L, 5, TODAY);
    let s = stats_json(&env, &[path]);
    assert_eq!(
        s.counts,
        Counts {
            new: 3,
            learning: 1,
            young: 0,
            mature: 0
        }
    );
    assert_eq!(
        s.hardest,
        [Hard {
            deck: "mine".into(),
            item: "c#c2".into(),
            easiness: 2.5,
            lapses: 1
        }]
    );
    assert_eq!(s.retention.young, Some(0.0));
    assert_eq!(s.forecast[0].due, 1); // due 03-12 after the lapse
    env.recall()
        .args(["stats", "no-such-deck", "--now", TODAY])
        .assert()
        .failure()
        .stderr(predicates::str::starts_with("error: "));
}

#[test]
fn the_forecast_brings_items_forward_to_an_exam_eve() {
    let env = Env::new();
    let item = "japan-russia-dates/laxman-hokkaido";
    env.review(item, 5, "2026-03-01");
    env.review(item, 5, "2026-03-02"); // due 2026-03-08
    env.recall()
        .args([
            "study",
            "japan-russia-dates",
            "--new",
            "0",
            "--exam",
            "2026-03-05",
            "--now",
            "2026-03-03",
        ])
        .write_stdin("")
        .assert()
        .success();
    let v = env.json(&["stats", "--json", "--now", "2026-03-03"]);
    let due_on = |day: &str| {
        v["forecast"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["day"] == day)
            .unwrap()["due"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(due_on("2026-03-04"), 1, "due on the eve of the exam");
    assert_eq!(due_on("2026-03-08"), 0);
}
