#include "network.h"

#include <array>
#include <span>

namespace flowspike::synth {
namespace {

struct Prefix4 {
  uint8_t a, b, c, d;
  int len;
};
struct Prefix6 {
  std::array<uint16_t, 4> head;  // first 64 bits
  int len;                       // <= 64
  uint64_t iid = 0;              // fixed interface identifier; 0 = a small random one
};

// Address blocks of large content and cloud networks (Google, Facebook,
// Cloudflare, Fastly, Akamai, AWS, Microsoft, Dropbox, Netflix).
constexpr Prefix4 kContent4[] = {
    {142, 250, 0, 0, 15}, {172, 217, 0, 0, 16}, {216, 58, 192, 0, 19}, {157, 240, 0, 0, 16},
    {31, 13, 64, 0, 18},  {104, 16, 0, 0, 13},  {151, 101, 0, 0, 16},  {23, 32, 0, 0, 11},
    {52, 0, 0, 0, 10},    {13, 107, 0, 0, 16},  {40, 76, 0, 0, 14},    {162, 125, 0, 0, 16},
    {45, 57, 0, 0, 17},   {198, 38, 96, 0, 19}, {185, 60, 216, 0, 22}, {199, 232, 0, 0, 16},
};
constexpr Prefix6 kContent6[] = {
    {{0x2a00, 0x1450, 0, 0}, 32}, {{0x2607, 0xf8b0, 0, 0}, 32}, {{0x2a03, 0x2880, 0, 0}, 32},
    {{0x2606, 0x4700, 0, 0}, 32}, {{0x2a04, 0x4e42, 0, 0}, 32}, {{0x2600, 0x1406, 0, 0}, 32},
    {{0x2620, 0x01ec, 0, 0}, 36},
};
// Hosting networks where many Tor relays run.
constexpr Prefix4 kRelay4[] = {
    {5, 9, 0, 0, 16},     {51, 15, 0, 0, 16},  {95, 216, 0, 0, 15},  {185, 220, 100, 0, 22},
    {176, 9, 0, 0, 16},   {78, 46, 0, 0, 15},  {163, 172, 0, 0, 16}, {199, 249, 230, 0, 24},
};
constexpr Prefix6 kRelay6[] = {
    {{0x2a01, 0x04f8, 0, 0}, 32}, {{0x2001, 0x0bc8, 0, 0}, 32}, {{0x2a0b, 0xf4c2, 0, 0}, 32},
};
// Commercial VPN providers' server networks.
constexpr Prefix4 kVpn4[] = {
    {185, 159, 156, 0, 22}, {193, 138, 218, 0, 24}, {89, 187, 160, 0, 19}, {37, 120, 128, 0, 17},
    {45, 83, 88, 0, 22},    {103, 231, 88, 0, 22},
};
constexpr Prefix6 kVpn6[] = {{{0x2a07, 0xb944, 0, 0}, 32}, {{0x2a03, 0x1b20, 0, 0}, 32}};
// Public resolvers and time servers (exact addresses).
constexpr Prefix4 kResolver4[] = {{8, 8, 8, 8, 32}, {8, 8, 4, 4, 32}, {1, 1, 1, 1, 32}, {9, 9, 9, 9, 32},
                                  {208, 67, 222, 222, 32}};
constexpr Prefix6 kResolver6[] = {{{0x2001, 0x4860, 0x4860, 0}, 64, 0x8888}, {{0x2606, 0x4700, 0x4700, 0}, 64, 0x1111}};
constexpr Prefix4 kTime4[] = {{162, 159, 200, 1, 32},  {162, 159, 200, 123, 32}, {216, 239, 35, 0, 32},
                              {216, 239, 35, 4, 32},   {129, 6, 15, 28, 32},     {40, 119, 6, 228, 32}};
constexpr Prefix6 kTime6[] = {{{0x2606, 0x4700, 0x00f1, 0}, 64, 1}, {{0x2001, 0x4860, 0x4806, 0}, 64, 4}};

capture::IpAddress in_prefix(Rng& rng, const Prefix4& p) {
  const uint32_t base = static_cast<uint32_t>(p.a) << 24 | static_cast<uint32_t>(p.b) << 16 |
                        static_cast<uint32_t>(p.c) << 8 | p.d;
  uint32_t v = base;
  if (p.len < 32) {
    const uint32_t host_mask = (1u << (32 - p.len)) - 1;
    do {
      v = (base & ~host_mask) | (static_cast<uint32_t>(rng.next()) & host_mask);
    } while ((v & 0xff) == 0 || (v & 0xff) == 255);
  }
  return capture::IpAddress::v4(static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
              static_cast<uint8_t>(v));
}

capture::IpAddress in_prefix(Rng& rng, const Prefix6& p) {
  capture::IpAddress a;
  a.version = 6;
  uint64_t head = 0;
  for (uint16_t h : p.head) head = head << 16 | h;
  if (p.len < 64) {
    const uint64_t mask = (uint64_t{1} << (64 - p.len)) - 1;
    head = (head & ~mask) | (rng.next() & mask & 0xffff'ffff'ffff'0000ULL);  // servers sit in /64s with small IIDs
  }
  const uint64_t iid = p.iid != 0 ? p.iid : static_cast<uint64_t>(rng.between(1, 0x3fff));
  for (int i = 0; i < 8; ++i) a.bytes[i] = static_cast<uint8_t>(head >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) a.bytes[8 + i] = static_cast<uint8_t>(iid >> (56 - 8 * i));
  return a;
}

template <class P, size_t N>
capture::IpAddress pick_in(Rng& rng, const P (&prefixes)[N]) {
  return in_prefix(rng, prefixes[rng.below(N)]);
}

MacAddress random_mac(Rng& rng, std::span<const std::array<uint8_t, 3>> ouis) {
  MacAddress m;
  const auto& oui = ouis[rng.below(ouis.size())];
  m.bytes[0] = oui[0];
  m.bytes[1] = oui[1];
  m.bytes[2] = oui[2];
  for (int i = 3; i < 6; ++i) m.bytes[i] = static_cast<uint8_t>(rng.next());
  return m;
}

}  // namespace

capture::IpAddress public_address(Rng& rng, int version, AddressPool pool) {
  const bool v6 = version == 6;
  switch (pool) {
    case AddressPool::content: return v6 ? pick_in(rng, kContent6) : pick_in(rng, kContent4);
    case AddressPool::tor_relay: return v6 ? pick_in(rng, kRelay6) : pick_in(rng, kRelay4);
    case AddressPool::vpn_server: return v6 ? pick_in(rng, kVpn6) : pick_in(rng, kVpn4);
    case AddressPool::resolver: return v6 ? pick_in(rng, kResolver6) : pick_in(rng, kResolver4);
    case AddressPool::time_server: return v6 ? pick_in(rng, kTime6) : pick_in(rng, kTime4);
  }
  return {};
}

Host Host::random(Rng& rng) {
  Host h;
  h.windows = rng.chance(0.5);
  h.ttl = h.windows ? 128 : 64;
  h.tcp_timestamps = !h.windows;
  h.delayed_ack_ns = h.windows ? 100 * kMs : 40 * kMs;
  // Virtual machines (VirtualBox, VMware, KVM) and common laptop NICs.
  static constexpr std::array<uint8_t, 3> host_ouis[] = {
      {0x08, 0x00, 0x27}, {0x00, 0x0c, 0x29}, {0x52, 0x54, 0x00}, {0x3c, 0x52, 0x82}, {0xf0, 0x1f, 0xaf}};
  static constexpr std::array<uint8_t, 3> router_ouis[] = {
      {0x00, 0x1a, 0x2b}, {0xc8, 0xd7, 0x19}, {0x00, 0x50, 0x56}, {0xe8, 0x48, 0xb8}, {0x00, 0x24, 0x01}};
  h.mac = random_mac(rng, host_ouis);
  h.gateway_mac = random_mac(rng, router_ouis);
  switch (rng.below(3)) {
    case 0: {
      const uint8_t subnets[] = {0, 1, 2, 178};
      const uint8_t subnet = subnets[rng.below(4)];
      h.v4 = ipv4(192, 168, subnet, static_cast<uint8_t>(rng.between(2, 250)));
      break;
    }
    case 1: h.v4 = ipv4(10, 0, 2, 15); break;  // VirtualBox NAT
    default: h.v4 = ipv4(131, 202, 240, static_cast<uint8_t>(rng.between(2, 250))); break;  // a campus LAN
  }
  // Home prefix /64 from a residential ISP block, random interface identifier.
  h.v6.version = 6;
  const uint16_t isp[][2] = {{0x2a02, 0x8108}, {0x2001, 0x0470}, {0x2601, 0x0000}};
  const auto& p = isp[rng.below(3)];
  const uint64_t head = (uint64_t{p[0]} << 48) | (uint64_t{p[1]} << 32) | (rng.next() & 0xffff'ffffULL);
  const uint64_t iid = rng.next();
  for (int i = 0; i < 8; ++i) h.v6.bytes[i] = static_cast<uint8_t>(head >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) h.v6.bytes[8 + i] = static_cast<uint8_t>(iid >> (56 - 8 * i));
  h.resolver4 = rng.chance(0.4) ? ipv4(h.v4.bytes[0], h.v4.bytes[1], h.v4.bytes[2], 1)
                                : public_address(rng, 4, AddressPool::resolver);
  if (h.v4.bytes[0] == 10) h.resolver4 = ipv4(10, 0, 2, 3);  // VirtualBox's DNS proxy
  h.resolver6 = public_address(rng, 6, AddressPool::resolver);
  // Windows hands out 49152-65535, Linux 32768-60999.
  h.next_port = static_cast<uint16_t>(h.windows ? rng.between(49152, 60000) : rng.between(32768, 55000));
  return h;
}

uint16_t Host::ephemeral_port(Rng& rng) {
  const int lo = windows ? 49152 : 32768;
  const int hi = windows ? 65535 : 60999;
  int p = next_port + static_cast<int>(rng.between(1, 40));
  if (p > hi) p = lo + (p - hi);
  next_port = static_cast<uint16_t>(p);
  return next_port;
}

FlowSpec make_flow(Rng& rng, const Host& host, uint8_t proto, Endpoint client, Endpoint server, int64_t rtt_ns,
                   FlowRole role, std::string label) {
  FlowSpec f;
  f.proto = proto;
  f.client = client;
  f.server = server;
  f.role = role;
  f.label = std::move(label);
  f.rtt_ns = rtt_ns;
  f.client_ttl = host.ttl;
  // Servers start at 64, 128 or 255 and are 8-25 hops away.
  const uint8_t initial = rng.chance(0.75) ? 64 : (rng.chance(0.6) ? 128 : 255);
  f.server_ttl = static_cast<uint8_t>(initial - rng.between(8, 25));
  f.client_ip_id = static_cast<uint16_t>(rng.next());
  f.server_ip_id = static_cast<uint16_t>(rng.next());
  f.flow_label = static_cast<uint32_t>(rng.next() & 0xfffff);
  f.tcp_timestamps = host.tcp_timestamps;
  const bool v6 = client.addr.version == 6;
  f.client_mss = v6 ? 1440 : 1460;
  f.server_mss = rng.chance(0.8) ? f.client_mss : static_cast<uint16_t>(f.client_mss - 20 * rng.between(1, 4));
  f.client_wscale = host.windows ? 8 : 7;
  f.server_wscale = static_cast<uint8_t>(rng.between(7, 10));
  f.client_window = static_cast<uint16_t>(host.windows ? rng.between(510, 1026) : rng.between(480, 2052));
  f.server_window = static_cast<uint16_t>(rng.between(240, 1200));
  f.client_isn = static_cast<uint32_t>(rng.next());
  f.server_isn = static_cast<uint32_t>(rng.next());
  f.client_tsval = static_cast<uint32_t>(rng.next());
  f.server_tsval = static_cast<uint32_t>(rng.next());
  return f;
}

capture::IpAddress ServerDirectory::address(Rng& rng, int server_id) {
  auto it = known_.find(server_id);
  if (it != known_.end()) return it->second;
  capture::IpAddress a = public_address(rng, version_, pool_);
  known_.emplace(server_id, a);
  return a;
}

}  // namespace flowspike::synth
