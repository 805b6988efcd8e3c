#include "storage/sqlite/sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <deque>
#include <map>

#include "core/error.hpp"
#include "core/shelter_json.hpp"

namespace rifugio {

namespace {

// Each entry moves the schema one version up; never edit a released entry.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES ('revision', 0);
CREATE TABLE shelters (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL, address TEXT NOT NULL, municipality TEXT NOT NULL,
  region TEXT NOT NULL, country TEXT NOT NULL,
  lon REAL CHECK (lon BETWEEN -180 AND 180), lat REAL CHECK (lat BETWEEN -90 AND 90),
  capacity INTEGER CHECK (capacity >= 0),
  kind TEXT NOT NULL, step_free TEXT NOT NULL,
  status TEXT NOT NULL, status_time INTEGER NOT NULL, status_by TEXT NOT NULL,
  occupancy INTEGER CHECK (occupancy >= 0),
  opening_hours TEXT NOT NULL, source TEXT NOT NULL, licence TEXT NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, version INTEGER NOT NULL,
  retired INTEGER NOT NULL CHECK (retired IN (0, 1)),
  manual_fields TEXT NOT NULL,
  CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE TABLE external_keys (
  source TEXT NOT NULL, key TEXT NOT NULL,
  shelter_id INTEGER NOT NULL REFERENCES shelters(id),
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX external_keys_by_shelter ON external_keys(shelter_id);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  revision INTEGER NOT NULL, time INTEGER NOT NULL,
  actor TEXT NOT NULL, reason TEXT NOT NULL,
  shelter_id INTEGER NOT NULL REFERENCES shelters(id),
  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'retire')),
  before TEXT, after TEXT NOT NULL
);
CREATE INDEX audit_by_shelter ON audit(shelter_id, seq);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // 2: accounts and API tokens (argon2id hashes only).
    R"sql(
CREATE TABLE users (
  name TEXT PRIMARY KEY CHECK (length(name) > 0),
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'warden')),
  country TEXT NOT NULL, municipality TEXT NOT NULL,
  created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE user_shelters (
  user_name TEXT NOT NULL REFERENCES users(name),
  shelter_id INTEGER NOT NULL REFERENCES shelters(id),
  PRIMARY KEY (user_name, shelter_id)
) WITHOUT ROWID;
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users(name),
  hash TEXT NOT NULL,
  created INTEGER NOT NULL, expires INTEGER NOT NULL, revoked INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: passwords (argon2id hashes), browser sessions (hashed ids), editors' polygon regions.
    R"sql(
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users(name),
  csrf TEXT NOT NULL,
  created INTEGER NOT NULL, expires INTEGER NOT NULL, revoked INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions(expires);
)sql",
    // 4: crowd reports. client is a keyed hash of the sender's address, never
    // the address; handled_* say who confirmed or dismissed it, when and why.
    R"sql(
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  shelter_id INTEGER NOT NULL REFERENCES shelters(id),
  kind TEXT NOT NULL CHECK (kind IN ('damaged', 'full', 'locked', 'open')),
  note TEXT NOT NULL CHECK (length(note) <= 280),
  time INTEGER NOT NULL,
  client TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'dismissed')),
  handled_by TEXT NOT NULL, handled_time INTEGER NOT NULL, handled_reason TEXT NOT NULL
);
CREATE INDEX reports_by_shelter ON reports(shelter_id, kind, state, time);
CREATE INDEX reports_by_state ON reports(state, id);
)sql",
};

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw StoreError(fmt::format("sqlite: {} in: {}", sqlite3_errmsg(db), sql));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
    owned_.clear();
    next_ = 1;
    return *this;
  }
  /// Binds without copying: the text must outlive the next step (true for
  /// record fields and string literals). Temporaries go through the && overload.
  Stmt& bind(std::string_view v) {
    check(sqlite3_bind_text(s_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    return *this;
  }
  Stmt& bind(const char* v) { return bind(std::string_view(v)); }
  Stmt& bind(const std::string& v) { return bind(std::string_view(v)); }
  Stmt& bind(std::string&& v) { return bind(std::string_view(owned_.emplace_back(std::move(v)))); }
  Stmt& bind(std::int64_t v) {
    check(sqlite3_bind_int64(s_, next_++, v));
    return *this;
  }
  Stmt& bind(double v) {
    check(sqlite3_bind_double(s_, next_++, v));
    return *this;
  }
  Stmt& bind_null() {
    check(sqlite3_bind_null(s_, next_++));
    return *this;
  }
  template <typename T>
  Stmt& bind(const std::optional<T>& v) {
    return v ? bind(static_cast<std::int64_t>(*v)) : bind_null();
  }
  /// true while there is a row.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
  void run() {
    step();
    sqlite3_reset(s_);
  }
  /// Step once and return SQLite's code instead of throwing (for constraint checks).
  int try_run() {
    int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    return rc;
  }
  bool null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  double f64(int col) const { return sqlite3_column_double(s_, col); }
  std::string text(int col) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, sqlite3_column_bytes(s_, col)) : std::string{};
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw StoreError(fmt::format("sqlite bind: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int next_ = 1;
  std::deque<std::string> owned_;  // temporaries bound since the last reset (stable addresses)
};

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError(fmt::format("sqlite: {}", msg));
  }
}

