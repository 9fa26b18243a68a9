#include "flowspike/eval/metrics.h"

#include <gtest/gtest.h>

namespace flowspike::eval {
namespace {

// Five classes over three categories and two encryptions; Video-VPN is not a
// class and Video-NonVPN (class 4) has no windows. Expected values are worked
// out by hand in the comments.
const std::vector<std::string> kClasses = {"Chat-NonVPN", "Chat-VPN", "VoIP-NonVPN", "VoIP-VPN", "Video-NonVPN"};
const std::vector<int32_t> kTruth = {0, 0, 1, 2, 2, 3, 3, 3};
const std::vector<int32_t> kPredicted = {0, 1, 1, 2, 0, 3, 2, 3};

void expect_value(const Measure& m, double expected) {
  ASSERT_TRUE(m.has_value()) << availability_name(m.availability);
  EXPECT_NEAR(m.value, expected, 1e-12);
}

TEST(Metrics, AccuracyAndWeightedPrecision) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  EXPECT_EQ(m.windows, 8);
  expect_value(m.accuracy, 5.0 / 8);
  // Support-weighted precision: (2 * 1/2 + 1 * 1/2 + 2 * 1/2 + 3 * 1) / 8.
  expect_value(m.weighted_precision, 5.5 / 8);
  EXPECT_EQ(m.weighted_average_precision.availability, Availability::undefined);  // no probabilities
}

TEST(Metrics, OneVsAllPerClass) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  ASSERT_EQ(m.per_class.size(), 5u);
  const OneVsAll& c0 = m.per_class[0];  // TP 1, FP 1 (window 4), FN 1 (window 1)
  EXPECT_EQ(c0.name, "Chat-NonVPN");
  EXPECT_EQ(c0.support, 2);
  EXPECT_EQ(c0.predicted, 2);
  expect_value(c0.recall, 0.5);
  expect_value(c0.precision, 0.5);
  expect_value(c0.accuracy, 6.0 / 8);
  const OneVsAll& c3 = m.per_class[3];  // TP 2, FP 0, FN 1
  expect_value(c3.recall, 2.0 / 3);
  expect_value(c3.precision, 1.0);
  expect_value(c3.accuracy, 7.0 / 8);
  const OneVsAll& c1 = m.per_class[1];  // TP 1, FP 1, FN 0
  expect_value(c1.recall, 1.0);
  expect_value(c1.precision, 0.5);
  expect_value(c1.accuracy, 7.0 / 8);
}

TEST(Metrics, AbsentClassIsAbsentNotZero) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  const OneVsAll& c4 = m.per_class[4];
  EXPECT_EQ(c4.support, 0);
  EXPECT_EQ(c4.recall.availability, Availability::absent);
  EXPECT_EQ(c4.precision.availability, Availability::absent);
  EXPECT_EQ(c4.accuracy.availability, Availability::absent);
}

TEST(Metrics, PresentClassNeverPredictedHasUndefinedPrecisionCountedAsZeroInTheMean) {
  // Truth 0 0 1 1, everything predicted 0: class 1 precision 0/0.
  const Metrics m = compute_metrics(std::vector<int32_t>{0, 0, 1, 1}, std::vector<int32_t>{0, 0, 0, 0}, {},
                                    {"a", "b"});
  EXPECT_EQ(m.per_class[1].precision.availability, Availability::undefined);
  expect_value(m.per_class[1].recall, 0.0);
  expect_value(m.per_class[0].precision, 0.5);
  expect_value(m.weighted_precision, (2 * 0.5 + 2 * 0.0) / 4);
}

TEST(Metrics, ConfusionMatrixRowsArePredictedColumnsTrueAndColumnsSumToOne) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  const ConfusionMatrix& cm = m.confusion;
  EXPECT_EQ(cm.count(0, 0), 1);
  EXPECT_EQ(cm.count(1, 0), 1);  // a Chat-NonVPN window predicted Chat-VPN: row 1, column 0
  EXPECT_EQ(cm.count(0, 1), 0);
  EXPECT_EQ(cm.count(0, 2), 1);
  EXPECT_EQ(cm.count(2, 3), 1);
  EXPECT_EQ(cm.count(3, 3), 2);
  EXPECT_EQ(cm.column_total(3), 3);
  expect_value(cm.normalised(3, 3), 2.0 / 3);
  expect_value(cm.normalised(2, 3), 1.0 / 3);
  expect_value(cm.normalised(1, 0), 0.5);
  for (size_t t = 0; t < 4; ++t) {
    double sum = 0;
    for (size_t p = 0; p < 5; ++p) sum += cm.normalised(p, t).value;
    EXPECT_NEAR(sum, 1.0, 1e-12) << "column " << t;
  }
  EXPECT_EQ(cm.normalised(4, 4).availability, Availability::absent);
  EXPECT_EQ(cm.normalised(0, 4).availability, Availability::absent);
}

TEST(Metrics, CategoryTablesFoldClassesToCategories) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  ASSERT_TRUE(m.taxonomy.structured);
  expect_value(m.category_accuracy, 7.0 / 8);    // only window 4 (VoIP -> Chat) is wrong
  expect_value(m.encryption_accuracy, 6.0 / 8);  // windows 1 and 6 change encryption
  ASSERT_EQ(m.per_category.size(), 3u);
  EXPECT_EQ(m.per_category[0].name, "Chat");
  expect_value(m.per_category[0].recall, 1.0);
  expect_value(m.per_category[0].precision, 0.75);
  expect_value(m.per_category[0].accuracy, 7.0 / 8);
  EXPECT_EQ(m.per_category[1].name, "VoIP");
  expect_value(m.per_category[1].recall, 0.8);
  expect_value(m.per_category[1].precision, 1.0);
  EXPECT_EQ(m.per_category[2].name, "Video");
  EXPECT_EQ(m.per_category[2].accuracy.availability, Availability::absent);
}

