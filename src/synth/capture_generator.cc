#include "flowspike/synth/capture_generator.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "app_stream.h"
#include "flowspike/common/error.h"
#include "session_builder.h"

namespace flowspike::synth {
namespace {

// Timestamps fall in spring 2016, the era of the ISCX captures, at a random hour.
constexpr int64_t kEpochStart = 1'456'790'400;  // 2016-03-01 00:00:00 UTC
constexpr double kSpanDays = 60;

AppSession run_model(Category category, Rng& rng, const SessionContext& ctx) {
  switch (category) {
    case Category::video: return video_session(rng, ctx);
    case Category::voip: return voip_session(rng, ctx);
    case Category::file_transfer: return file_transfer_session(rng, ctx);
    case Category::chat: return chat_session(rng, ctx);
    case Category::browsing: return browsing_session(rng, ctx);
  }
  return {};
}

}  // namespace

GeneratedCapture generate_capture(const TrafficClass& traffic_class, uint64_t seed, const CaptureOptions& options) {
  if (!(options.duration_s >= 30) || !std::isfinite(options.duration_s))
    throw Error(fmt::format("capture duration {} s is too short: windows need at least 30 s of traffic (60 s "
                            "for the paper preset)", options.duration_s));
  if (!(options.ipv6_fraction >= 0 && options.ipv6_fraction <= 1))
    throw Error(fmt::format("IPv6 fraction {} is not between 0 and 1", options.ipv6_fraction));

  SessionBuilder b(seed);
  Rng& rng = b.rng;
  b.host = Host::random(rng);
  const double duration_s = options.duration_s * rng.uniform(0.75, 1.25);
  b.start_ns = (kEpochStart + static_cast<int64_t>(rng.uniform(0, kSpanDays * 86400))) * kSec;
  b.start_ns += static_cast<int64_t>(rng.below(kSec));
  b.end_ns = b.start_ns + seconds(duration_s);
  const int version = rng.chance(options.ipv6_fraction) ? 6 : 4;

  // The access link: a home or campus connection.
  b.link.down_bps = rng.log_uniform(8e6, 100e6);
  b.link.up_bps = std::max(1e6, b.link.down_bps * rng.uniform(0.1, 0.5));
  b.link.host_delay_ns = static_cast<int64_t>(rng.uniform(30'000, 200'000));
  b.link.client_delack_ns = b.host.delayed_ack_ns;
  b.link.jitter_ns = rng.log_uniform(0.1e6, 3e6);
  const int64_t base_rtt = millis(std::clamp(rng.lognormal(40, 0.6), 4.0, 300.0));

  SessionContext ctx;
  ctx.start_ns = b.start_ns;
  ctx.end_ns = b.end_ns;
  ctx.encryption = traffic_class.encryption;
  ctx.rtt_ns = base_rtt;
  ctx.down_bps = b.link.down_bps;
  ctx.up_bps = b.link.up_bps;
  VpnPlan vpn;
  TorPlan tor;
  switch (traffic_class.encryption) {
    case Encryption::nonvpn: break;
    case Encryption::vpn:
      vpn = VpnPlan::random(rng);
      // Through the VPN server: the detour adds its round trip, its capacity caps throughput.
      ctx.rtt_ns = vpn.tunnel_rtt_ns + millis(std::clamp(rng.lognormal(25, 0.6), 2.0, 200.0));
      ctx.down_bps = std::min(ctx.down_bps, rng.log_uniform(5e6, 60e6));
      ctx.up_bps = std::min(ctx.up_bps, ctx.down_bps);
      ctx.start_ns += vpn.setup_ns();
      break;
    case Encryption::tor:
      tor = TorPlan::random(rng);
      ctx.rtt_ns = tor.circuit_rtt_ns;
      ctx.down_bps = std::min(ctx.down_bps, tor.circuit_bps);
      ctx.up_bps = std::min(ctx.up_bps, tor.circuit_bps);
      ctx.udp_allowed = false;
      ctx.start_ns += tor.setup_ns();
      break;
  }
  Rng app_rng = rng.fork(1);
  const AppSession app = run_model(traffic_class.category, app_rng, ctx);

  b.param("class", traffic_class.name());
  b.param("duration_s", fmt::format("{:.1f}", duration_s));
  b.param("ip_version", std::to_string(version));
  b.param("host_os", b.host.windows ? "windows" : "linux");
  b.param("access_down_mbps", fmt::format("{:.1f}", b.link.down_bps / 1e6));
  b.param("app_rtt_ms", fmt::format("{:.1f}", static_cast<double>(ctx.rtt_ns) / 1e6));
  for (const auto& [k, v] : app.params) b.param(k, v);
  switch (traffic_class.encryption) {
    case Encryption::nonvpn: carry_in_clear(b, app, version, traffic_class.category); break;
    case Encryption::vpn: carry_over_vpn(b, app, version, traffic_class.category, vpn); break;
    case Encryption::tor: carry_over_tor(b, app, version, tor); break;
  }

  b.trace.sort();
  const int64_t start = b.start_ns;
  const int64_t end = b.end_ns;
  std::erase_if(b.trace.packets, [&](const SynthPacket& p) { return p.ts_ns < start || p.ts_ns >= end; });

  GeneratedCapture out;
  out.traffic_class = traffic_class;
  out.seed = seed;
  out.trace = std::move(b.trace);
  out.host_mac = b.host.mac;
  out.gateway_mac = b.host.gateway_mac;
  out.start_ns = b.start_ns;
  out.end_ns = b.end_ns;
  out.params = std::move(b.params);
  return out;
}

void write_capture(const GeneratedCapture& capture, const std::string& path, const PcapOptions& options) {
  PcapWriter writer(path, options);
  const bool whole_frames = options.snaplen == 0 || options.snaplen >= 1518;
  FrameBuilder frames(capture.trace, capture.host_mac, capture.gateway_mac, whole_frames, derive_seed(capture.seed, 7));
  for (size_t i = 0; i < capture.trace.packets.size(); ++i) {
    const FrameBuilder::Frame f = frames.build(i, writer.snaplen());
    writer.write(capture.trace.packets[i].ts_ns, f.bytes, f.wire_len);
  }
  writer.close();
}

std::vector<FlowSummary> summarize_flows(const Trace& trace) {
  constexpr int64_t kIdle = 120 * kSec;
  constexpr int64_t kLength = 60 * kSec;
  constexpr int64_t kStep = 15 * kSec;
  constexpr int64_t kMinSpan = 40 * kSec;
  constexpr uint64_t kMinPackets = 10;
  std::vector<FlowSummary> out(trace.flows.size());
  std::vector<std::vector<std::pair<int64_t, uint8_t>>> times(trace.flows.size());
  for (size_t f = 0; f < out.size(); ++f) out[f].flow = static_cast<uint32_t>(f);
  for (const SynthPacket& p : trace.packets) {
    FlowSummary& s = out[p.flow];
    if (s.packets[0] + s.packets[1] == 0) s.first_ns = p.ts_ns;
    s.last_ns = p.ts_ns;
    ++s.packets[p.dir];
    s.bytes[p.dir] += ip_length(trace.flows[p.flow], p);
    times[p.flow].emplace_back(p.ts_ns, p.dir);
  }
  for (size_t f = 0; f < out.size(); ++f) {
    const auto& t = times[f];
    size_t piece = 0;
    while (piece < t.size()) {
      size_t piece_end = piece + 1;
      while (piece_end < t.size() && t[piece_end].first - t[piece_end - 1].first <= kIdle) ++piece_end;
      const int64_t first = t[piece].first;
      const int64_t last = t[piece_end - 1].first;
      // The windows a flow covers: n = trunc((T - 60 s) / 15 s) + 1 (the authors' count).
      for (int64_t w = first; w + kLength <= last; w += kStep) {
        uint64_t n[2] = {0, 0};
        int64_t lo[2] = {INT64_MAX, INT64_MAX};
        int64_t hi[2] = {INT64_MIN, INT64_MIN};
        auto it = std::lower_bound(t.begin() + static_cast<long>(piece), t.begin() + static_cast<long>(piece_end),
                                   std::make_pair(w, uint8_t{0}));
        for (; it != t.begin() + static_cast<long>(piece_end) && it->first < w + kLength; ++it) {
          ++n[it->second];
          lo[it->second] = std::min(lo[it->second], it->first);
          hi[it->second] = std::max(hi[it->second], it->first);
        }
        if (n[0] >= kMinPackets && n[1] >= kMinPackets && hi[0] - lo[0] >= kMinSpan && hi[1] - lo[1] >= kMinSpan)
          ++out[f].windows;
      }
      piece = piece_end;
    }
  }
  return out;
}

}  // namespace flowspike::synth
