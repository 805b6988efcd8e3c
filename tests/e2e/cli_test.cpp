// The rifugio command line end to end: exit codes, reports, edits, audit,
// exports readable by GDAL, and the one-shot HTTP request mode.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

#include "../test_util.hpp"

namespace rifugio {
namespace {

struct Outcome {
  int code;
  std::string out;  // stdout and stderr together
};

class Cli : public ::testing::Test {
 protected:
  Outcome run(const std::string& args) {
    std::string cmd = test::binary_dir() + "/src/cli/rifugio --db '" + dir_.file("r.db") + "' " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    int status = pclose(p);
    return {WEXITSTATUS(status), out};
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.file(name)) << text;
    return dir_.file(name);
  }
  std::string mapping() {
    write("s.csv",
          "id,addr,places,lon,lat\n1,Storgata 1,100,10.75,59.91\n2,Storgata 2,200,10.76,59.92\n"
          "3,Storgata 3,50,abc,59.93\n");
    return write("m.json", R"({"source":"t","country":"NO","complete":true,"files":[{"path":"s.csv"}],
      "fields":{"key":"id","address":"addr","capacity":"places"},"location":{"lon":"lon","lat":"lat"}})");
  }
  std::string import_args() { return "import -q --data-dir '" + dir_.path().string() + "' '" + mapping() + "'"; }

  test::TempDir dir_;
};

TEST_F(Cli, ImportReportsToTerminalAndJsonFile) {
  auto r = run(import_args() + " --report '" + dir_.file("report.json") + "'");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("read 3, accepted 2, rejected 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("s.csv record 3 (key 3) field 'lon'"), std::string::npos) << r.out;
  std::ifstream in(dir_.file("report.json"));
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["counts"]["rejected"], 1);
  EXPECT_EQ(j["issues"][0]["reason"], "bad_location");
  EXPECT_EQ(j["issues"][0]["record"], 3);
  EXPECT_EQ(j["issues"][0]["values"]["lon"], "abc");
  EXPECT_EQ(j["issues"][0]["values"]["address"], "Storgata 3");
  auto again = run(import_args());
  EXPECT_NE(again.out.find("0 created, 0 updated, 2 unchanged, 0 retired"), std::string::npos) << again.out;
}

TEST_F(Cli, ExitCodesScriptsCanRelyOn) {
  EXPECT_EQ(run("--help").code, 0);
  EXPECT_EQ(run("import --help").code, 0);
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("nearest --lat 91 --lon 10").code, 2);
  EXPECT_EQ(run("show 12345").code, 3);
  auto bad = run("import -q '" + write("bad.json", "{\"source\": 3}") + "'");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("bad.json"), std::string::npos) << bad.out;
  auto missing = run("import -q --data-dir /nonexistent '" + mapping() + "'");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find("s.csv"), std::string::npos) << missing.out;
}

TEST_F(Cli, EditIsAuditedAndKeptOnReimport) {
  ASSERT_EQ(run(import_args()).code, 0);
  auto edit = run("edit 1 capacity=80 status=open --actor warden.ola --reason 'counted on site'");
  ASSERT_EQ(edit.code, 0) << edit.out;
  EXPECT_EQ(run("edit 1 capacity=lots --actor a --reason b").code, 1);
  auto show = run("show 1 --json");
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["capacity"], 80);
  EXPECT_EQ(j["status"], "open");
  EXPECT_EQ(j["status_by"], "warden.ola");
  auto audit = run("audit --id 1");
  EXPECT_NE(audit.out.find("update shelter 1 by warden.ola: counted on site"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("\"capacity\":100"), std::string::npos) << audit.out;
  auto re = run(import_args());
  EXPECT_NE(re.out.find("kept_manual_edit"), std::string::npos) << re.out;
  EXPECT_EQ(nlohmann::json::parse(run("show 1 --json").out)["capacity"], 80);
}

TEST_F(Cli, NearestTextJsonAndTheHttpHandlerAgree) {
  ASSERT_EQ(run(import_args()).code, 0);
  auto text = run("nearest --lat 59.911 --lon 10.751 -k 1");
  EXPECT_NE(text.out.find("Storgata 1"), std::string::npos) << text.out;
  auto cli = nlohmann::json::parse(run("nearest --lat 59.911 --lon 10.751 -k 2 --json").out);
  auto http = nlohmann::json::parse(run("serve --request '/v1/nearest?lat=59.911&lon=10.751&k=2'").out);
  EXPECT_EQ(cli["results"], http["results"]);
  ASSERT_EQ(cli["results"].size(), 2u);
  EXPECT_EQ(cli["results"][0]["address"], "Storgata 1");
}

