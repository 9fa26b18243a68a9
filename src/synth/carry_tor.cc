// Applications through Tor (docs/synthetic-traffic.md, "Tor").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "session_builder.h"

namespace flowspike::synth {
namespace {

// Link protocol >= 4 (every relay since Tor 0.2.4): 4-byte circuit ids make
// fixed-size cells 514 bytes; a RELAY_DATA cell carries at most 498 bytes.
constexpr uint32_t kCellBytes = 514;
constexpr uint32_t kRelayData = 498;
constexpr uint32_t kMaxCellsPerRecord = 31;  // 16 kB TLS record limit / 514
constexpr uint32_t kCircuitSendme = 100;     // cells per circuit-level SENDME
constexpr uint32_t kStreamSendme = 50;       // cells per stream-level SENDME

struct Cells {
  int64_t ts;
  uint8_t dir;
  uint32_t cells;
  double rate_bps;  // how fast they arrive (0 = at once)
  bool data = false;  // RELAY_DATA cells (they count for flow control)
};

}  // namespace

TorPlan TorPlan::random(Rng& rng) {
  TorPlan p;
  p.guard_rtt_ns = millis(std::clamp(rng.lognormal(45, 0.6), 8.0, 250.0));
  p.circuit_rtt_ns = std::max(p.guard_rtt_ns * 3, millis(std::clamp(rng.lognormal(420, 0.45), 150.0, 1600.0)));
  p.circuit_bps = rng.log_uniform(0.6e6, 6e6);
  p.bootstrap = rng.chance(0.5);
  p.tls_record_overhead = rng.chance(0.8) ? 22 : 29;  // TLS 1.3 / TLS 1.2 AES-GCM
  return p;
}

int64_t TorPlan::setup_ns() const { return bootstrap ? 4 * guard_rtt_ns + 2 * circuit_rtt_ns + millis(300) : 0; }

void carry_over_tor(SessionBuilder& b, const AppSession& app, int version, const TorPlan& plan) {
  Rng& rng = b.rng;
  const uint16_t ports[] = {9001, 9001, 443, 443, 9002, 8443, 9100};
  const uint16_t port = ports[rng.below(std::size(ports))];
  b.param("tor_port", std::to_string(port));
  b.param("tor_bootstrap_captured", plan.bootstrap ? "yes" : "no");
  b.param("circuit_rtt_ms", fmt::format("{:.0f}", static_cast<double>(plan.circuit_rtt_ns) / 1e6));
  b.param("circuit_mbps", fmt::format("{:.2f}", plan.circuit_bps / 1e6));
  b.param("cell_bytes", std::to_string(kCellBytes));

  AppStream link;
  link.kind = StreamKind::tcp;
  link.role = FlowRole::tunnel;
  link.label = "tor-tls";
  link.server_port = port;
  link.rtt_ns = plan.guard_rtt_ns;
  std::vector<Cells> cells;
  const uint32_t record = plan.tls_record_overhead;
  if (plan.bootstrap) {
    // TLS with the guard, the link handshake (VERSIONS, CERTS, AUTH_CHALLENGE,
    // NETINFO), then a three-hop circuit: CREATE2, EXTEND2, EXTEND2.
    link.open_ns = b.start_ns + millis(rng.uniform(1, 40));
    const int64_t g = plan.guard_rtt_ns;
    int64_t t = link.open_ns + g + 100'000;
    link.write(t, 0, static_cast<uint32_t>(rng.between(510, 580)));
    link.write(t + g, 1, static_cast<uint32_t>(rng.between(1300, 2400)));
    t += g + millis(1);
    link.write(t, 0, static_cast<uint32_t>(rng.between(74, 80)) + 11 + record);
    link.write(t + g, 1, 11 + static_cast<uint32_t>(rng.between(800, 1200)) + 40 + kCellBytes + record);
    t += g + millis(1);
    link.write(t, 0, kCellBytes + record);
    const int64_t hop = (plan.circuit_rtt_ns - g) / 2;
    cells.push_back({t + millis(1), 0, 1, 0});
    cells.push_back({t + millis(1) + g, 1, 1, 0});
    t += g + millis(2);
    cells.push_back({t, 0, 1, 0});
    cells.push_back({t + g + hop, 1, 1, 0});
    t += g + hop + millis(2);
    cells.push_back({t, 0, 1, 0});
    cells.push_back({t + plan.circuit_rtt_ns, 1, 1, 0});
    if (rng.chance(0.3)) {  // fetch directory documents from the guard (BEGIN_DIR)
      cells.push_back({t + millis(5), 0, 2, 0});
      const auto dir_cells = static_cast<uint32_t>(rng.between(300, 1200));
      cells.push_back({t + millis(5) + g + millis(20), 1, dir_cells, std::min(b.link.down_bps, 20e6), true});
    }
  } else {
    link.open_ns = b.start_ns - seconds(rng.uniform(30, 600));  // up before the capture started
  }

  // Every application stream: BEGIN / CONNECTED, its data as RELAY_DATA
  // cells, END when it closes.
  for (const AppStream& s : app.streams) {
    if (s.open_ns >= b.end_ns) continue;
    cells.push_back({s.open_ns, 0, 1, 0});
    cells.push_back({s.open_ns + plan.circuit_rtt_ns, 1, 1, 0});
    for (const AppWrite& w : s.writes) {
      const uint32_t n = (w.bytes + kRelayData - 1) / kRelayData;
      const double rate = w.rate_bps > 0 ? std::min<double>(w.rate_bps, plan.circuit_bps) : plan.circuit_bps;
      cells.push_back({w.ts_ns, w.dir, n, n > 1 ? rate : 0, true});
    }
    if (s.close_ns >= 0) {
      cells.push_back({s.close_ns, static_cast<uint8_t>(s.server_closes ? 1 : 0), 1, 0});
    }
  }
  // Flow-control SENDMEs from the receiver of data cells: one per 100 cells of
  // the circuit and one per 50 of a stream (about 3 per 100 cells).
  std::vector<Cells> sendmes;
  for (const uint8_t dir : {uint8_t{0}, uint8_t{1}}) {
    uint64_t received = 0;
    for (const Cells& c : cells) {
      if (c.dir != dir || !c.data) continue;
      const double cell_ns = c.rate_bps > 0 ? kCellBytes * 8e9 / c.rate_bps : 0;
      for (uint32_t k = 0; k < c.cells; ++k) {
        ++received;
        const uint32_t n = (received % kStreamSendme == 0 ? 1u : 0u) + (received % kCircuitSendme == 0 ? 1u : 0u);
        if (n == 0) continue;
        const int64_t arrival = c.ts + static_cast<int64_t>(cell_ns * k);
        // The client answers at once; the exit's SENDMEs reach the client a circuit RTT later.
        const int64_t at = dir == 1 ? arrival + static_cast<int64_t>(rng.uniform(2e5, 2e6)) : arrival + plan.circuit_rtt_ns;
        sendmes.push_back({at, static_cast<uint8_t>(1 - dir), n, 0});
      }
    }
  }
  cells.insert(cells.end(), sendmes.begin(), sendmes.end());
  // Relay-side jitter on what comes down the circuit.
  const double jitter_ns = rng.uniform(3e6, 30e6);
  for (Cells& c : cells)
    if (c.dir == 1) c.ts += static_cast<int64_t>(std::abs(rng.normal()) * jitter_ns);
  std::stable_sort(cells.begin(), cells.end(), [](const Cells& a, const Cells& c) { return a.ts < c.ts; });

  // Cells become TLS records: big batches in records of up to 31 cells,
  // single cells that arrive within the flush interval share a record.
  const int64_t flush_ns = static_cast<int64_t>(rng.uniform(0.5e6, 4e6));
  std::vector<AppWrite> records[2];
  for (const Cells& c : cells) {
    auto& out = records[c.dir];
    uint32_t left = c.cells;
    if (left == 1 && !out.empty() && out.back().rate_bps == 0 && c.ts - out.back().ts_ns < flush_ns &&
        out.back().bytes < kMaxCellsPerRecord * kCellBytes) {
      out.back().bytes += kCellBytes;
      continue;
    }
    while (left > 0) {
      const uint32_t n = std::min(left, kMaxCellsPerRecord);
      out.push_back({c.ts, n * kCellBytes + record, c.dir, static_cast<float>(c.rate_bps)});
      left -= n;
    }
  }
  // Connection padding: a PADDING cell when a side has sent nothing for a
  // random 1.5-9.5 s (Tor >= 0.3.1, proposal 251).
  const int64_t first = plan.bootstrap ? link.open_ns + 3 * plan.guard_rtt_ns : b.start_ns;
  for (int dir = 0; dir < 2; ++dir) {
    std::vector<AppWrite> padding;
    int64_t last = first;
    auto pad_until = [&](int64_t next) {
      for (;;) {
        const int64_t at = last + seconds(rng.uniform(1.5, 9.5));
        if (at >= next) break;
        padding.push_back({at, kCellBytes + record, static_cast<uint8_t>(dir), 0});
        last = at;
      }
    };
    for (const AppWrite& r : records[dir]) {
      if (r.ts_ns > last) pad_until(r.ts_ns);
      last = std::max(last, r.ts_ns);
    }
    pad_until(b.end_ns);
    records[dir].insert(records[dir].end(), padding.begin(), padding.end());
  }
  for (int dir = 0; dir < 2; ++dir)
    for (const AppWrite& r : records[dir])
      if (r.ts_ns >= link.open_ns) link.writes.push_back(r);

  const capture::IpAddress guard = public_address(rng, version, AddressPool::tor_relay);
  const uint32_t flow = b.trace.add_flow(make_flow(rng, b.host, capture::kProtoTcp,
                                                   {b.host.address(version), b.host.ephemeral_port(rng)}, {guard, port},
                                                   plan.guard_rtt_ns, FlowRole::tunnel, "tor-tls"));
  render_stream(link, flow, b.link, rng, b.trace, b.end_ns);
  add_background(b, b.trace, b.host.address(4), b.host.resolver4, kAllBackground);
}

}  // namespace flowspike::synth
