#pragma once
// The import facade: a mapping and options in, a report out.
//
//   auto mapping = import::load_mapping("mappings/no-dsb-2026.json");
//   import::ImportOptions opts{.data_dir = "../shared/data", .borders_path = ...};
//   import::ImportReport report = import::run_import(store, mapping, opts);
//
// Rows that fail validation are never imported silently: each rejected or
// suspicious row is in the report with its file, record number, field and
// reason. Re-importing a newer file of the same source updates, adds and
// (for complete lists) retires records by external key.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "import/mapping.hpp"
#include "storage/store.hpp"

namespace rifugio::import {

struct ImportOptions {
  std::string data_dir;  ///< base folder for the mapping's relative file paths
  std::string borders_path;  ///< country borders GeoJSON; "" skips the country check
  std::optional<bool> complete;  ///< DEFAULT: the mapping's "complete"; true retires records missing from the files
  bool dry_run = false;          ///< validate and count, write nothing
  bool link = false;             ///< merge records matching another source's record (see link_distance_m)
  bool overwrite_manual = false; ///< DEFAULT false: keep fields an editor set by hand
  double link_distance_m = 30;   ///< DEFAULT 30 m: how close a record of another source must be to match
  double duplicate_distance_m = 25;  ///< DEFAULT 25 m: near-duplicate addresses within one file
  std::string actor = "import";
  /// Called now and then with (records read, total or -1).
  std::function<void(std::int64_t, std::int64_t)> progress;
  /// Called with every change the import makes, before it is applied (dry
  /// runs too), with the record as stored before (null for creates). Throwing
  /// aborts the import and writes nothing: the HTTP import refuses an
  /// editor's commit this way when a record lies outside its region.
  /// DEFAULT: none.
  std::function<void(const Change& change, const Shelter* before)> on_change;
};

/// One rejected or suspicious record.
struct RowIssue {
  enum class Severity { rejected, suspicious };
  Severity severity = Severity::rejected;
  std::string file;
  std::int64_t record = 0;  ///< 1-based record number in the file
  std::string key;          ///< the source's id when known
  std::string field;        ///< the field at fault ("" = the whole record)
  std::string reason;       ///< a short code: bad_location, outside_country, ...
  std::string message;      ///< for people
  /// Rejected records: the mapped values as read ("external_id", "name",
  /// "address", "municipality", "region", "country", "lat", "lon",
  /// "capacity", ...; strings, or numbers for a readable position), so a
  /// person can fix the record and create it. Null otherwise.
  nlohmann::json values;
};

/// A record that lies close to a record of another source with a similar address.
struct CrossSourceMatch {
  std::string file;
  std::int64_t record = 0;
  std::string key;
  ShelterId existing = 0;
  std::string existing_key;  ///< "source:id"
  double distance_m = 0;
  std::string address, existing_address;
  bool linked = false;
};

struct ImportReport {
  std::string source;
  std::vector<std::string> files;
  bool dry_run = false;
  bool complete = false;
  std::int64_t read = 0, accepted = 0, rejected = 0, suspicious = 0, needs_location = 0;
  std::int64_t capacity_total = 0;  ///< places over the accepted records with a known capacity
  std::int64_t created = 0, updated = 0, unchanged = 0, retired = 0, linked = 0;
  std::int64_t kept_manual = 0;     ///< field values kept because an editor set them by hand
  std::int64_t revision_before = 0, revision_after = 0;
  std::vector<RowIssue> issues;
  std::vector<CrossSourceMatch> matches;
  double seconds = 0;
};

/// Run one import. Writes nothing on dry_run or on any error.
/// @throws ParseError for unreadable files, StoreError for store failures.
ImportReport run_import(Store& store, const Mapping& mapping, const ImportOptions& options);

nlohmann::json to_json(const ImportReport& report);
/// A summary for the terminal: counts, then issues grouped by reason with
/// at most `examples` records each.
std::string to_text(const ImportReport& report, std::size_t examples = 5);

}  // namespace rifugio::import
