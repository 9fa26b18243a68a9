#include "stream_renderer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "flowspike/common/error.h"

namespace flowspike::synth {
namespace {

constexpr uint8_t kSyn = capture::kTcpSyn;
constexpr uint8_t kAck = capture::kTcpAck;
constexpr uint8_t kFin = capture::kTcpFin;

struct Segment {
  int64_t ts_ns;
  uint32_t len;
  bool end_of_write;
};

// A sender draining writes in order: pacing at min(link, write) rate, cwnd
// rounds one RTT apart in slow start, restart from the initial window after
// an idle period longer than the retransmission timeout.
std::vector<Segment> send_writes(const std::vector<const AppWrite*>& writes, uint32_t mss, uint32_t header_bytes,
                                 double link_bps, int64_t rtt_ns, int64_t ready_ns, double jitter_ns, Rng& rng) {
  constexpr int kInitialWindow = 10;
  constexpr int kMaxWindow = 1 << 14;
  const int64_t rto_ns = std::max<int64_t>(200'000'000, 2 * rtt_ns);
  std::vector<Segment> out;
  int64_t t_free = ready_ns;
  int64_t last_sent = INT64_MIN / 2;
  int cwnd = kInitialWindow;
  int64_t round_start = ready_ns;
  int in_round = 0;
  int64_t last_emitted = INT64_MIN;
  for (const AppWrite* w : writes) {
    int64_t t = std::max(w->ts_ns, t_free);
    if (t - last_sent > rto_ns) {
      cwnd = kInitialWindow;
      round_start = t;
      in_round = 0;
    }
    double rate = link_bps;
    if (w->rate_bps > 0) rate = std::min(rate, static_cast<double>(w->rate_bps));
    uint32_t remaining = w->bytes;
    while (remaining > 0) {
      const uint32_t seg = std::min(mss, remaining);
      if (t >= round_start + rtt_ns) {
        if (in_round >= cwnd) cwnd = std::min(cwnd * 2, kMaxWindow);
        round_start = t;
        in_round = 0;
      }
      if (in_round >= cwnd) {  // window used up: wait for the round's ACKs
        t = round_start + rtt_ns;
        round_start = t;
        in_round = 0;
        cwnd = std::min(cwnd * 2, kMaxWindow);
      }
      // Arrival jitter, but a flow's packets never overtake each other.
      int64_t ts = t + static_cast<int64_t>(std::abs(rng.normal()) * jitter_ns * 0.05);
      ts = std::max(ts, last_emitted + 1000);
      last_emitted = ts;
      out.push_back({ts, seg, remaining == seg});
      ++in_round;
      t += static_cast<int64_t>(static_cast<double>(seg + header_bytes) * 8e9 / rate);
      remaining -= seg;
    }
    t_free = t;
    last_sent = last_emitted;
  }
  return out;
}

bool any_in(const std::vector<int64_t>& sorted, int64_t lo, int64_t hi) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), lo);
  return it != sorted.end() && *it <= hi;
}

