// The experiments of the paper's Section 5 on a trained model and its
// dataset, all on the test side of the split the model records (kind, seed,
// fractions), so no test window was seen in training:
//   - the unmodified model;
//   - time shuffled independently in each size row, and with one permutation
//     for all rows (time_shuffle.h), each a mean over `repetitions` seeded draws;
//   - the learned leaks (betas) of both layers;
//   - with retraining: beta fixed at 0, and time-bin widths (40, 100, 200 and
//     500 ms by default), each trained with the model's other settings and the
//     same split. A width is made from the stored cells when it is a whole
//     number of stored bins (time_rebin.h), else re-extracted from the
//     dataset's captures when they can be found (reextract.h), else skipped
//     with a note saying why.
// run_ablation returns data; ablation_tables and ablation_json present it. It
// reports what it is doing to an AblationObserver (a retraining run can take
// hours), which prints; run_ablation itself prints nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flowspike/dataset/dataset.h"
#include "flowspike/flow/flow_table.h"
#include "flowspike/model/model.h"
#include "flowspike/report/table.h"

namespace flowspike::ablation {

struct AblationRow;

// An experiment about to run: one row of the table.
struct ExperimentStart {
  std::string key;         // the row's key (AblationRow::key)
  std::string setting;     // the row's setting, for people: "retrained with beta = 0"
  size_t index = 0;        // 1-based position among the experiments of the run
  size_t count = 0;        // experiments in the run
  uint32_t draws = 1;      // shuffles: seeded draws averaged; 1 otherwise
  int32_t epochs = 0;      // retrained rows: epochs it will train (unless it is skipped); 0 otherwise
  uint64_t windows = 0;    // test windows it evaluates (fewer if re-extraction loses some)
};

// Hears what run_ablation does, on the thread that called it. Every method
// does nothing by default.
class AblationObserver {
 public:
  virtual ~AblationObserver() = default;
  virtual void experiment_started(const ExperimentStart& /*experiment*/) {}
  // Within the current experiment: what is being done ("epoch 3/30",
  // "evaluating", "draw 2/5", "re-extracting 40 ms pictures") and the fraction
  // of that step done, in [0, 1], or negative when it is not known.
  virtual void progress(const std::string& /*step*/, double /*fraction*/) {}
  // The experiment's row: its accuracy, epochs and best epoch, or (accuracy
  // nullopt) the note saying why it was skipped.
  virtual void experiment_finished(const ExperimentStart& /*experiment*/, const AblationRow& /*row*/) {}
};

struct AblationOptions {
  // Affects results.
  uint64_t seed = 1;                 // of the shuffles
  uint32_t repetitions = 5;          // shuffles averaged over this many seeded draws
  bool retrain = false;              // also run the experiments that need training
  std::optional<int32_t> epochs;     // retraining epochs; default: the model's own setting
  std::vector<double> widths_ms = {40, 100, 200, 500};  // time-bin widths to retrain at
  std::vector<std::string> capture_roots;  // where else to look for the dataset's captures
  flow::FlowTableOptions flow_table;       // timeouts for re-extraction (datasets do not record them)

  // Affects speed only.
  unsigned threads = 0;              // 0 = all hardware threads
  AblationObserver* observer = nullptr;  // not owned; null: no one is told
};

// One experiment's outcome: a line of the table.
struct AblationRow {
  std::string key;                   // stable: unmodified, shuffle_per_row, shuffle_all_rows, beta_zero, width_40ms, ...
  std::string setting;               // for people
  std::optional<double> accuracy;    // test accuracy (mean over repetitions); nullopt = not run
  std::vector<double> accuracies;    // per repetition (shuffles) or the one value
  double accuracy_sd = 0;            // sample standard deviation over repetitions (0 for one)
  uint64_t windows = 0;              // test windows evaluated
  int32_t epochs = 0;                // retrained rows: epochs trained; best_epoch kept
  int32_t best_epoch = 0;
  std::optional<double> paper;       // the paper's figure, when it gives one
  bool paper_approximate = false;
  std::string note;                  // how the row was made, or why it was skipped
};

// The learned leak of one layer.
struct LayerBetas {
  std::string layer;                 // "hidden (beta1)" or "readout (beta2)"
  std::vector<float> values;         // one per layer, or one per neuron
  double mean = 0, min = 0, max = 0;
  bool fixed_zero = false;           // the model was trained with beta fixed at 0
};

struct AblationResult {
  std::vector<std::string> classes;
  bool paper_classes = false;        // the 14 ISCX classes: the paper's figures apply
  std::string split;                 // "flow split, seed 1, 65/15/20 % train/val/test"
  uint64_t test_windows = 0;
  double time_bin_ms = 0;            // of the model's pictures
  uint32_t repetitions = 0;
  uint64_t seed = 0;
  std::vector<AblationRow> rows;
  std::vector<LayerBetas> betas;
  std::optional<double> paper_beta;  // ~0.42
  std::vector<std::string> notes;    // what was assumed or could not be done
  // Whether the dataset is the one the model was trained on (eval::dataset_matches_training);
  // when false the test split may hold training windows, and a note says so.
  std::optional<bool> dataset_matches_training;
};

// Runs the experiments. Throws flowspike::Error if the dataset does not fit
// the model or the test split is empty, flowspike::Interrupted on Ctrl-C.
AblationResult run_ablation(const model::Model& model, const std::string& model_name, const dataset::Dataset& data,
                            const std::string& data_name, const AblationOptions& options);

// The accuracy table (setting, accuracy, sd, windows, paper) and the betas table.
std::vector<report::Table> ablation_tables(const AblationResult& result);

// {"format": "flowspike-ablation", "version": 1, ...}: every row, beta and note.
nlohmann::json ablation_json(const AblationResult& result);

// Mean, min and max of a layer's betas.
LayerBetas summarise_betas(std::string layer, const snn::Vector<float>& betas, bool fixed_zero);

}  // namespace flowspike::ablation
