//! The per-user store through the real binary: SM-2 through `recall review`,
//! the profile lock, crashes, damage, full disks, bad user names.

mod common;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::Env;
use predicates::prelude::*;
use rand::{RngExt, SeedableRng};

const ITEM: &str = "japan-russia-dates/laxman-hokkaido";

#[test]
fn sm2_golden_sequences_hold_through_the_binary() {
    // Ten 5s, each on the day it falls due.
    let env = Env::new();
    let mut day: String = "2026-01-01".into();
    let mut got = Vec::new();
    for _ in 0..10 {
        let v = env.review(ITEM, 5, &day);
        got.push((
            v["interval_days"].as_u64().unwrap(),
            v["easiness"].as_f64().unwrap(),
        ));
        day = v["due"].as_str().unwrap().to_owned();
    }
    let intervals: Vec<u64> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        intervals,
        [1, 6, 17, 48, 140, 420, 1302, 4167, 13752, 46757]
    );
    assert_eq!(got[5].1, 3.1);
    assert_eq!(day, "2208-05-17");

    // A lapse after four successes, then 1, 1, 6; EF untouched by the lapse.
    let env = Env::new();
    let mut day: String = "2026-01-01".into();
    let mut rows = Vec::new();
    for g in [5, 4, 4, 5, 1, 4, 4, 4] {
        let v = env.review(ITEM, g, &day);
        rows.push((
            v["repetitions"].as_u64().unwrap(),
            v["interval_days"].as_u64().unwrap(),
            v["lapses"].as_u64().unwrap(),
        ));
        day = v["due"].as_str().unwrap().to_owned();
    }
    assert_eq!(
        rows,
        [
            (1, 1, 0),
            (2, 6, 0),
            (3, 16, 0),
            (4, 42, 0),
            (0, 1, 1),
            (1, 1, 1),
            (2, 6, 1),
            (3, 17, 1)
        ]
    );

    // Same-day repeats change nothing, but are logged as repeats.
    let env = Env::new();
    env.review(ITEM, 5, "2026-01-01");
    let first = env.review(ITEM, 3, "2026-01-02");
    let repeat = env.review(ITEM, 1, "2026-01-02T20:00:00Z");
    assert_eq!(repeat["kind"], "repeat");
    assert_eq!(repeat["repeat_pending"], true);
    for field in ["repetitions", "easiness", "interval_days", "due", "lapses"] {
        assert_eq!(first[field], repeat[field], "{field}");
    }
    assert_eq!(repeat["reviews"], 2);
    // 03:00 the next morning is still the same study day.
    let late = env.review(ITEM, 4, "2026-01-03T03:00:00Z");
    assert_eq!(late["kind"], "repeat");
    assert_eq!(late["repeat_pending"], false);
}

#[test]
fn a_review_twenty_days_late_keeps_the_interval_and_logs_the_lateness() {
    let env = Env::new();
    env.review(ITEM, 5, "2026-01-01");
    env.review(ITEM, 5, "2026-01-02");
    let late = env.review(ITEM, 5, "2026-01-28");
    assert_eq!(late["days_late"], 20);
    assert_eq!(late["interval_days"], 17);
    assert_eq!(env.log_events()[2]["days_late"], 20);
}