// Pure ACK times for the receiver of `segs`. `offset_ns` is the delay from a
// segment's capture time to the capture of the ACK it triggers at once (the
// client's stack delay, or one RTT for the server). As RFC 1122/5681 stacks
// do: an immediate ACK once two full-sized segments' worth of data is
// unacknowledged (`ack_every` packets when full_segment is 0, as QUIC counts),
// or every segment for `quick_acks` segments after an idle second (Linux's
// quick-ACK mode), otherwise a delayed ACK after `delack_ns`; no pure ACK
// when the receiver's own data carries it.
std::vector<int64_t> ack_times(const std::vector<Segment>& segs, const std::vector<int64_t>& receiver_data,
                               uint32_t full_segment, int64_t offset_ns, int64_t delack_ns, int ack_every,
                               int quick_acks, Rng& rng) {
  std::vector<int64_t> acks;
  uint64_t pending = 0;
  int quick_left = quick_acks;
  int64_t last_arrival = INT64_MIN / 2;
  // full_segment 0: count packets instead of bytes (QUIC's ack-eliciting packets).
  const uint64_t threshold = static_cast<uint64_t>(ack_every) * std::max<uint32_t>(full_segment, 1);
  for (size_t i = 0; i < segs.size(); ++i) {
    const int64_t ts = segs[i].ts_ns;
    if (ts - last_arrival > 1'000'000'000) quick_left = quick_acks;
    last_arrival = ts;
    pending += full_segment > 0 ? segs[i].len : 1;
    const int64_t now = ts + offset_ns + static_cast<int64_t>(rng.uniform(0, 40'000));
    if (pending >= threshold || quick_left > 0) {
      if (quick_left > 0) --quick_left;
      if (!any_in(receiver_data, now - 200'000, now + 200'000)) acks.push_back(now);
      pending = 0;
      continue;
    }
    const bool more_soon = i + 1 < segs.size() && segs[i + 1].ts_ns < ts + delack_ns;
    if (more_soon) continue;
    const int64_t delayed = ts + offset_ns + delack_ns;
    if (!any_in(receiver_data, now, delayed)) acks.push_back(delayed);
    pending = 0;
  }
  return acks;
}

void render_tcp(const AppStream& s, uint32_t flow, const LinkParams& link, Rng& rng, Trace& trace, int64_t end_ns) {
  const FlowSpec f = trace.flows[flow];
  const int64_t rtt = s.rtt_ns;
  std::vector<SynthPacket> pk;
  auto add = [&](int64_t ts, uint8_t dir, uint32_t payload, uint8_t flags) {
    SynthPacket p;
    p.ts_ns = ts;
    p.flow = flow;
    p.dir = dir;
    p.payload = static_cast<uint16_t>(payload);
    p.tcp_flags = flags;
    pk.push_back(p);
  };
  const int64_t t0 = s.open_ns;
  add(t0, 0, 0, kSyn);
  add(t0 + rtt, 1, 0, kSyn | kAck);
  const int64_t established = t0 + rtt + link.host_delay_ns;
  add(established, 0, 0, kAck);

  // Data of each direction, in write order.
  std::vector<const AppWrite*> writes[2];
  for (const AppWrite& w : s.writes) writes[w.dir].push_back(&w);
  for (auto& list : writes)
    std::stable_sort(list.begin(), list.end(), [](const AppWrite* a, const AppWrite* b) { return a->ts_ns < b->ts_ns; });
  const uint32_t headers = (f.client.addr.version == 6 ? 40 : 20) + tcp_header_length(f, kAck) + 14;
  std::vector<Segment> segs[2];
  segs[0] = send_writes(writes[0], tcp_segment_payload(f, 0), headers, link.up_bps, rtt, established, 0, rng);
  segs[1] = send_writes(writes[1], tcp_segment_payload(f, 1), headers, link.down_bps, rtt, t0 + rtt,
                        link.jitter_ns, rng);
  std::vector<int64_t> data_ts[2];
  for (int d = 0; d < 2; ++d) {
    for (const Segment& g : segs[d]) {
      add(g.ts_ns, static_cast<uint8_t>(d), g.len, g.end_of_write ? (kAck | kTcpPsh) : kAck);
      data_ts[d].push_back(g.ts_ns);
    }
  }
  // The client acknowledges server data after its stack delay; the server's
  // ACKs of client data reach the capture one RTT after the data left.
  for (int64_t t : ack_times(segs[1], data_ts[0], tcp_segment_payload(f, 1), link.host_delay_ns,
                             link.client_delack_ns, 2, 8, rng))
    add(t, 0, 0, kAck);
  for (int64_t t : ack_times(segs[0], data_ts[1], tcp_segment_payload(f, 0), rtt, link.server_delack_ns, 2, 4, rng))
    add(t, 1, 0, kAck);

  // Orderly close.
  if (s.close_ns >= 0) {
    int64_t last = 0;
    for (const SynthPacket& p : pk) last = std::max(last, p.ts_ns);
    const int64_t c = std::max(s.close_ns, last + 1'000'000);
    if (!s.server_closes) {
      add(c, 0, 0, kFin | kAck);
      add(c + rtt, 1, 0, kFin | kAck);
      add(c + rtt + link.host_delay_ns, 0, 0, kAck);
    } else {
      const int64_t app = c + static_cast<int64_t>(rng.uniform(100'000, 3'000'000));
      add(c, 1, 0, kFin | kAck);
      add(c + link.host_delay_ns, 0, 0, kAck);
      add(app, 0, 0, kFin | kAck);
      add(app + rtt, 1, 0, kAck);
    }
  }

  // Sequence and acknowledgement numbers: each side's bytes in sending order;
  // the client acknowledges what it has captured from the server, the server
  // what left the client at least one RTT earlier.
  std::stable_sort(pk.begin(), pk.end(), [](const SynthPacket& a, const SynthPacket& b) { return a.ts_ns < b.ts_ns; });
  auto consumes = [](const SynthPacket& p) {
    return static_cast<uint32_t>(p.payload + ((p.tcp_flags & kSyn) ? 1 : 0) + ((p.tcp_flags & kFin) ? 1 : 0));
  };
  std::vector<std::pair<int64_t, uint32_t>> client_sent;  // (time, bytes sent up to and including this packet)
  uint32_t sent[2] = {0, 0};
  for (SynthPacket& p : pk) {
    p.seq = sent[p.dir];
    sent[p.dir] += consumes(p);
    if (p.dir == 0) client_sent.emplace_back(p.ts_ns, sent[0]);
  }
  uint32_t server_seen = 0;
  for (SynthPacket& p : pk) {
    if (p.dir == 1) {
      server_seen = p.seq + consumes(p);
      auto it = std::upper_bound(client_sent.begin(), client_sent.end(), p.ts_ns - rtt + 1000,
                                 [](int64_t t, const std::pair<int64_t, uint32_t>& e) { return t < e.first; });
      p.ack = it == client_sent.begin() ? 0 : std::prev(it)->second;
    } else {
      p.ack = server_seen;
    }
  }
  // A stack sends no pure ACK that acknowledges nothing new (two triggers
  // that fell within one processing delay became one ACK).
  uint32_t last_ack[2] = {UINT32_MAX, UINT32_MAX};
  for (const SynthPacket& p : pk) {
    const bool pure_ack = p.payload == 0 && p.tcp_flags == kAck;
    if (pure_ack && p.ack == last_ack[p.dir]) continue;
    if (p.tcp_flags & kAck) last_ack[p.dir] = p.ack;
    if (p.ts_ns < end_ns) trace.packets.push_back(p);
  }
}

void render_quic(const AppStream& s, uint32_t flow, const LinkParams& link, Rng& rng, Trace& trace, int64_t end_ns) {
  const FlowSpec& f = trace.flows[flow];
  const int64_t rtt = s.rtt_ns;
  const uint32_t ip_udp = (f.client.addr.version == 6 ? 40 : 20) + 8;
  // Chrome sends 1250/1350-byte datagrams; others stay at 1252 or the IPv6-safe 1232.
  const uint32_t sizes[] = {1350, 1350, 1250, 1252, 1232};
  const uint32_t max_payload = std::min<uint32_t>(sizes[rng.below(5)], 1500 - ip_udp);
  const uint32_t overhead = 1 + 8 + 2 + 16 + 5;  // short header, packet number, AEAD tag, STREAM frame header
  const uint32_t initial = rng.chance(0.7) ? 1250 : 1357;
  std::vector<SynthPacket> pk;
  auto add = [&](int64_t ts, uint8_t dir, uint32_t payload) {
    SynthPacket p;
    p.ts_ns = ts;
    p.flow = flow;
    p.dir = dir;
    p.payload = static_cast<uint16_t>(std::min<uint32_t>(payload, 1500 - ip_udp));
    pk.push_back(p);
  };
  // Handshake: padded client Initial, the server's Initial+Handshake flight,
  // the client's padded Initial ACK with its Finished, HANDSHAKE_DONE.
  const int64_t t0 = s.open_ns;
  add(t0, 0, initial);
  const int n_server = static_cast<int>(rng.between(2, 4));
  int64_t t = t0 + rtt;
  for (int i = 0; i < n_server; ++i) {
    add(t, 1, i + 1 < n_server ? max_payload : static_cast<uint32_t>(rng.between(200, 1100)));
    t += 150'000;
  }
  add(t + link.host_delay_ns, 0, initial);
  add(t + link.host_delay_ns + 20'000, 0, static_cast<uint32_t>(rng.between(40, 90)));
  add(t + rtt, 1, static_cast<uint32_t>(rng.between(60, 320)));
  const int64_t ready = t + link.host_delay_ns;

  std::vector<const AppWrite*> writes[2];
  for (const AppWrite& w : s.writes) writes[w.dir].push_back(&w);
  for (auto& list : writes)
    std::stable_sort(list.begin(), list.end(), [](const AppWrite* a, const AppWrite* b) { return a->ts_ns < b->ts_ns; });
  std::vector<Segment> segs[2];
  segs[0] = send_writes(writes[0], max_payload - overhead, ip_udp + overhead + 14, link.up_bps, rtt, ready, 0, rng);
  segs[1] = send_writes(writes[1], max_payload - overhead, ip_udp + overhead + 14, link.down_bps, rtt, ready,
                        link.jitter_ns, rng);
  std::vector<int64_t> data_ts[2];
  for (int d = 0; d < 2; ++d)
    for (const Segment& g : segs[d]) {
      add(g.ts_ns, static_cast<uint8_t>(d), g.len + overhead);
      data_ts[d].push_back(g.ts_ns);
    }
  // ACK-only packets: every second ack-eliciting packet, or every tenth once
  // the peer asks for fewer ACKs (ack frequency / Chrome's decimation).
  const int ack_every = rng.chance(0.5) ? 2 : 10;
  const int64_t max_ack_delay = 25'000'000;
  for (int64_t a : ack_times(segs[1], data_ts[0], 0, link.host_delay_ns, max_ack_delay, ack_every, 2, rng))
    add(a, 0, static_cast<uint32_t>(rng.between(33, 60)));
  for (int64_t a : ack_times(segs[0], data_ts[1], 0, rtt, max_ack_delay, 2, 2, rng))
    add(a, 1, static_cast<uint32_t>(rng.between(33, 50)));
  if (s.close_ns >= 0) {
    int64_t last = 0;
    for (const SynthPacket& p : pk) last = std::max(last, p.ts_ns);
    add(std::max(s.close_ns, last + 1'000'000), s.server_closes ? 1 : 0, static_cast<uint32_t>(rng.between(35, 60)));
  }
  for (const SynthPacket& p : pk)
    if (p.ts_ns < end_ns) trace.packets.push_back(p);
}

void render_udp(const AppStream& s, uint32_t flow, Trace& trace, int64_t end_ns) {
  const FlowSpec& f = trace.flows[flow];
  const uint32_t max_payload = 1500 - (f.client.addr.version == 6 ? 40 : 20) - 8;
  for (const AppWrite& w : s.writes) {
    FLOWSPIKE_ASSERT(w.bytes <= max_payload);
    if (w.ts_ns >= end_ns || w.ts_ns < s.open_ns) continue;
    SynthPacket p;
    p.ts_ns = w.ts_ns;
    p.flow = flow;
    p.dir = w.dir;
    p.payload = static_cast<uint16_t>(w.bytes);
    trace.packets.push_back(p);
  }
}

}  // namespace

uint32_t tcp_segment_payload(const FlowSpec& flow, uint8_t dir) {
  (void)dir;
  const uint32_t mss = std::min(flow.client_mss, flow.server_mss);
  return mss - (flow.tcp_timestamps ? 12 : 0);
}

void render_stream(const AppStream& stream, uint32_t flow, const LinkParams& link, Rng& rng, Trace& trace,
                   int64_t end_ns) {
  if (stream.open_ns >= end_ns) return;
  switch (stream.kind) {
    case StreamKind::tcp: render_tcp(stream, flow, link, rng, trace, end_ns); break;
    case StreamKind::quic: render_quic(stream, flow, link, rng, trace, end_ns); break;
    case StreamKind::udp: render_udp(stream, flow, trace, end_ns); break;
  }
}

}  // namespace flowspike::synth
