#include "app_stream.h"

#include <algorithm>
#include <cmath>

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

int64_t request_response(AppStream& s, Rng& rng, int64_t t, Draw request_bytes, Draw response_bytes, Draw think_ms,
                         double rate_bps) {
  const auto request = static_cast<uint32_t>(rng.between(static_cast<int64_t>(request_bytes.lo), static_cast<int64_t>(request_bytes.hi)));
  const auto response = static_cast<uint32_t>(rng.between(static_cast<int64_t>(response_bytes.lo), static_cast<int64_t>(response_bytes.hi)));
  const int64_t think_ns = millis(rng.uniform(think_ms.lo, think_ms.hi));
  s.write(t, 0, request);
  const int64_t start = t + s.rtt_ns + think_ns;
  s.write(start, 1, response, rate_bps);
  return start + static_cast<int64_t>(static_cast<double>(response) * 8e9 / std::max(rate_bps, 1e4));
}

int64_t load_web_page(AppSession& out, Rng& rng, const SessionContext& ctx, int64_t t, int connections,
                      int& next_server) {
  int64_t page_done = t;
  for (int i = 0; i < connections; ++i) {
    AppStream page = tcp_stream(rng, ctx, FlowRole::side, "tls-page", next_server++, t + millis(rng.uniform(0, 300)));
    int64_t u = add_tls_handshake(page, rng);
    const int objects = static_cast<int>(rng.between(3, 15));
    for (int k = 0; k < objects; ++k) {
      u += millis(rng.uniform(1, 40));
      const double object = std::round(std::clamp(rng.lognormal(25000, 1.2), 500.0, 800000.0));
      u = request_response(page, rng, u, {300, 900}, {object, object}, {5, 60}, ctx.down_bps);
    }
    page.close_ns = u + seconds(rng.uniform(5, 60));
    page.server_closes = rng.chance(0.5);
    page_done = std::max(page_done, u);
    out.add(std::move(page));
  }
  return page_done;
}

}  // namespace flowspike::synth
