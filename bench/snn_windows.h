// Synthetic pictures shaped like real flows for the benchmarks: 0.3 %-3 % of
// the 300 x 300 cells non-zero (log-uniform per window), packets arriving in
// bursts of consecutive 200 ms bins with quiet gaps between, sizes drawn from a
// few favourite sizes per flow (ACKs, MTU-sized data, protocol messages),
// skewed towards the first. With a class (>= 0) the favourite sizes come from
// a pool of that class, so a network can learn to tell classes apart.
// Deterministic for a seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "flowspike/features/picture.h"

namespace flowspike::bench {

inline features::SparsePicture realistic_picture(std::mt19937_64& rng, int label = -1, uint32_t time_bins = 300,
                                                  uint32_t size_bins = 300) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double density = 0.003 * std::pow(10.0, u(rng));  // 0.3 % .. 3 %
  const auto target = static_cast<size_t>(density * time_bins * size_bins);
  // Distinct favourite sizes, enough that the target fits in a third of their cells.
  const size_t favourites = std::max<size_t>(8 + static_cast<size_t>(u(rng) * 32), 3 * target / time_bins + 1);
  std::mt19937_64 pool_rng(label >= 0 ? 1000 + static_cast<uint64_t>(label) : rng());
  std::vector<uint16_t> pool(size_bins);
  for (uint32_t s = 0; s < size_bins; ++s) pool[s] = static_cast<uint16_t>(s);
  for (size_t i = 0; i < 64; ++i) std::swap(pool[i], pool[i + static_cast<size_t>(u(pool_rng) * (size_bins - i))]);
  for (size_t i = 64; i > 1; --i) std::swap(pool[i - 1], pool[static_cast<size_t>(u(rng) * static_cast<double>(i))]);
  const std::vector<uint16_t> sizes(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(favourites));
  const size_t per_bin = std::clamp<size_t>(target / 60, 2, favourites);

  // Bursts until `target` distinct cells; a cell drawn twice adds its counts.
  std::vector<std::tuple<uint16_t, uint16_t, float>> cells;
  std::geometric_distribution<int> extra(0.5);
  features::SparsePicture p;
  while (p.nnz() < target) {
    for (size_t burst = 0; burst < 8; ++burst) {
      const auto start = static_cast<uint32_t>(u(rng) * time_bins);
      const auto length = 1 + static_cast<uint32_t>(u(rng) * u(rng) * 20);
      for (uint32_t t = start; t < std::min(time_bins, start + length); ++t)
        for (size_t k = 0; k < per_bin; ++k) {
          const auto pick = std::min(favourites - 1, static_cast<size_t>(std::pow(u(rng), 2.0) * favourites));
          cells.emplace_back(static_cast<uint16_t>(t), sizes[pick], static_cast<float>(1 + std::min(extra(rng), 20)));
        }
    }
    std::sort(cells.begin(), cells.end());
    size_t out = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (out > 0 && std::get<0>(cells[out - 1]) == std::get<0>(cells[i]) &&
          std::get<1>(cells[out - 1]) == std::get<1>(cells[i])) {
        std::get<2>(cells[out - 1]) += std::get<2>(cells[i]);
      } else {
        cells[out++] = cells[i];
      }
    }
    cells.resize(std::min(out, target));
    p.time_bin.clear();
    p.size_bin.clear();
    p.count.clear();
    for (const auto& [t, s, c] : cells) {
      p.time_bin.push_back(t);
      p.size_bin.push_back(s);
      p.count.push_back(c);
    }
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
