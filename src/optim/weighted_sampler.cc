#include "flowspike/optim/weighted_sampler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::optim {

std::vector<double> inverse_class_frequency_weights(std::span<const int32_t> labels) {
  std::map<int32_t, size_t> counts;
  for (int32_t label : labels) ++counts[label];
  std::vector<double> weights;
  weights.reserve(labels.size());
  for (int32_t label : labels) weights.push_back(1.0 / static_cast<double>(counts[label]));
  return weights;
}

WeightedSampler::WeightedSampler(std::vector<double> weights, uint64_t seed) : rng_(seed) {
  cumulative_.reserve(weights.size());
  double total = 0.0;
  bool any_positive = false;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0.0)
      throw Error(fmt::format("sampler: weight {} of sample {} is not a finite non-negative number", w, i));
    if (w > 0.0) {
      any_positive = true;
      last_positive_ = i;
    }
    total += w;
    cumulative_.push_back(total);
  }
  if (!any_positive) throw Error("sampler: no sample has a positive weight (empty training set?)");
}

size_t WeightedSampler::draw() {
  // A point in [0, total); the first prefix sum above it owns the point.
  // Zero-weight samples own an empty interval and are never picked.
  const double r = uniform01(rng_) * cumulative_.back();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
  // Rounding can put r on the total itself; it belongs to the last positive weight.
  if (it == cumulative_.end()) return last_positive_;
  return static_cast<size_t>(it - cumulative_.begin());
}

std::vector<size_t> WeightedSampler::draw(size_t count) {
  std::vector<size_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(draw());
  return out;
}

double WeightedSampler::probability(size_t index) const {
  FLOWSPIKE_ASSERT(index < cumulative_.size());
  const double before = index == 0 ? 0.0 : cumulative_[index - 1];
  return (cumulative_[index] - before) / cumulative_.back();
}

std::string WeightedSampler::state() const {
  std::ostringstream out;
  out << rng_;
  return out.str();
}

void WeightedSampler::restore_state(const std::string& state) {
  std::istringstream in(state);
  Rng rng;
  in >> rng;
  if (in.fail()) throw Error("sampler: the saved random-engine state is damaged");
  in >> std::ws;
  if (!in.eof()) throw Error("sampler: the saved random-engine state has trailing data");
  rng_ = rng;
}

void WeightedSampler::write_state(hdf5::Group& group, const std::string& name) const {
  group.set_attr(name, std::string_view(state()));
}

void WeightedSampler::read_state(const hdf5::Group& group, const std::string& name) {
  const std::string text = group.attr_string(name);
  try {
    restore_state(text);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: attribute '{}' of '{}': {}", group.file(), name, group.path(), e.what()));
  }
}

}  // namespace flowspike::optim
