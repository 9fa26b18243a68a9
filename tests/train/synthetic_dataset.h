// A small in-memory dataset whose classes differ only in when packets arrive:
// "early" (first third of the window), "late" (last third) and "periodic"
// (every few bins throughout). Sizes are random and alike in every class, so
// the network has to use time. One flow per window; deterministic for a seed.
#pragma once

#include <map>
#include <random>
#include <string>
#include <utility>

#include "flowspike/dataset/dataset.h"
#include "flowspike/features/preset.h"

namespace flowspike::train::testing {

inline dataset::Dataset timing_dataset(size_t windows_per_class, uint64_t seed, uint32_t time_bins = 30,
                                       uint32_t bins_per_direction = 6) {
  dataset::Dataset d;
  d.preset = features::Preset::paper();
  d.preset.name = "test";
  d.preset.picture.time_bins = time_bins;
  d.preset.picture.size_edges = features::SizeBinEdges::uniform(bins_per_direction, 250.0);
  d.classes = {"early", "late", "periodic"};
  d.capture_paths = {"synthetic.pcap"};
  const uint32_t sizes = 2 * bins_per_direction;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> size(0, sizes - 1), third(0, time_bins / 3 - 1), phase(0, 3);
  d.offset.push_back(0);
  for (size_t i = 0; i < windows_per_class * d.classes.size(); ++i) {
    const auto label = static_cast<int32_t>(i % d.classes.size());
    std::map<std::pair<uint16_t, uint16_t>, float> cells;
    const uint32_t start = phase(rng);
    for (int p = 0; p < 14; ++p) {
      uint32_t t = 0;
      if (label == 0) t = third(rng);
      if (label == 1) t = time_bins - 1 - third(rng);
      if (label == 2) t = std::min(time_bins - 1, start + 4 * static_cast<uint32_t>(p % (time_bins / 4)));
      cells[{static_cast<uint16_t>(t), static_cast<uint16_t>(size(rng))}] += 1.0f;
    }
    for (const auto& [key, count] : cells) {
      d.time_bin.push_back(key.first);
      d.size_bin.push_back(key.second);
      d.count.push_back(count);
    }
    d.label.push_back(label);
    d.flow.push_back(static_cast<int64_t>(i));
    d.start_s.push_back(1.0e9 + static_cast<double>(i));
    d.offset.push_back(static_cast<int64_t>(d.count.size()));
    d.flow_capture.push_back(0);
    d.flow_proto.push_back(6);
    d.flow_src.push_back("10.0.0.1");
    d.flow_dst.push_back("10.0.0.2");
    d.flow_sport.push_back(static_cast<uint16_t>(1024 + i));
    d.flow_dport.push_back(443);
    d.flow_packets.push_back(14);
  }
  d.validate("synthetic dataset");
  return d;
}

}  // namespace flowspike::train::testing
