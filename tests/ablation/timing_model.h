// A small model trained on train::testing::timing_dataset (classes that differ
// only in when packets arrive), for the ablation and CLI tests.
#pragma once

#include <string>

#include "flowspike/train/trainer.h"
#include "train/synthetic_dataset.h"

namespace flowspike::ablation::testing {

inline model::Model train_timing_model(const dataset::Dataset& data, const std::string& data_name, int32_t epochs,
                                       uint64_t seed) {
  train::TrainOptions o;
  o.split = dataset::SplitKind::window;
  o.seed = seed;
  o.network.hidden = 16;
  o.epochs = epochs;
  o.batch = 16;
  o.adam.lr = 1e-2;
  o.threads = 1;
  train::Trainer t(data, data_name, o);
  while (!t.done()) t.run_epoch();
  return t.best_model();
}

}  // namespace flowspike::ablation::testing
