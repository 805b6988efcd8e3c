#include "api/http.hpp"

#include <algorithm>
#include <cctype>

#include "api/error.hpp"

namespace rifugio::api {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20) || x == y;
         });
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string_view> find_header(const Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Response::set_header(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& f) { return iequals(f.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ',' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string format_query(const QueryParams& q) {
  std::string out;
  for (const auto& [k, v] : q) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(k);
    out.push_back('=');
    out += percent_encode(v);
  }
  return out;
}

Target parse_target(std::string_view target) {
  // absolute-form (RFC 9112 3.2.2): servers must accept it; the authority is ignored.
  for (std::string_view scheme : {"http://", "https://"})
    if (target.starts_with(scheme)) {
      auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  if (target.empty() || target.front() != '/')
    throw ApiError(ErrorCode::bad_request, "the request target must start with '/'");
  Target t;
  auto qpos = target.find('?');
  std::string_view raw_path = target.substr(0, qpos);
  std::string_view raw_query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);
  if (auto hash = raw_query.find('#'); hash != std::string_view::npos) raw_query = raw_query.substr(0, hash);
  auto path = percent_decode(raw_path, false);
  if (!path) throw ApiError(ErrorCode::bad_request, "malformed percent-encoding in the path");
  t.path = std::move(*path);
  while (!raw_query.empty()) {
    auto amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value)
      throw ApiError(ErrorCode::bad_request,
                     "malformed percent-encoding in query parameter '" + std::string(pair.substr(0, eq)) + "'");
    t.query.emplace_back(std::move(*name), std::move(*value));
  }
  return t;
}

}  // namespace rifugio::api
