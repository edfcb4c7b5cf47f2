//! `recall study` through the real binary: answers on stdin, `--now` fixed.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use common::{Env, write_deck};
use predicates::prelude::*;

/// Six date cards, no siblings: `e0` … `e5`, prompts "When? Event 0" ….
fn dates_deck(env: &Env) -> String {
    let cards: Vec<String> = (0..6)
        .map(|i| {
            format!(r#"{{"id": "e{i}", "kind": "date", "event": "Event {i}", "year": {}, "explanation": "Because {i}."}}"#, 1800 + i)
        })
        .collect();
    let text = format!(
        r#"{{"recall_deck": 1, "id": "dates", "title": "Dates", "cards": [{}]}}"#,
        cards.join(",\n")
    );
    write_deck(env.data(), "dates.json", &text)
        .to_str()
        .unwrap()
        .to_owned()
}

fn study(env: &Env, args: &[&str], now: &str, input: &str) -> (String, Vec<serde_json::Value>) {
    let out = env
        .recall()
        .arg("study")
        .args(args)
        .args(["--now", now])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    (String::from_utf8(out).unwrap(), env.log_events())
}

#[test]
fn the_first_session_introduces_exactly_the_new_limit_and_a_second_none() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let input = "\n4\n".repeat(10);
    let (out, log) = study(&env, &[&deck, "--new", "4"], "2026-03-01", &input);
    assert_eq!(log.len(), 4, "{out}");
    assert!(
        log.iter()
            .all(|e| e["kind"] == "review" && e["before"].is_null())
    );
    assert!(out.contains("Done for today."));
    assert!(out.contains("reviewed  4 (4 new learned)"));
    assert!(out.contains("[1/4]") && out.contains("[4/4]"));
    // Later the same day: nothing new, even with a higher limit asked for.
    let (out, log) = study(&env, &[&deck, "--new", "4"], "2026-03-01T20:00:00Z", "");
    assert_eq!(log.len(), 4);
    assert!(out.contains("Nothing left to study today"), "{out}");
    let (_, log) = study(&env, &[&deck, "--new", "5"], "2026-03-01T21:00:00Z", &input);
    assert_eq!(log.len(), 5, "one more, up to the new limit of 5");
}

#[test]
fn same_day_repeats_come_back_and_change_nothing() {
    let env = Env::new();
    let deck = dates_deck(&env);
    // One new item: graded 2, it comes back; 3 brings it back again; 4 ends.
    let (out, log) = study(
        &env,
        &[&deck, "--new", "1"],
        "2026-03-01",
        "\n2\n\n3\n\n4\n",
    );
    let kinds: Vec<&str> = log.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["review", "repeat", "repeat"], "{out}");
    assert_eq!(log[0]["after"]["n"], 0);
    assert_eq!(log[0]["after"]["lapses"], 1);
    for e in &log[1..] {
        assert_eq!(e["after"]["n"], log[0]["after"]["n"]);
        assert_eq!(e["after"]["ef"], log[0]["after"]["ef"]);
        assert_eq!(e["after"]["due"], log[0]["after"]["due"]);
        assert_eq!(e["after"]["lapses"], log[0]["after"]["lapses"]);
    }
    assert_eq!(log[2]["after"]["pending"], false);
    assert!(out.contains("[3/3]"));
    assert!(out.contains("again later today"));
}

#[test]
fn a_repeat_left_pending_comes_back_in_a_later_session_that_day() {
    let env = Env::new();
    let deck = dates_deck(&env);
    study(
        &env,
        &[&deck, "--new", "1"],
        "2026-03-01T09:00:00Z",
        "\n1\n",
    );
    let (out, log) = study(
        &env,
        &[&deck, "--new", "1"],
        "2026-03-01T18:00:00Z",
        "\n5\n",
    );
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["kind"], "repeat");
    assert!(out.contains("1 due, 0 new"), "{out}");
}

#[test]
fn end_of_input_halfway_saves_what_was_answered() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let (out, log) = study(&env, &[&deck, "--new", "5"], "2026-03-01", "\n4\n\n5\n\n");
    assert_eq!(log.len(), 2);
    assert!(
        out.contains("Stopped with 3 questions left for today; everything answered is saved."),
        "{out}"
    );
    assert!(out.contains("reviewed  2 (2 new learned)"));
    // `q` stops just the same.
    let (out, log) = study(
        &env,
        &[&deck, "--new", "5"],
        "2026-03-01T10:00:00Z",
        "\n4\nq\n",
    );
    assert_eq!(log.len(), 3);
    assert!(out.contains("Stopped with 2 questions left"), "{out}");
}

