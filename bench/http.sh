#!/usr/bin/env bash
# GET /v1/nearest under wrk against `rifugio serve` with a generated
# 1,000,000-shelter register, next to the reference measured in the same run:
# nginx serving a static file of the same size as a typical k=5 answer, same
# wrk settings (256 connections, keep-alive), same cores. Then the rifugio run
# again while 10,000 idle keep-alive connections are held open: memory per
# connection (server RSS before/after) and the p99 of the active ones.
# Targets (issue 3): rifugio >= 60% of nginx's requests/s, p99 <= 10 ms.
#
#   bench/http.sh                        (after `make build`; root installs nginx/wrk if missing)
#   COUNT=1000000 DURATION=15 CONNECTIONS=256 IDLE=10000 bench/http.sh
#
# Writes rifugio's requests/s to $RESULTS/http-nearest-rps for bench/postgis.sh.
# Loopback only; everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bin=build/release
count=${COUNT:-1000000}
duration=${DURATION:-15}
conns=${CONNECTIONS:-256}
idle=${IDLE:-10000}
wrk_threads=${WRK_THREADS:-2}
results=${RESULTS:-$bin/bench}

for tool in src/cli/rifugio tools/rifugio-gen-shelters bench/hold_connections bench/bench_points; do
  [ -x "$bin/$tool" ] || { echo "http.sh: $bin/$tool missing: run 'make build' first" >&2; exit 1; }
done

# Debian packages, only when missing.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
install_missing "${missing[@]}"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# 10,000 idle connections + 256 active + the server's own: raise the fd limit.
ulimit -Sn "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((idle + 2 * conns + 1000)) ] || ulimit -n $((idle * 2 + 4096)) 2>/dev/null || {
  echo "http.sh: ulimit -n is $(ulimit -n); $((idle + 2 * conns + 1000)) needed for IDLE=$idle" >&2; exit 1; }

