// parse_frame: link layer -> IPv4/IPv6 (+ extension headers) -> TCP/UDP ports.
// Every read is bounds-checked against the captured bytes; a frame that ends
// inside a header we need is truncated_header, a field that cannot be valid is
// malformed_header. Only the bytes actually read must be captured: TCP needs
// its first 14 bytes (ports, data offset, flags), UDP its first 4 (ports).
#include "flowspike/capture/frame_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace flowspike::capture {
namespace {

using Result = std::optional<DropReason>;
constexpr Result kOk = std::nullopt;

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;      // 802.1Q
constexpr uint16_t kEtherQinq = 0x88a8;      // 802.1ad service tag
constexpr uint16_t kEtherVlan9100 = 0x9100;  // pre-standard QinQ
constexpr uint16_t kEtherMpls = 0x8847;
constexpr uint16_t kEtherMplsMulticast = 0x8848;
constexpr uint16_t kEtherPppoeSession = 0x8864;
constexpr uint16_t kEtherMaxLength = 1500;   // 802.3: type fields up to here are frame lengths
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;

constexpr uint8_t kIp6HopByHop = 0;
constexpr uint8_t kIp6Routing = 43;
constexpr uint8_t kIp6Fragment = 44;
constexpr uint8_t kIp6DestOptions = 60;
constexpr uint8_t kIp6NoNextHeader = 59;
constexpr uint8_t kIp6OptPad1 = 0;
constexpr uint8_t kIp6OptJumbo = 0xc2;

constexpr uint32_t kAfInet = 2;

// AF_INET6 differs by the OS that wrote a BSD loopback header:
// Linux 10, NetBSD/OpenBSD/BSD/OS 24, FreeBSD/DragonFly 28, Darwin 30.
bool is_af_inet6(uint32_t af) { return af == 10 || af == 24 || af == 28 || af == 30; }

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
uint32_t le32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | uint32_t{p[0]};
}

void set_address(IpAddress& ip, const uint8_t* p, size_t n, uint8_t version) {
  ip.bytes = {};
  std::memcpy(ip.bytes.data(), p, n);
  ip.version = version;
}

enum class IpVersion { v4, v6, from_header };

class Dissector {
 public:
  Dissector(std::span<const uint8_t> bytes, uint32_t wire_len, Packet& packet, FragmentInfo& fragment,
            bool& length_from_frame)
      : p_(bytes.data()),
        size_(bytes.size()),
        frame_len_(std::max<uint64_t>(wire_len, bytes.size())),
        pkt_(packet),
        fragment_(fragment),
        length_from_frame_(length_from_frame) {}

  Result run(int type) {
    switch (type) {
      case link_type::kEthernet: return ethernet();
      case link_type::kLinuxSll:
        if (!has(0, 16)) return DropReason::truncated_header;
        return ether_payload(be16(p_ + 14), 16);
      case link_type::kLinuxSll2:
        if (!has(0, 20)) return DropReason::truncated_header;
        return ether_payload(be16(p_), 20);
      case link_type::kRaw:
      case link_type::kRawBsd:
      case link_type::kRawLinktype: return ip(0, IpVersion::from_header);
      case link_type::kIpv4: return ip(0, IpVersion::v4);
      case link_type::kIpv6: return ip(0, IpVersion::v6);
      case link_type::kNull: {
        if (!has(0, 4)) return DropReason::truncated_header;
        // Written in the capturing host's byte order; address families are small numbers.
        uint32_t af = le32(p_);
        if (af > 0xffff) af = be32(p_);
        return address_family(af);
      }
      case link_type::kLoop:
        if (!has(0, 4)) return DropReason::truncated_header;
        return address_family(be32(p_));
      default: return DropReason::unknown_link_type;
    }
  }

 private:
  bool has(size_t off, size_t n) const { return off <= size_ && n <= size_ - off; }
  // Frame bytes from `off` on, as the wire saw them.
  uint64_t frame_len_from(size_t off) const { return frame_len_ > off ? frame_len_ - off : 0; }

  Result ethernet() {
    if (!has(0, 14)) return DropReason::truncated_header;
    uint16_t type = be16(p_ + 12);
    if (type <= kEtherMaxLength) {
      // 802.3 length field: only 802.2 LLC/SNAP with an Ethernet type carries IP.
      if (!has(14, 8)) return DropReason::truncated_header;
      const uint8_t* llc = p_ + 14;
      bool snap = llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03 && llc[3] == 0 && llc[4] == 0 && llc[5] == 0;
      if (!snap) return DropReason::not_ip;
      return ether_payload(be16(llc + 6), 22);
    }
    return ether_payload(type, 14);
  }

