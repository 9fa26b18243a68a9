// parse_frame on inline byte arrays: every link type, every header path, and
// truncation and malformation at each layer.
#include "flowspike/capture/frame_parser.h"

#include <gtest/gtest.h>

#include "capture/capture_writer.h"

namespace flowspike::capture {
namespace {

using testing::Bytes;
using testing::cat;

// --- Building blocks (each one header, as it appears on the wire) -----------

const Bytes kMacs = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
Bytes ether(uint16_t type) { return cat({kMacs, {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type)}}); }
Bytes vlan_tag(uint16_t next_type, uint16_t vid = 100) {
  return {static_cast<uint8_t>(vid >> 8), static_cast<uint8_t>(vid), static_cast<uint8_t>(next_type >> 8),
          static_cast<uint8_t>(next_type)};
}

// IPv4 192.168.1.2 -> 10.0.0.1, total length 60, id 0x1c46, DF, TCP.
const Bytes kIpv4Tcp = {0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
                        0x00, 0x00, 0xc0, 0xa8, 0x01, 0x02, 0x0a, 0x00, 0x00, 0x01};
// TCP 1234 -> 443, SYN|ACK, data offset 5.
const Bytes kTcp = {0x04, 0xd2, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0};
const Bytes kPayload20(20, 0xee);
const Bytes kIpv4TcpPacket = cat({kIpv4Tcp, kTcp, kPayload20});  // 60 bytes

// IPv6 2001:db8::1 -> 2001:db8::2, payload length 28, next header UDP, hop limit 64.
const Bytes kIpv6Addrs = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
                          0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
Bytes ipv6(uint16_t payload_len, uint8_t next) {
  return cat({{0x60, 0, 0, 0, static_cast<uint8_t>(payload_len >> 8), static_cast<uint8_t>(payload_len), next, 64},
              kIpv6Addrs});
}
// UDP 5353 -> 53, length 28.
const Bytes kUdp = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x1c, 0x00, 0x00};
const Bytes kIpv6UdpPacket = cat({ipv6(28, 17), kUdp, Bytes(20, 0x11)});  // 68 bytes

struct Parsed {
  std::optional<DropReason> reason;
  DissectedFrame frame;
};

Parsed parse(int link_type, const Bytes& bytes, uint32_t wire_len = 0) {
  Parsed p;
  p.reason = parse_frame(link_type, bytes, wire_len != 0 ? wire_len : static_cast<uint32_t>(bytes.size()), 42, p.frame);
  return p;
}

void expect_ipv4_tcp(const Parsed& p) {
  ASSERT_FALSE(p.reason.has_value()) << drop_reason_name(*p.reason);
  const Packet& pkt = p.frame.packet;
  EXPECT_EQ(pkt.src, IpAddress::v4(192, 168, 1, 2));
  EXPECT_EQ(pkt.dst, IpAddress::v4(10, 0, 0, 1));
  EXPECT_EQ(pkt.proto, kProtoTcp);
  EXPECT_EQ(pkt.sport, 1234);
  EXPECT_EQ(pkt.dport, 443);
  EXPECT_EQ(pkt.tcp_flags, kTcpSyn | kTcpAck);
  EXPECT_EQ(pkt.ip_len, 60u);
  EXPECT_EQ(pkt.ts_ns, 42);
  EXPECT_EQ(pkt.capture, -1);
  EXPECT_FALSE(p.frame.fragment.is_fragment);
  EXPECT_FALSE(p.frame.length_from_frame);
}

