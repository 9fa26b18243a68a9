// How flows are cut into windows and which windows are kept (DESIGN section 3).
// Part of a Preset; plain fields with the `paper` defaults. The exact rules are
// in window_cutter.h and docs/flows-and-windows.md.
#pragma once

#include <cstdint>

namespace flowspike::flow {

// Which clock window times are measured on.
enum class WindowClock : uint8_t {
  per_flow,       // one clock from the flow's first packet (paper, uniform)
  per_direction,  // each direction from its own first packet, as the authors' code (authors)
};

// Which windows of a flow are considered at all, before the keep-rules. With a
// flow's last packet at time T (on its clock; per_direction: the later of the
// two directions' last packets):
enum class WindowSet : uint8_t {
  // The windows the flow covers, as the authors' code counts them:
  // n = trunc((T - length) / step) + 1 windows, i.e. every window that ends at
  // or before T, plus the first window when T > length - step (paper, authors).
  covered,
  // Every window that starts at or before T, partial ones at the flow's end
  // included (they are still judged by the keep-rules). Its windows depend only
  // on packets before their end, so FlowTable::advance() can emit one as soon
  // as the clock passes its end, before the flow ends (live classification).
  started,
};

struct WindowOptions {
  // Affects results.
  double length_s = 60.0;     // window length
  double step_s = 15.0;       // distance between window starts
  uint32_t min_packets = 10;  // keep only windows with at least this many packets in each direction
  double min_span_s = 40.0;   // ... whose packets span at least this long in each direction
                              //     (last minus first packet of that direction in the window)
  WindowClock clock = WindowClock::per_flow;
  bool closed_end = false;    // windows are [start, start + length] (authors) instead of
                              // [start, start + length) (paper, uniform)
  WindowSet set = WindowSet::covered;
};

}  // namespace flowspike::flow
