//! `recall derive` through the real binary, on documents the tests write.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn recall() -> Command {
    Command::cargo_bin("recall").unwrap()
}

const DOC: &str = "\
The Northern Straits

Two small kingdoms shared the straits for centuries. Their first treaty came late.

Early contacts (1610–1700)

In 1642, Admiral Hana Moreau reached the Bay of Lusk with 300 sailors. \
Trade was banned from 1650 to 1662, and perhaps 100,000 settlers left.

The long peace

The Treaty of Grey Harbour of 1688 fixed the border at the 41st parallel. \
The 1690s were quiet, and the war of 1698-1699 was short. \
For 11 years nothing changed.
";

fn derive(dir: &TempDir) -> serde_json::Value {
    let doc = dir.path().join("straits.txt");
    fs::write(&doc, DOC).unwrap();
    let out = recall()
        .arg("derive")
        .arg(&doc)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn a_document_gives_date_and_cloze_cards() {
    let dir = TempDir::new().unwrap();
    let deck = derive(&dir);
    assert_eq!(deck["title"], "The Northern Straits");
    assert_eq!(deck["id"], "the-northern-straits");
    let cards = deck["cards"].as_array().unwrap();
    let dates: Vec<(i64, Option<i64>, bool)> = cards
        .iter()
        .filter(|c| c["kind"] == "date")
        .map(|c| {
            (
                c["year"].as_i64().unwrap(),
                c["end_year"].as_i64(),
                c["approximate"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        dates,
        [
            (1610, Some(1700), false),
            (1642, None, false),
            (1650, Some(1662), false),
            (1688, None, false),
            (1690, Some(1699), true),
            (1698, Some(1699), false),
        ]
    );
    let clozes: Vec<&str> = cards
        .iter()
        .filter(|c| c["kind"] == "cloze")
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert!(
        clozes
            .iter()
            .any(|t| t.contains("{{c1::Admiral Hana Moreau}}")),
        "{clozes:?}"
    );
    assert!(
        clozes.iter().any(|t| t.contains("{{c2::Bay of Lusk}}")),
        "{clozes:?}"
    );
    assert!(
        clozes
            .iter()
            .any(|t| t.contains("{{c1::Treaty of Grey Harbour}}")),
        "{clozes:?}"
    );
    let moreau = cards.iter().find(|c| c["year"] == 1642).unwrap();
    assert_eq!(moreau["section"], "Early contacts (1610–1700)");
    assert_eq!(moreau["tags"][0], "1610-1700");
    assert!(!moreau["event"].as_str().unwrap().contains("1642"));
    let peace = cards.iter().find(|c| c["year"] == 1688).unwrap();
    assert_eq!(peace["section"], "The long peace");
}

#[test]
fn the_same_document_gives_the_same_bytes_and_a_valid_deck() {
    let dir = TempDir::new().unwrap();
    let doc = dir.path().join("straits.txt");
    fs::write(&doc, DOC).unwrap();
    let run = || {
        recall()
            .arg("derive")
            .arg(&doc)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let first = run();
    assert_eq!(first, run());
    let out = dir.path().join("deck.json");
    fs::write(&out, &first).unwrap();
    recall()
        .args(["deck", "check"])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn output_files_are_never_overwritten_without_force() {
    let dir = TempDir::new().unwrap();
    let doc = dir.path().join("straits.txt");
    fs::write(&doc, DOC).unwrap();
    let out = dir.path().join("deck.json");
    fs::write(&out, "precious").unwrap();
    recall()
        .arg("derive")
        .arg(&doc)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    assert_eq!(fs::read_to_string(&out).unwrap(), "precious");
    recall()
        .arg("derive")
        .arg(&doc)
        .args(["--id", "straits", "--title", "Straits"])
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    let deck: serde_json::Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(deck["id"], "straits");
    assert_eq!(deck["title"], "Straits");
}

#[test]
fn bad_input_is_an_error() {
    let dir = TempDir::new().unwrap();
    recall()
        .arg("derive")
        .arg(dir.path().join("nope.txt"))
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: cannot read"));
    let doc = dir.path().join("d.txt");
    fs::write(&doc, DOC).unwrap();
    recall()
        .arg("derive")
        .arg(&doc)
        .args(["--id", "Not Valid"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a valid deck id"));
}

#[test]
fn a_document_without_years_gets_a_note() {
    let dir = TempDir::new().unwrap();
    let doc = dir.path().join("plain.txt");
    fs::write(&doc, "Notes\n\nNothing here has a date.\n").unwrap();
    recall()
        .arg("derive")
        .arg(&doc)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "carries a year, so the draft has no cards",
        ));
}
