// A trained model as stored in the model file (DESIGN section 8): the network
// and its parameters, the preset and bin edges that make its pictures, the
// class names, and how it was trained (split and seed, so evaluation can
// rebuild the same test set; every hyper-parameter). A model carries
// everything needed to classify a capture. Plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/features/preset.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::model {

inline constexpr const char* kModelFormat = "flowspike-model";
inline constexpr int kModelVersion = 1;

// How the model was trained; recorded for evaluation and for reproducibility.
struct TrainingRecord {
  std::string dataset_path;    // the dataset it was trained on, as given
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

// Writes the model atomically. Throws flowspike::Error on I/O failure.
void save_model(const Model& model, const std::string& path);

// Reads a model file. Throws flowspike::Error naming the file if it is not a
// flowspike model, is damaged, or its weights do not match its own shape.
Model load_model(const std::string& path);

}  // namespace flowspike::model
