// Synthetic two-way flows with regular packets, written as pcap files, for
// tests that need captures whose flows and windows are known exactly.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "support/pcap_writer.h"

namespace flowspike::testing {

constexpr int64_t kT0 = 1'500'000'000'000'000'000;  // 2017-07-14, ns

// A flow between a and b: a sends every gap_s from start_s, b answers gap_s / 2
// later (unless one_way), until start_s + duration_s.
struct FlowSpec {
  PcapWriter::Ipv4 a, b;
  uint16_t port_a, port_b;
  uint8_t proto;
  double start_s, duration_s, gap_s;
  bool one_way = false;
  uint32_t size_a = 100, size_b = 1400;
};

struct SpecPacket {
  int64_t ts_ns;
  const FlowSpec* flow;
  bool from_a;
};

inline std::vector<SpecPacket> packets_of(const std::vector<FlowSpec>& flows) {
  std::vector<SpecPacket> out;
  for (const FlowSpec& f : flows) {
    for (double t = 0; t < f.duration_s; t += f.gap_s) {
      out.push_back({kT0 + std::llround((f.start_s + t) * 1e9), &f, true});
      if (!f.one_way) out.push_back({kT0 + std::llround((f.start_s + t + f.gap_s / 2) * 1e9), &f, false});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const SpecPacket& x, const SpecPacket& y) { return x.ts_ns < y.ts_ns; });
  return out;
}

inline void write_pcap(const std::string& path, const std::vector<FlowSpec>& flows) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  PcapWriter w(path, 96);
  for (const SpecPacket& p : packets_of(flows)) {
    const FlowSpec& f = *p.flow;
    if (p.from_a)
      w.ipv4(p.ts_ns, f.a, f.b, f.port_a, f.port_b, f.proto, f.size_a);
    else
      w.ipv4(p.ts_ns, f.b, f.a, f.port_b, f.port_a, f.proto, f.size_b);
  }
}

// Two overlapping two-way TCP flows (the later one ends first), a short UDP
// flow and a one-way flow. With the paper preset a capture of these gives 13
// windows: 10 of the first flow and 3 of the second.
inline std::vector<FlowSpec> mixed_flows() {
  return {
      {{10, 0, 0, 1}, {10, 0, 0, 2}, 1000, 443, 6, 0.0, 200.0, 0.5},               // 10 windows
      {{10, 0, 0, 1}, {10, 0, 0, 3}, 1001, 443, 6, 20.0, 100.0, 0.25, false, 60, 1500},  // 3 windows
      {{10, 0, 0, 1}, {10, 0, 0, 4}, 5353, 53, 17, 5.0, 30.0, 0.5},                // too short for a window
      {{10, 0, 0, 5}, {10, 0, 0, 6}, 7, 7, 17, 0.0, 150.0, 0.5, true},             // one-way: windows rejected
  };
}

}  // namespace flowspike::testing
