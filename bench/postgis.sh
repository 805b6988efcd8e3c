#!/usr/bin/env bash
# k=5 nearest on the same 1,000,000 generated shelters: PostgreSQL 15 +
# PostGIS 3 (`ORDER BY <-> point LIMIT 5` on a GiST index, pgbench with 2
# clients, random points from the same fixed list as the other benchmarks) as
# the reference, next to rifugio in process (bench_nearest, one core) and over
# HTTP (the figure bench/http.sh wrote in this build tree).
# Targets (issue 3): in-process >= 30x PostGIS's queries/s; HTTP > 2x.
#
#   bench/postgis.sh                     (after `make build`; root installs PostgreSQL/PostGIS if missing)
#   COUNT=1000000 DURATION=20 bench/postgis.sh
#
# A throw-away cluster in a temp folder on a free port (Unix socket in that
# folder, no TCP), run as the `postgres` user when started as root (initdb
# refuses root). Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bin=build/release
count=${COUNT:-1000000}
duration=${DURATION:-20}
results=${RESULTS:-$bin/bench}
pg=/usr/lib/postgresql/15/bin

for tool in tools/rifugio-gen-shelters bench/bench_points bench/bench_nearest; do
  [ -x "$bin/$tool" ] || { echo "postgis.sh: $bin/$tool missing: run 'make build' first" >&2; exit 1; }
done

missing=()
[ -x "$pg/initdb" ] || missing+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
install_missing "${missing[@]}"

pg_as_user

