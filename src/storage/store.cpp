#include "storage/store.hpp"

#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::editor: return "editor";
    case Role::warden: return "warden";
  }
  return "warden";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "admin") return Role::admin;
  if (s == "editor") return Role::editor;
  if (s == "warden") return Role::warden;
  return std::nullopt;
}

std::string_view to_string(ReportKind k) {
  switch (k) {
    case ReportKind::damaged: return "damaged";
    case ReportKind::full: return "full";
    case ReportKind::locked: return "locked";
    case ReportKind::open: return "open";
  }
  return "locked";
}

std::optional<ReportKind> parse_report_kind(std::string_view s) {
  for (auto k : {ReportKind::damaged, ReportKind::full, ReportKind::locked, ReportKind::open})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

std::string_view to_string(ReportState s) {
  switch (s) {
    case ReportState::open: return "open";
    case ReportState::confirmed: return "confirmed";
    case ReportState::dismissed: return "dismissed";
  }
  return "open";
}

std::optional<ReportState> parse_report_state(std::string_view s) {
  for (auto v : {ReportState::open, ReportState::confirmed, ReportState::dismissed})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

CommitResult Store::commit(const ChangeSet& changes) {
  auto tx = begin(changes.actor, changes.reason, changes.manual);
  std::vector<ShelterId> ids;
  ids.reserve(changes.changes.size());
  for (const auto& c : changes.changes) ids.push_back(tx->apply(c));
  auto result = tx->commit();
  result.ids = std::move(ids);
  return result;
}

std::unique_ptr<Store> open_store(const std::string& location) {
  return std::make_unique<SqliteStore>(location);
}

}  // namespace rifugio
