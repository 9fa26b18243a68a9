// A window: the packets of one flow inside [start, start + length) (or the
// closed interval, see WindowOptions), cut by the window cutter and handed on
// as soon as it is complete. Plain value type.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "flowspike/capture/packet.h"

namespace flowspike::flow {

struct WindowPacket {
  int64_t ts_ns = 0;  // absolute capture timestamp
  uint32_t size = 0;  // IP total length
  capture::Direction dir = capture::Direction::forward;
};

struct Window {
  int64_t flow_id = -1;   // FlowRecord::id of the flow it belongs to
  int32_t capture = -1;   // capture file index
  int32_t index = 0;      // k: the k-th window of the flow (start = first + k * step)
  int64_t start_ns = 0;   // absolute start of the window: origin_ns[0] + index * step
  // Time zero of each direction's clock, [forward, backward]: both the flow's
  // first packet (WindowClock::per_flow), or each direction's own first packet
  // (per_direction; then direction d's part of the window starts at
  // origin_ns[d] + index * step).
  std::array<int64_t, 2> origin_ns{};
  std::vector<WindowPacket> packets;  // in arrival order
};

}  // namespace flowspike::flow
