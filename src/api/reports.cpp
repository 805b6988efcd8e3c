#include "api/reports.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

#include "api/error.hpp"
#include "api/params.hpp"
#include "api/detail/write_common.hpp"
#include "api/write.hpp"

namespace rifugio::api {

namespace {

using nlohmann::json;
using namespace detail;

constexpr std::size_t kQueueBatch = 500;

void only_fields(const json& body, std::initializer_list<std::string_view> known, std::string_view expected) {
  for (const auto& [field, value] : body.items())
    if (std::find(known.begin(), known.end(), field) == known.end())
      throw ApiError(ErrorCode::invalid_field, fmt::format("{}: unknown; expected {}", field, expected), field);
}

/// The code point at s[i] (s is valid UTF-8: nlohmann's parser checked it); advances i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

/// Control characters (C0, DEL, C1), line/paragraph separators and bidi
/// overrides: they could break a warden's screen or disguise the text.
bool forbidden_in_note(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

std::string check_note(const json& body) {
  auto it = body.find("note");
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string())
    throw ApiError(ErrorCode::invalid_field, fmt::format("note: a string of at most {} characters, or absent", kMaxNote),
                   "note");
  const std::string& note = it->get_ref<const std::string&>();
  std::size_t chars = 0;
  for (std::size_t i = 0; i < note.size();) {
    const char32_t cp = next_code_point(note, i);
    ++chars;
    if (forbidden_in_note(cp))
      throw ApiError(ErrorCode::invalid_field,
                     fmt::format("note: control character U+{:04X} at character {} is not allowed", static_cast<std::uint32_t>(cp), chars),
                     "note");
  }
  if (chars > kMaxNote)
    throw ApiError(ErrorCode::invalid_field, fmt::format("note: at most {} characters, got {}", kMaxNote, chars), "note");
  return note;
}

/// The status a confirmed report sets.
Status status_for(ReportKind k) {
  switch (k) {
    case ReportKind::locked:
    case ReportKind::damaged: return Status::closed;
    case ReportKind::full: return Status::full;
    case ReportKind::open: return Status::open;
  }
  return Status::unknown;
}

json report_json(const Report& r, const std::string& shelter_name, UnixTime now) {
  const bool open = r.state == ReportState::open;
  return {{"id", r.id},
          {"shelter", r.shelter},
          {"shelter_name", shelter_name},
          {"kind", to_string(r.kind)},
          {"note", r.note},
          {"time", format_time(r.time)},
          {"age_s", std::max<std::int64_t>(0, now - r.time)},
          {"state", to_string(r.state)},
          {"handled_by", open ? json(nullptr) : json(r.handled_by)},
          {"handled_time", open ? json(nullptr) : json(format_time(r.handled_time))},
          {"handled_reason", open ? json(nullptr) : json(r.handled_reason)},
          {"similar", r.similar}};
}

Response too_many(std::int64_t retry_after_s, const std::string& detail) {
  Response r = problem_response(ErrorCode::too_many_requests, detail);
  r.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, retry_after_s)));
  return r;
}

std::string minutes(std::int64_t s) { return s % 60 == 0 ? fmt::format("{} minutes", s / 60) : fmt::format("{} s", s); }

}  // namespace

Reports::Reports(std::unique_ptr<Store> store, const spatial::SnapshotHolder& holder, std::shared_ptr<Writer> writer,
                 ReportOptions opts)
    : store_(std::move(store)), holder_(holder), writer_(std::move(writer)), opts_(std::move(opts)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (opts_.ttl_s <= 0) throw InputError("report ttl: must be at least 1 second");
  randombytes_buf(key_.data(), key_.size());
  std::lock_guard lock(mutex_);
  refresh(0, now());
}

