// Errors. A user-caused problem (a bad file, a bad flag, a corrupt model) is a
// flowspike::Error whose message names the file and what is wrong; the CLI
// prints it and exits non-zero. A broken invariant is a bug: FLOWSPIKE_ASSERT
// aborts with the location and stays on in release builds.
#pragma once

#include <stdexcept>
#include <string>

namespace flowspike {

// A problem the user can fix. what() is a complete sentence for the terminal.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);
}  // namespace detail

}  // namespace flowspike

#define FLOWSPIKE_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::flowspike::detail::assertion_failed(#cond, __FILE__, __LINE__))
