-- wrk script for bench/http.sh.
-- Default: GET /v1/nearest?lat=..&lon=..&k=5 at a point picked at random
-- (fixed seed per thread) from the list in $RIFUGIO_POINTS ("lon lat" lines,
-- written by bench_points with a fixed seed, near the generated clusters).
-- With $STATIC_PATH set: GET that path every time (the nginx reference).
-- With $RIFUGIO_PATHS set: GET a path picked at random from that file (one
-- request path a line, e.g. /v1/route?... for bench/pgrouting.sh).
-- Prints one machine-readable line at the end:
--   RESULT rps=... p50_ms=... p99_ms=... requests=... errors=... non2xx=...

local static_path = os.getenv("STATIC_PATH")
local paths_file = os.getenv("RIFUGIO_PATHS")
local targets = {}
if paths_file then
  for line in io.lines(paths_file) do
    if line:match("^/") then targets[#targets + 1] = line end
  end
  assert(#targets > 0, "no request paths in " .. paths_file)
elseif not static_path then
  local file = os.getenv("RIFUGIO_POINTS") or "points.txt"
  for line in io.lines(file) do
    local lon, lat = line:match("^(%S+)%s+(%S+)$")
    if lon then targets[#targets + 1] = "/v1/nearest?lat=" .. lat .. "&lon=" .. lon .. "&k=5" end
  end
  assert(#targets > 0, "no points in " .. file)
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

function init(args)
  math.randomseed(20260522 + (thread_no or 0))
end

function request()
  if static_path then return wrk.format("GET", static_path) end
  return wrk.format("GET", targets[math.random(#targets)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
