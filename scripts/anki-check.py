#!/usr/bin/env python3
"""Checks recall's Anki interchange against the real thing.

Needs the official `anki` package and `genanki` (scripts/anki-check.sh
installs both into a throw-away virtual environment and runs everything).

    anki-check.py fixtures DIR   make sample packages with genanki and with
                                 Anki itself, each with DIR/NAME.expected.json
                                 (Anki's own view of its scheduling) for the
                                 Rust tests (tests/anki.rs) to compare with
    anki-check.py export DIR     import every DIR/recall-*.apkg (written by
                                 recall) into a fresh Anki collection and check
                                 it against DIR/recall-*.expected.json: note and
                                 card counts, note types, decks, tags, rendering,
                                 and for reviewed cards type/queue/ivl/factor/
                                 due/reps/lapses and the review log; then export
                                 that collection again (DIR/roundtrip-*.apkg)
                                 for recall to read back

Exit status 0 when every check passed; each failure is printed.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import zipfile

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print(f"FAIL: {message}")
    return condition


def anki_today(col):
    """Anki's current study day as a date (its day starts at the rollover hour)."""
    rollover = col.get_config("rollover", 4) or 0
    return (dt.datetime.now() - dt.timedelta(hours=rollover)).date()


def day_of_ms(ms, rollover=4):
    """The local study day of a review-log time."""
    return (dt.datetime.fromtimestamp(ms / 1000) - dt.timedelta(hours=rollover)).date()


def recompress(path):
    """Rewrites a zip with deflate compression; entry names and bytes stay the same.

    Anki stores its entries uncompressed, including a 50 KB placeholder
    `collection.anki2`; deflate keeps the committed fixtures a few KB.
    """
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    os.replace(tmp, path)


# ---------------------------------------------------------------- fixtures


def make_genanki(out):
    import genanki

    vocab = genanki.Model(
        1_700_000_001,
        "Vocab",
        fields=[{"name": "Word"}, {"name": "Meaning"}, {"name": "Example"}],
        templates=[{"name": "Card 1", "qfmt": "{{Word}}", "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}"}],
    )
    geo = genanki.Deck(2_059_400_110, "Geography")
    europe = genanki.Deck(2_059_400_111, "Geography::Europe")
    europe.description = "Capitals &amp; countries"

    def note(deck, model, fields, tags=(), guid=None):
        n = genanki.Note(model=model, fields=fields, tags=list(tags), guid=guid)
        deck.add_note(n)

    note(
        europe,
        genanki.BASIC_MODEL,
        ["Capital of <b>France</b>?", "Paris&nbsp;&amp; nowhere else"],
        ["geo::europe", "capitals"],
        guid="genanki-basic-1",
    )
    note(europe, genanki.BASIC_AND_REVERSED_CARD_MODEL, ["Berlin", "Capital of Germany"], ["capitals"])
    note(europe, genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, ["Madrid", "Capital of Spain", "y"])
    note(europe, genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, ["Lisbon", "Capital of Portugal", ""])
    note(geo, genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, ["Longest river in Africa", "Nile"])
    note(
        europe,
        genanki.CLOZE_MODEL,
        ["{{c1::Rome}} is the capital of {{c2::Italy::country}}", "Since 1871"],
    )
    note(
        geo,
        genanki.BASIC_MODEL,
        ['Which flag? <img src="flag_fr.png">', "France [sound:marseillaise.mp3]"],
    )
    note(geo, genanki.BASIC_MODEL, ["Line one<br>Line two<div>Line three</div>", "1 &lt; 2 &#8212; &#x2713;"])
    note(geo, genanki.BASIC_MODEL, ["A question without an answer", ""])
    note(geo, vocab, ["Fluss", "river", "Der Rhein ist ein <i>Fluss</i>."], ["german"])

    path = os.path.join(out, "genanki.apkg")
    genanki.Package([geo, europe]).write_to_file(path, timestamp=1_700_000_000)
    recompress(path)
    with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "collection.anki2")
        with open(db, "wb") as f:
            f.write(z.read("collection.anki2"))
        conn = sqlite3.connect(db)
        counts = {
            "notes": conn.execute("select count(*) from notes").fetchone()[0],
            "anki_cards": conn.execute("select count(*) from cards").fetchone()[0],
            "scheduled": [],
        }
        conn.close()
    with open(os.path.join(out, "genanki.expected.json"), "w") as f:
        json.dump(counts, f, indent=1)
    print(f"wrote {path}")


