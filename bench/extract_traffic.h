// Synthetic traffic for the extraction benchmarks: `concurrent` two-way TCP
// flows at any moment, each lasting 60-300 s at a few packets per second with
// a realistic mix of sizes, one after another until `duration_s`. The same
// traffic at a longer duration has the same number of live flows, so peak
// memory should not change with the length. Written as a headers-only pcap
// (snaplen 96) with the test suite's PcapWriter. Deterministic.
#pragma once

#include <cstdint>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "support/pcap_writer.h"

namespace flowspike::bench {

struct TrafficOptions {
  double duration_s = 1200;   // capture length
  int concurrent = 400;       // flows live at any time
  double packets_per_s = 5.0; // per flow, both directions together
  uint64_t seed = 1;
};

// Writes the capture; returns the number of packets.
inline uint64_t write_traffic(const std::string& path, const TrafficOptions& o) {
  testing::PcapWriter w(path, 96);
  std::mt19937_64 rng(o.seed);
  auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
  };
  struct Slot {
    double next_s;     // time of the slot's next packet
    double end_s;      // end of its current flow
    uint32_t flow;     // flow serial number: gives the ports and addresses
    int index;
  };
  auto later = [](const Slot& a, const Slot& b) { return a.next_s > b.next_s; };
  std::priority_queue<Slot, std::vector<Slot>, decltype(later)> slots(later);
  uint32_t serial = 0;
  for (int i = 0; i < o.concurrent; ++i) {
    double start = uniform(0, 60);
    slots.push({start, start + uniform(60, 300), serial++, i});
  }
  constexpr int64_t kT0 = 1'600'000'000'000'000'000;
  const double gap = 1.0 / o.packets_per_s;
  uint64_t packets = 0;
  while (!slots.empty()) {
    Slot s = slots.top();
    slots.pop();
    if (s.next_s >= o.duration_s) continue;
    if (s.next_s >= s.end_s) {  // the flow is over: the slot starts a new one after a short pause
      double start = s.next_s + uniform(0.5, 5);
      slots.push({start, start + uniform(60, 300), serial++, s.index});
      continue;
    }
    const testing::PcapWriter::Ipv4 client{10, static_cast<uint8_t>(s.index >> 8), static_cast<uint8_t>(s.index), 1};
    const testing::PcapWriter::Ipv4 server{192, 0, 2, static_cast<uint8_t>(s.flow % 200 + 1)};
    const auto port = static_cast<uint16_t>(1024 + s.flow % 60000);
    const int64_t ts = kT0 + static_cast<int64_t>(s.next_s * 1e9);
    // A third of the packets go client -> server (requests, ACKs), the rest back (data).
    if (rng() % 3 == 0) {
      w.ipv4(ts, client, server, port, 443, 6, rng() % 4 ? 52 : static_cast<uint32_t>(uniform(60, 700)));
    } else {
      uint32_t size = rng() % 5 ? 1500 : static_cast<uint32_t>(uniform(40, 1500));
      w.ipv4(ts, server, client, 443, port, 6, size);
    }
    ++packets;
    s.next_s += gap * uniform(0.2, 1.8);
    slots.push(s);
  }
  return packets;
}

}  // namespace flowspike::bench
