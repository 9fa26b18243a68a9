// CLI11 checks of option values shared by the subcommands, each with a short
// message naming the value and what it must be.
#pragma once

#include <CLI/CLI.hpp>

namespace flowspike::cli {

// An option in seconds: "--idle-timeout: 'abc' is not a number of seconds > 0"
// (CLI11's own PositiveNumber prints a 300-digit range).
CLI::Validator seconds_check(bool zero_allowed);

// A seed (uint64): "--seed: '-1' is not a whole number from 0 to 2^64-1"
// (CLI11 would wrap -1 around to 18446744073709551615).
CLI::Validator seed_check();

}  // namespace flowspike::cli