std::string Reports::client_key(std::string_view peer) const {
  std::string p(peer);
  if (p.size() > 1 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
  if (auto zone = p.find('%'); zone != std::string::npos) p.resize(zone);
  unsigned char a[16];
  std::string norm;
  if (inet_pton(AF_INET6, p.c_str(), a) == 1) {
    const bool mapped = std::all_of(a, a + 10, [](unsigned char b) { return b == 0; }) && a[10] == 0xFF && a[11] == 0xFF;
    norm = mapped ? "4:" + std::string(reinterpret_cast<char*>(a + 12), 4) : "6:" + std::string(reinterpret_cast<char*>(a), 8);
  } else if (inet_pton(AF_INET, p.c_str(), a) == 1) {
    norm = "4:" + std::string(reinterpret_cast<char*>(a), 4);
  } else {
    norm = "?:" + p;  // not over a socket (tests, the command line)
  }
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(norm.data()), norm.size(), key_.data(),
                     key_.size());
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

ReportView Reports::view() const { return {tallies_.load(std::memory_order_acquire), now(), opts_.ttl_s}; }

void Reports::refresh(ShelterId id, UnixTime now) {
  ReportQuery q{.state = ReportState::open, .since = now - opts_.ttl_s + 1, .limit = 0};
  if (id != 0) q.shelter = id;
  // shelter -> kind -> client -> newest time
  std::map<ShelterId, std::array<std::map<std::string, UnixTime>, kReportKinds>> newest;
  for (const auto& r : store_->reports(q)) {
    UnixTime& t = newest[r.shelter][static_cast<std::size_t>(r.kind)][r.client];
    t = std::max(t, r.time);
  }
  auto next = std::make_shared<TallyMap>();
  if (id != 0)
    if (auto current = tallies_.load(std::memory_order_acquire))
      for (const auto& [sid, tally] : *current) {
        if (sid == id) continue;
        const bool live = std::any_of(tally.times.begin(), tally.times.end(),
                                      [&](const auto& t) { return !t.empty() && t.back() >= q.since; });
        if (live) next->emplace(sid, tally);
      }
  for (const auto& [sid, kinds] : newest) {
    ShelterTally tally;
    for (std::size_t k = 0; k < kReportKinds; ++k) {
      for (const auto& [client, t] : kinds[k]) tally.times[k].push_back(t);
      std::sort(tally.times[k].begin(), tally.times[k].end());
    }
    (*next)[sid] = std::move(tally);
  }
  tallies_.store(std::move(next), std::memory_order_release);
}

void Reports::sweep(UnixTime now) {
  if (++since_sweep_ < 1024) return;
  since_sweep_ = 0;
  std::erase_if(clients_, [&](const auto& c) {
    const auto& s = c.second;
    const bool recent = !s.recent.empty() && s.recent.back() > now - opts_.client_window_s;
    const bool repeat = std::any_of(s.last.begin(), s.last.end(), [&](auto& l) { return l.second > now - opts_.repeat_s; });
    return !recent && !repeat;
  });
  std::erase_if(shelters_, [&](const auto& s) { return s.second.empty() || s.second.back() <= now - opts_.ttl_s; });
}

Response Reports::post(const Request& req, std::string_view id_text) {
  const auto id = parse_shelter_id(id_text);
  const auto snap = holder_.current();
  const Shelter* shelter = id && snap ? snap->by_id(*id) : nullptr;
  if (!shelter) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", id_text));
  const json body = parse_body(req, false);
  only_fields(body, {"kind", "note"}, "kind, note");
  auto k = body.find("kind");
  const auto kind = k != body.end() && k->is_string() ? parse_report_kind(k->get<std::string>()) : std::nullopt;
  if (!kind) throw ApiError(ErrorCode::invalid_field, "kind: required, one of locked, full, damaged, open", "kind");
  std::string note = check_note(body);
  const std::string client = client_key(req.peer);

  std::lock_guard lock(mutex_);
  const UnixTime t = now();
  // Limits, most specific first so the message says what to do. A client
  // gets limiter state only once a report of it is accepted.
  if (auto it = clients_.find(client); it != clients_.end()) {
    auto& c = it->second;
    std::erase_if(c.last, [&](auto& l) { return l.second <= t - opts_.repeat_s; });
    while (!c.recent.empty() && c.recent.front() <= t - opts_.client_window_s) c.recent.pop_front();
    for (const auto& [sid, at] : c.last)
      if (sid == shelter->id)
        return too_many(at + opts_.repeat_s - t,
                        fmt::format("shelter {} was reported from this connection less than {} ago; one report per "
                                    "shelter is counted",
                                    shelter->id, minutes(opts_.repeat_s)));
    if (c.recent.size() >= opts_.per_client)
      return too_many(c.recent.front() + opts_.client_window_s - t,
                      fmt::format("at most {} reports per {} from one connection", opts_.per_client,
                                  minutes(opts_.client_window_s)));
  }
  auto& s = shelters_[shelter->id];
  while (!s.empty() && s.front() <= t - opts_.ttl_s) s.pop_front();
  if (s.size() >= opts_.per_shelter)
    return too_many(s.front() + opts_.ttl_s - t,
                    fmt::format("shelter {} already has {} reports in the last {}; they are with its warden",
                                shelter->id, s.size(), minutes(opts_.ttl_s)));

  Report r{.shelter = shelter->id, .kind = *kind, .note = std::move(note), .time = t, .client = client};
  try {
    r.id = store_->add_report(r);
  } catch (const NotFound&) {  // retired since the snapshot was published
    throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", id_text));
  }
  auto& c = clients_[client];
  c.recent.push_back(t);
  c.last.emplace_back(shelter->id, t);
  s.push_back(t);
  sweep(t);
  refresh(shelter->id, t);
  const ReportView v = view();
  return json_answer({{"report", {{"id", r.id}, {"kind", to_string(r.kind)}, {"time", format_time(r.time)}}},
                      {"summary", summary_json(v.summary(shelter->id, shelter->status_time), v.now)}},
                     202);
}

Response Reports::summary(std::string_view id_text) const {
  const auto id = parse_shelter_id(id_text);
  const auto snap = holder_.current();
  const Shelter* shelter = id && snap ? snap->by_id(*id) : nullptr;
  if (!shelter) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", id_text));
  const ReportView v = view();
  Response r = json_answer({{"shelter", shelter->id},
                            {"summary", summary_json(v.summary(shelter->id, shelter->status_time), v.now)},
                            {"ttl_s", opts_.ttl_s}});
  r.set_header("Cache-Control", "no-cache");
  return r;
}

Response Reports::queue(const Request& req, const QueryParams& query) {
  if (!writer_) throw ApiError(ErrorCode::not_found, "the report queue is not enabled on this server");
  const User user = writer_->authenticate(req);
  ReportQuery q{.state = ReportState::open, .limit = kQueueBatch};
  std::size_t limit = 100;
  std::map<std::string, bool> seen;
  for (const auto& [name, value] : query) {
    if (name != "state" && name != "shelter" && name != "limit")
      throw ApiError(ErrorCode::unknown_parameter, fmt::format("{}: unknown; expected state, shelter, limit", name), name);
    if (seen[name]) throw ApiError(ErrorCode::invalid_parameter, fmt::format("{}: given twice", name), name);
    seen[name] = true;
    if (name == "state") {
      q.state = parse_report_state(value);
      if (!q.state)
        throw ApiError(ErrorCode::invalid_parameter,
                       fmt::format("state: one of open, confirmed, dismissed, got '{}'", value), name);
    }
    if (name == "shelter") q.shelter = int_param(name, value, 1, INT64_MAX);
    if (name == "limit") limit = static_cast<std::size_t>(int_param(name, value, 1, 1000));
  }
  std::lock_guard lock(mutex_);
  // The shelters the caller answers for, and their names, looked up once each.
  std::map<ShelterId, std::optional<std::string>> scope;
  auto name_if_allowed = [&](ShelterId id) -> const std::optional<std::string>& {
    auto [it, fresh] = scope.try_emplace(id);
    if (fresh)
      if (auto s = store_->get(id); s && may_set_status(user, *s)) it->second = s->name;
    return it->second;
  };
  if (q.shelter) {
    if (!store_->get(*q.shelter)) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", *q.shelter));
    if (!name_if_allowed(*q.shelter))
      throw ApiError(ErrorCode::forbidden,
                     fmt::format("{} may not read the reports on shelter {} (not its warden or an editor of its region)",
                                 user.name, *q.shelter));
  }
  const UnixTime t = now();
  json out = json::array();
  for (;;) {
    auto batch = store_->reports(q);
    for (const auto& r : batch) {
      q.before_id = r.id;
      if (const auto& name = name_if_allowed(r.shelter)) out.push_back(report_json(r, *name, t));
      if (out.size() == limit) break;
    }
    if (batch.size() < q.limit || out.size() == limit) break;
  }
  return json_answer({{"reports", std::move(out)}});
}

Response Reports::confirm(const Request& req, std::string_view id) { return settle(req, id, ReportState::confirmed); }
Response Reports::dismiss(const Request& req, std::string_view id) { return settle(req, id, ReportState::dismissed); }

Response Reports::settle(const Request& req, std::string_view id_text, ReportState state) {
  if (!writer_) throw ApiError(ErrorCode::not_found, "the report queue is not enabled on this server");
  const User user = writer_->authenticate(req);
  const json body = parse_body(req, true);
  only_fields(body, {"reason"}, "reason");
  const std::string reason = optional_reason(body);
  std::int64_t id = 0;
  if (std::from_chars(id_text.data(), id_text.data() + id_text.size(), id).ptr != id_text.data() + id_text.size() ||
      id <= 0)
    throw ApiError(ErrorCode::not_found, fmt::format("no report with id '{}'", id_text));

  std::lock_guard lock(mutex_);
  auto report = store_->report(id);
  if (!report) throw ApiError(ErrorCode::not_found, fmt::format("no report with id '{}'", id));
  auto shelter = store_->get(report->shelter);
  if (!shelter || !may_set_status(user, *shelter))  // before anything changes
    throw ApiError(ErrorCode::forbidden, fmt::format("{} may not handle reports on shelter {} (not its warden or an "
                                                     "editor of its region)",
                                                     user.name, report->shelter));
  if (report->state != ReportState::open)
    throw ApiError(ErrorCode::conflict, fmt::format("report #{} is already {} by {}", id, to_string(report->state),
                                                    report->handled_by));
  json out;
  if (state == ReportState::confirmed) {
    std::string why = fmt::format("crowd report #{} confirmed", id);
    if (!reason.empty()) why += ": " + reason;
    const Shelter stored = writer_->set_status(user, shelter->id, status_for(report->kind), why);
    out["shelter"] = {{"id", stored.id}, {"status", to_string(stored.status)}, {"version", stored.version}};
  }
  const UnixTime t = now();
  try {
    store_->settle_reports(id, state, user.name, t, reason, state == ReportState::confirmed);
  } catch (const Conflict& e) {  // settled by someone else in the meantime
    throw ApiError(ErrorCode::conflict, e.what());
  }
  refresh(report->shelter, t);
  // The report as stored now, with its similar count: the newest of its shelter up to its id.
  auto after = store_->reports({.shelter = report->shelter, .before_id = id + 1, .limit = 1});
  out["report"] = report_json(after.at(0), shelter->name, t);
  return json_answer(out);
}

}  // namespace rifugio::api
