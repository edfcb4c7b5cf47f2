//! `recall quiz` through the real binary: seeded exams, every mode, the
//! schedule left alone (or recorded), paper exams, and exam-day planning.

mod common;

use common::{Env, write_deck};
use predicates::prelude::*;

fn quiz_json(env: &Env, args: &[&str], input: &str) -> serde_json::Value {
    let out = env
        .recall()
        .arg("quiz")
        .args(args)
        .args(["--json", "--now", "2026-03-01"])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn without_time(mut v: serde_json::Value) -> serde_json::Value {
    v["seconds"] = serde_json::Value::Null;
    v
}

#[test]
fn the_same_seed_gives_the_same_exam() {
    let a = quiz_json(
        &Env::new(),
        &["japan-russia-dates", "japan-russia-facts", "--seed", "9"],
        "",
    );
    let b = quiz_json(
        &Env::new(),
        &["japan-russia-dates", "japan-russia-facts", "--seed", "9"],
        "",
    );
    assert_eq!(without_time(a.clone()), without_time(b));
    assert_eq!(a["seed"], 9);
    assert_eq!(a["total"], 20);
    let c = quiz_json(
        &Env::new(),
        &["japan-russia-dates", "japan-russia-facts", "--seed", "10"],
        "",
    );
    assert_ne!(a["questions"], c["questions"]);
}

#[test]
fn without_a_seed_one_is_chosen_and_printed() {
    let env = Env::new();
    let v = quiz_json(&env, &["japan-russia-dates", "--count", "2"], "");
    let seed = v["seed"].as_u64().unwrap();
    env.recall()
        .args([
            "quiz",
            "japan-russia-dates",
            "--count",
            "2",
            "--now",
            "2026-03-01",
        ])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sit the same exam again: recall quiz japan-russia-dates --mode mixed --count 2 --seed",
        ));
    let again = quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--count",
            "2",
            "--seed",
            &seed.to_string(),
        ],
        "",
    );
    assert_eq!(again["questions"][0]["prompt"], v["questions"][0]["prompt"]);
}

#[test]
fn typed_questions_are_judged() {
    let env = Env::new();
    let deck = write_deck(
        env.data(),
        "d.json",
        r#"{"recall_deck": 1, "id": "d", "title": "D", "cards": [
            {"id": "island", "kind": "basic", "front": "Island?", "back": "Hokkaidō", "section": "Places"}
        ]}"#,
    );
    let v = quiz_json(
        &env,
        &[
            deck.to_str().unwrap(),
            "--mode",
            "typed",
            "--count",
            "1",
            "--seed",
            "1",
        ],
        "hokkaido\n",
    );
    let q = &v["questions"][0];
    assert_eq!(q["item"], "d/island");
    assert_eq!(q["mode"], "typed");
    assert_eq!(q["prompt"], "Island?");
    assert_eq!(q["answer"], "Hokkaidō");
    assert_eq!(q["given"], "hokkaido");
    assert_eq!(q["correct"], true);
    assert_eq!(v["score"], 1);
    assert_eq!(v["percent"], 100.0);
}

const THREE_CHOICES: &[&str] = &[
    "japan-russia-facts",
    "--mode",
    "choice",
    "--count",
    "3",
    "--seed",
    "4",
];

#[test]
fn choice_questions_score_the_right_option() {
    let env = Env::new();
    let v = quiz_json(&env, THREE_CHOICES, "");
    let questions = v["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 3);
    // Answer each with its right option, found from the unanswered run.
    let input: String = questions
        .iter()
        .map(|q| {
            let options = q["options"].as_array().unwrap();
            let right = options.iter().position(|o| o == &q["answer"]).unwrap();
            format!("{}\n", right + 1)
        })
        .collect();
    let v = quiz_json(&env, THREE_CHOICES, &input);
    assert_eq!(v["score"], 3);
    assert!(
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["grade"] == 4 && q["options"].as_array().unwrap().len() == 4)
    );
    let wrong = quiz_json(
        &env,
        &[
            "japan-russia-facts",
            "--mode",
            "choice",
            "--count",
            "1",
            "--seed",
            "4",
        ],
        "",
    );
    assert_eq!(wrong["questions"][0]["given"], serde_json::Value::Null);
    assert_eq!(wrong["questions"][0]["correct"], false);
}

