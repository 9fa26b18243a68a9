// Synthetic pictures shaped like real flows for the benchmarks: 0.3 %-3 % of
// the 300 x 300 cells non-zero (log-uniform per window), packets arriving in
// bursts of consecutive 200 ms bins with quiet gaps between, sizes drawn from a
// few favourite sizes per flow and direction (ACKs, MTU-sized data, protocol
// messages). Deterministic for a seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "flowspike/features/picture.h"

namespace flowspike::bench {

inline features::SparsePicture realistic_picture(std::mt19937_64& rng, uint32_t time_bins = 300,
                                                  uint32_t size_bins = 300) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double density = 0.003 * std::pow(10.0, u(rng));  // 0.3 % .. 3 %
  const auto target = static_cast<size_t>(density * time_bins * size_bins);
  // A flow's favourite sizes: 8..40 bins, skewed towards a few.
  const size_t favourites = 8 + static_cast<size_t>(u(rng) * 32);
  std::vector<uint16_t> sizes(favourites);
  for (auto& s : sizes) s = static_cast<uint16_t>(u(rng) * size_bins);
  // Cells per active bin grow with the density; bursts fill bins until the target is met.
  const size_t per_bin = std::clamp<size_t>(target / 60, 2, favourites);
  std::set<std::pair<uint16_t, uint16_t>> cells;
  size_t guard = 0;
  while (cells.size() < target && guard++ < 100000) {
    const auto start = static_cast<uint32_t>(u(rng) * time_bins);
    const auto length = 1 + static_cast<uint32_t>(u(rng) * u(rng) * 20);
    for (uint32_t t = start; t < std::min(time_bins, start + length) && cells.size() < target; ++t)
      for (size_t k = 0; k < per_bin; ++k) {
        const auto pick = static_cast<size_t>(std::pow(u(rng), 2.0) * favourites);  // skewed to the first sizes
        cells.insert({static_cast<uint16_t>(t), sizes[std::min(pick, favourites - 1)]});
      }
  }
  features::SparsePicture p;
  std::geometric_distribution<int> extra(0.5);
  for (const auto& [t, s] : cells) {
    p.time_bin.push_back(t);
    p.size_bin.push_back(s);
    p.count.push_back(static_cast<float>(1 + std::min(extra(rng), 20)));
  }
  return p;
}

inline std::vector<features::SparsePicture> realistic_pictures(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<features::SparsePicture> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(realistic_picture(rng));
  return out;
}

}  // namespace flowspike::bench
