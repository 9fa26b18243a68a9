#include "flowspike/flow/window_cutter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "flow/test_packets.h"
#include "flowspike/common/error.h"

namespace flowspike::flow {
namespace {

using capture::Direction;
using capture::kProtoUdp;
using testing::Endpoint;
using testing::packet;
using testing::RecordingSink;
using testing::sec;

constexpr Endpoint kA{1, 5000};
constexpr Endpoint kB{2, 443};

FlowTableOptions no_timeouts() {
  FlowTableOptions o;
  o.idle_timeout_s = 1e6;
  o.active_timeout_s = 1e6;
  return o;
}

WindowOptions paper() { return {}; }

WindowOptions authors() {
  WindowOptions o;
  o.clock = WindowClock::per_direction;
  o.closed_end = true;
  return o;
}

// A flow table feeding a window cutter feeding a recording sink.
struct Pipeline {
  explicit Pipeline(WindowOptions w, FlowTableOptions f = no_timeouts()) : cutter(w, sink), table(f, cutter) {}
  void fwd(double t, uint32_t size = 100) { table.add(packet(t, kA, kB, size, kProtoUdp)); }
  void bwd(double t, uint32_t size = 1000) { table.add(packet(t, kB, kA, size, kProtoUdp)); }
  RecordingSink sink;
  WindowCutter cutter;
  FlowTable table;
};

// Forward packets every second from 0, backward every second from 0.5, and a
// last forward packet at exactly T.
void dense_flow(Pipeline& p, double T) {
  for (int i = 0; i < T; ++i) {
    p.fwd(i);
    if (i + 0.5 < T) p.bwd(i + 0.5);
  }
  p.fwd(T);
  p.table.flush();
}

int authors_count(double T) {
  int n = static_cast<int>(std::trunc(T / 15 - 60.0 / 15)) + 1;
  return n < 0 ? 0 : n;
}

TEST(WindowCutter, WindowCountIsTheAuthorsFormula) {
  for (double T : {30.0, 45.0, 45.5, 50.0, 59.9, 60.0, 74.9, 75.0, 89.99, 90.0, 100.0, 600.0}) {
    for (bool use_authors : {false, true}) {
      Pipeline p(use_authors ? authors() : paper());
      dense_flow(p, T);
      EXPECT_EQ(p.cutter.stats().windows_considered, static_cast<uint64_t>(authors_count(T)))
          << "T=" << T << (use_authors ? " authors" : " paper");
      EXPECT_EQ(p.sink.windows.size(), static_cast<size_t>(authors_count(T)))
          << "T=" << T << (use_authors ? " authors" : " paper");
      for (size_t k = 0; k < p.sink.windows.size(); ++k) EXPECT_EQ(p.sink.windows[k].index, static_cast<int>(k));
    }
  }
}

TEST(WindowCutter, PaperWindowsAreHalfOpenOnTheFlowClock) {
  Pipeline p(paper());
  for (int i = 0; i <= 100; ++i) {
    p.fwd(i);
    p.bwd(i + 0.25);
  }
  p.table.flush();
  ASSERT_GE(p.sink.windows.size(), 2u);
  const Window& w0 = p.sink.windows[0];
  EXPECT_EQ(w0.start_ns, 0);
  EXPECT_EQ(w0.origin_ns[0], 0);
  EXPECT_EQ(w0.origin_ns[1], 0);
  EXPECT_EQ(w0.packets.front().ts_ns, 0);
  EXPECT_EQ(w0.packets.back().ts_ns, sec(59.25));  // the packet at exactly 60 s is not in it
  EXPECT_EQ(w0.packets.size(), 120u);
  const Window& w1 = p.sink.windows[1];
  EXPECT_EQ(w1.start_ns, sec(15));
  EXPECT_EQ(w1.packets.front().ts_ns, sec(15));  // a packet at the start is in
  EXPECT_EQ(w1.packets.back().ts_ns, sec(74.25));
}

TEST(WindowCutter, AuthorsWindowsAreClosedOnEachDirectionsClock) {
  Pipeline p(authors());
  for (int i = 0; i <= 100; ++i) {
    p.fwd(i);
    p.bwd(i + 0.25);  // backward clock starts at 0.25 s: backward times are integers too
  }
  p.table.flush();
  ASSERT_GE(p.sink.windows.size(), 2u);
  const Window& w0 = p.sink.windows[0];
  EXPECT_EQ(w0.origin_ns[0], 0);
  EXPECT_EQ(w0.origin_ns[1], sec(0.25));
  // [0, 60] in both directions: 61 forward (0..60) and 61 backward (0.25..60.25) packets.
  EXPECT_EQ(w0.packets.size(), 122u);
  EXPECT_EQ(w0.packets.back().ts_ns, sec(60.25));
  const Window& w1 = p.sink.windows[1];
  EXPECT_EQ(w1.packets.front().ts_ns, sec(15));
  EXPECT_EQ(w1.packets.back().ts_ns, sec(75.25));
  EXPECT_EQ(w1.packets.size(), 122u);
}

TEST(WindowCutter, AuthorsCountUsesTheLaterDirectionClock) {
  // Forward ends at 50 s; the backward direction starts at 0.5 s and ends 70 s
  // later on its own clock: T = 70, one window.
  Pipeline p(authors());
  for (int i = 0; i <= 50; ++i) p.fwd(i);
  for (int i = 0; i <= 70; ++i) p.bwd(0.5 + i);
  p.table.flush();
  EXPECT_EQ(p.cutter.stats().windows_considered, 1u);
  EXPECT_EQ(p.sink.windows.size(), 1u);
}

TEST(WindowCutter, AuthorsTimesAreRoundedToMicroseconds) {
  // A backward packet 60.0000004 s after the backward origin is at 60.000000
  // on the authors' rounded clock, inside the closed window 0.
  Pipeline p(authors());
  for (int i = 0; i <= 61; ++i) {
    p.fwd(i);
    if (i >= 1 && i <= 10) p.bwd(i + 0.1);
  }
  auto late = packet(0, kB, kA, 1000, kProtoUdp);
  late.ts_ns = sec(61.1) + 400;  // 60 s + 400 ns after the backward origin at 1.1 s
  p.table.add(late);
  for (int i = 62; i <= 80; ++i) p.fwd(i);
  p.table.flush();
  ASSERT_EQ(p.sink.windows.size(), 1u);
  EXPECT_EQ(p.sink.windows[0].packets.back().ts_ns, late.ts_ns);
  EXPECT_EQ(p.cutter.stats().windows_considered, 2u);  // T = 80: windows 0 and 1
}

// A flow with dense forward traffic over [0, 60] and the given backward times.
Pipeline& backward_case(Pipeline& p, const std::vector<double>& backward) {
  size_t b = 0;
  for (int i = 0; i <= 60; ++i) {
    while (b < backward.size() && backward[b] < i) p.bwd(backward[b++]);
    p.fwd(i);
  }
  while (b < backward.size()) p.bwd(backward[b++]);
  p.table.flush();
  return p;
}

TEST(WindowCutter, KeepsWindowWithTenPacketsEachWaySpanningForty) {
  Pipeline p(paper());
  backward_case(p, {5, 6, 7, 8, 9, 10, 11, 12, 13, 45});
  EXPECT_EQ(p.sink.windows.size(), 1u);
  EXPECT_EQ(p.cutter.stats().windows_kept, 1u);
}

TEST(WindowCutter, RejectsWindowWithNinePacketsOneWay) {
  Pipeline p(paper());
  backward_case(p, {5, 6, 7, 8, 9, 10, 11, 12, 45});
  EXPECT_TRUE(p.sink.windows.empty());
  EXPECT_EQ(p.cutter.stats().rejected_packets, 1u);
}

TEST(WindowCutter, RejectsWindowWhoseBackwardSpanIsShort) {
  Pipeline p(paper());
  backward_case(p, {5, 6, 7, 8, 9, 10, 11, 12, 13, 44.999999999});
  EXPECT_TRUE(p.sink.windows.empty());
  EXPECT_EQ(p.cutter.stats().rejected_span, 1u);
}

TEST(WindowCutter, AuthorsSpanRuleUsesRoundedTimes) {
  // 39.9999996 s rounds to 40.000000 on the authors' clock: kept.
  Pipeline p(authors());
  backward_case(p, {5, 6, 7, 8, 9, 10, 11, 12, 13, 44.9999996});
  EXPECT_EQ(p.sink.windows.size(), 1u);
  Pipeline q(authors());
  backward_case(q, {5, 6, 7, 8, 9, 10, 11, 12, 13, 44.999999});
  EXPECT_TRUE(q.sink.windows.empty());
}

TEST(WindowCutter, OneWayFlowHasNoWindows) {
  Pipeline p(paper());
  for (int i = 0; i <= 300; ++i) p.fwd(i);
  p.table.flush();
  EXPECT_TRUE(p.sink.windows.empty());
  EXPECT_EQ(p.cutter.stats().windows_considered, static_cast<uint64_t>(authors_count(300)));
  EXPECT_EQ(p.cutter.stats().rejected_packets, p.cutter.stats().windows_considered);
}

TEST(WindowCutter, HandsOnAWindowWhenThePacketAfterItsEndArrives) {
  Pipeline p(paper());
  for (int i = 0; i < 200; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
  }
  // Window 0 [0, 60) completes with the forward packet at 60 s: the 121st packet.
  ASSERT_GE(p.sink.windows.size(), 1u);
  EXPECT_EQ(p.sink.packets_seen_at_emit[0], 121u);
  // Window k completes with the packet at 60 + 15k.
  for (size_t k = 1; k < p.sink.windows.size(); ++k)
    EXPECT_EQ(p.sink.packets_seen_at_emit[k], 121u + 30u * k);
  // Before the flow ended, every window that ends by the last packet was out.
  EXPECT_EQ(p.sink.windows.size(), static_cast<size_t>(authors_count(199.5)));
  EXPECT_TRUE(p.sink.ended.empty());
  p.table.flush();
  EXPECT_EQ(p.sink.log.back(), "E0");
}

TEST(WindowCutter, ClosedWindowsWaitForAPacketStrictlyAfterTheirEnd) {
  Pipeline p(authors());
  for (int i = 0; i <= 60; ++i) {
    p.fwd(i);
    p.bwd(i);  // the same clock both ways
  }
  EXPECT_TRUE(p.sink.windows.empty());  // more packets at exactly 60 s may still come
  p.fwd(60.000001);
  ASSERT_EQ(p.sink.windows.size(), 1u);
  EXPECT_EQ(p.sink.windows[0].packets.size(), 122u);
}

TEST(WindowCutter, InterleavedFlowsAreHandedOnAsTheyComplete) {
  Pipeline p(paper());
  const Endpoint c{3, 6000};
  for (int i = 0; i <= 200; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
    if (i >= 30) {  // a second flow starting 30 s later
      p.table.add(packet(i + 0.1, c, kB, 200, kProtoUdp));
      p.table.add(packet(i + 0.2, kB, c, 200, kProtoUdp));
    }
  }
  p.table.flush();
  std::vector<std::string> expect;
  // Flow 0's window k completes at 60 + 15k, flow 1's at 90 + 15k.
  for (int t = 60; t <= 200; t += 15) {
    expect.push_back("W0:" + std::to_string((t - 60) / 15));
    if (t >= 90) expect.push_back("W1:" + std::to_string((t - 90) / 15));
  }
  expect.push_back("E0");
  expect.push_back("E1");
  EXPECT_EQ(p.sink.log, expect);
}

TEST(WindowCutter, MemoryIsBoundedByOneWindowOfPackets) {
  FlowTableOptions f;
  f.active_timeout_s = 7200;
  Pipeline p(paper(), f);
  // One hour at 20 packets per second each way.
  for (int i = 0; i < 3600 * 20; ++i) {
    p.fwd(i * 0.05);
    p.bwd(i * 0.05 + 0.01);
  }
  EXPECT_LE(p.cutter.stats().max_buffered_packets, 60u * 40u + 2u);
  EXPECT_EQ(p.cutter.live_flows(), 1u);
  p.table.flush();
  EXPECT_EQ(p.cutter.live_flows(), 0u);
  EXPECT_EQ(p.cutter.buffered_packets(), 0u);
  EXPECT_EQ(p.sink.windows.size(), static_cast<size_t>(authors_count(3599.96)));
}

TEST(WindowCutter, StartedSetKeepsPartialWindowsThatPass) {
  WindowOptions o = paper();
  o.set = WindowSet::started;
  Pipeline p(o);
  dense_flow(p, 100);
  // Windows start at 0, 15, ..., 90 (7 windows); [45, 105) still spans 55 s
  // forward and 54 s backward, [60, 120) only 39 s backward (60.5 .. 99.5).
  EXPECT_EQ(p.cutter.stats().windows_considered, 7u);
  EXPECT_EQ(p.sink.windows.size(), 4u);
  EXPECT_EQ(p.cutter.stats().rejected_span, 3u);
}

TEST(WindowCutter, AdvanceHandsOnStartedWindowsWhenTheClockPassesTheirEnd) {
  WindowOptions o = paper();
  o.set = WindowSet::started;
  Pipeline p(o);
  for (int i = 0; i <= 70; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
  }
  EXPECT_EQ(p.sink.windows.size(), 1u);  // [0, 60) was completed by the packet at 60 s
  p.table.advance(sec(74.9));
  EXPECT_EQ(p.sink.windows.size(), 1u);
  p.table.advance(sec(75));
  ASSERT_EQ(p.sink.windows.size(), 2u);  // [15, 75): 15..70 spans 55 s
  EXPECT_TRUE(p.sink.ended.empty());
  p.table.advance(sec(90));  // [30, 90): 30..70.5 spans 40.5 s
  EXPECT_EQ(p.sink.windows.size(), 3u);
  p.table.advance(sec(200));  // the flow idles out only at 190.5 + ...; [45, 105) spans 25.5: rejected
  EXPECT_EQ(p.sink.windows.size(), 3u);
}

TEST(WindowCutter, AdvanceHandsOnTheFirstCoveredWindowOfAShortFlow) {
  Pipeline p(paper());
  for (int i = 0; i <= 50; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
  }
  p.table.advance(sec(59.9));
  EXPECT_TRUE(p.sink.windows.empty());
  p.table.advance(sec(60));  // T = 50.5 > 45: window 0 exists and is complete
  EXPECT_EQ(p.sink.windows.size(), 1u);
  EXPECT_TRUE(p.sink.ended.empty());
}

TEST(WindowCutter, FlowEndDecidesTheRemainingWindows) {
  // With half-open windows only the first window of a flow shorter than a
  // window is decided at its end: later windows exist only once a packet at
  // or after their end arrived, and that packet completed them.
  Pipeline p(paper());
  for (int i = 0; i <= 50; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
  }
  EXPECT_TRUE(p.sink.windows.empty());
  p.table.flush();
  EXPECT_EQ(p.sink.log, (std::vector<std::string>{"W0:0", "E0"}));
  // Closed windows: a flow ending exactly at a window's end.
  Pipeline q(authors());
  for (int i = 0; i <= 75; ++i) {
    q.fwd(i);
    q.bwd(i);
  }
  EXPECT_EQ(q.sink.windows.size(), 1u);
  q.table.flush();
  EXPECT_EQ(q.sink.log, (std::vector<std::string>{"W0:0", "W0:1", "E0"}));
}

TEST(WindowCutter, TimestampsGoingBackwardsAreHarmless) {
  Pipeline p(paper());
  for (int i = 0; i <= 200; ++i) {
    p.fwd(i);
    p.bwd(i + 0.5);
    if (i % 20 == 0) p.bwd(i - 30.0);  // late packets, some before the flow began
  }
  p.table.flush();
  EXPECT_EQ(p.sink.windows.size(), static_cast<size_t>(authors_count(200)));
  for (const auto& w : p.sink.windows)
    for (const auto& pk : w.packets) {
      EXPECT_GE(pk.ts_ns, w.start_ns);
      EXPECT_LT(pk.ts_ns, w.start_ns + sec(60));
    }
}

TEST(WindowCutter, SettingsAreHonoured) {
  WindowOptions o;
  o.length_s = 10;
  o.step_s = 10;
  o.min_packets = 3;
  o.min_span_s = 5;
  Pipeline p(o);
  dense_flow(p, 100);
  // trunc((100 - 10) / 10) + 1 = 10 windows of 10 s, each with 10 packets each way.
  EXPECT_EQ(p.sink.windows.size(), 10u);
  EXPECT_EQ(p.sink.windows[3].start_ns, sec(30));
}

TEST(WindowCutter, RejectsImpossibleOptions) {
  RecordingSink sink;
  WindowOptions o;
  o.step_s = 0;
  EXPECT_THROW(WindowCutter(o, sink), Error);
  o = {};
  o.length_s = -60;
  EXPECT_THROW(WindowCutter(o, sink), Error);
}

}  // namespace
}  // namespace flowspike::flow
