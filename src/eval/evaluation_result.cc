#include "flowspike/eval/evaluation_result.h"

#include <algorithm>
#include <cmath>

#include "flowspike/common/error.h"

namespace flowspike::eval {

void softmax(std::span<const float> logits, std::span<float> probabilities) {
  FLOWSPIKE_ASSERT(logits.size() == probabilities.size());
  if (logits.empty()) return;
  const float top = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (size_t k = 0; k < logits.size(); ++k) {
    probabilities[k] = std::exp(logits[k] - top);
    sum += probabilities[k];
  }
  for (float& p : probabilities) p = static_cast<float>(p / sum);
}

int32_t argmax(std::span<const float> values) {
  FLOWSPIKE_ASSERT(!values.empty());
  return static_cast<int32_t>(std::max_element(values.begin(), values.end()) - values.begin());
}

EvaluationResult make_result(std::vector<std::string> classes, std::string selection, std::string split,
                             const NetworkShape& shape, ScoredWindows scored) {
  const size_t n = scored.windows.size(), c = classes.size();
  FLOWSPIKE_ASSERT(scored.flows.size() == n && scored.truth.size() == n && scored.activity.size() == n);
  FLOWSPIKE_ASSERT(scored.logits.size() == n * c);

  EvaluationResult r;
  r.classes = std::move(classes);
  r.selection = std::move(selection);
  r.split = std::move(split);
  r.shape = shape;
  r.windows = std::move(scored.windows);
  r.flows = std::move(scored.flows);
  r.truth = std::move(scored.truth);
  r.logits = std::move(scored.logits);
  r.activity = std::move(scored.activity);
  r.probabilities.resize(r.logits.size());
  r.predicted.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const auto row = std::span<const float>(r.logits).subspan(i * c, c);
    softmax(row, std::span<float>(r.probabilities).subspan(i * c, c));
    r.predicted[i] = argmax(row);
  }
  r.metrics = compute_metrics(r.truth, r.predicted, r.probabilities, r.classes);
  r.energy = summarise_energy(r.activity, shape);
  return r;
}

}  // namespace flowspike::eval