#[test]
fn a_second_writer_gets_a_clear_error_and_readers_keep_working() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let before = env.files();
    // Another process holds the profile (as a study session would).
    let lock = OpenOptions::new()
        .write(true)
        .open(env.user_dir("default").join("lock"))
        .unwrap();
    lock.lock().unwrap();
    env.recall()
        .args(["review", ITEM, "--grade", "5", "--now", "2026-01-02"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: profile 'default' is in use by another recall process",
        ));
    assert_eq!(env.files(), before, "a refused writer changed a file");
    env.recall()
        .args(["due", "--now", "2026-01-02"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 due"));
    env.recall().args(["progress", "--json"]).assert().success();
    env.recall()
        .args(["doctor"])
        .assert()
        .success()
        .stdout(predicate::str::contains("held by another recall process"));
    drop(lock);
    env.review(ITEM, 5, "2026-01-02");
    assert_eq!(env.log_events().len(), 2);
}

#[test]
fn concurrent_writers_never_lose_or_duplicate_an_answer() {
    let env = Env::new();
    let items = [
        "laxman-hokkaido",
        "rezanov-nagasaki",
        "golovnin-captured",
        "treaty-of-peking",
        "first-opium-war",
        "amur-committee",
    ];
    let children: Vec<_> = items
        .iter()
        .map(|item| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("recall"))
                .env("RECALL_DATA_DIR", env.data())
                .args([
                    "review",
                    &format!("japan-russia-dates/{item}"),
                    "--grade",
                    "4",
                    "--now",
                    "2026-01-01",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ok = Vec::new();
    for (item, child) in items.iter().zip(children) {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            ok.push(item.to_string());
        } else {
            assert!(
                String::from_utf8_lossy(&out.stderr)
                    .contains("is in use by another recall process")
            );
        }
    }
    let mut logged: Vec<String> = env
        .log_events()
        .iter()
        .map(|e| e["item"].as_str().unwrap().to_owned())
        .collect();
    logged.sort();
    ok.sort();
    assert_eq!(logged, ok);
    env.recall().arg("doctor").assert().success();
}

#[test]
fn kill_nine_at_any_moment_loses_nothing_that_was_reported() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut confirmed = Vec::new();
    for i in 0..40 {
        let now = format!("2026-01-02T{:02}:{:02}:00Z", 4 + i / 60, i % 60);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("recall"))
            .env("RECALL_DATA_DIR", env.data())
            .args(["review", ITEM, "--grade", "3", "--now", &now])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Fault injection, not synchronisation: kill at a random point of the run.
        std::thread::sleep(Duration::from_micros(rng.random_range(0..20_000)));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            confirmed.push(now.clone());
        }
        // The profile always opens afterwards.
        env.recall()
            .args(["due", "--now", "2026-01-02"])
            .assert()
            .success();
    }
    eprintln!(
        "kill loop: {} of 40 runs finished before the kill",
        confirmed.len()
    );
    env.recall()
        .args([
            "review",
            ITEM,
            "--grade",
            "4",
            "--now",
            "2026-01-02T23:00:00Z",
        ])
        .assert()
        .success();
    let logged: Vec<String> = env
        .log_events()
        .iter()
        .map(|e| e["ts"].as_str().unwrap().to_owned())
        .collect();
    for ts in &confirmed {
        assert!(
            logged.contains(ts),
            "answer at {ts} was confirmed but is not in the log"
        );
    }
    let mut unique = logged.clone();
    unique.dedup();
    assert_eq!(unique.len(), logged.len(), "an answer was logged twice");
    env.recall().arg("doctor").assert().success();
}

#[test]
fn a_crash_in_the_middle_of_a_line_is_set_aside_with_a_warning() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let good = fs::read(env.log()).unwrap();
    env.recall()
        .env("RECALL_FAILPOINTS", "crash-mid-append")
        .args(["review", ITEM, "--grade", "5", "--now", "2026-01-02"])
        .assert()
        .failure();
    assert!(
        fs::read(env.log()).unwrap().len() > good.len(),
        "the crash left half a line"
    );
    env.recall()
        .args(["review", ITEM, "--grade", "5", "--now", "2026-01-02"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("warning: the last line of")
                .and(predicate::str::contains("was cut off by a crash")),
        );
    let side = fs::read_to_string(env.user_dir("default").join("log.jsonl.torn")).unwrap();
    assert!(side.starts_with("{\"ts\":\"2026-01-02T12:00:00Z\""));
    assert_eq!(env.log_events().len(), 2);
    env.recall().arg("doctor").assert().success();
}

#[test]
fn a_crash_after_the_fsync_keeps_the_answer() {
    let env = Env::new();
    env.recall()
        .env("RECALL_FAILPOINTS", "crash-after-append")
        .args(["review", ITEM, "--grade", "5", "--now", "2026-01-01"])
        .assert()
        .failure();
    assert_eq!(env.log_events().len(), 1);
    let v = env.review(ITEM, 5, "2026-01-02");
    assert_eq!(v["repetitions"], 2);
}

