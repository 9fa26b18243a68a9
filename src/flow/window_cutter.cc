#include "flowspike/flow/window_cutter.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::flow {

namespace {

using capture::Direction;

// Seconds since a clock origin, rounded to microseconds as FlowPic writes
// them (round(t, 6)), as the double Python reads back from the CSV text.
double authors_seconds(int64_t delta_ns) {
  int64_t us = delta_ns >= 0 ? (delta_ns + 500) / 1000 : -((-delta_ns + 500) / 1000);
  return static_cast<double>(us) / 1e6;
}

// Per-flow state, kept in a vector indexed by the flow table's slot.
struct FlowState {
  bool active = false;
  const FlowRecord* record = nullptr;       // owned by the flow table, valid until the flow ends
  std::array<int64_t, 2> origin{};          // clock origin per direction (ns)
  std::array<bool, 2> has_origin{};
  int64_t latest_ns = 0;                    // latest packet timestamp of the flow
  int64_t last_rel_ns = 0;                  // per_flow: T, latest packet time on the flow clock
  double last_rel_s = 0;                    // per_direction: T, max over directions of the last time
  int32_t next = 0;                         // lowest window index not yet decided
  uint64_t generation = 0;                  // invalidates stale advance-queue entries
  int32_t scheduled = -1;                   // window whose completion is queued, -1 for none
  std::vector<WindowPacket> packets;        // packets of windows not yet decided, arrival order
  size_t head = 0;                          // packets[head..] are live
};

struct Deadline {
  int64_t at_ns;
  uint32_t slot;
  uint64_t generation;
  bool operator>(const Deadline& o) const { return at_ns > o.at_ns; }
};

}  // namespace

class WindowCutter::Impl {
 public:
  Impl(WindowOptions options, WindowSink& sink) : options_(options), sink_(sink) {
    if (!(options_.length_s > 0) || !(options_.step_s > 0) || !std::isfinite(options_.length_s) ||
        !std::isfinite(options_.step_s))
      throw Error(fmt::format("windows: length ({} s) and step ({} s) must be positive",
                              options_.length_s, options_.step_s));
    if (!(options_.min_span_s >= 0))
      throw Error(fmt::format("windows: minimum span must not be negative, not {}", options_.min_span_s));
    length_ns_ = std::llround(options_.length_s * 1e9);
    step_ns_ = std::llround(options_.step_s * 1e9);
    min_span_ns_ = std::llround(options_.min_span_s * 1e9);
    per_direction_ = options_.clock == WindowClock::per_direction;
  }

  void on_packet(const FlowRecord& flow, uint32_t slot, const capture::Packet& p, Direction dir) {
    if (slot >= states_.size()) states_.resize(slot + 1);
    FlowState& s = states_[slot];
    const auto d = static_cast<size_t>(dir);
    if (!s.active) start(s, flow);
    s.record = &flow;
    if (!s.has_origin[d]) {
      s.has_origin[d] = true;
      s.origin[d] = per_direction_ ? p.ts_ns : s.origin[0];
    }
    if (p.ts_ns > s.latest_ns) s.latest_ns = p.ts_ns;
    if (per_direction_) {
      s.last_rel_s = std::max(s.last_rel_s, authors_seconds(p.ts_ns - s.origin[d]));
    } else {
      s.last_rel_ns = std::max(s.last_rel_ns, p.ts_ns - s.origin[0]);
    }
    // Windows this packet completes are decided before it is stored: it is
    // after their end, so it is not part of them.
    decide_complete(s, s.latest_ns);
    const WindowPacket wp{p.ts_ns, p.ip_len, dir};
    if (reaches(s, wp, s.next)) {  // else it is late: all its windows were decided
      s.packets.push_back(wp);
      ++buffered_;
      stats_.max_buffered_packets = std::max<uint64_t>(stats_.max_buffered_packets, buffered_);
    }
    if (use_deadlines_ && s.scheduled != s.next) schedule(slot, s);
  }

  void on_flow_end(const FlowRecord& flow, uint32_t slot) {
    if (slot < states_.size() && states_[slot].active) {
      FlowState& s = states_[slot];
      s.record = &flow;
      // Every window that exists is complete now.
      while (exists(s, s.next)) decide(s, s.next++);
      buffered_ -= s.packets.size() - s.head;
      s.packets.clear();
      if (s.packets.capacity() > 65536) s.packets.shrink_to_fit();
      s.head = 0;
      s.active = false;
      ++s.generation;
      --live_;
    }
    sink_.on_flow_end(flow);
  }

