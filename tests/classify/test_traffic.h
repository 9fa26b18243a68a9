// A hand-set model and a generated capture whose classification is known in
// advance, for the classify and CLI tests.
//
// The model's preset is `paper` with 30 time bins of 2 s and 4 size bins:
// forward < 200 B, forward >= 200 B, backward < 200 B, backward >= 200 B.
// Four hidden neurons with W1 = W2 = identity, leaks 0, thresholds b1 = 0.5,
// b2 = 0: hidden neuron j spikes in every time bin where size bin j has a
// packet, and the logit of class k is the share of time bins in which size
// bin k is busy (eval's tiny model). So a window is classified as its
// busiest size bin (the lowest on ties): 0 Chat-NonVPN, 1 Chat-VPN,
// 2 VoIP-NonVPN, 3 VoIP-VPN.
#pragma once

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

#include "eval/tiny_model.h"
#include "flowspike/dataset/labels.h"
#include "flowspike/model/model.h"
#include "support/pcap_writer.h"

namespace flowspike::classify::testing {

inline features::Preset test_preset() {
  features::Preset p = features::Preset::paper();
  p.name = "test";
  p.picture.time_bins = 30;
  p.picture.size_edges = features::SizeBinEdges({0, 200, 2000, 2200, 4000}, 2);
  return p;
}

// The classes of eval's tiny model, in its order.
inline const std::vector<std::string>& test_classes() { return eval::testing::tiny_classes(); }

// eval's hand-set tiny model on the pictures of test_preset().
inline model::Model test_model() {
  model::Model m = eval::testing::tiny_model();
  m.preset = test_preset();
  m.snn.time_bins = test_preset().picture.time_bins;
  m.training.seed = 1;
  return m;
}

// A network of the paper's shape (hidden layer `hidden` wide) with seeded
// random weights and the 14 ISCX classes, for real captures: the point is the
// pipeline, not the accuracy.
inline model::Model random_paper_model(uint32_t hidden, uint64_t seed) {
  model::Model m;
  m.preset = features::Preset::paper();
  m.classes = dataset::iscx_classes();
  m.snn.hidden = hidden;
  std::mt19937_64 rng(seed);
  m.params = snn::SnnParams::initial(m.snn, rng);
  return m;
}

// One flow of the test capture and what the classifier must say about it.
struct TestFlow {
  uint16_t sport;
  uint8_t proto;
  std::string expected_class;   // majority class, or "unknown"
  int expected_windows;         // kept windows
  std::string expected_reason;  // reason code for unknown flows
};

// The flows of write_test_capture, in order of their first packet.
inline std::vector<TestFlow> test_flows() {
  return {
      {1001, 6, "Chat-NonVPN", 3, ""},     // A: small forward packets every second for 100 s
      {1002, 17, "VoIP-VPN", 2, ""},      // B: large backward packets twice a second for 80 s
      {1003, 6, "unknown", 0, "short_flow"},   // C: 10 s
      {1004, 6, "unknown", 0, "few_packets"},  // D: 100 s, 5 forward packets
      {1005, 17, "unknown", 0, "short_span"},  // E: 50 s, backward packets only in its first 20 s
      {1006, 6, "Chat-NonVPN", 3, ""},     // F: windows 0, 1 Chat-NonVPN, window 2 VoIP-VPN
  };
}

// The window predictions of flow F, in window order.
inline std::vector<std::string> flow_f_window_classes() { return {"Chat-NonVPN", "Chat-NonVPN", "VoIP-VPN"}; }

inline constexpr int64_t kTestStartNs = 1'600'000'000'000'000'000;

// Writes the capture of test_flows() (Ethernet, IPv4, ACK-only TCP so flows
// end with the capture). Returns the number of packets.
inline uint64_t write_test_capture(const std::string& path) {
  struct P {
    int64_t ts_ns;
    uint16_t sport;
    uint8_t proto;
    bool forward;
    uint32_t size;
  };
  std::vector<P> packets;
  auto add_series = [&](uint16_t sport, uint8_t proto, bool forward, uint32_t size, double from_s, double to_s,
                        double every_s) {
    for (double t = from_s; t <= to_s + 1e-9; t += every_s)
      packets.push_back({kTestStartNs + static_cast<int64_t>(t * 1e9), sport, proto, forward, size});
  };
  // Flows start 0.1 s apart so their order is fixed.
  add_series(1001, 6, true, 100, 0.0, 99.0, 1.0);      // A
  add_series(1001, 6, false, 1000, 0.5, 98.5, 4.0);
  add_series(1002, 17, true, 100, 0.1, 79.1, 5.0);     // B
  add_series(1002, 17, false, 1200, 0.35, 79.6, 0.5);
  add_series(1003, 6, true, 100, 0.2, 10.2, 1.0);      // C
  add_series(1003, 6, false, 100, 0.7, 9.7, 1.0);
  for (double t : {0.3, 20.3, 40.3, 60.3, 99.3})       // D
    packets.push_back({kTestStartNs + static_cast<int64_t>(t * 1e9), 1004, 6, true, 100});
  add_series(1004, 6, false, 100, 0.8, 99.8, 1.0);
  add_series(1005, 17, true, 100, 0.4, 50.4, 1.0);     // E
  add_series(1005, 17, false, 100, 0.9, 20.9, 1.0);
  add_series(1006, 6, true, 100, 0.5, 99.5, 3.0);      // F
  add_series(1006, 6, false, 100, 1.0, 99.0, 4.0);
  add_series(1006, 6, false, 1000, 40.25, 99.25, 1.0);
  std::stable_sort(packets.begin(), packets.end(), [](const P& a, const P& b) { return a.ts_ns < b.ts_ns; });

  flowspike::testing::PcapWriter w(path);
  const flowspike::testing::PcapWriter::Ipv4 client{10, 0, 0, 1}, server{10, 0, 0, 2};
  for (const P& p : packets) {
    if (p.forward) w.ipv4(p.ts_ns, client, server, p.sport, 443, p.proto, p.size);
    else w.ipv4(p.ts_ns, server, client, 443, p.sport, p.proto, p.size);
  }
  return w.packets();
}

}  // namespace flowspike::classify::testing
