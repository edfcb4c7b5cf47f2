//! `recall deck check` through the real binary.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn recall() -> Command {
    Command::cargo_bin("recall").unwrap()
}

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

const GOOD: &str = r#"{
  "recall_deck": 1,
  "id": "good",
  "title": "A good deck",
  "cards": [
    { "id": "a", "kind": "basic", "front": "Q", "back": "A", "reverse": true },
    { "id": "b", "kind": "cloze", "text": "{{c1::x}} and {{c2::y}}" },
    { "id": "c", "kind": "date", "event": "E", "year": 1855 }
  ]
}
"#;

#[test]
fn a_clean_deck_prints_a_summary() {
    let dir = TempDir::new().unwrap();
    let good = write(&dir, "good.json", GOOD);
    recall()
        .args(["deck", "check", &good])
        .assert()
        .success()
        .stdout("ok: 1 deck, 3 cards, 5 study items\n");
}

#[test]
fn every_problem_in_every_file_is_reported() {
    let dir = TempDir::new().unwrap();
    let bad = write(
        &dir,
        "bad.json",
        r#"{
  "recall_deck": 1,
  "id": "bad",
  "title": "Bad",
  "cards": [
    { "id": "laxman", "kind": "basic", "fornt": "Who?", "back": "Adam Laxman" },
    { "id": "laxman", "kind": "date", "event": "Laxman lands", "year": 1792 },
    { "id": "portsmouth", "kind": "cloze", "text": "The treaty of {{c1::Portsmouth}" }
  ]
}
"#,
    );
    let comma = write(
        &dir,
        "comma.json",
        "{\n  \"recall_deck\": 1,\n  \"id\": \"c\",\n  \"title\": \"C\",\n  \"cards\": [],\n}\n",
    );
    let good = write(&dir, "good.json", GOOD);
    let assert = recall()
        .args(["deck", "check", &bad, &comma, &good])
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(out.contains(&format!(
        "{bad}: card 'laxman': unknown field `fornt` (line 6); did you mean `front`?"
    )));
    assert!(out.contains(&format!("{bad}: card 'laxman': duplicate id")));
    assert!(out.contains(&format!(
        "{bad}: card 'portsmouth': the cloze text has a deletion that is not closed"
    )));
    assert!(
        out.contains(&format!("{comma}:5:14: trailing comma before '}}'")),
        "{out}"
    );
    assert!(!out.contains("good.json"));
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn unreadable_files_are_errors_not_panics() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("missing.json");
    let binary = dir.path().join("latin1.json");
    fs::write(&binary, b"{\"title\": \"caf\xe9\"}").unwrap();
    let big = dir.path().join("big.json");
    fs::write(&big, vec![b' '; 20 * 1024 * 1024 + 1]).unwrap();
    let good = write(&dir, "good.json", GOOD);
    recall()
        .args(["deck", "check"])
        .arg(&missing)
        .arg(dir.path())
        .arg(&binary)
        .arg(&big)
        .arg(&good)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no such file"))
        .stderr(predicate::str::contains("is a directory"))
        .stderr(predicate::str::contains("is not UTF-8"))
        .stderr(predicate::str::contains("larger than the 20 MB limit"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_newer_format_is_refused() {
    let dir = TempDir::new().unwrap();
    let newer = write(
        &dir,
        "newer.json",
        r#"{"recall_deck": 2, "id": "n", "title": "N", "cards": [], "wormholes": true}"#,
    );
    recall()
        .args(["deck", "check", &newer])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("format 2, which is newer"))
        .stdout(predicate::str::contains("wormholes").not());
}

#[test]
fn json_output_is_one_document() {
    let dir = TempDir::new().unwrap();
    let good = write(&dir, "good.json", GOOD);
    let bad = write(
        &dir,
        "bad.json",
        r#"{"recall_deck": 1, "id": "b", "title": "B", "cards": [{"id": "x", "kind": "date", "event": "E", "year": "1900"}]}"#,
    );
    let out = recall()
        .args(["deck", "check", "--json", &good, &bad])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["decks"], 1);
    assert_eq!(v["items"], 5);
    assert_eq!(v["files"][1]["problems"][0]["line"], 1);
    assert_eq!(v["files"][1]["problems"][0]["card"], "x");
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let commands = [
        "study",
        "quiz",
        "review",
        "progress",
        "due",
        "stats",
        "users",
        "where",
        "doctor",
        "completions",
        "derive",
    ];
    let deck_commands = [
        "check", "schema", "install", "list", "show", "remove", "export", "import",
    ];
    let mut all: Vec<Vec<&str>> = vec![vec!["--help"], vec!["deck", "--help"]];
    all.extend(commands.iter().map(|c| vec![*c, "--help"]));
    all.extend(deck_commands.iter().map(|c| vec!["deck", *c, "--help"]));
    for args in all {
        recall()
            .args(&args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn the_schema_command_prints_the_schema() {
    let out = recall()
        .args(["deck", "schema"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["title"], "recall deck, format 1");
}