def shift_step(col, since_revlog_id, card_ids, days_back, hour_utc=15):
    """Moves the answers given since `since_revlog_id` (and the resulting due
    dates) `days_back` days into the past, each at `hour_utc` UTC that day,
    as if the learner had studied then."""
    today = anki_today(col)
    day = today - dt.timedelta(days=days_back)
    base = int(dt.datetime(day.year, day.month, day.day, hour_utc, tzinfo=dt.timezone.utc).timestamp() * 1000)
    rows = col.db.all("select id from revlog where id > ? order by id", since_revlog_id)
    for i, (rid,) in enumerate(rows):
        col.db.execute("update revlog set id = ? where id = ?", base + i * 60_000, rid)
    for cid in card_ids:
        ctype, queue, due = col.db.first("select type, queue, due from cards where id = ?", cid)
        if queue in (2, 3) or (ctype == 2 and due < 1_000_000_000):
            col.db.execute("update cards set due = due - ? where id = ?", days_back, cid)
        elif due > 1_000_000_000:
            col.db.execute("update cards set due = ? where id = ?", base // 1000 + 600, cid)


def make_anki(out):
    tmp = tempfile.mkdtemp()
    col = Collection(os.path.join(tmp, "fixture.anki2"))
    models = col.models
    history = col.decks.id("Japan::History")
    geography = col.decks.id("Japan::Geography")
    col.decks.get(col.decks.id("Japan"))

    def add(model_name, fields, deck, tags=()):
        note = col.new_note(models.by_name(model_name))
        for k, v in fields.items():
            note[k] = v
        note.tags = list(tags)
        col.add_note(note, deck)
        return note

    mediator = add(
        "Basic",
        {"Front": "Who mediated the 1905 peace?", "Back": "Theodore Roosevelt"},
        history,
        ["people", "japan::treaties"],
    )
    shimoda = add("Basic (and reversed card)", {"Front": "Treaty of Shimoda", "Back": "1855"}, history)
    portsmouth = add(
        "Cloze",
        {"Text": "The {{c1::Treaty of Portsmouth}} gave Japan {{c2::southern Sakhalin}}.",
         "Back Extra": "Signed on 5 September 1905."},
        history,
        ["treaties"],
    )
    add(
        "Basic (optional reversed card)",
        {"Front": "Hokkaido", "Back": "Northernmost main island", "Add Reverse": "y"},
        geography,
    )
    add("Basic", {"Front": "Capital of Japan in 1868?", "Back": "Tokyo"}, geography)
    vocab = models.new("Vocab")
    for name in ["Word", "Meaning"]:
        models.add_field(vocab, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"] = "{{Word}}"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}"
    models.add_template(vocab, template)
    models.add(vocab)
    add("Vocab", {"Word": "kaikyō", "Meaning": "strait"}, geography)

    def cards_of(note):
        return sorted(note.cards(), key=lambda c: c.ord)

    def answer(card, *eases):
        for ease in eases:
            card.load()
            card.start_timer()
            col.sched.answerCard(card, ease)

    mediator_card = cards_of(mediator)[0]
    shimoda_front, shimoda_back = cards_of(shimoda)
    c1, c2 = cards_of(portsmouth)

    # 20 days ago: first study session.
    mark = col.db.scalar("select coalesce(max(id), 0) from revlog")
    answer(mediator_card, 3, 3)          # good, good: graduates (1 day)
    answer(shimoda_front, 4)             # easy: straight to review
    answer(shimoda_back, 1, 3, 3)        # again, good, good
    answer(c1, 3, 3)
    answer(c2, 4)
    touched = [mediator_card.id, shimoda_front.id, shimoda_back.id, c1.id, c2.id]
    shift_step(col, mark, touched, 20)

    # 10 days ago: the cards were due; review them.
    mark = col.db.scalar("select coalesce(max(id), 0) from revlog")
    answer(mediator_card, 3)             # good
    answer(shimoda_front, 2)             # hard
    answer(shimoda_back, 1)              # lapse
    answer(c2, 4)                        # easy
    shift_step(col, mark, [mediator_card.id, shimoda_front.id, shimoda_back.id, c2.id], 10)

    # 2 days ago: the lapsed card relearns, one review.
    mark = col.db.scalar("select coalesce(max(id), 0) from revlog")
    answer(shimoda_back, 3)
    answer(mediator_card, 3)
    shift_step(col, mark, [shimoda_back.id, mediator_card.id], 2)

    # Current Anki notes each card's last review time in its data; keep it
    # in step with the review log moved into the past.
    for cid, last in col.db.all("select cid, max(id) from revlog group by cid"):
        data = json.loads(col.db.scalar("select data from cards where id = ?", cid) or "{}")
        data["lrt"] = last // 1000
        col.db.execute("update cards set data = ? where id = ?", json.dumps(data), cid)

    today = anki_today(col)
    sched_today = col.sched.today
    expected = []
    for nid in col.db.list("select id from notes order by id"):
        note = col.get_note(nid)
        for card in cards_of(note):
            if card.type == 0:
                continue
            entries = col.db.list("select id from revlog where cid = ? and ease > 0", card.id)
            if card.queue in (2, 3) or card.type == 2:
                due = today + dt.timedelta(days=card.due - sched_today)
            else:
                due = day_of_ms(card.due * 1000)
            expected.append({
                "front": note.fields[0],
                "ord": card.ord,
                "type": card.type,
                "queue": card.queue,
                "ivl": card.ivl,
                "factor": card.factor,
                "lapses": card.lapses,
                "due": due.isoformat(),
                "last_review": day_of_ms(max(entries)).isoformat(),
                "answers": len(entries),
            })
    summary = {
        "notes": col.note_count(),
        "anki_cards": col.card_count(),
        "scheduled": expected,
    }

    for name, legacy in [("anki-current", False), ("anki-legacy", True)]:
        path = os.path.join(out, f"{name}.apkg")
        col.export_anki_package(
            out_path=path,
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True,
                                             legacy=legacy),
            limit=None,
        )
        recompress(path)
        with open(os.path.join(out, f"{name}.expected.json"), "w") as f:
            json.dump(summary, f, indent=1, ensure_ascii=False)
        print(f"wrote {path}")
    path = os.path.join(out, "anki-collection.colpkg")
    col.export_collection_package(out_path=path, include_media=True, legacy=False)
    recompress(path)
    with open(os.path.join(out, "anki-collection.expected.json"), "w") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
    print(f"wrote {path}")
    shutil.rmtree(tmp, ignore_errors=True)


def cmd_fixtures(out):
    os.makedirs(out, exist_ok=True)
    make_genanki(out)
    make_anki(out)
    # What the formats look like, for the record.
    for name in sorted(os.listdir(out)):
        if name.endswith((".apkg", ".colpkg")):
            with zipfile.ZipFile(os.path.join(out, name)) as z:
                entries = ", ".join(f"{i.filename} ({i.file_size} B)" for i in z.infolist())
            print(f"  {name}: {os.path.getsize(os.path.join(out, name))} bytes; {entries}")


# ------------------------------------------------------------------ export


def check_export(directory, name):
    package = os.path.join(directory, f"{name}.apkg")
    with open(os.path.join(directory, f"{name}.expected.json")) as f:
        expected = json.load(f)
    tmp = tempfile.mkdtemp()
    col = Collection(os.path.join(tmp, "check.anki2"))
    request = ImportAnkiPackageRequest(
        package_path=package,
        options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
    )
    col.import_anki_package(request)
    today = anki_today(col)
    check(today.isoformat() == expected["today"],
          f"{name}: recall exported for {expected['today']}, Anki's today is {today}")

    notes = col.note_count()
    cards = col.card_count()
    check(notes == expected["notes"], f"{name}: {notes} notes in Anki, expected {expected['notes']}")
    check(cards == expected["cards"], f"{name}: {cards} cards in Anki, expected {expected['cards']}")
    deck_names = {d.name for d in col.decks.all_names_and_ids()}
    for deck in expected["decks"]:
        check(deck in deck_names, f"{name}: deck {deck!r} missing in Anki ({sorted(deck_names)})")
    type_names = {m["name"] for m in col.models.all()}
    for nt in expected["note_types"]:
        check(nt in type_names, f"{name}: note type {nt!r} missing ({sorted(type_names)})")

    reviewed = 0
    for want in expected["cards_detail"]:
        nid = col.db.scalar("select id from notes where guid = ?", want["guid"])
        if not check(nid is not None, f"{name}: no note with guid {want['guid']}"):
            continue
        note = col.get_note(nid)
        check(note.note_type()["name"] == want["note_type"],
              f"{name}: {want['guid']} is a {note.note_type()['name']!r} note, expected {want['note_type']!r}")
        check(sorted(note.tags) == sorted(want["tags"]), f"{name}: {want['guid']} tags {note.tags} != {want['tags']}")
        cid = col.db.scalar("select id from cards where nid = ? and ord = ?", nid, want["ord"])
        if not check(cid is not None, f"{name}: {want['guid']} has no card {want['ord']}"):
            continue
        card = col.get_card(cid)
        deck = col.decks.name(card.odid or card.did)
        check(deck == want["deck"], f"{name}: {want['guid']}#{want['ord']} in deck {deck!r}, expected {want['deck']!r}")
        question = card.question()
        check(want["question_contains"] in question,
              f"{name}: {want['guid']}#{want['ord']} question {question!r} lacks {want['question_contains']!r}")
        sched = want.get("schedule")
        if sched is None:
            check(card.type == 0 and card.queue == 0, f"{name}: {want['guid']}#{want['ord']} should be new")
            continue
        reviewed += 1
        got = {
            "type": card.type,
            "queue": card.queue,
            "ivl": card.ivl,
            "factor": card.factor,
            "due_in_days": card.due - col.sched.today,
            "reps": card.reps,
            "lapses": card.lapses,
        }
        for key, value in got.items():
            check(value == sched[key],
                  f"{name}: {want['guid']}#{want['ord']} {key} = {value}, expected {sched[key]}")
        due_date = today + dt.timedelta(days=card.due - col.sched.today)
        check(due_date.isoformat() == sched["due"], f"{name}: {want['guid']}#{want['ord']} due {due_date} != {sched['due']}")
        log = col.db.all("select ivl, factor, type from revlog where cid = ?", cid)
        check(len(log) == 1 and log[0][0] == sched["ivl"] and log[0][1] == sched["factor"],
              f"{name}: {want['guid']}#{want['ord']} review log {log}")

    problems, ok = col.fix_integrity()
    check(ok, f"{name}: Anki's Check Database failed: {problems}")
    print(f"{name}: Anki imported {notes} notes, {cards} cards, {reviewed} with recall's schedule"
          f" (checked ivl/factor/due/reps/lapses); Check Database: {problems.strip() or 'no problems'}")

    out = os.path.join(directory, f"roundtrip-{name[len('recall-'):]}.apkg")
    col.export_anki_package(
        out_path=out,
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False),
        limit=None,
    )
    col.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{name}: exported again by Anki as {out}")