  // Follows VLAN tags, MPLS labels and PPPoE down to the IP header.
  Result ether_payload(uint16_t type, size_t off) {
    for (;;) {
      switch (type) {
        case kEtherIpv4: return ip(off, IpVersion::v4);
        case kEtherIpv6: return ip(off, IpVersion::v6);
        case kEtherVlan:
        case kEtherQinq:
        case kEtherVlan9100:
          if (!has(off, 4)) return DropReason::truncated_header;
          type = be16(p_ + off + 2);
          off += 4;
          continue;
        case kEtherMpls:
        case kEtherMplsMulticast: return mpls(off);
        case kEtherPppoeSession: {
          if (!has(off, 8)) return DropReason::truncated_header;
          uint16_t ppp = be16(p_ + off + 6);
          if (ppp == kPppIpv4) return ip(off + 8, IpVersion::v4);
          if (ppp == kPppIpv6) return ip(off + 8, IpVersion::v6);
          return DropReason::not_ip;
        }
        default: return DropReason::not_ip;
      }
    }
  }

  Result mpls(size_t off) {
    for (;;) {
      if (!has(off, 4)) return DropReason::truncated_header;
      bool bottom_of_stack = (p_[off + 2] & 0x01) != 0;
      off += 4;
      if (bottom_of_stack) break;
    }
    // MPLS does not say what it carries; IP is recognised by its version nibble,
    // anything else (a pseudowire control word, Ethernet over MPLS) is not IP.
    if (!has(off, 1)) return DropReason::truncated_header;
    switch (p_[off] >> 4) {
      case 4: return ip(off, IpVersion::v4);
      case 6: return ip(off, IpVersion::v6);
      default: return DropReason::not_ip;
    }
  }

  Result address_family(uint32_t af) {
    if (af == kAfInet) return ip(4, IpVersion::v4);
    if (is_af_inet6(af)) return ip(4, IpVersion::v6);
    return DropReason::not_ip;
  }

  Result ip(size_t off, IpVersion version) {
    if (version == IpVersion::from_header) {
      if (!has(off, 1)) return DropReason::truncated_header;
      switch (p_[off] >> 4) {
        case 4: return ipv4(off);
        case 6: return ipv6(off);
        default: return DropReason::malformed_header;
      }
    }
    return version == IpVersion::v4 ? ipv4(off) : ipv6(off);
  }

  Result ipv4(size_t off) {
    if (!has(off, 20)) return DropReason::truncated_header;
    const uint8_t* h = p_ + off;
    if (h[0] >> 4 != 4) return DropReason::malformed_header;
    uint32_t header_len = (h[0] & 0x0fu) * 4;
    if (header_len < 20) return DropReason::malformed_header;
    uint64_t total = be16(h + 2);
    if (total == 0) {
      // TSO/GSO: the stack hands the capture a super-packet before filling in the length.
      total = frame_len_from(off);
      length_from_frame_ = true;
    }
    if (total < header_len) return DropReason::malformed_header;
    if (!has(off, header_len)) return DropReason::truncated_header;

    Packet& pkt = pkt_;
    pkt.ip_len = static_cast<uint32_t>(std::min<uint64_t>(total, std::numeric_limits<uint32_t>::max()));
    pkt.proto = h[9];
    set_address(pkt.src, h + 12, 4, 4);
    set_address(pkt.dst, h + 16, 4, 4);

    uint16_t frag = be16(h + 6);
    uint32_t frag_offset = (frag & 0x1fffu) * 8;
    bool more = (frag & 0x2000) != 0;
    auto data_len = static_cast<uint32_t>(pkt.ip_len - header_len);
    if (frag_offset != 0 || more) {
      fragment_ = FragmentInfo{true, be16(h + 4), frag_offset, data_len, more, h[9]};
      if (frag_offset != 0) return kOk;  // ports live in the head fragment
    }
    return transport(off + header_len, h[9], data_len);
  }

