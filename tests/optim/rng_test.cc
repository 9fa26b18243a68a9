#include "flowspike/optim/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace flowspike::optim {
namespace {

TEST(Rng, UniformUsesTheTop53BitsOfOneWord) {
  // The standard fixes std::mt19937_64's output: with the default seed 5489
  // the first word is 14514284786278117030 (and the 10000th 9981545732273789042).
  Rng rng;
  EXPECT_EQ(uniform01(rng), static_cast<double>(14514284786278117030ULL >> 11) * 0x1.0p-53);
  Rng check;
  check.discard(9999);
  EXPECT_EQ(check(), 9981545732273789042ULL);
}

TEST(Rng, UniformStaysInRange) {
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    double u = uniform01(rng);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    double v = uniform01_open_low(rng);
    ASSERT_GT(v, 0.0);
    ASSERT_LE(v, 1.0);
  }
}

TEST(Rng, NormalHasUnitMomentsAndUsesTwoWords) {
  Rng rng(11), twin(11);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    double x = normal(rng);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);  // standard error 0.0022
  EXPECT_NEAR(var, 1.0, 0.015);  // standard error 0.0032
  twin.discard(2ULL * n);
  EXPECT_EQ(rng(), twin());
}

TEST(Rng, NormalWithMeanAndSigma) {
  Rng a(5), b(5);
  EXPECT_DOUBLE_EQ(normal(a, 2.0, 0.5), 2.0 + 0.5 * normal(b));
}

TEST(Rng, UniformIndexCoversTheRangeEvenly) {
  Rng rng(8);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[uniform_index(rng, 7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  EXPECT_EQ(uniform_index(rng, 1), 0u);
}

TEST(Rng, ShuffleIsASeededPermutation) {
  std::vector<int> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  Rng r1(4), r2(4);
  shuffle(std::span<int>(a), r1);
  shuffle(std::span<int>(b), r2);
  EXPECT_EQ(a, b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);
}

}  // namespace
}  // namespace flowspike::optim
