// The energy proxy of DESIGN section 7: how much work the event-driven SNN did
// per window, next to the multiply-accumulates a dense ANN of the same shape
// would need. Counts, not joules: an input event (a non-zero picture cell) adds
// one row of W1 to the hidden layer (`hidden` accumulates), a hidden spike adds
// one row of W2 to the readout (`classes` accumulates). Plain value types.
#pragma once

#include <cstdint>
#include <span>

#include "flowspike/snn/options.h"

namespace flowspike::eval {

// The layer sizes that the work depends on.
struct NetworkShape {
  uint32_t inputs = 300;
  uint32_t hidden = 100;
  uint32_t classes = 14;
  uint32_t time_bins = 300;

  static NetworkShape of(const snn::SnnOptions& options) {
    return {options.inputs, options.hidden, options.classes, options.time_bins};
  }
  // T x (inputs x hidden + hidden x classes): a dense ANN of this shape, run
  // on every time bin.
  int64_t dense_ann_macs() const;
};

// The work of one window.
struct WindowActivity {
  int64_t input_events = 0;   // non-zero picture cells
  int64_t hidden_spikes = 0;  // spikes of all hidden neurons over all time bins
  int64_t synaptic_ops = 0;   // input_events x hidden + hidden_spikes x classes

  static WindowActivity of(int64_t input_events, int64_t hidden_spikes, const NetworkShape& shape) {
    return {input_events, hidden_spikes, input_events * shape.hidden + hidden_spikes * shape.classes};
  }
};

// Means over the evaluated windows.
struct EnergySummary {
  int64_t windows = 0;
  double mean_input_events = 0.0;
  double mean_hidden_spikes = 0.0;
  double mean_synaptic_ops = 0.0;
  double max_synaptic_ops = 0.0;
  int64_t dense_ann_macs = 0;           // per window (the same for every window)
  double dense_to_synaptic_ratio = 0.0; // dense_ann_macs / mean_synaptic_ops (0 when no ops)
};

EnergySummary summarise_energy(std::span<const WindowActivity> windows, const NetworkShape& shape);

}  // namespace flowspike::eval
