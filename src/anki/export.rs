//! recall deck → Anki package (legacy schema 11 `collection.anki2`, which
//! every Anki since 2.0 imports, current versions included).
//!
//! - One note per card: `basic` cards are "Basic (recall)" notes, or "Basic
//!   (and reversed card) (recall)" with `reverse`; `cloze` cards are "Cloze
//!   (recall)" notes (same markup). The "(recall)" keeps Anki from renaming
//!   them "Basic+" beside its own types of the same names; they are marked
//!   as variants of those stock types. `date` cards are Basic notes asking "When? EVENT" with the
//!   year, range or decade as the answer; `choice` cards are Basic notes with
//!   the options listed under the question.
//! - The two Basic types have a third field, "Explanation", shown under the
//!   answer; Cloze notes use their "Back Extra". Alternative answers
//!   (`accept`) are listed in the explanation.
//! - The deck is an Anki deck named by the title; sections are its subdecks
//!   (`Title::Section`); tags are tags.
//! - Each note's guid is `recall:DECK/CARD`: Anki matches notes by guid, so
//!   importing a newer export updates the notes instead of duplicating
//!   them, and recall reads the card id back.
//! - With progress, reviewed items are review cards: `ivl` = interval,
//!   `factor` = EF × 1000, `due` = due day counted from the collection's
//!   creation, `reps` = counted reviews, `lapses`; and one review-log entry,
//!   for the last review (the state does not tell more).

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::convert::{GUID_PREFIX, fnv1a};
use super::schedule::to_anki;
use super::{AnkiError, archive, db, html};
use crate::model::{Card, CardKind, Deck, Expected, ItemPart};
use crate::progress::ItemMap;
use crate::sched::Day;

const BASIC_ID: i64 = 1_600_000_000_101;
const REVERSED_ID: i64 = 1_600_000_000_102;
const CLOZE_ID: i64 = 1_600_000_000_103;

const SCHEMA: &str = "
CREATE TABLE col (
    id integer primary key, crt integer not null, mod integer not null,
    scm integer not null, ver integer not null, dty integer not null,
    usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null,
    tags text not null
);
CREATE TABLE notes (
    id integer primary key, guid text not null, mid integer not null,
    mod integer not null, usn integer not null, tags text not null,
    flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null
);
CREATE TABLE cards (
    id integer primary key, nid integer not null, did integer not null,
    ord integer not null, mod integer not null, usn integer not null,
    type integer not null, queue integer not null, due integer not null,
    ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null,
    odid integer not null, flags integer not null, data text not null
);
CREATE TABLE revlog (
    id integer primary key, cid integer not null, usn integer not null,
    ease integer not null, ivl integer not null, lastIvl integer not null,
    factor integer not null, time integer not null, type integer not null
);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
";

const CSS: &str = ".card {\n font-family: arial;\n font-size: 20px;\n text-align: center;\n \
                   color: black;\n background-color: white;\n}\n.cloze {\n font-weight: bold;\n \
                   color: blue;\n}\n.explanation {\n font-size: 16px;\n font-style: italic;\n}\n";

const EXPLANATION: &str =
    "{{#Explanation}}<div class=explanation><br>{{Explanation}}</div>{{/Explanation}}";

/// Seconds of noon (UTC) on `day`.
fn noon(day: Day) -> i64 {
    i64::from(day.epoch_days()) * 86_400 + 12 * 3_600
}

/// The time given to a review on `day`, whose hour the state does not keep:
/// 15:00 UTC falls on that study day (starting 04:00 local) from UTC−11 to
/// UTC+12.
fn review_time(day: Day) -> i64 {
    i64::from(day.epoch_days()) * 86_400 + 15 * 3_600
}

