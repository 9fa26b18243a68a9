// The traffic models have the statistics docs/synthetic-traffic.md promises:
// packet sizes, rates, directions, tunnels, background, windows.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flowspike/common/error.h"
#include "flowspike/synth/capture_generator.h"
#include "flowspike/synth/corpus.h"

namespace flowspike::synth {
namespace {

constexpr int kCapturesPerClass = 3;

GeneratedCapture make(const std::string& cls, int index, double duration_s = 180) {
  const TrafficClass c = parse_traffic_class(cls);
  return generate_capture(c, capture_seed(7, c, index), CaptureOptions{duration_s, 0.15});
}

std::string param(const GeneratedCapture& c, const std::string& key) {
  for (const auto& [k, v] : c.params)
    if (k == key) return v;
  return "";
}

struct FlowStats {
  uint64_t packets[2] = {0, 0};
  uint64_t bytes[2] = {0, 0};
  std::vector<uint32_t> sizes[2];     // IP lengths
  std::vector<uint32_t> payloads[2];  // transport payloads of packets carrying data
  std::vector<int64_t> times[2];
  double duration_s() const {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (const auto& t : times)
      if (!t.empty()) lo = std::min(lo, t.front()), hi = std::max(hi, t.back());
    return static_cast<double>(hi - lo) / 1e9;
  }
};

std::vector<FlowStats> flow_stats(const Trace& t) {
  std::vector<FlowStats> s(t.flows.size());
  for (const SynthPacket& p : t.packets) {
    FlowStats& f = s[p.flow];
    const uint32_t len = ip_length(t.flows[p.flow], p);
    ++f.packets[p.dir];
    f.bytes[p.dir] += len;
    f.sizes[p.dir].push_back(len);
    if (p.payload > 0) f.payloads[p.dir].push_back(p.payload);
    f.times[p.dir].push_back(p.ts_ns);
  }
  return s;
}

// The busiest flow with one of the roles.
uint32_t busiest(const Trace& t, std::initializer_list<FlowRole> roles) {
  const auto s = flow_stats(t);
  uint32_t best = 0;
  uint64_t most = 0;
  for (uint32_t f = 0; f < t.flows.size(); ++f) {
    if (std::find(roles.begin(), roles.end(), t.flows[f].role) == roles.end()) continue;
    const uint64_t n = s[f].packets[0] + s[f].packets[1];
    if (n > most) most = n, best = f;
  }
  EXPECT_GT(most, 0u);
  return best;
}

double fraction(const std::vector<uint32_t>& v, uint32_t lo, uint32_t hi) {
  if (v.empty()) return 0;
  return static_cast<double>(std::count_if(v.begin(), v.end(), [&](uint32_t x) { return x >= lo && x <= hi; })) /
         static_cast<double>(v.size());
}

uint64_t total_packets(const std::vector<FlowStats>& s, uint32_t f) { return s[f].packets[0] + s[f].packets[1]; }

TEST(TrafficModels, EveryClassGivesSortedPacketsInsideTheCaptureAndWindows) {
  for (const TrafficClass& c : all_classes()) {
    const GeneratedCapture g = generate_capture(c, capture_seed(3, c, 0), CaptureOptions{240, 0.15});
    ASSERT_FALSE(g.trace.packets.empty()) << c.name();
    EXPECT_TRUE(std::is_sorted(g.trace.packets.begin(), g.trace.packets.end(),
                               [](const SynthPacket& a, const SynthPacket& b) { return a.ts_ns < b.ts_ns; }));
    EXPECT_GE(g.trace.packets.front().ts_ns, g.start_ns);
    EXPECT_LT(g.trace.packets.back().ts_ns, g.end_ns);
    EXPECT_NEAR(static_cast<double>(g.end_ns - g.start_ns) / 1e9, 240, 60.5) << c.name();
    uint32_t windows = 0;
    for (const FlowSummary& f : summarize_flows(g.trace)) windows += f.windows;
    // A flow of D seconds (here 180-300 s) gives about (D - 60) / 15 + 1
    // windows; chat loses those of its quiet minutes, browsing's connections
    // live as long as the user stays on a site (tested below).
    if (c.category != Category::browsing) {
      EXPECT_GE(windows, c.category == Category::chat ? 3u : 6u) << c.name();
    }
    for (const SynthPacket& p : g.trace.packets) ASSERT_LE(ip_length(g.trace.flows[p.flow], p), 1500u) << c.name();
  }
}

TEST(TrafficModels, VoipInTheClearIsSmallPacketsBothWaysAtAudioFrameRates) {
  for (int i = 0; i < kCapturesPerClass; ++i) {
    const GeneratedCapture g = make("VoIP-NonVPN", i);
    const uint32_t f = busiest(g.trace, {FlowRole::main});
    const FlowSpec& flow = g.trace.flows[f];
    EXPECT_EQ(flow.proto, capture::kProtoUdp);
    const auto s = flow_stats(g.trace);
    const double d = s[f].duration_s();
    EXPECT_GT(d, 100);
    for (int dir = 0; dir < 2; ++dir) {
      const double pps = static_cast<double>(s[f].packets[dir]) / d;
      EXPECT_GE(pps, 20) << "codec " << param(g, "codec") << " dtx " << param(g, "dtx");
      EXPECT_LE(pps, 55);
      // 60-240 bytes while talking; G.729 and G.711 comfort noise is smaller.
      EXPECT_GE(fraction(s[f].sizes[dir], 40, 240), 0.98) << "codec " << param(g, "codec");
      EXPECT_GE(fraction(s[f].sizes[dir], 60, 240), 0.8) << "codec " << param(g, "codec");
    }
    // The media flow is what the capture is about.
    EXPECT_GT(static_cast<double>(total_packets(s, f)) / static_cast<double>(g.trace.packets.size()), 0.9);
  }
}

TEST(TrafficModels, VpnCapturesAreOneDominantTunnelToTheServerPort) {
  for (const char* cls : {"VoIP-VPN", "Video-VPN", "FileTransfer-VPN", "Chat-VPN"}) {
    for (int i = 0; i < kCapturesPerClass; ++i) {
      const GeneratedCapture g = make(cls, i);
      const auto s = flow_stats(g.trace);
      const uint32_t f = busiest(g.trace, {FlowRole::tunnel});
      int tunnels = 0;
      for (const FlowSpec& flow : g.trace.flows) tunnels += flow.role == FlowRole::tunnel;
      EXPECT_EQ(tunnels, 1) << cls;
      EXPECT_EQ(std::to_string(g.trace.flows[f].server.port), param(g, "vpn_port")) << cls;
      const std::string kind = param(g, "vpn");
      EXPECT_EQ(g.trace.flows[f].proto, kind == "openvpn-tcp" ? capture::kProtoTcp : capture::kProtoUdp) << kind;
      EXPECT_GE(static_cast<double>(total_packets(s, f)) / static_cast<double>(g.trace.packets.size()), 0.9)
          << cls << " " << kind;
      // No application flow is visible outside the tunnel.
      for (uint32_t k = 0; k < g.trace.flows.size(); ++k)
        if (total_packets(s, k) > 0) {
          EXPECT_NE(g.trace.flows[k].role, FlowRole::main) << cls;
        }
    }
  }
}

TEST(TrafficModels, VpnTunnelAddsAFixedOverheadToVoipPackets) {
  // OpenVPN over UDP: 28 bytes of IPv4/UDP, 24 of OpenVPN; WireGuard 28 + 32 and padding.
  for (int i = 0; i < 6; ++i) {
    const GeneratedCapture g = make("VoIP-VPN", i);
    const uint32_t f = busiest(g.trace, {FlowRole::tunnel});
    const auto s = flow_stats(g.trace);
    const std::string kind = param(g, "vpn");
    const uint32_t lo = kind == "wireguard" ? 60 + 28 + 32 : 50 + 28 + 24 + (kind == "openvpn-tcp" ? 14 : 0);
    for (int dir = 0; dir < 2; ++dir) EXPECT_GE(fraction(s[f].sizes[dir], lo, 400), 0.9) << kind;
  }
}

TEST(TrafficModels, TorCapturesAreOneTlsConnectionWithSizesAtCellMultiples) {
  for (const char* cls : {"VoIP-Tor", "Chat-Tor", "Browsing-Tor", "Video-Tor", "FileTransfer-Tor"}) {
    for (int i = 0; i < kCapturesPerClass; ++i) {
      const GeneratedCapture g = make(cls, i);
      const auto s = flow_stats(g.trace);
      const uint32_t f = busiest(g.trace, {FlowRole::tunnel});
      const FlowSpec& flow = g.trace.flows[f];
      EXPECT_EQ(flow.proto, capture::kProtoTcp);
      EXPECT_EQ(std::to_string(flow.server.port), param(g, "tor_port"));
      // The guard connection is the busiest flow; sparse chat shares the
      // capture with the host's background traffic.
      for (uint32_t k = 0; k < g.trace.flows.size(); ++k) EXPECT_LE(total_packets(s, k), total_packets(s, f));
      const double share = std::string(cls) == "Chat-Tor" ? 0.5 : 0.75;
      EXPECT_GE(static_cast<double>(total_packets(s, f)) / static_cast<double>(g.trace.packets.size()), share) << cls;
      // A segment carries whole TLS records of 514-byte cells (+22 or 29 bytes
      // of TLS), or is a full MSS of a longer record stream.
      const uint32_t mss = std::min(flow.client_mss, flow.server_mss) - (flow.tcp_timestamps ? 12 : 0);
      uint64_t data = 0, clustered = 0;
      for (int dir = 0; dir < 2; ++dir)
        for (uint32_t p : s[f].payloads[dir]) {
          ++data;
          const bool cells = (p % 514 == 22 || p % 514 == 29) && p >= 514;
          clustered += cells || p == mss;
        }
      EXPECT_GE(static_cast<double>(clustered) / static_cast<double>(data), 0.75) << cls << " " << i;
      for (const FlowSpec& other : g.trace.flows) EXPECT_NE(other.role, FlowRole::main);
    }
  }
}

TEST(TrafficModels, VoipOverTorSendsOneCellPerAudioFrame) {
  const GeneratedCapture g = make("VoIP-Tor", 0);
  const uint32_t f = busiest(g.trace, {FlowRole::tunnel});
  const auto s = flow_stats(g.trace);
  for (int dir = 0; dir < 2; ++dir) {
    EXPECT_GE(fraction(s[f].payloads[dir], 514 + 22, 514 + 29), 0.9);
    EXPECT_GE(static_cast<double>(s[f].payloads[dir].size()) / s[f].duration_s(), 15);  // fewer with DTX
  }
}

TEST(TrafficModels, VideoIsNearMtuBurstsDownstreamWithSmallPacketsUp) {
  for (int i = 0; i < kCapturesPerClass; ++i) {
    const GeneratedCapture g = make("Video-NonVPN", i);
    const uint32_t f = busiest(g.trace, {FlowRole::main});
    const auto s = flow_stats(g.trace);
    EXPECT_GT(s[f].bytes[1], 8 * s[f].bytes[0]);
    EXPECT_GE(fraction(s[f].sizes[1], 1200, 1500), 0.8) << param(g, "transport");
    EXPECT_GE(fraction(s[f].sizes[0], 40, 200), 0.9);
    // On-off: segments arrive in bursts with idle gaps between them.
    int gaps = 0;
    const auto& t = s[f].times[1];
    for (size_t k = 1; k < t.size(); ++k) gaps += t[k] - t[k - 1] > 1'000'000'000;
    EXPECT_GE(gaps, 5) << "segment " << param(g, "segment_s") << " s";
  }
}

TEST(TrafficModels, FileTransferIsBulkOneWayWithAcksBack) {
  std::set<std::string> directions;
  for (int i = 0; i < 2 * kCapturesPerClass; ++i) {
    const GeneratedCapture g = make("FileTransfer-NonVPN", i);
    const uint32_t f = busiest(g.trace, {FlowRole::main});
    const auto s = flow_stats(g.trace);
    const int bulk = s[f].bytes[1] > s[f].bytes[0] ? 1 : 0;
    directions.insert(param(g, "direction"));
    EXPECT_EQ(bulk == 1, param(g, "direction") == "download");
    EXPECT_GT(s[f].bytes[bulk], 10 * s[f].bytes[1 - bulk]);
    EXPECT_GE(fraction(s[f].sizes[bulk], 1200, 1500), 0.85);
    EXPECT_GE(fraction(s[f].sizes[1 - bulk], 40, 200), 0.9);
    EXPECT_GT(s[f].duration_s(), 60);
  }
  EXPECT_EQ(directions.size(), 2u);  // uploads and downloads
}

TEST(TrafficModels, ChatIsSparseSmallMessagesWithKeepalives) {
  for (int i = 0; i < kCapturesPerClass; ++i) {
    const GeneratedCapture g = make("Chat-NonVPN", i);
    const uint32_t f = busiest(g.trace, {FlowRole::main});
    const auto s = flow_stats(g.trace);
    const double d = s[f].duration_s();
    EXPECT_GT(d, 120);
    for (int dir = 0; dir < 2; ++dir) {
      EXPECT_LE(static_cast<double>(s[f].packets[dir]) / d, 5);
      // Messages, receipts, typing notices: 50-1000 bytes of TLS payload,
      // one segment each; pictures and log-in data come in full segments.
      const FlowSpec& flow = g.trace.flows[f];
      const uint32_t mss = std::min(flow.client_mss, flow.server_mss) - (flow.tcp_timestamps ? 12 : 0);
      std::vector<uint32_t> small;
      for (uint32_t p : s[f].payloads[dir])
        if (p < mss) small.push_back(p);
      EXPECT_GE(static_cast<double>(small.size()) / d * 60, 3);  // per minute
      EXPECT_GE(fraction(small, 20, 1000), 0.8);
      std::sort(small.begin(), small.end());
      EXPECT_LE(small[small.size() / 2], 600u);
    }
    // Keepalives every 30-60 s: no silence on the connection longer than a minute.
    std::vector<int64_t> all = s[f].times[0];
    all.insert(all.end(), s[f].times[1].begin(), s[f].times[1].end());
    std::sort(all.begin(), all.end());
    int64_t longest = 0;
    for (size_t k = 1; k < all.size(); ++k) longest = std::max(longest, all[k] - all[k - 1]);
    EXPECT_LE(longest, 65'000'000'000);
  }
}

TEST(TrafficModels, BrowsingOpensManyConnectionsWithBurstyDownloads) {
  uint32_t windows = 0;
  for (int i = 0; i < kCapturesPerClass; ++i) {
    const GeneratedCapture g = make("Browsing-NonVPN", i);
    const auto s = flow_stats(g.trace);
    int web = 0;
    uint64_t up = 0, down = 0;
    for (uint32_t f = 0; f < g.trace.flows.size(); ++f) {
      const FlowSpec& flow = g.trace.flows[f];
      if (flow.role == FlowRole::background || total_packets(s, f) == 0) continue;
      ++web;
      EXPECT_EQ(flow.server.port, 443);
      up += s[f].bytes[0];
      down += s[f].bytes[1];
    }
    EXPECT_GE(web, 5);
    EXPECT_GT(down, 5 * up);
    for (const FlowSummary& f : summarize_flows(g.trace)) windows += f.windows;
  }
  EXPECT_GE(windows, 6u);
}

TEST(TrafficModels, EveryCaptureCarriesBackgroundTraffic) {
  for (const TrafficClass& c : all_classes()) {
    const GeneratedCapture g = generate_capture(c, capture_seed(11, c, 1), CaptureOptions{180, 0});
    const auto s = flow_stats(g.trace);
    std::set<std::string> kinds;
    for (uint32_t f = 0; f < g.trace.flows.size(); ++f)
      if (g.trace.flows[f].role == FlowRole::background && total_packets(s, f) > 0) kinds.insert(g.trace.flows[f].label);
    if (c.encryption == Encryption::vpn) continue;  // inside the tunnel (checked below)
    EXPECT_TRUE(kinds.count("dns")) << c.name();
    EXPECT_TRUE(kinds.count("tls-stray") || kinds.count("http-probe")) << c.name();
    // Background flows are short or sparse: they give no windows.
    for (const FlowSummary& f : summarize_flows(g.trace))
      if (g.trace.flows[f.flow].role == FlowRole::background) {
        EXPECT_EQ(f.windows, 0u) << g.trace.flows[f.flow].label;
      }
  }
}

TEST(TrafficModels, SameSeedSameTraceOtherSeedOtherTrace) {
  const TrafficClass c = parse_traffic_class("Browsing-Tor");
  const GeneratedCapture a = generate_capture(c, 99, CaptureOptions{120, 0.5});
  const GeneratedCapture b = generate_capture(c, 99, CaptureOptions{120, 0.5});
  const GeneratedCapture d = generate_capture(c, 100, CaptureOptions{120, 0.5});
  ASSERT_EQ(a.trace.packets.size(), b.trace.packets.size());
  for (size_t i = 0; i < a.trace.packets.size(); ++i) {
    ASSERT_EQ(a.trace.packets[i].ts_ns, b.trace.packets[i].ts_ns);
    ASSERT_EQ(a.trace.packets[i].payload, b.trace.packets[i].payload);
  }
  EXPECT_NE(a.trace.packets.size(), d.trace.packets.size());
}

TEST(TrafficModels, RejectsBadOptions) {
  const TrafficClass c = all_classes().front();
  EXPECT_THROW(generate_capture(c, 1, CaptureOptions{10, 0.1}), Error);
  EXPECT_THROW(generate_capture(c, 1, CaptureOptions{120, 1.5}), Error);
  EXPECT_THROW(parse_traffic_class("Browsing-VPN"), Error);
  EXPECT_EQ(parse_traffic_class("voip-tor").name(), "VoIP-Tor");
  EXPECT_EQ(parse_traffic_class("Chat-NonVPN").label(), 9);
}

}  // namespace
}  // namespace flowspike::synth
