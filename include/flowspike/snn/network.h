// Inference with a trained network: logits and activity counts of many
// windows, spread over worker threads. The energy proxy of DESIGN section 7:
//   input events     = non-zero cells of the picture (one event carries its count)
//   hidden spikes    = spikes of the hidden layer over the whole window
//   synaptic ops     = input events x hidden + hidden spikes x classes
// (each input event reaches every hidden neuron, each spike every readout
// neuron). Results do not depend on the number of threads.
// A Network owns a copy of the parameters and its worker pool; infer() may be
// called from one thread at a time (give each thread its own Network).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/snn/options.h"
#include "flowspike/snn/params.h"

namespace flowspike::snn {

// One window's activity.
struct WindowActivity {
  int32_t predicted = 0;       // argmax of the logits
  uint32_t input_events = 0;
  uint32_t hidden_spikes = 0;
  uint64_t synaptic_ops = 0;
};

// Results of a batch, one row or entry per window, in input order.
struct InferenceResult {
  RowMatrix<float> logits;              // windows x classes
  std::vector<int32_t> predicted;       // argmax of each row (lowest class on ties)
  std::vector<uint32_t> input_events;
  std::vector<uint32_t> hidden_spikes;
  std::vector<uint64_t> synaptic_ops;

  size_t size() const { return predicted.size(); }
};

// input_events x hidden + hidden_spikes x classes.
inline uint64_t synaptic_ops(const SnnOptions& options, uint64_t input_events, uint64_t hidden_spikes) {
  return input_events * options.hidden + hidden_spikes * options.classes;
}

class Network {
 public:
  // Throws flowspike::Error if the options are invalid or the parameters do not
  // have their shapes. threads = 0: all hardware threads.
  Network(const SnnOptions& options, const SnnParams& params, unsigned threads = 0);
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;
  ~Network();

  const SnnOptions& options() const;
  const SnnParams& params() const;
  unsigned threads() const;

  // Every picture, in parallel. Throws flowspike::Error if a picture has a cell
  // outside the network's time bins x inputs or is not sorted by time bin.
  InferenceResult infer(std::span<const features::PictureView> pictures);
  // Pictures produced on demand (e.g. rows of a dataset); `picture` is called
  // from several threads at once and must be thread-safe.
  InferenceResult infer(size_t count, const std::function<features::PictureView(size_t)>& picture);

  // One window on the calling thread; `logits` receives classes() values.
  WindowActivity infer_one(features::PictureView picture, std::span<float> logits);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flowspike::snn