TEST_F(Cli, WalkingGraphBuildNearestAndServeAgree) {
  EXPECT_EQ(run("nearest --lat 59.91 --lon 10.75 --by walking").code, 2) << "--by walking needs --graph";
  RIFUGIO_REQUIRE_DATA(pbf, "osm-oslo/oslo-east-2019-10.osm.pbf");
  const std::string graph = dir_.file("oslo.graph");
  auto built = run("graph build -q '" + pbf.string() + "' -o '" + graph + "'");
  ASSERT_EQ(built.code, 0) << built.out;
  EXPECT_NE(built.out.find("nodes"), std::string::npos) << built.out;
  ASSERT_EQ(run(import_args()).code, 0);
  auto cli = run("nearest --lat 59.9139 --lon 10.7522 -k 2 --by walking --graph '" + graph + "' --json");
  ASSERT_EQ(cli.code, 0) << cli.out;
  auto j = nlohmann::json::parse(cli.out);
  EXPECT_EQ(j["walk"]["basis"], "walking");
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_GE(j["results"][0]["distance_m"].get<double>(), j["results"][0]["straight_distance_m"].get<double>());
  auto http = run("serve --graph '" + graph + "' --request '/v1/nearest?lat=59.9139&lon=10.7522&k=2&by=walking'");
  ASSERT_EQ(http.code, 0) << http.out;
  EXPECT_EQ(nlohmann::json::parse(http.out.substr(http.out.find('{'))), j) << "one query path";
  auto route = run("serve --graph '" + graph + "' --request '/v1/route?from=59.9139,10.7522&to=1'");
  ASSERT_EQ(route.code, 0) << route.out;
  EXPECT_EQ(nlohmann::json::parse(route.out.substr(route.out.find('{')))["route"]["type"], "LineString");
  EXPECT_EQ(run("graph build '" + dir_.file("missing.pbf") + "' -o x.graph").code, 2);
}

TEST_F(Cli, ServeSigningKeyIsCreatedPrivateAndReused) {
  ASSERT_EQ(run(import_args()).code, 0);
  std::string key = dir_.file("keys/op.key");
  auto first = run("serve --signing-key '" + key + "' --request /v1/snapshot/key");
  ASSERT_EQ(first.code, 0) << first.out;
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(key);
  auto file = nlohmann::json::parse(in);
  EXPECT_EQ(first.out.find(file["secret_key"].get<std::string>()), std::string::npos) << "never logged";
  auto again = run("serve --signing-key '" + key + "' --request /v1/snapshot/key");
  auto published = nlohmann::json::parse(again.out);
  EXPECT_EQ(published["public_key"], file["public_key"]) << "the same key on the next start";
  EXPECT_NE(run("serve --signing-key '" + key + "' --request /v1/snapshot").out.find("rifugio-snapshot/1"),
            std::string::npos);
}

