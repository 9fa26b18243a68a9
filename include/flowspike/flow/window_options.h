// How flows are cut into windows and which windows are kept (DESIGN section 3).
// Part of a Preset; plain fields with the `paper` defaults.
#pragma once

#include <cstdint>

namespace flowspike::flow {

// Which clock window times are measured on.
enum class WindowClock : uint8_t {
  per_flow,       // one clock from the flow's first packet (paper, uniform)
  per_direction,  // each direction from its own first packet, as the authors' code (authors)
};

struct WindowOptions {
  // Affects results.
  double length_s = 60.0;     // window length
  double step_s = 15.0;       // distance between window starts
  uint32_t min_packets = 10;  // keep only windows with at least this many packets in each direction
  double min_span_s = 40.0;   // ... whose packets span at least this long in each direction
  WindowClock clock = WindowClock::per_flow;
};

}  // namespace flowspike::flow
