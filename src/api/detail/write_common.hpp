#pragma once
// Pieces shared by the write API's sources (write*.cpp, auth.cpp, reports.cpp).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/http.hpp"
#include "storage/store.hpp"

namespace rifugio::api::detail {

/// A JSON answer that no cache keeps.
Response json_answer(const nlohmann::json& j, int status = 200);

/// The body as a JSON object; 400 invalid_body otherwise. With `empty_ok`, an
/// empty (or blank) body is {}.
nlohmann::json parse_body(const Request& req, bool empty_ok = false);

/// body["reason"]: a non-empty string of at most 1000 bytes; 422 naming it otherwise.
std::string require_reason(const nlohmann::json& body);

/// body["reason"] when given: a string of at most 1000 bytes ("" when absent
/// or null); 422 naming it otherwise.
std::string optional_reason(const nlohmann::json& body);

/// A required string field of at most `max` bytes; 422 naming it otherwise.
std::string require_string(const nlohmann::json& body, const std::string& field, std::size_t max);

/// What a user may touch, for messages: "admin", "editor for NO/Oslo", ...
std::string scope(const User& u);

/// The account as GET /v1/session shows it (never a secret).
nlohmann::json user_json(const User& u);

/// "\"<version>\"".
std::string etag(const Shelter& s);
/// A shelter id from a path segment; 404 otherwise.
ShelterId shelter_id(std::string_view segment);
/// The stored shelter; 404 when there is none.
Shelter load(Store& store, ShelterId id);
/// The version an If-Match header asks for (the current one when absent or
/// "*"); 400 when malformed, 412 when stale.
std::int64_t if_match(const Request& req, const Shelter& current);
/// A JSON field value in set_field's text form; 422 naming the field otherwise.
std::string field_text(const std::string& field, const nlohmann::json& v);
/// set_field with its InputError turned into a 422 naming the field.
void set(Shelter& s, const std::string& field, const std::string& text);
/// A whole-number query parameter in [lo, hi]; 400 naming it otherwise.
std::int64_t int_param(const std::string& name, const std::string& v, std::int64_t lo, std::int64_t hi);

}  // namespace rifugio::api::detail
