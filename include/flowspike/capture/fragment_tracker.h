// Puts IP fragments into their flow without reassembling them. The head
// fragment (offset 0) carries the transport ports; the tracker remembers them
// under the datagram key (version, src, dst, id, next header) and hands them to
// the later fragments of the same datagram. Each fragment stays a packet of its
// own with its own ip_len. Memory is bounded: an entry is forgotten once every
// byte of its datagram has been seen, after a timeout, or when the table is
// full (oldest first). One tracker per capture file; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "flowspike/capture/frame_parser.h"

namespace flowspike::capture {

struct FragmentTrackerOptions {
  int64_t timeout_ns = 30'000'000'000;  // forget a datagram this long after its last fragment (Linux ipfrag_time)
  size_t max_datagrams = 4096;          // datagrams remembered at once; the oldest goes first when full
};

class FragmentTracker {
 public:
  explicit FragmentTracker(FragmentTrackerOptions options = {});

  // Completes the flow key of a fragment in place: a head fragment is
  // remembered, a later fragment gets the head's protocol and ports. Returns
  // fragment_without_head for a later fragment whose head is not remembered
  // (never seen, timed out, or already complete). Unfragmented packets pass.
  std::optional<DropReason> resolve(Packet& packet, const FragmentInfo& fragment);
  std::optional<DropReason> resolve(DissectedFrame& frame) { return resolve(frame.packet, frame.fragment); }

  size_t remembered() const { return datagrams_.size(); }
  void clear() { datagrams_.clear(); }

 private:
  struct Key {
    IpAddress src, dst;
    uint32_t id = 0;
    uint8_t next_header = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  struct Datagram {
    uint8_t proto = 0;          // transport protocol found in the head
    uint16_t sport = 0, dport = 0;
    int64_t last_ns = 0;        // time of the latest fragment
    uint64_t seen_bytes = 0;    // datagram data seen so far (duplicates count twice)
    uint64_t total_bytes = 0;   // datagram data length, known once the last fragment arrived; 0 before
  };

  void make_room(int64_t now_ns);

  FragmentTrackerOptions options_;
  std::unordered_map<Key, Datagram, KeyHash> datagrams_;
};

}  // namespace flowspike::capture
