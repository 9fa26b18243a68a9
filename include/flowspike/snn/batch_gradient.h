// The loss and gradient of a batch of windows, spread over a WorkerPool. The
// batch is cut into fixed chunks of kChunkWindows windows; each chunk sums its
// windows' gradients in window order into its own buffer, and the buffers are
// added in chunk order. Which thread runs a chunk does not matter, so the
// result is bit-for-bit the same for any number of threads (docs/snn.md).
// Owns per-worker workspaces and per-chunk sums (allocated once, reused).
// Not thread-safe: one caller at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/snn/kernel.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"
#include "flowspike/snn/worker_pool.h"

namespace flowspike::snn {

inline constexpr size_t kChunkWindows = 4;

// Totals over one batch.
struct BatchTotals {
  double loss = 0;     // the training loss: mean CE + spike_reg * mean(s^2) / 2
  double ce_loss = 0;  // mean cross-entropy alone
  double spikes = 0;   // hidden spikes, summed over the batch
  size_t correct = 0;  // windows whose argmax is their label
  size_t windows = 0;
};

template <class T>
class BasicBatchGradient {
 public:
  BasicBatchGradient(const SnnOptions& options, WorkerPool& pool, SpikeFunction spike = SpikeFunction::heaviside);

  // Loss of the batch and its gradient wrt params (grad is reshaped to params).
  // pictures and labels have the same, non-zero length.
  BatchTotals compute(const BasicSnnParams<T>& params, std::span<const features::PictureView> pictures,
                      std::span<const int32_t> labels, BasicSnnParams<T>& grad);

 private:
  SnnOptions options_;
  WorkerPool& pool_;
  SpikeFunction spike_;
  std::vector<KernelWorkspace<T>> workspaces_;  // one per worker
  std::vector<GradientSums<T>> chunks_;         // one per chunk of the largest batch so far
};

using BatchGradient = BasicBatchGradient<float>;

}  // namespace flowspike::snn
