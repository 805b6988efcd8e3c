#include "api/write.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "api/detail/write_common.hpp"
#include "api/error.hpp"
#include "api/params.hpp"
#include "core/shelter_json.hpp"
#include "import/area.hpp"
#include "storage/accounts.hpp"

namespace rifugio::api {

namespace detail {

using nlohmann::json;

constexpr std::size_t kMaxReason = 1000;

Response json_answer(const json& j, int status) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

json parse_body(const Request& req, bool empty_ok) {
  if (empty_ok && req.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw ApiError(ErrorCode::invalid_body, "the body must be a JSON object (Content-Type: application/json)");
  return j;
}

std::string require_string(const json& body, const std::string& field, std::size_t max) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    throw ApiError(ErrorCode::invalid_field, fmt::format("{}: required, a non-empty string", field), field);
  if (it->get<std::string>().size() > max)
    throw ApiError(ErrorCode::invalid_field, fmt::format("{}: at most {} bytes", field, max), field);
  return it->get<std::string>();
}

std::string optional_reason(const json& body) {
  auto it = body.find("reason");
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) throw ApiError(ErrorCode::invalid_field, "reason: a string, or absent", "reason");
  if (it->get_ref<const std::string&>().size() > kMaxReason)
    throw ApiError(ErrorCode::invalid_field, fmt::format("reason: at most {} bytes", kMaxReason), "reason");
  return it->get<std::string>();
}

std::string require_reason(const json& body) {
  auto it = body.find("reason");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    throw ApiError(ErrorCode::invalid_field, "reason: required, a non-empty string (it goes to the audit log)",
                   "reason");
  return require_string(body, "reason", kMaxReason);
}

std::string scope(const User& u) {
  switch (u.role) {
    case Role::admin: return "admin";
    case Role::warden: return "warden of its shelters";
    case Role::editor: break;
  }
  std::string region = u.country;
  if (!u.municipality.empty()) region += (region.empty() ? "" : "/") + u.municipality;
  if (!u.region.empty()) region += (region.empty() ? "" : ", ") + std::string("its area");
  return "editor for " + region;
}

json user_json(const User& u) {
  json region = nullptr;
  if (!u.region.empty()) region = json::parse(u.region, nullptr, false);
  if (region.is_discarded()) region = nullptr;
  return {{"name", u.name},
          {"role", to_string(u.role)},
          {"country", u.country},
          {"municipality", u.municipality},
          {"shelters", u.shelters},
          {"region", std::move(region)}};
}


std::string etag(const Shelter& s) { return fmt::format("\"{}\"", s.version); }

ShelterId shelter_id(std::string_view segment) {
  auto id = parse_shelter_id(segment);
  if (!id) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", segment));
  return *id;
}

/// The version an If-Match header asks for: "N" (strong) or * (any = 0).
std::int64_t if_match(const Request& req, const Shelter& current) {
  auto h = req.header("If-Match");
  if (!h) return current.version;
  std::string_view v = *h;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v == "*") return current.version;
  std::int64_t n = 0;
  if (v.size() < 3 || v.front() != '"' || v.back() != '"' ||
      std::from_chars(v.data() + 1, v.data() + v.size() - 1, n).ptr != v.data() + v.size() - 1 || n <= 0)
    throw ApiError(ErrorCode::bad_request, "If-Match: expected the shelter's ETag, a version in quotes such as \"7\"");
  if (n != current.version)
    throw ApiError(ErrorCode::precondition_failed,
                   fmt::format("shelter {} is at version {}, not {}: read it again and retry", current.id,
                               current.version, n));
  return n;
}

/// A JSON value in set_field's text form; 422 naming the field otherwise.
std::string field_text(const std::string& field, const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (field == "location" && v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number())
    return fmt::format("{},{}", v[1].get<double>(), v[0].get<double>());  // [lon, lat] -> "LAT,LON"
  if (field == "location")
    throw ApiError(ErrorCode::invalid_field, "location: expected [lon, lat] in degrees, or null", field);
  throw ApiError(ErrorCode::invalid_field, fmt::format("{}: {} is not a valid value", field, v.dump()), field);
}

/// set_field with its InputError ("field 'x': ...") turned into a 422 naming x.
void set(Shelter& s, const std::string& field, const std::string& text) {
  try {
    set_field(s, field, text);
  } catch (const InputError& e) {
    std::string detail = e.what();
    const std::string prefix = fmt::format("field '{}': ", field);
    if (detail.starts_with(prefix)) detail = field + ": " + detail.substr(prefix.size());
    throw ApiError(ErrorCode::invalid_field, detail, field);
  }
}

Shelter load(Store& store, ShelterId id) {
  auto s = store.get(id);
  if (!s) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", id));
  return std::move(*s);
}

