//! Reading an Anki collection database, legacy (schema 11: note types and
//! decks as JSON in `col`) or current (schema 18: tables with protobuf
//! blobs), into one plain model.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};
use serde_json::Value as Json;

use super::protobuf;

/// The collection, as much of it as recall uses.
#[derive(Debug, Default)]
pub struct Collection {
    /// The schema version (`col.ver`): 11 legacy, 18 current.
    pub schema: i64,
    /// When the collection was created (seconds); review due days count from it.
    pub crt: i64,
    /// The scheduler version (`schedVer`): 1 for the oldest collections.
    pub sched_ver: i64,
    /// Minutes west of UTC where the collection was created, when recorded.
    pub creation_offset: Option<i32>,
    /// Minutes west of UTC where the collection was last used, when recorded.
    pub local_offset: Option<i32>,
    /// The hour at which Anki's day starts, when recorded.
    pub rollover: Option<i64>,
    pub notetypes: HashMap<i64, NoteType>,
    pub decks: HashMap<i64, DeckInfo>,
    /// Notes in id (creation) order.
    pub notes: Vec<Note>,
    /// Cards ordered by note and template.
    pub cards: Vec<Card>,
    /// Review log, oldest first; empty unless asked for.
    pub revlog: Vec<Revlog>,
}

/// What a note type is built to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stock {
    Basic,
    BasicReversed,
    BasicOptionalReversed,
    BasicTyping,
    Cloze,
    ImageOcclusion,
}

/// A note type: its name, fields and kind.
#[derive(Debug, Clone)]
pub struct NoteType {
    pub name: String,
    /// A cloze note type (Anki's `type` 1 / `KIND_CLOZE`).
    pub cloze: bool,
    /// The stock type it was made from, when the collection records it.
    pub original_stock: Option<Stock>,
    pub fields: Vec<String>,
}

/// A deck: its name as a path, and its description.
#[derive(Debug, Clone)]
pub struct DeckInfo {
    /// `Parent::Child` as `["Parent", "Child"]`.
    pub path: Vec<String>,
    /// The description (HTML), if any.
    pub description: Option<String>,
}

/// A note: its fields as HTML.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    pub notetype: i64,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
}

/// A card and its scheduling.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub note: i64,
    pub deck: i64,
    /// The template (or cloze number − 1).
    pub ord: i64,
    /// Last modified, in seconds.
    pub modified: i64,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub ctype: i64,
    /// -3..-1 buried/suspended, 0 new, 1 learning, 2 review, 3 day learning, 4 preview.
    pub queue: i64,
    pub due: i64,
    pub ivl: i64,
    /// Ease in permille (2500 = 250%).
    pub factor: i64,
    pub lapses: i64,
    /// The due day before the card went into a filtered deck (0 if none).
    pub original_due: i64,
    /// The home deck of a card in a filtered deck (0 if none).
    pub original_deck: i64,
}

/// One review log entry.
#[derive(Debug, Clone)]
pub struct Revlog {
    /// The time of the answer, in milliseconds.
    pub id: i64,
    pub card: i64,
    /// The button: 1 again, 2 hard, 3 good, 4 easy (0: not an answer).
    pub ease: i64,
    /// The interval after, in days (negative: seconds, for learning steps).
    pub ivl: i64,
    pub factor: i64,
    /// Milliseconds spent answering.
    pub time: i64,
    /// 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
}

/// Why the collection cannot be read.
pub type Error = String;

fn sql(e: rusqlite::Error) -> Error {
    e.to_string()
}

/// Reads the collection; the review log only when `with_revlog`.
pub fn read(conn: &Connection, with_revlog: bool) -> Result<Collection, Error> {
    for table in ["col", "notes", "cards"] {
        require_table(conn, table)?;
    }
    let (schema, crt, conf, models, decks): (i64, i64, String, String, String) = conn
        .query_row(
            "SELECT ver, crt, conf, models, decks FROM col LIMIT 1",
            [],
            |r| {
                Ok((
                    int(r, 0)?,
                    int(r, 1)?,
                    text(r, 2)?,
                    text(r, 3)?,
                    text(r, 4)?,
                ))
            },
        )
        .map_err(|e| format!("its `col` table cannot be read ({e})"))?;
    let mut col = Collection {
        schema,
        crt,
        sched_ver: 1,
        ..Collection::default()
    };
    let tables = has_table(conn, "notetypes")? && has_table(conn, "fields")?;
    if tables {
        read_config_table(conn, &mut col)?;
        col.notetypes = read_notetype_tables(conn)?;
        col.decks = read_deck_table(conn)?;
    } else {
        read_config_json(&conf, &mut col);
        col.notetypes = read_notetypes_json(&models)?;
        col.decks = read_decks_json(&decks);
    }
    col.notes = read_notes(conn)?;
    col.cards = read_cards(conn)?;
    if with_revlog && has_table(conn, "revlog")? {
        col.revlog = read_revlog(conn)?;
    }
    Ok(col)
}

fn has_table(conn: &Connection, name: &str) -> Result<bool, Error> {
    // Only real tables: a package could define views that run for ever.
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(sql)
}

