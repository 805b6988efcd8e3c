#!/usr/bin/env bash
# Compare our walking distances with pgRouting's on the same OSM extract.
#
#   tests/routing/pgrouting_compare.sh RIFUGIO ROUTE_PAIRS EXTRACT [PAIRS]
#
# Starts a throw-away PostgreSQL 15 cluster (as user postgres: initdb refuses
# root), loads EXTRACT with osm2pgrouting (our highway classes), picks PAIRS
# (default 200) random vertex pairs of its largest component (fixed seed),
# runs pgr_dijkstra on length_m (undirected) and our Dijkstra (route_pairs on
# a graph built by `RIFUGIO graph build`) between the same OSM nodes, and
# passes when >= 95% of the routes found by both are within 3% of pgRouting's
# length. Prints the worst differences. Exit 77 (ctest: skipped) when
# PostgreSQL, pgRouting, osm2pgrouting or osmium is missing or EXTRACT is absent.
#
# KEEP_PGR=1 keeps the cluster running and the files, to look at a pair.
# Debian: postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting osm2pgrouting osmium-tool
set -euo pipefail

RIFUGIO=${1:?rifugio binary}
ROUTE_PAIRS=${2:?route_pairs binary}
EXTRACT=${3:?OSM extract}
PAIRS=${4:-200}
PGBIN=/usr/lib/postgresql/15/bin

skip() { echo "SKIPPED: $*"; exit 77; }
[ -f "$EXTRACT" ] || skip "no extract at $EXTRACT (set RIFUGIO_DATA_DIR)"
[ -x "$PGBIN/initdb" ] || skip "PostgreSQL 15 is not installed (Debian postgresql-15)"
[ -f /usr/share/postgresql/15/extension/pgrouting.control ] || skip "pgRouting is not installed (Debian postgresql-15-pgrouting)"
command -v osm2pgrouting >/dev/null || skip "osm2pgrouting is not installed (Debian osm2pgrouting)"
command -v osmium >/dev/null || skip "osmium is not installed (Debian osmium-tool)"

TMP=$(mktemp -d /tmp/rifugio-pgr-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "${KEEP_PGR:-}" ]; then echo "kept: $TMP (psql -h $TMP -p $PORT -U postgres rt; stop: pg_ctl -D $TMP/db stop)"; return; fi
  as_pg "$PGBIN/pg_ctl" -D "$TMP/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$TMP"
chmod 755 "$TMP"
as_pg "$PGBIN/initdb" -D "$TMP/db" -U postgres --auth=trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$TMP/db" -o "-p $PORT -k $TMP -c listen_addresses=''" -l "$TMP/pg.log" -w start >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$TMP" -p "$PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE rt"
"${PSQL[@]}" -d rt -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting"

osmium cat -O "$EXTRACT" -o "$TMP/x.osm" 2>/dev/null
# The highway classes our builder walks (Debian's pedestrian mapconfig does not parse).
cp "$(dirname "$0")/osm2pgrouting_foot.xml" "$TMP/foot.xml"
"$RIFUGIO" graph build -q "$EXTRACT" -o "$TMP/x.graph" | sed 's/^/ours: /'

