#!/usr/bin/env bash
# Live updates: how long a warden's status change takes to reach every open
# app. `rifugio serve` on 127.0.0.1 with Norway's real register (DSB 2026),
# CLIENTS GET /v1/events streams held by bench/events_clients, then CHANGES
# warden status changes (POST /v1/shelters/{id}/status, one every INTERVAL_MS
# ms, each on another shelter). For every (stream, change) pair: the delay
# from just before the POST is sent until that stream has read the event.
# Reference in the same run: the same POSTs' latency with no stream open.
# Target (issue 6): p99 <= 1 s with 5,000 streams.
#
#   bench/events.sh                                  (after `make build`)
#   CLIENTS=5000 CHANGES=50 INTERVAL_MS=200 bench/events.sh
#
# Loopback only, bounded (CHANGES x INTERVAL_MS plus at most 30 s of
# waiting); everything it starts is stopped and removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bin=build/release
data=${RIFUGIO_DATA_DIR:-/work/shared/data}
clients=${CLIENTS:-5000}
changes=${CHANGES:-50}
interval=${INTERVAL_MS:-200}

for tool in src/cli/rifugio bench/events_clients; do
  [ -x "$bin/$tool" ] || { echo "events.sh: $bin/$tool missing: run 'make build' first" >&2; exit 1; }
done
[ -f "$data/no-dsb-2026/shelters_wgs84.json" ] ||
  { echo "events.sh: skipped: $data/no-dsb-2026 not found (set RIFUGIO_DATA_DIR)"; exit 0; }
ulimit -Sn "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((clients * 2 + 1000)) ] ||
  { echo "events.sh: ulimit -n is $(ulimit -n); $((clients * 2 + 1000)) needed for CLIENTS=$clients" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
r() { "$bin/src/cli/rifugio" --db "$work/r.db" "$@"; }

echo "== data: Norway, DSB 2026"
r import -q --data-dir "$data" mappings/no-dsb-2026.json >"$work/import.out"
# 2 x CHANGES shelters not closed yet (each change closes one), spread over the list.
ids=$(r list --json --limit 0 | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
open_ = [s["id"] for s in rows if s.get("status") != "closed"]
n = 2 * int(sys.argv[1])
step = max(1, len(open_) // n)
print(",".join(str(i) for i in open_[::step][:n]))' "$changes")
shelter_flags=$(echo "$ids" | tr ',' '\n' | sed 's/^/--shelter /' | tr '\n' ' ')
# shellcheck disable=SC2086
r user add bench-warden --role warden $shelter_flags >/dev/null
token=$(r token create bench-warden 2>/dev/null)
echo "   $(r stats | head -1)"

echo "== rifugio serve (threads: one per core, $(nproc) cores)"
"$bin/src/cli/rifugio" --db "$work/r.db" serve --port 0 --signing-key "$work/signing.key" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 300); do grep -q serving "$work/serve.log" && break; sleep 0.1; done
grep -q serving "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
rss_before=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")

echo "== $clients streams, $changes changes one every $interval ms (and the reference without streams)"
"$bin/bench/events_clients" --port "$port" --token "$token" --count "$clients" --changes "$changes" \
  --interval-ms "$interval" --ids "$ids" | tee "$work/result.txt" | sed 's/^/   /' &
clients_pid=$!
# Server memory with every stream open (sampled once they are).
for _ in $(seq 1200); do
  grep -q 'streams open' "$work/result.txt" 2>/dev/null || ! kill -0 "$clients_pid" 2>/dev/null && break
  sleep 0.1
done
rss_open=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
wait "$clients_pid" || { echo "events.sh: events_clients failed" >&2; exit 1; }
metrics=$(curl -s "http://127.0.0.1:$port/metrics" | grep '^rifugio_event' | tr '\n' ' ')
echo "   server RSS: $((rss_before / 1024)) MB before, $((rss_open / 1024)) MB with $clients streams" \
     "($(( (rss_open - rss_before) * 1024 / clients )) bytes per stream); metrics: $metrics"
p99=$(sed -n 's/^delay .* p99 \([0-9.]*\) ms.*/\1/p' "$work/result.txt")
awk -v p="$p99" 'BEGIN { if (p > 1000) { print "   p99 " p " ms: over the 1 s target"; exit 1 } print "   p99 " p " ms <= 1000 ms: target met" }'
