#include "flowspike/common/error.h"

#include <cstdio>
#include <cstdlib>

namespace flowspike::detail {

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "flowspike: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace flowspike::detail
