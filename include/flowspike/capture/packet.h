// A packet as flowspike sees it: when it arrived, how large its IP datagram
// was, and the 5-tuple that places it in a flow. Payload bytes are never kept.
// Plain values, freely copied between threads.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace flowspike::capture {

// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes; the rest stay zero.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  uint8_t version = 0;  // 4 or 6; 0 for "no address"

  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress v4_from_bytes(const uint8_t* p);
  static IpAddress v6_from_bytes(const uint8_t* p);
  // Parses dotted-quad or RFC 4291 text; throws flowspike::Error if malformed.
  static IpAddress parse(const std::string& text);
  std::string to_string() const;  // dotted quad or RFC 5952 compressed IPv6

  auto operator<=>(const IpAddress&) const = default;
};

// Which way a packet travels relative to its flow's first packet.
enum class Direction : uint8_t { forward = 0, backward = 1 };

// IP protocol numbers flowspike names.
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;

// TCP flag bits as in the TCP header's flags byte.
inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpAck = 0x10;

// One IP packet reduced to size, time and 5-tuple.
struct Packet {
  int64_t ts_ns = 0;        // capture timestamp, nanoseconds since the Unix epoch
  uint32_t ip_len = 0;      // IP total length (IPv6: 40 + payload length), not the captured length
  uint32_t wire_len = 0;    // frame length on the wire as the capture records it
  IpAddress src, dst;
  uint16_t sport = 0;       // 0 for protocols without ports
  uint16_t dport = 0;
  uint8_t proto = 0;        // IP protocol number of the transport header
  uint8_t tcp_flags = 0;    // TCP flags byte; 0 for other protocols and later fragments
  int32_t capture = -1;     // index of the capture file within the run
};

}  // namespace flowspike::capture