#[test]
fn timeline_questions_count_pairs_in_order() {
    let env = Env::new();
    let first = quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--mode",
            "timeline",
            "--count",
            "2",
            "--seed",
            "3",
        ],
        "",
    );
    let right_order = first["questions"][0]["answer"].as_str().unwrap().to_owned();
    let reversed: String = right_order.split(' ').rev().collect::<Vec<_>>().join(" ");
    let v = quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--mode",
            "timeline",
            "--count",
            "2",
            "--seed",
            "3",
        ],
        &format!("{right_order}\n{reversed}\n"),
    );
    let q = &v["questions"];
    assert_eq!(q[0]["mode"], "timeline");
    assert_eq!(q[0]["options"].as_array().unwrap().len(), 4);
    assert_eq!(q[0]["item"].as_str().unwrap().split(',').count(), 4);
    assert_eq!(q[0]["grade"], 5);
    assert_eq!(q[0]["correct"], true);
    // The second answer reverses the second question's order... of the
    // first's answer: whatever it is, it is graded from its pairs.
    assert!(q[1]["grade"].as_u64().unwrap() >= 1);
}

#[test]
fn flip_and_mixed_exams_run_from_a_pipe() {
    let env = Env::new();
    let v = quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--mode",
            "flip",
            "--count",
            "2",
            "--seed",
            "1",
        ],
        "\n5\n\n2\n",
    );
    assert_eq!(v["questions"][0]["grade"], 5);
    assert_eq!(v["questions"][1]["grade"], 2);
    assert_eq!(v["score"], 1);
    let v = quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "japan-russia-facts",
            "--count",
            "20",
            "--seed",
            "2",
        ],
        "",
    );
    let modes: std::collections::BTreeSet<&str> = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["mode"].as_str().unwrap())
        .collect();
    assert!(modes.len() >= 2, "mixed gives several modes: {modes:?}");
}

#[test]
fn a_quiz_leaves_the_schedule_alone_unless_recorded() {
    let env = Env::new();
    env.review("japan-russia-dates/laxman-hokkaido", 4, "2026-02-20");
    let progress = || {
        let out = env
            .recall()
            .args([
                "progress",
                "japan-russia-dates",
                "--json",
                "--now",
                "2026-03-01",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    };
    let before = progress();
    let answers = "1792\n".repeat(5);
    quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--mode",
            "typed",
            "--count",
            "5",
            "--seed",
            "1",
        ],
        &answers,
    );
    assert_eq!(progress(), before, "a quiz changed the schedule");
    let quiz_events: Vec<serde_json::Value> = env
        .log_events()
        .into_iter()
        .filter(|e| e["kind"] == "quiz")
        .collect();
    assert_eq!(quiz_events.len(), 5);

    quiz_json(
        &env,
        &[
            "japan-russia-dates",
            "--mode",
            "typed",
            "--count",
            "5",
            "--seed",
            "1",
            "--record",
        ],
        &answers,
    );
    let after = progress();
    assert_ne!(after, before);
    let reviewed = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] != "new")
        .count();
    assert!(reviewed >= 5, "recorded answers count as reviews");
}