work=$(mktemp -d)
chmod 755 "$work"
mkdir -p "$work/pg" "$work/sock"
[ "$(id -u)" = 0 ] && chown "$pg_user" "$work/pg" "$work/sock"
started=0
cleanup() {
  [ "$started" = 1 ] && as_pg "$pg/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


echo "== data: $count generated shelters (the same generator and seed as bench/http.sh and bench_nearest)"
"$bin/tools/rifugio-gen-shelters" --count "$count" >"$work/shelters.csv"
"$bin/bench/bench_points" --count 4096 --seed 99 >"$work/points.txt"

port=$(free_port)
echo "== PostgreSQL $("$pg/postgres" --version | awk '{print $3}') in $work/pg, port $port (Unix socket only)"
as_pg "$pg/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; exit 1; }
as_pg "$pg/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $port -k $work/sock -c listen_addresses='' -c shared_buffers=512MB -c maintenance_work_mem=1GB \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c jit=off -c max_wal_size=4GB" start >/dev/null
started=1
psql() { as_pg "$pg/psql" -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE bench" >/dev/null

t0=$SECONDS
psql -d bench >/dev/null <<'SQL'
CREATE EXTENSION postgis;
CREATE UNLOGGED TABLE staging (id bigint, name text, address text, municipality text, capacity int, lon float8, lat float8);
CREATE UNLOGGED TABLE points (lon float8, lat float8);
SQL
psql -d bench -c "\\copy staging FROM STDIN WITH (FORMAT csv, HEADER true)" <"$work/shelters.csv"
psql -d bench -c "\\copy points FROM STDIN WITH (FORMAT text, DELIMITER ' ')" <"$work/points.txt"
psql -d bench >/dev/null <<'SQL'
CREATE TABLE shelters AS
  SELECT id, name, address, municipality, capacity,
         ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom,
         ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS geog
  FROM staging;
ALTER TABLE shelters ADD PRIMARY KEY (id);
CREATE INDEX shelters_geog ON shelters USING gist (geog);
CREATE INDEX shelters_geom ON shelters USING gist (geom);
CREATE TABLE q AS
  SELECT row_number() OVER () AS i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom,
         ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS geog
  FROM points;
ALTER TABLE q ADD PRIMARY KEY (i);
DROP TABLE staging;
VACUUM ANALYZE;
SQL
echo "   loaded and indexed (GiST on geography and on geometry) in $((SECONDS - t0)) s"

# One query per transaction: a random point of the list, the 5 nearest.
for kind in geog geom; do
  cat >"$work/$kind.sql" <<EOF
\\set i random(1, 4096)
SELECT id, name, capacity FROM shelters ORDER BY $kind <-> (SELECT $kind FROM q WHERE i = :i) LIMIT 5;
EOF
done
# The plan must be a KNN index scan, not a sort of a million rows.
psql -d bench -c "PREPARE p(int) AS SELECT id FROM shelters ORDER BY geog <-> (SELECT geog FROM q WHERE i = \$1) LIMIT 5;
                  EXPLAIN EXECUTE p(1);" >"$work/plan.txt"
grep -q 'Index Scan using shelters_geog' "$work/plan.txt" || { echo "postgis.sh: no KNN index scan:"; cat "$work/plan.txt"; exit 1; }
chmod 644 "$work"/*.sql

run_pgbench() {
  as_pg "$pg/pgbench" -n -M prepared -c 2 -j 2 -T "$duration" -f "$work/$1.sql" -h "$work/sock" -p "$port" -U postgres bench \
    >"$work/pgbench-$1.out" 2>&1 || { cat "$work/pgbench-$1.out"; exit 1; }
  sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench-$1.out"
}
echo "== pgbench: 2 clients, ${duration} s per index"
geog_qps=$(run_pgbench geog)
geom_qps=$(run_pgbench geom)
geog_lat=$(sed -n 's/^latency average = //p' "$work/pgbench-geog.out")
geom_lat=$(sed -n 's/^latency average = //p' "$work/pgbench-geom.out")

echo "== rifugio in process: bench_nearest, k=5 at 1,000,000 shelters, one core"
"$bin/bench/bench_nearest" --benchmark_filter='BM_Nearest/shelters:1000000/brute:0$' --benchmark_format=csv \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true >"$work/inproc.csv" 2>/dev/null
# CSV: name,iterations,real_time,cpu_time,time_unit,...; the median row.
read -r inproc_us unit < <(awk -F, '/_median/ {print $3, $5}' "$work/inproc.csv")
case "$unit" in ns) scale=1e9 ;; us) scale=1e6 ;; ms) scale=1e3 ;; *) echo "unexpected unit $unit"; cat "$work/inproc.csv"; exit 1 ;; esac
inproc_qps=$(awk -v t="$inproc_us" -v s="$scale" 'BEGIN { printf "%.0f", s / t }')

http_qps=""
[ -f "$results/http-nearest-rps" ] && http_qps=$(cat "$results/http-nearest-rps")

best=$(awk -v a="$geog_qps" -v b="$geom_qps" 'BEGIN { print (a > b ? a : b) }')
echo
printf '%-62s %12s\n' "k=5 nearest, $count shelters" "queries/s"
printf '%-62s %12.0f   (%s per query)\n' "PostGIS geography GiST, pgbench 2 clients (reference)" "$geog_qps" "$geog_lat"
printf '%-62s %12.0f   (%s per query)\n' "PostGIS geometry GiST (planar degrees), pgbench 2 clients" "$geom_qps" "$geom_lat"
printf '%-62s %12.0f   (%s %s median per query)\n' "rifugio in process, one core (bench_nearest)" "$inproc_qps" "$inproc_us" "$unit"
if [ -n "$http_qps" ]; then
  printf '%-62s %12.0f\n' "rifugio HTTP /v1/nearest, 256 connections (bench/http.sh)" "$http_qps"
else
  echo "rifugio HTTP: no figure yet (run bench/http.sh first; it writes $results/http-nearest-rps)"
fi
echo
awk -v i="$inproc_qps" -v h="${http_qps:-0}" -v g="$geog_qps" -v b="$best" 'BEGIN {
  printf "in process / PostGIS: %.0fx geography, %.0fx the faster index (target >= 30x: %s)\n", i / g, i / b, (i >= 30 * b ? "met" : "NOT met")
  if (h > 0) printf "HTTP / PostGIS: %.1fx geography, %.1fx the faster index (target > 2x: %s)\n", h / g, h / b, (h > 2 * b ? "met" : "NOT met") }'
