#pragma once
// The write API: authenticated changes to the register, each committed
// through Store::commit with the user as actor and the caller's reason (so
// it is in the audit log), then published as a new snapshot at once.
//
//   POST  /v1/session               {"user", "password"} -> cookie + csrf  (throttled)
//   GET   /v1/session               who the cookie belongs to
//   DELETE /v1/session              sign out
//   GET   /v1/shelters?q=...        search what the caller may change
//   POST  /v1/shelters              create {field: value, ..., "reason"}   editor in region, admin
//   GET   /v1/shelters/{id}         the stored record and its version (ETag)
//   PATCH /v1/shelters/{id}         {field: value, ..., "reason": "..."}  editor in region, admin
//   POST  /v1/shelters/{id}/status  {"status", "occupancy"?, "reason"}     warden of it, editor, admin
//   POST  /v1/shelters/{id}/retire  {"reason"}                             editor in region, admin
//   POST  /v1/status/bulk           {"status", "reason", selection}        editor in region, admin
//   GET   /v1/audit?shelter=ID      the audit log                          admin; editor: its region
//   GET   /v1/imports/mappings      the server's mapping files              admin, editor
//   POST  /v1/imports?mapping=NAME&dry_run=true|false  body: the file       admin; editor: its region
//
// Authentication (authenticate()): an API token (Authorization: Bearer) or
// the session cookie, which needs X-CSRF-Token on every request but GET/HEAD.
//
// Usage (what rifugio serve does):
//   auto writer = std::make_shared<api::Writer>(open_store(path),
//       [&](Store& s, std::int64_t rev) { holder.replace(spatial::Snapshot::build(rev, s.list({}))); });
//   api::Handler handler(holder, {.writer = writer});

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "api/http.hpp"
#include "api/throttle.hpp"
#include "storage/store.hpp"

namespace rifugio::import {
class Area;
}

namespace rifugio::api {

/// Where imports over HTTP find their mappings and borders.
struct ImportSettings {
  /// Folder of mapping files (rifugio serve --mappings DIR). DEFAULT: "" =
  /// the import endpoints answer 404.
  std::string mappings_dir;
  /// Country borders GeoJSON for the importer's country check. DEFAULT: "" = no check.
  std::string borders_path;
};

class Writer {
 public:
  /// Called after every commit that changed something, with the store and
  /// the new revision, while writes are held: publish the new snapshot here.
  using Committed = std::function<void(Store& store, std::int64_t revision)>;

  /// store: a connection only this writer uses (SQLite: one connection, so
  /// every call, reads included, is serialised by one mutex).
  explicit Writer(std::unique_ptr<Store> store, Committed committed = {}, ImportSettings imports = {});

  /// The caller of a protected endpoint: the one check every one of them
  /// makes. Accepts "Authorization: Bearer rf_..." or the session cookie
  /// rifugio_session; with the cookie, every method but GET and HEAD must
  /// carry X-CSRF-Token equal to the session's (else 403). Throws ApiError
  /// 401 (no, a wrong, an expired or a revoked token or session; the
  /// message never contains the secret) or 403. Takes the writer's lock.
  User authenticate(const Request& req);

  /// The answers; each throws ApiError (401, 403, 404, 400, 409, 412, 422, 429).
  Response sign_in(const Request& req);
  Response get_session(const Request& req);
  Response sign_out(const Request& req);
  Response list_shelters(const Request& req, const QueryParams& query);
  Response create_shelter(const Request& req);
  Response get_shelter(const Request& req, std::string_view id);
  Response patch_shelter(const Request& req, std::string_view id);
  Response post_status(const Request& req, std::string_view id);
  Response retire_shelter(const Request& req, std::string_view id);
  Response bulk_status(const Request& req);
  Response audit(const Request& req, const QueryParams& query);
  Response import_mappings(const Request& req);
  Response import_file(const Request& req, const QueryParams& query);

  /// The name of the session cookie.
  static constexpr std::string_view kSessionCookie = "rifugio_session";
  /// Set a shelter's status as `user` through the same commit as
  /// post_status (audited, published); 403 unless may_set_status, 404 for
  /// an unknown shelter. Returns the stored record.
  Shelter set_status(const User& user, ShelterId id, Status status, const std::string& reason);

 private:
  /// authenticate() for a caller that holds mutex_.
  User authenticate_locked(const Request& req);
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
  /// Commit a change set (manual: hand edits), publish when something
  /// changed; store errors become API errors (a taken key: 409, a stale
  /// version: 412). Needs mutex_.
  CommitResult commit(ChangeSet changes);

  std::mutex mutex_;
  std::unique_ptr<Store> store_;
  Committed committed_;
  ImportSettings imports_;
  SignInThrottle throttle_;  ///< guarded by mutex_
};

/// Whether the user may change the shelter's fields (admin; editor whose
/// country, municipality and region polygon, where set, hold the shelter;
/// with a polygon, a shelter without a location is outside).
bool may_edit(const User& user, const Shelter& shelter);
/// may_edit, or a warden of that shelter.
bool may_set_status(const User& user, const Shelter& shelter);

/// may_edit and may_set_status for one user and many shelters: the region
/// polygon is looked up once (parsed polygons are cached by their text).
class Scope {
 public:
  explicit Scope(const User& user);
  bool may_edit(const Shelter& shelter) const;
  bool may_set_status(const Shelter& shelter) const;

 private:
  const User& user_;
  std::shared_ptr<const import::Area> area_;  ///< the editor's polygon, null when none
};

}  // namespace rifugio::api
