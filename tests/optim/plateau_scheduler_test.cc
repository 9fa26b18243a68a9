#include "flowspike/optim/plateau_scheduler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::optim {
namespace {

// Feeds the metrics one per call (call 1, 2, ...) starting at lr 1e-3 and
// returns the 1-based calls after which the learning rate went down.
std::vector<int> drops(PlateauScheduler& s, const std::vector<double>& metrics, double lr = 1e-3) {
  std::vector<int> out;
  for (size_t i = 0; i < metrics.size(); ++i) {
    double next = s.step(metrics[i], lr);
    if (next < lr) out.push_back(static_cast<int>(i) + 1);
    lr = next;
  }
  return out;
}

TEST(PlateauScheduler, DefaultsReduceAfterMoreThanPatienceBadEpochs) {
  // PyTorch defaults (min, factor 0.1, patience 3, rel 1e-4):
  // 1: best = 1.0 (anything beats +inf)   2: 0.9 < 1.0*0.9999, best = 0.9
  // 3..5: 0.9 is not < 0.9*0.9999, bad = 1, 2, 3 (not > patience)
  // 6: bad = 4 > 3 -> lr 1e-3 -> 1e-4, bad = 0
  // 7..9: bad 1..3   10: bad 4 -> 1e-5
  PlateauScheduler s;
  std::vector<double> losses = {1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9};
  double lr = 1e-3;
  std::vector<double> lrs;
  for (double loss : losses) lrs.push_back(lr = s.step(loss, lr));
  EXPECT_DOUBLE_EQ(lrs[4], 1e-3);
  EXPECT_DOUBLE_EQ(lrs[5], 1e-3 * 0.1);
  EXPECT_DOUBLE_EQ(lrs[8], 1e-3 * 0.1);
  EXPECT_DOUBLE_EQ(lrs[9], 1e-3 * 0.1 * 0.1);
  EXPECT_EQ(s.state().reductions, 2);
  EXPECT_EQ(s.state().steps, 11);
  EXPECT_EQ(s.state().num_bad_epochs, 1);
}

TEST(PlateauScheduler, ImprovementSmallerThanRelativeThresholdIsBad) {
  // best = 1.0 after call 1; calls 2..5 improve by less than 1e-4 relative
  // (all >= 0.9999), so bad = 1, 2, 3, 4 -> reduce after call 5.
  PlateauScheduler s;
  EXPECT_EQ(drops(s, {1.0, 0.99995, 0.99993, 0.99992, 0.99991}), std::vector<int>({5}));
  EXPECT_DOUBLE_EQ(s.state().best, 1.0);
}

TEST(PlateauScheduler, RelativeAndAbsoluteThresholdsDiffer) {
  // Losses near 1000 falling 0.04 per epoch.
  std::vector<double> losses = {1000.0, 999.96, 999.92, 999.88, 999.84, 999.80, 999.76, 999.72};
  // rel 1e-4: improvement needs a < best * 0.9999.
  // 1: best 1000 -> needs < 999.9. 2: 999.96 bad 1. 3: 999.92 bad 2.
  // 4: 999.88 better, best 999.88 -> needs < 999.780012. 5: bad 1. 6: 999.80 bad 2.
  // 7: 999.76 < 999.780012 better, best 999.76 -> needs < 999.660024. 8: bad 1. No drop.
  PlateauScheduler rel;
  EXPECT_TRUE(drops(rel, losses).empty());
  EXPECT_DOUBLE_EQ(rel.state().best, 999.76);
  EXPECT_EQ(rel.state().num_bad_epochs, 1);

  // With patience 1: 3: bad 2 > 1 -> drop (bad 0). 4: better. 5: bad 1. 6: bad 2 -> drop.
  PlateauOptions o;
  o.patience = 1;
  PlateauScheduler rel1(o);
  EXPECT_EQ(drops(rel1, losses), std::vector<int>({3, 6}));

  // abs 1e-4: needs a < best - 1e-4; every 0.04 step is an improvement.
  o.threshold_mode = ThresholdMode::abs;
  PlateauScheduler abs1(o);
  EXPECT_TRUE(drops(abs1, losses).empty());
  EXPECT_DOUBLE_EQ(abs1.state().best, 999.72);
}

TEST(PlateauScheduler, AbsoluteThresholdCountsSmallImprovementsAsBad) {
  // abs, threshold 0.5, patience 2:
  // 1: best 10. 2: 9.6 not < 9.5, bad 1. 3: 9.4 < 9.5, best 9.4, bad 0.
  // 4: 9.0 not < 8.9, bad 1. 5: 8.95 bad 2. 6: 8.95 bad 3 > 2 -> drop.
  PlateauOptions o;
  o.threshold_mode = ThresholdMode::abs;
  o.threshold = 0.5;
  o.patience = 2;
  PlateauScheduler s(o);
  EXPECT_EQ(drops(s, {10.0, 9.6, 9.4, 9.0, 8.95, 8.95}), std::vector<int>({6}));
}

TEST(PlateauScheduler, CooldownIgnoresBadEpochs) {
  // patience 1, cooldown 2, constant loss:
  // 1: best. 2: bad 1. 3: bad 2 > 1 -> drop, cooldown 2.
  // 4: bad 1, in cooldown -> counter 1, bad 0. 5: bad 1, in cooldown -> counter 0, bad 0.
  // 6: bad 1. 7: bad 2 -> drop. 8, 9: cooldown. 10: bad 1. 11: drop.
  PlateauOptions o;
  o.patience = 1;
  o.cooldown = 2;
  PlateauScheduler s(o);
  EXPECT_EQ(drops(s, std::vector<double>(11, 1.0)), std::vector<int>({3, 7, 11}));
  // Without cooldown: 3, 5, 7, 9, 11.
  o.cooldown = 0;
  PlateauScheduler plain(o);
  EXPECT_EQ(drops(plain, std::vector<double>(11, 1.0), 1.0), std::vector<int>({3, 5, 7, 9, 11}));
}

TEST(PlateauScheduler, MinLrAndEpsStopReductions) {
  // patience 0: every non-improving call asks for a reduction.
  // lr 5e-4 -> max(5e-5, 1e-4) = 1e-4 (applied) -> max(1e-5, 1e-4) = 1e-4 (no change).
  PlateauOptions o;
  o.patience = 0;
  o.min_lr = 1e-4;
  PlateauScheduler s(o);
  double lr = 5e-4;
  lr = s.step(1.0, lr);
  EXPECT_DOUBLE_EQ(lr, 5e-4);
  lr = s.step(1.0, lr);
  EXPECT_DOUBLE_EQ(lr, 1e-4);
  lr = s.step(1.0, lr);
  EXPECT_DOUBLE_EQ(lr, 1e-4);
  EXPECT_EQ(s.state().reductions, 1);

  // lr 1e-8: 1e-9 would change it by 9e-9 < eps = 1e-8, so it stays.
  PlateauOptions e;
  e.patience = 0;
  PlateauScheduler tiny(e);
  tiny.step(1.0, 1e-8);
  EXPECT_DOUBLE_EQ(tiny.step(1.0, 1e-8), 1e-8);
  EXPECT_EQ(tiny.state().reductions, 0);
}

TEST(PlateauScheduler, MaxModeForAccuracy) {
  // max, rel 1e-4, patience 1: 1: best 0.5. 2: 0.6 > 0.50005 best. 3: 0.6 bad 1.
  // 4: 0.59 bad 2 -> drop. 5: 0.7 better. 6: bad 1. 7: bad 2 -> drop.
  PlateauOptions o;
  o.mode = PlateauMode::max;
  o.patience = 1;
  PlateauScheduler s(o);
  EXPECT_EQ(drops(s, {0.5, 0.6, 0.6, 0.59, 0.7, 0.7, 0.7}), std::vector<int>({4, 7}));
}

TEST(PlateauScheduler, NanCountsAsBad) {
  PlateauOptions o;
  o.patience = 1;
  PlateauScheduler s(o);
  EXPECT_EQ(drops(s, {1.0, std::nan(""), std::nan("")}), std::vector<int>({3}));
  EXPECT_DOUBLE_EQ(s.state().best, 1.0);
}

TEST(PlateauScheduler, ResumesFromSavedState) {
  testing::TempDir dir;
  std::vector<double> losses = {1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.94, 0.8, 0.85, 0.86, 0.87, 0.88};
  PlateauScheduler straight;
  auto expected = drops(straight, losses);
  // 1: best 1.0. 2: best 0.9. 3-6: bad 1-4, drop after 6. 7: bad 1. 8: best 0.8. 9-12: bad 1-4, drop.
  ASSERT_EQ(expected, std::vector<int>({6, 12}));

  PlateauScheduler first;
  double lr = 1e-3;
  for (size_t i = 0; i < 5; ++i) lr = first.step(losses[i], lr);
  {
    auto file = hdf5::File::create(dir.file("s.h5"));
    auto group = file.create_group("scheduler");
    first.write_state(group);
  }
  PlateauScheduler resumed;
  resumed.read_state(hdf5::File::open(dir.file("s.h5")).open_group("scheduler"));
  std::vector<int> got;
  for (size_t i = 5; i < losses.size(); ++i) {
    double next = resumed.step(losses[i], lr);
    if (next < lr) got.push_back(static_cast<int>(i) + 1);
    lr = next;
  }
  EXPECT_EQ(got, expected);
}

TEST(PlateauScheduler, RejectsBadOptionsAndNames) {
  PlateauOptions o;
  o.factor = 1.0;
  EXPECT_THROW(PlateauScheduler{o}, Error);
  o = {};
  o.patience = -1;
  EXPECT_THROW(PlateauScheduler{o}, Error);
  EXPECT_EQ(parse_plateau_mode("max"), PlateauMode::max);
  EXPECT_EQ(parse_threshold_mode("abs"), ThresholdMode::abs);
  EXPECT_THROW(parse_plateau_mode("lowest"), Error);
  EXPECT_THROW(parse_threshold_mode("relative"), Error);
}

}  // namespace
}  // namespace flowspike::optim
