#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

namespace rifugio::cli {

namespace {
std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
}  // namespace

Options parse_options(int argc, const char* const* argv) {
  Options o;
  o.db = env_or("RIFUGIO_DB", "var/rifugio.db");
  o.import.data_dir = env_or("RIFUGIO_DATA_DIR", "../shared/data");
#ifdef RIFUGIO_BORDERS_DEFAULT
  o.import.borders = env_or("RIFUGIO_BORDERS", RIFUGIO_BORDERS_DEFAULT);
#endif

  CLI::App app{"rifugio: the public shelter register"};
  app.set_version_flag("--version", "rifugio 0.1.0");
  app.require_subcommand(1, 1);
  app.add_option("--db", o.db, "SQLite register file (env RIFUGIO_DB)")->capture_default_str();

  auto* imp = app.add_subcommand("import", "Import official lists described by mapping files");
  imp->add_option("mapping", o.import.mappings, "Mapping file(s), e.g. mappings/no-dsb-2026.json")->required();
  imp->add_option("--data-dir", o.import.data_dir, "Folder the mapping's file paths are relative to (env RIFUGIO_DATA_DIR)")->capture_default_str();
  imp->add_option("--borders", o.import.borders, "Country borders GeoJSON for the country check")->capture_default_str();
  imp->add_option("--report", o.import.report, "Write the full report as JSON to this file");
  auto* complete = imp->add_flag_callback("--complete", [&] { o.import.complete = true; }, "The files hold the whole register: retire what is missing");
  imp->add_flag_callback("--partial", [&] { o.import.complete = false; }, "The files hold part of the register: retire nothing")->excludes(complete);
  imp->add_flag("--dry-run", o.import.dry_run, "Validate and report, write nothing");
  imp->add_flag("--link", o.import.link, "Merge records that match another source's record nearby");
  imp->add_flag("--overwrite-manual", o.import.overwrite_manual, "Replace values editors set by hand");
  imp->add_flag("-q,--quiet", o.import.quiet, "No progress bar");
  imp->add_option("--actor", o.import.actor, "Name recorded in the audit log")->capture_default_str();

  auto* exp = app.add_subcommand("export", "Write the register as GeoJSON or CSV");
  exp->add_option("--format", o.format, "geojson or csv")->check(CLI::IsMember({"geojson", "csv"}))->capture_default_str();
  exp->add_option("-o,--output", o.output, "Output file (default: standard output)");
  exp->add_flag("--include-retired", o.include_retired, "Also records no longer in their source");

  auto* list = app.add_subcommand("list", "List shelters, one per line");
  list->add_option("--source", o.source, "Only records with a key from this source");
  list->add_option("--limit", o.limit, "At most this many (0 = all)")->capture_default_str();
  list->add_flag("--include-retired", o.include_retired, "Also retired records");
  list->add_flag("--json", o.json, "JSON lines");

  auto* show = app.add_subcommand("show", "Show one shelter");
  show->add_option("id", o.id, "Shelter id")->required();
  show->add_flag("--json", o.json, "JSON");

  auto* nearest = app.add_subcommand("nearest", "The k nearest shelters to a point (straight line)");
  nearest->add_option("--lat", o.nearest.lat, "Latitude, degrees north")->required()->check(CLI::Range(-90.0, 90.0));
  nearest->add_option("--lon", o.nearest.lon, "Longitude, degrees east")->required()->check(CLI::Range(-180.0, 180.0));
  nearest->add_option("-k", o.nearest.k, "How many")->check(CLI::Range(1, 1000))->capture_default_str();
  nearest->add_flag("--json", o.nearest.json, "JSON output (the same as GET /v1/nearest)");
  nearest->add_flag("--open", o.nearest.open, "Only shelters not reported closed or full");
  nearest->add_flag("--step-free", o.nearest.step_free, "Only step-free shelters");
  nearest->add_option("--min-free", o.nearest.min_free, "At least this many free places")->check(CLI::NonNegativeNumber);
  nearest->add_option("--max-distance", o.nearest.max_distance_m, "Metres")->check(CLI::PositiveNumber);
  nearest->add_option("--kind", o.nearest.kind, "public_shelter, bunker, protected_basement, metro_station, parking, other");
  nearest->add_option("--by", o.nearest.by, "straight (line) or walking (routes on --graph)")
      ->check(CLI::IsMember({"straight", "walking"}))->capture_default_str();
  nearest->add_option("--graph", o.nearest.graph, "Walking graph file (rifugio graph build)");
  nearest->add_option("--within", o.nearest.within_s, "Only shelters reachable on foot in this many seconds")->check(CLI::Range(1.0, 86400.0));
  nearest->add_option("--speed", o.nearest.speed_kmh, "Walking speed, km/h")->check(CLI::Range(1.0, 20.0))->capture_default_str();

  // `graph build` and `tiles build`: EXTRACT -o FILE [-q].
  auto add_build = [&app](const char* name, const char* about, const char* build_about, GraphArgs& args,
                          const char* output, const char* quiet) {
    auto* group = app.add_subcommand(name, about);
    group->require_subcommand(1, 1);
    auto* build = group->add_subcommand("build", build_about);
    build->add_option("extract", args.input, "OSM extract, e.g. oslo.osm.pbf")->required()->check(CLI::ExistingFile);
    build->add_option("-o,--output", args.output, output)->required();
    build->add_flag("-q,--quiet", args.quiet, quiet);
    return group;
  };
  auto* graph = add_build("graph", "The walking graph", "Build a walking graph file from an OSM extract (libosmium)",
                          o.graph, "Graph file to write", "No progress bar");
  auto* tiles = add_build("tiles", "The base map", "Build base-map vector tiles (MBTiles) from an OSM extract with tilemaker",
                          o.tiles, "MBTiles file to write (*.mbtiles)", "Hide tilemaker's output");

  auto* user = app.add_subcommand("user", "Accounts of people who change the register");
  user->require_subcommand(1, 1);
  auto* user_add = user->add_subcommand("add", "Add an account: admin, editor (a region) or warden (named shelters)");
  user_add->add_option("name", o.account.name, "User name, the actor in the audit log")->required();
  user_add->add_option("--role", o.account.role, "admin, editor or warden")
      ->required()->check(CLI::IsMember({"admin", "editor", "warden"}));
  user_add->add_option("--country", o.account.country, "Editor's region: ISO 3166-1 alpha-2 code, e.g. NO");
  user_add->add_option("--municipality", o.account.municipality, "Editor's region: municipality, exact name");
  user_add->add_option("--region-file", o.account.region_file,
                       "Editor's region: GeoJSON file with a Polygon or MultiPolygon (WGS84 lon/lat)")
      ->check(CLI::ExistingFile);
  user_add->add_option("--shelter", o.account.shelters, "Warden's shelter id (repeat for several)");
  user_add->add_flag("--password-stdin", o.account.password_stdin,
                     "Read a password (for signing in on /admin) from the first line of standard input");
  auto* user_passwd = user->add_subcommand("passwd", "Set a user's password, read from the first line of standard input");
  user_passwd->add_option("name", o.account.name, "User name")->required();
  auto* token = app.add_subcommand("token", "API tokens (bearer tokens of the write API)");
  token->require_subcommand(1, 1);
  auto* token_create = token->add_subcommand("create", "Create a token for a user and print it once");
  token_create->add_option("name", o.account.name, "User name")->required();
  token_create->add_option("--expires-days", o.account.expires_days, "Days until it expires (0 = never)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token by its public id");
  token_revoke->add_option("id", o.account.token_id, "Token id: the 16 hex digits after rf_, or the whole token")->required();

  auto* stats = app.add_subcommand("stats", "Counts by source, country, status; capacity totals");
  stats->add_flag("--json", o.json, "JSON");

  auto* edit = app.add_subcommand("edit", "Change fields of one shelter by hand (audited)");
  edit->add_option("id", o.id, "Shelter id")->required();
  edit->add_option("assignments", o.assignments, "field=value ... (location=LAT,LON; empty value clears)")->required();
  edit->add_option("--reason", o.reason, "Why, for the audit log")->required();
  edit->add_option("--actor", o.actor, "Who, for the audit log")->required();

  auto* audit = app.add_subcommand("audit", "The audit log, oldest first");
  audit->add_option("--id", o.id, "Only this shelter");
  audit->add_option("--limit", o.limit, "At most this many")->capture_default_str();

  auto* serve = app.add_subcommand("serve", "Run the HTTP API and web app");
  serve->add_option("--address", o.serve.address, "Listen address")->capture_default_str();
  serve->add_option("--port", o.serve.port, "Listen port (0 = any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
  serve->add_option("--threads", o.serve.threads, "Worker threads (0 = one per core)")->capture_default_str();
  serve->add_option("--static", o.serve.static_dir, "Folder with the built web app (web/dist)");
  serve->add_option("--signing-key", o.serve.signing_key, "Ed25519 key file signing /v1/snapshot, created (mode 0600) when missing (default: signing.key next to the database)");
  serve->add_option("--tiles", o.serve.tiles, "Base-map MBTiles (rifugio tiles build) served at /tiles/")->check(CLI::ExistingFile);
  serve->add_option("--graph", o.serve.graph, "Walking graph file (rifugio graph build) for by=walking and /v1/route")->check(CLI::ExistingFile);
  serve->add_option("--mappings", o.serve.mappings,
                    "Folder of mapping files for imports over HTTP (default: ./mappings when it exists)")
      ->check(CLI::ExistingDirectory);
  serve->add_option("--report-ttl", o.serve.report_ttl_s, "Seconds a crowd report counts in the public summaries")
      ->check(CLI::Range(std::int64_t{60}, std::int64_t{7 * 86400}))->capture_default_str();
  serve->add_option("--request", o.serve.request, "Answer one GET request, e.g. '/v1/nearest?lat=59.91&lon=10.75', print the body and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested{app.help()};  // the chosen subcommand's help, if any
  } catch (const CLI::CallForAllHelp&) {
    throw HelpRequested{app.help("", CLI::AppFormatMode::All)};
  } catch (const CLI::CallForVersion&) {
    throw HelpRequested{"rifugio 0.1.0\n"};
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  o.command = app.get_subcommands().front()->get_name();
  if (o.command == "graph") o.command += " " + graph->get_subcommands().front()->get_name();
  if (o.command == "tiles") o.command += " " + tiles->get_subcommands().front()->get_name();
  if (o.command == "user") o.command += " " + user->get_subcommands().front()->get_name();
  if (o.command == "token") o.command += " " + token->get_subcommands().front()->get_name();
  if (o.command == "user add") {
    if (o.account.role == "editor" && o.account.country.empty() && o.account.municipality.empty() &&
        o.account.region_file.empty())
      throw UsageError("an editor needs a region: --country CODE, --municipality NAME and/or --region-file AREA.geojson");
    if (o.account.role == "warden" && o.account.shelters.empty())
      throw UsageError("a warden needs at least one --shelter ID");
    if (o.account.role != "editor" &&
        (!o.account.country.empty() || !o.account.municipality.empty() || !o.account.region_file.empty()))
      throw UsageError("--country, --municipality and --region-file are for editors");
    if (o.account.role != "warden" && !o.account.shelters.empty()) throw UsageError("--shelter is for wardens");
  }
  if (o.nearest.by == "walking" && o.command == "nearest" && o.nearest.graph.empty())
    throw UsageError("--by walking needs --graph FILE (build one with `rifugio graph build EXTRACT -o FILE`)");
  return o;
}

}  // namespace rifugio::cli