#[test]
fn invalid_grades_reprompt_with_a_hint() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let (out, log) = study(&env, &[&deck, "--new", "1"], "2026-03-01", "\n7\nbest\ng\n");
    assert!(
        out.contains("grade 0–5, or a (again) h (hard) g (good) e (easy)"),
        "{out}"
    );
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["grade"], 4);
}

#[test]
fn typed_answers_accept_accents_typos_and_years() {
    let env = Env::new();
    let deck = write_deck(
        env.data(),
        "typed.json",
        r#"{"recall_deck": 1, "id": "typed", "title": "Typed", "cards": [
            {"id": "island", "kind": "basic", "front": "Island where Laxman landed?", "back": "Hokkaidō"},
            {"id": "envoy", "kind": "basic", "front": "Envoy of 1804?", "back": "Nikolai Rezanov", "accept": ["Rezanov"]},
            {"id": "laxman", "kind": "date", "event": "Laxman lands", "year": 1792},
            {"id": "war", "kind": "date", "event": "The war", "year": 1904, "end_year": 1905}
        ]}"#,
    );
    let deck = deck.to_str().unwrap();
    // Accept each proposed grade with an empty line.
    let input = "hokkaido\n\nRezanof\n\n1793\n\n1905\n\n";
    let (out, log) = study(
        &env,
        &[deck, "--mode", "typed", "--new", "4"],
        "2026-03-01",
        input,
    );
    let grades: BTreeMap<String, u64> = log
        .iter()
        .filter(|e| e["kind"] == "review")
        .map(|e| {
            (
                e["item"].as_str().unwrap().to_owned(),
                e["grade"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        grades["island"], 5,
        "accents ignored, answered at once: {out}"
    );
    assert_eq!(grades["envoy"], 3, "a typo in an accepted spelling");
    assert_eq!(grades["laxman"], 2, "a year off by one is close");
    assert_eq!(grades["war"], 5, "either end of a range");
    assert!(log.iter().all(|e| e["mode"] == "typed"));
    assert!(out.contains("right, with a typo"));
    // The learner can override the proposed grade with one line.
    let env = Env::new();
    let (_, log) = study(
        &env,
        &[deck, "--mode", "typed", "--new", "1"],
        "2026-03-01",
        "Hokaido\n5\n",
    );
    assert_eq!(log[0]["grade"], 5);
}

#[test]
fn choice_options_are_reproducible_with_a_seed() {
    let run = || {
        let env = Env::new();
        let (out, log) = study(
            &env,
            &[
                "japan-russia-facts",
                "--mode",
                "choice",
                "--new",
                "3",
                "--seed",
                "42",
            ],
            "2026-03-01",
            "1\n2\n3\n4\n1\n2\n3\n",
        );
        (out, log.len())
    };
    let (a, n) = run();
    let (b, _) = run();
    assert_eq!(a, b);
    assert!(n >= 3);
    assert!(a.contains("  4) "), "{a}");
    let other = {
        let env = Env::new();
        study(
            &env,
            &[
                "japan-russia-facts",
                "--mode",
                "choice",
                "--new",
                "3",
                "--seed",
                "43",
            ],
            "2026-03-01",
            "1\n2\n3\n4\n1\n2\n3\n",
        )
        .0
    };
    assert_ne!(a, other, "another seed gives other options");
}

#[test]
fn a_first_time_user_is_offered_the_bundled_decks() {
    let env = Env::new();
    env.recall()
        .args(["--now", "2026-03-01"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Welcome! Starting the bundled decks japan-russia-dates and japan-russia-facts",
        ))
        .stdout(predicate::str::contains("0 due, 40 new"));
    assert!(env.log_events().is_empty());
}

#[test]
fn a_second_session_on_the_same_profile_is_refused() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let mut first = Command::new(assert_cmd::cargo::cargo_bin("recall"))
        .env("RECALL_DATA_DIR", env.data())
        .args(["study", &deck, "--now", "2026-03-01"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first session shows its first question: it holds the profile.
    let mut reader = BufReader::new(first.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("When?") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
    }
    env.recall()
        .args(["study", &deck, "--now", "2026-03-01"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is in use by another recall process",
        ));
    drop(first.stdin.take());
    assert!(first.wait().unwrap().success());
}

#[test]
fn sigint_ends_the_session_cleanly_and_keeps_the_answers() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("recall"))
        .env("RECALL_DATA_DIR", env.data())
        .args(["study", &deck, "--new", "3", "--now", "2026-03-01"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(b"\n5\n").unwrap();
    stdin.flush().unwrap();
    // Wait for the second question, then interrupt while it waits for input.
    let mut seen = String::new();
    let mut line = String::new();
    while !seen.contains("[2/3]") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130));
    assert!(
        rest.contains("Stopped; everything answered is saved."),
        "{rest}"
    );
    assert!(rest.contains("reviewed  1 (1 new learned)"), "{rest}");
    assert_eq!(env.log_events().len(), 1);
}

/// A tiny SM-2 written for this test from the rules of SPEC §3, to check
/// the sessions against.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Model {
    n: u32,
    ef: u32,
    interval: u32,
    due: i64,
}