  void on_advance(int64_t now_ns) {
    if (!use_deadlines_) {
      use_deadlines_ = true;
      for (uint32_t slot = 0; slot < states_.size(); ++slot)
        if (states_[slot].active) schedule(slot, states_[slot]);
    }
    while (!deadlines_.empty() && deadlines_.top().at_ns <= now_ns) {
      Deadline top = deadlines_.top();
      deadlines_.pop();
      FlowState& s = states_[top.slot];
      if (!s.active || s.generation != top.generation) continue;
      s.scheduled = -1;
      const int32_t before = s.next;
      decide_complete(s, now_ns);
      // If nothing was decided the next window does not exist yet; only a
      // packet can change that, and on_packet schedules it again.
      if (s.next != before) schedule(top.slot, s);
    }
  }

  const WindowOptions& options() const { return options_; }
  const WindowCutterStats& stats() const { return stats_; }
  size_t live_flows() const { return live_; }
  size_t buffered_packets() const { return buffered_; }

 private:
  void start(FlowState& s, const FlowRecord& flow) {
    s.active = true;
    s.origin = {flow.first_ns, flow.first_ns};
    s.has_origin = {false, false};
    s.latest_ns = flow.first_ns;
    s.last_rel_ns = 0;
    s.last_rel_s = 0;
    s.next = 0;
    s.packets.clear();
    s.head = 0;
    s.scheduled = -1;
    ++s.generation;
    ++live_;
  }

  // Start of window k on the flow clock (per_flow), ns.
  int64_t window_start(int32_t k) const { return static_cast<int64_t>(k) * step_ns_; }

  // Does window k exist (WindowOptions::set), given the packets so far?
  bool exists(const FlowState& s, int32_t k) const {
    if (per_direction_) {
      const double t = s.last_rel_s;
      if (options_.set == WindowSet::started) return k * options_.step_s <= t;
      // The authors' count, in Python's arithmetic: int(T / step - length / step) + 1.
      double q = t / options_.step_s - options_.length_s / options_.step_s;
      return k < static_cast<int64_t>(std::trunc(q)) + 1;
    }
    const int64_t t = s.last_rel_ns;
    if (options_.set == WindowSet::started) return window_start(k) <= t;
    // trunc((T - length) / step) + 1 in integers: C++ division truncates toward zero.
    return k < (t - length_ns_) / step_ns_ + 1;
  }

  // Is window k complete once the flow's clock has reached `now_ns` (no later
  // packet of the flow can fall into it)?
  bool complete(const FlowState& s, int32_t k, int64_t now_ns) const {
    if (per_direction_) {
      const double end = k * options_.step_s + options_.length_s;
      for (size_t d = 0; d < 2; ++d) {
        if (!s.has_origin[d]) return false;  // its clock has not started; it may still
        double now = authors_seconds(now_ns - s.origin[d]);
        if (options_.closed_end ? !(now > end) : !(now >= end)) return false;
      }
      return true;
    }
    const int64_t end = window_start(k) + length_ns_;
    const int64_t now = now_ns - s.origin[0];
    return options_.closed_end ? now > end : now >= end;
  }

  void decide_complete(FlowState& s, int64_t now_ns) {
    bool moved = false;
    while (complete(s, s.next, now_ns) && exists(s, s.next)) {
      decide(s, s.next++);
      moved = true;
    }
    if (moved) prune(s);
  }

  bool inside(const FlowState& s, const WindowPacket& p, int32_t k) const {
    const auto d = static_cast<size_t>(p.dir);
    if (per_direction_) {
      const double t = authors_seconds(p.ts_ns - s.origin[d]);
      const double start = k * options_.step_s;
      const double end = start + options_.length_s;
      return t >= start && (options_.closed_end ? t <= end : t < end);
    }
    const int64_t t = p.ts_ns - s.origin[0];
    const int64_t start = window_start(k);
    const int64_t end = start + length_ns_;
    return t >= start && (options_.closed_end ? t <= end : t < end);
  }

