#!/usr/bin/env bash
# Walking routes per second on the Oslo extract, on one fixed list of random
# origin/shelter pairs: pgRouting (pgr_dijkstra under pgbench, 2 clients) as
# the reference, next to rifugio's route_to in process (2 threads,
# bench/route_throughput) and GET /v1/route under wrk (`rifugio serve`, 2
# threads). Target (issue 5): >= 20x pgRouting's throughput.
#
#   bench/pgrouting.sh                   (after `make build`; root installs what is missing)
#   PAIRS=500 SHELTERS=100 DURATION=20 EXTRACT=file.osm.pbf bench/pgrouting.sh
#   KEEP_WORK=1 bench/pgrouting.sh       (keeps the pairs, graph and register to look at)
#
# pgRouting: the extract loaded with osm2pgrouting (the highway classes our
# graph walks, tests/routing/osm2pgrouting_foot.xml), undirected, cost = length
# in metres, pgr_dijkstra over the whole `ways` table per query as in its
# documentation. Pairs: origins and shelters at random vertices of pgRouting's
# largest component (fixed seed), so both sides route between the same OSM
# nodes. Everything runs on this machine's cores at once: client and server
# share them on every side. Each side's server CPU seconds (PostgreSQL's
# backends, the route_throughput process, `rifugio serve`) are measured too:
# on a machine shared with other work, routes per CPU second compare fairly
# where routes per second also depend on each side's share of the cores.
# Loopback and Unix sockets only; everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bin=build/release
data=${RIFUGIO_DATA_DIR:-../shared/data}
extract=${EXTRACT:-$data/osm-oslo/oslo-east-2019-10.osm.pbf}
pairs=${PAIRS:-500}
shelters=${SHELTERS:-100}
duration=${DURATION:-20}
pg=/usr/lib/postgresql/15/bin

for tool in src/cli/rifugio bench/route_throughput; do
  [ -x "$bin/$tool" ] || { echo "pgrouting.sh: $bin/$tool missing: run 'make build' first" >&2; exit 1; }
done
[ -f "$extract" ] || { echo "pgrouting.sh: no extract at $extract (set RIFUGIO_DATA_DIR or EXTRACT)" >&2; exit 1; }

missing=()
[ -x "$pg/initdb" ] || missing+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
[ -f /usr/share/postgresql/15/extension/pgrouting.control ] || missing+=(postgresql-15-pgrouting)
command -v osm2pgrouting >/dev/null || missing+=(osm2pgrouting)
command -v osmium >/dev/null || missing+=(osmium-tool)
command -v wrk >/dev/null || missing+=(wrk)
install_missing "${missing[@]}"

pg_as_user

