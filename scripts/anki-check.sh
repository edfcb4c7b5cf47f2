#!/bin/sh
# Checks recall's Anki interchange with the official Anki (the `anki` package
# from PyPI) and genanki, installed into a throw-away virtual environment:
#
#  1. makes fresh sample packages with genanki and with Anki itself, and runs
#     the import tests (tests/anki.rs) on them;
#  2. exports decks with recall (the bundled ones, and a sample with progress;
#     examples/anki_check.rs), imports them into a fresh Anki collection and
#     checks cards, note types, decks, tags, rendering and scheduling there;
#     then reads Anki's own re-export back into recall and checks ids and
#     schedule again.
#
# Usage: scripts/anki-check.sh [--write-fixtures]
#   --write-fixtures   also replace tests/fixtures/anki with the fresh packages
# Environment: ANKI_CHECK_VENV=DIR reuses (or creates) a virtual environment
#   there instead of a temporary one; CARGO_TARGET_DIR is honoured.
# Exit status: 0 when every check passed; 3 when the virtual environment or
#   anki/genanki could not be installed (no network, no PyPI: nothing was
#   checked); any other non-zero status when a check or build failed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
write_fixtures=no
case "${1:-}" in
    --write-fixtures) write_fixtures=yes ;;
    "") ;;
    *) echo "usage: $0 [--write-fixtures]" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
skipped() {
    echo "anki-check: skipped: could not install anki/genanki from PyPI" >&2
    exit 3
}
# Runs a check; a failure ends the script with its status, never with 3
# (which says that nothing could be checked).
run() {
    status=0
    "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "anki-check: FAILED (status $status): $*" >&2
        [ "$status" -eq 3 ] && status=1
        exit "$status"
    fi
}

venv=${ANKI_CHECK_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || skipped
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check anki genanki || skipped
py="$venv/bin/python"
run "$py" -c 'import anki.buildinfo as b, genanki.version as g; print("anki", b.version, "/ genanki", g.__version__)'

cd "$root"
mkdir "$work/fixtures" "$work/check"

echo "== 1. packages made by genanki and by Anki, read by recall"
run "$py" scripts/anki-check.py fixtures "$work/fixtures"
run env RECALL_ANKI_FIXTURES="$work/fixtures" cargo test --quiet --test anki

echo "== 2. packages made by recall, read by Anki"
# Anki's study day: its day starts at 04:00 local time.
today=$("$py" -c 'import datetime as d; print((d.datetime.now() - d.timedelta(hours=4)).date())') ||
    { echo "anki-check: FAILED: cannot tell Anki's study day" >&2; exit 1; }
run cargo run --quiet --example anki_check -- write-exports "$work/check" "$today"
run "$py" scripts/anki-check.py export "$work/check"
run cargo run --quiet --example anki_check -- read-roundtrips "$work/check" "$today"

if [ "$write_fixtures" = yes ]; then
    run cp "$work/fixtures"/* tests/fixtures/anki/
    echo "replaced tests/fixtures/anki"
fi
echo "anki-check: all passed"
