//! Spreadsheets in and out: CSV and TSV with the columns front, back, tags
//! (a teacher's sheet), optionally followed by id, kind, section,
//! explanation, accept and distractors (what `deck export` writes, so that
//! a deck survives the round trip with its ids, and so its progress).

use std::collections::BTreeSet;

use super::slug::{id_words, unique_id};
use crate::deckfile::{parse_deck, to_json};
use crate::model::{Card, CardId, CardKind, Cloze, Deck, DeckId};

/// The columns a sheet may have, in the order `deck export` writes them.
pub const COLUMNS: &[&str] = &[
    "front",
    "back",
    "tags",
    "id",
    "kind",
    "section",
    "explanation",
    "accept",
    "distractors",
];

/// Separates the alternatives inside the `accept` and `distractors` cells.
const LIST_SEPARATOR: &str = " | ";

/// What to call the imported deck.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    pub id: DeckId,
    pub title: String,
    /// `b','` for CSV, `b'\t'` for TSV.
    pub delimiter: u8,
}

/// A problem with one row (or the sheet as a whole, line 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    pub line: u64,
    pub message: String,
}

fn problem(line: u64, message: impl Into<String>) -> SheetProblem {
    SheetProblem {
        line,
        message: message.into(),
    }
}

/// Reads a sheet into a checked deck. The first row is a header when its
/// first cell is `front`; without a header the columns are front, back,
/// tags. Every bad row is reported with its line.
pub fn import_sheet(text: &str, options: &SheetOptions) -> Result<Deck, Vec<SheetProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut columns: Vec<&str> = vec!["front", "back", "tags"];
    let mut header_seen = false;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(problem(line, format!("cannot read this row: {e}")));
                continue;
            }
        };
        let line = record
            .position()
            .map_or(index as u64 + 1, csv::Position::line);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let names_columns = cells
            .iter()
            .filter(|c| !c.is_empty())
            .all(|c| COLUMNS.contains(&c.to_lowercase().as_str()));
        let looks_like_header = names_columns
            || cells
                .first()
                .is_some_and(|c| c.eq_ignore_ascii_case("front"));
        if !header_seen && rows.is_empty() && looks_like_header {
            header_seen = true;
            columns.clear();
            for cell in &cells {
                let name = cell.to_lowercase();
                match COLUMNS.iter().find(|c| **c == name) {
                    Some(c) if columns.contains(c) => {
                        problems.push(problem(
                            line,
                            format!("the column '{c}' appears twice in the header"),
                        ));
                    }
                    Some(c) => columns.push(c),
                    None => {
                        let hint = super::closest(&name, COLUMNS.iter().copied())
                            .map(|c| format!(" (did you mean '{c}'?)"))
                            .unwrap_or_default();
                        problems.push(problem(
                            line,
                            format!(
                                "unknown column '{cell}'{hint}; the columns are: {}",
                                COLUMNS.join(", ")
                            ),
                        ));
                        columns.push("");
                    }
                }
            }
            continue;
        }
        if let Some(extra) = cells
            .get(columns.len()..)
            .filter(|e| e.iter().any(|c| !c.is_empty()))
        {
            problems.push(problem(
                line,
                format!(
                    "this row has {} columns but the sheet has {} ({}); add a header row to name more columns",
                    columns.len() + extra.len(),
                    columns.len(),
                    columns.join(", ")
                ),
            ));
            continue;
        }
        rows.push((line, cells));
    }

    let cell = |cells: &[String], name: &str| -> String {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let mut used: BTreeSet<String> = rows
        .iter()
        .map(|(_, cells)| cell(cells, "id"))
        .filter(|id| !id.is_empty())
        .collect();
    let mut given_ids: BTreeSet<String> = BTreeSet::new();
    let mut cards = Vec::new();
    let mut lines = Vec::new();
    for (line, cells) in &rows {
        let line = *line;
        let front = cell(cells, "front");
        let back = cell(cells, "back");
        let kind = cell(cells, "kind").to_lowercase();
        let kind = if kind.is_empty() {
            if front.contains("{{c") {
                "cloze".to_owned()
            } else {
                "basic".to_owned()
            }
        } else {
            kind
        };
        let id_text = cell(cells, "id");
        let id = if id_text.is_empty() {
            unique_id(&id_words(&front), &mut used)
        } else {
            if !given_ids.insert(id_text.clone()) {
                problems.push(problem(
                    line,
                    format!("the id '{id_text}' is used by an earlier row; ids must be unique"),
                ));
                continue;
            }
            match CardId::new(&id_text) {
                Ok(id) => id,
                Err(e) => {
                    problems.push(problem(
                        line,
                        format!("the id '{id_text}' is not valid: it {e}"),
                    ));
                    continue;
                }
            }
        };
        if front.is_empty() {
            problems.push(problem(line, "the front is empty"));
            continue;
        }
        let list = |name: &str| -> Vec<String> {
            cell(cells, name)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let needs_back = |problems: &mut Vec<SheetProblem>| {
            if back.is_empty() {
                problems.push(problem(
                    line,
                    "the back is empty; every row needs an answer",
                ));
                false
            } else {
                true
            }
        };
        let card_kind = match kind.as_str() {
            "basic" | "basic-reversed" => {
                if !needs_back(&mut problems) {
                    continue;
                }
                CardKind::Basic {
                    front: front.clone(),
                    back: back.clone(),
                    accept: list("accept"),
                    reverse: kind == "basic-reversed",
                }
            }
            "cloze" => match Cloze::parse(&front) {
                Ok(c) => CardKind::Cloze(c),
                Err(e) => {
                    problems.push(problem(line, format!("the cloze text {e}")));
                    continue;
                }
            },
            "date" => match parse_when(&back) {
                Some((year, end_year, approximate)) => CardKind::Date {
                    event: front.clone(),
                    year,
                    end_year,
                    approximate,
                },
                None => {
                    problems.push(problem(
                        line,
                        format!("'{back}' is not a date: write a year (1792), a range (1904–1905) or a decade (1890s)"),
                    ));
                    continue;
                }
            },
            "choice" => {
                if !needs_back(&mut problems) {
                    continue;
                }
                CardKind::Choice {
                    question: front.clone(),
                    answer: back.clone(),
                    distractors: list("distractors"),
                }
            }
            other => {
                problems.push(problem(
                    line,
                    format!(
                        "unknown kind '{other}'; use basic, basic-reversed, cloze, date or choice"
                    ),
                ));
                continue;
            }
        };
        let tags: Vec<String> = cell(cells, "tags")
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let optional = |name: &str| Some(cell(cells, name)).filter(|s| !s.is_empty());
        cards.push(Card {
            id,
            kind: card_kind,
            tags,
            section: optional("section"),
            explanation: optional("explanation"),
        });
        lines.push(line);
    }
    if cards.is_empty() && problems.is_empty() {
        problems.push(problem(0, "the sheet has no cards"));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    let deck = Deck {
        id: options.id.clone(),
        title: options.title.clone(),
        version: Some(semver::Version::new(1, 0, 0)),
        description: None,
        author: None,
        source: None,
        language: None,
        cards,
    };
    // Every check of a deck file applies; a problem is traced to its row.
    parse_deck(&to_json(&deck)).map_err(|diagnostics| {
        diagnostics
            .into_iter()
            .map(|d| {
                let line = match &d.card {
                    Some(super::CardRef::Id(id)) => deck
                        .cards
                        .iter()
                        .position(|c| c.id.as_str() == id)
                        .map_or(0, |i| lines[i]),
                    _ => 0,
                };
                problem(line, d.message)
            })
            .collect()
    })
}

/// Reads "1792", "1904–1905", "1904-1905" or "1890s" / "the 1890s".
fn parse_when(text: &str) -> Option<(u16, Option<u16>, bool)> {
    let text = text.trim();
    let text = text.strip_prefix("the ").unwrap_or(text);
    if let Some(decade) = text.strip_suffix('s') {
        let year: u16 = decade.parse().ok()?;
        return year
            .is_multiple_of(10)
            .then_some((year, Some(year + 9), true));
    }
    if let Some((a, b)) = text.split_once(['–', '-', '—']) {
        let (a, b): (u16, u16) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return (b > a).then_some((a, Some(b), false));
    }
    Some((text.parse().ok()?, None, false))
}

/// Writes a deck as a sheet with a header row and every column, so that
/// importing it gives the same cards back.
pub fn export_sheet(deck: &Deck, delimiter: u8) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![COLUMNS.iter().map(|c| c.to_string()).collect()];
    for card in &deck.cards {
        let (front, back, kind, accept, distractors) = match &card.kind {
            CardKind::Basic {
                front,
                back,
                accept,
                reverse,
            } => (
                front.clone(),
                back.clone(),
                if *reverse { "basic-reversed" } else { "basic" },
                accept.join(LIST_SEPARATOR),
                String::new(),
            ),
            CardKind::Cloze(c) => (
                c.to_string(),
                String::new(),
                "cloze",
                String::new(),
                String::new(),
            ),
            CardKind::Date {
                event,
                year,
                end_year,
                approximate,
            } => {
                let when = match (end_year, approximate) {
                    (_, true) => format!("{year}s"),
                    (Some(end), false) => format!("{year}–{end}"),
                    (None, false) => year.to_string(),
                };
                (event.clone(), when, "date", String::new(), String::new())
            }
            CardKind::Choice {
                question,
                answer,
                distractors,
            } => (
                question.clone(),
                answer.clone(),
                "choice",
                String::new(),
                distractors.join(LIST_SEPARATOR),
            ),
        };
        rows.push(vec![
            front,
            back,
            card.tags.join(" "),
            card.id.to_string(),
            kind.to_owned(),
            card.section.clone().unwrap_or_default(),
            card.explanation.clone().unwrap_or_default(),
            accept,
            distractors,
        ]);
    }
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(delimiter: u8) -> SheetOptions {
        SheetOptions {
            id: DeckId::new("sheet").unwrap(),
            title: "Sheet".to_owned(),
            delimiter,
        }
    }

    #[test]
    fn a_plain_sheet_becomes_basic_and_cloze_cards() {
        let text = "Who mediated in 1905?,Theodore Roosevelt,people 1905\n\
                    \"Treaty of Portsmouth, 1905\",\"gave Japan\nhalf of Sakhalin\",treaty\n\
                    The {{c1::Treaty of Portsmouth}} ended the war,,\n";
        let deck = import_sheet(text, &options(b',')).unwrap();
        assert_eq!(deck.cards.len(), 3);
        assert_eq!(deck.cards[0].tags, ["people", "1905"]);
        assert_eq!(deck.cards[0].id.as_str(), "mediated");
        assert!(
            matches!(&deck.cards[1].kind, CardKind::Basic { back, .. } if back == "gave Japan\nhalf of Sakhalin")
        );
        assert!(matches!(deck.cards[2].kind, CardKind::Cloze(_)));
    }

    #[test]
    fn a_header_names_the_columns_in_any_order() {
        let text = "back\tfront\n1792\tLaxman lands\n";
        let deck = import_sheet(text, &options(b'\t')).unwrap();
        assert!(
            matches!(&deck.cards[0].kind, CardKind::Basic { front, back, .. } if front == "Laxman lands" && back == "1792")
        );
        let text = "front\tbak\nA\tB\n";
        let problems = import_sheet(text, &options(b'\t')).unwrap_err();
        assert!(
            problems[0]
                .message
                .contains("unknown column 'bak' (did you mean 'back'?)"),
            "{problems:?}"
        );
        let text = "front\tback\tkind\tid\nLaxman lands\t1792\tdate\tlaxman\nThe war\t1904–1905\tdate\twar\nTensions\tthe 1890s\tdate\t\n";
        let deck = import_sheet(text, &options(b'\t')).unwrap();
        assert_eq!(deck.cards[0].id.as_str(), "laxman");
        assert!(matches!(
            deck.cards[1].kind,
            CardKind::Date {
                year: 1904,
                end_year: Some(1905),
                approximate: false,
                ..
            }
        ));
        assert!(matches!(
            deck.cards[2].kind,
            CardKind::Date {
                year: 1890,
                end_year: Some(1899),
                approximate: true,
                ..
            }
        ));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let text = "front,back,tags\nGood,row,\n,no front,\nNo back,,\nfront,back,tags,extra\nA,B,x y,\n{{c1::open},,\n";
        let problems = import_sheet(text, &options(b',')).unwrap_err();
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5, 7], "{problems:#?}");
        assert!(problems[0].message.contains("front is empty"));
        assert!(problems[1].message.contains("back is empty"));
        assert!(problems[2].message.contains("4 columns"));
        assert!(problems[3].message.contains("cloze text"));
    }

    #[test]
    fn export_then_import_gives_the_same_cards() {
        let deck = parse_deck(
            r#"{"recall_deck": 1, "id": "sheet", "title": "Sheet", "version": "1.0.0", "cards": [
                {"id": "a", "kind": "basic", "front": "Q, with comma", "back": "A\tTab", "accept": ["B", "C"], "reverse": true, "tags": ["t1", "t2"], "section": "S", "explanation": "Because \"quoted\"."},
                {"id": "b", "kind": "cloze", "text": "{{c1::x}} and {{c2::y::hint}}"},
                {"id": "c", "kind": "date", "event": "E", "year": 1890, "end_year": 1899, "approximate": true},
                {"id": "d", "kind": "date", "event": "F", "year": 1904, "end_year": 1905},
                {"id": "e", "kind": "choice", "question": "Q?", "answer": "Yes", "distractors": ["No", "Maybe"]}
            ]}"#,
        )
        .unwrap();
        for delimiter in [b',', b'\t'] {
            let sheet = export_sheet(&deck, delimiter);
            let back = import_sheet(&sheet, &options(delimiter)).unwrap();
            assert_eq!(back.cards, deck.cards, "delimiter {}", delimiter as char);
        }
    }
}