void expect_ipv6_udp(const Parsed& p) {
  ASSERT_FALSE(p.reason.has_value()) << drop_reason_name(*p.reason);
  const Packet& pkt = p.frame.packet;
  EXPECT_EQ(pkt.src, IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(pkt.dst, IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(pkt.proto, kProtoUdp);
  EXPECT_EQ(pkt.sport, 5353);
  EXPECT_EQ(pkt.dport, 53);
  EXPECT_EQ(pkt.tcp_flags, 0);
  EXPECT_EQ(pkt.ip_len, 68u);
}

void expect_fragment(const FragmentInfo& got, const FragmentInfo& want) {
  EXPECT_EQ(got.is_fragment, want.is_fragment);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.offset, want.offset);
  EXPECT_EQ(got.data_len, want.data_len);
  EXPECT_EQ(got.more, want.more);
  EXPECT_EQ(got.next_header, want.next_header);
}

// Every proper prefix of `frame` that ends before `needed` bytes is truncated_header.
void expect_truncated_below(int link_type, const Bytes& frame, size_t needed) {
  for (size_t cut = 0; cut < needed; ++cut) {
    Bytes prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(cut));
    Parsed p = parse(link_type, prefix, static_cast<uint32_t>(frame.size()));
    ASSERT_TRUE(p.reason.has_value()) << "cut at " << cut;
    EXPECT_EQ(*p.reason, DropReason::truncated_header) << "cut at " << cut;
  }
  Bytes exact(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(needed));
  EXPECT_FALSE(parse(link_type, exact, static_cast<uint32_t>(frame.size())).reason.has_value());
}

// --- Ethernet ---------------------------------------------------------------

TEST(FrameParser, EthernetIpv4Tcp) {
  Parsed p = parse(link_type::kEthernet, cat({ether(0x0800), kIpv4TcpPacket}));
  expect_ipv4_tcp(p);
  EXPECT_EQ(p.frame.packet.wire_len, 74u);
}

TEST(FrameParser, EthernetIpv6Udp) { expect_ipv6_udp(parse(link_type::kEthernet, cat({ether(0x86dd), kIpv6UdpPacket}))); }

TEST(FrameParser, EthernetArpIsNotIp) {
  Bytes arp = cat({ether(0x0806), Bytes(28, 0)});
  EXPECT_EQ(parse(link_type::kEthernet, arp).reason, DropReason::not_ip);
}

TEST(FrameParser, Ethernet8023WithoutSnapIsNotIp) {
  Bytes llc = cat({kMacs, {0x00, 0x26}, {0x42, 0x42, 0x03}, Bytes(35, 0)});  // spanning tree
  EXPECT_EQ(parse(link_type::kEthernet, llc).reason, DropReason::not_ip);
}

TEST(FrameParser, Ethernet8023SnapCarriesIp) {
  Bytes snap = cat({kMacs, {0x00, 0x44}, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00}, kIpv4TcpPacket});
  expect_ipv4_tcp(parse(link_type::kEthernet, snap));
}

TEST(FrameParser, SingleVlanTag) {
  expect_ipv4_tcp(parse(link_type::kEthernet, cat({ether(0x8100), vlan_tag(0x0800), kIpv4TcpPacket})));
}

TEST(FrameParser, QinQ8021ad) {
  expect_ipv6_udp(
      parse(link_type::kEthernet, cat({ether(0x88a8), vlan_tag(0x8100, 10), vlan_tag(0x86dd, 20), kIpv6UdpPacket})));
}

TEST(FrameParser, QinQ9100AndTripleStack) {
  expect_ipv4_tcp(parse(link_type::kEthernet, cat({ether(0x9100), vlan_tag(0x8100), vlan_tag(0x0800), kIpv4TcpPacket})));
  expect_ipv4_tcp(parse(link_type::kEthernet,
                        cat({ether(0x88a8), vlan_tag(0x9100), vlan_tag(0x8100), vlan_tag(0x0800), kIpv4TcpPacket})));
}

TEST(FrameParser, VlanWithNonIpInsideIsNotIp) {
  EXPECT_EQ(parse(link_type::kEthernet, cat({ether(0x8100), vlan_tag(0x0806), Bytes(28, 0)})).reason,
            DropReason::not_ip);
}

TEST(FrameParser, MplsSingleLabelIpv4) {
  Bytes label = {0x00, 0x01, 0x41, 0x40};  // label 20, bottom of stack, TTL 64
  expect_ipv4_tcp(parse(link_type::kEthernet, cat({ether(0x8847), label, kIpv4TcpPacket})));
}

