//! Helpers shared by the integration tests: a temporary data directory and
//! the real binary pointed at it.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A data directory that disappears after the test.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    /// `recall` with this data directory, user `default`, in UTC.
    pub fn recall(&self) -> Command {
        let mut cmd = Command::cargo_bin("recall").unwrap();
        cmd.env("RECALL_DATA_DIR", self.data())
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("RECALL_USER")
            .env_remove("RECALL_NOW")
            .env_remove("RECALL_FAILPOINTS");
        cmd
    }

    pub fn user_dir(&self, user: &str) -> PathBuf {
        self.data().join("users").join(user)
    }

    pub fn log(&self) -> PathBuf {
        self.user_dir("default").join("log.jsonl")
    }

    pub fn snapshot(&self) -> PathBuf {
        self.user_dir("default").join("state.json")
    }

    /// Runs `recall ARGS`, which must succeed, and parses what it printed.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self
            .recall()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    }

    /// Records one answer and returns the JSON the command printed.
    pub fn review(&self, item: &str, grade: u8, now: &str) -> serde_json::Value {
        let out = self
            .recall()
            .args([
                "review",
                item,
                "--grade",
                &grade.to_string(),
                "--now",
                now,
                "--json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    }

    /// Every file under the data directory with its bytes, to prove that a
    /// failed command changed nothing.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        walk(self.data(), &mut out);
        out.sort();
        out
    }

    /// The log's review lines (the header left out), parsed.
    pub fn log_events(&self) -> Vec<serde_json::Value> {
        fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push((path.clone(), fs::read(&path).unwrap()));
        }
    }
}

/// A small deck file written into `dir`.
pub fn write_deck(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}
