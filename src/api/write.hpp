#pragma once
// The write API: authenticated changes to the register, each committed
// through Store::commit with the user as actor and the caller's reason (so
// it is in the audit log), then published as a new snapshot at once.
//
//   GET   /v1/shelters/{id}         the stored record and its version (ETag)
//   PATCH /v1/shelters/{id}         {field: value, ..., "reason": "..."}  editor in region, admin
//   POST  /v1/shelters/{id}/status  {"status", "occupancy"?, "reason"}     warden of it, editor, admin
//   GET   /v1/audit?shelter=ID      the audit log                          admin; editor: its region
//
// Usage (what rifugio serve does):
//   auto writer = std::make_shared<api::Writer>(open_store(path),
//       [&](Store& s, std::int64_t rev) { holder.replace(spatial::Snapshot::build(rev, s.list({}))); });
//   api::Handler handler(holder, {.writer = writer});

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "api/http.hpp"
#include "storage/store.hpp"

namespace rifugio::api {

class Writer {
 public:
  /// Called after every commit that changed something, with the store and
  /// the new revision, while writes are held: publish the new snapshot here.
  using Committed = std::function<void(Store& store, std::int64_t revision)>;

  /// store: a connection only this writer uses (SQLite: one connection, so
  /// every call, reads included, is serialised by one mutex).
  explicit Writer(std::unique_ptr<Store> store, Committed committed = {});

  /// The answers; each throws ApiError (401, 403, 404, 400, 422, 412).
  Response get_shelter(const Request& req, std::string_view id);
  Response patch_shelter(const Request& req, std::string_view id);
  Response post_status(const Request& req, std::string_view id);
  Response audit(const Request& req, const QueryParams& query);

 private:
  /// The caller, from "Authorization: Bearer rf_..."; 401 otherwise. Needs mutex_.
  User authenticate(const Request& req);
  /// The start of every change: the caller, the body, the shelter as
  /// stored, and the reason; 403 unless allowed(user, shelter). Needs mutex_.
  struct Edit {
    User user;
    nlohmann::json body;
    Shelter current;
    std::string reason;
  };
  Edit start(const Request& req, std::string_view id, bool (*allowed)(const User&, const Shelter&),
             std::string_view action);
  /// Commit one update as `user` and publish; returns the stored record. Needs mutex_.
  Shelter commit(const User& user, const Shelter& next, const std::string& reason);

  std::mutex mutex_;
  std::unique_ptr<Store> store_;
  Committed committed_;
};

/// Whether the user may change the shelter's fields (admin; editor whose
/// country and municipality, where set, are the shelter's).
bool may_edit(const User& user, const Shelter& shelter);
/// may_edit, or a warden of that shelter.
bool may_set_status(const User& user, const Shelter& shelter);

}  // namespace rifugio::api
