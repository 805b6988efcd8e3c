#include "cli/commands.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "api/nearest_json.hpp"
#include "api/events.hpp"
#include "api/reports.hpp"
#include "api/server.hpp"
#include "api/walk.hpp"
#include "api/write.hpp"
#include "core/shelter_json.hpp"
#include "import/area.hpp"
#include "import/importer.hpp"
#include "routing/graph_builder.hpp"
#include "routing/router.hpp"
#include "tiles/mbtiles.hpp"
#include "tiles/tilemaker.hpp"
#include "spatial/snapshot.hpp"
#include "storage/accounts.hpp"
#include "storage/store.hpp"

namespace rifugio::cli {

namespace {

std::unique_ptr<Store> open(const Options& o) {
  auto parent = std::filesystem::path(o.db).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return open_store(o.db);
}

// A one-line progress bar on stderr, only when a person is watching.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
  ~Progress() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }
  void operator()(std::int64_t done, std::int64_t total) {
    if (!enabled_) return;
    drawn_ = true;
    if (total > 0) {
      int width = 30, filled = static_cast<int>(width * std::min<std::int64_t>(done, total) / total);
      fmt::print(stderr, "\r[{}{}] {:3}% {}/{}", std::string(filled, '#'), std::string(width - filled, ' '),
                 100 * std::min<std::int64_t>(done, total) / total, done, total);
    } else {
      fmt::print(stderr, "\r{} records read", done);
    }
  }

 private:
  bool enabled_;
  bool drawn_ = false;
};

int cmd_import(const Options& o) {
  auto store = open(o);
  int rejected_files = 0;
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& path : o.import.mappings) {
    auto mapping = import::load_mapping(path);
    Progress progress(!o.import.quiet);
    import::ImportOptions opt{.data_dir = o.import.data_dir,
                              .borders_path = o.import.borders,
                              .complete = o.import.complete,
                              .dry_run = o.import.dry_run,
                              .link = o.import.link,
                              .overwrite_manual = o.import.overwrite_manual,
                              .actor = o.import.actor,
                              .progress = std::ref(progress)};
    if (!opt.borders_path.empty() && !std::filesystem::exists(opt.borders_path)) {
      fmt::print(stderr, "warning: country borders not found at {}: country check skipped (run the set-up)\n", opt.borders_path);
      opt.borders_path.clear();
    }
    auto report = import::run_import(*store, mapping, opt);
    progress(0, 0);
    std::cout << import::to_text(report);
    reports.push_back(import::to_json(report));
    if (report.rejected) ++rejected_files;
  }
  if (!o.import.report.empty()) {
    std::ofstream out(o.import.report);
    if (!out) throw InputError(fmt::format("{}: cannot write the report", o.import.report));
    out << (reports.size() == 1 ? reports[0] : reports).dump(2) << '\n';
  }
  return 0;
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + '"';
}

int cmd_export(const Options& o) {
  auto store = open(o);
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output);
    if (!file) throw InputError(fmt::format("{}: cannot write", o.output));
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  auto shelters = store->list({.include_retired = o.include_retired});
  if (o.format == "csv") {
    out << "id,keys,name,address,municipality,region,country,lat,lon,capacity,kind,step_free,"
           "status,occupancy,opening_hours,source,licence,retired\n";
    for (auto& s : shelters) {
      std::string keys;
      for (auto& k : s.keys) keys += (keys.empty() ? "" : " ") + k.source + ":" + k.id;
      out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", s.id, csv_field(keys),
                         csv_field(s.name), csv_field(s.address), csv_field(s.municipality),
                         csv_field(s.region), s.country,
                         s.location ? fmt::format("{:.7f}", s.location->lat) : "",
                         s.location ? fmt::format("{:.7f}", s.location->lon) : "",
                         s.capacity ? std::to_string(*s.capacity) : "", to_string(s.kind),
                         to_string(s.step_free), to_string(s.status),
                         s.occupancy ? std::to_string(*s.occupancy) : "", csv_field(s.opening_hours),
                         csv_field(s.source), csv_field(s.licence), s.retired ? "true" : "false");
    }
  } else {
    out << "{\"type\":\"FeatureCollection\",\"features\":[\n";
    for (std::size_t i = 0; i < shelters.size(); ++i)
      out << (i ? ",\n" : "") << to_geojson_feature(shelters[i]).dump();
    out << "\n]}\n";
  }
  if (!out) throw InputError("export: write failed");
  return 0;
}

