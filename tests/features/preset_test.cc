#include "flowspike/features/preset.h"

#include <gtest/gtest.h>

#include "flowspike/common/error.h"

namespace flowspike::features {
namespace {

TEST(Preset, PaperIsTheDesignTable) {
  Preset p = Preset::paper();
  EXPECT_EQ(p.name, "paper");
  EXPECT_EQ(p.window.length_s, 60.0);
  EXPECT_EQ(p.window.step_s, 15.0);
  EXPECT_EQ(p.window.min_packets, 10u);
  EXPECT_EQ(p.window.min_span_s, 40.0);
  EXPECT_EQ(p.window.clock, flow::WindowClock::per_flow);
  EXPECT_FALSE(p.window.closed_end);
  EXPECT_EQ(p.window.set, flow::WindowSet::covered);
  EXPECT_EQ(p.picture.time_bins, 300u);
  EXPECT_EQ(p.picture.size_edges, SizeBinEdges::authors());
  EXPECT_EQ(p.picture.overflow, SizeOverflow::last_bin);
  EXPECT_EQ(p.picture.time_axis, TimeAxis::fixed);
  EXPECT_FALSE(p.picture.authors_layout);
  EXPECT_DOUBLE_EQ(p.time_bin_s(), 0.2);
}

TEST(Preset, AuthorsReproducesTheReleasedCode) {
  Preset p = Preset::authors();
  EXPECT_EQ(p.name, "authors");
  EXPECT_EQ(p.window.clock, flow::WindowClock::per_direction);
  EXPECT_TRUE(p.window.closed_end);
  EXPECT_EQ(p.window.set, flow::WindowSet::covered);
  EXPECT_EQ(p.picture.overflow, SizeOverflow::drop);
  EXPECT_EQ(p.picture.time_axis, TimeAxis::sample_span);
  EXPECT_TRUE(p.picture.authors_layout);
  EXPECT_EQ(p.picture.size_edges.size_bins(), 300u);
}

TEST(Preset, UniformHasTenByteBins) {
  Preset p = Preset::uniform();
  EXPECT_EQ(p.picture.size_edges, SizeBinEdges::uniform(150, 10.0));
  EXPECT_EQ(p.picture.size_edges.size_bins(), 300u);
  EXPECT_EQ(p.picture.overflow, SizeOverflow::last_bin);
}

TEST(Preset, NamedFindsEveryPresetAndNamesTheChoicesOtherwise) {
  for (const auto& name : Preset::names()) EXPECT_EQ(Preset::named(name).name, name);
  try {
    Preset::named("fast");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("paper, authors, uniform"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace flowspike::features