def check_together(directory, names):
    """All packages into one collection (a learner with several recall decks),
    each twice: the second import must update the notes (same guids), not
    duplicate them."""
    tmp = tempfile.mkdtemp()
    col = Collection(os.path.join(tmp, "together.anki2"))
    want_notes = want_cards = 0
    for name in names:
        with open(os.path.join(directory, f"{name}.expected.json")) as f:
            expected = json.load(f)
        want_notes += expected["notes"]
        want_cards += expected["cards"]
        for _ in range(2):
            col.import_anki_package(ImportAnkiPackageRequest(
                package_path=os.path.join(directory, f"{name}.apkg"),
                options=ImportAnkiPackageOptions(with_scheduling=True),
            ))
    notes, cards = col.note_count(), col.card_count()
    check(notes == want_notes and cards == want_cards,
          f"together: {notes} notes / {cards} cards, expected {want_notes} / {want_cards}")
    types = sorted(m["name"] for m in col.models.all() if "(recall)" in m["name"])
    check(len(types) == len(set(types)), f"together: note types duplicated: {types}")
    print(f"together: {len(names)} packages imported twice into one collection: {notes} notes,"
          f" {cards} cards, note types {types}")
    col.close()
    shutil.rmtree(tmp, ignore_errors=True)


def cmd_export(directory):
    names = sorted(f[: -len(".apkg")] for f in os.listdir(directory)
                   if f.startswith("recall-") and f.endswith(".apkg"))
    check(names, f"no recall-*.apkg in {directory}")
    for name in names:
        check_export(directory, name)
    check_together(directory, names)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("fixtures", "export"):
        print(__doc__)
        return 2
    {"fixtures": cmd_fixtures, "export": cmd_export}[argv[1]](argv[2])
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
