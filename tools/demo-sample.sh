#!/usr/bin/env bash
# Fills a register with a GENERATED sample for the demo when no real data
# folder is present. Every name says so, so nobody mistakes it for real shelters.
#   tools/demo-sample.sh var/demo.db
set -euo pipefail
db=${1:?usage: tools/demo-sample.sh DB}
bin=build/release
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin/tools/rifugio-gen-shelters" --count 20000 |
  awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = "GENERATED SAMPLE " $2 " (not a real shelter)" } { print }' \
  > "$dir/generated-sample.csv"
"$bin/src/cli/rifugio" --db "$db" import -q --data-dir "$dir" mappings/generated-sample.json
