// The parse report: how many packets a run read, used, and dropped, and why.
// Every stage that can discard a packet adds to the same report, so nothing is
// lost silently. Plain counters; merge per-thread copies with merge().
// Packets are counted once each: packets_read = packets_filtered +
// packets_used + total_dropped(). The picture stage's sizes_clipped and
// sizes_dropped count (packet, window picture) pairs instead, so they are kept
// apart from that sum: with overlapping windows one packet can count several
// times.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace flowspike::capture {

// Why the reader could not use a packet. Keep kDropReasonCount in sync.
enum class DropReason : uint8_t {
  not_ip,                 // ARP, LLDP, ... : no IPv4/IPv6 inside the frame
  unknown_link_type,      // the capture's link type is not one flowspike decodes
  truncated_header,       // the frame ends inside a link, IP or transport header
  malformed_header,       // a header with impossible fields (IHL < 5, bad version, ...)
  fragment_without_head,  // a later IP fragment whose first fragment was not seen
};
inline constexpr size_t kDropReasonCount = 5;

// Short snake_case name of a reason, as printed and written in JSON.
std::string_view drop_reason_name(DropReason reason);

struct ParseReport {
  uint64_t packets_read = 0;          // records read from captures
  uint64_t packets_filtered = 0;      // rejected by the user's BPF filter (not a drop)
  uint64_t packets_used = 0;          // IP packets assigned to a flow
  // Sizes above the last size-bin edge, once per window picture the packet is
  // in: counted in the last bin (presets paper, uniform) or left out of the
  // picture (preset authors). The packet itself stays used.
  uint64_t sizes_clipped = 0;
  uint64_t sizes_dropped = 0;
  // Earlier than the latest packet before them in the same file (reordered or
  // concatenated traces). Kept: they join their flows, which time out on the
  // latest timestamp seen, so nothing is lost; the count is a notice.
  uint64_t timestamps_backwards = 0;
  std::array<uint64_t, kDropReasonCount> dropped{};

  void drop(DropReason reason, uint64_t n = 1) { dropped[static_cast<size_t>(reason)] += n; }
  uint64_t dropped_count(DropReason reason) const { return dropped[static_cast<size_t>(reason)]; }
  uint64_t total_dropped() const;
  void merge(const ParseReport& other);
};

}  // namespace flowspike::capture