std::string one_line(const Shelter& s) {
  return fmt::format("{:>7}  {:<28}  {:<32}  {:>6}  {:<7}  {}", s.id,
                     s.keys.empty() ? "" : s.keys[0].source + ":" + s.keys[0].id,
                     s.name.empty() ? s.address : s.name + ", " + s.address,
                     s.capacity ? std::to_string(*s.capacity) : "?", to_string(s.status),
                     s.location ? to_string(*s.location) : "needs location");
}

int cmd_list(const Options& o) {
  auto store = open(o);
  std::size_t n = 0;
  for (auto& s : store->list({.include_retired = o.include_retired, .source = o.source})) {
    if (o.limit && n++ >= o.limit) break;
    std::cout << (o.json ? to_json(s).dump() : one_line(s)) << '\n';
  }
  return 0;
}

int cmd_show(const Options& o) {
  auto store = open(o);
  auto s = store->get(o.id);
  if (!s) throw NotFound(fmt::format("shelter {}", o.id));
  if (o.json) {
    std::cout << to_json(*s).dump(2) << '\n';
    return 0;
  }
  auto j = to_json(*s);
  for (auto& [k, v] : j.items()) fmt::print("{:<15} {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
  return 0;
}

int cmd_edit(const Options& o) {
  auto store = open(o);
  auto s = store->get(o.id);
  if (!s) throw NotFound(fmt::format("shelter {}", o.id));
  Shelter next = *s;
  for (const auto& a : o.assignments) {
    auto eq = a.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("'{}' is not field=value", a));
    set_field(next, a.substr(0, eq), a.substr(eq + 1));
  }
  if (next.status != s->status) next.status_by = o.actor;
  auto r = store->commit({o.actor, o.reason, true, {{Change::Op::update, next, ""}}});
  fmt::print("shelter {}: {} (revision {})\n", o.id, r.updated ? "updated" : "unchanged", r.revision);
  return 0;
}

int cmd_audit(const Options& o) {
  auto store = open(o);
  AuditQuery q{.limit = o.limit};
  if (o.id) q.shelter = o.id;
  for (auto& e : store->audit(q))
    fmt::print("{} r{} {} {} shelter {} by {}: {}\n  before {}\n  after  {}\n", e.seq, e.revision,
               format_time(e.time), e.op, e.shelter, e.actor, e.reason, e.before.dump(), e.after.dump());
  return 0;
}

