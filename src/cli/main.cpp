// rifugio: the command-line entry point. Parses options, dispatches to a
// command, and maps every error to an exit code in one place:
// 0 ok, 1 bad input (or cannot serve), 2 usage, 3 not found, 4 store failure,
// 5 conflict, 70 internal error (a bug).

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) try {
  const auto options = rifugio::cli::parse_options(argc, argv);
  return rifugio::cli::run(options);
} catch (const rifugio::cli::HelpRequested& h) {
  std::cout << h.text;
  return 0;
} catch (const rifugio::cli::UsageError& e) {
  fmt::print(stderr, "rifugio: {}\nRun 'rifugio --help' for usage.\n", e.what());
  return 2;
} catch (const rifugio::NotFound& e) {
  fmt::print(stderr, "rifugio: not found: {}\n", e.what());
  return 3;
} catch (const rifugio::StoreError& e) {
  fmt::print(stderr, "rifugio: store error: {}\n", e.what());
  return 4;
} catch (const rifugio::Conflict& e) {
  fmt::print(stderr, "rifugio: conflict: {}\n", e.what());
  return 5;
} catch (const rifugio::InputError& e) {
  fmt::print(stderr, "rifugio: {}\n", e.what());
  return 1;
} catch (const rifugio::Error& e) {  // e.g. the port is in use
  fmt::print(stderr, "rifugio: {}\n", e.what());
  return 1;
} catch (const std::exception& e) {
  fmt::print(stderr, "rifugio: internal error: {}\n", e.what());
  return 70;
}
