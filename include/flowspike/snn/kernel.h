// The event-driven kernel of the spiking network (DESIGN section 6, docs/snn.md):
// forward and backward through time of one window given as a sparse picture.
// Input cells and hidden spikes are events, so a window costs
// O(nnz * H + T * H + spikes * C) instead of O(T * inputs * H).
//
// SnnKernel<T> holds what depends only on the parameters (weight norms, leak
// powers of the readout), computed once per batch; it borrows the parameters,
// which must outlive it and stay unchanged. It is immutable and can be shared by
// threads; each thread brings its own KernelWorkspace (the per-window state,
// allocated once) and its own GradientSums. T is float in production and
// double in tests (gradient check, comparison with the dense reference).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::snn {

// What the hidden layer emits. `sigmoid` replaces Heaviside(z) by sig(sigma z)
// in the forward pass, so that the surrogate gradient is the true derivative:
// only for gradient checks.
enum class SpikeFunction : uint8_t { heaviside, sigmoid };

// Added to the weight norms before dividing, as the authors' code does.
inline constexpr double kNormEps = 1e-8;

// Per-window results of a forward pass.
struct WindowOutcome {
  int32_t predicted = 0;       // argmax of the logits (lowest index on ties)
  double loss = 0;             // cross-entropy of the label (0 without a label)
  double spikes = 0;           // hidden spikes (sum of s; a count under Heaviside)
  double spikes_squared = 0;   // sum of s^2 (equals spikes under Heaviside)
  uint32_t input_events = 0;   // non-zero cells of the picture
};

// Per-thread state of one window: membrane history, spikes, input currents
// and readout accumulators. Sized on first use; reused without allocation.
template <class T>
class KernelWorkspace {
 public:
  std::span<const T> logits() const { return {logits_.data(), logits_.size()}; }

 private:
  template <class U>
  friend class SnnKernel;
  struct ActiveBin {
    uint32_t t;           // time bin
    uint32_t cell_begin;  // cells [cell_begin, cell_end) of the picture
    uint32_t cell_end;
  };
  std::vector<T> v_hist_, s_hist_, h_hist_;  // time x hidden (h: active bins x hidden)
  std::vector<ActiveBin> active_;
  std::vector<T> v_, s_, s_prev_, h_, z_, tmp_;  // hidden
  std::vector<T> dv_next_, dv_, ds_, dz_;        // hidden
  std::vector<T> acc_a_, acc_b_;                 // readout spike sums: hidden (per layer) or hidden x classes
  std::vector<T> direct_;                        // time x hidden: readout adjoint per step (beta per neuron)
  std::vector<T> mean_, logits_, q_;             // classes, classes, hidden (x classes)
  std::vector<uint32_t> step_spikes_;            // time: hidden spikes per step (0 lets backward skip the reset)
};

// Sums of gradients over some windows, before the once-per-batch norm terms.
// add() in a fixed order makes the reduction repeatable.
template <class T>
struct GradientSums {
  RowMatrix<T> W1;     // inputs x hidden, sparse rows touched by input events
  Vector<T> b1, beta1, norm1;  // hidden (beta1 per neuron until finish)
  RowMatrix<T> W2;     // hidden x classes
  Vector<T> b2, beta2, norm2;  // classes
  double loss = 0;     // sum of per-window losses (already scaled)
  double ce_loss = 0;  // sum of cross-entropies (unscaled)
  double spikes = 0;   // sum of hidden spikes
  size_t correct = 0;
  size_t windows = 0;

  void resize(const SnnOptions& options);
  void set_zero();
  void add(const GradientSums& other);
};

template <class T>
class SnnKernel {
 public:
  // Checks shapes (flowspike::Error) and precomputes the batch constants.
  SnnKernel(const SnnOptions& options, const BasicSnnParams<T>& params,
            SpikeFunction spike = SpikeFunction::heaviside);

  const SnnOptions& options() const { return options_; }

  // Forward pass of one window; logits land in ws.logits(). With record, keeps
  // what backward() needs. `label` < 0: no loss. Throws flowspike::Error if a
  // cell is outside the network's time bins or inputs, or cells are not sorted
  // by time bin.
  WindowOutcome forward(features::PictureView picture, int32_t label, KernelWorkspace<T>& ws,
                        bool record) const;

  // Backward pass of the window just recorded by forward(ws, record = true):
  // adds the gradient of ce_scale * CE + reg_scale * sum(s^2) / 2 to `sums`.
  // The trainer's loss is the batch mean, so ce_scale = 1 / B and
  // reg_scale = spike_reg / (B * T * H).
  void backward(features::PictureView picture, int32_t label, double ce_scale, double reg_scale,
                KernelWorkspace<T>& ws, GradientSums<T>& sums) const;

  // Turns summed window gradients into parameter gradients: adds the norm terms
  // (2 W * dL/dnorm) once, folds per-layer leaks, zeroes what is not trained
  // (beta fixed to 0; b1 in the paper-text variant).
  void finish(const GradientSums<T>& sums, BasicSnnParams<T>& grad) const;

 private:
  using Vec = Vector<T>;
  SnnOptions options_;
  const BasicSnnParams<T>& params_;
  SpikeFunction spike_;
  int H_, C_, T_, I_;
  bool per_class_;   // beta2 per readout neuron
  Vec norm1_, inv1_, thr_, beta1_, omb1_;  // hidden
  Vec norm2_, inv2_, beta2_;               // classes
  // Readout time weights: the time mean of the leaky readout is
  // sum_t c[t] * (s[t] W2) / T with c[t] = 1 - beta2^(T - t) (t 0-based);
  // d[t] = -dc[t]/dbeta2 = (T - t) beta2^(T - t - 1), p[t] = beta2^(T - t).
  // Length T, or T x C (row-major) with a leak per readout neuron.
  std::vector<T> c_, d_, p_;
};

}  // namespace flowspike::snn
