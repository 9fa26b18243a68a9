// Builds small in-memory datasets with known structure for the dataset tests:
// `captures` capture files, each labelled capture % classes, each with
// `flows_per_capture` flows of `windows_per_flow` windows, every picture a few
// random sorted cells.
#pragma once

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "flowspike/dataset/dataset.h"

namespace flowspike::dataset::testing {

inline Dataset make_dataset(int captures, int flows_per_capture, int windows_per_flow, int classes,
                            uint32_t seed = 1) {
  Dataset d;
  d.preset = features::Preset::paper();
  for (int c = 0; c < classes; ++c) d.classes.push_back("class-" + std::to_string(c));
  std::mt19937 rng(seed);
  d.offset.push_back(0);
  for (int cap = 0; cap < captures; ++cap) {
    d.capture_paths.push_back("captures/file" + std::to_string(cap) + ".pcap");
    for (int f = 0; f < flows_per_capture; ++f) {
      auto row = static_cast<int64_t>(d.flow_capture.size());
      d.flow_capture.push_back(cap);
      d.flow_proto.push_back(f % 2 ? 17 : 6);
      d.flow_src.push_back("10.0." + std::to_string(cap) + "." + std::to_string(f % 250));
      d.flow_dst.push_back("2001:db8::" + std::to_string(f + 1));
      d.flow_sport.push_back(static_cast<uint16_t>(40000 + f));
      d.flow_dport.push_back(443);
      d.flow_packets.push_back(100 + f);
      for (int w = 0; w < windows_per_flow; ++w) {
        d.label.push_back(cap % classes);
        d.flow.push_back(row);
        d.start_s.push_back(1.5e9 + cap * 1000.0 + f * 10.0 + w * 15.0);
        std::set<std::pair<uint16_t, uint16_t>> cells;
        int n = static_cast<int>(rng() % 20);
        while (static_cast<int>(cells.size()) < n)
          cells.insert({static_cast<uint16_t>(rng() % 300), static_cast<uint16_t>(rng() % 300)});
        for (auto [t, s] : cells) {
          d.time_bin.push_back(t);
          d.size_bin.push_back(s);
          d.count.push_back(static_cast<float>(1 + rng() % 5));
        }
        d.offset.push_back(static_cast<int64_t>(d.count.size()));
      }
    }
  }
  return d;
}

}  // namespace flowspike::dataset::testing