TEST_F(Cli, ServeOnPortZeroLogsTheBoundPort) {
  ASSERT_EQ(run(import_args()).code, 0);
  // Start the server, read its port from the log line, ask it /healthz on that port, stop it.
  std::string log = dir_.file("serve.log");
  std::string script = "bash -c '" + test::binary_dir() + "/src/cli/rifugio --db \"" + dir_.file("r.db") +
                       "\" serve --port 0 2>\"" + log + "\" & pid=$!; "
                       "for i in $(seq 100); do grep -q serving \"" + log + "\" && break; sleep 0.1; done; "
                       "port=$(sed -n \"s|.*http://127.0.0.1:\\([0-9]*\\)/.*|\\1|p\" \"" + log + "\"); "
                       "echo port=$port; exec 3<>/dev/tcp/127.0.0.1/$port && "
                       "printf \"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n\" >&3 && "
                       "head -1 <&3; kill $pid; wait $pid'";
  FILE* p = popen(script.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  auto pos = out.find("port=");
  ASSERT_NE(pos, std::string::npos) << out;
  int port = std::atoi(out.c_str() + pos + 5);
  EXPECT_GT(port, 0) << out;
  EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
}

TEST_F(Cli, ExportsThatGdalReadsBack) {
  ASSERT_EQ(run(import_args()).code, 0);
  ASSERT_EQ(run("export --format geojson -o '" + dir_.file("out.geojson") + "'").code, 0);
  ASSERT_EQ(run("export --format csv -o '" + dir_.file("out.csv") + "'").code, 0);
  std::ifstream in(dir_.file("out.geojson"));
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["features"].size(), 2u);
  EXPECT_EQ(j["features"][0]["geometry"]["coordinates"][0], 10.75);  // lon first
  if (std::system("command -v ogrinfo >/dev/null 2>&1") != 0) GTEST_SKIP() << "ogrinfo (gdal-bin) not installed";
  for (auto f : {"out.geojson", "out.csv"}) {
    FILE* p = popen(("ogrinfo -ro -al -so '" + dir_.file(f) + "' 2>&1").c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    EXPECT_EQ(pclose(p), 0) << out;
    EXPECT_NE(out.find("Feature Count: 2"), std::string::npos) << f << ": " << out;
  }
}

TEST_F(Cli, UsersAndTokens) {
  ASSERT_EQ(run(import_args()).code, 0);
  EXPECT_EQ(run("user add root --role admin").code, 0);
  auto ed = run("user add ed --role editor --country NO --municipality Oslo");
  EXPECT_EQ(ed.code, 0) << ed.out;
  EXPECT_EQ(run("user add ola --role warden --shelter 1 --shelter 2").code, 0);
  EXPECT_EQ(run("user add ed --role admin").code, 5) << "a taken name is a conflict";
  EXPECT_EQ(run("user add x --role editor").code, 2) << "an editor needs a region";
  EXPECT_EQ(run("user add x --role warden").code, 2) << "a warden needs a shelter";
  EXPECT_EQ(run("user add x --role king").code, 2);
  EXPECT_EQ(run("user add x --role editor --country norway").code, 1);
  EXPECT_EQ(run("user add x --role warden --shelter 999").code, 3);

  // The token alone on stdout, shown once; stored only as a hash.
  std::string cmd = test::binary_dir() + "/src/cli/rifugio --db '" + dir_.file("r.db") +
                    "' token create ed --expires-days 30 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 256> buf{};
  std::string token;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) token.append(buf.data(), n);
  ASSERT_EQ(pclose(p), 0);
  ASSERT_TRUE(token.ends_with("\n"));
  token.pop_back();
  ASSERT_TRUE(token.starts_with("rf_")) << token;
  const std::string id = token.substr(3, 16);
  {
    std::ifstream db(dir_.file("r.db"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(db)), {});
    std::ifstream wal(dir_.file("r.db-wal"), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(wal), {});
    EXPECT_EQ(bytes.find(token.substr(20)), std::string::npos) << "the secret is on disk";
    EXPECT_NE(bytes.find(id), std::string::npos);
  }
  auto again = run("token create ed");
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("does not expire"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find(token), std::string::npos);
  EXPECT_EQ(run("token create nobody").code, 3);
  EXPECT_EQ(run("token create ed --expires-days -1").code, 2);

  auto revoked = run("token revoke " + id);
  EXPECT_EQ(revoked.code, 0) << revoked.out;
  EXPECT_NE(revoked.out.find("token " + id + " revoked"), std::string::npos) << revoked.out;
  EXPECT_EQ(revoked.out.find(token.substr(20)), std::string::npos);
  EXPECT_EQ(run("token revoke '" + token + "'").code, 0) << "the whole token names it too";
  EXPECT_EQ(run("token revoke 0000000000000000").code, 3);

  // Passwords come from standard input only, and are checked before anything is stored.
  auto with_stdin = [&](const std::string& input, const std::string& args) {
    const std::string cmd = "printf '" + input + "' | " + test::binary_dir() + "/src/cli/rifugio --db '" +
                            dir_.file("r.db") + "' " + args + " >/dev/null 2>&1";
    return WEXITSTATUS(std::system(cmd.c_str()));
  };
  EXPECT_EQ(with_stdin("a long password\n", "user add pw --role admin --password-stdin"), 0);
  EXPECT_EQ(with_stdin("short\n", "user add pw2 --role admin --password-stdin"), 1);
  EXPECT_EQ(run("token create pw2").code, 3) << "a refused password adds no account";
  EXPECT_EQ(with_stdin("another long one\n", "user passwd pw"), 0);
  EXPECT_EQ(with_stdin("", "user passwd pw"), 1) << "nothing on standard input";
  EXPECT_EQ(with_stdin("another long one\n", "user passwd nobody"), 3);
  // Editors' areas: a Polygon or MultiPolygon in WGS84, nothing else.
  write("area.geojson", R"({"type":"Polygon","coordinates":[[[10.7,59.9],[10.8,59.9],[10.8,60],[10.7,59.9]]]})");
  write("point.geojson", R"({"type":"Point","coordinates":[10.7,59.9]})");
  EXPECT_EQ(run("user add area --role editor --region-file '" + dir_.file("area.geojson") + "'").code, 0);
  auto point = run("user add point --role editor --region-file '" + dir_.file("point.geojson") + "'");
  EXPECT_EQ(point.code, 1);
  EXPECT_NE(point.out.find("Polygon or MultiPolygon"), std::string::npos) << point.out;
  EXPECT_EQ(run("user add x --role admin --region-file '" + dir_.file("area.geojson") + "'").code, 2);
}

