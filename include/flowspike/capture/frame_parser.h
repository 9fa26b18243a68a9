// Dissects one captured frame into the IP packet flowspike keeps (time, IP
// length, 5-tuple, TCP flags, fragment fields) or the reason it cannot be used.
// Works on bytes only and knows nothing of libpcap, so every header path is
// testable from an inline byte array. Stateless and allocation-free; safe to
// call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "flowspike/capture/packet.h"
#include "flowspike/capture/parse_report.h"

namespace flowspike::capture {

// Link-layer type codes (DLT values as pcap_datalink() reports them on Linux,
// plus the LINKTYPE values that mean the same thing) that flowspike decodes.
namespace link_type {
inline constexpr int kNull = 0;           // BSD loopback: 4-byte address family, writer's byte order
inline constexpr int kEthernet = 1;       // DLT_EN10MB, with VLAN tags, MPLS, PPPoE, 802.2 SNAP
inline constexpr int kRaw = 12;           // DLT_RAW on Linux: raw IPv4 or IPv6
inline constexpr int kRawBsd = 14;        // DLT_RAW on OpenBSD/BSD/OS
inline constexpr int kRawLinktype = 101;  // LINKTYPE_RAW (libpcap maps it to DLT_RAW when reading)
inline constexpr int kLoop = 108;         // OpenBSD loopback: 4-byte address family, network order
inline constexpr int kLinuxSll = 113;     // Linux "cooked" capture, v1 (16-byte header)
inline constexpr int kIpv4 = 228;         // raw IPv4 only
inline constexpr int kIpv6 = 229;         // raw IPv6 only
inline constexpr int kLinuxSll2 = 276;    // Linux "cooked" capture, v2 (20-byte header)
}  // namespace link_type

// True for every link type parse_frame() decodes.
bool link_type_supported(int link_type);

// How a fragment belongs to its IP datagram. Unset for unfragmented packets and
// for atomic fragments (offset 0, no more fragments), which are whole datagrams.
struct FragmentInfo {
  bool is_fragment = false;   // part of a datagram split into several fragments
  uint32_t id = 0;            // IPv4 identification or IPv6 fragment-header identification
  uint32_t offset = 0;        // byte offset of this fragment's data in the datagram
  uint32_t data_len = 0;      // bytes of datagram data this fragment carries
  bool more = false;          // more fragments follow (MF / M flag)
  uint8_t next_header = 0;    // IPv4 protocol / IPv6 fragment header's next header (part of the datagram key)
};

// The result of dissecting one frame.
struct DissectedFrame {
  Packet packet;                   // ts, sizes and 5-tuple; ports 0 and proto = next_header for later fragments
  FragmentInfo fragment;
  bool length_from_frame = false;  // the IP length field was 0 (TSO/GSO, jumbogram); ip_len = frame length - link header
};

// Dissects the frame `bytes` (the captured part, possibly shorter than the
// frame on the wire, `wire_len`) of the given link type. On success fills
// `out` (overwriting every field; capture stays -1) and returns nullopt;
// otherwise returns why the frame carries no usable IP packet (and `out`
// holds partial results).
std::optional<DropReason> parse_frame(int link_type, std::span<const uint8_t> bytes, uint32_t wire_len,
                                      int64_t ts_ns, DissectedFrame& out);

// The same, writing straight into the caller's packet (the reader's hot path
// saves a copy per packet).
std::optional<DropReason> parse_frame(int link_type, std::span<const uint8_t> bytes, uint32_t wire_len,
                                      int64_t ts_ns, Packet& packet, FragmentInfo& fragment, bool& length_from_frame);

}  // namespace flowspike::capture
