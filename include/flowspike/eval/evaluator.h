// The evaluation runner: picks the windows to evaluate from the split the model
// was trained with (its recorded split kind, seed and fractions, so test
// windows are never training windows), runs the SNN over them on worker
// threads, and returns an EvaluationResult with every metric and every
// window's outputs. classify and ablate reuse it: ablate evaluates the same
// selection on a modified copy of the dataset (shuffled pictures) or with a
// retrained model. Stateless functions; inference uses `threads` threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowspike/dataset/dataset.h"
#include "flowspike/eval/evaluation_result.h"
#include "flowspike/model/model.h"

namespace flowspike::eval {

// Which part of the model's split to evaluate.
enum class SplitSelection : uint8_t { test, val, train, all };
SplitSelection split_selection_from_string(const std::string& name);  // throws flowspike::Error
std::string_view split_selection_name(SplitSelection selection);

// Windows to evaluate and how they were chosen.
struct WindowSelection {
  std::string name;              // test | val | train | all, or a caller's label
  std::string description;       // for people: "flow split, seed 1, 65/15/20 % train/val/test"
  std::vector<int64_t> windows;  // dataset indices, ascending
  std::optional<bool> dataset_matches_training;  // dataset_matches_training() of the dataset it was made from
};

// Whether `data` is the dataset the model was trained on: its
// dataset::fingerprint against the one in the model's training record.
// nullopt when the model records none (files from before it was recorded,
// models not made by the trainer).
std::optional<bool> dataset_matches_training(const model::Model& model, const dataset::Dataset& data);

// The warning for a dataset that is not the one the model was trained on
// (dataset_matches_training() false), naming both datasets and the model:
// for a part of the split (`selection` test, val or train), that the split is
// rebuilt from this dataset, so its windows may include ones the model was
// trained on and the figures are then not a held-out estimate; for "all",
// that windows it shares with the training dataset were seen in training.
std::string training_dataset_warning(const model::Model& model, const std::string& model_name,
                                     const std::string& data_name, std::string_view selection);

// The windows of `selection` in the split recorded in the model, rebuilt from
// `data` (whichever dataset it is: see dataset_matches_training). Throws
// flowspike::Error (naming `data_name`) when the selection has no window or
// the model's split record is unusable.
WindowSelection select_windows(const model::Model& model, const dataset::Dataset& data, SplitSelection selection,
                               const std::string& data_name);

struct EvaluateOptions {
  unsigned threads = 0;        // inference threads; 0 = all hardware threads
  size_t batch_windows = 4096; // windows per inference call: progress and Ctrl-C are checked between calls
  std::function<void(size_t done, size_t total)> progress;  // called after each batch (may be empty)
};

// Checks that `data` fits the model (classes, bin edges, time bins: a
// flowspike::Error naming `data_name` otherwise), then evaluates the selected
// windows. Throws Interrupted when Ctrl-C is pressed.
EvaluationResult evaluate(const model::Model& model, const dataset::Dataset& data, const std::string& data_name,
                          const WindowSelection& selection, const EvaluateOptions& options = {});

// select_windows + evaluate.
EvaluationResult evaluate_split(const model::Model& model, const dataset::Dataset& data, const std::string& data_name,
                                SplitSelection selection, const EvaluateOptions& options = {});

}  // namespace flowspike::eval
