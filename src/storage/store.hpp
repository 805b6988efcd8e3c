#pragma once
// The register's storage interface. Callers see only this; SQLite is the
// embedded default (sqlite/), PostgreSQL can be added behind the same API.
//
// Every write goes through commit(): one transaction that applies a batch of
// changes, appends one audit entry per changed shelter and bumps the register
// revision once. A failed commit leaves the store exactly as it was.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/shelter.hpp"

namespace rifugio {

/// One change to one shelter.
struct Change {
  enum class Op { create, update, retire };
  Op op = Op::update;
  /// The record as it should be. For create, id is 0 and keys must be
  /// unique; for update and retire, id names the record and version must be
  /// the version the caller read (else Conflict).
  Shelter after;
  std::string reason;  ///< overrides the change set's reason when not empty
};

/// A batch of changes committed together.
struct ChangeSet {
  std::string actor;   ///< who: a user name, "import:<source>", ...
  std::string reason;  ///< why, for the audit log
  /// True for edits made by hand: the fields they change are remembered in
  /// Shelter::manual_fields so a later import does not silently undo them.
  bool manual = false;
  std::vector<Change> changes;
};

struct CommitResult {
  std::int64_t revision = 0;  ///< revision after the commit (unchanged if nothing changed)
  std::size_t created = 0, updated = 0, retired = 0, unchanged = 0;
  std::vector<ShelterId> ids;  ///< id of each change, in order (new ids for creates)
};

/// One row of the append-only audit log.
struct AuditEntry {
  std::int64_t seq = 0;
  std::int64_t revision = 0;
  UnixTime time = 0;
  std::string actor;
  std::string reason;
  ShelterId shelter = 0;
  std::string op;  ///< create | update | retire
  nlohmann::json before;  ///< changed fields before (null for create)
  nlohmann::json after;   ///< changed fields after
};

struct ListOptions {
  bool include_retired = false;
  std::string source;  ///< only shelters with a key from this source ("" = all)
};

struct AuditQuery {
  std::optional<ShelterId> shelter;
  std::int64_t after_seq = 0;  ///< entries with seq greater than this
  std::size_t limit = 100;
};

/// What an account may do. admin: everything; editor: shelters of its region
/// (create, update, retire, status, audit); warden: the status of its shelters.
enum class Role { admin, editor, warden };
std::string_view to_string(Role);
std::optional<Role> parse_role(std::string_view);

/// An account of a person who changes the register (never a citizen).
struct User {
  std::string name;  ///< unique; the actor in the audit log
  Role role = Role::warden;
  /// Editor's region: shelters whose country (ISO alpha-2), municipality
  /// (exact match) and position (inside `region`) are these; every field that
  /// is set must match. "" = not restricted by that field; an editor has at
  /// least one of them.
  std::string country;
  std::string municipality;
  /// A GeoJSON Polygon or MultiPolygon geometry in WGS84 (lon, lat), as
  /// stored; "" = none. Checked by api::may_edit (point in polygon, GDAL).
  std::string region;
  std::vector<ShelterId> shelters;  ///< warden: the shelters it answers for
  UnixTime created = 0;
};

/// A signed-in browser session (POST /v1/session). The session id itself is
/// only in the browser's cookie; the store keeps its BLAKE2b hash.
struct UserSession {
  std::string id_hash;  ///< hex BLAKE2b-256 of the session id (the lookup key)
  std::string user;     ///< User::name
  std::string csrf;     ///< the value X-CSRF-Token must carry on every non-GET request
  UnixTime created = 0;
  UnixTime expires = 0;
  UnixTime revoked = 0;  ///< 0 = not signed out
};

/// A stored API token: only its argon2id hash (libsodium crypto_pwhash_str),
/// looked up by a public id that is part of the token ("rf_<id>_<secret>").
struct ApiToken {
  std::string id;    ///< public, non-secret (16 hex digits)
  std::string user;  ///< User::name
  std::string hash;  ///< crypto_pwhash_str of the whole token
  UnixTime created = 0;
  UnixTime expires = 0;  ///< 0 = never
  UnixTime revoked = 0;  ///< 0 = not revoked
};

/// What a citizen says about a shelter (POST /v1/shelters/{id}/reports).
/// Alphabetical, the order summaries are written in.
enum class ReportKind { damaged, full, locked, open };
inline constexpr std::size_t kReportKinds = 4;
std::string_view to_string(ReportKind);
std::optional<ReportKind> parse_report_kind(std::string_view);

/// open until a warden or editor confirms it (the status changes) or dismisses it.
enum class ReportState { open, confirmed, dismissed };
std::string_view to_string(ReportState);
std::optional<ReportState> parse_report_state(std::string_view);

/// One crowd report. Citizens are anonymous: `client` is a keyed hash of
/// their address, never the address itself.
struct Report {
  std::int64_t id = 0;
  ShelterId shelter = 0;
  ReportKind kind = ReportKind::locked;
  std::string note;  ///< optional, at most 280 characters (checked by the API)
  UnixTime time = 0;
  std::string client;
  ReportState state = ReportState::open;
  std::string handled_by;  ///< user who confirmed or dismissed it ("" while open)
  UnixTime handled_time = 0;
  std::string handled_reason;
  /// Read by reports(): how many other open reports name the same shelter and kind.
  std::int64_t similar = 0;
};

struct ReportQuery {
  std::optional<ReportState> state;
  std::optional<ShelterId> shelter;
  UnixTime since = 0;           ///< only reports with time >= since
  std::int64_t before_id = 0;   ///< only ids below this (paging); 0 = no bound
  std::size_t limit = 100;      ///< 0 = all
};

/// An open write transaction (BEGIN IMMEDIATE): apply changes one by one,
/// then commit(). Destroying it without commit() rolls everything back.
class Transaction {
 public:
  virtual ~Transaction() = default;
  /// Apply one change; returns the shelter id (new for creates). Unchanged
  /// records are counted, not written. @throws Conflict, NotFound, StoreError.
  virtual ShelterId apply(const Change& change) = 0;
  /// Make everything durable and bump the revision once if anything changed.
  virtual CommitResult commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  /// Increases by one with every commit that changed something.
  virtual std::int64_t revision() = 0;
  virtual std::vector<Shelter> list(const ListOptions& opts) = 0;
  virtual std::optional<Shelter> get(ShelterId id) = 0;
  virtual std::optional<ShelterId> find(const ExternalKey& key) = 0;
  /// Start a write transaction for large batches (imports) that should not
  /// be held in memory at once. Only one is open at a time per store.
  virtual std::unique_ptr<Transaction> begin(const std::string& actor, const std::string& reason,
                                             bool manual) = 0;
  /// Apply the batch atomically. @throws Conflict on a stale version,
  /// NotFound for an unknown id, StoreError on failure; nothing is written then.
  CommitResult commit(const ChangeSet& changes);
  virtual std::vector<AuditEntry> audit(const AuditQuery& q) = 0;

