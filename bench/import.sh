#!/usr/bin/env bash
# Import time and peak memory of `rifugio import` for Sweden 2018 (real,
# 68,905 rows) and a generated 1,000,000-shelter file (fixed seed), each next
# to a reference measured in the same run: GDAL's own ogr2ogr loading the
# same CSV into SQLite (no validation, no audit log, no key matching).
# Targets (issue 2): Sweden <= 2 s; 1,000,000 <= 30 s with peak RSS <= 1.5 GB.
#   bench/import.sh            (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release
data=${RIFUGIO_DATA_DIR:-../shared/data}
count=${COUNT:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD... : prints seconds and peak RSS (MB) of one run
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r secs kb <"$work/time"
  printf '%-34s %8.2f s %8.0f MB\n' "$name" "$secs" "$((kb / 1024))"
}

"$bin/tools/rifugio-gen-shelters" --count "$count" >"$work/generated-sample.csv"
echo "rifugio import vs ogr2ogr CSV->SQLite (reference), same machine, same run"
if [ -f "$data/se-msb-2018/shelters.csv" ]; then
  measure "rifugio import se-msb-2018" "$bin/src/cli/rifugio" --db "$work/se.db" import -q --data-dir "$data" mappings/se-msb-2018.json
  measure "  ogr2ogr se-msb-2018" ogr2ogr -f SQLite "$work/se-ogr.sqlite" "$data/se-msb-2018/shelters.csv"
  measure "rifugio re-import (no changes)" "$bin/src/cli/rifugio" --db "$work/se.db" import -q --data-dir "$data" mappings/se-msb-2018.json
else
  echo "skipped Sweden 2018: $data/se-msb-2018/shelters.csv not found (set RIFUGIO_DATA_DIR)"
fi
measure "rifugio import generated $count" "$bin/src/cli/rifugio" --db "$work/gen.db" import -q --data-dir "$work" mappings/generated-sample.json
measure "  ogr2ogr generated $count" ogr2ogr -f SQLite "$work/gen-ogr.sqlite" "$work/generated-sample.csv"
