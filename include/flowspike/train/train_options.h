// Every setting of a training run (DESIGN section 6, docs/training.md), with
// the paper's recipe as defaults. The network's shape (inputs, time bins,
// classes) comes from the dataset; the rest of `network` is ours to choose.
// Plain value type; to_json/from_json give the text stored in the model's
// training record and in checkpoints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "flowspike/dataset/split.h"
#include "flowspike/optim/adam.h"
#include "flowspike/optim/plateau_scheduler.h"
#include "flowspike/snn/options.h"

namespace flowspike::train {

// What ReduceLROnPlateau watches: the epoch's mean training loss (the
// authors' code) or the validation loss.
enum class PlateauMetric : uint8_t { train, val };
// How an epoch draws its windows (with replacement, as many as the training set).
enum class Sampling : uint8_t {
  weighted,  // weight 1 / (windows of its class): classes drawn equally often
  uniform,   // every window equally likely
};

std::string to_string(PlateauMetric metric);
std::string to_string(Sampling sampling);
PlateauMetric parse_plateau_metric(const std::string& text);  // "train" | "val"; throws flowspike::Error
Sampling parse_sampling(const std::string& text);             // "weighted" | "uniform"

struct TrainOptions {
  // Data (affect results).
  dataset::SplitKind split = dataset::SplitKind::flow;
  dataset::SplitFractions fractions;
  uint64_t seed = 0;  // split, initialisation (mt19937_64(seed)), sampling (mt19937_64(seed + 1))

  // The network. inputs, time_bins and classes are set from the dataset.
  snn::SnnOptions network;

  // Optimisation (affect results).
  int32_t epochs = 30;
  size_t batch = 128;
  optim::AdamOptions adam;           // lr 5e-4, betas (0.9, 0.999), eps 1e-8, weight decay 1e-5
  double clip = 5.0;                 // gradients clipped element-wise to [-clip, clip]; 0 = off
  PlateauMetric plateau_on = PlateauMetric::train;
  int32_t plateau_start = 5;         // first epoch (1-based) whose metric the scheduler sees
  optim::PlateauOptions plateau;     // factor 0.1, patience 3, relative threshold 1e-4
  Sampling sampling = Sampling::weighted;
  size_t epoch_windows = 0;          // windows drawn per epoch; 0 = the training set's size

  // Speed (results do not depend on it: docs/snn.md).
  unsigned threads = 0;              // 0 = hardware threads
};

// Throws flowspike::Error ("<what>: ...") naming the first bad value.
void validate(const TrainOptions& options, const std::string& what = "training options");

// Everything that affects results, as JSON text (threads left out).
std::string to_json(const TrainOptions& options);
// Reads to_json's text; throws flowspike::Error naming `source`.
TrainOptions from_json(const std::string& text, const std::string& source);

}  // namespace flowspike::train
