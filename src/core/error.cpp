#include "core/error.hpp"

#include <fmt/format.h>

namespace rifugio {

namespace {
std::string describe(const std::string& file, std::int64_t line, const std::string& field,
                     const std::string& what) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}", line);
  if (!field.empty()) where += fmt::format(" field '{}'", field);
  return fmt::format("{}: {}", where, what);
}
}  // namespace

ParseError::ParseError(std::string file, std::int64_t line, std::string field,
                       const std::string& what)
    : InputError(describe(file, line, field, what)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

}  // namespace rifugio