/// Builds the package's bytes.
pub fn export(deck: &Deck, progress: Option<&ItemMap>, today: Day) -> Result<Vec<u8>, AnkiError> {
    let failed = |e: &dyn std::fmt::Display| AnkiError::Export {
        detail: e.to_string(),
    };
    // Anki counts due days from the collection's creation day: make it the
    // first day anything happened, so that no day number is negative.
    let mut created = today;
    if let Some(items) = progress {
        for item in deck.items() {
            if let Some(r) = items.get(&item.id()) {
                created = created.min(r.first_review).min(r.state.last_review);
            }
        }
    }
    let crt = noon(created);
    let now = noon(today);
    let now_ms = now.saturating_mul(1000);

    let conn = db::create().map_err(|e| failed(&e))?;
    conn.execute_batch(SCHEMA).map_err(|e| failed(&e))?;

    let decks = deck_tree(deck);
    let root_id = decks.get(&deck_name(&deck.title)).copied().unwrap_or(1);
    conn.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        rusqlite::params![
            crt,
            now_ms,
            conf(root_id).to_string(),
            models(root_id, now).to_string(),
            decks_json(&decks, deck, now).to_string(),
            dconf().to_string(),
        ],
    )
    .map_err(|e| failed(&e))?;

    let tx = conn.unchecked_transaction().map_err(|e| failed(&e))?;
    {
        let mut add_note = tx
            .prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')")
            .map_err(|e| failed(&e))?;
        let mut add_card = tx
            .prepare(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, ?6, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, 0, ?12)",
            )
            .map_err(|e| failed(&e))?;
        let mut add_review = tx
            .prepare("INSERT INTO revlog VALUES (?1, ?2, -1, ?3, ?4, 0, ?5, 0, ?6)")
            .map_err(|e| failed(&e))?;
        let mut card_id = now_ms;
        let mut review_ids = std::collections::HashSet::new();
        for (n, card) in deck.cards.iter().enumerate() {
            let note_id = now_ms + i64::try_from(n).unwrap_or(0);
            let (model, fields) = note_fields(card);
            let sort_field = fields
                .first()
                .map(|f| html::to_text(f).text)
                .unwrap_or_default();
            add_note
                .execute(rusqlite::params![
                    note_id,
                    format!("{GUID_PREFIX}{}/{}", deck.id, card.id),
                    model,
                    now,
                    anki_tags(&card.tags),
                    fields.join("\u{1f}"),
                    sort_field,
                ])
                .map_err(|e| failed(&e))?;
            let deck_id = decks
                .get(&card_deck(&deck.title, card.section.as_deref()))
                .copied()
                .unwrap_or(root_id);
            for item in card.items() {
                card_id += 1;
                let ord: i64 = match item.part {
                    ItemPart::Main => 0,
                    ItemPart::Reverse => 1,
                    ItemPart::Cloze(k) => i64::from(k) - 1,
                };
                let record = progress.and_then(|p| p.get(&item.id()));
                let (ctype, due, ivl, factor, reps, lapses) = match record {
                    Some(r) => {
                        let a = to_anki(&r.state, r.reviews, created);
                        (2, a.due, a.ivl, a.factor, a.reps, a.lapses)
                    }
                    // New cards: `due` is the position in the new queue.
                    None => (0, i64::try_from(n + 1).unwrap_or(i64::MAX), 0, 0, 0, 0),
                };
                // Anki's review-log ids are the answer's time in ms; keep them
                // unique. Current Anki also notes the last review time on the card.
                let review_id = record.map(|r| {
                    let mut id = review_time(r.state.last_review).saturating_mul(1000);
                    while !review_ids.insert(id) {
                        id += 1;
                    }
                    id
                });
                let data = match review_id {
                    Some(id) => json!({ "lrt": id / 1000 }).to_string(),
                    None => "{}".to_owned(),
                };
                add_card
                    .execute(rusqlite::params![
                        card_id, note_id, deck_id, ord, now, ctype, due, ivl, factor, reps, lapses,
                        data
                    ])
                    .map_err(|e| failed(&e))?;
                if let (Some(r), Some(id)) = (record, review_id) {
                    let ease = if r.state.repetitions == 0 {
                        1
                    } else if r.state.repeat_pending {
                        2
                    } else {
                        3
                    };
                    let kind = if r.reviews > 1 { 1 } else { 0 };
                    add_review
                        .execute(rusqlite::params![
                            id,
                            card_id,
                            ease,
                            i64::from(r.state.interval),
                            i64::from(r.state.easiness.hundredths()) * 10,
                            kind
                        ])
                        .map_err(|e| failed(&e))?;
                }
            }
        }
    }
    tx.commit().map_err(|e| failed(&e))?;
    let bytes = db::finish(conn).map_err(|e| failed(&e))?;
    archive::write_package(&bytes)
}

