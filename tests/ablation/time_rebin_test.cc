#include "flowspike/ablation/time_rebin.h"

#include <gtest/gtest.h>

#include "dataset/make_dataset.h"
#include "flowspike/common/error.h"
#include "flowspike/dataset/split.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/optim/rng.h"

namespace flowspike::ablation {
namespace {

// A window of `packets` random packets over its 60 s, some exactly on bin edges.
flow::Window random_window(size_t packets, uint64_t seed) {
  optim::Rng rng(seed);
  flow::Window w;
  w.start_ns = 1'000'000'000'000'000'000;
  w.origin_ns = {w.start_ns, w.start_ns};
  for (size_t i = 0; i < packets; ++i) {
    int64_t offset = static_cast<int64_t>(optim::uniform_index(rng, 60'000'000'000));
    if (i % 7 == 0) offset = static_cast<int64_t>(optim::uniform_index(rng, 300)) * 200'000'000;  // on an edge
    w.packets.push_back({w.start_ns + offset, static_cast<uint32_t>(40 + optim::uniform_index(rng, 1460)),
                         i % 3 ? capture::Direction::forward : capture::Direction::backward});
  }
  std::sort(w.packets.begin(), w.packets.end(), [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
  return w;
}

features::SparsePicture picture_at(const flow::Window& w, uint32_t time_bins) {
  features::Preset p = features::Preset::paper();
  p.picture.time_bins = time_bins;
  features::PictureBuilder builder(p);
  capture::ParseReport report;
  return builder.build(w, report);
}

TEST(TimeRebin, FactorExistsOnlyForWholeGroups) {
  EXPECT_EQ(rebin_factor(300, 150), 2u);
  EXPECT_EQ(rebin_factor(300, 100), 3u);
  EXPECT_EQ(rebin_factor(300, 300), 1u);
  EXPECT_FALSE(rebin_factor(300, 120));  // 200 ms -> 500 ms
  EXPECT_FALSE(rebin_factor(300, 600));  // finer
  EXPECT_FALSE(rebin_factor(300, 0));
}

TEST(TimeRebin, MergingBinsEqualsBinningCoarserFromThePackets) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const flow::Window w = random_window(3000, seed);
    const features::SparsePicture fine = picture_at(w, 300);  // 200 ms
    for (uint32_t coarse : {150u, 100u, 60u, 30u, 1u}) {
      const features::SparsePicture merged = rebin_time(fine.view(), 300 / coarse);
      const features::SparsePicture direct = picture_at(w, coarse);
      EXPECT_EQ(merged.time_bin, direct.time_bin) << coarse;
      EXPECT_EQ(merged.size_bin, direct.size_bin) << coarse;
      EXPECT_EQ(merged.count, direct.count) << coarse;
    }
  }
}

TEST(TimeRebin, RebinnedDatasetKeepsEverythingButTheCells) {
  const dataset::Dataset d = dataset::testing::make_dataset(2, 3, 4, 2);
  const dataset::Dataset r = rebin_dataset(d, 100);
  EXPECT_EQ(r.preset.picture.time_bins, 100u);
  EXPECT_EQ(r.label, d.label);
  EXPECT_EQ(r.flow, d.flow);
  EXPECT_EQ(r.start_s, d.start_s);
  r.validate("rebinned");
  double a = 0, b = 0;
  for (float c : d.count) a += c;
  for (float c : r.count) b += c;
  EXPECT_DOUBLE_EQ(a, b);
  EXPECT_EQ(dataset::make_split(d, dataset::SplitKind::flow, 1).test,
            dataset::make_split(r, dataset::SplitKind::flow, 1).test);
  EXPECT_THROW(rebin_dataset(d, 120), Error);
  EXPECT_THROW(rebin_dataset(d, 600), Error);
}

}  // namespace
}  // namespace flowspike::ablation