#[test]
fn the_printed_exam_holds_every_question_and_a_matching_key() {
    let env = Env::new();
    let args = [
        "japan-russia-dates",
        "japan-russia-facts",
        "--count",
        "12",
        "--seed",
        "5",
    ];
    let out = env
        .recall()
        .arg("quiz")
        .args(args)
        .args(["--print", "--answers", "--now", "2026-03-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let paper = String::from_utf8(out).unwrap();
    let v = quiz_json(&env, &args, "");
    let questions = v["questions"].as_array().unwrap();
    let (exam, key) = paper.split_once("## Answer key").unwrap();
    for (n, q) in questions.iter().enumerate() {
        let number = format!("\n{}. ", n + 1);
        assert!(
            exam.contains(&format!("{number}{}", q["prompt"].as_str().unwrap())),
            "question {} missing:\n{paper}",
            n + 1
        );
        let key_line = key
            .lines()
            .find(|l| l.starts_with(&format!("{}. ", n + 1)))
            .unwrap();
        match q["mode"].as_str().unwrap() {
            "timeline" => {}
            _ => assert!(
                key_line.contains(q["answer"].as_str().unwrap()),
                "{key_line} vs {}",
                q["answer"]
            ),
        }
        if q["mode"] == "choice" {
            let letter = (b'a'
                + q["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|o| o == &q["answer"])
                    .unwrap() as u8) as char;
            assert!(key_line.contains(&format!("{letter}) ")), "{key_line}");
        }
    }
    assert!(!paper.contains("Answer key") || paper.contains("## Answer key"));
    let without = env
        .recall()
        .arg("quiz")
        .args(args)
        .args(["--print", "--now", "2026-03-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8(without).unwrap().contains("Answer key"));
    assert!(env.log_events().is_empty(), "printing logs nothing");
}

#[test]
fn selections_by_tag_and_section_and_bad_ones() {
    let env = Env::new();
    let v = quiz_json(
        &env,
        &[
            "japan-russia-facts",
            "--tag",
            "1914-1917",
            "--mode",
            "typed",
            "--count",
            "50",
            "--seed",
            "1",
        ],
        "",
    );
    assert!(!v["questions"].as_array().unwrap().is_empty());
    env.recall()
        .args(["quiz", "japan-russia-facts", "--tag", "no-such-tag"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no items match the selection; the tags are:",
        ));
    env.recall()
        .args(["quiz", "japan-russia-facts", "--section", "Nowhere"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the sections are:"));
}

#[test]
fn an_exam_day_caps_every_interval_over_a_month() {
    let env = Env::new();
    let deck = write_deck(
        env.data(),
        "d.json",
        &format!(
            r#"{{"recall_deck": 1, "id": "d", "title": "D", "cards": [{}]}}"#,
            (0..30)
                .map(|i| format!(
                    r#"{{"id": "e{i}", "kind": "date", "event": "Event {i}", "year": {}}}"#,
                    1800 + i
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    let deck = deck.to_str().unwrap();
    let start: recall::sched::Day = "2026-03-01".parse().unwrap();
    let exam = start.plus(15);
    for day in 0..30 {
        let now = start.plus(day).to_string();
        let mut cmd = env.recall();
        cmd.args(["study", deck, "--new", "1", "--now", &now]);
        if day == 0 {
            cmd.args(["--exam", &exam.to_string()]);
        }
        let out = cmd
            .write_stdin("\n5\n".repeat(40))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        if day == 0 {
            // 30 items over the 15 days left: 2 a day.
            assert!(
                out.contains("d: exam on 2026-03-16: 2 new a day to finish by 15 March"),
                "{out}"
            );
        }
        let progress = env.json(&["progress", deck, "--json", "--now", &now]);
        let items = progress["items"].as_array().unwrap();
        let today = start.plus(day);
        if today < exam {
            for i in items.iter().filter(|i| i["status"] != "new") {
                let due: recall::sched::Day = i["due"].as_str().unwrap().parse().unwrap();
                assert!(
                    due <= exam,
                    "{now}: {} is due {due}, after the exam",
                    i["item"]
                );
            }
        }
        if today == exam.plus(-1) {
            assert!(
                items.iter().all(|i| i["status"] != "new"),
                "every item introduced by the eve"
            );
        }
    }
    // After the exam, the cap is gone: intervals grow past it.
    let progress = env.json(&["progress", deck, "--json", "--now", "2026-03-30"]);
    assert!(
        progress["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["interval_days"].as_u64().unwrap() > 6)
    );
    // The exam day was saved for the deck.
    let settings = std::fs::read_to_string(env.user_dir("default").join("settings.json")).unwrap();
    assert!(settings.contains("\"d\": \"2026-03-16\""), "{settings}");
}

#[test]
fn a_refused_exam_leaves_no_trace() {
    let env = Env::new();
    let deck = write_deck(
        env.data(),
        "few.json",
        r#"{"recall_deck": 1, "id": "few", "title": "Few", "cards": [
            {"id": "a", "kind": "date", "event": "A", "year": 1900},
            {"id": "b", "kind": "basic", "front": "B?", "back": "b"}
        ]}"#,
    );
    let before = env.files();
    env.recall()
        .arg("quiz")
        .arg(&deck)
        .args(["--mode", "timeline"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("at least four dated items"));
    assert_eq!(env.files(), before);
}

#[test]
fn on_the_eve_of_an_exam_a_second_session_asks_nothing_again() {
    let env = Env::new();
    let deck = write_deck(
        env.data(),
        "d.json",
        r#"{"recall_deck": 1, "id": "d", "title": "D", "cards": [
            {"id": "a", "kind": "date", "event": "A", "year": 1900},
            {"id": "b", "kind": "date", "event": "B", "year": 1901}
        ]}"#,
    );
    let deck = deck.to_str().unwrap();
    let study = |now: &str, extra: &[&str]| {
        let out = env
            .recall()
            .args(["study", deck, "--now", now])
            .args(extra)
            .write_stdin("\n5\n".repeat(10))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    study("2026-03-01", &["--exam", "2026-03-05"]);
    for day in ["2026-03-02", "2026-03-03", "2026-03-04"] {
        study(day, &[]);
    }
    let evening = study("2026-03-04T20:00:00Z", &[]);
    assert!(evening.contains("Nothing left to study today"), "{evening}");
    // `review` follows the saved exam day too: the interval ends by its eve.
    env.recall()
        .args([
            "--user",
            "other",
            "study",
            deck,
            "--new",
            "0",
            "--exam",
            "2026-03-05",
            "--now",
            "2026-03-01",
        ])
        .write_stdin("")
        .assert()
        .success();
    let mut due = String::new();
    for day in ["2026-03-01", "2026-03-02"] {
        let after = env.json(&[
            "--user", "other", "review", "a", "--deck", deck, "--grade", "5", "--json", "--now",
            day,
        ]);
        due = after["due"].as_str().unwrap().to_owned();
    }
    assert_eq!(due, "2026-03-04", "6 days cut to the eve of the exam");
}
