// Random sparse pictures and parameters for the snn tests, from a seed, and
// the fast kernel run over a small batch on one thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/snn/kernel.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::snn::testing {

// Each of the time x inputs cells is non-zero with probability `density`,
// with a count of 1..4; cells sorted by (time bin, size bin).
inline features::SparsePicture random_picture(const SnnOptions& o, double density, std::mt19937_64& rng) {
  std::bernoulli_distribution keep(density);
  std::uniform_int_distribution<int> count(1, 4);
  features::SparsePicture p;
  for (uint32_t t = 0; t < o.time_bins; ++t)
    for (uint32_t i = 0; i < o.inputs; ++i)
      if (keep(rng)) {
        p.time_bin.push_back(static_cast<uint16_t>(t));
        p.size_bin.push_back(static_cast<uint16_t>(i));
        p.count.push_back(static_cast<float>(count(rng)));
      }
  return p;
}

// DESIGN's initialisation, then thresholds, leaks and biases spread out so no
// two neurons look alike. Leaks stay inside (0, 1) unless fixed to zero.
template <class T>
BasicSnnParams<T> random_params(const SnnOptions& o, uint64_t seed, double weight_scale = 1.0) {
  std::mt19937_64 rng(seed);
  BasicSnnParams<T> p = BasicSnnParams<double>::initial(o, rng).template cast<T>();
  std::uniform_real_distribution<double> u(0.0, 1.0);
  p.W1 *= static_cast<T>(weight_scale);
  auto fill = [&](Vector<T>& values, double low, double high) {
    for (Eigen::Index i = 0; i < values.size(); ++i) values(i) = static_cast<T>(low + (high - low) * u(rng));
  };
  fill(p.b1, 0.4, 1.2);
  fill(p.b2, -0.5, 0.5);
  if (!o.beta_fixed_zero) {
    fill(p.beta1, 0.2, 0.9);
    fill(p.beta2, 0.2, 0.9);
  }
  return p;
}

// A network variant to test, with a weight scale that makes its neurons fire
// at a useful rate on random pictures.
struct Variant {
  std::string name;
  SnnOptions options;
  double weight_scale = 1.0;
};

// Every variant of SnnOptions on the shape of `base`.
inline std::vector<Variant> variants(const SnnOptions& base) {
  std::vector<Variant> v;
  v.push_back({"authors", base});
  SnnOptions o = base;
  o.beta_per_neuron = true;
  v.push_back({"beta_per_neuron", o});
  o = base;
  o.beta_fixed_zero = true;
  v.push_back({"beta_zero", o});
  o = base;
  o.paper_text = true;
  v.push_back({"paper_text", o, 14.0});
  o = base;
  o.spike_reg = 0.7f;
  o.surrogate_sigma = 4.0f;
  v.push_back({"spike_reg_sigma4", o});
  o = base;
  o.paper_text = true;
  o.beta_per_neuron = true;
  o.spike_reg = 0.3f;
  v.push_back({"paper_text_per_neuron_reg", o, 14.0});
  return v;
}

// The trainer's batch loss with the fast kernel, single-threaded, summed as
// BatchGradient sums it; fills grad (if given) and the total hidden spikes.
inline double fast_batch(const SnnOptions& o, const BasicSnnParams<double>& p,
                         const std::vector<features::SparsePicture>& pics, const std::vector<int32_t>& labels,
                         SpikeFunction spike, BasicSnnParams<double>* grad, double* spikes = nullptr) {
  SnnKernel<double> kernel(o, p, spike);
  KernelWorkspace<double> ws;
  GradientSums<double> sums;
  sums.resize(o);
  const double batch = static_cast<double>(pics.size());
  const double reg_scale = o.spike_reg / (batch * o.time_bins * o.hidden);
  double loss = 0, total_spikes = 0;
  for (size_t w = 0; w < pics.size(); ++w) {
    const WindowOutcome out = kernel.forward(pics[w].view(), labels[w], ws, grad != nullptr);
    loss += out.loss / batch + 0.5 * reg_scale * out.spikes_squared;
    total_spikes += out.spikes;
    if (grad) kernel.backward(pics[w].view(), labels[w], 1.0 / batch, reg_scale, ws, sums);
  }
  if (grad) kernel.finish(sums, *grad);
  if (spikes) *spikes = total_spikes;
  return loss;
}

}  // namespace flowspike::snn::testing
