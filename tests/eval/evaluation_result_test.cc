#include "flowspike/eval/evaluation_result.h"

#include <gtest/gtest.h>

#include <cmath>

#include "flowspike/eval/paper_figures.h"

namespace flowspike::eval {
namespace {

TEST(Softmax, SumsToOneAndIsStableForLargeLogits) {
  std::vector<float> p(3);
  softmax(std::vector<float>{1000.0f, 1000.0f, 0.0f}, p);
  EXPECT_NEAR(p[0], 0.5f, 1e-6);
  EXPECT_NEAR(p[1], 0.5f, 1e-6);
  EXPECT_NEAR(p[2], 0.0f, 1e-6);
  softmax(std::vector<float>{0.0f, std::log(3.0f)}, std::span<float>(p).first(2));
  EXPECT_NEAR(p[0], 0.25f, 1e-6);
  EXPECT_NEAR(p[1], 0.75f, 1e-6);
}

TEST(Argmax, TakesTheFirstOnTies) {
  EXPECT_EQ(argmax(std::vector<float>{1.0f, 3.0f, 3.0f}), 1);
}

TEST(MakeResult, PredictsProbabilitiesMetricsAndEnergy) {
  const NetworkShape shape{4, 2, 2, 5};
  ScoredWindows s;
  s.windows = {3, 7, 9};
  s.flows = {0, 1, 1};
  s.truth = {1, 0, 0};
  s.logits = {1.0f, 2.0f, 3.0f, 0.0f, 0.0f, 1.0f};
  s.activity = {WindowActivity::of(1, 0, shape), WindowActivity::of(2, 2, shape), WindowActivity::of(3, 1, shape)};
  const EvaluationResult r = make_result({"a", "b"}, "test", "flow split", shape, s);
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(r.predicted, (std::vector<int32_t>{1, 0, 1}));
  EXPECT_NEAR(r.probabilities_of(0)[1], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(r.probabilities_of(2)[0] + r.probabilities_of(2)[1], 1.0, 1e-6);
  EXPECT_FLOAT_EQ(r.logits_of(1)[0], 3.0f);
  ASSERT_TRUE(r.metrics.accuracy.has_value());
  EXPECT_NEAR(r.metrics.accuracy.value, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r.energy.mean_input_events, 2.0);
  EXPECT_EQ(r.selection, "test");
}

TEST(PaperFigures, OnlySourcedFiguresAreKnown) {
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperAccuracy), 0.959);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperWeightedPrecision), 0.969);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperEncryptionAccuracy), 0.967);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperShufflePerRow), 0.906);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperShuffleAllRows), 0.951);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperLearnedBeta), 0.42);
  EXPECT_DOUBLE_EQ(*paper_figure(kPaperBetaZero), 0.952);
  EXPECT_FALSE(paper_figure("Chat-VPN recall").has_value());
  for (const PaperFigure& f : paper_figures()) EXPECT_FALSE(f.source.empty()) << f.key;
}

}  // namespace
}  // namespace flowspike::eval
