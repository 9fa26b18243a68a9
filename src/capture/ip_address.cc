// IpAddress: factories, parsing (inet_pton) and RFC 5952 text.
#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

#include "flowspike/capture/packet.h"
#include "flowspike/common/error.h"

namespace flowspike::capture {

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  ip.version = 4;
  return ip;
}

IpAddress IpAddress::v4_from_bytes(const uint8_t* p) {
  IpAddress ip;
  std::memcpy(ip.bytes.data(), p, 4);
  ip.version = 4;
  return ip;
}

IpAddress IpAddress::v6_from_bytes(const uint8_t* p) {
  IpAddress ip;
  std::memcpy(ip.bytes.data(), p, 16);
  ip.version = 6;
  return ip;
}

IpAddress IpAddress::parse(const std::string& text) {
  IpAddress ip;
  if (text.find(':') == std::string::npos) {
    if (::inet_pton(AF_INET, text.c_str(), ip.bytes.data()) == 1) {
      ip.version = 4;
      return ip;
    }
  } else if (::inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) == 1) {
    ip.version = 6;
    return ip;
  }
  throw Error(fmt::format("'{}' is not an IPv4 or IPv6 address", text));
}

std::string IpAddress::to_string() const {
  if (version == 4) return fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
  if (version != 6) return "-";

  uint16_t words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);

  // RFC 5952 4.2: "::" replaces the longest run of two or more zero words, the first such run on a tie.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  // RFC 5952 5: IPv4-mapped addresses end in dotted-quad notation.
  bool mapped = best_start == 0 && best_len == 5 && words[5] == 0xffff;

  std::string out;
  out.reserve(40);
  int last_word = mapped ? 6 : 8;
  for (int i = 0; i < last_word; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", words[i]);
  }
  if (mapped) out += fmt::format(":{}.{}.{}.{}", bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

}  // namespace flowspike::capture
