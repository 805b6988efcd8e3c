#pragma once
// Plain HTTP values for the handler layer. No sockets here: one request can be
// answered from the command line or a unit test, and the Beast server
// (server.hpp) only converts to and from these.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rifugio::api {

/// Header fields in arrival order. Names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;
/// Decoded query parameters in order; a name may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// First value of a header field, compared case-insensitively; nullopt when absent.
std::optional<std::string_view> find_header(const Headers& h, std::string_view name);

/// One request as the handler sees it.
struct Request {
  std::string method = "GET";  ///< as sent: GET, HEAD, OPTIONS, ...
  std::string target;          ///< origin-form, e.g. "/v1/nearest?lat=59.9&lon=10.7"
  Headers headers;
  std::string body;
  /// The client's address as the transport saw it ("203.0.113.7", "::1"); ""
  /// for requests that did not come over a socket (command line, tests).
  std::string peer;

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

/// One response. The transport adds Content-Length, Date and Connection.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  /// Set on a GET /v1/events answer: the transport sends the head and body
  /// without a length, keeps the connection and streams every event of a
  /// revision after this one (see api/events.hpp). nullopt: a plain answer.
  std::optional<std::int64_t> event_stream;

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
  /// Replace every field of that name with one value.
  void set_header(std::string_view name, std::string value);
};

/// A request target split into its percent-decoded path and query.
struct Target {
  std::string path;
  QueryParams query;
};

/// Split and decode "/path?a=1&b=x%20y". '+' in the query means a space.
/// An absolute-form target ("http://host/path") is reduced to its path and query.
/// @throws ApiError (bad_request) on malformed percent-encoding or a target
///         that is not origin-form.
Target parse_target(std::string_view target);

/// Decode %XX escapes (and '+' as space when plus_is_space); nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// Encode a query value for a link (RFC 3986 unreserved characters stay).
std::string percent_encode(std::string_view s);

/// "a=1&b=x%20y" from parameters.
std::string format_query(const QueryParams& q);

}  // namespace rifugio::api