#[test]
fn a_damaged_line_in_the_middle_stops_everything_and_changes_nothing() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    env.review(ITEM, 4, "2026-01-02");
    let mut lines: Vec<String> = fs::read_to_string(env.log())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.insert(2, "{\"ts\": garbage".to_owned());
    fs::write(env.log(), lines.join("\n") + "\n").unwrap();
    fs::remove_file(env.snapshot()).unwrap();
    let before = env.files();
    for args in [
        vec!["review", ITEM, "--grade", "4", "--now", "2026-01-08"],
        vec!["due"],
        vec!["progress"],
    ] {
        env.recall().args(&args).assert().code(1).stderr(
            predicate::str::contains("log.jsonl:3:").and(predicate::str::contains("recall doctor")),
        );
        assert_eq!(env.files(), before, "{args:?} changed a file");
    }
    env.recall()
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("log.jsonl:3:"));
    env.recall()
        .args(["doctor", "--repair", "--now", "2026-01-08T10:00:00Z"])
        .assert()
        .success()
        .stdout(predicate::str::contains("backed up"));
    let dir = env.user_dir("default");
    let backup = fs::read_to_string(dir.join("log.jsonl.bak-20260108T100000Z")).unwrap();
    assert!(backup.contains("garbage"));
    let rejected = fs::read_to_string(dir.join("log.jsonl.rejected-20260108T100000Z")).unwrap();
    assert_eq!(rejected.trim(), "{\"ts\": garbage");
    assert_eq!(env.log_events().len(), 2);
    env.recall().arg("doctor").assert().success();
    let v = env.review(ITEM, 4, "2026-01-08");
    assert_eq!(v["repetitions"], 3);
}