work=$(mktemp -d)
chmod 755 "$work"
mkdir -p "$work/pg" "$work/sock"
[ "$(id -u)" = 0 ] && chown "$pg_user" "$work/pg" "$work/sock"
started=0
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ "$started" = 1 ] && as_pg "$pg/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port)
echo "== PostgreSQL $("$pg/postgres" --version | awk '{print $3}'), pgRouting, port $port (Unix socket only)"
as_pg "$pg/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; exit 1; }
as_pg "$pg/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $port -k $work/sock -c listen_addresses='' -c shared_buffers=256MB -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c jit=off" start >/dev/null
started=1
psql() { as_pg "$pg/psql" -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE rt" >/dev/null
psql -d rt -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting" >/dev/null

t0=$SECONDS
osmium cat -O "$extract" -o "$work/x.osm" 2>/dev/null
cp tests/routing/osm2pgrouting_foot.xml "$work/foot.xml"
chmod 644 "$work/x.osm" "$work/foot.xml"
osm2pgrouting -f "$work/x.osm" -c "$work/foot.xml" -d rt -U postgres -h "$work/sock" -p "$port" --clean \
  >"$work/o2p.log" 2>&1 || { tail -20 "$work/o2p.log"; exit 1; }
"$bin/src/cli/rifugio" graph build -q "$extract" -o "$work/x.graph" >/dev/null
echo "   osm2pgrouting and rifugio graph build in $((SECONDS - t0)) s"

# Shelters and origins at random vertices of the largest component; pair i
# goes from origin i to shelter (i mod SHELTERS).
edges="SELECT gid AS id, source, target, length_m AS cost, length_m AS reverse_cost FROM ways"
psql -d rt -o /dev/null <<SQL
SELECT setseed(0.2026);
CREATE TABLE comp AS SELECT * FROM pgr_connectedComponents('$edges');
CREATE TABLE pick AS
  SELECT node, row_number() OVER () AS n FROM (
    SELECT node FROM comp
    WHERE component = (SELECT component FROM comp GROUP BY component ORDER BY count(*) DESC LIMIT 1)
    ORDER BY random() LIMIT $shelters + $pairs) s;
CREATE TABLE shelter_vertex AS SELECT n AS shelter, node FROM pick WHERE n <= $shelters;
CREATE TABLE pairs AS
  SELECT o.n - $shelters AS id, o.node AS source, s.node AS target, s.shelter
  FROM pick o JOIN shelter_vertex s ON s.shelter = (o.n - $shelters - 1) % $shelters + 1
  WHERE o.n > $shelters;
ALTER TABLE pairs ADD PRIMARY KEY (id);
ANALYZE;
SQL
psql -d rt -At -F, -c "SELECT s.shelter, v.lon, v.lat FROM shelter_vertex s JOIN ways_vertices_pgr v ON v.id = s.node ORDER BY s.shelter" \
  >"$work/shelter_points.csv"
psql -d rt -At -F, -c "SELECT p.id, v.lon, v.lat, p.shelter FROM pairs p JOIN ways_vertices_pgr v ON v.id = p.source ORDER BY p.id" \
  >"$work/pair_points.csv"

# The same shelters in a rifugio register (the generated-sample mapping's columns).
{
  echo "id,name,address,municipality,capacity,lon,lat"
  awk -F, '{ printf "%s,Bench shelter %s,Vertex %s,Oslo,100,%s,%s\n", $1, $1, $1, $2, $3 }' "$work/shelter_points.csv"
} >"$work/generated-sample.csv"
"$bin/src/cli/rifugio" --db "$work/r.db" import -q --data-dir "$work" mappings/generated-sample.json >/dev/null
# Our ids for the shelters (external key = the shelter number above), and both request lists.
python3 - "$work" <<'PY'
import csv, sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f"file:{work}/r.db?mode=ro", uri=True)
ours = {k: i for k, i in db.execute("SELECT key, shelter_id FROM external_keys WHERE source = 'generated-sample'")}
points = {r[0]: (r[1], r[2]) for r in csv.reader(open(f"{work}/shelter_points.csv"))}
if len(ours) != len(points):
    sys.exit(f"pgrouting.sh: {len(points)} shelters written, {len(ours)} imported")
with open(f"{work}/shelters.csv", "w") as out:
    for n, (lon, lat) in points.items():
        out.write(f"{ours[n]},{lon},{lat}\n")
with open(f"{work}/pairs.csv", "w") as pairs, open(f"{work}/paths.txt", "w") as paths:
    for _, lon, lat, shelter in csv.reader(open(f"{work}/pair_points.csv")):
        pairs.write(f"{lon},{lat},{ours[shelter]}\n")
        paths.write(f"/v1/route?from={lat},{lon}&to={ours[shelter]}\n")
PY
echo "== $pairs pairs, $shelters shelters, ${duration} s per run"

# pgRouting: one pair per transaction, as a server answers one request.
cat >"$work/route.sql" <<EOF
\\set i random(1, $pairs)
SELECT max(agg_cost) FROM pgr_dijkstra('$edges',
  (SELECT source FROM pairs WHERE id = :i), (SELECT target FROM pairs WHERE id = :i), directed => false);
EOF
chmod 644 "$work/route.sql"
# CPU ticks of a process and its reaped children (utime stime cutime cstime).
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
postmaster=$(head -1 "$work/pg/postmaster.pid")
pg_t0=$(ticks "$postmaster")
as_pg "$pg/pgbench" -n -c 2 -j 2 -T "$duration" -f "$work/route.sql" -h "$work/sock" -p "$port" -U postgres rt \
  >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out"; exit 1; }
pgr_qps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench.out")
pgr_lat=$(sed -n 's/^latency average = //p' "$work/pgbench.out")
# The backends exit with pgbench's connections: once reaped, their CPU is the postmaster's cutime.
sleep 1
pgr_cpu=$(awk -v a="$pg_t0" -v b="$(ticks "$postmaster")" -v hz="$hz" 'BEGIN { print (b - a) / hz }')
as_pg "$pg/pg_ctl" -D "$work/pg" -m fast stop >/dev/null
started=0

