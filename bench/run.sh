#!/usr/bin/env bash
# Every benchmark in turn, each printing its figures next to its reference
# (`make bench` runs this after `make build`). Not part of `make test`.
#   bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release

echo "### in-process k=5 nearest vs brute force (bench_nearest)"
"$bin/bench/bench_nearest" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
echo
echo "### /v1/nearest answer writer with crowd-report summaries vs without (bench_nearest_json)"
"$bin/bench/bench_nearest_json" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

echo "### import vs ogr2ogr (bench/import.sh)"
bench/import.sh
echo
echo "### HTTP /v1/nearest vs nginx, 10,000 idle connections (bench/http.sh)"
bench/http.sh
echo
echo "### PostGIS vs in process and HTTP (bench/postgis.sh)"
bench/postgis.sh
echo
echo "### live updates: status change -> 5,000 GET /v1/events streams (bench/events.sh)"
bench/events.sh
echo
echo "### walking routes: pgRouting vs in process and HTTP /v1/route (bench/pgrouting.sh)"
bench/pgrouting.sh