TEST(Metrics, PerEncryptionTablesUseTheWindowsOfThatTrueEncryption) {
  const Metrics m = compute_metrics(kTruth, kPredicted, {}, kClasses);
  ASSERT_EQ(m.per_encryption.size(), 2u);
  // NonVPN: windows 0 1 3 4; true categories Chat Chat VoIP VoIP, predicted Chat Chat VoIP Chat.
  const EncryptionBreakdown& clear = m.per_encryption[0];
  EXPECT_EQ(clear.encryption, "NonVPN");
  EXPECT_EQ(clear.windows, 4);
  expect_value(clear.category_one_vs_all[0], 0.75);  // Chat: one false positive
  expect_value(clear.category_one_vs_all[1], 0.75);  // VoIP: one false negative
  EXPECT_EQ(clear.category_one_vs_all[2].availability, Availability::absent);  // Video-NonVPN: no windows
  expect_value(clear.mean_one_vs_all, 0.75);
  expect_value(clear.category_accuracy, 0.75);
  // VPN: windows 2 5 6 7, every category right (window 6 is VoIP-VPN -> VoIP-NonVPN).
  const EncryptionBreakdown& vpn = m.per_encryption[1];
  EXPECT_EQ(vpn.windows, 4);
  expect_value(vpn.category_one_vs_all[0], 1.0);
  expect_value(vpn.category_one_vs_all[1], 1.0);
  EXPECT_EQ(vpn.category_one_vs_all[2].availability, Availability::not_a_class);  // no Video-VPN class
  expect_value(vpn.mean_one_vs_all, 1.0);
  expect_value(vpn.category_accuracy, 1.0);
}

TEST(Metrics, EncryptionWithoutWindowsIsAbsent) {
  const Metrics m = compute_metrics(std::vector<int32_t>{0, 0}, std::vector<int32_t>{0, 1}, {},
                                    {"Chat-NonVPN", "Chat-Tor"});
  ASSERT_EQ(m.per_encryption.size(), 2u);
  EXPECT_EQ(m.per_encryption[1].windows, 0);
  EXPECT_EQ(m.per_encryption[1].category_one_vs_all[0].availability, Availability::absent);
  EXPECT_EQ(m.per_encryption[1].mean_one_vs_all.availability, Availability::absent);
  EXPECT_EQ(m.per_encryption[1].category_accuracy.availability, Availability::absent);
  expect_value(m.per_encryption[0].category_accuracy, 1.0);
  expect_value(m.encryption_accuracy, 0.5);
}

TEST(Metrics, OtherTaxonomyOmitsCategoryTablesAndKeepsTheRest) {
  const Metrics m = compute_metrics(std::vector<int32_t>{0, 1, 2, 2}, std::vector<int32_t>{0, 1, 2, 0}, {},
                                    {"web", "mail", "ssh"});
  EXPECT_FALSE(m.taxonomy.structured);
  EXPECT_FALSE(m.taxonomy.reason.empty());
  expect_value(m.accuracy, 0.75);
  EXPECT_EQ(m.per_class.size(), 3u);
  EXPECT_TRUE(m.per_category.empty());
  EXPECT_TRUE(m.per_encryption.empty());
  EXPECT_EQ(m.category_accuracy.availability, Availability::not_applicable);
  EXPECT_EQ(m.encryption_accuracy.availability, Availability::not_applicable);
}

TEST(Metrics, AveragePrecisionFromScores) {
  // Ranked .9(+) .8(-) .7(+) .1(-): 1/2 * 1 + 1/2 * 2/3.
  const std::vector<uint8_t> positive = {1, 0, 1, 0};
  expect_value(average_precision(positive, std::vector<float>{0.9f, 0.8f, 0.7f, 0.1f}), 0.5 + 1.0 / 3);
  // Tied scores form one threshold.
  expect_value(average_precision(std::vector<uint8_t>{1, 0}, std::vector<float>{0.5f, 0.5f}), 0.5);
  EXPECT_EQ(average_precision(std::vector<uint8_t>{0, 0}, std::vector<float>{0.5f, 0.2f}).availability,
            Availability::absent);
}

TEST(Metrics, WeightedAveragePrecisionWeighsClassesBySupport) {
  // Class 0 (support 3) ranks perfectly: AP 1. Class 1 (support 1) ranks its
  // positive second of four: AP 1/2. Weighted: (3 * 1 + 1 * 1/2) / 4.
  const std::vector<int32_t> truth = {0, 0, 0, 1};
  const std::vector<int32_t> predicted = {0, 0, 0, 0};
  const std::vector<float> probabilities = {0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.6f, 0.25f};
  const Metrics m = compute_metrics(truth, predicted, probabilities, {"a", "b"});
  expect_value(m.weighted_average_precision, (3 * 1.0 + 1 * 0.5) / 4);
}

TEST(Metrics, NoWindowsGivesNoValues) {
  const Metrics m = compute_metrics(std::vector<int32_t>{}, std::vector<int32_t>{}, {}, kClasses);
  EXPECT_FALSE(m.accuracy.has_value());
  EXPECT_FALSE(m.weighted_precision.has_value());
  EXPECT_EQ(m.confusion.counts.size(), 25u);
}

}  // namespace
}  // namespace flowspike::eval
