#include "flowspike/optim/weighted_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::optim {
namespace {

// Labels with very unequal classes: 10 of class 0, 100 of class 1, 1000 of class 2.
std::vector<int32_t> unbalanced_labels() {
  std::vector<int32_t> labels;
  for (int c = 0, n = 10; c < 3; ++c, n *= 10) labels.insert(labels.end(), static_cast<size_t>(n), c);
  return labels;
}

TEST(WeightedSampler, InverseClassFrequencyWeights) {
  std::vector<int32_t> labels = {3, 1, 3, 3, 7};
  auto w = inverse_class_frequency_weights(labels);
  EXPECT_EQ(w, std::vector<double>({1.0 / 3, 1.0, 1.0 / 3, 1.0 / 3, 1.0}));
}

TEST(WeightedSampler, SameSeedSameDraws) {
  auto w = inverse_class_frequency_weights(unbalanced_labels());
  WeightedSampler a(w, 42), b(w, 42), c(w, 43);
  auto da = a.draw(1000);
  EXPECT_EQ(da, b.draw(1000));
  EXPECT_NE(da, c.draw(1000));
}

TEST(WeightedSampler, DrawsMatchTheEngineWordsAndCumulativeSums) {
  // The mapping is ours, not the standard library's: index = first prefix sum
  // above uniform01(word) * total. Weights 1, 2, 1 -> prefix 1, 3, 4.
  WeightedSampler s({1.0, 2.0, 1.0}, 5489);
  Rng rng(5489);  // std::mt19937_64's default seed; its first word is fixed by the standard
  for (int i = 0; i < 100; ++i) {
    const double r = uniform01(rng) * 4.0;
    const size_t expected = r < 1.0 ? 0 : (r < 3.0 ? 1 : 2);
    EXPECT_EQ(s.draw(), expected) << i;
  }
}

TEST(WeightedSampler, ClassesComeOutEquallyOften) {
  auto labels = unbalanced_labels();
  WeightedSampler s(inverse_class_frequency_weights(labels), 1);
  const size_t draws = 300000;
  std::vector<double> counts(3, 0.0);
  for (size_t i : s.draw(draws)) counts[static_cast<size_t>(labels[i])] += 1;
  // Chi-square against uniform over the 3 classes, 2 degrees of freedom:
  // the 99.9 % point is 13.8.
  const double expected = static_cast<double>(draws) / 3;
  double chi2 = 0.0;
  for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 13.8) << counts[0] << " " << counts[1] << " " << counts[2];
}

TEST(WeightedSampler, ZeroWeightSamplesAreNeverDrawn) {
  std::vector<double> w = {0.0, 1.0, 0.0, 0.0, 3.0, 0.0};
  WeightedSampler s(w, 9);
  std::vector<int> seen(w.size(), 0);
  for (size_t i : s.draw(100000)) ++seen[i];
  EXPECT_EQ(seen[0] + seen[2] + seen[3] + seen[5], 0);
  EXPECT_GT(seen[1], 0);
  EXPECT_NEAR(seen[4] / 100000.0, 0.75, 0.01);
  EXPECT_DOUBLE_EQ(s.probability(4), 0.75);
  EXPECT_DOUBLE_EQ(s.probability(0), 0.0);
}

TEST(WeightedSampler, RejectsBadWeights) {
  EXPECT_THROW(WeightedSampler({}, 1), Error);
  EXPECT_THROW(WeightedSampler({0.0, 0.0}, 1), Error);
  EXPECT_THROW(WeightedSampler({1.0, -1.0}, 1), Error);
  EXPECT_THROW(WeightedSampler({1.0, std::numeric_limits<double>::quiet_NaN()}, 1), Error);
  EXPECT_THROW(WeightedSampler({1.0, std::numeric_limits<double>::infinity()}, 1), Error);
}

TEST(WeightedSampler, ResumesFromSavedState) {
  testing::TempDir dir;
  auto w = inverse_class_frequency_weights(unbalanced_labels());
  WeightedSampler straight(w, 77);
  straight.draw(500);
  auto expected = straight.draw(500);

  WeightedSampler first(w, 77);
  first.draw(500);
  {
    auto file = hdf5::File::create(dir.file("s.h5"));
    first.write_state(file);
  }
  WeightedSampler resumed(w, 1);
  resumed.read_state(hdf5::File::open(dir.file("s.h5")));
  EXPECT_EQ(resumed.draw(500), expected);

  EXPECT_THROW(resumed.restore_state("12 34 not a state"), Error);
  EXPECT_THROW(resumed.restore_state(""), Error);
}

}  // namespace
}  // namespace flowspike::optim
