// Weighted random sampling with replacement, as torch.utils.data
// .WeightedRandomSampler: each draw picks index i with probability
// weights[i] / sum(weights); zero-weight indices are never drawn. The trainer
// uses weight = 1 / (count of the sample's class), so every class is drawn
// equally often on average. Draws come from our own std::mt19937_64 mapped by
// cumulative sums and binary search (no std:: distributions), so a seed gives
// the same indices under every compiler and standard library. The engine
// state is the sampler's state and can be saved to resume mid-run.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flowspike/common/hdf5.h"
#include "flowspike/optim/rng.h"

namespace flowspike::optim {

// weight[i] = 1 / (number of samples whose label is labels[i]).
std::vector<double> inverse_class_frequency_weights(std::span<const int32_t> labels);

class WeightedSampler {
 public:
  // Throws flowspike::Error if a weight is negative or not finite, or all are zero.
  WeightedSampler(std::vector<double> weights, uint64_t seed);

  // One index in [0, size()).
  size_t draw();
  // `count` indices, with replacement (one epoch: count = size() as PyTorch's default).
  std::vector<size_t> draw(size_t count);

  size_t size() const { return cumulative_.size(); }
  double probability(size_t index) const;

  // The engine state in the standard's textual form of std::mt19937_64
  // (portable between standard libraries). restore_state throws
  // flowspike::Error if the text is not such a state.
  std::string state() const;
  void restore_state(const std::string& state);

  // Checkpoint I/O: a string attribute `name` on `group`.
  void write_state(hdf5::Group& group, const std::string& name = "sampler_state") const;
  void read_state(const hdf5::Group& group, const std::string& name = "sampler_state");

 private:
  std::vector<double> cumulative_;  // inclusive prefix sums of the weights
  size_t last_positive_ = 0;        // the last index with a positive weight
  Rng rng_;
};

}  // namespace flowspike::optim