constexpr const char* kColumns =
    "id, name, address, municipality, region, country, lon, lat, capacity, kind, step_free, "
    "status, status_time, status_by, occupancy, opening_hours, source, licence, created, "
    "updated, version, retired, manual_fields";

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Shelter read_row(const Stmt& q) {
  Shelter s;
  s.id = q.i64(0);
  s.name = q.text(1);
  s.address = q.text(2);
  s.municipality = q.text(3);
  s.region = q.text(4);
  s.country = q.text(5);
  if (!q.null(6)) s.location = Location::from_lon_lat(q.f64(6), q.f64(7));
  if (!q.null(8)) s.capacity = static_cast<std::int32_t>(q.i64(8));
  s.kind = parse_kind(q.text(9)).value_or(Kind::other);
  s.step_free = parse_step_free(q.text(10)).value_or(StepFree::unknown);
  s.status = parse_status(q.text(11)).value_or(Status::unknown);
  s.status_time = q.i64(12);
  s.status_by = q.text(13);
  if (!q.null(14)) s.occupancy = static_cast<std::int32_t>(q.i64(14));
  s.opening_hours = q.text(15);
  s.source = q.text(16);
  s.licence = q.text(17);
  s.created = q.i64(18);
  s.updated = q.i64(19);
  s.version = q.i64(20);
  s.retired = q.i64(21) != 0;
  s.manual_fields = split(q.text(22));
  return s;
}

// Binds every column but id, in kColumns order.
void bind_fields(Stmt& q, const Shelter& s) {
  q.bind(s.name).bind(s.address).bind(s.municipality).bind(s.region).bind(s.country);
  if (s.location) q.bind(s.location->lon).bind(s.location->lat);
  else q.bind_null().bind_null();
  q.bind(s.capacity).bind(to_string(s.kind)).bind(to_string(s.step_free)).bind(to_string(s.status));
  q.bind(s.status_time).bind(s.status_by).bind(s.occupancy).bind(s.opening_hours);
  q.bind(s.source).bind(s.licence).bind(s.created).bind(s.updated).bind(s.version);
  q.bind(std::int64_t{s.retired ? 1 : 0}).bind(join(s.manual_fields));
}

}  // namespace

