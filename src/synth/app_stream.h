// The application layer of the generator. A traffic model describes a session
// as AppStreams: connections (TCP, QUIC or plain UDP) with the bytes each side
// hands to its transport and when. Times are on the capture clock: a client
// write appears when the client sends it, a server write when its first byte
// reaches the client. The renderers (stream_renderer.h) turn a stream into
// packets; the tunnels (tunnels.h) carry whole sessions through a VPN or Tor.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "flowspike/synth/random.h"
#include "flowspike/synth/trace.h"
#include "flowspike/synth/traffic_class.h"

namespace flowspike::synth {

enum class StreamKind : uint8_t { tcp, quic, udp };

struct AppWrite {
  int64_t ts_ns = 0;
  uint32_t bytes = 0;   // TCP/QUIC: stream bytes; UDP: one datagram's payload
  uint8_t dir = 0;      // 0 = client -> server
  float rate_bps = 0;   // the fastest these bytes may leave the sender; 0 = the link rate
};

struct AppStream {
  StreamKind kind = StreamKind::tcp;
  FlowRole role = FlowRole::main;
  std::string label;          // "tls-video", "rtp", ...
  int server = 0;             // streams with equal ids talk to the same server address
  uint16_t server_port = 443;
  int64_t rtt_ns = 50'000'000;
  int64_t open_ns = 0;        // TCP SYN / QUIC Initial / first datagram
  int64_t close_ns = -1;      // orderly close (FIN, CONNECTION_CLOSE); -1 = open at capture end
  bool server_closes = false; // the server sends the first FIN
  std::vector<AppWrite> writes;

  void write(int64_t ts_ns, uint8_t dir, uint32_t bytes, double rate_bps = 0) {
    if (bytes > 0) writes.push_back({ts_ns, bytes, dir, static_cast<float>(rate_bps)});
  }
};

// Everything a model knows about the network it runs over.
struct SessionContext {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  Encryption encryption = Encryption::nonvpn;
  int64_t rtt_ns = 50'000'000;   // application round trip to a typical server (through the tunnel)
  double down_bps = 20e6;        // throughput the application can get, each way
  double up_bps = 5e6;
  bool udp_allowed = true;       // false over Tor: only TCP streams cross a circuit
};

// A model's output: streams plus the parameters it drew (for the manifest).
struct AppSession {
  std::vector<AppStream> streams;
  std::vector<std::pair<std::string, std::string>> params;

  AppStream& add(AppStream s) {
    streams.push_back(std::move(s));
    return streams.back();
  }
  void param(std::string key, std::string value) { params.emplace_back(std::move(key), std::move(value)); }
};

// Server round trip for a new stream: the session's RTT with per-server spread.
int64_t stream_rtt(Rng& rng, const SessionContext& ctx);

// A TCP stream to server `server` on `port`, opened at open_ns, with its own RTT.
AppStream tcp_stream(Rng& rng, const SessionContext& ctx, FlowRole role, std::string label, int server,
                     int64_t open_ns, uint16_t port = 443);

// A TLS 1.2/1.3 handshake on a TCP stream opened at s.open_ns (after the TCP
// handshake). Returns when the client may send application data.
int64_t add_tls_handshake(AppStream& s, Rng& rng);

// A closed range that request_response() draws a value from, uniformly.
struct Draw {
  double lo, hi;
};

// A request at t and its response after one RTT plus a think time, sent at no
// more than `rate_bps`; the request and response byte counts and the think
// time (ms) are drawn in that order. Returns when the response should have
// arrived (an estimate; the renderer decides the timing).
//
// Every random draw in this module happens in its own statement or in a
// callee: the order in which a call's arguments are evaluated differs between
// compilers, and the corpus must not.
int64_t request_response(AppStream& s, Rng& rng, int64_t t, Draw request, Draw response, Draw think_ms,
                         double rate_bps);

// A web page loaded at t over `connections` new TLS connections to servers
// next_server, next_server + 1, ... (advanced past them): 3-15 objects per
// connection, median 25 kB. The connections idle out 5-60 s later. Returns
// when the page should have arrived.
int64_t load_web_page(AppSession& out, Rng& rng, const SessionContext& ctx, int64_t t, int connections,
                      int& next_server);

// The five application models (models_*.cc).
AppSession voip_session(Rng& rng, const SessionContext& ctx);
AppSession video_session(Rng& rng, const SessionContext& ctx);
AppSession file_transfer_session(Rng& rng, const SessionContext& ctx);
AppSession chat_session(Rng& rng, const SessionContext& ctx);
AppSession browsing_session(Rng& rng, const SessionContext& ctx);

inline constexpr int64_t kMs = 1'000'000;
inline constexpr int64_t kSec = 1'000'000'000;
inline int64_t seconds(double s) { return static_cast<int64_t>(s * 1e9); }
inline int64_t millis(double ms) { return static_cast<int64_t>(ms * 1e6); }

}  // namespace flowspike::synth
