// A finished (or still live) bidirectional flow: its endpoints as the first
// packet saw them, its time span and its packet and byte counts each way.
// Plain value type.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "flowspike/capture/packet.h"

namespace flowspike::flow {

// Why a flow left the flow table.
enum class FlowEnd : uint8_t {
  idle_timeout,    // no packet for idle_timeout_s
  active_timeout,  // lived longer than active_timeout_s; later packets start a new flow
  tcp_fin,         // FIN seen in both directions (and the closing ACK window passed)
  tcp_rst,         // a RST was seen
  end_of_capture,  // the capture file ended while the flow was live
};
std::string_view flow_end_name(FlowEnd end);

struct FlowRecord {
  int64_t id = -1;            // run-wide sequence number, in order of the flows' first packets
  int32_t capture = -1;       // index of the capture file the flow came from
  uint8_t proto = 0;
  capture::IpAddress src;     // source of the first packet: "forward" is src -> dst
  capture::IpAddress dst;
  uint16_t sport = 0;
  uint16_t dport = 0;
  int64_t first_ns = 0;       // timestamp of the first and last packet
  int64_t last_ns = 0;
  std::array<uint64_t, 2> packets{};  // [forward, backward]
  std::array<uint64_t, 2> bytes{};    // IP bytes (sum of ip_len), [forward, backward]
  FlowEnd end = FlowEnd::end_of_capture;

  uint64_t total_packets() const { return packets[0] + packets[1]; }
  double duration_s() const { return static_cast<double>(last_ns - first_ns) * 1e-9; }
};

}  // namespace flowspike::flow