TEST(FrameParser, MplsLabelStackIpv6) {
  Bytes top = {0x00, 0x01, 0x40, 0x40};     // not bottom of stack
  Bytes middle = {0x00, 0x02, 0x00, 0x40};  // not bottom of stack
  Bytes bottom = {0x00, 0x03, 0x01, 0x40};  // bottom of stack
  expect_ipv6_udp(parse(link_type::kEthernet, cat({ether(0x8848), top, middle, bottom, kIpv6UdpPacket})));
}

TEST(FrameParser, MplsAfterVlan) {
  Bytes label = {0x00, 0x01, 0x41, 0x40};
  expect_ipv4_tcp(parse(link_type::kEthernet, cat({ether(0x8100), vlan_tag(0x8847), label, kIpv4TcpPacket})));
}

TEST(FrameParser, MplsPseudowireIsNotIp) {
  Bytes label = {0x00, 0x01, 0x41, 0x40};
  Bytes control_word = {0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(parse(link_type::kEthernet, cat({ether(0x8847), label, control_word, ether(0x0800), kIpv4TcpPacket})).reason,
            DropReason::not_ip);
}

TEST(FrameParser, PppoeSession) {
  Bytes pppoe_v4 = {0x11, 0x00, 0x00, 0x01, 0x00, 0x3e, 0x00, 0x21};
  expect_ipv4_tcp(parse(link_type::kEthernet, cat({ether(0x8864), pppoe_v4, kIpv4TcpPacket})));
  Bytes pppoe_v6 = {0x11, 0x00, 0x00, 0x01, 0x00, 0x46, 0x00, 0x57};
  expect_ipv6_udp(parse(link_type::kEthernet, cat({ether(0x8864), pppoe_v6, kIpv6UdpPacket})));
  Bytes pppoe_lcp = {0x11, 0x00, 0x00, 0x01, 0x00, 0x06, 0xc0, 0x21};
  EXPECT_EQ(parse(link_type::kEthernet, cat({ether(0x8864), pppoe_lcp, Bytes(4, 0)})).reason, DropReason::not_ip);
}

TEST(FrameParser, EthernetTruncatedAtEveryLayer) {
  // Ethernet 14 + VLAN 4 + MPLS 4 + IPv4 20 + TCP 14 needed bytes.
  Bytes label = {0x00, 0x01, 0x41, 0x40};
  Bytes frame = cat({ether(0x8100), vlan_tag(0x8847), label, kIpv4TcpPacket});
  expect_truncated_below(link_type::kEthernet, frame, 14 + 4 + 4 + 20 + 14);
}

TEST(FrameParser, EthernetIpv6UdpTruncatedAtEveryLayer) {
  expect_truncated_below(link_type::kEthernet, cat({ether(0x86dd), kIpv6UdpPacket}), 14 + 40 + 4);
}

// --- Linux cooked captures ----------------------------------------------------

TEST(FrameParser, LinuxSll) {
  Bytes sll = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x08, 0x00};
  expect_ipv4_tcp(parse(link_type::kLinuxSll, cat({sll, kIpv4TcpPacket})));
  expect_truncated_below(link_type::kLinuxSll, cat({sll, kIpv4TcpPacket}), 16 + 20 + 14);
}

TEST(FrameParser, LinuxSllWithVlanTag) {
  Bytes sll = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x81, 0x00};
  expect_ipv6_udp(parse(link_type::kLinuxSll, cat({sll, vlan_tag(0x86dd), kIpv6UdpPacket})));
}

TEST(FrameParser, LinuxSllNonIpProtocol) {
  Bytes sll = {0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x08, 0x06};
  EXPECT_EQ(parse(link_type::kLinuxSll, cat({sll, Bytes(28, 0)})).reason, DropReason::not_ip);
}

TEST(FrameParser, LinuxSll2) {
  Bytes sll2 = {0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
                0x04, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00};
  expect_ipv6_udp(parse(link_type::kLinuxSll2, cat({sll2, kIpv6UdpPacket})));
  expect_truncated_below(link_type::kLinuxSll2, cat({sll2, kIpv6UdpPacket}), 20 + 40 + 4);
}

