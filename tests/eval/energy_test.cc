#include "flowspike/eval/energy.h"

#include <gtest/gtest.h>

#include <vector>

namespace flowspike::eval {
namespace {

TEST(Energy, DenseAnnMacsOfThePaperShape) {
  // 300 time bins x (300 x 100 + 100 x 14).
  EXPECT_EQ(NetworkShape{}.dense_ann_macs(), 300LL * (30000 + 1400));
  EXPECT_EQ(NetworkShape::of(snn::SnnOptions{}).dense_ann_macs(), 9'420'000);
}

TEST(Energy, SynapticOpsCountRowsAddedByEventsAndSpikes) {
  const NetworkShape shape{300, 100, 14, 300};
  const WindowActivity a = WindowActivity::of(10, 5, shape);
  EXPECT_EQ(a.synaptic_ops, 10 * 100 + 5 * 14);
}

TEST(Energy, SummaryAveragesOverWindows) {
  const NetworkShape shape{4, 2, 3, 5};  // dense: 5 x (8 + 6) = 70
  const std::vector<WindowActivity> windows = {WindowActivity::of(2, 1, shape), WindowActivity::of(4, 3, shape)};
  const EnergySummary s = summarise_energy(windows, shape);
  EXPECT_EQ(s.windows, 2);
  EXPECT_DOUBLE_EQ(s.mean_input_events, 3.0);
  EXPECT_DOUBLE_EQ(s.mean_hidden_spikes, 2.0);
  EXPECT_DOUBLE_EQ(s.mean_synaptic_ops, ((2 * 2 + 1 * 3) + (4 * 2 + 3 * 3)) / 2.0);
  EXPECT_DOUBLE_EQ(s.max_synaptic_ops, 17.0);
  EXPECT_EQ(s.dense_ann_macs, 70);
  EXPECT_DOUBLE_EQ(s.dense_to_synaptic_ratio, 70.0 / 12.0);
}

TEST(Energy, EmptySummaryHasNoRatio) {
  const EnergySummary s = summarise_energy({}, NetworkShape{});
  EXPECT_EQ(s.windows, 0);
  EXPECT_EQ(s.dense_to_synaptic_ratio, 0.0);
}

}  // namespace
}  // namespace flowspike::eval