int SqliteStore::schema_version() { return static_cast<int>(std::size(kMigrations)); }

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreError(fmt::format("{}: cannot open database: {}", path, msg));
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    // A large page cache keeps big import transactions from spilling to the WAL page by page.
    exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
              "PRAGMA cache_size=-65536;");
    exec(db_, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    exec(db_, "BEGIN IMMEDIATE");
    int version = 0;
    {
      Stmt q(db_, "SELECT max(version) FROM schema_version");
      if (q.step() && !q.null(0)) version = static_cast<int>(q.i64(0));
    }
    if (version > schema_version())
      throw StoreError(fmt::format("{}: schema version {} is newer than this build ({})", path,
                                   version, schema_version()));
    for (int v = version; v < schema_version(); ++v) {
      exec(db_, kMigrations[v]);
      Stmt(db_, "INSERT INTO schema_version VALUES (?)").bind(std::int64_t{v + 1}).run();
    }
    exec(db_, "COMMIT");
  } catch (const std::exception& e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    throw StoreError(fmt::format("{}: {}", path, e.what()));
  }
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

std::int64_t SqliteStore::revision() {
  Stmt q(db_, "SELECT value FROM meta WHERE key = 'revision'");
  return q.step() ? q.i64(0) : 0;
}

namespace {
void attach_keys(sqlite3* db, std::vector<Shelter>& shelters) {
  std::map<ShelterId, Shelter*> by_id;
  for (auto& s : shelters) by_id[s.id] = &s;
  Stmt q(db, "SELECT shelter_id, source, key FROM external_keys ORDER BY shelter_id, source, key");
  while (q.step()) {
    auto it = by_id.find(q.i64(0));
    if (it != by_id.end()) it->second->keys.push_back({q.text(1), q.text(2)});
  }
}
}  // namespace

std::vector<Shelter> SqliteStore::list(const ListOptions& opts) {
  std::string sql = fmt::format("SELECT {} FROM shelters WHERE (?1 OR retired = 0)", kColumns);
  if (!opts.source.empty())
    sql += " AND id IN (SELECT shelter_id FROM external_keys WHERE source = ?2)";
  sql += " ORDER BY id";
  Stmt q(db_, sql.c_str());
  q.bind(std::int64_t{opts.include_retired ? 1 : 0});
  if (!opts.source.empty()) q.bind(opts.source);
  std::vector<Shelter> out;
  while (q.step()) out.push_back(read_row(q));
  attach_keys(db_, out);
  return out;
}

std::optional<Shelter> SqliteStore::get(ShelterId id) {
  Stmt q(db_, fmt::format("SELECT {} FROM shelters WHERE id = ?", kColumns).c_str());
  q.bind(id);
  if (!q.step()) return std::nullopt;
  Shelter s = read_row(q);
  Stmt k(db_, "SELECT source, key FROM external_keys WHERE shelter_id = ? ORDER BY source, key");
  k.bind(id);
  while (k.step()) s.keys.push_back({k.text(0), k.text(1)});
  return s;
}

std::optional<ShelterId> SqliteStore::find(const ExternalKey& key) {
  Stmt q(db_, "SELECT shelter_id FROM external_keys WHERE source = ? AND key = ?");
  q.bind(key.source).bind(key.id);
  if (!q.step()) return std::nullopt;
  return q.i64(0);
}

std::vector<AuditEntry> SqliteStore::audit(const AuditQuery& aq) {
  Stmt q(db_,
         "SELECT seq, revision, time, actor, reason, shelter_id, op, before, after FROM audit "
         "WHERE seq > ?1 AND (?2 IS NULL OR shelter_id = ?2) ORDER BY seq LIMIT ?3");
  q.bind(aq.after_seq).bind(aq.shelter).bind(static_cast<std::int64_t>(aq.limit));
  std::vector<AuditEntry> out;
  while (q.step()) {
    AuditEntry e;
    e.seq = q.i64(0);
    e.revision = q.i64(1);
    e.time = q.i64(2);
    e.actor = q.text(3);
    e.reason = q.text(4);
    e.shelter = q.i64(5);
    e.op = q.text(6);
    e.before = q.null(7) ? nlohmann::json(nullptr) : nlohmann::json::parse(q.text(7));
    e.after = nlohmann::json::parse(q.text(8));
    out.push_back(std::move(e));
  }
  return out;
}

