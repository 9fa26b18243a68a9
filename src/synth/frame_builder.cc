#include "flowspike/synth/frame_builder.h"

#include <algorithm>
#include <cstring>

#include "flowspike/common/error.h"
#include "flowspike/synth/random.h"

namespace flowspike::synth {
namespace {

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

bool is_multicast(const capture::IpAddress& a) {
  return a.version == 4 ? (a.bytes[0] & 0xf0) == 0xe0 : a.bytes[0] == 0xff;
}

// Ethernet destination of a packet to `a`: the IP multicast mapping or the gateway.
void ethernet_destination(const capture::IpAddress& a, const MacAddress& gateway, uint8_t* out) {
  if (a.version == 4 && is_multicast(a)) {
    const uint8_t mac[6] = {0x01, 0x00, 0x5e, static_cast<uint8_t>(a.bytes[1] & 0x7f), a.bytes[2], a.bytes[3]};
    std::memcpy(out, mac, 6);
  } else if (a.version == 6 && is_multicast(a)) {
    const uint8_t mac[6] = {0x33, 0x33, a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]};
    std::memcpy(out, mac, 6);
  } else {
    std::memcpy(out, gateway.bytes, 6);
  }
}

uint32_t pseudo_header_sum(const capture::IpAddress& src, const capture::IpAddress& dst, uint8_t proto,
                           uint32_t length) {
  uint32_t sum = 0;
  const size_t n = src.version == 6 ? 16 : 4;
  sum = checksum_add(sum, std::span<const uint8_t>(src.bytes.data(), n));
  sum = checksum_add(sum, std::span<const uint8_t>(dst.bytes.data(), n));
  sum += proto;
  sum += length >> 16;
  sum += length & 0xffff;
  return sum;
}

constexpr uint32_t kMaxPayloadHeader = 16;

// WireGuard's per-session index of one side: random-looking, fixed by the flow.
uint32_t wireguard_index(uint32_t tunnel_id, uint32_t session, int side) {
  return static_cast<uint32_t>(mix64((uint64_t{tunnel_id} << 32) | (uint64_t{session} << 1) | static_cast<uint64_t>(side)));
}

void put32le(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

uint32_t checksum_add(uint32_t sum, std::span<const uint8_t> bytes) {
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<uint32_t>(bytes[i] << 8);
  // Fold early so that long payloads cannot overflow 32 bits.
  return (sum & 0xffff) + (sum >> 16);
}

uint16_t checksum_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t ipv4_header_checksum(std::span<const uint8_t> header) { return checksum_finish(checksum_add(0, header)); }

uint32_t FrameBuilder::payload_header(const SynthPacket& p, FlowState& st, uint8_t* out) const {
  const FlowSpec& f = trace_.flows[p.flow];
  uint32_t n = 0;
  switch (p.header) {
    case PayloadHeader::none: return 0;
    case PayloadHeader::openvpn_data:
      if (f.proto == capture::kProtoTcp) {  // the record's length, prefix excluded
        FLOWSPIKE_ASSERT(p.record_len >= 2);
        put16(out, static_cast<uint16_t>(p.record_len - 2));
        n = 2;
      }
      out[n] = 0x48;  // P_DATA_V2 (opcode 9) << 3 | key id 0
      out[n + 1] = static_cast<uint8_t>(f.tunnel_id >> 16);
      out[n + 2] = static_cast<uint8_t>(f.tunnel_id >> 8);
      out[n + 3] = static_cast<uint8_t>(f.tunnel_id);
      put32(out + n + 4, static_cast<uint32_t>(st.tunnel_counter[p.dir]++));
      n += 8;
      break;
    // WireGuard fields are little-endian; the three bytes after the type are reserved zeros.
    case PayloadHeader::wireguard_initiation:
      std::memset(out, 0, 8);
      out[0] = 1;
      put32le(out + 4, wireguard_index(f.tunnel_id, st.tunnel_session + 1, 0));
      n = 8;
      break;
    case PayloadHeader::wireguard_response:
      ++st.tunnel_session;
      st.tunnel_counter[0] = st.tunnel_counter[1] = 0;
      std::memset(out, 0, 12);
      out[0] = 2;
      put32le(out + 4, wireguard_index(f.tunnel_id, st.tunnel_session, 1));
      put32le(out + 8, wireguard_index(f.tunnel_id, st.tunnel_session, 0));
      n = 12;
      break;
    case PayloadHeader::wireguard_data: {
      std::memset(out, 0, 4);
      out[0] = 4;
      put32le(out + 4, wireguard_index(f.tunnel_id, st.tunnel_session, 1 - p.dir));
      const uint64_t counter = st.tunnel_counter[p.dir]++;
      put32le(out + 8, static_cast<uint32_t>(counter));
      put32le(out + 12, static_cast<uint32_t>(counter >> 32));
      n = 16;
      break;
    }
  }
  return std::min<uint32_t>(n, p.payload);
}

FrameBuilder::FrameBuilder(const Trace& trace, MacAddress host, MacAddress gateway, bool random_payload,
                           uint64_t seed)
    : trace_(trace), host_(host), gateway_(gateway), random_payload_(random_payload), seed_(seed) {
  state_.resize(trace.flows.size());
  for (size_t f = 0; f < trace.flows.size(); ++f) {
    state_[f].ip_id[0] = trace.flows[f].client_ip_id;
    state_[f].ip_id[1] = trace.flows[f].server_ip_id;
    state_[f].tunnel_counter[0] = trace.flows[f].tunnel_first_counter[0];
    state_[f].tunnel_counter[1] = trace.flows[f].tunnel_first_counter[1];
  }
  frame_.resize(14 + 60 + 60 + 65535);
}

FrameBuilder::Frame FrameBuilder::build(size_t index, uint32_t max_bytes) {
  const SynthPacket& p = trace_.packets[index];
  const FlowSpec& f = trace_.flows[p.flow];
  FlowState& st = state_[p.flow];
  const bool v6 = f.client.addr.version == 6;
  const bool tcp = f.proto == capture::kProtoTcp;
  const Endpoint& src = p.dir == 0 ? f.client : f.server;
  const Endpoint& dst = p.dir == 0 ? f.server : f.client;
  const uint32_t ip_len = ip_length(f, p);
  const uint32_t ip_header = v6 ? 40 : 20;
  const uint32_t transport_header = tcp ? tcp_header_length(f, p.tcp_flags) : 8;
  const uint32_t wire_len = frame_length(f, p);
  // Payload bytes must exist in full when they are random (the checksum covers
  // them) or real; zero filler only needs the captured part.
  const bool full = random_payload_ || p.blob >= 0;
  const uint32_t built = full ? wire_len : std::min(wire_len, max_bytes);
  FLOWSPIKE_ASSERT(built <= frame_.size());
  uint8_t* b = frame_.data();
  std::memset(b, 0, 14 + ip_header + transport_header);

  // Ethernet.
  if (p.dir == 0) {
    ethernet_destination(dst.addr, gateway_, b);
    std::memcpy(b + 6, host_.bytes, 6);
  } else {
    std::memcpy(b, host_.bytes, 6);
    std::memcpy(b + 6, gateway_.bytes, 6);
  }
  put16(b + 12, v6 ? 0x86dd : 0x0800);

  // IP.
  uint8_t* ip = b + 14;
  const uint8_t ttl = p.dir == 0 ? f.client_ttl : f.server_ttl;
  const uint8_t proto = f.proto;
  if (v6) {
    const uint32_t tc = p.dir == 0 ? static_cast<uint32_t>(f.dscp) << 2 : 0;
    put32(ip, (6u << 28) | (tc << 20) | (f.flow_label & 0xfffff));
    put16(ip + 4, static_cast<uint16_t>(ip_len - 40));
    ip[6] = proto;
    ip[7] = ttl;
    std::memcpy(ip + 8, src.addr.bytes.data(), 16);
    std::memcpy(ip + 24, dst.addr.bytes.data(), 16);
  } else {
    ip[0] = 0x45;
    ip[1] = p.dir == 0 ? static_cast<uint8_t>(f.dscp << 2) : 0;
    put16(ip + 2, static_cast<uint16_t>(ip_len));
    put16(ip + 4, st.ip_id[p.dir]++);
    put16(ip + 6, f.dont_fragment ? 0x4000 : 0);
    ip[8] = ttl;
    ip[9] = proto;
    put16(ip + 10, 0);
    std::memcpy(ip + 12, src.addr.bytes.data(), 4);
    std::memcpy(ip + 16, dst.addr.bytes.data(), 4);
    put16(ip + 10, ipv4_header_checksum(std::span<const uint8_t>(ip, 20)));
  }

  // Transport header.
  uint8_t* th = ip + ip_header;
  put16(th, src.port);
  put16(th + 2, dst.port);
  if (tcp) {
    const uint32_t isn_self = p.dir == 0 ? f.client_isn : f.server_isn;
    const uint32_t isn_peer = p.dir == 0 ? f.server_isn : f.client_isn;
    put32(th + 4, isn_self + p.seq);
    put32(th + 8, (p.tcp_flags & capture::kTcpAck) ? isn_peer + p.ack : 0);
    th[12] = static_cast<uint8_t>((transport_header / 4) << 4);
    th[13] = p.tcp_flags;
    const bool syn = p.tcp_flags & capture::kTcpSyn;
    uint16_t window = p.dir == 0 ? f.client_window : f.server_window;
    if (syn) window = p.dir == 0 ? 64240 : (f.tcp_timestamps ? 65160 : 65535);
    put16(th + 14, window);
    // Timestamps: each side's millisecond clock; the server's echo is the
    // client's clock one RTT earlier, the client's echo the last server value seen.
    const uint32_t client_clock =
        f.client_tsval + static_cast<uint32_t>(p.ts_ns / 1'000'000);
    uint32_t tsval = 0;
    uint32_t tsecr = 0;
    if (p.dir == 0) {
      tsval = client_clock;
      tsecr = st.seen_server ? st.last_server_tsval : 0;
    } else {
      tsval = f.server_tsval + static_cast<uint32_t>((p.ts_ns - f.rtt_ns / 2) / 1'000'000);
      tsecr = f.client_tsval + static_cast<uint32_t>((p.ts_ns - f.rtt_ns) / 1'000'000);
      st.last_server_tsval = tsval;
      st.seen_server = true;
    }
    uint8_t* opt = th + 20;
    if (syn) {
      const uint16_t mss = p.dir == 0 ? f.client_mss : f.server_mss;
      const uint8_t wscale = p.dir == 0 ? f.client_wscale : f.server_wscale;
      if (f.tcp_timestamps) {
        const uint8_t o[20] = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 4, 2, 8, 10,
                               0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, wscale};
        std::memcpy(opt, o, sizeof o);
        put32(opt + 8, tsval);
        put32(opt + 12, tsecr);
      } else {
        const uint8_t o[12] = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 1, 3, 3, wscale,
                               1, 1, 4, 2};
        std::memcpy(opt, o, sizeof o);
      }
    } else if (f.tcp_timestamps) {
      const uint8_t o[4] = {1, 1, 8, 10};
      std::memcpy(opt, o, sizeof o);
      put32(opt + 4, tsval);
      put32(opt + 8, tsecr);
    }
  } else {
    put16(th + 4, static_cast<uint16_t>(8 + p.payload));
  }

