#include "flowspike/eval/metrics.h"

#include <algorithm>
#include <numeric>

#include "flowspike/common/error.h"

namespace flowspike::eval {
namespace {

// One-vs-all counts of a labelling folded to `groups` groups, over the windows
// for which `keep` is true.
template <class Keep>
std::vector<OneVsAll> one_vs_all(std::span<const int> truth_group, std::span<const int> predicted_group,
                                 const std::vector<std::string>& names, Keep keep) {
  std::vector<OneVsAll> out(names.size());
  int64_t windows = 0;
  for (size_t i = 0; i < truth_group.size(); ++i) {
    if (!keep(i)) continue;
    ++windows;
    const auto t = static_cast<size_t>(truth_group[i]);
    const auto p = static_cast<size_t>(predicted_group[i]);
    ++out[t].support;
    ++out[p].predicted;
    if (t == p) ++out[t].true_positives;
  }
  for (size_t g = 0; g < names.size(); ++g) {
    OneVsAll& o = out[g];
    o.name = names[g];
    o.windows = windows;
    if (o.support == 0) {
      o.recall = o.precision = o.accuracy = Measure::missing(Availability::absent);
      continue;
    }
    const int64_t false_positives = o.predicted - o.true_positives;
    const int64_t false_negatives = o.support - o.true_positives;
    o.recall = Measure::ratio(o.true_positives, o.support, Availability::absent);
    o.precision = Measure::ratio(o.true_positives, o.predicted, Availability::undefined);
    o.accuracy = Measure::ratio(windows - false_positives - false_negatives, windows, Availability::absent);
  }
  return out;
}

std::vector<int> to_int(std::span<const int32_t> labels) { return {labels.begin(), labels.end()}; }

std::vector<int> fold(std::span<const int32_t> labels, const std::vector<int>& group_of_class) {
  std::vector<int> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) out[i] = group_of_class[static_cast<size_t>(labels[i])];
  return out;
}

Measure share_equal(std::span<const int> a, std::span<const int> b, std::span<const int> subset_key, int subset) {
  int64_t total = 0, equal = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!subset_key.empty() && subset_key[i] != subset) continue;
    ++total;
    if (a[i] == b[i]) ++equal;
  }
  return Measure::ratio(equal, total, Availability::absent);
}

void add_taxonomy_metrics(Metrics& m, std::span<const int32_t> truth, std::span<const int32_t> predicted) {
  const Taxonomy& tx = m.taxonomy;
  if (!tx.structured) {
    m.category_accuracy = m.encryption_accuracy = Measure::missing(Availability::not_applicable);
    return;
  }
  const std::vector<int> tc = fold(truth, tx.class_category), pc = fold(predicted, tx.class_category);
  const std::vector<int> te = fold(truth, tx.class_encryption), pe = fold(predicted, tx.class_encryption);
  m.category_accuracy = share_equal(tc, pc, {}, 0);
  m.encryption_accuracy = share_equal(te, pe, {}, 0);
  m.per_category = one_vs_all(tc, pc, tx.categories, [](size_t) { return true; });

  for (size_t e = 0; e < tx.encryptions.size(); ++e) {
    const int ei = static_cast<int>(e);
    EncryptionBreakdown b;
    b.encryption = tx.encryptions[e];
    const std::vector<OneVsAll> within =
        one_vs_all(tc, pc, tx.categories, [&](size_t i) { return te[i] == ei; });
    b.windows = within.empty() ? 0 : within.front().windows;
    double sum = 0.0;
    int n = 0;
    for (size_t c = 0; c < tx.categories.size(); ++c) {
      Measure cell = tx.class_of(static_cast<int>(c), ei) < 0 ? Measure::missing(Availability::not_a_class)
                                                               : within[c].accuracy;
      if (cell.has_value()) {
        sum += cell.value;
        ++n;
      }
      b.category_one_vs_all.push_back(cell);
    }
    b.mean_one_vs_all = n > 0 ? Measure::of(sum / n) : Measure::missing(Availability::absent);
    b.category_accuracy = share_equal(tc, pc, te, ei);
    m.per_encryption.push_back(std::move(b));
  }
}

}  // namespace