fn require_table(conn: &Connection, name: &str) -> Result<(), Error> {
    if has_table(conn, name)? {
        Ok(())
    } else {
        Err(format!("it has no `{name}` table"))
    }
}

/// An integer column, tolerating the loose typing of SQLite.
fn int(r: &Row, i: usize) -> rusqlite::Result<i64> {
    Ok(match r.get_ref(i)? {
        ValueRef::Integer(n) => n,
        // `as` saturates, and NaN becomes 0: fine for a damaged value.
        ValueRef::Real(x) => x as i64,
        ValueRef::Null => 0,
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0),
        ValueRef::Blob(_) => 0,
    })
}

/// A text column; invalid UTF-8 is replaced rather than refused.
fn text(r: &Row, i: usize) -> rusqlite::Result<String> {
    Ok(match r.get_ref(i)? {
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Null => String::new(),
    })
}

fn blob(r: &Row, i: usize) -> rusqlite::Result<Vec<u8>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Text(t) | ValueRef::Blob(t) => t.to_vec(),
        _ => Vec::new(),
    })
}

fn stock(kind: u64) -> Option<Stock> {
    Some(match kind {
        1 => Stock::Basic,
        2 => Stock::BasicReversed,
        3 => Stock::BasicOptionalReversed,
        4 => Stock::BasicTyping,
        5 => Stock::Cloze,
        6 => Stock::ImageOcclusion,
        _ => return None,
    })
}

fn offset(value: Option<&Json>) -> Option<i32> {
    value
        .and_then(Json::as_i64)
        .and_then(|m| i32::try_from(m).ok())
        .filter(|m| m.abs() <= 24 * 60)
}

fn apply_config(col: &mut Collection, key: &str, value: &Json) {
    match key {
        "creationOffset" => col.creation_offset = offset(Some(value)),
        "localOffset" => col.local_offset = offset(Some(value)),
        "rollover" => col.rollover = value.as_i64().filter(|h| (0..24).contains(h)),
        "schedVer" => col.sched_ver = value.as_i64().unwrap_or(1),
        _ => {}
    }
}

fn read_config_json(conf: &str, col: &mut Collection) {
    if let Ok(Json::Object(map)) = serde_json::from_str::<Json>(conf) {
        for (k, v) in &map {
            apply_config(col, k, v);
        }
    }
}

fn read_config_table(conn: &Connection, col: &mut Collection) -> Result<(), Error> {
    if !has_table(conn, "config")? {
        return Ok(());
    }
    let mut stmt = conn.prepare("SELECT key, val FROM config").map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((text(r, 0)?, blob(r, 1)?)))
        .map_err(sql)?;
    for row in rows {
        let (key, val) = row.map_err(sql)?;
        if let Ok(value) = serde_json::from_slice::<Json>(&val) {
            apply_config(col, &key, &value);
        }
    }
    Ok(())
}

