#include "flowspike/features/picture_builder.h"

#include <gtest/gtest.h>

#include <random>
#include <tuple>
#include <vector>

#include "flowspike/common/error.h"

namespace flowspike::features {
namespace {

using capture::Direction;
using capture::ParseReport;
using flow::Window;
using flow::WindowPacket;
constexpr Direction F = Direction::forward;
constexpr Direction B = Direction::backward;

int64_t sec(double s) { return static_cast<int64_t>(s * 1e9 + 0.5); }

using Cell = std::tuple<int, int, float>;

std::vector<Cell> cells(const SparsePicture& p) {
  std::vector<Cell> out;
  for (size_t i = 0; i < p.nnz(); ++i) out.emplace_back(p.time_bin[i], p.size_bin[i], p.count[i]);
  return out;
}

Window window_at(double start_s, std::vector<WindowPacket> packets) {
  Window w;
  w.flow_id = 7;
  w.start_ns = sec(start_s);
  w.origin_ns = {w.start_ns, w.start_ns};
  w.packets = std::move(packets);
  return w;
}

TEST(PictureBuilder, PaperUsesFixed200msBinsFromTheWindowStart) {
  PictureBuilder builder(Preset::paper());
  const double t0 = 1000;
  Window w = window_at(t0, {
                               {sec(t0), 52, F},
                               {sec(t0 + 0.199999999), 52, F},
                               {sec(t0 + 0.2), 1500, B},
                               {sec(t0 + 30.0), 40, B},
                               {sec(t0 + 59.999999999), 1500, F},
                           });
  ParseReport report;
  SparsePicture p = builder.build(w, report);
  EXPECT_EQ(cells(p), (std::vector<Cell>{{0, 13, 2.f}, {1, 298, 1.f}, {150, 191, 1.f}, {299, 146, 1.f}}));
  EXPECT_EQ(report.sizes_clipped, 0u);
  EXPECT_EQ(report.total_dropped(), 0u);
}

TEST(PictureBuilder, PaperWindowStartsOnTheFlowClock) {
  // Window 2 of a flow that began at 500 s: bins count from 530 s.
  PictureBuilder builder(Preset::paper());
  Window w;
  w.index = 2;
  w.origin_ns = {sec(500), sec(500)};
  w.start_ns = sec(530);
  w.packets = {{sec(530.1), 100, F}, {sec(589.9), 100, B}};
  ParseReport report;
  auto c = cells(builder.build(w, report));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(std::get<0>(c[0]), 0);
  EXPECT_EQ(std::get<0>(c[1]), 299);
}

TEST(PictureBuilder, PaperClipsOversizedPacketsAndCountsThem) {
  PictureBuilder builder(Preset::paper());
  Window w = window_at(0, {{sec(1), 9000, F}, {sec(2), 1600, B}, {sec(3), 1530, B}});
  ParseReport report;
  auto c = cells(builder.build(w, report));
  EXPECT_EQ(c, (std::vector<Cell>{{5, 150, 1.f}, {10, 299, 1.f}, {15, 299, 1.f}}));
  EXPECT_EQ(report.sizes_clipped, 2u);
  EXPECT_EQ(report.sizes_dropped, 0u);
}

TEST(PictureBuilder, UniformPresetUsesTenByteBins) {
  PictureBuilder builder(Preset::uniform());
  Window w = window_at(0, {{sec(0), 1500, F}, {sec(0), 52, B}, {sec(0), 1501, F}});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)), (std::vector<Cell>{{0, 149, 2.f}, {0, 155, 1.f}}));
  EXPECT_EQ(report.sizes_clipped, 1u);
}

// An authors-preset window: direction clocks start at 0 (forward) and 0.5 s
// (backward); `fwd` / `bwd` are the authors' (microsecond) times on them.
Window authors_window(const std::vector<std::pair<double, uint32_t>>& fwd,
                      const std::vector<std::pair<double, uint32_t>>& bwd) {
  Window w;
  w.origin_ns = {0, sec(0.5)};
  for (auto [t, s] : fwd) w.packets.push_back({sec(t), s, F});
  for (auto [t, s] : bwd) w.packets.push_back({sec(0.5 + t), s, B});
  return w;
}

TEST(PictureBuilder, AuthorsTimeAxisSpansTheSampleLikeHistogram2d) {
  PictureBuilder builder(Preset::authors());
  // min 15, max 75: bins of 0.2 s; the last packet lands in the closed last bin.
  Window w = authors_window({{15.0, 52}, {75.0, 52}, {45.1, 1500}}, {{20.0, 52}, {74.9999, 1500}});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)),
            (std::vector<Cell>{{0, 13, 1.f}, {25, 201, 1.f}, {150, 146, 1.f}, {299, 13, 1.f}, {299, 298, 1.f}}));
}

TEST(PictureBuilder, AuthorsTimeBinsFollowNumpyEdgesNotDivision) {
  // numpy's edges i * step + lo put these times one bin later than
  // floor((t - lo) / step) does (found by recomputing numpy's linspace).
  PictureBuilder builder(Preset::authors());
  Window w = authors_window({{191.206854, 100}, {192.032854, 100}, {231.267854, 100}, {232.506854, 100}}, {});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)),
            (std::vector<Cell>{{0, 52, 1.f}, {6, 52, 1.f}, {291, 52, 1.f}, {299, 52, 1.f}}));
}

