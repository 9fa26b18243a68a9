#include "flowspike/snn/options.h"

#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::snn {

void validate_options(const SnnOptions& o, const std::string& what) {
  auto fail = [&](const std::string& problem) { throw Error(fmt::format("{}: {}", what, problem)); };
  constexpr uint32_t kMaxBins = 65536;  // cells store bins as uint16
  if (o.inputs == 0 || o.inputs > kMaxBins) fail(fmt::format("inputs must be 1..{}, got {}", kMaxBins, o.inputs));
  if (o.time_bins == 0 || o.time_bins > kMaxBins)
    fail(fmt::format("time bins must be 1..{}, got {}", kMaxBins, o.time_bins));
  if (o.hidden == 0) fail("hidden size must be at least 1");
  if (o.classes < 2) fail(fmt::format("a classifier needs at least 2 classes, got {}", o.classes));
  if (!std::isfinite(o.surrogate_sigma) || o.surrogate_sigma <= 0)
    fail(fmt::format("surrogate sigma must be > 0, got {}", o.surrogate_sigma));
  if (!std::isfinite(o.spike_reg) || o.spike_reg < 0)
    fail(fmt::format("spike regularisation must be >= 0, got {}", o.spike_reg));
  if (!std::isfinite(o.init_weight_scale) || o.init_weight_scale < 0)
    fail(fmt::format("initial weight scale must be >= 0, got {}", o.init_weight_scale));
  if (!std::isfinite(o.init_beta) || o.init_beta < 0 || o.init_beta > 1)
    fail(fmt::format("initial beta must be in [0, 1], got {}", o.init_beta));
  if (!std::isfinite(o.init_threshold) || o.init_threshold < 0)
    fail(fmt::format("initial threshold must be >= 0, got {}", o.init_threshold));
}

}  // namespace flowspike::snn
