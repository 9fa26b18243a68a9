#include "flowspike/snn/batch_gradient.h"

#include <algorithm>

#include "flowspike/common/error.h"

namespace flowspike::snn {

template <class T>
BasicBatchGradient<T>::BasicBatchGradient(const SnnOptions& options, WorkerPool& pool, SpikeFunction spike)
    : options_(options), pool_(pool), spike_(spike), workspaces_(pool.size()) {
  validate_options(options_);
}

template <class T>
BatchTotals BasicBatchGradient<T>::compute(const BasicSnnParams<T>& params,
                                           std::span<const features::PictureView> pictures,
                                           std::span<const int32_t> labels, BasicSnnParams<T>& grad) {
  FLOWSPIKE_ASSERT(pictures.size() == labels.size() && !pictures.empty());
  const SnnKernel<T> kernel(options_, params, spike_);
  const size_t batch = pictures.size();
  const size_t chunk_count = (batch + kChunkWindows - 1) / kChunkWindows;
  while (chunks_.size() < chunk_count) {
    chunks_.emplace_back();
    chunks_.back().resize(options_);
  }
  const double ce_scale = 1.0 / static_cast<double>(batch);
  const double reg_scale =
      options_.spike_reg / (static_cast<double>(batch) * options_.time_bins * options_.hidden);

  pool_.run(chunk_count, [&](size_t chunk, unsigned worker) {
    GradientSums<T>& sums = chunks_[chunk];
    KernelWorkspace<T>& ws = workspaces_[worker];
    sums.set_zero();
    const size_t end = std::min(batch, (chunk + 1) * kChunkWindows);
    for (size_t w = chunk * kChunkWindows; w < end; ++w) {
      const WindowOutcome out = kernel.forward(pictures[w], labels[w], ws, /*record=*/true);
      kernel.backward(pictures[w], labels[w], ce_scale, reg_scale, ws, sums);
      sums.loss += out.loss * ce_scale + 0.5 * reg_scale * out.spikes_squared;
      sums.ce_loss += out.loss;
      sums.spikes += out.spikes;
      sums.correct += out.predicted == labels[w] ? 1 : 0;
      sums.windows += 1;
    }
  });

  // Fixed order, independent of the threads. Rows of W1 are split between
  // workers; each element still adds the chunks in chunk order.
  GradientSums<T>& total = chunks_[0];
  const auto rows = static_cast<size_t>(total.W1.rows());
  const size_t blocks = std::min<size_t>(pool_.size(), rows);
  pool_.run(blocks, [&](size_t block, unsigned) {
    const size_t begin = rows * block / blocks, end = rows * (block + 1) / blocks;
    const auto n = static_cast<Eigen::Index>(end - begin);
    for (size_t c = 1; c < chunk_count; ++c)
      total.W1.middleRows(static_cast<Eigen::Index>(begin), n) +=
          chunks_[c].W1.middleRows(static_cast<Eigen::Index>(begin), n);
  });
  for (size_t c = 1; c < chunk_count; ++c) {
    const GradientSums<T>& o = chunks_[c];
    total.b1 += o.b1;
    total.beta1 += o.beta1;
    total.norm1 += o.norm1;
    total.W2 += o.W2;
    total.b2 += o.b2;
    total.beta2 += o.beta2;
    total.norm2 += o.norm2;
    total.loss += o.loss;
    total.ce_loss += o.ce_loss;
    total.spikes += o.spikes;
    total.correct += o.correct;
    total.windows += o.windows;
  }
  kernel.finish(total, grad);

  BatchTotals out;
  out.loss = total.loss;
  out.ce_loss = total.ce_loss / static_cast<double>(batch);
  out.spikes = total.spikes;
  out.correct = total.correct;
  out.windows = total.windows;
  return out;
}

template class BasicBatchGradient<float>;
template class BasicBatchGradient<double>;

}  // namespace flowspike::snn
