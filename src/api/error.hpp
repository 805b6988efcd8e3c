#pragma once
// The one table mapping each API error code to its HTTP status and title.
// Every error answer is application/problem+json (RFC 9457):
//   {"type":"urn:rifugio:problem:invalid_parameter","title":"Invalid parameter",
//    "status":400,"detail":"lat must be between -90 and 90, got 91","parameter":"lat",
//    "code":"invalid_parameter"}
// docs/http.md lists the same table; a test checks that they agree.

#include <span>
#include <string>
#include <string_view>

#include "api/http.hpp"
#include "core/error.hpp"

namespace rifugio::api {

enum class ErrorCode {
  bad_request,         ///< malformed HTTP or request target
  missing_parameter,   ///< a required query parameter is absent
  invalid_parameter,   ///< a query parameter has a bad value or is repeated
  unknown_parameter,   ///< a query parameter the endpoint does not know
  invalid_body,        ///< a write's body is not a JSON object
  unauthorized,        ///< no, a wrong, an expired or a revoked API token
  forbidden,           ///< the token's user may not do this (role or region)
  not_found,           ///< no such route, shelter or file
  method_not_allowed,  ///< the route exists but not for this method
  request_timeout,     ///< the headers or body did not arrive in time
  precondition_failed, ///< If-Match names an older version (someone changed it first)
  conflict,            ///< the change collides with stored data (a key another shelter has)
  too_many_requests,   ///< a rate limit (crowd reports, sign-in attempts); Retry-After says when
  body_too_large,      ///< request body over the limit (1 MiB by default)
  uri_too_long,        ///< request target over the limit (8 KiB by default)
  headers_too_large,   ///< header fields over the limit (16 KiB by default)
  invalid_field,       ///< a body field is missing, unknown or has a bad value (named in "field")
  internal_error,      ///< a bug: logged, never the client's fault
  not_ready,           ///< no snapshot loaded yet
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;   ///< snake_case, the "code" member and the type URN suffix
  int status;              ///< HTTP status
  std::string_view title;  ///< short, the same for every occurrence
};

/// Every code, in enum order.
std::span<const ErrorInfo> error_table();
const ErrorInfo& error_info(ErrorCode code);

/// An error answered as problem+json. detail says what was wrong and, for
/// parameters, names the parameter (also kept in parameter(); for
/// invalid_field it is the body field, answered as "field").
class ApiError : public Error {
 public:
  ApiError(ErrorCode code, const std::string& detail, std::string parameter = {})
      : Error(detail), code_(code), parameter_(std::move(parameter)) {}
  ErrorCode code() const { return code_; }
  const std::string& parameter() const { return parameter_; }

 private:
  ErrorCode code_;
  std::string parameter_;
};

/// The problem+json response for an error (status from the table); 401
/// answers carry WWW-Authenticate: Bearer.
Response problem_response(ErrorCode code, std::string_view detail, std::string_view parameter = {});
inline Response problem_response(const ApiError& e) { return problem_response(e.code(), e.what(), e.parameter()); }

}  // namespace rifugio::api
