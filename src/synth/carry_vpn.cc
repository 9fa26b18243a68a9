// Applications through a VPN tunnel (docs/synthetic-traffic.md, "VPN").
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "session_builder.h"

namespace flowspike::synth {
namespace {

// OpenVPN data channel with an AEAD cipher: opcode/key id + peer id (4),
// packet id (4), tag (16). WireGuard transport data: type/reserved (4),
// receiver index (4), counter (8), tag (16), and the plaintext padded to 16.
constexpr uint32_t kOpenVpnOverhead = 24;
constexpr uint32_t kWireGuardOverhead = 32;
// OpenVPN's default "mssfix 1450": encapsulated datagrams of at most 1450
// bytes, so inner packets up to 1450 - 24 = 1426 bytes; WireGuard's MTU 1420.
constexpr uint16_t kOpenVpnInnerMtu = 1426;
constexpr uint16_t kWireGuardInnerMtu = 1420;
// WireGuard handshake messages.
constexpr uint32_t kWireGuardInitiation = 148;
constexpr uint32_t kWireGuardResponse = 92;

const char* kind_name(VpnKind k) {
  switch (k) {
    case VpnKind::openvpn_udp: return "openvpn-udp";
    case VpnKind::openvpn_tcp: return "openvpn-tcp";
    case VpnKind::wireguard: return "wireguard";
  }
  return "?";
}

struct Outer {
  int64_t ts;
  uint8_t dir;
  uint32_t bytes;  // tunnel payload (UDP payload, or bytes of the TCP stream)
};

// OpenVPN's TLS control channel at start-up: resets, the TLS handshake in
// P_CONTROL packets (tls-mtu 1250), acknowledgements, PUSH_REQUEST/REPLY.
void openvpn_handshake(Rng& rng, int64_t t, int64_t rtt, std::vector<Outer>& out) {
  auto exchange = [&](std::initializer_list<std::pair<int, int>> client, std::initializer_list<std::pair<int, int>> server) {
    for (auto [lo, hi] : client) {
      out.push_back({t, 0, static_cast<uint32_t>(rng.between(lo, hi))});
      t += 150'000;
    }
    t += rtt;
    for (auto [lo, hi] : server) {
      out.push_back({t, 1, static_cast<uint32_t>(rng.between(lo, hi))});
      t += 400'000;
    }
    t += millis(rng.uniform(0.2, 3));
  };
  exchange({{42, 70}}, {{54, 90}});                                               // hard resets
  exchange({{22, 50}, {320, 420}}, {{1150, 1250}, {1150, 1250}, {300, 900}});       // ClientHello / ServerHello, certificate
  exchange({{22, 50}, {22, 50}, {800, 1250}, {100, 400}}, {{22, 50}, {120, 320}});  // client key exchange / Finished
  exchange({{22, 50}, {120, 180}}, {{22, 50}, {330, 560}});                        // PUSH_REQUEST / PUSH_REPLY
}

// Marks the segments of the rendered OpenVPN-over-TCP stream `s` (packets
// from `first` on, in time order) that start a record: the renderer cuts each
// write, one record, into segments of its own, so a record starts with the
// first segment of a write and continues in the direction's next segments.
void mark_records(const AppStream& s, size_t first, Trace& trace) {
  std::vector<uint32_t> records[2];  // record lengths of each direction, in sending order
  std::vector<const AppWrite*> writes(s.writes.size());
  for (size_t i = 0; i < writes.size(); ++i) writes[i] = &s.writes[i];
  std::stable_sort(writes.begin(), writes.end(), [](const AppWrite* a, const AppWrite* c) { return a->ts_ns < c->ts_ns; });
  for (const AppWrite* w : writes) records[w->dir].push_back(w->bytes);
  size_t next[2] = {0, 0};
  uint32_t left[2] = {0, 0};  // bytes of the current record still to come
  for (size_t i = first; i < trace.packets.size(); ++i) {
    SynthPacket& p = trace.packets[i];
    if (p.payload == 0) continue;
    if (left[p.dir] == 0) {
      FLOWSPIKE_ASSERT(next[p.dir] < records[p.dir].size());
      const uint32_t len = records[p.dir][next[p.dir]++];
      p.header = PayloadHeader::openvpn_data;
      p.record_len = static_cast<uint16_t>(len);
      left[p.dir] = len;
    }
    FLOWSPIKE_ASSERT(p.payload <= left[p.dir]);
    left[p.dir] -= p.payload;
  }
}

}  // namespace

VpnPlan VpnPlan::random(Rng& rng) {
  VpnPlan p;
  static constexpr double kWeights[] = {0.45, 0.2, 0.35};
  p.kind = static_cast<VpnKind>(rng.weighted(kWeights));
  p.handshake = p.kind == VpnKind::openvpn_tcp || rng.chance(0.6);
  p.tunnel_rtt_ns = millis(std::clamp(rng.lognormal(35, 0.6), 5.0, 250.0));
  return p;
}

int64_t VpnPlan::setup_ns() const {
  if (!handshake) return 0;
  return (kind == VpnKind::wireguard ? 2 : 12) * tunnel_rtt_ns + millis(kind == VpnKind::wireguard ? 50 : 600);
}

void carry_over_vpn(SessionBuilder& b, const AppSession& app, int version, Category category, const VpnPlan& plan) {
  Rng& rng = b.rng;
  const bool wg = plan.kind == VpnKind::wireguard;
  const bool tcp = plan.kind == VpnKind::openvpn_tcp;
  // Inside: the tunnel's private addresses and resolver.
  capture::IpAddress inner_client;
  capture::IpAddress inner_resolver;
  if (wg) {
    const uint8_t net = rng.chance(0.5) ? 2 : 64;
    inner_client = ipv4(10, net, 0, static_cast<uint8_t>(rng.between(2, 250)));
    inner_resolver = ipv4(10, inner_client.bytes[1], 0, 1);
  } else {
    inner_client = ipv4(10, 8, 0, static_cast<uint8_t>(rng.between(2, 250)));
    inner_resolver = ipv4(10, 8, 0, 1);
  }
  const uint16_t inner_mtu = wg ? kWireGuardInnerMtu : kOpenVpnInnerMtu;
  Trace inner;
  const auto inner_mss = static_cast<uint16_t>(inner_mtu - 40);
  place_streams(b, inner, app, inner_client, inner_resolver, category, b.link, inner_mss);
  add_background(b, inner, inner_client, inner_resolver, kHostOnly, inner_mss);
  inner.sort();

  const capture::IpAddress server = public_address(rng, version, AddressPool::vpn_server);
  uint16_t port = 1194;
  if (wg) {
    port = rng.chance(0.8) ? 51820 : static_cast<uint16_t>(rng.between(1024, 65000));
  } else if (tcp) {
    port = rng.chance(0.7) ? 443 : 1194;
  } else {
    const uint16_t ports[] = {1194, 1194, 443, 1197, 1198};
    port = ports[rng.below(5)];
  }
  b.param("vpn", kind_name(plan.kind));
  b.param("vpn_port", std::to_string(port));
  b.param("vpn_handshake_captured", plan.handshake ? "yes" : "no");
  b.param("tunnel_rtt_ms", fmt::format("{:.1f}", static_cast<double>(plan.tunnel_rtt_ns) / 1e6));

  // The tunnel's packets: start-up, every inner packet, keepalives.
  std::vector<Outer> outer;
  const int64_t dns_rtt = millis(rng.log_uniform(2, 30));
  const int64_t t0 = b.start_ns + (plan.handshake ? dns_rtt : 0) + millis(rng.uniform(1, 50));
  if (plan.handshake) {
    if (wg) {  // handshake initiation and response
      outer.push_back({t0, 0, kWireGuardInitiation});
      outer.push_back({t0 + plan.tunnel_rtt_ns, 1, kWireGuardResponse});
      outer.push_back({t0 + plan.tunnel_rtt_ns + 200'000, 0, kWireGuardOverhead});
    } else {
      openvpn_handshake(rng, t0, plan.tunnel_rtt_ns, outer);
    }
  }
  for (const SynthPacket& p : inner.packets) {
    const uint32_t len = ip_length(inner.flows[p.flow], p);
    const uint32_t plain = wg ? std::min<uint32_t>((len + 15) / 16 * 16, inner_mtu) : len;
    const int64_t crypto_delay = p.dir == 0 ? static_cast<int64_t>(rng.uniform(20'000, 120'000)) : 0;
    outer.push_back({p.ts_ns + crypto_delay, p.dir, plain + (wg ? kWireGuardOverhead : kOpenVpnOverhead)});
  }
  std::stable_sort(outer.begin(), outer.end(), [](const Outer& a, const Outer& c) { return a.ts < c.ts; });
  // Keepalives. OpenVPN ("keepalive 10 60"): each side pings after 10 s without
  // sending. WireGuard: a keepalive 10 s after receiving data when there is
  // nothing to send, the optional persistent keepalive (25 s), and a new
  // handshake every 2 minutes while traffic flows.
  std::vector<Outer> extra;
  const bool persistent = wg && rng.chance(0.5);
  for (int dir = 0; dir < 2; ++dir) {
    int64_t last_sent = t0;
    int64_t last_received = INT64_MIN / 2;
    int64_t last_rekey = t0;
    for (size_t i = 0; i <= outer.size(); ++i) {
      const int64_t next = i < outer.size() ? outer[i].ts : b.end_ns;
      if (!wg) {
        for (int64_t k = last_sent + seconds(10); k < next; k += seconds(10)) {
          extra.push_back({k + static_cast<int64_t>(rng.uniform(0, 2e6)), static_cast<uint8_t>(dir), kOpenVpnOverhead + 16});
          last_sent = k;
        }
      } else {
        if (last_received > last_sent && last_received + seconds(10) < next) {
          extra.push_back({last_received + seconds(10), static_cast<uint8_t>(dir), kWireGuardOverhead});
          last_sent = last_received + seconds(10);
        }
        if (persistent && dir == 0)
          for (int64_t k = last_sent + seconds(25); k < next; k += seconds(25)) {
            extra.push_back({k, 0, kWireGuardOverhead});
            last_sent = k;
          }
        if (dir == 0 && next - last_rekey > seconds(120) && i < outer.size() && outer[i].dir == 0) {
          extra.push_back({next - 100'000, 0, kWireGuardInitiation});
          extra.push_back({next - 100'000 + plan.tunnel_rtt_ns, 1, kWireGuardResponse});
          last_rekey = next;
        }
      }
      if (i == outer.size()) break;
      if (outer[i].dir == dir) last_sent = outer[i].ts;
      else last_received = outer[i].ts;
    }
  }
  outer.insert(outer.end(), extra.begin(), extra.end());
  std::stable_sort(outer.begin(), outer.end(), [](const Outer& a, const Outer& c) { return a.ts < c.ts; });

  const uint16_t client_port = wg || rng.chance(0.7) ? b.host.ephemeral_port(rng) : uint16_t{1194};
  FlowSpec f = make_flow(rng, b.host, tcp ? capture::kProtoTcp : capture::kProtoUdp, {b.host.address(version), client_port},
                         {server, port}, plan.tunnel_rtt_ns, FlowRole::tunnel, kind_name(plan.kind));
  // Header fields, fixed by values already drawn so that the traffic does not
  // depend on them. An OpenVPN server numbers its clients in the order it gave
  // out their addresses (10.8.0.2 first); WireGuard's indices look random.
  // Counters start at the beginning when the handshake is captured, else the
  // tunnel has been up for a while.
  const uint64_t h = mix64(uint64_t{f.client_isn} << 32 | f.server_isn);
  f.tunnel_id = wg ? static_cast<uint32_t>(h) : inner_client.bytes[3] - 2u;
  for (int side = 0; side < 2; ++side)
    f.tunnel_first_counter[side] = plan.handshake ? (wg ? 0u : 1u) : static_cast<uint32_t>(1 + mix64(h + side) % 2'000'000);
  const uint32_t flow = b.trace.add_flow(std::move(f));
  // Every OpenVPN packet is written as a data packet (P_DATA_V2): a header for
  // dissectors, not a model of the control channel.
  auto header_of = [wg](uint32_t bytes) {
    if (!wg) return PayloadHeader::openvpn_data;
    if (bytes == kWireGuardInitiation) return PayloadHeader::wireguard_initiation;
    if (bytes == kWireGuardResponse) return PayloadHeader::wireguard_response;
    return PayloadHeader::wireguard_data;  // 32 + a multiple of 16, or 1452: never a handshake size
  };
  if (tcp) {
    // OpenVPN over TCP: each packet prefixed with its 2-byte length on one TCP stream.
    AppStream s;
    s.kind = StreamKind::tcp;
    s.role = FlowRole::tunnel;
    s.rtt_ns = plan.tunnel_rtt_ns;
    s.open_ns = t0 - plan.tunnel_rtt_ns - millis(1);
    for (const Outer& o : outer) s.write(o.ts, o.dir, o.bytes + 2);
    const size_t first = b.trace.packets.size();
    render_stream(s, flow, b.link, rng, b.trace, b.end_ns);
    mark_records(s, first, b.trace);
  } else {
    for (const Outer& o : outer) {
      if (o.ts >= b.end_ns || o.ts < b.start_ns) continue;
      SynthPacket p;
      p.ts_ns = o.ts;
      p.flow = flow;
      p.dir = o.dir;
      p.payload = static_cast<uint16_t>(o.bytes);
      p.header = header_of(o.bytes);
      b.trace.packets.push_back(p);
    }
  }
  // Outside the tunnel: the lookup of the VPN server's name before it comes
  // up, and the LAN's multicast chatter.
  if (plan.handshake)
    add_dns_lookup(b, b.trace, b.start_ns, rng.chance(0.5) ? "us-east.vpn-provider.net" : "nl1.vpn-provider.net",
                   b.host.address(4), b.host.resolver4, dns_rtt);
  add_background(b, b.trace, b.host.address(4), b.host.resolver4, kLanOnly);
}

}  // namespace flowspike::synth
