#include "storage/store.hpp"

#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio {

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