json audit_json(const AuditEntry& e) {
  return {{"seq", e.seq},       {"revision", e.revision}, {"time", format_time(e.time)},
          {"actor", e.actor},   {"reason", e.reason},     {"shelter", e.shelter},
          {"op", e.op},         {"before", e.before},     {"after", e.after}};
}

std::int64_t int_param(const std::string& name, const std::string& v, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi)
    throw ApiError(ErrorCode::invalid_parameter,
                   fmt::format("{}: must be a whole number from {} to {}, got '{}'", name, lo, hi, v), name);
  return n;
}

}  // namespace detail

using nlohmann::json;
using namespace detail;

namespace {

/// The parsed polygon of a stored region; null when it does not parse (then
/// it grants nothing). Editors are few, so the cache stays small.
std::shared_ptr<const import::Area> region_area(const std::string& geojson) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const import::Area>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(geojson); it != cache.end()) return it->second;
  std::shared_ptr<const import::Area> area;
  try {
    area = std::make_shared<const import::Area>(import::Area::from_geojson(geojson));
  } catch (const InputError& e) {
    fmt::print(stderr, "rifugio: a stored editor region does not parse ({}); it allows nothing\n", e.what());
  }
  if (cache.size() >= 256) cache.clear();
  return cache[geojson] = area;
}

}  // namespace

Scope::Scope(const User& user) : user_(user) {
  if (user.role == Role::editor && !user.region.empty()) area_ = region_area(user.region);
}

bool Scope::may_edit(const Shelter& s) const {
  const User& u = user_;
  if (u.role == Role::admin) return true;
  if (u.role != Role::editor || (u.country.empty() && u.municipality.empty() && u.region.empty())) return false;
  if (!u.country.empty() && s.country != u.country) return false;
  if (!u.municipality.empty() && s.municipality != u.municipality) return false;
  if (!u.region.empty() && (!area_ || !s.location || !area_->contains(*s.location))) return false;
  return true;
}

bool Scope::may_set_status(const Shelter& s) const {
  if (may_edit(s)) return true;
  const User& u = user_;
  return u.role == Role::warden && std::find(u.shelters.begin(), u.shelters.end(), s.id) != u.shelters.end();
}

bool may_edit(const User& u, const Shelter& s) { return Scope(u).may_edit(s); }

bool may_set_status(const User& u, const Shelter& s) { return Scope(u).may_set_status(s); }

Writer::Writer(std::unique_ptr<Store> store, Committed committed, ImportSettings imports)
    : store_(std::move(store)), committed_(std::move(committed)), imports_(std::move(imports)) {}

CommitResult Writer::commit(ChangeSet changes) {
  CommitResult r;
  try {
    r = store_->commit(changes);
  } catch (const Conflict& e) {
    const bool creating = std::any_of(changes.changes.begin(), changes.changes.end(),
                                      [](const Change& c) { return c.op == Change::Op::create; });
    throw ApiError(creating ? ErrorCode::conflict : ErrorCode::precondition_failed, e.what());
  } catch (const NotFound& e) {
    throw ApiError(ErrorCode::not_found, e.what());
  } catch (const InputError& e) {
    throw ApiError(ErrorCode::invalid_field, e.what());
  }
  if (r.created + r.updated + r.retired > 0 && committed_) committed_(*store_, r.revision);
  return r;
}

Shelter Writer::commit(const User& user, const Shelter& next, const std::string& reason) {
  commit({user.name, reason, true, {{Change::Op::update, next, ""}}});
  return load(*store_, next.id);
}

Writer::Edit Writer::start(const Request& req, std::string_view id, bool (*allowed)(const User&, const Shelter&),
                           std::string_view action) {
  User user = authenticate_locked(req);
  json body = parse_body(req);
  Shelter current = load(*store_, shelter_id(id));
  if (!allowed(user, current))
    throw ApiError(ErrorCode::forbidden,
                   fmt::format("{} ({}) may not {} shelter {}", user.name, scope(user), action, current.id));
  std::string reason = require_reason(body);
  return {std::move(user), std::move(body), std::move(current), std::move(reason)};
}

Response Writer::get_shelter(const Request& req, std::string_view id_text) {
  std::lock_guard lock(mutex_);
  authenticate_locked(req);
  Shelter s = load(*store_, shelter_id(id_text));
  Response r = json_answer(to_json(s));
  r.headers.emplace_back("ETag", etag(s));
  return r;
}

Response Writer::patch_shelter(const Request& req, std::string_view id_text) {
  std::lock_guard lock(mutex_);
  const auto [user, body, current, reason] = start(req, id_text, may_edit, "edit");
  Shelter next = current;
  const auto& fields = editable_fields();
  for (const auto& [field, value] : body.items()) {
    if (field == "reason") continue;
    if (std::find(fields.begin(), fields.end(), field) == fields.end())
      throw ApiError(ErrorCode::invalid_field, fmt::format("{}: not a field that can be changed", field), field);
    set(next, field, field_text(field, value));
  }
  if (!may_edit(user, next))
    throw ApiError(ErrorCode::forbidden, fmt::format("{} ({}) may not move shelter {} out of its region", user.name,
                                                     scope(user), current.id));
  if (next.status != current.status) {
    next.status_by = user.name;
    next.status_time = now_utc();
  }
  next.version = if_match(req, current);
  Shelter stored = commit(user, next, reason);
  Response r = json_answer(to_json(stored));
  r.headers.emplace_back("ETag", etag(stored));
  return r;
}

