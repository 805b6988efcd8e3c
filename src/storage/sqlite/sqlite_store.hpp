#pragma once
// The embedded default store: one SQLite file in WAL mode with foreign keys
// on and synchronous=FULL, so a commit that returned survives a power cut.

#include <memory>
#include <string>

#include "storage/store.hpp"

struct sqlite3;

namespace rifugio {

class SqliteStore final : public Store {
 public:
  /// Open or create the database at `path` and migrate its schema to the
  /// newest version. @throws StoreError naming the file.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  std::int64_t revision() override;
  std::vector<Shelter> list(const ListOptions& opts) override;
  std::optional<Shelter> get(ShelterId id) override;
  std::optional<ShelterId> find(const ExternalKey& key) override;
  std::unique_ptr<Transaction> begin(const std::string& actor, const std::string& reason,
                                     bool manual) override;
  std::vector<AuditEntry> audit(const AuditQuery& q) override;
  void add_user(const User& user) override;
  std::optional<User> user(const std::string& name) override;
  void add_token(const ApiToken& token) override;
  std::optional<ApiToken> token(const std::string& id) override;
  void revoke_token(const std::string& id, UnixTime when) override;
  std::optional<std::string> password_hash(const std::string& user) override;
  void set_password_hash(const std::string& user, const std::string& hash) override;
  void add_session(const UserSession& session) override;
  std::optional<UserSession> session(const std::string& id_hash) override;
  void revoke_session(const std::string& id_hash, UnixTime when) override;
  std::int64_t add_report(const Report& report) override;
  std::optional<Report> report(std::int64_t id) override;
  std::vector<Report> reports(const ReportQuery& q) override;
  std::vector<std::int64_t> settle_reports(std::int64_t id, ReportState state, const std::string& by, UnixTime when,
                                           const std::string& reason, bool same_kind) override;

  /// The schema version this build writes.
  static int schema_version();

 private:
  class Tx;
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace rifugio