  Result ipv6(size_t off) {
    if (!has(off, 40)) return DropReason::truncated_header;
    const uint8_t* h = p_ + off;
    if (h[0] >> 4 != 6) return DropReason::malformed_header;
    Packet& pkt = pkt_;
    set_address(pkt.src, h + 8, 16, 6);
    set_address(pkt.dst, h + 24, 16, 6);

    uint8_t next = h[6];
    size_t pos = off + 40;
    uint64_t ip_len = 40 + uint64_t{be16(h + 4)};
    if (ip_len == 40 && next != kIp6NoNextHeader) {
      // Payload length 0 with a payload: a jumbogram (RFC 2675), whose length is a
      // hop-by-hop option, or a TSO/GSO super-packet, whose length only the frame knows.
      std::optional<uint32_t> jumbo;
      if (next == kIp6HopByHop) {
        if (!has(pos, 2)) return DropReason::truncated_header;
        size_t len = (p_[pos + 1] + 1u) * 8;
        if (!has(pos, len)) return DropReason::truncated_header;
        jumbo = jumbo_length(p_ + pos, len);
      }
      if (jumbo) {
        ip_len = 40 + uint64_t{*jumbo};
      } else {
        ip_len = frame_len_from(off);
        length_from_frame_ = true;
      }
      if (ip_len > std::numeric_limits<uint32_t>::max()) return DropReason::malformed_header;
    }
    pkt.ip_len = static_cast<uint32_t>(ip_len);
    const uint64_t end = off + ip_len;

    for (;;) {
      switch (next) {
        case kIp6HopByHop:
        case kIp6Routing:
        case kIp6DestOptions: {
          if (!has(pos, 2)) return DropReason::truncated_header;
          size_t len = (p_[pos + 1] + 1u) * 8;
          if (pos + len > end) return DropReason::malformed_header;
          next = p_[pos];
          pos += len;
          continue;
        }
        case kIp6Fragment: {
          if (!has(pos, 8)) return DropReason::truncated_header;
          if (pos + 8 > end) return DropReason::malformed_header;
          const uint8_t* f = p_ + pos;
          uint32_t frag_offset = be16(f + 2) & 0xfff8u;
          bool more = (f[3] & 0x01) != 0;
          next = f[0];
          pos += 8;
          if (frag_offset != 0 || more) {  // else an atomic fragment (RFC 6946): a whole datagram
            fragment_ = FragmentInfo{true, be32(f + 4), frag_offset, static_cast<uint32_t>(end - pos), more, next};
            if (frag_offset != 0) {
              pkt.proto = next;
              return kOk;
            }
          }
          continue;
        }
        default: return transport(pos, next, end - pos);
      }
    }
  }

  // The Jumbo Payload option's value, if the hop-by-hop header holds one.
  static std::optional<uint32_t> jumbo_length(const uint8_t* hbh, size_t len) {
    size_t i = 2;
    while (i < len) {
      if (hbh[i] == kIp6OptPad1) {
        ++i;
        continue;
      }
      if (i + 2 > len) break;
      uint8_t opt_len = hbh[i + 1];
      if (hbh[i] == kIp6OptJumbo && opt_len == 4 && i + 6 <= len) return be32(hbh + i + 2);
      i += 2 + opt_len;
    }
    return std::nullopt;
  }

  Result transport(size_t off, uint8_t proto, uint64_t data_len) {
    Packet& pkt = pkt_;
    pkt.proto = proto;
    if (proto == kProtoTcp) {
      if (data_len < 20) return DropReason::malformed_header;
      if (!has(off, 14)) return DropReason::truncated_header;
      const uint8_t* t = p_ + off;
      if (t[12] >> 4 < 5) return DropReason::malformed_header;
      pkt.sport = be16(t);
      pkt.dport = be16(t + 2);
      pkt.tcp_flags = t[13];
    } else if (proto == kProtoUdp) {
      if (data_len < 8) return DropReason::malformed_header;
      if (!has(off, 4)) return DropReason::truncated_header;
      pkt.sport = be16(p_ + off);
      pkt.dport = be16(p_ + off + 2);
    }
    return kOk;
  }

  const uint8_t* p_;
  size_t size_;
  uint64_t frame_len_;
  Packet& pkt_;
  FragmentInfo& fragment_;
  bool& length_from_frame_;
};

}  // namespace

bool link_type_supported(int type) {
  switch (type) {
    case link_type::kNull:
    case link_type::kEthernet:
    case link_type::kRaw:
    case link_type::kRawBsd:
    case link_type::kRawLinktype:
    case link_type::kLoop:
    case link_type::kLinuxSll:
    case link_type::kIpv4:
    case link_type::kIpv6:
    case link_type::kLinuxSll2: return true;
    default: return false;
  }
}

std::optional<DropReason> parse_frame(int link_type, std::span<const uint8_t> bytes, uint32_t wire_len,
                                      int64_t ts_ns, Packet& packet, FragmentInfo& fragment, bool& length_from_frame) {
  packet.ts_ns = ts_ns;
  packet.ip_len = 0;
  packet.wire_len = wire_len;
  packet.sport = 0;
  packet.dport = 0;
  packet.proto = 0;
  packet.tcp_flags = 0;
  packet.capture = -1;
  fragment = FragmentInfo{};
  length_from_frame = false;
  return Dissector(bytes, wire_len, packet, fragment, length_from_frame).run(link_type);
}

std::optional<DropReason> parse_frame(int link_type, std::span<const uint8_t> bytes, uint32_t wire_len,
                                      int64_t ts_ns, DissectedFrame& out) {
  return parse_frame(link_type, bytes, wire_len, ts_ns, out.packet, out.fragment, out.length_from_frame);
}

}  // namespace flowspike::capture
