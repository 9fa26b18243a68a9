#include "flowspike/synth/trace.h"

#include <algorithm>

#include "flowspike/common/error.h"

namespace flowspike::synth {

uint32_t Trace::add_flow(FlowSpec flow) {
  FLOWSPIKE_ASSERT(flow.client.addr.version == flow.server.addr.version);
  flows.push_back(std::move(flow));
  return static_cast<uint32_t>(flows.size() - 1);
}

void Trace::sort() {
  std::stable_sort(packets.begin(), packets.end(),
                   [](const SynthPacket& a, const SynthPacket& b) { return a.ts_ns < b.ts_ns; });
}

uint32_t tcp_header_length(const FlowSpec& flow, uint8_t flags) {
  if (flags & capture::kTcpSyn) {
    // Linux: MSS, SACK-permitted, timestamps, NOP, window scale (20 bytes);
    // Windows: MSS, NOP, window scale, NOP, NOP, SACK-permitted (12 bytes).
    return 20 + (flow.tcp_timestamps ? 20 : 12);
  }
  return 20 + (flow.tcp_timestamps ? 12 : 0);
}

uint32_t ip_length(const FlowSpec& flow, const SynthPacket& packet) {
  const uint32_t ip_header = flow.client.addr.version == 6 ? 40 : 20;
  const uint32_t transport = flow.proto == capture::kProtoTcp ? tcp_header_length(flow, packet.tcp_flags) : 8;
  return ip_header + transport + packet.payload;
}

uint32_t frame_length(const FlowSpec& flow, const SynthPacket& packet) {
  const uint32_t len = 14 + ip_length(flow, packet);
  // The sender's NIC pads short frames after the capture point; received ones arrive padded.
  return packet.dir == 1 ? std::max<uint32_t>(len, 60) : len;
}

}  // namespace flowspike::synth