inproc=$("$bin/bench/route_throughput" "$work/x.graph" "$work/shelters.csv" "$work/pairs.csv" --threads 2 --seconds "$duration")
inproc_qps=$(echo "$inproc" | sed -n 's/.*qps=\([0-9.]*\).*/\1/p')
walked=$(echo "$inproc" | sed -n 's/.*walked=\([0-9.]*\).*/\1/p')
inproc_cpu=$(echo "$inproc" | sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p')

"$bin/src/cli/rifugio" --db "$work/r.db" serve --port 0 --threads 2 --graph "$work/x.graph" 2>"$work/rifugio.log" &
rifugio_pid=$!
pids+=("$rifugio_pid")
for _ in $(seq 300); do grep -q 'serving' "$work/rifugio.log" && break; sleep 0.1; done
grep -q 'serving' "$work/rifugio.log" || { cat "$work/rifugio.log"; exit 1; }
rport=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/rifugio.log")
run_wrk() {
  wrk -t2 -c16 -d"$1s" --latency -s bench/nearest.lua "http://127.0.0.1:$rport" >"$work/wrk.out" 2>&1 ||
    { cat "$work/wrk.out"; exit 1; }
  grep '^RESULT' "$work/wrk.out" | sed 's/^RESULT //'
}
RIFUGIO_PATHS="$work/paths.txt" run_wrk 3 >/dev/null
export RIFUGIO_PATHS="$work/paths.txt"
http_t0=$(ticks "$rifugio_pid")
http=$(run_wrk "$duration")
http_cpu=$(awk -v a="$http_t0" -v b="$(ticks "$rifugio_pid")" -v hz="$hz" 'BEGIN { print (b - a) / hz }')
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
http_qps=$(field "$http" rps)
[ "$(field "$http" non2xx)" = 0 ] && [ "$(field "$http" errors)" = 0 ] || { echo "pgrouting.sh: failed requests: $http"; exit 1; }

per_cpu() { awk -v n="$1" -v s="$duration" -v c="$2" 'BEGIN { printf "%.1f", (c > 0 ? n * s / c : 0) }'; }
pgr_pc=$(per_cpu "$pgr_qps" "$pgr_cpu")
inproc_pc=$(per_cpu "$inproc_qps" "$inproc_cpu")
http_pc=$(per_cpu "$http_qps" "$http_cpu")
echo
printf '%-60s %9s %14s\n' "walking route, one origin to one shelter, Oslo" "routes/s" "per server CPU s"
printf '%-60s %9.1f %14.1f   (%s per route)\n' "pgRouting pgr_dijkstra, pgbench 2 clients (reference)" "$pgr_qps" "$pgr_pc" "$pgr_lat"
printf '%-60s %9.1f %14.1f   (%.0f%% of pairs walked)\n' "rifugio route_to in process, 2 threads (route_throughput)" \
  "$inproc_qps" "$inproc_pc" "$(awk -v w="$walked" 'BEGIN { print 100 * w }')"
printf '%-60s %9.1f %14.1f   (p50 %s ms, p99 %s ms)\n' "rifugio GET /v1/route, wrk 16 connections, 2 server threads" \
  "$http_qps" "$http_pc" "$(field "$http" p50_ms)" "$(field "$http" p99_ms)"
echo "(server CPU: PostgreSQL backends $pgr_cpu s, route_throughput $inproc_cpu s, rifugio serve $http_cpu s in ${duration} s runs; load average $(cut -d' ' -f1 /proc/loadavg))"
echo
awk -v i="$inproc_qps" -v h="$http_qps" -v g="$pgr_qps" -v ic="$inproc_pc" -v hc="$http_pc" -v gc="$pgr_pc" 'BEGIN {
  printf "routes/s vs pgRouting: in process %.0fx, HTTP %.0fx; per CPU second: in process %.0fx, HTTP %.0fx (target >= 20x over HTTP: %s)\n",
    i / g, h / g, ic / gc, hc / gc, (h >= 20 * g && hc >= 20 * gc ? "met" : "NOT met") }'
