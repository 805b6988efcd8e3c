#pragma once
// Command-line parsing as a pure function: argv in, a plain Options struct
// out, or a UsageError with CLI11's message. main.cpp only dispatches.

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace rifugio::cli {

/// Wrong command-line use: exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// --help or --version was asked for: print `text` and exit 0.
struct HelpRequested {
  std::string text;
};

struct ImportArgs {
  std::vector<std::string> mappings;  ///< mapping files
  std::string data_dir;               ///< DEFAULT: $RIFUGIO_DATA_DIR or ../shared/data
  std::string borders;                ///< DEFAULT: the path configured at build time
  std::string report;                 ///< write the JSON report here
  std::optional<bool> complete;       ///< --complete / --partial override the mapping
  bool dry_run = false, link = false, overwrite_manual = false, quiet = false;
  std::string actor = "import";
};

struct NearestArgs {
  double lat = 0, lon = 0;
  unsigned k = 5;
  bool json = false, open = false, step_free = false;
  std::optional<int> min_free;
  std::optional<double> max_distance_m;
  std::string kind;
  std::string by = "straight";       ///< straight | walking (needs graph)
  std::string graph;                 ///< walking graph file (rifugio graph build)
  std::optional<double> within_s;    ///< only shelters reachable on foot in this time
  double speed_kmh = 5.0;            ///< walking speed
};

/// rifugio graph build EXTRACT -o FILE, rifugio tiles build EXTRACT -o FILE
struct GraphArgs {
  std::string input;   ///< OSM extract: .osm.pbf, .osm, .osm.bz2 ...
  std::string output;  ///< graph file to write
  bool quiet = false;  ///< no progress bar
};

struct ServeArgs {
  std::string address = "127.0.0.1";
  unsigned port = 8080;    ///< 0 = any free port (the log line gives the real one)
  unsigned threads = 0;    ///< 0 = one per core
  std::string static_dir;  ///< the built web app
  std::string request;     ///< answer this one GET target on stdout and exit
  /// Ed25519 key file signing /v1/snapshot; created (mode 0600) when missing.
  /// DEFAULT: "" = signing.key in the database's folder.
  std::string signing_key;
  /// Walking graph for /v1/nearest?by=walking and /v1/route. DEFAULT: none.
  std::string graph;
  /// Base-map MBTiles (rifugio tiles build) served at /tiles/. DEFAULT: none.
  std::string tiles;
  /// Mapping files for imports over HTTP (/v1/imports). DEFAULT: "mappings"
  /// when that folder exists in the working directory, else none.
  std::string mappings;
  /// Crowd reports older than this stop counting in the public summaries. DEFAULT: 7200 s.
  std::int64_t report_ttl_s = 7200;
};

/// rifugio user add NAME --role R ... [--password-stdin], rifugio user passwd NAME,
/// rifugio token create NAME | revoke ID
struct AccountArgs {
  std::string name;          ///< user name (user add, token create)
  std::string role;          ///< admin | editor | warden
  std::string country;       ///< editor's region: ISO alpha-2
  std::string municipality;  ///< editor's region: exact municipality name
  std::string region_file;   ///< editor's region: a GeoJSON Polygon/MultiPolygon file (WGS84)
  std::vector<std::int64_t> shelters;  ///< warden's shelters
  bool password_stdin = false;  ///< user add: read a password from standard input
  int expires_days = 0;      ///< token create: 0 = never
  std::string token_id;      ///< token revoke: the public id (rf_<id>_...)
};

struct Options {
  std::string command;  ///< import, export, list, show, nearest, stats, edit, audit, serve, "graph build", "tiles build",
                        ///< "user add", "user passwd", "token create", "token revoke"
  std::string db;       ///< DEFAULT: $RIFUGIO_DB or var/rifugio.db
  ImportArgs import;
  NearestArgs nearest;
  ServeArgs serve;
  GraphArgs graph;
  GraphArgs tiles;
  AccountArgs account;
  // export
  std::string format = "geojson";  ///< geojson | csv
  std::string output;              ///< "" = standard output
  bool include_retired = false;
  // show / edit / audit / list
  std::int64_t id = 0;
  std::vector<std::string> assignments;  ///< edit: field=value
  std::string reason;
  std::string actor;
  std::string source;
  std::size_t limit = 50;
  bool json = false;
};

/// @throws UsageError on bad arguments, HelpRequested for --help.
Options parse_options(int argc, const char* const* argv);

}  // namespace rifugio::cli
