// Builds the bytes of Ethernet + IPv4/IPv6 + TCP/UDP frames for a Trace:
// real header fields (IPv4 identification, TTL, DF, IPv6 flow label, TCP
// sequence and acknowledgement numbers, options with timestamps, windows),
// and correct IPv4 header, TCP and UDP checksums. Payload bytes that the
// models do not supply are zeros when the capture keeps only headers, or
// pseudo-random ("encrypted") when whole frames are kept, and start with the
// packet's PayloadHeader (an OpenVPN tunnel's) when it has one; checksums
// always cover the full payload. Stateful per trace (IP ids, timestamp echo, tunnel
// packet counters): one
// builder per trace, frames built in packet order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flowspike/synth/trace.h"

namespace flowspike::synth {

// RFC 1071 one's-complement sum of `bytes` added to `sum` (not yet folded).
uint32_t checksum_add(uint32_t sum, std::span<const uint8_t> bytes);
// Folds a sum to 16 bits and complements it: the value stored in a header.
uint16_t checksum_finish(uint32_t sum);
// The IPv4 header checksum of `header` (its checksum field included as stored):
// 0 means the stored checksum is valid.
uint16_t ipv4_header_checksum(std::span<const uint8_t> header);

struct MacAddress {
  uint8_t bytes[6] = {};
};

class FrameBuilder {
 public:
  // random_payload: fill payloads with pseudo-random bytes (seeded) instead of zeros.
  FrameBuilder(const Trace& trace, MacAddress host, MacAddress gateway, bool random_payload, uint64_t seed);

  struct Frame {
    std::span<const uint8_t> bytes;  // the first min(wire_len, max_bytes) bytes
    uint32_t wire_len = 0;           // frame length on the wire (received frames padded to 60)
  };
  // Builds packet `index` of the trace (call in packet order), keeping at most
  // `max_bytes` bytes of the frame.
  Frame build(size_t index, uint32_t max_bytes);

 private:
  struct FlowState {
    uint16_t ip_id[2];
    uint32_t last_server_tsval = 0;
    bool seen_server = false;
    uint64_t tunnel_counter[2] = {0, 0};  // the next OpenVPN packet id / WireGuard counter of each side
    uint32_t tunnel_session = 0;          // WireGuard: handshake responses so far
  };
  // Writes the PayloadHeader of packet `p` to `out` (at most 16 bytes, cut to
  // the payload) and advances the flow's tunnel counters; returns its length.
  uint32_t payload_header(const SynthPacket& p, FlowState& st, uint8_t* out) const;
  const Trace& trace_;
  MacAddress host_, gateway_;
  bool random_payload_;
  uint64_t seed_;
  std::vector<FlowState> state_;
  std::vector<uint8_t> frame_;
};

}  // namespace flowspike::synth