  // Accounts (see storage/accounts.hpp for issuing and checking tokens).
  /// @throws Conflict when the name is taken, InputError when invalid.
  virtual void add_user(const User& user) = 0;
  virtual std::optional<User> user(const std::string& name) = 0;
  /// @throws NotFound for an unknown user, Conflict for a duplicate id.
  virtual void add_token(const ApiToken& token) = 0;
  virtual std::optional<ApiToken> token(const std::string& id) = 0;
  /// Mark revoked at `when` (kept for the record). @throws NotFound.
  virtual void revoke_token(const std::string& id, UnixTime when) = 0;
  /// The user's argon2id password hash (crypto_pwhash_str); "" = no password
  /// set; nullopt for an unknown user.
  virtual std::optional<std::string> password_hash(const std::string& user) = 0;
  /// @throws NotFound for an unknown user.
  virtual void set_password_hash(const std::string& user, const std::string& hash) = 0;
  /// @throws NotFound for an unknown user, Conflict for a duplicate id hash.
  virtual void add_session(const UserSession& session) = 0;
  virtual std::optional<UserSession> session(const std::string& id_hash) = 0;
  /// Mark signed out at `when`; a no-op for an unknown or already revoked session.
  virtual void revoke_session(const std::string& id_hash, UnixTime when) = 0;

  // Crowd reports (api/reports.hpp).
  /// Store a new report (id and state are ignored); returns its id.
  /// @throws NotFound for an unknown shelter.
  virtual std::int64_t add_report(const Report& report) = 0;
  virtual std::optional<Report> report(std::int64_t id) = 0;
  /// Newest first.
  virtual std::vector<Report> reports(const ReportQuery& q) = 0;
  /// Close the open report `id` as `state` (confirmed or dismissed) by `by`
  /// at `when`, and with `same_kind` every other open report of its shelter
  /// and kind too, in one transaction. Returns the ids changed.
  /// @throws NotFound for an unknown id, Conflict when it is not open.
  virtual std::vector<std::int64_t> settle_reports(std::int64_t id, ReportState state, const std::string& by,
                                                   UnixTime when, const std::string& reason, bool same_kind) = 0;
};

/// Open a store: a file path (SQLite, created if missing). @throws StoreError.
std::unique_ptr<Store> open_store(const std::string& location);

}  // namespace rifugio
