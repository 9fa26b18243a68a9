// ReduceLROnPlateau with the semantics of torch.optim.lr_scheduler
// .ReduceLROnPlateau: after more than `patience` epochs in a row without a
// significant improvement of the metric, the learning rate is multiplied by
// `factor` (never below min_lr, and only if that changes it by more than eps),
// then `cooldown` epochs are ignored. The scheduler only decides; the caller
// applies the returned rate to its optimiser (Adam::set_lr) and decides from
// which epoch to call step() (the trainer: from epoch 5). Not thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "flowspike/common/hdf5.h"

namespace flowspike::optim {

enum class PlateauMode : uint8_t { min, max };
enum class ThresholdMode : uint8_t { rel, abs };

struct PlateauOptions {
  PlateauMode mode = PlateauMode::min;  // min: lower metric is better (a loss)
  double factor = 0.1;                  // new lr = lr * factor
  int32_t patience = 3;                 // bad epochs tolerated before reducing
  double threshold = 1e-4;              // what counts as an improvement
  ThresholdMode threshold_mode = ThresholdMode::rel;
  int32_t cooldown = 0;                 // epochs to wait after a reduction
  double min_lr = 0.0;
  double eps = 1e-8;                    // reductions smaller than this are skipped
};

// "min"/"max" and "rel"/"abs"; parse_* throw flowspike::Error naming the choices.
std::string to_string(PlateauMode mode);
std::string to_string(ThresholdMode mode);
PlateauMode parse_plateau_mode(const std::string& text);
ThresholdMode parse_threshold_mode(const std::string& text);

class PlateauScheduler {
 public:
  struct State {
    double best = std::numeric_limits<double>::infinity();  // +inf (min) or -inf (max) before the first step
    int32_t num_bad_epochs = 0;
    int32_t cooldown_counter = 0;
    int32_t steps = 0;      // step() calls so far (PyTorch's last_epoch)
    int32_t reductions = 0; // times the rate was lowered
  };

  // Throws flowspike::Error for factor outside [0, 1), negative patience,
  // threshold, cooldown, min_lr or eps.
  explicit PlateauScheduler(PlateauOptions options = {});

  // Records one epoch's metric and returns the learning rate to use from now
  // on: `lr`, or the reduced rate. A NaN metric counts as a bad epoch.
  double step(double metric, double lr);

  // Whether `a` is a significant improvement over `best` under the options.
  bool is_better(double a, double best) const;
  bool in_cooldown() const { return state_.cooldown_counter > 0; }

  const PlateauOptions& options() const { return options_; }
  const State& state() const { return state_; }
  void restore(const State& state) { state_ = state; }

  // Checkpoint I/O as attributes of `group` (best, num_bad_epochs,
  // cooldown_counter, steps, reductions). read_state throws flowspike::Error.
  void write_state(hdf5::Group& group) const;
  void read_state(const hdf5::Group& group);

 private:
  PlateauOptions options_;
  State state_;
};

}  // namespace flowspike::optim
