#pragma once
// The error hierarchy. Each error says what went wrong and where; the CLI
// catches once at the process boundary and maps the type to an exit code.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rifugio {

/// Base of every error Rifugio throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input from a user or a file: exit code 1.
class InputError : public Error {
 public:
  using Error::Error;
};

/// A malformed file: names the file, the line or feature number (1-based, 0 = unknown)
/// and the field.
class ParseError : public InputError {
 public:
  ParseError(std::string file, std::int64_t line, std::string field, const std::string& what);
  const std::string& file() const { return file_; }
  std::int64_t line() const { return line_; }
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  std::int64_t line_;
  std::string field_;
};

/// A record or key that does not exist: exit code 3.
class NotFound : public Error {
 public:
  using Error::Error;
};

/// A concurrent change won: the caller's version is stale (HTTP 412).
class Conflict : public Error {
 public:
  using Error::Error;
};

/// The store failed (disk, schema, constraint): exit code 4. Data already
/// committed is untouched because every write runs in one transaction.
class StoreError : public Error {
 public:
  using Error::Error;
};

}  // namespace rifugio