// --- Raw IP -------------------------------------------------------------------

TEST(FrameParser, RawIpEveryAlias) {
  for (int type : {link_type::kRaw, link_type::kRawBsd, link_type::kRawLinktype}) {
    SCOPED_TRACE(type);
    expect_ipv4_tcp(parse(type, kIpv4TcpPacket));
    expect_ipv6_udp(parse(type, kIpv6UdpPacket));
    EXPECT_EQ(parse(type, {}).reason, DropReason::truncated_header);
    Bytes version5 = kIpv4TcpPacket;
    version5[0] = 0x55;
    EXPECT_EQ(parse(type, version5).reason, DropReason::malformed_header);
  }
}

TEST(FrameParser, RawIpv4AndIpv6LinkTypesInsistOnTheirVersion) {
  expect_ipv4_tcp(parse(link_type::kIpv4, kIpv4TcpPacket));
  expect_ipv6_udp(parse(link_type::kIpv6, kIpv6UdpPacket));
  EXPECT_EQ(parse(link_type::kIpv4, kIpv6UdpPacket).reason, DropReason::malformed_header);
  EXPECT_EQ(parse(link_type::kIpv6, kIpv4TcpPacket).reason, DropReason::malformed_header);
}

// --- BSD loopback -------------------------------------------------------------

TEST(FrameParser, NullInEitherByteOrder) {
  expect_ipv4_tcp(parse(link_type::kNull, cat({{0x02, 0, 0, 0}, kIpv4TcpPacket})));  // little-endian writer
  expect_ipv4_tcp(parse(link_type::kNull, cat({{0, 0, 0, 0x02}, kIpv4TcpPacket})));  // big-endian writer
  for (uint8_t af6 : {10, 24, 28, 30}) {
    SCOPED_TRACE(static_cast<int>(af6));
    expect_ipv6_udp(parse(link_type::kNull, cat({{af6, 0, 0, 0}, kIpv6UdpPacket})));
    expect_ipv6_udp(parse(link_type::kNull, cat({{0, 0, 0, af6}, kIpv6UdpPacket})));
  }
  EXPECT_EQ(parse(link_type::kNull, cat({{0x07, 0, 0, 0}, Bytes(40, 0)})).reason, DropReason::not_ip);
  expect_truncated_below(link_type::kNull, cat({{0x02, 0, 0, 0}, kIpv4TcpPacket}), 4 + 20 + 14);
}

TEST(FrameParser, LoopInNetworkOrder) {
  expect_ipv4_tcp(parse(link_type::kLoop, cat({{0, 0, 0, 0x02}, kIpv4TcpPacket})));
  for (uint8_t af6 : {10, 24, 28, 30}) expect_ipv6_udp(parse(link_type::kLoop, cat({{0, 0, 0, af6}, kIpv6UdpPacket})));
  // LOOP is always network order: a little-endian family is not a family.
  EXPECT_EQ(parse(link_type::kLoop, cat({{0x02, 0, 0, 0}, kIpv4TcpPacket})).reason, DropReason::not_ip);
}

TEST(FrameParser, UnknownLinkType) {
  EXPECT_EQ(parse(147, cat({ether(0x0800), kIpv4TcpPacket})).reason, DropReason::unknown_link_type);
  EXPECT_FALSE(link_type_supported(147));
  for (int type : {0, 1, 12, 14, 101, 108, 113, 228, 229, 276}) EXPECT_TRUE(link_type_supported(type)) << type;
}

// --- IPv4 ---------------------------------------------------------------------