fn read_notetype_tables(conn: &Connection) -> Result<HashMap<i64, NoteType>, Error> {
    let mut types = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT id, name, config FROM notetypes")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((int(r, 0)?, text(r, 1)?, blob(r, 2)?)))
        .map_err(sql)?;
    for row in rows {
        let (id, name, config) = row.map_err(sql)?;
        let cloze = protobuf::varint_field(&config, 1) == Some(1);
        let original_stock = protobuf::varint_field(&config, 9).and_then(stock);
        types.insert(
            id,
            NoteType {
                name,
                cloze,
                original_stock,
                fields: Vec::new(),
            },
        );
    }
    let mut stmt = conn
        .prepare("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((int(r, 0)?, text(r, 2)?)))
        .map_err(sql)?;
    for row in rows {
        let (ntid, name) = row.map_err(sql)?;
        if let Some(t) = types.get_mut(&ntid) {
            t.fields.push(name);
        }
    }
    Ok(types)
}

fn read_notetypes_json(models: &str) -> Result<HashMap<i64, NoteType>, Error> {
    let Ok(Json::Object(map)) = serde_json::from_str::<Json>(models) else {
        return Err("its note types (`col.models`) are not valid JSON".into());
    };
    let mut types = HashMap::new();
    for (key, model) in &map {
        let Some(id) = model
            .get("id")
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .or_else(|| key.parse().ok())
        else {
            continue;
        };
        let name = model
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_owned();
        let cloze = model.get("type").and_then(Json::as_i64) == Some(1);
        // Written by Anki 2.1.55 and later.
        let original_stock = model
            .get("originalStockKind")
            .and_then(Json::as_u64)
            .and_then(stock);
        let mut fields: Vec<(i64, String)> = model
            .get("flds")
            .and_then(Json::as_array)
            .map(|flds| {
                flds.iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let ord = f
                            .get("ord")
                            .and_then(Json::as_i64)
                            .unwrap_or(i64::try_from(i).unwrap_or(i64::MAX));
                        let name = f.get("name").and_then(Json::as_str).unwrap_or("");
                        (ord, name.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        fields.sort_by_key(|(ord, _)| *ord);
        types.insert(
            id,
            NoteType {
                name,
                cloze,
                original_stock,
                fields: fields.into_iter().map(|(_, n)| n).collect(),
            },
        );
    }
    Ok(types)
}

fn read_deck_table(conn: &Connection) -> Result<HashMap<i64, DeckInfo>, Error> {
    let mut decks = HashMap::new();
    if !has_table(conn, "decks")? {
        return Ok(decks);
    }
    let mut stmt = conn
        .prepare("SELECT id, name, kind FROM decks")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((int(r, 0)?, text(r, 1)?, blob(r, 2)?)))
        .map_err(sql)?;
    for row in rows {
        let (id, name, kind) = row.map_err(sql)?;
        // `kind` is a DeckKind: field 1 a normal deck (description in its
        // field 4), field 2 a filtered one.
        let description = protobuf::bytes_field(&kind, 1)
            .and_then(|normal| protobuf::bytes_field(normal, 4))
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .filter(|d| !d.trim().is_empty());
        decks.insert(
            id,
            DeckInfo {
                // Current collections separate deck names with \x1f.
                path: split_deck_name(&name.replace('\u{1f}', "::")),
                description,
            },
        );
    }
    Ok(decks)
}

fn read_decks_json(decks: &str) -> HashMap<i64, DeckInfo> {
    let mut out = HashMap::new();
    if let Ok(Json::Object(map)) = serde_json::from_str::<Json>(decks) {
        for (key, deck) in &map {
            let Some(id) = deck
                .get("id")
                .and_then(Json::as_i64)
                .or_else(|| key.parse().ok())
            else {
                continue;
            };
            let name = deck.get("name").and_then(Json::as_str).unwrap_or("");
            let description = deck
                .get("desc")
                .and_then(Json::as_str)
                .filter(|d| !d.trim().is_empty())
                .map(str::to_owned);
            out.insert(
                id,
                DeckInfo {
                    path: split_deck_name(name),
                    description,
                },
            );
        }
    }
    out
}

/// `A::B::C` as its components, empty ones dropped.
pub fn split_deck_name(name: &str) -> Vec<String> {
    name.split("::")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

fn read_notes(conn: &Connection) -> Result<Vec<Note>, Error> {
    let mut stmt = conn
        .prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Note {
                id: int(r, 0)?,
                guid: text(r, 1)?,
                notetype: int(r, 2)?,
                tags: text(r, 3)?.split_whitespace().map(str::to_owned).collect(),
                fields: text(r, 4)?.split('\u{1f}').map(str::to_owned).collect(),
            })
        })
        .map_err(sql)?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| format!("its notes cannot be read ({e})"))
}

fn read_cards(conn: &Connection) -> Result<Vec<Card>, Error> {
    let mut stmt = conn
        .prepare(
            "SELECT id, nid, did, ord, mod, type, queue, due, ivl, factor, lapses, odue, odid \
             FROM cards ORDER BY nid, ord, id",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Card {
                id: int(r, 0)?,
                note: int(r, 1)?,
                deck: int(r, 2)?,
                ord: int(r, 3)?,
                modified: int(r, 4)?,
                ctype: int(r, 5)?,
                queue: int(r, 6)?,
                due: int(r, 7)?,
                ivl: int(r, 8)?,
                factor: int(r, 9)?,
                lapses: int(r, 10)?,
                original_due: int(r, 11)?,
                original_deck: int(r, 12)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| format!("its cards cannot be read ({e})"))
}

fn read_revlog(conn: &Connection) -> Result<Vec<Revlog>, Error> {
    let mut stmt = conn
        .prepare("SELECT id, cid, ease, ivl, factor, time, type FROM revlog ORDER BY cid, id")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Revlog {
                id: int(r, 0)?,
                card: int(r, 1)?,
                ease: int(r, 2)?,
                ivl: int(r, 3)?,
                factor: int(r, 4)?,
                time: int(r, 5)?,
                kind: int(r, 6)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| format!("its review log cannot be read ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deck_names_split_on_double_colons() {
        assert_eq!(split_deck_name("A::B :: C"), vec!["A", "B", "C"]);
        assert_eq!(split_deck_name("::A::::"), vec!["A"]);
        assert!(split_deck_name("").is_empty());
    }

    #[test]
    fn legacy_json_is_read_leniently() {
        let types = read_notetypes_json(
            r#"{"5": {"name": "Cloze", "type": 1, "flds": [{"name": "Back Extra", "ord": 1}, {"name": "Text", "ord": 0}]},
                "x": {"name": "no id"}}"#,
        )
        .unwrap();
        assert_eq!(types.len(), 1);
        assert!(types[&5].cloze);
        assert_eq!(types[&5].fields, vec!["Text", "Back Extra"]);
        assert!(read_notetypes_json("[").is_err());
        let decks = read_decks_json(
            r#"{"1": {"name": "Default"}, "7": {"id": 7, "name": "A::B", "desc": "d"}}"#,
        );
        assert_eq!(decks[&7].path, vec!["A", "B"]);
        assert_eq!(decks[&7].description.as_deref(), Some("d"));
        assert!(read_decks_json("null").is_empty());
    }
}