void SqliteStore::add_user(const User& u) {
  if (u.name.empty()) throw InputError("user: the name is empty");
  if (u.role == Role::editor && u.country.empty() && u.municipality.empty() && u.region.empty())
    throw InputError(
        fmt::format("user {}: an editor needs a region (a country, a municipality and/or an area)", u.name));
  if (u.role == Role::warden && u.shelters.empty())
    throw InputError(fmt::format("user {}: a warden needs at least one shelter", u.name));
  exec(db_, "BEGIN IMMEDIATE");
  try {
    Stmt q(db_, "INSERT INTO users (name, role, country, municipality, region, created) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(u.name).bind(to_string(u.role)).bind(u.country).bind(u.municipality).bind(u.region).bind(now_utc());
    if (int rc = q.try_run(); rc != SQLITE_DONE) {
      if (rc == SQLITE_CONSTRAINT) throw Conflict(fmt::format("user {} already exists", u.name));
      throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
    }
    Stmt s(db_, "INSERT INTO user_shelters (user_name, shelter_id) VALUES (?, ?)");
    for (ShelterId id : u.shelters) {
      s.reset().bind(u.name).bind(id);
      if (int rc = s.try_run(); rc != SQLITE_DONE) {
        if (rc == SQLITE_CONSTRAINT) throw NotFound(fmt::format("user {}: shelter {} does not exist", u.name, id));
        throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
      }
    }
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<User> SqliteStore::user(const std::string& name) {
  Stmt q(db_, "SELECT name, role, country, municipality, region, created FROM users WHERE name = ?");
  q.bind(name);
  if (!q.step()) return std::nullopt;
  User u;
  u.name = q.text(0);
  u.role = parse_role(q.text(1)).value_or(Role::warden);
  u.country = q.text(2);
  u.municipality = q.text(3);
  u.region = q.text(4);
  u.created = q.i64(5);
  Stmt s(db_, "SELECT shelter_id FROM user_shelters WHERE user_name = ? ORDER BY shelter_id");
  s.bind(name);
  while (s.step()) u.shelters.push_back(s.i64(0));
  return u;
}

void SqliteStore::add_token(const ApiToken& t) {
  Stmt q(db_, "INSERT INTO api_tokens (id, user_name, hash, created, expires, revoked) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(t.id).bind(t.user).bind(t.hash).bind(t.created).bind(t.expires).bind(t.revoked);
  if (int rc = q.try_run(); rc != SQLITE_DONE) {
    if (rc == SQLITE_CONSTRAINT) {
      if (!user(t.user)) throw NotFound(fmt::format("user {} does not exist", t.user));
      throw Conflict(fmt::format("token id {} is taken", t.id));
    }
    throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
}

std::optional<ApiToken> SqliteStore::token(const std::string& id) {
  Stmt q(db_, "SELECT id, user_name, hash, created, expires, revoked FROM api_tokens WHERE id = ?");
  q.bind(id);
  if (!q.step()) return std::nullopt;
  return ApiToken{q.text(0), q.text(1), q.text(2), q.i64(3), q.i64(4), q.i64(5)};
}

void SqliteStore::revoke_token(const std::string& id, UnixTime when) {
  Stmt q(db_, "UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked = 0");
  q.bind(when).bind(id).run();
  if (sqlite3_changes(db_) == 0 && !token(id)) throw NotFound(fmt::format("token {} does not exist", id));
}

std::optional<std::string> SqliteStore::password_hash(const std::string& user) {
  Stmt q(db_, "SELECT password_hash FROM users WHERE name = ?");
  q.bind(user);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void SqliteStore::set_password_hash(const std::string& user, const std::string& hash) {
  Stmt q(db_, "UPDATE users SET password_hash = ? WHERE name = ?");
  q.bind(hash).bind(user).run();
  if (sqlite3_changes(db_) == 0) throw NotFound(fmt::format("user {} does not exist", user));
}

void SqliteStore::add_session(const UserSession& s) {
  // Expired sessions are useless; dropping them here keeps the table small.
  Stmt(db_, "DELETE FROM sessions WHERE expires < ?").bind(s.created - 86400).run();
  Stmt q(db_, "INSERT INTO sessions (id_hash, user_name, csrf, created, expires, revoked) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(s.id_hash).bind(s.user).bind(s.csrf).bind(s.created).bind(s.expires).bind(s.revoked);
  if (int rc = q.try_run(); rc != SQLITE_DONE) {
    if (rc == SQLITE_CONSTRAINT) {
      if (!user(s.user)) throw NotFound(fmt::format("user {} does not exist", s.user));
      throw Conflict("session id is taken");
    }
    throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
}

std::optional<UserSession> SqliteStore::session(const std::string& id_hash) {
  Stmt q(db_, "SELECT id_hash, user_name, csrf, created, expires, revoked FROM sessions WHERE id_hash = ?");
  q.bind(id_hash);
  if (!q.step()) return std::nullopt;
  return UserSession{q.text(0), q.text(1), q.text(2), q.i64(3), q.i64(4), q.i64(5)};
}

void SqliteStore::revoke_session(const std::string& id_hash, UnixTime when) {
  Stmt q(db_, "UPDATE sessions SET revoked = ? WHERE id_hash = ? AND revoked = 0");
  q.bind(when).bind(id_hash).run();
}

namespace {
constexpr const char* kReportColumns =
    "id, shelter_id, kind, note, time, client, state, handled_by, handled_time, handled_reason";

Report read_report(const Stmt& q) {
  Report r;
  r.id = q.i64(0);
  r.shelter = q.i64(1);
  r.kind = parse_report_kind(q.text(2)).value_or(ReportKind::locked);
  r.note = q.text(3);
  r.time = q.i64(4);
  r.client = q.text(5);
  r.state = parse_report_state(q.text(6)).value_or(ReportState::open);
  r.handled_by = q.text(7);
  r.handled_time = q.i64(8);
  r.handled_reason = q.text(9);
  return r;
}
}  // namespace

std::int64_t SqliteStore::add_report(const Report& r) {
  Stmt q(db_, "INSERT INTO reports (shelter_id, kind, note, time, client, state, handled_by, handled_time, "
              "handled_reason) VALUES (?, ?, ?, ?, ?, 'open', '', 0, '')");
  q.bind(r.shelter).bind(to_string(r.kind)).bind(r.note).bind(r.time).bind(r.client);
  if (int rc = q.try_run(); rc != SQLITE_DONE) {
    if (rc == SQLITE_CONSTRAINT && !get(r.shelter)) throw NotFound(fmt::format("shelter {} does not exist", r.shelter));
    throw StoreError(fmt::format("sqlite: report on shelter {}: {}", r.shelter, sqlite3_errmsg(db_)));
  }
  return sqlite3_last_insert_rowid(db_);
}

std::optional<Report> SqliteStore::report(std::int64_t id) {
  Stmt q(db_, fmt::format("SELECT {} FROM reports WHERE id = ?", kReportColumns).c_str());
  q.bind(id);
  if (!q.step()) return std::nullopt;
  return read_report(q);
}

std::vector<Report> SqliteStore::reports(const ReportQuery& rq) {
  const std::string sql = fmt::format(
      "SELECT {}, (SELECT count(*) FROM reports o WHERE o.shelter_id = r.shelter_id AND o.kind = r.kind AND "
      "o.state = 'open' AND o.id != r.id) FROM reports r "
      "WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR shelter_id = ?2) AND time >= ?3 AND (?4 = 0 OR id < ?4) "
      "ORDER BY id DESC LIMIT ?5",
      kReportColumns);
  Stmt q(db_, sql.c_str());
  if (rq.state) q.bind(to_string(*rq.state));
  else q.bind_null();
  q.bind(rq.shelter).bind(rq.since).bind(rq.before_id);
  q.bind(rq.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(rq.limit));
  std::vector<Report> out;
  while (q.step()) {
    out.push_back(read_report(q));
    out.back().similar = q.i64(10);
  }
  return out;
}

std::vector<std::int64_t> SqliteStore::settle_reports(std::int64_t id, ReportState state, const std::string& by,
                                                      UnixTime when, const std::string& reason, bool same_kind) {
  if (state == ReportState::open) throw InputError("settle_reports: the new state must be confirmed or dismissed");
  exec(db_, "BEGIN IMMEDIATE");
  try {
    auto r = report(id);
    if (!r) throw NotFound(fmt::format("no report with id {}", id));
    if (r->state != ReportState::open)
      throw Conflict(fmt::format("report #{} is already {} (by {})", id, to_string(r->state), r->handled_by));
    std::vector<std::int64_t> ids{id};
    if (same_kind) {
      Stmt s(db_, "SELECT id FROM reports WHERE shelter_id = ? AND kind = ? AND state = 'open' AND id != ? ORDER BY id");
      s.bind(r->shelter).bind(to_string(r->kind)).bind(id);
      while (s.step()) ids.push_back(s.i64(0));
    }
    Stmt u(db_, "UPDATE reports SET state = ?, handled_by = ?, handled_time = ?, handled_reason = ? WHERE id = ?");
    for (auto i : ids) u.reset().bind(to_string(state)).bind(by).bind(when).bind(reason).bind(i).run();
    exec(db_, "COMMIT");
    return ids;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// One write transaction. Statements are prepared once and reused for every
// change, which is what makes a million-row import take seconds.
class SqliteStore::Tx final : public Transaction {
 public:
  Tx(SqliteStore& store, std::string actor, std::string reason, bool manual)
      : store_(store),
        db_(store.db_),
        actor_(std::move(actor)),
        reason_(std::move(reason)),
        manual_(manual),
        now_(now_utc()) {
    exec(db_, "BEGIN IMMEDIATE");
    open_ = true;
    revision_ = store.revision() + 1;
  }
  ~Tx() override {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  ShelterId apply(const Change& c) override {
    switch (c.op) {
      case Change::Op::create: return create(c);
      case Change::Op::update:
      case Change::Op::retire: return update(c);
    }
    return 0;
  }

  CommitResult commit() override {
    if (changed()) Stmt(db_, "UPDATE meta SET value = ? WHERE key = 'revision'").bind(revision_).run();
    exec(db_, "COMMIT");
    open_ = false;
    result_.revision = changed() ? revision_ : revision_ - 1;
    return result_;
  }

 private:
  bool changed() const { return result_.created + result_.updated + result_.retired > 0; }
  const std::string& reason_for(const Change& c) const { return c.reason.empty() ? reason_ : c.reason; }

  ShelterId create(const Change& c) {
    Shelter s = c.after;
    if (s.location && !s.location->valid())
      throw InputError(fmt::format("field 'location': {} is out of range", to_string(*s.location)));
    s.created = s.updated = now_;
    s.version = 1;
    if (manual_) {
      s.manual_fields.clear();
      for (auto f : editable_fields()) s.manual_fields.emplace_back(f);
    }
    insert_.reset().bind_null();
    bind_fields(insert_, s);
    insert_.run();
    s.id = sqlite3_last_insert_rowid(db_);
    for (const auto& k : s.keys) add_key(k, s.id);
    static const std::vector<std::string> all_fields(editable_fields().begin(), editable_fields().end());
    nlohmann::json after = fields_json(s, all_fields);
    nlohmann::json keys = nlohmann::json::array();
    for (auto& k : s.keys) keys.push_back({{"source", k.source}, {"id", k.id}});
    after["keys"] = std::move(keys);
    log(s.id, "create", nullptr, after, reason_for(c));
    ++result_.created;
    return s.id;
  }

  ShelterId update(const Change& c) {
    auto current = store_.get(c.after.id);
    if (!current) throw NotFound(fmt::format("shelter {} does not exist", c.after.id));
    if (c.after.version != 0 && c.after.version != current->version)
      throw Conflict(fmt::format("shelter {} is at version {}, not {}", c.after.id,
                                 current->version, c.after.version));
    Shelter next = c.after;
    if (c.op == Change::Op::retire) next.retired = true;
    auto fields = changed_fields(*current, next);
    bool new_keys = false;
    for (const auto& k : next.keys)
      if (std::find(current->keys.begin(), current->keys.end(), k) == current->keys.end()) {
        add_key(k, current->id);
        new_keys = true;
      }
    // Status metadata travels with the status field.
    if (std::find(fields.begin(), fields.end(), "status") != fields.end() && next.status_time == 0)
      next.status_time = now_;
    if (fields.empty() && !new_keys && next.source == current->source) {
      ++result_.unchanged;
      return current->id;
    }
    next.manual_fields = current->manual_fields;
    if (manual_)
      for (auto& f : fields)
        if (!next.is_manual(f)) next.manual_fields.push_back(f);
    next.id = current->id;
    next.created = current->created;
    next.updated = now_;
    next.version = current->version + 1;
    update_.reset();
    bind_fields(update_, next);
    update_.bind(next.id);
    update_.run();
    nlohmann::json before = fields_json(*current, fields);
    nlohmann::json after = fields_json(next, fields);
    if (new_keys) {
      nlohmann::json keys = nlohmann::json::array();
      for (auto& k : next.keys) keys.push_back({{"source", k.source}, {"id", k.id}});
      after["keys"] = keys;
    }
    const bool retiring = next.retired && !current->retired;
    log(next.id, retiring ? "retire" : "update", before, after, reason_for(c));
    ++(retiring ? result_.retired : result_.updated);
    return next.id;
  }

  void add_key(const ExternalKey& k, ShelterId id) {
    if (k.source.empty() || k.id.empty())
      throw InputError(fmt::format("shelter {}: an external key needs a source and an id", id));
    key_.reset().bind(k.source).bind(k.id).bind(id);
    if (int rc = key_.try_run(); rc != SQLITE_DONE) {
      if (rc == SQLITE_CONSTRAINT)
        throw Conflict(fmt::format("key {}:{} already names another shelter", k.source, k.id));
      throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
    }
  }

  void log(ShelterId id, const char* op, const nlohmann::json& before, const nlohmann::json& after,
           const std::string& reason) {
    audit_.reset().bind(revision_).bind(now_).bind(actor_).bind(reason).bind(id).bind(op);
    if (before.is_null()) audit_.bind_null();
    else audit_.bind(before.dump());
    audit_.bind(after.dump()).run();
  }

  SqliteStore& store_;
  sqlite3* db_;
  std::string actor_, reason_;
  bool manual_;
  UnixTime now_;
  bool open_ = false;
  std::int64_t revision_ = 0;
  CommitResult result_;
  Stmt insert_{db_, fmt::format("INSERT INTO shelters ({}) VALUES (?{})", kColumns,
                                repeat(",?", 22)).c_str()};
  Stmt update_{db_, "UPDATE shelters SET name=?, address=?, municipality=?, region=?, country=?, "
                    "lon=?, lat=?, capacity=?, kind=?, step_free=?, status=?, status_time=?, "
                    "status_by=?, occupancy=?, opening_hours=?, source=?, licence=?, created=?, "
                    "updated=?, version=?, retired=?, manual_fields=? WHERE id=?"};
  Stmt key_{db_, "INSERT INTO external_keys (source, key, shelter_id) VALUES (?, ?, ?)"};
  Stmt audit_{db_, "INSERT INTO audit (revision, time, actor, reason, shelter_id, op, before, after) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
};

std::unique_ptr<Transaction> SqliteStore::begin(const std::string& actor, const std::string& reason,
                                                bool manual) {
  return std::make_unique<Tx>(*this, actor, reason, manual);
}

}  // namespace rifugio
