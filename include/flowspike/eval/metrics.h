// The paper's metrics (DESIGN section 7) as pure functions of the true labels,
// the predicted labels, the per-window class probabilities and the class list.
// Every figure is a Measure: a value, or the reason there is none, so a class
// missing from the evaluated data shows as absent rather than as 0 %. The exact
// definitions are in docs/evaluation.md. Plain value types; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flowspike/eval/taxonomy.h"

namespace flowspike::eval {

// Why a figure has no value.
enum class Availability : uint8_t {
  value,           // defined
  absent,          // the class, category or encryption has no windows in the evaluated data
  undefined,       // 0/0 for another reason (the precision of a class that is never predicted)
  not_a_class,     // the taxonomy has no such class (Browsing-VPN among the 14 ISCX classes)
  not_applicable,  // the class names have no <category>-<encryption> structure
};
const char* availability_name(Availability availability);

struct Measure {
  Availability availability = Availability::undefined;
  double value = 0.0;  // meaningful only when availability == value

  static Measure of(double v) { return {Availability::value, v}; }
  static Measure missing(Availability why) { return {why, 0.0}; }
  // numerator / denominator, or `if_empty` when the denominator is 0.
  static Measure ratio(int64_t numerator, int64_t denominator, Availability if_empty);
  bool has_value() const { return availability == Availability::value; }
};

// One class (or category) against all others.
struct OneVsAll {
  std::string name;
  int64_t support = 0;         // windows whose true label is this one (TP + FN)
  int64_t predicted = 0;       // windows predicted as this one (TP + FP)
  int64_t true_positives = 0;  // TP
  int64_t windows = 0;         // TP + FP + FN + TN
  Measure recall;              // TP / (TP + FN); absent when support is 0
  Measure precision;           // TP / (TP + FP); absent when support is 0, undefined when never predicted
  Measure accuracy;            // (TP + TN) / windows; absent when support is 0
};

// Counts with rows = predicted class and columns = true class, as in the paper.
struct ConfusionMatrix {
  size_t classes = 0;
  std::vector<int64_t> counts;  // counts[predicted * classes + truth]

  int64_t count(size_t predicted, size_t truth) const { return counts[predicted * classes + truth]; }
  int64_t column_total(size_t truth) const;
  // count / column total: the share of the true class's windows predicted as
  // `predicted`. Every non-empty column sums to 1; an empty column is absent.
  Measure normalised(size_t predicted, size_t truth) const;
};

// The paper's per-encryption view, over the windows whose TRUE encryption is E.
struct EncryptionBreakdown {
  std::string encryption;
  int64_t windows = 0;                       // windows whose true encryption is E
  std::vector<Measure> category_one_vs_all;  // Table 1: one-vs-all accuracy per category (taxonomy order)
  Measure mean_one_vs_all;                   // Table 4: mean of the Table 1 values that exist
  Measure category_accuracy;                 // Fig. 7: predicted category == true category
};

struct Metrics {
  std::vector<std::string> classes;
  Taxonomy taxonomy;
  int64_t windows = 0;

  Measure accuracy;                    // predicted class == true class
  Measure weighted_precision;          // per-class precision averaged with weights = support
  Measure weighted_average_precision;  // per-class area under the precision-recall curve of the
                                       // probabilities, averaged with weights = support
  std::vector<OneVsAll> per_class;     // Table 3, in class order
  ConfusionMatrix confusion;

  // From the taxonomy; not_applicable / empty when it is not structured.
  Measure category_accuracy;                        // predicted category == true category
  Measure encryption_accuracy;                      // predicted encryption == true encryption
  std::vector<OneVsAll> per_category;               // Table 2, in taxonomy order
  std::vector<EncryptionBreakdown> per_encryption;  // Tables 1 and 4, Fig. 7, in taxonomy order
};

// truth and predicted: one label in [0, classes.size()) per window.
// probabilities: windows x classes, row-major, or empty (then
// weighted_average_precision is undefined).
Metrics compute_metrics(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                        std::span<const float> probabilities, const std::vector<std::string>& classes);

// Area under the precision-recall curve of one binary problem, as the sum over
// distinct score thresholds (highest first) of (R_n - R_{n-1}) * P_n; windows
// with equal scores enter together. Undefined when there is no positive.
Measure average_precision(std::span<const uint8_t> positive, std::span<const float> score);

}  // namespace flowspike::eval
