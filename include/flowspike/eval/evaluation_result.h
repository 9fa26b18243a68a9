// What one evaluation produced: for every evaluated window its dataset index,
// flow row, true label, logits, probabilities, prediction and activity, and
// the metrics and energy summary computed from them. Built by the evaluator
// (eval/evaluator.h) or, from scores computed elsewhere, by make_result().
// Plain value type; the report module turns it into tables, JSON, CSV and HTML.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flowspike/eval/energy.h"
#include "flowspike/eval/metrics.h"

namespace flowspike::eval {

// The raw outputs of scoring a set of windows.
struct ScoredWindows {
  std::vector<int64_t> windows;          // dataset index of each window
  std::vector<int64_t> flows;            // its flow row in the dataset
  std::vector<int32_t> truth;            // its true label
  std::vector<float> logits;             // windows x classes, row-major
  std::vector<WindowActivity> activity;  // one per window
};

struct EvaluationResult {
  std::vector<std::string> classes;
  std::string selection;  // test | val | train | all, or a caller's label ("time shuffled per row")
  std::string split;      // how the selection was made, for people ("flow split, seed 1, 65/15/20 %")
  // Whether the windows come from the dataset the model was trained on (by
  // fingerprint, evaluator.h); nullopt when that cannot be told.
  std::optional<bool> dataset_matches_training;
  NetworkShape shape;

  std::vector<int64_t> windows;
  std::vector<int64_t> flows;
  std::vector<int32_t> truth;
  std::vector<int32_t> predicted;     // argmax of the logits (the first on ties)
  std::vector<float> logits;          // windows x classes
  std::vector<float> probabilities;   // softmax of each window's logits
  std::vector<WindowActivity> activity;

  Metrics metrics;
  EnergySummary energy;

  size_t size() const { return windows.size(); }
  std::span<const float> logits_of(size_t i) const { return row(logits, i); }
  std::span<const float> probabilities_of(size_t i) const { return row(probabilities, i); }

 private:
  std::span<const float> row(const std::vector<float>& m, size_t i) const {
    return std::span<const float>(m).subspan(i * classes.size(), classes.size());
  }
};

// Numerically stable softmax of one row (subtracts the maximum first).
void softmax(std::span<const float> logits, std::span<float> probabilities);

// Index of the largest value; the first one on ties.
int32_t argmax(std::span<const float> values);

// Predictions, probabilities, metrics and energy from scored windows.
EvaluationResult make_result(std::vector<std::string> classes, std::string selection, std::string split,
                             const NetworkShape& shape, ScoredWindows scored);

}  // namespace flowspike::eval
