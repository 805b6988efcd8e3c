// The write API's register-wide endpoints: search, create, retire, and one
// status for many shelters at once.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "api/detail/write_common.hpp"
#include "api/error.hpp"
#include "api/write.hpp"
#include "core/shelter_json.hpp"
#include "import/text.hpp"

namespace rifugio::api {

namespace {

using nlohmann::json;
using namespace detail;

constexpr std::size_t kMaxQuery = 200;
constexpr std::size_t kMaxBulkIds = 10000;

/// One query parameter, given at most once.
struct Params {
  std::map<std::string, std::string> values;
  Params(const QueryParams& q, std::initializer_list<std::string_view> known) {
    for (const auto& [name, value] : q) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string list;
        for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        throw ApiError(ErrorCode::unknown_parameter, fmt::format("{}: unknown; expected {}", name, list), name);
      }
      if (!values.emplace(name, value).second)
        throw ApiError(ErrorCode::invalid_parameter, fmt::format("{}: given twice", name), name);
    }
  }
  const std::string* get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
};

}  // namespace

Response Writer::list_shelters(const Request& req, const QueryParams& query) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  const Params p(query, {"q", "status", "municipality", "country", "source", "retired", "limit", "offset"});
  std::string q;
  if (auto v = p.get("q")) {
    if (v->size() > kMaxQuery)
      throw ApiError(ErrorCode::invalid_parameter, fmt::format("q: at most {} bytes", kMaxQuery), "q");
    q = import::address_key(*v);  // lower case (Latin, Greek, Cyrillic), punctuation as spaces
  }
  std::optional<Status> status;
  if (auto v = p.get("status")) {
    status = parse_status(*v);
    if (!status)
      throw ApiError(ErrorCode::invalid_parameter,
                     fmt::format("status: one of open, closed, full, unknown; got '{}'", *v), "status");
  }
  // retired: false (DEFAULT) in service only, true retired only, any both.
  std::string retired = "false";
  if (auto v = p.get("retired")) {
    if (*v != "false" && *v != "true" && *v != "any")
      throw ApiError(ErrorCode::invalid_parameter, fmt::format("retired: false, true or any; got '{}'", *v), "retired");
    retired = *v;
  }
  const std::size_t limit = p.get("limit") ? static_cast<std::size_t>(int_param("limit", *p.get("limit"), 1, 500)) : 50;
  const std::size_t offset =
      p.get("offset") ? static_cast<std::size_t>(int_param("offset", *p.get("offset"), 0, INT32_MAX)) : 0;
  const std::string* municipality = p.get("municipality");
  const std::string* country = p.get("country");

  ListOptions opts{.include_retired = retired != "false"};
  if (auto v = p.get("source")) opts.source = *v;
  json page = json::array();
  std::size_t total = 0;
  const Scope allowed(user);
  for (const auto& s : store_->list(opts)) {
    if (retired == "true" && !s.retired) continue;
    if (status && s.status != *status) continue;
    if (municipality && s.municipality != *municipality) continue;
    if (country && s.country != *country) continue;
    if (!allowed.may_set_status(s)) continue;
    if (!q.empty() && import::address_key(s.name).find(q) == std::string::npos &&
        import::address_key(s.address).find(q) == std::string::npos &&
        import::address_key(s.municipality).find(q) == std::string::npos)
      continue;
    if (total++ >= offset && page.size() < limit) page.push_back(to_json(s));
  }
  return json_answer({{"shelters", std::move(page)}, {"total", total}, {"limit", limit}, {"offset", offset}});
}

Response Writer::create_shelter(const Request& req) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  const json body = parse_body(req);
  if (user.role == Role::warden)
    throw ApiError(ErrorCode::forbidden, fmt::format("{} ({}) may not create shelters", user.name, scope(user)));
  const std::string reason = require_reason(body);
  Shelter s;
  s.source = "manual";
  const auto& fields = editable_fields();
  for (const auto& [field, value] : body.items()) {
    if (field == "reason") continue;
    if (field == "key") {
      // An external key ({"source", "id"}) so a later import of that source
      // updates this record instead of creating a second one.
      if (!value.is_object() || !value.contains("source") || !value.contains("id") || !value["source"].is_string() ||
          !value["id"].is_string() || value["source"].get<std::string>().empty() ||
          value["id"].get<std::string>().empty() || value.size() != 2)
        throw ApiError(ErrorCode::invalid_field, R"(key: expected {"source": "...", "id": "..."}, both non-empty)", "key");
      s.keys = {{value["source"].get<std::string>(), value["id"].get<std::string>()}};
      s.source = s.keys[0].source;
      continue;
    }
    if (field == "retired" || std::find(fields.begin(), fields.end(), field) == fields.end())
      throw ApiError(ErrorCode::invalid_field, fmt::format("{}: not a field a new shelter can have", field), field);
    set(s, field, field_text(field, value));
  }
  if (s.name.empty())
    throw ApiError(ErrorCode::invalid_field, "name: required, a non-empty string", "name");
  if (!may_edit(user, s))
    throw ApiError(ErrorCode::forbidden,
                   fmt::format("{} ({}) may not create a shelter outside its region", user.name, scope(user)));
  if (s.status != Status::unknown) {
    s.status_by = user.name;
    s.status_time = now_utc();
  }
  auto r = commit({user.name, reason, true, {{Change::Op::create, s, ""}}});
  Shelter stored = load(*store_, r.ids.at(0));
  Response out = json_answer(to_json(stored), 201);
  out.headers.emplace_back("Location", fmt::format("/v1/shelters/{}", stored.id));
  out.headers.emplace_back("ETag", etag(stored));
  return out;
}

