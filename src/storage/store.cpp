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
