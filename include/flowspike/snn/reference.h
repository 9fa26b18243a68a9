// The dense reference of the spiking network: DESIGN section 6 written out
// literally with plain loops over dense inputs x[t] (time x inputs), the
// readout run as its recurrence u[t] = beta2 u[t-1] + (1 - beta2) s[t] W2, and
// backpropagation through time step by step. No sparsity, no algebra, no
// vectorisation tricks: it is the specification the fast kernel (kernel.h) is
// tested against, and the baseline of the benchmarks. Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/snn/kernel.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::snn {

// A picture as a dense time x inputs matrix. Throws flowspike::Error if a cell
// lies outside it.
template <class T>
RowMatrix<T> dense_picture(features::PictureView picture, const SnnOptions& options);

struct ReferenceOutcome {
  std::vector<double> logits;
  int32_t predicted = 0;
  double loss = 0;  // cross-entropy (0 without a label)
  double spikes = 0;
  double spikes_squared = 0;
};

// One window. If `grad` is given (zeros or a running sum, shaped like params),
// adds the gradient of ce_scale * CE + reg_scale * sum(s^2) / 2 to it, norm
// terms included; parameters that are not trained get nothing.
template <class T>
ReferenceOutcome reference_window(const SnnOptions& options, const BasicSnnParams<T>& params, const RowMatrix<T>& x,
                                  int32_t label, SpikeFunction spike, double ce_scale, double reg_scale,
                                  BasicSnnParams<T>* grad);

// The trainer's batch loss, mean cross-entropy + spike_reg * mean(s^2) / 2
// (mean over windows, steps and hidden neurons), and its gradient (if `grad`).
template <class T>
double reference_batch(const SnnOptions& options, const BasicSnnParams<T>& params, std::span<const RowMatrix<T>> x,
                       std::span<const int32_t> labels, SpikeFunction spike, BasicSnnParams<T>* grad);

}  // namespace flowspike::snn