// The first line of standard input, without its line end. On a terminal the
// typing is not echoed. The password never appears in an argument list
// (visible to every local user in /proc) or in a message.
std::string read_password() {
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    fmt::print(stderr, "password: ");
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fmt::print(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw InputError("password: nothing on standard input");
  return line;
}

int cmd_user_add(const Options& o) {
  auto store = open(o);
  const auto& a = o.account;
  User u{.name = a.name, .role = parse_role(a.role).value_or(Role::warden), .country = a.country,
         .municipality = a.municipality};
  u.shelters.assign(a.shelters.begin(), a.shelters.end());
  if (!u.country.empty()) {
    Shelter probe;  // the same check as a shelter's country
    set_field(probe, "country", u.country);
  }
  if (!a.region_file.empty()) {
    std::ifstream in(a.region_file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!in && !in.eof()) throw InputError(fmt::format("{}: cannot read", a.region_file));
    try {
      u.region = import::Area::from_geojson(text).geojson();
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", a.region_file, e.what()));
    }
  }
  // Read (and check) the password before adding, so a bad one leaves no account behind.
  std::string password;
  if (a.password_stdin) {
    password = read_password();
    if (password.size() < kMinPassword) throw InputError(fmt::format("password: at least {} characters", kMinPassword));
  }
  store->add_user(u);
  if (a.password_stdin) set_password(*store, u.name, password);
  fmt::print("user {} added ({}{})\n", u.name, a.role, a.password_stdin ? ", with a password" : "");
  return 0;
}

int cmd_user_passwd(const Options& o) {
  auto store = open(o);
  if (!store->user(o.account.name)) throw NotFound(fmt::format("user {} does not exist", o.account.name));
  std::string password = read_password();
  set_password(*store, o.account.name, password);
  fmt::print("password of {} set\n", o.account.name);
  return 0;
}

// The token goes to standard output alone (for scripts); the rest to stderr.
int cmd_token_create(const Options& o) {
  auto store = open(o);
  auto issued = issue_token(*store, o.account.name, o.account.expires_days, now_utc());
  std::cout << issued.token << '\n';
  fmt::print(stderr, "token {} for {} {}; it is shown only now\n", issued.record.id, issued.record.user,
             issued.record.expires ? "expires " + format_time(issued.record.expires) : "does not expire");
  return 0;
}

int cmd_token_revoke(const Options& o) {
  auto store = open(o);
  std::string id = token_id(o.account.token_id).value_or(o.account.token_id);
  store->revoke_token(id, now_utc());
  fmt::print("token {} revoked\n", id);
  return 0;
}

int cmd_stats(const Options& o) {
  auto store = open(o);
  auto all = store->list({.include_retired = true});
  struct Count {
    std::int64_t shelters = 0, places = 0, needs_location = 0, retired = 0;
  };
  std::map<std::string, Count> by_source;
  std::map<std::string, std::int64_t> by_status;
  Count total;
  for (auto& s : all) {
    for (Count* c : {&total, &by_source[s.source]}) {
      if (s.retired) {
        ++c->retired;
        continue;
      }
      ++c->shelters;
      c->places += s.capacity.value_or(0);
      c->needs_location += s.needs_location();
    }
    if (!s.retired) ++by_status[std::string(to_string(s.status))];
  }
  if (o.json) {
    nlohmann::json j = {{"revision", store->revision()}, {"shelters", total.shelters}, {"places", total.places},
                        {"needs_location", total.needs_location}, {"retired", total.retired}};
    for (auto& [src, c] : by_source)
      j["sources"][src] = {{"shelters", c.shelters}, {"places", c.places}, {"needs_location", c.needs_location}, {"retired", c.retired}};
    j["status"] = by_status;
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  fmt::print("revision {}: {} shelters, {} places, {} need a location, {} retired\n", store->revision(),
             total.shelters, total.places, total.needs_location, total.retired);
  for (auto& [src, c] : by_source)
    fmt::print("  {:<24} {:>7} shelters {:>10} places {:>6} need location {:>6} retired\n", src,
               c.shelters, c.places, c.needs_location, c.retired);
  for (auto& [st, n] : by_status) fmt::print("  status {:<8} {}\n", st, n);
  return 0;
}

int cmd_nearest(const Options& o) {
  auto store = open(o);
  auto snap = spatial::Snapshot::build(store->revision(), store->list({}));
  spatial::NearestQuery q{.origin = Location::from_lon_lat(o.nearest.lon, o.nearest.lat), .k = o.nearest.k};
  q.max_distance_m = o.nearest.max_distance_m;
  q.open_only = o.nearest.open;
  q.min_free = o.nearest.min_free;
  q.step_free = o.nearest.step_free;
  if (!o.nearest.kind.empty()) {
    q.kind = parse_kind(o.nearest.kind);
    if (!q.kind) throw UsageError(fmt::format("--kind: '{}' is not a kind", o.nearest.kind));
  }
  if (o.nearest.by == "walking" || o.nearest.within_s) {
    // Through the API's walking answer: the same JSON as GET /v1/nearest?by=walking.
    std::unique_ptr<routing::ShelterNodeCache> graph;
    if (!o.nearest.graph.empty()) graph = std::make_unique<routing::ShelterNodeCache>(routing::Graph::open(o.nearest.graph));
    const api::WalkParams walk{.walking = o.nearest.by == "walking", .within_s = o.nearest.within_s,
                               .speed_mps = o.nearest.speed_kmh == 5.0 ? api::kWalkSpeedMps : o.nearest.speed_kmh / 3.6};
    auto j = api::nearest_walk_json(snap, q, walk, graph.get());
    if (o.nearest.json) {
      std::cout << j.dump(2) << '\n';
      return 0;
    }
    const auto& w = j["walk"];
    fmt::print("by {}{}\n", w["basis"].get<std::string>(),
               w.contains("fallback") ? " (fallback: " + w["fallback"].get<std::string>() + ")" : "");
    for (const auto& r : j["results"])
      fmt::print("{:>9.0f} m {:>5} min  {}\n", r["distance_m"].get<double>(), (r["walk_s"].get<std::int64_t>() + 59) / 60,
                 one_line(*snap->by_id(r["id"].get<ShelterId>())));
    if (j.value("none_in_reach", false)) fmt::print("no shelter in reach within {:.0f} s\n", *o.nearest.within_s);
    else if (j["results"].empty()) fmt::print("no shelter matches\n");
    return 0;
  }
  auto hits = snap->nearest(q);
  if (o.nearest.json) {
    std::cout << api::nearest_json(*snap, q, hits).dump(2) << '\n';
    return 0;
  }
  for (auto& h : hits)
    fmt::print("{:>9.0f} m {:>4.0f}°  {}\n", h.distance_m, h.bearing_deg, one_line(*h.shelter));
  if (hits.empty()) fmt::print("no shelter matches\n");
  return 0;
}

int cmd_graph_build(const Options& o) {
  Progress progress(!o.graph.quiet);
  auto stats = routing::build_graph(o.graph.input, o.graph.output,
                                    {.progress = [&](std::uint64_t done, std::uint64_t total) {
                                      progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
                                    }});
  progress(0, 0);
  fmt::print("{}: {} nodes, {} edges ({} in islands), from {} of {} ways; {:.1f} MB in {:.2f} s\n", o.graph.output,
             stats.nodes, stats.edges, stats.island_nodes, stats.ways_walkable, stats.ways_read,
             stats.file_bytes / 1e6, stats.seconds);
  if (stats.missing_nodes)
    fmt::print("warning: {} node references of walkable ways are not in the extract (ways cut at its edge)\n",
               stats.missing_nodes);
  return 0;
}

int cmd_tiles_build(const Options& o) {
  tiles::build_tiles(o.tiles.input, o.tiles.output, {.quiet = o.tiles.quiet});
  auto mb = tiles::MbTiles::open(o.tiles.output);
  fmt::print("{}: zoom {}..{}, {:.1f} MB\n", o.tiles.output, mb->metadata("minzoom"), mb->metadata("maxzoom"),
             std::filesystem::file_size(o.tiles.output) / 1e6);
  return 0;
}

// Serves until SIGINT/SIGTERM. A watcher rebuilds the snapshot within a
// second of any commit to the store, from this process or another (an
// import, `rifugio edit`), and swaps it in; readers never wait.
int cmd_serve(const Options& o) {
  auto store = open(o);
  spatial::SnapshotHolder holder;
  holder.replace(spatial::Snapshot::build(store->revision(), store->list({})));
  api::ServerOptions opts{.address = o.serve.address, .port = static_cast<std::uint16_t>(o.serve.port)};
  if (o.serve.threads) opts.threads = o.serve.threads;
  opts.handler.static_dir = o.serve.static_dir;
  if (!o.serve.graph.empty()) {
    auto graph = routing::Graph::open(o.serve.graph);
    fmt::print(stderr, "rifugio: walking graph {} ({} nodes, {:.1f} MB, from {})\n", o.serve.graph,
               graph->node_count(), graph->info().file_bytes / 1e6, graph->info().source);
    opts.handler.walking = std::make_shared<const routing::ShelterNodeCache>(std::move(graph));
  }
  if (!o.serve.tiles.empty()) {
    opts.handler.tiles = tiles::MbTiles::open(o.serve.tiles);
    const auto style_path = std::filesystem::path(tiles::resources_dir()) / "style.json";
    std::ifstream style(style_path);
    if (!style) throw InputError(fmt::format("{}: the base-map style is missing", style_path.string()));
    opts.handler.tiles_style.assign(std::istreambuf_iterator<char>(style), {});
  }
  // The offline snapshot's signing key: never printed, only its path and public half.
  auto key_path = !o.serve.signing_key.empty()
                      ? std::filesystem::path(o.serve.signing_key)
                      : std::filesystem::path(o.db).parent_path() / "signing.key";
  bool key_created = false;
  // A one-shot request other than the snapshot's leaves no key file behind.
  if (o.serve.request.empty() || o.serve.request.starts_with("/v1/snapshot") || std::filesystem::exists(key_path))
    opts.handler.signing_key =
        std::make_shared<const api::SigningKey>(api::SigningKey::load_or_create(key_path, &key_created));
  if (key_created)
    fmt::print(stderr, "rifugio: created signing key {} (public key {})\n", key_path.string(),
               opts.handler.signing_key->public_key_base64());
  // Live updates (GET /v1/events): every snapshot swapped in below is diffed
  // against the one it replaces and streamed to subscribers.
  auto events = std::make_shared<api::EventHub>();
  opts.handler.events = events;
  if (!o.serve.request.empty()) {  // one request answered from the command line
    api::Handler handler(holder, opts.handler);
    auto res = handler.handle({.method = "GET", .target = o.serve.request});
    std::cout << res.body << (res.body.ends_with('\n') ? "" : "\n");
    return res.status < 400 ? 0 : 1;
  }
  // Each published revision's offline snapshot is signed on the handler's own thread.
  opts.handler.sign_ahead = true;
  // The write API has its own connection (SQLite: one per writer) and
  // publishes a snapshot right after each of its commits; the watcher below
  // picks up everyone else's. publishing keeps the two from swapping in an
  // older revision over a newer one.
  std::mutex publishing;
  auto swap_in = [&](std::shared_ptr<const spatial::Snapshot> next) {  // needs publishing
    auto before = holder.current();
    holder.replace(next);
    events->publish(before.get(), *next);
  };
  api::ImportSettings imports{.mappings_dir = o.serve.mappings, .borders_path = o.import.borders};
  if (imports.mappings_dir.empty() && std::filesystem::is_directory("mappings")) imports.mappings_dir = "mappings";
  if (!imports.borders_path.empty() && !std::filesystem::exists(imports.borders_path)) {
    fmt::print(stderr, "warning: country borders not found at {}: imports over HTTP skip the country check\n",
               imports.borders_path);
    imports.borders_path.clear();
  }
  if (!imports.mappings_dir.empty())
    fmt::print(stderr, "rifugio: imports over HTTP with the mappings in {}\n", imports.mappings_dir);
  opts.handler.writer = std::make_shared<api::Writer>(
      open(o),
      [&](Store& s, std::int64_t rev) {
        std::lock_guard lock(publishing);
        if (rev > holder.current()->revision()) swap_in(spatial::Snapshot::build(rev, s.list({})));
      },
      imports);
  // Crowd reports: their own connection too; the queue confirms through the writer.
  opts.handler.reports = std::make_shared<api::Reports>(open(o), holder, opts.handler.writer,
                                                        api::ReportOptions{.ttl_s = o.serve.report_ttl_s});
  std::atomic<bool> running{true};
  std::thread watcher([&] {
    while (running.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      try {
        std::lock_guard lock(publishing);
        if (auto rev = store->revision(); rev != holder.current()->revision())
          swap_in(spatial::Snapshot::build(rev, store->list({})));
      } catch (const std::exception& e) {
        fmt::print(stderr, "snapshot refresh failed, still serving revision {}: {}\n", holder.current()->revision(),
                   e.what());
      }
    }
  });
  int rc = 0;
  try {
    rc = api::serve(opts, holder, [&](std::uint16_t port) {
      fmt::print(stderr, "rifugio: serving revision {} ({} shelters) on http://{}:{}/\n",
                 holder.current()->revision(), holder.current()->shelters().size(),
                 o.serve.address.find(':') == std::string::npos ? o.serve.address : "[" + o.serve.address + "]",
                 port);
    });
  } catch (...) {
    running = false;
    watcher.join();
    throw;
  }
  running = false;
  watcher.join();
  return rc;
}

}  // namespace

int run(const Options& o) {
  if (o.command == "import") return cmd_import(o);
  if (o.command == "export") return cmd_export(o);
  if (o.command == "list") return cmd_list(o);
  if (o.command == "show") return cmd_show(o);
  if (o.command == "edit") return cmd_edit(o);
  if (o.command == "audit") return cmd_audit(o);
  if (o.command == "stats") return cmd_stats(o);
  if (o.command == "nearest") return cmd_nearest(o);
  if (o.command == "serve") return cmd_serve(o);
  if (o.command == "graph build") return cmd_graph_build(o);
  if (o.command == "tiles build") return cmd_tiles_build(o);
  if (o.command == "user add") return cmd_user_add(o);
  if (o.command == "user passwd") return cmd_user_passwd(o);
  if (o.command == "token create") return cmd_token_create(o);
  if (o.command == "token revoke") return cmd_token_revoke(o);
  throw UsageError(fmt::format("command '{}' is not available in this build", o.command));
}

}  // namespace rifugio::cli
