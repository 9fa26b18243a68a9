// A trained model as stored in the model file (DESIGN section 8): the network
// and its parameters, the preset and bin edges that make its pictures, the
// class names, and how it was trained (split and seed, so evaluation can
// rebuild the same test set; every hyper-parameter). A model carries
// everything needed to classify a capture. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flowspike/common/hdf5.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/features/preset.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::model {

inline constexpr const char* kModelFormat = "flowspike-model";
inline constexpr int kModelVersion = 1;

// How the model was trained; recorded for evaluation and for reproducibility.
struct TrainingRecord {
  std::string dataset_path;    // the dataset it was trained on, as given
  // dataset::fingerprint of that dataset; nullopt in model files written before
  // it was recorded (and models not made by a Trainer).
  std::optional<uint64_t> dataset_fingerprint;
  std::string split = "flow";  // window | flow | capture
  uint64_t seed = 0;           // seed of the split (and of the sampler and initialisation)
  double split_train = 0.65, split_val = 0.15, split_test = 0.20;
  int32_t best_epoch = -1;     // 1-based epoch whose weights these are
  int32_t epochs_run = 0;
  double best_val_accuracy = 0.0;
  std::string log_csv;         // the per-epoch log written beside the model (file name)
  std::string hyperparameters_json;  // every trainer option, as JSON text
};

struct Model {
  snn::SnnOptions snn;
  snn::SnnParams params;
  features::Preset preset;
  std::vector<std::string> classes;
  TrainingRecord training;
};

// Writes the model atomically. Throws flowspike::Error on I/O failure or if
// the model is inconsistent (see validate_model).
void save_model(const Model& model, const std::string& path);

// Reads a model file. Throws flowspike::Error naming the file if it is not a
// flowspike model, is damaged, or its weights do not match its own shape.
Model load_model(const std::string& path);

// The same layout under any group, so a training checkpoint can embed a model
// (docs/model-file.md). write_model validates first; read_model checks the
// format and version attributes of `group` and throws like load_model.
void write_model(hdf5::Group& group, const Model& model);
Model read_model(const hdf5::Group& group);

// Throws flowspike::Error naming `source` if the weights' shapes disagree with
// model.snn (inputs, hidden, classes, beta per layer or per neuron), the
// options disagree with the preset (inputs = size bins, time_bins) or the
// class list (classes = number of names), or a value is not finite.
void validate_model(const Model& model, const std::string& source);

// For classify: throws flowspike::Error ("<what>: ...") unless pictures made
// with `preset` look like the model's: same window length and clock, time
// bins, size-bin edges, overflow handling, time axis and layout. The preset
// name, window step and keep-rules may differ (they choose windows, they do
// not change what a picture means).
void check_compatible(const Model& model, const features::Preset& preset, const std::string& what);
// For evaluation: the same, and the class names must be the model's, in order.
void check_compatible(const Model& model, const features::Preset& preset, const std::vector<std::string>& classes,
                      const std::string& what);
void check_compatible(const Model& model, const dataset::Dataset& data, const std::string& what);

}  // namespace flowspike::model