TEST(FrameParser, Ipv4WithOptions) {
  // IHL 7: 8 bytes of options (NOP NOP, timestamp-ish filler, EOL).
  Bytes ip = kIpv4Tcp;
  ip[0] = 0x47;
  ip[3] = 60 + 8;
  Bytes options = {0x01, 0x01, 0x44, 0x04, 0x05, 0x00, 0x00, 0x00};
  Bytes frame = cat({ether(0x0800), ip, options, kTcp, kPayload20});
  Parsed p = parse(link_type::kEthernet, frame);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 1234);
  EXPECT_EQ(p.frame.packet.dport, 443);
  EXPECT_EQ(p.frame.packet.ip_len, 68u);
  expect_truncated_below(link_type::kEthernet, frame, 14 + 28 + 14);
}

TEST(FrameParser, Ipv4SizeIsTotalLengthNotCapturedLength) {
  // A headers-only capture (snaplen 72) of a 1500-byte datagram.
  Bytes ip = kIpv4Tcp;
  ip[2] = 0x05;
  ip[3] = 0xdc;
  Bytes frame = cat({ether(0x0800), ip, kTcp, Bytes(18, 0)});
  ASSERT_EQ(frame.size(), 72u);
  Parsed p = parse(link_type::kEthernet, frame, 1514);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.ip_len, 1500u);
  EXPECT_EQ(p.frame.packet.wire_len, 1514u);
}

TEST(FrameParser, Ipv4ZeroTotalLengthFallsBackToFrameLength) {
  Bytes ip = kIpv4Tcp;
  ip[2] = 0;
  ip[3] = 0;
  Bytes frame = cat({ether(0x0800), ip, kTcp, Bytes(26, 0)});  // 80 bytes captured of a 9014-byte GSO frame
  Parsed p = parse(link_type::kEthernet, frame, 9014);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_TRUE(p.frame.length_from_frame);
  EXPECT_EQ(p.frame.packet.ip_len, 9000u);
  EXPECT_EQ(p.frame.packet.sport, 1234);
}

TEST(FrameParser, Ipv4Malformed) {
  auto with = [](size_t index, uint8_t value) {
    Bytes packet = kIpv4TcpPacket;
    packet[index] = value;
    return parse(link_type::kEthernet, cat({ether(0x0800), packet})).reason;
  };
  EXPECT_EQ(with(0, 0x44), DropReason::malformed_header);  // IHL 4
  EXPECT_EQ(with(0, 0x65), DropReason::malformed_header);  // version 6 behind ethertype IPv4
  EXPECT_EQ(with(3, 19), DropReason::malformed_header);    // total length below the header length
  EXPECT_EQ(with(3, 30), DropReason::malformed_header);    // room for only 10 bytes of TCP
  EXPECT_EQ(with(20 + 12, 0x40), DropReason::malformed_header);  // TCP data offset 4
}