fn model_review(state: Option<Model>, q: u32, day: i64) -> Model {
    let mut s = state.unwrap_or(Model {
        n: 0,
        ef: 250,
        interval: 0,
        due: day,
    });
    if q >= 3 {
        s.interval = match s.n {
            0 => 1,
            1 => 6,
            _ => (s.interval * s.ef).div_ceil(100),
        };
        s.n += 1;
        let delta: i64 = [-80, -54, -32, -14, 0, 10][q as usize];
        s.ef = (i64::from(s.ef) + delta).max(130) as u32;
    } else {
        s.n = 0;
        s.interval = 1;
    }
    s.due = day + i64::from(s.interval);
    s
}

/// The grade the scripted learner gives: varied, with a lapse now and then.
fn scripted_grade(day: i64, item: usize) -> u32 {
    match (day as usize * 7 + item * 3) % 11 {
        0 | 5 => 2,
        1 | 8 => 3,
        3 | 6 | 9 => 5,
        _ => 4,
    }
}

#[test]
fn thirty_days_of_sessions_follow_sm2() {
    let env = Env::new();
    let deck = dates_deck(&env);
    let start: recall::sched::Day = "2026-03-01".parse().unwrap();
    let mut model: BTreeMap<usize, Model> = BTreeMap::new();
    let mut total_answers = 0;
    for day in 0..30i64 {
        let now = start.plus(day).to_string();
        let mut expected: Vec<usize> = model
            .iter()
            .filter(|(_, s)| s.due <= day)
            .map(|(&i, _)| i)
            .collect();
        expected.extend((0..6).filter(|i| !model.contains_key(i)).take(2));
        expected.sort();

        let mut child = Command::new(assert_cmd::cargo::cargo_bin("recall"))
            .env("RECALL_DATA_DIR", env.data())
            .env("TZ", "UTC")
            .args(["study", &deck, "--new", "2", "--now", &now])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut asked_first: Vec<usize> = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let Some(n) = line.trim().strip_prefix("When? Event ") else {
                continue;
            };
            let item: usize = n.parse().unwrap();
            let first = !asked_first.contains(&item);
            let grade = if first { scripted_grade(day, item) } else { 4 };
            if first {
                asked_first.push(item);
                model.insert(item, model_review(model.get(&item).copied(), grade, day));
                total_answers += 1;
            } else {
                total_answers += 1;
            }
            stdin.write_all(format!("\n{grade}\n").as_bytes()).unwrap();
            stdin.flush().unwrap();
        }
        assert!(child.wait().unwrap().success());
        asked_first.sort();
        assert_eq!(
            asked_first, expected,
            "day {day} ({now}): the session asked other items than SM-2 predicts"
        );

        // The stored schedule equals the model's.
        let progress = env.json(&["progress", &deck, "--json", "--now", &now]);
        for item in progress["items"].as_array().unwrap() {
            let i: usize = item["item"].as_str().unwrap()[1..].parse().unwrap();
            match model.get(&i) {
                None => assert_eq!(item["status"], "new"),
                Some(m) => {
                    assert_eq!(item["repetitions"], m.n, "day {day} item {i}");
                    assert_eq!(
                        (item["easiness"].as_f64().unwrap() * 100.0).round() as u32,
                        m.ef,
                        "day {day} item {i}"
                    );
                    assert_eq!(item["interval_days"], m.interval, "day {day} item {i}");
                    assert_eq!(
                        item["due"],
                        start.plus(m.due).to_string(),
                        "day {day} item {i}"
                    );
                }
            }
        }
    }
    assert_eq!(env.log_events().len(), total_answers);
    assert!(
        model.values().any(|m| m.interval > 6),
        "the run reached long intervals"
    );
}

#[test]
fn a_refused_session_leaves_no_trace() {
    let env = Env::new();
    env.recall()
        .args(["study", "no-such-deck"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no deck 'no-such-deck'"));
    env.recall()
        .args(["study", "japan-russia-dates", "--exam", "2026-13-01"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--exam"));
    assert!(env.files().is_empty(), "{:?}", env.files());
}