#[test]
fn a_missing_or_damaged_snapshot_is_rebuilt_from_the_log() {
    let env = Env::new();
    for (i, g) in [4, 5, 3].iter().enumerate() {
        env.review(ITEM, *g, &format!("2026-01-0{}", i + 1));
    }
    let progress = || {
        env.recall()
            .args([
                "progress",
                ITEM.split('/').next().unwrap(),
                "--json",
                "--now",
                "2026-01-04",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let expected = progress();
    fs::remove_file(env.snapshot()).unwrap();
    assert_eq!(progress(), expected);
    fs::write(env.snapshot(), "{ not json").unwrap();
    env.recall()
        .args(["due", "--now", "2026-01-04"])
        .assert()
        .success()
        .stderr(predicate::str::contains("was damaged").and(predicate::str::contains("rebuilt")));
    assert_eq!(progress(), expected);
    // A writer replaces the damaged snapshot.
    env.review(ITEM, 4, "2026-01-10");
    let snap: serde_json::Value =
        serde_json::from_slice(&fs::read(env.snapshot()).unwrap()).unwrap();
    assert_eq!(snap["recall_state"], 1);
}

#[test]
fn newer_formats_are_refused_with_a_reason() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let snapshot = fs::read(env.snapshot()).unwrap();
    fs::write(env.snapshot(), r#"{"recall_state": 2, "shiny": []}"#).unwrap();
    env.recall().arg("due").assert().code(1).stderr(
        predicate::str::contains("written by a newer version of recall")
            .and(predicate::str::contains("state snapshot format 2")),
    );
    fs::write(env.snapshot(), snapshot).unwrap();
    let log = fs::read_to_string(env.log()).unwrap();
    fs::write(
        env.log(),
        log.replacen("{\"recall_log\":1}", "{\"recall_log\":2}", 1),
    )
    .unwrap();
    fs::remove_file(env.snapshot()).unwrap();
    env.recall()
        .args(["review", ITEM, "--grade", "4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("review log format 2"));
}

#[test]
fn bad_user_names_are_refused_before_any_file_is_touched() {
    let env = Env::new();
    let data = env.data().join("fresh");
    for bad in ["../evil", "a/b", "", ".hidden", "-x", "x y"] {
        env.recall()
            .arg("--data-dir")
            .arg(&data)
            .arg(format!("--user={bad}"))
            .args(["review", ITEM, "--grade", "4"])
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with("error: user name"));
        assert!(!data.exists(), "user {bad:?} created the data directory");
    }
    assert!(!env.data().join("evil").exists());
}

#[test]
fn a_full_disk_or_read_only_directory_leaves_the_files_intact() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let before = env.files();
    env.recall()
        .env("RECALL_FAILPOINTS", "append-full")
        .args(["review", ITEM, "--grade", "4", "--now", "2026-01-02"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the disk is full"));
    assert_eq!(env.files(), before, "a failed append left a trace");

    let fresh = Env::new();
    fresh
        .recall()
        .env("RECALL_FAILPOINTS", "readonly")
        .args(["review", ITEM, "--grade", "4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"));
    assert!(fresh.files().is_empty());

    // A snapshot that cannot be written is only a warning: the answer is in the log.
    fs::remove_file(env.snapshot()).unwrap();
    env.recall()
        .env("RECALL_FAILPOINTS", "snapshot-full")
        .args(["review", ITEM, "--grade", "4", "--now", "2026-01-02"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: cannot write the state snapshot",
        ));
    assert_eq!(env.log_events().len(), 2);
    assert!(!env.snapshot().exists());
}

#[test]
fn unknown_items_get_the_closest_ids() {
    let env = Env::new();
    env.recall()
        .args(["review", "laxman-hokaido", "--grade", "4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no item 'laxman-hokaido'").and(
            predicate::str::contains("japan-russia-dates/laxman-hokkaido"),
        ));
    env.recall()
        .args(["review", "nosuchdeck/laxman", "--grade", "4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no deck 'nosuchdeck'"));
    assert!(env.files().is_empty());
}

#[test]
fn due_and_progress_report_json_contracts() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    env.review("japan-russia-dates/rezanov-nagasaki", 1, "2026-01-01");
    let v = env.json(&["due", "--json", "--now", "2026-01-02"]);
    assert_eq!(v["user"], "default");
    assert_eq!(v["today"], "2026-01-02");
    assert_eq!(v["decks"][0]["deck"], "japan-russia-dates");
    assert_eq!(v["decks"][0]["due"], 2);
    assert_eq!(v["decks"][0]["overdue"], 0);
    assert_eq!(v["decks"][0]["new_available"], 20);
    assert_eq!(v["forecast"].as_array().unwrap().len(), 8);
    assert_eq!(v["forecast"][0]["due"], 2);

    let v = env.json(&["progress", "--json", "--now", "2026-01-02"]);
    let items = v["items"].as_array().unwrap();
    let lax = items
        .iter()
        .find(|i| i["item"] == "laxman-hokkaido")
        .unwrap();
    assert_eq!(lax["status"], "learning");
    assert_eq!(lax["easiness"], 2.5);
    assert_eq!(lax["due"], "2026-01-02");
    assert_eq!(lax["reviews"], 1);
    let new = items
        .iter()
        .find(|i| i["item"] == "treaty-of-peking")
        .unwrap();
    assert_eq!(new["status"], "new");
    assert!(new["due"].is_null() && new["easiness"].is_null());
}

#[test]
fn the_snapshot_spares_start_up_from_reading_the_history() {
    use recall::model::{DeckId, ItemId, UserName};
    use recall::progress::{Mode, ReviewEvent};
    use recall::sched::{ReviewKind, Scheduler, Sm2};
    use recall::store::{Paths, Profile, SNAPSHOT_EVERY};

    let env = Env::new();
    let paths = Paths::new(env.data().to_owned());
    let user = UserName::new("default").unwrap();
    let deck = DeckId::new("big").unwrap();
    let mut profile = Profile::open_write(&paths, &user, Duration::ZERO).unwrap();
    let day = "2026-01-01".parse().unwrap();
    for i in 0..=SNAPSHOT_EVERY {
        let item = ItemId::parse(&format!("item-{i}")).unwrap();
        let out = Sm2::default().review(None, 4u8.try_into().unwrap(), day);
        profile
            .record(&ReviewEvent {
                ts: "2026-01-01T12:00:00Z".parse().unwrap(),
                day,
                deck: deck.clone(),
                item,
                grade: 4u8.try_into().unwrap(),
                mode: Mode::Script,
                kind: ReviewKind::Review,
                response_ms: None,
                days_late: 0,
                before: None,
                after: Some(out.after),
            })
            .unwrap();
        assert!(profile.checkpoint_if_due().is_none());
    }
    drop(profile);
    // Damage a line the snapshot covers: start-up does not read it (it
    // trusts the snapshot, whose fingerprint still matches the log's end)...
    let text = fs::read_to_string(env.log()).unwrap();
    let damaged = text.replacen("\"item\":\"item-5\"", "\"item\":\"ITEM!5\"", 1);
    assert_ne!(text, damaged);
    fs::write(env.log(), damaged).unwrap();
    let profile = Profile::open_read(&paths, &user).unwrap();
    assert_eq!(profile.progress().len() as u64, SNAPSHOT_EVERY + 1);
    // ...while doctor reads the whole log and finds it.
    env.recall()
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("log.jsonl:7:"));
}

#[test]
fn the_log_is_appended_and_flushed_line_by_line() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    let mut f = OpenOptions::new().append(true).open(env.log()).unwrap();
    // A line left unfinished by a crash, without its newline.
    f.write_all(b"{\"ts\":\"2026-01-01T13:00:00Z\",\"day\":")
        .unwrap();
    drop(f);
    // Readers ignore the unfinished line and change nothing.
    let before = env.files();
    env.recall()
        .args(["due", "--now", "2026-01-02"])
        .assert()
        .success();
    assert_eq!(env.files(), before);
}

#[test]
fn a_snapshot_holding_answers_the_log_lost_is_kept_aside() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    env.review("japan-russia-dates/rezanov-nagasaki", 4, "2026-01-01");
    let snapshot = fs::read(env.snapshot()).unwrap();
    // The log cut back to its header, by hand or by a bad tool.
    let log = fs::read_to_string(env.log()).unwrap();
    fs::write(env.log(), log.lines().next().unwrap().to_owned() + "\n").unwrap();
    env.recall()
        .args(["review", ITEM, "--grade", "5", "--now", "2026-01-02"])
        .assert()
        .success()
        .stderr(predicate::str::contains("does not match the review log"));
    let kept = fs::read(env.user_dir("default").join("state.json.stale")).unwrap();
    assert_eq!(kept, snapshot, "the old snapshot was kept, byte for byte");
}

#[test]
fn json_output_into_a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    let cards: Vec<String> = (0..3000)
        .map(|i| format!(r#"{{"id": "c{i}", "kind": "basic", "front": "Question {i}?", "back": "Answer {i}"}}"#))
        .collect();
    let deck = common::write_deck(
        env.data(),
        "big.json",
        &format!(
            r#"{{"recall_deck": 1, "id": "big", "title": "Big", "cards": [{}]}}"#,
            cards.join(",")
        ),
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("recall"))
        .env("RECALL_DATA_DIR", env.data())
        .arg("progress")
        .arg(&deck)
        .arg("--json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn due_counts_new_items_as_a_session_would() {
    let env = Env::new();
    let deck = common::write_deck(
        env.data(),
        "s.json",
        r#"{"recall_deck": 1, "id": "s", "title": "S", "cards": [
            {"id": "a", "kind": "cloze", "text": "{{c1::x}} {{c2::y}} {{c3::z}}"},
            {"id": "b", "kind": "basic", "front": "B?", "back": "b", "reverse": true}
        ]}"#,
    );
    let out = env
        .recall()
        .args(["due"])
        .arg(&deck)
        .args(["--json", "--now", "2026-01-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let due: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        due["decks"][0]["new_available"], 2,
        "5 items, but 2 cards: one item of each a day"
    );
}

#[test]
fn doctor_on_a_profile_that_does_not_exist_says_so() {
    let env = Env::new();
    env.review(ITEM, 4, "2026-01-01");
    env.recall()
        .args(["--user", "defualt", "doctor"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("no profile 'defualt'")
                .and(predicate::str::contains("profiles here: default")),
        );
    assert!(!env.user_dir("defualt").exists());
}