const char* availability_name(Availability availability) {
  switch (availability) {
    case Availability::value: return "value";
    case Availability::absent: return "absent";
    case Availability::undefined: return "undefined";
    case Availability::not_a_class: return "not_a_class";
    case Availability::not_applicable: return "not_applicable";
  }
  return "?";
}

Measure Measure::ratio(int64_t numerator, int64_t denominator, Availability if_empty) {
  if (denominator == 0) return missing(if_empty);
  return of(static_cast<double>(numerator) / static_cast<double>(denominator));
}

int64_t ConfusionMatrix::column_total(size_t truth) const {
  int64_t total = 0;
  for (size_t p = 0; p < classes; ++p) total += count(p, truth);
  return total;
}

Measure ConfusionMatrix::normalised(size_t predicted, size_t truth) const {
  return Measure::ratio(count(predicted, truth), column_total(truth), Availability::absent);
}

Measure average_precision(std::span<const uint8_t> positive, std::span<const float> score) {
  FLOWSPIKE_ASSERT(positive.size() == score.size());
  const auto positives = static_cast<int64_t>(std::count(positive.begin(), positive.end(), uint8_t{1}));
  if (positives == 0) return Measure::missing(Availability::absent);
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  double ap = 0.0, previous_recall = 0.0;
  int64_t tp = 0, seen = 0;
  for (size_t k = 0; k < order.size();) {
    // All windows tied at this score form one threshold.
    const float threshold = score[order[k]];
    while (k < order.size() && score[order[k]] == threshold) {
      tp += positive[order[k]] ? 1 : 0;
      ++seen;
      ++k;
    }
    const double recall = static_cast<double>(tp) / static_cast<double>(positives);
    const double precision = static_cast<double>(tp) / static_cast<double>(seen);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
  }
  return Measure::of(ap);
}

Metrics compute_metrics(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                        std::span<const float> probabilities, const std::vector<std::string>& classes) {
  const size_t n = truth.size(), c = classes.size();
  FLOWSPIKE_ASSERT(predicted.size() == n);
  FLOWSPIKE_ASSERT(probabilities.empty() || probabilities.size() == n * c);
  for (size_t i = 0; i < n; ++i) {
    FLOWSPIKE_ASSERT(truth[i] >= 0 && static_cast<size_t>(truth[i]) < c);
    FLOWSPIKE_ASSERT(predicted[i] >= 0 && static_cast<size_t>(predicted[i]) < c);
  }

  Metrics m;
  m.classes = classes;
  m.taxonomy = parse_taxonomy(classes);
  m.windows = static_cast<int64_t>(n);

  const std::vector<int> t = to_int(truth), p = to_int(predicted);
  m.accuracy = share_equal(t, p, {}, 0);
  m.per_class = one_vs_all(t, p, classes, [](size_t) { return true; });

  m.confusion.classes = c;
  m.confusion.counts.assign(c * c, 0);
  for (size_t i = 0; i < n; ++i) ++m.confusion.counts[static_cast<size_t>(p[i]) * c + static_cast<size_t>(t[i])];

  // Support-weighted means; a present class that is never predicted counts as
  // precision 0 (as scikit-learn's zero_division default does).
  double precision_sum = 0.0, ap_sum = 0.0;
  std::vector<uint8_t> positive(n);
  std::vector<float> column(n);
  for (size_t k = 0; k < c; ++k) {
    const OneVsAll& o = m.per_class[k];
    if (o.support == 0) continue;
    if (o.precision.has_value()) precision_sum += static_cast<double>(o.support) * o.precision.value;
    if (probabilities.empty()) continue;
    for (size_t i = 0; i < n; ++i) {
      positive[i] = static_cast<size_t>(t[i]) == k ? 1 : 0;
      column[i] = probabilities[i * c + k];
    }
    ap_sum += static_cast<double>(o.support) * average_precision(positive, column).value;
  }
  if (n == 0) {
    m.weighted_precision = m.weighted_average_precision = Measure::missing(Availability::absent);
  } else {
    m.weighted_precision = Measure::of(precision_sum / static_cast<double>(n));
    m.weighted_average_precision = probabilities.empty() ? Measure::missing(Availability::undefined)
                                                         : Measure::of(ap_sum / static_cast<double>(n));
  }

  add_taxonomy_metrics(m, truth, predicted);
  return m;
}

}  // namespace flowspike::eval
