#!/usr/bin/env bash
# Benchmarks recall on a generated profile (SPEC §7): 100,000 items with
# 1,000,000 logged reviews by default. Times whole processes.
#
#   scripts/bench.sh [DATA_DIR] [ITEMS] [REVIEWS]
#
# The profile is generated once into DATA_DIR (default: a temporary
# directory) through recall's own store code (examples/gen_profile.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-$(mktemp -d)}
items=${2:-100000}
reviews=${3:-1000000}
runs=${RUNS:-20}

cargo build --release --quiet --bin recall --example gen_profile
recall=target/release/recall
if [ ! -f "$dir/users/bench/state.json" ]; then
  target/release/examples/gen_profile --data-dir "$dir" --user bench --items "$items" --reviews "$reviews"
fi
export RECALL_DATA_DIR=$dir RECALL_USER=bench RECALL_NOW=2026-11-25

# Milliseconds of one run of a command, as a whole process.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

"$recall" due >/dev/null # warm the page cache
due=$(for _ in $(seq "$runs"); do time_ms "$recall" due; done | median)
echo "recall due: median ${due} ms over $runs runs (whole process)"

if [ -x /usr/bin/time ]; then
  rss=$(/usr/bin/time -f %M "$recall" due 2>&1 >/dev/null | tail -1)
  echo "recall due: peak memory ${rss} KB ($(( rss * 1024 / items )) bytes per item)"
fi

cp "$dir/users/bench/log.jsonl" "$dir/log.backup"
cp "$dir/users/bench/state.json" "$dir/state.backup"
review=$(for i in $(seq 5); do time_ms "$recall" review "bench/c00000$i" --grade 4; done | median)
echo "recall review: median ${review} ms over 5 runs (whole process: load, append + fsync)"
if [ -x /usr/bin/time ]; then
  rss=$(/usr/bin/time -f %M "$recall" review bench/c000009 --grade 4 2>&1 >/dev/null | tail -1)
  echo "recall review: peak memory ${rss} KB"
fi
mv "$dir/log.backup" "$dir/users/bench/log.jsonl"
mv "$dir/state.backup" "$dir/users/bench/state.json"

echo "snapshot: $(stat -c %s "$dir/users/bench/state.json") bytes; log: $(stat -c %s "$dir/users/bench/log.jsonl") bytes"
echo "profile in $dir"
