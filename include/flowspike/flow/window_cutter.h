// The window cutter: a FlowListener that cuts each flow into windows of
// WindowOptions::length_s every step_s from the flow's first packet, applies
// the keep-rules, and hands every kept window to a WindowSink as soon as it is
// complete: when a packet of the flow at or after the window's end arrives
// (strictly after, for closed windows), when the flow ends, or (WindowSet::
// started) when FlowTable::advance() passes the window's end.
//
// Which windows exist: WindowOptions::set (covered: n = trunc((T - length) /
// step) + 1, the authors' count; started: all windows starting by T). A window
// is kept when each direction has at least min_packets packets in it and its
// first and last packet there are at least min_span_s apart. Times are integer
// nanoseconds from the clock origin with WindowClock::per_flow; with
// per_direction they are the authors' numbers: seconds since that direction's
// first packet rounded to microseconds (FlowPic's round(t, 6)) as doubles,
// compared with the window bounds in double arithmetic as Python does.
//
// Memory per live flow: the packets of the windows not yet complete, at most
// one window length. With per_direction clocks a window completes only when
// both direction clocks passed its end, so add the offset between the two
// clocks; a flow whose backward direction has not started keeps its packets
// until it does or the flow ends (its first backward packet may still open
// window 0 of that clock). Windows of one flow are delivered in index order.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "flowspike/flow/flow_table.h"
#include "flowspike/flow/window.h"
#include "flowspike/flow/window_options.h"

namespace flowspike::flow {

// Receives the cutter's output.
class WindowSink {
 public:
  virtual ~WindowSink() = default;
  // A complete window that passed the keep-rules. `flow` is the flow as seen so
  // far. Both are valid only during the call (their storage is reused).
  virtual void on_window(const Window& window, const FlowRecord& flow) = 0;
  // The flow ended; every window of it was delivered before this call.
  virtual void on_flow_end(const FlowRecord& /*flow*/) {}
};

struct WindowCutterStats {
  uint64_t windows_considered = 0;   // complete windows that exist (WindowOptions::set)
  uint64_t windows_kept = 0;         // ... delivered to the sink
  uint64_t rejected_packets = 0;     // ... too few packets in some direction
  uint64_t rejected_span = 0;        // ... enough packets, but a direction spans too little
  uint64_t max_buffered_packets = 0; // high-water mark of packets held for open windows
};

class WindowCutter final : public FlowListener {
 public:
  // Throws flowspike::Error if the options are impossible (length or step not
  // positive). `sink` must outlive the cutter.
  WindowCutter(WindowOptions options, WindowSink& sink);
  ~WindowCutter() override;
  WindowCutter(const WindowCutter&) = delete;
  WindowCutter& operator=(const WindowCutter&) = delete;

  void on_packet(const FlowRecord& flow, uint32_t slot, const capture::Packet& packet,
                 capture::Direction dir) override;
  void on_flow_end(const FlowRecord& flow, uint32_t slot) override;
  void on_advance(int64_t now_ns) override;

  const WindowOptions& options() const;
  const WindowCutterStats& stats() const;
  size_t live_flows() const;        // flows with state in the cutter
  size_t buffered_packets() const;  // packets held for windows not yet complete

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowspike::flow