work=$(mktemp -d)
www=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$www"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# run_wrk URL [env...]: wrk with the Lua script; prints the RESULT line's fields
run_wrk() {
  local url=$1 secs=$2; shift 2
  env "$@" wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency -s bench/nearest.lua "$url" >"$work/wrk.out" 2>&1 ||
    { cat "$work/wrk.out"; exit 1; }
  grep '^RESULT' "$work/wrk.out" | sed 's/^RESULT //'
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

echo "== data: $count generated shelters"
t0=$SECONDS
"$bin/tools/rifugio-gen-shelters" --count "$count" >"$work/generated-sample.csv"
"$bin/src/cli/rifugio" --db "$work/gen.db" import -q --data-dir "$work" mappings/generated-sample.json >"$work/import.out"
"$bin/bench/bench_points" --count 4096 --seed 99 >"$work/points.txt"
echo "   generated and imported in $((SECONDS - t0)) s"

echo "== rifugio serve (threads: one per core, $(nproc) cores)"
"$bin/src/cli/rifugio" --db "$work/gen.db" serve --port 0 --signing-key "$work/signing.key" 2>"$work/rifugio.log" &
rifugio_pid=$!
pids+=("$rifugio_pid")
for _ in $(seq 600); do grep -q 'serving' "$work/rifugio.log" && break; sleep 0.1; done
grep -q 'serving' "$work/rifugio.log" || { cat "$work/rifugio.log"; exit 1; }
rport=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/rifugio.log")
# The server signs the offline snapshot on a thread of its own after start:
# measure once that is done, not while it competes for the cores.
for _ in $(seq 1200); do grep -q 'offline snapshot of revision' "$work/rifugio.log" && break; sleep 0.1; done
sed 's/^/   /' "$work/rifugio.log"

# The size of a typical answer: the median over the first 101 query points.
sizes=()
while read -r lon lat; do
  sizes+=("$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$rport/v1/nearest?lat=$lat&lon=$lon&k=5")")
done < <(head -101 "$work/points.txt")
typical=$(printf '%s\n' "${sizes[@]}" | sort -n | sed -n 51p)
echo "   typical k=5 answer: $typical bytes (median of 101; min $(printf '%s\n' "${sizes[@]}" | sort -n | head -1), max $(printf '%s\n' "${sizes[@]}" | sort -n | tail -1))"

echo "== nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||') serving a $typical-byte static file ($(nproc) workers)"
nport=$(free_port)
chmod 755 "$www"
head -c "$typical" /dev/zero | tr '\0' 'x' >"$www/answer.json"
chmod 644 "$www/answer.json"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  default_type application/json;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $www;
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nport/answer.json" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$nport/answer.json" || { cat "$work/nginx/error.log"; exit 1; }

echo "== wrk: $conns connections, $wrk_threads threads, ${duration} s each (after a 3 s warm-up)"
run_wrk "http://127.0.0.1:$nport" 3 STATIC_PATH=/answer.json >/dev/null
ngx=$(run_wrk "http://127.0.0.1:$nport" "$duration" STATIC_PATH=/answer.json)
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
run_wrk "http://127.0.0.1:$rport" 3 RIFUGIO_POINTS="$work/points.txt" >/dev/null
rif=$(run_wrk "http://127.0.0.1:$rport" "$duration" RIFUGIO_POINTS="$work/points.txt")

echo "== the same rifugio load with $idle idle keep-alive connections held open"
rss_before=$(rss_kb "$rifugio_pid")
"$bin/bench/hold_connections" --port "$rport" --count "$idle" --seconds 600 --ping 20 >"$work/hold.out" 2>&1 &
hold_pid=$!
pids+=("$hold_pid")
for _ in $(seq 600); do grep -q '^held' "$work/hold.out" && break; sleep 0.1; done
grep -q '^held' "$work/hold.out" || { cat "$work/hold.out"; exit 1; }
sleep 1
rss_after=$(rss_kb "$rifugio_pid")
held=$(sed -n 's/^held //p' "$work/hold.out")
busy=$(run_wrk "http://127.0.0.1:$rport" "$duration" RIFUGIO_POINTS="$work/points.txt")
rss_loaded=$(rss_kb "$rifugio_pid")
kill -TERM "$hold_pid"; wait "$hold_pid" 2>/dev/null || true
hold_summary=$(grep '^open' "$work/hold.out" || echo "no summary")

ngx_rps=$(field "$ngx" rps); rif_rps=$(field "$rif" rps); busy_rps=$(field "$busy" rps)
echo
printf '%-44s %12s %9s %9s %8s\n' "GET, $conns connections, ${duration} s" "requests/s" "p50 ms" "p99 ms" "errors"
printf '%-44s %12s %9s %9s %8s\n' "nginx static $typical B (reference)" "$ngx_rps" "$(field "$ngx" p50_ms)" "$(field "$ngx" p99_ms)" "$(( $(field "$ngx" errors) + $(field "$ngx" non2xx) ))"
printf '%-44s %12s %9s %9s %8s\n' "rifugio /v1/nearest k=5, $count shelters" "$rif_rps" "$(field "$rif" p50_ms)" "$(field "$rif" p99_ms)" "$(( $(field "$rif" errors) + $(field "$rif" non2xx) ))"
printf '%-44s %12s %9s %9s %8s\n' "  same, $held idle connections held" "$busy_rps" "$(field "$busy" p50_ms)" "$(field "$busy" p99_ms)" "$(( $(field "$busy" errors) + $(field "$busy" non2xx) ))"
echo
awk -v r="$rif_rps" -v n="$ngx_rps" -v p="$(field "$rif" p99_ms)" -v bp="$(field "$busy" p99_ms)" 'BEGIN {
  printf "rifugio / nginx: %.0f%% (target >= 60%%: %s); p99 %.2f ms (target <= 10 ms: %s); with idle connections p99 %.2f ms (%s)\n",
    100 * r / n, (r >= 0.6 * n ? "met" : "NOT met"), p, (p <= 10 ? "met" : "NOT met"), bp, (bp <= 10 ? "met" : "NOT met") }'
awk -v b="$rss_before" -v a="$rss_after" -v l="$rss_loaded" -v n="$held" 'BEGIN {
  printf "server RSS: %.0f MB before, %.0f MB with %d idle connections, %.0f MB under load with them: %.1f KB per idle connection\n",
    b / 1024, a / 1024, n, l / 1024, (a - b) / n }'
echo "idle connections at the end: $hold_summary"
mkdir -p "$results"
echo "$rif_rps" >"$results/http-nearest-rps"
