#include "api/report_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rifugio::api {

Summary ReportView::summary(ShelterId id, UnixTime status_time) const {
  Summary out{};
  if (!tallies) return out;
  auto it = tallies->find(id);
  if (it == tallies->end()) return out;
  const UnixTime since = std::max(now - ttl_s + 1, status_time);
  for (std::size_t k = 0; k < kReportKinds; ++k) {
    const auto& t = it->second.times[k];
    auto first = std::lower_bound(t.begin(), t.end(), since);
    if (first == t.end()) continue;
    out[k] = {static_cast<std::int64_t>(t.end() - first), t.back()};
  }
  return out;
}

bool has_reports(const Summary& s) {
  return std::any_of(s.begin(), s.end(), [](const KindSummary& k) { return k.count > 0; });
}

nlohmann::json summary_json(const Summary& s, UnixTime now) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t k = 0; k < kReportKinds; ++k)
    if (s[k].count > 0)
      out[std::string(to_string(static_cast<ReportKind>(k)))] = {
          {"count", s[k].count}, {"newest", format_time(s[k].newest)}, {"age_s", std::max<std::int64_t>(0, now - s[k].newest)}};
  return out;
}

bool write_summary(std::string& out, const Summary& s, UnixTime now) {
  if (!has_reports(s)) return false;
  out.push_back('{');
  bool first = true;
  for (std::size_t k = 0; k < kReportKinds; ++k) {  // kinds are alphabetical, as nlohmann sorts keys
    if (s[k].count == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    fmt::format_to(std::back_inserter(out), "\"{}\":{{\"age_s\":{},\"count\":{},\"newest\":\"{}\"}}",
                   to_string(static_cast<ReportKind>(k)), std::max<std::int64_t>(0, now - s[k].newest), s[k].count,
                   format_time(s[k].newest));
  }
  out.push_back('}');
  return true;
}

void add_report_summaries(nlohmann::json& answer, const spatial::Snapshot& snap, const ReportView& view) {
  if (view.empty()) return;
  auto results = answer.find("results");
  if (results == answer.end()) return;
  for (auto& r : *results) {
    const Shelter* s = snap.by_id(r.at("id").get<ShelterId>());
    if (!s) continue;
    Summary sum = view.summary(s->id, s->status_time);
    if (has_reports(sum)) r["reports"] = summary_json(sum, view.now);
  }
}

}  // namespace rifugio::api