/// A deck title as an Anki deck name: `::` would nest it.
fn deck_name(title: &str) -> String {
    let name = title.replace("::", ":").trim().to_owned();
    if name.is_empty() {
        "recall".into()
    } else {
        name
    }
}

/// The Anki deck of a card: the title's deck, or the section's subdeck of it.
fn card_deck(title: &str, section: Option<&str>) -> String {
    let mut path = deck_name(title);
    for part in section
        .unwrap_or("")
        .split("::")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        path = format!("{path}::{part}");
    }
    path
}

/// Every Anki deck the export needs (the title, each section and the
/// decks between), by name, with stable ids. (Anki matches decks by name
/// on import; the ids only need to be distinct.)
fn deck_tree(deck: &Deck) -> BTreeMap<String, i64> {
    let id = |name: &str| {
        1_000_000_000 + i64::try_from(fnv1a(name.as_bytes()) % 1_000_000_000_000).unwrap_or(0)
    };
    let mut names = BTreeMap::new();
    let root = deck_name(&deck.title);
    names.insert(root.clone(), id(&root));
    for card in &deck.cards {
        let full = card_deck(&deck.title, card.section.as_deref());
        let mut path = String::new();
        for part in full.split("::") {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(part);
            names.entry(path.clone()).or_insert_with(|| id(&path));
        }
    }
    names
}

fn anki_tags(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!(" {} ", tags.join(" "))
    }
}

/// The note type and fields (HTML) of a card.
fn note_fields(card: &Card) -> (i64, Vec<String>) {
    let mut explanation: Vec<String> = card.explanation.iter().cloned().collect();
    let basic = |front: String, back: String, explanation: Vec<String>| {
        vec![
            html::from_text(&front),
            html::from_text(&back),
            html::from_text(&explanation.join("\n\n")),
        ]
    };
    match &card.kind {
        CardKind::Basic {
            front,
            back,
            accept,
            reverse,
        } => {
            if !accept.is_empty() {
                explanation.push(format!("Also accepted: {}", accept.join("; ")));
            }
            let model = if *reverse { REVERSED_ID } else { BASIC_ID };
            (model, basic(front.clone(), back.clone(), explanation))
        }
        CardKind::Cloze(cloze) => (
            CLOZE_ID,
            vec![
                html::from_text(&cloze.to_string()),
                html::from_text(&explanation.join("\n\n")),
            ],
        ),
        CardKind::Date { .. } | CardKind::Choice { .. } => {
            let item = card.items();
            let (prompt, answer) = item
                .first()
                .map(|i| {
                    let answer = match i.expected() {
                        e @ Expected::Year { .. } => e.display(),
                        Expected::Text { answer, .. } => answer,
                    };
                    (i.prompt(), answer)
                })
                .unwrap_or_default();
            let front = match &card.kind {
                CardKind::Choice {
                    answer,
                    distractors,
                    ..
                } if !distractors.is_empty() => {
                    let mut options: Vec<&String> =
                        distractors.iter().chain(std::iter::once(answer)).collect();
                    options.sort_by_key(|o| o.to_lowercase());
                    let list: Vec<String> = options.iter().map(|o| format!("• {o}")).collect();
                    format!("{prompt}\n\n{}", list.join("\n"))
                }
                _ => prompt,
            };
            (BASIC_ID, basic(front, answer, explanation))
        }
    }
}

fn field(name: &str, ord: usize) -> Json {
    json!({
        "name": name, "ord": ord, "sticky": false, "rtl": false,
        "font": "Arial", "size": 20, "media": []
    })
}

fn template(name: &str, ord: usize, qfmt: &str, afmt: &str) -> Json {
    json!({
        "name": name, "ord": ord, "qfmt": qfmt, "afmt": afmt,
        "did": null, "bqfmt": "", "bafmt": "", "bfont": "", "bsize": 0
    })
}

