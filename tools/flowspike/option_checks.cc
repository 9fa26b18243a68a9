#include "option_checks.h"

#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace flowspike::cli {

CLI::Validator seconds_check(bool zero_allowed) {
  const char* what = zero_allowed ? "a number of seconds >= 0" : "a number of seconds > 0";
  return CLI::Validator(
      [zero_allowed, what](std::string& text) {
        double v = 0;
        // The conversion CLI11 applies after the check, so both accept the same text.
        bool ok = CLI::detail::lexical_cast(text, v) && std::isfinite(v) && (zero_allowed ? v >= 0 : v > 0);
        return ok ? std::string() : fmt::format("'{}' is not {}", text, what);
      },
      zero_allowed ? "SECONDS>=0" : "SECONDS>0");
}

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) {
        uint64_t v = 0;
        const bool ok = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
                        CLI::detail::lexical_cast(text, v);
        return ok ? std::string() : fmt::format("'{}' is not a whole number from 0 to 2^64-1", text);
      },
      "SEED");
}

}  // namespace flowspike::cli
