#include "flowspike/snn/network.h"

#include <algorithm>

#include "flowspike/common/error.h"
#include "flowspike/snn/kernel.h"
#include "flowspike/snn/worker_pool.h"

namespace flowspike::snn {

struct Network::State {
  State(const SnnOptions& o, const SnnParams& p, unsigned threads)
      : options(o), params(p), kernel(options, params), pool(threads), workspaces(pool.size()) {}
  SnnOptions options;
  SnnParams params;
  SnnKernel<float> kernel;  // refers to `params` above: State never moves
  WorkerPool pool;
  std::vector<KernelWorkspace<float>> workspaces;
};

Network::Network(const SnnOptions& options, const SnnParams& params, unsigned threads)
    : state_(std::make_unique<State>(options, params, threads)) {}
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;
Network::~Network() = default;

const SnnOptions& Network::options() const { return state_->options; }
const SnnParams& Network::params() const { return state_->params; }
unsigned Network::threads() const { return state_->pool.size(); }

InferenceResult Network::infer(std::span<const features::PictureView> pictures) {
  return infer(pictures.size(), [&](size_t i) { return pictures[i]; });
}

InferenceResult Network::infer(size_t count, const std::function<features::PictureView(size_t)>& picture) {
  State& s = *state_;
  const auto classes = static_cast<Eigen::Index>(s.options.classes);
  InferenceResult r;
  r.logits.resize(static_cast<Eigen::Index>(count), classes);
  r.predicted.resize(count);
  r.input_events.resize(count);
  r.hidden_spikes.resize(count);
  r.synaptic_ops.resize(count);
  // Blocks of windows per item keep the hand-out cheap; each window's result
  // goes to its own slot, so the threads never change an answer.
  constexpr size_t kBlock = 16;
  const size_t blocks = (count + kBlock - 1) / kBlock;
  s.pool.run(blocks, [&](size_t block, unsigned worker) {
    KernelWorkspace<float>& ws = s.workspaces[worker];
    const size_t end = std::min(count, (block + 1) * kBlock);
    for (size_t i = block * kBlock; i < end; ++i) {
      const WindowOutcome out = s.kernel.forward(picture(i), -1, ws, /*record=*/false);
      std::copy_n(ws.logits().data(), classes, r.logits.row(static_cast<Eigen::Index>(i)).data());
      r.predicted[i] = out.predicted;
      r.input_events[i] = out.input_events;
      r.hidden_spikes[i] = static_cast<uint32_t>(out.spikes);
      r.synaptic_ops[i] = synaptic_ops(s.options, out.input_events, r.hidden_spikes[i]);
    }
  });
  return r;
}

WindowActivity Network::infer_one(features::PictureView picture, std::span<float> logits) {
  State& s = *state_;
  FLOWSPIKE_ASSERT(logits.size() == s.options.classes);
  const WindowOutcome out = s.kernel.forward(picture, -1, s.workspaces[0], /*record=*/false);
  std::copy_n(s.workspaces[0].logits().data(), logits.size(), logits.data());
  WindowActivity a;
  a.predicted = out.predicted;
  a.input_events = out.input_events;
  a.hidden_spikes = static_cast<uint32_t>(out.spikes);
  a.synaptic_ops = synaptic_ops(s.options, a.input_events, a.hidden_spikes);
  return a;
}

}  // namespace flowspike::snn
