#include "api/error.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace rifugio::api {

namespace {
constexpr std::array kTable{
    ErrorInfo{ErrorCode::bad_request, "bad_request", 400, "Malformed request"},
    ErrorInfo{ErrorCode::missing_parameter, "missing_parameter", 400, "Missing parameter"},
    ErrorInfo{ErrorCode::invalid_parameter, "invalid_parameter", 400, "Invalid parameter"},
    ErrorInfo{ErrorCode::unknown_parameter, "unknown_parameter", 400, "Unknown parameter"},
    ErrorInfo{ErrorCode::invalid_body, "invalid_body", 400, "Invalid request body"},
    ErrorInfo{ErrorCode::unauthorized, "unauthorized", 401, "Authentication required"},
    ErrorInfo{ErrorCode::forbidden, "forbidden", 403, "Forbidden"},
    ErrorInfo{ErrorCode::not_found, "not_found", 404, "Not found"},
    ErrorInfo{ErrorCode::method_not_allowed, "method_not_allowed", 405, "Method not allowed"},
    ErrorInfo{ErrorCode::request_timeout, "request_timeout", 408, "Request timeout"},
    ErrorInfo{ErrorCode::precondition_failed, "precondition_failed", 412, "Precondition failed"},
    ErrorInfo{ErrorCode::conflict, "conflict", 409, "Conflict"},
    ErrorInfo{ErrorCode::too_many_requests, "too_many_requests", 429, "Too many requests"},
    ErrorInfo{ErrorCode::body_too_large, "body_too_large", 413, "Content too large"},
    ErrorInfo{ErrorCode::uri_too_long, "uri_too_long", 414, "URI too long"},
    ErrorInfo{ErrorCode::headers_too_large, "headers_too_large", 431, "Request header fields too large"},
    ErrorInfo{ErrorCode::invalid_field, "invalid_field", 422, "Invalid field"},
    ErrorInfo{ErrorCode::internal_error, "internal_error", 500, "Internal server error"},
    ErrorInfo{ErrorCode::not_ready, "not_ready", 503, "No snapshot loaded yet"},
};
static_assert(kTable.size() == static_cast<std::size_t>(ErrorCode::not_ready) + 1);
}  // namespace

std::span<const ErrorInfo> error_table() { return kTable; }

const ErrorInfo& error_info(ErrorCode code) { return kTable[static_cast<std::size_t>(code)]; }

Response problem_response(ErrorCode code, std::string_view detail, std::string_view parameter) {
  const ErrorInfo& info = error_info(code);
  nlohmann::json j = {{"type", "urn:rifugio:problem:" + std::string(info.name)},
                      {"title", info.title},
                      {"status", info.status},
                      {"detail", detail},
                      {"code", info.name}};
  if (!parameter.empty()) j[code == ErrorCode::invalid_field ? "field" : "parameter"] = parameter;
  Response r;
  r.status = info.status;
  r.headers = {{"Content-Type", "application/problem+json"}, {"Cache-Control", "no-store"}};
  if (code == ErrorCode::unauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rifugio\"");
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace rifugio::api
