#pragma once
// The commands behind `rifugio <command>`; each returns the exit code.

#include "cli/options.hpp"

namespace rifugio::cli {

int run(const Options& options);

}  // namespace rifugio::cli
