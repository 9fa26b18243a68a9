// Applications in the clear: one flow per stream (docs/synthetic-traffic.md, "NonVPN").
#include <algorithm>
#include <set>
#include <vector>

#include "session_builder.h"

namespace flowspike::synth {
namespace {

std::vector<const AppStream*> by_open_time(const AppSession& app) {
  std::vector<const AppStream*> order;
  for (const AppStream& s : app.streams) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const AppStream* a, const AppStream* b) { return a->open_ns < b->open_ns; });
  return order;
}

}  // namespace

// Shared with the VPN carrier, which runs the same placement inside its tunnel.
void place_streams(SessionBuilder& b, Trace& trace, const AppSession& app, const capture::IpAddress& client,
                   const capture::IpAddress& resolver, Category category, const LinkParams& link, uint16_t mss) {
  Rng& rng = b.rng;
  ServerDirectory servers(client.version, AddressPool::content);
  std::set<int> resolved;
  const int64_t dns_rtt = millis(rng.log_uniform(3, 40));
  for (const AppStream* s : by_open_time(app)) {
    if (s->open_ns >= b.end_ns) continue;
    const capture::IpAddress server = servers.address(rng, s->server);
    if (resolved.insert(s->server).second && s->open_ns - dns_rtt > b.start_ns) {
      const int64_t at = s->open_ns - dns_rtt - millis(rng.uniform(0.5, 5));
      add_dns_lookup(b, trace, at, server_name(rng, category, s->role), client, resolver, dns_rtt);
    }
    const uint8_t proto = s->kind == StreamKind::tcp ? capture::kProtoTcp : capture::kProtoUdp;
    FlowSpec f = make_flow(rng, b.host, proto, {client, b.host.ephemeral_port(rng)}, {server, s->server_port},
                           s->rtt_ns, s->role, s->label);
    if (mss > 0) {
      f.client_mss = std::min(f.client_mss, mss);
      f.server_mss = std::min(f.server_mss, mss);
    }
    if (s->label == "rtp" && rng.chance(0.3)) f.dscp = 46;  // Expedited Forwarding
    const uint32_t flow = trace.add_flow(std::move(f));
    render_stream(*s, flow, link, rng, trace, b.end_ns);
  }
}

void carry_in_clear(SessionBuilder& b, const AppSession& app, int version, Category category) {
  const capture::IpAddress& resolver = version == 6 ? b.host.resolver6 : b.host.resolver4;
  place_streams(b, b.trace, app, b.host.address(version), resolver, category, b.link, 0);
  add_background(b, b.trace, b.host.address(4), b.host.resolver4, kAllBackground);
}

}  // namespace flowspike::synth
