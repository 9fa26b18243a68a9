// Assembles one capture: the host, its access link, the trace being built,
// and the ways an application session reaches the wire: in the clear (each
// stream its own flow), through a VPN tunnel, or through a Tor circuit. Also
// the background traffic every real capture has. Used by generate_capture().
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app_stream.h"
#include "network.h"
#include "stream_renderer.h"
#include "flowspike/synth/trace.h"

namespace flowspike::synth {

struct SessionBuilder {
  Rng rng;
  Host host;
  LinkParams link;
  Trace trace;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  std::vector<std::pair<std::string, std::string>> params;  // for the manifest

  explicit SessionBuilder(uint64_t seed) : rng(seed) {}
  void param(std::string key, std::string value) { params.emplace_back(std::move(key), std::move(value)); }
};

// Each stream becomes its own flow from `client` to a server of the same IP
// version, after a DNS lookup of each new server's name; TCP MSS capped at
// `mss` when non-zero (inside tunnels).
void place_streams(SessionBuilder& b, Trace& trace, const AppSession& app, const capture::IpAddress& client,
                   const capture::IpAddress& resolver, Category category, const LinkParams& link, uint16_t mss);

// The session in the clear from the host's address of `version`, plus background.
void carry_in_clear(SessionBuilder& b, const AppSession& app, int version, Category category);

enum class VpnKind : uint8_t { openvpn_udp, openvpn_tcp, wireguard };
struct VpnPlan {
  VpnKind kind = VpnKind::openvpn_udp;
  bool handshake = true;      // the capture starts before the tunnel is up
  int64_t tunnel_rtt_ns = 0;  // host <-> VPN server
  static VpnPlan random(Rng& rng);
  // Time from the capture start until the tunnel carries data.
  int64_t setup_ns() const;
};

// All streams, their DNS and background traffic inside one tunnel flow to a
// VPN server of `version` (OpenVPN over UDP or TCP, or WireGuard).
void carry_over_vpn(SessionBuilder& b, const AppSession& app, int version, Category category, const VpnPlan& plan);

struct TorPlan {
  int64_t guard_rtt_ns = 0;     // host <-> guard relay
  int64_t circuit_rtt_ns = 0;   // host <-> exit <-> destination and back
  double circuit_bps = 2e6;     // what one circuit delivers
  bool bootstrap = true;        // the capture starts before the guard connection and circuit exist
  uint32_t tls_record_overhead = 22;
  static TorPlan random(Rng& rng);
  int64_t setup_ns() const;     // capture start -> circuit ready
};

// All streams as cells of one TLS connection to a Tor guard relay of
// `version`, with SENDMEs and connection padding; background in the clear.
void carry_over_tor(SessionBuilder& b, const AppSession& app, int version, const TorPlan& plan);

// Background traffic into `trace` from `client` (the host's address, or its
// tunnel address): the host's own DNS lookups, NTP and an unrelated short TCP
// connection or two (kHost), LAN discovery multicast (kLan, never tunnelled).
inline constexpr unsigned kHostOnly = 1;
inline constexpr unsigned kLanOnly = 2;
inline constexpr unsigned kAllBackground = kHostOnly | kLanOnly;
// `mss` caps the TCP MSS (inside tunnels); 0 leaves the path's.
void add_background(SessionBuilder& b, Trace& trace, const capture::IpAddress& client,
                    const capture::IpAddress& resolver, unsigned parts, uint16_t mss = 0);

// A DNS lookup of `name` at t (A, often also AAAA, from one socket).
void add_dns_lookup(SessionBuilder& b, Trace& trace, int64_t t, const std::string& name,
                    const capture::IpAddress& client, const capture::IpAddress& resolver, int64_t rtt_ns);

// A plausible host name for a server of the category.
std::string server_name(Rng& rng, Category category, FlowRole role);

}  // namespace flowspike::synth
