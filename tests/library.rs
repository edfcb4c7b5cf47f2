//! The deck library through the real binary: installs, updates that keep
//! progress, removal, and spreadsheets in and out.

mod common;

use std::fs;

use common::{Env, write_deck};
use predicates::prelude::*;

fn deck(version: &str, cards: &[(&str, &str)]) -> String {
    let cards: Vec<String> = cards
        .iter()
        .map(|(id, back)| {
            format!(
                r#"{{"id": "{id}", "kind": "basic", "front": "{} ?", "back": "{back}"}}"#,
                id.to_uppercase()
            )
        })
        .collect();
    format!(
        r#"{{"recall_deck": 1, "id": "history", "title": "History", "version": "{version}", "cards": [{}]}}"#,
        cards.join(",")
    )
}

fn progress(env: &Env, now: &str) -> serde_json::Value {
    let out = env
        .recall()
        .args(["progress", "history", "--json", "--now", now])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn item<'a>(p: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == id)
}

#[test]
fn an_update_keeps_progress_on_every_card_that_stays() {
    let env = Env::new();
    let v1 = write_deck(
        env.data(),
        "v1.json",
        &deck("1.0.0", &[("a", "a"), ("b", "b"), ("c", "c")]),
    );
    let v2 = write_deck(
        env.data(),
        "v2.json",
        &deck("1.1.0", &[("a", "a"), ("b", "bee"), ("d", "d")]),
    );
    env.recall()
        .args(["deck", "install"])
        .arg(&v1)
        .assert()
        .success()
        .stdout(predicate::str::contains("installed 'history' 1.0.0"));
    for (id, grade) in [("a", 4), ("b", 5), ("c", 3)] {
        env.review(&format!("history/{id}"), grade, "2026-01-01");
    }
    env.review("history/a", 5, "2026-01-02");
    let before = progress(&env, "2026-01-03");

    env.recall()
        .args(["deck", "install"])
        .arg(&v2)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "updated 'history' from 1.0.0 to 1.1.0",
        ))
        .stdout(predicate::str::contains("added    1 card(s): d"))
        .stdout(predicate::str::contains(
            "changed  1 card(s), progress kept: b",
        ))
        .stdout(predicate::str::contains(
            "removed  1 card(s), progress kept (hidden) in case they come back: c",
        ));
    let after = progress(&env, "2026-01-03");
    assert_eq!(
        item(&after, "a"),
        item(&before, "a"),
        "an unchanged card keeps its progress"
    );
    assert_eq!(
        item(&after, "b"),
        item(&before, "b"),
        "a changed card keeps its progress"
    );
    assert!(item(&after, "c").is_none(), "a removed card is hidden");
    assert_eq!(item(&after, "d").unwrap()["status"], "new");
    // Hidden cards are not due either.
    let due = env.json(&["due", "history", "--json", "--now", "2026-01-03"]);
    assert_eq!(
        due["decks"][0]["due"], 1,
        "b only: a is due later, c is hidden"
    );
    assert_eq!(due["decks"][0]["new_available"], 1);

    // The card comes back in 1.2.0, with its progress.
    let v3 = write_deck(
        env.data(),
        "v3.json",
        &deck("1.2.0", &[("a", "a"), ("b", "bee"), ("c", "c"), ("d", "d")]),
    );
    env.recall()
        .args(["deck", "install"])
        .arg(&v3)
        .assert()
        .success()
        .stdout(predicate::str::contains("added    1 card(s): c"));
    let back = progress(&env, "2026-01-03");
    assert_eq!(item(&back, "c"), item(&before, "c"));
}