  // Payload: real bytes, pseudo-random bytes, or zeros, then the tunnel
  // header over their start.
  uint8_t* payload = th + transport_header;
  const uint32_t headers = 14 + ip_header + transport_header;
  uint8_t header[kMaxPayloadHeader];
  const uint32_t header_len = payload_header(p, st, header);
  FLOWSPIKE_ASSERT(header_len == 0 || p.blob < 0);
  if (p.blob >= 0) {
    const auto& blob = trace_.blobs[static_cast<size_t>(p.blob)];
    FLOWSPIKE_ASSERT(blob.size() == p.payload);
    std::memcpy(payload, blob.data(), blob.size());
  } else if (random_payload_) {
    uint64_t x = derive_seed(seed_, index);
    for (uint32_t i = 0; i < p.payload; i += 8) {
      x = mix64(x);
      uint8_t word[8];
      for (int k = 0; k < 8; ++k) word[k] = static_cast<uint8_t>(x >> (8 * k));
      std::memcpy(payload + i, word, std::min<uint32_t>(8, p.payload - i));
    }
  } else if (built > headers) {
    std::memset(payload, 0, built - headers);
  }
  if (built > headers) std::memcpy(payload, header, std::min(header_len, built - headers));
  if (built > 14 + ip_len) std::memset(b + 14 + ip_len, 0, built - 14 - ip_len);  // Ethernet padding

  // Checksum over the pseudo-header, the transport header and the whole
  // payload. Whole payloads are in the buffer; of filler, only the header adds
  // to a one's-complement sum, even where the frame is cut before its end
  // (it starts at an even offset: TCP and UDP headers are a multiple of 4).
  const uint32_t l4_len = ip_len - ip_header;
  uint32_t sum = pseudo_header_sum(src.addr, dst.addr, proto, l4_len);
  sum = checksum_add(sum, std::span<const uint8_t>(th, full ? l4_len : transport_header));
  if (!full) sum = checksum_add(sum, std::span<const uint8_t>(header, header_len));
  uint16_t check = checksum_finish(sum);
  if (!tcp && check == 0) check = 0xffff;  // UDP: 0 means "no checksum"
  put16(th + (tcp ? 16 : 6), check);

  return Frame{std::span<const uint8_t>(b, built), wire_len};
}

}  // namespace flowspike::synth
