#include "flowspike/synth/frame_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace flowspike::synth {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return static_cast<uint32_t>(be16(p)) << 16 | be16(p + 2); }

// Plain one's-complement sum, written independently of the code under test.
uint32_t ones_sum(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) sum += static_cast<uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

// True when the transport checksum of a whole IPv4/IPv6 frame verifies.
bool transport_checksum_ok(const std::vector<uint8_t>& f) {
  const bool v6 = be16(&f[12]) == 0x86dd;
  const uint8_t* ip = &f[14];
  uint32_t sum = 0;
  uint32_t l4_len;
  const uint8_t* l4;
  if (v6) {
    l4_len = be16(ip + 4);
    sum = ones_sum(ip + 8, 32);
    sum += ip[6];
    l4 = ip + 40;
  } else {
    l4_len = be16(ip + 2) - 20u;
    sum = ones_sum(ip + 12, 8);
    sum += ip[9];
    l4 = ip + 20;
  }
  sum += l4_len;
  return ones_sum(l4, l4_len, sum) == 0xffff;
}

capture::IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return capture::IpAddress::v4(a, b, c, d); }
capture::IpAddress v6(uint8_t last) { return capture::IpAddress::parse("2001:db8::" + std::to_string(last)); }

Trace small_trace() {
  Trace t;
  FlowSpec tcp;
  tcp.proto = capture::kProtoTcp;
  tcp.client = {v4(192, 168, 1, 10), 50000};
  tcp.server = {v4(93, 184, 216, 34), 443};
  tcp.client_isn = 1000;
  tcp.server_isn = 0xfffffff0;  // wraps
  tcp.rtt_ns = 20'000'000;
  t.add_flow(tcp);
  FlowSpec udp;
  udp.proto = capture::kProtoUdp;
  udp.client = {v6(1), 40000};
  udp.server = {v6(2), 3478};
  t.add_flow(udp);
  auto add = [&](int64_t ts, uint32_t flow, uint8_t dir, uint16_t payload, uint8_t flags, uint32_t seq, uint32_t ack) {
    SynthPacket p;
    p.ts_ns = ts;
    p.flow = flow;
    p.dir = dir;
    p.payload = payload;
    p.tcp_flags = flags;
    p.seq = seq;
    p.ack = ack;
    t.packets.push_back(p);
  };
  add(1'000'000'000, 0, 0, 0, capture::kTcpSyn, 0, 0);
  add(1'020'000'000, 0, 1, 0, capture::kTcpSyn | capture::kTcpAck, 0, 1);
  add(1'020'100'000, 0, 0, 0, capture::kTcpAck, 1, 1);
  add(1'021'000'000, 0, 0, 517, capture::kTcpAck | kTcpPsh, 1, 1);
  add(1'041'000'000, 0, 1, 1448, capture::kTcpAck, 1, 518);
  add(1'050'000'000, 1, 0, 171, 0, 0, 0);
  add(1'060'000'000, 1, 1, 13, 0, 0, 0);
  return t;
}

TEST(Checksum, MatchesTheRfc1071Example) {
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_finish(checksum_add(0, bytes)), static_cast<uint16_t>(~0xddf2));
}

TEST(FrameBuilder, BuildsValidHeadersAndChecksumsForWholeFrames) {
  const Trace t = small_trace();
  FrameBuilder b(t, MacAddress{{8, 0, 0x27, 1, 2, 3}}, MacAddress{{0, 0x1a, 0x2b, 4, 5, 6}}, true, 42);
  for (size_t i = 0; i < t.packets.size(); ++i) {
    const auto f = b.build(i, 65535);
    std::vector<uint8_t> bytes(f.bytes.begin(), f.bytes.end());
    ASSERT_EQ(bytes.size(), f.wire_len) << i;
    const FlowSpec& flow = t.flows[t.packets[i].flow];
    EXPECT_EQ(f.wire_len, frame_length(flow, t.packets[i])) << i;
    EXPECT_TRUE(transport_checksum_ok(bytes)) << "packet " << i;
    if (flow.client.addr.version == 4) {
      EXPECT_EQ(be16(&bytes[12]), 0x0800);
      EXPECT_EQ(ipv4_header_checksum(std::span<const uint8_t>(&bytes[14], 20)), 0) << i;
      EXPECT_EQ(be16(&bytes[16]), ip_length(flow, t.packets[i]));
    } else {
      EXPECT_EQ(be16(&bytes[12]), 0x86dd);
      EXPECT_EQ(be16(&bytes[18]) + 40u, ip_length(flow, t.packets[i]));
    }
  }
}

TEST(FrameBuilder, TcpSequenceAckAndOptionsFollowTheTrace) {
  const Trace t = small_trace();
  FrameBuilder b(t, MacAddress{}, MacAddress{}, false, 1);
  auto frame = [&](size_t i) {
    const auto f = b.build(i, 65535);
    return std::vector<uint8_t>(f.bytes.begin(), f.bytes.end());
  };
  const auto syn = frame(0);
  const uint8_t* tcp = &syn[34];
  EXPECT_EQ(be16(tcp), 50000);
  EXPECT_EQ(be16(tcp + 2), 443);
  EXPECT_EQ(be32(tcp + 4), 1000u);
  EXPECT_EQ(tcp[13], capture::kTcpSyn);
  EXPECT_EQ(tcp[12] >> 4, 10);  // 40-byte header: MSS, SACK-permitted, timestamps, window scale
  EXPECT_EQ(tcp[20], 2);        // MSS option first
  EXPECT_EQ(be16(tcp + 22), 1460);
  const auto synack = frame(1);
  EXPECT_EQ(be32(&synack[34 + 4]), 0xfffffff0u);
  EXPECT_EQ(be32(&synack[34 + 8]), 1001u);
  frame(2);
  frame(3);
  const auto data = frame(4);
  EXPECT_EQ(be32(&data[34 + 4]), 0xfffffff1u);  // server ISN + 1
  EXPECT_EQ(be32(&data[34 + 8]), 1000u + 518u);
  EXPECT_EQ(be16(&data[16]), 20 + 32 + 1448);
  EXPECT_TRUE(transport_checksum_ok(data));  // zero payload: the checksum still covers it
}

TEST(FrameBuilder, HeadersOnlyFramesStopAtTheSnaplenButKeepTheirLength) {
  const Trace t = small_trace();
  FrameBuilder b(t, MacAddress{}, MacAddress{}, false, 1);
  for (size_t i = 0; i < 4; ++i) b.build(i, 96);
  const auto f = b.build(4, 96);
  EXPECT_EQ(f.bytes.size(), 96u);
  EXPECT_EQ(f.wire_len, 14u + 20 + 32 + 1448);
  EXPECT_EQ(ipv4_header_checksum(f.bytes.subspan(14, 20)), 0);
}

TEST(FrameBuilder, PadsShortReceivedFramesTo60Bytes) {
  Trace t = small_trace();
  t.flows[0].tcp_timestamps = false;
  FrameBuilder b(t, MacAddress{}, MacAddress{}, false, 1);
  const auto syn = b.build(0, 65535);
  EXPECT_EQ(syn.wire_len, 14u + 20 + 32);  // sent: as the stack handed it over
  b.build(1, 65535);
  const auto ack = b.build(2, 65535);
  EXPECT_EQ(ack.wire_len, 54u);            // sent pure ACK, not padded
  Trace r = small_trace();
  r.flows[0].tcp_timestamps = false;
  r.packets[2].dir = 1;                    // the same ACK received: padded on the wire
  FrameBuilder c(r, MacAddress{}, MacAddress{}, false, 1);
  c.build(0, 65535);
  c.build(1, 65535);
  const auto padded = c.build(2, 65535);
  EXPECT_EQ(padded.wire_len, 60u);
  EXPECT_EQ(be16(&padded.bytes[16]), 40);  // the IP length stays true
}

// An OpenVPN-over-TCP tunnel: a 1452-byte record cut into 1448 + 4 bytes, then
// a 100-byte record; and a WireGuard tunnel over UDP with two handshakes.
Trace tunnel_trace() {
  Trace t;
  FlowSpec ovpn;
  ovpn.proto = capture::kProtoTcp;
  ovpn.client = {v4(10, 0, 2, 15), 41000};
  ovpn.server = {v4(185, 159, 157, 1), 1194};
  ovpn.tunnel_id = 0x000105;
  ovpn.tunnel_first_counter[0] = 7;
  ovpn.tunnel_first_counter[1] = 900;
  t.add_flow(ovpn);
  FlowSpec wg;
  wg.proto = capture::kProtoUdp;
  wg.client = {v6(1), 40000};
  wg.server = {v6(2), 51820};
  wg.tunnel_id = 0xabcdef;
  t.add_flow(wg);
  auto add = [&](uint32_t flow, uint8_t dir, uint16_t payload, PayloadHeader header, uint16_t record_len = 0) {
    SynthPacket p;
    p.ts_ns = 1'000'000'000 + static_cast<int64_t>(t.packets.size()) * 1'000'000;
    p.flow = flow;
    p.dir = dir;
    p.payload = payload;
    p.header = header;
    p.record_len = record_len;
    if (flow == 0) p.tcp_flags = capture::kTcpAck;
    t.packets.push_back(p);
  };
  add(0, 1, 1448, PayloadHeader::openvpn_data, 1452);
  add(0, 1, 4, PayloadHeader::none);
  add(0, 1, 100, PayloadHeader::openvpn_data, 100);
  add(0, 0, 42, PayloadHeader::openvpn_data, 42);
  add(1, 0, 148, PayloadHeader::wireguard_initiation);
  add(1, 1, 92, PayloadHeader::wireguard_response);
  add(1, 0, 32, PayloadHeader::wireguard_data);
  add(1, 1, 96, PayloadHeader::wireguard_data);
  add(1, 0, 64, PayloadHeader::wireguard_data);
  add(1, 0, 148, PayloadHeader::wireguard_initiation);
  add(1, 1, 92, PayloadHeader::wireguard_response);
  add(1, 0, 32, PayloadHeader::wireguard_data);
  return t;
}

uint32_t le32(const uint8_t* p) { return static_cast<uint32_t>(p[0] | p[1] << 8 | p[2] << 16 | p[3] << 24); }

TEST(FrameBuilder, OpenVpnOverTcpRecordsStartWithLengthOpcodePeerIdAndPacketId) {
  const Trace t = tunnel_trace();
  for (const bool random : {false, true}) {
    FrameBuilder b(t, MacAddress{}, MacAddress{}, random, 1);
    std::vector<std::vector<uint8_t>> f;
    for (size_t i = 0; i < 4; ++i) {
      const auto frame = b.build(i, 65535);
      f.emplace_back(frame.bytes.begin(), frame.bytes.end());
      EXPECT_TRUE(transport_checksum_ok(f.back())) << i;
    }
    const size_t payload = 14 + 20 + 32;
    EXPECT_EQ(be16(&f[0][payload]), 1450);  // the record's length after the prefix, beyond this segment
    EXPECT_EQ(f[0][payload + 2], 0x48);     // P_DATA_V2, key id 0
    EXPECT_EQ(be32(&f[0][payload + 2]) & 0xffffff, 0x000105u);
    EXPECT_EQ(be32(&f[0][payload + 6]), 900u);
    if (!random) {
      EXPECT_EQ(be32(&f[1][payload]), 0u);  // the record's last 4 bytes: no header
    }
    EXPECT_EQ(be16(&f[2][payload]), 98);
    EXPECT_EQ(be32(&f[2][payload + 6]), 901u);
    EXPECT_EQ(be32(&f[3][payload + 6]), 7u);  // each side counts its own packets
  }
}

TEST(FrameBuilder, TunnelHeadersCountInTheChecksumOfFramesCutBeforeTheirEnd) {
  const Trace t = tunnel_trace();
  FrameBuilder whole(t, MacAddress{}, MacAddress{}, false, 1);
  FrameBuilder cut(t, MacAddress{}, MacAddress{}, false, 1);
  for (size_t i = 0; i < t.packets.size(); ++i) {
    const bool tcp = t.flows[t.packets[i].flow].proto == capture::kProtoTcp;
    const size_t payload = tcp ? 14 + 20 + 32 : 14 + 40 + 8;
    const auto w = whole.build(i, 65535);
    const std::vector<uint8_t> full(w.bytes.begin(), w.bytes.end());
    ASSERT_TRUE(transport_checksum_ok(full)) << i;
    // Cut 3 bytes into the payload, inside every header.
    const auto c = cut.build(i, static_cast<uint32_t>(payload + 3));
    ASSERT_EQ(c.bytes.size(), payload + 3) << i;
    const size_t check = tcp ? 14 + 20 + 16 : 14 + 40 + 6;
    EXPECT_EQ(be16(&c.bytes[check]), be16(&full[check])) << i;
    EXPECT_TRUE(std::equal(c.bytes.begin(), c.bytes.end(), full.begin())) << i;
  }
}

TEST(FrameBuilder, WireGuardMessagesCarryTypeIndicesAndPerSessionCounters) {
  const Trace t = tunnel_trace();
  FrameBuilder b(t, MacAddress{}, MacAddress{}, true, 3);  // random payloads: headers still written
  std::vector<std::vector<uint8_t>> f;
  for (size_t i = 0; i < t.packets.size(); ++i) {
    const auto frame = b.build(i, 65535);
    f.emplace_back(frame.bytes.begin(), frame.bytes.end());
    EXPECT_TRUE(transport_checksum_ok(f.back())) << i;
  }
  const size_t w = 14 + 40 + 8;
  auto word = [&](size_t i, size_t at) { return le32(&f[i][w + at]); };
  EXPECT_EQ(word(4, 0), 1u);  // initiation: type 1, reserved zeros
  EXPECT_EQ(word(5, 0), 2u);
  EXPECT_EQ(word(5, 8), word(4, 4));  // the response names the initiator's index
  const uint32_t client = word(4, 4);
  const uint32_t server = word(5, 4);
  EXPECT_NE(client, server);
  EXPECT_EQ(word(6, 0), 4u);
  EXPECT_EQ(word(6, 4), server);  // transport data names the receiver's index
  EXPECT_EQ(word(7, 4), client);
  EXPECT_EQ(word(6, 8), 0u);      // counters per side and session
  EXPECT_EQ(word(7, 8), 0u);
  EXPECT_EQ(word(8, 8), 1u);
  EXPECT_EQ(word(10, 8), word(9, 4));  // a new handshake: new indices, counters from 0
  EXPECT_NE(word(9, 4), client);
  EXPECT_EQ(word(11, 4), word(10, 4));
  EXPECT_EQ(word(11, 8), 0u);
}

}  // namespace
}  // namespace flowspike::synth