#[test]
fn an_older_version_needs_force() {
    let env = Env::new();
    let v1 = write_deck(env.data(), "v1.json", &deck("1.0.0", &[("a", "a")]));
    let v2 = write_deck(
        env.data(),
        "v2.json",
        &deck("2.0.0", &[("a", "a"), ("b", "b")]),
    );
    let same_version = write_deck(env.data(), "v2b.json", &deck("2.0.0", &[("a", "x")]));
    env.recall()
        .args(["deck", "install"])
        .arg(&v2)
        .assert()
        .success();
    let before = env.files();
    env.recall()
        .args(["deck", "install"])
        .arg(&v1)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "'history' 2.0.0 is installed, and this file is the older 1.0.0; use --force",
        ));
    env.recall()
        .args(["deck", "install"])
        .arg(&same_version)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "raise `version` in the file (to 2.0.1)",
        ));
    assert_eq!(env.files(), before, "a refused install changed a file");
    env.recall()
        .args(["deck", "install"])
        .arg(&v2)
        .assert()
        .success()
        .stdout(predicate::str::contains("already installed"));
    env.recall()
        .args(["deck", "install", "--force"])
        .arg(&v1)
        .assert()
        .success();
    let list = env.json(&["deck", "list", "--json"]);
    let history = list["decks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "history")
        .unwrap();
    assert_eq!(history["version"], "1.0.0");
    assert_eq!(history["origin"], "installed");
    assert_eq!(history["cards"], 1);
    let dates = list["decks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "japan-russia-dates")
        .unwrap();
    assert_eq!(dates["origin"], "bundled");
    assert_eq!(dates["new_available"], 20);
}

#[test]
fn removing_a_deck_keeps_progress_unless_purged() {
    let env = Env::new();
    let v1 = write_deck(
        env.data(),
        "v1.json",
        &deck("1.0.0", &[("a", "a"), ("b", "b")]),
    );
    env.recall()
        .args(["deck", "install"])
        .arg(&v1)
        .assert()
        .success();
    env.review("history/a", 4, "2026-01-01");
    env.review("japan-russia-dates/laxman-hokkaido", 4, "2026-01-01");
    env.recall()
        .args(["deck", "remove", "history"])
        .assert()
        .success()
        .stdout(predicate::str::contains("progress on it is kept"));
    assert_eq!(env.log_events().len(), 2);
    env.recall()
        .args(["deck", "install"])
        .arg(&v1)
        .assert()
        .success();
    assert_eq!(
        item(&progress(&env, "2026-01-02"), "a").unwrap()["status"],
        "learning"
    );
    env.recall()
        .args(["deck", "remove", "history", "--purge"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("add --yes to confirm"));
    env.recall()
        .args([
            "deck",
            "remove",
            "history",
            "--purge",
            "--yes",
            "--now",
            "2026-01-02T10:00:00Z",
        ])
        .assert()
        .success();
    let events = env.log_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["deck"], "japan-russia-dates");
    assert!(
        env.user_dir("default")
            .join("log.jsonl.bak-20260102T100000Z")
            .exists()
    );
    env.recall()
        .args(["deck", "remove", "japan-russia-dates"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bundled deck"));
    env.recall()
        .args(["deck", "remove", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no installed deck 'nope'"));
}

#[test]
fn csv_and_tsv_round_trip_to_the_same_cards() {
    let env = Env::new();
    for format in ["csv", "tsv"] {
        let sheet = env.data().join(format!("facts.{format}"));
        env.recall()
            .args([
                "deck",
                "export",
                "japan-russia-facts",
                "--format",
                format,
                "-o",
            ])
            .arg(&sheet)
            .assert()
            .success();
        let json = env.data().join(format!("facts-{format}.json"));
        env.recall()
            .args(["deck", "import"])
            .arg(&sheet)
            .args([
                "--id",
                "japan-russia-facts",
                "--title",
                "Japan and Russia, 1778–1917: facts",
                "-o",
            ])
            .arg(&json)
            .assert()
            .success();
        let original = env.json(&["deck", "export", "japan-russia-facts"]);
        let back: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(back["cards"], original["cards"], "{format}");
        env.recall()
            .args(["deck", "check"])
            .arg(&json)
            .assert()
            .success();
    }
}

#[test]
fn a_plain_spreadsheet_becomes_a_deck() {
    let env = Env::new();
    let sheet = env.data().join("Week 3 vocab.csv");
    fs::write(&sheet, "Hokkaidō,the northern island,places\n\"Treaty, 1905\",\"Portsmouth,\nNew Hampshire\",treaties 1905\n").unwrap();
    let out = env
        .recall()
        .args(["deck", "import"])
        .arg(&sheet)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let deck: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(deck["id"], "week-3-vocab");
    assert_eq!(deck["title"], "Week 3 vocab");
    assert_eq!(deck["cards"][1]["back"], "Portsmouth,\nNew Hampshire");
    assert_eq!(
        deck["cards"][1]["tags"],
        serde_json::json!(["treaties", "1905"])
    );
}

#[test]
fn malformed_rows_are_reported_by_line_and_nothing_is_written() {
    let env = Env::new();
    let sheet = env.data().join("bad.csv");
    fs::write(
        &sheet,
        "front,back,tags\nGood,row,\n,missing front,\nmissing back,,\n",
    )
    .unwrap();
    let out = env.data().join("bad.json");
    env.recall()
        .args(["deck", "import"])
        .arg(&sheet)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("bad.csv:3: the front is empty"))
        .stdout(predicate::str::contains("bad.csv:4: the back is empty"))
        .stderr(predicate::str::contains("2 problems"));
    assert!(!out.exists());
    let latin1 = env.data().join("latin1.csv");
    fs::write(&latin1, b"front,back\ncaf\xe9,coffee\n").unwrap();
    env.recall()
        .args(["deck", "import"])
        .arg(&latin1)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is not UTF-8 text (invalid byte at line 2)",
        ));
    env.recall()
        .args(["deck", "import", "notes.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is not a .csv, .tsv or .apkg file",
        ));
}

#[test]
fn untrusted_decks_are_checked_before_anything_is_written() {
    let env = Env::new();
    let evil = write_deck(
        env.data(),
        "evil.json",
        r#"{"recall_deck": 1, "id": "../../etc", "title": "x", "cards": []}"#,
    );
    env.recall()
        .args(["deck", "install"])
        .arg(&evil)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "deck id \"../../etc\" is not valid",
        ));
    let broken = write_deck(
        env.data(),
        "broken.json",
        r#"{"recall_deck": 1, "id": "ok", "title": "x", "cards": [{"id": "a", "kind": "basic"}]}"#,
    );
    env.recall()
        .args(["deck", "install"])
        .arg(&broken)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing `front`"));
    assert!(!env.data().join("library").exists());
}

