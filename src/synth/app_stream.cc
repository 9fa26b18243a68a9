#include "app_stream.h"

#include <algorithm>

namespace flowspike::synth {

int64_t stream_rtt(Rng& rng, const SessionContext& ctx) {
  // Over Tor every stream shares the circuit; elsewhere servers differ.
  const double spread = ctx.encryption == Encryption::tor ? 0.08 : 0.35;
  return std::max<int64_t>(2'000'000, static_cast<int64_t>(static_cast<double>(ctx.rtt_ns) * rng.lognormal(1.0, spread)));
}

AppStream tcp_stream(Rng& rng, const SessionContext& ctx, FlowRole role, std::string label, int server,
                     int64_t open_ns, uint16_t port) {
  AppStream s;
  s.kind = StreamKind::tcp;
  s.role = role;
  s.label = std::move(label);
  s.server = server;
  s.server_port = port;
  s.rtt_ns = stream_rtt(rng, ctx);
  s.open_ns = open_ns;
  return s;
}

int64_t add_tls_handshake(AppStream& s, Rng& rng) {
  const int64_t t = s.open_ns + s.rtt_ns + 100'000;  // right after the TCP handshake
  // ClientHello (with padding/GREASE extensions: 250-600 bytes, Chrome pads to 512+).
  s.write(t, 0, static_cast<uint32_t>(rng.chance(0.5) ? rng.between(508, 600) : rng.between(220, 420)));
  // ServerHello ... Finished: certificate chains make it 2.5-5.5 kB.
  const int64_t server = t + s.rtt_ns + static_cast<int64_t>(rng.uniform(1e6, 15e6));
  s.write(server, 1, static_cast<uint32_t>(rng.between(2400, 5600)));
  // Client Finished (TLS 1.3) or ChangeCipherSpec+Finished (TLS 1.2).
  const int64_t fin = server + static_cast<int64_t>(rng.uniform(0.3e6, 3e6));
  s.write(fin, 0, static_cast<uint32_t>(rng.between(64, 126)));
  if (rng.chance(0.6)) s.write(fin + s.rtt_ns, 1, static_cast<uint32_t>(rng.between(200, 560)));  // session tickets
  return fin + 50'000;
}

int64_t request_response(AppStream& s, int64_t t, uint32_t request, uint32_t response, int64_t think_ns,
                         double rate_bps) {
  s.write(t, 0, request);
  const int64_t start = t + s.rtt_ns + think_ns;
  s.write(start, 1, response, rate_bps);
  return start + static_cast<int64_t>(static_cast<double>(response) * 8e9 / std::max(rate_bps, 1e4));
}

}  // namespace flowspike::synth
