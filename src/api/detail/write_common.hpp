#pragma once
// Pieces shared by the write API's sources (write.cpp, auth.cpp).

#include <nlohmann/json.hpp>
#include <string>

#include "api/http.hpp"
#include "storage/store.hpp"

namespace rifugio::api::detail {

/// A JSON answer that no cache keeps.
Response json_answer(const nlohmann::json& j, int status = 200);

/// The body as a JSON object; 400 invalid_body otherwise.
nlohmann::json parse_body(const Request& req);

/// body["reason"]: a non-empty string of at most 1000 bytes; 422 naming it otherwise.
std::string require_reason(const nlohmann::json& body);

/// A required string field of at most `max` bytes; 422 naming it otherwise.
std::string require_string(const nlohmann::json& body, const std::string& field, std::size_t max);

/// What a user may touch, for messages: "admin", "editor for NO/Oslo", ...
std::string scope(const User& u);

/// The account as GET /v1/session shows it (never a secret).
nlohmann::json user_json(const User& u);

}  // namespace rifugio::api::detail