#[test]
fn an_anki_round_trip_keeps_cards_and_schedule() {
    let env = Env::new();
    env.review("japan-russia-dates/laxman-hokkaido", 5, "2026-01-01");
    env.review("japan-russia-dates/laxman-hokkaido", 4, "2026-01-02");
    let package = env.data().join("dates.apkg");
    env.recall()
        .args([
            "deck",
            "export",
            "japan-russia-dates",
            "--format",
            "apkg",
            "--with-progress",
            "--now",
            "2026-01-03",
            "-o",
        ])
        .arg(&package)
        .assert()
        .success();
    let json = env.data().join("dates.json");
    env.recall()
        .args([
            "--user",
            "bob",
            "deck",
            "import",
            "--with-progress",
            "--now",
            "2026-01-03",
            "-o",
        ])
        .arg(&json)
        .arg(&package)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "imported 43 cards ('japan-russia-dates')",
        ))
        .stderr(predicate::str::contains(
            "brought Anki's schedule for 1 item(s) into the progress of 'bob'",
        ));
    let deck: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(deck["cards"].as_array().unwrap().len(), 43);
    let progress = |user: &str| {
        let v = env.json(&[
            "--user",
            user,
            "progress",
            "japan-russia-dates",
            "--json",
            "--now",
            "2026-01-03",
        ]);
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["item"] == "laxman-hokkaido")
            .unwrap()
            .clone()
    };
    let (mine, bobs) = (progress("default"), progress("bob"));
    for field in ["interval_days", "due", "easiness", "lapses", "last_review"] {
        assert_eq!(mine[field], bobs[field], "{field}");
    }
    // A binary package is not written to a terminal, and a spreadsheet has no schedule.
    env.recall()
        .args([
            "deck",
            "export",
            "japan-russia-dates",
            "--format",
            "csv",
            "--with-progress",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--with-progress goes with --format apkg",
        ));
}

#[test]
fn anki_packages_from_elsewhere_import_with_warnings() {
    let env = Env::new();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/anki/genanki.apkg"
    );
    let out = env
        .recall()
        .args(["deck", "import", fixture])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: note type 'Vocab'"))
        .stderr(predicate::str::contains(
            "media file(s) are referenced but not imported",
        ))
        .get_output()
        .stdout
        .clone();
    let deck: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let path = write_deck(
        env.data(),
        "geo.json",
        &serde_json::to_string(&deck).unwrap(),
    );
    env.recall()
        .args(["deck", "check"])
        .arg(&path)
        .assert()
        .success();
    let broken = env.data().join("broken.apkg");
    fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    env.recall()
        .args(["deck", "import"])
        .arg(&broken)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: "));
}

#[test]
fn two_purges_in_one_second_keep_both_backups() {
    let env = Env::new();
    for id in ["t1", "t2"] {
        let deck = write_deck(
            env.data(),
            &format!("{id}.json"),
            &format!(
                r#"{{"recall_deck": 1, "id": "{id}", "title": "T", "cards": [{{"id": "a", "kind": "basic", "front": "A?", "back": "a"}}]}}"#
            ),
        );
        env.recall()
            .args(["deck", "install"])
            .arg(&deck)
            .assert()
            .success();
        env.review(&format!("{id}/a"), 4, "2026-03-01");
    }
    for id in ["t1", "t2"] {
        env.recall()
            .args([
                "deck",
                "remove",
                id,
                "--purge",
                "--yes",
                "--now",
                "2026-03-01T10:00:00Z",
            ])
            .assert()
            .success();
    }
    let dir = env.user_dir("default");
    let first = fs::read_to_string(dir.join("log.jsonl.bak-20260301T100000Z")).unwrap();
    let second = fs::read_to_string(dir.join("log.jsonl.bak-20260301T100000Z-2")).unwrap();
    assert!(
        first.contains("\"deck\":\"t1\""),
        "the first backup holds t1's answers"
    );
    assert!(second.contains("\"deck\":\"t2\"") && !second.contains("\"deck\":\"t1\""));
}

#[test]
fn a_deck_replacing_a_bundled_one_hides_the_cards_it_drops() {
    let env = Env::new();
    env.review("japan-russia-dates/laxman-hokkaido", 4, "2026-03-01");
    env.review("japan-russia-dates/rezanov-nagasaki", 4, "2026-03-01");
    let bundled = env
        .recall()
        .args(["deck", "export", "japan-russia-dates"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut deck: serde_json::Value = serde_json::from_slice(&bundled).unwrap();
    deck["version"] = "1.0.1".into();
    deck["cards"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["id"] != "laxman-hokkaido");
    let path = write_deck(env.data(), "dates.json", &deck.to_string());
    env.recall()
        .args(["deck", "install"])
        .arg(&path)
        .assert()
        .success();
    let due = env.json(&["due", "--json", "--now", "2026-03-02"]);
    assert_eq!(
        due["decks"][0]["due"], 1,
        "only rezanov: laxman left the deck"
    );
}