TEST(FrameParser, OtherProtocolsHaveNoPorts) {
  Bytes ip = kIpv4Tcp;
  ip[9] = 1;  // ICMP
  ip[3] = 28;
  Bytes icmp = {0x08, 0x00, 0xf7, 0xff, 0x00, 0x01, 0x00, 0x00};
  Parsed p = parse(link_type::kEthernet, cat({ether(0x0800), ip, icmp}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.proto, 1);
  EXPECT_EQ(p.frame.packet.sport, 0);
  EXPECT_EQ(p.frame.packet.dport, 0);
  // ESP needs nothing beyond the IP header.
  ip[9] = 50;
  ip[3] = 60;
  Parsed esp = parse(link_type::kEthernet, cat({ether(0x0800), ip}), 74);
  ASSERT_FALSE(esp.reason.has_value());
  EXPECT_EQ(esp.frame.packet.proto, 50);
  EXPECT_EQ(esp.frame.packet.ip_len, 60u);
}

TEST(FrameParser, UdpTooShortIsMalformed) {
  Bytes ip = kIpv4Tcp;
  ip[9] = 17;
  ip[3] = 26;  // 6 bytes of UDP
  EXPECT_EQ(parse(link_type::kEthernet, cat({ether(0x0800), ip, Bytes{0, 53, 0, 53, 0, 6}})).reason,
            DropReason::malformed_header);
}

TEST(FrameParser, Ipv4HeadFragmentCarriesPorts) {
  Bytes ip = kIpv4Tcp;
  ip[6] = 0x20;  // MF, offset 0
  ip[7] = 0x00;
  Parsed p = parse(link_type::kEthernet, cat({ether(0x0800), ip, kTcp, kPayload20}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 1234);
  expect_fragment(p.frame.fragment, {true, 0x1c46, 0, 40, true, kProtoTcp});
}

TEST(FrameParser, Ipv4LaterFragmentHasNoPortsAndNeedsNoTransportHeader) {
  Bytes ip = kIpv4Tcp;
  ip[6] = 0x00;  // last fragment, offset 5 * 8 = 40
  ip[7] = 0x05;
  ip[3] = 28;
  Parsed p = parse(link_type::kEthernet, cat({ether(0x0800), ip, Bytes(8, 0x77)}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 0);
  EXPECT_EQ(p.frame.packet.proto, kProtoTcp);
  EXPECT_EQ(p.frame.packet.tcp_flags, 0);
  EXPECT_EQ(p.frame.packet.ip_len, 28u);
  expect_fragment(p.frame.fragment, {true, 0x1c46, 40, 8, false, kProtoTcp});
}

TEST(FrameParser, Ipv4DontFragmentIsNotAFragment) {
  Parsed p = parse(link_type::kEthernet, cat({ether(0x0800), kIpv4TcpPacket}));
  EXPECT_FALSE(p.frame.fragment.is_fragment);
}

// --- IPv6 extension headers ---------------------------------------------------

Bytes ext_header(uint8_t next, uint8_t len_units_minus_1 = 0) {
  Bytes h(static_cast<size_t>(len_units_minus_1 + 1) * 8, 0);
  h[0] = next;
  h[1] = len_units_minus_1;
  return h;
}
const Bytes kTcpPacketBody = cat({kTcp, kPayload20});  // 40 bytes

TEST(FrameParser, Ipv6HopByHop) {
  Bytes frame = cat({ether(0x86dd), ipv6(8 + 40, 0), ext_header(6), kTcpPacketBody});
  Parsed p = parse(link_type::kEthernet, frame);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.proto, kProtoTcp);
  EXPECT_EQ(p.frame.packet.sport, 1234);
  EXPECT_EQ(p.frame.packet.tcp_flags, kTcpSyn | kTcpAck);
  EXPECT_EQ(p.frame.packet.ip_len, 88u);
  expect_truncated_below(link_type::kEthernet, frame, 14 + 40 + 8 + 14);
}

TEST(FrameParser, Ipv6Routing) {
  Bytes routing = ext_header(17, 2);  // 24 bytes, e.g. type 0 with one address
  Parsed p = parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(24 + 28, 43), routing, kUdp, Bytes(20, 0)}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.proto, kProtoUdp);
  EXPECT_EQ(p.frame.packet.dport, 53);
}

TEST(FrameParser, Ipv6DestinationOptions) {
  Parsed p = parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(8 + 40, 60), ext_header(6), kTcpPacketBody}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.dport, 443);
}

TEST(FrameParser, Ipv6ChainOfAllExtensionHeaders) {
  Bytes frame = cat({ether(0x86dd), ipv6(8 + 16 + 8 + 8 + 40, 0), ext_header(43), ext_header(60, 1), ext_header(44),
                     ext_header(6), kTcpPacketBody});
  // ext_header(44) reads as a fragment header with offset 0, M 0: an atomic fragment.
  Parsed p = parse(link_type::kEthernet, frame);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 1234);
  EXPECT_FALSE(p.frame.fragment.is_fragment);
  expect_truncated_below(link_type::kEthernet, frame, 14 + 40 + 8 + 16 + 8 + 8 + 14);
}

TEST(FrameParser, Ipv6ExtensionHeaderBeyondPayloadIsMalformed) {
  Bytes frame = cat({ether(0x86dd), ipv6(8, 0), ext_header(60, 3), Bytes(40, 0)});  // 32-byte header, payload 8
  EXPECT_EQ(parse(link_type::kEthernet, frame).reason, DropReason::malformed_header);
}