/// A note type (schema 11 JSON). `stock` is the stock type it is a variant
/// of (Anki's `originalStockKind`: 1 Basic, 2 Basic (and reversed card), 5 Cloze).
#[allow(clippy::too_many_arguments)]
fn model(
    id: i64,
    name: &str,
    kind: u8,
    stock: u8,
    fields: Vec<Json>,
    tmpls: Vec<Json>,
    req: Json,
    deck: i64,
    now: i64,
) -> Json {
    json!({
        "id": id, "name": name, "type": kind, "originalStockKind": stock,
        "mod": now, "usn": -1, "sortf": 0,
        "did": deck, "tmpls": tmpls, "flds": fields, "css": CSS,
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": false,
        "req": req, "tags": [], "vers": []
    })
}

fn models(deck: i64, now: i64) -> Json {
    let front = "{{Front}}";
    let back_side = format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{Back}}}}{EXPLANATION}");
    let reverse_side = format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{Front}}}}{EXPLANATION}");
    let basic_fields = || vec![field("Front", 0), field("Back", 1), field("Explanation", 2)];
    let basic = model(
        BASIC_ID,
        "Basic (recall)",
        0,
        1,
        basic_fields(),
        vec![template("Card 1", 0, front, &back_side)],
        json!([[0, "any", [0]]]),
        deck,
        now,
    );
    let reversed = model(
        REVERSED_ID,
        "Basic (and reversed card) (recall)",
        0,
        2,
        basic_fields(),
        vec![
            template("Card 1", 0, front, &back_side),
            template("Card 2", 1, "{{Back}}", &reverse_side),
        ],
        json!([[0, "any", [0]], [1, "any", [1]]]),
        deck,
        now,
    );
    let cloze = model(
        CLOZE_ID,
        "Cloze (recall)",
        1,
        5,
        vec![field("Text", 0), field("Back Extra", 1)],
        vec![template(
            "Cloze",
            0,
            "{{cloze:Text}}",
            "{{cloze:Text}}<br>\n{{Back Extra}}",
        )],
        json!([[0, "any", [0]]]),
        deck,
        now,
    );
    json!({
        BASIC_ID.to_string(): basic,
        REVERSED_ID.to_string(): reversed,
        CLOZE_ID.to_string(): cloze,
    })
}

fn deck_json(id: i64, name: &str, description: &str, now: i64) -> Json {
    json!({
        "id": id, "name": name, "desc": description, "dyn": 0, "conf": 1,
        "collapsed": false, "browserCollapsed": false,
        "extendNew": 0, "extendRev": 0, "usn": -1, "mod": now,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0]
    })
}

fn decks_json(decks: &BTreeMap<String, i64>, deck: &Deck, now: i64) -> Json {
    let root = deck_name(&deck.title);
    let mut all = serde_json::Map::new();
    all.insert("1".into(), deck_json(1, "Default", "", now));
    for (name, id) in decks {
        let description = match &deck.description {
            Some(d) if *name == root => html::from_text(d),
            _ => String::new(),
        };
        all.insert(id.to_string(), deck_json(*id, name, &description, now));
    }
    Json::Object(all)
}

fn conf(deck: i64) -> Json {
    // creationOffset 0 with `crt` at noon UTC makes Anki's day 0 the very
    // date recall counted from, wherever the package is imported.
    json!({
        "activeDecks": [deck], "curDeck": deck, "newSpread": 0, "collapseTime": 1200,
        "timeLim": 0, "estTimes": true, "dueCounts": true, "curModel": BASIC_ID.to_string(),
        "nextPos": 1, "sortType": "noteFld", "sortBackwards": false, "addToCur": true,
        "schedVer": 2, "creationOffset": 0, "rollover": 4
    })
}

fn dconf() -> Json {
    json!({"1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": {"bury": true, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 7],
                "order": 1, "perDay": 20, "separate": true},
        "lapse": {"delays": [10], "leechAction": 0, "leechFails": 8, "minInt": 1, "mult": 0},
        "rev": {"bury": true, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1, "maxIvl": 36500,
                "minSpace": 1, "perDay": 100}
    }})
}
