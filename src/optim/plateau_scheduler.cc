#include "flowspike/optim/plateau_scheduler.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::optim {

std::string to_string(PlateauMode mode) { return mode == PlateauMode::min ? "min" : "max"; }
std::string to_string(ThresholdMode mode) { return mode == ThresholdMode::rel ? "rel" : "abs"; }

PlateauMode parse_plateau_mode(const std::string& text) {
  if (text == "min") return PlateauMode::min;
  if (text == "max") return PlateauMode::max;
  throw Error(fmt::format("unknown plateau mode '{}' (choose min or max)", text));
}

ThresholdMode parse_threshold_mode(const std::string& text) {
  if (text == "rel") return ThresholdMode::rel;
  if (text == "abs") return ThresholdMode::abs;
  throw Error(fmt::format("unknown threshold mode '{}' (choose rel or abs)", text));
}

PlateauScheduler::PlateauScheduler(PlateauOptions options) : options_(options) {
  const auto& o = options_;
  if (!(o.factor >= 0.0 && o.factor < 1.0))
    throw Error(fmt::format("plateau scheduler: factor {} must be in [0, 1)", o.factor));
  if (o.patience < 0) throw Error(fmt::format("plateau scheduler: negative patience {}", o.patience));
  if (!(o.threshold >= 0.0)) throw Error(fmt::format("plateau scheduler: invalid threshold {}", o.threshold));
  if (o.cooldown < 0) throw Error(fmt::format("plateau scheduler: negative cooldown {}", o.cooldown));
  if (!(o.min_lr >= 0.0)) throw Error(fmt::format("plateau scheduler: invalid min_lr {}", o.min_lr));
  if (!(o.eps >= 0.0)) throw Error(fmt::format("plateau scheduler: invalid eps {}", o.eps));
  // PyTorch's mode_worse: the best value before any metric is seen.
  state_.best = o.mode == PlateauMode::min ? std::numeric_limits<double>::infinity()
                                           : -std::numeric_limits<double>::infinity();
}

bool PlateauScheduler::is_better(double a, double best) const {
  const double t = options_.threshold;
  if (options_.mode == PlateauMode::min)
    return options_.threshold_mode == ThresholdMode::rel ? a < best * (1.0 - t) : a < best - t;
  return options_.threshold_mode == ThresholdMode::rel ? a > best * (t + 1.0) : a > best + t;
}

double PlateauScheduler::step(double metric, double lr) {
  state_.steps += 1;
  if (is_better(metric, state_.best)) {
    state_.best = metric;
    state_.num_bad_epochs = 0;
  } else {
    state_.num_bad_epochs += 1;
  }
  if (in_cooldown()) {
    state_.cooldown_counter -= 1;
    state_.num_bad_epochs = 0;  // bad epochs during a cooldown do not count
  }
  if (state_.num_bad_epochs > options_.patience) {
    const double new_lr = std::max(lr * options_.factor, options_.min_lr);
    if (lr - new_lr > options_.eps) {
      lr = new_lr;
      state_.reductions += 1;
    }
    state_.cooldown_counter = options_.cooldown;
    state_.num_bad_epochs = 0;
  }
  return lr;
}

void PlateauScheduler::write_state(hdf5::Group& group) const {
  group.set_attr<double>("best", state_.best);
  group.set_attr<int32_t>("num_bad_epochs", state_.num_bad_epochs);
  group.set_attr<int32_t>("cooldown_counter", state_.cooldown_counter);
  group.set_attr<int32_t>("steps", state_.steps);
  group.set_attr<int32_t>("reductions", state_.reductions);
}

void PlateauScheduler::read_state(const hdf5::Group& group) {
  State s;
  s.best = group.attr<double>("best");
  s.num_bad_epochs = group.attr<int32_t>("num_bad_epochs");
  s.cooldown_counter = group.attr<int32_t>("cooldown_counter");
  s.steps = group.attr<int32_t>("steps");
  s.reductions = group.attr<int32_t>("reductions");
  if (s.num_bad_epochs < 0 || s.cooldown_counter < 0 || s.steps < 0 || s.reductions < 0 || std::isnan(s.best))
    throw Error(fmt::format("{}: scheduler state in '{}' is invalid", group.file(), group.path()));
  state_ = s;
}

}  // namespace flowspike::optim
