// Where generated traffic comes from and goes to: the capturing host (its
// operating system decides TTL, TCP timestamps, ephemeral ports, delayed
// ACKs), plausible public addresses for servers, Tor relays, VPN servers,
// resolvers and time servers, and the per-flow constants of a TCP/IP stack.
#pragma once

#include <cstdint>
#include <map>

#include "app_stream.h"
#include "flowspike/capture/packet.h"
#include "flowspike/synth/frame_builder.h"
#include "flowspike/synth/random.h"
#include "flowspike/synth/trace.h"

namespace flowspike::synth {

enum class AddressPool : uint8_t { content, tor_relay, vpn_server, resolver, time_server };

// A random address inside the pool's prefixes (big content networks, hosting
// providers running Tor relays, VPN providers, public resolvers, NTP pools).
capture::IpAddress public_address(Rng& rng, int version, AddressPool pool);
inline capture::IpAddress ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return capture::IpAddress::v4(a, b, c, d); }

// The machine the capture was taken on.
struct Host {
  bool windows = false;
  capture::IpAddress v4;          // LAN address behind a home/office router
  capture::IpAddress v6;          // global address (privacy extension IID)
  capture::IpAddress resolver4;   // DNS server it uses
  capture::IpAddress resolver6;
  MacAddress mac;
  MacAddress gateway_mac;
  uint8_t ttl = 64;
  bool tcp_timestamps = true;     // Linux yes, Windows no (its default)
  int64_t delayed_ack_ns = 40'000'000;
  uint16_t next_port = 0;

  static Host random(Rng& rng);
  // Ephemeral source ports as the OS hands them out: increasing with gaps.
  uint16_t ephemeral_port(Rng& rng);
  const capture::IpAddress& address(int version) const { return version == 6 ? v6 : v4; }
};

// A FlowSpec for a connection from `client` to `server` with random stack
// constants (ISNs, IP ids, windows, timestamp clocks) and the hosts' choices.
FlowSpec make_flow(Rng& rng, const Host& host, uint8_t proto, Endpoint client, Endpoint server, int64_t rtt_ns,
                   FlowRole role, std::string label);

// Gives the streams of a session addresses: same server id, same address.
class ServerDirectory {
 public:
  ServerDirectory(int version, AddressPool pool) : version_(version), pool_(pool) {}
  capture::IpAddress address(Rng& rng, int server_id);

 private:
  int version_;
  AddressPool pool_;
  std::map<int, capture::IpAddress> known_;
};

}  // namespace flowspike::synth