# compare OSM_FILE LABEL ENFORCE: load OSM_FILE into pgRouting, route the pairs both ways.
compare() {
OSM=$1 LABEL=$2 ENFORCE=$3
t0=$(date +%s.%N)
osm2pgrouting -f "$OSM" -c "$TMP/foot.xml" -d rt -U postgres \
  -h "$TMP" -p "$PORT" --clean >"$TMP/o2p.log" 2>&1 || { tail -20 "$TMP/o2p.log"; exit 1; }
t1=$(date +%s.%N)
"${PSQL[@]}" -d rt -c "SET client_min_messages = warning; DROP TABLE IF EXISTS comp, pick, pairs, pgr"

# Random pairs of vertices of pgRouting's largest component; pgr_dijkstra on metres.
"${PSQL[@]}" -d rt -o /dev/null -c "
  SELECT setseed(0.2026);
  CREATE TABLE comp AS SELECT * FROM pgr_connectedComponents('SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways');
  CREATE TABLE pick AS
    SELECT node, row_number() OVER () AS n FROM (
      SELECT node FROM comp WHERE component = (SELECT component FROM comp GROUP BY component ORDER BY count(*) DESC LIMIT 1)
      ORDER BY random() LIMIT 2 * $PAIRS) s;
  CREATE TABLE pairs AS
    SELECT a.n AS id, a.node AS source, b.node AS target FROM pick a JOIN pick b ON b.n = a.n + $PAIRS WHERE a.n <= $PAIRS;"
tq0=$(date +%s.%N)
"${PSQL[@]}" -d rt -c "
  CREATE TABLE pgr AS
    SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstra(
      'SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways',
      'SELECT source, target FROM pairs', directed => false) WHERE edge = -1;"
tq1=$(date +%s.%N)
# One pgr_dijkstra call per pair, as a server would answer one request: 20 pairs.
for i in $(seq 1 20); do echo "SELECT max(agg_cost) FROM pgr_dijkstra('SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways', (SELECT source FROM pairs WHERE id = $i), (SELECT target FROM pairs WHERE id = $i), false);"; done >"$TMP/one.sql"
ts0=$(date +%s.%N)
"${PSQL[@]}" -d rt -o /dev/null -f "$TMP/one.sql"
ts1=$(date +%s.%N)
"${PSQL[@]}" -d rt -At -F, -c "
  SELECT p.id, va.lon, va.lat, vb.lon, vb.lat, coalesce(g.agg_cost, -1)
  FROM pairs p JOIN ways_vertices_pgr va ON va.id = p.source JOIN ways_vertices_pgr vb ON vb.id = p.target
  LEFT JOIN pgr g ON g.start_vid = p.source AND g.end_vid = p.target ORDER BY p.id" >"$TMP/pairs.csv"
cut -d, -f1-5 "$TMP/pairs.csv" | "$ROUTE_PAIRS" "$TMP/x.graph" >"$TMP/ours.csv"

python3 - "$TMP/pairs.csv" "$TMP/ours.csv" "$t0" "$t1" "$tq0" "$tq1" "$ts0" "$ts1" "$LABEL" "$ENFORCE" <<'PY'
import csv, sys
t = [float(x) for x in sys.argv[3:9]]
label, enforce = sys.argv[9], sys.argv[10] == "1"
pgr = {r[0]: (float(r[5]), r[1:5]) for r in csv.reader(open(sys.argv[1]))}
ours = {r[0]: float(r[1]) for r in csv.reader(open(sys.argv[2]))}
both, within, nomatch, unreachable, diffs = 0, 0, 0, 0, []
for k, (p, pts) in pgr.items():
    o = ours.get(k, -1)
    if o == -1: nomatch += 1; continue
    if o == -2: unreachable += 1; continue
    if p < 0: continue
    both += 1
    rel = (o - p) / p if p > 0 else 0.0
    if abs(rel) <= 0.03: within += 1
    diffs.append((abs(rel), rel, o, p, k, pts))
print(f"== {label}\nosm2pgrouting import {t[1] - t[0]:.2f} s, pgr_dijkstra on {len(pgr)} pairs in one call {t[3] - t[2]:.2f} s, "
      f"one call per pair {1000 * (t[5] - t[4]) / 20:.1f} ms (compare bench_routing BM_RouteTo)")
print(f"pairs {len(pgr)}: compared {both}, within 3%: {within} ({100.0 * within / max(both, 1):.1f}%), "
      f"vertex not in our graph (islands, excluded ways): {nomatch}, not connected in ours: {unreachable}")
longer = sum(1 for d in diffs if d[1] > 0.03); shorter = sum(1 for d in diffs if d[1] < -0.03)
print(f"outside 3%: ours longer {longer} (ways pgRouting walks that we do not: access=no/private, foot=no, motorroad=yes), ours shorter {shorter}")
for d in sorted(diffs, reverse=True)[:8]:
    print(f"  pair {d[4]}: ours {d[2]:.0f} m, pgRouting {d[3]:.0f} m ({100 * d[1]:+.1f}%), from {d[5][1]},{d[5][0]} to {d[5][3]},{d[5][2]}")
ok = both >= 0.5 * len(pgr) and within >= 0.95 * both
if enforce:
    print("PASS" if ok else "FAIL: fewer than 95% of routes within 3% of pgRouting's length")
sys.exit(0 if ok or not enforce else 1)
PY
}


# 1. pgRouting's reading of the extract: it ignores access and foot tags, so
#    it walks access=no/private and foot=no ways we refuse.
compare "$TMP/x.osm" "pgRouting on every way of those classes (no access rules)" 0
# 2. The same network: the ways our rules refuse are removed from its input
#    (foot=yes exceptions are rare; -R: not even as members of kept route
#    relations). This is the pass/fail comparison.
osmium tags-filter -i -R -O "$TMP/x.osm" w/access=no,private \
  w/foot=no,private,use_sidepath w/motorroad=yes -o "$TMP/same.osm" 2>/dev/null
compare "$TMP/same.osm" "pgRouting without the ways our access rules refuse" 1