Response Writer::retire_shelter(const Request& req, std::string_view id_text) {
  std::lock_guard lock(mutex_);
  const auto [user, body, current, reason] = start(req, id_text, may_edit, "retire");
  for (const auto& [field, value] : body.items())
    if (field != "reason")
      throw ApiError(ErrorCode::invalid_field, fmt::format("{}: unknown; expected reason", field), field);
  Shelter next = current;
  next.version = if_match(req, current);
  if (!current.retired) commit({user.name, reason, true, {{Change::Op::retire, next, ""}}});
  Shelter stored = load(*store_, current.id);
  Response r = json_answer(to_json(stored));
  r.headers.emplace_back("ETag", etag(stored));
  return r;
}

Response Writer::bulk_status(const Request& req) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  const json body = parse_body(req);
  for (const auto& [field, value] : body.items())
    if (field != "status" && field != "reason" && field != "country" && field != "municipality" && field != "ids")
      throw ApiError(ErrorCode::invalid_field,
                     fmt::format("{}: unknown; expected status, reason, country, municipality, ids", field), field);
  auto st = body.find("status");
  std::optional<Status> status;
  if (st != body.end() && st->is_string()) status = parse_status(st->get<std::string>());
  if (!status) throw ApiError(ErrorCode::invalid_field, "status: required, one of open, closed, full, unknown", "status");
  const std::string reason = require_reason(body);
  std::optional<std::string> country, municipality;
  for (auto [name, out] : {std::pair{"country", &country}, std::pair{"municipality", &municipality}})
    if (body.contains(name)) *out = require_string(body, name, kMaxQuery);
  std::optional<std::set<ShelterId>> ids;
  if (auto it = body.find("ids"); it != body.end()) {
    if (!it->is_array() || it->empty() || it->size() > kMaxBulkIds)
      throw ApiError(ErrorCode::invalid_field, fmt::format("ids: a list of 1 to {} shelter ids", kMaxBulkIds), "ids");
    ids.emplace();
    for (const auto& v : *it) {
      if (!v.is_number_integer() || v.get<std::int64_t>() <= 0)
        throw ApiError(ErrorCode::invalid_field, fmt::format("ids: {} is not a shelter id", v.dump()), "ids");
      ids->insert(v.get<ShelterId>());
    }
  }
  if (!country && !municipality && !ids)
    throw ApiError(ErrorCode::invalid_field,
                   "ids: select the shelters by ids, country and/or municipality (a bulk change of everything is not allowed)",
                   "ids");

  ChangeSet cs{user.name, reason, true, {}};
  std::set<ShelterId> found;
  std::size_t selected = 0;
  const UnixTime now = now_utc();
  const Scope allowed(user);
  for (const auto& s : store_->list({})) {  // in service only
    if (ids && !ids->count(s.id)) continue;
    if (country && s.country != *country) continue;
    if (municipality && s.municipality != *municipality) continue;
    found.insert(s.id);
    if (!allowed.may_set_status(s))
      throw ApiError(ErrorCode::forbidden,
                     fmt::format("{} ({}) may not set the status of shelter {} ({}, {}): nothing was changed", user.name,
                                 scope(user), s.id, s.name, s.municipality));
    ++selected;
    if (s.status == *status) continue;
    Shelter next = s;
    next.status = *status;
    next.status_by = user.name;
    next.status_time = now;
    cs.changes.push_back({Change::Op::update, std::move(next), ""});
  }
  if (ids)
    for (ShelterId id : *ids)
      if (!found.count(id))
        throw ApiError(ErrorCode::invalid_field, fmt::format("ids: no shelter {} in service", id), "ids");
  CommitResult r{.revision = store_->revision()};
  if (!cs.changes.empty()) r = commit(std::move(cs));
  return json_answer({{"updated", r.updated}, {"unchanged", selected - r.updated}, {"revision", r.revision}});
}

}  // namespace rifugio::api