  // Applies the keep-rules to window k and hands it on if it passes.
  void decide(FlowState& s, int32_t k) {
    ++stats_.windows_considered;
    std::array<uint32_t, 2> count{};
    std::array<int64_t, 2> first{}, last{};
    window_.packets.clear();
    for (size_t i = s.head; i < s.packets.size(); ++i) {
      const WindowPacket& p = s.packets[i];
      if (!inside(s, p, k)) continue;
      const auto d = static_cast<size_t>(p.dir);
      if (count[d] == 0) first[d] = p.ts_ns;
      last[d] = p.ts_ns;
      ++count[d];
      window_.packets.push_back(p);
    }
    for (size_t d = 0; d < 2; ++d) {
      if (count[d] < options_.min_packets || count[d] == 0) {
        ++stats_.rejected_packets;
        return;
      }
    }
    for (size_t d = 0; d < 2; ++d) {
      bool short_span;
      if (per_direction_) {
        // The authors compare the rounded times: Time[-1] - Time[0] < MIN_TPS.
        double span = authors_seconds(last[d] - s.origin[d]) - authors_seconds(first[d] - s.origin[d]);
        short_span = span < options_.min_span_s;
      } else {
        short_span = last[d] - first[d] < min_span_ns_;
      }
      if (short_span) {
        ++stats_.rejected_span;
        return;
      }
    }
    ++stats_.windows_kept;
    window_.flow_id = s.record->id;
    window_.capture = s.record->capture;
    window_.index = k;
    window_.origin_ns = s.origin;
    window_.start_ns = s.origin[0] + window_start(k);
    sink_.on_window(window_, *s.record);
  }

  // Drops packets that only belong to decided windows.
  void prune(FlowState& s) {
    while (s.head < s.packets.size() && !reaches(s, s.packets[s.head], s.next)) {
      ++s.head;
      --buffered_;
    }
    if (s.head == s.packets.size()) {
      s.packets.clear();
      s.head = 0;
    } else if (s.head > 256 && s.head * 2 > s.packets.size()) {
      s.packets.erase(s.packets.begin(), s.packets.begin() + static_cast<std::ptrdiff_t>(s.head));
      s.head = 0;
    }
  }

  // Is p at or after the start of window k on its direction's clock?
  bool reaches(const FlowState& s, const WindowPacket& p, int32_t k) const {
    const auto d = static_cast<size_t>(p.dir);
    if (per_direction_) return authors_seconds(p.ts_ns - s.origin[d]) >= k * options_.step_s;
    return p.ts_ns - s.origin[0] >= window_start(k);
  }

  // With advance() in use: when the flow's next window completes on the clock.
  void schedule(uint32_t slot, FlowState& s) {
    if (!s.active) return;
    int64_t at;
    const int64_t end = window_start(s.next) + length_ns_;
    if (per_direction_) {
      if (!s.has_origin[0] || !s.has_origin[1]) return;
      at = std::max(s.origin[0], s.origin[1]) + end + (options_.closed_end ? 1000 : 0);
    } else {
      at = s.origin[0] + end + (options_.closed_end ? 1 : 0);
    }
    ++s.generation;
    s.scheduled = s.next;
    deadlines_.push(Deadline{at, slot, s.generation});
  }

  WindowOptions options_;
  WindowSink& sink_;
  int64_t length_ns_ = 0, step_ns_ = 0, min_span_ns_ = 0;
  bool per_direction_ = false;
  std::vector<FlowState> states_;
  Window window_;  // reused for every window handed on
  size_t live_ = 0;
  size_t buffered_ = 0;
  WindowCutterStats stats_;
  bool use_deadlines_ = false;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
};

WindowCutter::WindowCutter(WindowOptions options, WindowSink& sink)
    : impl_(std::make_unique<Impl>(options, sink)) {}
WindowCutter::~WindowCutter() = default;
void WindowCutter::on_packet(const FlowRecord& flow, uint32_t slot, const capture::Packet& packet,
                             capture::Direction dir) {
  impl_->on_packet(flow, slot, packet, dir);
}
void WindowCutter::on_flow_end(const FlowRecord& flow, uint32_t slot) { impl_->on_flow_end(flow, slot); }
void WindowCutter::on_advance(int64_t now_ns) { impl_->on_advance(now_ns); }
const WindowOptions& WindowCutter::options() const { return impl_->options(); }
const WindowCutterStats& WindowCutter::stats() const { return impl_->stats(); }
size_t WindowCutter::live_flows() const { return impl_->live_flows(); }
size_t WindowCutter::buffered_packets() const { return impl_->buffered_packets(); }

}  // namespace flowspike::flow