Response Writer::post_status(const Request& req, std::string_view id_text) {
  std::lock_guard lock(mutex_);
  const auto [user, body, current, reason] = start(req, id_text, may_set_status, "set the status of");
  for (const auto& [field, value] : body.items())
    if (field != "status" && field != "occupancy" && field != "reason")
      throw ApiError(ErrorCode::invalid_field, fmt::format("{}: unknown; expected status, occupancy, reason", field),
                     field);
  auto status = body.find("status");
  if (status == body.end() || !status->is_string())
    throw ApiError(ErrorCode::invalid_field, "status: required, one of open, closed, full, unknown", "status");
  Shelter next = current;
  set(next, "status", status->get<std::string>());
  if (auto occ = body.find("occupancy"); occ != body.end()) {
    if (!occ->is_null() && !occ->is_number_integer())
      throw ApiError(ErrorCode::invalid_field, "occupancy: a whole number >= 0, or null", "occupancy");
    set(next, "occupancy", field_text("occupancy", *occ));
  }
  next.status_by = user.name;
  next.status_time = now_utc();
  next.version = if_match(req, current);
  Shelter stored = commit(user, next, reason);
  Response r = json_answer({{"id", stored.id},
                            {"status", to_string(stored.status)},
                            {"occupancy", stored.occupancy ? json(*stored.occupancy) : json(nullptr)},
                            {"version", stored.version},
                            {"revision", store_->revision()}});
  r.headers.emplace_back("ETag", etag(stored));
  return r;
}

Shelter Writer::set_status(const User& user, ShelterId id, Status status, const std::string& reason) {
  std::lock_guard lock(mutex_);
  Shelter next = load(*store_, id);
  if (!may_set_status(user, next))
    throw ApiError(ErrorCode::forbidden,
                   fmt::format("{} ({}) may not set the status of shelter {}", user.name, scope(user), id));
  if (next.status == status) return next;  // nothing to commit or audit
  next.status = status;
  next.status_by = user.name;
  next.status_time = now_utc();
  return commit(user, next, reason);
}

Response Writer::audit(const Request& req, const QueryParams& query) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  AuditQuery q;
  std::size_t limit = 100;
  std::map<std::string, bool> seen;
  for (const auto& [name, value] : query) {
    if (name != "shelter" && name != "after" && name != "limit")
      throw ApiError(ErrorCode::unknown_parameter, fmt::format("{}: unknown; expected shelter, after, limit", name), name);
    if (seen[name]) throw ApiError(ErrorCode::invalid_parameter, fmt::format("{}: given twice", name), name);
    seen[name] = true;
    if (name == "shelter") q.shelter = int_param(name, value, 1, INT64_MAX);
    if (name == "after") q.after_seq = int_param(name, value, 0, INT64_MAX);
    if (name == "limit") limit = static_cast<std::size_t>(int_param(name, value, 1, 1000));
  }
  if (user.role == Role::warden)
    throw ApiError(ErrorCode::forbidden, fmt::format("{} ({}) may not read the audit log", user.name, scope(user)));
  // Admins see everything; editors the entries of shelters in their region
  // (as the shelter is now).
  std::map<ShelterId, bool> allowed;
  const Scope scope_of(user);
  auto may_read = [&](ShelterId id) {
    auto it = allowed.find(id);
    if (it != allowed.end()) return it->second;
    auto s = store_->get(id);
    return allowed[id] = s && scope_of.may_edit(*s);
  };
  if (q.shelter && user.role != Role::admin) {
    if (!store_->get(*q.shelter)) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", *q.shelter));
    if (!may_read(*q.shelter))
      throw ApiError(ErrorCode::forbidden,
                     fmt::format("{} ({}) may not read the audit log of shelter {}", user.name, scope(user), *q.shelter));
  }
  json entries = json::array();
  q.limit = limit;
  for (;;) {
    auto batch = store_->audit(q);
    for (const auto& e : batch) {
      q.after_seq = e.seq;
      if (user.role == Role::admin || may_read(e.shelter)) entries.push_back(audit_json(e));
      if (entries.size() == limit) break;
    }
    if (batch.size() < q.limit || entries.size() == limit) break;
  }
  json out = {{"entries", std::move(entries)}};
  out["next_after"] = out["entries"].empty() ? json(nullptr) : out["entries"].back()["seq"];
  return json_answer(out);
}

}  // namespace rifugio::api