TEST_F(Cli, ServeTakesAuthenticatedWritesAndPublishesThemAtOnce) {
  if (std::system("command -v curl >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl not installed";
  ASSERT_EQ(run(import_args()).code, 0);
  ASSERT_EQ(run("user add ola --role warden --shelter 1").code, 0);
  // The server's own write is in /v1/nearest on the very next request; a
  // change from another process (rifugio edit) arrives through the watcher.
  // A live-update subscriber (GET /v1/events) hears of both.
  std::string script = write("serve.sh", R"sh(set -u
dir="$2"
r() { "$1" --db "$dir/r.db" "${@:2}"; }
bin="$1"
token=$(r "$bin" token create ola 2>/dev/null)
test -n "$token" || echo "no token"
"$bin" --db "$dir/r.db" serve --port 0 2>"$dir/serve.log" & pid=$!
trap 'kill $pid; wait $pid' EXIT
for i in $(seq 100); do grep -q serving "$dir/serve.log" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/serve.log")
url="http://127.0.0.1:$port"
curl -sN "$url/v1/events" >"$dir/events.txt" & events_pid=$!
trap 'kill $events_pid $pid; wait $pid' EXIT
for i in $(seq 50); do grep -q retry "$dir/events.txt" && break; sleep 0.1; done
echo "anonymous=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"status":"full","reason":"x"}' "$url/v1/shelters/1/status")"
echo "warden=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -d '{"status":"full","occupancy":100,"reason":"counted"}' "$url/v1/shelters/1/status")"
echo "nearest=$(curl -s "$url/v1/nearest?lat=59.91&lon=10.75&k=1")"
r "$bin" edit 2 status=closed --actor ed --reason test >/dev/null
for i in $(seq 40); do curl -s "$url/v1/nearest?lat=59.92&lon=10.76&k=1" | grep -q closed && break; sleep 0.1; done
echo "watched=$(curl -s "$url/v1/nearest?lat=59.92&lon=10.76&k=1")"
for i in $(seq 40); do grep -q '"id":2,' "$dir/events.txt" && break; sleep 0.1; done
grep '^data: {"id"' "$dir/events.txt" | sed 's/^/event=/'
grep -c "$token" "$dir/serve.log" | sed 's/^/token_in_log=/'
report() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$1" "$url/v1/shelters/1/reports"; }
echo "report=$(report '{"kind":"locked","note":"e2e-note-7f3a"}') again=$(report '{"kind":"locked"}')"
echo "reported=$(curl -s "$url/v1/nearest?lat=59.91&lon=10.75&k=1")"
grep -c "e2e-note-7f3a" "$dir/serve.log" | sed 's/^/note_in_log=/'
)sh");
  FILE* p = popen(("timeout 60 bash '" + script + "' '" + test::binary_dir() + "/src/cli/rifugio' '" + dir_.path().string() +
                   "' 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  EXPECT_NE(out.find("anonymous=401"), std::string::npos) << out;
  EXPECT_NE(out.find("warden=200"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("id":1,)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(nearest={"origin")"), std::string::npos) << out;
  auto nearest = out.substr(out.find("nearest="), out.find("watched=") - out.find("nearest="));
  EXPECT_NE(nearest.find(R"("status":"full")"), std::string::npos) << out;
  auto watched = out.substr(out.find("watched="));
  EXPECT_NE(watched.find(R"("status":"closed")"), std::string::npos) << out;
  EXPECT_EQ(out.find("no token"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(event=data: {"id":1,"status":"full","occupancy":100,"capacity":100,)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(event=data: {"id":2,"status":"closed",)"), std::string::npos) << out;
  EXPECT_NE(out.find("token_in_log=0"), std::string::npos) << out;
  // A crowd report over a real socket: accepted, the repeat limited, counted in /v1/nearest, the note not logged.
  EXPECT_NE(out.find("report=202 again=429"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("reports":{"locked":{"age_s":)"), std::string::npos) << out;
  EXPECT_NE(out.find("note_in_log=0"), std::string::npos) << out;
}

TEST_F(Cli, ServeNeverLogsPasswordsTokensOrSessionIds) {
  if (std::system("command -v curl >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl not installed";
  ASSERT_EQ(run(import_args()).code, 0);
  std::filesystem::create_directories(dir_.path() / "mappings");
  write("mappings/t.json", R"({"source":"t","country":"NO","files":[{"path":"s.csv"}],
    "fields":{"key":"id","address":"addr","capacity":"places"},"location":{"lon":"lon","lat":"lat"}})");
  // Every way a secret reaches the server: a password at sign-in (right,
  // wrong, in the user name field), the session cookie and CSRF token, API
  // tokens (valid, wrong secret), an import upload, sign-out, throttling.
  std::string script = write("secrets.sh", R"sh(set -u
bin="$1"; dir="$2"; pw='correct horse battery staple'
r() { "$bin" --db "$dir/r.db" "$@"; }
printf '%s\n' "$pw" | r user add ed --role editor --country NO --password-stdin >/dev/null || echo "user add failed"
token=$(r token create ed 2>/dev/null)
echo "$token" >"$dir/token.txt"
"$bin" --db "$dir/r.db" serve --port 0 --mappings "$dir/mappings" 2>"$dir/serve.log" & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid' EXIT
for i in $(seq 100); do grep -q serving "$dir/serve.log" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/serve.log")
url="http://127.0.0.1:$port"
j='Content-Type: application/json'
curl -s -D "$dir/h.txt" -o "$dir/session.json" -H "$j" -d "{\"user\":\"ed\",\"password\":\"$pw\"}" "$url/v1/session"
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(rifugio_session=[^;]*\);.*/\1/p' "$dir/h.txt")
csrf=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$dir/session.json")
echo "$cookie" >"$dir/cookie.txt"; echo "$csrf" >"$dir/csrf.txt"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
echo "status_with_csrf=$(code -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H "$j" -d '{"status":"full","reason":"x"}' "$url/v1/shelters/1/status")"
echo "status_without_csrf=$(code -X POST -H "Cookie: $cookie" -H "$j" -d '{"status":"open","reason":"x"}' "$url/v1/shelters/1/status")"
echo "import=$(code -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" --data-binary @"$dir/s.csv" "$url/v1/imports?mapping=t&dry_run=true")"
echo "bearer=$(code -H "Authorization: Bearer $token" "$url/v1/shelters?q=storgata")"
echo "wrong_secret=$(code -H "Authorization: Bearer ${token%?}x" "$url/v1/shelters")"
echo "signout=$(code -X DELETE -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" "$url/v1/session")"
echo "after_signout=$(code -H "Cookie: $cookie" "$url/v1/session")"
for i in 1 2 3 4 5 6; do code -H "$j" -d "{\"user\":\"$pw\",\"password\":\"$pw x\"}" "$url/v1/session" >/dev/null; done
echo "throttled=$(code -H "$j" -d "{\"user\":\"ed\",\"password\":\"wrong $i\"}" "$url/v1/session")"
kill $pid; wait $pid; trap - EXIT
)sh");
  FILE* p = popen(("timeout 60 bash '" + script + "' '" + test::binary_dir() + "/src/cli/rifugio' '" +
                   dir_.path().string() + "' 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  for (auto expected : {"status_with_csrf=200", "status_without_csrf=403", "import=200", "bearer=200",
                        "wrong_secret=401", "signout=204", "after_signout=401", "throttled=429"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  auto read = [&](const std::string& name) {
    std::ifstream in(dir_.file(name));
    std::string v;
    std::getline(in, v);
    return v;
  };
  const std::string token = read("token.txt"), cookie = read("cookie.txt"), csrf = read("csrf.txt");
  ASSERT_TRUE(token.starts_with("rf_")) << out;
  ASSERT_TRUE(cookie.starts_with("rifugio_session=")) << out;
  ASSERT_GT(csrf.size(), 20u) << out;
  std::ifstream in(dir_.file("serve.log"));
  const std::string log((std::istreambuf_iterator<char>(in)), {});
  ASSERT_NE(log.find("serving"), std::string::npos) << log;
  for (const std::string& secret : {std::string("correct horse battery staple"), token.substr(20),
                                    cookie.substr(std::string("rifugio_session=").size()), csrf})
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret is in the server's log:\n" << log;
}

}  // namespace
}  // namespace rifugio
