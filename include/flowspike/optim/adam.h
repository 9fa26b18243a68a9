// Adam with the exact semantics of torch.optim.Adam (amsgrad=False,
// maximize=False, the single-tensor CPU path): L2 weight decay added to the
// gradient (not AdamW), bias-corrected moments, and PyTorch's arithmetic order
// in float32 with the bias corrections in double:
//   g     = grad + wd * p
//   m     = lerp(m, g, 1 - beta1)          (m + (1 - beta1) * (g - m))
//   v     = beta2 * v + (1 - beta2) * g * g
//   denom = sqrt(v) / sqrt(1 - beta2^t) + eps
//   p    -= (lr / (1 - beta1^t)) * m / denom
// PyTorch's vectorised CPU kernels may fuse some multiply-adds (lerp), so a
// step agrees with PyTorch's to float rounding, not always bit for bit; ours
// is bit-for-bit the same under g++ and clang (no FMA contraction on x86-64).
// One Adam steps a fixed list of named parameter tensors (W1, b1, beta1, ...);
// their moments and the step count are its state, saved in checkpoints.
// Not thread-safe; the trainer owns one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "flowspike/common/hdf5.h"

namespace flowspike::optim {

struct AdamOptions {
  double lr = 5e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-5;  // L2, added to the gradient as PyTorch's Adam does
};

// One parameter tensor as the optimiser sees it: a name (for checkpoints) and
// its number of elements.
struct TensorSpec {
  std::string name;
  size_t size = 0;
};

// A parameter tensor and its gradient for one step; both have the spec's size.
struct ParamGrad {
  std::span<float> param;
  std::span<const float> grad;
};

class Adam {
 public:
  // Everything a checkpoint needs to resume the same sequence of updates.
  struct State {
    int64_t step = 0;                     // updates done so far (PyTorch's state['step'])
    double lr = 0.0;                      // current learning rate (the scheduler may have lowered it)
    std::vector<std::vector<float>> m;    // first moments, one per tensor (exp_avg)
    std::vector<std::vector<float>> v;    // second moments, one per tensor (exp_avg_sq)
  };

  // Throws flowspike::Error if an option is out of range (lr < 0, eps < 0,
  // betas outside [0, 1), weight decay < 0) or two tensors share a name.
  Adam(AdamOptions options, std::vector<TensorSpec> tensors);

  // One update of every tensor, in the order of the specs. Gradients are read,
  // not changed. The list must match the specs (asserted).
  void step(std::span<const ParamGrad> tensors);
  void step(std::initializer_list<ParamGrad> tensors) { step(std::span<const ParamGrad>(tensors.begin(), tensors.size())); }

  double lr() const { return state_.lr; }
  void set_lr(double lr);
  int64_t step_count() const { return state_.step; }
  const AdamOptions& options() const { return options_; }
  const std::vector<TensorSpec>& tensors() const { return specs_; }

  const State& state() const { return state_; }
  // Replaces the state; throws flowspike::Error if its shapes do not match the specs.
  void restore(State state);

  // Checkpoint I/O: attrs step, lr (and the options, for information) on
  // `group`, datasets m/<name> and v/<name>. read_state checks names and sizes
  // and throws flowspike::Error naming the file.
  void write_state(hdf5::Group& group) const;
  void read_state(const hdf5::Group& group);

 private:
  AdamOptions options_;
  std::vector<TensorSpec> specs_;
  State state_;
};

}  // namespace flowspike::optim