Bytes fragment_header(uint8_t next, uint16_t offset_bytes, bool more, uint32_t id) {
  uint16_t field = static_cast<uint16_t>(offset_bytes | (more ? 1 : 0));
  return {next,
          0,
          static_cast<uint8_t>(field >> 8),
          static_cast<uint8_t>(field),
          static_cast<uint8_t>(id >> 24),
          static_cast<uint8_t>(id >> 16),
          static_cast<uint8_t>(id >> 8),
          static_cast<uint8_t>(id)};
}

TEST(FrameParser, Ipv6HeadFragment) {
  Parsed p =
      parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(8 + 40, 44), fragment_header(6, 0, true, 0xdeadbeef), kTcpPacketBody}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 1234);
  EXPECT_EQ(p.frame.packet.proto, kProtoTcp);
  expect_fragment(p.frame.fragment, {true, 0xdeadbeef, 0, 40, true, kProtoTcp});
}

TEST(FrameParser, Ipv6LaterFragment) {
  Parsed p = parse(link_type::kEthernet,
                   cat({ether(0x86dd), ipv6(8 + 16, 44), fragment_header(6, 1448, false, 7), Bytes(16, 0x55)}));
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.sport, 0);
  EXPECT_EQ(p.frame.packet.proto, kProtoTcp);
  EXPECT_EQ(p.frame.packet.ip_len, 64u);
  expect_fragment(p.frame.fragment, {true, 7, 1448, 16, false, kProtoTcp});
}

TEST(FrameParser, Ipv6JumbogramTakesItsLengthFromTheHopByHopOption) {
  // Hop-by-hop: next TCP, length 0 (8 bytes): Jumbo Payload option (0xc2, 4, 100000).
  Bytes hbh = {6, 0, 0xc2, 4, 0x00, 0x01, 0x86, 0xa0};
  Parsed p = parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(0, 0), hbh, kTcpPacketBody}), 14 + 40 + 100000);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.ip_len, 40u + 100000u);
  EXPECT_FALSE(p.frame.length_from_frame);
  EXPECT_EQ(p.frame.packet.sport, 1234);
}

TEST(FrameParser, Ipv6ZeroPayloadLengthFallsBackToFrameLength) {
  Parsed p = parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(0, 6), kTcpPacketBody}), 14 + 40 + 20000);
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_TRUE(p.frame.length_from_frame);
  EXPECT_EQ(p.frame.packet.ip_len, 40u + 20000u);
}

TEST(FrameParser, Ipv6NoNextHeaderWithEmptyPayload) {
  Parsed p = parse(link_type::kEthernet, cat({ether(0x86dd), ipv6(0, 59), Bytes(6, 0)}));  // Ethernet padding
  ASSERT_FALSE(p.reason.has_value());
  EXPECT_EQ(p.frame.packet.ip_len, 40u);
  EXPECT_EQ(p.frame.packet.proto, 59);
  EXPECT_FALSE(p.frame.length_from_frame);
}

TEST(FrameParser, Ipv6BadVersionIsMalformed) {
  Bytes packet = kIpv6UdpPacket;
  packet[0] = 0x40;
  EXPECT_EQ(parse(link_type::kEthernet, cat({ether(0x86dd), packet})).reason, DropReason::malformed_header);
}

TEST(FrameParser, ReusedOutputIsFullyOverwritten) {
  DissectedFrame out;
  Bytes head = kIpv4TcpPacket;
  head[6] = 0x20;
  ASSERT_FALSE(parse_frame(link_type::kRaw, head, 60, 1, out).has_value());
  ASSERT_TRUE(out.fragment.is_fragment);
  ASSERT_FALSE(parse_frame(link_type::kRaw, kIpv6UdpPacket, 68, 2, out).has_value());
  EXPECT_FALSE(out.fragment.is_fragment);
  EXPECT_EQ(out.packet.tcp_flags, 0);
  EXPECT_EQ(out.packet.ts_ns, 2);
  EXPECT_EQ(out.packet.src.version, 6);
}

}  // namespace
}  // namespace flowspike::capture
