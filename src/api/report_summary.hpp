#pragma once
// What the public sees of crowd reports: per shelter and kind, how many
// different people reported it and how long ago the newest did. Read on the
// /v1/nearest hot path, so it is an immutable map swapped atomically (like
// the snapshot): no lock and no SQL to read it.
//
// A report counts while it is open (not yet confirmed or dismissed),
// younger than the ttl, and not older than the shelter's last status change:
// a warden's or editor's newer word replaces what people said before it.
//
// Usage:
//   ReportView v = reports.view();                  // one atomic load
//   Summary s = v.summary(shelter.id, shelter.status_time);
//   if (write_summary(out, s, v.now)) ...           // {"locked":{"age_s":..,"count":..,"newest":".."}}

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "spatial/snapshot.hpp"
#include "storage/store.hpp"

namespace rifugio::api {

/// Open reports of one shelter, per kind (ReportKind order): the newest
/// report time of each distinct client, ascending. One phone counts once.
struct ShelterTally {
  std::array<std::vector<UnixTime>, kReportKinds> times;
};
using TallyMap = std::unordered_map<ShelterId, ShelterTally>;

struct KindSummary {
  std::int64_t count = 0;  ///< distinct clients; 0 = none (left out of the JSON)
  UnixTime newest = 0;
};
using Summary = std::array<KindSummary, kReportKinds>;

/// The tallies as of one moment.
struct ReportView {
  std::shared_ptr<const TallyMap> tallies;
  UnixTime now = 0;
  std::int64_t ttl_s = 0;

  bool empty() const { return !tallies || tallies->empty(); }
  /// Reports with time > now - ttl_s and time >= status_time.
  Summary summary(ShelterId id, UnixTime status_time) const;
};

bool has_reports(const Summary& s);
/// {"locked": {"age_s", "count", "newest"}, ...}: only kinds with reports.
nlohmann::json summary_json(const Summary& s, UnixTime now);
/// Appends summary_json(s, now).dump() to out; false (and nothing appended) when it has no reports.
bool write_summary(std::string& out, const Summary& s, UnixTime now);
/// Adds "reports" to each result of a /v1/nearest answer (the JSON tree
/// form) whose shelter has any.
void add_report_summaries(nlohmann::json& answer, const spatial::Snapshot& snap, const ReportView& view);

}  // namespace rifugio::api
