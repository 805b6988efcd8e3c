#pragma once
// The shelter model: one record of the register. No I/O here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.hpp"

namespace rifugio {

/// Internal id: positive, assigned by the store, never reused.
using ShelterId = std::int64_t;
/// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

UnixTime now_utc();
/// "2026-11-22T06:23:05Z"
std::string format_time(UnixTime t);

/// What kind of place it is. Parsed from and printed as the snake_case names.
enum class Kind { public_shelter, bunker, protected_basement, metro_station, parking, other };
/// Whether a wheelchair user can get in without steps.
enum class StepFree { unknown, yes, limited, no };
/// Live status as last set by a warden, an editor or an import.
enum class Status { unknown, open, closed, full };

std::string_view to_string(Kind);
std::string_view to_string(StepFree);
std::string_view to_string(Status);
/// Parse the names above; std::nullopt for anything else.
std::optional<Kind> parse_kind(std::string_view);
std::optional<StepFree> parse_step_free(std::string_view);
std::optional<Status> parse_status(std::string_view);

/// A source's own identifier for a record, e.g. {"no-dsb", "1234"} for DSB romnr 1234.
struct ExternalKey {
  std::string source;
  std::string id;
  friend auto operator<=>(const ExternalKey&, const ExternalKey&) = default;
};

/// One shelter. Optional fields distinguish "unknown" from a value: capacity
/// std::nullopt means the source did not say, 0 means no places.
struct Shelter {
  ShelterId id = 0;                 ///< 0 until the store assigns one
  std::vector<ExternalKey> keys;    ///< every source key that names this shelter
  std::string name;
  std::string address;
  std::string municipality;
  std::string region;
  std::string country;              ///< ISO 3166-1 alpha-2, upper case
  std::optional<Location> location; ///< absent: the record "needs location"
  std::optional<std::int32_t> capacity;  ///< places
  Kind kind = Kind::public_shelter;
  StepFree step_free = StepFree::unknown;
  Status status = Status::unknown;
  UnixTime status_time = 0;         ///< when status was last set; 0 = never
  std::string status_by;            ///< who set it
  std::optional<std::int32_t> occupancy;  ///< people inside, as last reported
  std::string opening_hours;        ///< free text as the source gives it
  std::string source;               ///< dataset the record was last imported from
  std::string licence;
  UnixTime created = 0;
  UnixTime updated = 0;
  std::int64_t version = 0;         ///< bumped on every change (optimistic concurrency)
  bool retired = false;             ///< no longer in the source; kept for the audit trail
  /// Fields an editor set by hand; an import does not overwrite them silently.
  std::vector<std::string> manual_fields;

  [[nodiscard]] bool needs_location() const { return !location.has_value(); }
  [[nodiscard]] bool is_manual(std::string_view field) const;
  /// Free places, if both capacity and occupancy are known.
  [[nodiscard]] std::optional<std::int32_t> free_places() const;
};

/// Names of the fields an editor or an import can change; also the keys of
/// the JSON form. Used for diffs, the audit log and hand-edit tracking.
const std::vector<std::string_view>& editable_fields();

/// The fields whose values differ between two records (by editable_fields()).
std::vector<std::string> changed_fields(const Shelter& before, const Shelter& after);

/// Set one editable field from its text form ("" clears optional fields).
/// @throws InputError naming the field when the value is not valid for it.
void set_field(Shelter& s, std::string_view field, std::string_view value);

/// Copy one editable field from another record.
void copy_field(Shelter& to, const Shelter& from, std::string_view field);

}  // namespace rifugio