TEST(PictureBuilder, AuthorsDropsOversizedPacketsButTheyStillStretchTime) {
  PictureBuilder builder(Preset::authors());
  // The dropped backward 1531-byte packet at 60 s still sets the time range [0, 60].
  Window w = authors_window({{0.0, 52}, {30.0, 52}, {30.0, 3121}}, {{60.0, 1531}});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)), (std::vector<Cell>{{0, 13, 1.f}, {150, 13, 1.f}}));
  EXPECT_EQ(report.sizes_dropped, 2u);
  EXPECT_EQ(report.sizes_clipped, 0u);
  EXPECT_EQ(report.total_dropped(), 0u) << "the packets were used; only their cells are left out";
}

TEST(PictureBuilder, OversizedPacketInOverlappingWindowsNeverCountsAsADroppedPacket) {
  // One 3121-byte packet in the four windows that overlap it: four pictures
  // leave it out, but it is one packet the reader used, so the packet counts
  // (read = filtered + used + dropped) must not change.
  PictureBuilder builder(Preset::authors());
  ParseReport report;
  report.packets_read = report.packets_used = 3;
  for (int k = 0; k < 4; ++k) {
    Window w = authors_window({{0.0, 52}, {30.0, 3121}}, {{1.0, 52}});
    w.index = k;
    builder.build(w, report);
  }
  EXPECT_EQ(report.sizes_dropped, 4u);
  EXPECT_EQ(report.total_dropped(), 0u);
  EXPECT_EQ(report.packets_read, report.packets_filtered + report.packets_used + report.total_dropped());
}

TEST(PictureBuilder, AuthorsForwardJumboLandsInTheBackwardHalf) {
  PictureBuilder builder(Preset::authors());
  Window w = authors_window({{0.0, 1600}, {1.0, 52}}, {});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)), (std::vector<Cell>{{0, 161, 1.f}, {299, 13, 1.f}}));
}

TEST(PictureBuilder, AllPacketsAtOneTimeGoToTheMiddleBin) {
  // numpy widens an empty range to [t - 0.5, t + 0.5].
  PictureBuilder builder(Preset::authors());
  Window w = authors_window({{42.0, 52}, {42.0, 52}}, {});
  ParseReport report;
  EXPECT_EQ(cells(builder.build(w, report)), (std::vector<Cell>{{150, 13, 2.f}}));
}

TEST(PictureBuilder, EmptyWindowGivesEmptyPicture) {
  PictureBuilder builder(Preset::paper());
  ParseReport report;
  SparsePicture p;
  p.count = {1.f};
  p.time_bin = {1};
  p.size_bin = {1};
  builder.build(Window{}, p, report);
  EXPECT_EQ(p.nnz(), 0u);
  EXPECT_TRUE(p.time_bin.empty());
}

TEST(PictureBuilder, MatchesTheDenseReferenceOnRandomWindows) {
  std::mt19937_64 rng(11);
  for (const char* name : {"paper", "authors", "uniform"}) {
    Preset preset = Preset::named(name);
    PictureBuilder builder(preset);
    for (size_t n : {1u, 2u, 10u, 100u, 1000u, 20000u}) {
      for (int rep = 0; rep < 5; ++rep) {
        Window w;
        w.index = static_cast<int32_t>(rng() % 5);
        w.origin_ns = {sec(1.6e9) + static_cast<int64_t>(rng() % 1000000000),
                       sec(1.6e9) + static_cast<int64_t>(rng() % 3000000000)};
        if (preset.window.clock == flow::WindowClock::per_flow) w.origin_ns[1] = w.origin_ns[0];
        w.start_ns = w.origin_ns[0] + sec(15.0 * w.index);
        int64_t t = 0;
        for (size_t i = 0; i < n; ++i) {
          Direction d = rng() % 2 ? F : B;
          // Within [start, start + 60) of the packet's own clock, in time order.
          t = std::min<int64_t>(t + static_cast<int64_t>(rng() % (sec(60) / n * 2 + 1)), sec(60) - 1);
          int64_t ts = w.origin_ns[static_cast<size_t>(d)] + sec(15.0 * w.index) + t;
          uint32_t size = rng() % 10 == 0 ? static_cast<uint32_t>(rng() % 70000) : static_cast<uint32_t>(rng() % 1600);
          w.packets.push_back({ts, size, d});
        }
        ParseReport r1, r2;
        SparsePicture fast = builder.build(w, r1);
        SparsePicture ref = builder.build_reference(w, r2);
        ASSERT_EQ(cells(fast), cells(ref)) << name << " n=" << n << " rep=" << rep;
        EXPECT_EQ(r1.sizes_clipped, r2.sizes_clipped);
        EXPECT_EQ(r1.sizes_dropped, r2.sizes_dropped);
        EXPECT_EQ(r1.total_dropped(), 0u);
        float total = 0;
        for (size_t i = 0; i < fast.nnz(); ++i) {
          total += fast.count[i];
          if (i > 0) {
            auto prev = std::make_pair(fast.time_bin[i - 1], fast.size_bin[i - 1]);
            auto cur = std::make_pair(fast.time_bin[i], fast.size_bin[i]);
            ASSERT_LT(prev, cur) << "cells must be sorted and unique";
          }
        }
        EXPECT_EQ(static_cast<uint64_t>(total) + r1.sizes_dropped, n);
      }
    }
  }
}

TEST(PictureBuilder, RejectsPresetsThatCannotMakePictures) {
  Preset p = Preset::paper();
  p.picture.time_bins = 0;
  EXPECT_THROW(PictureBuilder{p}, Error);
  p = Preset::paper();
  p.picture.time_bins = 70000;
  EXPECT_THROW(PictureBuilder{p}, Error);
}

}  // namespace
}  // namespace flowspike::features
